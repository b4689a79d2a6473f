//! The `amperr` command: a thin shell over the library.
//!
//! Exit codes: 0 success, 2 bad input or usage (with the reason on stderr). With several
//! inputs the good ones are still decoded; a bad one prints nothing to stdout.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use amperr::gate::{self, Corpus, FieldName};
use amperr::lines::{BoundedLines, Line};
use amperr::{Code, Decoded, Profile, decode, parse_code, render, spec};
use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};

/// The longest stdin line read as a code; a longer one is refused, not buffered.
const MAX_CODE_LINE: usize = 4096;

#[derive(Parser)]
#[command(
    name = "amperr",
    version,
    about = "The reference oracle for Azure Media Player error codes"
)]
#[command(
    long_about = "The reference oracle for Azure Media Player (AMP) error codes.\n\n\
    Decodes any 32-bit code under the published page (profile doc, the default) or the \
    shipped 2.3.0 player (profile amp-2.3.0), and prints each profile's whole catalog."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Decode error codes given as arguments, or one per line on stdin
    Decode(DecodeArgs),
    /// Print a profile's whole catalog: areas, categories and messages, codes, aliases
    Spec(SpecArgs),
    /// Build a code from an area and a category and detail, or an area and a name
    Compose(ComposeArgs),
    /// Run a decoder (any language, protocol v1) against the oracle: the conformance gate.
    ///
    /// Exit status: 0 conformant, 1 not conformant, 2 usage error, 3 the decoder could not
    /// be started or broke the protocol on every attempt.
    #[command(
        after_help = "Example: amperr check -- node examples/adapters/decoder.js\n\
        Protocol: docs/PROTOCOL.md"
    )]
    Check(CheckArgs),
}

#[derive(Args)]
struct CheckArgs {
    #[command(flatten)]
    profile: ProfileArg,
    /// Add N random codes to the corpus
    #[arg(long, default_value_t = 0, value_name = "N")]
    random: u32,
    /// The seed the random codes are drawn from
    #[arg(long, default_value_t = 0, value_name = "S")]
    seed: u64,
    /// Seconds without an answer, while cases are pending, before the case in flight fails
    #[arg(long, default_value = "5", value_name = "SECONDS", value_parser = seconds)]
    idle_timeout: Duration,
    /// Seconds the whole run may take
    #[arg(long, default_value = "600", value_name = "SECONDS", value_parser = seconds)]
    timeout: Duration,
    /// How many times the decoder may be restarted (after a crash, hang or protocol error,
    /// and while finding which case a crash belongs to)
    #[arg(long, default_value_t = 64, value_name = "N")]
    max_restarts: u32,
    /// Fields every answer must send (comma-separated); by default a field never sent is
    /// only reported as not checked
    #[arg(long, value_delimiter = ',', value_name = "FIELDS", value_parser = field_parser())]
    require_fields: Vec<FieldName>,
    /// The decoder's command and arguments, after `--`; run without a shell
    #[arg(last = true, required = true, value_name = "DECODER")]
    decoder: Vec<String>,
}

#[derive(Args)]
struct ProfileArg {
    /// Which source to decode by: the published page, or the shipped 2.3.0 player
    #[arg(long, default_value = "doc", value_parser = profile_parser())]
    profile: Profile,
}

#[derive(Args)]
struct DecodeArgs {
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
struct SpecArgs {
    #[command(flatten)]
    profile: ProfileArg,
    #[arg(long, value_enum, default_value_t = SpecFormat::Json)]
    format: SpecFormat,
}

#[derive(Args)]
#[command(group = clap::ArgGroup::new("what").required(true).args(["name", "category"]))]
struct ComposeArgs {
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
enum DecodeFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum SpecFormat {
    Json,
    Markdown,
    Csv,
}

fn field_parser() -> impl TypedValueParser<Value = FieldName> {
    PossibleValuesParser::new(FieldName::ALL.map(FieldName::key))
        .try_map(|s| FieldName::from_key(&s).ok_or("unknown field"))
}

/// A positive number of seconds, e.g. `5` or `0.25`.
fn seconds(s: &str) -> Result<Duration, String> {
    let bad =
        || format!("{s:?} is not a number of seconds: give a positive number such as 5 or 0.5");
    let value: f64 = s.parse().map_err(|_| bad())?;
    if !(value > 0.0 && value <= 1e9) {
        return Err(bad());
    }
    Ok(Duration::from_secs_f64(value))
}

fn profile_parser() -> impl TypedValueParser<Value = Profile> {
    PossibleValuesParser::new(Profile::ALL.map(Profile::id)).try_map(|s| s.parse::<Profile>())
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Decode(args) => run_decode(args),
        Command::Spec(args) => run_spec(args),
        Command::Compose(args) => run_compose(args),
        Command::Check(args) => run_check(args),
    };
    match result {
        Ok(code) => code,
        // The reader went away (`amperr ... | head`): nothing more to say.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("amperr: {e}");
            ExitCode::from(2)
        }
    }
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
            DecodeFormat::Json => writeln!(self.out, "{}", render::json_line(&decoded))?,
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

fn run_decode(args: DecodeArgs) -> io::Result<ExitCode> {
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
    Ok(if failed {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// Decodes the arguments, or stdin's lines when there are none; sets `failed` on a bad one.
fn decode_all<W: Write>(
    codes: &[String],
    printer: &mut Printer<W>,
    failed: &mut bool,
) -> io::Result<()> {
    let mut report = |at: String, message: String| {
        eprintln!("amperr: {at}{message}");
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
    for line in BoundedLines::new(io::stdin().lock(), MAX_CODE_LINE) {
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

fn run_spec(args: SpecArgs) -> io::Result<ExitCode> {
    let catalog = args.profile.profile.catalog();
    let text = match args.format {
        SpecFormat::Json => spec::json(catalog),
        SpecFormat::Markdown => spec::markdown(catalog),
        SpecFormat::Csv => spec::csv(catalog),
    };
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn run_compose(args: ComposeArgs) -> io::Result<ExitCode> {
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
    let code = match composed {
        Ok(code) => code,
        Err(message) => {
            eprintln!("amperr: {message}");
            return Ok(ExitCode::from(2));
        }
    };
    let mut printer = Printer {
        out: io::stdout().lock(),
        format: args.format,
        profile,
        printed: 0,
    };
    printer.print(code)?;
    Ok(ExitCode::SUCCESS)
}

/// An area as a number (0..=15) or as a name of the profile, in any letter case.
fn area_of(text: &str, profile: Profile) -> Result<u8, String> {
    if let Ok(value) = number::<u8>(text) {
        return Ok(value);
    }
    let areas = profile.catalog().areas();
    areas
        .iter()
        .find(|a| {
            a.name
                .as_deref()
                .value()
                .is_some_and(|n| n.eq_ignore_ascii_case(text))
        })
        .map(|a| a.value)
        .ok_or_else(|| {
            let names: Vec<&str> = areas
                .iter()
                .filter_map(|a| a.name.as_deref().value())
                .collect();
            format!(
                "unknown area {text:?}: give 0..=15 or one of {}",
                names.join(", ")
            )
        })
}

fn run_check(args: CheckArgs) -> io::Result<ExitCode> {
    let corpus = Corpus::generate(args.profile.profile, args.random, args.seed);
    let options = gate::Options {
        idle_timeout: args.idle_timeout,
        total_timeout: args.timeout,
        max_restarts: args.max_restarts,
        require: args.require_fields,
    };
    let mut progress = Progress::new(corpus.cases.len());
    let report = gate::run(&args.decoder, &corpus, &options, &mut |done| {
        progress.update(done)
    });
    progress.finish();
    let mut out = io::stdout().lock();
    out.write_all(report.text().as_bytes())?;
    out.flush()?;
    Ok(ExitCode::from(report.exit_code()))
}

/// A progress bar on stderr, shown only on a terminal and only once a run passes a second.
struct Progress {
    total: usize,
    started: Instant,
    bar: Option<indicatif::ProgressBar>,
    terminal: bool,
}

impl Progress {
    fn new(total: usize) -> Progress {
        Progress {
            total,
            started: Instant::now(),
            bar: None,
            terminal: io::stderr().is_terminal(),
        }
    }

    fn update(&mut self, done: usize) {
        if self.bar.is_none() && self.terminal && self.started.elapsed() > Duration::from_secs(1) {
            let bar = indicatif::ProgressBar::new(self.total as u64);
            let style = indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} cases, {per_sec}, eta {eta}",
            );
            if let Ok(style) = style {
                bar.set_style(style);
            }
            // Start the rate from here, not from a jump over the first second's cases.
            bar.set_position(done as u64);
            bar.reset_eta();
            self.bar = Some(bar);
        }
        if let Some(bar) = &self.bar {
            bar.set_position(done as u64);
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
