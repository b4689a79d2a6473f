//! One headless Chromium, started, watched and ended by amperr: the one [`Browser`].
//!
//! The browser is untrusted like a decoder: it is started from argv through the gate's
//! process layer (its own process group, the session cookie, the parent-death signal), so
//! it and every process it forks are killed and reaped when the session ends, on a
//! timeout, and when amperr is signalled. It runs headless, in a fresh temporary profile
//! removed at the end, in English, and with no network: each request gets what the page's
//! [`NetworkPolicy`](super::network::NetworkPolicy) decides (Fetch interception, `fence`), every request outside the
//! page's own local files is refused and noted unless a rule answers it, and what
//! interception does not see (WebSockets, WebTransport, WebRTC, DNS) finds no way out
//! (`launch`). A watchdog bounds the memory of its processes together ([`MEMORY_BOUND`]):
//! past it, amperr kills the browser and says why ([`Browser::ended`]), as it does when the
//! page's renderer crashes. amperr talks to it over the Chrome DevTools Protocol with the
//! `headless_chrome` crate (`cdp`), connected to the browser it started itself (never one
//! it downloads). No other module names that crate.

mod cdp;
mod fence;
mod launch;
#[cfg(test)]
mod tests;

use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use super::browser::{Browser, Events, Launch};
use crate::gate::transport::StartError;
use crate::player::browser_process::{Processes, ScratchDir};
use crate::process::{self, Child, Pipes};
pub use cdp::ChromiumTab;
pub use launch::find_browser;

/// How much memory the browser's processes may hold together, in bytes (their anonymous
/// and shared memory, resident): the fixture build's whole default corpus peaks near
/// 270 MiB, and a page that allocates without end would take the machine's.
pub const MEMORY_BOUND: u64 = 1 << 30;
/// How often the watchdog looks: a page allocating fast goes a little past the bound.
const WATCH_EVERY: Duration = Duration::from_millis(100);

/// A running browser with one tab. Dropping it kills and reaps the browser and removes its
/// profile.
pub struct Chromium {
    // Dropped in this order (after `drop` has stopped the watchdog): the connection, then
    // the processes, then the profile and the temporary directory.
    tab: ChromiumTab,
    _browser: headless_chrome::Browser,
    _child: Child,
    _profile: ScratchDir,
    _temporary: Option<ScratchDir>,
    ending: Arc<Ending>,
    /// The watchdog, and what stops it (dropped).
    watchdog: Option<(mpsc::Sender<()>, thread::JoinHandle<()>)>,
    events: Arc<Mutex<Events>>,
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

impl Browser for Chromium {
    type Tab = ChromiumTab;

    /// Starts `launch.executable` headless, with a tab whose requests `launch.network`
    /// decides.
    fn start(launch: &Launch) -> Result<Chromium, StartError> {
        let executable = &launch.executable;
        let fail = |reason: String| StartError {
            what: format!("the browser {:?}", executable.display().to_string()),
            reason,
        };
        let Started {
            mut spawned,
            profile,
            temporary,
        } = spawn(executable).map_err(fail)?;
        let stderr = spawned
            .stderr
            .take()
            .ok_or_else(|| fail("no stderr".to_string()))?;
        let url = launch::devtools_url(stderr).map_err(fail)?;
        let browser =
            headless_chrome::Browser::connect_with_timeout(url, Duration::from_secs(3600))
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
            tab: ChromiumTab(tab),
            _browser: browser,
            _child: spawned.child,
            _profile: profile,
            _temporary: temporary,
            ending,
            watchdog,
            events,
        };
        let network = Arc::clone(&launch.network);
        fence::watch(&chromium.tab.0, &chromium.events, &chromium.ending, network).map_err(fail)?;
        Ok(chromium)
    }

    fn tab(&self) -> &ChromiumTab {
        &self.tab
    }

    fn events(&self) -> &Arc<Mutex<Events>> {
        &self.events
    }

    /// Why amperr ended the browser before its time (its processes went over
    /// [`MEMORY_BOUND`], or the page's renderer crashed).
    fn ended(&self) -> Option<String> {
        let state = self.ending.why.lock().unwrap_or_else(|e| e.into_inner());
        state.0.clone()
    }
}

/// A browser process started, and the directories that go with it.
struct Started {
    spawned: process::Spawned,
    profile: ScratchDir,
    temporary: Option<ScratchDir>,
}

/// Starts `executable` in a fresh profile, home and temporary directory of its own, with
/// its stderr piped (where it says where its DevTools listen).
fn spawn(executable: &std::path::Path) -> Result<Started, String> {
    let profile =
        ScratchDir::new("amperr-chromium-").map_err(|e| format!("no temporary profile: {e}"))?;
    let (temporary, short) = launch::temporary_directory(&profile)
        .map_err(|e| format!("no temporary directory: {e}"))?;
    let argv = launch::arguments(executable, &profile.path().join("profile"));
    // Its home too: what it keeps there (crash reports, caches) is removed with it.
    let home = profile.path().join("home");
    std::fs::create_dir(&home).map_err(|e| format!("no home directory: {e}"))?;
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
    let spawned = process::spawn_with_env(&argv, pipes, &env).map_err(|e| e.to_string())?;
    Ok(Started {
        spawned,
        profile,
        temporary: short,
    })
}
