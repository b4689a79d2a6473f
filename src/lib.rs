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
//! The oracle's correctness is shown, not assumed. Each invariant below has its own
//! property test in `tests/invariants.rs`, run over every value either profile names with
//! every area, and over codes weighted to the field boundaries:
//!
//! 1. The fields recompose: `(area << 28) | (category << 20) | detail == code`.
//! 2. The area never changes the name, aliases, description, category or message.
//! 3. The user message depends on bits 27-20 only.
//! 4. A name is present exactly when bits 27-0 are a named row of the profile's table, and
//!    composing that name (or an alias) with the area gives the code back.
//! 5. `parse(format(code)) == code` for every output form (hex, decimal, signed decimal,
//!    `"(0x...)"`), and every name parses to its value.
//! 6. The JSON output parses back to the same fields.
//! 7. Fields are implementation-defined exactly where the profile's source is silent.
//! 8. The HTTP status and the missing plugins follow from the detail alone.
//! 9. The oracle agrees with an independent model ([`model`]) on every field; the
//!    exhaustive sweep (`tests/sweep.rs`) checks this for all 2^32 codes.
//! 10. The page's "Categorizing errors" chain (`code & xxxErrStart`, first match wins)
//!     disagrees with the true category exactly on the categories whose values share bits.
//!
//! # Example
//!
//! ```
//! use amperr::{decode, parse_code, Class, Profile};
//!
//! let code = parse_code("0x20200194").unwrap();
//! let d = decode(code, Profile::Doc);
//! assert_eq!(d.area_name().value(), Some("AzureHtml5JS"));
//! assert_eq!(d.name(), Some("networkErrHttpUrlNotFound"));
//! assert_eq!(d.http_status(), Some(404));
//! assert_eq!(d.message().value(), Some("A network error caused the video download to fail part-way."));
//! assert_eq!(d.class(), Class::Documented);
//! ```

pub mod atomic;
pub mod catalog;
pub mod code;
pub mod decode;
pub mod gate;
pub mod lines;
pub mod model;
pub mod parse;
pub mod render;
pub mod spec;

pub use catalog::{Catalog, Field, Profile};
pub use code::{Code, ComposeError};
pub use decode::{Class, Decoded, MissingPlugins, decode};
pub use parse::{ParseError, parse_code};
