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
//! The gate's core, from the case up; the peers live in rooms of their own beside it:
//! [`crate::decoder`] (a process over protocol v1) and, with the `player` feature,
//! `crate::player` (a player build in headless Chromium), both on `crate::process`
//! (starting an untrusted program and making sure nothing of it outlives amperr).
//! - [`case`]: what one check does to the peer (its stimulus) and what is expected;
//! - [`corpus`]: the deterministic cases of a profile, with stable ids;
//! - [`transport`]: how a room starts a peer on cases and gives back its answer lines,
//!   and how an answer names the request it answers ([`transport::Echo`]);
//! - `blame`: the pure search that decides which case a failure belongs to, if any;
//! - `runner`: the session logic that drives runs through a transport
//!   ([`run_transport`]), judges each answer (`judge`) and applies the search's
//!   decisions; its answer steps are the ones the live decoder takes;
//! - [`report`] and [`xfail`]: what a run found, in every format, and the failures known.
//!
//! A new gate adds a room (a [`transport::Transport`]) and, for a new kind of case, a
//! [`case::Stimulus`]; the core stays as it is.

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
pub use crate::process::program_file;
pub use report::{Conclusion, Report};
#[cfg(feature = "internal")]
#[doc(hidden)]
pub use runner::record;
pub use runner::{Options, run_transport};
pub use shutdown::Shutdown;
pub use xfail::Xfail;
