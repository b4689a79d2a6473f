//! The gate in CI: every report format and exit code, `--output`, expected failures,
//! shards, test vectors and the table check, through the `amperr` command.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use amperr::gate::report::{GateKind, Report};

const PYTHON_DECODER: [&str; 2] = ["python3", "examples/adapters/decoder.py"];

use crate::common;

/// `amperr ARGS` with no input.
fn amperr(args: &[&str]) -> Output {
    common::amperr(args, b"")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// `amperr check ARGS -- DECODER...`
fn check(args: &[&str], decoder: &[&str]) -> Output {
    let mut all: Vec<&str> = vec!["check"];
    all.extend(args);
    all.push("--");
    all.extend(decoder);
    amperr(&all)
}

fn wrong_message() -> [&'static str; 3] {
    ["python3", "tests/fixtures/misbehave.py", "wrong-message"]
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

fn path(dir: &Path, name: &str) -> String {
    dir.join(name).display().to_string()
}

#[test]
fn json_is_the_source_of_every_other_view() {
    let dir = tmp();
    let json = path(dir.path(), "report.json");
    let out = check(&["--format", "json", "--output", &json], &wrong_message());
    assert_eq!(out.status.code(), Some(1));
    // With --output, stdout still gets the text report, for the CI log.
    assert!(text(&out.stdout).starts_with("amperr check: NOT CONFORMANT"));
    let report: Report = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(report.format_version, 2);
    assert_eq!(report.map.len(), 16);
    assert!(report.map.iter().all(|row| row.chars().count() == 256));
    assert_eq!(report.map[0].chars().nth(2), Some('M'));
    assert_eq!(report.map[0].chars().nth(1), Some('P'));

    // `amperr report` derives the other views from the saved JSON, with the same verdict.
    // A conversion succeeds (exit 0) whatever the verdict it carries.
    let from_json = amperr(&["report", &json]);
    assert_eq!(from_json.status.code(), Some(0));
    assert_eq!(text(&from_json.stdout), text(&out.stdout));
    for (format, marker) in [
        ("junit", "<testsuites"),
        ("html", "<!DOCTYPE html>"),
        ("json", "\"format_version\""),
    ] {
        let out = amperr(&["report", &json, "--format", format]);
        assert_eq!(out.status.code(), Some(0));
        assert!(text(&out.stdout).contains(marker), "{format}");
    }
}

#[test]
fn junit_has_one_test_case_per_group() {
    let out = check(&["--format", "junit"], &wrong_message());
    assert_eq!(out.status.code(), Some(1));
    let xml = text(&out.stdout);
    let failures = xml.matches("<failure").count();
    assert_eq!(
        failures, 3,
        "three groups: documented, undocumented, reserved areas\n{xml}"
    );
    assert!(xml.contains("message wrong for category 0x02 in areas 0..6 (documented codes)"));
    assert!(
        xml.contains("reproduce: echo 2097152 | python3 tests/fixtures/misbehave.py wrong-message")
    );
    // The fields that never failed are passing test cases.
    assert!(xml.contains("name=\"field area\""));
    assert!(!xml.contains("name=\"field message\""));

    let out = check(&["--format", "junit"], &PYTHON_DECODER);
    assert_eq!(out.status.code(), Some(0));
    let xml = text(&out.stdout);
    assert_eq!(xml.matches("<testcase").count(), 7);
    assert_eq!(xml.matches("<failure").count(), 0);
}

#[test]
fn html_is_one_self_contained_file() {
    let out = check(&["--format", "html"], &wrong_message());
    assert_eq!(out.status.code(), Some(1));
    let html = text(&out.stdout);
    assert_eq!(html.matches("<rect class=\"cell\"").count(), 4096);
    for external in [
        "<script src",
        "<link",
        "http://",
        "https://",
        "@import",
        "url(",
    ] {
        assert!(!html.contains(external), "{external}");
    }
}

#[test]
fn output_is_written_atomically_and_a_bad_path_is_a_usage_error() {
    let dir = tmp();
    let target = path(dir.path(), "report.html");
    std::fs::write(&target, "old").unwrap();
    let out = check(&["--format", "html", "--output", &target], &PYTHON_DECODER);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        std::fs::read_to_string(&target)
            .unwrap()
            .starts_with("<!DOCTYPE html>")
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary file left"
    );
    let out = check(
        &["--output", "/nonexistent/dir/report.txt"],
        &PYTHON_DECODER,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("cannot write to /nonexistent/dir/report.txt"));
}

#[test]
fn expected_failures_prune_themselves() {
    let dir = tmp();
    let baseline = path(dir.path(), "xfail.toml");
    // Today's failures as a baseline...
    let out = check(&["--write-xfail", &baseline], &wrong_message());
    assert_eq!(out.status.code(), Some(1));
    let written = std::fs::read_to_string(&baseline).unwrap();
    assert!(
        written.contains("case = \"documented/0x?02?????\"\nfield = \"message\""),
        "{written}"
    );
    // ...make the same decoder pass, its failures expected...
    let out = check(&["--xfail", &baseline], &wrong_message());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("xfail     288 expected failures, 0 unexpected passes"));
    // ...and a fixed decoder fails until the entries go.
    let out = check(&["--xfail", &baseline], &PYTHON_DECODER);
    assert_eq!(out.status.code(), Some(1));
    let report = text(&out.stdout);
    assert!(
        report.contains("message listed as failing but passes"),
        "{report}"
    );
    assert!(report.contains("remove the entry"));
}

#[test]
fn bad_xfail_files_are_usage_errors() {
    let dir = tmp();
    let cases = [
        (
            "[[xfail]]\ncase = \"nothing/*\"\nfield = \"message\"\nreason = \"r\"\n",
            "matches no case",
        ),
        (
            "[[xfail]]\ncase = \"*\"\nfield = \"colour\"\nreason = \"r\"\n",
            "field \"colour\"",
        ),
        ("[[xfail]]\ncase = \"*\"\n", "is not valid"),
    ];
    for (content, message) in cases {
        let file = path(dir.path(), "x.toml");
        std::fs::write(&file, content).unwrap();
        let out = check(&["--xfail", &file], &PYTHON_DECODER);
        assert_eq!(out.status.code(), Some(2), "{content}");
        assert!(text(&out.stderr).contains(message), "{}", text(&out.stderr));
    }
    let out = check(&["--xfail", "/nonexistent.toml"], &PYTHON_DECODER);
    assert_eq!(out.status.code(), Some(2));
    let out = check(
        &["--shard", "1/2", "--write-xfail", "x.toml"],
        &PYTHON_DECODER,
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn shards_together_run_every_case_once() {
    let mut total = 0;
    let whole: Report =
        serde_json::from_slice(&check(&["--format", "json"], &PYTHON_DECODER).stdout).unwrap();
    for k in 1..=3 {
        let shard = format!("{k}/3");
        let out = check(&["--shard", &shard, "--format", "json"], &PYTHON_DECODER);
        assert_eq!(out.status.code(), Some(0));
        let report: Report = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report.shard.as_deref(), Some(shard.as_str()));
        total += report.cases;
    }
    assert_eq!(total, whole.cases);
    for bad in ["0/3", "4/3", "1/0", "x", "1/"] {
        assert_eq!(
            check(&["--shard", bad], &PYTHON_DECODER).status.code(),
            Some(2),
            "{bad}"
        );
    }
}

#[test]
fn a_shard_that_selects_no_case_is_refused() {
    // 20,864 cases: shard 20865 of 20865 would run none, and an empty gate passes.
    let nothing = ["/nonexistent/decoder"];
    let out = check(&["--shard", "20865/20865"], &nothing);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    let err = text(&out.stderr);
    assert!(err.contains("--shard 20865/20865 selects no case"), "{err}");
    assert!(err.contains("the corpus has 20864 cases"), "{err}");
    assert!(out.stdout.is_empty());
    // --random adds cases: one more, and that shard has one (the decoder then cannot
    // start: exit 3), the next has none.
    let out = check(&["--random", "1", "--shard", "20865/20865"], &nothing);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    let out = check(&["--random", "1", "--shard", "20866/20866"], &nothing);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("the corpus has 20865 cases"), "{err}");
    // Many shards are fine as long as this one has a case.
    let out = check(&["--shard", "20864/30000"], &nothing);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
}

#[test]
fn vectors_are_the_oracles_answers() {
    let out = amperr(&["vectors", "--random", "10", "--seed", "4"]);
    assert_eq!(out.status.code(), Some(0));
    let lines: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let whole: Report = serde_json::from_slice(
        &check(
            &["--format", "json", "--random", "10", "--seed", "4"],
            &PYTHON_DECODER,
        )
        .stdout,
    )
    .unwrap();
    assert_eq!(lines.len(), whole.cases);
    for vector in lines.iter().step_by(997) {
        let code = vector["code"].as_u64().unwrap().to_string();
        let decoded: serde_json::Value =
            serde_json::from_slice(&amperr(&["decode", "--format", "json", &code]).stdout).unwrap();
        for (field, value) in vector["expected"].as_object().unwrap() {
            assert_eq!(&decoded[field], value, "{field} of {code}");
        }
        let silent: Vec<&str> = vector["implementation_defined"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let decoded_silent: Vec<&str> = decoded["implementation_defined"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(silent, decoded_silent);
    }
    assert!(
        lines
            .iter()
            .any(|v| v["id"].as_str().unwrap().starts_with("random/"))
    );
}

#[test]
fn the_2_3_0_table_passes_under_amp_2_3_0_and_fails_under_doc() {
    let table = "tests/fixtures/amp-2.3.0-errorCode.json";
    let out = amperr(&["check-table", "--profile", "amp-2.3.0", table]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(text(&out.stdout).starts_with("amperr check-table: CONFORMANT"));
    let out = amperr(&["check-table", table]);
    assert_eq!(out.status.code(), Some(1));
    let report = text(&out.stdout);
    assert!(
        report.contains("missing      networkErrErr = 0x0200259"),
        "{report}"
    );
    assert!(
        report.contains("unknown      networkErrError = 0x0200259"),
        "{report}"
    );
    let out = amperr(&["check-table", "--format", "json", table]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["conclusion"], "not_conformant");
    assert_eq!(json["missing"][0]["name"], "networkErrErr");
    assert_eq!(json["missing"][0]["value"], 2_097_753);
    // A value from the table is the JSON it was; a value from the profile, a number.
    let unknown = json["unknown"].as_array().unwrap();
    let error = unknown.iter().find(|u| u["name"] == "networkErrError");
    assert_eq!(error.unwrap()["value"], 2_097_753);
}

#[test]
fn a_bad_table_is_a_usage_error() {
    let dir = tmp();
    let file = path(dir.path(), "t.json");
    std::fs::write(&file, "[1, 2]").unwrap();
    for args in [
        vec!["check-table", file.as_str()],
        vec!["check-table", "/nonexistent.json"],
    ] {
        let out = amperr(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!text(&out.stderr).is_empty());
    }
    let out = amperr(&["report", &file]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("not a JSON report of amperr check"));
}

/// A table file is bounded like a page's table read with `--script` (1,048,576 characters
/// as JSON; 2.3.0's is about 1,700): a hostile 64 MiB one took 3.3 GB to report on.
#[test]
fn a_table_over_one_mib_is_refused_and_one_at_the_bound_is_read() {
    let dir = tmp();
    // `{"a0000001":1,...}` padded with spaces to exactly `len` bytes.
    let table = |len: usize| {
        let mut t = String::from("{");
        for i in 0..len / 20 {
            t.push_str(&format!("\"a{i:07}\":1,"));
        }
        t.pop();
        t.push('}');
        let pad = len - t.len();
        t.insert_str(1, &" ".repeat(pad));
        assert_eq!(t.len(), len);
        t
    };
    let file = path(dir.path(), "at.json");
    std::fs::write(&file, table(1 << 20)).unwrap();
    let out = amperr(&["check-table", &file]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    // Too large, however the cut at the bound falls: here inside a character.
    let mut cut = table(1 << 20).into_bytes();
    cut.truncate((1 << 20) - 1);
    cut.extend("\u{20AC}\"}".as_bytes());
    std::fs::write(path(dir.path(), "cut.json"), cut).unwrap();
    let out = amperr(&["check-table", &path(dir.path(), "cut.json")]);
    assert!(
        text(&out.stderr).contains("is larger than 1 MiB"),
        "{}",
        text(&out.stderr)
    );
    std::fs::write(&file, table((1 << 20) + 1)).unwrap();
    for args in [vec!["check-table", &file], vec!["check-table", "-"]] {
        let out = Command::new(env!("CARGO_BIN_EXE_amperr"))
            .args(&args)
            .stdin(std::fs::File::open(&file).unwrap())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = text(&out.stderr);
        assert!(stderr.contains("is larger than 1 MiB"), "{stderr}");
        assert!(
            stderr.contains(if args[1] == "-" { "-" } else { &file }),
            "{stderr}"
        );
    }
}

/// The report fuzz target's seeds are reports this build reads: they had gone stale (a
/// field added since), so every fuzzed input was refused before any view was made.
#[test]
fn the_report_fuzz_seeds_are_read() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/report");
    let mut seeds = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let read = Report::from_json(&text);
        assert!(read.is_ok(), "{}: {:?}", path.display(), read.err());
        seeds += 1;
    }
    assert!(seeds >= 2);
}

#[test]
fn a_huge_random_corpus_is_a_usage_error() {
    let out = check(&["--random", "10000001"], &PYTHON_DECODER);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("10000001"));
    assert_eq!(
        amperr(&["vectors", "--random", "4294967295"]).status.code(),
        Some(2)
    );
}

#[test]
fn a_closed_stdout_keeps_the_verdict() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_amperr"))
        .args(["check", "--format", "html", "--"])
        .args(wrong_message())
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
}

#[test]
fn the_github_actions_example_in_the_readme_is_valid_and_runs_these_commands() {
    let readme =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .unwrap();
    let start = readme.find("```yaml\n").expect("a yaml block in README");
    let workflow = &readme[start + 8..];
    let workflow = &workflow[..workflow.find("```").unwrap()];
    for expected in [
        "amperr check",
        "--format json --output amperr.json",
        "amperr report amperr.json --format junit",
        "--format html",
        "if: always()",
    ] {
        assert!(workflow.contains(expected), "{expected}");
    }
}

/// A saved report's kind reads back as the gate that wrote it and is written as it was
/// read; a report without one is of `check`; a kind no gate has is refused by name.
#[test]
fn a_reports_kind_reads_back_as_its_gate() {
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/report/minimal");
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(seed).unwrap()).unwrap();
    let read = |edit: &dyn Fn(&mut serde_json::Value)| {
        let mut json = saved.clone();
        edit(&mut json);
        Report::from_json(&json.to_string())
    };
    for (kind, gate, subject) in [
        ("check", GateKind::Check, "decoder"),
        ("check-player", GateKind::CheckPlayer, "player"),
        ("check-faults", GateKind::CheckFaults, "player"),
    ] {
        let report = read(&|j| j["kind"] = kind.into()).unwrap();
        assert_eq!((report.kind, report.subject()), (gate, subject));
        let written: serde_json::Value = serde_json::from_str(&report.json().unwrap()).unwrap();
        assert_eq!(written["kind"], kind);
        let headline = format!("amperr {kind}: NOT CONFORMANT");
        assert!(report.text().starts_with(&headline), "{}", report.text());
    }
    let untold = read(&|j| _ = j.as_object_mut().unwrap().remove("kind")).unwrap();
    assert_eq!(untold.kind, GateKind::Check);
    let refused = read(&|j| j["kind"] = "check-table".into()).unwrap_err();
    let says = "kind is \"check-table\": it is check, check-player or check-faults";
    assert_eq!(
        refused.to_string(),
        format!("not a JSON report of amperr check --format json: {says}")
    );
}
