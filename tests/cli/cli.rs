//! The `amperr` command as users and CI pipelines run it: output, exit codes, errors.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use crate::common;

use amperr::render::Record;
use common::amperr;

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

#[test]
fn decode_text_shows_every_field_and_what_2_3_0_shows() {
    let o = amperr(&["decode", "0x20200194"], b"");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    for expected in [
        "0x20200194 (538968468) under profile doc",
        "AzureHtml5JS",
        "MEDIA_ERR_NETWORK",
        "networkErrHttpUrlNotFound",
        "Http 404 error response",
        "http status   404",
        "\"A network error caused the video download to fail part-way.\"",
        "documented code",
        "then \"(0x20200194)\"",
        "Please check your network connection or try again later.",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
}

#[test]
fn decode_json_has_the_documented_field_names_and_reads_back() {
    let o = amperr(
        &[
            "decode",
            "--format",
            "json",
            "--profile",
            "amp-2.3.0",
            "0x20200194",
            "-1",
        ],
        b"",
    );
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2);
    let value: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    let keys: Vec<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for field in [
        "code",
        "hex",
        "area",
        "area_name",
        "category",
        "category_name",
        "detail",
        "code28",
        "name",
        "aliases",
        "description",
        "message",
        "http_status",
        "class",
    ] {
        assert!(keys.contains(&field), "missing {field} in {keys:?}");
    }
    let record: Record = serde_json::from_str(lines[1]).unwrap();
    assert_eq!((record.code, record.hex.as_str()), (u32::MAX, "0xFFFFFFFF"));
    assert_eq!(record.area_name, None);
    assert_eq!(record.class.id(), "reserved_area");
    assert_eq!(value["name"], "networkErrHttpUrlNotFound");
    assert_eq!(value["http_status"], 404);
    assert_eq!(value["description"], "Http 404 error response");
}

#[test]
fn stdin_codes_good_ones_printed_bad_ones_reported_exit_2() {
    let input = b"0x20200194\n\nnot-a-code\n\xff\xfe\n538968468\r\n";
    let o = amperr(&["decode", "--format", "json"], input);
    assert_eq!(o.status.code(), Some(2));
    let records: Vec<Record> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 2);
    assert!(records.iter().all(|r| r.code == 0x2020_0194));
    let err = stderr(&o);
    assert!(
        err.contains("stdin line 3: \"not-a-code\" is not an error code"),
        "{err}"
    );
    assert!(err.contains("stdin line 4: not UTF-8"), "{err}");
    assert!(!err.contains("panicked"));
}

/// `tail -f player.log | amperr decode`: each code is shown as its line comes, not when
/// stdin ends (nor lost when a signal stops amperr while it waits), even when the line
/// comes in two pieces.
#[test]
fn stdin_codes_are_decoded_as_they_come() {
    use std::io::{BufRead, BufReader};
    let mut child = Command::new(env!("CARGO_BIN_EXE_amperr"))
        .args(["decode", "--format", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let (sent, got) = std::sync::mpsc::channel();
    let output = BufReader::new(child.stdout.take().unwrap());
    let reader = std::thread::spawn(move || {
        for line in output.lines() {
            let record: Record = serde_json::from_str(&line.unwrap()).unwrap();
            sent.send(record.code).unwrap();
        }
    });
    let wait = std::time::Duration::from_secs(20);
    input.write_all(b"0x20200194\n0x1").unwrap();
    input.flush().unwrap();
    assert_eq!(
        got.recv_timeout(wait),
        Ok(0x2020_0194),
        "the first, at once"
    );
    input.write_all(b"0\n").unwrap();
    input.flush().unwrap();
    assert_eq!(got.recv_timeout(wait), Ok(0x10), "the second, once whole");
    drop(input);
    assert_eq!(child.wait().unwrap().code(), Some(0));
    reader.join().unwrap();
}

#[test]
fn a_huge_stdin_line_is_refused_not_buffered() {
    let mut input = vec![b'7'; 1 << 20];
    input.extend_from_slice(b"\n1\n");
    let o = amperr(&["decode", "--format", "json"], &input);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("stdin line 1: longer than 4096 bytes"));
    assert_eq!(stdout(&o).lines().count(), 1);
}

#[test]
fn bad_arguments_exit_2_with_the_reason() {
    let o = amperr(&["decode", "0x20200194", "0x1FFFFFFFF", "nope"], b"");
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stdout(&o).matches("under profile doc").count(), 1);
    let err = stderr(&o);
    assert!(
        err.contains("\"0x1FFFFFFFF\" is not an error code: 9 hex digits"),
        "{err}"
    );
    assert!(err.contains("\"nope\""), "{err}");

    let o = amperr(&["decode", "--profile", "amp-2.4", "1"], b"");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("amp-2.4") && stderr(&o).contains("amp-2.3.0"));

    let o = amperr(&["decode", "--format", "xml", "1"], b"");
    assert_eq!(o.status.code(), Some(2));
    let o = amperr(&["frobnicate"], b"");
    assert_eq!(o.status.code(), Some(2));
}

#[cfg(unix)]
#[test]
fn a_non_utf8_argument_is_a_usage_error_not_a_panic() {
    use std::os::unix::ffi::OsStrExt;
    let bad = std::ffi::OsStr::from_bytes(b"0x\xff");
    let o = Command::new(env!("CARGO_BIN_EXE_amperr"))
        .arg("decode")
        .arg(bad)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(!stderr(&o).contains("panicked"));
}

#[test]
fn a_closed_stdout_ends_quietly() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_amperr"))
        .args(["decode"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let input = "0x20200194\n".repeat(50_000);
    // The child may exit before it has read everything; that is fine.
    let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
    let o = child.wait_with_output().unwrap();
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn a_closed_stdout_after_a_bad_input_still_exits_2() {
    let mut args = vec!["decode".to_string(), "bogus".to_string()];
    args.extend((0..20_000).map(|n| n.to_string()));
    let mut child = Command::new(env!("CARGO_BIN_EXE_amperr"))
        .args(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    assert!(stderr(&o).contains("\"bogus\" is not an error code"));
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn spec_in_every_format() {
    let o = amperr(&["spec"], b"");
    assert_eq!(o.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(doc["profile"], "doc");
    assert_eq!(doc["areas"].as_array().unwrap().len(), 16);
    assert_eq!(doc["categories"].as_array().unwrap().len(), 256);
    let codes = doc["codes"].as_array().unwrap();
    assert_eq!(codes.iter().filter(|c| c["documented"] == true).count(), 35);
    assert!(doc["categories"][7]["implementation_defined"]["message"].is_string());

    let o = amperr(&["spec", "--profile", "amp-2.3.0", "--format", "csv"], b"");
    let csv = stdout(&o);
    assert!(csv.starts_with("kind,value,hex,name,text,implementation_defined\n"));
    assert!(
        csv.contains("\nalias,2097151,0x01FFFFF,abortedErrEnd,,\n"),
        "{csv}"
    );
    assert!(csv.contains("\ncategory,0,0x00,MEDIA_ERR_CUSTOM,,message\n"));
    assert_eq!(csv.lines().filter(|l| l.starts_with("code,")).count(), 36);

    let o = amperr(&["spec", "--format", "markdown"], b"");
    let md = stdout(&o);
    assert!(md.contains("| 7..15 | *implementation-defined"), "{md}");
    assert!(md.contains("| 0, 7..254 | *implementation-defined"), "{md}");
    assert!(
        md.contains("| 0x0600003 | (no name) | Both Flash and Silverlight"),
        "{md}"
    );
}

#[test]
fn compose_from_fields_or_name() {
    let o = amperr(
        &[
            "compose",
            "--area",
            "AzureHtml5JS",
            "--name",
            "networkErrHttpUrlNotFound",
            "--format",
            "json",
        ],
        b"",
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let r: Record = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(r.code, 0x2020_0194);
    let o = amperr(
        &[
            "compose",
            "--area",
            "2",
            "--category",
            "0x02",
            "--detail",
            "429",
            "--format",
            "json",
        ],
        b"",
    );
    let r: Record = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!((r.code, r.http_status), (0x2020_01AD, Some(429)));
    for (args, expected) in [
        (
            &[
                "compose",
                "--area",
                "16",
                "--category",
                "1",
                "--detail",
                "0",
            ][..],
            "area 16",
        ),
        (
            &[
                "compose",
                "--area",
                "1",
                "--category",
                "1",
                "--detail",
                "0x100000",
            ][..],
            "20 bits",
        ),
        (
            &["compose", "--area", "Flash", "--name", "errUnknown"][..],
            "unknown area \"Flash\"",
        ),
        (
            &["compose", "--area", "1", "--name", "networkErrError"][..],
            "profile doc",
        ),
        (
            &[
                "compose",
                "--area",
                "1",
                "--category",
                "256",
                "--detail",
                "0",
            ][..],
            "256",
        ),
        (&["compose", "--area", "1"][..], "--name"),
        (
            &[
                "compose",
                "--area",
                "1",
                "--category",
                "+1",
                "--detail",
                "0",
            ][..],
            "not a number",
        ),
        (
            &[
                "compose",
                "--area",
                "1",
                "--category",
                "1",
                "--detail",
                "0x+5",
            ][..],
            "not a number",
        ),
    ] {
        let o = amperr(args, b"");
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains(expected), "{args:?}: {}", stderr(&o));
    }
}

/// `compose` takes a name as `decode` does: with the `amp.errorCode.` prefix, and a name
/// in another letter case gets the name it means; an area out of range says what is.
#[test]
fn compose_reads_names_and_areas_as_decode_does() {
    let o = amperr(
        &[
            "compose",
            "--area",
            "2",
            "--name",
            "amp.errorCode.networkErrHttpUrlNotFound",
        ],
        b"",
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("0x20200194 "), "{}", stdout(&o));
    for (args, expected) in [
        (
            &[
                "compose",
                "--area",
                "2",
                "--name",
                "networkerrhttpurlnotfound",
            ][..],
            "did you mean networkErrHttpUrlNotFound?",
        ),
        (
            &["compose", "--area", "16", "--name", "errUnknown"][..],
            "area 16 is out of range: give 0..=15",
        ),
    ] {
        let o = amperr(args, b"");
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains(expected), "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn every_help_states_its_exit_codes_and_needs_no_repository_file() {
    for command in std::iter::once("").chain(common::COMMANDS) {
        for flag in ["-h", "--help"] {
            let args: Vec<&str> = [command, flag]
                .into_iter()
                .filter(|a| !a.is_empty())
                .collect();
            let o = amperr(&args, b"");
            assert_eq!(o.status.code(), Some(0), "{args:?}");
            let help = stdout(&o);
            assert!(
                help.contains("Exit status"),
                "{args:?} names no exit status"
            );
            for file in ["docs/", "examples/", "tests/", ".md"] {
                assert!(!help.contains(file), "{args:?} points at {file}:\n{help}");
            }
        }
    }
    // The profiles, their summaries and the default come from the data files.
    let help = stdout(&amperr(&["decode", "--help"], b""));
    for profile in amperr::Profile::ALL {
        assert!(help.contains(&format!("- {}:", profile.id())), "{help}");
        assert!(help.contains(profile.summary()), "{help}");
    }
    let o = amperr(&["decode", "--profile", "nope", "1"], b"");
    assert_eq!(o.status.code(), Some(2));
}
