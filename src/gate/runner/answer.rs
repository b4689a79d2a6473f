//! One answer, step by step: waiting for it, checking it, and what a peer that does not
//! give it did instead. The batch run and the live decoder both take these steps, so a
//! peer is judged the same way whichever asks it.

use std::time::{Duration, Instant};

use crate::gate::blame::{Fault, RunEnd};
use crate::gate::case::Case;
use crate::gate::outcome::{Failure, Gate, Peer};
use crate::gate::protocol::{ProtocolError, Response, parse_answer};
use crate::gate::transport::{Echo, Next, Session};
use crate::lines::Line;

/// How often a quiet peer is looked at (has it taken requests? is it still running?).
const LOOK: Duration = Duration::from_millis(200);

/// Waits for answer lines, telling a peer that works slowly (it still takes requests)
/// from one that hangs (neither an answer nor a request taken for the idle timeout).
pub(crate) struct Waiting {
    idle: Duration,
    quiet: Duration,
    taken: u64,
}

/// Why no answer line came.
pub(crate) enum NoLine {
    /// The run's total time is up.
    Deadline,
    /// The peer is running but neither answered nor took a request for the idle timeout.
    Idle,
    /// The output ended, or the peer is quiet and no longer running.
    Ended,
}

impl Waiting {
    pub(crate) fn new(idle: Duration, taken: u64) -> Waiting {
        Waiting {
            idle,
            quiet: Duration::ZERO,
            taken,
        }
    }

    /// The next answer line and its number, or why none came before `deadline`.
    pub(crate) fn next<S: Session>(
        &mut self,
        session: &mut S,
        deadline: Option<Instant>,
    ) -> Result<(usize, Line), NoLine> {
        let look = LOOK.min(self.idle);
        loop {
            if deadline.is_some_and(|deadline| Instant::now() >= deadline) {
                return Err(NoLine::Deadline);
            }
            match session.next(look) {
                Next::Line(number, line) => {
                    self.quiet = Duration::ZERO;
                    return Ok((number, line));
                }
                Next::Ended => return Err(NoLine::Ended),
                Next::Quiet => {}
            }
            let taken = session.taken();
            if taken != self.taken {
                (self.taken, self.quiet) = (taken, Duration::ZERO);
                continue;
            }
            self.quiet += look;
            if self.quiet >= self.idle {
                return Err(if session.alive() {
                    NoLine::Idle
                } else {
                    NoLine::Ended
                });
            }
        }
    }

    /// What a run that got no line at `position` (answers before it) ended as.
    pub(crate) fn end<S: Session>(
        &self,
        why: NoLine,
        session: &mut S,
        position: usize,
        peer: Peer,
    ) -> RunEnd {
        match why {
            NoLine::Deadline => RunEnd::Deadline { answered: position },
            NoLine::Idle => RunEnd::Failed {
                answered: position,
                fault: idle_fault(self.idle),
            },
            NoLine::Ended => crashed(session, position, peer),
        }
    }
}

/// The fault of a peer that neither answered nor took a request for `idle`.
fn idle_fault(idle: Duration) -> Fault {
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

/// Where an answer belongs: its case, at `position` of its run, after `previous`.
pub(crate) struct InTurn<'c> {
    pub position: usize,
    pub case: &'c Case,
    pub previous: Option<&'c Case>,
}

/// Checks line `number`, `text`, as the answer to the case `turn` names: an answer of
/// `gate`'s fields that echoes that very request as `echo` says.
pub(crate) fn check_answer<'t>(
    gate: Gate,
    echo: Echo,
    number: usize,
    text: &'t str,
    turn: &InTurn<'_>,
) -> Result<Response<'t>, Fault> {
    let response =
        parse_answer(text, gate.fields()).map_err(|e| protocol_fault(gate.peer(), number, &e))?;
    echo.check(text, &response, turn)
        .map_err(|e| protocol_fault(gate.peer(), number, &e))?;
    Ok(response)
}

/// The run end of a peer whose output ended (or that died quiet) after `position` answers.
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

pub(crate) fn protocol_fault(peer: Peer, line: usize, error: &ProtocolError) -> Fault {
    Fault {
        kind: Failure::ProtocolError,
        key: error.key().to_string(),
        detail: format!("line {line} of {} in its run: {error}", peer.output),
        verb: error.verb().to_string(),
    }
}
