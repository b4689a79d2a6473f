//! The faults gate's data: scenarios (a source, a tech order, one fault on the network)
//! and what the player should raise for each, under each profile.
//!
//! `check-player` hands a player a code; what a team ships must also raise the right code
//! when the real thing fails. A [`Scenario`] says what fails: the player is given a source
//! and a tech order, amperr answers every request it makes, and one of them (the manifest,
//! an init or media segment, a key, a license, a URL) gets the fault: an HTTP status, a
//! connection closed, refused or reset, no answer at all, or a body that is garbage,
//! truncated or corrupt. The expected code comes from the published page (`doc`), from the
//! facts of the shipped player where they go (`amp-2.3.0`), or is derived as the page's
//! table builds it (the area from the tech, the category from what failed, the detail from
//! the HTTP status).
//!
//! Scenarios are data, like profiles: the default set is `scenarios.toml`, compiled in, and
//! a team adds its own with a file of the same form ([`mod@file`]). Each scenario is interned
//! once per process ([`ScenarioId`]), so a case names one in two bytes and its id and
//! expectation are found from the case alone.
//!
//! [`serve`] is what the player's requests get for a scenario: the stream's files, with the
//! scenario's fault on the request it targets.

pub mod file;
mod scenario;
pub mod serve;
pub mod stream;

pub use file::{ScenarioError, default_set, parse};
pub use scenario::{Basis, Expect, Fault, Scenario, ScenarioId, SourceKind, Target, Tech, What};
