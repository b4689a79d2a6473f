//! The build's `amp.errorCode`, read in the page: checked against the profile before the
//! first code (as `check-table` does), and read again after the last, where a change
//! fails the gate.

use std::time::Duration;

use super::browser::{Browser, Tab, with_timeout};
use super::page::{self, PageSource};
use super::session::Answers;
use super::{Player, PlayerBrowser, PlayerConfig};
use crate::gate::transport::StartError;
use crate::render::plural;

impl Player {
    /// Reads the build's `amp.errorCode` and checks it against the profile, once. A page
    /// stuck while amperr reads it cannot be started.
    pub(super) fn read_table(&mut self, tab: &impl Tab) -> Result<(), StartError> {
        if std::mem::replace(&mut self.table_read, true) {
            return Ok(());
        }
        let table = match read(tab, &self.page.calls).map_err(|e| self.failed(e))? {
            Table::Json(json) => {
                self.table_before = Some(json.clone());
                json
            }
            // A page of the team's own may gate a player with no such table.
            Table::None if matches!(self.config.page, PageSource::Page(_)) => {
                let note = "the page has no amp.errorCode: the table was not checked";
                self.findings.notes.push(note.to_string());
                return Ok(());
            }
            Table::None => {
                let problem = "the build has no amp.errorCode (window.amp.errorCode)";
                self.findings.problems.push(problem.to_string());
                return Ok(());
            }
            Table::Unreadable(why) => {
                let problem = format!("the build's amp.errorCode could not be read: {why}");
                self.findings.problems.push(problem);
                return Ok(());
            }
        };
        let mut findings = match crate::table::check_table(&table, self.config.profile) {
            Ok(report) => report.findings(),
            Err(e) => {
                let problem = format!("the build's amp.errorCode could not be read: {e}");
                self.findings.problems.push(problem);
                return Ok(());
            }
        };
        // The named ones first: what the build gets wrong, before names it has in plenty.
        findings.sort_by_key(|(kind, _)| {
            ["wrong value", "missing", "extra names"]
                .iter()
                .position(|k| k == kind)
                .unwrap_or(3)
        });
        let (named, more) = findings.split_at(findings.len().min(TABLE_PROBLEMS));
        let problems = named
            .iter()
            .map(|(kind, finding)| format!("the build's amp.errorCode: {kind} {finding}"));
        self.findings.problems.extend(problems);
        if !more.is_empty() {
            self.findings.problems.push(format!(
                "the build's amp.errorCode: {} (the first {TABLE_PROBLEMS} are named; \
                 `amperr check-table --script ...` lists them all)",
                plural(more.len(), "more finding")
            ));
        }
        Ok(())
    }
}

impl Player {
    /// Judges the table read after the last code against the one read before the first:
    /// a build whose table changes on the way (a module loaded late) fails, naming both.
    pub(super) fn table_after(&mut self, after: Option<Result<String, String>>) {
        let Some(before) = self.table_before.as_deref() else {
            return;
        };
        let after = match after.map(|read| read.and_then(|envelope| table_of(&envelope))) {
            // No run answered every code: there is no "after".
            None => return,
            Some(Ok(Table::Json(json))) => json,
            Some(Ok(Table::None)) => "(none)".to_string(),
            Some(Ok(Table::Unreadable(why)) | Err(why)) => {
                self.findings.problems.push(format!(
                    "the build's amp.errorCode could not be read after the last code: {why}"
                ));
                return;
            }
        };
        if let Some(changes) = table_changes(before, &after) {
            self.findings.problems.push(format!(
                "the build's amp.errorCode changed during the run (read before the first code \
                 and after the last): {changes}"
            ));
        }
    }
}

/// How a table read later differs from one read before, in words (`None`: the same).
fn table_changes(before: &str, after: &str) -> Option<String> {
    if before == after {
        return None;
    }
    type Names = serde_json::Map<String, serde_json::Value>;
    let (Ok(was), Ok(now)) = (
        serde_json::from_str::<Names>(before),
        serde_json::from_str::<Names>(after),
    ) else {
        let cut = |text: &str| crate::escape::cut(text, 200).into_owned();
        return Some(format!("before {}, after {}", cut(before), cut(after)));
    };
    let mut changes: Vec<String> = Vec::new();
    for (name, value) in &was {
        match now.get(name) {
            None => changes.push(format!("{name} = {value} before, gone after")),
            Some(later) if later != value => {
                changes.push(format!("{name} = {value} before, {later} after"))
            }
            Some(_) => {}
        }
    }
    let added = now.iter().filter(|(name, _)| !was.contains_key(*name));
    changes.extend(added.map(|(name, value)| format!("{name} absent before, = {value} after")));
    let named = changes.len().min(TABLE_CHANGES);
    let mut said = changes[..named].join("; ");
    if changes.len() > named {
        said.push_str(&format!(
            "; and {}",
            plural(changes.len() - named, "more change")
        ));
    }
    Some(said)
}

/// How many of a table's changes during a run a report names.
const TABLE_CHANGES: usize = 8;

/// How many of the table's findings a report names.
const TABLE_PROBLEMS: usize = 32;

/// A build's error-code table as the page gives it.
enum Table {
    Json(String),
    None,
    Unreadable(String),
}

/// Reads the table through the driver, within [`TABLE_TIMEOUT`]; `Err` if the page did
/// not answer (stuck in a loop in a getter, say).
fn read(tab: &impl Tab, calls: &page::Calls) -> Result<Table, String> {
    let (tab, call) = (tab.clone(), calls.table());
    let envelope = match with_timeout(TABLE_TIMEOUT, move || tab.evaluate(&call)) {
        Some(Ok(envelope)) => envelope,
        Some(Err(e)) => return Ok(Table::Unreadable(format!("the page {e}"))),
        None => {
            return Err(format!(
                "the page did not answer within {TABLE_TIMEOUT:?} while amperr read its \
                 amp.errorCode: stuck in a loop?"
            ));
        }
    };
    table_of(&envelope)
}

/// The table in the driver's envelope; `Err` if the envelope is not one.
fn table_of(envelope: &str) -> Result<Table, String> {
    #[derive(serde::Deserialize)]
    struct Envelope {
        table: Option<String>,
        #[serde(default)]
        none: bool,
        error: Option<String>,
    }
    let envelope: Envelope = serde_json::from_str(envelope)
        .map_err(|e| format!("amperr's driver gave no table ({e})"))?;
    Ok(match envelope {
        Envelope {
            table: Some(json), ..
        } => Table::Json(json),
        Envelope {
            error: Some(why), ..
        } => Table::Unreadable(why),
        Envelope { none: true, .. } => Table::None,
        _ => Table::Unreadable("amperr's driver said nothing of it".to_string()),
    })
}

/// How long reading the build's table may take.
const TABLE_TIMEOUT: Duration = Duration::from_secs(10);

/// Reads a build's `amp.errorCode` as `JSON.stringify` gives it (`check-table --script`).
pub fn read_table(config: &PlayerConfig) -> Result<String, TableReadError> {
    let player = Player::new(config.clone()).map_err(|e| StartError {
        what: "the player".to_string(),
        reason: e.to_string(),
    })?;
    let (answers, _lines) = Answers::new();
    let chromium: PlayerBrowser = player.open(&answers)?;
    match read(chromium.tab(), &player.page.calls).map_err(|e| player.failed(e))? {
        Table::Json(json) => Ok(json),
        Table::None => Err(TableReadError::Unreadable(
            "the page has no amp.errorCode".to_string(),
        )),
        Table::Unreadable(why) => Err(TableReadError::Unreadable(format!(
            "the build's amp.errorCode could not be read: {why}"
        ))),
    }
}

/// Why [`read_table`] gave no table.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TableReadError {
    /// The browser or the page could not be started.
    #[error(transparent)]
    NotStarted(#[from] StartError),
    /// The page started, and its table is missing or is no table (like a file that is not
    /// one).
    #[error("{0}")]
    Unreadable(String),
}
