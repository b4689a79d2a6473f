//! Shared by the integration tests: the spec's tables, transcribed independently.
#![allow(dead_code)]

pub mod tables;

use std::io::Write;
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
