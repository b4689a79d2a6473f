//! The oracle's invariants (`amperr::verify::invariants`), one property test each.
//!
//! Every invariant runs twice: over every documented or named value of both profiles with
//! each area 0..=15 OR-ed in, under both profiles (exhaustive, deterministic), and over
//! proptest's codes, weighted to the field boundaries (0, 1, each field's maximum,
//! single bits, HTTP bounds, documented details). Failing seeds are kept in
//! `tests/proptest-regressions/`.

use amperr::verify::invariants::{self, page_chain};
use amperr::{Code, Profile, decode};
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, TestCaseError};

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
        .flat_map(|p| p.catalog().entries().iter().map(|e| e.value()))
        .collect();
    values.sort_unstable();
    values.dedup();
    values
}

/// Runs an invariant on every catalog value with every area, under every profile.
fn on_every_catalog_value(invariant: invariants::Invariant) {
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
    ($($name:ident),* $(,)?) => {
        /// The invariants tested here, by name.
        const TESTED: &[&str] = &[$(stringify!($name)),*];
        $(
        mod $name {
            use super::*;

            #[test]
            fn on_every_catalog_value_in_every_area() {
                on_every_catalog_value(invariants::$name);
            }

            proptest! {
                #![proptest_config(config())]
                #[test]
                fn on_boundary_weighted_codes(code in codes(), profile in profiles()) {
                    invariants::$name(code, profile).map_err(TestCaseError::fail)?;
                }
            }
        }
    )*};
}

invariants!(
    fields_recompose,
    area_changes_nothing_but_the_area,
    message_depends_on_the_category_alone,
    name_exactly_for_named_rows,
    parse_inverts_every_output_form,
    outputs_read_back,
    implementation_defined_where_silent,
    detail_meanings,
    agrees_with_the_model,
    page_chain_misfiles_shared_bits,
);

#[test]
fn every_invariant_has_its_test() {
    let stated: Vec<&str> = invariants::ALL.iter().map(|(name, _)| *name).collect();
    assert_eq!(
        stated, TESTED,
        "an invariant of amperr::verify::invariants has no test here, or the reverse"
    );
}

#[test]
fn the_categorizing_erratum_on_the_facts_examples() {
    assert_eq!(
        page_chain(Code(0x2030_0000)),
        Some(1),
        "decode filed as aborted"
    );
    assert_eq!(
        page_chain(Code(0x2050_0006)),
        Some(1),
        "encrypted filed as aborted"
    );
    assert_eq!(
        page_chain(Code(0x0FF0_0000)),
        Some(1),
        "unknown filed as aborted"
    );
    assert_eq!(
        page_chain(Code(0x1060_0001)),
        Some(2),
        "mismatch filed as network"
    );
    for code in [0x2030_0000, 0x2050_0006, 0x0FF0_0000, 0x1060_0001] {
        assert_ne!(
            page_chain(Code(code)),
            Some(decode(Code(code), Profile::DOC).category())
        );
    }
}

#[test]
fn the_catching_erratum_matches_other_codes() {
    let not_found = Profile::DOC
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
            decode(Code(code), Profile::DOC).name(),
            Some("networkErrHttpUrlNotFound")
        );
    }
    assert_eq!(decode(Code(0x2020_0194), Profile::DOC).code28(), not_found);
}
