//! The catalog: what each profile's source says about every area, category and value.
//!
//! A profile is one source of truth about AMP error codes: `doc` is the published page,
//! `amp-2.3.0` the shipped 2.3.0 runtime. Each is a data file beside this module
//! (`catalog/<id>.toml`), read once on first use into lookup tables, so decoding never
//! parses or allocates. The two differ only in data; no decoding rule is written per profile.
//!
//! To add a profile: write its data file, add a variant to [`Profile`] and one arm to
//! [`Profile::source`] and [`Profile::id`]. The tests load every profile in [`Profile::ALL`].
//!
//! Where a source is silent the catalog does not invent: such a field is
//! [`Field::ImplementationDefined`], which carries the reason, and is distinct from
//! [`Field::Null`], where the source says there is no value.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::code::{Code, ComposeError};

/// One source of truth about AMP error codes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Profile {
    /// The published page "Azure Media Player error codes" (2020-04-20). The default.
    #[default]
    Doc,
    /// What the shipped Azure Media Player 2.3.0 runtime does.
    Amp230,
}

impl Profile {
    /// Every profile, in the order they are listed to users.
    pub const ALL: [Profile; 2] = [Profile::Doc, Profile::Amp230];

    /// The profile's name on the command line and in reports.
    pub const fn id(self) -> &'static str {
        match self {
            Profile::Doc => "doc",
            Profile::Amp230 => "amp-2.3.0",
        }
    }

    /// The profile's data file, as compiled in (TOML).
    pub fn source(self) -> &'static str {
        match self {
            Profile::Doc => include_str!("catalog/doc.toml"),
            Profile::Amp230 => include_str!("catalog/amp-2.3.0.toml"),
        }
    }

    /// The profile's catalog, loaded on first use.
    #[inline]
    pub fn catalog(self) -> &'static Catalog {
        static CATALOGS: [OnceLock<Catalog>; Profile::ALL.len()] =
            [const { OnceLock::new() }; Profile::ALL.len()];
        CATALOGS[self as usize].get_or_init(|| {
            // The data is compiled in and every profile is loaded by the tests, so this
            // cannot fail in a build that passed them.
            Catalog::load(self, self.source())
                .unwrap_or_else(|e| panic!("embedded catalog {} is invalid: {e}", self.id()))
        })
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
            .ok_or_else(|| UnknownProfile(s.to_string()))
    }
}

/// A profile name that is not one of [`Profile::ALL`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown profile {0:?}: the profiles are doc (the published page) and amp-2.3.0 (the shipped player)"
)]
pub struct UnknownProfile(pub String);

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

impl Field<String> {
    #[inline]
    pub fn as_deref(&self) -> Field<&str> {
        match self {
            Field::Value(v) => Field::Value(v),
            Field::Null => Field::Null,
            Field::ImplementationDefined(why) => Field::ImplementationDefined(why),
        }
    }
}

/// One area (bits 31-28) as a profile describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Area {
    pub value: u8,
    pub name: Field<String>,
}

/// One category (bits 27-20) as a profile describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Category {
    pub value: u8,
    pub name: Field<String>,
    /// The message the viewer sees for every code of this category.
    pub message: Field<String>,
}

/// A 28-bit value that the profile names or documents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Bits 27-0.
    pub value: u32,
    /// A row of the profile's table (as opposed to a value only an alias names).
    pub documented: bool,
    /// The table row's name; `None` for a nameless row or an alias-only value.
    pub name: Option<String>,
    pub description: Option<String>,
    /// Other names of the same value, such as range markers (`abortedErrStart`).
    pub aliases: Vec<String>,
}

/// Everything one profile says, indexed for decoding.
#[derive(Debug)]
pub struct Catalog {
    profile: Profile,
    title: String,
    // Arrays, not vectors: indexing by a 4-bit area or an 8-bit category needs no bounds
    // check on the decode path.
    areas: Box<[Area; 16]>,
    categories: Box<[Category; 256]>,
    entries: Vec<Entry>,
    index: EntryIndex,
    names: HashMap<String, u32>,
}

/// Finds the entry of a 28-bit value in a few loads, with no search for the usual case.
///
/// Decoding must cost a few nanoseconds, and most codes are in a category without any
/// entry. So: one byte per category says which small table, if any, holds its details
/// 0..[`EntryIndex::DIRECT`]; the rare larger detail (a range marker's 0xFFFFF) is found
/// in a short list.
#[derive(Debug)]
struct EntryIndex {
    /// Per category with any entry, its table; [`EntryIndex::NONE`] for the others.
    slots: [u8; 256],
    /// Per table, for each detail, the entry's index + 1 (0: no entry).
    tables: Vec<[u16; EntryIndex::DIRECT]>,
    /// Values whose detail is too large for a table, with their entry's index.
    wide: Vec<(u32, usize)>,
}

impl EntryIndex {
    const DIRECT: usize = 1024;
    const NONE: u8 = u8::MAX;

    fn new(entries: &[Entry]) -> EntryIndex {
        let mut index = EntryIndex {
            slots: [EntryIndex::NONE; 256],
            tables: Vec::new(),
            wide: Vec::new(),
        };
        for (i, entry) in entries.iter().enumerate() {
            let code = Code(entry.value);
            let slot = &mut index.slots[usize::from(code.category())];
            if *slot == EntryIndex::NONE {
                *slot = index.tables.len() as u8;
                index.tables.push([0; EntryIndex::DIRECT]);
            }
            match index.tables[usize::from(*slot)].get_mut(code.detail() as usize) {
                Some(found) => *found = (i + 1) as u16,
                None => index.wide.push((entry.value, i)),
            }
        }
        index
    }

    #[inline]
    fn find(&self, code28: u32) -> Option<usize> {
        let code = Code(code28);
        // A category with no entry at all has no table: most codes stop here.
        let table = self
            .tables
            .get(usize::from(self.slots[usize::from(code.category())]))?;
        match table.get(code.detail() as usize) {
            Some(found) => found.checked_sub(1).map(usize::from),
            None => self
                .wide
                .iter()
                .find(|(value, _)| *value == code28)
                .map(|(_, i)| *i),
        }
    }
}

impl Catalog {
    pub fn profile(&self) -> Profile {
        self.profile
    }

    /// What the profile's source is, in a few words.
    pub fn title(&self) -> &str {
        &self.title
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
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The rows of the profile's table, sorted by value.
    pub fn documented(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(|e| e.documented)
    }

    /// The entry for a 28-bit value, if the profile names or documents it.
    #[inline]
    pub fn entry(&self, code28: u32) -> Option<&Entry> {
        self.index.find(code28).map(|i| &self.entries[i])
    }

    /// The 28-bit value of a name or alias of this profile.
    pub fn value_of(&self, name: &str) -> Option<u32> {
        self.names.get(name).copied()
    }

    /// The code `name` stands for when reported by `area`; names and aliases both count.
    pub fn compose(&self, area: u8, name: &str) -> Result<Code, ComposeError> {
        let code28 = self
            .value_of(name)
            .ok_or_else(|| ComposeError::UnknownName {
                name: name.to_string(),
                profile: self.profile.id(),
            })?;
        Code::with_area(area, code28)
    }

    /// Every name and alias of this profile with its value, sorted by name.
    pub fn names(&self) -> Vec<(&str, u32)> {
        let mut names: Vec<_> = self.names.iter().map(|(n, v)| (n.as_str(), *v)).collect();
        names.sort_unstable();
        names
    }

    fn load(profile: Profile, text: &str) -> Result<Catalog, CatalogError> {
        let source: Source = toml::from_str(text).map_err(|e| CatalogError::Toml(e.to_string()))?;
        if source.id != profile.id() {
            return Err(CatalogError::invalid(format!(
                "data file says id {:?}, expected {:?}",
                source.id,
                profile.id()
            )));
        }
        let areas = fixed(build_areas(&source)?)?;
        let (entries, names) = build_entries(&source)?;
        let categories = fixed(build_categories(&source, &entries)?)?;
        Ok(Catalog {
            profile,
            title: source.title,
            areas,
            categories,
            index: EntryIndex::new(&entries),
            entries,
            names,
        })
    }
}

/// The embedded data of a profile is malformed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CatalogError {
    #[error("not valid catalog TOML: {0}")]
    Toml(String),
    #[error("{0}")]
    Invalid(String),
}

impl CatalogError {
    fn invalid(message: String) -> CatalogError {
        CatalogError::Invalid(message)
    }
}

// The data file's shape. A field left out means the source gives no value.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Source {
    id: String,
    title: String,
    other_areas: Others,
    other_categories: Others,
    area: Vec<AreaRow>,
    category: Vec<CategoryRow>,
    code: Vec<CodeRow>,
    #[serde(default)]
    alias: Vec<AliasRow>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Others {
    name: Option<Text>,
    message: Option<Text>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Text {
    Value(String),
    Silent { implementation_defined: String },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AreaRow {
    value: u8,
    name: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CategoryRow {
    value: u8,
    name: String,
    message: Text,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CodeRow {
    value: u32,
    name: Option<String>,
    description: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AliasRow {
    value: u32,
    name: String,
}

fn field(text: Option<&Text>) -> Field<String> {
    match text {
        None => Field::Null,
        Some(Text::Value(v)) => Field::Value(v.clone()),
        Some(Text::Silent {
            implementation_defined,
        }) => Field::ImplementationDefined(implementation_defined.clone()),
    }
}

/// A vector of the right length as a boxed array.
fn fixed<T, const N: usize>(values: Vec<T>) -> Result<Box<[T; N]>, CatalogError> {
    let len = values.len();
    values
        .into_boxed_slice()
        .try_into()
        .map_err(|_| CatalogError::invalid(format!("{len} values where {N} were expected")))
}

fn build_areas(source: &Source) -> Result<Vec<Area>, CatalogError> {
    let mut areas: Vec<Area> = (0..=Code::AREA_MAX)
        .map(|value| Area {
            value,
            name: field(source.other_areas.name.as_ref()),
        })
        .collect();
    for row in &source.area {
        let slot = areas
            .get_mut(usize::from(row.value))
            .ok_or_else(|| CatalogError::invalid(format!("area {} is not 0..=15", row.value)))?;
        if matches!(slot.name, Field::Value(_)) {
            return Err(CatalogError::invalid(format!(
                "area {} listed twice",
                row.value
            )));
        }
        slot.name = Field::Value(row.name.clone());
    }
    Ok(areas)
}

fn build_categories(source: &Source, entries: &[Entry]) -> Result<Vec<Category>, CatalogError> {
    let mut categories: Vec<Category> = (0..=u8::MAX)
        .map(|value| Category {
            value,
            name: field(source.other_categories.name.as_ref()),
            message: field(source.other_categories.message.as_ref()),
        })
        .collect();
    for row in &source.category {
        let slot = &mut categories[usize::from(row.value)];
        if matches!(slot.name, Field::Value(_)) {
            return Err(CatalogError::invalid(format!(
                "category {} listed twice",
                row.value
            )));
        }
        slot.name = Field::Value(row.name.clone());
        slot.message = field(Some(&row.message));
    }
    for entry in entries.iter().filter(|e| e.documented) {
        let category = &categories[usize::from(Code(entry.value).category())];
        if !matches!(category.name, Field::Value(_)) {
            return Err(CatalogError::invalid(format!(
                "{:#09X} is documented in category {}, which the profile does not name",
                entry.value, category.value
            )));
        }
    }
    Ok(categories)
}

type Entries = (Vec<Entry>, HashMap<String, u32>);

fn build_entries(source: &Source) -> Result<Entries, CatalogError> {
    let mut by_value: HashMap<u32, Entry> = HashMap::new();
    let mut names: HashMap<String, u32> = HashMap::new();
    let mut add_name = |name: &str, value: u32| match names.insert(name.to_string(), value) {
        None => Ok(()),
        Some(_) => Err(CatalogError::invalid(format!("name {name} listed twice"))),
    };
    for row in &source.code {
        check_code28(row.value)?;
        if let Some(name) = &row.name {
            add_name(name, row.value)?;
        }
        let entry = new_entry(&mut by_value, row.value);
        if entry.documented {
            return Err(CatalogError::invalid(format!(
                "value {:#09X} has two rows",
                row.value
            )));
        }
        entry.documented = true;
        entry.name.clone_from(&row.name);
        entry.description.clone_from(&row.description);
    }
    for row in &source.alias {
        check_code28(row.value)?;
        add_name(&row.name, row.value)?;
        new_entry(&mut by_value, row.value)
            .aliases
            .push(row.name.clone());
    }
    let mut entries: Vec<Entry> = by_value.into_values().collect();
    entries.sort_unstable_by_key(|e| e.value);
    Ok((entries, names))
}

fn new_entry(by_value: &mut HashMap<u32, Entry>, value: u32) -> &mut Entry {
    by_value.entry(value).or_insert_with(|| Entry {
        value,
        documented: false,
        name: None,
        description: None,
        aliases: Vec::new(),
    })
}

fn check_code28(value: u32) -> Result<(), CatalogError> {
    if value > Code::CODE28_MAX {
        return Err(CatalogError::invalid(format!(
            "value {value:#X} does not fit in 28 bits"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_profile_loads_and_round_trips_its_id() {
        for profile in Profile::ALL {
            let catalog = Catalog::load(profile, profile.source()).unwrap();
            assert_eq!(catalog.profile(), profile);
            assert_eq!(profile.id().parse::<Profile>(), Ok(profile));
            assert_eq!(catalog.areas().len(), 16);
            assert_eq!(catalog.categories().len(), 256);
        }
        assert!("docs".parse::<Profile>().is_err());
    }

    #[test]
    fn the_index_finds_every_entry_and_nothing_else() {
        for profile in Profile::ALL {
            let catalog = profile.catalog();
            let values: std::collections::HashSet<u32> =
                catalog.entries().iter().map(|e| e.value).collect();
            for entry in catalog.entries() {
                assert_eq!(
                    catalog.entry(entry.value).map(|e| e.value),
                    Some(entry.value)
                );
            }
            // Every detail of every category with an entry, and the wide ones.
            for category in 0..=255u32 {
                for detail in (0..1100).chain([0x7FFFF, 0xFFFFF]) {
                    let code28 = category << 20 | detail;
                    assert_eq!(
                        catalog.entry(code28).is_some(),
                        values.contains(&code28),
                        "{code28:#X}"
                    );
                }
            }
        }
    }

    #[test]
    fn entries_are_found_only_in_their_category() {
        let catalog = Profile::Amp230.catalog();
        for entry in catalog.entries() {
            assert_eq!(catalog.entry(entry.value), Some(entry));
        }
        assert_eq!(catalog.entry(0x020_0196), None);
        assert_eq!(catalog.entry(0), None);
    }

    fn load_err(text: &str) -> String {
        Catalog::load(Profile::Doc, text).unwrap_err().to_string()
    }

    const HEAD: &str = "id = \"doc\"\ntitle = \"t\"\nother_areas = {}\nother_categories = {}\n\
        area = []\n[[category]]\nvalue = 1\nname = \"A\"\nmessage = \"m\"\n";

    #[test]
    fn malformed_data_is_refused_with_a_reason() {
        let twice = format!(
            "{HEAD}[[code]]\nvalue = 1048576\nname = \"x\"\n[[alias]]\nvalue = 1\nname = \"x\"\n"
        );
        assert!(
            load_err(&twice).contains("name x listed twice"),
            "{}",
            load_err(&twice)
        );
        let wide = format!("{HEAD}[[code]]\nvalue = 0x10000000\nname = \"x\"\n");
        assert!(load_err(&wide).contains("28 bits"));
        let unnamed = format!("{HEAD}[[code]]\nvalue = 0x0200000\nname = \"x\"\n");
        assert!(load_err(&unnamed).contains("does not name"));
        let other_id = "id = \"amp-2.3.0\"\ntitle = \"t\"\nother_areas = {}\n\
            other_categories = {}\narea = []\ncategory = []\ncode = []\n";
        assert!(load_err(other_id).contains("expected \"doc\""));
        assert!(load_err("id = 1").contains("TOML"));
    }
}
