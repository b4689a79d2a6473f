//! What the search and the runner say to each other: a run to do ([`Plan`]), how it
//! ended ([`RunEnd`], with its [`Fault`]) and what follows ([`Decision`]).
//!
//! These are the search's whole interface: the runner that starts processes and reads
//! clocks knows them and nothing of the search's states, so they live apart from them.

use std::ops::Range;

use crate::gate::outcome::Failure;

/// One run: which cases, in order, to a fresh peer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    pub cases: Cases,
    /// Whether answers are the cases' verdicts; control runs and probes are experiments.
    pub record: bool,
}

/// The cases of a run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cases {
    Range(Range<usize>),
    List(Vec<usize>),
}

impl Cases {
    pub fn len(&self) -> usize {
        match self {
            Cases::Range(r) => r.len(),
            Cases::List(l) => l.len(),
        }
    }

    /// The case at `position` in the run.
    pub fn get(&self, position: usize) -> usize {
        match self {
            Cases::Range(r) => r.start + position,
            Cases::List(l) => l[position],
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.len()).map(|position| self.get(position))
    }
}

/// What went wrong in a run, with the case at `answered` in flight.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    /// [`Failure::Crash`], [`Failure::Timeout`] or [`Failure::ProtocolError`].
    pub kind: Failure,
    /// What the failure is, the same for the same failure in any run: `was killed by
    /// signal 11 (SIGSEGV)`, `idle`, `not JSON`. Failures are grouped and compared by it.
    pub key: String,
    /// What happened in this run, for the report.
    pub detail: String,
    /// Words for the failure that fit "the decoder ... whatever the case", e.g. `stops
    /// answering`, `was killed by signal 11 (SIGSEGV)`.
    pub verb: String,
}

/// How a run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunEnd {
    /// Every case of the run was answered (and, for a single case, nothing more sent).
    Completed,
    /// It failed with the case at position `answered` in flight.
    Failed { answered: usize, fault: Fault },
    /// The total timeout passed with the case at position `answered` in flight.
    Deadline { answered: usize },
}

/// What the session logic records, in this order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// The case failed alone in a fresh process: it is at fault.
    Blame { case: usize, fault: Fault },
    /// These cases get no verdict: `key` groups them, `reason` says why.
    NotRun {
        cases: Range<usize>,
        key: String,
        reason: String,
    },
    /// A failure of the decoder that no case is blamed for: it fails the gate.
    Problem(String),
    /// What happened on the way, shown but not failing the gate.
    Note(String),
}
