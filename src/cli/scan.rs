//! `scan`: find, decode and gate the error codes in logs.

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::PathBuf;

use amperr::escape::{Lines, untrusted};
use amperr::scan::{FailOn, Scan};
use clap::{Args, ValueEnum};
use flate2::bufread::MultiGzDecoder;

use super::{Outcome, ProfileArg};

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
    /// A code not documented: a reserved area, an unknown category, or bits 27-0 not a row
    /// of the profile's table
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

/// The bytes a gzip file starts with.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// A source, gunzipped when it starts with gzip's magic bytes (and whether it is).
fn open(mut reader: impl Read + 'static) -> io::Result<(Box<dyn Read>, bool)> {
    // A pipe may hand out fewer bytes than the magic in a read: read until it is all in
    // (or the source ends), then put what was read back in front of the rest.
    let mut magic = Vec::with_capacity(GZIP_MAGIC.len());
    (reader.by_ref())
        .take(GZIP_MAGIC.len() as u64)
        .read_to_end(&mut magic)?;
    let gzip = magic == GZIP_MAGIC;
    let reader = io::Cursor::new(magic).chain(reader);
    Ok(if gzip {
        let reader = BufReader::with_capacity(64 * 1024, reader);
        (Box::new(MultiGzDecoder::new(reader)), true)
    } else {
        // The scan reads in large blocks of its own: no buffer in between.
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
            eprintln!("amperr: {}", untrusted(&error, Lines::Escape));
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

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};

    use super::open;

    /// A source that hands out one byte per read, as a pipe may when its writer is slow.
    struct OneByteAtATime(Vec<u8>, usize);

    impl Read for OneByteAtATime {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = buf.len().min(self.0.len() - self.1).min(1);
            buf[..n].copy_from_slice(&self.0[self.1..self.1 + n]);
            self.1 += n;
            Ok(n)
        }
    }

    /// What `open` reads from `bytes` handed out a byte at a time, and whether as gzip.
    fn opened(bytes: &[u8]) -> (String, bool) {
        let (mut reader, gzip) = open(OneByteAtATime(bytes.to_vec(), 0)).unwrap();
        let mut read = Vec::new();
        reader.read_to_end(&mut read).unwrap();
        (String::from_utf8_lossy(&read).into_owned(), gzip)
    }

    #[test]
    fn gzip_is_detected_when_the_first_read_holds_one_byte() {
        let log = "error (0x20200194)\n";
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(log.as_bytes()).unwrap();
        let gz = encoder.finish().unwrap();
        assert_eq!(opened(&gz), (log.to_string(), true));
        // Plain text read a byte at a time loses none of its bytes to the detection.
        for plain in ["", "e", "\x1f", "\x1fx", log] {
            assert_eq!(opened(plain.as_bytes()), (plain.to_string(), false));
        }
    }
}
