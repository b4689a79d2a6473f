//! The `amperr` command: a thin shell over the library.
//!
//! `cli::oracle` holds `decode`, `spec` and `compose`; `cli::gate` holds `check`, `report`,
//! `vectors` and `check-table`; `cli::player` holds `check-player`; `cli::scan` holds
//! `scan`. What the two gates share (their arguments, the run and its report) is in
//! `cli::run`. `cli` maps how each ended to an exit status, in one place, and owns the
//! process's [`Shutdown`](amperr::gate::Shutdown) for its signals.

mod cli;

use std::process::ExitCode;

use amperr::Profile;
use clap::{Parser, Subcommand};

use cli::faults::CheckFaultsArgs;
use cli::gate::{CheckArgs, CheckTableArgs, ReportArgs, VectorsArgs};
use cli::oracle::{ComposeArgs, DecodeArgs, SpecArgs};
use cli::player::CheckPlayerArgs;
use cli::scan::ScanArgs;

/// The exit statuses of every command, for the top-level help.
const EXIT_STATUS: &str = "Exit status:
  0      success; conformant
  1      not conformant (check, check-table); a --fail-on kind of code occurred (scan)
  2      bad usage or bad input; the reason is on stderr
  3      the decoder could not be started, or never answered a case (check); the browser or
         the player could not be started or never became ready (check-player, check-table)
  128+n  stopped by signal n: 130 SIGINT, 143 SIGTERM, 129 SIGHUP (check kills its decoder first)

Each command's --help says which apply to it. More, with examples: see the README.";

#[derive(Parser)]
#[command(
    name = "amperr",
    version,
    about = "The reference oracle and conformance gate for Azure Media Player error codes",
    long_about = long_about(),
    after_help = EXIT_STATUS
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

fn long_about() -> String {
    format!(
        "The reference oracle and conformance gate for Azure Media Player (AMP) error codes.\n\n\
         Decodes any 32-bit code under a profile: {}. Gates third-party decoders against it.",
        Profile::listed()
    )
}

#[derive(Subcommand)]
enum Command {
    /// Decode error codes given as arguments, or one per line on stdin
    #[command(
        after_help = "Exit status: 0 every input decoded; 2 a bad input (the others are \
        still decoded) or bad usage."
    )]
    Decode(DecodeArgs),
    /// Print a profile's whole catalog: areas, categories and messages, codes, aliases
    #[command(after_help = "Exit status: 0 printed; 2 bad usage.")]
    Spec(SpecArgs),
    /// Build a code from an area and a category and detail, or an area and a name
    #[command(
        after_help = "Exit status: 0 printed; 2 a field out of range, an unknown name or \
        area, or bad usage."
    )]
    Compose(ComposeArgs),
    /// Run a decoder (any language) against the oracle: the conformance gate
    #[command(after_help = CHECK_HELP)]
    Check(CheckArgs),
    /// Turn a saved JSON report of `check` into text, JUnit XML or HTML
    #[command(
        after_help = "Exit status: 0 written (the verdict was check's to give); 2 not a \
        report, a report of a version this build does not read, an unwritable --output, or \
        bad usage."
    )]
    Report(ReportArgs),
    /// Print every case of the corpus with the oracle's expected answers, as JSON Lines
    #[command(after_help = VECTORS_HELP)]
    Vectors(VectorsArgs),
    /// Gate a player build in headless Chromium, by what its error overlay shows the viewer
    #[command(after_help = CHECK_PLAYER_HELP)]
    CheckPlayer(CheckPlayerArgs),
    /// Gate a player build under network and media faults, by the code it raises and
    /// what its overlay then shows
    #[command(after_help = CHECK_FAULTS_HELP)]
    CheckFaults(CheckFaultsArgs),
    /// Check a player build's amp.errorCode against a profile: a JSON dump, or read from
    /// the build with --script
    #[command(
        after_help = "Exit status: 0 the table is the profile's; 1 it is not (each \
        missing, unknown or wrong name is listed); 2 an unreadable table or bad usage; 3 \
        (--script, --page) the browser or the player could not be started."
    )]
    CheckTable(CheckTableArgs),
    /// Find, count and decode the error codes in logs (plain or gzip, or stdin)
    #[command(
        after_help = "Exit status: 0 done; 1 a code of a --fail-on kind occurred; 2 an \
        unreadable file (the others are still scanned) or bad usage."
    )]
    Scan(ScanArgs),
}

const CHECK_HELP: &str = "The decoder speaks protocol v1 on its stdin and stdout: it reads \
one code per line, in unsigned decimal, and answers each, in order, with one JSON object per \
line, e.g.
  {\"code\": 538968468, \"area\": 2, \"category\": 2, \"detail\": 404, \"name\": \"networkErrHttpUrlNotFound\", \"message\": \"A network error caused the video download to fail part-way.\", \"area_name\": \"AzureHtml5JS\", \"category_name\": \"MEDIA_ERR_NETWORK\"}
\"code\" (the request, echoed) is required; every other field is checked when sent; \
{\"code\": N, \"error\": \"why\"} refuses a case. When its input ends, it answers what is \
left and exits 0. The expected answer to every case: amperr vectors. More: see the README.

Example: amperr check --profile amp-2.3.0 -- python3 my_decoder.py --profile amp-2.3.0

Exit status: 0 conformant; 1 not conformant; 2 bad usage, a bad --xfail file, or an \
--output or --write-xfail path that cannot be written (all found before the run; one \
that fails after it, changed meanwhile, still gets the text report on stdout); 3 the \
decoder could not be started, or never answered a case; 130, 143, 129 stopped by SIGINT, \
SIGTERM, SIGHUP (the decoder is killed first and no report is written).";

const CHECK_FAULTS_HELP: &str = "For each scenario (--list-scenarios), the player is given \
a source and a tech order in headless Chromium; amperr answers every request it makes itself \
(nothing reaches the network), the scenario's fault on the request it targets, waits on the \
page's time for player.error() and judges error_code (exact, or one of the codes the source \
allows), the overlay's message and code line, and with --a11y what a screen reader gets. \
Exit status: 0 conformant; 1 not conformant; 2 bad usage, a bad scenario \
file, --scenario or --stream (before any browser starts); 3 the browser or the player could \
not be started.";

const CHECK_PLAYER_HELP: &str = "amperr writes a page that loads the --script files (the \
build, then plugins) and creates a player on a <video>, as AMP pages do; or loads the team's \
own --page, which defines the hook window.amperrPlayer (see the README, Gating a player \
build). In headless Chromium (a fresh profile, no network: requests outside the page's own files are refused \
and named), it raises each code of the corpus through player.error({code}) and reads the \
overlay as the viewer does: the message line against the profile's message, the code line \
against what the profile's player shows, and with --a11y the screen-reader description. \
The build's amp.errorCode is checked as check-table checks a dump.

Example: amperr check-player --profile amp-2.3.0 --script build/azuremediaplayer.min.js

Exit status: 0 conformant; 1 not conformant; 2 bad usage, a script that cannot be read, a \
bad --xfail file, or an --output or --write-xfail path that cannot be written (all found \
before the run; one that fails after it, changed meanwhile, still gets the text report on \
stdout); 3 the browser or the player could not be started or never became ready; \
130, 143, 129 stopped by SIGINT, SIGTERM, SIGHUP (every browser process is killed first and \
no report is written).";

const VECTORS_HELP: &str = "One line per case: {\"id\", \"code\", \"profile\", \
\"corpus_version\", \"class\", \"expected\" (each field's expected value), \
\"implementation_defined\" (the fields any answer passes), \"accepted_names\", \
\"comment\"}. Unit tests in a decoder's own language can check each line; `amperr check` \
judges a running decoder on the same cases.

Exit status: 0 printed; 2 bad usage.";

fn main() -> ExitCode {
    let command = match Cli::try_parse() {
        Ok(cli) => cli.command,
        Err(e) => return cli::exit_on_usage(e),
    };
    if let Err(e) = cli::stop_cleanly_on_signals() {
        return cli::exit(Err(e.into()));
    }
    let outcome = match command {
        Command::Decode(args) => cli::oracle::run_decode(args),
        Command::Spec(args) => cli::oracle::run_spec(args),
        Command::Compose(args) => cli::oracle::run_compose(args),
        Command::Check(args) => cli::gate::run_check(args),
        Command::Report(args) => cli::gate::run_report(args),
        Command::Vectors(args) => cli::gate::run_vectors(args),
        Command::CheckPlayer(args) => cli::player::run_check_player(args),
        Command::CheckFaults(args) => cli::faults::run_check_faults(args),
        Command::CheckTable(args) => cli::gate::run_check_table(args),
        Command::Scan(args) => cli::scan::run_scan(args),
    };
    cli::exit(outcome)
}
