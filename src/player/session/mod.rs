//! One browser driving a ready page through its codes.
//!
//! A thread of its own (the [`Driver`]) sends the codes into the page a batch at a time;
//! the page answers each code at once through a binding only the driver knows, and the
//! answers reach the runner as lines, in order, through [`PlayerSession`]. The driver
//! stays at most two batches ahead of what the runner has read, so a page faster than
//! the runner cannot fill memory.
//!
//! The session is generic over the [`Browser`]: the player's is Chromium, and the tests
//! here script one of their own. Generic rather than `dyn`: a browser is started by its
//! type (a fresh one after a pause, by the driver thread), one session has one kind of
//! browser, and `PlayerSession` defaults to the player's, so no public signature names the
//! (crate-private) trait.

mod driver;
#[cfg(test)]
mod tests;

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use super::browser::{Browser, Events, KEPT, Tab, with_timeout};
use super::confirm::{self, Visual};
use super::page::Calls;
use super::visual;
use super::{Opener, PlayerBrowser};
use crate::gate::protocol::MAX_LINE;
use crate::gate::transport::{Ended, Findings, Finish, Next, Session};
use crate::lines::Line;
use crate::render::plural;
use driver::Driver;

/// How many codes go into the page in one call. Answers stream back one by one whatever
/// the batch, so it only trades calls against memory: a call costs up to 100 ms of
/// Chromium's client's own polling, a code about 0.3 ms of the page's work.
const BATCH: usize = 2048;
/// How long handing the driver its binding may take.
const START_TIMEOUT: Duration = Duration::from_secs(10);

/// Where the page's answers go: one line each, through the driver's binding, in order.
/// Cloned for a fresh browser that goes on where a lost one stopped.
#[derive(Clone)]
pub(super) struct Answers {
    sender: Sender<String>,
    /// How many have come (counted as they come, before the runner reads them).
    received: Arc<AtomicUsize>,
}

impl Answers {
    /// Answers, and the lines they arrive as.
    pub(super) fn new() -> (Answers, Receiver<String>) {
        let (sender, lines) = mpsc::channel();
        let received = Arc::new(AtomicUsize::new(0));
        (Answers { sender, received }, lines)
    }

    /// Adds the binding `name` to the tab (and every document it loads next).
    pub(super) fn bind(&self, tab: &impl Tab, name: &str) -> Result<(), String> {
        let (sender, counted) = (self.sender.clone(), Arc::clone(&self.received));
        tab.bind(
            name,
            Arc::new(move |answer: String| {
                counted.fetch_add(1, Ordering::Relaxed);
                let _ = sender.send(answer);
            }),
        )
    }
}

/// What a session needs besides its first browser.
pub(super) struct Run {
    /// Opens a fresh browser on the page, for a run that lost its own to a pause.
    pub opener: Opener,
    /// Read and judge what a screen reader gets.
    pub accessible: bool,
    /// Where what is read after the last code goes.
    pub after: Arc<Mutex<AfterRun>>,
    /// Which readings the pixels confirm.
    pub visual: Visual,
    /// The pixels were read already, by an earlier run of the player: once is enough.
    pub photographed: Arc<AtomicBool>,
    /// The page's time runs at most [`PACE`] times as fast as real time (fault scenarios:
    /// a request's answer, and the media pipeline's work, take real time, and a player's
    /// timeout of 60 s of page time must not pass while they are on their way).
    pub paced: bool,
}

/// How much faster than real time a paced page's time may run at most. (A step costs
/// Chromium's client about 0.1 s of real time, so it runs nearer 40 times as fast.)
pub(super) const PACE: u32 = 100;
/// The page time a paced page is given at once: what a request's answer on its way, or
/// the media pipeline's work, may cost at most of the page's time.
const PACE_STEP: Duration = Duration::from_secs(5);

/// What the driver read after the last code of a run that answered them all.
#[derive(Debug, Default)]
pub(super) struct AfterRun {
    /// The build's table, as the driver's envelope (`{"table": "<JSON>"}`, ...), or why it
    /// could not be read.
    pub table: Option<Result<String, String>>,
    /// Connections the page tried that interception does not see (WebRTC), one per line.
    pub attempts: Vec<String>,
    /// How many more it tried than are named.
    pub more: usize,
    /// What the pixels said of the sample's readings.
    pub pixels: Findings,
}

/// One browser driving the page through its codes: Chromium, or a test's scripted one.
pub struct PlayerSession<B: Browser = PlayerBrowser> {
    lines: Receiver<String>,
    number: usize,
    state: Arc<DriverState<B>>,
    /// The first `[object ...]` the page showed or described: a DOM node turned into text.
    object_text: Option<(String, u32)>,
}

/// What the driver thread and the session share.
struct DriverState<B> {
    /// Codes sent into the page.
    taken: AtomicU64,
    /// Steps of page time a paced page has run: a page whose time passes is at work (a
    /// player waiting out a request's 60 s), one whose time stands is not.
    paced_steps: AtomicU64,
    /// Answers the runner has read.
    consumed: AtomicUsize,
    /// The driver is done, one way or the other.
    finished: AtomicBool,
    /// The session is gone: the driver stops.
    stop: AtomicBool,
    /// Why the page stopped answering, if it did.
    ended: Mutex<Option<String>>,
    /// The browser the page runs in now (another after a pause of amperr cut the line to
    /// the first): taken and dropped with the session, which ends it.
    browser: Mutex<Option<B>>,
    /// What every browser of the session saw the page do.
    events: Mutex<Vec<Arc<Mutex<Events>>>>,
    /// What happened on the way (a pause of amperr).
    notes: Mutex<Vec<String>>,
    /// When the driver began opening a fresh browser in place of one lost to a pause, if
    /// it is doing so: that is work, not a hang.
    reopening: Mutex<Option<Instant>>,
    /// The first code of each distinct message the run read (for the pixels).
    shown: Mutex<Vec<(String, u32)>>,
    /// When the driver last got on with its work after the last code (a photograph).
    progress: Mutex<Option<Instant>>,
}

impl<B: Browser> DriverState<B> {
    fn new() -> DriverState<B> {
        DriverState {
            taken: AtomicU64::default(),
            paced_steps: AtomicU64::default(),
            consumed: AtomicUsize::default(),
            finished: AtomicBool::default(),
            stop: AtomicBool::default(),
            ended: Mutex::default(),
            browser: Mutex::new(None),
            events: Mutex::default(),
            notes: Mutex::default(),
            reopening: Mutex::default(),
            shown: Mutex::default(),
            progress: Mutex::default(),
        }
    }

    /// The tab of the browser the page runs in now.
    fn tab(&self) -> Option<B::Tab> {
        let browser = self.browser.lock().ok()?;
        browser.as_ref().map(|browser| browser.tab().clone())
    }

    /// Calls `f` with what each browser of the session saw.
    fn each_browser(&self, mut f: impl FnMut(&Events)) {
        let Ok(all) = self.events.lock() else { return };
        for events in all.iter() {
            if let Ok(events) = events.lock() {
                f(&events);
            }
        }
    }

    /// Makes `browser` the session's, ending the one before.
    fn replace(&self, browser: B) {
        if let Ok(mut events) = self.events.lock() {
            events.push(Arc::clone(browser.events()));
        }
        let before = self
            .browser
            .lock()
            .ok()
            .and_then(|mut b| b.replace(browser));
        drop(before);
    }
}

impl<B: Browser> PlayerSession<B> {
    /// Confirms that the driver in the ready page of `browser` holds its binding, and
    /// starts sending it `codes`; the answers come as `lines`.
    pub(super) fn start(
        browser: B,
        answers: Answers,
        lines: Receiver<String>,
        codes: Vec<u32>,
        run: Run,
    ) -> Result<PlayerSession<B>, String> {
        prepare(browser.tab(), &run.opener.calls, run.paced)?;
        let state = Arc::new(DriverState::new());
        state.replace(browser);
        if run.paced {
            let state = Arc::clone(&state);
            thread::spawn(move || pace(&state));
        }
        let driver = Driver {
            state: Arc::clone(&state),
            answers,
            run,
            started: Instant::now(),
        };
        thread::spawn(move || {
            driver.run(&codes);
            driver.state.finished.store(true, Ordering::Release);
        });
        Ok(PlayerSession {
            lines,
            number: 0,
            state,
            object_text: None,
        })
    }

    fn line(&mut self, text: String) -> Next {
        self.number += 1;
        if self.object_text.is_none() {
            self.object_text =
                object_text(&text).map(|object| (object.to_string(), code_of(&text)));
        }
        self.note_message(&text);
        self.state.consumed.fetch_add(1, Ordering::Relaxed);
        let line = match text.len() > MAX_LINE {
            true => Line::TooLong,
            false => Line::Text(text),
        };
        Next::Line(self.number, line)
    }

    /// Keeps the first code of each distinct message read, for the pixels.
    fn note_message(&self, line: &str) {
        let Ok(mut shown) = self.state.shown.lock() else {
            return;
        };
        if shown.len() >= confirm::DISTINCT || line.len() > MAX_LINE {
            return;
        }
        let Ok(answer) = serde_json::from_str::<serde_json::Value>(line) else {
            return;
        };
        let (Some(message), Some(code)) = (answer["message"].as_str(), answer["code"].as_u64())
        else {
            return;
        };
        if !shown.iter().any(|(m, _)| m == message) {
            shown.push((message.to_string(), code as u32));
        }
    }
}

impl<B: Browser> Drop for PlayerSession<B> {
    fn drop(&mut self) {
        self.state.stop.store(true, Ordering::Relaxed);
        // The browser ends now, and the driver thread's call into it with it.
        let browser = self.state.browser.lock().ok().and_then(|mut b| b.take());
        drop(browser);
    }
}

/// Lets the page's time of the session's browser (whichever it is now) run, a step at a
/// time, at most [`PACE`] times as fast as real time, until the session ends.
fn pace<B: Browser>(state: &DriverState<B>) {
    let period = PACE_STEP / PACE;
    while !state.stop.load(Ordering::Relaxed) && !state.finished.load(Ordering::Acquire) {
        let started = Instant::now();
        if let Some(tab) = state.tab() {
            // A page busy in a loop lets no time pass: the runner's idle timeout sees it.
            if tab.run_time_for(PACE_STEP, Duration::from_secs(1)).is_ok() {
                state.paced_steps.fetch_add(1, Ordering::Relaxed);
            }
        }
        thread::sleep(period.saturating_sub(started.elapsed()));
    }
}

/// Confirms that the driver in the ready page of the tab holds its binding, and lets the
/// page's time run on the browser's clock (paced: the session's pacer does).
fn prepare(tab: &impl Tab, calls: &Calls, paced: bool) -> Result<(), String> {
    let (setup, init) = (tab.clone(), calls.init());
    // A page busy in a loop of its own must not hold the gate here either.
    let started = with_timeout(START_TIMEOUT, move || -> Result<(), String> {
        match setup.evaluate(&init)?.as_str() {
            "ok" => {}
            other => return Err(format!("the page's driver said {other:?}")),
        }
        // 2.3.0 fills its overlay 50 ms after error(): on virtual time, waits are free.
        match paced {
            true => Ok(()),
            false => setup.run_time(),
        }
    });
    started.unwrap_or_else(|| {
        Err(format!(
            "the page did not answer within {START_TIMEOUT:?}: busy in a loop?"
        ))
    })
}

impl<B: Browser> Session for PlayerSession<B> {
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
        let taken = self.state.taken.load(Ordering::Relaxed)
            + self.state.paced_steps.load(Ordering::Relaxed);
        // A fresh browser on its way is the peer at work: the count moves every 100 ms.
        let reopening = self.state.reopening.lock().ok().and_then(|r| *r);
        let busy = reopening.map_or(0, |since| since.elapsed().as_millis() as u64 / 100 + 1);
        taken + busy
    }

    fn ended(&mut self) -> Ended {
        let what = self.state.ended.lock().ok().and_then(|e| e.clone());
        Ended {
            what: what.unwrap_or_else(|| "stopped answering".to_string()),
            clean: false,
        }
    }

    fn finish(&mut self, idle: Duration) -> Finish {
        // Every code is answered; the driver still reads the table again (bounded: a page
        // stuck in a getter is given up on, and the table is then "not read after").
        // So are the pixels of a sample, each bounded by OCR's own limit.
        let started = Instant::now();
        while !self.state.finished.load(Ordering::Acquire) {
            let progress = self.state.progress.lock().ok().and_then(|p| *p);
            let since = progress.map_or(started.elapsed(), |at| at.elapsed());
            if since > idle + visual::OCR_TIMEOUT {
                break;
            }
            thread::sleep(Duration::from_millis(2));
        }
        Finish {
            extra_lines: 0,
            first_extra: None,
            exit: Ok(()),
        }
    }

    fn diagnostics(&self) -> String {
        let mut lines = Vec::new();
        self.state.each_browser(|events| {
            let thrown = events.exceptions.items.iter();
            lines.extend(thrown.map(|e| format!("the page threw {e}")));
            if events.exceptions.more > 0 {
                let more = plural(events.exceptions.more, "more exception");
                lines.push(format!(
                    "the page threw {more} (the first {KEPT} are named)"
                ));
            }
        });
        lines.join("\n")
    }

    fn notes(&mut self) -> Vec<String> {
        let mut notes = self
            .state
            .notes
            .lock()
            .map(|n| n.clone())
            .unwrap_or_default();
        self.state
            .each_browser(|events| notes.extend(browser_notes(events)));
        let object = self.object_text.iter().map(|(object, code)| {
            format!(
                "the overlay gives the viewer the text {object:?} (first for {code:#010x}): a DOM \
                 node joined into text, as the shipped 2.3.0 player joins the content of its \
                 screen-reader description; screen readers say it aloud"
            )
        });
        notes.extend(object);
        notes
    }
}

/// What a browser saw the page do that a report notes.
fn browser_notes(events: &Events) -> Vec<String> {
    {
        let mut notes: Vec<String> = (events.blocked.items.iter())
            .map(|refused| format!("the page asked for {refused}"))
            .collect();
        if events.blocked.more > 0 {
            let more = plural(events.blocked.more, "more URL");
            notes.push(format!(
                "the page asked for {more}, refused (the first {KEPT} are named)"
            ));
        }
        notes.extend(
            (events.dialogs.items.iter())
                .map(|d| format!("the page opened a dialog, {d}: amperr dismissed it")),
        );
        if events.dialogs.more > 0 {
            let more = plural(events.dialogs.more, "more dialog");
            notes.push(format!("the page opened {more}: amperr dismissed each"));
        }
        notes
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
