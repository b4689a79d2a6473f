//! The subcommands, one module per part of the library they shell over.

use std::io::{self, Write};
use std::process::ExitCode;

pub mod gate;
pub mod oracle;
pub mod scan;

/// Prints a rendered report and exits with `status`: a reader that went away
/// (`amperr ... | head`) does not turn a verdict into success.
pub fn print_with_status(rendered: &str, status: u8) -> io::Result<ExitCode> {
    let mut out = io::stdout().lock();
    match out
        .write_all(rendered.as_bytes())
        .and_then(|()| out.flush())
    {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(e),
        _ => Ok(ExitCode::from(status)),
    }
}
