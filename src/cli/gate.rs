//! `check`, `report`, `vectors` and `check-table`: the conformance gate on the command line.

use std::io;
use std::path::{Path, PathBuf};

use amperr::gate::report::Report;
use amperr::gate::{self, FieldName, corpus, vectors};
use amperr::lines::{ReadError, read_bounded};
use amperr::table::check_table;
use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, ValueEnum};

use super::paths::{Paths, over_an_input};
use super::player::{BuildArgs, read_table};
use super::run::{CorpusArgs, OutputArgs, RunArgs, emit, gate_run};
use super::{CliError, Outcome, ProfileArg};

/// How much of an untrusted file is read, and that bound in words.
pub(super) struct Bound(pub(super) u64, pub(super) &'static str);

/// A saved report: a whole corpus of failures fits many times over.
const MAX_REPORT: Bound = Bound(64 * 1024 * 1024, "64 MiB");
/// A table file: bounded like a page's table read with `--script` (1,048,576 characters as
/// JSON; 2.3.0's is about 1,700), so that reporting on it stays within tens of megabytes.
const MAX_TABLE: Bound = Bound(1024 * 1024, "1 MiB");

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
    let profile = args.corpus.profile();
    let cases = corpus::cases(profile, args.corpus.random(), args.corpus.seed());
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

/// A file (or `-`, stdin) as text, bounded.
pub(super) fn read_input(path: &Path, Bound(max, shown_max): Bound) -> Result<String, CliError> {
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
