//! Compiles every profile's data file (`src/catalog/*.toml`) into static tables.
//!
//! A profile is data: adding one is adding its file (and its snapshots). Each file is read
//! and checked here (`src/catalog/source.rs` says what a file must hold), so a malformed
//! one fails the build with the reason, and decoding needs no parsing, no allocation and
//! no lazy initialisation at run time: a [`Profile`] is a reference to a static catalog.

#[path = "src/catalog/source.rs"]
mod source;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use source::{EntryData, Text};

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/catalog");
    println!("cargo::rerun-if-changed={}", dir.display());
    println!("cargo::rerun-if-changed=src/catalog/source.rs");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    if let Err(e) = generate(&dir, &out.join("catalogs.rs"), &out.join("profiles.rs")) {
        eprintln!("error: the profile data in {}: {e}", dir.display());
        std::process::exit(1);
    }
}

fn generate(dir: &Path, catalogs: &Path, profiles: &Path) -> Result<(), String> {
    let read = read_all(dir)?;
    std::fs::write(catalogs, catalogs_code(&read)).map_err(|e| e.to_string())?;
    std::fs::write(profiles, profiles_code(&read)).map_err(|e| e.to_string())
}

/// Every data file in `dir`, read and checked alone and as a set, in the order profiles
/// are listed: the default first, then by id.
fn read_all(dir: &Path) -> Result<Vec<(PathBuf, source::Profile)>, String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| e.to_string())?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    files.sort();
    let mut read = Vec::new();
    for file in &files {
        println!("cargo::rerun-if-changed={}", file.display());
        let text = std::fs::read_to_string(file).map_err(|e| e.to_string())?;
        let profile = source::read(&text).map_err(|e| format!("{}: {e}", file.display()))?;
        read.push((file.clone(), profile));
    }
    read.sort_by(|(_, a), (_, b)| {
        (!a.source.default, &a.source.id).cmp(&(!b.source.default, &b.source.id))
    });
    let set: Vec<&source::Profile> = read.iter().map(|(_, p)| p).collect();
    source::check_set(&set).map_err(|e| e.to_string())?;
    Ok(read)
}

/// `catalogs.rs`: each profile's entries, then `static CATALOGS`.
fn catalogs_code(read: &[(PathBuf, source::Profile)]) -> String {
    let mut code = String::new();
    for (order, (_, profile)) in read.iter().enumerate() {
        let _ = writeln!(
            code,
            "static ENTRIES_{order}: [Entry; {}] = [",
            profile.entries.len()
        );
        for e in &profile.entries {
            entry(&mut code, e);
        }
        code.push_str("];\n");
    }
    let _ = writeln!(
        code,
        "/// Every profile's catalog, the default first.\nstatic CATALOGS: [Catalog; {}] = [",
        read.len()
    );
    for (order, (file, profile)) in read.iter().enumerate() {
        catalog(&mut code, order, file, profile);
    }
    code.push_str("];\n");
    code
}

/// `profiles.rs`: a constant per profile, `Profile::ALL`, and `value_of_any_name`.
fn profiles_code(read: &[(PathBuf, source::Profile)]) -> String {
    let mut consts = String::from("impl Profile {\n");
    for (order, (_, profile)) in read.iter().enumerate() {
        let _ = writeln!(
            consts,
            "/// Profile `{id}`: {title}.\npub const {name}: Profile = Profile({order});",
            id = profile.source.id,
            title = profile.source.title,
            name = const_name(&profile.source.id)
        );
    }
    let all: Vec<String> = read
        .iter()
        .map(|(_, p)| format!("Profile::{}", const_name(&p.source.id)))
        .collect();
    let _ = writeln!(
        consts,
        "/// Every profile, the default first.\npub const ALL: [Profile; {}] = [{}];",
        all.len(),
        all.join(", ")
    );
    consts.push_str("}\n");
    // Every name of every profile, as one `match`: the check set made sure a name has one
    // value in all of them, and a match on strings is the fastest lookup there is.
    let mut names = std::collections::BTreeMap::new();
    for (_, profile) in read {
        names.extend(profile.names.iter().map(|(n, v)| (n.as_str(), *v)));
    }
    consts.push_str(
        "/// The value of a name or alias in any profile.\n\
         pub(crate) fn value_of_any_name(name: &str) -> Option<u32> {\n    Some(match name {\n",
    );
    for (name, value) in names {
        let _ = writeln!(consts, "        {name:?} => {value:#X},");
    }
    consts.push_str("        _ => return None,\n    })\n}\n");
    consts
}

/// `amp-2.3.0` as `AMP_2_3_0`.
fn const_name(id: &str) -> String {
    id.chars()
        .map(|c| match c {
            '-' | '.' => '_',
            c => c.to_ascii_uppercase(),
        })
        .collect()
}

fn field(text: &Option<Text>) -> String {
    match text {
        None => "Field::Null".to_string(),
        Some(Text::Value(v)) => format!("Field::Value({v:?})"),
        Some(Text::Silent {
            implementation_defined,
        }) => format!("Field::ImplementationDefined({implementation_defined:?})"),
    }
}

/// An optional text, empty for none.
fn optional(text: &Option<String>) -> String {
    format!("{:?}", text.as_deref().unwrap_or(""))
}

fn catalog(code: &mut String, order: usize, file: &Path, p: &source::Profile) {
    let s = &p.source;
    let _ = writeln!(
        code,
        "Catalog {{ order: {order}, id: {:?}, title: {:?}, summary: {:?}, source: include_str!({:?}),",
        s.id,
        s.title,
        s.summary,
        file.display().to_string()
    );
    code.push_str("areas: [");
    for (value, name) in p.areas.iter().enumerate() {
        let _ = write!(code, "Area {{ value: {value}, name: {} }},", field(name));
    }
    code.push_str("],\ncategories: [");
    let index = source::index(&p.entries);
    for (value, ((name, message), table)) in p.categories.iter().zip(&index.tables).enumerate() {
        let table: Vec<String> = table
            .iter()
            .map(|slot| match slot {
                Some(i) => format!("&ENTRIES_{order}[{i}]"),
                None => "&NO_ENTRY".to_string(),
            })
            .collect();
        let _ = write!(
            code,
            "Category {{ value: {value}, mask: {}, wide: {}, name: {}, message: {}, table: &[{}] }},",
            index.mask(value),
            index.spills(value),
            field(name),
            field(message),
            table.join(",")
        );
    }
    let wide: Vec<String> = index
        .wide
        .iter()
        .map(|(_, i)| format!("&ENTRIES_{order}[{i}]"))
        .collect();
    let _ = writeln!(
        code,
        "],\nentries: &ENTRIES_{order},\nwide: &[{}],",
        wide.join(",")
    );
    code.push_str("names: &[");
    for (name, value) in &p.names {
        let _ = write!(code, "({name:?}, {value:#X}),");
    }
    code.push_str("],\n");
    match &s.overlay {
        None => code.push_str("overlay: None,\n"),
        Some(o) => {
            let holes = [
                ("{x}", "upper: false, padded: false"),
                ("{X}", "upper: true, padded: false"),
                ("{08x}", "upper: false, padded: true"),
                ("{08X}", "upper: true, padded: true"),
            ];
            let (hole, form) = holes
                .iter()
                .find(|(hole, _)| o.code_line.contains(hole))
                .expect("source::read checked the code line");
            let (prefix, suffix) = o.code_line.split_once(hole).expect("it holds the hole");
            let _ = writeln!(
                code,
                "overlay: Some(Overlay {{ label: {:?}, prefix: {prefix:?}, {form}, suffix: {suffix:?} }}),",
                o.label
            );
        }
    }
    code.push_str("},\n");
}

fn entry(code: &mut String, e: &EntryData) {
    let aliases: Vec<String> = e.aliases.iter().map(|a| format!("{a:?}")).collect();
    let _ = writeln!(
        code,
        "Entry {{ value: {:#X}, documented: {}, name: {}, description: {}, aliases: &[{}] }},",
        e.value,
        e.documented,
        optional(&e.name),
        optional(&e.description),
        aliases.join(", ")
    );
}
