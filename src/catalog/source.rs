//! A profile's data file, as written: its shape, and the checks it must pass.
//!
//! Shared by the build script (`build.rs`), which reads every `src/catalog/*.toml`, checks
//! it and compiles it into static tables, and by this crate's tests. Only std, serde and
//! toml are used here, as a build script has nothing else.

use std::collections::{BTreeMap, HashMap};

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

/// Reads and checks one data file.
pub fn read(text: &str) -> Result<Profile, String> {
    let source: Source =
        toml::from_str(text).map_err(|e| format!("not valid catalog TOML: {e}"))?;
    check_id(&source.id)?;
    if let Some(overlay) = &source.overlay {
        check_code_line(&overlay.code_line)?;
    }
    let areas = areas(&source)?;
    let (entries, names) = entries(&source)?;
    // A decoded code keeps its entry's index + 1 in 16 bits.
    if entries.len() >= usize::from(u16::MAX) {
        return Err(format!(
            "{} values: a profile names fewer than 65535",
            entries.len()
        ));
    }
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
pub fn check_set(profiles: &[&Profile]) -> Result<(), String> {
    let mut ids = BTreeMap::new();
    for p in profiles {
        if ids.insert(p.source.id.as_str(), ()).is_some() {
            return Err(format!("two profiles have the id {:?}", p.source.id));
        }
    }
    let defaults: Vec<&str> = profiles
        .iter()
        .filter(|p| p.source.default)
        .map(|p| p.source.id.as_str())
        .collect();
    if defaults.len() != 1 {
        return Err(format!(
            "exactly one profile must say `default = true`; these do: {defaults:?}"
        ));
    }
    // A pasted name is read under every profile at once: it must mean one value.
    let mut values: HashMap<&str, (u32, &str)> = HashMap::new();
    for p in profiles {
        for (name, value) in &p.names {
            match values.insert(name, (*value, &p.source.id)) {
                Some((other, id)) if other != *value => {
                    return Err(format!(
                        "the name {name} is {other:#09X} in {id} and {value:#09X} in {}: a name has one value in every profile",
                        p.source.id
                    ));
                }
                _ => {}
            }
        }
    }
    Ok(())
}

fn check_id(id: &str) -> Result<(), String> {
    let ok = id.starts_with(|c: char| c.is_ascii_lowercase())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.');
    match ok {
        true => Ok(()),
        false => Err(format!(
            "id {id:?}: an id is lower-case letters, digits, '-' and '.', starting with a letter"
        )),
    }
}

fn check_code_line(form: &str) -> Result<(), String> {
    let holes = ["{x}", "{X}", "{08x}", "{08X}"];
    let count: usize = holes.iter().map(|h| form.matches(h).count()).sum();
    let stripped = holes.iter().fold(form.to_string(), |f, h| f.replace(h, ""));
    if count != 1 || stripped.contains(['{', '}']) {
        return Err(format!(
            "overlay code_line {form:?} must hold exactly one of {{x}}, {{X}}, {{08x}}, {{08X}}"
        ));
    }
    Ok(())
}

fn areas(source: &Source) -> Result<Vec<Option<Text>>, String> {
    let mut areas = vec![source.other_areas.name.clone(); 16];
    let mut named = [false; 16];
    for row in &source.area {
        let i = usize::from(row.value);
        if i >= 16 {
            return Err(format!("area {} is not 0..=15", row.value));
        }
        if std::mem::replace(&mut named[i], true) {
            return Err(format!("area {} listed twice", row.value));
        }
        areas[i] = Some(Text::Value(row.name.clone()));
    }
    Ok(areas)
}

type Categories = Vec<(Option<Text>, Option<Text>)>;

fn categories(source: &Source, entries: &[EntryData]) -> Result<Categories, String> {
    let others = &source.other_categories;
    let mut categories = vec![(others.name.clone(), others.message.clone()); 256];
    let mut named = [false; 256];
    for row in &source.category {
        let i = usize::from(row.value);
        if std::mem::replace(&mut named[i], true) {
            return Err(format!("category {} listed twice", row.value));
        }
        categories[i] = (
            Some(Text::Value(row.name.clone())),
            Some(row.message.clone()),
        );
    }
    for entry in entries.iter().filter(|e| e.documented) {
        let category = (entry.value >> 20) as usize;
        if !named[category] {
            return Err(format!(
                "{:#09X} is documented in category {category}, which the profile does not name",
                entry.value
            ));
        }
    }
    Ok(categories)
}

/// The entry of a 28-bit value, made if new.
fn entry(by_value: &mut BTreeMap<u32, EntryData>, value: u32) -> Result<&mut EntryData, String> {
    if value > CODE28_MAX {
        return Err(format!("value {value:#X} does not fit in 28 bits"));
    }
    Ok(by_value.entry(value).or_insert_with(|| EntryData {
        value,
        ..EntryData::default()
    }))
}

/// The entries sorted by value, and every name with its value sorted by name.
type Entries = (Vec<EntryData>, Vec<(String, u32)>);

fn entries(source: &Source) -> Result<Entries, String> {
    let mut by_value: BTreeMap<u32, EntryData> = BTreeMap::new();
    let mut names: BTreeMap<String, u32> = BTreeMap::new();
    let mut add_name = |name: &str, value: u32| match names.insert(name.to_string(), value) {
        None => Ok(()),
        Some(_) => Err(format!("name {name} listed twice")),
    };
    for row in &source.code {
        // The compiled catalog stores "no text" as an empty one.
        if row.name.as_deref() == Some("") || row.description.as_deref() == Some("") {
            return Err(format!(
                "value {:#09X}: a name or description is not empty",
                row.value
            ));
        }
        if let Some(name) = &row.name {
            add_name(name, row.value)?;
        }
        let e = entry(&mut by_value, row.value)?;
        if e.documented {
            return Err(format!("value {:#09X} has two rows", row.value));
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A profile with one category, `top` added to its top-level keys, then `rest`.
    fn profile(top: &str, rest: &str) -> String {
        format!(
            "id = \"doc\"\ntitle = \"t\"\nsummary = \"s\"\n{top}\nother_areas = {{}}\n\
             other_categories = {{}}\narea = []\n[[category]]\nvalue = 1\nname = \"A\"\nmessage = \"m\"\n{rest}"
        )
    }

    fn err(text: &str) -> String {
        read(text).unwrap_err()
    }

    #[test]
    fn malformed_data_is_refused_with_a_reason() {
        let twice = profile(
            "",
            "[[code]]\nvalue = 1048576\nname = \"x\"\n[[alias]]\nvalue = 1\nname = \"x\"\n",
        );
        assert!(
            err(&twice).contains("name x listed twice"),
            "{}",
            err(&twice)
        );
        let wide = profile("", "[[code]]\nvalue = 0x10000000\nname = \"x\"\n");
        assert!(err(&wide).contains("28 bits"));
        let unnamed = profile("", "[[code]]\nvalue = 0x0200000\nname = \"x\"\n");
        assert!(err(&unnamed).contains("does not name"));
        let rows = profile("", "[[code]]\nvalue = 1048576\n[[code]]\nvalue = 1048576\n");
        assert!(err(&rows).contains("two rows"));
        assert!(err("id = 1").contains("TOML"));
        let bad_id = profile("code = []", "").replace("\"doc\"", "\"Doc Profile\"");
        assert!(err(&bad_id).contains("lower-case"), "{}", err(&bad_id));
        let overlay = profile(
            "code = []",
            "[overlay]\nlabel = \"l\"\ncode_line = \"(0x{y})\"\n",
        );
        assert!(err(&overlay).contains("code_line"), "{}", err(&overlay));
    }

    #[test]
    fn a_set_has_one_default_and_one_value_per_name() {
        let one = |id: &str, default: bool, value: u32| {
            let top = format!("default = {default}\ncode = []");
            let rest = format!("[[alias]]\nvalue = {value}\nname = \"x\"\n");
            read(&profile(&top, &rest).replace("\"doc\"", &format!("{id:?}"))).unwrap()
        };
        assert!(check_set(&[&one("a", true, 1), &one("b", false, 1)]).is_ok());
        let e = check_set(&[&one("a", true, 1), &one("b", false, 2)]).unwrap_err();
        assert!(e.contains("one value in every profile"), "{e}");
        let e = check_set(&[&one("a", true, 1), &one("b", true, 1)]).unwrap_err();
        assert!(e.contains("exactly one profile"), "{e}");
        let e = check_set(&[&one("a", true, 1), &one("a", false, 1)]).unwrap_err();
        assert!(e.contains("two profiles have the id"), "{e}");
    }
}
