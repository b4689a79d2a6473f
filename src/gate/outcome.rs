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

/// Which gate ran, as a report's `kind` names it: the command, what it runs, the fields
/// its answers may have and what the run's stderr is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum GateKind {
    /// `amperr check`: a decoder over protocol v1.
    #[serde(rename = "check")]
    Check,
    /// `amperr check-player`: a player build, by what its error overlay shows (and, with
    /// `--a11y`, what a screen reader gets of it).
    #[serde(rename = "check-player")]
    CheckPlayer,
    /// `amperr check-faults`: a player build under network and media faults, by the code
    /// it raises and what its overlay then shows.
    #[serde(rename = "check-faults")]
    CheckFaults,
}

impl GateKind {
    pub const ALL: [GateKind; 3] = [
        GateKind::Check,
        GateKind::CheckPlayer,
        GateKind::CheckFaults,
    ];

    /// What a report that names no kind is of: reports before `check-player` were all
    /// of `check`.
    pub(crate) const fn check() -> GateKind {
        GateKind::Check
    }

    /// The command that runs it: `check`, `check-player`.
    pub const fn command(self) -> &'static str {
        match self {
            GateKind::Check => "check",
            GateKind::CheckPlayer => "check-player",
            GateKind::CheckFaults => "check-faults",
        }
    }

    /// What it gates, in a word: `decoder`, `player`.
    pub const fn subject(self) -> &'static str {
        match self {
            GateKind::Check => "decoder",
            GateKind::CheckPlayer | GateKind::CheckFaults => "player",
        }
    }

    /// What it runs, as its findings name it.
    pub const fn peer(self) -> Peer {
        match self {
            GateKind::Check => Peer::DECODER,
            GateKind::CheckPlayer | GateKind::CheckFaults => Peer::PLAYER,
        }
    }

    /// Every field its answers may have.
    pub const fn fields(self) -> &'static [FieldName] {
        match self {
            GateKind::Check => FieldName::V1,
            GateKind::CheckPlayer => FieldName::PLAYER,
            GateKind::CheckFaults => FieldName::FAULTS,
        }
    }

    /// What the run's stderr is, as reports title it.
    pub const fn stderr_title(self) -> &'static str {
        match self {
            GateKind::Check => "Decoder stderr",
            GateKind::CheckPlayer | GateKind::CheckFaults => "Page errors",
        }
    }

    /// Whether a conformant report shows the stderr too: a page's errors, yes (a script
    /// that failed may be the next bug); a decoder's logging, no.
    pub const fn stderr_always(self) -> bool {
        match self {
            GateKind::Check => false,
            GateKind::CheckPlayer | GateKind::CheckFaults => true,
        }
    }
}

impl std::fmt::Display for GateKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.command())
    }
}

/// A gate as it runs: its kind, and for a player whether `--a11y` judges what a screen
/// reader gets too (the fields its answers have).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Gate {
    pub kind: GateKind,
    /// Judged by the fields only a screen reader gets, too.
    pub screen_reader: bool,
}

impl Gate {
    /// `amperr check`.
    pub const CHECK: Gate = Gate {
        kind: GateKind::Check,
        screen_reader: false,
    };
    /// `amperr check-player --a11y`.
    pub const PLAYER: Gate = Gate {
        kind: GateKind::CheckPlayer,
        screen_reader: true,
    };
    /// `amperr check-player`.
    pub const PLAYER_VISIBLE: Gate = Gate {
        kind: GateKind::CheckPlayer,
        screen_reader: false,
    };

    /// `amperr check-faults --a11y`.
    pub const FAULTS: Gate = Gate {
        kind: GateKind::CheckFaults,
        screen_reader: true,
    };
    /// `amperr check-faults`.
    pub const FAULTS_VISIBLE: Gate = Gate {
        kind: GateKind::CheckFaults,
        screen_reader: false,
    };

    /// What it runs, as its findings name it.
    pub const fn peer(self) -> Peer {
        self.kind.peer()
    }

    /// The fields its answers have.
    pub const fn fields(self) -> &'static [FieldName] {
        match self.kind {
            GateKind::CheckPlayer if !self.screen_reader => FieldName::PLAYER_SHOWN,
            GateKind::CheckFaults if !self.screen_reader => FieldName::FAULTS_SHOWN,
            kind => kind.fields(),
        }
    }
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
    fn a_gate_is_named_as_reports_name_it_and_has_its_answers_fields() {
        for (kind, named) in [
            (GateKind::Check, "\"check\""),
            (GateKind::CheckPlayer, "\"check-player\""),
            (GateKind::CheckFaults, "\"check-faults\""),
        ] {
            assert_eq!(serde_json::to_string(&kind).unwrap(), named);
            assert_eq!(serde_json::from_str::<GateKind>(named).unwrap(), kind);
            assert_eq!(format!("\"{kind}\""), named);
        }
        assert_eq!(Gate::CHECK.fields(), FieldName::V1);
        assert_eq!(Gate::PLAYER.fields(), FieldName::PLAYER);
        assert_eq!(Gate::PLAYER_VISIBLE.fields(), FieldName::PLAYER_SHOWN);
        assert_eq!(Gate::PLAYER_VISIBLE.peer(), Peer::PLAYER);
        assert_eq!(Gate::FAULTS.fields(), FieldName::FAULTS);
        assert_eq!(Gate::FAULTS_VISIBLE.fields(), FieldName::FAULTS_SHOWN);
    }

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
