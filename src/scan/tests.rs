use super::*;
use crate::scan::grammar::Finder;

fn codes(text: &str) -> Vec<(u32, u64)> {
    let mut scan = Scan::new();
    scan.scan("t", text.as_bytes()).unwrap();
    let mut found: Vec<(u32, u64)> = scan.found().iter().map(|f| (f.code.0, f.count)).collect();
    found.sort();
    found
}

#[test]
fn every_form_the_player_prints() {
    let log = "error (0x20200194)\nhex 0x10600003 and 0X2020019A\ncode=538968468\n\
               {\"code\": 538968468, \"x\": 1}\ncode: 0x0FF00000 CODE=-1 'code':'0x00600001'";
    assert_eq!(
        codes(log),
        [
            (0x0060_0001, 1),
            (0x0FF0_0000, 1),
            (0x1060_0003, 1),
            (0x2020_0194, 3),
            (0x2020_019A, 1),
            (u32::MAX, 1)
        ]
    );
}

#[test]
fn numbers_that_are_not_codes_are_not_reported() {
    let log = "2026-11-27T08:39:36.123Z bitrate=3500000 duration 538968468 errorcode=5 \
               addr 0x7ffd5fbff8a8 id=0x1g code=12.5 abc0x12 0x";
    assert!(codes(log).is_empty(), "{:?}", codes(log));
}

#[test]
fn the_fallback_search_finds_what_teddy_finds() {
    let matches = |finder: &Finder, haystack: &[u8]| {
        let mut all = Vec::new();
        finder.each(haystack, |at, pattern| all.push((at, pattern)));
        all
    };
    let log = include_bytes!("../../tests/fixtures/player.log");
    let alphabet = b"0xXoOdD \ncC";
    let mut state = 0x5CA4_u64;
    let soup: Vec<u8> = (0..4096)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            alphabet[(state >> 33) as usize % alphabet.len()]
        })
        .collect();
    let automaton = Finder::automaton();
    for haystack in [&log[..], &soup, &soup[..5], b"", b"od0X"] {
        let expected = matches(&automaton, haystack);
        // Teddy is not built on a CPU without the SIMD it needs.
        if let Some(teddy) = Finder::packed() {
            assert_eq!(matches(&teddy, haystack), expected);
        }
        assert!(haystack.len() < 64 || expected.len() > 8, "{expected:?}");
    }
}

#[test]
fn a_code_key_value_is_counted_once() {
    assert_eq!(codes("code=0x20200194"), [(0x2020_0194, 1)]);
}

#[test]
fn undocumented_is_every_code_not_of_the_documented_class() {
    // `--fail-on undocumented` includes the other two kinds: a code in a reserved area
    // whose bits 27-0 are a documented row (0x70200194) is not a documented code.
    for profile in Profile::ALL {
        let catalog = profile.catalog();
        let rows = catalog.documented().map(|e| e.value());
        let values = rows.chain([0x000_01F4, 0x040_000A, 0x070_0000, 0xFFF_FFFF]);
        for value in values {
            for area in 0..16u8 {
                let d = decode(Code(u32::from(area) << 28 | value), profile);
                let undocumented = FailOn::Undocumented.hits(&d);
                // Documented: a row of the table, reported by an area the profile names.
                let row = catalog.documented().any(|e| e.value() == value);
                let named = catalog.area(area).name().value().is_some();
                assert_eq!(
                    undocumented,
                    !(row && named),
                    "{} under {}",
                    d.code(),
                    profile.id()
                );
                for kind in [FailOn::UnknownCategory, FailOn::ReservedArea] {
                    assert!(!kind.hits(&d) || undocumented, "{} {kind:?}", d.code());
                }
            }
        }
    }
}
