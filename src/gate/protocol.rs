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
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;

/// The protocol's version, as reports name it.
pub const VERSION: u32 = 1;

/// The longest response line accepted, in bytes.
pub const MAX_LINE: usize = 64 * 1024;

pub use crate::gate::field::{FieldMap, FieldName};

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
        fields: FieldMap<Option<&'a RawValue>>,
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
#[non_exhaustive]
pub enum ProtocolError {
    #[error("not a JSON object: {0}")]
    NotJson(String),
    #[error("no \"code\": every response must echo its request's code")]
    MissingCode,
    #[error("\"code\" is {0}, not an unsigned 32-bit integer")]
    BadCode(String),
    #[error("\"error\" is {0}: a string refuses the case, null (or no \"error\") answers it")]
    BadError(String),
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
    #[error("has the key {0:?} twice: a JSON object names each key once")]
    DuplicateKey(String),
    #[error(
        "starts with a byte-order mark (U+FEFF): write each answer as plain UTF-8 JSON, without one"
    )]
    ByteOrderMark,
    #[error("{0} more line(s) after the answer to the last request: one line per request")]
    ExtraLines(usize),
    #[error("answers the request ({0}) again: one answer per request")]
    AnsweredTwice(u32),
    #[error(
        "the output ended without an answer to this request, and the decoder exited with status 0"
    )]
    Unanswered,
    #[error("no \"request\": every answer of a page must give the number of its request")]
    NoRequest,
    #[error(
        "answers request {got} of its run, but the request in turn was {expected}: answers out of step"
    )]
    WrongRequest { expected: u32, got: u32 },
}

impl ProtocolError {
    /// What kind of error it is, the same in every run: failures are grouped by it.
    pub fn key(&self) -> &'static str {
        match self {
            ProtocolError::NotJson(_) => "not JSON",
            ProtocolError::MissingCode | ProtocolError::BadCode(_) => "bad code",
            ProtocolError::BadError(_) => "bad error",
            ProtocolError::WrongEcho { .. } => "wrong echo",
            ProtocolError::Repeated { .. } | ProtocolError::AnsweredTwice(_) => "repeated answer",
            ProtocolError::TooLong => "too long",
            ProtocolError::NotUtf8 => "not UTF-8",
            ProtocolError::DuplicateKey(_) => "duplicate key",
            ProtocolError::ByteOrderMark => "byte-order mark",
            ProtocolError::ExtraLines(_) => "extra lines",
            ProtocolError::Unanswered => "unanswered",
            ProtocolError::NoRequest => "no request",
            ProtocolError::WrongRequest { .. } => "wrong echo",
        }
    }

    /// What the decoder does, to follow "the decoder ...".
    pub fn verb(&self) -> &'static str {
        match self {
            ProtocolError::NotJson(_) => "sends a line that is not a JSON object",
            ProtocolError::MissingCode | ProtocolError::BadCode(_) => {
                "sends an answer without a valid code"
            }
            ProtocolError::BadError(_) => "sends an \"error\" that is neither a string nor null",
            ProtocolError::WrongEcho { .. } => "answers out of step",
            ProtocolError::Repeated { .. } | ProtocolError::AnsweredTwice(_) => {
                "answers a request again"
            }
            ProtocolError::TooLong => "sends a line longer than 65536 bytes",
            ProtocolError::NotUtf8 => "sends a line that is not UTF-8",
            ProtocolError::DuplicateKey(_) => "sends an answer with a key twice",
            ProtocolError::ByteOrderMark => "starts an answer with a byte-order mark",
            ProtocolError::ExtraLines(_) => "sends more lines than requests",
            ProtocolError::Unanswered => "ends its output without answering",
            ProtocolError::NoRequest => "sends an answer without the number of its request",
            ProtocolError::WrongRequest { .. } => "answers out of step",
        }
    }
}

/// Parses one response line (without its newline) of protocol v1.
pub fn parse_response(line: &str) -> Result<Response<'_>, ProtocolError> {
    parse_answer(line, FieldName::V1)
}

/// Parses one answer line whose checked fields are `fields` (other keys are ignored).
pub fn parse_answer<'l>(
    line: &'l str,
    fields: &'static [FieldName],
) -> Result<Response<'l>, ProtocolError> {
    if line.starts_with('\u{feff}') {
        return Err(ProtocolError::ByteOrderMark);
    }
    let mut deserializer = serde_json::Deserializer::from_str(line);
    let wire = WireSeed(fields, std::marker::PhantomData)
        .deserialize(&mut deserializer)
        .and_then(|wire| deserializer.end().map(|()| wire));
    let wire: Wire<'_> = wire.map_err(|e| {
        let message = e.to_string();
        match message.strip_prefix(DUPLICATE) {
            Some(rest) => {
                let key = rest.split(" at line ").next().unwrap_or(rest);
                ProtocolError::DuplicateKey(key.to_string())
            }
            None => ProtocolError::NotJson(message),
        }
    })?;
    let raw_code = wire.code.ok_or(ProtocolError::MissingCode)?;
    let code = raw_code.get().parse::<u32>().map_err(|_| {
        ProtocolError::BadCode(
            crate::escape::cut(raw_code.get(), crate::escape::SHOWN).into_owned(),
        )
    })?;
    let Some(raw_error) = wire.error.filter(|e| e.get() != "null") else {
        return Ok(Response::Answer {
            code,
            fields: wire.fields,
        });
    };
    match serde_json::from_str::<String>(raw_error.get()) {
        Ok(error) => Ok(Response::Refusal {
            code,
            // Cut to a bound, not yet escaped for display.
            error: crate::escape::cut(&error, crate::escape::REASON_SHOWN).into_owned(),
        }),
        Err(_) => Err(ProtocolError::BadError(
            crate::escape::cut(raw_error.get(), crate::escape::SHOWN).into_owned(),
        )),
    }
}

/// How the wire reader says a key came twice (serde errors carry only text).
const DUPLICATE: &str = "duplicate key: ";

/// The wire shape: the raw JSON of each key the gate knows; every other key is skipped.
struct Wire<'a> {
    code: Option<&'a RawValue>,
    error: Option<&'a RawValue>,
    fields: FieldMap<Option<&'a RawValue>>,
}

/// Reads a [`Wire`] that keeps the keys of `fields` (the answer's checked fields).
struct WireSeed<'a>(&'static [FieldName], std::marker::PhantomData<&'a ()>);

impl<'de: 'a, 'a> de::DeserializeSeed<'de> for WireSeed<'a> {
    type Value = Wire<'a>;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Wire<'a>, D::Error> {
        deserializer.deserialize_map(WireVisitor(self.0, std::marker::PhantomData))
    }
}

struct WireVisitor<'a>(&'static [FieldName], std::marker::PhantomData<&'a ()>);

impl<'de: 'a, 'a> Visitor<'de> for WireVisitor<'a> {
    type Value = Wire<'a>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Wire<'a>, M::Error> {
        let mut wire = Wire {
            code: None,
            error: None,
            fields: FieldMap::default(),
        };
        while let Some(key) = map.next_key::<Key>()? {
            let (slot, name) = match key {
                Key::Code => (&mut wire.code, "code"),
                Key::Error => (&mut wire.error, "error"),
                Key::Field(field) if self.0.contains(&field) => {
                    (&mut wire.fields[field], field.key())
                }
                Key::Field(_) | Key::Other => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            if slot.is_some() {
                // A repeated key would let the last value hide the first: `{"code": X,
                // "code": Y}` must not pass as an echo of Y.
                return Err(de::Error::custom(format_args!("{DUPLICATE}{name}")));
            }
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
            Response::Answer { fields, .. } => fields[name].map(RawValue::get),
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

    /// `"error": false` means "no error" to its author, `{"error": {...}}` a refusal: the
    /// protocol takes neither for the other, it names what it accepts.
    #[test]
    fn an_error_is_a_string_or_null() {
        for raw in ["false", "true", "0", "{}", "[]", r#"{"why": "x"}"#] {
            let line = format!(r#"{{"code": 1, "error": {raw}}}"#);
            assert_eq!(
                parse_response(&line).unwrap_err(),
                ProtocolError::BadError(raw.to_string()),
                "{line}"
            );
        }
        let error = ProtocolError::BadError("false".to_string());
        assert_eq!(
            error.to_string(),
            "\"error\" is false: a string refuses the case, null (or no \"error\") answers it"
        );
        let r = parse_response(r#"{"code": 1, "error": ""}"#).unwrap();
        assert!(matches!(r, Response::Refusal { code: 1, ref error } if error.is_empty()));
    }

    #[test]
    fn a_null_error_is_not_a_refusal() {
        let r = parse_response(r#"{"code": 1, "error": null, "area": 0}"#).unwrap();
        assert!(matches!(r, Response::Answer { .. }));
    }

    #[test]
    fn a_key_twice_is_refused_and_named() {
        let err = |line| parse_response(line).unwrap_err();
        assert_eq!(
            err(r#"{"code": 1, "code": 2}"#),
            ProtocolError::DuplicateKey("code".to_string())
        );
        assert_eq!(
            err(r#"{"code": 1, "category": 3, "\u0063ategory": 2}"#),
            ProtocolError::DuplicateKey("category".to_string())
        );
        // Keys the gate does not read may repeat: it never looks at them.
        assert!(parse_response(r#"{"code": 1, "x": 1, "x": 2}"#).is_ok());
    }

    #[test]
    fn a_byte_order_mark_is_named() {
        let line = "\u{feff}{\"code\": 1}";
        assert_eq!(
            parse_response(line).unwrap_err(),
            ProtocolError::ByteOrderMark
        );
        assert!(
            ProtocolError::ByteOrderMark
                .to_string()
                .contains("byte-order mark")
        );
    }

    #[test]
    fn escaped_keys_are_understood() {
        let r = parse_response(r#"{"\u0063ode": 7, "n\u0061me": "x"}"#).unwrap();
        assert_eq!(r.code(), 7);
        assert_eq!(field(&r, FieldName::Name), Some("\"x\""));
    }
}
