//! The conformance gate: runs any decoder, in any language, against the oracle.
//!
//! A third-party decoder speaks protocol v1 ([`protocol`], `docs/PROTOCOL.md`) over its
//! stdin and stdout. The gate generates a deterministic [`corpus`] of cases from the
//! oracle and feeds them to the decoder; every answer is [`judge`]d field by field, and
//! what failed is grouped into a [`report`]. The decoder is never trusted: it may crash,
//! hang, flood, lie, fall out of step or stop reading, and the gate still ends, reaps it
//! and says exactly where it diverged.
//!
//! The layers, from the operating system up:
//! - [`process`]: starting an untrusted program and making sure nothing of it outlives
//!   amperr (process groups, cookies, the parent-death signal, reaping);
//! - [`transport`]: how requests reach a peer and answers come back, with [`pipe`] (a
//!   process over protocol v1) as its implementation;
//! - [`blame`]: the pure search that decides which case a failure belongs to, if any;
//! - [`runner`]: the session logic that drives runs through a transport, judges each
//!   answer and applies the search's decisions; [`live`] asks one code at a time.

pub mod adapter;
pub mod blame;
pub mod corpus;
pub mod field;
pub mod judge;
pub mod live;
pub mod pipe;
pub mod process;
pub mod protocol;
pub mod report;
pub mod runner;

pub mod transport;
pub mod vectors;
pub mod xfail;

pub use corpus::Corpus;
pub use field::{FieldMap, FieldName};
pub use live::LiveDecoder;
pub use report::{Conclusion, Report};
pub use runner::{Options, run, run_recording, run_transport};
pub use xfail::Xfail;
