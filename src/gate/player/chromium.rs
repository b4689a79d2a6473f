//! One headless Chromium, started, watched and ended by amperr.
//!
//! The browser is untrusted like a decoder: it is started from argv through the gate's
//! process layer (its own process group, the session cookie, the parent-death signal), so
//! it and every process it forks are killed and reaped when the session ends, on a
//! timeout, and when amperr is signalled. It runs headless, in a fresh temporary profile
//! removed at the end, in English, and with no network: every request outside the page's
//! own local files is refused (Fetch interception) and noted, and what interception does
//! not see (WebSockets, WebTransport, WebRTC, DNS) finds no way out. A watchdog bounds the
//! memory of its processes together ([`MEMORY_BOUND`]): past it, amperr kills the browser
//! and says why ([`Chromium::ended`]), as it does when the page's renderer crashes. amperr
//! talks to it over the Chrome DevTools Protocol with the `headless_chrome` crate,
//! connected to the browser it started itself (never one it downloads).

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use headless_chrome::browser::tab::RequestPausedDecision;
use headless_chrome::protocol::cdp::Fetch::events::RequestPausedEvent;
use headless_chrome::protocol::cdp::Fetch::{FailRequest, RequestPattern};
use headless_chrome::protocol::cdp::Inspector;
use headless_chrome::protocol::cdp::Network::{self, ErrorReason};
use headless_chrome::protocol::cdp::Runtime;
use headless_chrome::protocol::cdp::types::Event;
use headless_chrome::{Browser, Tab};

use crate::gate::browser_process::{Processes, ScratchDir};
use crate::gate::process::{self, Child, Pipes};
use crate::gate::transport::StartError;

/// How long the browser may take to say where its DevTools listen.
const LAUNCH_TIMEOUT: Duration = Duration::from_secs(30);
/// How much of what the page reports (exceptions, refused requests, dialogs) is kept.
pub const KEPT: usize = 32;
/// How much of each is kept, in characters (as the driver cuts the texts it sends).
const KEPT_CHARS: usize = 2048;
/// How much memory the browser's processes may hold together, in bytes (their anonymous
/// and shared memory, resident): the fixture build's whole default corpus peaks near
/// 270 MiB, and a page that allocates without end would take the machine's.
pub const MEMORY_BOUND: u64 = 1 << 30;
/// How often the watchdog looks: a page allocating fast goes a little past the bound.
const WATCH_EVERY: Duration = Duration::from_millis(100);
/// The longest a socket's path may be (`sun_path`, less its NUL).
const SOCKET_PATH_MAX: usize = 107;
/// What Chromium adds to its `TMPDIR` for its own socket (Chrome's name is shorter).
const CHROMIUM_SOCKET: &str = "/.org.chromium.Chromium.XXXXXX/SingletonSocket";

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
    fn keep(&mut self, item: String) {
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

/// A running browser with one tab. Dropping it kills and reaps the browser and removes its
/// profile.
pub struct Chromium {
    // Dropped in this order (after `drop` has stopped the watchdog): the connection, then
    // the processes, then the profile and the temporary directory.
    tab: Arc<Tab>,
    _browser: Browser,
    _child: Child,
    _profile: ScratchDir,
    _temporary: Option<ScratchDir>,
    ending: Arc<Ending>,
    /// The watchdog, and what stops it (dropped).
    watchdog: Option<(mpsc::Sender<()>, thread::JoinHandle<()>)>,
    pub events: Arc<Mutex<Events>>,
}

/// How the browser ends early: killed by amperr, and why.
struct Ending {
    /// Why, once it is decided; and whether the browser may still be killed from here
    /// (false once [`Chromium`] is being dropped: its processes are reaped then, and their
    /// ids could name others).
    why: Mutex<(Option<String>, bool)>,
    processes: Processes,
}

impl Ending {
    /// Kills the browser, for `why` (the first reason given is kept).
    fn end(&self, why: String) {
        let mut state = self.why.lock().unwrap_or_else(|e| e.into_inner());
        let (reason, killable) = &mut *state;
        if !*killable {
            return;
        }
        reason.get_or_insert(why);
        self.processes.kill();
    }

    /// Watches the memory of the browser's processes until `stop` says so (or is
    /// dropped), or until it goes over [`MEMORY_BOUND`].
    fn watch(&self, stop: &mpsc::Receiver<()>) {
        while let Err(RecvTimeoutError::Timeout) = stop.recv_timeout(WATCH_EVERY) {
            if self.processes.memory() > MEMORY_BOUND {
                self.end(format!(
                    "used over {} MiB of memory (its browser's processes together): amperr \
                     stopped it",
                    MEMORY_BOUND >> 20
                ));
                return;
            }
        }
    }
}

impl Drop for Chromium {
    fn drop(&mut self) {
        self.ending.why.lock().unwrap_or_else(|e| e.into_inner()).1 = false;
        if let Some((stop, watchdog)) = self.watchdog.take() {
            drop(stop);
            let _ = watchdog.join();
        }
    }
}

impl Chromium {
    /// Starts `executable` headless, with a tab whose requests are refused unless they
    /// are for a file under one of `allowed` (or `data:`, `blob:`, `about:`).
    pub fn start(executable: &Path, allowed: Vec<PathBuf>) -> Result<Chromium, StartError> {
        let fail = |reason: String| StartError {
            what: format!("the browser {:?}", executable.display().to_string()),
            reason,
        };
        let profile = ScratchDir::new("amperr-chromium-")
            .map_err(|e| fail(format!("no temporary profile: {e}")))?;
        let (temporary, short) = temporary_directory(&profile)
            .map_err(|e| fail(format!("no temporary directory: {e}")))?;
        let argv = arguments(executable, &profile.path().join("profile"));
        // Its home too: what it keeps there (crash reports, caches) is removed with it.
        let home = profile.path().join("home");
        std::fs::create_dir(&home).map_err(|e| fail(format!("no home directory: {e}")))?;
        let allowed = allowed
            .into_iter()
            .map(|dir| std::fs::canonicalize(&dir).unwrap_or(dir))
            .collect();
        let pipes = Pipes {
            stderr: true,
            ..Pipes::default()
        };
        let (config, cache) = (home.join(".config"), home.join(".cache"));
        let env = [
            ("TMPDIR", temporary.as_os_str()),
            ("HOME", home.as_os_str()),
            ("XDG_CONFIG_HOME", config.as_os_str()),
            ("XDG_CACHE_HOME", cache.as_os_str()),
        ];
        let mut spawned =
            process::spawn_with_env(&argv, pipes, &env).map_err(|e| fail(e.to_string()))?;
        let stderr = spawned
            .stderr
            .take()
            .ok_or_else(|| fail("no stderr".to_string()))?;
        let url = devtools_url(stderr).map_err(fail)?;
        let browser = Browser::connect_with_timeout(url, Duration::from_secs(3600))
            .map_err(|e| fail(format!("cannot connect to its DevTools: {e}")))?;
        let tab = browser
            .new_tab()
            .map_err(|e| fail(format!("cannot open a tab: {e}")))?;
        // Before the page loads (the caller navigates): it can allocate while it loads.
        let ending = Arc::new(Ending {
            why: Mutex::new((None, true)),
            processes: spawned.child.processes(),
        });
        let (watched, (stop, stopped)) = (Arc::clone(&ending), mpsc::channel());
        let watchdog = Some((stop, thread::spawn(move || watched.watch(&stopped))));
        let events = Arc::new(Mutex::new(Events::default()));
        let chromium = Chromium {
            tab,
            _browser: browser,
            _child: spawned.child,
            _profile: profile,
            _temporary: short,
            ending,
            watchdog,
            events,
        };
        watch(&chromium.tab, &chromium.events, &chromium.ending, allowed)
            .map_err(|e| fail(e.to_string()))?;
        Ok(chromium)
    }

    pub fn tab(&self) -> &Arc<Tab> {
        &self.tab
    }

    /// Why amperr ended the browser before its time (its processes went over
    /// [`MEMORY_BOUND`], or the page's renderer crashed), in words that follow "the
    /// player"; `None` if it did not. Once the session has lost its browser, this says
    /// why better than the connection's error.
    pub fn ended(&self) -> Option<String> {
        let state = self.ending.why.lock().unwrap_or_else(|e| e.into_inner());
        state.0.clone()
    }
}

/// Chromium's `TMPDIR`: inside the scratch directory, so that its files go with it even
/// when the browser is killed; or, where that path is too long for the socket Chromium
/// binds under it (the caller's `TMPDIR` is long), a short-named directory of its own in
/// `/tmp`, removed the same way.
fn temporary_directory(profile: &ScratchDir) -> std::io::Result<(PathBuf, Option<ScratchDir>)> {
    let inside = profile.path().join("tmp");
    if inside.as_os_str().len() + CHROMIUM_SOCKET.len() <= SOCKET_PATH_MAX {
        std::fs::create_dir(&inside)?;
        return Ok((inside, None));
    }
    let short = ScratchDir::new_in("amperr-", "/tmp")?;
    Ok((short.path().to_path_buf(), Some(short)))
}

fn arguments(executable: &Path, profile: &Path) -> Vec<String> {
    let mut argv = vec![executable.display().to_string()];
    argv.extend(
        [
            "--headless",
            "--disable-gpu",
            "--no-first-run",
            "--no-default-browser-check",
            // Chromium's own traffic: none, as on a machine with no network.
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--disable-default-apps",
            // No crash handler: a process of its own that would outlive the browser.
            "--disable-crash-reporter",
            "--disable-breakpad",
            "--mute-audio",
            // A desktop viewer's window: a 1280x720 player fits in it whole.
            "--window-size=1920,1080",
            "--lang=en-US",
            // What interception does not see (WebSockets, WebTransport) goes to a proxy
            // that is not there, loopback included.
            "--proxy-server=127.0.0.1:9",
            "--proxy-bypass-list=<-loopback>",
            // No name is looked up (DNS is a packet out; the browser's own background
            // lookups too), and no connection made to an address either.
            "--host-resolver-rules=MAP * ~NOTFOUND",
            // WebRTC sends its own UDP (STUN, TURN, mDNS), which neither interception nor
            // the proxy sees: only through a proxy, so none.
            "--webrtc-ip-handling-policy=disable_non_proxied_udp",
            "--remote-debugging-port=0",
        ]
        .map(String::from),
    );
    // Chromium refuses to run as root with its sandbox on.
    if nix::unistd::Uid::effective().is_root() {
        argv.push("--no-sandbox".to_string());
    }
    argv.push(format!("--user-data-dir={}", profile.display()));
    argv.push("about:blank".to_string());
    argv
}

/// Reads the browser's stderr until it says where its DevTools listen, then keeps draining
/// it (a full pipe would stop the browser).
fn devtools_url(stderr: impl Read + Send + 'static) -> Result<String, String> {
    let (found, url) = mpsc::channel();
    thread::spawn(move || {
        let mut lines = BufReader::new(stderr);
        let mut line = Vec::new();
        let mut said = false;
        loop {
            line.clear();
            // Bounded: a line longer than this is not the one sought.
            match lines.by_ref().take(4096).read_until(b'\n', &mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let text = String::from_utf8_lossy(&line);
            if let (false, Some(at)) = (said, text.find("ws://")) {
                said = true;
                let _ = found.send(text[at..].trim_end().to_string());
            }
        }
    });
    match url.recv_timeout(LAUNCH_TIMEOUT) {
        Ok(url) => Ok(url),
        Err(RecvTimeoutError::Timeout) => Err(format!(
            "it did not say where its DevTools listen within {LAUNCH_TIMEOUT:?}"
        )),
        Err(RecvTimeoutError::Disconnected) => {
            Err("it exited before its DevTools listened (is it Chromium?)".to_string())
        }
    }
}

/// Refuses every request outside `allowed`, records refusals, dialogs and exceptions, and
/// ends the browser when the page's renderer crashes.
fn watch(
    tab: &Arc<Tab>,
    events: &Arc<Mutex<Events>>,
    ending: &Arc<Ending>,
    allowed: Vec<PathBuf>,
) -> Result<(), String> {
    let pattern = RequestPattern {
        url_pattern: Some("*".to_string()),
        resource_Type: None,
        request_stage: None,
    };
    tab.enable_fetch(Some(&[pattern]), None).map_err(said)?;
    let refused = Arc::clone(events);
    tab.enable_request_interception(Arc::new(move |_, _, paused: RequestPausedEvent| {
        let url = paused.params.request.url;
        let why = match refusal(&url, &allowed) {
            None => return RequestPausedDecision::Continue(None),
            Some(why) => why,
        };
        if let Ok(mut events) = refused.lock() {
            events.blocked.keep(format!("{url}: refused ({why})"));
        }
        RequestPausedDecision::Fail(FailRequest {
            request_id: paused.params.request_id,
            error_reason: ErrorReason::BlockedByClient,
        })
    }))
    .map_err(said)?;
    // Fetch interception does not see WebSockets (the dead proxy stops them): name each.
    tab.call_method(Network::Enable {
        max_total_buffer_size: None,
        max_resource_buffer_size: None,
        max_post_data_size: None,
        enable_durable_messages: None,
        report_direct_socket_traffic: None,
    })
    .map_err(said)?;
    tab.enable_runtime().map_err(said)?;
    tab.call_method(Inspector::Enable(None)).map_err(said)?;
    let seen = Arc::clone(events);
    let ending = Arc::clone(ending);
    // Weak: the tab holds this listener.
    let this_tab = Arc::downgrade(tab);
    tab.add_event_listener(Arc::new(move |event: &Event| {
        // A crashed renderer answers no call: ending the browser ends those waiting.
        if let Event::InspectorTargetCrashed(_) = event {
            ending.end("crashed (its renderer died)".to_string());
            return;
        }
        let Ok(mut events) = seen.lock() else { return };
        match event {
            // A dialog blocks the page until it is closed: close it, and say so.
            Event::PageJavascriptDialogOpening(dialog) => {
                let kind = format!("{:?}", dialog.params.Type).to_lowercase();
                let text = format!("{kind}({:?})", dialog.params.message);
                events.dialogs.keep(text);
                drop(events);
                if let Some(tab) = this_tab.upgrade() {
                    let _ = tab.get_dialog().dismiss();
                }
            }
            Event::NetworkWebSocketCreated(socket) => {
                let url = &socket.params.url;
                events.blocked.keep(format!("{url}: refused (no network)"));
            }
            Event::RuntimeExceptionThrown(thrown) => {
                (events.exceptions).keep(exception_text(&thrown.params.exception_details));
            }
            _ => {}
        }
    }))
    .map_err(said)?;
    Ok(())
}

fn exception_text(details: &Runtime::ExceptionDetails) -> String {
    let description = details
        .exception
        .as_ref()
        .and_then(|e| e.description.clone())
        .unwrap_or_else(|| details.text.clone());
    let first = description.lines().next().unwrap_or_default().to_string();
    match &details.url {
        Some(url) => format!("{first} ({url}:{})", details.line_number + 1),
        None => first,
    }
}

/// Why a URL is refused, or `None` for the page's own: a file under an allowed directory
/// (wherever its links lead), or data the page made itself.
fn refusal(url: &str, allowed: &[PathBuf]) -> Option<&'static str> {
    if ["data:", "blob:", "about:"]
        .iter()
        .any(|s| url.starts_with(s))
    {
        return None;
    }
    let Some(path) = url.strip_prefix("file://") else {
        return Some("no network");
    };
    let path = PathBuf::from(percent_decoded(
        path.split(['?', '#']).next().unwrap_or(path),
    ));
    // `..` could climb out of an allowed directory, and a link lead out of it.
    let climbs = path
        .components()
        .any(|c| c == std::path::Component::ParentDir);
    let path = std::fs::canonicalize(&path).unwrap_or(path);
    match !climbs && allowed.iter().any(|dir| path.starts_with(dir)) {
        true => None,
        false => Some("not one of the page's own files"),
    }
}

/// A URL path with its `%XX` escapes decoded (as bytes, then lossily as UTF-8).
fn percent_decoded(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).and_then(|b| hex(*b)),
            bytes.get(i + 2).and_then(|b| hex(*b)),
        ) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The Chromium on PATH: `chromium` (Debian's), else `chromium-browser`,
/// `google-chrome-stable` or `google-chrome`.
pub fn find_browser() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    let names = [
        "chromium",
        "chromium-browser",
        "google-chrome-stable",
        "google-chrome",
    ];
    names.iter().find_map(|name| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|file| is_executable(file))
    })
}

fn is_executable(file: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(file).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Evaluates `expression` in the page, awaiting a promise; its value as text, or why not,
/// in words that follow "the player" or "the page": `threw TypeError: ...`.
pub(super) fn evaluate(tab: &Tab, expression: &str) -> Result<String, String> {
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

/// An error of `headless_chrome` (an `anyhow::Error`), as text.
pub(super) fn said(e: impl std::fmt::Display) -> String {
    e.to_string()
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

    #[test]
    fn only_the_pages_own_files_are_local() {
        let allowed = vec![PathBuf::from("/build/player")];
        let is_local = |url: &str| refusal(url, &allowed).is_none();
        assert!(is_local("file:///build/player/amp.js"));
        assert!(is_local("file:///build/player/skins/a%20b.css?x=1"));
        assert!(is_local("data:text/plain,hi"));
        let elsewhere = Some("not one of the page's own files");
        assert_eq!(
            refusal("file:///build/player/../../etc/passwd", &allowed),
            elsewhere
        );
        assert_eq!(refusal("file:///build/other/amp.js", &allowed), elsewhere);
        let network = Some("no network");
        let cdn = "https://amp.azure.net/libs/amp/2.3.0/azuremediaplayer.min.js";
        assert_eq!(refusal(cdn, &allowed), network);
        assert_eq!(refusal("ws://127.0.0.1:9222/", &allowed), network);
    }
}
