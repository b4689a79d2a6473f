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

mod chromium;
mod page;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use headless_chrome::Tab;
use headless_chrome::protocol::cdp::{Emulation, Runtime};

use crate::catalog::Profile;
use crate::gate::protocol::MAX_LINE;
use crate::gate::report::{Gate, command_line};
use crate::gate::transport::{Ended, Findings, Finish, Next, Session, StartError, Transport};
use crate::lines::Line;
pub use chromium::find_browser;
use chromium::{Chromium, said};
pub use page::PageSource;

/// How many codes go into the page in one call. Answers stream back one by one whatever
/// the batch, so it only trades calls against memory: a call costs up to 100 ms of
/// `headless_chrome`'s own polling, a code about 0.3 ms of the page's work.
const BATCH: usize = 2048;

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
                let thrown = events.exceptions.iter().map(|x| format!("it threw {x}"));
                let dialogs = events
                    .dialogs
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
        let fail = |e: String| self.failed(format!("amperr's driver could not start: {e}"));
        let (sender, lines) = mpsc::channel();
        let received = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&received);
        let binding = one_off_name();
        tab.expose_function(
            &binding,
            Arc::new(move |payload: serde_json::Value| {
                counted.fetch_add(1, Ordering::Relaxed);
                let _ = sender.send(match payload {
                    serde_json::Value::String(text) => text,
                    other => other.to_string(),
                });
            }),
        )
        .map_err(|e| fail(said(e)))?;
        evaluate(&tab, &page::driver(&binding)).map_err(fail)?;
        // 2.3.0 fills its overlay 50 ms after error(): on virtual time, waits are free.
        tab.call_method(Emulation::SetVirtualTimePolicy {
            policy: Emulation::VirtualTimePolicy::Advance,
            budget: None,
            max_virtual_time_task_starvation_count: None,
            initial_virtual_time: None,
        })
        .map_err(|e| fail(said(e)))?;
        let driver = Driver {
            tab,
            url: self.page.url.clone(),
            accessible: self.config.accessible,
            state: Arc::new(DriverState::default()),
            received,
        };
        Ok(PlayerSession::start(chromium, driver, codes, lines))
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

/// A name no page script can know in advance, for the binding the driver answers through.
fn one_off_name() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u32(std::process::id());
    format!("__amperr_{:016x}", hasher.finish())
}

/// One browser driving the page through its codes.
pub struct PlayerSession {
    // Dropped first: the browser ends, and the driver thread with it.
    chromium: Chromium,
    lines: Receiver<String>,
    number: usize,
    state: Arc<DriverState>,
    /// The first `[object ...]` the page showed or described: a DOM node turned into text.
    object_text: Option<(String, u32)>,
}

/// What the driver thread and the session share.
#[derive(Default)]
struct DriverState {
    /// Codes sent into the page.
    taken: AtomicU64,
    /// Answers the runner has read.
    consumed: AtomicUsize,
    /// The driver is done, one way or the other.
    finished: AtomicBool,
    /// The session is gone: the driver stops.
    stop: AtomicBool,
    /// Why the page stopped answering, if it did.
    ended: Mutex<Option<String>>,
}

impl PlayerSession {
    fn start(
        chromium: Chromium,
        driver: Driver,
        codes: Vec<u32>,
        lines: Receiver<String>,
    ) -> PlayerSession {
        let state = Arc::clone(&driver.state);
        thread::spawn(move || {
            driver.run(&codes);
            driver.state.finished.store(true, Ordering::Release);
        });
        PlayerSession {
            chromium,
            lines,
            number: 0,
            state,
            object_text: None,
        }
    }

    fn line(&mut self, text: String) -> Next {
        self.number += 1;
        if self.object_text.is_none() {
            self.object_text =
                object_text(&text).map(|object| (object.to_string(), code_of(&text)));
        }
        self.state.consumed.fetch_add(1, Ordering::Relaxed);
        let line = match text.len() > MAX_LINE {
            true => Line::TooLong,
            false => Line::Text(text),
        };
        Next::Line(self.number, line)
    }
}

impl Drop for PlayerSession {
    fn drop(&mut self) {
        self.state.stop.store(true, Ordering::Relaxed);
    }
}

impl Session for PlayerSession {
    fn next(&mut self, wait: Duration) -> Next {
        match self.lines.recv_timeout(wait) {
            Ok(text) => self.line(text),
            Err(RecvTimeoutError::Timeout) if self.state.finished.load(Ordering::Acquire) => {
                match self.lines.try_recv() {
                    Ok(text) => self.line(text),
                    Err(_) => Next::Ended,
                }
            }
            Err(RecvTimeoutError::Timeout) => Next::Quiet,
            Err(RecvTimeoutError::Disconnected) => Next::Ended,
        }
    }

    fn alive(&self) -> bool {
        !self.state.finished.load(Ordering::Acquire)
    }

    fn taken(&self) -> u64 {
        self.state.taken.load(Ordering::Relaxed)
    }

    fn ended(&mut self) -> Ended {
        let what = self.state.ended.lock().ok().and_then(|e| e.clone());
        Ended {
            what: what.unwrap_or_else(|| "stopped answering".to_string()),
            clean: false,
        }
    }

    fn finish(&mut self) -> Finish {
        Finish {
            extra_lines: 0,
            first_extra: None,
            exit: Ok(()),
        }
    }

    fn diagnostics(&self) -> String {
        let Ok(events) = self.chromium.events.lock() else {
            return String::new();
        };
        let thrown = events
            .exceptions
            .iter()
            .map(|e| format!("the page threw {e}"));
        thrown.collect::<Vec<_>>().join("\n")
    }

    fn notes(&mut self) -> Vec<String> {
        let Ok(events) = self.chromium.events.lock() else {
            return Vec::new();
        };
        let refused = events
            .blocked
            .iter()
            .map(|url| format!("the page asked for {url}: refused (no network)"));
        let dialogs = events
            .dialogs
            .iter()
            .map(|d| format!("the page opened a dialog, {d}: amperr dismissed it"));
        let object = self.object_text.iter().map(|(object, code)| {
            format!(
                "the overlay gives the viewer the text {object:?} (first for {code:#010x}): a DOM \
                 node joined into text, as the shipped 2.3.0 player joins the content of its \
                 screen-reader description; screen readers say it aloud"
            )
        });
        refused.chain(dialogs).chain(object).collect()
    }
}

/// The `[object HTMLBRElement]` (say) in an answer line, if any.
fn object_text(line: &str) -> Option<&str> {
    let at = line.find("[object ")?;
    let end = line[at..].find(']')?;
    Some(&line[at..at + end + 1]).filter(|object| object.len() <= 64)
}

/// The code an answer line echoes (0 if it cannot be read: the runner says why).
fn code_of(line: &str) -> u32 {
    serde_json::from_str::<serde_json::Value>(line)
        .ok()
        .and_then(|answer| answer.get("code")?.as_u64())
        .and_then(|code| u32::try_from(code).ok())
        .unwrap_or(0)
}

/// The thread that sends codes into the page, a batch at a time.
struct Driver {
    tab: Arc<Tab>,
    url: String,
    accessible: bool,
    state: Arc<DriverState>,
    /// Answers the page sent (counted by the binding).
    received: Arc<AtomicUsize>,
}

impl Driver {
    fn run(&self, codes: &[u32]) {
        let mut sent = 0;
        for batch in codes.chunks(BATCH) {
            // A page faster than the runner must not fill memory with answers.
            while sent > self.state.consumed.load(Ordering::Relaxed) + 2 * BATCH {
                if self.state.stop.load(Ordering::Relaxed) {
                    return;
                }
                thread::sleep(Duration::from_millis(1));
            }
            self.state
                .taken
                .fetch_add(batch.len() as u64, Ordering::Relaxed);
            sent += batch.len();
            let run = page::batch(&self.url, batch, self.accessible);
            if let Err(why) = evaluate(&self.tab, &run) {
                // Answers sent before the failure may still be on their way.
                self.wait_for(sent, Duration::from_millis(200));
                if let Ok(mut ended) = self.state.ended.lock() {
                    *ended = Some(why);
                }
                return;
            }
            // Every answer of the batch was sent before the batch returned; let them land.
            self.wait_for(sent, Duration::from_secs(5));
        }
    }

    /// Waits (at most `limit`) until the page's answers number `count`.
    fn wait_for(&self, count: usize, limit: Duration) {
        let until = std::time::Instant::now() + limit;
        while self.received.load(Ordering::Relaxed) < count
            && std::time::Instant::now() < until
            && !self.state.stop.load(Ordering::Relaxed)
        {
            thread::sleep(Duration::from_millis(1));
        }
    }
}

/// Evaluates `expression` in the page, awaiting a promise; its value as text, or why not,
/// in words that follow "the player" or "the page": `threw TypeError: ...`.
fn evaluate(tab: &Tab, expression: &str) -> Result<String, String> {
    let evaluated = tab
        .call_method(Runtime::Evaluate {
            expression: expression.to_string(),
            return_by_value: Some(true),
            generate_preview: None,
            silent: None,
            await_promise: Some(true),
            include_command_line_api: None,
            user_gesture: None,
            object_group: None,
            context_id: None,
            throw_on_side_effect: None,
            timeout: None,
            disable_breaks: None,
            repl_mode: None,
            allow_unsafe_eval_blocked_by_csp: None,
            unique_context_id: None,
            serialization_options: None,
        })
        .map_err(|e| match said(e) {
            // Chromium's words when the page the call ran in went away.
            e if e.contains("navigated or closed") => {
                "left its page (it navigated away)".to_string()
            }
            e => format!("lost its browser ({e})"),
        })?;
    if let Some(thrown) = evaluated.exception_details {
        let what = thrown
            .exception
            .and_then(|e| e.description)
            .unwrap_or(thrown.text);
        let first = what.lines().next().unwrap_or_default();
        return Err(format!("threw {first}"));
    }
    match evaluated.result.value {
        Some(serde_json::Value::String(text)) => Ok(text),
        Some(other) => Ok(other.to_string()),
        None => Ok(String::new()),
    }
}

/// Runs `work` on a thread of its own and waits for it at most `limit`: a page stuck in a
/// loop must not hold the gate.
fn with_timeout<T: Send + 'static>(
    limit: Duration,
    work: impl FnOnce() -> T + Send + 'static,
) -> Option<T> {
    let (done, result) = mpsc::channel();
    thread::spawn(move || {
        let _ = done.send(work());
    });
    result.recv_timeout(limit).ok()
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
