//! `check-player`: the gate for a player build, in headless Chromium.

use std::path::{Path, PathBuf};
use std::time::Duration;

use amperr::gate::Corpus;
use amperr::gate::transport::StartError;
use amperr::player::TableReadError;
use amperr::player::{PageSource, Player, PlayerConfig, Visual, VisualMode, find_browser};
use clap::Args;

use super::paths::Paths;
use super::run::{CorpusArgs, OutputArgs, RunArgs, gate_run, seconds};
use super::{CliError, Outcome};

#[derive(Args)]
#[command(group = clap::ArgGroup::new("build").required(true).args(["script", "page"]))]
pub struct CheckPlayerArgs {
    #[command(flatten)]
    corpus: CorpusArgs,
    #[command(flatten)]
    build: BuildArgs,
    /// Also judge what a screen reader gets: the overlay's accessible description must say
    /// the message and the code line, and nothing else
    #[arg(long)]
    a11y: bool,
    /// Only these codes (any form `decode` reads; repeatable), e.g. to reproduce one failure
    #[arg(long = "code", value_name = "CODE", value_parser = code, conflicts_with = "write_xfail")]
    codes: Vec<u32>,
    /// Confirm readings against the pixels (a screenshot read with tesseract): each
    /// distinct message and 4 codes drawn with --seed (sample), every code (all), or none
    #[arg(long, value_enum, default_value_t = VisualArg::Sample, value_name = "HOW")]
    visual: VisualArg,
    /// Where the screenshot of a reading the pixels contradict is saved (default: a new
    /// directory in the temporary directory)
    #[arg(long, value_name = "DIR")]
    screenshots: Option<PathBuf>,
    #[command(flatten)]
    run: RunArgs,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum VisualArg {
    All,
    Sample,
    Off,
}

impl CheckPlayerArgs {
    /// What --visual, --screenshots and --seed ask of the pixels.
    fn visual(&self) -> Visual {
        let mode = match self.visual {
            VisualArg::All => VisualMode::All,
            VisualArg::Sample => VisualMode::Sample,
            VisualArg::Off => VisualMode::Off,
        };
        Visual {
            mode,
            seed: self.corpus.seed(),
            screenshots: self.screenshots.clone(),
        }
    }

    /// What `reproduce:` lines must repeat of the pixels' options.
    fn visual_argv(&self) -> Vec<String> {
        let mut argv = Vec::new();
        match self.visual {
            VisualArg::Sample => {}
            VisualArg::All => argv.extend(["--visual", "all"].map(String::from)),
            VisualArg::Off => argv.extend(["--visual", "off"].map(String::from)),
        }
        if let Some(dir) = &self.screenshots {
            argv.extend(["--screenshots".to_string(), dir.display().to_string()]);
        }
        argv
    }
}

/// Where the build is, and the browser to load it in.
#[derive(Args)]
pub struct BuildArgs {
    /// A local script of the build: the player runtime, then any plugins (repeatable, in
    /// load order). amperr writes the page and creates the player, as AMP pages do
    #[arg(long, value_name = "FILE")]
    script: Vec<PathBuf>,
    /// A local stylesheet for the page amperr writes (repeatable)
    #[arg(long, value_name = "FILE", requires = "script")]
    css: Vec<PathBuf>,
    /// The team's own page instead: it creates its player and defines the hook
    /// window.amperrPlayer (see the README, "Gating a player build")
    #[arg(long, value_name = "FILE.html", conflicts_with_all = ["script", "css"])]
    page: Option<PathBuf>,
    /// The Chromium to run (default: chromium on PATH; amperr never downloads one)
    #[arg(long, value_name = "PATH")]
    browser: Option<PathBuf>,
    /// Seconds the page may take to load and say its player is ready
    #[arg(long, default_value = "30", value_name = "SECONDS", value_parser = seconds)]
    ready_timeout: Duration,
}

impl BuildArgs {
    /// The build's page, checked now: a script that cannot be read is bad usage.
    fn source(&self) -> Result<PageSource, CliError> {
        let readable = |path: &PathBuf| {
            std::fs::metadata(path)
                .map_err(|e| CliError::usage(format!("cannot read {}: {e}", path.display())))
                .and_then(|meta| match meta.is_file() {
                    true => Ok(()),
                    false => Err(CliError::usage(format!(
                        "{} is not a file: give the build's scripts, styles or page",
                        path.display()
                    ))),
                })
        };
        match &self.page {
            Some(page) => {
                readable(page)?;
                Ok(PageSource::Page(page.clone()))
            }
            None => {
                self.script.iter().chain(&self.css).try_for_each(readable)?;
                Ok(PageSource::Scripts {
                    scripts: self.script.clone(),
                    css: self.css.clone(),
                })
            }
        }
    }

    /// The browser: `--browser`, or Chromium on PATH.
    fn browser(&self) -> Result<PathBuf, CliError> {
        match &self.browser {
            Some(path) => Ok(path.clone()),
            None => find_browser().ok_or_else(|| {
                CliError::NotStarted(StartError {
                    what: "the browser".to_string(),
                    reason: "there is no chromium on PATH: install it (Debian: apt-get \
                             install chromium) or give --browser PATH; amperr never \
                             downloads a browser"
                        .to_string(),
                })
            }),
        }
    }

    /// Whether a build is given at all.
    pub(super) fn given(&self) -> bool {
        !self.script.is_empty() || self.page.is_some()
    }

    /// The arguments that name this build, for `reproduce:` lines.
    fn argv(&self) -> Vec<String> {
        let mut argv = Vec::new();
        let mut push = |flag: &str, path: &Path| {
            argv.extend([flag.to_string(), path.display().to_string()]);
        };
        self.script.iter().for_each(|p| push("--script", p));
        self.css.iter().for_each(|p| push("--css", p));
        self.page.iter().for_each(|p| push("--page", p));
        self.browser.iter().for_each(|p| push("--browser", p));
        argv
    }

    pub(super) fn config(
        &self,
        gate: &str,
        profile: amperr::Profile,
        accessible: bool,
    ) -> Result<PlayerConfig, CliError> {
        let mut command = ["amperr", gate, "--profile", profile.id()]
            .map(String::from)
            .to_vec();
        command.extend(self.argv());
        if accessible {
            command.push("--a11y".to_string());
        }
        Ok(PlayerConfig {
            page: self.source()?,
            browser: self.browser()?,
            accessible,
            ready_timeout: self.ready_timeout,
            profile,
            command,
            visual: Visual::default(),
            faults: None,
        })
    }
}

/// A code in any form `decode` reads.
fn code(s: &str) -> Result<u32, String> {
    amperr::parse_code(s)
        .map(|code| code.0)
        .map_err(|e| e.to_string())
}

pub fn run_check_player(args: CheckPlayerArgs) -> Outcome {
    let profile = args.corpus.profile();
    let mut config = args.build.config("check-player", profile, args.a11y)?;
    config.visual = args.visual();
    config.command.extend(args.visual_argv());
    // The browser that will run: --browser, or the one found on PATH.
    let browser = amperr::gate::program_file(&config.browser);
    let whole: Corpus = args.corpus.corpus();
    let mut player = Player::new(config).map_err(CliError::usage)?;
    let only = (!args.codes.is_empty()).then_some(args.codes.as_slice());
    let (inputs, directories) = args.build.inputs(&player, browser.as_deref());
    let paths = Paths {
        inputs: &inputs,
        input_dirs: &directories,
        run: &args.run,
        output: &args.output,
    };
    gate_run(&mut player, whole, only, paths, Vec::new())
}

impl BuildArgs {
    /// The files a run reads (which no output may replace), and the directories a page of
    /// the team's own may load any file of.
    pub(super) fn inputs(
        &self,
        player: &Player,
        browser: Option<&Path>,
    ) -> (Vec<PathBuf>, Vec<PathBuf>) {
        let inputs: Vec<PathBuf> = (self.script.iter().chain(&self.css).chain(&self.page))
            .chain(&self.browser)
            .map(PathBuf::as_path)
            .chain(browser)
            .filter(|path| path.is_file())
            .map(Path::to_path_buf)
            .collect();
        let directories = match &self.page {
            Some(_) => player.directories().to_vec(),
            None => Vec::new(),
        };
        (inputs, directories)
    }
}

/// `check-table --script`: the table of a build, read in the browser.
pub fn read_table(build: &BuildArgs, profile: amperr::Profile) -> Result<String, CliError> {
    let config = build.config("check-table", profile, false)?;
    amperr::player::read_table(&config).map_err(|e| match e {
        TableReadError::NotStarted(e) => CliError::NotStarted(e),
        TableReadError::Unreadable(why) => CliError::usage(format!(
            "{why} (expected amp.errorCode to be an object of names to integers, at most 1048576 characters as JSON)"
        )),
        other => CliError::usage(other),
    })
}
