//! The conformance gate: runs any decoder, in any language, against the oracle.
//!
//! A third-party decoder speaks protocol v1 ([`protocol`], `docs/PROTOCOL.md`) over its
//! stdin and stdout. The gate generates a deterministic [`corpus`] of cases from the
//! oracle, feeds them to the decoder through the [`runner`], [`judge`]s every answer field
//! by field, and groups what failed into a [`report`]. The decoder is never trusted: it
//! may crash, hang, flood, lie or stop reading, and the gate still ends, reaps it and says
//! exactly where it diverged.

pub mod adapter;
pub mod corpus;
pub mod judge;
pub mod protocol;
pub mod report;
pub mod runner;
pub mod table;
pub mod vectors;
pub mod xfail;

pub use corpus::Corpus;
pub use protocol::FieldName;
pub use report::{Conclusion, Report};
pub use runner::{LiveDecoder, Options, run, run_recording};
pub use xfail::Xfail;
