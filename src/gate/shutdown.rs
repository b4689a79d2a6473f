//! Stopping the gate's work from outside a run, for the whole process: what a signal
//! handler does before amperr exits.
//!
//! A run ends its children and removes its files itself, but a signal ends the process
//! with no destructor run. [`Shutdown::stop`] does their work at once: no report or
//! baseline is written from then on and the temporary file being written is removed;
//! every child's process group and strays are killed and reaped and no child starts
//! after; then the scratch directories they wrote in are removed.
//!
//! It is a value, not a free function, because it is one-way and process-wide: only the
//! program that owns the process (the command line, which handles its signals) may flip
//! it, and it claims the one handle there is. A program that uses the library and never
//! claims it cannot have its runs ended by a call elsewhere.
//!
//! What it clears stays in process-global registries inside the crate: children are
//! started deep inside each transport, from any thread, and the handler must reach every
//! one; handing a registry down would make every transport's constructor take it.

use std::sync::atomic::{AtomicBool, Ordering};

/// The one switch that stops the gate's work for the whole process (see the module's
/// doc). Claimed once; [`Shutdown::stop`] consumes it.
#[derive(Debug)]
pub struct Shutdown {
    _claimed: (),
}

/// Set by the first [`Shutdown::claim`].
static CLAIMED: AtomicBool = AtomicBool::new(false);

impl Shutdown {
    /// The process's one handle, or `None` once it has been claimed.
    pub fn claim() -> Option<Shutdown> {
        match CLAIMED.swap(true, Ordering::SeqCst) {
            true => None,
            false => Some(Shutdown { _claimed: () }),
        }
    }

    /// Declares that this process starts no child of its own, only the gate's: then a
    /// stopping session also kills every orphan amperr has that carries no cookie (a
    /// daemon can remove it from its environment, or hide its environment). One-way, for
    /// the owner of the process only: a program that starts other children must not.
    pub fn only_gate_children(&self) {
        crate::process::only_gate_children();
    }

    /// Stops every write and removes the temporary file being written; kills and reaps
    /// every child, and lets no new one start; removes the scratch directories. For a
    /// thread that handles signals (it takes locks and waits for children to be reaped,
    /// within a bounded time), before the process exits.
    pub fn stop(self) {
        crate::output::stop_writing();
        crate::process::terminate_all();
        #[cfg(feature = "player")]
        crate::player::browser_process::remove_scratch();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shutdown_is_claimed_once() {
        // Claimed and dropped at once: not claimable again.
        assert!(
            Shutdown::claim().is_some(),
            "no other test of this crate claims it"
        );
        assert!(Shutdown::claim().is_none());
    }
}
