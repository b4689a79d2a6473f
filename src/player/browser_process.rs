//! What a browser needs of the process layer beyond what a decoder does: a scratch
//! directory that goes with it, and the memory of all its processes, for a watchdog.
//!
//! A decoder is one process with pipes; a browser writes a profile and spreads over many
//! processes. Every gate builds `process`; this builds on it only with the `player`
//! feature, so that the lowest layer knows no feature and no build carries code it does
//! not use.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use nix::sys::signal::{Signal, kill, killpg};
use nix::unistd::Pid;

use crate::process::Child;

mod memory;

/// The scratch directories in use, for [`remove_scratch`].
static SCRATCH: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// A temporary directory for a child's files (a browser's profile, the page it loads),
/// removed when dropped, and by [`Shutdown`](crate::gate::Shutdown) (after the children are
/// dead) when amperr is stopped by a signal and drops nothing.
pub struct ScratchDir {
    dir: tempfile::TempDir,
}

impl ScratchDir {
    /// A new directory, named `prefix` and a random suffix, in the temporary directory.
    pub fn new(prefix: &str) -> io::Result<ScratchDir> {
        ScratchDir::new_in(prefix, std::env::temp_dir())
    }

    /// A new directory, named `prefix` and a random suffix, in `parent`.
    pub fn new_in(prefix: &str, parent: impl AsRef<Path>) -> io::Result<ScratchDir> {
        let dir = tempfile::Builder::new().prefix(prefix).tempdir_in(parent)?;
        let mut scratch = SCRATCH.lock().unwrap_or_else(|e| e.into_inner());
        scratch.push(dir.path().to_path_buf());
        Ok(ScratchDir { dir })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let mut scratch = SCRATCH.lock().unwrap_or_else(|e| e.into_inner());
        scratch.retain(|path| path != self.dir.path());
    }
}

/// Removes every scratch directory in use: for [`Shutdown`](crate::gate::Shutdown), once the
/// children that wrote in them are dead.
pub(crate) fn remove_scratch() {
    let scratch = std::mem::take(&mut *SCRATCH.lock().unwrap_or_else(|e| e.into_inner()));
    for dir in scratch {
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// A child's processes, seen from another thread (a watchdog's): how much memory they
/// use, and a way to kill them. Only while its [`Child`] lives: until [`Child::stop`]
/// reaps the leader, the process group id names no other group.
#[derive(Clone, Debug)]
pub struct Processes {
    pgid: Pid,
    cookie: String,
}

impl Child {
    pub fn processes(&self) -> Processes {
        Processes {
            pgid: self.pgid,
            cookie: self.cookie.clone(),
        }
    }
}

impl Processes {
    /// The memory the child's processes (its group, its strays, their descendants) hold
    /// together, in bytes: their anonymous and shared memory, resident.
    pub fn memory(&self) -> u64 {
        memory::used(&memory::processes(self.pgid, &self.cookie))
    }

    /// Kills every one of the child's processes; [`Child::stop`] still reaps them.
    pub fn kill(&self) {
        // Each may be gone already; that is the goal, not an error.
        let _ = killpg(self.pgid, Signal::SIGKILL);
        let _ = kill(self.pgid, Signal::SIGKILL);
        for pid in memory::processes(self.pgid, &self.cookie) {
            let _ = kill(pid, Signal::SIGKILL);
        }
    }
}
