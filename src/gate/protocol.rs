//! Protocol v1: how the gate talks to a decoder (see `docs/PROTOCOL.md`).
//!
//! A request is one line, the code in unsigned decimal. A response is one line holding a
//! JSON object: `code` (the request, echoed) is required; `area`, `category`, `detail`,
//! `name`, `message`, `area_name` and `category_name` are checked when present; other
//! keys are ignored; `{"code": N, "error": "..."}` refuses the case.
//!
//! Responses are parsed into borrowed raw JSON values, one per known key, so the gate
//! never builds a tree for a line and can tell a field sent as `null` from one not sent.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;

/// The protocol's version, as reports name it.
pub const VERSION: u32 = 1;

/// The longest response line accepted, in bytes.
pub const MAX_LINE: usize = 64 * 1024;

/// A checked field of a response.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum FieldName {
    Area,
    Category,
    Detail,
    Name,
    Message,
    AreaName,
    CategoryName,
}

impl FieldName {
    pub const ALL: [FieldName; 7] = [
        FieldName::Area,
        FieldName::Category,
        FieldName::Detail,
        FieldName::Name,
        FieldName::Message,
        FieldName::AreaName,
        FieldName::CategoryName,
    ];

    /// The field's JSON key.
    pub fn key(self) -> &'static str {
        match self {
            FieldName::Area => "area",
            FieldName::Category => "category",
            FieldName::Detail => "detail",
            FieldName::Name => "name",
            FieldName::Message => "message",
            FieldName::AreaName => "area_name",
            FieldName::CategoryName => "category_name",
        }
    }

    pub fn from_key(key: &str) -> Option<FieldName> {
        FieldName::ALL.into_iter().find(|f| f.key() == key)
    }
}

impl fmt::Display for FieldName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// The request line for a code, without its newline.
pub fn request(code: u32) -> String {
    code.to_string()
}

/// One response line, parsed.
#[derive(Debug)]
pub enum Response<'a> {
    /// An answer: the raw JSON of each checked field the decoder sent.
    Answer {
        code: u32,
        fields: [Option<&'a RawValue>; 7],
    },
    /// `{"code": N, "error": "..."}`: the decoder refuses this case.
    Refusal { code: u32, error: String },
}

impl Response<'_> {
    pub fn code(&self) -> u32 {
        match self {
            Response::Answer { code, .. } | Response::Refusal { code, .. } => *code,
        }
    }
}

/// A response line that breaks the protocol.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProtocolError {
    #[error("not a JSON object: {0}")]
    NotJson(String),
    #[error("no \"code\": every response must echo its request's code")]
    MissingCode,
    #[error("\"code\" is {0}, not an unsigned 32-bit integer")]
    BadCode(String),
    #[error("answers the code {got}, but the request in turn was {expected}: answers out of step")]
    WrongEcho { expected: u32, got: u32 },
    #[error(
        "answers the previous request ({previous}) again instead of {expected}: a repeated answer"
    )]
    Repeated { previous: u32, expected: u32 },
    #[error("longer than {MAX_LINE} bytes")]
    TooLong,
    #[error("not UTF-8")]
    NotUtf8,
}

/// Parses one response line (without its newline).
pub fn parse_response(line: &str) -> Result<Response<'_>, ProtocolError> {
    let wire: Wire<'_> =
        serde_json::from_str(line).map_err(|e| ProtocolError::NotJson(e.to_string()))?;
    let raw_code = wire.code.ok_or(ProtocolError::MissingCode)?;
    let code = raw_code
        .get()
        .parse::<u32>()
        .map_err(|_| ProtocolError::BadCode(shorten(raw_code.get())))?;
    match wire.error.filter(|e| e.get() != "null") {
        Some(error) => Ok(Response::Refusal {
            code,
            error: refusal_text(error),
        }),
        None => Ok(Response::Answer {
            code,
            fields: wire.fields,
        }),
    }
}

/// A refusal's message: its string, or its raw JSON if it is not a string.
fn refusal_text(raw: &RawValue) -> String {
    serde_json::from_str::<String>(raw.get()).unwrap_or_else(|_| shorten(raw.get()))
}

/// Cuts a decoder's text for a report line, with control characters escaped.
pub fn shorten(text: &str) -> String {
    shorten_cow(text).into_owned()
}

/// [`shorten`], borrowing when the text is short and plain already.
pub fn shorten_cow(text: &str) -> std::borrow::Cow<'_, str> {
    const SHOWN: usize = 120;
    let cut = match text.char_indices().nth(SHOWN) {
        None => text,
        Some((end, _)) => &text[..end],
    };
    if cut.len() == text.len() && !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut shown = escape_controls(cut, false);
    if cut.len() < text.len() {
        shown.push('…');
    }
    std::borrow::Cow::Owned(shown)
}

/// Text from a decoder with its control characters escaped (`\n`, `\u{1b}`), so that it
/// cannot forge report lines or drive a terminal; `keep_lines` keeps newlines and tabs.
pub fn escape_controls(text: &str, keep_lines: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\t' if keep_lines => out.push(c),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

/// The wire shape: the raw JSON of each key the gate knows; every other key is skipped.
struct Wire<'a> {
    code: Option<&'a RawValue>,
    error: Option<&'a RawValue>,
    fields: [Option<&'a RawValue>; 7],
}

impl<'de: 'a, 'a> Deserialize<'de> for Wire<'a> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(WireVisitor(std::marker::PhantomData))
    }
}

struct WireVisitor<'a>(std::marker::PhantomData<&'a ()>);

impl<'de: 'a, 'a> Visitor<'de> for WireVisitor<'a> {
    type Value = Wire<'a>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Wire<'a>, M::Error> {
        let mut wire = Wire {
            code: None,
            error: None,
            fields: [None; 7],
        };
        while let Some(key) = map.next_key::<Key>()? {
            let slot = match key {
                Key::Code => &mut wire.code,
                Key::Error => &mut wire.error,
                Key::Field(field) => &mut wire.fields[field as usize],
                Key::Other => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            *slot = Some(map.next_value::<&'de RawValue>()?);
        }
        Ok(wire)
    }
}

/// A response key, recognised without allocating (escaped keys included).
enum Key {
    Code,
    Error,
    Field(FieldName),
    Other,
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

struct KeyVisitor;

impl Visitor<'_> for KeyVisitor {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Key, E> {
        Ok(match key {
            "code" => Key::Code,
            "error" => Key::Error,
            other => FieldName::from_key(other).map_or(Key::Other, Key::Field),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field<'a>(r: &Response<'a>, name: FieldName) -> Option<&'a str> {
        match r {
            Response::Answer { fields, .. } => fields[name as usize].map(RawValue::get),
            Response::Refusal { .. } => None,
        }
    }

    #[test]
    fn null_is_kept_apart_from_absent_and_unknown_keys_are_ignored() {
        let line = r#"{"code": 538968468, "name": null, "area": 2, "extra": {"deep": [1]}}"#;
        let r = parse_response(line).unwrap();
        assert_eq!(r.code(), 538_968_468);
        assert_eq!(field(&r, FieldName::Name), Some("null"));
        assert_eq!(field(&r, FieldName::Area), Some("2"));
        assert_eq!(field(&r, FieldName::Message), None);
    }

    #[test]
    fn refusal() {
        let r = parse_response(r#"{"code": 1, "error": "unsupported"}"#).unwrap();
        assert!(matches!(r, Response::Refusal { code: 1, ref error } if error == "unsupported"));
    }

    #[test]
    fn protocol_errors() {
        let err = |line| parse_response(line).unwrap_err();
        assert!(matches!(err("hello"), ProtocolError::NotJson(_)));
        assert!(matches!(err("[1]"), ProtocolError::NotJson(_)));
        assert!(matches!(err("{}"), ProtocolError::MissingCode));
        assert!(matches!(err(r#"{"code": -1}"#), ProtocolError::BadCode(_)));
        assert!(matches!(err(r#"{"code": "1"}"#), ProtocolError::BadCode(_)));
        assert!(matches!(
            err(r#"{"code": 4294967296}"#),
            ProtocolError::BadCode(_)
        ));
        assert!(matches!(err(r#"{"code": 1.0}"#), ProtocolError::BadCode(_)));
        assert!(matches!(
            err(r#"{"code": 1} trailing"#),
            ProtocolError::NotJson(_)
        ));
    }

    #[test]
    fn a_null_error_is_not_a_refusal() {
        let r = parse_response(r#"{"code": 1, "error": null, "area": 0}"#).unwrap();
        assert!(matches!(r, Response::Answer { .. }));
    }

    #[test]
    fn report_text_escapes_control_characters() {
        assert_eq!(shorten("a\nb\x1b[2J"), "a\\nb\\u{1b}[2J");
        assert_eq!(escape_controls("one\ntwo\r", true), "one\ntwo\\r");
        assert!(matches!(
            shorten_cow("plain"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(shorten(&"é".repeat(200)).chars().count(), 121);
    }

    #[test]
    fn escaped_keys_are_understood() {
        let r = parse_response(r#"{"\u0063ode": 7, "n\u0061me": "x"}"#).unwrap();
        assert_eq!(r.code(), 7);
        assert_eq!(field(&r, FieldName::Name), Some("\"x\""));
    }
}
