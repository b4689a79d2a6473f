//! Shared by the integration tests: the spec's tables, transcribed independently.
#![allow(dead_code)]

pub mod tables;

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// Runs the `amperr` binary in the crate's root with `stdin` as its input, and waits.
pub fn amperr(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_amperr"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A command that exits before reading all its input closes the pipe: not an error here.
    let _ = child.stdin.take().unwrap().write_all(stdin);
    child.wait_with_output().unwrap()
}

/// Reads a value the way the page writes it (`0x0600001`, `0x00600003`).
pub fn hex(text: &str) -> u32 {
    u32::from_str_radix(text.trim_start_matches("0x"), 16).expect("test table holds hex")
}

/// A range marker of the 2.3.0 runtime, which is an alias, never a canonical name.
pub fn is_range_marker(name: &str) -> bool {
    ["Start", "End", "ResponseBegin", "ResponseEnd"]
        .iter()
        .any(|suffix| name.ends_with(suffix))
}

/// Says that a test skipped something, and why, where a person sees it: on the real stderr,
/// past the test harness's capture of `eprintln!`.
pub fn skipped(what: &str) {
    let _ = writeln!(std::io::stderr(), "SKIPPED: {what}");
}

/// Debian's `chromium` on PATH, for the tests that look at what a browser shows. Without
/// it such a test says so (visibly) and passes, except under `CI=true`, where it fails.
pub fn chromium() -> Option<PathBuf> {
    let found = ["chromium", "chromium-browser"]
        .into_iter()
        .filter_map(|name| {
            Command::new("sh")
                .args(["-c", &format!("command -v {name}")])
                .output()
                .ok()
        })
        .find(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    if found.is_none() {
        assert!(
            std::env::var("CI").is_err(),
            "chromium is required in CI: apt-get install chromium"
        );
        skipped("no chromium on PATH (apt-get install chromium): the browser checks did not run");
    }
    found
}

/// Every subcommand of `amperr`.
pub const COMMANDS: [&str; 10] = [
    "decode",
    "spec",
    "compose",
    "check",
    "report",
    "vectors",
    "check-player",
    "check-faults",
    "check-table",
    "scan",
];

/// A plugin script holding `source`, in a directory of its own: (the directory, its path).
pub fn plugin(source: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plugin.js");
    std::fs::write(&path, source).unwrap();
    let path = path.display().to_string();
    (dir, path)
}

/// How many cases of a JSON report had `outcome`.
pub fn count(report: &serde_json::Value, outcome: &str) -> u64 {
    report["counts"][outcome].as_u64().unwrap()
}

/// A JSON array of strings, as strings (none if it is not an array).
pub fn strings(value: &serde_json::Value) -> Vec<String> {
    value
        .as_array()
        .unwrap_or(&Vec::new())
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}
