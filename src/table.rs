//! Checking a player build's `amp.errorCode` table against a profile (`check-table`).
//!
//! A player build can dump its table with `JSON.stringify(amp.errorCode)`. The check is
//! name by name and value by value: names the profile has and the table lacks (missing),
//! names the table has and the profile lacks (unknown), names with another value (wrong
//! value), and a value the table names more often than the profile does. The dump is
//! untrusted: a name given twice is refused, and its names are escaped when shown.
//!
//! The JSON form of a [`TableReport`] is documented in `docs/TABLE.md`: every value the
//! table holds is given as the JSON it held, every value a profile holds as a number.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::value::RawValue;

use crate::catalog::Profile;
use crate::escape::{Lines, untrusted};

/// Whether the table is the profile's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Conformant,
    NotConformant,
}

/// A name the profile has and the table lacks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Missing {
    pub name: String,
    /// The profile's value.
    pub value: u32,
}

/// A value as the table wrote it: its JSON text, unchanged (`2.6738688e8` stays so, where
/// a parsed number would be shown as `267386880.0`).
#[derive(Clone, Debug, Serialize)]
#[serde(transparent)]
pub struct AsWritten(Box<RawValue>);

impl AsWritten {
    /// The JSON text.
    pub fn text(&self) -> &str {
        self.0.get()
    }

    /// The value as JavaScript reads it, if that is an integer from 0 to 2^32 - 1: the
    /// player compares numbers, so `2.6738688e8` is 267386880 and `-0` is 0.
    pub fn integer(&self) -> Option<u32> {
        // Rust's parse rounds correctly, as JavaScript does (serde_json's own does not
        // always: 1009948005.0000000000000); a JSON number is in its grammar, and `1e400`
        // is infinite, so not whole.
        let number: f64 = self.text().parse().ok()?;
        let in_range = number.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&number);
        // In range and whole: the conversion is exact.
        in_range.then_some(number as u32)
    }
}

impl PartialEq for AsWritten {
    fn eq(&self, other: &AsWritten) -> bool {
        self.text() == other.text()
    }
}

impl Eq for AsWritten {}

/// A name the table has and the profile lacks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Unknown {
    pub name: String,
    /// The table's value, as it was (any JSON).
    pub value: AsWritten,
}

/// A name with another value in the table than in the profile.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WrongValue {
    pub name: String,
    /// The table's value, as it was (any JSON).
    pub got: AsWritten,
    /// The profile's value.
    pub expected: u32,
}

/// A value the table names more often than the profile does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExtraNames {
    pub value: u32,
    pub in_table: Vec<String>,
    pub in_profile: Vec<String>,
}

/// The outcome of a table check.
#[derive(Clone, Debug, Serialize)]
pub struct TableReport {
    pub conclusion: Verdict,
    pub profile: String,
    pub names_in_table: usize,
    pub names_in_profile: usize,
    pub missing: Vec<Missing>,
    pub unknown: Vec<Unknown>,
    pub wrong_values: Vec<WrongValue>,
    pub extra_names: Vec<ExtraNames>,
}

/// A table that cannot be read as `{"name": value, ...}`: not JSON, not an object, a
/// name given twice. The message says which, and where.
#[derive(Debug, thiserror::Error)]
#[error(
    "not an amp.errorCode dump: {json} (expected a JSON object of names to integers, as JSON.stringify(amp.errorCode) prints)"
)]
pub struct TableError {
    // In the message rather than a `source`: a reader walking the chain would see it twice.
    json: serde_json::Error,
}

/// A dump's names and values, each name once: a name given twice would let the last value
/// hide the first.
struct Dump(BTreeMap<String, AsWritten>);

impl<'de> serde::Deserialize<'de> for Dump {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Dump, D::Error> {
        struct Names;
        impl<'de> serde::de::Visitor<'de> for Names {
            type Value = Dump;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object of names to values")
            }
            fn visit_map<M: serde::de::MapAccess<'de>>(self, mut map: M) -> Result<Dump, M::Error> {
                let mut names = BTreeMap::new();
                while let Some((name, value)) = map.next_entry::<String, Box<RawValue>>()? {
                    if names.contains_key(&name) {
                        let shown = untrusted(&name, Lines::Escape);
                        return Err(serde::de::Error::custom(format_args!(
                            "the name {shown:?} is given twice"
                        )));
                    }
                    names.insert(name, AsWritten(value));
                }
                Ok(Dump(names))
            }
        }
        deserializer.deserialize_map(Names)
    }
}

/// Checks a `JSON.stringify(amp.errorCode)` dump against a profile.
///
/// ```
/// use amperr::Profile;
/// use amperr::table::check_table;
///
/// let report = check_table(r#"{"networkErrHttpUrlNotFound": 2097556}"#, Profile::DOC).unwrap();
/// assert_eq!(report.exit_code(), 1, "the other names are missing");
/// ```
pub fn check_table(text: &str, profile: Profile) -> Result<TableReport, TableError> {
    let Dump(table) = serde_json::from_str(text.trim_start_matches('\u{feff}'))
        .map_err(|json| TableError { json })?;
    let known: BTreeMap<&str, u32> = profile.catalog().names().iter().copied().collect();
    let missing: Vec<Missing> = known
        .iter()
        .filter(|(name, _)| !table.contains_key(**name))
        .map(|(name, value)| Missing {
            name: name.to_string(),
            value: *value,
        })
        .collect();
    let mut unknown = Vec::new();
    let mut wrong_values = Vec::new();
    let mut table_names: BTreeMap<u32, BTreeSet<String>> = BTreeMap::new();
    for (name, raw) in &table {
        let value = raw.integer();
        if let Some(v) = value {
            table_names.entry(v).or_default().insert(name.clone());
        }
        match (known.get(name.as_str()), value) {
            (None, _) => unknown.push(Unknown {
                name: name.clone(),
                value: raw.clone(),
            }),
            (Some(expected), Some(got)) if got == *expected => {}
            (Some(expected), _) => wrong_values.push(WrongValue {
                name: name.clone(),
                got: raw.clone(),
                expected: *expected,
            }),
        }
    }
    let mut profile_names: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    for (name, value) in &known {
        profile_names
            .entry(*value)
            .or_default()
            .push(name.to_string());
    }
    let extra_names = table_names
        .into_iter()
        .filter_map(|(value, names)| {
            let in_profile = profile_names.get(&value).cloned().unwrap_or_default();
            (names.len() > 1 && names.len() > in_profile.len()).then(|| ExtraNames {
                value,
                in_table: names.into_iter().collect(),
                in_profile,
            })
        })
        .collect::<Vec<_>>();
    let clean = missing.is_empty()
        && unknown.is_empty()
        && wrong_values.is_empty()
        && extra_names.is_empty();
    Ok(TableReport {
        conclusion: if clean {
            Verdict::Conformant
        } else {
            Verdict::NotConformant
        },
        profile: profile.id().to_string(),
        names_in_table: table.len(),
        names_in_profile: known.len(),
        missing,
        unknown,
        wrong_values,
        extra_names,
    })
}

impl TableReport {
    /// 0 conformant, 1 not.
    pub fn exit_code(&self) -> u8 {
        match self.conclusion {
            Verdict::Conformant => 0,
            Verdict::NotConformant => 1,
        }
    }

    pub fn json(&self) -> serde_json::Result<String> {
        crate::escape::json(self)
    }

    /// The report for people. Names and values from the table are escaped: a dump is
    /// untrusted text.
    pub fn text(&self) -> String {
        let verdict = match self.conclusion {
            Verdict::Conformant => "CONFORMANT",
            Verdict::NotConformant => "NOT CONFORMANT",
        };
        let mut out = format!(
            "amperr check-table: {verdict} (profile {}: {} names in the table, {} in the profile)\n",
            self.profile, self.names_in_table, self.names_in_profile
        );
        for (kind, finding) in self.findings() {
            let finding = untrusted(&finding, Lines::Escape);
            out.push_str(&format!("  {kind:<12} {finding}\n"));
        }
        out
    }

    /// Each finding, its kind and what it is, names and values as the table has them
    /// (raw: escape them where they are shown), e.g. `("unknown", "networkErrErr =
    /// 0x0200259 (in the table, not in the profile)")`.
    pub fn findings(&self) -> Vec<(&'static str, String)> {
        let missing = self.missing.iter().map(|Missing { name, value }| {
            let finding = format!("{name} = {value:#09X} (in the profile, not in the table)");
            ("missing", finding)
        });
        let unknown = self.unknown.iter().map(|Unknown { name, value }| {
            let value = match value.integer() {
                Some(v) => format!("{v:#09X}"),
                None => value.text().to_string(),
            };
            (
                "unknown",
                format!("{name} = {value} (in the table, not in the profile)"),
            )
        });
        let wrong = self.wrong_values.iter().map(|w| {
            let finding = format!(
                "{} = {} (the profile says {:#09X})",
                w.name,
                w.got.text(),
                w.expected
            );
            ("wrong value", finding)
        });
        let extra = self.extra_names.iter().map(|e| {
            let profile = match e.in_profile.is_empty() {
                true => "no name".to_string(),
                false => e.in_profile.join(", "),
            };
            let finding = format!(
                "{:#09X} is {} in the table; the profile has {profile}",
                e.value,
                e.in_table.join(", ")
            );
            ("extra names", finding)
        });
        missing.chain(unknown).chain(wrong).chain(extra).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_of_difference() {
        let dump = r#"{"networkErrHttpUrlNotFound": 2097556, "errUnknown": 1, "mine": 5,
                       "abortedErrUnknown": 1048576, "abortedErrStart": 1048576, "decodeErrUnknown": "x"}"#;
        let r = check_table(dump, Profile::DOC).unwrap();
        assert_eq!(r.conclusion, Verdict::NotConformant);
        assert!(r.missing.iter().any(|m| m.name == "networkErrErr"));
        assert!(
            r.unknown
                .iter()
                .any(|u| u.name == "mine" && u.value.text() == "5")
        );
        assert!(
            r.wrong_values
                .iter()
                .any(|w| w.name == "errUnknown" && w.got.text() == "1")
        );
        assert!(
            r.wrong_values
                .iter()
                .any(|w| w.name == "decodeErrUnknown" && w.got.text() == "\"x\"")
        );
        assert_eq!(
            r.extra_names[0].in_table,
            ["abortedErrStart", "abortedErrUnknown"]
        );
        assert_eq!(r.extra_names[0].in_profile, ["abortedErrUnknown"]);
    }

    #[test]
    fn names_from_the_table_cannot_drive_the_terminal() {
        let dump = r#"{"x\u001b[2J\u202e": "\u001b]0;title\u0007"}"#;
        let text = check_table(dump, Profile::DOC).unwrap().text();
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{202e}'),
            "{text:?}"
        );
        assert!(text.contains("x\\u{1b}[2J\\u{202e}"), "{text}");
    }

    #[test]
    fn a_name_given_twice_is_refused() {
        let err = check_table(
            r#"{"errUnknown": 1, "errUnknown": 267386880}"#,
            Profile::DOC,
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("\"errUnknown\" is given twice"),
            "{err}"
        );
    }

    /// A value is shown as the table wrote it, and judged as JavaScript reads it (the
    /// player compares numbers): `2.6738688e8` is 267386880, `-0` is 0; a number beyond
    /// any double is a wrong value, not an unreadable table.
    #[test]
    fn values_are_kept_as_written_and_read_as_javascript_reads_them() {
        let huge = format!("1{}", "0".repeat(400));
        let dump = format!(
            r#"{{"errUnknown": 2.6738688e8, "abortedErrUnknown": 1048576.0, "mine": -0,
                 "big": 99999999999999999999, "huge": {huge}, "decodeErrUnknown": 1.5,
                 "networkErrHttpUrlNotFound": "2097556"}}"#
        );
        let r = check_table(&dump, Profile::DOC).unwrap();
        let wrong: Vec<(&str, &str)> = (r.wrong_values.iter())
            .map(|w| (w.name.as_str(), w.got.text()))
            .collect();
        assert_eq!(
            wrong,
            [
                ("decodeErrUnknown", "1.5"),
                ("networkErrHttpUrlNotFound", "\"2097556\"")
            ]
        );
        let unknown: Vec<(&str, &str)> = (r.unknown.iter())
            .map(|u| (u.name.as_str(), u.value.text()))
            .collect();
        assert_eq!(
            unknown,
            [
                ("big", "99999999999999999999"),
                ("huge", huge.as_str()),
                ("mine", "-0")
            ]
        );
        let json = r.json().unwrap();
        assert!(json.contains("\"value\": 99999999999999999999"), "{json}");
        assert!(json.contains("\"got\": 1.5"), "{json}");
        assert!(
            r.text().contains("mine = 0x0000000 (in the table"),
            "{}",
            r.text()
        );
        // Read exactly: two names of one value are extra names however it is written.
        let dump = r#"{"mineA": 1009948005, "mineB": 1009948005.0000000000000}"#;
        let r = check_table(dump, Profile::DOC).unwrap();
        assert_eq!(r.extra_names[0].value, 1_009_948_005);
        assert_eq!(r.extra_names[0].in_table, ["mineA", "mineB"]);
    }

    #[test]
    fn not_a_table() {
        assert!(check_table("[1, 2]", Profile::DOC).is_err());
        assert!(check_table("", Profile::DOC).is_err());
    }
}
