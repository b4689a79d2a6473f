//! One decoder process kept alive and asked one case at a time: for differential fuzzing,
//! where each input must be judged as it comes. The decoder must answer each line before
//! it reads the next (flush per line; `python3 -u`), which the batch gate does not need.

use std::sync::mpsc::{Sender, channel};
use std::time::{Duration, Instant};

use crate::catalog::Profile;
use crate::decoder::pipe::{Pipe, PipeSession};
use crate::gate::blame::{Fault, RunEnd};
use crate::gate::corpus::Corpus;
use crate::gate::outcome::{Failure, Gate};
use crate::gate::report::{Report, Tally};
use crate::gate::runner::{InTurn, Waiting, check_answer, line_text, record_response};
use crate::gate::transport::{Echo, Session, Transport};
use crate::gate::xfail::Xfail;

/// A decoder process asked about one code at a time.
pub struct LiveDecoder {
    pipe: Pipe,
    idle_timeout: Duration,
    /// The running process and the sender of its requests; `None` after it failed.
    session: Option<(PipeSession, Sender<u32>)>,
}

impl LiveDecoder {
    pub fn new(argv: Vec<String>, idle_timeout: Duration) -> LiveDecoder {
        LiveDecoder {
            pipe: Pipe::new(argv),
            idle_timeout,
            session: None,
        }
    }

    /// Asks the decoder about one code and reports on that one case as the gate would:
    /// a mismatch, crash, hang or protocol error makes the report not conformant. A
    /// decoder that failed is started afresh for the next code.
    pub fn check(&mut self, code: u32, profile: Profile) -> Report {
        let started = Instant::now();
        let corpus = Corpus::one(profile, code);
        let no_xfail = Xfail::default();
        let mut tally = Tally::new(&corpus, &[], &no_xfail);
        let mut diagnostics = String::new();
        let idle = self.idle_timeout;
        match self.ask(code) {
            Err(e) => {
                tally.not_started = true;
                tally.problem(e.to_string());
                let what = "the decoder could not be started".to_string();
                tally.case_failed(0, Failure::NotRun, "could not start", what);
            }
            Ok(session) => {
                if let Some(fault) = answer(session, &corpus, &mut tally, idle) {
                    tally.case_failed(0, fault.kind, &fault.key, fault.detail);
                    diagnostics = session.diagnostics();
                    // Dropping the session kills and reaps the decoder.
                    self.session = None;
                }
            }
        }
        let pipe = &self.pipe;
        tally.finish(
            &pipe.describe(),
            &|case| pipe.reproduce(case),
            started.elapsed().as_secs_f64(),
            diagnostics,
        )
    }

    /// Sends a code to the running decoder, starting it first if need be.
    fn ask(&mut self, code: u32) -> Result<&mut PipeSession, crate::gate::transport::StartError> {
        if self.session.is_none() {
            let (sender, receiver) = channel();
            let session = self.pipe.start_live(receiver)?;
            self.session = Some((session, sender));
        }
        let (session, sender) = self
            .session
            .as_mut()
            .expect("a decoder session was just started");
        // The writer thread only goes away with the process; the answer will tell.
        let _ = sender.send(code);
        Ok(session)
    }
}

/// Reads and records the answer to the one case of `corpus`, waiting as a batch run
/// does (a decoder still taking its request is working); the fault, if it fails.
fn answer(
    session: &mut PipeSession,
    corpus: &Corpus,
    tally: &mut Tally<'_>,
    idle: Duration,
) -> Option<Fault> {
    let gate = Gate::CHECK;
    let mut waiting = Waiting::new(idle, session.taken());
    let (number, line) = match waiting.next(session, None) {
        Ok(got) => got,
        Err(why) => {
            return match waiting.end(why, session, 0, gate.peer()) {
                RunEnd::Failed { fault, .. } => Some(fault),
                _ => None,
            };
        }
    };
    let turn = InTurn {
        position: 0,
        case: &corpus.cases[0],
        previous: None,
    };
    let checked = line_text(gate.peer(), number, line).and_then(|text| {
        let response = check_answer(gate, Echo::Code, number, &text, &turn)?;
        record_response(tally, corpus, 0, response);
        Ok(())
    });
    checked.err()
}
