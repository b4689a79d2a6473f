//! The browser behind the player: what the session asks of one.
//!
//! Chromium is the one there is (`chromium`), and no other module names its client; the
//! session, the transport and the pixels ask these traits instead, so a second browser is
//! one more implementation, and a test can script a browser of its own (`session`'s tests
//! do, to drive the session's logic with no Chromium at all).
//!
//! Two parts, because a browser has an owner and many callers: a [`Browser`] is the
//! running browser, owned by one; dropping it ends the browser, and with it every call
//! still waiting on it. Its [`Tab`] is a handle the threads that call into the page share
//! (a call bounded by [`with_timeout`] runs on a thread of its own), and holding one must
//! not keep the browser alive: the browser ends when its owner drops it.
//!
//! A call fails in words that follow "the page": `threw TypeError: ...`, `left its page
//! (it navigated away)`, or, when the line to the browser is gone, `lost its browser
//! (...)` ([`LOST`]): the session tells a lost line (which a pause of amperr causes) from
//! the page's own doing by those words.

use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use super::network::NetworkPolicy;
use crate::gate::transport::StartError;

/// How a call's error begins when the line to the browser is gone.
pub(super) const LOST: &str = "lost its browser";
/// How much of what the page reports (exceptions, refused requests, dialogs) is kept.
pub(super) const KEPT: usize = 32;
/// How much of each is kept, in characters (as the driver cuts the texts it sends).
const KEPT_CHARS: usize = 2048;

/// A running browser with one tab. Dropping it ends the browser.
pub trait Browser: Send + Sized + 'static {
    type Tab: Tab;

    /// Starts the browser, with one blank tab whose requests `launch.network` decides.
    fn start(launch: &Launch) -> Result<Self, StartError>;

    /// The browser's one tab.
    fn tab(&self) -> &Self::Tab;

    /// What the page did that a report mentions, as the browser saw it (it grows while
    /// the page runs).
    fn events(&self) -> &Arc<Mutex<Events>>;

    /// Why the browser ended before its time (over its memory bound, the page's renderer
    /// died), in words that follow "the player"; `None` if it did not. Once a call has
    /// lost the browser, this says why better than the call's error.
    fn ended(&self) -> Option<String>;
}

/// The tab of a [`Browser`], shared by the threads that call into its page. Each call
/// blocks until the browser answers, or fails once the browser ends.
pub trait Tab: Clone + Send + Sync + 'static {
    /// Runs `source` in every document the tab loads from now on, before the document's
    /// own scripts.
    fn add_script_before_documents(&self, source: &str) -> Result<(), String>;

    /// Defines the function `name` in every document the tab loads from now on: each call
    /// of it in the page gives `binding` its argument as text (a string as it is, any other
    /// value as JSON), in the order of the calls, while the page runs on.
    fn bind(&self, name: &str, binding: Binding) -> Result<(), String>;

    /// Starts loading `url` (the caller waits for the page in its own terms).
    fn navigate(&self, url: &str) -> Result<(), String>;

    /// Evaluates `expression` in the page, awaiting a promise: its value as text (a string
    /// as it is, any other value as JSON, nothing as `""`).
    fn evaluate(&self, expression: &str) -> Result<String, String>;

    /// Lets the page's time run, on the browser's clock for the page (virtual time in
    /// Chromium: the page's timers run as fast as the page can go, so the overlay that
    /// 2.3.0 fills 50 ms after `error()` costs no 50 ms; the driver assumes it).
    fn run_time(&self) -> Result<(), String>;

    /// Holds the page's time where it is: its timers wait, what its scripts already
    /// changed is still painted.
    fn hold_time(&self) -> Result<(), String>;

    /// Lets `budget` of the page's time run (as fast as the page goes), then holds it;
    /// returns once it has run, or fails after `limit` of real time (a page busy in a
    /// loop).
    fn run_time_for(&self, budget: Duration, limit: Duration) -> Result<(), String>;

    /// A PNG of `region` as the viewer sees it, at `scale` pixels per CSS pixel.
    fn screenshot(&self, region: Region, scale: f64) -> Result<Vec<u8>, String>;
}

/// What a binding's calls go to.
pub type Binding = Arc<dyn Fn(String) + Send + Sync>;

/// What starts a browser.
#[derive(Clone, Debug)]
pub struct Launch {
    /// The browser's executable.
    pub executable: PathBuf,
    /// What the page's requests get.
    pub network: Arc<NetworkPolicy>,
}

/// A box on the page, in CSS pixels (as `getBoundingClientRect` gives it, relative to the
/// viewport).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Region {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// What the page did that a report should mention.
#[derive(Debug, Default)]
pub struct Events {
    /// Requests refused: the URL and why.
    pub blocked: Kept,
    /// Dialogs the page opened (before amperr's driver took `alert` and kin over), each
    /// dismissed.
    pub dialogs: Kept,
    /// Exceptions the page threw.
    pub exceptions: Kept,
}

/// The first [`KEPT`] distinct items of a kind, and how many more came (repeats too): a
/// page cannot hide one behind many.
#[derive(Debug, Default)]
pub struct Kept {
    pub items: Vec<String>,
    pub more: usize,
}

impl Kept {
    /// Keeps `item` (cut at [`KEPT_CHARS`]: the page chose its length) unless it is
    /// kept already; counts it past [`KEPT`].
    pub(super) fn keep(&mut self, item: String) {
        let item = match item.char_indices().nth(KEPT_CHARS) {
            Some((at, _)) => format!("{}…", &item[..at]),
            None => item,
        };
        if self.items.contains(&item) {
            return;
        }
        match self.items.len() < KEPT {
            true => self.items.push(item),
            false => self.more += 1,
        }
    }
}

/// Runs `work` on a thread of its own and waits for it at most `limit`: a page stuck in a
/// loop must not hold the gate.
pub(super) fn with_timeout<T: Send + 'static>(
    limit: Duration,
    work: impl FnOnce() -> T + Send + 'static,
) -> Option<T> {
    let (done, result) = mpsc::channel();
    thread::spawn(move || {
        let _ = done.send(work());
    });
    result.recv_timeout(limit).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_a_page_reports_is_kept_bounded() {
        let mut kept = Kept::default();
        kept.keep("x".repeat(KEPT_CHARS + 10));
        assert_eq!(
            kept.items[0].chars().count(),
            KEPT_CHARS + 1,
            "cut, with an ellipsis"
        );
        for i in 0..KEPT + 5 {
            kept.keep(format!("url {i}"));
            kept.keep(format!("url {i}"));
        }
        // Past the cap each one counts, repeats too: telling them apart would keep them all.
        assert_eq!((kept.items.len(), kept.more), (KEPT, 12));
    }
}
