//! `scan`: find, decode and gate the error codes in logs.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::PathBuf;

use amperr::escape::{Lines, untrusted};
use amperr::scan::{FailOn, Scan};
use clap::{Args, ValueEnum};
use flate2::read::MultiGzDecoder;

use super::Outcome;
use crate::ProfileArg;

#[derive(Args)]
pub struct ScanArgs {
    #[command(flatten)]
    profile: ProfileArg,
    /// text for people; json for machines
    #[arg(long, value_enum, default_value_t = ScanFormat::Text)]
    format: ScanFormat,
    /// Exit 1 when a code of this kind occurs (repeatable)
    #[arg(long, value_enum, value_name = "KIND")]
    fail_on: Vec<FailOnArg>,
    /// Log files, plain or gzip (`-` or none: stdin)
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ScanFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum FailOnArg {
    /// A code whose bits 27-0 are not a row of the profile's table
    Undocumented,
    /// A code whose category the profile does not name
    UnknownCategory,
    /// A code whose area the profile does not name (7..15)
    ReservedArea,
}

impl From<FailOnArg> for FailOn {
    fn from(arg: FailOnArg) -> FailOn {
        match arg {
            FailOnArg::Undocumented => FailOn::Undocumented,
            FailOnArg::UnknownCategory => FailOn::UnknownCategory,
            FailOnArg::ReservedArea => FailOn::ReservedArea,
        }
    }
}

/// A source, gunzipped when it starts with gzip's magic bytes (and whether it is).
fn open(reader: impl Read + 'static) -> io::Result<(Box<dyn Read>, bool)> {
    let mut reader = BufReader::with_capacity(64 * 1024, reader);
    let gzip = reader.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    Ok(if gzip {
        (Box::new(MultiGzDecoder::new(reader)), true)
    } else {
        (Box::new(reader), false)
    })
}

pub fn run_scan(args: ScanArgs) -> Outcome {
    let mut scan = Scan::new();
    let mut errors = Vec::new();
    let stdin_only = [PathBuf::from("-")];
    let files = if args.files.is_empty() {
        &stdin_only[..]
    } else {
        &args.files[..]
    };
    for path in files {
        let name = if path.as_os_str() == "-" {
            "stdin".to_string()
        } else {
            path.display().to_string()
        };
        let reader = if path.as_os_str() == "-" {
            open(io::stdin())
        } else {
            File::open(path).and_then(open)
        };
        let mut gzip = false;
        let result = reader.and_then(|(reader, is_gzip)| {
            gzip = is_gzip;
            scan.scan(&name, reader)
        });
        if let Err(e) = result {
            // The other files are still scanned; the codes read before the error count.
            let error = match gzip {
                true => format!(
                    "cannot read {name} as gzip: {e} (the codes before it are counted; \
                     accepted: plain text or whole gzip members)"
                ),
                false => format!("cannot read {name}: {e}"),
            };
            let error = untrusted(&error, Lines::Escape).into_owned();
            eprintln!("amperr: {error}");
            errors.push(error);
        }
    }
    let fail_on: Vec<FailOn> = args.fail_on.into_iter().map(FailOn::from).collect();
    let report = scan.report(args.profile.profile, &fail_on, errors);
    let rendered = match args.format {
        ScanFormat::Text => report.text(),
        // A report that does not serialize is an error (exit 2), never an empty one.
        ScanFormat::Json => report
            .json()
            .map_err(|e| io::Error::other(format!("cannot write the scan report as JSON: {e}")))?,
    };
    super::print_with_status(&rendered, report.exit_code())
}
