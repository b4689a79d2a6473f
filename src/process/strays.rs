//! A session's strays: its processes that left its process group (a daemon in a session
//! of its own), found, frozen and killed.
//!
//! amperr is the child subreaper, so every orphan of a session becomes amperr's own
//! child, whatever session or group it moved to. Which of those children are the
//! session's: the ones carrying its cookie; and, while no other session runs, all of
//! them, since nothing else amperr starts outlives the call that started it (a daemon can
//! drop the cookie from its environment, or make it unreadable).
//!
//! Killing a stray is not enough: one that forks and exits in a loop has a new pid before
//! a scan of `/proc` can name the old one. A stopped process cannot fork, so each stray is
//! stopped (SIGSTOP) before its children are read, and so on down: the walk ends with
//! every descendant stopped, and then all are killed at once.

use std::collections::HashSet;
use std::thread;
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::sys::signal::{Signal, kill};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::Pid;

use super::COOKIE_ENV;

/// Which of amperr's children belong to the session being stopped.
#[derive(Clone, Copy)]
pub(super) enum Claim<'c> {
    /// Those carrying this cookie: other sessions are running.
    Cookie(&'c str),
    /// Every one: no other session runs, and amperr starts no child of its own.
    All,
}

/// Kills the session's strays and every descendant of theirs, round after round (a killed
/// stray's orphans come back to amperr) until none is left or `deadline` passes; reaps
/// each.
pub(super) fn kill_strays(claim: Claim<'_>, deadline: Instant) {
    let mut quiet = 0;
    while quiet < QUIET_SCANS && Instant::now() < deadline {
        let strays: Vec<Pid> = own_children()
            .into_iter()
            .filter(|pid| claims(claim, *pid))
            .collect();
        if strays.is_empty() {
            quiet += 1;
            thread::sleep(Duration::from_millis(2));
            continue;
        }
        quiet = 0;
        let frozen = freeze(strays, deadline);
        for pid in &frozen {
            let _ = kill(*pid, Signal::SIGKILL);
        }
        for pid in frozen {
            reap(pid, deadline);
        }
    }
}

/// How many scans in a row must find no stray: a process moving to amperr as its parent
/// dies can be missed by one.
const QUIET_SCANS: u32 = 3;

fn claims(claim: Claim<'_>, pid: Pid) -> bool {
    match (claim, state(pid)) {
        (_, None) => false,
        // Dead and amperr's: only the session's when it owns every orphan (a zombie's
        // environment cannot be read; another's may be another thread's to reap).
        (Claim::All, Some(_)) => true,
        (Claim::Cookie(_), Some('Z')) => false,
        (Claim::Cookie(cookie), Some(_)) => carries(pid, cookie),
    }
}

/// Whether `pid`'s environment holds `AMPERR_GATE_SESSION=<cookie>`, the whole value.
pub(crate) fn carries(pid: Pid, cookie: &str) -> bool {
    let marker = format!("{COOKIE_ENV}={cookie}\0");
    let environ = std::fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
    environ
        .windows(marker.len())
        .any(|w| w == marker.as_bytes())
}

/// Stops `roots` and all their descendants, each before its children are read; returns
/// every process stopped.
fn freeze(roots: Vec<Pid>, deadline: Instant) -> Vec<Pid> {
    let mut seen = HashSet::new();
    let mut frozen = Vec::new();
    let mut queue = roots;
    while let Some(pid) = queue.pop() {
        if !seen.insert(pid) {
            continue;
        }
        if kill(pid, Signal::SIGSTOP).is_ok() {
            wait_stopped(pid, deadline);
        }
        queue.extend(children(pid));
        frozen.push(pid);
    }
    frozen
}

/// Waits until `pid` has stopped or is gone: a signal is delivered after the system call
/// it interrupts, which may be a fork.
fn wait_stopped(pid: Pid, deadline: Instant) {
    let until = deadline.min(Instant::now() + Duration::from_millis(50));
    while matches!(state(pid), Some('R' | 'S' | 'D')) && Instant::now() < until {
        thread::yield_now();
    }
}

/// Waits (until `deadline`) for a killed process to be reaped: by amperr once it is
/// amperr's child (a killed parent hands it over), or by whoever else it belongs to.
fn reap(pid: Pid, deadline: Instant) {
    loop {
        match waitpid(pid, Some(WaitPidFlag::WNOHANG)) {
            Ok(WaitStatus::StillAlive) => {}
            Err(Errno::ECHILD) if state(pid).is_some() => {}
            Ok(_) | Err(_) => return,
        }
        if Instant::now() >= deadline {
            return;
        }
        thread::sleep(Duration::from_millis(1));
    }
}

/// amperr's own children, from every thread (an orphan comes back to one of them).
pub(super) fn own_children() -> Vec<Pid> {
    children(nix::unistd::getpid())
}

/// The children of every thread of `pid`.
fn children(pid: Pid) -> Vec<Pid> {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return Vec::new();
    };
    tasks
        .filter_map(Result::ok)
        .filter_map(|task| read_at_once(&task.path().join("children")))
        .flat_map(|list| {
            let pids = list.split_whitespace().filter_map(|pid| pid.parse().ok());
            pids.map(Pid::from_raw).collect::<Vec<_>>()
        })
        .collect()
}

/// A `/proc` list in one read where it fits: each read of it starts a new walk of a list
/// that changes meanwhile.
fn read_at_once(path: &std::path::Path) -> Option<String> {
    let mut list = Vec::with_capacity(64 * 1024);
    std::fs::File::open(path)
        .and_then(|mut file| std::io::Read::read_to_end(&mut file, &mut list))
        .ok()?;
    String::from_utf8(list).ok()
}

/// The state letter of `/proc/PID/stat` (`R`, `S`, `T`, `Z`...), if the process exists.
fn state(pid: Pid) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name, in parentheses, may hold anything: the state follows the last ')'.
    stat.rsplit_once(')')?.1.trim_start().chars().next()
}
