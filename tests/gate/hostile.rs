//! The gate's verdict under decoders written to misbehave (issue "A verdict users can
//! trust"): each test here failed on the gate before it was made to hold.
//!
//! Fixtures: `tests/fixtures/misbehave.py MODE`. They need python3 on PATH.

use std::path::PathBuf;
use std::time::Duration;

use amperr::Profile;
use amperr::gate::report::Failure;
use amperr::gate::{self, Conclusion, Corpus, Options, Report};

fn path(relative: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(relative)
        .display()
        .to_string()
}

fn argv(mode: &str) -> Vec<String> {
    vec![
        "python3".to_string(),
        path("tests/fixtures/misbehave.py"),
        mode.to_string(),
    ]
}

fn options(idle_seconds: u64) -> Options {
    Options {
        idle_timeout: Duration::from_secs(idle_seconds),
        ..Options::default()
    }
}

fn run(mode: &str, options: &Options) -> Report {
    let corpus = Corpus::generate(Profile::DOC, 0, 0);
    gate::run(&argv(mode), &corpus, options, &mut |_| {})
}

/// Every failing case the report blames reproduces: the decoder, given that case alone,
/// fails on it again (as its `reproduce:` line, `echo CODE | DECODER`, would show).
fn assert_every_blame_reproduces(report: &Report, mode: &str, options: &Options) {
    for group in &report.groups {
        if matches!(group.failure, Failure::NotRun | Failure::UnexpectedPass(_)) {
            continue;
        }
        let e = &group.example;
        let alone = Corpus::one(Profile::DOC, e.code);
        let again = gate::run(&argv(mode), &alone, options, &mut |_| {});
        assert_ne!(
            again.conclusion,
            Conclusion::Conformant,
            "{} is blamed ({}) but passes alone:\n{}",
            e.id,
            e.outcome(),
            report.text()
        );
    }
}

#[test]
fn a_batching_reader_that_answers_every_case_passes() {
    // It reads a request every 0.3 ms and answers 5000 at a time: 1.5 s without an answer
    // while it is still reading, once the gate has nothing left to write.
    let report = run("batching", &options(1));
    assert_eq!(
        report.conclusion,
        Conclusion::Conformant,
        "{}",
        report.text()
    );
    assert_eq!(report.restarts, 0);
}

#[test]
fn a_decoder_that_never_answers_is_broken_after_a_few_runs() {
    let report = run("silent", &options(1));
    assert_eq!(report.conclusion, Conclusion::Broken, "{}", report.text());
    assert_eq!(report.exit_code(), 3);
    // The first case and seven spread over the corpus, each alone in a fresh process.
    assert_eq!(report.restarts, 8, "{}", report.text());
    let problem = report.run_problems.join("\n");
    assert!(problem.contains("whatever the case"), "{problem}");
    assert!(problem.contains("never answered"), "{problem}");
}

#[test]
fn a_decoder_that_stops_after_a_fixed_count_is_told_so_plainly() {
    let report = run("hang-every-1000", &options(1));
    assert_eq!(
        report.conclusion,
        Conclusion::NotConformant,
        "{}",
        report.text()
    );
    assert!(report.restarts <= 3, "{} restarts", report.restarts);
    let problem = report.run_problems.join("\n");
    assert!(
        problem.contains("stops answering after 1000 answers in a run, whatever the case"),
        "{problem}"
    );
    // No case is blamed for it: those not reached are not run.
    assert!(
        report.groups.iter().all(|g| g.failure == Failure::NotRun),
        "{}",
        report.text()
    );
    assert_eq!(report.counts.timeout, 0);
}

/// A decoder that exits right after answering a case: the gate tries alone only the case in
/// flight and those after it, so it must not claim that no single case makes it fail (this
/// one, given alone, does).
#[test]
fn an_exit_right_after_an_answer_does_not_clear_the_cases_answered() {
    let report = run("exit-after-answer", &options(1));
    assert_eq!(report.exit_code(), 1, "{}", report.text());
    let problems = report.run_problems.join("\n");
    assert!(
        !problems.contains("no single case makes it fail"),
        "{problems}"
    );
    assert!(
        problems.contains("exited with status 1 in a run of several cases")
            && problems.contains("the cases answered before the failure were not tried alone"),
        "{problems}"
    );
}

#[test]
fn a_search_cut_short_by_the_restart_limit_is_not_called_fruitless() {
    // Buffered and crashing on every category-2 code: the search for each culprit takes
    // several runs, and the restart limit ends it midway.
    let options = Options {
        max_restarts: 8,
        ..options(1)
    };
    let report = run("buffered-crash-category-2", &options);
    let problems = report.run_problems.join("\n");
    assert!(
        !problems.contains("makes it fail again"),
        "{}",
        report.text()
    );
    assert!(
        report.groups.iter().any(|g| g.failure == Failure::NotRun
            && g.example
                .detail
                .as_deref()
                .unwrap_or("")
                .contains("restart limit")),
        "{}",
        report.text()
    );
    assert_every_blame_reproduces(&report, "buffered-crash-category-2", &options);
}

#[test]
fn answers_out_of_step_blame_no_innocent_case() {
    // Every run swaps its 101st and 102nd answers, whatever the cases.
    let report = run("swap", &options(1));
    assert_eq!(report.conclusion, Conclusion::NotConformant);
    assert_every_blame_reproduces(&report, "swap", &options(1));
    assert_eq!(report.counts.protocol_error, 0, "{}", report.text());
    let problems = report.run_problems.join("\n");
    assert!(problems.contains("out of step"), "{}", report.text());
}

#[test]
fn a_case_that_is_answered_twice_is_blamed_and_reproduces() {
    let report = run("repeat", &options(1));
    assert_eq!(report.conclusion, Conclusion::NotConformant);
    assert_every_blame_reproduces(&report, "repeat", &options(1));
}

#[test]
fn a_line_over_the_bound_is_a_protocol_error_at_once() {
    // No newline ever comes: the line is over 64 KiB long the moment it passes the bound.
    let options = Options {
        idle_timeout: Duration::from_secs(60),
        total_timeout: Duration::from_secs(50),
        max_restarts: 2,
        ..Options::default()
    };
    let report = run("long-no-newline", &options);
    assert_eq!(report.counts.timeout, 0, "{}", report.text());
    assert!(report.counts.protocol_error >= 1, "{}", report.text());
    let detail = report.groups[0].example.detail.clone().unwrap_or_default();
    assert!(detail.contains("longer than 65536 bytes"), "{detail}");
}

#[test]
fn duplicate_keys_are_a_protocol_error() {
    let report = run("duplicate-keys", &options(1));
    assert_eq!(report.counts.protocol_error, 1, "{}", report.text());
    let e = &report.groups[0].example;
    assert_eq!(e.id, "documented/0x20200194");
    let detail = e.detail.as_deref().unwrap_or_default();
    assert!(detail.contains("has the key \"code\" twice"), "{detail}");
}

#[test]
fn an_error_that_is_not_a_string_is_a_protocol_error_not_a_refusal() {
    let report = run("error-false", &options(1));
    assert_eq!(report.counts.protocol_error, 1, "{}", report.text());
    assert_eq!(report.counts.refused, 0, "{}", report.text());
    let e = &report.groups[0].example;
    assert_eq!(e.id, "documented/0x20200194");
    let detail = e.detail.as_deref().unwrap_or_default();
    assert!(detail.contains("\"error\" is false"), "{detail}");
}

#[test]
fn a_byte_order_mark_gets_its_own_hint() {
    let report = run("bom", &options(1));
    let detail = report.groups[0].example.detail.clone().unwrap_or_default();
    assert!(detail.contains("byte-order mark"), "{detail}");
}

#[test]
fn a_decoder_that_cannot_start_is_not_said_to_have_never_answered() {
    let corpus = Corpus::generate(Profile::DOC, 0, 0);
    let argv = vec!["/nonexistent/decoder".to_string()];
    let report = gate::run(&argv, &corpus, &options(1), &mut |_| {});
    assert_eq!(report.exit_code(), 3);
    let text = report.text();
    let headline = text.lines().next().unwrap_or_default();
    assert!(headline.contains("could not be started"), "{headline}");
    assert!(!text.contains("never answered"), "{text}");
}

#[test]
fn junit_does_not_call_unjudged_answers_as_expected() {
    // The reference decoder sends null where the profile is silent: implementation-defined,
    // accepted and not judged.
    let corpus = Corpus::generate(Profile::DOC, 0, 0);
    let argv = vec!["python3".to_string(), path("examples/adapters/decoder.py")];
    let report = gate::run(&argv, &corpus, &options(5), &mut |_| {});
    let junit = report.junit().unwrap();
    let message = junit
        .lines()
        .find(|l| l.contains("field message"))
        .map(|_| junit.split("field message").nth(1).unwrap_or_default())
        .unwrap_or_default();
    assert!(!message.contains("all as expected"), "{junit}");
    assert!(message.contains("implementation-defined"), "{junit}");
}
