//! The conformance gate: runs any decoder, in any language, against the oracle.
//!
//! A third-party decoder speaks protocol v1 ([`protocol`], `docs/PROTOCOL.md`) over its
//! stdin and stdout. The gate generates a deterministic [`corpus`] of cases from the
//! oracle and feeds them to the decoder; every answer is judged field by field, and what
//! failed is grouped into a [`report`]. The decoder is never trusted: it may crash, hang,
//! flood, lie, fall out of step or stop reading, and the gate still ends, reaps it and
//! says exactly where it diverged.
//!
//! ```no_run
//! use amperr::Profile;
//! use amperr::gate::{self, Corpus, Options};
//!
//! let argv = ["python3", "my_decoder.py"].map(String::from);
//! let corpus = Corpus::generate(Profile::DOC, 0, 0);
//! let report = gate::run(&argv, &corpus, &Options::default(), &mut |_done| {});
//! println!("{}", report.text());
//! std::process::exit(report.exit_code().into());
//! ```
//!
//! The layers, from the operating system up (the first four are the crate's own):
//! - `process`: starting an untrusted program and making sure nothing of it outlives
//!   amperr (process groups, cookies, the parent-death signal, reaping; [`Shutdown`]
//!   for a signal handler);
//! - [`transport`]: how requests reach a peer and answers come back, with [`Pipe`] (a
//!   process over protocol v1) and, with the `player` feature, `player::Player` (a player
//!   build in headless Chromium, judged by its error overlay) as its implementations;
//! - `blame`: the pure search that decides which case a failure belongs to, if any;
//! - `runner`: the session logic that drives runs through a transport ([`run_transport`]),
//!   judges each answer and applies the search's decisions; `LiveDecoder` (crate-private:
//!   the fuzz targets' differential check) asks one code at a time.

pub(crate) mod blame;
pub mod case;
pub mod corpus;
pub mod field;
pub(crate) mod judge;
pub(crate) mod outcome;
pub mod protocol;
pub mod report;
pub(crate) mod runner;
pub(crate) mod shutdown;
pub mod transport;
pub mod vectors;
pub mod xfail;

#[cfg(feature = "internal")]
#[doc(hidden)]
pub use crate::decoder::live::LiveDecoder;
pub use corpus::Corpus;
pub use field::{FieldMap, FieldName};
// The decoder's room is the gate's everyday use: `gate::run` runs one.
pub use crate::decoder::{Pipe, PipeSession, run, run_recording};
pub use crate::process::{only_gate_children, program_file};
pub use report::{Conclusion, Report};
#[cfg(feature = "internal")]
#[doc(hidden)]
pub use runner::record;
pub use runner::{Options, run_transport};
pub use shutdown::Shutdown;
pub use xfail::Xfail;
