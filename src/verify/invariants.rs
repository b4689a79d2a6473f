//! The oracle's invariants, stated once and checked everywhere.
//!
//! Each is a function of a code and a profile that says `Err` with the reason when the
//! oracle breaks it. The property tests (`tests/oracle/invariants.rs`) run each over every value
//! either profile names, in every area, and over codes weighted to the field boundaries;
//! the `decode` fuzz target runs all of them on arbitrary codes.
//!
//! 1. The fields recompose: `(area << 28) | (category << 20) | detail == code`.
//! 2. The area never changes the name, aliases, description, category or message.
//! 3. The user message depends on bits 27-20 only.
//! 4. A name is present exactly when bits 27-0 are a named row of the profile's table, and
//!    composing that name (or an alias) with the area gives the code back.
//! 5. `parse(format(code)) == code` for every output form (hex, decimal, signed decimal,
//!    `"(0x...)"`), and every name parses to its value.
//! 6. The JSON output parses back to the same fields, and the text output names the code.
//! 7. Fields are implementation-defined exactly where the profile's source is silent.
//! 8. The HTTP status and the missing plugins follow from the detail alone.
//! 9. The oracle agrees with the independent [`model`](crate::verify::model) on every field; the
//!    exhaustive sweep (`tests/oracle/sweep.rs`) checks this for all 2^32 codes.
//! 10. The page's "Categorizing errors" chain (`code & xxxErrStart`, first match wins)
//!     disagrees with the true category exactly on the categories whose values share bits
//!     with a start value tested before their own.

use std::fmt::Debug;
use std::sync::OnceLock;

use crate::catalog::Profile;
use crate::code::Code;
use crate::decode::decode;
use crate::parse::parse_code;
use crate::render::{Record, json_line, overlay, text};
use crate::verify::model::Model;

/// An invariant: `Err` says how the oracle broke it for this code.
pub type Invariant = fn(Code, Profile) -> Result<(), String>;

/// Every invariant, with its name.
pub const ALL: [(&str, Invariant); 10] = [
    ("fields_recompose", fields_recompose),
    (
        "area_changes_nothing_but_the_area",
        area_changes_nothing_but_the_area,
    ),
    (
        "message_depends_on_the_category_alone",
        message_depends_on_the_category_alone,
    ),
    ("name_exactly_for_named_rows", name_exactly_for_named_rows),
    (
        "parse_inverts_every_output_form",
        parse_inverts_every_output_form,
    ),
    ("outputs_read_back", outputs_read_back),
    (
        "implementation_defined_where_silent",
        implementation_defined_where_silent,
    ),
    ("detail_meanings", detail_meanings),
    ("agrees_with_the_model", agrees_with_the_model),
    (
        "page_chain_misfiles_shared_bits",
        page_chain_misfiles_shared_bits,
    ),
];

fn same<T: PartialEq + Debug>(what: &str, got: T, expected: T) -> Result<(), String> {
    if got == expected {
        Ok(())
    } else {
        Err(format!("{what}: got {got:?}, expected {expected:?}"))
    }
}

/// 1. `(area << 28) | (category << 20) | detail == code`.
pub fn fields_recompose(code: Code, profile: Profile) -> Result<(), String> {
    let d = decode(code, profile);
    let (a, c, x) = (u32::from(d.area()), u32::from(d.category()), d.detail());
    same("area and detail in range", a <= 15 && x <= 0xFFFFF, true)?;
    same("recomposed code", (a << 28) | (c << 20) | x, code.0)?;
    same("bits 27-0", (c << 20) | x, d.code28())
}

/// 2. The area never changes the name, aliases, description, category or message.
pub fn area_changes_nothing_but_the_area(code: Code, profile: Profile) -> Result<(), String> {
    let d = decode(code, profile);
    for area in 0..=Code::AREA_MAX {
        let other = decode(
            Code(u32::from(area) << Code::AREA_SHIFT | code.code28()),
            profile,
        );
        let context = |field: &str| format!("{field} in area {area}");
        same(&context("name"), other.name(), d.name())?;
        same(&context("aliases"), other.aliases(), d.aliases())?;
        same(
            &context("description"),
            other.description(),
            d.description(),
        )?;
        same(
            &context("category name"),
            other.category_name(),
            d.category_name(),
        )?;
        same(&context("message"), other.message(), d.message())?;
        same(
            &context("http status"),
            other.http_status(),
            d.http_status(),
        )?;
    }
    Ok(())
}

/// 3. The user message depends on bits 27-20 only.
pub fn message_depends_on_the_category_alone(code: Code, profile: Profile) -> Result<(), String> {
    let message = decode(code, profile).message();
    for detail in [0, 1, 0x194, 0x7FFFF, 0x80000, 0xFFFFF, code.detail() ^ 1] {
        for area in [0u32, 7, 15] {
            let other = Code(
                area << Code::AREA_SHIFT
                    | u32::from(code.category()) << Code::CATEGORY_SHIFT
                    | detail,
            );
            same(
                &format!("message of {other}"),
                decode(other, profile).message(),
                message,
            )?;
        }
    }
    Ok(())
}

/// 4. A name is present exactly when bits 27-0 are a named row of the profile's table
///    (the only documented row without a name is the page's 0x0600003), and the name and
///    every alias, composed with the area, give the code back.
pub fn name_exactly_for_named_rows(code: Code, profile: Profile) -> Result<(), String> {
    let d = decode(code, profile);
    let catalog = profile.catalog();
    let row = catalog.documented().find(|e| e.value() == code.code28());
    same("documented", d.is_documented(), row.is_some())?;
    same("name", d.name(), row.and_then(|e| e.name()))?;
    if d.is_documented() && d.name().is_none() {
        same(
            "the nameless row",
            (profile, code.code28()),
            (Profile::DOC, 0x060_0003),
        )?;
    }
    for name in d.name().into_iter().chain(d.aliases().iter().copied()) {
        same(
            &format!("{name} composed with area {}", code.area()),
            catalog.compose(code.area(), name),
            Ok(code),
        )?;
    }
    Ok(())
}

/// 5. `parse(format(code)) == code` for every output form, and every name parses to its
///    value.
pub fn parse_inverts_every_output_form(code: Code, profile: Profile) -> Result<(), String> {
    let d = decode(code, profile);
    let forms = [
        code.to_string(),
        Record::from(&d).hex,
        format!("0x{:x}", code.0),
        format!("0X{:08X}", code.0),
        code.0.to_string(),
        (code.0 as i32).to_string(),
    ];
    // Every code line a profile's player shows reads back too.
    let lines = Profile::ALL
        .iter()
        .filter_map(|p| overlay(code, *p))
        .map(|(_, line)| line);
    let forms: Vec<String> = forms
        .into_iter()
        .chain(lines.flat_map(|line| [format!("{line:?}"), line]))
        .collect();
    for form in &forms {
        same(&format!("parse({form:?})"), parse_code(form), Ok(code))?;
    }
    for name in d.name().into_iter().chain(d.aliases().iter().copied()) {
        same(
            &format!("parse({name:?})"),
            parse_code(name),
            Ok(Code(code.code28())),
        )?;
        let prefixed = format!("amp.errorCode.{name}");
        same(
            &format!("parse({prefixed:?})"),
            parse_code(&prefixed),
            Ok(Code(code.code28())),
        )?;
    }
    Ok(())
}

/// 6. The JSON line parses back to the same fields, and they are the decoder's; the text
///    output starts with the code.
pub fn outputs_read_back(code: Code, profile: Profile) -> Result<(), String> {
    let d = decode(code, profile);
    let line = json_line(&d).map_err(|e| format!("JSON does not serialize: {e}"))?;
    let back: Record =
        serde_json::from_str(&line).map_err(|e| format!("JSON does not read back: {e}"))?;
    same("record", &back, &Record::from(&d))?;
    same(
        "code, area, category",
        (back.code, back.area, back.category),
        (code.0, code.area(), code.category()),
    )?;
    same(
        "detail, bits 27-0",
        (back.detail, back.code28),
        (code.detail(), code.code28()),
    )?;
    same("name", back.name.as_deref(), d.name())?;
    same("message", back.message.as_deref(), d.message().value())?;
    same("class", back.class, d.class())?;
    same("profile", back.profile.as_str(), profile.id())?;
    same(
        "text starts with the code",
        text(&d).starts_with(&code.to_string()),
        true,
    )
}

/// 7. Fields are implementation-defined exactly where the profile's data file says its
///    source is silent: read from the file itself (`{ implementation_defined = "why" }` for
///    a listed category's message, or under `other_areas` / `other_categories` for the
///    values the file does not list), not from the catalog built from it.
pub fn implementation_defined_where_silent(code: Code, profile: Profile) -> Result<(), String> {
    static SILENCES: OnceLock<Vec<Silence>> = OnceLock::new();
    let silences = SILENCES.get_or_init(|| {
        Profile::ALL
            .iter()
            .map(|p| Silence::read(p.source()))
            .collect()
    });
    let index = Profile::ALL.iter().position(|p| *p == profile).unwrap_or(0);
    let silence = &silences[index];
    let (area, category) = (usize::from(code.area()), usize::from(code.category()));
    let mut expected = Vec::new();
    if silence.area_name[area] {
        expected.push("area_name");
    }
    if silence.category_name[category] {
        expected.push("category_name");
    }
    if silence.message[category] {
        expected.push("message");
    }
    let got: Vec<&str> = decode(code, profile).implementation_defined().collect();
    same("implementation-defined fields", got, expected)
}

/// Where a data file says its source is silent, per area and per category.
struct Silence {
    area_name: [bool; 16],
    category_name: [bool; 256],
    message: [bool; 256],
}

impl Silence {
    fn read(source: &str) -> Silence {
        let doc: toml::Table = source.parse().unwrap_or_default();
        let silent = |v: Option<&toml::Value>| v.is_some_and(toml::Value::is_table);
        let other = |table: &str, key: &str| silent(doc.get(table).and_then(|t| t.get(key)));
        let rows = |key: &str| -> Vec<toml::Table> {
            let rows = doc.get(key).and_then(toml::Value::as_array);
            let tables = rows.into_iter().flatten().filter_map(toml::Value::as_table);
            tables.cloned().collect()
        };
        let value = |row: &toml::Table| {
            let value = row.get("value").and_then(toml::Value::as_integer);
            usize::try_from(value.unwrap_or(-1)).unwrap_or(usize::MAX)
        };
        let mut area_name = [other("other_areas", "name"); 16];
        for row in rows("area") {
            if let Some(slot) = area_name.get_mut(value(&row)) {
                *slot = false;
            }
        }
        let mut category_name = [other("other_categories", "name"); 256];
        let mut message = [other("other_categories", "message"); 256];
        for row in rows("category") {
            let v = value(&row);
            if v < 256 {
                category_name[v] = false;
                message[v] = silent(row.get("message"));
            }
        }
        Silence {
            area_name,
            category_name,
            message,
        }
    }
}

/// 8. The HTTP status is the detail of a NETWORK code in 400..=599; the missing plugins
///    are bits 0 and 1 of a SRC_PLAYER_MISMATCH detail; nothing else has either.
pub fn detail_meanings(code: Code, profile: Profile) -> Result<(), String> {
    let d = decode(code, profile);
    let is_http = code.category() == 2 && (400..=599).contains(&code.detail());
    same(
        "http status",
        d.http_status(),
        is_http.then_some(code.detail() as u16),
    )?;
    let missing = d.missing_plugins().map(|m| (m.flash, m.silverlight));
    let expected =
        (code.category() == 6).then_some((code.detail() & 1 != 0, code.detail() & 2 != 0));
    same("missing plugins", missing, expected)
}

/// 9. The oracle and the independent model agree on every field.
pub fn agrees_with_the_model(code: Code, profile: Profile) -> Result<(), String> {
    static MODELS: OnceLock<Vec<Model>> = OnceLock::new();
    let models = MODELS.get_or_init(|| Profile::ALL.iter().map(|p| Model::new(*p)).collect());
    let index = Profile::ALL.iter().position(|p| *p == profile).unwrap_or(0);
    models[index].check(&decode(code, profile))
}

/// 10. The page's "Categorizing errors" chain misfiles exactly the categories whose value
///     shares a bit with a start value tested before its own branch. The correct category
///     is `(code >>> 20) & 0xFF`.
pub fn page_chain_misfiles_shared_bits(code: Code, _: Profile) -> Result<(), String> {
    let filed = page_chain(code);
    let category = code.category();
    let truth = (1..=6).contains(&category).then_some(category);
    let tested_before = (1..=6u8).take_while(|c| Some(*c) != truth);
    let shares_bits = tested_before.into_iter().any(|c| c & category != 0);
    same(
        &format!("category {category:#04X} filed as {filed:?}: misfiled"),
        filed != truth,
        shares_bits,
    )
}

/// The page's chain, with the start values the 2.3.0 runtime defines: the category of
/// the first `xxxErrStart` the code shares a bit with, or `None` ("unknown errors").
pub fn page_chain(code: Code) -> Option<u8> {
    const STARTS: [&str; 6] = [
        "abortedErrStart",
        "networkErrStart",
        "decodeErrStart",
        "srcErrStart",
        "encryptErrStart",
        "srcPlayerMismatchStart",
    ];
    let runtime = Profile::AMP_2_3_0.catalog();
    STARTS
        .iter()
        .filter_map(|name| runtime.value_of(name))
        .find(|start| code.0 & start != 0)
        .map(|start| Code(start).category())
}

/// Checks every invariant; the first broken one is named.
pub fn check_all(code: Code, profile: Profile) -> Result<(), String> {
    for (name, invariant) in ALL {
        invariant(code, profile)
            .map_err(|e| format!("{code} under {profile}: invariant {name}: {e}"))?;
    }
    Ok(())
}
