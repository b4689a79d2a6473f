//! The catalog: what each profile's source says about every area, category and value.
//!
//! A profile is one source of truth about AMP error codes: `doc` is the published page,
//! `amp-2.3.0` the shipped 2.3.0 runtime. Each is a data file beside this module
//! (`catalog/<id>.toml`), which the build script checks and compiles into static tables
//! (`build.rs`), so decoding never parses, allocates or initialises anything. The
//! profiles differ only in data; no rule is written per profile.
//!
//! **To add a profile**, add its data file (see `catalog/source.rs` for what it holds)
//! and accept its snapshots (`cargo insta review`): the profile list, the command line's
//! choices and help, and the error for an unknown profile all come from the data.
//!
//! Where a source is silent the catalog does not invent: such a field is
//! [`Field::ImplementationDefined`], which carries the reason, and is distinct from
//! [`Field::Null`], where the source says there is no value.

#[cfg(test)]
mod source;

use std::fmt;
use std::str::FromStr;

use crate::code::{Code, ComposeError};

/// What the player's names are reached by (`amp.errorCode.networkErrErr`): a name may be
/// given with it or without.
pub const NAME_PREFIX: &str = "amp.errorCode.";

/// One source of truth about AMP error codes: a handle on its static [`Catalog`] (its
/// place in the compiled list: one byte).
///
/// ```
/// use amperr::Profile;
///
/// let profile: Profile = "amp-2.3.0".parse().unwrap();
/// assert_eq!(profile, Profile::AMP_2_3_0);
/// assert_eq!(Profile::default(), Profile::DOC);
/// assert!("docs".parse::<Profile>().unwrap_err().to_string().contains("doc (the published page)"));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Profile(u8);

// `static CATALOGS`, compiled from the data files by `build.rs`, and `impl Profile` with
// a constant for each (`Profile::DOC`, `Profile::AMP_2_3_0`) and `Profile::ALL`.
include!(concat!(env!("OUT_DIR"), "/catalogs.rs"));
include!(concat!(env!("OUT_DIR"), "/profiles.rs"));

impl Profile {
    /// The profile's name on the command line and in reports.
    #[inline]
    pub fn id(self) -> &'static str {
        self.catalog().id
    }

    /// The source in a phrase, e.g. `the published page`.
    pub fn summary(self) -> &'static str {
        self.catalog().summary
    }

    /// The profile's data file, as compiled in (TOML).
    pub fn source(self) -> &'static str {
        self.catalog().source
    }

    /// The profile's catalog.
    #[inline]
    pub fn catalog(self) -> &'static Catalog {
        // Every `Profile` is one of the generated constants: the index is in range.
        &CATALOGS[usize::from(self.0)]
    }

    /// Every profile with its summary: `doc (the published page), amp-2.3.0 (...)`.
    pub fn listed() -> String {
        let each: Vec<String> = Profile::ALL
            .iter()
            .map(|p| format!("{} ({})", p.id(), p.summary()))
            .collect();
        each.join(", ")
    }
}

impl Default for Profile {
    /// The profile whose data file says `default = true` (`doc`).
    fn default() -> Profile {
        Profile::ALL[0]
    }
}

impl fmt::Debug for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Profile({})", self.id())
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for Profile {
    type Err = UnknownProfile;

    fn from_str(s: &str) -> Result<Profile, UnknownProfile> {
        Profile::ALL
            .into_iter()
            .find(|p| p.id() == s)
            .ok_or_else(|| UnknownProfile {
                name: s.to_string(),
            })
    }
}

/// A profile name that is not one of [`Profile::ALL`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown profile {name:?}: the profiles are {list}", list = Profile::listed())]
pub struct UnknownProfile {
    name: String,
}

impl UnknownProfile {
    /// The name given.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// What a profile's source says about one field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field<T> {
    /// The source gives this value.
    Value(T),
    /// The source says there is no value.
    Null,
    /// The source is silent; the value carried is the reason, not a value.
    ImplementationDefined(T),
}

impl<T> Field<T> {
    /// The value, if the source gives one.
    #[inline]
    pub fn value(self) -> Option<T> {
        match self {
            Field::Value(v) => Some(v),
            Field::Null | Field::ImplementationDefined(_) => None,
        }
    }

    #[inline]
    pub fn is_implementation_defined(&self) -> bool {
        matches!(self, Field::ImplementationDefined(_))
    }
}

/// One area (bits 31-28) as a profile describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Area {
    value: u8,
    name: Field<&'static str>,
}

impl Area {
    /// 0..=15.
    #[inline]
    pub fn value(&self) -> u8 {
        self.value
    }

    /// Unknown, AMP, AzureHtml5JS...
    #[inline]
    pub fn name(&self) -> Field<&'static str> {
        self.name
    }
}

/// One category (bits 27-20) as a profile describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Category {
    value: u8,
    /// The table's length - 1: the low bits of the detail that index it (at most 1,023).
    mask: u16,
    /// Whether some of its entries are in [`Catalog::wide`] instead of the table.
    wide: bool,
    name: Field<&'static str>,
    message: Field<&'static str>,
    /// Its entries, each found by its slot and one comparison, with no search.
    ///
    /// Decoding must cost a few nanoseconds for any code, in the table or not, and the
    /// category is read anyway. So the table is indexed by the detail's low bits (the
    /// fewest that keep the category's details apart, at most ten: its length is a power
    /// of two; empty if it has no entry), and the entry it holds there is the answer only
    /// if its value is the code's ([`NO_ENTRY`] where none is). A detail that shares its
    /// low bits with another of the category's is in [`Catalog::wide`] (none today: the
    /// largest table of the two profiles has 128 slots).
    table: &'static [&'static Entry],
}

impl Category {
    #[inline]
    pub fn value(&self) -> u8 {
        self.value
    }

    /// MEDIA_ERR_NETWORK...
    #[inline]
    pub fn name(&self) -> Field<&'static str> {
        self.name
    }

    /// The message the viewer sees for every code of this category.
    #[inline]
    pub fn message(&self) -> Field<&'static str> {
        self.message
    }
}

/// A 28-bit value that the profile names or documents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    value: u32,
    documented: bool,
    // Empty for none (no name or description is empty): a text stored whole is read
    // without a branch, and decoding reads these for every code.
    name: &'static str,
    description: &'static str,
    aliases: &'static [&'static str],
}

impl Entry {
    /// Whether this is the entry of no value.
    #[inline]
    fn is_none(&self) -> bool {
        std::ptr::eq(self, &NO_ENTRY)
    }

    /// Bits 27-0.
    #[inline]
    pub fn value(&self) -> u32 {
        self.value
    }

    /// A row of the profile's table (as opposed to a value only an alias names).
    #[inline]
    pub fn documented(&self) -> bool {
        self.documented
    }

    /// The table row's name; `None` for a nameless row or an alias-only value.
    #[inline]
    pub fn name(&self) -> Option<&'static str> {
        (!self.name.is_empty()).then_some(self.name)
    }

    #[inline]
    pub fn description(&self) -> Option<&'static str> {
        (!self.description.is_empty()).then_some(self.description)
    }

    /// Other names of the same value, such as range markers (`abortedErrStart`).
    #[inline]
    pub fn aliases(&self) -> &'static [&'static str] {
        self.aliases
    }
}

/// What a player's error overlay shows, where the profile's source says: the category's
/// message, a line break, then the code line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Overlay {
    /// How the text output labels it, e.g. `2.3.0 shows`.
    pub label: &'static str,
    prefix: &'static str,
    /// Hex digits in upper case.
    upper: bool,
    /// Padded to eight hex digits.
    padded: bool,
    suffix: &'static str,
}

impl Overlay {
    /// The code line for `code`, e.g. `(0x600001)` for 0x00600001 under `amp-2.3.0`.
    pub fn code_line(&self, code: Code) -> String {
        let (prefix, suffix, n) = (self.prefix, self.suffix, code.0);
        match (self.upper, self.padded) {
            (false, false) => format!("{prefix}{n:x}{suffix}"),
            (true, false) => format!("{prefix}{n:X}{suffix}"),
            (false, true) => format!("{prefix}{n:08x}{suffix}"),
            (true, true) => format!("{prefix}{n:08X}{suffix}"),
        }
    }
}

/// Everything one profile says, indexed for decoding.
#[derive(Debug)]
pub struct Catalog {
    /// The profile's place in [`Profile::ALL`].
    order: u8,
    id: &'static str,
    title: &'static str,
    summary: &'static str,
    source: &'static str,
    // Arrays, not slices: indexing by a 4-bit area or an 8-bit category needs no bounds
    // check on the decode path.
    areas: [Area; 16],
    categories: [Category; 256],
    /// Sorted by value.
    entries: &'static [Entry],
    /// The entries whose detail shares a category table's slot with another's.
    wide: &'static [&'static Entry],
    /// Every name and alias with its value, sorted by name.
    names: &'static [(&'static str, u32)],
    overlay: Option<Overlay>,
}

/// The entry of `code28` (a value of `category`), or [`NO_ENTRY`]: its table's slot holds
/// it, or (rarely: none of today's data) the `wide` list does.
#[inline]
fn find(category: &Category, wide: &'static [&'static Entry], code28: u32) -> &'static Entry {
    let slot = code28 & u32::from(category.mask);
    let direct = category
        .table
        .get(slot as usize)
        .copied()
        .unwrap_or(&NO_ENTRY);
    if direct.value == code28 {
        return direct;
    }
    if !category.wide {
        return &NO_ENTRY;
    }
    wide.iter()
        .find(|entry| entry.value == code28)
        .copied()
        .unwrap_or(&NO_ENTRY)
}

/// What a value with no entry finds: a value no 28-bit code has, no name, no text.
static NO_ENTRY: Entry = Entry {
    value: u32::MAX,
    documented: false,
    name: "",
    description: "",
    aliases: &[],
};

impl Catalog {
    /// The profile this is the catalog of.
    pub fn profile(&self) -> Profile {
        Profile(self.order)
    }

    /// What the profile's source is, in a few words.
    pub fn title(&self) -> &'static str {
        self.title
    }

    /// The area with this value; values above 15 wrap, as bits 31-28 would.
    #[inline]
    pub fn area(&self, value: u8) -> &Area {
        &self.areas[usize::from(value & Code::AREA_MAX)]
    }

    #[inline]
    pub fn category(&self, value: u8) -> &Category {
        &self.categories[usize::from(value)]
    }

    /// All 16 areas.
    pub fn areas(&self) -> &[Area] {
        &self.areas[..]
    }

    /// All 256 categories.
    pub fn categories(&self) -> &[Category] {
        &self.categories[..]
    }

    /// Every named or documented value, sorted by value.
    #[inline]
    pub fn entries(&self) -> &'static [Entry] {
        self.entries
    }

    /// The rows of the profile's table, sorted by value.
    pub fn documented(&self) -> impl Iterator<Item = &'static Entry> {
        self.entries.iter().filter(|e| e.documented)
    }

    /// The entry for a 28-bit value, if the profile names or documents it.
    #[inline]
    pub fn entry(&self, code28: u32) -> Option<&'static Entry> {
        Some(self.lookup(code28)).filter(|e| !e.is_none())
    }

    /// The entry for a 28-bit value, or [`NO_ENTRY`] (no name, no text, no table row):
    /// what a decoded code keeps, so that reading its fields takes no branch.
    #[inline]
    pub(crate) fn lookup(&self, code28: u32) -> &'static Entry {
        let category = self.category(Code(code28).category());
        find(category, self.wide, code28)
    }

    /// The 28-bit value of a name or alias of this profile.
    pub fn value_of(&self, name: &str) -> Option<u32> {
        self.names
            .binary_search_by(|(known, _)| (*known).cmp(name))
            .ok()
            .map(|i| self.names[i].1)
    }

    /// The code `name` stands for when reported by `area`; names and aliases both count,
    /// with or without the [`NAME_PREFIX`].
    pub fn compose(&self, area: u8, name: &str) -> Result<Code, NamedCodeError> {
        let bare = name.strip_prefix(NAME_PREFIX).unwrap_or(name);
        let code28 = self
            .value_of(bare)
            .ok_or_else(|| NamedCodeError::UnknownName {
                name: name.to_string(),
                profile: self.id,
                suggestion: self.name_like(bare),
            })?;
        Ok(Code::with_area(area, code28)?)
    }

    /// A name or alias of this profile that differs from `name` only in letter case.
    pub fn name_like(&self, name: &str) -> Option<&'static str> {
        (self.names.iter())
            .find(|(known, _)| known.eq_ignore_ascii_case(name))
            .map(|(known, _)| *known)
    }

    /// Every name and alias of this profile with its value, sorted by name.
    pub fn names(&self) -> &'static [(&'static str, u32)] {
        self.names
    }

    /// What the player's error overlay shows, if the profile's source says.
    pub fn overlay(&self) -> Option<&Overlay> {
        self.overlay.as_ref()
    }
}

/// A code asked for by area and name ([`Catalog::compose`]) that cannot be built.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NamedCodeError {
    /// The area does not fit its bits.
    #[error(transparent)]
    Bits(#[from] ComposeError),
    #[error(
        "{name:?} is not an amp.errorCode name in profile {profile}{}",
        suggestion.map(|s| format!("; did you mean {s}?")).unwrap_or_default()
    )]
    UnknownName {
        name: String,
        profile: &'static str,
        /// The name it differs from in letter case only, if any.
        suggestion: Option<&'static str>,
    },
}

#[cfg(test)]
mod tests;
