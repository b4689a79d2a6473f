//! The page's worked examples and the codes the facts file reports from the wild.

use amperr::render::overlay;
use amperr::{Class, Code, Field, Profile, decode};

#[test]
fn page_example_0x10600001() {
    let d = decode(Code(0x1060_0001), Profile::DOC);
    assert_eq!(d.area_name(), Field::Value("AMP"));
    assert_eq!(
        d.message(),
        Field::Value("No compatible source was found for this video.")
    );
    assert_eq!(d.name(), Some("srcPlayerMismatchFlashNotInstalled"));
    let missing = d.missing_plugins().unwrap();
    assert!(missing.flash && !missing.silverlight);
}

#[test]
fn page_example_0x20200194() {
    let d = decode(Code(0x2020_0194), Profile::DOC);
    assert_eq!(d.area_name(), Field::Value("AzureHtml5JS"));
    assert_eq!(
        d.message(),
        Field::Value("A network error caused the video download to fail part-way.")
    );
    assert_eq!(d.name(), Some("networkErrHttpUrlNotFound"));
    assert_eq!(d.http_status(), Some(404));
}

#[test]
fn wild_0x20400003_was_shown_with_the_corruption_text() {
    let (text, line) = overlay(Code(0x2040_0003), Profile::AMP_2_3_0).unwrap();
    assert!(text.unwrap().contains("corruption problem"));
    assert_eq!(line, "(0x20400003)");
    assert_eq!(
        decode(Code(0x2040_0003), Profile::AMP_2_3_0).name(),
        Some("srcErrUnsupportedPresentation")
    );
    // The page would have said otherwise: its SRC_NOT_SUPPORTED text is the other one.
    let doc = decode(Code(0x2040_0003), Profile::DOC)
        .message()
        .value()
        .unwrap();
    assert!(doc.starts_with("The video could not be loaded"));
}

#[test]
fn wild_0x20100002_was_shown_as_video_playback_aborted() {
    assert_eq!(
        overlay(Code(0x2010_0002), Profile::AMP_2_3_0).unwrap().0,
        Some("Video playback aborted.")
    );
    assert_eq!(
        decode(Code(0x2010_0002), Profile::AMP_2_3_0).name(),
        Some("abortedErrHttpMixedContentBlocked")
    );
}

#[test]
fn wild_0x20500006_is_license_acquire_failed_in_azure_html5_js() {
    for profile in Profile::ALL {
        let d = decode(Code(0x2050_0006), profile);
        assert_eq!(d.name(), Some("encryptErrLicenseAcquire"));
        assert_eq!(d.area_name(), Field::Value("AzureHtml5JS"));
    }
}

#[test]
fn runtime_built_codes() {
    // HTTP 429 becomes 0x0200000 | status: name-less, but still an HTTP status.
    let d = decode(Code(0x2020_01AD), Profile::AMP_2_3_0);
    assert_eq!(
        (d.name(), d.http_status(), d.class()),
        (None, Some(429), Class::UndocumentedDetail)
    );
    // A native media element error: MediaError code 4 shifted into the category.
    let d = decode(Code(0x5040_0000), Profile::AMP_2_3_0);
    assert_eq!(
        (d.area_name(), d.name()),
        (Field::Value("Html5"), Some("srcErrUnknown"))
    );
    // No compatible tech, both plugins missing.
    let d = decode(Code(0x1060_0003), Profile::AMP_2_3_0);
    assert_eq!(d.name(), None, "0x0600003 is not in the runtime's table");
    assert_eq!(
        d.missing_plugins().unwrap().names().collect::<Vec<_>>(),
        ["Flash", "Silverlight"]
    );
    assert_eq!(
        overlay(Code(0x0060_0001), Profile::AMP_2_3_0).unwrap().1,
        "(0x600001)"
    );
}
