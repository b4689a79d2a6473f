//! A case that fails alone: blamed, unless the decoder never answered anything (or fails
//! the same way as on the last case blamed), when probes spread over the corpus, each
//! alone, say whether it fails whatever the case.

use super::{Decision, Fault, RunEnd, Search, State};

/// How many cases, spread over the corpus, must each fail alone before a decoder that never
/// answered is said to fail whatever the case. One was not enough: a decoder whose area
/// table lacks area 0 and the reserved areas fails on the first case and on the middle one.
pub(super) const PROBES: usize = 7;

impl Search {
    /// `case` failed alone in a fresh process: blamed, unless a probe is due.
    pub(super) fn failed_alone(&mut self, case: usize, fault: Fault) -> (Vec<Decision>, State) {
        let probes = self.spread_from(case);
        // With no other case to try, the one that fails alone is at fault.
        if !probes.is_empty() && self.should_probe(&fault.key) {
            return (
                Vec::new(),
                State::Probe {
                    case,
                    probes,
                    fault,
                },
            );
        }
        self.blame(case, fault)
    }

    pub(super) fn after_probe(
        &mut self,
        case: usize,
        mut probes: Vec<usize>,
        fault: Fault,
        end: RunEnd,
    ) -> (Vec<Decision>, State) {
        match end {
            RunEnd::Completed => {
                self.probed.push(fault.key.clone());
                self.blame(case, fault)
            }
            RunEnd::Failed { .. } if probes.len() > 1 => {
                probes.remove(0);
                (
                    Vec::new(),
                    State::Probe {
                        case,
                        probes,
                        fault,
                    },
                )
            }
            RunEnd::Failed { .. } => {
                let never = match self.answered_any {
                    true => "",
                    false => ", and it never answered any case",
                };
                let problem = format!(
                    "{} {} whatever the case: it did on {} spread over the corpus, each alone in {}{never} ({})",
                    self.peer.name,
                    fault.verb,
                    crate::render::plural(self.spread_from(case).len() + 1, "case"),
                    self.peer.fresh,
                    fault.detail
                );
                self.whatever_the_case(case, problem)
            }
            RunEnd::Deadline { .. } => (Vec::new(), State::Done),
        }
    }

    fn should_probe(&self, key: &str) -> bool {
        !self.probed.iter().any(|k| k == key)
            && (!self.answered_any || self.last_blame.as_deref() == Some(key))
    }

    /// Up to [`PROBES`] other cases, evenly spread over the corpus from `case` on: its
    /// boundary cases go through the areas and categories in order, so the probes fall in
    /// other areas and categories.
    fn spread_from(&self, case: usize) -> Vec<usize> {
        let mut probes: Vec<usize> = (1..=PROBES)
            .map(|k| (case + self.total * k / (PROBES + 1)) % self.total)
            .filter(|&probe| probe != case)
            .collect();
        probes.dedup();
        probes
    }

    fn blame(&mut self, case: usize, fault: Fault) -> (Vec<Decision>, State) {
        self.last_blame = Some(fault.key.clone());
        // The case explains the runs that ended early on the way to it.
        self.unexplained.clear();
        let decisions = vec![Decision::Blame { case, fault }];
        (decisions, self.pipeline_from(case + 1))
    }
}
