//! `amperr check-player` and `check-table --script` on the fixture player builds of
//! `tests/fixtures/players/` in headless Chromium: each build has one known defect (or
//! none), and each test asserts the exact verdict, counted independently from the corpus.
//! Without `chromium` on PATH these tests say SKIPPED and pass, except under `CI=true`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use amperr::gate::Corpus;
use amperr::{Code, Profile};
use serde_json::Value;

use crate::common;

use common::{count, plugin, strings};

const PLAYERS: &str = "tests/fixtures/players";
const BUILD: &str = "tests/fixtures/players/amp-fixture.js";

/// The fixture build under amp-2.3.0, with `script` loaded after it.
fn build_and(script: &str) -> [&str; 6] {
    [
        "--profile",
        "amp-2.3.0",
        "--script",
        BUILD,
        "--script",
        script,
    ]
}

fn variant(name: &str) -> String {
    format!("{PLAYERS}/variants/{name}.js")
}

/// `amperr check-player --browser CHROMIUM ARGS --format json`: exit status, report, stderr.
fn check_player(chromium: &Path, args: &[&str]) -> (i32, Value, String) {
    let output = amperr_with_browser(chromium, "check-player", args, &["--format", "json"]);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let report = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not a JSON report ({e}); stderr:\n{stderr}"));
    (output.status.code().unwrap_or(-1), report, stderr)
}

/// Runs `amperr COMMAND --browser CHROMIUM ARGS MORE` with a temporary directory of its
/// own, and checks that nothing is left in it (no page, no profile, no browser's file) nor
/// written in a HOME of its own.
pub(crate) fn amperr_with_browser(
    chromium: &Path,
    command: &str,
    args: &[&str],
    more: &[&str],
) -> Output {
    let (scratch, home) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let output = Command::new(env!("CARGO_BIN_EXE_amperr"))
        .arg(command)
        .args(["--browser", &chromium.display().to_string()])
        .args(args)
        .args(more)
        .env("TMPDIR", scratch.path())
        .env("HOME", home.path())
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let written: Vec<_> = std::fs::read_dir(home.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        written.is_empty(),
        "amperr {command} {args:?} let the browser write {written:?} in HOME"
    );
    let left: Vec<_> = std::fs::read_dir(scratch.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        left.is_empty(),
        "amperr {command} {args:?} left {left:?} behind"
    );
    output
}

/// The fixture build with the plugin at `path`, on the codes `around(code)`.
fn with_plugin(chromium: &Path, path: &str, code: &'static str) -> (i32, Value, String) {
    let args = [&["--script", path][..], &around(code)].concat();
    fixture(chromium, None, &args)
}

/// `check-player --profile amp-2.3.0 --script BUILD [--script variants/PLUGIN.js] EXTRA...`.
fn fixture(chromium: &Path, plugin: Option<&str>, extra: &[&str]) -> (i32, Value, String) {
    let plugin = plugin.map(variant);
    let mut args = vec!["--profile", "amp-2.3.0", "--script", BUILD];
    if let Some(plugin) = &plugin {
        args.extend(["--script", plugin]);
    }
    args.extend_from_slice(extra);
    check_player(chromium, &args)
}

/// Notes, less those of the pixels' sample (`--visual`, tested in tests/player_viewer.rs).
fn without_pixels(notes: &Value) -> Vec<String> {
    let notes = strings(notes).into_iter();
    notes.filter(|n| !n.starts_with("the pixels")).collect()
}

/// The fields the failure groups are about, each once.
fn failed_fields(report: &Value) -> Vec<String> {
    let mut fields: Vec<String> = report["groups"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|g| g["failure"]["field"].as_str().map(String::from))
        .collect();
    fields.sort();
    fields.dedup();
    fields
}

/// How many cases of the default corpus (or one shard of it) have `property`.
fn cases(profile: Profile, shard: Option<(u32, u32)>, property: impl Fn(Code) -> bool) -> u64 {
    let corpus = Corpus::generate(profile, 0, 0);
    let corpus = match shard {
        Some((k, n)) => corpus.shard(k, n).unwrap(),
        None => corpus,
    };
    corpus.cases.iter().filter(|c| property(c.code)).count() as u64
}

fn all(profile: Profile) -> u64 {
    cases(profile, None, |_| true)
}

const AMP: Profile = Profile::AMP_2_3_0;

#[test]
fn the_fixture_build_is_conformant_under_amp_2_3_0() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let (status, report, _) = fixture(&chromium, None, &[]);
    assert_eq!(status, 0, "{report:#}");
    assert_eq!(report["kind"], "check-player");
    assert_eq!(count(&report, "pass"), all(AMP));
    // Category 0 shows the error's own message, which the code does not determine.
    let category_0 = cases(AMP, None, |c| c.category() == 0);
    assert_eq!(count(&report, "implementation_defined"), category_0);
    assert_eq!(strings(&report["run_problems"]), Vec::<String>::new());
    // Nothing to note but what the pixels of the sample said (tests/player_viewer.rs).
    assert_eq!(without_pixels(&report["notes"]), Vec::<String>::new());
    assert_eq!(
        report["fields"].as_array().unwrap().len(),
        2,
        "message and code_line"
    );
}

#[test]
fn the_published_page_texts_fail_under_2_3_0_and_pass_under_doc() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let published = variant("published-page");
    let args = ["--script", BUILD, "--script", &published];
    let (status, report, _) = check_player(
        &chromium,
        &[&["--profile", "amp-2.3.0"], &args[..]].concat(),
    );
    assert_eq!(status, 1);
    // Every text of categories 1..6 differs from 2.3.0's; 255's is the same.
    let differing = cases(AMP, None, |c| (1..=6).contains(&c.category()));
    assert_eq!(count(&report, "mismatch"), differing);
    assert_eq!(failed_fields(&report), ["message"]);
    // The page's table against the runtime's: 17 names missing, networkErrErr unknown.
    let problems = strings(&report["run_problems"]);
    let missing = problems.iter().filter(|p| p.contains(": missing ")).count();
    assert_eq!(missing, 17, "{problems:#?}");
    assert!(
        problems
            .iter()
            .any(|p| p.contains("unknown networkErrErr = 0x0200259"))
    );
    assert_eq!(problems.len(), 18, "{problems:#?}");

    let (status, report, _) = check_player(&chromium, &[&["--profile", "doc"], &args[..]].concat());
    assert_eq!(status, 0, "{report:#}");
    assert_eq!(count(&report, "pass"), all(Profile::DOC));
    assert_eq!(strings(&report["run_problems"]), Vec::<String>::new());
}

#[test]
fn a_padded_or_upper_case_code_line_fails_exactly_where_it_differs() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let (status, report, _) = fixture(&chromium, Some("code-line-padded"), &[]);
    assert_eq!(status, 1);
    // Only codes of fewer than 8 hex digits change when padded: area 0.
    assert_eq!(
        count(&report, "mismatch"),
        cases(AMP, None, |c| c.area() == 0)
    );
    assert_eq!(failed_fields(&report), ["code_line"]);

    let (status, report, _) = fixture(&chromium, Some("code-line-upper"), &[]);
    assert_eq!(status, 1);
    let has_letters = |c: Code| {
        format!("{:x}", c.0)
            .bytes()
            .any(|b| b.is_ascii_alphabetic())
    };
    assert_eq!(count(&report, "mismatch"), cases(AMP, None, has_letters));
    assert_eq!(failed_fields(&report), ["code_line"]);
}

#[test]
fn the_reproduce_line_of_a_failure_reproduces_it_alone() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let (_, report, _) = fixture(&chromium, Some("code-line-padded"), &["--shard", "1/20"]);
    let example = &report["groups"][0]["example"];
    let reproduce = example["reproduce"].as_str().unwrap();
    let argv: Vec<&str> = reproduce.split_whitespace().collect();
    assert_eq!(argv[..2], ["amperr", "check-player"], "{reproduce}");
    // The line names the browser it was given, and everything else the run needs.
    let output = Command::new(env!("CARGO_BIN_EXE_amperr"))
        .args(&argv[1..])
        .args(["--format", "json"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let status = output.status.code();
    let again: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(status, Some(1));
    assert_eq!(again["cases"], 1);
    assert_eq!(again["groups"][0]["example"]["id"], example["id"]);
    assert_eq!(again["groups"][0]["example"]["got"], example["got"]);
}

#[test]
fn a_table_with_the_published_name_network_err_err_fails_on_the_table_alone() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let (status, report, _) = fixture(&chromium, Some("table-networkErrErr"), &["--shard", "1/8"]);
    assert_eq!(status, 1);
    assert_eq!(count(&report, "mismatch"), 0);
    assert_eq!(
        strings(&report["run_problems"]),
        [
            "the build's amp.errorCode: missing networkErrError = 0x0200259 (in the profile, not in the table)",
            "the build's amp.errorCode: unknown networkErrErr = 0x0200259 (in the table, not in the profile)",
        ]
    );
}

#[test]
fn an_overlay_that_keeps_the_first_errors_text_fails_every_later_case() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let (status, report, _) = fixture(&chromium, Some("no-refresh"), &["--shard", "1/8"]);
    assert_eq!(status, 1);
    let total = cases(AMP, Some((1, 8)), |_| true);
    // Only the first case shows its own text: every later one shows the first's.
    assert_eq!(count(&report, "pass"), 1);
    assert_eq!(count(&report, "mismatch"), total - 1);
    assert_eq!(failed_fields(&report), ["code_line", "message"]);
}

#[test]
fn a_player_that_throws_on_category_7_refuses_exactly_those_cases() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let (status, report, _) = fixture(&chromium, Some("throws-on-category-7"), &[]);
    assert_eq!(status, 1);
    assert_eq!(
        count(&report, "refused"),
        cases(AMP, None, |c| c.category() == 7)
    );
    assert_eq!(count(&report, "mismatch"), 0);
    for group in report["groups"].as_array().unwrap() {
        let detail = group["example"]["detail"].as_str().unwrap();
        assert_eq!(
            detail,
            "refused: the player threw: fixture: no text for category 7"
        );
    }
}

#[test]
fn a_page_that_opens_a_dialog_refuses_those_cases_and_goes_on() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let (status, report, _) = fixture(&chromium, Some("alerts-on-category-5"), &["--shard", "2/8"]);
    assert_eq!(status, 1);
    assert_eq!(
        count(&report, "refused"),
        cases(AMP, Some((2, 8)), |c| c.category() == 5)
    );
    assert_eq!(count(&report, "mismatch"), 0);
    let detail = report["groups"][0]["example"]["detail"].as_str().unwrap();
    assert!(
        detail.contains(
            r#"the page opened a dialog: alert("Playback failed: please contact support")"#
        ),
        "{detail}"
    );
}

/// `--code` arguments for five codes, `culprit` in the middle.
fn around(culprit: &'static str) -> Vec<&'static str> {
    let codes = [
        "0x00100000",
        "0x20200194",
        culprit,
        "0x20400003",
        "0x0FF00000",
    ];
    codes.iter().flat_map(|&code| ["--code", code]).collect()
}

#[test]
fn a_player_that_loops_inside_error_times_out_on_that_code_alone() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let mut args = around("0x20500006");
    args.extend(["--idle-timeout", "3"]);
    let (status, report, _) = fixture(&chromium, Some("loops-on-0x20500006"), &args);
    assert_eq!(status, 1, "{report:#}");
    assert_eq!(count(&report, "timeout"), 1);
    assert_eq!(
        count(&report, "pass"),
        4,
        "the browser is restarted on the other cases"
    );
    assert_eq!(
        report["groups"][0]["example"]["id"],
        "documented/0x20500006"
    );
    assert!(report["restarts"].as_u64().unwrap() >= 1);
}

#[test]
fn a_player_that_navigates_away_crashes_on_that_code_alone() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    for (plugin, to) in [
        ("navigates-on-0x10600001", "about:blank#get-flash"),
        ("reloads-on-0x10600001", "index.html"),
    ] {
        let args = around("0x10600001");
        let (status, report, _) = fixture(&chromium, Some(plugin), &args);
        assert_eq!(status, 1, "{plugin}: {report:#}");
        assert_eq!(count(&report, "crash"), 1, "{plugin}: {report:#}");
        assert_eq!(count(&report, "pass"), 4, "{plugin}");
        let example = &report["groups"][0]["example"];
        assert_eq!(example["id"], "documented/0x10600001");
        let detail = example["detail"].as_str().unwrap();
        let said = "the player left its page (it navigated away to ";
        assert!(
            detail.contains(said) && detail.contains(to),
            "{plugin}: {detail}"
        );
        // Its reproduce line, the code alone, fails the same way.
        let (status, alone, _) = fixture(&chromium, Some(plugin), &["--code", "0x10600001"]);
        assert_eq!(status, 1, "{plugin} alone: {alone:#}");
        assert_eq!(count(&alone, "crash"), 1, "{plugin} alone: {alone:#}");
        assert_eq!(strings(&alone["run_problems"]), Vec::<String>::new());
    }
}

#[test]
fn requests_to_the_network_are_refused_and_named() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let args = around("0x20200194");
    let (status, report, _) = fixture(&chromium, Some("phones-home"), &args);
    assert_eq!(status, 0, "{report:#}");
    let notes = strings(&report["notes"]);
    for url in [
        "https://amp.azure.net/libs/amp/2.3.0/skins/amp-default/azuremediaplayer.min.css",
        "http://beacon.example.com/loaded.gif",
    ] {
        let said = format!("the page asked for {url}: refused (no network)");
        assert!(notes.contains(&said), "{notes:#?}");
    }
}

#[test]
fn a_link_out_of_the_builds_directory_is_refused_like_any_other_file() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (scripts, outside) = (dir.path().join("build"), dir.path().join("outside"));
    std::fs::create_dir(&scripts).unwrap();
    std::fs::create_dir(&outside).unwrap();
    std::fs::write(outside.join("secret.js"), "window.leaked = true;\n").unwrap();
    std::os::unix::fs::symlink(outside.join("secret.js"), scripts.join("linked.js")).unwrap();
    std::os::unix::fs::symlink(&outside, scripts.join("linked-dir")).unwrap();
    let linked = format!("file://{}/linked.js", scripts.display());
    let in_dir = format!("file://{}/linked-dir/secret.js", scripts.display());
    let plugin = scripts.join("plugin.js");
    std::fs::write(
        &plugin,
        format!("document.write('<script src=\"{linked}\"></script><script src=\"{in_dir}\"></script>');\n"),
    )
    .unwrap();
    let plugin = plugin.display().to_string();
    let args = build_and(&plugin);
    let (status, report, _) = check_player(&chromium, &[&args[..], &around("0x20200194")].concat());
    assert_eq!(status, 0, "{report:#}");
    let notes = strings(&report["notes"]);
    for url in [&linked, &in_dir] {
        let said = format!("the page asked for {url}: refused (not one of the page's own files)");
        assert!(notes.contains(&said), "{notes:#?}");
    }
}

#[test]
fn refused_requests_past_those_named_are_counted() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let (_dir, decoys) = plugin(
        "for (var i = 0; i < 40; i++) new Image().src = 'http://cdn.example.com/decoy-' + i + '.png';\n",
    );
    let (status, report, _) = with_plugin(&chromium, &decoys, "0x20200194");
    assert_eq!(status, 0, "{report:#}");
    let notes = strings(&report["notes"]);
    let named = notes.iter().filter(|n| n.contains("decoy-")).count();
    assert_eq!(named, 32, "{notes:#?}");
    assert!(
        notes.contains(
            &"the page asked for 8 more URLs, refused (the first 32 are named)".to_string()
        ),
        "{notes:#?}"
    );
}

#[test]
fn a_websocket_is_refused_and_named_too() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    // A listener on this machine: the page must not reach it.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!(
        "ws://127.0.0.1:{}/leak",
        listener.local_addr().unwrap().port()
    );
    let (_dir, socket) = plugin(&format!("new WebSocket({url:?});\n"));
    let (status, report, _) = with_plugin(&chromium, &socket, "0x20200194");
    assert_eq!(status, 0, "{report:#}");
    assert!(listener.accept().is_err(), "the page reached the network");
    let notes = strings(&report["notes"]);
    let said = format!("the page asked for {url}: refused (no network)");
    assert!(notes.contains(&said), "{notes:#?}");
}

#[test]
fn the_2_3_0_screen_reader_description_fails_a11y_and_the_report_says_why() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let (status, report, _) = fixture(&chromium, None, &["--a11y"]);
    assert_eq!(status, 1);
    // Category 0's message is the error's own: the description passes with any.
    let category_0 = cases(AMP, None, |c| c.category() == 0);
    assert_eq!(count(&report, "mismatch"), all(AMP) - category_0);
    assert_eq!(failed_fields(&report), ["accessible_description"]);
    let example = &report["groups"][0]["example"];
    assert_eq!(
        example["got"],
        r#""Video playback aborted.,[object HTMLBRElement],(0x100000)""#
    );
    let notes = strings(&report["notes"]);
    assert!(
        notes
            .iter()
            .any(|n| n.contains(r#""[object HTMLBRElement]""#) && n.contains("screen readers")),
        "{notes:#?}"
    );
}

#[test]
fn a_description_with_the_message_and_the_code_passes_a11y() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let (status, report, _) = fixture(&chromium, Some("accessible"), &["--a11y", "--shard", "3/8"]);
    assert_eq!(status, 0, "{report:#}");
    assert_eq!(report["fields"].as_array().unwrap().len(), 3);
}

#[test]
fn a_teams_own_page_with_its_hook_is_gated() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let page = format!("{PLAYERS}/custom-page.html");
    let (status, report, _) = check_player(
        &chromium,
        &[
            "--profile",
            "amp-2.3.0",
            "--page",
            &page,
            "--a11y",
            "--shard",
            "4/8",
        ],
    );
    assert_eq!(status, 0, "{report:#}");
    assert_eq!(count(&report, "pass"), cases(AMP, Some((4, 8)), |_| true));
    assert_eq!(strings(&report["run_problems"]), Vec::<String>::new());
}

#[test]
fn a_build_that_cannot_start_exits_3_and_says_why() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let quick = ["--ready-timeout", "2", "--code", "0x20200194"];
    for (name, why) in [
        ("never-ready", "the player was not ready after 2 s"),
        ("fails-to-load", "fixture: this build failed to load"),
        ("loops-while-loading", "did not answer within"),
    ] {
        let (status, report, _) = fixture(&chromium, Some(name), &quick);
        assert_eq!(status, 3, "{name}: {report:#}");
        assert_eq!(report["conclusion"], "not_started", "{name}");
        let problems = strings(&report["run_problems"]);
        assert!(
            problems.iter().any(|p| p.contains(why)),
            "{name}: {problems:#?}"
        );
    }
}

#[test]
fn built_ins_a_build_replaces_do_not_change_what_amperr_reads() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let quirks = variant("replaces-built-ins");
    let shard = ["--shard", "1/8"];
    let (status, report, _) = fixture(&chromium, Some("replaces-built-ins"), &shard);
    assert_eq!(status, 0, "{report:#}");
    assert_eq!(count(&report, "pass"), cases(AMP, Some((1, 8)), |_| true));
    // A JSON.stringify that "fixes" padded code lines does not hide them.
    let padded = variant("code-line-padded");
    let args = ["--script", &padded, "--script", &quirks, "--shard", "1/8"];
    let (status, report, _) = fixture(&chromium, None, &args);
    assert_eq!(status, 1, "{report:#}");
    let area_0 = cases(AMP, Some((1, 8)), |c| c.area() == 0);
    assert_eq!(count(&report, "mismatch"), area_0);
}

#[test]
fn a_table_that_cannot_be_read_fails_the_gate() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let one = ["--code", "0x20200194"];
    for (plugin, problem) in [
        (
            "table-throws",
            "the build's amp.errorCode could not be read: no value for brokenName",
        ),
        (
            "table-missing",
            "the build has no amp.errorCode (window.amp.errorCode)",
        ),
    ] {
        let (status, report, _) = fixture(&chromium, Some(plugin), &one);
        assert_eq!(status, 1, "{plugin}: {report:#}");
        assert_eq!(count(&report, "pass"), 1, "{plugin}");
        assert_eq!(strings(&report["run_problems"]), [problem], "{plugin}");
    }
    // A getter that never returns: the player cannot be started, in bounded time.
    let started = Instant::now();
    let (status, report, _) = fixture(&chromium, Some("table-loops"), &one);
    assert_eq!(status, 3, "{report:#}");
    let problems = strings(&report["run_problems"]);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("did not answer within 10s while amperr read its amp.errorCode")),
        "{problems:#?}"
    );
    assert!(started.elapsed() < Duration::from_secs(60));
}

#[test]
fn a_tables_findings_are_bounded() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let one = ["--code", "0x20200194"];
    let (status, report, _) = fixture(&chromium, Some("table-bloated"), &one);
    assert_eq!(status, 1, "{report:#}");
    let problems = strings(&report["run_problems"]);
    assert_eq!(problems.len(), 33, "{problems:#?}");
    assert_eq!(
        problems[32],
        "the build's amp.errorCode: 8 more findings (the first 32 are named; \
         `amperr check-table --script ...` lists them all)"
    );
    // A table too large to be one: not read at all.
    let (_dir, huge) =
        plugin("for (var i = 0; i < 100000; i++) amp.errorCode['aVeryLongMadeUpName' + i] = i;\n");
    let (status, report, _) = fixture(
        &chromium,
        None,
        &["--script", &huge, "--code", "0x20200194"],
    );
    assert_eq!(status, 1, "{report:#}");
    assert_eq!(
        strings(&report["run_problems"]),
        ["the build's amp.errorCode could not be read: it is over 1048576 characters as JSON"]
    );
}

/// `check-player --profile amp-2.3.0 --page PAGE` on two codes, with `extra`.
fn gate_page(chromium: &Path, page: &str, extra: &[&str]) -> (i32, Value, String) {
    let codes = ["--code", "0x00100000", "--code", "0x20200194"];
    let args = ["--profile", "amp-2.3.0", "--page", page];
    check_player(chromium, &[&args[..], &codes[..], extra].concat())
}

/// A copy of `custom-page.html`, changed by `edit`, beside the scripts it loads.
fn custom_page(edit: impl Fn(String) -> String) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("variants")).unwrap();
    for file in ["amp-fixture.js", "variants/accessible.js"] {
        std::fs::copy(format!("{PLAYERS}/{file}"), dir.path().join(file)).unwrap();
    }
    let html = std::fs::read_to_string(format!("{PLAYERS}/custom-page.html")).unwrap();
    let page = dir.path().join("page.html");
    std::fs::write(&page, edit(html)).unwrap();
    let page = page.display().to_string();
    (dir, page)
}

/// `gate_page` on a `custom_page` changed by `edit`: the exit status and the report.
fn gate_custom(chromium: &Path, extra: &[&str], edit: impl Fn(String) -> String) -> (i32, Value) {
    let (_dir, page) = custom_page(edit);
    let (status, report, _) = gate_page(chromium, &page, extra);
    (status, report)
}

#[test]
fn a_hook_is_held_to_what_docs_player_md_says() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let ready = ["--ready-timeout", "5"];
    // A hook defined once the page has loaded is waited for.
    let (status, report) = gate_custom(&chromium, &ready, |html| {
        html.replace(
            "window.amperrPlayer = {",
            "window.addEventListener(\"load\", function () { window.amperrPlayer = hook; });\n    var hook = {",
        )
    });
    assert_eq!(status, 0, "late hook: {report:#}");
    // A shown() that answers with a promise is refused, and the report says what it must be.
    let (status, report) = gate_custom(&chromium, &ready, |html| {
        html.replace("shown: function () {", "shown: async function () {")
    });
    assert_eq!(status, 1, "{report:#}");
    assert_eq!(count(&report, "refused"), 2);
    assert_eq!(
        report["groups"][0]["example"]["detail"],
        "refused: the hook's shown() gave a promise: it must give { text: a string, \
         description: a string or null } at once"
    );
    // A ready that rejects with a Symbol: the page's words, not amperr's TypeError.
    let (status, report) = gate_custom(&chromium, &ready, |html| {
        html.replace(
            "ready: ready,",
            "ready: Promise.reject(Symbol(\"no media\")),",
        )
    });
    assert_eq!(status, 3, "{report:#}");
    let problems = strings(&report["run_problems"]);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("window.amperrPlayer.ready failed: Symbol(no media)")),
        "{problems:#?}"
    );
}

#[test]
fn a_plugin_that_finds_the_driver_cannot_answer_for_it() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let (padded, forge) = (variant("code-line-padded"), variant("forges-answers"));
    let args = ["--script", &padded, "--script", &forge, "--shard", "1/8"];
    let (status, report, _) = fixture(&chromium, None, &args);
    assert_eq!(status, 1, "{report:#}");
    let area_0 = cases(AMP, Some((1, 8)), |c| c.area() == 0);
    assert_eq!(count(&report, "mismatch"), area_0, "{report:#}");
    assert_eq!(strings(&report["run_problems"]), Vec::<String>::new());
}

#[test]
fn a_dialog_for_a_code_is_refused_however_the_page_hides_it() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let codes = ["--code", "0x00500000", "--code", "0x00100000"];
    let alerts = variant("alerts-on-category-5");
    for plugins in [
        vec![alerts.clone(), variant("alert-fixed")],
        vec![variant("alert-hidden")],
    ] {
        let mut args: Vec<&str> = plugins.iter().flat_map(|p| ["--script", p]).collect();
        args.extend(codes);
        let (status, report, _) = fixture(&chromium, None, &args);
        assert_eq!(status, 1, "{plugins:?}: {report:#}");
        assert_eq!(count(&report, "refused"), 1, "{plugins:?}: {report:#}");
        assert_eq!(
            report["groups"][0]["example"]["id"],
            "documented/0x00500000"
        );
    }
}

#[test]
fn an_overlay_the_viewer_cannot_see_reads_as_empty() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let invisible = format!("{PLAYERS}/invisible.css");
    let args = ["--css", &invisible, "--code", "0x00100000"];
    let (status, report, _) = fixture(&chromium, None, &args);
    assert_eq!(status, 1, "{report:#}");
    // Both fields read as empty: the message and the code line.
    assert_eq!(count(&report, "mismatch"), 1, "{report:#}");
    for group in report["groups"].as_array().unwrap() {
        assert_eq!(group["example"]["got"], "\"\"", "{group:#}");
    }
}

#[test]
fn a_hook_that_throws_in_a_getter_or_moves_in_its_own_history_is_judged_as_documented() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let idle = ["--idle-timeout", "3"];
    // A text that throws when read: refused at once, not a hang.
    let started = Instant::now();
    let (status, report) = gate_custom(&chromium, &idle, |html| {
        html.replace(
            "return {\n          text: content.innerText,",
            "return {\n          get text() { throw new Error(\"no text\"); },",
        )
    });
    assert_eq!(status, 1, "{report:#}");
    assert_eq!(count(&report, "refused"), 2, "{report:#}");
    assert_eq!(
        report["groups"][0]["example"]["detail"],
        "refused: the player threw: no text"
    );
    assert!(started.elapsed() < Duration::from_secs(20));
    // A page that moves within its own document (pushState, a hash) has not left it.
    for step in [
        "history.pushState({}, \"\", \"#error\");",
        "location.hash = \"error\";",
    ] {
        let (status, report) = gate_custom(&chromium, &idle, |html| {
            html.replace(
                "raise: function (code) {",
                &format!("raise: function (code) {{ {step}"),
            )
        });
        assert_eq!(status, 0, "{step}: {report:#}");
    }
}

#[test]
fn what_a_page_threw_is_shown_even_when_it_passes() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let (_dir, broken) = plugin("throw new Error(\"plugin failed while loading\");\n");
    let args = build_and(&broken);
    let output = amperr_with_browser(&chromium, "check-player", &args, &["--code", "0x00100000"]);
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("\nPage errors:\nthe page threw "), "{text}");
    assert!(text.contains("plugin failed while loading"), "{text}");
}

#[test]
fn check_table_reads_the_table_from_the_build() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let output = amperr_with_browser(
        &chromium,
        "check-table",
        &["--profile", "amp-2.3.0", "--script", BUILD],
        &[],
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let shown = String::from_utf8_lossy(&output.stdout);
    assert!(
        shown.starts_with("amperr check-table: CONFORMANT (profile amp-2.3.0: 50 names"),
        "{shown}"
    );

    let table = variant("table-networkErrErr");
    let args = build_and(&table);
    let output = amperr_with_browser(&chromium, "check-table", &args, &["--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["missing"][0]["name"], "networkErrError");
    assert_eq!(report["unknown"][0]["name"], "networkErrErr");
}

#[test]
fn check_table_on_a_build_whose_table_cannot_be_read_is_exit_2() {
    // The player started: the table is what is wrong, as with a file that is not one.
    let Some(chromium) = common::chromium() else {
        return;
    };
    let throwing = "Object.defineProperty(amp, 'errorCode', { get: function () { throw new Error('x'); } });\n";
    let huge = "for (var i = 0; i < 100000; i++) amp.errorCode['aVeryLongMadeUpName' + i] = i;\n";
    for (source, why) in [
        (throwing, "could not be read"),
        (huge, "over 1048576 characters"),
    ] {
        let (_dir, plugin) = plugin(source);
        let args = build_and(&plugin);
        let output = amperr_with_browser(&chromium, "check-table", &args, &[]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains("amp.errorCode") && stderr.contains(why),
            "{stderr}"
        );
        assert!(stderr.contains("expected"), "what is accepted: {stderr}");
    }
}

#[test]
fn no_browser_is_exit_3_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-chromium");
    let output = amperr_with_browser(&missing, "check-player", &["--script", BUILD], &[]);
    assert_eq!(output.status.code(), Some(3));
    let shown = String::from_utf8_lossy(&output.stdout);
    assert!(shown.contains("could not start the browser"), "{shown}");

    // None on PATH: amperr says how to get one, and never downloads one.
    let output = Command::new(env!("CARGO_BIN_EXE_amperr"))
        .args(["check-player", "--script", BUILD])
        .env("PATH", dir.path())
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(
        said.contains("no chromium on PATH") && said.contains("--browser"),
        "{said}"
    );
}

#[test]
fn scripts_that_are_not_files_are_refused_before_any_browser_starts() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("build.js");
    nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::S_IRWXU).unwrap();
    let link = dir.path().join("dangling.js");
    std::os::unix::fs::symlink(dir.path().join("nowhere"), &link).unwrap();
    let never = dir.path().join("never-run");
    for script in [
        fifo.as_path(),
        link.as_path(),
        dir.path(),
        Path::new("no/such/build.js"),
    ] {
        let script = script.display().to_string();
        let output = amperr_with_browser(&never, "check-player", &["--script", &script], &[]);
        assert_eq!(output.status.code(), Some(2), "{script}");
        let said = String::from_utf8_lossy(&output.stderr);
        assert!(said.contains(&script), "{said}");
    }
}

/// A browser wrapper that writes its pid (its process group's) to `pid_file`, then becomes
/// Chromium.
fn recording_browser(dir: &Path, chromium: &Path, pid_file: &Path) -> PathBuf {
    wrapped_browser(
        dir,
        chromium,
        &format!("echo $$ > '{}'", pid_file.display()),
    )
}

/// A browser that runs the shell command `first`, then the real `chromium`.
fn wrapped_browser(dir: &Path, chromium: &Path, first: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let wrapper = dir.join("chromium-wrapper");
    let script = format!("#!/bin/sh\n{first}\nexec '{}' \"$@\"\n", chromium.display());
    std::fs::write(&wrapper, script).unwrap();
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    wrapper
}

/// The processes of process group `pgid` still running.
fn group_members(pgid: u32) -> Vec<u32> {
    let mut members = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        let fields: Vec<&str> = stat
            .rsplit(')')
            .next()
            .unwrap_or("")
            .split_whitespace()
            .collect();
        if fields.first() != Some(&"Z") && fields.get(2) == Some(&pgid.to_string().as_str()) {
            members.push(pid);
        }
    }
    members
}

#[test]
fn a_signalled_check_player_leaves_no_browser_and_no_files() {
    use nix::sys::signal::{Signal, kill};
    use nix::unistd::Pid;
    let Some(chromium) = common::chromium() else {
        return;
    };
    for (signal, status) in [(Signal::SIGTERM, 143), (Signal::SIGINT, 130)] {
        let dir = tempfile::tempdir().unwrap();
        let scratch = dir.path().join("tmp");
        std::fs::create_dir(&scratch).unwrap();
        let pid_file = dir.path().join("browser.pid");
        let browser = recording_browser(dir.path(), &chromium, &pid_file);
        let gate = Command::new(env!("CARGO_BIN_EXE_amperr"))
            .args(["check-player", "--script", BUILD, "--browser"])
            .arg(&browser)
            .env("TMPDIR", &scratch)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Wait until the browser runs and the page is being driven.
        let started = Instant::now();
        let pgid = loop {
            if let Some(pid) = std::fs::read_to_string(&pid_file)
                .ok()
                .and_then(|p| p.trim().parse().ok())
            {
                if group_members(pid).len() > 2 {
                    break pid;
                }
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "the browser never started"
            );
            thread::sleep(Duration::from_millis(50));
        };
        thread::sleep(Duration::from_secs(2));
        kill(Pid::from_raw(gate.id() as i32), signal).unwrap();
        let output = gate.wait_with_output().unwrap();
        assert_eq!(output.status.code(), Some(status), "{signal}");
        assert_eq!(
            String::from_utf8_lossy(&output.stdout),
            "",
            "{signal}: a report"
        );
        assert_eq!(
            group_members(pgid),
            Vec::<u32>::new(),
            "browser processes survived {signal}"
        );
        let left: Vec<_> = std::fs::read_dir(&scratch)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert!(
            left.is_empty(),
            "{signal} left {left:?} in the temporary directory"
        );
    }
}

#[test]
fn a_signal_while_the_browser_restarts_prints_no_report() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    // A browser whose second start (after the hang on 0x20500006) interrupts amperr: the
    // signal lands while amperr waits for a browser it is killing itself.
    let dir = tempfile::tempdir().unwrap();
    let count = dir.path().join("starts");
    let interrupt = format!(
        "echo x >> '{count}'\n[ \"$(wc -l < '{count}')\" -eq 2 ] && kill -INT $PPID",
        count = count.display()
    );
    let browser = wrapped_browser(dir.path(), &chromium, &interrupt);
    let output = Command::new(env!("CARGO_BIN_EXE_amperr"))
        .args(["check-player", "--profile", "amp-2.3.0", "--script", BUILD])
        .args([
            "--script",
            &variant("loops-on-0x20500006"),
            "--idle-timeout",
            "1",
        ])
        .args(["--code", "0x20500006", "--code", "0x00100000", "--browser"])
        .arg(&browser)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(130));
    assert_eq!(std::fs::read_to_string(&count).unwrap().lines().count(), 2);
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "",
        "a report was printed"
    );
}

#[test]
fn a_player_report_converts_and_names_the_player_not_a_decoder() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("player.json");
    let saved_arg = saved.display().to_string();
    let throws = variant("throws-on-category-7");
    let args = [&build_and(&throws)[..], &["--shard", "5/40"]].concat();
    let output = amperr_with_browser(
        &chromium,
        "check-player",
        &args,
        &["--format", "json", "--output", &saved_arg],
    );
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.starts_with("amperr check-player: NOT CONFORMANT\n  player    amperr check-player"),
        "{text}"
    );
    assert!(!text.contains("decoder"), "{text}");

    let junit = common::amperr(&["report", &saved_arg, "--format", "junit"], b"");
    assert_eq!(junit.status.code(), Some(0));
    let xml = String::from_utf8(junit.stdout).unwrap();
    let document = roxmltree::Document::parse(&xml).unwrap();
    let failing = document
        .descendants()
        .filter(|n| n.has_tag_name("testcase") && n.children().any(|c| c.has_tag_name("failure")))
        .count();
    assert!(failing >= 1, "{xml}");
    assert!(
        xml.contains("the player threw: fixture: no text for category 7"),
        "{xml}"
    );
    assert!(!xml.contains("decoder"), "{xml}");
}

#[test]
fn a_dialog_while_loading_is_dismissed_and_named() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let (status, report, _) = fixture(
        &chromium,
        Some("alerts-while-loading"),
        &around("0x20200194"),
    );
    assert_eq!(status, 0, "{report:#}");
    assert_eq!(
        without_pixels(&report["notes"]),
        [r#"the page opened a dialog, alert("Welcome to Contoso video"): amperr dismissed it"#]
    );
}

#[test]
fn a_report_over_the_build_or_a_baseline_of_some_codes_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let build = dir.path().join("build.js");
    std::fs::write(&build, "// the build\n").unwrap();
    let build = build.display().to_string();
    let run = |args: &[&str]| {
        let mut all = vec![
            "check-player",
            "--browser",
            "/bin/false",
            "--script",
            &build,
        ];
        all.extend(args);
        common::amperr(&all, b"")
    };
    let out = run(&["--output", &build]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("is also an input of the run"), "{err}");
    assert_eq!(std::fs::read_to_string(&build).unwrap(), "// the build\n");
    // Nor over the browser, nor over a file a page of the team's own may load.
    let browser = dir.path().join("chromium-wrapper");
    std::fs::write(&browser, "#!/bin/sh\n").unwrap();
    let browser = browser.display().to_string();
    let out = common::amperr(
        &[
            "check-player",
            "--browser",
            &browser,
            "--script",
            &build,
            "--output",
            &browser,
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&browser).unwrap(), "#!/bin/sh\n");
    let (site, page) = custom_page(|html| html);
    let loaded = site.path().join("amp-fixture.js").display().to_string();
    let out = common::amperr(
        &[
            "check-player",
            "--browser",
            &browser,
            "--page",
            &page,
            "--output",
            &loaded,
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("which the page may load"), "{err}");
    // A baseline folds failures into patterns over the corpus it ran: not from a few codes.
    let baseline = dir.path().join("x.toml").display().to_string();
    let out = run(&["--code", "0x20200194", "--write-xfail", &baseline]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot be used with"), "{err}");
}
