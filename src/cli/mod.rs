//! The subcommands, one module per part of the library they shell over.

pub mod gate;
pub mod oracle;
pub mod scan;
