//! The pixel arbiter: does what the screen shows agree with what the DOM said?
//!
//! The driver reads the overlay through the DOM (`innerText`, `checkVisibility`), which a
//! page can make disagree with its pixels: a canvas or another element drawn over the
//! overlay, text the colour of its background, a font whose glyphs say something else,
//! content from CSS. The arbiter settles it the way a viewer would: it photographs the
//! overlay's box (`Page.captureScreenshot`, clipped, at twice the CSS resolution), reads
//! the photograph with `tesseract`, and compares the two readings, tolerant of OCR's
//! noise but not of a different text.
//!
//! Page time (measured in Chromium 156): a capture neither needs the page's timers nor
//! hangs under virtual time, `Advance` or `Pause`, and with time paused the browser still
//! paints what scripts changed. But under `Advance` the page's pending timers race ahead
//! (by seconds of page time) while amperr talks to the browser, so a capture shows what
//! the DOM reading saw only if page time stands still between the two: [`hold`] pauses
//! it, [`resume`] lets it run again as `session` sets it.
//!
//! OCR: at this scale `tesseract` read light text on dark as well as dark on light, so
//! the photograph goes to it as taken, and it takes about 0.2 s on one thread (OpenMP's
//! threads made it four times slower on 2 cores). How far its reading strays was measured
//! on every amp-2.3.0 text from 7 to 16 px: the message is compared with a small tolerance
//! ([`tolerance`](compare::tolerance)), the code line exactly up to the letters OCR confuses in it.

mod compare;
#[cfg(test)]
mod in_chromium;
mod ocr;
#[cfg(test)]
mod tests;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub(super) use super::browser::Region;
use super::browser::Tab;
pub(super) use compare::compare;
pub(super) use ocr::read_text;

/// How long `tesseract` may take on one photograph.
pub(super) const OCR_TIMEOUT: Duration = Duration::from_secs(10);
/// The photograph's pixels per CSS pixel: text at about 30 px x-height, as OCR likes it.
const SCALE: f64 = 2.0;
/// The largest box photographed, in CSS pixels a side: an overlay, not a poster.
const MAX_SIDE: f64 = 4096.0;

/// What the pixels say of the DOM's reading.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Verdict {
    /// The viewer reads the same message and code line.
    Agrees,
    /// The viewer reads another text, confidently: what OCR read, its lines joined by `\n`.
    Contradicts { pixels: String },
    /// The pixels confirm nothing (no text, or too little confidence to contradict): why.
    Unreadable { why: String },
}

/// Why the arbiter could not look: a fault of the machine or the browser, not a verdict.
#[derive(Debug, thiserror::Error)]
pub(super) enum VisualError {
    #[error("tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-eng)")]
    NoTesseract,
    #[error("tesseract could not be run: {0}")]
    Tesseract(String),
    #[error("the overlay's box cannot be photographed: {0}")]
    Region(String),
    #[error("the browser gave no screenshot: {0}")]
    Screenshot(String),
    #[error("the page's time could not be held: {0}")]
    Time(String),
    #[error("the screenshot could not be saved as {path}: {why}")]
    Save { path: PathBuf, why: String },
}

/// What OCR read: the lines in order, each its words joined by spaces, and the words' mean
/// confidence (0-100).
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Reading {
    pub lines: Vec<String>,
    pub confidence: f64,
}

/// Photographs, reads and judges the overlay's box `region` against the DOM's `message`
/// and `code_line`; also gives the photograph (PNG). Page time should be held
/// ([`run_then_hold`], [`hold`]) since the DOM was read.
pub(super) fn arbitrate(
    tab: &impl Tab,
    region: Region,
    message: &str,
    code_line: &str,
) -> Result<(Verdict, Vec<u8>), VisualError> {
    let png = screenshot(tab, region)?;
    let verdict = match read_text(&png, OCR_TIMEOUT)? {
        Ok(reading) => compare(&reading, message, code_line),
        Err(why) => Verdict::Unreadable { why },
    };
    Ok((verdict, png))
}

/// A PNG of `region` (relative to the viewport, as `getBoundingClientRect` gives it) as
/// the viewer sees it, at [`SCALE`] pixels per CSS pixel.
pub(super) fn screenshot(tab: &impl Tab, region: Region) -> Result<Vec<u8>, VisualError> {
    let Region {
        x,
        y,
        width,
        height,
    } = region;
    let finite = [x, y, width, height].iter().all(|v| v.is_finite());
    if !finite || width < 1.0 || height < 1.0 || width > MAX_SIDE || height > MAX_SIDE {
        return Err(VisualError::Region(format!(
            "{width}x{height} at ({x}, {y}): not 1 to {MAX_SIDE} CSS px a side"
        )));
    }
    tab.screenshot(region, SCALE)
        .map_err(VisualError::Screenshot)
}

/// Holds the page's time where it is: its timers wait, what its scripts already changed
/// is still painted.
pub(super) fn hold(tab: &impl Tab) -> Result<(), VisualError> {
    tab.hold_time().map_err(VisualError::Time)
}

/// Lets the page's time run again as `session` runs it.
pub(super) fn resume(tab: &impl Tab) -> Result<(), VisualError> {
    tab.run_time().map_err(VisualError::Time)
}

/// Saves `png` in `dir` as `0x%08x.png` for `code`, whole or not at all: written to a
/// temporary file there, then renamed over a regular file of that name (never over
/// anything else, nor through a link).
pub(super) fn save(dir: &Path, code: u32, png: &[u8]) -> Result<PathBuf, VisualError> {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(format!("{code:#010x}.png"));
    let fail = |why: String| VisualError::Save {
        path: path.clone(),
        why,
    };
    let not_a_file = || fail("something that is not a regular file is there".to_string());
    match std::fs::symlink_metadata(&path) {
        Ok(meta) if !meta.is_file() => return Err(not_a_file()),
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(fail(e.to_string())),
    }
    let mut file = tempfile::Builder::new()
        .prefix(".amperr-shot-")
        .tempfile_in(dir)
        .map_err(|e| fail(e.to_string()))?;
    file.as_file()
        .set_permissions(std::fs::Permissions::from_mode(0o644))
        .and_then(|()| file.write_all(png))
        .and_then(|()| file.as_file().sync_all())
        .map_err(|e| fail(e.to_string()))?;
    // Checked again just before: rename replaces a link itself, never what it points to,
    // but a link or a device put there since must not be replaced either.
    if std::fs::symlink_metadata(&path).is_ok_and(|meta| !meta.is_file()) {
        return Err(not_a_file());
    }
    file.persist(&path).map_err(|e| fail(e.error.to_string()))?;
    Ok(path)
}
