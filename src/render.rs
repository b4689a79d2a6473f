//! Rendering a decoded code for people (text) and for machines (one JSON object).
//!
//! [`Record`] is the JSON shape, with the field names third-party tools rely on; it
//! deserializes too, so a consumer (or a test) can read the output back.

use std::fmt::{self, Write as _};

use serde::{Deserialize, Serialize};

use crate::catalog::{Field, Profile};
use crate::code::Code;
use crate::decode::{Class, Decoded, decode};

/// One decoded code as JSON: `null` where the profile gives the field no value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    pub code: u32,
    /// `0x` and eight upper-case hex digits.
    pub hex: String,
    pub area: u8,
    pub area_name: Option<String>,
    pub category: u8,
    pub category_name: Option<String>,
    pub detail: u32,
    pub code28: u32,
    pub name: Option<String>,
    pub aliases: Vec<String>,
    pub description: Option<String>,
    pub message: Option<String>,
    pub http_status: Option<u16>,
    pub class: Class,
    pub profile: String,
    /// For SRC_PLAYER_MISMATCH codes, the plugins the detail's bits say are missing.
    pub missing_plugins: Option<Vec<String>>,
    /// Fields on which the profile's source is silent: any value is acceptable there.
    pub implementation_defined: Vec<String>,
}

impl From<&Decoded> for Record {
    fn from(d: &Decoded) -> Record {
        let owned = |s: Option<&str>| s.map(str::to_string);
        Record {
            code: d.code().0,
            hex: d.code().to_string(),
            area: d.area(),
            area_name: owned(d.area_name().value()),
            category: d.category(),
            category_name: owned(d.category_name().value()),
            detail: d.detail(),
            code28: d.code28(),
            name: owned(d.name()),
            aliases: d.aliases().iter().map(|a| a.to_string()).collect(),
            description: owned(d.description()),
            message: owned(d.message().value()),
            http_status: d.http_status(),
            class: d.class(),
            profile: d.profile().id().to_string(),
            missing_plugins: d
                .missing_plugins()
                .map(|m| m.names().map(str::to_string).collect()),
            implementation_defined: d.implementation_defined().map(str::to_string).collect(),
        }
    }
}

/// One JSON object on one line.
#[cfg(feature = "json")]
pub fn json_line(d: &Decoded) -> serde_json::Result<String> {
    serde_json::to_string(&Record::from(d))
}

/// What a profile's player shows in its error overlay for a code, if its source says:
/// the message (`None` where the code does not determine it, as for category 0 under
/// `amp-2.3.0`), then the code line, `(0x20200194)`.
pub fn overlay(code: Code, profile: Profile) -> Option<(Option<&'static str>, String)> {
    let overlay = profile.catalog().overlay()?;
    let text = decode(code, profile).message().value();
    Some((text, overlay.code_line(code)))
}

/// A multi-line description for people.
///
/// ```
/// use amperr::{Code, Profile, decode, render};
///
/// let text = render::text(&decode(Code(0x2020_0194), Profile::DOC));
/// assert!(text.starts_with("0x20200194 (538968468) under profile doc"));
/// ```
pub fn text(d: &Decoded) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = write_text(&mut out, d);
    out
}

fn write_text(out: &mut String, d: &Decoded) -> fmt::Result {
    let code = d.code();
    writeln!(out, "{code} ({}) under profile {}", code.0, d.profile())?;
    let row = |out: &mut String, label: &str, value: &dyn fmt::Display| {
        writeln!(out, "  {label:<13} {value}")
    };
    row(
        out,
        "area",
        &format_args!("{} {}", d.area(), shown(d.area_name())),
    )?;
    let category = format_args!("{:#04X} {}", d.category(), shown(d.category_name()));
    row(out, "category", &category)?;
    row(
        out,
        "detail",
        &format_args!("{:#07X} ({})", d.detail(), d.detail()),
    )?;
    row(out, "bits 27-0", &format_args!("{:#09X}", d.code28()))?;
    row(out, "name", &d.name().unwrap_or("-"))?;
    if !d.aliases().is_empty() {
        row(out, "aliases", &d.aliases().join(", "))?;
    }
    row(out, "description", &d.description().unwrap_or("-"))?;
    if let Some(status) = d.http_status() {
        row(out, "http status", &status)?;
    }
    if let Some(missing) = d.missing_plugins() {
        let names: Vec<_> = missing.names().collect();
        let names = if names.is_empty() {
            "none named".to_string()
        } else {
            names.join(", ")
        };
        row(
            out,
            "missing",
            &format_args!("{names} (the detail is a bit set)"),
        )?;
    }
    row(out, "message", &shown_quoted(d.message()))?;
    row(out, "class", &d.class().describe())?;
    // What each player that a profile describes shows, whatever profile decodes.
    for player in Profile::ALL {
        let (Some(shown), Some(overlay)) = (overlay(code, player), player.catalog().overlay())
        else {
            continue;
        };
        let text = match shown.0 {
            Some(t) => format!("{t:?}"),
            None => "<the raw error().message, not set by the code>".to_string(),
        };
        row(
            out,
            overlay.label,
            &format_args!("{text} then {:?}", shown.1),
        )?;
    }
    Ok(())
}

fn shown(field: Field<&str>) -> String {
    match field {
        Field::Value(v) => v.to_string(),
        Field::Null => "(no name)".to_string(),
        Field::ImplementationDefined(why) => format!("(implementation-defined: {why})"),
    }
}

fn shown_quoted(field: Field<&str>) -> String {
    match field {
        Field::Value(v) => format!("{v:?}"),
        other => shown(other),
    }
}

/// `1 case`, `2 cases`.
pub fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Sorted values with runs of three or more folded: `[0, 5, 6, 7, 8, 10, 11]` as
/// `["0", "5..8", "10", "11"]`.
pub fn fold_ranges(values: &[u8], show: impl Fn(u8) -> String) -> Vec<String> {
    let mut parts = Vec::new();
    let mut i = 0;
    while i < values.len() {
        let start = i;
        while i + 1 < values.len() && u16::from(values[i + 1]) == u16::from(values[i]) + 1 {
            i += 1;
        }
        if i - start >= 2 {
            parts.push(format!("{}..{}", show(values[start]), show(values[i])));
        } else {
            parts.extend(values[start..=i].iter().map(|v| show(*v)));
        }
        i += 1;
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_ranges_folds_runs_of_three() {
        let folded = fold_ranges(&[0, 5, 6, 7, 8, 10, 11, 255], |v| v.to_string());
        assert_eq!(folded, ["0", "5..8", "10", "11", "255"]);
        assert!(fold_ranges(&[], |v| v.to_string()).is_empty());
    }

    #[test]
    fn overlay_is_lower_case_unpadded() {
        let shown = |code| overlay(Code(code), Profile::AMP_2_3_0).unwrap();
        let (text, line) = shown(0x0060_0001);
        assert_eq!(line, "(0x600001)");
        assert_eq!(text, Some("No compatible source was found for this media."));
        assert_eq!(shown(0x0000_0005).0, None);
        assert_eq!(shown(0x2070_0000).0, Some(""));
        assert_eq!(overlay(Code(0x0060_0001), Profile::DOC), None);
    }

    #[cfg(feature = "json")]
    #[test]
    fn json_line_reads_back() {
        let d = decode(Code(0x2020_0194), Profile::DOC);
        let back: Record = serde_json::from_str(&json_line(&d).unwrap()).unwrap();
        assert_eq!(back, Record::from(&d));
        assert_eq!(back.name.as_deref(), Some("networkErrHttpUrlNotFound"));
    }
}
