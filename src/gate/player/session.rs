//! One browser driving a ready page through its codes.
//!
//! A thread of its own (the [`Driver`]) sends the codes into the page a batch at a time;
//! the page answers each code at once through a binding only the driver knows, and the
//! answers reach the runner as lines, in order, through [`PlayerSession`]. The driver
//! stays at most two batches ahead of what the runner has read, so a page faster than
//! the runner cannot fill memory.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use headless_chrome::Tab;
use headless_chrome::protocol::cdp::Emulation;

use super::chromium::{Chromium, KEPT, evaluate, said, with_timeout};
use super::page::Calls;
use crate::gate::protocol::MAX_LINE;
use crate::gate::transport::{Ended, Finish, Next, Session};
use crate::lines::Line;
use crate::render::plural;

/// How many codes go into the page in one call. Answers stream back one by one whatever
/// the batch, so it only trades calls against memory: a call costs up to 100 ms of
/// `headless_chrome`'s own polling, a code about 0.3 ms of the page's work.
const BATCH: usize = 2048;
/// How long handing the driver its binding may take.
const START_TIMEOUT: Duration = Duration::from_secs(10);

/// The answers a page sends through the driver's binding, one line each.
pub(super) struct Answers {
    lines: Receiver<String>,
    /// How many have come (counted as they come, before the runner reads them).
    received: Arc<AtomicUsize>,
}

impl Answers {
    /// Adds the binding `name` to the tab (and every document it loads next).
    pub(super) fn through(tab: &Arc<Tab>, name: &str) -> Result<Answers, String> {
        let (sender, lines) = mpsc::channel();
        let received = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&received);
        let send = Arc::new(move |payload: serde_json::Value| {
            counted.fetch_add(1, Ordering::Relaxed);
            let _ = sender.send(match payload {
                serde_json::Value::String(text) => text,
                other => other.to_string(),
            });
        });
        tab.expose_function(name, send).map_err(said)?;
        Ok(Answers { lines, received })
    }
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
    /// Confirms that the driver in the ready page of `chromium` holds its binding, and
    /// starts sending it `codes`.
    pub(super) fn start(
        chromium: Chromium,
        answers: Answers,
        calls: Calls,
        accessible: bool,
        codes: Vec<u32>,
        after: Arc<Mutex<AfterRun>>,
    ) -> Result<PlayerSession, String> {
        let tab = Arc::clone(chromium.tab());
        let (setup, init) = (Arc::clone(&tab), calls.init());
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
        })?;
        let Answers { lines, received } = answers;
        let driver = Driver {
            tab,
            calls,
            accessible,
            state: Arc::new(DriverState::default()),
            received,
            after,
        };
        let state = Arc::clone(&driver.state);
        thread::spawn(move || {
            driver.run(&codes);
            driver.state.finished.store(true, Ordering::Release);
        });
        Ok(PlayerSession {
            chromium,
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

    fn finish(&mut self, idle: Duration) -> Finish {
        // Every code is answered; the driver still reads the table again (bounded: a page
        // stuck in a getter is given up on, and the table is then "not read after").
        let until = std::time::Instant::now() + idle;
        while !self.state.finished.load(Ordering::Acquire) && std::time::Instant::now() < until {
            thread::sleep(Duration::from_millis(2));
        }
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
        let thrown = events.exceptions.items.iter();
        let mut lines: Vec<String> = thrown.map(|e| format!("the page threw {e}")).collect();
        if events.exceptions.more > 0 {
            let more = plural(events.exceptions.more, "more exception");
            lines.push(format!(
                "the page threw {more} (the first {KEPT} are named)"
            ));
        }
        lines.join("\n")
    }

    fn notes(&mut self) -> Vec<String> {
        let Ok(events) = self.chromium.events.lock() else {
            return Vec::new();
        };
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
    calls: Calls,
    accessible: bool,
    state: Arc<DriverState>,
    /// Answers the page sent (counted by the binding).
    received: Arc<AtomicUsize>,
    /// Where what is read after the last code goes.
    after: Arc<Mutex<AfterRun>>,
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
            let run = self.calls.batch(batch, self.accessible);
            let stopped = match evaluate(&self.tab, &run) {
                Ok(done) if done.is_empty() => None,
                // The driver's words: "left its page (...)".
                Ok(why) => Some(why),
                Err(why) => Some(why),
            };
            if let Some(why) = stopped {
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
        self.read_after();
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
        let read = evaluate(&self.tab, &self.calls.after()).and_then(|json| {
            serde_json::from_str::<After>(&json)
                .map_err(|e| format!("gave no reading amperr could use ({e})"))
        });
        let Ok(mut after) = self.after.lock() else {
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
            Err(why) => after.table = Some(Err(format!("the page {why}"))),
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
