//! Every form people paste, and every form refused with a reason.

use amperr::parse::Reason;
use amperr::{Code, parse_code};

#[test]
fn accepted_forms() {
    let cases: &[(&str, u32)] = &[
        ("0x0600003", 0x0060_0003),
        ("0x00600003", 0x0060_0003),
        ("0x600003", 0x0060_0003),
        ("0X20200194", 0x2020_0194),
        ("0x2020019a", 0x2020_019A),
        ("0xFFFFFFFF", u32::MAX),
        ("0x0", 0),
        ("538968468", 0x2020_0194),
        ("0", 0),
        ("4294967295", u32::MAX),
        ("-1", u32::MAX),
        ("-2147483648", 0x8000_0000),
        ("-0", 0),
        ("networkErrHttpUrlNotFound", 0x020_0194),
        ("amp.errorCode.networkErrHttpUrlNotFound", 0x020_0194),
        ("networkErrErr", 0x020_0259),
        ("networkErrError", 0x020_0259),
        ("abortedErrEnd", 0x01F_FFFF),
        ("(0x20200194)", 0x2020_0194),
        ("(0x600001)", 0x0060_0001),
        ("  0x20200194\t", 0x2020_0194),
        ("\u{feff}0x20200194", 0x2020_0194),
        ("\"(0x20200194)\"", 0x2020_0194),
        ("\"538968468\"", 0x2020_0194),
    ];
    for (input, value) in cases {
        assert_eq!(parse_code(input), Ok(Code(*value)), "{input:?}");
    }
}

#[test]
fn refused_forms_name_the_input_and_the_accepted_forms() {
    let cases: &[(&str, Reason)] = &[
        ("", Reason::Empty),
        ("   ", Reason::Empty),
        ("0x", Reason::BadHex),
        ("0xg1", Reason::BadHex),
        ("0x+1", Reason::BadHex),
        ("0x123456789", Reason::TooManyHexDigits(9)),
        ("0x000000001", Reason::TooManyHexDigits(9)),
        ("4294967296", Reason::OutOfRange),
        ("99999999999999999999999", Reason::OutOfRange),
        ("-2147483649", Reason::NegativeOutOfRange),
        ("-99999999999999999999999", Reason::NegativeOutOfRange),
        ("\"", Reason::Unrecognized),
        ("\"0x1", Reason::Unrecognized),
        ("+1", Reason::Unrecognized),
        ("-", Reason::Unrecognized),
        ("-0x1", Reason::Unrecognized),
        ("1.5", Reason::Unrecognized),
        ("20200194h", Reason::Unrecognized),
        ("(20200194)", Reason::Unrecognized),
        ("(0x20200194", Reason::Unrecognized),
        (
            "networkErrNoInternet",
            Reason::UnknownName { suggestion: None },
        ),
        ("amp.errorCode.", Reason::Unrecognized),
        (
            "amp.errorCode.nope",
            Reason::UnknownName { suggestion: None },
        ),
        (
            "ERRUNKNOWN",
            Reason::UnknownName {
                suggestion: Some("errUnknown"),
            },
        ),
    ];
    for (input, reason) in cases {
        let err = parse_code(input).unwrap_err();
        assert_eq!(err.reason(), reason, "{input:?}");
        let message = err.to_string();
        assert!(message.contains(&format!("{input:?}")), "{message}");
        assert!(message.contains("accepted:"), "{message}");
    }
}
