//! What `check` and `check-player` share: the arguments that say which cases run, with
//! which limits and known failures, and where the report goes; and the one step that runs
//! a gate through its transport and reports it.

use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use amperr::gate::report::Report;
use amperr::gate::transport::Transport;
use amperr::gate::{self, Corpus, FieldName, Xfail, corpus, xfail};
use amperr::output::Destination;
use clap::{Args, ValueEnum};

use super::paths::Paths;
use super::progress::Progress;
use super::{CliError, Outcome, ProfileArg};

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

    /// How many random codes are added to the corpus.
    pub fn random(&self) -> u32 {
        self.random
    }

    /// The seed random codes (and check-player's sample of pixels) are drawn from.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn corpus(&self) -> Corpus {
        Corpus::generate(self.profile.profile, self.random, self.seed)
    }
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
    pub(super) xfail: Option<PathBuf>,
    /// Write today's failures to FILE as a starting --xfail baseline
    #[arg(long, value_name = "FILE", conflicts_with = "shard")]
    pub(super) write_xfail: Option<PathBuf>,
}

#[derive(Args)]
pub struct OutputArgs {
    /// The report's format
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    format: ReportFormat,
    /// Write the report to FILE (atomically) instead of stdout; stdout then gets the text
    /// report
    #[arg(long, value_name = "FILE")]
    pub(super) output: Option<PathBuf>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
    Junit,
    Html,
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

/// Runs a gate through `transport` over `whole` (or `only` those codes of it), as `run`
/// says, and emits its report. Every path is checked before the run, so a bad one costs
/// nothing.
pub fn gate_run<T: Transport>(
    transport: &mut T,
    whole: Corpus,
    only: Option<&[u32]>,
    paths: Paths<'_>,
    require: Vec<FieldName>,
) -> Outcome {
    let (destination, baseline_to) = paths.destinations()?;
    let (run, output) = (paths.run, paths.output);
    let options = run.options(&whole, require)?;
    let corpus = run.select(whole, only)?;
    let mut progress = Progress::new(corpus.cases.len());
    let (report, failures) = gate::run_transport(transport, &corpus, &options, &mut |done| {
        progress.update(done)
    });
    progress.finish();
    // A write that fails now (the path checked before the run has changed since) loses
    // no more than itself: the report is still emitted, then the failure said (exit 2).
    let baseline_failed =
        baseline_to.and_then(|to| run.write_baseline(&to, &corpus, &failures).err());
    let emitted = emit(&report, output, destination.as_ref(), report.exit_code());
    match (baseline_failed, emitted) {
        (None, emitted) => emitted,
        (Some(failed), Ok(_)) => Err(failed),
        (Some(failed), Err(also)) => Err(CliError::usage(format!("{failed}; {also}"))),
    }
}

impl RunArgs {
    /// The run's options, with `--xfail` loaded: its patterns are checked against the
    /// whole corpus, so a shard never calls one stale.
    fn options(&self, whole: &Corpus, require: Vec<FieldName>) -> Result<gate::Options, CliError> {
        let xfail = match &self.xfail {
            Some(path) => Xfail::load(path, whole).map_err(CliError::usage)?,
            None => Xfail::default(),
        };
        Ok(gate::Options {
            idle_timeout: self.idle_timeout,
            total_timeout: self.timeout,
            max_restarts: self.max_restarts,
            require,
            xfail,
        })
    }

    /// The cases that run: `only` those codes of `whole` (`--code`), then `--shard`'s.
    fn select(&self, whole: Corpus, only: Option<&[u32]>) -> Result<Corpus, CliError> {
        let random = whole.random;
        let corpus = match only {
            Some(codes) => whole.only(codes),
            None => whole,
        };
        match self.shard {
            Some((k, n)) => corpus
                .shard(k, n)
                .map_err(|e| shard_refused(e, only.is_some(), random)),
            None => Ok(corpus),
        }
    }

    /// Writes today's `failures` as a `--write-xfail` baseline, and says so.
    fn write_baseline(
        &self,
        to: &Destination,
        corpus: &Corpus,
        failures: &BTreeSet<(usize, xfail::Scope)>,
    ) -> Result<(), CliError> {
        let baseline = xfail::baseline(
            corpus,
            failures,
            "recorded as a baseline by --write-xfail: replace with the real reason",
        );
        let wrote = baseline
            .map_err(io::Error::other)
            .and_then(|baseline| to.write(baseline.as_bytes()));
        match wrote {
            Ok(()) => {
                eprintln!("amperr: wrote {} failures as a baseline", failures.len());
                Ok(())
            }
            Err(e) => Err(written(e, "the baseline", self.write_xfail.as_deref())),
        }
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

impl OutputArgs {
    /// Where `--output` goes, checked now; `None` for stdout.
    pub fn destination(&self) -> Result<Option<Destination>, CliError> {
        self.output
            .as_deref()
            .map(|path| Destination::check(path).map_err(CliError::usage))
            .transpose()
    }
}

/// The report in the chosen format, to `--output` (then the text to stdout) or stdout,
/// exiting with `status`. The text goes to stdout even when `--output` cannot be written
/// (exit 2 then): the verdict is never lost.
pub fn emit(
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

pub fn written(e: io::Error, what: &str, path: Option<&Path>) -> CliError {
    let path = path.map_or(String::new(), |p| p.display().to_string());
    CliError::usage(format!("cannot write {what} to {path}: {e}"))
}
