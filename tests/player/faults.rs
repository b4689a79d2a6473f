//! `amperr check-faults` on the fixture build of `tests/fixtures/players/` in headless
//! Chromium: the build raises what the shipped 2.3.0 runtime raises under each default
//! fault, and each plugin of `tests/fixtures/players/faults/` has one defect, whose exact
//! verdict is asserted. Without `chromium` on PATH these tests say SKIPPED and pass, except
//! under `CI=true`.

use std::path::Path;

use serde_json::Value;

use crate::common;
use crate::gate::amperr_with_browser;

use common::{count, strings};

const BUILD: &str = "tests/fixtures/players/amp-fixture.js";

fn defect(name: &str) -> String {
    format!("tests/fixtures/players/faults/{name}.js")
}

/// `amperr check-faults --browser CHROMIUM --profile PROFILE --script BUILD [--script
/// PLUGIN] ARGS --format json`: exit status, report, stderr.
fn check_faults(
    chromium: &Path,
    profile: &str,
    plugin: Option<&str>,
    args: &[&str],
) -> (i32, Value, String) {
    let plugin = plugin.map(defect);
    let mut all = vec!["--profile", profile, "--script", BUILD];
    if let Some(plugin) = &plugin {
        all.extend(["--script", plugin.as_str()]);
    }
    all.extend_from_slice(args);
    let output = amperr_with_browser(chromium, "check-faults", &all, &["--format", "json"]);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let report = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not a JSON report ({e}); stderr:\n{stderr}"));
    (output.status.code().unwrap_or(-1), report, stderr)
}

/// `--scenario NAME` for each name.
fn only<'a>(names: &[&'a str]) -> Vec<&'a str> {
    names.iter().flat_map(|name| ["--scenario", name]).collect()
}

/// Each failure group as `scenario: what` (its summary), with its example's expected and
/// got, sorted.
fn failures(report: &Value) -> Vec<(String, String, String)> {
    let mut groups: Vec<(String, String, String)> = (report["groups"].as_array().unwrap().iter())
        .map(|g| {
            let example = &g["example"];
            let text = |v: &Value| v.as_str().map_or(String::new(), String::from);
            let outcome = match example["detail"].as_str() {
                Some(detail) => detail.to_string(),
                None => text(&example["got"]),
            };
            (text(&g["summary"]), text(&example["expected"]), outcome)
        })
        .collect();
    groups.sort();
    groups
}

/// The default set's names, from `--list-scenarios`.
fn default_names() -> Vec<String> {
    let listed = common::amperr(&["check-faults", "--list-scenarios"], b"");
    assert_eq!(listed.status.code(), Some(0));
    let text = String::from_utf8(listed.stdout).unwrap();
    text.lines()
        .filter(|l| !l.starts_with(' '))
        .map(String::from)
        .collect()
}

#[test]
fn the_fixture_build_raises_what_2_3_0_raises_under_every_default_fault() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let (status, report, stderr) = check_faults(&chromium, "amp-2.3.0", None, &[]);
    let names = default_names();
    assert!(names.len() >= 25, "{names:?}");
    assert_eq!(status, 0, "{stderr}\n{report:#}");
    assert_eq!(report["kind"], "check-faults");
    assert_eq!(report["cases"], names.len());
    assert_eq!(count(&report, "pass"), names.len() as u64);
    let checked: Vec<&str> = (report["fields"].as_array().unwrap().iter())
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(checked, ["message", "code_line", "error_code"]);
    assert_eq!(
        strings(&report["notes"]),
        Vec::<String>::new(),
        "nothing was refused"
    );
}

#[test]
fn under_the_published_page_the_fixture_fails_where_2_3_0_departs_from_it() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let scenarios = only(&[
        "manifest-garbage",
        "mp4-http-404",
        "manifest-http-404",
        "no-tech-both",
    ]);
    let (status, report, _) = check_faults(&chromium, "doc", None, &scenarios);
    assert_eq!(status, 1);
    let codes: Vec<(String, String, String)> = failures(&report)
        .into_iter()
        .filter(|(summary, _, _)| summary.ends_with("error_code wrong"))
        .collect();
    // The page's own codes for a garbage manifest and a missing mp4; 2.3.0's are others.
    assert_eq!(
        codes,
        [
            (
                "manifest-garbage: error_code wrong".to_string(),
                "\"0x20400001\"".to_string(),
                "\"0x20400003\"".to_string()
            ),
            (
                "mp4-http-404: error_code wrong".to_string(),
                "\"0x50200194\"".to_string(),
                "\"0x50400000\"".to_string()
            ),
        ]
    );
    let example = &report["groups"][0]["example"];
    assert!(
        example["reproduce"]
            .as_str()
            .unwrap()
            .contains("--scenario"),
        "{example}"
    );
    assert!(
        example["context"]
            .as_str()
            .unwrap()
            .starts_with("the fault ("),
        "{example}"
    );
}

/// Runs `plugin` on `scenarios` under amp-2.3.0: (exit status, failures).
fn defect_verdict(
    chromium: &Path,
    plugin: &str,
    scenarios: &[&str],
) -> (i32, Vec<(String, String, String)>, Value) {
    let (status, report, stderr) =
        check_faults(chromium, "amp-2.3.0", Some(plugin), &only(scenarios));
    assert_eq!(report["cases"], scenarios.len(), "{stderr}");
    (status, failures(&report), report)
}

fn failure(summary: &str, expected: &str, got: &str) -> (String, String, String) {
    (summary.to_string(), expected.to_string(), got.to_string())
}

#[test]
fn a_build_that_drops_the_http_status_fails_on_every_http_fault() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let scenarios = ["manifest-http-404", "segment-http-403", "manifest-timeout"];
    let (status, failed, report) = defect_verdict(&chromium, "http-unknown", &scenarios);
    assert_eq!(status, 1);
    assert_eq!(
        failed,
        [
            failure(
                "manifest-http-404: code_line wrong",
                "\"(0x20200194)\"",
                "\"(0x20200000)\""
            ),
            failure(
                "manifest-http-404: error_code wrong",
                "\"0x20200194\"",
                "\"0x20200000\""
            ),
            failure(
                "segment-http-403: code_line wrong",
                "\"(0x20200193)\"",
                "\"(0x20200000)\""
            ),
            failure(
                "segment-http-403: error_code wrong",
                "\"0x20200193\"",
                "\"0x20200000\""
            ),
        ]
    );
    assert_eq!(count(&report, "pass"), 1, "the timeout is no HTTP status");
}

#[test]
fn a_build_that_reports_a_404_as_a_500_fails_on_the_404_alone() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let (status, failed, _) = defect_verdict(
        &chromium,
        "404-as-500",
        &["manifest-http-404", "manifest-http-500"],
    );
    assert_eq!(status, 1);
    assert_eq!(
        failed,
        [
            failure(
                "manifest-http-404: code_line wrong",
                "\"(0x20200194)\"",
                "\"(0x202001f4)\""
            ),
            failure(
                "manifest-http-404: error_code wrong",
                "\"0x20200194\"",
                "\"0x202001F4\""
            ),
        ]
    );
}

#[test]
fn a_build_that_blames_amp_for_its_techs_failures_fails_on_each() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let scenarios = ["manifest-http-404", "mp4-http-404", "no-tech-flash"];
    let (status, failed, report) = defect_verdict(&chromium, "area-amp", &scenarios);
    assert_eq!(status, 1);
    assert_eq!(
        failed,
        [
            failure(
                "manifest-http-404: code_line wrong",
                "\"(0x20200194)\"",
                "\"(0x10200194)\""
            ),
            failure(
                "manifest-http-404: error_code wrong",
                "\"0x20200194\"",
                "\"0x10200194\""
            ),
            failure(
                "mp4-http-404: code_line wrong",
                "\"(0x50400000)\"",
                "\"(0x10400000)\""
            ),
            failure(
                "mp4-http-404: error_code wrong",
                "\"0x50400000\"",
                "\"0x10400000\""
            ),
        ]
    );
    assert_eq!(
        count(&report, "pass"),
        1,
        "no tech at all is AMP's own code"
    );
}

#[test]
fn a_build_that_swallows_errors_fails_with_what_it_did_instead() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let (status, failed, report) =
        defect_verdict(&chromium, "swallows-errors", &["manifest-http-404"]);
    assert_eq!(status, 1);
    assert_eq!(
        failed,
        [failure(
            "manifest-http-404: refused",
            "",
            "refused: the player raised no error after 180 s of page time (it kept retrying)"
        )]
    );
    // How many times it asked: more than 2.3.0's seven tries.
    let context = report["groups"][0]["example"]["context"]
        .as_str()
        .unwrap()
        .to_string();
    let asked: u32 = context
        .split(" of ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{context}"));
    assert!(asked > 7, "{context}");
    assert!(
        context.starts_with("the fault (manifest: http 404) hit request 1 of "),
        "{context}"
    );
}

#[test]
fn a_build_whose_code_line_disagrees_with_its_error_fails_on_the_code_line_alone() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let (status, failed, _) =
        defect_verdict(&chromium, "code-line-disagrees", &["manifest-http-404"]);
    assert_eq!(status, 1);
    assert_eq!(
        failed,
        [failure(
            "manifest-http-404: code_line wrong",
            "\"(0x20200194)\"",
            "\"(0x200194)\""
        )]
    );
}

#[test]
fn a_build_that_reports_a_timeout_as_a_connection_error_fails_on_the_timeout() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let (status, failed, _) = defect_verdict(
        &chromium,
        "timeout-as-error",
        &["manifest-timeout", "manifest-dropped"],
    );
    assert_eq!(status, 1);
    assert_eq!(
        failed,
        [
            failure(
                "manifest-timeout: code_line wrong",
                "\"(0x20200258)\"",
                "\"(0x20200259)\""
            ),
            failure(
                "manifest-timeout: error_code wrong",
                "\"0x20200258\"",
                "\"0x20200259\""
            ),
        ]
    );
}

#[test]
fn a_build_that_calls_mixed_content_a_network_error_fails_on_it() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let (status, failed, _) =
        defect_verdict(&chromium, "mixed-content-as-network", &["mixed-content"]);
    assert_eq!(status, 1);
    let network = "A network error caused the video download to fail part-way. Please check your network connection or try again later.";
    assert_eq!(
        failed,
        [
            failure(
                "mixed-content: code_line wrong",
                "\"(0x20100002)\"",
                "\"(0x20200000)\""
            ),
            failure(
                "mixed-content: error_code wrong",
                "\"0x20100002\"",
                "\"0x20200000\""
            ),
            failure(
                "mixed-content: message wrong",
                "\"Video playback aborted.\"",
                &format!("\"{network}\"")
            ),
        ]
    );
}

#[test]
fn a_plugin_that_plays_a_fallback_silently_fails_as_a_player_that_raised_nothing() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let (status, failed, _) = defect_verdict(&chromium, "silent-fallback", &["segment-http-404"]);
    assert_eq!(status, 1);
    assert_eq!(
        failed,
        [failure(
            "segment-http-404: refused",
            "",
            "refused: the player raised no error after 180 s of page time (it played)"
        )]
    );
}

#[test]
fn a_teams_own_scenarios_and_stream_are_run_as_the_default_set_is() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cdn.toml");
    std::fs::write(
        &file,
        "[[scenario]]\nname = \"cdn-expired-token\"\nsource = \"dash\"\n\
         tech_order = [\"azureHtml5JS\", \"html5\"]\nfault = \"segment 1: http 403\"\nexpect = \"derived\"\n",
    )
    .unwrap();
    let file = file.display().to_string();
    let listed = common::amperr(
        &["check-faults", "--list-scenarios", "--scenarios", &file],
        b"",
    );
    let listed = String::from_utf8(listed.stdout).unwrap();
    assert!(
        listed.contains("cdn-expired-token\n  fault     segment 1: http 403\n"),
        "{listed}"
    );
    assert!(
        listed.contains("expected  0x20200193 (derived) under doc"),
        "{listed}"
    );
    let args = [
        "--scenarios",
        file.as_str(),
        "--scenario",
        "cdn-expired-token",
        "--stream",
        "src/faults/streams",
    ];
    let (status, report, stderr) = check_faults(&chromium, "amp-2.3.0", None, &args);
    assert_eq!(status, 0, "{stderr}\n{report:#}");
    assert_eq!(count(&report, "pass"), 1);
    assert!(strings(&report["decoder"]).contains(&"--stream".to_string()));
}

#[test]
fn known_failures_and_shards_work_as_for_codes() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let xfail = dir.path().join("xfail.toml");
    std::fs::write(
        &xfail,
        "[[xfail]]\ncase = \"scenario/mp4-*\"\nfield = \"*\"\nreason = \"2.3.0 passes on the element's error\"\n",
    )
    .unwrap();
    let xfail = xfail.display().to_string();
    let args = [
        &only(&["mp4-http-404", "no-tech-flash"])[..],
        &["--xfail", &xfail],
    ]
    .concat();
    let (status, report, _) = check_faults(&chromium, "doc", None, &args);
    assert_eq!(count(&report, "expected_failure"), 1);
    // no-tech-flash fails under doc on its message alone (2.3.0's text is not the page's).
    assert_eq!(status, 1);
    assert_eq!(
        failures(&report)
            .into_iter()
            .map(|f| f.0)
            .collect::<Vec<_>>(),
        ["no-tech-flash: message wrong"]
    );
    let shard = [
        &only(&["no-tech-flash", "no-tech-silverlight", "no-tech-both"])[..],
        &["--shard", "2/2"],
    ]
    .concat();
    let (status, report, _) = check_faults(&chromium, "amp-2.3.0", None, &shard);
    assert_eq!((status, report["cases"].as_u64()), (0, Some(1)));
}

/// `amperr check-faults ARGS` with a browser that would fail to start: an exit of 2 (not
/// 3) shows the input was refused before any browser started.
fn refused(args: &[&str]) -> String {
    let all = [
        &["check-faults", "--browser", "/bin/false", "--script", BUILD][..],
        args,
    ]
    .concat();
    let o = common::amperr(&all, b"");
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(2), "{args:?}: {stderr}");
    stderr
}

#[test]
fn bad_scenario_files_and_names_are_refused_before_any_browser_starts() {
    let dir = tempfile::tempdir().unwrap();
    let file = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    };
    let scenario = |fault: &str, expect: &str| {
        format!(
            "# a team's scenarios\n[[scenario]]\nname = \"x\"\nsource = \"dash\"\ntech_order = [\"azureHtml5JS\"]\n\
             fault = \"{fault}\"\nexpect = {expect}\n"
        )
    };
    let unknown = file(
        "unknown.toml",
        &scenario("segment 1: on fire", "\"derived\""),
    );
    let stderr = refused(&["--scenarios", &unknown]);
    assert!(
        stderr.contains(&format!("{unknown}:6: fault \"segment 1: on fire\"")),
        "{stderr}"
    );
    assert!(
        stderr.contains("http STATUS with STATUS in 100..599"),
        "{stderr}"
    );
    let status = file(
        "status.toml",
        &scenario("manifest: http 600", "\"derived\""),
    );
    assert!(
        refused(&["--scenarios", &status])
            .contains(&format!("{status}:6: fault \"manifest: http 600\""))
    );
    let code = file("code.toml", &scenario("manifest: http 404", "\"0xNOPE\""));
    let stderr = refused(&["--scenarios", &code]);
    assert!(
        stderr.contains(&format!("{code}:7: expect \"0xNOPE\" is not a code")),
        "{stderr}"
    );
    let twice = file(
        "twice.toml",
        &format!(
            "{}{}",
            scenario("none", "\"0x10600001\""),
            scenario("none", "\"0x10600001\"").replace("# a team's scenarios\n", "")
        ),
    );
    let stderr = refused(&["--scenarios", &twice]);
    assert!(
        stderr.contains(&format!(
            "{twice}:9: scenario \"x\" is named twice (first on line 3)"
        )),
        "{stderr}"
    );
    let taken = file(
        "taken.toml",
        &scenario("none", "\"0x10600001\"").replace("name = \"x\"", "name = \"manifest-http-404\""),
    );
    let stderr = refused(&["--scenarios", &taken]);
    assert!(
        stderr.contains(&format!(
            "{taken}:3: scenario \"manifest-http-404\" is named as one before it"
        )),
        "{stderr}"
    );
    let field = file(
        "field.toml",
        "[[scenario]]\nname = \"x\"\nsorce = \"dash\"\n",
    );
    let stderr = refused(&["--scenarios", &field]);
    assert!(
        stderr.contains(&format!("{field}:")) && stderr.contains("sorce"),
        "{stderr}"
    );
    let stderr = refused(&["--scenario", "manifest-http-999"]);
    assert!(
        stderr.contains("--scenario \"manifest-http-999\": there is no such scenario"),
        "{stderr}"
    );
    assert!(stderr.contains("manifest-http-404"), "{stderr}");
    let empty = tempfile::tempdir().unwrap();
    let stderr = refused(&[
        "--stream",
        &empty.path().display().to_string(),
        "--scenario",
        "segment-http-404",
    ]);
    assert!(
        stderr.contains("has no dash/x.mpd (the source of scenario segment-http-404)"),
        "{stderr}"
    );
    let stderr = refused(&["--stream", "/nonexistent/stream"]);
    assert!(stderr.contains("--stream /nonexistent/stream"), "{stderr}");
}

#[test]
fn a_teams_own_page_defines_load_and_error_and_is_judged_with_a11y() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let page = "tests/fixtures/players/custom-page.html";
    let args = [
        &["--profile", "amp-2.3.0", "--page", page, "--a11y"][..],
        &only(&["manifest-http-404", "no-tech-both"]),
    ]
    .concat();
    let output = amperr_with_browser(&chromium, "check-faults", &args, &["--format", "json"]);
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(0), "{report:#}");
    let checked: Vec<&str> = (report["fields"].as_array().unwrap().iter())
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        checked,
        [
            "message",
            "code_line",
            "accessible_description",
            "error_code"
        ]
    );
}

#[test]
fn a_page_without_load_and_error_is_refused_each_scenario_saying_why() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(BUILD, dir.path().join("amp.js")).unwrap();
    let page = dir.path().join("page.html");
    std::fs::write(
        &page,
        "<!DOCTYPE html><script src=\"amp.js\"></script><video id=v></video><script>\n\
         var p = amp('v', {});\n\
         window.amperrPlayer = { ready: new Promise(function (r) { p.ready(r); }),\n\
         raise: function (c) { p.error({code: c}); }, clear: function () { p.error(null); } };\n\
         </script>",
    )
    .unwrap();
    let args = [
        "--profile",
        "amp-2.3.0",
        "--page",
        page.to_str().unwrap(),
        "--scenario",
        "no-tech-flash",
    ];
    let output = amperr_with_browser(&chromium, "check-faults", &args, &["--format", "json"]);
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        failures(&report),
        [failure(
            "no-tech-flash: refused",
            "",
            "refused: the page's hook has no load() and error(): a fault scenario needs both"
        )]
    );
}

#[test]
fn a_build_that_navigates_on_a_fault_crashes_that_scenario_and_the_rest_go_on() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let (_dir, plugin) = common::plugin(
        "amp.fixture.onFault = function (player, error) { if ((error.code & 0x0ff00000) === 0x00200000) \
         location.href = 'https://amperr.test/files/elsewhere.html'; };",
    );
    let args = [
        &["--script", plugin.as_str()][..],
        &only(&["manifest-http-404", "no-tech-flash"]),
    ]
    .concat();
    let (status, report, stderr) = check_faults(&chromium, "amp-2.3.0", None, &args);
    assert_eq!(status, 1, "{stderr}");
    let failed = failures(&report);
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(failed[0].0, "manifest-http-404: crashed");
    assert!(
        failed[0].2.contains(
            "left its page (it navigated away to https://amperr.test/files/elsewhere.html)"
        ),
        "{failed:?}"
    );
    // No tech at all: the player raises without a fault, and is judged in a fresh browser.
    assert_eq!(count(&report, "pass"), 1);
}

#[test]
fn a_build_that_floods_the_server_is_answered_counted_and_judged() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    // From the page's first moment: 4 requests every 500 ms of page time, each a new URL,
    // all counted with the first case's (the 404 it gets is no fault of the scenario's).
    let (_dir, plugin) = common::plugin(
        "var n = 0; setInterval(function () { for (var i = 0; i < 4; i++) \
         fetch('https://amperr.test/media/0/flood/' + n++).catch(function () {}); }, 500);",
    );
    let wrong = defect("404-as-500");
    let args = [
        &["--script", plugin.as_str(), "--script", &wrong][..],
        &only(&["manifest-http-404", "no-tech-flash"]),
    ]
    .concat();
    let (status, report, stderr) = check_faults(&chromium, "amp-2.3.0", None, &args);
    assert_eq!(status, 1, "{stderr}\n{report:#}");
    assert_eq!(count(&report, "pass"), 1);
    let context = report["groups"][0]["example"]["context"]
        .as_str()
        .unwrap()
        .to_string();
    let made: u32 = context
        .split(" of ")
        .nth(1)
        .and_then(|r| r.split(' ').next()?.parse().ok())
        .unwrap();
    assert!(made > 7, "the flood's requests are counted: {context}");
}

#[test]
fn a_build_that_floods_without_end_fails_within_the_runs_bounds() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    // 200 requests every 10 ms of page time: the page's time hardly moves (each request
    // crosses to amperr and back) and its memory grows. The run ends within its bounds, the
    // scenario failed (a timeout, or the memory bound), never passed.
    let (_dir, plugin) = common::plugin(
        "var n = 0; setInterval(function () { for (var i = 0; i < 200; i++) \
         fetch('https://amperr.test/media/0/flood/' + n++).catch(function () {}); }, 10);",
    );
    let args = [
        &["--script", plugin.as_str()][..],
        &only(&["manifest-http-404"]),
    ]
    .concat();
    let started = std::time::Instant::now();
    let (status, report, _) = check_faults(&chromium, "amp-2.3.0", None, &args);
    assert!(status == 1 || status == 3, "{report:#}");
    assert_eq!(count(&report, "pass"), 0, "{report:#}");
    assert!(started.elapsed() < std::time::Duration::from_secs(120));
}

#[test]
fn a_load_that_never_settles_and_an_error_that_changes_are_refused() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let (_dir, plugin) = common::plugin(
        "var reads = 0;\n\
         window.addEventListener('load', function () {\n\
           var h = window.amperrPlayer, load = h.load;\n\
           h.load = function (source, order) { return order[0] === 'flashSS' ? new Promise(function () {}) : load(source, order); };\n\
           var err = h.error; h.error = function () { var e = err(); if (e && ++reads > 1) return { code: 0x10600001 }; return e; };\n\
         });",
    );
    let args = [
        &["--script", plugin.as_str()][..],
        &only(&["no-tech-flash", "manifest-http-403"]),
    ]
    .concat();
    let (status, report, stderr) = check_faults(&chromium, "amp-2.3.0", None, &args);
    assert_eq!(status, 1, "{stderr}\n{report:#}");
    let outcomes: Vec<String> = failures(&report)
        .into_iter()
        .map(|f| format!("{}: {}", f.0, f.2))
        .collect();
    assert_eq!(
        outcomes,
        [
            "manifest-http-403: refused: refused: the player's error changed after amperr read it: 0x20200193, then 0x10600001 500 ms later",
            "no-tech-flash: refused: refused: the page's load() did not settle within 180 s of page time",
        ]
    );
}
