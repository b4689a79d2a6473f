//! The oracle: the published and the 2.3.0 tables, messages, parsing, the bit-field
//! invariants, a third profile, the examples, and the exhaustive sweep (`#[ignore]`d here;
//! `.ci/run` runs it in release: `cargo test --release --test oracle sweep:: -- --ignored`).
//!
//! One test binary per component: its modules share one link and one process.

#[path = "../common/mod.rs"]
mod common;

mod examples;
mod invariants;
mod messages;
mod parse;
mod sweep;
mod tables;
mod third_profile;
