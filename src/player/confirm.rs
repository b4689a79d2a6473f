//! Pixels as the last word (`--visual`).
//!
//! What the driver reads of the overlay is the DOM's account of what the viewer sees; a
//! font whose glyphs say other words, a transform that mirrors them, a background image
//! the text vanishes into, are beyond it. So once a run has answered every code, a sample
//! of them is raised again, the page's time is held, the driver reads the overlay once
//! more with its box, and the box is photographed and read with OCR (`visual`). A reading
//! the pixels contradict fails the gate, its photograph saved; pixels that confirm nothing
//! (no text OCR can read with confidence) are a note.
//!
//! The sample: the first code of each distinct message the run read (every text a viewer
//! can be shown, with its code line), and [`RANDOM`] more drawn from the run's codes with
//! the corpus's seed; `--visual all` takes every code of the run.

use std::path::PathBuf;
use std::time::Duration;

use super::browser::{Region, Tab, with_timeout};
use super::page::Calls;
use super::visual::{self, Verdict, VisualError};
use crate::gate::transport::Findings;
use crate::render::plural;

/// How many codes past the distinct messages a sample draws.
pub const RANDOM: usize = 4;
/// How many distinct messages a run keeps a code of.
pub(super) const DISTINCT: usize = 64;
/// How long the page may take to raise a code for the photograph.
const SHOW_TIMEOUT: Duration = Duration::from_secs(10);

/// How many of a run's readings are confirmed against the pixels.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum VisualMode {
    /// None.
    Off,
    /// The first code of each distinct message, and 4 more drawn with the seed.
    #[default]
    Sample,
    /// Every code of the run (about 0.5 s a code).
    All,
}

/// What `--visual` asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Visual {
    pub mode: VisualMode,
    /// Draws the random part of the sample.
    pub seed: u64,
    /// Where the photograph of a reading the pixels contradict is saved (default: a new
    /// directory in the temporary directory, made only when there is one).
    pub screenshots: Option<PathBuf>,
}

/// The codes to photograph: those of `shown` (the first of each distinct message), then
/// [`RANDOM`] of `codes` drawn with the seed; every code under [`VisualMode::All`].
pub(super) fn sample(visual: &Visual, codes: &[u32], shown: &[u32]) -> Vec<u32> {
    match visual.mode {
        VisualMode::Off => Vec::new(),
        VisualMode::All => codes.to_vec(),
        VisualMode::Sample => {
            let mut sample = shown.to_vec();
            let mut state = visual.seed;
            let others = codes.iter().filter(|c| !shown.contains(c)).count();
            for _ in 0..RANDOM.min(others) {
                // Draws until a code not taken yet comes: there are enough of them.
                loop {
                    let code = codes[(splitmix(&mut state) % codes.len() as u64) as usize];
                    if !sample.contains(&code) {
                        sample.push(code);
                        break;
                    }
                }
            }
            sample
        }
    }
}

/// SplitMix64: a few lines for a seeded, reproducible draw.
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Photographs and reads the overlay for each code of `sample`; `progress` is told after
/// each. What the pixels contradict is a problem, what they cannot confirm a note.
pub(super) fn confirm(
    tab: &impl Tab,
    calls: &Calls,
    visual: &Visual,
    sample: &[u32],
    progress: &dyn Fn(),
) -> Findings {
    let mut findings = Findings::default();
    let (mut agreed, mut unconfirmed) = (Vec::new(), Vec::new());
    let mut directory = None;
    for &code in sample {
        let outcome = one(tab, calls, code);
        // Whatever happened, the page's time runs again for what comes next.
        let _ = visual::resume(tab);
        progress();
        match outcome {
            Ok(Photo::Agrees) => agreed.push(code),
            Ok(Photo::Unconfirmed(why)) => unconfirmed.push(format!("{code:#010x} ({why})")),
            Ok(Photo::Contradicts { dom, pixels, png }) => {
                let saved = save(visual, &mut directory, code, &png);
                findings.problems.push(format!(
                    "the pixels contradict amperr's reading of {code:#010x}: the page's text \
                     reads {dom:?}, the screen shows {pixels:?} ({saved})"
                ));
            }
            Err(VisualError::NoTesseract) => {
                findings.notes.push(format!(
                    "the pixels were not read: {} (--visual off does without them)",
                    VisualError::NoTesseract
                ));
                return findings;
            }
            Err(e) => unconfirmed.push(format!("{code:#010x} ({e})")),
        }
    }
    if !agreed.is_empty() {
        let codes: Vec<String> = agreed
            .iter()
            .take(16)
            .map(|c| format!("{c:#010x}"))
            .collect();
        let more = agreed.len().saturating_sub(16);
        let more = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        findings.notes.push(format!(
            "the pixels confirmed amperr's reading of {}: {}{more}",
            plural(agreed.len(), "code"),
            codes.join(", ")
        ));
    }
    let named = unconfirmed.len().min(8);
    for why in &unconfirmed[..named] {
        findings
            .notes
            .push(format!("the pixels could not confirm {why}"));
    }
    if unconfirmed.len() > named {
        let more = plural(unconfirmed.len() - named, "more code");
        findings
            .notes
            .push(format!("the pixels could not confirm {more}"));
    }
    findings
}

/// What the photograph of one code's overlay says.
enum Photo {
    Agrees,
    Unconfirmed(String),
    Contradicts {
        dom: String,
        pixels: String,
        png: Vec<u8>,
    },
}

/// Raises `code`, holds the page's time, reads the overlay and photographs it.
fn one(tab: &impl Tab, calls: &Calls, code: u32) -> Result<Photo, VisualError> {
    let page = |e: String| VisualError::Screenshot(format!("the page {e}"));
    let (show_tab, show) = (tab.clone(), calls.show(code, false));
    match with_timeout(SHOW_TIMEOUT, move || show_tab.evaluate(&show)) {
        Some(Ok(done)) if done.is_empty() => {}
        Some(Ok(why)) | Some(Err(why)) => return Err(page(why)),
        None => return Err(page(format!("did not raise it within {SHOW_TIMEOUT:?}"))),
    }
    visual::hold(tab)?;
    let look = tab.evaluate(&calls.look(code, false)).map_err(page)?;
    let Some((message, code_line, region)) = reading(&look) else {
        return Ok(Photo::Unconfirmed(
            "amperr's reading shows no text to photograph".to_string(),
        ));
    };
    let (verdict, png) = visual::arbitrate(tab, region, &message, &code_line)?;
    Ok(match verdict {
        Verdict::Agrees => Photo::Agrees,
        Verdict::Unreadable { why } => Photo::Unconfirmed(why),
        Verdict::Contradicts { pixels } => Photo::Contradicts {
            dom: [message, code_line].join("\n").trim_start().to_string(),
            pixels,
            png,
        },
    })
}

/// The message, the code line and the box of the driver's `look`, if it read text.
fn reading(look: &str) -> Option<(String, String, Region)> {
    let look: serde_json::Value = serde_json::from_str(look).ok()?;
    let answer = &look["answer"];
    let text = |key: &str| answer[key].as_str().map(String::from);
    let (message, code_line) = (text("message")?, text("code_line")?);
    let number = |key: &str| look["box"][key].as_f64();
    let region = Region {
        x: number("left")?,
        y: number("top")?,
        width: number("width")?,
        height: number("height")?,
    };
    Some((message, code_line, region))
}

/// Saves a photograph the pixels contradict; says where, or why not.
fn save(visual: &Visual, directory: &mut Option<PathBuf>, code: u32, png: &[u8]) -> String {
    let dir = match (directory.as_ref(), &visual.screenshots) {
        (Some(dir), _) => dir.clone(),
        (None, Some(dir)) => dir.clone(),
        (None, None) => {
            let made = tempfile::Builder::new()
                .prefix("amperr-screenshots-")
                .tempdir()
                .map(tempfile::TempDir::keep);
            match made {
                Ok(dir) => dir,
                Err(e) => return format!("the screenshot could not be saved: {e}"),
            }
        }
    };
    if let Err(e) = std::fs::create_dir_all(&dir) {
        return format!(
            "the screenshot could not be saved in {}: {e}",
            dir.display()
        );
    }
    *directory = Some(dir.clone());
    match visual::save(&dir, code, png) {
        Ok(path) => format!("screenshot: {}", path.display()),
        Err(e) => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sample_is_every_message_and_a_seeded_draw() {
        let codes: Vec<u32> = (0..100).collect();
        let visual = |mode, seed| Visual {
            mode,
            seed,
            screenshots: None,
        };
        let shown = [3, 50];
        let drawn = sample(&visual(VisualMode::Sample, 7), &codes, &shown);
        assert_eq!(drawn.len(), 2 + RANDOM);
        assert_eq!(&drawn[..2], &shown);
        let mut distinct = drawn.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), drawn.len(), "no code twice: {drawn:?}");
        assert_eq!(
            drawn,
            sample(&visual(VisualMode::Sample, 7), &codes, &shown)
        );
        assert_ne!(
            drawn,
            sample(&visual(VisualMode::Sample, 8), &codes, &shown)
        );
        assert_eq!(sample(&visual(VisualMode::All, 0), &codes, &shown), codes);
        assert!(sample(&visual(VisualMode::Off, 0), &codes, &shown).is_empty());
        // Fewer codes than the draw wants: each is taken once.
        assert_eq!(
            sample(&visual(VisualMode::Sample, 1), &[5, 6], &[5]),
            [5, 6]
        );
    }

    #[test]
    fn a_look_with_text_and_a_box_is_a_reading() {
        let look = r#"{"answer":{"code":1,"message":"m","code_line":"(0x1)"},"box":{"left":1,"top":2,"width":3,"height":4}}"#;
        let (message, code_line, region) = reading(look).unwrap();
        assert_eq!((message.as_str(), code_line.as_str()), ("m", "(0x1)"));
        assert_eq!(
            (region.x, region.y, region.width, region.height),
            (1.0, 2.0, 3.0, 4.0)
        );
        assert!(reading(r#"{"answer":{"code":1,"error":"x"},"box":null}"#).is_none());
    }
}
