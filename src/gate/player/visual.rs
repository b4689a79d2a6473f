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
//! it, [`run_then_hold`] runs it for a budget then pauses it (the driver's 100 ms after a
//! code, say), [`resume`] lets it run again as `session` sets it.
//!
//! OCR: at this scale `tesseract` read light text on dark as well as dark on light, so
//! the photograph goes to it as taken, and it takes about 0.2 s on one thread (OpenMP's
//! threads made it four times slower on 2 cores). How far its reading strays was measured
//! on every amp-2.3.0 text from 7 to 16 px: the message is compared with a small tolerance
//! ([`tolerance`]), the code line exactly up to the letters OCR confuses in it.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use headless_chrome::Tab;
use headless_chrome::protocol::cdp::{Emulation, Page};

use crate::gate::process::{self, Pipes};

/// How long `tesseract` may take on one photograph.
pub(super) const OCR_TIMEOUT: Duration = Duration::from_secs(10);
/// The photograph's pixels per CSS pixel: text at about 30 px x-height, as OCR likes it.
const SCALE: f64 = 2.0;
/// The largest box photographed, in CSS pixels a side: an overlay, not a poster.
const MAX_SIDE: f64 = 4096.0;
/// What `tesseract` may say on stdout (a TSV of words) or stderr before it is cut.
const MAX_OUTPUT: u64 = 1 << 20;
/// Below this mean word confidence (0-100), a reading that disagrees is unreadable, not a
/// contradiction.
const MIN_CONFIDENCE: f64 = 60.0;

/// A box on the page, in CSS pixels (as `getBoundingClientRect` gives it, relative to the
/// viewport).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Region {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

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
    tab: &Tab,
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
pub(super) fn screenshot(tab: &Tab, region: Region) -> Result<Vec<u8>, VisualError> {
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
    // The clip is in the document's coordinates: the box, where the page is scrolled to.
    let viewport = tab
        .call_method(Page::GetLayoutMetrics(None))
        .map_err(|e| VisualError::Screenshot(e.to_string()))?
        .css_visual_viewport;
    let inside = x >= 0.0
        && y >= 0.0
        && x + width <= viewport.client_width
        && y + height <= viewport.client_height;
    let shot = tab
        .call_method(Page::CaptureScreenshot {
            format: Some(Page::CaptureScreenshotFormatOption::Png),
            quality: None,
            clip: Some(Page::Viewport {
                x: (viewport.page_x + x).max(0.0),
                y: (viewport.page_y + y).max(0.0),
                width,
                height,
                scale: SCALE,
            }),
            from_surface: Some(true),
            // A box past the viewport's edge is photographed whole, as laid out; only then,
            // as it resizes the page's view for the capture (the page sees a `resize`).
            capture_beyond_viewport: Some(!inside),
            optimize_for_speed: None,
        })
        .map_err(|e| VisualError::Screenshot(e.to_string()))?;
    base64(&shot.data).ok_or_else(|| VisualError::Screenshot("not base64".to_string()))
}

/// Holds the page's time where it is (virtual time paused): its timers wait, what its
/// scripts already changed is still painted.
pub(super) fn hold(tab: &Tab) -> Result<(), VisualError> {
    policy(tab, Emulation::VirtualTimePolicy::Pause, None)
}

/// Lets the page's time run again as `session` runs it (virtual time, advancing).
pub(super) fn resume(tab: &Tab) -> Result<(), VisualError> {
    policy(tab, Emulation::VirtualTimePolicy::Advance, None)
}

/// Runs the page for `budget` of its time, then holds it there; returns once Chromium says
/// the budget is spent, or fails after `limit` of real time (a page busy in a loop).
#[cfg(test)]
pub(super) fn run_then_hold(
    tab: &Tab,
    budget: Duration,
    limit: Duration,
) -> Result<(), VisualError> {
    let (spent, expired) = mpsc::channel();
    let listener = tab
        .add_event_listener(std::sync::Arc::new(
            move |event: &headless_chrome::protocol::cdp::types::Event| {
                if let headless_chrome::protocol::cdp::types::Event::EmulationVirtualTimeBudgetExpired(_) =
                    event
                {
                    let _ = spent.send(());
                }
            },
        ))
        .map_err(|e| VisualError::Time(e.to_string()))?;
    let ran = policy(
        tab,
        Emulation::VirtualTimePolicy::Advance,
        Some(budget.as_secs_f64() * 1000.0),
    )
    .and_then(|()| {
        expired.recv_timeout(limit).map_err(|_| {
            VisualError::Time(format!(
                "{budget:?} of page time did not pass within {limit:?}: busy in a loop?"
            ))
        })
    });
    let _ = tab.remove_event_listener(&listener);
    ran
}

fn policy(
    tab: &Tab,
    policy: Emulation::VirtualTimePolicy,
    budget: Option<f64>,
) -> Result<(), VisualError> {
    tab.call_method(Emulation::SetVirtualTimePolicy {
        policy,
        budget,
        max_virtual_time_task_starvation_count: None,
        initial_virtual_time: None,
    })
    .map(drop)
    .map_err(|e| VisualError::Time(e.to_string()))
}

/// Standard base64 (what CDP sends images as); `None` if it is not.
fn base64(text: &str) -> Option<Vec<u8>> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let text = text.trim_end_matches('=').as_bytes();
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut bits, mut count) = (0u32, 0);
    for &c in text {
        bits = bits << 6 | u32::from(value(c)?);
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    Some(out)
}

/// Reads the text of `png` with `tesseract` (from argv, one uniform block of text), within
/// `limit`: killed and reaped if it overruns. `Err` if it cannot run at all; `Ok(Err(why))`
/// if it ran and gave no reading.
pub(super) fn read_text(
    png: &[u8],
    limit: Duration,
) -> Result<Result<Reading, String>, VisualError> {
    let program = process::program_file("tesseract").ok_or(VisualError::NoTesseract)?;
    ocr(&program, png, limit)
}

fn ocr(
    program: &Path,
    png: &[u8],
    limit: Duration,
) -> Result<Result<Reading, String>, VisualError> {
    let argv = [
        program.display().to_string(),
        "stdin".to_string(),
        "stdout".to_string(),
        "-l".to_string(),
        "eng".to_string(),
        "--psm".to_string(),
        "6".to_string(),
        // CSS's 96 px an inch at SCALE: no guessing (nor a warning about it).
        "--dpi".to_string(),
        format!("{}", (96.0 * SCALE) as u32),
        "tsv".to_string(),
    ];
    let pipes = Pipes {
        stdin: true,
        stdout: true,
        stderr: true,
    };
    // One thread: on 2 cores, OpenMP's threads only fight the browser.
    let env = [("OMP_THREAD_LIMIT", std::ffi::OsStr::new("1"))];
    let mut spawned = process::spawn_with_env(&argv, pipes, &env)
        .map_err(|e| VisualError::Tesseract(e.to_string()))?;
    let stdin = spawned.stdin.take();
    let input = png.to_vec();
    std::thread::spawn(move || {
        if let Some(mut stdin) = stdin {
            // A tesseract that stops reading is judged by its exit.
            let _ = stdin.write_all(&input);
        }
    });
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        let (sent, got) = mpsc::channel();
        std::thread::spawn(move || {
            let mut text = Vec::new();
            if let Some(pipe) = pipe {
                let _ = pipe.take(MAX_OUTPUT).read_to_end(&mut text);
            }
            let _ = sent.send(String::from_utf8_lossy(&text).into_owned());
        });
        got
    };
    let stdout = drain(
        spawned
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = drain(
        spawned
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let start = Instant::now();
    let exited = spawned.child.exited_within(limit);
    // Kills what is left of its group and reaps it, in time either way.
    let status = spawned.child.stop();
    if !exited {
        return Ok(Err(format!("tesseract did not finish within {limit:?}")));
    }
    let left = limit.saturating_sub(start.elapsed()) + Duration::from_secs(1);
    let (tsv, said) = (
        stdout.recv_timeout(left).unwrap_or_default(),
        stderr.recv_timeout(left).unwrap_or_default(),
    );
    match status {
        Some(status) if status.success() => Ok(Ok(parse_tsv(&tsv))),
        Some(status) => {
            let said = said.lines().last().unwrap_or_default().trim().to_string();
            Err(VisualError::Tesseract(format!(
                "{}: {said}",
                process::describe(status)
            )))
        }
        None => Err(VisualError::Tesseract("it could not be reaped".to_string())),
    }
}

/// The lines and mean word confidence of `tesseract ... tsv`'s output.
fn parse_tsv(tsv: &str) -> Reading {
    let mut lines: Vec<String> = Vec::new();
    let (mut last, mut total, mut words) = (None, 0.0, 0);
    // level page block paragraph line word left top width height confidence text
    for row in tsv.lines().skip(1) {
        let cells: Vec<&str> = row.splitn(12, '\t').collect();
        let [
            level,
            _,
            block,
            paragraph,
            line,
            _,
            _,
            _,
            _,
            _,
            confidence,
            text,
        ] = cells[..]
        else {
            continue;
        };
        let (Ok(5), Ok(confidence)) = (level.parse::<u8>(), confidence.parse::<f64>()) else {
            continue;
        };
        let text = text.trim();
        if text.is_empty() || confidence < 0.0 {
            continue;
        }
        let at = (block, paragraph, line);
        match (lines.last_mut(), last == Some(at)) {
            (Some(current), true) => {
                current.push(' ');
                current.push_str(text);
            }
            _ => lines.push(text.to_string()),
        }
        last = Some(at);
        total += confidence;
        words += 1;
    }
    Reading {
        lines,
        confidence: if words == 0 {
            0.0
        } else {
            total / words as f64
        },
    }
}

/// Judges what OCR read against the DOM's `message` and `code_line`: the last line read is
/// the code line (when the DOM has one), the lines before it the message.
pub(super) fn compare(reading: &Reading, message: &str, code_line: &str) -> Verdict {
    let (message, code) = (normalized(message), code_key(code_line));
    let pixels = reading.lines.join("\n");
    // OCR finds words in every text amperr's sample shows a viewer (at twice the CSS
    // resolution): where it finds none, the viewer reads none.
    if reading.lines.is_empty() {
        return match message.is_empty() && code.is_empty() {
            true => Verdict::Agrees,
            false => Verdict::Contradicts {
                pixels: String::new(),
            },
        };
    }
    let (seen_message, seen_code) = match code.is_empty() {
        true => (&reading.lines[..], ""),
        false => {
            let (last, rest) = reading
                .lines
                .split_last()
                .unwrap_or((&reading.lines[0], &[]));
            (rest, last.as_str())
        }
    };
    let seen_message = normalized(&seen_message.join(" "));
    let agrees = code_lines_agree(&code_key(seen_code), &code)
        && distance(&seen_message, &message) <= tolerance(message.chars().count());
    match (agrees, reading.confidence >= MIN_CONFIDENCE) {
        (true, _) => Verdict::Agrees,
        (false, true) => Verdict::Contradicts { pixels },
        (false, false) => Verdict::Unreadable {
            why: format!(
                "OCR read {pixels:?} with a mean confidence of {:.0}%, too little to contradict",
                reading.confidence
            ),
        },
    }
}

/// Whether a code line OCR read (`seen`) agrees with the DOM's (`code`), both as
/// [`code_key`] gives them: within [`CODE_LINE_EDITS`]. A code line alone is a short word
/// in hex with no dictionary to help OCR, which misreads a glyph or two of it even at 16
/// px (`5` as `S`, `ff` as `tt`, measured over 52 codes). The DOM's reading is judged to
/// the letter already (a padded code line fails there); the pixels are there to catch a
/// screen that shows another text.
fn code_lines_agree(seen: &str, code: &str) -> bool {
    distance(seen, code) <= CODE_LINE_EDITS
}

/// How many edits OCR may make in a code line.
const CODE_LINE_EDITS: usize = 2;

/// How many edits OCR may make in a message of `length` characters: one, and one more
/// every 40. Measured on every amp-2.3.0 text, light on dark and dark on light, from 7 to
/// 16 px, OCR made at most one; the 10% one might think of would let a word changed in
/// the longer texts through ("try again later" as "try again now" is 5 edits of 116).
fn tolerance(length: usize) -> usize {
    1 + length / 40
}

/// A message as compared: lower case, typographic punctuation as ASCII, one space between
/// words.
fn normalized(text: &str) -> String {
    let folded = text.chars().map(|c| match c {
        '\u{2018}' | '\u{2019}' | '`' | '\u{b4}' => '\'',
        '\u{201c}' | '\u{201d}' => '"',
        '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
        '\u{a0}' => ' ',
        c => c,
    });
    let lower: String = folded.flat_map(char::to_lowercase).collect();
    lower.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A code line as compared: exact, but for the letters OCR takes for one another in it
/// (`O`/`o` for `0`, `l`/`I`/`|` for `1`, `×`/`X` for `x`, case of the hex letters,
/// brackets for parentheses) and spaces it adds.
fn code_key(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            'O' | 'o' => '0',
            'l' | 'I' | '|' => '1',
            '\u{d7}' => 'x',
            // Glyphs OCR reads for hex digits and letters: none of them is hex itself.
            '\u{a3}' | '\u{192}' | 't' | 'T' => 'f',
            'S' | 's' => '5',
            'Z' | 'z' => '2',
            'g' | 'q' => '9',
            '[' | '{' => '(',
            ']' | '}' => ')',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// The Levenshtein distance between `a` and `b`, in characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (diagonal + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The English texts amp-2.3.0 shows, by category (tests/fixtures/players/amp-fixture.js).
    const MESSAGES: [&str; 7] = [
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
    fn base64_is_decoded() {
        assert_eq!(base64("aGVsbG8="), Some(b"hello".to_vec()));
        assert_eq!(base64("aGVsbG8h"), Some(b"hello!".to_vec()));
        assert_eq!(base64(""), Some(Vec::new()));
        assert_eq!(base64("aGV*"), None);
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

    /// Chromium and tesseract, or `None` (the test is skipped, except under `CI=true`).
    fn tools() -> Option<std::path::PathBuf> {
        let browser = super::super::find_browser();
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

    fn shown(tab: &Tab) -> Shown {
        let read: serde_json::Value =
            serde_json::from_str(&super::super::chromium::evaluate(tab, READ).unwrap()).unwrap();
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
    fn open(
        browser: &Path,
        dir: &Path,
        css: &str,
        extra: &str,
    ) -> super::super::chromium::Chromium {
        let url = page(dir, css, extra);
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/players");
        let chromium =
            super::super::chromium::Chromium::start(browser, vec![dir.to_path_buf(), fixtures])
                .unwrap();
        let tab = chromium.tab();
        tab.navigate_to(&url)
            .unwrap()
            .wait_until_navigated()
            .unwrap();
        let ready = super::super::chromium::evaluate(
            tab,
            "new Promise(function (ok) { (function wait() { window.ready ? ok('ready') : setTimeout(wait, 5); })(); })",
        );
        assert_eq!(ready.unwrap(), "ready");
        resume(tab).unwrap();
        chromium
    }

    /// Raises `code` with the page's time held, runs it 100 ms (the overlay fills at 50),
    /// and holds it there: the sequence that photographs what the DOM reading saw.
    fn raise(tab: &Tab, code: u32) {
        hold(tab).unwrap();
        let raise = format!("player.error(null); player.error({{code: {code}}}); 'raised'");
        assert_eq!(
            super::super::chromium::evaluate(tab, &raise).unwrap(),
            "raised"
        );
        run_then_hold(tab, Duration::from_millis(100), Duration::from_secs(10)).unwrap();
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
                let resizes = super::super::chromium::evaluate(tab, "resizes").unwrap();
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
        let height: f64 = super::super::chromium::evaluate(tab, "innerHeight")
            .unwrap()
            .parse()
            .unwrap();
        let mut past_the_edge = 0;
        for scroll in [0, 500, 1000, 1500] {
            let scroll_to = format!("scrollTo(0, {scroll}); 'scrolled'");
            let scrolled = super::super::chromium::evaluate(tab, &scroll_to).unwrap();
            assert_eq!(scrolled, "scrolled");
            let seen = shown(tab);
            let Region { y, height: h, .. } = seen.region;
            past_the_edge += usize::from(y < 0.0 || y + h > height);
            let (verdict, _) = arbitrate(tab, seen.region, &seen.message, &seen.code_line).unwrap();
            assert_eq!(verdict, Verdict::Agrees, "scrolled to {scroll}");
        }
        // Only the photographs past the viewport's edge resized its view, and some were.
        let resizes = super::super::chromium::evaluate(tab, "resizes").unwrap();
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
}
