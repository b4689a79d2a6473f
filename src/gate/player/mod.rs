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
mod confirm;
mod page;
mod pause;
mod session;
mod visual;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use headless_chrome::Tab;

use crate::gate::case::{Case, Stimulus};
use headless_chrome::protocol::cdp::Page;

use crate::catalog::Profile;
use crate::gate::outcome::{Gate, command_line};
use crate::gate::transport::{Findings, StartError, Transport};
use crate::render::plural;
pub use chromium::find_browser;
use chromium::{Chromium, evaluate, said, with_timeout};
pub use confirm::{Visual, VisualMode};
pub use page::PageSource;
pub use session::PlayerSession;
use session::{AfterRun, Answers};

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
}

/// A player build, started afresh in a browser for each run.
pub struct Player {
    config: PlayerConfig,
    /// The page, written once (and removed with the player).
    page: page::Page,
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
    pub fn new(config: PlayerConfig) -> Result<Player, String> {
        let page = page::Page::write(&config.page)?;
        Ok(Player {
            config,
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
            browser: self.config.browser.clone(),
            allowed: self.page.allowed.clone(),
            url: self.page.url.clone(),
            calls: self.page.calls.clone(),
            ready_timeout: self.config.ready_timeout,
        }
    }

    /// Starts a browser on the page and waits for the player to be ready, its answers
    /// going to `answers`.
    fn open(&self, answers: &Answers) -> Result<Chromium, StartError> {
        self.opener().open(answers)
    }

    fn failed(&self, reason: String) -> StartError {
        StartError {
            what: "the player".to_string(),
            reason,
        }
    }

    /// Reads the build's `amp.errorCode` and checks it against the profile, once. A page
    /// stuck while amperr reads it cannot be started.
    fn read_table(&mut self, tab: &Arc<Tab>) -> Result<(), StartError> {
        if std::mem::replace(&mut self.table_read, true) {
            return Ok(());
        }
        let table = match read(tab, &self.page.calls).map_err(|e| self.failed(e))? {
            Table::Json(json) => {
                self.table_before = Some(json.clone());
                json
            }
            // A page of the team's own may gate a player with no such table.
            Table::None if matches!(self.config.page, PageSource::Page(_)) => {
                let note = "the page has no amp.errorCode: the table was not checked";
                self.findings.notes.push(note.to_string());
                return Ok(());
            }
            Table::None => {
                let problem = "the build has no amp.errorCode (window.amp.errorCode)";
                self.findings.problems.push(problem.to_string());
                return Ok(());
            }
            Table::Unreadable(why) => {
                let problem = format!("the build's amp.errorCode could not be read: {why}");
                self.findings.problems.push(problem);
                return Ok(());
            }
        };
        let mut findings = match crate::table::check_table(&table, self.config.profile) {
            Ok(report) => report.findings(),
            Err(e) => {
                let problem = format!("the build's amp.errorCode could not be read: {e}");
                self.findings.problems.push(problem);
                return Ok(());
            }
        };
        // The named ones first: what the build gets wrong, before names it has in plenty.
        findings.sort_by_key(|(kind, _)| {
            ["wrong value", "missing", "extra names"]
                .iter()
                .position(|k| k == kind)
                .unwrap_or(3)
        });
        let (named, more) = findings.split_at(findings.len().min(TABLE_PROBLEMS));
        let problems = named
            .iter()
            .map(|(kind, finding)| format!("the build's amp.errorCode: {kind} {finding}"));
        self.findings.problems.extend(problems);
        if !more.is_empty() {
            self.findings.problems.push(format!(
                "the build's amp.errorCode: {} (the first {TABLE_PROBLEMS} are named; \
                 `amperr check-table --script ...` lists them all)",
                plural(more.len(), "more finding")
            ));
        }
        Ok(())
    }
}

impl Player {
    /// Judges the table read after the last code against the one read before the first:
    /// a build whose table changes on the way (a module loaded late) fails, naming both.
    fn table_after(&mut self, after: Option<Result<String, String>>) {
        let Some(before) = self.table_before.as_deref() else {
            return;
        };
        let after = match after.map(|read| read.and_then(|envelope| table_of(&envelope))) {
            // No run answered every code: there is no "after".
            None => return,
            Some(Ok(Table::Json(json))) => json,
            Some(Ok(Table::None)) => "(none)".to_string(),
            Some(Ok(Table::Unreadable(why)) | Err(why)) => {
                self.findings.problems.push(format!(
                    "the build's amp.errorCode could not be read after the last code: {why}"
                ));
                return;
            }
        };
        if let Some(changes) = table_changes(before, &after) {
            self.findings.problems.push(format!(
                "the build's amp.errorCode changed during the run (read before the first code \
                 and after the last): {changes}"
            ));
        }
    }
}

/// How a table read later differs from one read before, in words (`None`: the same).
fn table_changes(before: &str, after: &str) -> Option<String> {
    if before == after {
        return None;
    }
    type Names = serde_json::Map<String, serde_json::Value>;
    let (Ok(was), Ok(now)) = (
        serde_json::from_str::<Names>(before),
        serde_json::from_str::<Names>(after),
    ) else {
        let cut = |text: &str| crate::escape::cut(text, 200).into_owned();
        return Some(format!("before {}, after {}", cut(before), cut(after)));
    };
    let mut changes: Vec<String> = Vec::new();
    for (name, value) in &was {
        match now.get(name) {
            None => changes.push(format!("{name} = {value} before, gone after")),
            Some(later) if later != value => {
                changes.push(format!("{name} = {value} before, {later} after"))
            }
            Some(_) => {}
        }
    }
    let added = now.iter().filter(|(name, _)| !was.contains_key(*name));
    changes.extend(added.map(|(name, value)| format!("{name} absent before, = {value} after")));
    let named = changes.len().min(TABLE_CHANGES);
    let mut said = changes[..named].join("; ");
    if changes.len() > named {
        said.push_str(&format!(
            "; and {}",
            plural(changes.len() - named, "more change")
        ));
    }
    Some(said)
}

/// How many of a table's changes during a run a report names.
const TABLE_CHANGES: usize = 8;

/// Opens a fresh browser on a player's page: for each run, and again for a run that lost
/// its browser to a pause of amperr.
#[derive(Clone, Debug)]
struct Opener {
    browser: PathBuf,
    allowed: Vec<PathBuf>,
    url: String,
    calls: page::Calls,
    ready_timeout: Duration,
}

impl Opener {
    /// Starts a browser on the page and waits for the player to be ready; the page's
    /// answers go to `answers`.
    fn open(&self, answers: &Answers) -> Result<Chromium, StartError> {
        let chromium = Chromium::start(&self.browser, self.allowed.clone())?;
        let tab = Arc::clone(chromium.tab());
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
                tab.call_method(Page::AddScriptToEvaluateOnNewDocument {
                    source: driver,
                    world_name: None,
                    include_command_line_api: None,
                    run_immediately: None,
                })
                .map_err(said)?;
                tab.navigate_to(&url).map_err(said)?;
                evaluate(&tab, &ready)
            },
        );
        let mut reason = match ready {
            Some(Ok(outcome)) if outcome == "ready" => return Ok(chromium),
            Some(Ok(outcome)) => outcome,
            Some(Err(e)) => format!("while loading, the page {e}"),
            None => format!(
                "the page did not answer within {:?}: stuck in a loop while loading?",
                ready_timeout + Duration::from_secs(5)
            ),
        };
        if let Ok(events) = chromium.events.lock() {
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

/// How many of the table's findings a report names.
const TABLE_PROBLEMS: usize = 32;

/// A build's error-code table as the page gives it.
enum Table {
    Json(String),
    None,
    Unreadable(String),
}

/// Reads the table through the driver, within [`TABLE_TIMEOUT`]; `Err` if the page did
/// not answer (stuck in a loop in a getter, say).
fn read(tab: &Arc<Tab>, calls: &page::Calls) -> Result<Table, String> {
    let (tab, call) = (Arc::clone(tab), calls.table());
    let envelope = match with_timeout(TABLE_TIMEOUT, move || evaluate(&tab, &call)) {
        Some(Ok(envelope)) => envelope,
        Some(Err(e)) => return Ok(Table::Unreadable(format!("the page {e}"))),
        None => {
            return Err(format!(
                "the page did not answer within {TABLE_TIMEOUT:?} while amperr read its \
                 amp.errorCode: stuck in a loop?"
            ));
        }
    };
    table_of(&envelope)
}

/// The table in the driver's envelope; `Err` if the envelope is not one.
fn table_of(envelope: &str) -> Result<Table, String> {
    #[derive(serde::Deserialize)]
    struct Envelope {
        table: Option<String>,
        #[serde(default)]
        none: bool,
        error: Option<String>,
    }
    let envelope: Envelope = serde_json::from_str(envelope)
        .map_err(|e| format!("amperr's driver gave no table ({e})"))?;
    Ok(match envelope {
        Envelope {
            table: Some(json), ..
        } => Table::Json(json),
        Envelope {
            error: Some(why), ..
        } => Table::Unreadable(why),
        Envelope { none: true, .. } => Table::None,
        _ => Table::Unreadable("amperr's driver said nothing of it".to_string()),
    })
}

/// The code the driver raises on the player for `case`.
fn raised(case: &Case) -> u32 {
    match case.stimulus {
        Stimulus::Raise => case.code.0,
    }
}

/// How long reading the build's table may take.
const TABLE_TIMEOUT: Duration = Duration::from_secs(10);

impl Transport for Player {
    type Session = PlayerSession;

    fn start(&mut self, cases: Vec<Case>) -> Result<PlayerSession, StartError> {
        let codes = cases.iter().map(raised).collect();
        pause::watch();
        let (answers, lines) = Answers::new();
        let started = std::time::Instant::now();
        let chromium = match self.open(&answers) {
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
        };
        PlayerSession::start(chromium, answers, lines, codes, run)
            .map_err(|e| self.failed(format!("amperr's driver could not start: {e}")))
    }

    fn reproduce(&self, case: &Case) -> String {
        let mut argv = self.config.command.clone();
        argv.extend(["--code".to_string(), format!("{:#010x}", raised(case))]);
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

/// Reads a build's `amp.errorCode` as `JSON.stringify` gives it (`check-table --script`).
pub fn read_table(config: &PlayerConfig) -> Result<String, TableReadError> {
    let player = Player::new(config.clone()).map_err(|reason| StartError {
        what: "the player".to_string(),
        reason,
    })?;
    let (answers, _lines) = Answers::new();
    let chromium = player.open(&answers)?;
    match read(chromium.tab(), &player.page.calls).map_err(|e| player.failed(e))? {
        Table::Json(json) => Ok(json),
        Table::None => Err(TableReadError::Unreadable(
            "the page has no amp.errorCode".to_string(),
        )),
        Table::Unreadable(why) => Err(TableReadError::Unreadable(format!(
            "the build's amp.errorCode could not be read: {why}"
        ))),
    }
}

/// Why [`read_table`] gave no table.
#[derive(Debug, thiserror::Error)]
pub enum TableReadError {
    /// The browser or the page could not be started.
    #[error(transparent)]
    NotStarted(#[from] StartError),
    /// The page started, and its table is missing or is no table (like a file that is not
    /// one).
    #[error("{0}")]
    Unreadable(String),
}
