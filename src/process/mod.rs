//! The operating-system side of running a program the gate does not trust: how it is
//! started, how it is ended, and how nothing of it outlives amperr.
//!
//! - It is started from argv with no shell, in a process group of its own, marked with an
//!   environment cookie (`AMPERR_GATE_SESSION`), and with the parent-death signal set, so
//!   that even a `kill -9` of amperr kills it.
//! - [`Child::stop`] kills its group, then its strays (`strays`: a daemon that left the
//!   group, found among amperr's orphans by its cookie, or as the only session's; frozen
//!   with its descendants so that it cannot fork away), and reaps what is amperr's to reap
//!   (amperr makes itself the child subreaper, so orphans of a wrapper come back to it),
//!   within a bounded time.
//! - Every running child is registered, so that [`terminate_all`] can end them all when
//!   amperr itself is told to stop (the [`Shutdown`](crate::gate::Shutdown) the command line
//!   claims, for SIGINT, SIGTERM and SIGHUP).
//!
//! Every gate builds this layer; what only a browser needs of it (a scratch directory, the
//! memory of all its processes) is in `browser_process`, so this layer knows no feature.
//!
//! Linux only for the parent-death signal, the subreaper and the cookie scan (`/proc`).
//! This is the crate's one module with `unsafe` code: the parent-death signal must be set
//! between `fork` and `exec` (`pre_exec`), and the pipe probe needs an `ioctl`.
#![allow(unsafe_code)]

use std::io;
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill, killpg};
use nix::sys::wait::{Id, WaitPidFlag, WaitStatus, waitid, waitpid};
use nix::unistd::Pid;

mod program;
pub(crate) mod strays;
#[cfg(test)]
mod tests;

pub use program::program_file;
use strays::Claim;

/// The environment variable whose value marks a child's processes.
pub const COOKIE_ENV: &str = "AMPERR_GATE_SESSION";
/// How long killed processes get to be reaped before amperr stops waiting for them.
const REAP_GRACE: Duration = Duration::from_secs(2);

/// The children running now, for [`terminate_all`].
static LIVE: Mutex<Live> = Mutex::new(Live {
    terminating: false,
    children: Vec::new(),
});

struct Live {
    /// Set by [`terminate_all`]: no child may start after it.
    terminating: bool,
    /// (process group, cookie) of each running child.
    children: Vec<(Pid, String)>,
}

/// A program started by [`spawn`], with the pipes it was given.
pub struct Spawned {
    pub child: Child,
    pub stdin: Option<io::PipeWriter>,
    /// A second handle on the read end of the child's stdin: how much it has not read yet
    /// ([`unread`]). Holding it does not keep the child from seeing the end of its input.
    pub stdin_probe: Option<io::PipeReader>,
    pub stdout: Option<std::process::ChildStdout>,
    pub stderr: Option<std::process::ChildStderr>,
}

/// What [`spawn`] connects.
#[derive(Clone, Copy, Debug, Default)]
pub struct Pipes {
    pub stdin: bool,
    pub stdout: bool,
    pub stderr: bool,
}

/// A running child and its process group.
pub struct Child {
    child: std::process::Child,
    /// Its process group, and the cookie its processes carry: how a watchdog finds them.
    pub(crate) pgid: Pid,
    pub(crate) cookie: String,
    reaped: Option<ExitStatus>,
    stopped: bool,
}

/// Starts `argv` (no shell) in a process group of its own, marked and registered.
pub fn spawn(argv: &[String], pipes: Pipes) -> io::Result<Spawned> {
    spawn_with_env(argv, pipes, &[])
}

/// [`spawn`], with these environment variables set too.
pub fn spawn_with_env(
    argv: &[String],
    pipes: Pipes,
    env: &[(&str, &std::ffi::OsStr)],
) -> io::Result<Spawned> {
    static COUNT: AtomicU64 = AtomicU64::new(0);
    let (program, args) = argv
        .split_first()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no command to run"))?;
    become_subreaper();
    let cookie = format!(
        "{}-{}",
        std::process::id(),
        COUNT.fetch_add(1, Ordering::Relaxed)
    );
    let mut command = Command::new(program);
    command.args(args).envs(env.iter().copied());
    command.env(COOKIE_ENV, &cookie).process_group(0);
    let piped = |yes: bool| if yes { Stdio::piped() } else { Stdio::null() };
    let (stdin, stdin_probe) = if pipes.stdin {
        let (reader, writer) = io::pipe()?;
        let probe = reader.try_clone()?;
        command.stdin(Stdio::from(OwnedFd::from(reader)));
        (Some(writer), Some(probe))
    } else {
        command.stdin(Stdio::null());
        (None, None)
    };
    command
        .stdout(piped(pipes.stdout))
        .stderr(piped(pipes.stderr));
    die_with_parent(&mut command);
    // Registered under the lock it starts under, so `terminate_all` sees every child or
    // stops it from starting.
    let mut live = LIVE.lock().unwrap_or_else(|e| e.into_inner());
    if live.terminating {
        return Err(io::Error::new(
            io::ErrorKind::Interrupted,
            "amperr is stopping",
        ));
    }
    let mut child = command.spawn()?;
    let pgid = Pid::from_raw(child.id() as i32);
    live.children.push((pgid, cookie.clone()));
    drop(live);
    Ok(Spawned {
        stdout: child.stdout.take(),
        stderr: child.stderr.take(),
        stdin,
        stdin_probe,
        child: Child {
            child,
            pgid,
            cookie,
            reaped: None,
            stopped: false,
        },
    })
}

/// Orphans of a child's wrappers are re-parented to amperr, not to an init that may
/// never reap them, so that [`Child::stop`] can reap them.
fn become_subreaper() {
    #[cfg(target_os = "linux")]
    {
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(|| {
            let _ = nix::sys::prctl::set_child_subreaper(true);
        });
    }
}

/// The child gets SIGKILL when the thread that started it ends, so a SIGKILL of amperr
/// (which no handler sees) still takes the child with it.
fn die_with_parent(command: &mut Command) {
    #[cfg(target_os = "linux")]
    {
        let parent = nix::unistd::getpid();
        // SAFETY: the closure runs in the child between fork and exec and only makes the
        // async-signal-safe system calls prctl, getppid and _exit.
        unsafe {
            command.pre_exec(move || {
                nix::sys::prctl::set_pdeathsig(Signal::SIGKILL)?;
                // The parent died before the signal was armed: go now.
                if nix::unistd::getppid() != parent {
                    nix::libc::_exit(137);
                }
                Ok(())
            });
        }
    }
}

nix::ioctl_read_bad!(fionread, nix::libc::FIONREAD, nix::libc::c_int);

/// How many bytes sit in a pipe, unread (`FIONREAD`).
pub fn unread(pipe: &io::PipeReader) -> io::Result<u64> {
    let mut count: nix::libc::c_int = 0;
    // SAFETY: FIONREAD writes one c_int through the pointer, which points to a live one;
    // the descriptor is owned by `pipe` for the duration of the call.
    unsafe { fionread(pipe.as_raw_fd(), &mut count) }.map_err(io::Error::from)?;
    Ok(u64::try_from(count).unwrap_or(0))
}

impl Child {
    /// Whether the child has exited, waiting up to `grace`, without reaping it (so its
    /// process group id stays reserved until [`Child::stop`] kills the group).
    pub fn exited_within(&self, grace: Duration) -> bool {
        let end = Instant::now() + grace;
        let flags = WaitPidFlag::WEXITED | WaitPidFlag::WNOHANG | WaitPidFlag::WNOWAIT;
        loop {
            match waitid(Id::Pid(self.pgid), flags) {
                Ok(WaitStatus::StillAlive) if Instant::now() < end => {
                    thread::sleep(Duration::from_millis(2))
                }
                Ok(WaitStatus::StillAlive) => return false,
                Ok(_) | Err(_) => return true,
            }
        }
    }

    /// Kills the child, its process group and its strays (see the module's doc), then
    /// reaps what is amperr's to reap, giving up after a bounded time. Returns the child's
    /// exit status, if it was reaped.
    pub fn stop(&mut self) -> Option<ExitStatus> {
        if !self.stopped {
            self.stopped = true;
            kill_and_reap(
                self.pgid,
                &self.cookie,
                Some(&mut self.child),
                &mut self.reaped,
            );
            let mut live = LIVE.lock().unwrap_or_else(|e| e.into_inner());
            live.children.retain(|(pgid, _)| *pgid != self.pgid);
        }
        self.reaped
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Kills and reaps every registered child, and lets no new one start: for
/// [`Shutdown`](crate::gate::Shutdown), before amperr exits.
pub(crate) fn terminate_all() {
    let children = {
        let mut live = LIVE.lock().unwrap_or_else(|e| e.into_inner());
        live.terminating = true;
        std::mem::take(&mut live.children)
    };
    for (pgid, cookie) in children {
        kill_and_reap(pgid, &cookie, None, &mut None);
    }
}

/// Kills a session: its process group, then its strays, and reaps what is amperr's to
/// reap.
fn kill_and_reap(
    pgid: Pid,
    cookie: &str,
    child: Option<&mut std::process::Child>,
    reaped: &mut Option<ExitStatus>,
) {
    // Each may be gone already; that is the goal, not an error. The leader is killed by
    // pid too, in case it left its group.
    let _ = killpg(pgid, Signal::SIGKILL);
    let _ = kill(pgid, Signal::SIGKILL);
    let deadline = Instant::now() + REAP_GRACE;
    match child {
        // Killed by pid, the leader dies whatever it does, so this wait ends.
        Some(child) => *reaped = child.wait().ok(),
        None => {
            reapable(pgid, deadline);
        }
    }
    // Members of the group orphaned to amperr (its subreaper).
    let group = Pid::from_raw(-pgid.as_raw());
    while reapable(group, deadline) {
        let _ = killpg(pgid, Signal::SIGKILL);
    }
    // Then processes that left the group (a daemon in a session of its own). No session
    // starts meanwhile (it would be taken for a stray), and while no other runs, every
    // orphan of a process that starts nothing else is this one's, marked or not.
    let live = LIVE.lock().unwrap_or_else(|e| e.into_inner());
    let alone = live.children.iter().all(|(other, _)| *other == pgid);
    let claim = match alone && ONLY_GATE_CHILDREN.load(Ordering::Relaxed) {
        true => Claim::All,
        false => Claim::Cookie(cookie),
    };
    strays::kill_strays(claim, deadline);
    drop(live);
}

/// Set by [`only_gate_children`] ([`Shutdown::only_gate_children`](crate::gate::Shutdown)).
static ONLY_GATE_CHILDREN: AtomicBool = AtomicBool::new(false);

/// Declares that this process starts no child of its own, only the gate's: then a
/// stopping session also kills every orphan amperr has that carries no cookie (a daemon
/// can remove it from its environment, or hide its environment). Through the owner's
/// [`Shutdown`](crate::gate::Shutdown) only.
pub(crate) fn only_gate_children() {
    ONLY_GATE_CHILDREN.store(true, Ordering::Relaxed);
}

/// Waits (until `deadline`) for `pid` (or, negative, a member of that group) to be
/// reaped; whether one was.
fn reapable(pid: Pid, deadline: Instant) -> bool {
    loop {
        match waitpid(pid, Some(WaitPidFlag::WNOHANG)) {
            Ok(WaitStatus::StillAlive) if Instant::now() < deadline => {
                thread::sleep(Duration::from_millis(1))
            }
            Ok(WaitStatus::StillAlive) | Err(_) => return false,
            Ok(_) => return true,
        }
    }
}

/// An exit status in words: `exited with status 3`, `was killed by signal 11 (SIGSEGV)`.
pub fn describe(status: ExitStatus) -> String {
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exited with status {code}"),
        (None, Some(signal)) => {
            let name = Signal::try_from(signal).map_or("unknown", Signal::as_str);
            format!("was killed by signal {signal} ({name})")
        }
        _ => format!("ended: {status}"),
    }
}
