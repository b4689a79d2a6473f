//! amperr: the reference oracle for Azure Media Player (AMP) error codes.
//!
//! AMP reports a failure as a 32-bit code: bits 31-28 name the playback technology (the
//! *area*), bits 27-20 the *category* (which also picks the message the viewer sees) and
//! bits 19-0 the *detail*. This crate decodes any such code exactly, under one of two
//! profiles: `doc`, the published page (the default), and `amp-2.3.0`, what the shipped
//! 2.3.0 player really does. Third-party decoders are judged against it.
//!
//! Data flows one way: [`catalog`] (each profile's data) → [`mod@decode`] → rendering and the
//! command line. [`code`] holds the bit fields, [`parse`] the forms people paste.
//!
//! # Invariants
//!
//! The oracle's correctness is shown, not assumed: [`invariants`] states ten invariants,
//! each checked by its own property test, by the `decode` fuzz target, and (the agreement
//! with an independent [`model`]) for all 2^32 codes by the exhaustive sweep.
//!
//! # Example
//!
//! ```
//! use amperr::{decode, parse_code, Class, Profile};
//!
//! let code = parse_code("0x20200194").unwrap();
//! let d = decode(code, Profile::DOC);
//! assert_eq!(d.area_name().value(), Some("AzureHtml5JS"));
//! assert_eq!(d.name(), Some("networkErrHttpUrlNotFound"));
//! assert_eq!(d.http_status(), Some(404));
//! assert_eq!(d.message().value(), Some("A network error caused the video download to fail part-way."));
//! assert_eq!(d.class(), Class::Documented);
//! ```

pub mod catalog;
pub mod code;
pub mod decode;
pub mod escape;
pub mod fuzz;
pub mod gate;
pub mod invariants;
pub mod lines;
pub mod model;
pub mod output;
pub mod parse;
pub mod render;
pub mod scan;
pub mod spec;

pub use catalog::{Catalog, Field, Profile};
pub use code::{Code, ComposeError};
pub use decode::{Class, Decoded, MissingPlugins, decode};
pub use parse::{ParseError, parse_code};
