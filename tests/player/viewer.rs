//! `check-player` judges what the viewer sees, not what the DOM holds: the fixture build
//! under skins and plugins that hide, cover, fake or delay its overlay
//! (`tests/fixtures/players/viewer/`), each with its exact verdict. Without `chromium` on
//! PATH these tests say SKIPPED and pass, except under `CI=true`.

use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::common;

use common::count;

const BUILD: &str = "tests/fixtures/players/amp-fixture.js";
/// One code of category 1, one of category 2, one of category 6: three overlay texts.
const CODES: [&str; 3] = ["0x00100000", "0x20200194", "0x10600001"];

/// `check-player --profile amp-2.3.0 --script BUILD --script viewer/NAME.js` on [`CODES`]:
/// the exit status and the JSON report.
fn gate(chromium: &Path, name: &str) -> (i32, Value) {
    let plugin = format!("tests/fixtures/players/viewer/{name}.js");
    let mut command = Command::new(env!("CARGO_BIN_EXE_amperr"));
    command
        .args(["check-player", "--browser", &chromium.display().to_string()])
        .args([
            "--profile",
            "amp-2.3.0",
            "--script",
            BUILD,
            "--script",
            &plugin,
        ])
        .args(["--format", "json"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::null());
    for code in CODES {
        command.args(["--code", code]);
    }
    let output = command.output().unwrap();
    let report = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        let stderr = String::from_utf8_lossy(&output.stderr);
        panic!("{name}: not a JSON report ({e}); stderr:\n{stderr}")
    });
    (output.status.code().unwrap_or(-1), report)
}

/// Each failure group's (field, what the example got).
fn got(report: &Value) -> Vec<(String, String)> {
    let groups = report["groups"].as_array().unwrap();
    let mut got: Vec<(String, String)> = groups
        .iter()
        .map(|g| {
            let field = g["failure"]["field"].as_str().unwrap_or("-").to_string();
            (
                field,
                g["example"]["got"].as_str().unwrap_or("-").to_string(),
            )
        })
        .collect();
    got.sort();
    got.dedup();
    got
}

/// Runs `check` on each variant, two at a time (each is a browser), and fails naming
/// every variant whose verdict was wrong.
fn each(chromium: &Path, names: &[&'static str], check: impl Fn(&str, i32, &Value) + Sync) {
    let failures: Vec<String> = std::thread::scope(|scope| {
        let check = &check;
        let mut failures = Vec::new();
        for pair in names.chunks(2) {
            let running: Vec<_> = pair
                .iter()
                .map(|name| {
                    scope.spawn(move || {
                        let (status, report) = gate(chromium, name);
                        let outcome =
                            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                                check(name, status, &report)
                            }));
                        outcome.err().map(|_| format!("{name}: {report:#}"))
                    })
                })
                .collect();
            failures.extend(running.into_iter().filter_map(|r| r.join().unwrap()));
        }
        failures
    });
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn an_overlay_the_viewer_cannot_read_reads_as_empty() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let hidden = [
        "same-colour",
        "transparent",
        "font-size-0",
        "clip-path",
        "clip-rect",
        "scaled-to-nothing",
        "moved-off-screen",
        "filter-faded",
        "nearly-transparent",
        "zero-sized",
        "behind-the-video",
        "covered",
        "fades-out",
        "tiny-text",
    ];
    each(&chromium, &hidden, |name, status, report| {
        assert_eq!(status, 1, "{name}");
        assert_eq!(count(report, "mismatch"), 3, "{name}");
        // Both the message and the code line read as nothing, for every code.
        let empty = ["code_line", "message"].map(|f| (f.to_string(), "\"\"".to_string()));
        assert_eq!(got(report), empty, "{name}");
    });
}

#[test]
fn text_amperr_cannot_read_exactly_refuses_the_code_saying_why() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let refused = [
        ("masked", "under a CSS mask"),
        ("canvas-over", "covered by a <canvas>"),
        ("iframe-over", "covered by an <iframe>"),
        (
            "changes-after-120ms",
            "the overlay changed after amperr read it",
        ),
    ];
    let names: Vec<&str> = refused.iter().map(|(name, _)| *name).collect();
    each(&chromium, &names, |name, status, report| {
        assert_eq!(status, 1, "{name}");
        assert_eq!(count(report, "refused"), 3, "{name}");
        let why = refused.iter().find(|(n, _)| *n == name).unwrap().1;
        for group in report["groups"].as_array().unwrap() {
            let detail = group["example"]["detail"].as_str().unwrap();
            assert!(detail.contains(why), "{name}: {detail}");
        }
    });
}

#[test]
fn a_text_that_changes_after_the_read_names_both_readings() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let (status, report) = gate(&chromium, "changes-after-120ms");
    assert_eq!(status, 1);
    let detail = report["groups"][0]["example"]["detail"].as_str().unwrap();
    assert!(
        detail.contains(r#"it showed "Video playback aborted.\n(0x100000)" 100 ms after"#)
            && detail.contains(r#"then "Please wait" 400 ms later"#),
        "{detail}"
    );
}

#[test]
fn what_the_viewer_reads_instead_is_what_amperr_got() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let names = ["bidi-reversed", "decoy", "before-over-emptied"];
    each(&chromium, &names, |name, status, report| {
        assert_eq!(status, 1, "{name}");
        assert_eq!(count(report, "mismatch"), 3, "{name}");
        let got = got(report);
        let has = |field: &str, text: &str| got.contains(&(field.to_string(), text.to_string()));
        match name {
            // The override draws the letters right to left: the viewer reads them reversed.
            "bidi-reversed" => assert!(has("message", "\".detroba kcabyalp oediV\""), "{got:?}"),
            // The right texts in an off-screen decoy first in the document do not count.
            "decoy" => assert_eq!(got, [("code_line".into(), "\"(0x0)\"".into())]),
            // ::before's text over an emptied node is what the viewer reads.
            _ => assert!(has("code_line", "\"Please wait\"") && has("message", "\"\"")),
        }
    });
}

#[test]
fn the_right_text_drawn_another_way_or_a_frame_later_passes() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let names = [
        "pseudo-elements",
        "closed-shadow-root",
        "next-frame",
        "spins-2ms",
        "animation-loop",
        "below-the-fold",
        "fades-in",
        "no-break-space",
        "large-player",
        "gradient-text",
        "overflowing-text",
        "display-contents",
    ];
    each(&chromium, &names, |name, status, report| {
        assert_eq!((status, count(report, "pass")), (0, 3), "{name}");
    });
}

#[test]
fn a_table_that_changes_during_the_run_fails_naming_both_readings() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let (status, report) = gate(&chromium, "table-changes");
    assert_eq!((status, count(&report, "pass")), (1, 3), "{report:#}");
    let problems = report["run_problems"].to_string();
    assert!(
        problems.contains("changed during the run")
            && problems.contains("networkErrTimeout = 2097752 before, 2097999 after")
            && problems.contains("networkErrLate absent before, = 2097998 after"),
        "{problems}"
    );
}

#[test]
fn a_webrtc_connection_the_page_tries_is_named() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let (status, report) = gate(&chromium, "webrtc");
    assert_eq!(status, 0, "{report:#}");
    let notes = report["notes"].to_string();
    assert!(
        notes.contains("the page tried a WebRTC connection (RTCPeerConnection, ICE servers stun:127.0.0.1:9): refused (no network)"),
        "{notes}"
    );
}

/// Pauses of amperr itself (SIGSTOP, or Ctrl-Z's SIGTSTP, then SIGCONT) change no verdict.
/// A pause used to cut amperr's connection to the browser about half the time (the socket
/// read it was in failed when amperr went on): three pauses lost it in nearly every run.
#[test]
fn pauses_of_amperr_change_no_verdict() {
    use nix::sys::signal::{Signal, kill};
    use nix::unistd::Pid;
    let Some(chromium) = common::chromium() else {
        return;
    };
    let gate = Command::new(env!("CARGO_BIN_EXE_amperr"))
        .args(["check-player", "--browser", &chromium.display().to_string()])
        .args([
            "--profile",
            "amp-2.3.0",
            "--script",
            BUILD,
            "--format",
            "json",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid = Pid::from_raw(gate.id() as i32);
    std::thread::sleep(std::time::Duration::from_secs(4));
    for stop in [Signal::SIGSTOP, Signal::SIGTSTP, Signal::SIGSTOP] {
        kill(pid, stop).unwrap();
        std::thread::sleep(std::time::Duration::from_secs(2));
        kill(pid, Signal::SIGCONT).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(1500));
    }
    let output = gate.wait_with_output().unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let cases = report["cases"].as_u64().unwrap();
    assert_eq!(output.status.code(), Some(0), "{report:#}");
    assert_eq!(count(&report, "pass"), cases, "{report:#}");
}

/// Whether tesseract is here; without it (outside CI) the pixel tests say SKIPPED.
fn tesseract() -> bool {
    let found = Command::new("tesseract")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have tesseract (.ci/run installs it)"
        );
        common::skipped("no tesseract on PATH (apt-get install tesseract-ocr tesseract-ocr-eng)");
    }
    found
}

/// The DOM cannot tell the colour of a background image; the pixels can: white text over a
/// white image reads as the right text in the page and as nothing on the screen. The gate
/// fails with the screenshot saved, named in the report and shown in the HTML report.
#[test]
fn a_reading_the_pixels_contradict_fails_with_its_screenshot() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    if !tesseract() {
        return;
    }
    let shots = tempfile::tempdir().unwrap();
    let report_file = shots.path().join("report.json");
    let output = Command::new(env!("CARGO_BIN_EXE_amperr"))
        .args(["check-player", "--browser", &chromium.display().to_string()])
        .args(["--profile", "amp-2.3.0", "--script", BUILD])
        .args([
            "--script",
            "tests/fixtures/players/viewer/white-on-white-image.js",
        ])
        .args(["--code", "0x00100000", "--format", "json", "--screenshots"])
        .arg(shots.path())
        .arg("--output")
        .arg(&report_file)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&std::fs::read(&report_file).unwrap()).unwrap();
    assert_eq!(output.status.code(), Some(1), "{report:#}");
    // The DOM's reading passes: the pixels alone fail it.
    assert_eq!(count(&report, "pass"), 1, "{report:#}");
    let shot = shots.path().join("0x00100000.png");
    let problems = report["run_problems"].to_string();
    assert!(
        problems.contains(r#"the pixels contradict amperr's reading of 0x00100000: the page's text reads \"Video playback aborted.\\n(0x100000)\", the screen shows \"\""#)
            && problems.contains(&format!("(screenshot: {})", shot.display())),
        "{problems}"
    );
    assert!(
        std::fs::read(&shot)
            .unwrap()
            .starts_with(b"\x89PNG\r\n\x1a\n")
    );
    let html = common::amperr(
        &[
            "report",
            &report_file.display().to_string(),
            "--format",
            "html",
        ],
        b"",
    );
    let html = String::from_utf8(html.stdout).unwrap();
    let url = format!("<img src=\"file://{}\"", shot.display());
    assert!(html.contains(&url), "no {url} in the HTML report");
}

/// The pixels confirm the fixture build's readings: each distinct message, and the codes
/// drawn with the seed, named in a note; `--visual off` reads no pixels.
#[test]
fn the_pixels_confirm_the_fixture_builds_readings() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    if !tesseract() {
        return;
    }
    let run = |visual: &str| {
        let output = Command::new(env!("CARGO_BIN_EXE_amperr"))
            .args(["check-player", "--browser", &chromium.display().to_string()])
            .args([
                "--profile",
                "amp-2.3.0",
                "--script",
                BUILD,
                "--visual",
                visual,
            ])
            .args([
                "--code",
                "0x00100000",
                "--code",
                "0x20200194",
                "--code",
                "0x10600001",
            ])
            .args([
                "--code",
                "0x00100001",
                "--code",
                "0x20200190",
                "--format",
                "json",
            ])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let report: Value = serde_json::from_slice(&output.stdout).unwrap();
        (output.status.code(), report["notes"].to_string())
    };
    let (status, notes) = run("sample");
    assert_eq!(status, Some(0), "{notes}");
    // Three distinct messages, and the two other codes drawn (fewer than the draw wants).
    assert!(
        notes.contains(
            "the pixels confirmed amperr's reading of 5 codes: 0x00100000, 0x20200194, 0x10600001"
        ),
        "{notes}"
    );
    let (status, notes) = run("off");
    assert_eq!(status, Some(0));
    assert!(!notes.contains("pixels"), "{notes}");
}
