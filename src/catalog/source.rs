//! A profile's data file, as written: its shape, and the checks it must pass.
//!
//! Shared by the build script (`build.rs`), which reads every `src/catalog/*.toml`, checks
//! it and compiles it into static tables, and by this crate's tests. Only std, serde and
//! toml are used here, as a build script has nothing else (so [`SourceError`]'s `Display`
//! is written by hand: thiserror is not a build dependency).

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use serde::Deserialize;

/// The largest 28-bit value (bits 27-0).
pub const CODE28_MAX: u32 = 0x0FFF_FFFF;

/// A profile's data file. A key left out means the source gives no value.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The profile's name on the command line and in reports, e.g. `amp-2.3.0`.
    pub id: String,
    /// What the source is, in a few words.
    pub title: String,
    /// The source in a phrase, for lists: `the published page`.
    pub summary: String,
    /// The profile used when none is named; exactly one profile has it.
    #[serde(default)]
    pub default: bool,
    pub other_areas: Others,
    pub other_categories: Others,
    pub area: Vec<AreaRow>,
    pub category: Vec<CategoryRow>,
    pub code: Vec<CodeRow>,
    #[serde(default)]
    pub alias: Vec<AliasRow>,
    /// What the player's error overlay shows, when the source says.
    pub overlay: Option<OverlayRow>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Others {
    pub name: Option<Text>,
    pub message: Option<Text>,
}

/// A text, or the source's silence about it.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum Text {
    Value(String),
    Silent { implementation_defined: String },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AreaRow {
    pub value: u8,
    pub name: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryRow {
    pub value: u8,
    pub name: String,
    pub message: Text,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeRow {
    pub value: u32,
    pub name: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AliasRow {
    pub value: u32,
    pub name: String,
}

/// What the error overlay shows: the category's message, a line break, then the code
/// line, whose form is `code_line` with `{x}` for the code in lower-case hex without
/// padding (`{X}` upper-case; `{08x}`, `{08X}` padded to eight digits).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OverlayRow {
    /// How the text output labels it, e.g. `2.3.0 shows`.
    pub label: String,
    pub code_line: String,
}

/// A named or documented 28-bit value.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EntryData {
    pub value: u32,
    pub documented: bool,
    pub name: Option<String>,
    pub description: Option<String>,
    pub aliases: Vec<String>,
}

/// A checked profile, ready to be compiled.
#[derive(Debug)]
pub struct Profile {
    pub source: Source,
    /// 16 area names.
    pub areas: Vec<Option<Text>>,
    /// 256 (name, message).
    pub categories: Vec<(Option<Text>, Option<Text>)>,
    /// Sorted by value.
    pub entries: Vec<EntryData>,
    /// Every name and alias with its value, sorted by name.
    pub names: Vec<(String, u32)>,
}

/// Why a data file, or a set of them, is refused.
#[derive(Debug)]
#[non_exhaustive]
pub enum SourceError {
    NotToml(toml::de::Error),
    BadId(String),
    BadCodeLine(String),
    AreaOutOfRange(u8),
    AreaTwice(u8),
    CategoryTwice(u8),
    /// A documented value whose category the profile does not name.
    UnnamedCategory {
        value: u32,
        category: usize,
    },
    Wide(u32),
    EmptyText(u32),
    TwoRows(u32),
    NameTwice(String),
    IdTwice(String),
    /// Not exactly one profile is the default: these are.
    Defaults(Vec<String>),
    /// A name with two values: `value` in `id`, `other` in `other_id`.
    NameValues {
        name: String,
        value: u32,
        id: String,
        other: u32,
        other_id: String,
    },
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SourceError::NotToml(e) => write!(f, "not valid catalog TOML: {e}"),
            SourceError::BadId(id) => write!(
                f,
                "id {id:?}: an id is lower-case letters, digits, '-' and '.', starting with a letter"
            ),
            SourceError::BadCodeLine(form) => write!(
                f,
                "overlay code_line {form:?} must hold exactly one of {{x}}, {{X}}, {{08x}}, {{08X}}"
            ),
            SourceError::AreaOutOfRange(area) => write!(f, "area {area} is not 0..=15"),
            SourceError::AreaTwice(area) => write!(f, "area {area} listed twice"),
            SourceError::CategoryTwice(category) => write!(f, "category {category} listed twice"),
            SourceError::UnnamedCategory { value, category } => write!(
                f,
                "{value:#09X} is documented in category {category}, which the profile does not name"
            ),
            SourceError::Wide(value) => write!(f, "value {value:#X} does not fit in 28 bits"),
            SourceError::EmptyText(value) => {
                write!(f, "value {value:#09X}: a name or description is not empty")
            }
            SourceError::TwoRows(value) => write!(f, "value {value:#09X} has two rows"),
            SourceError::NameTwice(name) => write!(f, "name {name} listed twice"),
            SourceError::IdTwice(id) => write!(f, "two profiles have the id {id:?}"),
            SourceError::Defaults(ids) => write!(
                f,
                "exactly one profile must say `default = true`; these do: {ids:?}"
            ),
            SourceError::NameValues {
                name,
                value,
                id,
                other,
                other_id,
            } => write!(
                f,
                "the name {name} is {other:#09X} in {other_id} and {value:#09X} in {id}: a name has one value in every profile"
            ),
        }
    }
}

impl std::error::Error for SourceError {}

/// Reads and checks one data file.
pub fn read(text: &str) -> Result<Profile, SourceError> {
    let source: Source = toml::from_str(text).map_err(SourceError::NotToml)?;
    check_id(&source.id)?;
    if let Some(overlay) = &source.overlay {
        check_code_line(&overlay.code_line)?;
    }
    let areas = areas(&source)?;
    let (entries, names) = entries(&source)?;
    let categories = categories(&source, &entries)?;
    Ok(Profile {
        source,
        areas,
        categories,
        entries,
        names,
    })
}

/// Checks a set of profiles together: ids unique, one default, one value per name.
pub fn check_set(profiles: &[&Profile]) -> Result<(), SourceError> {
    let mut ids = BTreeMap::new();
    for p in profiles {
        if ids.insert(p.source.id.as_str(), ()).is_some() {
            return Err(SourceError::IdTwice(p.source.id.clone()));
        }
    }
    let defaults: Vec<String> = profiles
        .iter()
        .filter(|p| p.source.default)
        .map(|p| p.source.id.clone())
        .collect();
    if defaults.len() != 1 {
        return Err(SourceError::Defaults(defaults));
    }
    // A pasted name is read under every profile at once: it must mean one value.
    let mut values: HashMap<&str, (u32, &str)> = HashMap::new();
    for p in profiles {
        for (name, value) in &p.names {
            match values.insert(name, (*value, &p.source.id)) {
                Some((other, other_id)) if other != *value => {
                    return Err(SourceError::NameValues {
                        name: name.clone(),
                        value: *value,
                        id: p.source.id.clone(),
                        other,
                        other_id: other_id.to_string(),
                    });
                }
                _ => {}
            }
        }
    }
    Ok(())
}

fn check_id(id: &str) -> Result<(), SourceError> {
    let ok = id.starts_with(|c: char| c.is_ascii_lowercase())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.');
    match ok {
        true => Ok(()),
        false => Err(SourceError::BadId(id.to_string())),
    }
}

fn check_code_line(form: &str) -> Result<(), SourceError> {
    let holes = ["{x}", "{X}", "{08x}", "{08X}"];
    let count: usize = holes.iter().map(|h| form.matches(h).count()).sum();
    let stripped = holes.iter().fold(form.to_string(), |f, h| f.replace(h, ""));
    if count != 1 || stripped.contains(['{', '}']) {
        return Err(SourceError::BadCodeLine(form.to_string()));
    }
    Ok(())
}

fn areas(source: &Source) -> Result<Vec<Option<Text>>, SourceError> {
    let mut areas = vec![source.other_areas.name.clone(); 16];
    let mut named = [false; 16];
    for row in &source.area {
        let i = usize::from(row.value);
        if i >= 16 {
            return Err(SourceError::AreaOutOfRange(row.value));
        }
        if std::mem::replace(&mut named[i], true) {
            return Err(SourceError::AreaTwice(row.value));
        }
        areas[i] = Some(Text::Value(row.name.clone()));
    }
    Ok(areas)
}

type Categories = Vec<(Option<Text>, Option<Text>)>;

fn categories(source: &Source, entries: &[EntryData]) -> Result<Categories, SourceError> {
    let others = &source.other_categories;
    let mut categories = vec![(others.name.clone(), others.message.clone()); 256];
    let mut named = [false; 256];
    for row in &source.category {
        let i = usize::from(row.value);
        if std::mem::replace(&mut named[i], true) {
            return Err(SourceError::CategoryTwice(row.value));
        }
        categories[i] = (
            Some(Text::Value(row.name.clone())),
            Some(row.message.clone()),
        );
    }
    for entry in entries.iter().filter(|e| e.documented) {
        let category = (entry.value >> 20) as usize;
        if !named[category] {
            return Err(SourceError::UnnamedCategory {
                value: entry.value,
                category,
            });
        }
    }
    Ok(categories)
}

/// The entry of a 28-bit value, made if new.
fn entry(
    by_value: &mut BTreeMap<u32, EntryData>,
    value: u32,
) -> Result<&mut EntryData, SourceError> {
    if value > CODE28_MAX {
        return Err(SourceError::Wide(value));
    }
    Ok(by_value.entry(value).or_insert_with(|| EntryData {
        value,
        ..EntryData::default()
    }))
}

/// The entries sorted by value, and every name with its value sorted by name.
type Entries = (Vec<EntryData>, Vec<(String, u32)>);

fn entries(source: &Source) -> Result<Entries, SourceError> {
    let mut by_value: BTreeMap<u32, EntryData> = BTreeMap::new();
    let mut names: BTreeMap<String, u32> = BTreeMap::new();
    let mut add_name = |name: &str, value: u32| match names.insert(name.to_string(), value) {
        None => Ok(()),
        Some(_) => Err(SourceError::NameTwice(name.to_string())),
    };
    for row in &source.code {
        // The compiled catalog stores "no text" as an empty one.
        if row.name.as_deref() == Some("") || row.description.as_deref() == Some("") {
            return Err(SourceError::EmptyText(row.value));
        }
        if let Some(name) = &row.name {
            add_name(name, row.value)?;
        }
        let e = entry(&mut by_value, row.value)?;
        if e.documented {
            return Err(SourceError::TwoRows(row.value));
        }
        e.documented = true;
        e.name.clone_from(&row.name);
        e.description.clone_from(&row.description);
    }
    for row in &source.alias {
        add_name(&row.name, row.value)?;
        entry(&mut by_value, row.value)?
            .aliases
            .push(row.name.clone());
    }
    Ok((
        by_value.into_values().collect(),
        names.into_iter().collect(),
    ))
}

/// The most low bits of a detail that index a category's entry table (1,024 slots).
pub const MAX_BITS: u32 = 10;

/// Where decoding finds each entry, with no search for the usual code.
#[derive(Debug, PartialEq, Eq)]
pub struct Index {
    /// Per category, its table of entry indexes, indexed by the detail's low bits: the
    /// fewest bits that keep the category's details apart, at most [`MAX_BITS`] (so its
    /// length is a power of two); empty for a category without entries.
    pub tables: Vec<Vec<Option<usize>>>,
    /// The entries whose slot an earlier entry of their category holds: (value, index).
    pub wide: Vec<(u32, usize)>,
}

impl Index {
    /// What a detail is masked with to find its slot in `category`'s table (0 for none).
    pub fn mask(&self, category: usize) -> usize {
        self.tables[category].len().saturating_sub(1)
    }

    /// Whether some entries of `category` are in [`Index::wide`].
    pub fn spills(&self, category: usize) -> bool {
        self.wide
            .iter()
            .any(|(value, _)| (value >> 20) as usize == category)
    }
}

/// The entry index of `entries` (sorted by value).
pub fn index(entries: &[EntryData]) -> Index {
    let mut details: Vec<Vec<(usize, usize)>> = vec![Vec::new(); 256];
    for (i, e) in entries.iter().enumerate() {
        details[(e.value >> 20) as usize].push(((e.value & 0xF_FFFF) as usize, i));
    }
    let mut wide = Vec::new();
    let tables = details
        .iter()
        .map(|details| {
            if details.is_empty() {
                return Vec::new();
            }
            let apart = |bits: &u32| {
                let mut seen = std::collections::HashSet::new();
                details
                    .iter()
                    .all(|(d, _)| seen.insert(d & ((1 << bits) - 1)))
            };
            let bits = (0..MAX_BITS).find(apart).unwrap_or(MAX_BITS);
            let mut table = vec![None; 1 << bits];
            for &(detail, i) in details {
                match &mut table[detail & ((1 << bits) - 1)] {
                    slot @ None => *slot = Some(i),
                    Some(_) => wide.push((entries[i].value, i)),
                }
            }
            table
        })
        .collect();
    Index { tables, wide }
}

// In `source/tests.rs`; build.rs, which includes this file by `#[path]`, never loads them.
#[cfg(test)]
mod tests;
