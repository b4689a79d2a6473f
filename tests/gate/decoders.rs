//! The conformance gate against decoders that behave and decoders that misbehave in each
//! way the gate must survive: the exact verdict, the blamed case, the exit code.
//!
//! The fixtures are `tests/fixtures/misbehave.py MODE` (one misbehaviour per mode, on top
//! of the reference Python decoder) and `tests/fixtures/wrapper.sh` (a shell wrapper whose
//! grandchild holds the pipes). They need python3, node and sh on PATH.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use amperr::Profile;
use amperr::gate::case::Case;
use amperr::gate::report::Failure;
use amperr::gate::{self, Conclusion, Corpus, FieldName, Options, Report};

/// 0x20200194, where the fixtures' one-off misbehaviour happens.
const TARGET_ID: &str = "documented/0x20200194";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn path(relative: &str) -> String {
    root().join(relative).display().to_string()
}

/// Short timeouts, with room for a slow python3 start on a loaded machine.
fn fast() -> Options {
    Options {
        idle_timeout: Duration::from_secs(1),
        ..Options::default()
    }
}

/// [`fast`], with at most `max_restarts` restarts.
fn fast_restarting(max_restarts: u32) -> Options {
    Options {
        max_restarts,
        ..fast()
    }
}

fn run(argv: &[&str], profile: Profile, options: &Options) -> Report {
    let argv: Vec<String> = argv.iter().map(|a| a.to_string()).collect();
    gate::run(
        &argv,
        &Corpus::generate(profile, 0, 0),
        options,
        &mut |_| {},
    )
}

fn misbehave(mode: &str, options: &Options) -> Report {
    run(
        &["python3", &path("tests/fixtures/misbehave.py"), mode],
        Profile::DOC,
        options,
    )
}

/// The report's only failing group; asserts that there is exactly one.
fn only_group(report: &Report) -> &gate::report::Group {
    assert_eq!(report.groups.len(), 1, "{}", report.text());
    &report.groups[0]
}

/// A one-off failure on the target: one case fails as `failure`, all others pass.
fn assert_blamed_on_target(report: &Report, failure: Failure, detail: &str) {
    let group = only_group(report);
    assert_eq!(group.failure, failure, "{}", report.text());
    assert_eq!(group.count, 1);
    assert_eq!(group.example.id, TARGET_ID);
    let got = group.example.detail.as_deref().unwrap_or_default();
    assert!(got.contains(detail), "{got:?} lacks {detail:?}");
    assert_eq!(
        group
            .example
            .reproduce
            .as_deref()
            .unwrap_or("")
            .split(" | ")
            .next(),
        Some("echo 538968468")
    );
    assert_eq!(report.counts.pass, report.cases - 1);
    assert_eq!(report.conclusion, Conclusion::NotConformant);
    assert_eq!(report.exit_code(), 1);
}

#[test]
fn the_reference_adapters_conform_under_both_profiles() {
    let adapter = PathBuf::from(env!("CARGO_BIN_EXE_amperr"))
        .with_file_name("examples")
        .join("adapter");
    let adapter = adapter.display().to_string();
    for profile in Profile::ALL {
        let commands: [Vec<&str>; 3] = [
            vec!["python3", "examples/adapters/decoder.py"],
            vec!["node", "examples/adapters/decoder.js"],
            vec![&adapter],
        ];
        for mut argv in commands {
            argv.extend(["--profile", profile.id()]);
            let argv: Vec<String> = argv
                .iter()
                .map(|a| {
                    if a.starts_with("examples/") {
                        path(a)
                    } else {
                        a.to_string()
                    }
                })
                .collect();
            let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
            let report = run(&argv, profile, &fast());
            assert_eq!(
                report.conclusion,
                Conclusion::Conformant,
                "{}",
                report.text()
            );
            assert_eq!(report.counts.pass, report.cases);
            assert!(report.fields.iter().all(|f| f.checked && f.failed == 0));
            assert!(
                report
                    .implementation_defined_answers
                    .iter()
                    .all(|s| s.answer == "null" || s.answer == "\"\"")
            );
        }
    }
}

#[test]
fn silent_answers_past_those_listed_are_counted_in_the_report() {
    // A different area name for every code of a reserved area: far more distinct answers
    // than the report lists, and the rest must still be accounted for.
    let report = misbehave("distinct-silent", &fast());
    assert_eq!(
        report.conclusion,
        Conclusion::Conformant,
        "{}",
        report.text()
    );
    let area_name = report
        .fields
        .iter()
        .find(|f| f.field == FieldName::AreaName)
        .unwrap();
    let listed: Vec<_> = report
        .implementation_defined_answers
        .iter()
        .filter(|s| s.field == FieldName::AreaName)
        .collect();
    let listed_cases: usize = listed.iter().map(|s| s.count).sum();
    assert!(listed.len() < area_name.implementation_defined);
    assert!(listed_cases < area_name.implementation_defined);
    let rest = area_name.implementation_defined - listed_cases;
    let text = report.text();
    let line = format!("other answers, not listed ({rest} cases)");
    assert!(text.contains(&line), "no {line:?} in:\n{text}");
    assert!(report.html().contains("other answers, not listed"));
}

#[test]
fn a_wrong_field_is_grouped_by_field_and_class() {
    let report = misbehave("wrong-message", &fast());
    assert_eq!(report.conclusion, Conclusion::NotConformant);
    assert!(!report.groups.is_empty());
    for group in &report.groups {
        assert_eq!(group.failure, Failure::Mismatch(FieldName::Message));
        assert_eq!(group.categories, [2]);
        assert_eq!(group.example.got.as_deref(), Some("\"Network error.\""));
        let expected = "\"A network error caused the video download to fail part-way.\"";
        assert_eq!(group.example.expected.as_deref(), Some(expected));
    }
    let documented = &report.groups[0];
    assert_eq!(
        documented.summary,
        "message wrong for category 0x02 in areas 0..6 (documented codes)"
    );
    assert_eq!(documented.example.id, "documented/0x00200000");
    assert_eq!(
        report.counts.mismatch,
        report.groups.iter().map(|g| g.count).sum::<usize>()
    );
}

#[test]
fn the_pages_categorizing_chain_fails_exactly_the_shared_bit_categories() {
    let report = misbehave("page-chain", &fast());
    let documented = report
        .groups
        .iter()
        .find(|g| g.class == amperr::Class::Documented)
        .expect("documented codes misfiled");
    assert_eq!(documented.failure, Failure::Mismatch(FieldName::Category));
    assert_eq!(documented.categories, [3, 5, 6, 255]);
    assert_eq!(documented.areas, (0..=6).collect::<Vec<u8>>());
    assert_eq!(documented.example.id, "documented/0x00300000");
    assert_eq!(documented.example.got.as_deref(), Some("1"));
}

#[test]
fn a_crash_fails_the_case_that_crashes_and_the_run_goes_on() {
    assert_blamed_on_target(
        &misbehave("crash", &fast()),
        Failure::Crash,
        "killed by signal 11 (SIGSEGV)",
    );
    assert_blamed_on_target(
        &misbehave("exit", &fast()),
        Failure::Crash,
        "exited with status 3",
    );
}

#[test]
fn a_buffered_decoder_that_crashes_is_blamed_on_the_right_case() {
    // Its answers before the crash die in its buffer, so the case in flight is innocent.
    assert_blamed_on_target(
        &misbehave("buffered-crash", &fast()),
        Failure::Crash,
        "SIGSEGV",
    );
}

#[test]
fn a_hang_times_out_on_the_case_that_hangs() {
    assert_blamed_on_target(
        &misbehave("hang", &fast()),
        Failure::Timeout,
        "idle timeout",
    );
    assert_blamed_on_target(
        &misbehave("buffered-hang", &fast()),
        Failure::Timeout,
        "idle timeout",
    );
}

#[test]
fn a_decoder_that_stops_reading_cannot_block_the_gate() {
    let options = Options {
        idle_timeout: Duration::from_secs(1),
        max_restarts: 3,
        ..Options::default()
    };
    let started = Instant::now();
    let report = misbehave("stop-reading", &options);
    assert!(started.elapsed() < Duration::from_secs(30));
    assert_eq!(report.conclusion, Conclusion::NotConformant);
    // Its eleventh case alone passes; a control run stops at the same place.
    assert_eq!(report.restarts, 2);
    assert!(report.counts.pass >= 10);
    assert!(report.counts.not_run > 20_000);
    let problem = report.run_problems.join("\n");
    assert!(
        problem.contains("stops answering after 10 answers in a run, whatever the case"),
        "{problem}"
    );
}

#[test]
fn protocol_errors_name_the_line_and_the_case() {
    let report = misbehave("garbage", &fast());
    assert_blamed_on_target(&report, Failure::ProtocolError, "not a JSON object");
    assert!(
        report.groups[0]
            .example
            .detail
            .as_deref()
            .unwrap()
            .contains("line 1 of the decoder's stdout"),
        "the line of the case's own run, alone"
    );
    // It skips the answer to the target: alone, it ends its output without answering.
    assert_blamed_on_target(
        &misbehave("out-of-step", &fast()),
        Failure::ProtocolError,
        "without answering",
    );
    assert_blamed_on_target(
        &misbehave("long-line", &fast()),
        Failure::ProtocolError,
        "longer than 65536 bytes",
    );
}

#[test]
fn a_crash_on_the_last_case_fails_the_gate_when_the_restart_limit_cuts_its_search_short() {
    // The last case passes alone; the control run that would decide is past the limit.
    let options = fast_restarting(1);
    let report = misbehave("crash-on-last-unless-first", &options);
    assert_eq!(
        report.conclusion,
        Conclusion::NotConformant,
        "{}",
        report.text()
    );
    assert_eq!(report.exit_code(), 1);
    let problem = report.run_problems.join("\n");
    assert!(problem.contains("exited with status 1"), "{problem}");
    assert!(problem.contains("restart limit"), "{problem}");
}

#[test]
fn a_decoder_failing_on_the_first_and_the_middle_case_is_not_called_broken() {
    let options = fast_restarting(16);
    let report = misbehave("no-area-0-or-reserved", &options);
    assert_eq!(
        report.conclusion,
        Conclusion::NotConformant,
        "{}",
        report.text()
    );
    assert_eq!(report.exit_code(), 1);
    assert!(report.counts.pass > 0, "{}", report.text());
    assert!(report.counts.crash > 0, "{}", report.text());
    assert!(
        !report.text().contains("never answered"),
        "{}",
        report.text()
    );
}

#[test]
fn the_64_kib_bound_is_on_the_answer_not_its_line_ending() {
    // An answer of exactly 65,536 bytes passes whether \n or \r\n ends it; a byte more
    // is a protocol error either way. Nothing here waits for the idle timeout: the
    // default leaves a python3 slow to start on a loaded machine room not to time out.
    let patient = Options::default();
    for ending in ["lf", "crlf"] {
        let report = misbehave(&format!("bound-65536-{ending}"), &patient);
        assert_eq!(
            report.conclusion,
            Conclusion::Conformant,
            "{ending}: {}",
            report.text()
        );
        assert_blamed_on_target(
            &misbehave(&format!("bound-65537-{ending}"), &patient),
            Failure::ProtocolError,
            "longer than 65536 bytes",
        );
    }
}

#[test]
fn garbage_on_every_attempt_is_a_broken_decoder() {
    let options = fast_restarting(10);
    let report = misbehave("garbage-all", &options);
    assert_eq!(report.conclusion, Conclusion::Broken);
    assert_eq!(report.exit_code(), 3);
    // The first case alone, then seven spread over the corpus, each alone: garbage
    // whatever the case, blamed on none.
    assert_eq!(report.restarts, 8);
    assert_eq!(report.counts.protocol_error, 0);
    assert_eq!(report.counts.not_run, report.cases);
    let problem = report.run_problems.join("\n");
    assert!(problem.contains("not a JSON object"), "{problem}");
    assert!(problem.contains("whatever the case"), "{problem}");
}

#[test]
fn a_decoder_that_cannot_start_is_broken() {
    let report = run(&["/nonexistent/decoder"], Profile::DOC, &fast());
    assert_eq!(report.conclusion, Conclusion::NotStarted);
    assert_eq!(report.exit_code(), 3);
    assert_eq!(report.counts.not_run, report.cases);
    assert!(report.run_problems[0].contains("could not start \"/nonexistent/decoder\""));
}

#[test]
fn refusals_are_their_own_outcome() {
    let report = misbehave("refuse", &fast());
    assert_eq!(report.counts.refused, 80);
    assert!(
        report
            .groups
            .iter()
            .all(|g| g.failure == Failure::Refused && g.categories == [0x42])
    );
    let detail = report.groups[0].example.detail.as_deref().unwrap();
    assert_eq!(detail, "refused: category 0x42 is not supported");
    assert_eq!(report.conclusion, Conclusion::NotConformant);
}

#[test]
fn another_name_of_the_same_value_is_accepted_and_noted() {
    let argv = [
        "python3",
        &path("tests/fixtures/misbehave.py"),
        "alias",
        "amp-2.3.0",
    ];
    let report = run(&argv, Profile::AMP_2_3_0, &fast());
    assert_eq!(
        report.conclusion,
        Conclusion::Conformant,
        "{}",
        report.text()
    );
    assert_eq!(report.aliases_accepted.get("abortedErrStart"), Some(&16));
    // The page defines no aliases: under doc the same answer is wrong.
    assert_eq!(
        misbehave("alias", &fast()).conclusion,
        Conclusion::NotConformant
    );
}

#[test]
fn fields_never_sent_are_not_checked_unless_required() {
    let report = misbehave("missing-fields", &fast());
    assert_eq!(report.conclusion, Conclusion::Conformant);
    let unchecked: Vec<FieldName> = report
        .fields
        .iter()
        .filter(|f| !f.checked)
        .map(|f| f.field)
        .collect();
    assert_eq!(unchecked, [FieldName::Name, FieldName::Message]);
    let options = Options {
        require: vec![FieldName::Name],
        ..fast()
    };
    let report = misbehave("missing-fields", &options);
    assert_eq!(report.conclusion, Conclusion::NotConformant);
    assert!(
        report
            .groups
            .iter()
            .all(|g| g.failure == Failure::Missing(FieldName::Name))
    );
    assert_eq!(report.counts.mismatch, report.cases);
    let name = &report.fields[FieldName::Name as usize];
    assert!(name.checked && name.required);
    assert_eq!((name.sent, name.failed), (0, report.cases));
}

/// A field left out of some answers is checked only where sent: the report says so, with
/// the counts, rather than listing it as checked like a field sent in every answer.
#[test]
fn a_field_left_out_of_some_answers_is_noted() {
    let report = misbehave("name-when-known", &fast());
    assert_eq!(report.conclusion, Conclusion::Conformant);
    let name = &report.fields[FieldName::Name as usize];
    assert!(name.checked && 0 < name.sent && name.sent < report.cases);
    let note = format!(
        "name was sent in {} of the {} answers and left out of the other {}: it was \
         checked only where sent (--require-fields name fails an answer without it)",
        name.sent,
        report.cases,
        report.cases - name.sent
    );
    assert_eq!(report.notes, [note]);
    let text = report.text();
    assert!(text.contains(&report.notes[0]), "{text}");
    // Fields sent in every answer, or in none, get no such note.
    assert!(misbehave("missing-fields", &fast()).notes.is_empty());
}

#[test]
fn a_decoder_must_exit_0_when_its_input_ends() {
    let report = misbehave("exit-1-at-end", &fast());
    assert_eq!(report.counts.pass, report.cases);
    assert_eq!(report.conclusion, Conclusion::NotConformant);
    assert_eq!(
        report.run_problems,
        ["the decoder exited with status 1 after answering every case"]
    );
    let report = misbehave("linger", &fast());
    assert_eq!(report.conclusion, Conclusion::NotConformant);
    assert!(report.run_problems[0].contains("did not exit within 1s (the idle timeout)"));
}

#[test]
fn a_decoder_has_the_idle_timeout_to_exit_once_its_work_is_done() {
    // 2.2 s from its last answer to its exit 0: within the idle timeout (5 s by default),
    // so it conforms.
    let report = misbehave("exit-late", &Options::default());
    assert_eq!(
        report.conclusion,
        Conclusion::Conformant,
        "{}",
        report.text()
    );
    assert!(report.run_problems.is_empty(), "{:?}", report.run_problems);
    // The time is counted from its last answer: 2 s of answers after its stdin was closed
    // are work, not a slow exit.
    let report = misbehave("late-answers", &fast());
    assert_eq!(
        report.conclusion,
        Conclusion::Conformant,
        "{}",
        report.text()
    );
    // Past the idle timeout (1 s here) it has not exited: that fails, and says so truly.
    let report = misbehave("exit-late", &fast());
    assert_eq!(report.counts.pass, report.cases);
    assert_eq!(report.conclusion, Conclusion::NotConformant);
    assert_eq!(
        report.run_problems,
        [
            "the decoder did not exit within 1s (the idle timeout) once it had answered every \
          case and its stdin was closed"
        ]
    );
}

#[test]
fn the_whole_process_group_is_killed_and_reaped() {
    let pid_file =
        std::env::temp_dir().join(format!("amperr-grandchild-{}.pid", std::process::id()));
    let report = run(
        &[
            "sh",
            &path("tests/fixtures/wrapper.sh"),
            &pid_file.display().to_string(),
        ],
        Profile::DOC,
        &fast(),
    );
    assert_blamed_on_target(&report, Failure::Timeout, "idle timeout");
    let pid = std::fs::read_to_string(&pid_file).unwrap();
    let _ = std::fs::remove_file(&pid_file);
    // Gone entirely: neither running (an orphan) nor a zombie waiting to be reaped.
    assert!(
        !PathBuf::from(format!("/proc/{}", pid.trim())).exists(),
        "grandchild {pid} survived"
    );
}

#[test]
fn the_total_timeout_ends_the_run() {
    let options = Options {
        idle_timeout: Duration::from_secs(60),
        total_timeout: Duration::from_secs(1),
        ..Options::default()
    };
    let started = Instant::now();
    let report = misbehave("hang", &options);
    assert!(started.elapsed() < Duration::from_secs(10));
    // The hang is not traced to one case before time runs out: nothing is blamed.
    assert_eq!(report.counts.timeout, 0);
    assert!(report.counts.not_run > 0);
    assert!(report.groups.iter().all(|g| g.failure == Failure::NotRun));
    assert_eq!(report.conclusion, Conclusion::NotConformant);
}

fn amperr_check(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_amperr"))
        .arg("check")
        .args(args)
        .current_dir(root())
        .output()
        .unwrap();
    let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
    (out.status.code(), text(out.stdout), text(out.stderr))
}

#[test]
fn exit_codes_of_the_cli() {
    let (code, out, _) = amperr_check(&["--", "python3", "examples/adapters/decoder.py"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.starts_with("amperr check: CONFORMANT\n"));
    let (code, out, _) = amperr_check(&[
        "--",
        "python3",
        "tests/fixtures/misbehave.py",
        "wrong-message",
    ]);
    assert_eq!(code, Some(1));
    assert!(
        out.contains("reproduce: echo 2097152 | python3 tests/fixtures/misbehave.py wrong-message"),
        "{out}"
    );
    let (code, out, _) = amperr_check(&["--", "/nonexistent/decoder"]);
    assert_eq!(code, Some(3));
    assert!(out.contains("could not start"));
    for usage in [
        &[][..],
        &["--require-fields", "nme", "--", "true"][..],
        &["--idle-timeout", "-1", "--", "true"][..],
    ] {
        let (code, _, err) = amperr_check(usage);
        assert_eq!(code, Some(2), "{usage:?}");
        assert!(!err.is_empty());
    }
}

// Regression tests for what an adversarial review found.

/// A pid file for a fixture to write to, and a check that the process it names is gone.
struct PidFile(PathBuf);

impl PidFile {
    fn new(name: &str) -> PidFile {
        PidFile(std::env::temp_dir().join(format!("amperr-{name}-{}.pid", std::process::id())))
    }

    fn assert_gone(&self) {
        let pid = std::fs::read_to_string(&self.0).expect("the fixture wrote its pid");
        let _ = std::fs::remove_file(&self.0);
        assert!(
            !PathBuf::from(format!("/proc/{}", pid.trim())).exists(),
            "process {pid} survived the gate"
        );
    }
}

fn misbehave_with_pid(mode: &str, pid_file: &PidFile, options: &Options) -> Report {
    let argv = [
        "env",
        &format!("AMPERR_TEST_PIDFILE={}", pid_file.0.display()),
        "python3",
        &path("tests/fixtures/misbehave.py"),
        mode,
    ];
    run(&argv, Profile::DOC, options)
}

#[test]
fn a_decoder_that_leaves_its_process_group_cannot_hang_the_gate() {
    let pid_file = PidFile::new("escape");
    let started = Instant::now();
    let report = misbehave_with_pid("escape", &pid_file, &fast_restarting(2));
    assert!(started.elapsed() < Duration::from_secs(60));
    assert_eq!(report.conclusion, Conclusion::NotConformant);
    pid_file.assert_gone();
}

#[test]
fn a_daemon_in_a_session_of_its_own_does_not_outlive_the_gate() {
    let pid_file = PidFile::new("daemon");
    let report = misbehave_with_pid("daemon", &pid_file, &fast());
    assert_eq!(report.counts.pass, report.cases, "{}", report.text());
    pid_file.assert_gone();
}

#[test]
fn a_crash_that_no_single_case_causes_is_blamed_on_none() {
    let report = misbehave("crash-on-second", &fast_restarting(6));
    assert!(
        report.groups.iter().all(|g| g.failure == Failure::NotRun),
        "{}",
        report.text()
    );
    let problem = report.run_problems.join("\n");
    assert!(
        problem.contains("exited with status 1 after 1 answer in a run, whatever the case"),
        "{problem}"
    );
    assert_eq!(report.conclusion, Conclusion::NotConformant);
}

#[test]
fn the_total_timeout_blames_no_case() {
    let options = Options {
        total_timeout: Duration::from_secs(1),
        ..fast()
    };
    let report = misbehave("slow", &options);
    assert_eq!(report.counts.timeout, 0, "{}", report.text());
    assert!(report.counts.not_run > 0);
    let detail = report.groups[0].example.detail.as_deref().unwrap();
    assert!(detail.contains("total timeout"), "{detail}");
}

#[test]
fn a_decoder_still_reading_its_input_is_not_idle() {
    // Over two seconds of reading before the first answer, twice the idle timeout; the
    // gate sees the decoder take its requests.
    let options = Options {
        idle_timeout: Duration::from_secs(1),
        ..Options::default()
    };
    let corpus = Corpus::generate(Profile::DOC, 0, 0);
    let argv: Vec<String> = [
        "python3",
        &path("tests/fixtures/misbehave.py"),
        "slow-reader",
    ]
    .map(String::from)
    .to_vec();
    let report = gate::run(&argv, &corpus, &options, &mut |_| {});
    assert_eq!(
        report.conclusion,
        Conclusion::Conformant,
        "{}",
        report.text()
    );
    assert_eq!(report.restarts, 0);
}

#[test]
fn a_repeated_answer_is_named_as_such() {
    let report = misbehave("repeat", &fast());
    let group = &report.groups[0];
    assert_eq!(group.failure, Failure::ProtocolError);
    assert!(
        group.example.detail.as_deref().unwrap().contains("again"),
        "{}",
        report.text()
    );
}

#[test]
fn a_decoder_cannot_forge_report_lines_or_drive_the_terminal() {
    let report = misbehave("inject", &fast());
    let text = report.text();
    assert!(!text.contains('\u{1b}'), "{text:?}");
    assert_eq!(text.matches("\n  outcomes").count(), 1);
    assert!(
        text.contains("refused: x\\r\\u{1b}[2K\\n  outcomes"),
        "{text}"
    );
}

#[test]
fn a_crash_is_a_crash_even_when_a_child_holds_the_pipe() {
    assert_blamed_on_target(
        &misbehave("crash-with-child", &fast()),
        Failure::Crash,
        "SIGSEGV",
    );
}

#[test]
fn an_expected_crash_found_by_the_search_does_not_fail_the_gate() {
    let list = "[[xfail]]\ncase = \"documented/0x20200194\"\nfield = \"*\"\nreason = \"crashes (PLAYER-1)\"\n";
    let options = Options {
        xfail: amperr::gate::Xfail::from_toml(list).unwrap(),
        ..fast()
    };
    let report = misbehave("buffered-crash", &options);
    assert_eq!(
        report.conclusion,
        Conclusion::Conformant,
        "{}",
        report.text()
    );
    assert_eq!(report.counts.expected_failure, 1);
    assert!(!report.notes.is_empty(), "the search is noted");
}

#[test]
fn a_decoder_that_crashes_after_a_fixed_count_fails_whatever_the_case() {
    let report = misbehave("crash-every-1000", &fast());
    assert_eq!(
        report.counts.pass, 1001,
        "the cases before it, and the 1001st alone"
    );
    assert_eq!(report.restarts, 2);
    assert_eq!(
        report.conclusion,
        Conclusion::NotConformant,
        "{}",
        report.text()
    );
    let problem = report.run_problems.join("\n");
    assert!(
        problem.contains("exited with status 1 after 1000 answers in a run, whatever the case"),
        "{problem}"
    );
}

#[test]
fn a_crash_on_the_only_case_is_blamed_on_it_not_a_broken_decoder() {
    // A corpus of one case (as a reproduce line runs): the case that crashes alone is at
    // fault, and the verdict is the same as in the run it came from.
    let argv = ["sh".to_string(), "-c".to_string(), "exit 7".to_string()];
    let corpus = Corpus::one(Profile::DOC, 0x2020_0194);
    let report = gate::run(&argv, &corpus, &fast(), &mut |_| {});
    assert_eq!(
        report.conclusion,
        Conclusion::NotConformant,
        "{}",
        report.text()
    );
    assert_eq!(report.exit_code(), 1);
    assert_eq!(only_group(&report).failure, Failure::Crash);
    assert_eq!(report.run_problems, Vec::<String>::new());
}

/// Answers every case at once from the oracle, in memory, behind a transport that takes
/// `before` to say which gate it is: a stand-in for all the gate does before it starts the
/// first peer (indexing an `--xfail` list, setting up the tally).
struct SlowToPrepare {
    before: Duration,
}

struct InMemory {
    answers: std::collections::VecDeque<String>,
    number: usize,
}

impl gate::transport::Transport for SlowToPrepare {
    type Session = InMemory;

    fn start(&mut self, cases: Vec<Case>) -> Result<InMemory, gate::transport::StartError> {
        let answers = cases
            .iter()
            .map(|case| amperr::decoder::adapter::answer(Profile::DOC, case.code.0).unwrap())
            .map(|line| line.trim_end().to_string())
            .collect();
        Ok(InMemory { answers, number: 0 })
    }

    fn reproduce(&self, case: &Case) -> String {
        format!("echo {}", case.code.0)
    }

    fn describe(&self) -> Vec<String> {
        vec!["in-memory".to_string()]
    }

    fn gate(&self) -> gate::report::Gate {
        std::thread::sleep(self.before);
        gate::report::Gate::CHECK
    }
}

impl gate::transport::Session for InMemory {
    fn next(&mut self, _wait: Duration) -> gate::transport::Next {
        match self.answers.pop_front() {
            Some(answer) => {
                self.number += 1;
                gate::transport::Next::Line(self.number, amperr::lines::Line::Text(answer))
            }
            None => gate::transport::Next::Ended,
        }
    }

    fn alive(&self) -> bool {
        false
    }

    fn taken(&self) -> u64 {
        0
    }

    fn ended(&mut self) -> gate::transport::Ended {
        gate::transport::Ended {
            what: "exited with status 0".to_string(),
            clean: true,
        }
    }

    fn finish(&mut self, _idle: Duration) -> gate::transport::Finish {
        gate::transport::Finish {
            extra_lines: 0,
            first_extra: None,
            exit: Ok(()),
        }
    }

    fn diagnostics(&self) -> String {
        String::new()
    }
}

#[test]
fn the_total_timeout_counts_from_the_start_of_the_decoder() {
    // What comes before the first decoder starts does not count: a large --xfail list
    // once took longer to match than --timeout, and the decoder never started ("BROKEN").
    let options = Options {
        total_timeout: Duration::from_millis(500),
        ..fast()
    };
    let corpus = Corpus::generate(Profile::DOC, 0, 0).shard(1, 100).unwrap();
    let mut transport = SlowToPrepare {
        before: Duration::from_millis(1500),
    };
    let (report, _) = gate::run_transport(&mut transport, &corpus, &options, &mut |_| {});
    assert_eq!(
        report.conclusion,
        Conclusion::Conformant,
        "{}",
        report.text()
    );
    assert_eq!(report.counts.pass, corpus.cases.len());
}

#[test]
fn a_decoder_still_reading_its_request_is_working_live_as_in_a_batch() {
    // A decoder that takes a byte of its request every 250 ms is still working after the
    // idle timeout (1 s): the batch run saw it so, the live one once called it a hang.
    let argv: Vec<String> = [
        "python3",
        &path("tests/fixtures/misbehave.py"),
        "byte-reader",
    ]
    .map(String::from)
    .to_vec();
    let corpus = Corpus::generate(Profile::DOC, 0, 0).only(&[0x2020_0194]);
    let batch = gate::run(&argv, &corpus, &fast(), &mut |_| {});
    assert_eq!(batch.conclusion, Conclusion::Conformant, "{}", batch.text());
    let mut live = gate::LiveDecoder::new(argv, fast().idle_timeout);
    let report = live.check(0x2020_0194, Profile::DOC);
    assert_eq!(
        report.conclusion,
        Conclusion::Conformant,
        "{}",
        report.text()
    );
}
