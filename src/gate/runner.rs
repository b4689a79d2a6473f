//! The session logic: runs the corpus through a [`Transport`], judges every answer line,
//! and lets the [`blame`](super::blame) search decide what each failure means.
//!
//! A run is one fresh peer given a list of cases. The runner reads its answers in order,
//! judging each against the oracle, until the run is done or fails: a crash (the output
//! ended), a hang (neither an answer nor a request taken for the idle timeout), or a
//! protocol error (a line that breaks protocol v1). The search then says which run comes
//! next and what to record. The runner does not know whether the peer is a process or a
//! page: the transport hides that.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use crate::gate::blame::{Decision, Plan, RunEnd, Search};
use crate::gate::case::Case;
use crate::gate::corpus::Corpus;
use crate::gate::field::FieldName;
use crate::gate::judge::judge;
use crate::gate::outcome::{Failure, Gate};
use crate::gate::protocol::{ProtocolError, Response, parse_answer};
use crate::gate::report::{Report, Tally};
use crate::gate::transport::{Echo, Session, Transport};
use crate::gate::xfail::{Scope, Xfail};
use crate::lines::Line;

mod answer;

pub(crate) use answer::{InTurn, Waiting, check_answer, line_text};

/// The limits of a run.
#[derive(Clone, Debug)]
pub struct Options {
    /// Neither an answer nor a request taken for this long, while cases are pending,
    /// fails the case in flight.
    pub idle_timeout: Duration,
    /// The whole run's limit; cases not answered by then are not run.
    pub total_timeout: Duration,
    /// How many times a decoder may be restarted.
    pub max_restarts: u32,
    /// Fields whose absence from an answer fails the case.
    pub require: Vec<FieldName>,
    /// Known failures that do not fail the gate.
    pub xfail: Xfail,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            idle_timeout: Duration::from_secs(5),
            total_timeout: Duration::from_secs(600),
            max_restarts: 64,
            require: Vec::new(),
            xfail: Xfail::default(),
        }
    }
}

/// Runs the corpus through any transport; see [`run_recording`](crate::decoder::run_recording).
pub fn run_transport<T: Transport>(
    transport: &mut T,
    corpus: &Corpus,
    options: &Options,
    progress: &mut dyn FnMut(usize),
) -> (Report, BTreeSet<(usize, Scope)>) {
    let started = Instant::now();
    let gate = transport.gate();
    let mut runner = Runner {
        corpus,
        options,
        gate,
        echo: transport.echo(),
        deadline: None,
        tally: Tally::of(gate, corpus, &options.require, &options.xfail),
        search: Search::new(corpus.cases.len(), options.max_restarts, gate.peer()),
        failed_diagnostics: None,
        last_diagnostics: String::new(),
    };
    runner.run_all(transport, progress);
    let findings = transport.findings();
    findings
        .problems
        .into_iter()
        .for_each(|p| runner.tally.problem(p));
    findings
        .notes
        .into_iter()
        .for_each(|n| runner.tally.note(n));
    let Runner {
        mut tally,
        search,
        failed_diagnostics,
        last_diagnostics,
        ..
    } = runner;
    tally.restarts = search.restarts();
    let failures = tally.failures().clone();
    let diagnostics = failed_diagnostics.unwrap_or(last_diagnostics);
    let mut report = tally.finish(
        &transport.describe(),
        &|case| transport.reproduce(case),
        started.elapsed().as_secs_f64(),
        diagnostics,
    );
    for group in &mut report.groups {
        let case = corpus.cases.get(group.example.index);
        group.example.context = case.and_then(|case| transport.context(case));
    }
    (report, failures)
}

struct Runner<'a> {
    corpus: &'a Corpus,
    options: &'a Options,
    /// Which gate runs: the fields of an answer, how findings name the peer.
    gate: Gate,
    /// How the transport's answers name their requests.
    echo: Echo,
    /// When the total timeout ends: set as the first peer starts, so that what comes
    /// before (the tally, the `--xfail` list matched to the corpus) never counts.
    deadline: Option<Instant>,
    tally: Tally<'a>,
    search: Search,
    /// The diagnostics of the first run that failed, else of the last one.
    failed_diagnostics: Option<String>,
    last_diagnostics: String,
}

impl Runner<'_> {
    fn run_all<T: Transport>(&mut self, transport: &mut T, progress: &mut dyn FnMut(usize)) {
        loop {
            let plan = match self.search.next_run() {
                Ok(Some(plan)) => plan,
                Ok(None) => return,
                Err(decisions) => return self.apply(decisions),
            };
            let now = Instant::now();
            let deadline = *self
                .deadline
                .get_or_insert(now + self.options.total_timeout);
            if now >= deadline {
                let decisions = self.search.deadline(0, &self.deadline_reason());
                return self.apply(decisions);
            }
            let run: Vec<Case> = plan.cases.iter().map(|i| self.corpus.cases[i]).collect();
            let Some(mut session) = self.start(transport, run.clone()) else {
                let decisions = self
                    .search
                    .could_not_start(&format!("{} could not be started", self.gate.peer().name));
                return self.apply(decisions);
            };
            let end = self.drive(&mut session, &plan, &run, deadline, progress);
            self.last_diagnostics = session.diagnostics();
            session.notes().into_iter().for_each(|n| self.tally.note(n));
            if matches!(end, RunEnd::Failed { .. }) && self.failed_diagnostics.is_none() {
                self.failed_diagnostics = Some(self.last_diagnostics.clone());
            }
            if let RunEnd::Deadline { answered } = end {
                let decisions = self.search.deadline(answered, &self.deadline_reason());
                return self.apply(decisions);
            }
            let decisions = self.search.ended(end);
            self.apply(decisions);
        }
    }

    /// Starts a peer on `run`; `None` (the problem recorded) if it could not be.
    fn start<T: Transport>(&mut self, transport: &mut T, run: Vec<Case>) -> Option<T::Session> {
        match transport.start(run) {
            Ok(session) => Some(session),
            Err(e) => {
                self.tally.not_started |= self.search.restarts() == 0;
                self.tally.problem(e.to_string());
                None
            }
        }
    }

    fn deadline_reason(&self) -> String {
        format!(
            "the total timeout ({:?}) was reached",
            self.options.total_timeout
        )
    }

    fn apply(&mut self, decisions: Vec<Decision>) {
        for decision in decisions {
            match decision {
                Decision::Blame { case, fault } => {
                    self.tally
                        .case_failed(case, fault.kind, &fault.key, fault.detail)
                }
                Decision::NotRun { cases, key, reason } => {
                    for case in cases {
                        self.tally
                            .case_failed(case, Failure::NotRun, &key, reason.clone());
                    }
                }
                Decision::Problem(problem) => self.tally.problem(problem),
                Decision::Note(note) => self.tally.note(note),
            }
        }
    }

    /// Reads one run's answers until it is done, fails or reaches `deadline`. `run` is
    /// the plan's cases, in order.
    fn drive<S: Session>(
        &mut self,
        session: &mut S,
        plan: &Plan,
        run: &[Case],
        deadline: Instant,
        progress: &mut dyn FnMut(usize),
    ) -> RunEnd {
        let mut waiting = Waiting::new(self.options.idle_timeout, session.taken());
        // A single case is recorded only once its run is over: an answer followed by a
        // second one is that case's fault, not a pass.
        let alone = plan.record && run.len() == 1;
        let mut pending = None;
        for (position, case) in run.iter().enumerate() {
            let (number, line) = match waiting.next(session, Some(deadline)) {
                Ok(got) => got,
                Err(why) => return waiting.end(why, session, position, self.gate.peer()),
            };
            let turn = InTurn {
                position,
                case,
                previous: position.checked_sub(1).map(|p| &run[p]),
            };
            let text = match line_text(self.gate.peer(), number, line) {
                Ok(text) => text,
                Err(fault) => {
                    return RunEnd::Failed {
                        answered: position,
                        fault,
                    };
                }
            };
            let index = plan.cases.get(position);
            let response = match check_answer(self.gate, self.echo, number, &text, &turn) {
                Ok(response) => response,
                Err(fault) => {
                    return RunEnd::Failed {
                        answered: position,
                        fault,
                    };
                }
            };
            if alone {
                drop(response);
                pending = Some(text);
            } else if plan.record {
                record_response(&mut self.tally, self.corpus, index, response);
                progress(index + 1);
            }
        }
        if let Err(end) = self.after_last(session, plan, run, alone) {
            return end;
        }
        if let Some(text) = pending {
            let index = plan.cases.get(0);
            if let Ok(response) = parse_answer(&text, self.gate.fields()) {
                record_response(&mut self.tally, self.corpus, index, response);
            }
            progress(index + 1);
        }
        RunEnd::Completed
    }

    /// What the peer did after its last answer: how it exited, and lines it should not
    /// have sent (the fault of a case run alone that was answered twice).
    fn after_last<S: Session>(
        &mut self,
        session: &mut S,
        plan: &Plan,
        run: &[Case],
        alone: bool,
    ) -> Result<(), RunEnd> {
        let peer = self.gate.peer();
        let finish = session.finish(self.options.idle_timeout);
        if let Err(exit) = &finish.exit {
            self.tally.problem(format!("{} {exit}", peer.name));
        }
        if finish.extra_lines == 0 {
            return Ok(());
        }
        if !alone {
            self.tally.problem(format!(
                "{} wrote {} after the answer to its last request",
                peer.name,
                crate::render::plural(finish.extra_lines, "line")
            ));
            return Ok(());
        }
        debug_assert_eq!(plan.cases.len(), 1);
        let case = &run[0];
        let again = match &finish.first_extra {
            Some(Line::Text(text)) => parse_answer(text, self.gate.fields()).is_ok_and(|r| {
                let turn = InTurn {
                    position: 0,
                    case,
                    previous: None,
                };
                self.echo.check(text, &r, &turn).is_ok()
            }),
            _ => false,
        };
        let error = match again {
            true => ProtocolError::AnsweredTwice(case.code.0),
            false => ProtocolError::ExtraLines(finish.extra_lines),
        };
        Err(RunEnd::Failed {
            answered: 0,
            fault: answer::protocol_fault(peer, 2, &error),
        })
    }
}

/// Judges and records an answer line to case `index`: the gate's own work per answer,
/// which the benchmarks measure. A line that is not a response is not recorded.
#[cfg(feature = "internal")]
pub fn record(tally: &mut Tally<'_>, corpus: &Corpus, index: usize, text: &str) {
    if let Ok(response) = crate::gate::protocol::parse_response(text) {
        record_response(tally, corpus, index, response);
    }
}

/// Judges and records a checked response to case `index`.
pub(crate) fn record_response(
    tally: &mut Tally<'_>,
    corpus: &Corpus,
    index: usize,
    response: Response<'_>,
) {
    match response {
        Response::Answer { code, fields } => {
            let case = corpus.cases[index].settle(corpus.profile, code);
            let expected = case.expect(corpus.profile);
            tally.answer(index, &expected, &judge(&expected, &fields));
        }
        Response::Refusal { error, .. } => {
            tally.case_failed(index, Failure::Refused, "", format!("refused: {error}"));
        }
    }
}
