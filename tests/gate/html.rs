//! The HTML report as a browser shows it: rendered by headless Chromium, then the pixels of
//! the map and the text of the page are checked.
//!
//! Needs Debian's `chromium` (`.ci/run` installs it). Without it this test says so on
//! stderr (visibly, past the harness's capture) and passes, except under `CI=true`, where
//! a missing browser fails it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use amperr::Profile;
use amperr::gate::report::html::{CELL_HEIGHT, CELL_WIDTH, MAP_LEFT, MAP_TOP, colour};
use amperr::gate::report::{Cell, Report};
use amperr::gate::{self, Corpus, Options};

use crate::common;

use common::chromium;

/// Runs Chromium headless on a page, with `extra` arguments; returns stdout.
fn headless(chromium: &Path, page: &Path, profile_dir: &Path, extra: &[&str]) -> String {
    let out = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
            "--window-size=1200,900",
        ])
        .arg(format!("--user-data-dir={}", profile_dir.display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn report() -> Report {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/misbehave.py");
    let argv = vec![
        "python3".to_string(),
        script.display().to_string(),
        "wrong-message".to_string(),
    ];
    let options = Options {
        idle_timeout: Duration::from_secs(5),
        ..Options::default()
    };
    gate::run(
        &argv,
        &Corpus::generate(Profile::DOC, 0, 0),
        &options,
        &mut |_| {},
    )
}

/// The screenshot's pixels: (width, samples per pixel, bytes).
fn decode_png(path: &Path) -> (usize, usize, Vec<u8>) {
    let bytes = std::fs::read(path).unwrap();
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .unwrap();
    let mut data = vec![0; reader.output_buffer_size().unwrap()];
    let frame = reader.next_frame(&mut data).unwrap();
    (frame.width as usize, frame.color_type.samples(), data)
}

fn pixel((width, samples, data): &(usize, usize, Vec<u8>), x: u32, y: u32) -> String {
    let at = (y as usize * width + x as usize) * samples;
    format!("#{:02x}{:02x}{:02x}", data[at], data[at + 1], data[at + 2])
}

#[test]
fn the_map_shows_where_the_decoder_diverges() {
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let report = report();
    // The decoder gets the message of category 2 wrong in every area, and nothing else.
    assert_eq!(report.cell(0, 2), Cell::Mismatch);
    let page = dir.path().join("report.html");
    std::fs::write(&page, report.html()).unwrap();

    let shot = dir.path().join("shot.png");
    headless(
        &chromium,
        &page,
        &dir.path().join("profile"),
        &[&format!("--screenshot={}", shot.display())],
    );
    let image = decode_png(&shot);
    let centre = |area: u32, category: u32| {
        (
            MAP_LEFT + category * CELL_WIDTH + CELL_WIDTH / 2,
            MAP_TOP + area * CELL_HEIGHT + CELL_HEIGHT / 2,
        )
    };
    for (area, category) in [(0, 2), (6, 2), (15, 2)] {
        let (x, y) = centre(area, category);
        assert_eq!(
            pixel(&image, x, y),
            colour(Cell::Mismatch),
            "area {area}, category {category}"
        );
    }
    let (x, y) = centre(2, 1);
    assert_eq!(pixel(&image, x, y), colour(Cell::Pass));
    // Area 9 is reserved: the decoder's null area name is an implementation-defined answer.
    let (x, y) = centre(9, 1);
    assert_eq!(pixel(&image, x, y), colour(Cell::ImplementationDefined));

    let dom = headless(
        &chromium,
        &page,
        &dir.path().join("profile"),
        &["--dump-dom"],
    );
    assert!(dom.contains("amperr check: NOT CONFORMANT"));
    assert_eq!(dom.matches("<rect class=\"cell\"").count(), 16 * 256);
    assert!(dom.contains("message wrong for category 0x02 in areas 0..6 (documented codes)"));
    assert!(dom.contains("reproduce: <code>echo 2097152 | python3"));
    assert!(
        !dom.contains("http://") && !dom.contains("https://"),
        "the page loads nothing"
    );
}
