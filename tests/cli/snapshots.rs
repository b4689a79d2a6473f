//! Snapshots (insta) of everything a user reads: every category's message and name, each
//! profile's whole catalog, `amperr decode` on the page's and the field's codes, and the
//! help texts. They live in the top-level `snapshots/`. Review a change with
//! `cargo insta review`; CI never writes one (`INSTA_UPDATE=no`) and rejects unreferenced
//! snapshot files.

use std::fmt::Write as _;
use std::process::Command;

use amperr::{Code, Field, Profile, decode, spec};

use crate::common;

/// The page's worked examples, then the codes the facts file reports from the wild and
/// from how the runtime builds codes.
const EXAMPLES: [&str; 8] = [
    "0x10600001",
    "0x20200194",
    "0x20400003",
    "0x20100002",
    "0x20500006",
    "0x202001AD",
    "0x10600003",
    "0x50400000",
];

fn snapshot(name: &str, value: &str) {
    insta::with_settings!({ snapshot_path => "../../snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!(name, value);
    });
}

fn amperr(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_amperr"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "amperr {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn shown(field: Field<&str>) -> String {
    match field {
        Field::Value(v) => format!("{v:?}"),
        Field::Null => "null".to_string(),
        Field::ImplementationDefined(_) => "implementation-defined".to_string(),
    }
}

#[test]
fn every_category_message_and_name() {
    for profile in Profile::ALL {
        let mut table = String::new();
        for category in 0..=255u8 {
            let d = decode(Code::compose(0, category, 0).unwrap(), profile);
            let (name, message) = (shown(d.category_name()), shown(d.message()));
            writeln!(table, "{category:#04X} {name} {message}").unwrap();
        }
        snapshot(&format!("messages-{}", profile.id()), &table);
    }
}

#[test]
fn whole_catalog() {
    for profile in Profile::ALL {
        snapshot(
            &format!("catalog-{}", profile.id()),
            &spec::json(profile.catalog()).unwrap(),
        );
    }
}

#[test]
fn decode_examples_as_text_and_json() {
    for profile in Profile::ALL {
        for format in ["text", "json"] {
            let mut args = vec!["decode", "--profile", profile.id(), "--format", format];
            args.extend(EXAMPLES);
            snapshot(&format!("decode-{format}-{}", profile.id()), &amperr(&args));
        }
    }
}

#[test]
fn help_texts() {
    snapshot("help", &amperr(&["--help"]));
    for command in common::COMMANDS {
        snapshot(&format!("help-{command}"), &amperr(&[command, "--help"]));
    }
}
