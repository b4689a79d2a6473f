//! The transport: how requests reach a decoder and its answers come back.
//!
//! The gate's session logic ([`run_transport`](super::run_transport)) judges answer lines; it does not
//! know whether they come from a process over pipes ([`Pipe`](super::Pipe), protocol v1)
//! or from a player page in a browser. A transport starts a fresh peer for each run of
//! cases, hands it the run's cases (then the end of its input), and gives back its answer
//! lines one by one, bounded, along with what the session logic needs to tell a slow peer
//! from a hung one and a crash from a clean end. How an answer names the request it
//! answers is the transport's too ([`Echo`]).

use std::time::Duration;

use crate::gate::case::Case;
use crate::gate::outcome::Gate;
use crate::gate::protocol::{ProtocolError, Response};
use crate::gate::runner::InTurn;
use crate::lines::Line;

/// Starts peers.
pub trait Transport {
    type Session: Session;

    /// Starts a fresh peer that is given `cases`, in order, then the end of its input.
    fn start(&mut self, cases: Vec<Case>) -> Result<Self::Session, StartError>;

    /// The command a person runs to try the peer on one case: `echo CODE | ...` for a
    /// process, an `amperr` command for a page. Shell-quoted, not yet escaped for display.
    fn reproduce(&self, case: &Case) -> String;

    /// What the case did besides its answer, for a report's example of a failure (a fault
    /// scenario: the request the fault hit, how many the player made).
    fn context(&self, _case: &Case) -> Option<String> {
        None
    }

    /// How the peer's answers name the request they answer.
    fn echo(&self) -> Echo {
        Echo::Code
    }

    /// The peer as reports name it (a decoder's argv).
    fn describe(&self) -> Vec<String>;

    /// Which gate this is: its command and the fields its answers have.
    fn gate(&self) -> Gate {
        Gate::CHECK
    }

    /// What the transport found on its own, once the run is over (a player build's
    /// `amp.errorCode` table, say): problems fail the gate, notes do not.
    fn findings(&mut self) -> Findings {
        Findings::default()
    }
}

/// How an answer names the request it answers; an answer that names another request is
/// out of step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Echo {
    /// Protocol v1: `code` holds the code the decoder was asked about.
    Code,
    /// `request` holds the case's position in its run, from 0: what a page echoes, since a
    /// case need not be a code the page was given (a scenario is not).
    Request,
}

impl Echo {
    /// Checks the echo of `response` (line `text`), the answer to the case `turn` names.
    pub(crate) fn check(
        self,
        text: &str,
        response: &Response<'_>,
        turn: &InTurn<'_>,
    ) -> Result<(), ProtocolError> {
        match self {
            Echo::Code => code_echo(response.code(), turn),
            Echo::Request => request_echo(text, turn.position),
        }
    }
}

/// Protocol v1's echo: the code of the case in turn; the previous one again is a repeat.
fn code_echo(got: u32, turn: &InTurn<'_>) -> Result<(), ProtocolError> {
    let expected = turn.case.code.0;
    match got {
        _ if got == expected => Ok(()),
        _ if turn.previous.is_some_and(|p| p.code.0 == got) => Err(ProtocolError::Repeated {
            previous: got,
            expected,
        }),
        _ => Err(ProtocolError::WrongEcho { expected, got }),
    }
}

/// A page's echo: the position of the case in turn, in `request`.
fn request_echo(text: &str, position: usize) -> Result<(), ProtocolError> {
    let expected = u32::try_from(position).unwrap_or(u32::MAX);
    match request_of(text).ok_or(ProtocolError::NoRequest)? {
        got if got == expected => Ok(()),
        got => Err(ProtocolError::WrongRequest { expected, got }),
    }
}

/// The `request` number of an answer line. A page answers a few times a second, so
/// reading its line a second time costs nothing that matters, and the decoder's hot path
/// (protocol v1, [`Echo::Code`]) never does it.
fn request_of(text: &str) -> Option<u32> {
    #[derive(serde::Deserialize)]
    struct Numbered {
        request: Option<u32>,
    }
    serde_json::from_str::<Numbered>(text).ok()?.request
}

/// What a transport found besides the answers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Findings {
    pub problems: Vec<String>,
    pub notes: Vec<String>,
}

/// One running peer. Dropping it ends the peer and everything it started.
pub trait Session {
    /// The next answer line, waiting at most `wait`.
    fn next(&mut self, wait: Duration) -> Next;

    /// Whether the peer is still running. One that is quiet and no longer running has
    /// ended, even if a child of it holds its output open.
    fn alive(&self) -> bool;

    /// A count that grows whenever the peer takes requests (bytes read, say): a peer that
    /// takes requests is working, even when it has not answered for a while.
    fn taken(&self) -> u64;

    /// Once [`Next::Ended`] came: how the peer ended, with every process of it stopped.
    fn ended(&mut self) -> Ended;

    /// After the last answer: anything more the peer sent, and how it ended. The peer has
    /// `idle` (the idle timeout) to exit, counted from when it had answered every request
    /// and its input had ended.
    fn finish(&mut self, idle: Duration) -> Finish;

    /// What the peer wrote for people (a process's stderr), cut to a bound; raw text, to
    /// be escaped where it is shown.
    fn diagnostics(&self) -> String;

    /// What happened in this run that the report should mention (a request a page made
    /// and was refused, say).
    fn notes(&mut self) -> Vec<String> {
        Vec::new()
    }
}

/// What [`Session::next`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum Next {
    /// An answer line and its number in this session's output, from 1.
    Line(usize, Line),
    /// Nothing within the wait.
    Quiet,
    /// The output ended (or could not be read further).
    Ended,
}

/// How a peer whose output ended early ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ended {
    /// In words: `exited with status 3`, `was killed by signal 11 (SIGSEGV)`.
    pub what: String,
    /// It exited with status 0: it stopped answering on purpose, not by crashing.
    pub clean: bool,
}

/// What a peer did after answering its last request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finish {
    /// How many lines it sent after the last answer.
    pub extra_lines: usize,
    /// The first of them.
    pub first_extra: Option<Line>,
    /// `Err` says how it failed to end cleanly (a non-zero exit, not exiting at all), as
    /// words that follow the peer's name and say it had answered every case.
    pub exit: Result<(), String>,
}

/// A peer that could not be started.
#[derive(Debug, thiserror::Error)]
#[error("could not start {what}: {reason}")]
pub struct StartError {
    /// What was to be started, e.g. the program's name, quoted.
    pub what: String,
    pub reason: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::Code;
    use crate::gate::case::Origin;
    use crate::gate::field::FieldName;
    use crate::gate::protocol::parse_answer;

    fn check(echo: Echo, line: &str, position: usize) -> Result<(), ProtocolError> {
        let cases = [0x2020_0194, 0x1060_0003].map(|c| Case::new(Origin::Given, Code(c)));
        let turn = InTurn {
            position,
            case: &cases[position],
            previous: position.checked_sub(1).map(|p| &cases[p]),
        };
        let response = parse_answer(line, FieldName::PLAYER).unwrap();
        echo.check(line, &response, &turn)
    }

    #[test]
    fn a_decoder_echoes_the_code_it_was_asked() {
        assert_eq!(check(Echo::Code, r#"{"code":274726915}"#, 1), Ok(()));
        assert_eq!(
            check(Echo::Code, r#"{"code":538968468}"#, 1),
            Err(ProtocolError::Repeated {
                previous: 0x2020_0194,
                expected: 0x1060_0003
            })
        );
        assert_eq!(
            check(Echo::Code, r#"{"code":7}"#, 0),
            Err(ProtocolError::WrongEcho {
                expected: 0x2020_0194,
                got: 7
            })
        );
    }

    #[test]
    fn a_page_echoes_the_number_of_its_request_whatever_code_it_shows() {
        // The code a page answers with is what it raised, not an echo: a scenario's page
        // could not know it in advance.
        let shown_elsewhere = r#"{"code":7,"request":1,"message":"m"}"#;
        assert_eq!(check(Echo::Request, shown_elsewhere, 1), Ok(()));
        assert_eq!(
            check(Echo::Request, r#"{"code":274726915,"request":0}"#, 1),
            Err(ProtocolError::WrongRequest {
                expected: 1,
                got: 0
            })
        );
        assert_eq!(
            check(Echo::Request, r#"{"code":538968468}"#, 0),
            Err(ProtocolError::NoRequest)
        );
        assert_eq!(
            check(Echo::Request, r#"{"code":538968468,"request":"0"}"#, 0),
            Err(ProtocolError::NoRequest)
        );
    }
}
