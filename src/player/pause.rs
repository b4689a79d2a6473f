//! Whether amperr itself was paused (SIGSTOP, or Ctrl-Z's SIGTSTP, then SIGCONT).
//!
//! A pause of amperr is not the browser's doing and must change no verdict, but it cuts
//! the DevTools connection: on Linux a socket read with a timeout, as Chromium's client
//! (in `chromium`) reads its WebSocket, fails with EINTR when the process is stopped and
//! continued (signal(7)), and the client closes the connection on that error. The browser and
//! its page are fine; amperr only lost its line to them. So the session asks, when the
//! line is lost, whether amperr was just paused, and if so goes on in a fresh browser.
//!
//! A thread of its own ticks every [`TICK`]: all of amperr's threads stop together, so
//! a tick that comes much later than it should marks a pause.

use std::sync::Mutex;
use std::sync::OnceLock;
use std::thread;
use std::time::{Duration, Instant};

/// How often the watch ticks.
const TICK: Duration = Duration::from_millis(50);
/// A tick this much later than due is a pause (or a machine too loaded to run amperr,
/// which is no different for the browser's line).
const LATE: Duration = Duration::from_millis(750);

/// When the last pause ended, and how long it was.
static LAST: Mutex<Option<(Instant, Duration)>> = Mutex::new(None);
static WATCH: OnceLock<()> = OnceLock::new();

/// Starts the watch (once per process).
pub(super) fn watch() {
    WATCH.get_or_init(|| {
        thread::spawn(|| {
            let mut due = Instant::now() + TICK;
            loop {
                thread::sleep(TICK);
                let now = Instant::now();
                if now > due + LATE {
                    if let Ok(mut last) = LAST.lock() {
                        *last = Some((now, now - due));
                    }
                }
                due = now + TICK;
            }
        });
    });
}

/// How long amperr was paused, if a pause ended after `since`. Waits a few ticks first,
/// so that a caller woken by the same SIGCONT as the watch does not ask too early.
pub(super) fn paused_since(since: Instant) -> Option<Duration> {
    thread::sleep(TICK * 4);
    let last = *LAST.lock().ok()?;
    last.filter(|(ended, _)| *ended > since)
        .map(|(_, length)| length)
}

/// Makes the watch say amperr was just paused for `length` (the session's tests, which
/// cannot stop the test process).
#[cfg(test)]
pub(super) fn pretend_paused(length: Duration) {
    if let Ok(mut last) = LAST.lock() {
        *last = Some((Instant::now(), length));
    }
}
