//! The subcommands, one module per part of the library they shell over, and the one
//! place that turns how a command ended into an exit status.
//!
//! | exit | meaning |
//! |---|---|
//! | 0 | success; conformant |
//! | 1 | not conformant; a `scan --fail-on` kind occurred |
//! | 2 | bad usage or bad input, with the reason on stderr |
//! | 3 | the decoder, browser or player could not be started, or never answered a case |
//! | 128 + n | amperr was stopped by signal n (130 SIGINT, 143 SIGTERM, 129 SIGHUP) |

use std::io::{self, Write};
use std::process::ExitCode;

use amperr::Profile;
use amperr::escape::{Lines, untrusted};
use amperr::gate::Shutdown;
use clap::Args;
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};

pub mod faults;
pub mod gate;
pub mod oracle;
mod paths;
pub mod player;
mod progress;
mod run;
pub mod scan;

/// `--profile`, which every command but `report` takes.
#[derive(Args)]
pub struct ProfileArg {
    /// Which profile to judge by
    #[arg(long, default_value = Profile::default().id(), value_parser = profile_parser())]
    pub profile: Profile,
}

/// The profiles, each with its summary, from the data.
fn profile_parser() -> impl TypedValueParser<Value = Profile> {
    let choices = Profile::ALL.map(|p| PossibleValue::new(p.id()).help(p.summary()));
    PossibleValuesParser::new(choices).try_map(|s| s.parse::<Profile>())
}

/// How a command failed to do its work.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Bad arguments or bad input: exit 2, with the reason.
    #[error("{0}")]
    Usage(String),
    /// Reading or writing failed: exit 2, with the reason.
    #[error(transparent)]
    Io(#[from] io::Error),
    /// What was to be judged could not be started (a browser, a player): exit 3.
    #[error(transparent)]
    NotStarted(#[from] amperr::gate::transport::StartError),
}

impl CliError {
    pub fn usage(message: impl std::fmt::Display) -> CliError {
        CliError::Usage(message.to_string())
    }
}

/// A command's exit status on success (its verdict), or how it failed.
pub type Outcome = Result<u8, CliError>;

/// Help and version as clap prints them; a usage error with what was given escaped (an
/// argument may hold anything: clap shows the bad value as it was), exit 2.
pub fn exit_on_usage(e: clap::Error) -> ExitCode {
    if !e.use_stderr() {
        let _ = e.print();
        return ExitCode::SUCCESS;
    }
    eprint!("{}", untrusted(&e.render().to_string(), Lines::Keep));
    ExitCode::from(2)
}

/// The exit status of a command that ended with `outcome`; the reason of a failure goes
/// to stderr, escaped (it may quote a file or a report).
pub fn exit(outcome: Outcome) -> ExitCode {
    // A signal being handled decides the exit status: wait for it to exit the process.
    drop(STOPPING.lock());
    match outcome {
        Ok(status) => ExitCode::from(status),
        // The reader went away (`amperr ... | head`): nothing more to say.
        Err(CliError::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("amperr: {}", untrusted(&e.to_string(), Lines::Escape));
            ExitCode::from(match e {
                CliError::NotStarted(_) => 3,
                _ => 2,
            })
        }
    }
}

/// Prints a rendered report and exits with `status`: a reader that went away
/// (`amperr ... | head`) does not turn a verdict into success.
pub fn print_with_status(rendered: &str, status: u8) -> Outcome {
    // A signal being handled ended the run (its browser or decoder killed under it): no
    // report of that run; wait for the handler to exit.
    if let Err(std::sync::TryLockError::WouldBlock) = STOPPING.try_lock() {
        drop(STOPPING.lock());
    }
    let mut out = io::stdout().lock();
    match out
        .write_all(rendered.as_bytes())
        .and_then(|()| out.flush())
    {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(status),
    }
}

/// On SIGINT, SIGTERM or SIGHUP: kill and reap every decoder, remove a half-written
/// report, and exit 128 + the signal. (A SIGKILL cannot be caught; the decoders' parent-
/// death signal covers it.) amperr claims the process's [`Shutdown`] here, first, so that
/// nothing else can; it starts no process but a gate's, so every orphan it gets is a
/// decoder's.
pub fn stop_cleanly_on_signals() -> io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let shutdown = Shutdown::claim()
        .ok_or_else(|| io::Error::other("the process's shutdown was claimed before amperr's"))?;
    shutdown.only_gate_children();
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])?;
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            // Held until the process exits: the main thread, done meanwhile, waits in
            // `exit` rather than exiting with a status of its own.
            let _stopping = STOPPING.lock();
            shutdown.stop();
            std::process::exit(128 + signal);
        }
    });
    Ok(())
}

/// Held by the signal handler while it stops amperr.
static STOPPING: std::sync::Mutex<()> = std::sync::Mutex::new(());
