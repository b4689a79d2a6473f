//! Shared by the integration tests: the spec's tables, transcribed independently.
#![allow(dead_code)]

pub mod tables;

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
