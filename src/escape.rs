//! Untrusted text made safe to show: the one place that decides what may reach a terminal
//! or a report.
//!
//! A decoder's answers and stderr, a log's file names, a table's keys and every string of a
//! saved report come from outside. Printed raw, an ESC or C1 byte drives the terminal, a
//! bidi override (U+202E) makes a line read backwards, U+2028 starts a line a reader cannot
//! see, a tag character (U+E0041) hides text in a name that shows none, and U+FFFE makes an
//! XML report unreadable. [`untrusted`] writes every such
//! character as a visible escape (`\u{1b}`), so the text shows what was sent and can do
//! nothing else; what it returns contains only characters that XML 1.0 allows, so the same
//! text is safe in the JUnit and HTML reports too (after their own markup escaping).

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether newlines and tabs in the text are kept (a multi-line log such as stderr) or
/// escaped too (a value shown on one line).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lines {
    Keep,
    Escape,
}

/// The text with every character that could act rather than show escaped as `\u{..}`
/// (`\n`, `\r` and `\t` as themselves when `lines` is [`Lines::Escape`]). Borrows when
/// there is nothing to escape.
pub fn untrusted(text: &str, lines: Lines) -> Cow<'_, str> {
    if !text.chars().any(|c| acts(c, lines)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            c if !acts(c, lines) => out.push(c),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // Writing to a String cannot fail.
            c => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
        }
    }
    Cow::Owned(out)
}

/// How many characters of an untrusted value a report keeps.
pub const SHOWN: usize = 120;

/// How many characters of a peer's reason for refusing a case a report keeps: a reason
/// may quote what it saw (check-player's "the overlay changed" quotes both readings).
pub const REASON_SHOWN: usize = 600;

/// The text cut to `most` characters, an ellipsis marking the cut; not escaped (that is
/// for where it is shown). Borrows when the text is short enough.
pub fn cut(text: &str, most: usize) -> Cow<'_, str> {
    match text.char_indices().nth(most) {
        None => Cow::Borrowed(text),
        Some((end, _)) => Cow::Owned(format!("{}…", &text[..end])),
    }
}

/// `value` as pretty JSON (and a final newline) in which every character that could act is
/// written as JSON's own `\uXXXX` escape: safe on a terminal, and a consumer still reads
/// every string exactly as it was (unlike [`untrusted`], which is for people).
#[cfg(feature = "json")]
pub fn json<T: serde::Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    let mut out = Vec::new();
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, json::Safe::default());
    value.serialize(&mut serializer)?;
    out.push(b'\n');
    // The serializer writes UTF-8 only, and the escapes are ASCII.
    Ok(String::from_utf8(out)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
}

#[cfg(feature = "json")]
mod json {
    use std::io::{self, Write};

    use serde_json::ser::{Formatter, PrettyFormatter};

    /// serde_json's pretty layout; string fragments with acting characters escaped.
    #[derive(Default)]
    pub struct Safe(PrettyFormatter<'static>);

    /// `text` with each acting character as JSON's `\uXXXX` (two, for one beyond the BMP).
    fn write_escaped<W: ?Sized + Write>(w: &mut W, text: &str) -> io::Result<()> {
        let mut rest = text;
        while let Some((at, c)) = rest
            .char_indices()
            .find(|&(_, c)| super::acts(c, super::Lines::Escape))
        {
            w.write_all(&rest.as_bytes()[..at])?;
            for unit in c.encode_utf16(&mut [0; 2]) {
                write!(w, "\\u{unit:04x}")?;
            }
            rest = &rest[at + c.len_utf8()..];
        }
        w.write_all(rest.as_bytes())
    }

    impl Formatter for Safe {
        fn write_string_fragment<W: ?Sized + Write>(
            &mut self,
            w: &mut W,
            text: &str,
        ) -> io::Result<()> {
            write_escaped(w, text)
        }

        /// JSON kept as written (a table's values): a tab, CR or LF in it is whitespace
        /// between tokens (a string holds them escaped), so it becomes a space; anything
        /// else that acts is inside a string, where the escape means the same.
        fn write_raw_fragment<W: ?Sized + Write>(
            &mut self,
            w: &mut W,
            fragment: &str,
        ) -> io::Result<()> {
            let spaced = fragment.replace(['\t', '\r', '\n'], " ");
            write_escaped(w, &spaced)
        }

        fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
            self.0.begin_array(w)
        }

        fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
            self.0.end_array(w)
        }

        fn begin_array_value<W: ?Sized + Write>(
            &mut self,
            w: &mut W,
            first: bool,
        ) -> io::Result<()> {
            self.0.begin_array_value(w, first)
        }

        fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
            self.0.end_array_value(w)
        }

        fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
            self.0.begin_object(w)
        }

        fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
            self.0.end_object(w)
        }

        fn begin_object_key<W: ?Sized + Write>(
            &mut self,
            w: &mut W,
            first: bool,
        ) -> io::Result<()> {
            self.0.begin_object_key(w, first)
        }

        fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
            self.0.begin_object_value(w)
        }

        fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
            self.0.end_object_value(w)
        }
    }
}

/// A `file://` URL for an absolute `path`, percent-encoded where a URL needs it (so that
/// no quote, space or `#` of the path ends or changes the URL).
pub fn file_url(path: &str) -> String {
    use std::fmt::Write as _;
    let mut url = String::from("file://");
    for byte in path.bytes() {
        match byte {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                url.push(byte as char)
            }
            other => {
                let _ = write!(url, "%{other:02X}");
            }
        }
    }
    url
}

/// Markup escaping for HTML and XML attributes and text, on text that [`untrusted`] made
/// safe already (it does not remove what acts; it only keeps markup from being read).
pub fn html(text: &str) -> Cow<'_, str> {
    if !text.contains(['&', '<', '>', '"', '\'']) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Whether a character must be escaped rather than shown.
fn acts(c: char, lines: Lines) -> bool {
    match c {
        '\n' | '\t' => lines == Lines::Escape,
        // C0, DEL and C1 controls (ESC, BEL, CSI...).
        c if c.is_control() => true,
        // Bidi marks, embeddings, overrides and isolates; zero-width characters; line and
        // paragraph separators; the byte-order mark; interlinear annotation.
        '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' => true,
        '\u{2060}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}' => true,
        // The rest of Unicode's invisible format characters (Cf): the soft hyphen, number
        // and end-of-ayah signs, format controls of some scripts, and the tag characters,
        // which hide ASCII text in a string that shows none.
        '\u{00AD}' | '\u{0600}'..='\u{0605}' | '\u{06DD}' | '\u{070F}' => true,
        '\u{0890}'..='\u{0891}' | '\u{08E2}' | '\u{180E}' | '\u{110BD}' | '\u{110CD}' => true,
        '\u{13430}'..='\u{1343F}' | '\u{1BCA0}'..='\u{1BCA3}' | '\u{1D173}'..='\u{1D17A}' => true,
        '\u{E0001}' | '\u{E0020}'..='\u{E007F}' => true,
        // Noncharacters: U+FDD0..U+FDEF and the last two of every plane (XML forbids
        // U+FFFE and U+FFFF; the others are no text anyone means to show).
        c => is_noncharacter(c),
    }
}

fn is_noncharacter(c: char) -> bool {
    let n = u32::from(c);
    (0xFDD0..=0xFDEF).contains(&n) || n & 0xFFFE == 0xFFFE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(
            untrusted("networkErrHttpUrlNotFound é 漢", Lines::Escape),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn every_kind_that_acts_is_escaped() {
        let sent = "a\x1b[2Jb\x07c\u{9b}d\u{202e}e\u{2028}f\u{fffe}g\u{ffff}h\u{1fffe}i\u{feff}";
        assert_eq!(
            untrusted(sent, Lines::Escape),
            "a\\u{1b}[2Jb\\u{7}c\\u{9b}d\\u{202e}e\\u{2028}f\\u{fffe}g\\u{ffff}h\\u{1fffe}i\\u{feff}"
        );
    }

    /// Every invisible format character (Unicode's Cf), such as the soft hyphen and the tag
    /// characters that hide ASCII text in a name ("ASCII smuggling"), is escaped like the
    /// zero-width ones: a name shown as `ok` must not hold `ignore`.
    #[test]
    fn every_format_character_is_escaped() {
        let hidden = [
            '\u{ad}',
            '\u{600}',
            '\u{605}',
            '\u{6dd}',
            '\u{70f}',
            '\u{890}',
            '\u{891}',
            '\u{8e2}',
            '\u{180e}',
            '\u{2064}',
            '\u{110bd}',
            '\u{110cd}',
            '\u{13430}',
            '\u{1343f}',
            '\u{1bca0}',
            '\u{1bca3}',
            '\u{1d173}',
            '\u{1d17a}',
            '\u{e0001}',
            '\u{e0020}',
            '\u{e0069}',
            '\u{e007f}',
        ];
        for c in hidden {
            let shown = format!("\\u{{{:x}}}", u32::from(c));
            assert_eq!(
                untrusted(&format!("ok{c}"), Lines::Escape),
                format!("ok{shown}")
            );
        }
        // Their visible neighbours are text.
        for c in [
            '\u{ac}',
            '\u{ae}',
            '\u{606}',
            '\u{180d}',
            '\u{e0080}',
            '\u{e0100}',
        ] {
            assert_eq!(
                untrusted(&format!("ok{c}"), Lines::Escape),
                format!("ok{c}")
            );
        }
    }

    #[test]
    fn lines_are_kept_or_escaped() {
        assert_eq!(untrusted("one\ntwo\tx\r", Lines::Keep), "one\ntwo\tx\\r");
        assert_eq!(
            untrusted("one\ntwo\tx\r", Lines::Escape),
            "one\\ntwo\\tx\\r"
        );
    }

    #[test]
    fn the_result_is_allowed_in_xml() {
        let all: String = (0..=0x11_0000u32).filter_map(char::from_u32).collect();
        let allowed = |c: char| {
            matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
                || u32::from(c) >= 0x1_0000
        };
        for lines in [Lines::Keep, Lines::Escape] {
            assert!(untrusted(&all, lines).chars().all(allowed));
        }
    }

    #[cfg(feature = "json")]
    #[test]
    fn json_escapes_what_acts_and_reads_back_exactly() {
        let sent = "a\u{1b}b\u{9b}c\u{202e}d\u{2028}e\u{1fffe}f é 漢";
        let shown = json(&[sent]).unwrap();
        for escape in [r"\u001b", r"\u009b", r"\u202e", r"\u2028", r"\ud83f\udffe"] {
            assert!(shown.contains(escape), "no {escape} in {shown}");
        }
        assert!(shown.contains("é 漢"), "what shows is kept: {shown}");
        assert_eq!(untrusted(&shown, Lines::Keep), shown, "nothing acts");
        assert_eq!(serde_json::from_str::<Vec<String>>(&shown).unwrap(), [sent]);
        let value = serde_json::json!({"k": [1, "x"]});
        let pretty = serde_json::to_string_pretty(&value).unwrap() + "\n";
        assert_eq!(json(&value).unwrap(), pretty, "serde_json's pretty layout");
    }

    /// JSON kept as it was written (a table's values) is escaped too: what acts can only be
    /// inside its strings, where `\uXXXX` means the same.
    #[cfg(feature = "json")]
    #[test]
    fn raw_json_is_escaped_like_strings() {
        let written = "[\"a\u{202e}b\u{e0041}\",\r\n\t1.5e3]";
        let raw = serde_json::value::RawValue::from_string(written.to_string()).unwrap();
        let shown = json(&raw).unwrap();
        assert_eq!(shown, "[\"a\\u202eb\\udb40\\udc41\",   1.5e3]\n");
        let read: serde_json::Value = serde_json::from_str(&shown).unwrap();
        assert_eq!(
            read,
            serde_json::from_str::<serde_json::Value>(written).unwrap()
        );
    }

    #[test]
    fn cut_counts_characters_and_marks_the_cut() {
        assert_eq!(cut("é".repeat(10).as_str(), 4), "éééé…");
        assert_eq!(cut("a\nb", 3), "a\nb");
        assert!(matches!(cut("plain", 5), Cow::Borrowed(_)));
    }
}
