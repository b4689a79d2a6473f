//! `amperr scan` on realistic logs: every form, codes split across blocks, hex in either
//! case, numbers that are not codes, gzip, unreadable files, and the --fail-on gate.

use std::io::{Read, Write};

mod common;

use amperr::scan::{BLOCK, Scan};
use common::amperr;

/// A player's log: every form of code, and numbers that are not codes.
const LOG: &str = include_str!("fixtures/player.log");
fn scan_text(text: &[u8]) -> Vec<(u32, u64, u64)> {
    let mut scan = Scan::new();
    scan.scan("log", text).unwrap();
    scan.found()
        .iter()
        .map(|f| (f.code.0, f.count, f.first.line))
        .collect()
}

#[test]
fn a_realistic_log() {
    let found = scan_text(LOG.as_bytes());
    assert_eq!(
        found,
        [
            // Most frequent first, then by code.
            (0x1060_0003, 2, 5),
            (0x2020_0194, 2, 3),
            (0x0000_01F4, 1, 7),
            (0x2040_000A, 1, 7),
            (0x7070_0000, 1, 8),
        ]
    );
}

#[test]
fn hex_in_either_case_is_one_code() {
    assert_eq!(
        scan_text(b"0xabcdef01 0XABCDEF01 0xAbCdEf01"),
        [(0xABCD_EF01, 3, 1)]
    );
}

#[test]
fn codes_split_at_block_boundaries_are_found_once() {
    for form in ["(0x20200194)", "code=538968468", "\"code\": \"0x20200194\""] {
        for offset in 0..24 {
            // Filler lines, so that the code straddles the end of the first block.
            let mut log = Vec::new();
            while log.len() < BLOCK - offset - 20 {
                log.extend_from_slice(b"2026-11-27 INFO bitrate=3500000 x\n");
            }
            let line = log.iter().filter(|b| **b == b'\n').count() as u64 + 1;
            log.extend_from_slice(format!("ERROR {form} end\nmore 1234\n").as_bytes());
            assert_eq!(
                scan_text(&log),
                [(0x2020_0194, 1, line)],
                "{form} at offset {offset}"
            );
        }
    }
}

/// A reader that hands out a few bytes at a time, as pipes do.
struct Trickle<'a>(&'a [u8], usize);

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.1.min(buf.len()).min(self.0.len());
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

#[test]
fn short_reads_find_the_same_codes() {
    let expected = scan_text(LOG.as_bytes());
    for step in [1, 3, 7, 64, 4096] {
        let mut scan = Scan::new();
        scan.scan("log", Trickle(LOG.as_bytes(), step)).unwrap();
        let found: Vec<(u32, u64, u64)> = scan
            .found()
            .iter()
            .map(|f| (f.code.0, f.count, f.first.line))
            .collect();
        assert_eq!(found, expected, "reads of {step} bytes");
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn files_gzip_and_unreadable_ones() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("player.log");
    std::fs::write(&plain, LOG).unwrap();
    let gz = dir.path().join("player.log.gz");
    let mut encoder = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz).unwrap(),
        flate2::Compression::fast(),
    );
    encoder.write_all(LOG.as_bytes()).unwrap();
    encoder.finish().unwrap();
    let (plain, gz) = (plain.display().to_string(), gz.display().to_string());
    let missing = dir.path().join("missing.log").display().to_string();
    let out = amperr(
        &[
            "scan",
            "--format",
            "json",
            &plain,
            &missing,
            &gz,
            dir.path().to_str().unwrap(),
        ],
        b"",
    );
    // The unreadable ones are reported, and the others still scanned.
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains(&format!("cannot read {missing}: No such file")),
        "{err}"
    );
    assert!(err.contains("Is a directory"), "{err}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["occurrences"], 14);
    let not_found = &report["codes"][1];
    assert_eq!(
        not_found["count"], 4,
        "twice in each of the two readable files"
    );
    assert_eq!(not_found["first_seen"], format!("{plain}:3"));
    assert_eq!(not_found["decoded"]["name"], "networkErrHttpUrlNotFound");
    assert_eq!(report["errors"].as_array().unwrap().len(), 2);
}

#[test]
fn stdin_text_and_the_fail_on_gate() {
    let out = amperr(&["scan"], LOG.as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    assert!(
        report
            .starts_with("amperr scan: 5 distinct codes, 7 occurrences in 1 source (profile doc)"),
        "{report}"
    );
    assert!(report.contains("0x20200194  stdin:3"), "{report}");

    let out = amperr(
        &[
            "scan",
            "--fail-on",
            "reserved-area",
            "--fail-on",
            "undocumented",
        ],
        LOG.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(1));
    let report = text(&out.stdout);
    assert!(
        report.contains("FAIL: 1 code of a reserved area: 0x70700000"),
        "{report}"
    );
    assert!(
        report.contains("FAIL: 3 codes undocumented: 0x000001F4, 0x2040000A, 0x70700000"),
        "{report}"
    );

    let out = amperr(&["scan", "--fail-on", "reserved-area"], b"(0x20200194)\n");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        amperr(&["scan", "--fail-on", "odd"], b"").status.code(),
        Some(2)
    );
}
