//! User messages, category and area names of both profiles, exactly as their sources
//! write them, and the fields each source leaves implementation-defined.

use amperr::{Code, Field, Profile, decode};

/// The page's seven texts, character for character (category 1 has no final period).
const PAGE_MESSAGES: [(u8, &str, &str); 7] = [
    (1, "MEDIA_ERR_ABORTED", "You aborted the video playback"),
    (
        2,
        "MEDIA_ERR_NETWORK",
        "A network error caused the video download to fail part-way.",
    ),
    (
        3,
        "MEDIA_ERR_DECODE",
        "The video playback was aborted due to a corruption problem or because the video used features your browser did not support.",
    ),
    (
        4,
        "MEDIA_ERR_SRC_NOT_SUPPORTED",
        "The video could not be loaded, either because the server or network failed or because the format is not supported.",
    ),
    (
        5,
        "MEDIA_ERR_ENCRYPTED",
        "The video is encrypted and we do not have the keys to decrypt it.",
    ),
    (
        6,
        "SRC_PLAYER_MISMATCH",
        "No compatible source was found for this video.",
    ),
    (0xFF, "MEDIA_ERR_UNKNOWN", "An unknown error occurred."),
];

/// The 2.3.0 overlay's English texts (DECODE and SRC_NOT_SUPPORTED swapped vs the page).
const RUNTIME_MESSAGES: [(u8, &str, &str); 7] = [
    (1, "MEDIA_ERR_ABORTED", "Video playback aborted."),
    (
        2,
        "MEDIA_ERR_NETWORK",
        "A network error caused the video download to fail part-way. Please check your network connection or try again later.",
    ),
    (
        3,
        "MEDIA_ERR_DECODE",
        "The video could not be loaded, either because the server or network failed or because the format is not supported.",
    ),
    (
        4,
        "MEDIA_ERR_SRC_NOT_SUPPORTED",
        "The video playback was aborted due to a corruption problem or because the video used features your browser did not support.",
    ),
    (
        5,
        "MEDIA_ERR_ENCRYPTED",
        "Unable to decrypt the encrypted video source.",
    ),
    (
        6,
        "SRC_PLAYER_MISMATCH",
        "No compatible source was found for this media.",
    ),
    (0xFF, "MEDIA_ERR_UNKNOWN", "An unknown error occurred."),
];

const AREAS: [&str; 7] = [
    "Unknown",
    "AMP",
    "AzureHtml5JS",
    "FlashSS",
    "SilverlightSS",
    "Html5",
    "Html5FairPlayHLS",
];

fn at(area: u8, category: u8, detail: u32, profile: Profile) -> amperr::Decoded {
    decode(Code::compose(area, category, detail).unwrap(), profile)
}

#[test]
fn every_known_category_has_its_exact_message_and_name() {
    for (profile, table) in [
        (Profile::DOC, PAGE_MESSAGES),
        (Profile::AMP_2_3_0, RUNTIME_MESSAGES),
    ] {
        for (category, name, message) in table {
            for (area, detail) in [(0, 0), (2, 0x194), (15, 0xFFFFF)] {
                let d = at(area, category, detail, profile);
                assert_eq!(d.message(), Field::Value(message), "{profile} {category}");
                assert_eq!(
                    d.category_name(),
                    Field::Value(name),
                    "{profile} {category}"
                );
            }
        }
    }
}

#[test]
fn doc_is_silent_on_other_categories() {
    for category in (0..=254).filter(|c| !(1..=6).contains(c)) {
        let d = at(1, category, 0, Profile::DOC);
        assert!(d.message().is_implementation_defined(), "{category}");
        assert!(d.category_name().is_implementation_defined(), "{category}");
        assert_eq!(d.message().value(), None);
    }
}

#[test]
fn amp_2_3_0_shows_empty_text_for_7_to_254_and_the_raw_message_for_0() {
    for category in 7..=254 {
        let d = at(2, category, 0, Profile::AMP_2_3_0);
        assert_eq!(d.message(), Field::Value(""), "{category}");
        assert_eq!(d.category_name(), Field::Null, "{category}");
    }
    let custom = at(2, 0, 0, Profile::AMP_2_3_0);
    assert_eq!(custom.category_name(), Field::Value("MEDIA_ERR_CUSTOM"));
    assert!(custom.message().is_implementation_defined());
    assert_eq!(
        custom.implementation_defined().collect::<Vec<_>>(),
        ["message"]
    );
}

#[test]
fn area_names_in_both_profiles() {
    for profile in Profile::ALL {
        for (area, name) in AREAS.iter().enumerate() {
            assert_eq!(
                at(area as u8, 2, 0, profile).area_name(),
                Field::Value(*name)
            );
        }
    }
    for area in 7..=15 {
        let doc = at(area, 2, 0, Profile::DOC);
        assert!(
            doc.area_name().is_implementation_defined(),
            "doc area {area}"
        );
        assert_eq!(
            doc.implementation_defined().collect::<Vec<_>>(),
            ["area_name"]
        );
        assert_eq!(
            at(area, 2, 0, Profile::AMP_2_3_0).area_name(),
            Field::Null,
            "amp area {area}"
        );
    }
}

#[test]
fn message_depends_on_bits_27_to_20_only() {
    for profile in Profile::ALL {
        for category in 0..=255u8 {
            let reference = at(0, category, 0, profile).message();
            for (area, detail) in [(1, 1), (6, 0x194), (9, 0xFFFFF), (15, 0x80000)] {
                assert_eq!(at(area, category, detail, profile).message(), reference);
            }
        }
    }
}
