//! `decode`, `spec` and `compose`: the oracle on the command line.

use std::io::{self, BufReader, BufWriter, Write};

use amperr::lines::{BoundedLines, Line};
use amperr::{Code, Decoded, Profile, decode, parse_code, render, spec};
use clap::{Args, ValueEnum};

use amperr::escape::{Lines, untrusted};

use super::{CliError, Outcome, ProfileArg};

/// The longest stdin line read as a code; a longer one is refused, not buffered.
const MAX_CODE_LINE: usize = 4096;

#[derive(Args)]
pub struct DecodeArgs {
    #[command(flatten)]
    profile: ProfileArg,
    /// text for people; json for one object per line
    #[arg(long, value_enum, default_value_t = DecodeFormat::Text)]
    format: DecodeFormat,
    /// Codes: 0x20200194, 538968468, -1, networkErrHttpUrlNotFound, "(0x20200194)".
    /// With none, one code per line is read from stdin
    #[arg(value_name = "CODE", allow_negative_numbers = true)]
    codes: Vec<String>,
}

#[derive(Args)]
pub struct SpecArgs {
    #[command(flatten)]
    profile: ProfileArg,
    #[arg(long, value_enum, default_value_t = SpecFormat::Json)]
    format: SpecFormat,
}

#[derive(Args)]
#[command(group = clap::ArgGroup::new("what").required(true).args(["name", "category"]))]
pub struct ComposeArgs {
    #[command(flatten)]
    profile: ProfileArg,
    #[arg(long, value_enum, default_value_t = DecodeFormat::Text)]
    format: DecodeFormat,
    /// The area, bits 31-28: 0..=15 or a name such as AzureHtml5JS
    #[arg(long)]
    area: String,
    /// The category, bits 27-20: 0..=255 (decimal or 0x hex)
    #[arg(long, requires = "detail", value_parser = number::<u8>)]
    category: Option<u8>,
    /// The detail, bits 19-0: 0..=0xFFFFF (decimal or 0x hex)
    #[arg(long, requires = "category", value_parser = number::<u32>)]
    detail: Option<u32>,
    /// An amp.errorCode name (or alias) of the profile, for bits 27-0
    #[arg(long, conflicts_with_all = ["category", "detail"])]
    name: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum DecodeFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum SpecFormat {
    Json,
    Markdown,
    Csv,
}

/// A number in decimal or `0x` hex, for `compose`'s fields.
fn number<T: TryFrom<u64>>(s: &str) -> Result<T, String> {
    let (digits, radix) = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) => (hex, 16),
        None => (s, 10),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return Err(format!(
            "{s:?} is not a number: use decimal (404) or 0x hex (0x194)"
        ));
    }
    let too_big = || format!("{s} is too large for this field");
    let value = u64::from_str_radix(digits, radix).map_err(|_| too_big())?;
    T::try_from(value).map_err(|_| too_big())
}

/// Writes decoded codes in the chosen format, separating text blocks by a blank line.
struct Printer<W: Write> {
    out: W,
    format: DecodeFormat,
    profile: Profile,
    printed: usize,
}

impl<W: Write> Printer<W> {
    fn print(&mut self, code: Code) -> io::Result<()> {
        let decoded: Decoded = decode(code, self.profile);
        match self.format {
            DecodeFormat::Json => {
                let line = render::json_line(&decoded).map_err(io::Error::other)?;
                writeln!(self.out, "{line}")?
            }
            DecodeFormat::Text => {
                if self.printed > 0 {
                    writeln!(self.out)?;
                }
                write!(self.out, "{}", render::text(&decoded))?;
            }
        }
        self.printed += 1;
        Ok(())
    }
}

pub fn run_decode(args: DecodeArgs) -> Outcome {
    let mut printer = Printer {
        out: BufWriter::new(io::stdout().lock()),
        format: args.format,
        profile: args.profile.profile,
        printed: 0,
    };
    let mut failed = false;
    let written =
        decode_all(&args.codes, &mut printer, &mut failed).and_then(|()| printer.out.flush());
    match written {
        // The reader went away: stop, but still say whether an input was bad.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
        other => other?,
    }
    // A bad input is a usage error (2), reported as it came; the good ones were decoded.
    Ok(if failed { 2 } else { 0 })
}

/// Decodes the arguments, or stdin's lines when there are none; sets `failed` on a bad one.
fn decode_all<W: Write>(
    codes: &[String],
    printer: &mut Printer<W>,
    failed: &mut bool,
) -> io::Result<()> {
    let mut report = |at: String, message: String| {
        // The input may be anything a log held: escaped like every untrusted text.
        eprintln!("amperr: {at}{}", untrusted(&message, Lines::Escape));
        *failed = true;
    };
    if !codes.is_empty() {
        for arg in codes {
            match parse_code(arg) {
                Ok(code) => printer.print(code)?,
                Err(e) => report(String::new(), e.to_string()),
            }
        }
        return Ok(());
    }
    let stdin = BufReader::with_capacity(64 * 1024, io::stdin().lock());
    let mut lines = BoundedLines::new(stdin, MAX_CODE_LINE);
    loop {
        // What is decoded is shown before amperr waits for more (`tail -f log | amperr
        // decode`), and only then: a write per line would slow a large batch down.
        if !lines.get_ref().buffer().contains(&b'\n') {
            printer.out.flush()?;
        }
        let Some(line) = lines.next() else { break };
        let (number, line) =
            line.map_err(|e| io::Error::new(e.kind(), format!("reading stdin: {e}")))?;
        let at = format!("stdin line {number}: ");
        match line {
            Line::Text(text) if text.trim().is_empty() => {}
            Line::Text(text) => match parse_code(&text) {
                Ok(code) => printer.print(code)?,
                Err(e) => report(at, e.to_string()),
            },
            Line::TooLong => report(at, format!("longer than {MAX_CODE_LINE} bytes, not a code")),
            Line::NotUtf8 => report(at, "not UTF-8 text, not a code".to_string()),
        }
    }
    Ok(())
}

pub fn run_spec(args: SpecArgs) -> Outcome {
    let catalog = args.profile.profile.catalog();
    let text = match args.format {
        SpecFormat::Json => spec::json(catalog).map_err(io::Error::other)?,
        SpecFormat::Markdown => spec::markdown(catalog),
        SpecFormat::Csv => spec::csv(catalog),
    };
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(0)
}

pub fn run_compose(args: ComposeArgs) -> Outcome {
    let profile = args.profile.profile;
    let composed = area_of(&args.area, profile).and_then(|area| {
        match (&args.name, args.category.zip(args.detail)) {
            (Some(name), _) => profile
                .catalog()
                .compose(area, name)
                .map_err(|e| e.to_string()),
            (None, Some((category, detail))) => {
                Code::compose(area, category, detail).map_err(|e| e.to_string())
            }
            (None, None) => Err("give --name, or --category and --detail".to_string()),
        }
    });
    let code = composed.map_err(CliError::Usage)?;
    let mut printer = Printer {
        out: io::stdout().lock(),
        format: args.format,
        profile,
        printed: 0,
    };
    printer.print(code)?;
    Ok(0)
}

/// An area as a number (0..=15) or as a name of the profile, in any letter case.
fn area_of(text: &str, profile: Profile) -> Result<u8, String> {
    let areas = profile.catalog().areas();
    let names = || {
        let names: Vec<&str> = areas.iter().filter_map(|a| a.name().value()).collect();
        names.join(", ")
    };
    if let Ok(value) = number::<u64>(text) {
        return u8::try_from(value)
            .ok()
            .filter(|&v| v <= Code::AREA_MAX)
            .ok_or_else(|| {
                format!(
                    "area {text} is out of range: give 0..=15 or one of {}",
                    names()
                )
            });
    }
    areas
        .iter()
        .find(|a| {
            a.name()
                .value()
                .is_some_and(|n| n.eq_ignore_ascii_case(text))
        })
        .map(|a| a.value())
        .ok_or_else(|| format!("unknown area {text:?}: give 0..=15 or one of {}", names()))
}
