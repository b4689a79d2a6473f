//! amperr: the reference oracle for Azure Media Player (AMP) error codes.
//!
//! AMP reports a failure as a 32-bit code: bits 31-28 name the playback technology (the
//! *area*), bits 27-20 the *category* (which also picks the message the viewer sees) and
//! bits 19-0 the *detail*. This crate decodes any such code exactly, under a *profile*:
//! `doc`, the published page (the default), or `amp-2.3.0`, what the shipped 2.3.0 player
//! really does. Third-party decoders are judged against it.
//!
//! # The oracle
//!
//! With `default-features = false` the crate is the oracle alone, on serde and thiserror:
//! [`code`] holds the bit fields, [`catalog`] each profile's data (compiled in from one
//! data file per profile), [`mod@decode`] what a code means, [`parse`] the forms people
//! paste, [`render`] and [`spec`] text for people. Data flows one way: catalog → decode →
//! everything else. `decode` never panics and never allocates.
//!
//! ```
//! use amperr::{Class, Profile, decode, parse_code};
//!
//! let code = parse_code("0x20200194").unwrap();
//! let d = decode(code, Profile::DOC);
//! assert_eq!(d.area_name().value(), Some("AzureHtml5JS"));
//! assert_eq!(d.name(), Some("networkErrHttpUrlNotFound"));
//! assert_eq!(d.http_status(), Some(404));
//! assert_eq!(d.message().value(), Some("A network error caused the video download to fail part-way."));
//! assert_eq!(d.class(), Class::Documented);
//! ```
//!
//! # Features
//!
//! | feature | adds |
//! |---|---|
//! | `json` | JSON for a decoded code and a catalog (`render::json_line`, `spec::json`) |
//! | `gate` | [`gate`]: the conformance gate; [`decoder`]: a decoder process as its peer |
//! | `scan` | [`scan`]: finding, counting and judging the codes in logs |
//! | `table` | [`table`]: checking a player build's `amp.errorCode` table |
//! | `player` | `player`: gating a player build in headless Chromium by its error overlay |
//! | `cli` (default) | all of the above and the `amperr` command |
//!
//! The `verify` feature (this crate's own tests and fuzz targets) adds the hidden
//! `verify` module: the independent model, the invariants and the fuzz bodies that prove
//! the oracle. The `internal` feature makes public, hidden, the few crate-private pieces
//! this crate's tests and benches drive directly (a run's tally, the live decoder). Neither
//! is part of the API.
#![deny(unsafe_code)]

pub mod catalog;
pub mod code;
pub mod decode;
pub mod escape;
pub mod parse;
pub mod render;
pub mod spec;

#[cfg(feature = "gate")]
pub mod decoder;
#[cfg(feature = "gate")]
pub mod faults;
#[cfg(feature = "gate")]
pub mod gate;
#[cfg(feature = "gate")]
pub mod lines;
#[cfg(feature = "gate")]
pub mod output;
#[cfg(feature = "player")]
pub mod player;
#[cfg(feature = "gate")]
pub(crate) mod process;
#[cfg(feature = "scan")]
pub mod scan;
#[cfg(feature = "table")]
pub mod table;
#[cfg(feature = "verify")]
#[doc(hidden)]
pub mod verify;

pub use catalog::{Catalog, Field, NamedCodeError, Profile};
pub use code::{Code, ComposeError};
pub use decode::{Class, Decoded, MissingPlugins, decode};
pub use parse::{ParseError, parse_code};
