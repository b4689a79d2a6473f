//! Every row of the published table (profile `doc`) and every name and value of the 2.3.0
//! runtime's table (profile `amp-2.3.0`), checked against the catalog and the decoder.

use crate::common;

use amperr::{Class, Code, Profile, decode, parse_code};
use common::tables::{PAGE_TABLE, RUNTIME_TABLE};
use common::{hex, is_range_marker};

#[test]
fn doc_documents_exactly_the_35_rows_of_the_page() {
    let catalog = Profile::DOC.catalog();
    let mut expected: Vec<u32> = PAGE_TABLE.iter().map(|(_, v, _)| hex(v)).collect();
    expected.sort_unstable();
    let documented: Vec<u32> = catalog.documented().map(|e| e.value()).collect();
    assert_eq!(documented, expected);
    assert_eq!(documented.len(), 35);
}

#[test]
fn every_page_row_decodes_to_its_name_and_description_in_every_area() {
    for (name, value, description) in PAGE_TABLE {
        for area in 0..=15 {
            let code = Code::with_area(area, hex(value)).unwrap();
            let d = decode(code, Profile::DOC);
            let expected_name = (!name.is_empty()).then_some(name);
            assert_eq!(d.name(), expected_name, "{code}");
            assert_eq!(d.description(), Some(description), "{code}");
            assert!(d.is_documented(), "{code}");
            assert!(
                d.aliases().is_empty(),
                "the page defines no aliases: {code}"
            );
            let class = if area <= 6 {
                Class::Documented
            } else {
                Class::ReservedArea
            };
            assert_eq!(d.class(), class, "{code}");
        }
    }
}

#[test]
fn the_nameless_row_is_documented_without_a_name() {
    let d = decode(Code(0x0060_0003), Profile::DOC);
    assert_eq!((d.name(), d.class()), (None, Class::Documented));
    let m = d.missing_plugins().unwrap();
    assert!(m.flash && m.silverlight);
}

#[test]
fn every_page_name_parses_to_its_value_with_and_without_prefix() {
    for (name, value, _) in PAGE_TABLE.iter().filter(|(n, _, _)| !n.is_empty()) {
        assert_eq!(parse_code(name), Ok(Code(hex(value))), "{name}");
        let prefixed = format!("amp.errorCode.{name}");
        assert_eq!(parse_code(&prefixed), Ok(Code(hex(value))), "{prefixed}");
    }
}

#[test]
fn every_runtime_name_has_its_value_in_amp_2_3_0() {
    let catalog = Profile::AMP_2_3_0.catalog();
    for (name, decimal, hex_text) in RUNTIME_TABLE {
        assert_eq!(
            decimal,
            hex(hex_text),
            "the facts' two columns agree for {name}"
        );
        assert_eq!(catalog.value_of(name), Some(decimal), "{name}");
        assert_eq!(parse_code(name), Ok(Code(decimal)), "{name}");
        let d = decode(Code(decimal), Profile::AMP_2_3_0);
        if is_range_marker(name) {
            assert!(d.aliases().contains(&name), "{name} is an alias");
            assert_ne!(d.name(), Some(name), "{name} is never canonical");
        } else {
            assert_eq!(d.name(), Some(name));
            assert_eq!(d.class(), Class::Documented);
        }
    }
    assert_eq!(
        catalog.names().len(),
        RUNTIME_TABLE.len(),
        "no name beyond the runtime's"
    );
}

#[test]
fn canonical_name_is_the_row_not_the_range_marker() {
    let d = decode(Code(0x0010_0000), Profile::AMP_2_3_0);
    assert_eq!(d.name(), Some("abortedErrUnknown"));
    assert_eq!(d.aliases(), ["abortedErrStart"]);
    let d = decode(Code(0x0020_0190), Profile::AMP_2_3_0);
    assert_eq!(d.name(), Some("networkErrHttpBadUrlFormat"));
    assert_eq!(d.aliases(), ["networkErrHttpResponseBegin"]);
}

#[test]
fn a_value_only_a_marker_names_has_no_canonical_name() {
    for (value, alias) in [
        (0x01F_FFFF, "abortedErrEnd"),
        (0x020_0257, "networkErrHttpResponseEnd"),
    ] {
        let d = decode(Code(value), Profile::AMP_2_3_0);
        assert_eq!(d.name(), None);
        assert_eq!(d.aliases(), [alias]);
        assert_eq!(d.class(), Class::UndocumentedDetail);
    }
}

#[test]
fn names_differ_by_profile() {
    let doc = Profile::DOC.catalog();
    let amp = Profile::AMP_2_3_0.catalog();
    assert_eq!(doc.value_of("networkErrErr"), Some(0x020_0259));
    assert_eq!(amp.value_of("networkErrErr"), None);
    assert_eq!(amp.value_of("networkErrError"), Some(0x020_0259));
    assert_eq!(doc.value_of("networkErrError"), None);
    for name in [
        "networkErrAbort",
        "srcErrLiveNoSegments",
        "abortedErrStart",
        "abortedErrEnd",
    ] {
        assert_eq!(doc.value_of(name), None, "{name} is not on the page");
        assert!(amp.value_of(name).is_some(), "{name} is in the runtime");
    }
    assert_eq!(
        decode(Code(0x2020_0259), Profile::DOC).name(),
        Some("networkErrErr")
    );
    assert_eq!(
        decode(Code(0x2020_0259), Profile::AMP_2_3_0).name(),
        Some("networkErrError")
    );
    assert_eq!(decode(Code(0x2020_025A), Profile::DOC).name(), None);
    let abort = decode(Code(0x2020_025A), Profile::AMP_2_3_0);
    assert_eq!(
        (abort.name(), abort.description()),
        (Some("networkErrAbort"), Some("Request aborted"))
    );
}

#[test]
fn a_name_has_the_same_value_in_every_profile_that_has_it() {
    let amp = Profile::AMP_2_3_0.catalog();
    for (name, value) in Profile::DOC.catalog().names() {
        if let Some(other) = amp.value_of(name) {
            assert_eq!(other, *value, "{name}");
        }
    }
}

#[test]
fn names_newer_than_2_3_0_are_in_no_profile() {
    for name in ["networkErrNoInternet", "encryptErrCertAcquire"] {
        assert!(parse_code(name).is_err(), "{name}");
    }
}

#[test]
fn compose_from_area_and_name() {
    let amp = Profile::AMP_2_3_0.catalog();
    assert_eq!(
        amp.compose(2, "networkErrHttpUrlNotFound"),
        Ok(Code(0x2020_0194))
    );
    assert_eq!(
        amp.compose(1, "srcPlayerMismatchStart"),
        Ok(Code(0x1060_0000))
    );
    assert!(amp.compose(2, "networkErrErr").is_err());
    assert!(amp.compose(16, "errUnknown").is_err());
    assert_eq!(
        Profile::DOC.catalog().compose(15, "errUnknown"),
        Ok(Code(0xFFF0_0000))
    );
}
