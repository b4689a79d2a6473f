//! Parsing the forms in which people paste a code.
//!
//! Codes reach support engineers from logs, dashboards, JavaScript consoles and the
//! player's own overlay, so [`parse_code`] accepts each of those forms and nothing else:
//! a wrong guess here would decode the wrong code without anyone noticing.

use std::fmt;

use crate::catalog::{NAME_PREFIX, Profile};
use crate::code::Code;

/// The accepted forms, as error messages list them.
pub const ACCEPTED_FORMS: &str = "accepted: 0x-prefixed hex of up to 8 digits (0x20200194), \
unsigned decimal (538968468), negative decimal as signed 32-bit (-1 is 0xFFFFFFFF), \
an amp.errorCode name with or without the prefix (networkErrHttpUrlNotFound, \
amp.errorCode.networkErrHttpUrlNotFound), or the player's \"(0x20200194)\"";

const BOM: char = '\u{feff}';
/// How much of a bad input an error repeats.
const SHOWN_INPUT: usize = 64;

/// Reads one pasted code; surrounding white space, a byte-order mark and one pair of
/// double quotes (as in `"(0x20200194)"`, copied from text or JSON output) are ignored.
///
/// A name stands for its 28-bit value with area 0; names of every profile are known.
///
/// ```
/// use amperr::{Code, parse_code};
///
/// for form in ["0x20200194", "538968468", "\"(0x20200194)\"", "networkErrHttpUrlNotFound"] {
///     assert_eq!(parse_code(form).unwrap().code28(), 0x020_0194);
/// }
/// assert_eq!(parse_code("-1"), Ok(Code(u32::MAX)));
/// assert!(parse_code("0x1g").unwrap_err().to_string().contains("accepted:"));
/// ```
pub fn parse_code(input: &str) -> Result<Code, ParseError> {
    let text = input.trim_matches(|c: char| c.is_whitespace() || c == BOM);
    let text = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(text);
    let fail = |reason| Err(ParseError::new(input, reason));
    if text.is_empty() {
        return fail(Reason::Empty);
    }
    if let Some(inner) = text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        return match hex_digits(inner.trim()) {
            Some(digits) => parse_hex(digits).map_err(|r| ParseError::new(input, r)),
            None => fail(Reason::Unrecognized),
        };
    }
    if let Some(digits) = hex_digits(text) {
        return parse_hex(digits).map_err(|r| ParseError::new(input, r));
    }
    if let Some(digits) = text.strip_prefix('-') {
        return parse_negative(digits).map_err(|r| ParseError::new(input, r));
    }
    if text.bytes().all(|b| b.is_ascii_digit()) {
        return match text.parse::<u32>() {
            Ok(v) => Ok(Code(v)),
            Err(_) => fail(Reason::OutOfRange),
        };
    }
    let name = text.strip_prefix(NAME_PREFIX).unwrap_or(text);
    if is_identifier(name) {
        return match value_of_name(name) {
            Some(value) => Ok(Code(value)),
            None => fail(Reason::UnknownName {
                suggestion: suggest_name(name),
            }),
        };
    }
    fail(Reason::Unrecognized)
}

fn hex_digits(text: &str) -> Option<&str> {
    text.strip_prefix("0x").or_else(|| text.strip_prefix("0X"))
}

fn parse_hex(digits: &str) -> Result<Code, Reason> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Reason::BadHex);
    }
    if digits.len() > 8 {
        return Err(Reason::TooManyHexDigits(digits.len()));
    }
    u32::from_str_radix(digits, 16)
        .map(Code)
        .map_err(|_| Reason::BadHex)
}

fn parse_negative(digits: &str) -> Result<Code, Reason> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Reason::Unrecognized);
    }
    let magnitude: u64 = digits.parse().map_err(|_| Reason::NegativeOutOfRange)?;
    let value = i64::try_from(magnitude)
        .map(|m| -m)
        .map_err(|_| Reason::NegativeOutOfRange)?;
    i32::try_from(value)
        .map(|v| Code(v as u32))
        .map_err(|_| Reason::NegativeOutOfRange)
}

fn is_identifier(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// The value of a name or alias in any profile (a name has one value in all of them).
pub fn value_of_name(name: &str) -> Option<u32> {
    crate::catalog::value_of_any_name(name)
}

/// A known name that differs from `name` only in letter case.
fn suggest_name(name: &str) -> Option<&'static str> {
    Profile::ALL
        .into_iter()
        .find_map(|profile| profile.catalog().name_like(name))
}

/// A pasted code that is none of the accepted forms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    input: String,
    reason: Reason,
}

/// Why an input was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reason {
    Empty,
    BadHex,
    TooManyHexDigits(usize),
    OutOfRange,
    NegativeOutOfRange,
    UnknownName { suggestion: Option<&'static str> },
    Unrecognized,
}

impl ParseError {
    fn new(input: &str, reason: Reason) -> ParseError {
        ParseError {
            input: crate::escape::cut(input, SHOWN_INPUT).into_owned(),
            reason,
        }
    }

    /// The input as given (cut short if long).
    pub fn input(&self) -> &str {
        &self.input
    }

    pub fn reason(&self) -> &Reason {
        &self.reason
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} is not an error code: ", self.input)?;
        match &self.reason {
            Reason::Empty => f.write_str("it is empty")?,
            Reason::BadHex => f.write_str("0x must be followed by hex digits 0-9, a-f")?,
            Reason::TooManyHexDigits(n) => write!(f, "{n} hex digits, a code has at most 8")?,
            Reason::OutOfRange => f.write_str("the number does not fit in 32 bits")?,
            Reason::NegativeOutOfRange => {
                f.write_str("a negative code is a signed 32-bit value, -2147483648..=-1")?
            }
            Reason::UnknownName { suggestion: None } => {
                f.write_str("no profile has an amp.errorCode name like it")?
            }
            Reason::UnknownName {
                suggestion: Some(name),
            } => write!(f, "unknown name; did you mean {name}?")?,
            Reason::Unrecognized => f.write_str("not a number, a name or \"(0x...)\"")?,
        }
        write!(f, " ({ACCEPTED_FORMS})")
    }
}

impl std::error::Error for ParseError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestion_ignores_case_only() {
        let err = parse_code("networkerrhttpurlnotfound").unwrap_err();
        assert_eq!(
            err.reason(),
            &Reason::UnknownName {
                suggestion: Some("networkErrHttpUrlNotFound")
            }
        );
    }

    #[test]
    fn long_input_is_cut_in_the_message() {
        let long = "x".repeat(1000) + "!";
        let err = parse_code(&long).unwrap_err();
        assert!(err.to_string().len() < 800, "{err}");
        assert!(err.input().ends_with('…'));
    }
}
