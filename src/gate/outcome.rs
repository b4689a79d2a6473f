//! What a gate is and what can go wrong with a case: the words every layer of the gate
//! shares, from the transport up to the report.
//!
//! They live below the report (which counts and shows them) so that the transport, the
//! blame search and the runner can name a failure or a peer without depending on the
//! views built on top of them.

use serde::{Deserialize, Serialize};

use crate::gate::field::FieldName;

/// What went wrong with a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "field", rename_all = "snake_case")]
pub enum Failure {
    /// A required field was sent with the wrong value.
    Mismatch(FieldName),
    /// A field `--require-fields` names was not sent.
    Missing(FieldName),
    Refused,
    Crash,
    Timeout,
    ProtocolError,
    /// The case never reached a decoder (restart limit, total timeout).
    NotRun,
    /// An `--xfail` entry lists this failure (of a field, or of any kind: `None`), but the
    /// case now passes: the entry should be removed.
    UnexpectedPass(Option<FieldName>),
}

/// Which gate a report is of: its command, what it runs and the fields its answers have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Gate {
    /// `check` or `check-player`.
    pub command: &'static str,
    pub peer: Peer,
    pub fields: &'static [FieldName],
}

/// What a gate runs, as its findings name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Peer {
    /// `the decoder`, `the player`.
    pub name: &'static str,
    /// Where a case is tried alone: `a fresh process`, `a fresh browser`.
    pub fresh: &'static str,
    /// Where its answer lines come from.
    pub output: &'static str,
}

impl Peer {
    pub const DECODER: Peer = Peer {
        name: "the decoder",
        fresh: "a fresh process",
        output: "the decoder's stdout",
    };
    pub const PLAYER: Peer = Peer {
        name: "the player",
        fresh: "a fresh browser",
        output: "the page's answers",
    };
}

impl Gate {
    /// `amperr check`: a decoder over protocol v1.
    pub const CHECK: Gate = Gate {
        command: "check",
        peer: Peer::DECODER,
        fields: FieldName::V1,
    };
    /// `amperr check-player --a11y`: a player build, by what its error overlay shows and
    /// what a screen reader gets of it.
    pub const PLAYER: Gate = Gate {
        command: "check-player",
        peer: Peer::PLAYER,
        fields: FieldName::PLAYER,
    };
    /// `amperr check-player`: a player build, by what its error overlay shows.
    pub const PLAYER_VISIBLE: Gate = Gate {
        command: "check-player",
        peer: Peer::PLAYER,
        fields: &[FieldName::Message, FieldName::CodeLine],
    };
}

/// `echo 538968468 | CMD ARGS`, each argument quoted for a POSIX shell where needed.
pub fn reproduce(decoder: &[String], code: u32) -> String {
    format!("echo {code} | {}", command_line(decoder))
}

/// The decoder's argv as one shell command line.
pub fn command_line(decoder: &[String]) -> String {
    decoder
        .iter()
        .map(|a| shell_quote(a))
        .collect::<Vec<_>>()
        .join(" ")
}

fn shell_quote(arg: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c);
    if !arg.is_empty() && arg.chars().all(safe) {
        arg.to_string()
    } else {
        format!("'{}'", arg.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reproduce_quotes_for_the_shell() {
        let argv = [
            "node".to_string(),
            "my decoder.js".to_string(),
            "it's".to_string(),
        ];
        assert_eq!(
            reproduce(&argv, 1),
            "echo 1 | node 'my decoder.js' 'it'\\''s'"
        );
    }
}
