//! The decoder's room: a third-party decoder, a process that speaks protocol v1 over its
//! stdin and stdout (`docs/PROTOCOL.md`), as a [`Transport`](crate::gate::transport::Transport).
//!
//! - [`pipe`]: the transport: a fresh process per run, its requests written and its
//!   answers read by threads of their own, so the gate never waits on the decoder;
//! - `live` (crate-private): one process kept alive and asked one code at a time, for
//!   the fuzz targets' differential check; it takes the run loop's own steps;
//! - [`adapter`]: a decoder on the oracle itself, the reference the examples wrap.
//!
//! The gate's core (`crate::gate`) knows none of this: it runs cases through any
//! transport. This room gives it the decoder, and [`run`] the one-call way to use it.

use std::collections::BTreeSet;

use crate::gate::corpus::Corpus;
use crate::gate::report::Report;
use crate::gate::runner::{Options, run_transport};
use crate::gate::xfail::Scope;

pub mod adapter;
// Only this crate's own fuzz targets ask a decoder one code at a time.
#[cfg(any(feature = "verify", feature = "internal"))]
pub(crate) mod live;
pub mod pipe;

pub use pipe::{Pipe, PipeSession};

/// Runs the decoder `argv` (protocol v1 over pipes) over the corpus and reports.
/// `progress` is told how many cases have a verdict as they get one.
pub fn run(
    argv: &[String],
    corpus: &Corpus,
    options: &Options,
    progress: &mut dyn FnMut(usize),
) -> Report {
    run_recording(argv, corpus, options, progress).0
}

/// [`run`], also returning every failure as `(case index, scope)`, for a baseline
/// (`xfail::baseline`).
pub fn run_recording(
    argv: &[String],
    corpus: &Corpus,
    options: &Options,
    progress: &mut dyn FnMut(usize),
) -> (Report, BTreeSet<(usize, Scope)>) {
    run_transport(&mut Pipe::new(argv.to_vec()), corpus, options, progress)
}
