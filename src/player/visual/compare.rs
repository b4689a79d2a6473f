//! Judging what OCR read against what the DOM said: tolerant of OCR's noise, not of
//! another text.

use super::{Reading, Verdict};

/// Below this mean word confidence (0-100), a reading that disagrees is unreadable, not a
/// contradiction.
const MIN_CONFIDENCE: f64 = 60.0;

/// Judges what OCR read against the DOM's `message` and `code_line`: the last line read is
/// the code line (when the DOM has one), the lines before it the message.
pub(in crate::player) fn compare(reading: &Reading, message: &str, code_line: &str) -> Verdict {
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
pub(super) fn tolerance(length: usize) -> usize {
    1 + length / 40
}

/// A message as compared: lower case, typographic punctuation as ASCII, one space between
/// words.
pub(super) fn normalized(text: &str) -> String {
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
pub(super) fn distance(a: &str, b: &str) -> usize {
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
