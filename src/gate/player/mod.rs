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
//! In layers: `chromium` starts, watches and ends the browser; `page` is what it loads
//! (the page, the hook, the driver's scripts); `session` drives one ready page through
//! its codes; this module is the [`Transport`] the runner sees.

mod chromium;
mod page;
mod session;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use headless_chrome::Tab;

use crate::catalog::Profile;
use crate::gate::report::{Gate, command_line};
use crate::gate::transport::{Findings, StartError, Transport};
pub use chromium::find_browser;
use chromium::{Chromium, evaluate, said, with_timeout};
pub use page::PageSource;
pub use session::PlayerSession;

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
}

/// A player build, started afresh in a browser for each run.
pub struct Player {
    config: PlayerConfig,
    /// The page, written once (and removed with the player).
    page: page::Page,
    /// The build's table was read (on the first run that got a ready player).
    table_read: bool,
    findings: Findings,
}

impl Player {
    /// The player of `config`; `Err` says why its page cannot be made (a file that cannot
    /// be read, say).
    pub fn new(config: PlayerConfig) -> Result<Player, String> {
        let page = page::Page::write(&config.page)?;
        Ok(Player {
            config,
            page,
            table_read: false,
            findings: Findings::default(),
        })
    }

    /// Starts a browser on the page and waits for the player to be ready.
    fn open(&self) -> Result<Chromium, StartError> {
        let chromium = Chromium::start(&self.config.browser, self.page.allowed.clone())?;
        let tab = Arc::clone(chromium.tab());
        let url = self.page.url.clone();
        let ready_timeout = self.config.ready_timeout;
        let ready = with_timeout(ready_timeout + Duration::from_secs(5), move || {
            tab.navigate_to(&url).map_err(said)?;
            evaluate(&tab, &page::ready_script(ready_timeout))
        });
        let outcome = match ready {
            Some(Ok(outcome)) => outcome,
            Some(Err(e)) => format!("while loading, the page {e}"),
            None => format!(
                "the page did not answer within {:?}: stuck in a loop while loading?",
                ready_timeout + Duration::from_secs(5)
            ),
        };
        if outcome != "ready" {
            let mut reason = outcome;
            if let Ok(events) = chromium.events.lock() {
                let thrown = events
                    .exceptions
                    .items
                    .iter()
                    .map(|x| format!("it threw {x}"));
                let dialogs = events
                    .dialogs
                    .items
                    .iter()
                    .map(|d| format!("it opened a dialog, {d}"));
                let why: Vec<String> = thrown.chain(dialogs).collect();
                if !why.is_empty() {
                    reason.push_str(&format!(" ({})", why.join("; ")));
                }
            }
            return Err(self.failed(reason));
        }
        Ok(chromium)
    }

    fn failed(&self, reason: String) -> StartError {
        StartError {
            what: "the player".to_string(),
            reason,
        }
    }

    /// Reads the build's `amp.errorCode` and checks it against the profile, once.
    fn read_table(&mut self, tab: &Arc<Tab>) {
        if std::mem::replace(&mut self.table_read, true) {
            return;
        }
        let tab = Arc::clone(tab);
        let read = with_timeout(Duration::from_secs(10), move || evaluate(&tab, page::TABLE));
        let json = match read {
            Some(Ok(json)) => json,
            _ => {
                let note = "the build's amp.errorCode could not be read".to_string();
                self.findings.notes.push(note);
                return;
            }
        };
        if json == "null" {
            let note = "the page has no amp.errorCode: the table was not checked".to_string();
            self.findings.notes.push(note);
            return;
        }
        match crate::table::check_table(&json, self.config.profile) {
            Ok(report) => self.findings.problems.extend(
                (report.findings().into_iter())
                    .map(|(kind, finding)| format!("the build's amp.errorCode: {kind} {finding}")),
            ),
            Err(e) => self
                .findings
                .problems
                .push(format!("the build's amp.errorCode: {e}")),
        }
    }
}

impl Transport for Player {
    type Session = PlayerSession;

    fn start(&mut self, codes: Vec<u32>) -> Result<PlayerSession, StartError> {
        let chromium = self.open()?;
        let tab = Arc::clone(chromium.tab());
        self.read_table(&tab);
        let url = self.page.url.clone();
        PlayerSession::start(chromium, url, self.config.accessible, codes)
            .map_err(|e| self.failed(format!("amperr's driver could not start: {e}")))
    }

    fn reproduce(&self, code: u32) -> String {
        let mut argv = self.config.command.clone();
        argv.extend(["--code".to_string(), format!("{code:#010x}")]);
        command_line(&argv)
    }

    fn describe(&self) -> Vec<String> {
        self.config.command.clone()
    }

    fn gate(&self) -> Gate {
        if self.config.accessible {
            Gate::PLAYER
        } else {
            Gate::PLAYER_VISIBLE
        }
    }

    fn findings(&mut self) -> Findings {
        std::mem::take(&mut self.findings)
    }
}

/// Reads a build's `amp.errorCode` as `JSON.stringify` gives it (`check-table --script`).
pub fn read_table(config: &PlayerConfig) -> Result<String, StartError> {
    let player = Player::new(config.clone()).map_err(|reason| StartError {
        what: "the player".to_string(),
        reason,
    })?;
    let chromium = player.open()?;
    let tab = Arc::clone(chromium.tab());
    let read = with_timeout(Duration::from_secs(10), move || evaluate(&tab, page::TABLE));
    match read {
        Some(Ok(json)) if json != "null" => Ok(json),
        Some(Ok(_)) => Err(player.failed("the page has no amp.errorCode".to_string())),
        Some(Err(e)) => Err(player.failed(e)),
        None => Err(player.failed("amp.errorCode could not be read in 10 s".to_string())),
    }
}
