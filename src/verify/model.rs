//! An independent second decoder, to cross-check the oracle.
//!
//! The oracle ([`decode`](crate::decode::decode)) takes one code, splits it with shifts
//! and masks and looks each field up in tables built by [`catalog`](crate::catalog),
//! whose entry index maps a detail to an entry in a few loads. This model is written
//! differently on purpose, so that a mistake in one is unlikely to be repeated in the
//! other:
//!
//! - it reads a profile's data file as a generic TOML document into structures of its
//!   own (per category, the named values as a list sorted by detail), with no serde
//!   shapes and no table shared with the catalog;
//! - it never splits a code with shifts or masks: a walk counts codes in ascending order
//!   like an odometer (detail, then category, then area), composes each code from its
//!   counters, and finds a code's entry by merging the category's sorted list against the
//!   ascending detail, not by indexing; a walk that starts mid-way reads its counters off
//!   the code's eight hex digits ([`Model::split`]);
//! - the HTTP status, missing plugins and class come from the rules of
//!   `docs/decode-rules.md` as written here, per prefix where they can be.
//!
//! What it shares with the oracle: the data files, which `tests/oracle/tables.rs` checks against
//! the spec on their own, and the types the answers are spoken in ([`Field`],
//! [`Decoded`](crate::decode::Decoded), [`Class`](crate::decode::Class), [`Code`]'s
//! value). It never calls the catalog's lookups, `decode`'s logic or `Code`'s field
//! accessors to form an expectation.
//!
//! Why that can be fast: a walk computes what holds for a whole (area, category) prefix
//! once, and between two entries of a category every code expects the same names and
//! texts. So per code it compares each of the oracle's fields with the model's: the
//! per-code ones (HTTP status, missing plugins, no entry) by value, and the texts and
//! class by a key (a text's address, length and kind) against the oracle's answer
//! already read in full and found equal to the model's for this prefix. Any other answer
//! is read in full ([`Model::check`]'s path), which names the first field that differs.
//! The exhaustive sweep (`tests/oracle/sweep.rs`) checks all 2^32 codes per profile so, with
//! [`Model::check_codes`]; the property tests and the `differential` fuzz target check one
//! code at a time with [`Model::check`].
//!
//! The pieces: this file holds the model's data and the rules it applies; `read` reads a
//! data file into it; `walk` is the odometer that says what the model expects for
//! consecutive codes and checks the oracle's answers against it; `agree` compares one
//! field's answers, in full or, once a pair is found equal, by key.

mod agree;
mod read;
mod walk;

use std::fmt;

use crate::catalog::{Field, Profile};
use crate::code::Code;

/// What a source says about a text field, as the model reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    Text(String),
    /// The source says there is no value (the key is absent).
    Null,
    /// The source is silent: `{ implementation_defined = "why" }`, with the why.
    Silent(String),
}

impl Answer {
    /// Whether the oracle's field says the same, reason included.
    pub fn agrees(&self, field: Field<&str>) -> bool {
        match (self, field) {
            (Answer::Text(a), Field::Value(b)) => a == b,
            (Answer::Null, Field::Null) => true,
            (Answer::Silent(a), Field::ImplementationDefined(b)) => a == b,
            _ => false,
        }
    }

    /// The answer in the oracle's words, for a message that shows both.
    fn as_field(&self) -> Field<&str> {
        match self {
            Answer::Text(text) => Field::Value(text),
            Answer::Null => Field::Null,
            Answer::Silent(why) => Field::ImplementationDefined(why),
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

/// One category as the model reads it.
#[derive(Debug)]
struct ModelCategory {
    name: Answer,
    message: Answer,
    /// The category's named values, as (detail, entry), sorted by detail.
    entries: Vec<(u32, ModelEntry)>,
}

/// The model of one profile.
#[derive(Debug)]
pub struct Model {
    /// Areas 0..=15 in order.
    areas: Vec<Answer>,
    /// Categories 0..=255 in order.
    categories: Vec<ModelCategory>,
}

/// Details per category, categories per area, areas: the odometer's wheels.
const DETAILS: u32 = 0x10_0000;
const CATEGORIES: u32 = 0x100;
const AREAS: u32 = 0x10;
/// The categories with a rule of their own (`docs/decode-rules.md`).
const NETWORK: u32 = 0x02;
const MISMATCH: u32 = 0x06;
/// The class ids (`docs/decode-rules.md`): statics, not literals, so that each has one
/// address, by which a [`Memo`](agree::Memo) recognises it.
static RESERVED_AREA: &str = "reserved_area";
static UNKNOWN_CATEGORY: &str = "unknown_category";
static DOCUMENTED: &str = "documented";
static UNDOCUMENTED_DETAIL: &str = "undocumented_detail";
/// (Flash missing, Silverlight missing) for a detail's remainder by 4 (bits 1 and 2).
const PLUGINS: [(bool, bool); 4] = [(false, false), (true, false), (false, true), (true, true)];

impl Model {
    /// Reads the profile's data file. Panics only if it is not the TOML the tests load.
    pub fn new(profile: Profile) -> Model {
        Model::from_toml(profile.source())
            .unwrap_or_else(|e| panic!("data file of {profile} is not what the model reads: {e}"))
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
}

/// The first field on which the oracle and the model differ, for one code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Disagreement {
    pub code: Code,
    pub profile: Profile,
    pub field: &'static str,
    /// The oracle's answer, as `{:?}` shows it.
    pub oracle: String,
    /// The model's answer, in the oracle's words.
    pub model: String,
}

/// `0x20200194 under doc: name: oracle Some("x"), model Some("y")`.
impl fmt::Display for Disagreement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} under {}: {}: oracle {}, model {}",
            self.code, self.profile, self.field, self.oracle, self.model
        )
    }
}

impl std::error::Error for Disagreement {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::decode;

    #[test]
    fn check_names_the_field_and_both_answers() {
        let model = Model::new(Profile::DOC);
        let d = decode(Code(0x2020_0194), Profile::DOC);
        assert_eq!(model.check(&d), Ok(()));
        // The same code judged against the other profile's model must differ somewhere.
        let amp = Model::new(Profile::AMP_2_3_0);
        let err = amp.check(&d).unwrap_err();
        let oracle = "A network error caused the video download to fail part-way.";
        let model = format!("{oracle} Please check your network connection or try again later.");
        assert_eq!(
            err,
            format!(
                "0x20200194 under doc: message: oracle Value({oracle:?}), model Value({model:?})"
            )
        );
    }
}
