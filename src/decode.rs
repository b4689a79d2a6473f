//! Decoding: what one code means under one profile.
//!
//! [`decode`] is total and free of allocation: it splits the code into its bit fields and
//! looks up bits 27-0 in the profile's static [`Catalog`]. Every
//! other fact (the names, the message, the class, the HTTP status, the missing plugins) is
//! read from the catalog on demand, so a decode costs a few loads (see a category's entry
//! table in the catalog) and a [`Decoded`] is twenty-four bytes: the code, its catalog,
//! its entry.
//!
//! The rules, and the choices made where the published page is silent, are in
//! `docs/decode-rules.md`.

use serde::{Deserialize, Serialize};

use crate::catalog::{Area, Catalog, Category, Entry, Field, Profile};
use crate::code::Code;

/// The category whose detail is an HTTP status for 400..=599.
pub const NETWORK: u8 = 2;
/// The category whose detail is a bit set of missing plugins.
pub const SRC_PLAYER_MISMATCH: u8 = 6;
const FLASH_MISSING: u32 = 0x1;
const SILVERLIGHT_MISSING: u32 = 0x2;

/// Decodes any `u32` under `profile`. Never panics, never allocates.
///
/// ```
/// use amperr::{Class, Code, Profile, decode};
///
/// let d = decode(Code(0x2020_0194), Profile::DOC);
/// assert_eq!(d.name(), Some("networkErrHttpUrlNotFound"));
/// assert_eq!(d.http_status(), Some(404));
/// assert_eq!(d.class(), Class::Documented);
/// ```
#[inline]
pub fn decode(code: Code, profile: Profile) -> Decoded {
    let catalog = profile.catalog();
    Decoded {
        code,
        catalog,
        entry: catalog.lookup(code.code28()),
    }
}

/// One code as a profile reads it: twenty-four bytes, its facts read from the catalog on
/// demand.
#[derive(Clone, Copy, Debug)]
pub struct Decoded {
    code: Code,
    catalog: &'static Catalog,
    /// Its entry, or the catalog's entry of no value (no name, no text, not documented):
    /// the fields read it without a branch.
    entry: &'static Entry,
}

/// What kind of code this is, from least to most serious; [`Decoded::class`] gives the
/// most serious that applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    /// Bits 27-0 are a row of the profile's table.
    Documented,
    /// The category is known but the profile has no row for this detail.
    UndocumentedDetail,
    /// The profile does not name this category.
    UnknownCategory,
    /// The profile does not name this area (7..15): no known technology reports it.
    ReservedArea,
}

impl Class {
    /// The machine name used in JSON, e.g. `undocumented_detail`.
    pub fn id(self) -> &'static str {
        match self {
            Class::Documented => "documented",
            Class::UndocumentedDetail => "undocumented_detail",
            Class::UnknownCategory => "unknown_category",
            Class::ReservedArea => "reserved_area",
        }
    }

    /// The class in words, for people.
    pub fn describe(self) -> &'static str {
        match self {
            Class::Documented => "documented code",
            Class::UndocumentedDetail => "undocumented detail in a known category",
            Class::UnknownCategory => "unknown category",
            Class::ReservedArea => "reserved area",
        }
    }
}

/// The plugins a SRC_PLAYER_MISMATCH code says are missing: its detail is a bit set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MissingPlugins {
    pub flash: bool,
    pub silverlight: bool,
}

impl MissingPlugins {
    /// The names of the missing plugins, Flash first.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        [(self.flash, "Flash"), (self.silverlight, "Silverlight")]
            .into_iter()
            .filter_map(|(missing, name)| missing.then_some(name))
    }
}

impl Decoded {
    #[inline]
    pub fn code(&self) -> Code {
        self.code
    }

    #[inline]
    pub fn profile(&self) -> Profile {
        self.catalog.profile()
    }

    #[inline]
    fn area_of(&self) -> &'static Area {
        self.catalog.area(self.code.area())
    }

    #[inline]
    fn category_of(&self) -> &'static Category {
        self.catalog.category(self.code.category())
    }

    #[inline]
    pub fn area(&self) -> u8 {
        self.code.area()
    }

    #[inline]
    pub fn area_name(&self) -> Field<&'static str> {
        self.area_of().name()
    }

    #[inline]
    pub fn category(&self) -> u8 {
        self.code.category()
    }

    #[inline]
    pub fn category_name(&self) -> Field<&'static str> {
        self.category_of().name()
    }

    #[inline]
    pub fn detail(&self) -> u32 {
        self.code.detail()
    }

    #[inline]
    pub fn code28(&self) -> u32 {
        self.code.code28()
    }

    /// The table row's name (`abortedErrUnknown`, never the alias `abortedErrStart`).
    #[inline]
    pub fn name(&self) -> Option<&'static str> {
        self.entry.name()
    }

    /// Other names of bits 27-0, such as range markers.
    #[inline]
    pub fn aliases(&self) -> &'static [&'static str] {
        self.entry.aliases()
    }

    #[inline]
    pub fn description(&self) -> Option<&'static str> {
        self.entry.description()
    }

    /// The message the viewer sees; it depends on bits 27-20 only.
    #[inline]
    pub fn message(&self) -> Field<&'static str> {
        self.category_of().message()
    }

    /// Whether bits 27-0 are a row of the profile's table.
    #[inline]
    pub fn is_documented(&self) -> bool {
        self.entry.documented()
    }

    /// The HTTP status a NETWORK code carries in its detail (400..=599).
    #[inline]
    pub fn http_status(&self) -> Option<u16> {
        // One range of bits 27-0 holds the NETWORK category's details 400..=599: one
        // comparison, no branch (a decoder reads this for every code).
        const FIRST: u32 = (NETWORK as u32) << Code::CATEGORY_SHIFT | 400;
        let in_range = self.code.code28().wrapping_sub(FIRST) < 200;
        in_range.then_some(self.detail() as u16)
    }

    /// For SRC_PLAYER_MISMATCH codes, which plugins the detail's bits say are missing.
    #[inline]
    pub fn missing_plugins(&self) -> Option<MissingPlugins> {
        let missing = MissingPlugins {
            flash: self.detail() & FLASH_MISSING != 0,
            silverlight: self.detail() & SILVERLIGHT_MISSING != 0,
        };
        (self.category() == SRC_PLAYER_MISMATCH).then_some(missing)
    }

    #[inline]
    pub fn class(&self) -> Class {
        // The most serious that applies: the area, then the category, then the row.
        match (self.area_name(), self.category_name(), self.is_documented()) {
            (Field::Value(_), Field::Value(_), true) => Class::Documented,
            (Field::Value(_), Field::Value(_), false) => Class::UndocumentedDetail,
            (Field::Value(_), _, _) => Class::UnknownCategory,
            _ => Class::ReservedArea,
        }
    }

    /// The names of the fields on which the profile's source is silent.
    pub fn implementation_defined(&self) -> impl Iterator<Item = &'static str> {
        [
            ("area_name", self.area_name().is_implementation_defined()),
            (
                "category_name",
                self.category_name().is_implementation_defined(),
            ),
            ("message", self.message().is_implementation_defined()),
        ]
        .into_iter()
        .filter_map(|(field, silent)| silent.then_some(field))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_precedence_is_area_then_category_then_row() {
        let class = |code, profile| decode(Code(code), profile).class();
        assert_eq!(class(0x7020_0194, Profile::DOC), Class::ReservedArea);
        assert_eq!(class(0x2070_0000, Profile::DOC), Class::UnknownCategory);
        assert_eq!(class(0x2000_0000, Profile::DOC), Class::UnknownCategory);
        assert_eq!(
            class(0x2000_0000, Profile::AMP_2_3_0),
            Class::UndocumentedDetail
        );
        assert_eq!(class(0x2020_01AD, Profile::DOC), Class::UndocumentedDetail);
        assert_eq!(class(0x2020_0194, Profile::DOC), Class::Documented);
    }

    #[test]
    fn http_status_only_for_network_400_to_599() {
        let status = |code| decode(Code(code), Profile::DOC).http_status();
        assert_eq!(status(0x2020_0194), Some(404));
        assert_eq!(status(0x2020_01AD), Some(429));
        assert_eq!(status(0x2020_0190), Some(400));
        assert_eq!(status(0x2020_0257), Some(599));
        assert_eq!(status(0x2020_018F), None);
        assert_eq!(status(0x2020_0258), None);
        assert_eq!(status(0x2030_0194), None);
    }

    #[test]
    fn mismatch_detail_is_a_bit_set() {
        let missing = |code| decode(Code(code), Profile::AMP_2_3_0).missing_plugins();
        let both = MissingPlugins {
            flash: true,
            silverlight: true,
        };
        assert_eq!(missing(0x1060_0003), Some(both));
        assert_eq!(
            missing(0x1060_0003).unwrap().names().collect::<Vec<_>>(),
            ["Flash", "Silverlight"]
        );
        assert_eq!(
            missing(0x1060_0002).unwrap().names().collect::<Vec<_>>(),
            ["Silverlight"]
        );
        assert_eq!(missing(0x1060_0000).unwrap().names().count(), 0);
        assert_eq!(missing(0x1050_0003), None);
    }
}
