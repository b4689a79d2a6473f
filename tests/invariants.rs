//! The oracle's invariants, one property test each (the list is in the crate docs).
//!
//! Every invariant runs twice: over every documented or named value of both profiles with
//! each area 0..=15 OR-ed in, under both profiles (exhaustive, deterministic), and over
//! proptest's codes, weighted to the field boundaries (0, 1, each field's maximum,
//! single bits, HTTP bounds, documented details). Failing seeds are kept in
//! `tests/proptest-regressions/`.

use amperr::model::Model;
use amperr::render::{Record, json_line, overlay};
use amperr::{Code, Profile, decode, parse_code};
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, TestCaseError};

type Outcome = Result<(), TestCaseError>;

fn config() -> Config {
    Config {
        cases: 512,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/proptest-regressions/invariants.txt",
        ))),
        ..Config::default()
    }
}

/// Every value either profile names or documents.
fn catalog_values() -> Vec<u32> {
    let mut values: Vec<u32> = Profile::ALL
        .iter()
        .flat_map(|p| p.catalog().entries().iter().map(|e| e.value))
        .collect();
    values.sort_unstable();
    values.dedup();
    values
}

/// Runs an invariant on every catalog value with every area, under every profile.
fn on_every_catalog_value(invariant: fn(Code, Profile) -> Outcome) {
    for value in catalog_values() {
        for area in 0..=Code::AREA_MAX {
            let code = Code::with_area(area, value).unwrap();
            for profile in Profile::ALL {
                if let Err(e) = invariant(code, profile) {
                    panic!("{code} under {profile}: {e}");
                }
            }
        }
    }
}

/// A field's value weighted to its boundaries: 0, 1, max, max - 1, single bits, any.
fn field(bits: u32, special: Vec<u32>) -> impl Strategy<Value = u32> {
    let max = (1u32 << bits) - 1;
    let mut edges = vec![0, 1, max, max - 1, max >> 1, (max >> 1) + 1];
    edges.extend(special);
    prop_oneof![
        3 => proptest::sample::select(edges),
        2 => (0..bits).prop_map(|b| 1 << b),
        2 => 0..=max,
    ]
}

fn codes() -> impl Strategy<Value = Code> {
    let categories = field(8, vec![2, 6, 7, 254]);
    let details = field(20, vec![399, 400, 404, 429, 599, 600, 3, 0x259, 0x25A]);
    let by_fields = (field(4, vec![6, 7]), categories, details)
        .prop_map(|(a, c, d)| Code::compose(a as u8, c as u8, d).unwrap());
    let by_value = (
        0..=Code::AREA_MAX,
        proptest::sample::select(catalog_values()),
    )
        .prop_map(|(area, value)| Code::with_area(area, value).unwrap());
    prop_oneof![4 => by_fields, 2 => by_value, 1 => any::<u32>().prop_map(Code)]
}

fn profiles() -> impl Strategy<Value = Profile> {
    proptest::sample::select(Profile::ALL.to_vec())
}

/// Each invariant gets a test over the catalog's values and a property test.
macro_rules! invariants {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            use super::*;

            #[test]
            fn on_every_catalog_value_in_every_area() {
                on_every_catalog_value(super::$name);
            }

            proptest! {
                #![proptest_config(config())]
                #[test]
                fn on_boundary_weighted_codes(code in codes(), profile in profiles()) {
                    super::$name(code, profile)?;
                }
            }
        }
    )*};
}

invariants!(
    fields_recompose,
    area_changes_nothing_but_the_area,
    message_depends_on_the_category_alone,
    name_exactly_for_named_rows_and_composes_back,
    parse_inverts_every_output_form,
    json_reads_back_to_the_same_fields,
    implementation_defined_exactly_where_the_source_is_silent,
    http_status_and_missing_plugins_from_the_detail,
    oracle_agrees_with_the_independent_model,
    page_categorizing_chain_misfiles_exactly_shared_bit_categories,
);

/// 1. `(area << 28) | (category << 20) | detail == code`.
fn fields_recompose(code: Code, profile: Profile) -> Outcome {
    let d = decode(code, profile);
    let (a, c, x) = (u32::from(d.area()), u32::from(d.category()), d.detail());
    prop_assert!(a <= 15 && x <= 0xFFFFF);
    prop_assert_eq!((a << 28) | (c << 20) | x, code.0);
    prop_assert_eq!((c << 20) | x, d.code28());
    Ok(())
}

/// 2. The area never changes the name, aliases, description, category or message.
fn area_changes_nothing_but_the_area(code: Code, profile: Profile) -> Outcome {
    let d = decode(code, profile);
    for area in 0..=Code::AREA_MAX {
        let other = decode(Code::with_area(area, code.code28()).unwrap(), profile);
        prop_assert_eq!(other.name(), d.name());
        prop_assert_eq!(other.aliases(), d.aliases());
        prop_assert_eq!(other.description(), d.description());
        prop_assert_eq!(other.category_name(), d.category_name());
        prop_assert_eq!(other.message(), d.message());
        prop_assert_eq!(other.http_status(), d.http_status());
    }
    Ok(())
}

/// 3. The user message depends on bits 27-20 only.
fn message_depends_on_the_category_alone(code: Code, profile: Profile) -> Outcome {
    let message = decode(code, profile).message();
    for detail in [0, 1, 0x194, 0x7FFFF, 0x80000, 0xFFFFF, code.detail() ^ 1] {
        for area in [0, 7, 15] {
            let other = Code::compose(area, code.category(), detail).unwrap();
            prop_assert_eq!(decode(other, profile).message(), message);
        }
    }
    Ok(())
}

/// 4. A name is present exactly when bits 27-0 are a named row of the profile's table
///    (the only documented row without a name is the page's 0x0600003), and the name and
///    every alias, composed with the area, give the code back.
fn name_exactly_for_named_rows_and_composes_back(code: Code, profile: Profile) -> Outcome {
    let d = decode(code, profile);
    let catalog = profile.catalog();
    let row = catalog.documented().find(|e| e.value == code.code28());
    prop_assert_eq!(d.is_documented(), row.is_some());
    prop_assert_eq!(d.name(), row.and_then(|e| e.name.as_deref()));
    if d.is_documented() && d.name().is_none() {
        prop_assert_eq!((profile, code.code28()), (Profile::Doc, 0x060_0003));
    }
    for name in d
        .name()
        .into_iter()
        .chain(d.aliases().iter().map(String::as_str))
    {
        prop_assert_eq!(catalog.compose(code.area(), name), Ok(code));
    }
    Ok(())
}

/// 5. `parse(format(code)) == code` for every output form, and every name parses to
///    its value.
fn parse_inverts_every_output_form(code: Code, profile: Profile) -> Outcome {
    let d = decode(code, profile);
    let record = Record::from(&d);
    let forms = [
        code.to_string(),
        record.hex.clone(),
        format!("0x{:x}", code.0),
        format!("0X{:08X}", code.0),
        code.0.to_string(),
        (code.0 as i32).to_string(),
        overlay(code).1,
        format!("{:?}", overlay(code).1),
    ];
    for form in &forms {
        prop_assert_eq!(parse_code(form), Ok(code), "form {:?}", form);
    }
    for name in d
        .name()
        .into_iter()
        .chain(d.aliases().iter().map(String::as_str))
    {
        prop_assert_eq!(parse_code(name), Ok(Code(code.code28())));
        prop_assert_eq!(
            parse_code(&format!("amp.errorCode.{name}")),
            Ok(Code(code.code28()))
        );
    }
    Ok(())
}

/// 6. The JSON line parses back to the same fields, and they are the decoder's.
fn json_reads_back_to_the_same_fields(code: Code, profile: Profile) -> Outcome {
    let d = decode(code, profile);
    let back: Record =
        serde_json::from_str(&json_line(&d)).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(&back, &Record::from(&d));
    prop_assert_eq!(
        (back.code, back.area, back.category),
        (code.0, code.area(), code.category())
    );
    prop_assert_eq!((back.detail, back.code28), (code.detail(), code.code28()));
    prop_assert_eq!(back.name.as_deref(), d.name());
    prop_assert_eq!(back.message.as_deref(), d.message().value());
    prop_assert_eq!(back.class, d.class());
    prop_assert_eq!(back.profile, profile.id());
    Ok(())
}

/// 7. Fields are implementation-defined exactly where the profile's source is silent:
///    `doc`, the area name of 7..15 and the category name and message outside 1..6, 255;
///    `amp-2.3.0`, the message of category 0.
fn implementation_defined_exactly_where_the_source_is_silent(
    code: Code,
    profile: Profile,
) -> Outcome {
    let (area, category) = (code.area(), code.category());
    let mut expected = Vec::new();
    match profile {
        Profile::Doc => {
            if area >= 7 {
                expected.push("area_name");
            }
            if !matches!(category, 1..=6 | 255) {
                expected.extend(["category_name", "message"]);
            }
        }
        Profile::Amp230 => {
            if category == 0 {
                expected.push("message");
            }
        }
    }
    let got: Vec<&str> = decode(code, profile).implementation_defined().collect();
    prop_assert_eq!(got, expected);
    Ok(())
}

/// 8. The HTTP status is the detail of a NETWORK code in 400..=599; the missing plugins
///    are bits 0 and 1 of a SRC_PLAYER_MISMATCH detail; nothing else has either.
fn http_status_and_missing_plugins_from_the_detail(code: Code, profile: Profile) -> Outcome {
    let d = decode(code, profile);
    let is_http = code.category() == 2 && (400..=599).contains(&code.detail());
    prop_assert_eq!(d.http_status(), is_http.then_some(code.detail() as u16));
    let missing = d.missing_plugins().map(|m| (m.flash, m.silverlight));
    let expected =
        (code.category() == 6).then_some((code.detail() & 1 != 0, code.detail() & 2 != 0));
    prop_assert_eq!(missing, expected);
    Ok(())
}

/// 9. The oracle and the independent model (`amperr::model`) agree on every field.
fn oracle_agrees_with_the_independent_model(code: Code, profile: Profile) -> Outcome {
    thread_local! {
        static MODELS: Vec<Model> = Profile::ALL.iter().map(|p| Model::new(*p)).collect();
    }
    let d = decode(code, profile);
    let index = Profile::ALL.iter().position(|p| *p == profile).unwrap();
    MODELS
        .with(|models| models[index].check(&d))
        .map_err(TestCaseError::fail)
}

/// 10. The page's "Categorizing errors" chain (`code & amp.errorCode.xxxErrStart`, first
///     match wins) misfiles exactly the categories whose value shares a bit with a start
///     value tested before its own branch. The correct category is `(code >>> 20) & 0xFF`.
fn page_categorizing_chain_misfiles_exactly_shared_bit_categories(
    code: Code,
    _: Profile,
) -> Outcome {
    let runtime = Profile::Amp230.catalog();
    let chain: Vec<(u32, u8)> = [
        "abortedErrStart",
        "networkErrStart",
        "decodeErrStart",
        "srcErrStart",
        "encryptErrStart",
        "srcPlayerMismatchStart",
    ]
    .iter()
    .map(|name| runtime.value_of(name).unwrap())
    .map(|start| (start, Code(start).category()))
    .collect();
    let filed = chain
        .iter()
        .find(|(start, _)| code.0 & start != 0)
        .map(|(_, c)| *c);
    let category = code.category();
    let truth = (1..=6).contains(&category).then_some(category);
    let tested_before: Vec<u8> = chain
        .iter()
        .map(|(_, c)| *c)
        .take_while(|c| Some(*c) != truth)
        .collect();
    let shares_bits = tested_before.iter().any(|c| c & category != 0);
    prop_assert_eq!(
        filed != truth,
        shares_bits,
        "category {:#04X} filed as {:?}",
        category,
        filed
    );
    Ok(())
}

#[test]
fn the_categorizing_erratum_on_the_facts_examples() {
    let aborted = Some(1);
    let runtime = Profile::Amp230.catalog();
    let starts = [
        "abortedErrStart",
        "networkErrStart",
        "decodeErrStart",
        "srcErrStart",
        "encryptErrStart",
        "srcPlayerMismatchStart",
    ]
    .map(|name| runtime.value_of(name).unwrap());
    let chain = |code: u32| {
        starts
            .iter()
            .position(|s| code & s != 0)
            .map(|i| i as u8 + 1)
    };
    assert_eq!(chain(0x2030_0000), aborted, "decode filed as aborted");
    assert_eq!(chain(0x2050_0006), aborted, "encrypted filed as aborted");
    assert_eq!(chain(0x0FF0_0000), aborted, "unknown filed as aborted");
    assert_eq!(chain(0x1060_0001), Some(2), "mismatch filed as network");
    for code in [0x2030_0000, 0x2050_0006, 0x0FF0_0000, 0x1060_0001] {
        assert_ne!(
            chain(code),
            Some(decode(Code(code), Profile::Doc).category())
        );
    }
}

#[test]
fn the_catching_erratum_matches_other_codes() {
    let not_found = Profile::Doc
        .catalog()
        .value_of("networkErrHttpUrlNotFound")
        .unwrap();
    for code in [
        0x2020_0000u32,
        0x2030_0000,
        0x2040_0004,
        0x2050_0006,
        0x1060_0001,
    ] {
        assert_ne!(code & not_found, 0, "the page's test is true for {code:#X}");
        assert_ne!(
            decode(Code(code), Profile::Doc).name(),
            Some("networkErrHttpUrlNotFound")
        );
    }
    assert_eq!(decode(Code(0x2020_0194), Profile::Doc).code28(), not_found);
}
