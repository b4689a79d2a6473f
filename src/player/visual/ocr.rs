//! Reading a photograph's text with `tesseract`, bounded in time and output.

use std::io::{Read, Write};
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::{Reading, SCALE, VisualError};
use crate::process::{self, Pipes};

/// What `tesseract` may say on stdout (a TSV of words) or stderr before it is cut.
const MAX_OUTPUT: u64 = 1 << 20;

/// Reads the text of `png` with `tesseract` (from argv, one uniform block of text), within
/// `limit`: killed and reaped if it overruns. `Err` if it cannot run at all; `Ok(Err(why))`
/// if it ran and gave no reading.
pub(in crate::player) fn read_text(
    png: &[u8],
    limit: Duration,
) -> Result<Result<Reading, String>, VisualError> {
    let program = process::program_file("tesseract").ok_or(VisualError::NoTesseract)?;
    ocr(&program, png, limit)
}

/// `tesseract`'s argv: the PNG on stdin, English, one uniform block of text, words as a
/// TSV on stdout.
fn arguments(program: &Path) -> Vec<String> {
    vec![
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
    ]
}

pub(super) fn ocr(
    program: &Path,
    png: &[u8],
    limit: Duration,
) -> Result<Result<Reading, String>, VisualError> {
    let argv = arguments(program);
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
pub(super) fn parse_tsv(tsv: &str) -> Reading {
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
