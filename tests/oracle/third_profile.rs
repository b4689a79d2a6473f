//! A profile is data: adding a third one is adding its data file, and no code.
//!
//! The test copies the crate (sources, build script, examples, manifest, lock file) into a
//! temporary directory, drops `tests/fixtures/profiles/doc-renamed.toml` (the published
//! page's profile with one code renamed and one added that the build must put in the wide
//! list) into its `src/catalog/`, builds the bare oracle
//! from it (`--no-default-features`, so this also shows that the core builds and works on
//! serde and thiserror alone), and decodes with the new profile through the `decode`
//! example. Nothing outside `src/catalog/` is touched.
//!
//! It builds offline into `target/third-profile/` (kept between runs, so only the first
//! run compiles the core's few dependencies).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn run(command: &mut Command) -> Output {
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{command:?} failed:\n{}\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    out
}

#[test]
fn a_third_profile_is_a_data_file_and_nothing_else() {
    let copy = tempfile::tempdir().unwrap();
    let crate_dir = copy.path();
    for file in ["Cargo.toml", "Cargo.lock", "build.rs"] {
        std::fs::copy(root().join(file), crate_dir.join(file)).unwrap();
    }
    for dir in ["src", "examples", "benches"] {
        copy_dir(&root().join(dir), &crate_dir.join(dir));
    }
    std::fs::copy(
        root().join("tests/fixtures/profiles/doc-renamed.toml"),
        crate_dir.join("src/catalog/doc-renamed.toml"),
    )
    .unwrap();

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    run(Command::new(&cargo)
        .args(["build", "--offline", "--locked", "--no-default-features"])
        .args(["--example", "decode"])
        .current_dir(crate_dir)
        .env("CARGO_TARGET_DIR", root().join("target/third-profile")));
    let example = root().join("target/third-profile/debug/examples/decode");

    // Every profile decodes the code; the new one under its new name.
    let out = run(Command::new(&example).arg("0x20200194"));
    let lines = text(&out.stdout);
    assert!(
        lines.contains("  doc-renamed networkErrHttpNotFound: \"A network error caused the video download to fail part-way.\""),
        "{lines}"
    );
    assert!(
        lines.contains("  doc        networkErrHttpUrlNotFound:"),
        "{lines}"
    );
    assert!(
        lines.contains("  amp-2.3.0  networkErrHttpUrlNotFound:"),
        "{lines}"
    );

    // A code whose slot in its category's table another code holds: found in the wide
    // list the build wrote, and the code in the slot still found.
    let out = run(Command::new(&example).args([
        "--profile",
        "doc-renamed",
        "0x00200594",
        "0x00200194",
        "0x00200994",
    ]));
    assert_eq!(
        text(&out.stdout),
        "0x00200594\n  doc-renamed networkErrFixtureWide: \"A network error caused the video download to fail part-way.\"\n\
         0x00200194\n  doc-renamed networkErrHttpNotFound: \"A network error caused the video download to fail part-way.\"\n\
         0x00200994\n  doc-renamed undocumented detail in a known category: \"A network error caused the video download to fail part-way.\"\n"
    );

    // The new profile is a profile like the others: chosen by its id, listed when an
    // unknown one is asked for, the default unchanged.
    let out =
        run(Command::new(&example).args(["--profile", "doc-renamed", "networkErrHttpNotFound"]));
    assert!(text(&out.stdout).starts_with("0x00200194\n  doc-renamed networkErrHttpNotFound:"));
    let out = Command::new(&example)
        .args(["--profile", "nope", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr).trim_end(),
        "unknown profile \"nope\": the profiles are doc (the published page), amp-2.3.0 (the shipped 2.3.0 player), doc-renamed (a test fixture)"
    );
}
