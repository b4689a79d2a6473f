//! An independent second decoder, to cross-check the oracle.
//!
//! The oracle ([`decode`](crate::decode::decode)) splits a code with shifts and masks and
//! indexes tables built by [`catalog`](crate::catalog). This model is built differently
//! on purpose, so that a mistake in one is unlikely to be repeated in the other: it reads a
//! profile's data file as a generic TOML document, keys everything by lower-case hex
//! strings (`"2"` for an area, `"02"` for a category, `"0200194"` for a value), and decodes
//! a code by formatting it as eight hex digits and slicing that string. It shares no code
//! with the oracle beyond the data file itself, which `tests/tables.rs` checks against
//! the spec independently.
//!
//! The exhaustive sweep (`tests/sweep.rs`), the property tests and the `differential`
//! fuzz target compare the two.

use std::collections::HashMap;

use crate::catalog::{Field, Profile};
use crate::decode::Decoded;

/// What a source says about a text field, as the model reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    Text(String),
    /// The source says there is no value (the key is absent).
    Null,
    /// The source is silent: `{ implementation_defined = "..." }`.
    Silent,
}

impl Answer {
    fn read(value: Option<&toml::Value>) -> Answer {
        match value {
            None => Answer::Null,
            Some(toml::Value::String(s)) => Answer::Text(s.clone()),
            Some(_) => Answer::Silent,
        }
    }

    /// Whether the oracle's field says the same.
    pub fn agrees(&self, field: Field<&str>) -> bool {
        match (self, field) {
            (Answer::Text(a), Field::Value(b)) => a == b,
            (Answer::Null, Field::Null) => true,
            (Answer::Silent, Field::ImplementationDefined(_)) => true,
            _ => false,
        }
    }
}

/// A named or documented value, as the model reads it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModelEntry {
    pub documented: bool,
    pub name: Option<String>,
    pub description: Option<String>,
    pub aliases: Vec<String>,
}

/// What the model expects from the area and category digits (`"2"`, `"02"`).
#[derive(Clone, Copy, Debug)]
pub struct PrefixExpect<'m> {
    pub area_name: &'m Answer,
    pub category_name: &'m Answer,
    pub message: &'m Answer,
}

/// What the model expects from the category and detail digits (`"02"`, `"00194"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DetailExpect<'m> {
    pub entry: Option<&'m ModelEntry>,
    pub http_status: Option<u16>,
    /// (Flash missing, Silverlight missing), for SRC_PLAYER_MISMATCH.
    pub missing_plugins: Option<(bool, bool)>,
}

/// The model of one profile.
pub struct Model {
    areas: HashMap<String, Answer>,
    other_area: Answer,
    categories: HashMap<String, (Answer, Answer)>,
    other_category: (Answer, Answer),
    entries: HashMap<String, ModelEntry>,
}

const NETWORK: &str = "02";
const MISMATCH: &str = "06";

impl Model {
    /// Reads the profile's data file. Panics only if it is not the TOML the tests load.
    pub fn new(profile: Profile) -> Model {
        let doc: toml::Table = profile.source().parse().expect("data file is TOML");
        let rows = |key: &str| -> Vec<toml::Table> {
            match doc.get(key) {
                Some(toml::Value::Array(rows)) => {
                    rows.iter().filter_map(|r| r.as_table().cloned()).collect()
                }
                _ => Vec::new(),
            }
        };
        let hex = |row: &toml::Table, width: usize| {
            let value = row["value"].as_integer().expect("value is an integer");
            format!("{value:0width$x}")
        };
        let others = |key: &str| {
            doc.get(key)
                .and_then(|v| v.as_table())
                .cloned()
                .unwrap_or_default()
        };
        let (other_areas, other_categories) = (others("other_areas"), others("other_categories"));

        let areas = rows("area")
            .iter()
            .map(|r| (hex(r, 1), Answer::read(r.get("name"))))
            .collect();
        let categories = rows("category")
            .iter()
            .map(|r| {
                (
                    hex(r, 2),
                    (Answer::read(r.get("name")), Answer::read(r.get("message"))),
                )
            })
            .collect();
        let mut entries: HashMap<String, ModelEntry> = HashMap::new();
        let text =
            |r: &toml::Table, key: &str| r.get(key).and_then(|v| v.as_str()).map(str::to_string);
        for r in rows("code") {
            let entry = entries.entry(hex(&r, 7)).or_default();
            entry.documented = true;
            entry.name = text(&r, "name");
            entry.description = text(&r, "description");
        }
        for r in rows("alias") {
            let name = text(&r, "name").expect("an alias has a name");
            entries.entry(hex(&r, 7)).or_default().aliases.push(name);
        }
        Model {
            areas,
            other_area: Answer::read(other_areas.get("name")),
            categories,
            other_category: (
                Answer::read(other_categories.get("name")),
                Answer::read(other_categories.get("message")),
            ),
            entries,
        }
    }

    /// The expectation for the area digit and the two category digits.
    pub fn prefix(&self, area: &str, category: &str) -> PrefixExpect<'_> {
        let (category_name, message) = self
            .categories
            .get(category)
            .unwrap_or(&self.other_category);
        PrefixExpect {
            area_name: self.areas.get(area).unwrap_or(&self.other_area),
            category_name,
            message,
        }
    }

    /// The expectation for the two category digits and the five detail digits.
    pub fn detail(&self, category: &str, detail: &str) -> DetailExpect<'_> {
        let number = || u32::from_str_radix(detail, 16).expect("detail digits are hex");
        let http_status = (category == NETWORK)
            .then(number)
            .filter(|n| (400..=599).contains(n))
            .map(|n| n as u16);
        // The last hex digit holds the Flash (1) and Silverlight (2) bits.
        let last = detail.chars().last().unwrap_or('0');
        let missing_plugins =
            (category == MISMATCH).then(|| ("13579bdf".contains(last), "2367abef".contains(last)));
        DetailExpect {
            entry: self.entries.get(&format!("{category}{detail}")),
            http_status,
            missing_plugins,
        }
    }

    /// The class id the model expects, by the rules of `docs/decode-rules.md`.
    pub fn class(prefix: &PrefixExpect<'_>, detail: &DetailExpect<'_>) -> &'static str {
        if !matches!(prefix.area_name, Answer::Text(_)) {
            "reserved_area"
        } else if !matches!(prefix.category_name, Answer::Text(_)) {
            "unknown_category"
        } else if detail.entry.is_some_and(|e| e.documented) {
            "documented"
        } else {
            "undocumented_detail"
        }
    }

    /// Slices a code's eight hex digits into (area, category, detail).
    pub fn split(code: u32) -> (String, String, String) {
        let hex = format!("{code:08x}");
        (
            hex[0..1].to_string(),
            hex[1..3].to_string(),
            hex[3..8].to_string(),
        )
    }

    /// Compares the oracle's answer for a code with the model's; the first field that
    /// differs is named.
    pub fn check(&self, d: &Decoded) -> Result<(), String> {
        let (area, category, detail) = Model::split(d.code().0);
        let prefix = self.prefix(&area, &category);
        let detail = self.detail(&category, &detail);
        compare(d, &prefix, &detail)
    }
}

/// The first field on which the oracle and the model's expectations differ.
pub fn compare(
    d: &Decoded,
    prefix: &PrefixExpect<'_>,
    detail: &DetailExpect<'_>,
) -> Result<(), String> {
    let entry = detail.entry;
    let missing = d.missing_plugins().map(|m| (m.flash, m.silverlight));
    let checks: [(&str, bool); 10] = [
        ("area_name", prefix.area_name.agrees(d.area_name())),
        (
            "category_name",
            prefix.category_name.agrees(d.category_name()),
        ),
        ("message", prefix.message.agrees(d.message())),
        ("name", entry.and_then(|e| e.name.as_deref()) == d.name()),
        (
            "description",
            entry.and_then(|e| e.description.as_deref()) == d.description(),
        ),
        (
            "aliases",
            entry.map_or(&[][..], |e| &e.aliases[..]) == d.aliases(),
        ),
        (
            "documented",
            entry.is_some_and(|e| e.documented) == d.is_documented(),
        ),
        ("http_status", detail.http_status == d.http_status()),
        ("missing_plugins", detail.missing_plugins == missing),
        ("class", Model::class(prefix, detail) == d.class().id()),
    ];
    match checks.iter().find(|(_, same)| !same) {
        None => Ok(()),
        Some((field, _)) => Err(format!(
            "{} under {}: oracle and model disagree on {field}",
            d.code(),
            d.profile()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::Code;
    use crate::decode::decode;

    #[test]
    fn the_model_reads_the_page_examples() {
        let model = Model::new(Profile::DOC);
        let (area, category, detail) = Model::split(0x2020_0194);
        assert_eq!(
            (area.as_str(), category.as_str(), detail.as_str()),
            ("2", "02", "00194")
        );
        let prefix = model.prefix(&area, &category);
        assert_eq!(prefix.area_name, &Answer::Text("AzureHtml5JS".into()));
        let expect = model.detail(&category, &detail);
        assert_eq!(expect.http_status, Some(404));
        assert_eq!(
            expect.entry.unwrap().name.as_deref(),
            Some("networkErrHttpUrlNotFound")
        );
        assert_eq!(model.prefix("7", "09").message, &Answer::Silent);
    }

    #[test]
    fn compare_names_the_field_that_differs() {
        let model = Model::new(Profile::DOC);
        let d = decode(Code(0x2020_0194), Profile::DOC);
        assert_eq!(model.check(&d), Ok(()));
        // The same code judged against the other profile's model must differ somewhere.
        let amp = Model::new(Profile::AMP_2_3_0);
        let err = amp.check(&d).unwrap_err();
        assert!(err.contains("disagree on message"), "{err}");
    }
}
