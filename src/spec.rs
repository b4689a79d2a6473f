//! Exporting a whole catalog: JSON and CSV for machines, Markdown for people.
//!
//! JSON and CSV list all 16 areas and 256 categories, so a consumer never has to know the
//! rule for unlisted values; Markdown folds the unnamed ones into one row.

#[cfg(feature = "json")]
use std::collections::BTreeMap;
use std::fmt::Write as _;

#[cfg(feature = "json")]
use serde::Serialize;

use crate::catalog::{Catalog, Field};
use crate::render::fold_ranges;

/// The catalog as one JSON document (pretty-printed).
#[cfg(feature = "json")]
pub fn json(catalog: &'static Catalog) -> serde_json::Result<String> {
    let doc = SpecJson {
        profile: catalog.profile().id(),
        title: catalog.title(),
        areas: catalog
            .areas()
            .iter()
            .map(|a| ValueJson::new(a.value(), &[("name", a.name())]))
            .collect(),
        categories: catalog
            .categories()
            .iter()
            .map(|c| {
                let fields = [("name", c.name()), ("message", c.message())];
                ValueJson::new(c.value(), &fields)
            })
            .collect(),
        codes: catalog
            .entries()
            .iter()
            .map(|e| CodeJson {
                value: e.value(),
                hex: hex28(e.value()),
                documented: e.documented(),
                name: e.name(),
                description: e.description(),
                aliases: e.aliases(),
            })
            .collect(),
    };
    serde_json::to_string_pretty(&doc).map(|json| json + "\n")
}

#[cfg(feature = "json")]
#[derive(Serialize)]
struct SpecJson<'a> {
    profile: &'a str,
    title: &'a str,
    areas: Vec<ValueJson<'a>>,
    categories: Vec<ValueJson<'a>>,
    codes: Vec<CodeJson<'a>>,
}

#[cfg(feature = "json")]
/// An area or category: its fields (null where there is no value) and, for each field
/// the source is silent on, the reason.
#[derive(Serialize)]
struct ValueJson<'a> {
    value: u8,
    #[serde(flatten)]
    fields: BTreeMap<&'a str, Option<&'a str>>,
    implementation_defined: BTreeMap<&'a str, &'a str>,
}

#[cfg(feature = "json")]
impl<'a> ValueJson<'a> {
    fn new(value: u8, fields: &[(&'a str, Field<&'a str>)]) -> ValueJson<'a> {
        ValueJson {
            value,
            fields: fields.iter().map(|(k, f)| (*k, f.value())).collect(),
            implementation_defined: fields
                .iter()
                .filter_map(|(k, f)| match f {
                    Field::ImplementationDefined(why) => Some((*k, *why)),
                    _ => None,
                })
                .collect(),
        }
    }
}

#[cfg(feature = "json")]
#[derive(Serialize)]
struct CodeJson<'a> {
    value: u32,
    hex: String,
    documented: bool,
    name: Option<&'a str>,
    description: Option<&'a str>,
    aliases: &'a [&'a str],
}

/// `0x` and seven upper-case hex digits, as the page writes a 28-bit value.
fn hex28(value: u32) -> String {
    format!("0x{value:07X}")
}

/// The catalog as CSV: `kind,value,hex,name,text,implementation_defined`, where text is a
/// category's message or a code's description, and an alias is a row of its own.
pub fn csv(catalog: &'static Catalog) -> String {
    let mut out = String::from("kind,value,hex,name,text,implementation_defined\n");
    let mut row = |cells: [&str; 6]| {
        let cells: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    };
    for a in catalog.areas() {
        let silent = silent_fields(&[("name", a.name())]);
        let name = a.name().value().unwrap_or("");
        row([
            "area",
            &a.value().to_string(),
            &format!("{:#X}", a.value()),
            name,
            "",
            &silent,
        ]);
    }
    for c in catalog.categories() {
        let silent = silent_fields(&[("name", c.name()), ("message", c.message())]);
        let name = c.name().value().unwrap_or("");
        let message = c.message().value().unwrap_or("");
        row([
            "category",
            &c.value().to_string(),
            &format!("{:#04X}", c.value()),
            name,
            message,
            &silent,
        ]);
    }
    for e in catalog.entries() {
        let (value, hex) = (e.value().to_string(), hex28(e.value()));
        if e.documented() {
            let name = e.name().unwrap_or("");
            row([
                "code",
                &value,
                &hex,
                name,
                e.description().unwrap_or(""),
                "",
            ]);
        }
        for alias in e.aliases() {
            row(["alias", &value, &hex, alias, "", ""]);
        }
    }
    out
}

fn silent_fields(fields: &[(&str, Field<&str>)]) -> String {
    let silent: Vec<&str> = fields
        .iter()
        .filter(|(_, f)| f.is_implementation_defined())
        .map(|(k, _)| *k)
        .collect();
    silent.join(";")
}

fn csv_cell(cell: &str) -> String {
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_string()
    }
}

/// The catalog as Markdown tables, for people.
///
/// ```
/// let markdown = amperr::spec::markdown(amperr::Profile::DOC.catalog());
/// assert!(markdown.starts_with("# Profile `doc`"));
/// ```
pub fn markdown(catalog: &'static Catalog) -> String {
    let mut out = String::new();
    let profile = catalog.profile();
    // Writing to a String cannot fail.
    let _ = writeln!(out, "# Profile `{profile}`: {}\n", catalog.title());
    out.push_str("## Areas (bits 31-28)\n\n| value | name |\n|---|---|\n");
    for a in catalog
        .areas()
        .iter()
        .filter(|a| a.name().value().is_some())
    {
        let _ = writeln!(out, "| {} | {} |", a.value(), cell(a.name()));
    }
    let others: Vec<u8> = unnamed(catalog.areas().iter().map(|a| (a.value(), a.name())));
    if let Some(first) = others.first() {
        let name = cell(catalog.area(*first).name());
        let _ = writeln!(out, "| {} | {name} |", ranges(&others));
    }
    out.push_str("\n## Categories (bits 27-20) and user messages\n\n");
    out.push_str("| value | name | message |\n|---|---|---|\n");
    let category_row = |out: &mut String, value: &str, c: &crate::catalog::Category| {
        let (name, message) = (cell(c.name()), cell(c.message()));
        let _ = writeln!(out, "| {value} | {name} | {message} |");
    };
    for c in catalog
        .categories()
        .iter()
        .filter(|c| c.name().value().is_some())
    {
        category_row(&mut out, &format!("{:#04X}", c.value()), c);
    }
    let others = unnamed(catalog.categories().iter().map(|c| (c.value(), c.name())));
    if let Some(first) = others.first() {
        category_row(&mut out, &ranges(&others), catalog.category(*first));
    }
    out.push_str(
        "\n## Codes (bits 27-0)\n\n| value | name | description | aliases |\n|---|---|---|---|\n",
    );
    for e in catalog.entries() {
        let name = match (&e.name(), e.documented()) {
            (Some(name), _) => name,
            (None, true) => "(no name)",
            (None, false) => "(not a row of the table)",
        };
        let description = e.description().map_or(String::new(), escape_md);
        let _ = writeln!(
            out,
            "| {} | {name} | {description} | {} |",
            hex28(e.value()),
            e.aliases().join(", ")
        );
    }
    out
}

fn unnamed(values: impl Iterator<Item = (u8, Field<&'static str>)>) -> Vec<u8> {
    values
        .filter(|(_, name)| name.value().is_none())
        .map(|(v, _)| v)
        .collect()
}

/// `0, 7..254` for a sorted list of values.
fn ranges(values: &[u8]) -> String {
    fold_ranges(values, |v| v.to_string()).join(", ")
}

fn cell(field: Field<&str>) -> String {
    match field {
        Field::Value("") => "(empty)".to_string(),
        Field::Value(v) => escape_md(v),
        Field::Null => "(none)".to_string(),
        Field::ImplementationDefined(why) => {
            format!("*implementation-defined: {}*", escape_md(why))
        }
    }
}

fn escape_md(text: &str) -> String {
    text.replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_commas_and_quotes() {
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"x\""), "\"say \"\"x\"\"\"");
        assert_eq!(csv_cell("plain"), "plain");
    }
}
