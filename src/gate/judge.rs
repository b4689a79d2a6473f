//! Judging one answer against one case, field by field.
//!
//! Comparison works on the raw JSON the decoder sent. The common case, an exact match,
//! is a byte comparison; a string with escapes (`"\u0041"`) is decoded before it is
//! called a mismatch. Numbers must be plain integers: `2.0` is not the integer 2.

use serde_json::value::RawValue;

use crate::gate::corpus::{Expectation, Expected};
use crate::gate::field::{FieldMap, FieldName};

/// The verdict on one field of one answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict<'a> {
    Pass,
    /// The name sent is another name of the same value (a range marker, say).
    Alias(&'static str),
    /// The profile's source is silent here: accepted, and the answer recorded.
    ImplementationDefined(&'a str),
    /// The decoder did not send this field.
    NotSent,
    /// The raw JSON sent, which differs from the expected value.
    Mismatch(&'a str),
}

/// Judges each field of an answer.
pub fn judge<'a>(
    case: &Expectation,
    fields: &FieldMap<Option<&'a RawValue>>,
) -> FieldMap<Verdict<'a>> {
    FieldMap::from_fn(|field| match fields[field] {
        None => Verdict::NotSent,
        Some(raw) => judge_field(case, field, raw.get()),
    })
}

fn judge_field<'a>(case: &Expectation, field: FieldName, got: &'a str) -> Verdict<'a> {
    let expected = case.fields[field];
    if expected == Expected::ImplementationDefined {
        // Only text fields are ever silent: any string, or null, is an answer.
        return match got == "null" || got.starts_with('"') {
            true => Verdict::ImplementationDefined(got),
            false => Verdict::Mismatch(got),
        };
    }
    if matches_expected(expected, got) {
        return Verdict::Pass;
    }
    if field == FieldName::Name {
        if let Some(alias) = case
            .aliases
            .iter()
            .find(|a| matches_expected(Expected::Text(a), got))
        {
            return Verdict::Alias(alias);
        }
    }
    Verdict::Mismatch(got)
}

fn matches_expected(expected: Expected, got: &str) -> bool {
    match expected {
        Expected::Int(n) => got.parse::<u64>() == Ok(n.into()),
        Expected::Null => got == "null",
        Expected::Text(text) => is_json_string(got, text),
        Expected::ImplementationDefined => true,
        Expected::CodeLine(overlay, code) => is_json_string(got, &overlay.code_line(code)),
        Expected::Codes(codes) => serde_json::from_str::<String>(got)
            .is_ok_and(|said| codes.iter().any(|c| c.to_string() == said)),
        Expected::Describes {
            message,
            overlay,
            code,
        } => serde_json::from_str::<String>(got)
            .is_ok_and(|said| describes(&said, message, &overlay.code_line(code))),
    }
}

/// Whether a screen reader's text says the message (where the code determines it) and the
/// code line, and nothing else: what is left once both are taken out is separators only.
/// ("Video playback aborted.,[object HTMLBRElement],(0x100000)" leaves an object's name.)
fn describes(said: &str, message: Option<&str>, code_line: &str) -> bool {
    let Some(rest) = take_out(said, code_line) else {
        return false;
    };
    let rest = match message {
        Some("") => rest,
        Some(message) => match take_out(&rest, message) {
            Some(rest) => rest,
            None => return false,
        },
        // Category 0's message is whatever the error said: anything may stand for it.
        None => return true,
    };
    rest.chars().all(|c| c.is_whitespace() || is_punctuation(c))
}

/// Punctuation a screen reader passes over (Unicode's punctuation in the scripts a player
/// page is likely to use), unlike a word, a digit or a symbol such as `$`, `+` or an arrow,
/// which it says aloud.
fn is_punctuation(c: char) -> bool {
    matches!(c,
        '!'..='#' | '%'..='*' | ','..='/' | ':' | ';' | '?' | '@' | '['..=']' | '_' | '{' | '}'
        | '\u{a1}' | '\u{a7}' | '\u{ab}' | '\u{b6}' | '\u{b7}' | '\u{bb}' | '\u{bf}'
        // General Punctuation: dashes, quotes, the ellipsis, primes... (not U+2028..U+202E,
        // separators and bidi controls, nor U+2044 and U+2052, which are symbols)
        | '\u{2010}'..='\u{2027}' | '\u{2030}'..='\u{2043}' | '\u{2045}'..='\u{2051}'
        | '\u{2053}'..='\u{205e}'
        // CJK and fullwidth punctuation
        | '\u{3001}'..='\u{3003}' | '\u{3008}'..='\u{3011}' | '\u{3014}'..='\u{301f}'
        | '\u{ff01}'..='\u{ff03}' | '\u{ff05}'..='\u{ff0a}' | '\u{ff0c}'..='\u{ff0f}'
        | '\u{ff1a}' | '\u{ff1b}' | '\u{ff1f}' | '\u{ff20}')
}

/// `text` with the first `part` taken out, if it holds it.
fn take_out(text: &str, part: &str) -> Option<String> {
    let at = text.find(part)?;
    Some(format!("{}{}", &text[..at], &text[at + part.len()..]))
}

/// Whether the JSON text `got` is the string `text`.
fn is_json_string(got: &str, text: &str) -> bool {
    let plain = got.len() == text.len() + 2
        && got.starts_with('"')
        && got.ends_with('"')
        && &got[1..got.len() - 1] == text;
    // Without a backslash on either side, bytes equal means strings equal.
    if plain && !text.contains('\\') {
        return true;
    }
    got.contains('\\') && serde_json::from_str::<String>(got).is_ok_and(|s| s == text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Profile;
    use crate::code::Code;
    use crate::gate::corpus::{Case, Origin};
    use crate::gate::protocol::{Response, parse_response};

    fn verdicts(code: u32, profile: Profile, line: &str) -> FieldMap<String> {
        let case = Case::new(Origin::Documented, Code(code)).expect(profile);
        let Ok(Response::Answer { fields, .. }) = parse_response(line) else {
            panic!("{line}")
        };
        judge(&case, &fields).map(|_, v| format!("{v:?}"))
    }

    #[test]
    fn exact_escaped_and_wrong_values() {
        let line = r#"{"code":538968468,"area":2,"category":2.0,"name":"network\u0045rrHttpUrlNotFound","message":"nope"}"#;
        let v = verdicts(0x2020_0194, Profile::DOC, line);
        assert_eq!(v[FieldName::Area], "Pass");
        assert_eq!(v[FieldName::Category], "Mismatch(\"2.0\")");
        assert_eq!(v[FieldName::Detail], "NotSent");
        assert_eq!(v[FieldName::Name], "Pass");
        assert_eq!(v[FieldName::Message], "Mismatch(\"\\\"nope\\\"\")");
    }

    #[test]
    fn aliases_are_accepted_and_named() {
        let v = verdicts(
            0x001F_FFFF,
            Profile::AMP_2_3_0,
            r#"{"code":2097151,"name":"abortedErrEnd"}"#,
        );
        assert_eq!(v[FieldName::Name], "Alias(\"abortedErrEnd\")");
        let v = verdicts(
            0x001F_FFFF,
            Profile::AMP_2_3_0,
            r#"{"code":2097151,"name":null}"#,
        );
        assert_eq!(v[FieldName::Name], "Pass");
        let v = verdicts(
            0x001F_FFFF,
            Profile::DOC,
            r#"{"code":2097151,"name":"abortedErrEnd"}"#,
        );
        assert!(
            v[FieldName::Name].starts_with("Mismatch"),
            "doc has no aliases"
        );
    }

    #[test]
    fn a_screen_readers_text_says_the_message_and_the_code_and_nothing_else() {
        let line = "(0x100000)";
        let message = Some("Video playback aborted.");
        assert!(describes(
            "Video playback aborted. (0x100000)",
            message,
            line
        ));
        assert!(describes(
            "Video playback aborted.\n(0x100000)",
            message,
            line
        ));
        assert!(!describes(
            "Video playback aborted.,[object HTMLBRElement],(0x100000)",
            message,
            line
        ));
        assert!(!describes("Video playback aborted.", message, line));
        assert!(!describes("This is a modal window.", message, line));
        assert!(describes("(0x20700001)", Some(""), "(0x20700001)"));
        assert!(describes("whatever it said (0x5)", None, "(0x5)"));
    }

    #[test]
    fn any_punctuation_may_stand_between_them_but_no_word_or_symbol() {
        let (line, message) = ("(0x100000)", Some("Video playback aborted."));
        for between in [
            " \u{2014} ",
            " \u{2026} ",
            "\u{ab}",
            "\u{201c}",
            "\u{3001}",
            " / ",
            "!?",
        ] {
            let said = format!("Video playback aborted.{between}(0x100000){between}");
            assert!(describes(&said, message, line), "{said:?}");
        }
        for between in [" Error ", " 42 ", " $ ", " + ", " \u{1f600} ", " \u{2192} "] {
            let said = format!("Video playback aborted.{between}(0x100000)");
            assert!(!describes(&said, message, line), "{said:?}");
        }
    }

    /// Where the source is silent any text is an answer, but a field is still of its type:
    /// a consumer that reads a conformant decoder's message must get a string or null.
    #[test]
    fn silent_fields_accept_any_string_or_null() {
        let v = verdicts(
            0x7070_0000,
            Profile::DOC,
            r#"{"code":1886388224,"message":"Mine","area_name":null,"category_name":"\u0041"}"#,
        );
        assert_eq!(
            v[FieldName::Message],
            "ImplementationDefined(\"\\\"Mine\\\"\")"
        );
        assert_eq!(v[FieldName::AreaName], "ImplementationDefined(\"null\")");
        assert!(v[FieldName::CategoryName].starts_with("ImplementationDefined"));
        for wrong in ["42", "false", "{\"nested\":[1]}", "[]", "2.5"] {
            let line = format!(
                r#"{{"code":1886388224,"message":{wrong},"area_name":{wrong},"category_name":{wrong}}}"#
            );
            let v = verdicts(0x7070_0000, Profile::DOC, &line);
            for field in [
                FieldName::Message,
                FieldName::AreaName,
                FieldName::CategoryName,
            ] {
                assert_eq!(v[field], format!("Mismatch({wrong:?})"), "{line}");
            }
        }
    }
}
