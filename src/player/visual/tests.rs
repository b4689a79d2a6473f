//! The pixels' logic, with no browser: comparison, OCR's output, saving.

use std::time::{Duration, Instant};

use super::compare::{distance, normalized, tolerance};
use super::ocr::{ocr, parse_tsv};
use super::*;

/// The English texts amp-2.3.0 shows, by category (tests/fixtures/players/amp-fixture.js).
pub(super) const MESSAGES: [&str; 7] = [
    "Video playback aborted.",
    "A network error caused the video download to fail part-way. Please check your network connection or try again later.",
    "The video could not be loaded, either because the server or network failed or because the format is not supported.",
    "The video playback was aborted due to a corruption problem or because the video used features your browser did not support.",
    "Unable to decrypt the encrypted video source.",
    "No compatible source was found for this media.",
    "An unknown error occurred.",
];

fn reading(lines: &[&str]) -> Reading {
    Reading {
        lines: lines.iter().map(|l| l.to_string()).collect(),
        confidence: 95.0,
    }
}

#[test]
fn no_two_messages_are_within_each_others_tolerance() {
    // The tolerance must let OCR's noise through and no other message of the profile.
    for a in MESSAGES {
        for b in MESSAGES.iter().filter(|b| **b != a) {
            let (a, b) = (normalized(a), normalized(b));
            let apart = distance(&a, &b);
            assert!(
                apart > 3 * tolerance(a.chars().count()),
                "{a:?} vs {b:?}: {apart}"
            );
        }
    }
}

#[test]
fn ocr_noise_agrees_and_another_text_contradicts() {
    let message = MESSAGES[1];
    let code = "(0x20200194)";
    // Lines wrapped elsewhere, case, a typographic dash, OCR's confusions in the code.
    let noisy = reading(&[
        "A network error caused the video download to fail part\u{2011}way. Please",
        "check your network connection or try again Iater.",
        "(Ox2020O194)",
    ]);
    assert_eq!(compare(&noisy, message, code), Verdict::Agrees);
    // Another code in the code line (three digits off) is another code.
    let digit = reading(&[message, "(0x30300184)"]);
    assert!(matches!(
        compare(&digit, message, code),
        Verdict::Contradicts { .. }
    ));
    // Another message of the profile, or the same with a sentence left out.
    let other = reading(&[MESSAGES[2], code]);
    assert_eq!(
        compare(&other, message, code),
        Verdict::Contradicts {
            pixels: format!("{}\n{code}", MESSAGES[2])
        }
    );
    let cut = reading(&[
        "A network error caused the video download to fail part-way.",
        code,
    ]);
    assert!(matches!(
        compare(&cut, message, code),
        Verdict::Contradicts { .. }
    ));
    // No code line where the DOM has one.
    let no_code = reading(&[message]);
    assert!(matches!(
        compare(&no_code, message, code),
        Verdict::Contradicts { .. }
    ));
}

#[test]
fn a_code_line_alone_and_a_reading_of_nothing_are_judged() {
    let (message, code) = (MESSAGES[1], "(0x20200194)");
    // OCR's glyphs for hex digits and letters in a code line alone, as measured.
    assert_eq!(
        compare(&reading(&["(0x2£27ffff)"]), "", "(0x2f27ffff)"),
        Verdict::Agrees
    );
    assert_eq!(
        compare(&reading(&["(0x8££00000)"]), "", "(0x8ff00000)"),
        Verdict::Agrees
    );
    assert_eq!(
        compare(&reading(&["(OxScbfffff)"]), "", "(0x5cbfffff)"),
        Verdict::Agrees
    );
    assert_eq!(
        compare(&reading(&["(Oxf4dffftt)"]), "", "(0xf4dfffff)"),
        Verdict::Agrees
    );
    // Three digits off is another text.
    assert!(matches!(
        compare(&reading(&["(0x2f27f000)"]), "", "(0x2f27ffff)"),
        Verdict::Contradicts { .. }
    ));
    // Category 0: only the code line.
    assert_eq!(compare(&reading(&["(0x1)"]), "", "(0x1)"), Verdict::Agrees);
    assert!(matches!(
        compare(&reading(&["Hello", "(0x1)"]), "", "(0x1)"),
        Verdict::Contradicts { .. }
    ));
    // Nothing read where the DOM has text: the viewer reads nothing.
    assert_eq!(
        compare(&reading(&[]), message, code),
        Verdict::Contradicts {
            pixels: String::new()
        }
    );
    // A disagreement read without confidence: unreadable.
    assert_eq!(compare(&reading(&[]), "", ""), Verdict::Agrees);
    let unsure = Reading {
        confidence: 30.0,
        ..reading(&["Vidco p1ayback ab0rted", "(0x20200194)"])
    };
    assert!(matches!(
        compare(&unsure, message, code),
        Verdict::Unreadable { .. }
    ));
}

#[test]
fn tesseract_tsv_is_read_as_lines() {
    let tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n\
               1\t1\t0\t0\t0\t0\t0\t0\t100\t50\t-1\t\n\
               5\t1\t1\t1\t1\t1\t0\t0\t10\t10\t96.5\tVideo\n\
               5\t1\t1\t1\t1\t2\t0\t0\t10\t10\t93.5\tplayback\n\
               4\t1\t1\t1\t2\t0\t0\t0\t10\t10\t-1\t\n\
               5\t1\t1\t1\t2\t1\t0\t0\t10\t10\t90\t(0x100000)\n";
    let reading = parse_tsv(tsv);
    assert_eq!(reading.lines, ["Video playback", "(0x100000)"]);
    assert_eq!(reading.confidence, 93.33333333333333);
}

#[test]
fn a_tesseract_that_overruns_is_killed_in_time() {
    let dir = tempfile::tempdir().unwrap();
    let slow = dir.path().join("tesseract");
    std::fs::write(&slow, "#!/bin/sh\nexec sleep 30\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&slow, std::fs::Permissions::from_mode(0o755)).unwrap();
    let start = Instant::now();
    let outcome = ocr(&slow, b"png", Duration::from_millis(300)).unwrap();
    assert_eq!(
        outcome,
        Err("tesseract did not finish within 300ms".to_string())
    );
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
    // One that fails says how, in its own words.
    std::fs::write(&slow, "#!/bin/sh\necho 'Error: bad input' >&2; exit 1\n").unwrap();
    let failed = ocr(&slow, b"png", Duration::from_secs(5))
        .unwrap_err()
        .to_string();
    assert!(failed.contains("Error: bad input"), "{failed}");
    assert_eq!(
        VisualError::NoTesseract.to_string(),
        "tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-eng)"
    );
}

#[test]
fn screenshots_are_saved_whole_and_never_over_anything_else() {
    let dir = tempfile::tempdir().unwrap();
    let path = save(dir.path(), 0x20200194, b"first").unwrap();
    assert_eq!(path, dir.path().join("0x20200194.png"));
    // A regular file is replaced; no temporary file is left.
    save(dir.path(), 0x20200194, b"second").unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"second");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    // A link is not followed nor replaced, a directory not clobbered.
    let target = dir.path().join("target");
    std::fs::write(&target, b"keep").unwrap();
    std::os::unix::fs::symlink(&target, dir.path().join("0x00100000.png")).unwrap();
    assert!(matches!(
        save(dir.path(), 0x00100000, b"png"),
        Err(VisualError::Save { .. })
    ));
    assert_eq!(std::fs::read(&target).unwrap(), b"keep");
    std::fs::create_dir(dir.path().join("0x00000001.png")).unwrap();
    assert!(save(dir.path(), 1, b"png").is_err());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 4);
}
