//! The windows: when the case in flight passes alone and the failure depends on the
//! cases, the culprit lies later, in output the decoder never sent. Windows of 2, 4, 8...
//! cases, each in a fresh process, go on from there; one that fails is halved until one
//! case is left, which is then judged alone.

use super::{Cases, Decision, RunEnd, Search, State};

impl Search {
    /// After a window of several cases in the search.
    pub(super) fn after_run(
        &mut self,
        from: usize,
        cases: Cases,
        end: RunEnd,
        bad_end: Option<usize>,
    ) -> (Vec<Decision>, State) {
        let len = cases.len();
        match end {
            RunEnd::Completed => {
                self.note_answered(&cases, len);
                (Vec::new(), self.window_passed(from, len, bad_end))
            }
            RunEnd::Failed { answered, fault } => {
                self.note_answered(&cases, answered);
                self.unexplained(fault);
                // The culprit is in at..from + len, if one case is: its first half next.
                let at = from + answered;
                let end = from + len;
                (Vec::new(), self.window(at, end - at, Some(end)))
            }
            RunEnd::Deadline { .. } => (Vec::new(), State::Done),
        }
    }

    /// The window `from..from + len` passed: search on after it, within the known bad
    /// range if there is one, else in a window twice as long.
    pub(super) fn window_passed(
        &mut self,
        from: usize,
        len: usize,
        bad_end: Option<usize>,
    ) -> State {
        let next = from + len;
        match bad_end {
            Some(end) if end > next => self.window(next, end - next, Some(end)),
            _ => self.search_from(next, len * 2),
        }
    }

    /// The first half of `from..from + len`, known to hold the culprit before `bad_end`.
    fn window(&mut self, from: usize, len: usize, bad_end: Option<usize>) -> State {
        if from >= self.total {
            return State::Done;
        }
        State::Window {
            from,
            len: len.div_ceil(2).max(1),
            bad_end,
        }
    }

    /// A window of `len` cases from `from`, with no bound known.
    pub(super) fn search_from(&mut self, from: usize, len: usize) -> State {
        if from >= self.total {
            return State::Done;
        }
        State::Window {
            from,
            len: len.min(self.total - from),
            bad_end: None,
        }
    }
}
