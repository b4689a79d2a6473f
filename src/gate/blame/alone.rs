//! The case in flight run alone, in a fresh process, to confirm the failure of a longer
//! run; and, when it passes there, the control run that tells a failure that depends on
//! the cases from one that comes whatever the case.

use super::{Cases, Cause, Decision, RunEnd, Search, State};
use crate::gate::outcome::Failure;

impl Search {
    /// After `case` ran alone, to confirm `cause`.
    pub(super) fn after_alone(
        &mut self,
        case: usize,
        cause: Cause,
        end: RunEnd,
    ) -> (Vec<Decision>, State) {
        match end {
            RunEnd::Failed { fault, .. } => self.failed_alone(case, fault),
            RunEnd::Completed => {
                self.note_answered(&Cases::Range(case..case + 1), 1);
                let note = format!(
                    "a run ended early ({} {}); the case in flight was answered alone in {}, so the gate looked further for the case at fault",
                    self.peer.name, cause.fault.verb, self.peer.fresh
                );
                let resume = case + 1;
                if self.control_passed {
                    let (mut decisions, next) = self.innocent(resume, cause);
                    decisions.insert(0, Decision::Note(note));
                    return (decisions, next);
                }
                (vec![Decision::Note(note)], State::Control { resume, cause })
            }
            RunEnd::Deadline { .. } => (Vec::new(), State::Done),
        }
    }

    /// The case in flight passed alone, and the failure does depend on the cases.
    fn innocent(&mut self, resume: usize, cause: Cause) -> (Vec<Decision>, State) {
        if cause.fault.kind == Failure::ProtocolError {
            // A bad line names its request; that request alone is answered well: the
            // decoder's state, or an earlier case, put it wrong.
            let problem = format!(
                "{}; given that case alone, in {}, {} answers it (that answer is the case's verdict)",
                cause.fault.detail, self.peer.fresh, self.peer.name
            );
            return (vec![Decision::Problem(problem)], self.pipeline_from(resume));
        }
        // The culprit is later, in output the decoder never sent.
        self.unexplained(cause.fault);
        (Vec::new(), self.search_from(resume, 2))
    }

    pub(super) fn after_control(
        &mut self,
        resume: usize,
        cause: Cause,
        end: RunEnd,
    ) -> (Vec<Decision>, State) {
        match end {
            RunEnd::Failed { answered, fault } if answered == cause.answered => {
                let problem = format!(
                    "{} {} after {} in a run, whatever the case: a run of other cases failed the same way at the same place ({})",
                    self.peer.name,
                    cause.fault.verb,
                    crate::render::plural(answered, "answer"),
                    fault.detail
                );
                self.whatever_the_case(resume, problem)
            }
            RunEnd::Deadline { .. } => (Vec::new(), State::Done),
            // Passed, or failed elsewhere (a case of the control set it off): the failure
            // depends on the cases.
            _ => {
                self.control_passed = true;
                self.innocent(resume, cause)
            }
        }
    }
}
