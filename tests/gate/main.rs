//! The conformance gate: decoders that misbehave in every way (`decoders`, `hostile`),
//! untrusted peers, inputs and outputs (`trust`), and the reports (`report`, `html`).
//!
//! One test binary per component: its modules share one link and one process.

#[path = "../common/mod.rs"]
mod common;

mod decoders;
mod hostile;
mod html;
mod report;
mod trust;
