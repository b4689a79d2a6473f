//! The thread that sends codes into the page, a batch at a time, and goes on in a fresh
//! browser when a pause of amperr cut its line to the first.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::thread;
use std::time::{Duration, Instant};

use super::{Answers, BATCH, DriverState, Run, prepare};
use crate::player::browser::{Browser, LOST, Tab};
use crate::player::confirm::{self, VisualMode};
use crate::player::pause;
use crate::render::plural;

/// The thread that sends codes into the page, a batch at a time.
pub(super) struct Driver<B> {
    pub(super) state: Arc<DriverState<B>>,
    pub(super) answers: Answers,
    pub(super) run: Run,
    /// When the session started: a pause of amperr after it explains a lost browser.
    pub(super) started: Instant,
}

/// How many times one session goes on in a fresh browser after pauses of amperr.
const REOPENS: usize = 8;

impl<B: Browser> Driver<B> {
    pub(super) fn run(&self, codes: &[u32]) {
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
            let lost = why.starts_with(LOST);
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
            .open::<B>(&self.answers)
            .map_err(|e| e.to_string());
        let prepared = opened.and_then(|browser: B| {
            prepare(browser.tab(), &self.run.opener.calls, self.run.paced)?;
            self.state.replace(browser);
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
            let first = sent;
            sent += batch.len();
            let run = self
                .run
                .opener
                .calls
                .batch(batch, first, self.run.accessible);
            let tab = self.state.tab().ok_or("stopped")?;
            let stopped = match tab.evaluate(&run) {
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
        let read = tab
            .evaluate(&self.run.opener.calls.after())
            .and_then(|json| {
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
            Err(why) if why.starts_with(LOST) && self.paused() => {
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
