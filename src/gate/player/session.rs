//! One browser driving a ready page through its codes.
//!
//! A thread of its own (the [`Driver`]) sends the codes into the page a batch at a time;
//! the page answers each code at once through a binding only the driver knows, and the
//! answers reach the runner as lines, in order, through [`PlayerSession`]. The driver
//! stays at most two batches ahead of what the runner has read, so a page faster than
//! the runner cannot fill memory.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use headless_chrome::Tab;
use headless_chrome::protocol::cdp::Emulation;

use super::Opener;
use super::chromium::Events;
use super::chromium::{Chromium, KEPT, evaluate, said, with_timeout};
use super::confirm::{self, Visual, VisualMode};
use super::page::Calls;
use super::pause;
use super::visual;
use crate::gate::protocol::MAX_LINE;
use crate::gate::transport::{Ended, Findings, Finish, Next, Session};
use crate::lines::Line;
use crate::render::plural;

/// How many codes go into the page in one call. Answers stream back one by one whatever
/// the batch, so it only trades calls against memory: a call costs up to 100 ms of
/// `headless_chrome`'s own polling, a code about 0.3 ms of the page's work.
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
    pub(super) fn bind(&self, tab: &Arc<Tab>, name: &str) -> Result<(), String> {
        let (sender, counted) = (self.sender.clone(), Arc::clone(&self.received));
        let send = Arc::new(move |payload: serde_json::Value| {
            counted.fetch_add(1, Ordering::Relaxed);
            let _ = sender.send(match payload {
                serde_json::Value::String(text) => text,
                other => other.to_string(),
            });
        });
        tab.expose_function(name, send).map_err(said)
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
}

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

/// One browser driving the page through its codes.
pub struct PlayerSession {
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
    /// The browser the page runs in now (another after a pause of amperr cut the line to
    /// the first): taken and dropped with the session, which ends it.
    browser: Mutex<Option<Chromium>>,
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

impl DriverState {
    /// The tab of the browser the page runs in now.
    fn tab(&self) -> Option<Arc<Tab>> {
        let browser = self.browser.lock().ok()?;
        browser.as_ref().map(|chromium| Arc::clone(chromium.tab()))
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

    /// Makes `chromium` the session's browser, ending the one before.
    fn replace(&self, chromium: Chromium) {
        if let Ok(mut events) = self.events.lock() {
            events.push(Arc::clone(&chromium.events));
        }
        let before = self
            .browser
            .lock()
            .ok()
            .and_then(|mut b| b.replace(chromium));
        drop(before);
    }
}

impl PlayerSession {
    /// Confirms that the driver in the ready page of `chromium` holds its binding, and
    /// starts sending it `codes`; the answers come as `lines`.
    pub(super) fn start(
        chromium: Chromium,
        answers: Answers,
        lines: Receiver<String>,
        codes: Vec<u32>,
        run: Run,
    ) -> Result<PlayerSession, String> {
        prepare(chromium.tab(), &run.opener.calls)?;
        let state = Arc::new(DriverState::default());
        state.replace(chromium);
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
}

impl PlayerSession {
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

impl Drop for PlayerSession {
    fn drop(&mut self) {
        self.state.stop.store(true, Ordering::Relaxed);
        // The browser ends now, and the driver thread's call into it with it.
        let browser = self.state.browser.lock().ok().and_then(|mut b| b.take());
        drop(browser);
    }
}

/// Confirms that the driver in the ready page of the tab holds its binding, and puts the
/// page's timers on virtual time.
fn prepare(tab: &Arc<Tab>, calls: &Calls) -> Result<(), String> {
    let (setup, init) = (Arc::clone(tab), calls.init());
    // A page busy in a loop of its own must not hold the gate here either.
    let started = with_timeout(START_TIMEOUT, move || -> Result<(), String> {
        match evaluate(&setup, &init)?.as_str() {
            "ok" => {}
            other => return Err(format!("the page's driver said {other:?}")),
        }
        // 2.3.0 fills its overlay 50 ms after error(): on virtual time, waits are free.
        setup
            .call_method(Emulation::SetVirtualTimePolicy {
                policy: Emulation::VirtualTimePolicy::Advance,
                budget: None,
                max_virtual_time_task_starvation_count: None,
                initial_virtual_time: None,
            })
            .map_err(said)?;
        Ok(())
    });
    started.unwrap_or_else(|| {
        Err(format!(
            "the page did not answer within {START_TIMEOUT:?}: busy in a loop?"
        ))
    })
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
        let taken = self.state.taken.load(Ordering::Relaxed);
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

/// The thread that sends codes into the page, a batch at a time.
struct Driver {
    state: Arc<DriverState>,
    answers: Answers,
    run: Run,
    /// When the session started: a pause of amperr after it explains a lost browser.
    started: Instant,
}

/// How many times one session goes on in a fresh browser after pauses of amperr.
const REOPENS: usize = 8;

impl Driver {
    fn run(&self, codes: &[u32]) {
        let mut reopened = 0;
        loop {
            // The codes not answered yet: all, or those after a browser lost to a pause.
            let from = self
                .answers
                .received
                .load(Ordering::Relaxed)
                .min(codes.len());
            let Err(why) = self.send(codes, from) else {
                self.photograph(codes);
                return self.read_after();
            };
            // Why amperr ended the browser itself (over its memory bound, a renderer that
            // died), if it did: then it was not lost to a pause.
            let ended = self.state.browser.lock().ok();
            let why = ended.and_then(|b| b.as_ref()?.ended()).unwrap_or(why);
            if self.state.stop.load(Ordering::Relaxed) {
                return;
            }
            let lost = why.starts_with("lost its browser");
            let Some(paused) = lost
                .then(|| self.reopen_after_pause(&mut reopened))
                .flatten()
            else {
                if let Ok(mut ended) = self.state.ended.lock() {
                    *ended = Some(why);
                }
                return;
            };
            let answered = self.answers.received.load(Ordering::Relaxed);
            if let Ok(mut notes) = self.state.notes.lock() {
                notes.push(format!(
                    "amperr was paused for {:.1} s, which cut its connection to the browser; \
                     the {} not answered went on in a fresh browser",
                    paused.as_secs_f64(),
                    plural(codes.len().saturating_sub(answered), "code")
                ));
            }
        }
    }

    /// Confirms a sample of the run's readings against the pixels (once per player).
    fn photograph(&self, codes: &[u32]) {
        let mark = || {
            if let Ok(mut progress) = self.state.progress.lock() {
                *progress = Some(Instant::now());
            }
        };
        mark();
        if self.run.visual.mode == VisualMode::Off
            || self.run.photographed.swap(true, Ordering::Relaxed)
        {
            return;
        }
        // The runner has read every answer (and so every message) before the sample.
        let until = Instant::now() + Duration::from_secs(10);
        while self.state.consumed.load(Ordering::Relaxed) < codes.len() && Instant::now() < until {
            if self.state.stop.load(Ordering::Relaxed) {
                return;
            }
            thread::sleep(Duration::from_millis(1));
        }
        let shown: Vec<u32> = (self.state.shown.lock())
            .map(|shown| shown.iter().map(|(_, code)| *code).collect())
            .unwrap_or_default();
        let sample = confirm::sample(&self.run.visual, codes, &shown);
        let Some(tab) = self.state.tab() else { return };
        let calls = &self.run.opener.calls;
        let found = confirm::confirm(&tab, calls, &self.run.visual, &sample, &mark);
        if let Ok(mut after) = self.run.after.lock() {
            after.pixels = found;
        }
    }

    /// Whether amperr was paused since the session started.
    fn paused(&self) -> bool {
        pause::paused_since(self.started).is_some()
    }

    /// If amperr was paused since `since`, a fresh browser in place of the one lost (again
    /// if another pause cuts the line to the fresh one as it starts), and how long the
    /// pause was; `None` if there was no pause, or no browser could be opened.
    fn reopen_after_pause(&self, reopened: &mut usize) -> Option<Duration> {
        let (mut since, mut paused) = (self.started, Duration::ZERO);
        while *reopened < REOPENS {
            paused += pause::paused_since(since)?;
            *reopened += 1;
            since = Instant::now();
            if self.reopen().is_ok() {
                return Some(paused);
            }
        }
        None
    }

    /// A fresh browser on the page, in place of the one lost.
    fn reopen(&self) -> Result<(), String> {
        let mark = |at: Option<Instant>| {
            if let Ok(mut reopening) = self.state.reopening.lock() {
                *reopening = at;
            }
        };
        mark(Some(Instant::now()));
        let opened = self
            .run
            .opener
            .open(&self.answers)
            .map_err(|e| e.to_string());
        let prepared = opened.and_then(|chromium| {
            prepare(chromium.tab(), &self.run.opener.calls)?;
            self.state.replace(chromium);
            Ok(())
        });
        mark(None);
        prepared
    }

    /// Sends `codes[from..]` into the page, a batch at a time; `Err` says why the page
    /// stopped answering.
    fn send(&self, codes: &[u32], from: usize) -> Result<(), String> {
        let mut sent = from;
        for batch in codes[from..].chunks(BATCH) {
            // A page faster than the runner must not fill memory with answers.
            while sent > self.state.consumed.load(Ordering::Relaxed) + 2 * BATCH {
                if self.state.stop.load(Ordering::Relaxed) {
                    return Err("stopped".to_string());
                }
                thread::sleep(Duration::from_millis(1));
            }
            self.state
                .taken
                .fetch_add(batch.len() as u64, Ordering::Relaxed);
            sent += batch.len();
            let run = self.run.opener.calls.batch(batch, self.run.accessible);
            let tab = self.state.tab().ok_or("stopped")?;
            let stopped = match evaluate(&tab, &run) {
                Ok(done) if done.is_empty() => None,
                // The driver's words: "left its page (...)".
                Ok(why) => Some(why),
                Err(why) => Some(why),
            };
            if let Some(why) = stopped {
                // Answers sent before the failure may still be on their way.
                self.wait_for(sent, Duration::from_millis(200));
                return Err(why);
            }
            // Every answer of the batch was sent before the batch returned; let them land.
            self.wait_for(sent, Duration::from_secs(5));
        }
        Ok(())
    }

    /// Reads the table again, and the connections the page tried, once every code is
    /// answered.
    fn read_after(&self) {
        #[derive(serde::Deserialize)]
        struct After {
            table: String,
            attempts: String,
            more: usize,
        }
        let Some(tab) = self.state.tab() else { return };
        let read = evaluate(&tab, &self.run.opener.calls.after()).and_then(|json| {
            serde_json::from_str::<After>(&json)
                .map_err(|e| format!("gave no reading amperr could use ({e})"))
        });
        let Ok(mut after) = self.run.after.lock() else {
            return;
        };
        match read {
            Ok(read) => {
                after.table = Some(Ok(read.table));
                let attempts = read.attempts.lines().filter(|a| !a.is_empty());
                for attempt in attempts {
                    if !after.attempts.iter().any(|a| a == attempt) {
                        after.attempts.push(attempt.to_string());
                    }
                }
                after.more = after.more.max(read.more);
            }
            Err(why) if why.starts_with("lost its browser") && self.paused() => {
                drop(after);
                if let Ok(mut notes) = self.state.notes.lock() {
                    let note = "amperr was paused as it read the build's table again after the \
                                last code, which cut its connection to the browser: the table was \
                                not read again";
                    notes.push(note.to_string());
                }
            }
            Err(why) => after.table = Some(Err(format!("the page {why}"))),
        }
    }

    /// Waits (at most `limit`) until the page's answers number `count`.
    fn wait_for(&self, count: usize, limit: Duration) {
        let until = std::time::Instant::now() + limit;
        while self.answers.received.load(Ordering::Relaxed) < count
            && std::time::Instant::now() < until
            && !self.state.stop.load(Ordering::Relaxed)
        {
            thread::sleep(Duration::from_millis(1));
        }
    }
}
