//! The player transport: a player build in headless Chromium, judged by what its error
//! overlay shows the viewer (`amperr check-player`).
//!
//! Each run is a fresh browser (`chromium`) on a page that loads the build: one amperr
//! writes from the given scripts and styles with its built-in hook for AMP-compatible
//! builds, or the team's own page, which defines the hook itself (`docs/PLAYER.md`). Once
//! the hook says the player is ready, amperr puts its driver into the page, runs the page's
//! timers on virtual time (2.3.0 fills its overlay 50 ms after `error()`: real waits would
//! cost minutes), and sends the codes in batches; for each, the driver clears the error,
//! raises the code through the player's own error path, and reads the overlay as a person
//! would: its visible text (the message line, then the code line) and, with `--a11y`, what
//! a screen reader gets. Each answer comes back at once, through a binding only the driver
//! holds, as a line the gate's runner judges like a decoder's: a page stuck on one code
//! has sent the answers before it.
//!
//! The page is untrusted like a decoder: a page that throws while loading or never
//! becomes ready cannot be started (exit 3); one that loops forever is a hang, one that
//! navigates away or crashes a crash, a code on which the player throws or opens a dialog
//! a refusal, each within bounded time; requests outside its own files are refused.
//!
//! The first run also reads the build's `amp.errorCode` and checks it as `check-table`
//! does: its findings fail the gate.
//!
//! In layers: `browser` is what the player asks of a browser, and `chromium` the one
//! browser there is (it starts, watches and ends Chromium, and alone knows its protocol);
//! `network` is what the page's requests get; `page` is what the browser loads (the page,
//! the hook, the driver's scripts); `session` drives one ready page through its codes;
//! `table` reads the build's table; this module is the [`Transport`] the runner sees.

mod browser;
pub(crate) mod browser_process;
mod chromium;
mod confirm;
mod media;
mod network;
mod page;
mod pause;
mod session;
mod table;
mod visual;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::catalog::Profile;
use crate::faults::stream::Stream;
use crate::gate::case::{Case, Stimulus};
use crate::gate::outcome::{Gate, command_line};
use crate::gate::transport::{Echo, Findings, StartError, Transport};
use crate::render::plural;
use browser::{Browser, Launch, Tab, with_timeout};
pub use chromium::find_browser;
pub use confirm::{Visual, VisualMode};
use media::Media;
use network::NetworkPolicy;
pub use page::{PageError, PageSource};
pub use session::PlayerSession;
use session::{AfterRun, Answers};
pub use table::{TableReadError, read_table};

/// The browser a player runs in: the one place a second browser would be chosen.
type PlayerBrowser = chromium::Chromium;

/// What to gate, and how.
#[derive(Clone, Debug)]
pub struct PlayerConfig {
    pub page: PageSource,
    /// The Chromium to run.
    pub browser: PathBuf,
    /// Read and judge what a screen reader gets (`--a11y`).
    pub accessible: bool,
    /// How long the page may take to load and say its player is ready.
    pub ready_timeout: Duration,
    /// The profile the build's `amp.errorCode` is checked against.
    pub profile: Profile,
    /// The `amperr check-player ...` command that gates this build (without `--code`),
    /// for reports and `reproduce:` lines.
    pub command: Vec<String>,
    /// Which readings the pixels confirm (`--visual`).
    pub visual: Visual,
    /// Fault scenarios (`check-faults`), not codes: the streams their players are given.
    pub faults: Option<Stream>,
}

/// How much page time a fault scenario's player has to raise its error: 2.3.0 gives up on
/// a request that is never answered after about 60 s, and retries before that.
pub const FAULT_WAIT: Duration = Duration::from_secs(180);

/// A player build, started afresh in a browser for each run.
pub struct Player {
    config: PlayerConfig,
    /// The page, written once (and removed with the player).
    page: page::Page,
    /// What the page's requests get.
    network: Arc<NetworkPolicy>,
    /// The streams of fault scenarios, with their faults.
    media: Option<Arc<Media>>,
    /// The build's table was read (on the first run that got a ready player).
    table_read: bool,
    /// The table as read before the first code (`JSON.stringify`'s text).
    table_before: Option<String>,
    /// What the last run that answered every code read after it.
    after: Arc<Mutex<AfterRun>>,
    /// The pixels of a sample were read (by the first run that answered every code).
    photographed: Arc<std::sync::atomic::AtomicBool>,
    findings: Findings,
}

impl Player {
    /// The player of `config`; `Err` says why its page cannot be made (a file that cannot
    /// be read, say).
    pub fn new(config: PlayerConfig) -> Result<Player, PageError> {
        let page = page::Page::write(&config.page, config.faults.as_ref().map(|_| FAULT_WAIT))?;
        let media = config
            .faults
            .clone()
            .map(|stream| Arc::new(Media::new(stream)));
        let network = NetworkPolicy {
            media: media.clone(),
            ..page.network()
        };
        Ok(Player {
            config,
            media,
            network: Arc::new(network),
            page,
            table_read: false,
            table_before: None,
            after: Arc::default(),
            photographed: Arc::default(),
            findings: Findings::default(),
        })
    }

    /// The directories whose files the page may load: the page's own and the scripts'.
    pub fn directories(&self) -> &[PathBuf] {
        &self.page.allowed
    }

    /// What opens a fresh browser on this player's page.
    fn opener(&self) -> Opener {
        Opener {
            launch: Launch {
                executable: self.config.browser.clone(),
                network: Arc::clone(&self.network),
            },
            url: self.page.url.clone(),
            calls: self.page.calls.clone(),
            ready_timeout: self.config.ready_timeout,
        }
    }

    /// Starts a browser on the page and waits for the player to be ready, its answers
    /// going to `answers`.
    fn open<B: Browser>(&self, answers: &Answers) -> Result<B, StartError> {
        self.opener().open(answers)
    }

    fn failed(&self, reason: String) -> StartError {
        StartError {
            what: "the player".to_string(),
            reason,
        }
    }
}

/// Opens a fresh browser on a player's page: for each run, and again for a run that lost
/// its browser to a pause of amperr.
#[derive(Clone, Debug)]
struct Opener {
    launch: Launch,
    url: String,
    calls: page::Calls,
    ready_timeout: Duration,
}

impl Opener {
    /// Starts a browser on the page and waits for the player to be ready; the page's
    /// answers go to `answers`.
    fn open<B: Browser>(&self, answers: &Answers) -> Result<B, StartError> {
        let browser = B::start(&self.launch)?;
        let tab = browser.tab().clone();
        let url = self.url.clone();
        let ready_timeout = self.ready_timeout;
        let (driver, ready) = (self.calls.driver_script(), self.calls.ready(ready_timeout));
        let binding = self.calls.binding().to_string();
        let answers = answers.clone();
        let ready = with_timeout(
            ready_timeout + Duration::from_secs(5),
            move || -> Result<_, String> {
                // Before the page exists: the driver takes the binding before any script of
                // the page can see it.
                answers.bind(&tab, &binding)?;
                // Before any script of the page: the driver keeps the built-ins unreplaced.
                tab.add_script_before_documents(&driver)?;
                tab.navigate(&url)?;
                tab.evaluate(&ready)
            },
        );
        let mut reason = match ready {
            Some(Ok(outcome)) if outcome == "ready" => return Ok(browser),
            Some(Ok(outcome)) => outcome,
            Some(Err(e)) => format!("while loading, the page {e}"),
            None => format!(
                "the page did not answer within {:?}: stuck in a loop while loading?",
                ready_timeout + Duration::from_secs(5)
            ),
        };
        if let Ok(events) = browser.events().lock() {
            let thrown = (events.exceptions.items.iter()).map(|x| format!("it threw {x}"));
            let dialogs = (events.dialogs.items.iter()).map(|d| format!("it opened a dialog, {d}"));
            let why: Vec<String> = thrown.chain(dialogs).collect();
            if !why.is_empty() {
                reason.push_str(&format!(" ({})", why.join("; ")));
            }
        }
        Err(StartError {
            what: "the player".to_string(),
            reason,
        })
    }
}

/// What the driver is given for `case`: the code it raises on the player, or the number
/// of the fault scenario it runs.
fn raised(case: &Case) -> u32 {
    match case.stimulus {
        Stimulus::Raise => case.code.0,
        Stimulus::Fault(scenario) => scenario.number(),
    }
}

impl Transport for Player {
    type Session = PlayerSession;

    fn start(&mut self, cases: Vec<Case>) -> Result<PlayerSession, StartError> {
        if let Some(media) = &self.media {
            media.begin(&cases);
        }
        let codes = cases.iter().map(raised).collect();
        pause::watch();
        let (answers, lines) = Answers::new();
        let started = std::time::Instant::now();
        let chromium: PlayerBrowser = match self.open(&answers) {
            // A pause of amperr while the page loaded cut the line to the browser: again.
            Err(_) if pause::paused_since(started).is_some() => self.open(&answers)?,
            opened => opened?,
        };
        self.read_table(chromium.tab())?;
        let run = session::Run {
            opener: self.opener(),
            accessible: self.config.accessible,
            after: Arc::clone(&self.after),
            visual: self.config.visual.clone(),
            photographed: Arc::clone(&self.photographed),
            paced: self.media.is_some(),
        };
        PlayerSession::start(chromium, answers, lines, codes, run)
            .map_err(|e| self.failed(format!("amperr's driver could not start: {e}")))
    }

    fn reproduce(&self, case: &Case) -> String {
        let mut argv = self.config.command.clone();
        match case.stimulus {
            Stimulus::Raise => {
                argv.extend(["--code".to_string(), format!("{:#010x}", case.code.0)])
            }
            Stimulus::Fault(scenario) => {
                argv.extend(["--scenario".to_string(), scenario.get().name.clone()]);
            }
        }
        command_line(&argv)
    }

    fn context(&self, case: &Case) -> Option<String> {
        let Stimulus::Fault(scenario) = case.stimulus else {
            return None;
        };
        let traffic = self.media.as_ref()?.traffic(scenario).unwrap_or_default();
        Some(traffic.words(&scenario.get().fault))
    }

    fn describe(&self) -> Vec<String> {
        self.config.command.clone()
    }

    fn echo(&self) -> Echo {
        Echo::Request
    }

    fn gate(&self) -> Gate {
        match (self.media.is_some(), self.config.accessible) {
            (false, true) => Gate::PLAYER,
            (false, false) => Gate::PLAYER_VISIBLE,
            (true, true) => Gate::FAULTS,
            (true, false) => Gate::FAULTS_VISIBLE,
        }
    }

    fn findings(&mut self) -> Findings {
        let after = std::mem::take(&mut *self.after.lock().unwrap_or_else(|e| e.into_inner()));
        self.table_after(after.table);
        self.findings.problems.extend(after.pixels.problems);
        self.findings.notes.extend(after.pixels.notes);
        let attempts = after.attempts.iter();
        let notes = attempts.map(|a| format!("the page tried {a}: refused (no network)"));
        self.findings.notes.extend(notes);
        if after.more > 0 {
            let more = plural(after.more, "more connection");
            (self.findings.notes).push(format!("the page tried {more}, each refused"));
        }
        std::mem::take(&mut self.findings)
    }
}
