//! Reading a data file the model's own way: as a generic TOML document, with no serde
//! shapes and no table shared with the catalog, into the model's lists.

use std::collections::BTreeMap;

use super::{AREAS, Answer, CATEGORIES, DETAILS, Model, ModelCategory, ModelEntry};

impl Answer {
    fn read(value: Option<&toml::Value>) -> Result<Answer, String> {
        match value {
            None => Ok(Answer::Null),
            Some(toml::Value::String(s)) => Ok(Answer::Text(s.clone())),
            Some(other) => match other.get("implementation_defined") {
                Some(toml::Value::String(why)) => Ok(Answer::Silent(why.clone())),
                _ => Err(format!("not a text field: {other}")),
            },
        }
    }
}

impl Model {
    /// Reads a data file's text (a profile's, or a doctored one for a test).
    pub fn from_toml(text: &str) -> Result<Model, String> {
        let doc: toml::Table = text.parse().map_err(|e| format!("not TOML: {e}"))?;
        let others = |key: &str| doc.get(key).and_then(|v| v.as_table()).cloned();
        let others = (others("other_areas"), others("other_categories"));
        let other =
            |t: &Option<toml::Table>, key| Answer::read(t.as_ref().and_then(|t| t.get(key)));
        let mut areas = vec![other(&others.0, "name")?; AREAS as usize];
        for row in rows(&doc, "area") {
            *slot(&mut areas, number(row, AREAS)?)? = Answer::read(row.get("name"))?;
        }
        let mut entries = read_entries(&doc)?;
        let mut categories = Vec::new();
        for value in 0..CATEGORIES {
            categories.push(ModelCategory {
                name: other(&others.1, "name")?,
                message: other(&others.1, "message")?,
                entries: entries
                    .remove(&value)
                    .unwrap_or_default()
                    .into_iter()
                    .collect(),
            });
        }
        for row in rows(&doc, "category") {
            let category = slot(&mut categories, number(row, CATEGORIES)?)?;
            category.name = Answer::read(row.get("name"))?;
            category.message = Answer::read(row.get("message"))?;
        }
        Ok(Model { areas, categories })
    }
}

/// The `[[key]]` rows of a data file.
fn rows<'d>(doc: &'d toml::Table, key: &str) -> impl Iterator<Item = &'d toml::Table> {
    let rows = doc.get(key).and_then(|v| v.as_array());
    rows.into_iter().flatten().filter_map(|r| r.as_table())
}

/// A row's `value`, which must be below `limit`.
fn number(row: &toml::Table, limit: u32) -> Result<u32, String> {
    row.get("value")
        .and_then(|v| v.as_integer())
        .and_then(|v| u32::try_from(v).ok())
        .filter(|v| *v < limit)
        .ok_or_else(|| format!("row without a value below {limit:#x}: {row}"))
}

fn slot<T>(list: &mut [T], index: u32) -> Result<&mut T, String> {
    list.get_mut(index as usize)
        .ok_or_else(|| format!("no slot {index}"))
}

/// The code and alias rows, per category, per detail.
fn read_entries(doc: &toml::Table) -> Result<BTreeMap<u32, BTreeMap<u32, ModelEntry>>, String> {
    let mut entries: BTreeMap<u32, BTreeMap<u32, ModelEntry>> = BTreeMap::new();
    let text = |r: &toml::Table, key: &str| r.get(key).and_then(|v| v.as_str()).map(String::from);
    for (key, documented) in [("code", true), ("alias", false)] {
        for row in rows(doc, key) {
            let value = number(row, CATEGORIES * DETAILS)?;
            let by_detail = entries.entry(value / DETAILS).or_default();
            let entry = by_detail.entry(value % DETAILS).or_default();
            if documented {
                entry.documented = true;
                entry.name = text(row, "name");
                entry.description = text(row, "description");
            } else {
                entry.aliases.extend(text(row, "name"));
            }
        }
    }
    Ok(entries)
}
