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

use crate::gate::blame::{Decision, Fault, Plan, RunEnd, Search};
use crate::gate::corpus::Corpus;
use crate::gate::field::FieldName;
use crate::gate::judge::judge;
use crate::gate::outcome::{Failure, Gate, Peer};
use crate::gate::pipe::Pipe;
use crate::gate::protocol::{ProtocolError, Response, parse_answer, parse_response};
use crate::gate::report::{Report, Tally};
use crate::gate::transport::{Next, Session, Transport};
use crate::gate::xfail::{Scope, Xfail};
use crate::lines::Line;

/// How often a quiet peer is looked at (has it taken requests? is it still running?).
const LOOK: Duration = Duration::from_millis(200);

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

/// Runs the decoder `argv` (protocol v1 over pipes) over the corpus and reports.
/// `progress` is told how many cases have a verdict as they get one.
pub fn run(
    argv: &[String],
    corpus: &Corpus,
    options: &Options,
    progress: &mut dyn FnMut(usize),
) -> Report {
    run_recording(argv, corpus, options, progress).0
}

/// [`run`], also returning every failure as `(case index, scope)`, for a baseline
/// (`xfail::baseline`).
pub fn run_recording(
    argv: &[String],
    corpus: &Corpus,
    options: &Options,
    progress: &mut dyn FnMut(usize),
) -> (Report, BTreeSet<(usize, Scope)>) {
    run_transport(&mut Pipe::new(argv.to_vec()), corpus, options, progress)
}

/// Runs the corpus through any transport; see [`run_recording`].
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
    let report = tally.finish(
        &transport.describe(),
        &|code| transport.reproduce(code),
        started.elapsed().as_secs_f64(),
        diagnostics,
    );
    (report, failures)
}

struct Runner<'a> {
    corpus: &'a Corpus,
    options: &'a Options,
    /// Which gate runs: the fields of an answer, how findings name the peer.
    gate: Gate,
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
            let codes = plan
                .cases
                .iter()
                .map(|i| self.corpus.cases[i].code.0)
                .collect();
            let mut session = match transport.start(codes) {
                Ok(session) => session,
                Err(e) => {
                    let first = self.search.restarts() == 0;
                    self.tally.problem(e.to_string());
                    if first {
                        self.tally.not_started = true;
                    }
                    let decisions = self.search.could_not_start(&format!(
                        "{} could not be started",
                        self.gate.peer().name
                    ));
                    return self.apply(decisions);
                }
            };
            let end = self.drive(&mut session, &plan, deadline, progress);
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

    /// Reads one run's answers until it is done, fails or reaches `deadline`.
    fn drive<S: Session>(
        &mut self,
        session: &mut S,
        plan: &Plan,
        deadline: Instant,
        progress: &mut dyn FnMut(usize),
    ) -> RunEnd {
        let idle = self.options.idle_timeout;
        let (mut quiet, mut taken) = (Duration::ZERO, session.taken());
        // A single case is recorded only once its run is over: an answer followed by a
        // second one is that case's fault, not a pass.
        let alone = plan.record && plan.cases.len() == 1;
        let mut pending = None;
        let mut position = 0;
        while position < plan.cases.len() {
            if Instant::now() >= deadline {
                return RunEnd::Deadline { answered: position };
            }
            let (number, line) = match session.next(LOOK.min(idle)) {
                Next::Line(number, line) => (number, line),
                Next::Quiet => {
                    let now_taken = session.taken();
                    if now_taken != taken {
                        (taken, quiet) = (now_taken, Duration::ZERO);
                        continue;
                    }
                    quiet += LOOK.min(idle);
                    if quiet < idle {
                        continue;
                    }
                    if session.alive() {
                        return RunEnd::Failed {
                            answered: position,
                            fault: idle_fault(idle),
                        };
                    }
                    return crashed(session, position, self.gate.peer());
                }
                Next::Ended => return crashed(session, position, self.gate.peer()),
            };
            quiet = Duration::ZERO;
            let index = plan.cases.get(position);
            let previous = position
                .checked_sub(1)
                .map(|p| self.corpus.cases[plan.cases.get(p)].code.0);
            let failed = |fault| RunEnd::Failed {
                answered: position,
                fault,
            };
            let text = match line_text(self.gate.peer(), number, line) {
                Ok(text) => text,
                Err(fault) => return failed(fault),
            };
            let response =
                match check_answer(self.corpus, self.gate, number, &text, index, previous) {
                    Ok(response) => response,
                    Err(fault) => return failed(fault),
                };
            if alone {
                drop(response);
                pending = Some(text);
            } else if plan.record {
                record_response(&mut self.tally, self.corpus, index, response);
                progress(index + 1);
            }
            position += 1;
        }
        let finish = session.finish(idle);
        if let Err(exit) = &finish.exit {
            self.tally
                .problem(format!("{} {exit}", self.gate.peer().name));
        }
        if finish.extra_lines > 0 {
            if alone {
                let code = self.corpus.cases[plan.cases.get(0)].code.0;
                let again = match &finish.first_extra {
                    Some(Line::Text(text)) => {
                        parse_answer(text, self.gate.fields()).is_ok_and(|r| r.code() == code)
                    }
                    _ => false,
                };
                let error = match again {
                    true => ProtocolError::AnsweredTwice(code),
                    false => ProtocolError::ExtraLines(finish.extra_lines),
                };
                return RunEnd::Failed {
                    answered: 0,
                    fault: protocol_fault(self.gate.peer(), 2, &error),
                };
            }
            self.tally.problem(format!(
                "{} wrote {} after the answer to its last request",
                self.gate.peer().name,
                crate::render::plural(finish.extra_lines, "line")
            ));
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
}

/// The fault of a peer that neither answered nor took a request for `idle`.
pub(crate) fn idle_fault(idle: Duration) -> Fault {
    Fault {
        kind: Failure::Timeout,
        key: "idle".to_string(),
        detail: format!("no answer and no request taken for {idle:?} (the idle timeout)"),
        verb: "stops answering".to_string(),
    }
}

/// The text of an answer line, or the protocol error it is (line `number`).
pub(crate) fn line_text(peer: Peer, number: usize, line: Line) -> Result<String, Fault> {
    match line {
        Line::Text(text) => Ok(text),
        Line::TooLong => Err(protocol_fault(peer, number, &ProtocolError::TooLong)),
        Line::NotUtf8 => Err(protocol_fault(peer, number, &ProtocolError::NotUtf8)),
    }
}

/// Checks line `number`, `text`, as the answer to case `index` of `corpus` (the request
/// before it was `previous`): it must be a protocol v1 response to that very code.
pub(crate) fn check_answer<'t>(
    corpus: &Corpus,
    gate: Gate,
    number: usize,
    text: &'t str,
    index: usize,
    previous: Option<u32>,
) -> Result<Response<'t>, Fault> {
    let code = corpus.cases[index].code.0;
    let response =
        parse_answer(text, gate.fields()).map_err(|e| protocol_fault(gate.peer(), number, &e))?;
    let got = response.code();
    if got == code {
        return Ok(response);
    }
    let error = if previous == Some(got) {
        ProtocolError::Repeated {
            previous: got,
            expected: code,
        }
    } else {
        ProtocolError::WrongEcho {
            expected: code,
            got,
        }
    };
    Err(protocol_fault(gate.peer(), number, &error))
}

/// Judges and records an answer line to case `index`: the gate's own work per answer,
/// which the benchmarks measure. A line that is not a response is not recorded.
pub fn record(tally: &mut Tally<'_>, corpus: &Corpus, index: usize, text: &str) {
    if let Ok(response) = parse_response(text) {
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
        Response::Answer { fields, .. } => {
            let expected = corpus.cases[index].expect(corpus.profile);
            tally.answer(index, &judge(&expected, &fields));
        }
        Response::Refusal { error, .. } => {
            tally.case_failed(index, Failure::Refused, "", format!("refused: {error}"));
        }
    }
}

pub(crate) fn crashed<S: Session>(session: &mut S, position: usize, peer: Peer) -> RunEnd {
    let ended = session.ended();
    let fault = if ended.clean {
        let mut fault = protocol_fault(peer, position + 1, &ProtocolError::Unanswered);
        fault.detail = format!(
            "{} {} with {} answered in its run: it ended its output without answering request {}",
            peer.name,
            ended.what,
            crate::render::plural(position, "request"),
            position + 1
        );
        fault
    } else {
        Fault {
            kind: Failure::Crash,
            key: ended.what.clone(),
            detail: format!(
                "{} {} after {} in its run",
                peer.name,
                ended.what,
                crate::render::plural(position, "answer")
            ),
            verb: ended.what,
        }
    };
    RunEnd::Failed {
        answered: position,
        fault,
    }
}

fn protocol_fault(peer: Peer, line: usize, error: &ProtocolError) -> Fault {
    Fault {
        kind: Failure::ProtocolError,
        key: error.key().to_string(),
        detail: format!("line {line} of {} in its run: {error}", peer.output),
        verb: error.verb().to_string(),
    }
}
