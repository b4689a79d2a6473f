//! `check`, `report`, `vectors` and `check-table`: the conformance gate on the command line.

use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use amperr::gate::report::Report;
use amperr::gate::{self, Corpus, FieldName, Xfail, corpus, vectors, xfail};
use amperr::lines::{ReadError, read_bounded};
use amperr::output::Destination;
use amperr::table::check_table;
use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, ValueEnum};

use super::player::{BuildArgs, read_table};
use super::{CliError, Outcome};
use crate::ProfileArg;

/// How much of an untrusted file is read, and that bound in words.
struct Bound(u64, &'static str);

/// A saved report: a whole corpus of failures fits many times over.
const MAX_REPORT: Bound = Bound(64 * 1024 * 1024, "64 MiB");
/// A table file: bounded like a page's table read with `--script` (1,048,576 characters as
/// JSON; 2.3.0's is about 1,700), so that reporting on it stays within tens of megabytes.
const MAX_TABLE: Bound = Bound(1024 * 1024, "1 MiB");

#[derive(Args)]
pub struct CorpusArgs {
    #[command(flatten)]
    profile: ProfileArg,
    /// Add N random codes to the corpus (at most 10,000,000)
    #[arg(long, default_value_t = 0, value_name = "N", value_parser = clap::value_parser!(u32).range(..=i64::from(corpus::MAX_RANDOM)))]
    random: u32,
    /// The seed the random codes are drawn from
    #[arg(long, default_value_t = 0, value_name = "S")]
    seed: u64,
}

impl CorpusArgs {
    pub fn profile(&self) -> amperr::Profile {
        self.profile.profile
    }

    /// The seed random codes (and check-player's sample of pixels) are drawn from.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn corpus(&self) -> Corpus {
        Corpus::generate(self.profile.profile, self.random, self.seed)
    }
}

#[derive(Args)]
pub struct CheckArgs {
    #[command(flatten)]
    corpus: CorpusArgs,
    #[command(flatten)]
    run: RunArgs,
    /// Fields every answer must send (comma-separated); by default a field never sent is
    /// only reported as not checked
    #[arg(long, value_delimiter = ',', value_name = "FIELDS", value_parser = field_parser())]
    require_fields: Vec<FieldName>,
    #[command(flatten)]
    output: OutputArgs,
    /// The decoder's command and arguments, after `--`; run without a shell
    #[arg(last = true, required = true, value_name = "DECODER")]
    decoder: Vec<String>,
}

/// How a gate runs: which cases, its limits, its known failures.
#[derive(Args)]
pub struct RunArgs {
    /// Run only shard K of N (1 <= K <= N): the N shards together cover the corpus once
    #[arg(long, value_name = "K/N", value_parser = corpus::parse_shard)]
    shard: Option<(u32, u32)>,
    /// Seconds without an answer, while cases are pending, before the case in flight fails;
    /// also how long a decoder has to exit after its last answer, its input ended
    #[arg(long, default_value = "5", value_name = "SECONDS", value_parser = seconds)]
    idle_timeout: Duration,
    /// Seconds the whole run may take, from the first start of the decoder (or browser)
    #[arg(long, default_value = "600", value_name = "SECONDS", value_parser = seconds)]
    timeout: Duration,
    /// How many times the decoder (or browser) may be restarted (after a crash, hang or
    /// protocol error, and while finding which case a crash belongs to)
    #[arg(long, default_value_t = 64, value_name = "N")]
    max_restarts: u32,
    /// Known failures: a TOML list of [[xfail]] entries, each with case (an id pattern, `*`
    /// and `?` allowed), field (or "*") and reason. Listed failures do not fail the gate; a
    /// listed case that passes does
    #[arg(long, value_name = "FILE")]
    xfail: Option<PathBuf>,
    /// Write today's failures to FILE as a starting --xfail baseline
    #[arg(long, value_name = "FILE", conflicts_with = "shard")]
    write_xfail: Option<PathBuf>,
}

#[derive(Args)]
pub struct OutputArgs {
    /// The report's format
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    format: ReportFormat,
    /// Write the report to FILE (atomically) instead of stdout; stdout then gets the text
    /// report
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
    Junit,
    Html,
}

#[derive(Args)]
pub struct ReportArgs {
    /// A JSON report written by `amperr check --format json`
    #[arg(value_name = "REPORT")]
    report: PathBuf,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(Args)]
pub struct VectorsArgs {
    #[command(flatten)]
    corpus: CorpusArgs,
}

#[derive(Args)]
#[command(group = clap::ArgGroup::new("source").required(true).args(["table", "script", "page"]))]
pub struct CheckTableArgs {
    #[command(flatten)]
    profile: ProfileArg,
    /// text for people; json for machines
    #[arg(long, value_enum, default_value_t = TableFormat::Text)]
    format: TableFormat,
    /// The dump: a JSON object of names to values (`-` for stdin)
    #[arg(value_name = "FILE", conflicts_with_all = ["script", "page"])]
    table: Option<PathBuf>,
    /// Or read `amp.errorCode` from the build itself, in headless Chromium
    #[command(flatten)]
    build: BuildArgs,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum TableFormat {
    Text,
    Json,
}

fn field_parser() -> impl TypedValueParser<Value = FieldName> {
    PossibleValuesParser::new(FieldName::V1.iter().map(|f| f.key()))
        .try_map(|s| FieldName::from_key(&s).ok_or("unknown field"))
}

/// A positive number of seconds, e.g. `5` or `0.25`.
pub fn seconds(s: &str) -> Result<Duration, String> {
    let bad =
        || format!("{s:?} is not a number of seconds: give a positive number such as 5 or 0.5");
    let value: f64 = s.parse().map_err(|_| bad())?;
    if !(value > 0.0 && value <= 1e9) {
        return Err(bad());
    }
    Ok(Duration::from_secs_f64(value))
}

pub fn run_check(args: CheckArgs) -> Outcome {
    let whole = args.corpus.corpus();
    // The decoder's own files (its program, found through PATH as it will be run, and its
    // script, say) are inputs no report may replace.
    let program = args.decoder.first().and_then(gate::program_file);
    let inputs: Vec<PathBuf> = (program.into_iter())
        .chain(args.decoder.iter().flat_map(|arg| files_named(arg)))
        .filter(|path| path.is_file())
        .collect();
    let mut pipe = gate::Pipe::new(args.decoder);
    let paths = Paths {
        inputs: &inputs,
        input_dirs: &[],
        run: &args.run,
        output: &args.output,
    };
    gate_run(&mut pipe, whole, None, paths, args.require_fields)
}

/// Extensions an interpreter adds to a name it is given (`node dec` runs `dec.js`,
/// `python3 -m dec` runs `dec.py`).
const SCRIPT_EXTENSIONS: [&str; 10] = [
    "js", "mjs", "cjs", "py", "rb", "pl", "sh", "php", "ts", "lua",
];

/// The files a decoder's argument may name: itself, an option's value after `=`, either
/// with a script extension added, and a dotted Python module's file (`pkg.dec`).
fn files_named(arg: &str) -> Vec<PathBuf> {
    let value = arg.split_once('=').map(|(_, value)| value);
    let module = arg.replace('.', "/");
    let mut files = Vec::new();
    for name in [Some(arg), value, Some(module.as_str())]
        .into_iter()
        .flatten()
    {
        files.push(PathBuf::from(name));
        let named = SCRIPT_EXTENSIONS
            .iter()
            .map(|ext| PathBuf::from(format!("{name}.{ext}")));
        files.extend(named);
    }
    files
}

/// The files a gate reads and writes.
pub struct Paths<'a> {
    /// Files the run reads (a decoder's script, a build's scripts), besides `--xfail`.
    pub inputs: &'a [PathBuf],
    /// Directories any of whose files the run may read (a build's: its page may load
    /// them).
    pub input_dirs: &'a [PathBuf],
    pub run: &'a RunArgs,
    pub output: &'a OutputArgs,
}

impl Paths<'_> {
    /// The report's and the baseline's destinations, checked: writable, and neither one
    /// over an input or over the other.
    fn destinations(&self) -> Result<(Option<Destination>, Option<Destination>), CliError> {
        let report = self.output.destination()?;
        let baseline = (self.run.write_xfail.as_deref())
            .map(|path| Destination::check(path).map_err(CliError::usage))
            .transpose()?;
        let mut inputs: Vec<(&str, &Path)> = (self.inputs.iter())
            .map(|p| ("an input of the run", p.as_path()))
            .collect();
        inputs.extend(
            self.run
                .xfail
                .iter()
                .map(|p| ("the --xfail file", p.as_path())),
        );
        let report_path = self.output.output.as_deref();
        if let (Some(report), Some(baseline), Some(path)) =
            (&report, &baseline, self.run.write_xfail.as_deref())
        {
            if report.same_place(baseline) {
                return Err(over_an_input("--write-xfail", path, "the --output report"));
            }
        }
        let outputs = [
            ("--output", report.as_ref(), report_path),
            (
                "--write-xfail",
                baseline.as_ref(),
                self.run.write_xfail.as_deref(),
            ),
        ];
        for (flag, destination, path) in outputs {
            let (Some(destination), Some(path)) = (destination, path) else {
                continue;
            };
            let clash = inputs.iter().find(|(_, other)| destination.replaces(other));
            if let Some((what, _)) = clash {
                return Err(over_an_input(flag, path, what));
            }
            // The baseline is checked after the report: it must not be the report either.
            inputs.push(("the --output report", path));
            if let Some(dir) = self.loaded_from(destination) {
                return Err(CliError::usage(format!(
                    "{flag} {} is a file in {}, which the page may load: amperr will not \
                     write over it; give another path",
                    path.display(),
                    dir.display()
                )));
            }
        }
        Ok((report, baseline))
    }

    /// The input directory an existing file at `destination` is in, if any.
    fn loaded_from(&self, destination: &Destination) -> Option<&Path> {
        let Destination::Replace(path) = destination else {
            return None;
        };
        let path = std::fs::canonicalize(path).ok()?;
        self.input_dirs
            .iter()
            .find(|dir| std::fs::canonicalize(dir).is_ok_and(|dir| path.starts_with(dir)))
            .map(PathBuf::as_path)
    }
}

/// The refusal of an output `flag PATH` that would replace `what` the run reads.
fn over_an_input(flag: &str, path: &Path, what: &str) -> CliError {
    CliError::usage(format!(
        "{flag} {} is also {what}: amperr will not write over it; give another path",
        path.display()
    ))
}

/// Runs a gate through `transport` over `whole` (or `only` those codes of it), as `run`
/// says, and emits its report. Every path is checked before the run, so a bad one costs
/// nothing.
pub fn gate_run<T: gate::transport::Transport>(
    transport: &mut T,
    whole: Corpus,
    only: Option<&[u32]>,
    paths: Paths<'_>,
    require: Vec<FieldName>,
) -> Outcome {
    let (destination, baseline_to) = paths.destinations()?;
    let (run, output) = (paths.run, paths.output);
    // Patterns are checked against the whole corpus, so a shard never calls one stale.
    let xfail = match &run.xfail {
        Some(path) => Xfail::load(path, &whole).map_err(CliError::usage)?,
        None => Xfail::default(),
    };
    let random = whole.random;
    let corpus = match only {
        Some(codes) => whole.only(codes),
        None => whole,
    };
    let corpus = match run.shard {
        Some((k, n)) => corpus
            .shard(k, n)
            .map_err(|e| shard_refused(e, only.is_some(), random))?,
        None => corpus,
    };
    let options = gate::Options {
        idle_timeout: run.idle_timeout,
        total_timeout: run.timeout,
        max_restarts: run.max_restarts,
        require,
        xfail,
    };
    let mut progress = Progress::new(corpus.cases.len());
    let (report, failures) = gate::run_transport(transport, &corpus, &options, &mut |done| {
        progress.update(done)
    });
    progress.finish();
    // A write that fails now (the path checked before the run has changed since) loses
    // no more than itself: the report is still emitted, then the failure said (exit 2).
    let mut baseline_failed = None;
    if let Some(destination) = baseline_to {
        let baseline = xfail::baseline(
            &corpus,
            &failures,
            "recorded as a baseline by --write-xfail: replace with the real reason",
        );
        let wrote = baseline
            .map_err(io::Error::other)
            .and_then(|baseline| destination.write(baseline.as_bytes()));
        match wrote {
            Ok(()) => eprintln!("amperr: wrote {} failures as a baseline", failures.len()),
            Err(e) => {
                baseline_failed = Some(written(e, "the baseline", run.write_xfail.as_deref()))
            }
        }
    }
    let emitted = emit(&report, output, destination.as_ref(), report.exit_code());
    match (baseline_failed, emitted) {
        (None, emitted) => emitted,
        (Some(failed), Ok(_)) => Err(failed),
        (Some(failed), Err(also)) => Err(CliError::usage(format!("{failed}; {also}"))),
    }
}

/// Why `--shard` is refused, in the command line's terms: an empty shard says what the
/// corpus it splits is.
fn shard_refused(error: corpus::ShardError, given: bool, random: u32) -> CliError {
    let corpus::ShardError::Empty { k, n, cases } = error else {
        return CliError::usage(format!("--{error}"));
    };
    let what = match given {
        true => "the codes given with --code".to_string(),
        false => format!("with --random {random}"),
    };
    CliError::usage(format!(
        "--shard {k}/{n} selects no case: the corpus has {cases} cases ({what}), and shard K \
         of N runs every N-th case from the K-th, so K can be at most {cases}"
    ))
}

pub fn run_report(args: ReportArgs) -> Outcome {
    let output = args.output.destination()?;
    // The report read is the run's input: a view of it must not replace it.
    if let (Some(destination), Some(path)) = (&output, &args.output.output) {
        let over = match args.report == Path::new("-") {
            true => destination.replaces_stdin(),
            false => destination.replaces(&args.report),
        };
        if over {
            return Err(over_an_input("--output", path, "the report read"));
        }
    }
    let text = read_input(&args.report, MAX_REPORT)?;
    let report = Report::from_json(&text)
        .map_err(|e| CliError::usage(format!("{}: {e}", args.report.display())))?;
    // A conversion: it succeeded, whatever the verdict it carries (`check` gave that).
    emit(&report, &args.output, output.as_ref(), 0)
}

pub fn run_vectors(args: VectorsArgs) -> Outcome {
    let profile = args.corpus.profile.profile;
    let cases = corpus::cases(profile, args.corpus.random, args.corpus.seed);
    let out = io::BufWriter::new(io::stdout().lock());
    vectors::write_json_lines(cases, profile, out)?;
    Ok(0)
}

pub fn run_check_table(args: CheckTableArgs) -> Outcome {
    let profile = args.profile.profile;
    let (text, source) = match &args.table {
        Some(path) => (read_input(path, MAX_TABLE)?, path.display().to_string()),
        None => (
            read_table(&args.build, profile)?,
            "the build's amp.errorCode".to_string(),
        ),
    };
    let report =
        check_table(&text, profile).map_err(|e| CliError::usage(format!("{source}: {e}")))?;
    let rendered = match args.format {
        TableFormat::Text => report.text(),
        TableFormat::Json => report.json().map_err(io::Error::other)?,
    };
    super::print_with_status(&rendered, report.exit_code())
}

impl OutputArgs {
    /// Where `--output` goes, checked now; `None` for stdout.
    fn destination(&self) -> Result<Option<Destination>, CliError> {
        self.output
            .as_deref()
            .map(|path| Destination::check(path).map_err(CliError::usage))
            .transpose()
    }
}

/// The report in the chosen format, to `--output` (then the text to stdout) or stdout,
/// exiting with `status`. The text goes to stdout even when `--output` cannot be written
/// (exit 2 then): the verdict is never lost.
fn emit(
    report: &Report,
    output: &OutputArgs,
    destination: Option<&Destination>,
    status: u8,
) -> Outcome {
    let rendered = match output.format {
        ReportFormat::Text => report.text(),
        ReportFormat::Json => report.json().map_err(io::Error::other)?,
        ReportFormat::Junit => report.junit().map_err(io::Error::other)?,
        ReportFormat::Html => report.html(),
    };
    match destination {
        Some(destination) => {
            let written = (destination.write(rendered.as_bytes()))
                .map_err(|e| written(e, "the report", output.output.as_deref()));
            let printed = super::print_with_status(&report.text(), status);
            written.and(printed)
        }
        None => super::print_with_status(&rendered, status),
    }
}

fn written(e: io::Error, what: &str, path: Option<&Path>) -> CliError {
    let path = path.map_or(String::new(), |p| p.display().to_string());
    CliError::usage(format!("cannot write {what} to {path}: {e}"))
}

/// A file (or `-`, stdin) as text, bounded.
fn read_input(path: &Path, Bound(max, shown_max): Bound) -> Result<String, CliError> {
    let shown = path.display();
    let read = if path == Path::new("-") {
        read_bounded(io::stdin().lock(), max)
    } else {
        let file = std::fs::File::open(path)
            .map_err(|e| CliError::usage(format!("cannot read {shown}: {e}")))?;
        read_bounded(file, max)
    };
    read.map_err(|e| match e {
        ReadError::TooLarge => CliError::usage(format!("{shown} is larger than {shown_max}")),
        e => CliError::usage(format!("cannot read {shown}: {e}")),
    })
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
