//! How Chromium is started: its arguments, its temporary directory, where its DevTools
//! listen, and where it is found.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::Duration;

use crate::player::browser_process::ScratchDir;

/// How long the browser may take to say where its DevTools listen.
const LAUNCH_TIMEOUT: Duration = Duration::from_secs(30);
/// The longest a socket's path may be (`sun_path`, less its NUL).
const SOCKET_PATH_MAX: usize = 107;
/// What Chromium adds to its `TMPDIR` for its own socket (Chrome's name is shorter).
const CHROMIUM_SOCKET: &str = "/.org.chromium.Chromium.XXXXXX/SingletonSocket";

/// Chromium's `TMPDIR`: inside the scratch directory, so that its files go with it even
/// when the browser is killed; or, where that path is too long for the socket Chromium
/// binds under it (the caller's `TMPDIR` is long), a short-named directory of its own in
/// `/tmp`, removed the same way.
pub(super) fn temporary_directory(
    profile: &ScratchDir,
) -> std::io::Result<(PathBuf, Option<ScratchDir>)> {
    let inside = profile.path().join("tmp");
    if inside.as_os_str().len() + CHROMIUM_SOCKET.len() <= SOCKET_PATH_MAX {
        std::fs::create_dir(&inside)?;
        return Ok((inside, None));
    }
    let short = ScratchDir::new_in("amperr-", "/tmp")?;
    Ok((short.path().to_path_buf(), Some(short)))
}

pub(super) fn arguments(executable: &Path, profile: &Path) -> Vec<String> {
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
pub(super) fn devtools_url(stderr: impl Read + Send + 'static) -> Result<String, String> {
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
