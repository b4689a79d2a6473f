//! The `amperr` command: a thin shell over the library.
//!
//! `cli::oracle` holds `decode`, `spec` and `compose`; `cli::gate` holds `check`, `report`,
//! `vectors` and `check-table`; `cli::scan` holds `scan`. `cli` maps how each ended to
//! an exit status, in one place.

mod cli;

use std::process::ExitCode;

use amperr::Profile;
use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand};

use cli::gate::{CheckArgs, CheckTableArgs, ReportArgs, VectorsArgs};
use cli::oracle::{ComposeArgs, DecodeArgs, SpecArgs};
use cli::scan::ScanArgs;

#[derive(Parser)]
#[command(
    name = "amperr",
    version,
    about = "The reference oracle and conformance gate for Azure Media Player error codes"
)]
#[command(
    long_about = "The reference oracle and conformance gate for Azure Media Player (AMP) error codes.\n\n\
    Decodes any 32-bit code under the published page (profile doc, the default) or the \
    shipped 2.3.0 player (profile amp-2.3.0), and gates third-party decoders against it."
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
    /// be started, or never answered a case within the protocol.
    #[command(
        after_help = "Example: amperr check -- node examples/adapters/decoder.js\n\
        Protocol: docs/PROTOCOL.md; report formats: docs/REPORT.md"
    )]
    Check(CheckArgs),
    /// Turn a saved JSON report of `check` into text, JUnit XML or HTML (exit 0 once
    /// written: the verdict was `check`'s to give)
    Report(ReportArgs),
    /// Print the corpus with the oracle's expected answers, as JSON Lines (docs/VECTORS.md)
    Vectors(VectorsArgs),
    /// Check a player build's `JSON.stringify(amp.errorCode)` dump against a profile.
    ///
    /// Exit status: 0 conformant, 1 not conformant, 2 usage error or unreadable table.
    CheckTable(CheckTableArgs),
    /// Find, count and decode the error codes in logs (plain or gzip, or stdin).
    ///
    /// Exit status: 0 done, 1 a code of a --fail-on kind occurred, 2 usage error or an
    /// unreadable file (the others are still scanned).
    Scan(ScanArgs),
}

#[derive(Args)]
struct ProfileArg {
    /// Which source to judge by: the published page, or the shipped 2.3.0 player
    #[arg(long, default_value = "doc", value_parser = profile_parser())]
    profile: Profile,
}

fn profile_parser() -> impl TypedValueParser<Value = Profile> {
    PossibleValuesParser::new(Profile::ALL.map(Profile::id)).try_map(|s| s.parse::<Profile>())
}

fn main() -> ExitCode {
    let command = Cli::parse().command;
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
        Command::CheckTable(args) => cli::gate::run_check_table(args),
        Command::Scan(args) => cli::scan::run_scan(args),
    };
    cli::exit(outcome)
}
