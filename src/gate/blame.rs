//! The search that decides which case a failure belongs to, if any.
//!
//! Cases are pipelined to one decoder process, so when it crashes, hangs or sends a bad
//! line, the case in flight is only a suspect: a decoder that buffers its output dies with
//! answers unsent, one that went out of step answers the wrong request, and one that fails
//! after its 1000th request fails whatever that request is. A case is blamed only when a
//! fresh process given that case alone fails on it, so that the `reproduce:` line of every
//! blamed case reproduces. Otherwise:
//!
//! - a *control* run feeds a fresh process cases that each passed alone; if it fails the
//!   same way, the failure does not depend on the case, and the report says so plainly
//!   (and stops: what is left would fail the same way);
//! - a decoder that fails on a case alone, having never answered anything (or failing the
//!   same way as on the last case blamed), is given *probes*: cases spread over the corpus
//!   (so over its areas and categories), each alone. If every one fails too, the decoder
//!   fails whatever the case (it never answers, say); one that passes lets the blame stand;
//! - else the culprit lies later, in output the decoder never sent: windows of 2, 4, 8...
//!   cases, each in a fresh process, halving the one that fails, find it.
//!
//! This module is pure: [`Search`] says which run to do next ([`Plan`]) and, told how the
//! run ended ([`RunEnd`]), what follows ([`Decision`]s). It starts no process and reads no
//! clock, so every path is unit-tested on its own (`blame/tests.rs`).
//!
//! It is one state machine, read from here: this file holds its states, the pipeline and
//! how the search ends; each way of pinning a failure on a case has a file of its own,
//! with the transitions out of its states:
//!
//! - `run`: the words spoken with the runner ([`Plan`], [`RunEnd`], [`Decision`]);
//! - `alone`: the case in flight run alone, and the control run when it passes;
//! - `probe`: a case that fails alone, blamed or, through probes, found innocent;
//! - `window`: the windows that look for a culprit whose output was never sent.

mod alone;
mod probe;
mod run;
mod window;

pub use run::{Cases, Decision, Fault, Plan, RunEnd};

use crate::gate::outcome::Peer;

/// How much of the answered cases a control run cycles through.
const GOOD_KEPT: usize = 4096;

/// Where the search stands.
#[derive(Clone, Debug, PartialEq, Eq)]
enum State {
    /// Run every case from here on in one process.
    Pipeline {
        from: usize,
    },
    /// Run this case alone, to confirm the failure `cause` of a longer run.
    Alone {
        case: usize,
        cause: Cause,
    },
    /// Run cases that each passed alone, to see if `cause` recurs whatever the case.
    Control {
        resume: usize,
        cause: Cause,
    },
    /// `case` failed alone with `fault`; run the first of `probes` alone, to see if any
    /// case does.
    Probe {
        case: usize,
        probes: Vec<usize>,
        fault: Fault,
    },
    /// Run `from..from + len`, searching for a case whose failure a longer run lost;
    /// `bad_end`: the culprit is known to be before this case, if one case is.
    Window {
        from: usize,
        len: usize,
        bad_end: Option<usize>,
    },
    Done,
}

/// A failure of a longer run under investigation.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Cause {
    fault: Fault,
    /// Answers in that run before it failed, and its length.
    answered: usize,
    run_len: usize,
}

/// The search over one corpus of `total` cases.
#[derive(Debug)]
pub struct Search {
    total: usize,
    max_restarts: u32,
    runs: u32,
    state: State,
    /// Cases answered so far (a bounded sample), for control runs.
    good: Vec<usize>,
    answered_any: bool,
    /// A control run passed: failures from now on depend on the cases.
    control_passed: bool,
    /// The key of the last case blamed, and the keys a probe showed to depend on the case.
    last_blame: Option<String>,
    probed: Vec<String>,
    /// Failures of longer runs that no case has been found to explain yet.
    unexplained: Vec<Fault>,
    /// How findings name what runs.
    peer: Peer,
}

impl Search {
    pub fn new(total: usize, max_restarts: u32, peer: Peer) -> Search {
        let state = if total == 0 {
            State::Done
        } else {
            State::Pipeline { from: 0 }
        };
        Search {
            total,
            max_restarts,
            runs: 0,
            state,
            good: Vec::new(),
            answered_any: false,
            control_passed: false,
            last_blame: None,
            probed: Vec::new(),
            unexplained: Vec::new(),
            peer,
        }
    }

    /// Runs started so far after the first: restarts.
    pub fn restarts(&self) -> u32 {
        self.runs.saturating_sub(1)
    }

    #[cfg(test)]
    pub fn is_done(&self) -> bool {
        self.state == State::Done
    }

    /// The next run, or `Err` with the decisions that end the search early when the
    /// restart limit is reached; `Ok(None)` once the search is over.
    pub fn next_run(&mut self) -> Result<Option<Plan>, Vec<Decision>> {
        let Some(plan) = self.plan() else {
            return Ok(None);
        };
        if self.runs > self.max_restarts {
            let reason = format!("the restart limit ({}) was reached", self.max_restarts);
            return Err(self.give_up("restart limit", &reason));
        }
        self.runs += 1;
        Ok(Some(plan))
    }

    fn plan(&self) -> Option<Plan> {
        let judged = |cases| {
            Some(Plan {
                cases,
                record: true,
            })
        };
        let experiment = |cases| {
            Some(Plan {
                cases,
                record: false,
            })
        };
        match &self.state {
            State::Done => None,
            State::Pipeline { from } => judged(Cases::Range(*from..self.total)),
            State::Alone { case, .. } => judged(Cases::Range(*case..case + 1)),
            State::Window { from, len, .. } => {
                judged(Cases::Range(*from..(from + len).min(self.total)))
            }
            State::Probe { probes, .. } => experiment(Cases::List(probes[..1].to_vec())),
            State::Control { cause, .. } => {
                // Rotated by half: a failure that some case of them sets off comes at
                // another place; one that comes after so many requests comes at the same.
                let rotated = self.good.iter().cycle().skip(self.good.len() / 2);
                experiment(Cases::List(rotated.copied().take(cause.run_len).collect()))
            }
        }
    }

    /// The decisions that end the search now, with `reason` for the cases left.
    pub fn give_up(&mut self, key: &str, reason: &str) -> Vec<Decision> {
        let mut decisions = Vec::new();
        if !matches!(self.state, State::Pipeline { .. } | State::Done) {
            decisions.push(Decision::Note(format!(
                "{reason} while searching for the case at fault"
            )));
        }
        // The failure being searched for happened, found or not: it fails the gate even
        // when no case is left to be not run (one on the corpus's last case, say).
        if let Some(fault) = self.investigated() {
            self.unexplained(fault);
        }
        for fault in self.unexplained.drain(..) {
            decisions.push(Decision::Problem(format!(
                "{} {}, and the search for the case at fault was cut short ({reason})",
                self.peer.name, fault.verb
            )));
        }
        if let Some(resume) = self.resume() {
            decisions.push(self.not_run(resume, key, reason));
        }
        self.state = State::Done;
        decisions
    }

    /// The failure the search is confirming or probing, if it is.
    fn investigated(&self) -> Option<Fault> {
        match &self.state {
            State::Alone { cause, .. } | State::Control { cause, .. } => Some(cause.fault.clone()),
            State::Probe { fault, .. } => Some(fault.clone()),
            State::Pipeline { .. } | State::Window { .. } | State::Done => None,
        }
    }

    /// The first case without a verdict yet, where the search is.
    fn resume(&self) -> Option<usize> {
        match &self.state {
            State::Pipeline { from } | State::Window { from, .. } => Some(*from),
            State::Alone { case, .. } | State::Probe { case, .. } => Some(*case),
            State::Control { resume, .. } => Some(*resume),
            State::Done => None,
        }
    }

    fn not_run(&self, from: usize, key: &str, reason: &str) -> Decision {
        Decision::NotRun {
            cases: from..self.total,
            key: key.to_string(),
            reason: reason.to_string(),
        }
    }

    /// The peer could not be started for the next run.
    pub fn could_not_start(&mut self, why: &str) -> Vec<Decision> {
        self.give_up("could not start", why)
    }

    /// The total timeout passed with the case at position `answered` of the last run in
    /// flight (0 if no run was going): nothing is blamed, what is left is not run.
    pub fn deadline(&mut self, answered: usize, reason: &str) -> Vec<Decision> {
        if let State::Pipeline { from } | State::Window { from, .. } = &mut self.state {
            *from += answered;
        }
        self.give_up("total timeout", reason)
    }

    /// How the run [`Search::next_run`] gave last ended.
    pub fn ended(&mut self, end: RunEnd) -> Vec<Decision> {
        if let RunEnd::Deadline { answered } = end {
            return self.deadline(answered, "the total timeout was reached");
        }
        let state = std::mem::replace(&mut self.state, State::Done);
        let plan_cases = self.plan_of(&state);
        let (mut decisions, next) = match (state, end) {
            (State::Pipeline { from }, end) => self.after_pipeline(from, plan_cases, end),
            (
                State::Window {
                    from,
                    len: 1,
                    bad_end,
                },
                end,
            ) => match end {
                RunEnd::Failed { fault, .. } => self.failed_alone(from, fault),
                _ => {
                    self.note_answered(&plan_cases, 1);
                    (Vec::new(), self.window_passed(from, 1, bad_end))
                }
            },
            (State::Window { from, bad_end, .. }, end) => {
                self.after_run(from, plan_cases, end, bad_end)
            }
            (State::Alone { case, cause }, end) => self.after_alone(case, cause, end),
            (State::Control { resume, cause }, end) => self.after_control(resume, cause, end),
            (
                State::Probe {
                    case,
                    probes,
                    fault,
                },
                end,
            ) => self.after_probe(case, probes, fault, end),
            (State::Done, _) => (Vec::new(), State::Done),
        };
        self.state = next;
        if self.state == State::Done {
            // Every case has a verdict now.
            decisions.extend(self.finished());
        }
        decisions
    }

    fn plan_of(&self, state: &State) -> Cases {
        match state {
            State::Pipeline { from } => Cases::Range(*from..self.total),
            State::Window { from, len, .. } => Cases::Range(*from..(from + len).min(self.total)),
            _ => Cases::List(Vec::new()),
        }
    }

    fn note_answered(&mut self, cases: &Cases, answered: usize) {
        if answered > 0 {
            self.answered_any = true;
        }
        let room = GOOD_KEPT.saturating_sub(self.good.len());
        self.good
            .extend(cases.iter().take(answered.min(cases.len())).take(room));
    }

    /// After a pipeline: every case from `from` in one process.
    fn after_pipeline(&mut self, from: usize, cases: Cases, end: RunEnd) -> (Vec<Decision>, State) {
        match end {
            RunEnd::Completed => {
                self.note_answered(&cases, cases.len());
                (Vec::new(), State::Done)
            }
            RunEnd::Failed { answered, fault } => {
                self.note_answered(&cases, answered);
                let cause = Cause {
                    fault,
                    answered,
                    run_len: cases.len(),
                };
                let case = from + answered;
                (Vec::new(), State::Alone { case, cause })
            }
            RunEnd::Deadline { .. } => (Vec::new(), State::Done),
        }
    }

    /// The decoder fails whatever the case (`problem` says how): the cases from `from` on
    /// are not run, and the search is over.
    fn whatever_the_case(&mut self, from: usize, problem: String) -> (Vec<Decision>, State) {
        let reason = format!("{} fails whatever the case", self.peer.name);
        let decisions = vec![
            Decision::Problem(problem),
            self.not_run(from, "fails whatever the case", &reason),
        ];
        // That explains every failure on the way.
        self.unexplained.clear();
        (decisions, State::Done)
    }

    /// Keeps a failure that no case explains yet, once per kind.
    fn unexplained(&mut self, fault: Fault) {
        if !self.unexplained.iter().any(|f| f.key == fault.key) {
            self.unexplained.push(fault);
        }
    }

    fn pipeline_from(&mut self, from: usize) -> State {
        if from >= self.total {
            State::Done
        } else {
            State::Pipeline { from }
        }
    }

    /// Every case has a verdict: failures no case explained are the decoder's own. Only
    /// the case in flight and those after it were tried, so the problem claims no more: a
    /// case answered just before the failure (a decoder that exits right after answering
    /// it) or two cases together may set it off.
    fn finished(&mut self) -> Vec<Decision> {
        self.unexplained
            .drain(..)
            .map(|fault| {
                Decision::Problem(format!(
                    "{} {} in a run of several cases, and no case from the one in flight on makes it fail again in {}, alone or in a shorter run; the cases answered before the failure were not tried alone",
                    self.peer.name, fault.verb, self.peer.fresh
                ))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests;
