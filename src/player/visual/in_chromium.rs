//! The pixels in Chromium, on the fixture build (skipped with no `chromium` or
//! `tesseract` on PATH, except under `CI=true`).

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::compare::{distance, normalized, tolerance};
use super::tests::MESSAGES;
use super::*;
use crate::player::browser::{Browser, Launch, Tab};
use crate::player::chromium::{Chromium, ChromiumTab, find_browser};
use crate::player::network::NetworkPolicy;
use crate::process;

/// Chromium and tesseract, or `None` (the test is skipped, except under `CI=true`).
fn tools() -> Option<std::path::PathBuf> {
    let browser = find_browser();
    let tesseract = process::program_file("tesseract");
    if browser.is_none() || tesseract.is_none() {
        assert!(
            std::env::var("CI").is_err(),
            "chromium and tesseract are required in CI: \
             apt-get install chromium tesseract-ocr tesseract-ocr-eng"
        );
        eprintln!("SKIPPED: no chromium or tesseract on PATH: the pixel checks did not run");
        return None;
    }
    browser
}

/// A page with the fixture build, styled with `css`, and `extra` HTML after the player.
fn page(dir: &Path, css: &str, extra: &str) -> String {
    let fixture = std::fs::canonicalize(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/players/amp-fixture.js"
    ))
    .unwrap();
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><style>{css}</style>\
         <script src=\"file://{}\"></script></head><body>\
         <video id=\"amperr-video\" width=\"640\" height=\"360\"></video>\
         <script>window.player = amp(document.getElementById('amperr-video'), {{}}, \
         function () {{ window.ready = true; }});\
         window.resizes = 0; addEventListener('resize', function () {{ resizes++; }});</script>\
         {extra}</body></html>",
        fixture.display()
    );
    let file = dir.join("index.html");
    std::fs::write(&file, html).unwrap();
    format!("file://{}", file.display())
}

/// An AMP-like skin: light text on the dark player.
const DARK: &str = ".azuremediaplayer { position: relative; width: 640px; height: 360px; \
    background: #000; font-family: sans-serif; } \
    .vjs-error-display { position: absolute; inset: 0; background: rgba(0, 0, 0, 0.6); } \
    .vjs-modal-dialog-content { color: #fff; font-size: 14px; padding: 20px 24px; \
    line-height: 1.5; } .vjs-hidden { display: none; } .vjs-offscreen { position: absolute; \
    left: -10000px; }";

/// What the driver reads: the overlay's visible text, split at its last line break,
/// and its box.
const READ: &str = "JSON.stringify((function () { \
    var c = document.querySelector('.vjs-error-display .vjs-modal-dialog-content'); \
    var r = c.getBoundingClientRect(); \
    return [c.innerText, r.x, r.y, r.width, r.height, performance.now()]; })())";

struct Shown {
    message: String,
    code_line: String,
    region: Region,
    time: f64,
}

fn shown(tab: &ChromiumTab) -> Shown {
    let read: serde_json::Value = serde_json::from_str(&tab.evaluate(READ).unwrap()).unwrap();
    let text = read[0].as_str().unwrap();
    let (message, code_line) = text.rsplit_once('\n').unwrap_or(("", text));
    let number = |i: usize| read[i].as_f64().unwrap();
    Shown {
        message: message.to_string(),
        code_line: code_line.to_string(),
        region: Region {
            x: number(1),
            y: number(2),
            width: number(3),
            height: number(4),
        },
        time: number(5),
    }
}

/// Opens the page under virtual time as `session` sets it.
fn open(browser: &Path, dir: &Path, css: &str, extra: &str) -> Chromium {
    let url = page(dir, css, extra);
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/players");
    let launch = Launch {
        executable: browser.to_path_buf(),
        network: Arc::new(NetworkPolicy::own_files(vec![dir.to_path_buf(), fixtures])),
    };
    let chromium = Chromium::start(&launch).unwrap();
    let tab = chromium.tab();
    tab.navigate(&url).unwrap();
    tab.wait_until_navigated().unwrap();
    let ready = tab.evaluate(
        "new Promise(function (ok) { (function wait() { window.ready ? ok('ready') : setTimeout(wait, 5); })(); })",
    );
    assert_eq!(ready.unwrap(), "ready");
    resume(tab).unwrap();
    chromium
}

/// Raises `code` with the page's time held, runs it 100 ms (the overlay fills at 50),
/// and holds it there: the sequence that photographs what the DOM reading saw.
fn raise(tab: &ChromiumTab, code: u32) {
    hold(tab).unwrap();
    let raise = format!("player.error(null); player.error({{code: {code}}}); 'raised'");
    assert_eq!(tab.evaluate(&raise).unwrap(), "raised");
    (tab.run_then_hold(Duration::from_millis(100), Duration::from_secs(10))).unwrap();
}

/// One code of each distinct amp-2.3.0 text: categories 1 to 6 and 255, and 0 (no
/// message, only the code line).
const CODES: [u32; 8] = [
    0x0010_0000,
    0x2020_0194,
    0x0030_0000,
    0x0040_0005,
    0x0050_0006,
    0x0060_0001,
    0x0ff0_0000,
    0x0000_0001,
];

#[test]
fn every_amp_2_3_0_text_agrees_in_pixels() {
    let Some(browser) = tools() else { return };
    let mut times = Vec::new();
    for (skin, css) in [("unstyled", ""), ("dark", DARK)] {
        let dir = tempfile::tempdir().unwrap();
        let chromium = open(&browser, dir.path(), css, "");
        let tab = chromium.tab();
        for code in CODES {
            raise(tab, code);
            let seen = shown(tab);
            assert_eq!(seen.code_line, format!("(0x{code:x})"));
            let start = Instant::now();
            let (verdict, png) =
                arbitrate(tab, seen.region, &seen.message, &seen.code_line).unwrap();
            times.push(start.elapsed());
            assert_eq!(verdict, Verdict::Agrees, "{skin} {code:#010x}");
            assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
            // Page time stood still through the photograph.
            assert_eq!(shown(tab).time, seen.time, "{skin} {code:#010x}");
            // How far OCR strayed, for the tolerance's sake.
            let read = read_text(&png, OCR_TIMEOUT).unwrap().unwrap();
            let (message, lines) = (normalized(&seen.message), read.lines.len());
            let seen_message = normalized(&read.lines[..lines - 1].join(" "));
            eprintln!(
                "{skin} {code:#010x}: {} edits of {} allowed in {} chars, code line {:?}, \
                 confidence {:.1}",
                distance(&seen_message, &message),
                tolerance(message.chars().count()),
                message.chars().count(),
                read.lines[lines - 1],
                read.confidence
            );
            if let Ok(dir) = std::env::var("AMPERR_SHOTS") {
                let dir = Path::new(&dir).join(skin);
                std::fs::create_dir_all(&dir).unwrap();
                save(&dir, code, &png).unwrap();
            }
        }
        // An overlay in the viewport is photographed without resizing the page's view.
        if skin == "dark" {
            let resizes = tab.evaluate("resizes").unwrap();
            assert_eq!(resizes, "0");
        }
    }
    times.sort();
    eprintln!(
        "screenshot + OCR: median {:?}, slowest {:?} over {}",
        times[times.len() / 2],
        times[times.len() - 1],
        times.len()
    );
}

#[test]
fn a_canvas_over_the_overlay_contradicts_the_dom() {
    let Some(browser) = tools() else { return };
    let dir = tempfile::tempdir().unwrap();
    // Once the overlay opens, a canvas with another text covers it: the DOM still
    // reads the overlay's text, the viewer reads the canvas.
    let canvas = "<script>new MutationObserver(function () { \
        var box = document.querySelector('.vjs-modal-dialog-content').getBoundingClientRect(); \
        if (!box.height || document.querySelector('canvas')) return; \
        var c = document.createElement('canvas'); c.width = box.width; c.height = box.height; \
        c.style = 'position: absolute; left: ' + (box.x + scrollX) + 'px; top: ' + (box.y + scrollY) + 'px'; \
        var g = c.getContext('2d'); g.fillStyle = '#fff'; g.fillRect(0, 0, c.width, c.height); \
        g.fillStyle = '#000'; g.font = '16px serif'; g.fillText('Everything is fine, keep watching.', 0, 15); \
        g.fillText('(0x0)', 0, 33); document.body.appendChild(c); \
        }).observe(document.body, { subtree: true, childList: true, attributes: true });</script>";
    let chromium = open(&browser, dir.path(), "", canvas);
    let tab = chromium.tab();
    raise(tab, 0x2020_0194);
    let seen = shown(tab);
    assert_eq!(seen.message, MESSAGES[1]);
    let (verdict, _) = arbitrate(tab, seen.region, &seen.message, &seen.code_line).unwrap();
    let Verdict::Contradicts { pixels } = verdict else {
        panic!("{verdict:?}")
    };
    assert!(
        pixels.starts_with("Everything is fine, keep watching.\n("),
        "{pixels}"
    );
}

#[test]
fn a_box_scrolled_or_past_the_viewport_is_photographed_whole() {
    let Some(browser) = tools() else { return };
    let dir = tempfile::tempdir().unwrap();
    // The overlay starts 1,800 px down a page taller than the viewport.
    let css = "body { margin-top: 1400px; height: 4000px; }";
    let chromium = open(&browser, dir.path(), css, "");
    let tab = chromium.tab();
    raise(tab, 0x0010_0000);
    let height: f64 = tab.evaluate("innerHeight").unwrap().parse().unwrap();
    let mut past_the_edge = 0;
    for scroll in [0, 500, 1000, 1500] {
        let scroll_to = format!("scrollTo(0, {scroll}); 'scrolled'");
        let scrolled = tab.evaluate(&scroll_to).unwrap();
        assert_eq!(scrolled, "scrolled");
        let seen = shown(tab);
        let Region { y, height: h, .. } = seen.region;
        past_the_edge += usize::from(y < 0.0 || y + h > height);
        let (verdict, _) = arbitrate(tab, seen.region, &seen.message, &seen.code_line).unwrap();
        assert_eq!(verdict, Verdict::Agrees, "scrolled to {scroll}");
    }
    // Only the photographs past the viewport's edge resized its view, and some were.
    let resizes = tab.evaluate("resizes").unwrap();
    assert!(past_the_edge > 0, "no box crossed the viewport's edge");
    assert_eq!(resizes, past_the_edge.to_string());
}

/// The measurement behind [`tolerance`] (slow: `--ignored --nocapture`; .ci/run runs it): how far OCR
/// strays from every amp-2.3.0 text at small sizes.
#[test]
#[ignore]
fn ocr_noise_by_font_size() {
    let Some(browser) = tools() else { return };
    for size in [7, 8, 9, 10, 12] {
        let dir = tempfile::tempdir().unwrap();
        let css = DARK.replace("font-size: 14px", &format!("font-size: {size}px"));
        let chromium = open(&browser, dir.path(), &css, "");
        let tab = chromium.tab();
        let mut worst = (0.0f64, 0usize, 0);
        let mut verdicts = Vec::new();
        for code in CODES {
            raise(tab, code);
            let seen = shown(tab);
            let png = screenshot(tab, seen.region).unwrap();
            let read = read_text(&png, OCR_TIMEOUT).unwrap().unwrap();
            let v = compare(&read, &seen.message, &seen.code_line);
            let message = normalized(&seen.message);
            let lines = read.lines.len().max(1);
            let got = normalized(&read.lines[..lines - 1].join(" "));
            let d = distance(&got, &message);
            let share = d as f64 / message.chars().count().max(1) as f64;
            if share > worst.0 {
                worst = (share, d, message.chars().count());
            }
            verdicts.push(format!(
                "{code:#x}:{}",
                match v {
                    Verdict::Agrees => "A".to_string(),
                    other => format!("{other:?}"),
                }
            ));
        }
        eprintln!("{size}px: worst (share, edits, of chars) {worst:?} {verdicts:?}");
        assert!(worst.1 <= tolerance(worst.2), "{size}px");
    }
}
