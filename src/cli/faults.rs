//! `check-faults`: a player build under network and media faults, in headless Chromium.

use std::path::PathBuf;

use amperr::Profile;
use amperr::faults::stream::Stream;
use amperr::faults::{Scenario, ScenarioId, default_set, parse};
use amperr::gate::Corpus;
use amperr::gate::case::Case;
use amperr::player::Player;
use clap::Args;

use super::gate::{Bound, read_input};
use super::paths::Paths;
use super::player::BuildArgs;
use super::run::{OutputArgs, RunArgs, gate_run};
use super::{CliError, Outcome, ProfileArg};

#[derive(Args)]
pub struct CheckFaultsArgs {
    #[command(flatten)]
    profile: ProfileArg,
    #[command(flatten)]
    build: BuildArgs,
    /// Also judge what a screen reader gets of the overlay
    #[arg(long)]
    a11y: bool,
    /// A file of the team's own scenarios ([[scenario]] tables with name, source,
    /// tech_order, fault, expect), added to the default set
    #[arg(long, value_name = "FILE")]
    scenarios: Option<PathBuf>,
    /// Run only this scenario (repeatable): what each reproduce: line uses
    #[arg(long = "scenario", value_name = "NAME")]
    only: Vec<String>,
    /// Print the scenarios (name, fault, source, tech order, expected code and where it
    /// comes from) and exit
    #[arg(long)]
    list_scenarios: bool,
    /// Serve this directory's stream (its manifests and segments, by path) instead of
    /// amperr's own
    #[arg(long, value_name = "DIR")]
    stream: Option<PathBuf>,
    #[command(flatten)]
    run: RunArgs,
    #[command(flatten)]
    output: OutputArgs,
}

pub fn run_check_faults(args: CheckFaultsArgs) -> Outcome {
    let profile = args.profile.profile;
    let scenarios = args.scenarios()?;
    if args.list_scenarios {
        print!("{}", listed(&scenarios, profile));
        return Ok(0);
    }
    if !args.build.given() {
        return Err(CliError::usage(
            "give the build: --script FILE (the player runtime, then plugins) or --page FILE.html",
        ));
    }
    let stream = match &args.stream {
        Some(dir) => Stream::dir(dir).map_err(CliError::usage)?,
        None => Stream::builtin(),
    };
    let corpus = corpus(&scenarios, &stream, profile)?;
    let mut config = args.build.config("check-faults", profile, args.a11y)?;
    config.command.extend(args.argv());
    config.faults = Some(stream);
    // The pixels confirm readings of raised codes (check-player); a scenario is read once.
    config.visual = amperr::player::Visual {
        mode: amperr::player::VisualMode::Off,
        ..amperr::player::Visual::default()
    };
    let browser = amperr::gate::program_file(&config.browser);
    let mut player = Player::new(config).map_err(CliError::usage)?;
    let (inputs, directories) = args.build.inputs(&player, browser.as_deref());
    let inputs: Vec<PathBuf> = inputs.into_iter().chain(args.scenarios.clone()).collect();
    let paths = Paths {
        inputs: &inputs,
        input_dirs: &directories,
        run: &args.run,
        output: &args.output,
    };
    gate_run(&mut player, corpus, None, paths, Vec::new())
}

impl CheckFaultsArgs {
    /// The scenarios asked for: the default set and the file's, or only those named.
    fn scenarios(&self) -> Result<Vec<Scenario>, CliError> {
        let mut all = default_set();
        if let Some(path) = &self.scenarios {
            let text = scenario_file(path)?;
            let file = path.display().to_string();
            all.extend(parse(&file, &text, &all).map_err(CliError::usage)?);
        }
        if self.only.is_empty() {
            return Ok(all);
        }
        self.only
            .iter()
            .map(|name| {
                all.iter()
                    .find(|s| s.name == *name)
                    .cloned()
                    .ok_or_else(|| {
                        let names: Vec<&str> = all.iter().map(|s| s.name.as_str()).collect();
                        CliError::usage(format!(
                            "--scenario {name:?}: there is no such scenario; there are {} \
                         (--list-scenarios says what each does)",
                            names.join(", ")
                        ))
                    })
            })
            .collect()
    }

    /// What `reproduce:` lines must repeat: the team's scenarios and stream.
    fn argv(&self) -> Vec<String> {
        let mut argv = Vec::new();
        if let Some(path) = &self.scenarios {
            argv.extend(["--scenarios".to_string(), path.display().to_string()]);
        }
        if let Some(dir) = &self.stream {
            argv.extend(["--stream".to_string(), dir.display().to_string()]);
        }
        argv
    }
}

/// A scenario file's text: a regular file (a FIFO would wait for a writer for ever) of at
/// most [`SCENARIO_FILE`].
fn scenario_file(path: &std::path::Path) -> Result<String, CliError> {
    let shown = path.display();
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => read_input(path, SCENARIO_FILE),
        Ok(_) => Err(CliError::usage(format!(
            "--scenarios {shown} is not a regular file: give a TOML file of [[scenario]] tables"
        ))),
        Err(e) => Err(CliError::usage(format!(
            "cannot read --scenarios {shown}: {e}"
        ))),
    }
}

/// A scenario file: thousands of scenarios fit, and parsing it stays well under a second.
const SCENARIO_FILE: Bound = Bound(4 * 1024 * 1024, "4 MiB");

/// One case per scenario, checked before any browser starts: each has an expectation
/// under `profile`, and the stream has its source.
fn corpus(scenarios: &[Scenario], stream: &Stream, profile: Profile) -> Result<Corpus, CliError> {
    let mut cases = Vec::new();
    for scenario in scenarios {
        if let Err(why) = stream.has(&scenario.path) {
            return Err(CliError::usage(format!(
                "the stream ({}) has no {} (the source of scenario {}): {why}; a stream \
                 directory holds each scenario's manifest at its source path, a regular file \
                 of at most 16 MiB",
                stream.describe(),
                scenario.path,
                scenario.name
            )));
        }
        let id = ScenarioId::intern(scenario.clone());
        let case = Case::fault(id, profile).ok_or_else(|| {
            CliError::usage(format!(
                "scenario {} expects nothing under profile {}: give expect for it, or that profile in its expect table",
                scenario.name,
                profile.id()
            ))
        })?;
        cases.push(case);
    }
    Ok(Corpus {
        profile,
        random: 0,
        seed: 0,
        shard: None,
        cases,
    })
}

/// `--list-scenarios`: one block per scenario.
fn listed(scenarios: &[Scenario], profile: Profile) -> String {
    let mut out = String::new();
    for s in scenarios {
        let expected = match s.expected(profile) {
            Some(e) => {
                let codes: Vec<String> = e.codes.iter().map(|c| c.to_string()).collect();
                let one = if codes.len() > 1 { "one of " } else { "" };
                format!("{one}{} ({})", codes.join(", "), e.basis.words())
            }
            None => "nothing under this profile".to_string(),
        };
        out.push_str(&format!(
            "{}\n  fault     {}\n  source    {} ({})\n  techOrder {}\n  expected  {} under {}\n",
            shown(&s.name),
            shown(&s.fault.to_string()),
            shown(&s.path),
            s.kind.mime(),
            shown(&s.tech_order.join(", ")),
            expected,
            profile.id(),
        ));
        if let Some(note) = &s.note {
            out.push_str(&format!("  note      {}\n", shown(note)));
        }
    }
    out
}

/// A text from a scenario file, escaped for a terminal.
fn shown(text: &str) -> String {
    amperr::escape::untrusted(text, amperr::escape::Lines::Escape).into_owned()
}
