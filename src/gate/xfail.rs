//! Expected failures: a TOML list of known divergences that do not fail the gate.
//!
//! ```toml
//! [[xfail]]
//! case = "boundary/0x?03?????"   # a case id; `*` matches any run, `?` one character
//! field = "category"             # a field, or "*" for any failure of the case
//! reason = "files DECODE as ABORTED, like the page's sample (PLAYER-123)"
//! ```
//!
//! A listed failure is counted as expected. A listed case whose field now passes fails the
//! gate (an unexpected pass), so the list only ever shrinks. A pattern that matches no
//! case of the corpus is an error: it is stale or mistyped. `--write-xfail` writes today's
//! failures as a starting baseline, folded into patterns where every matching case fails.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use serde::Deserialize;

use crate::gate::corpus::Corpus;
use crate::gate::protocol::FieldName;

/// The largest xfail file read.
const MAX_FILE: u64 = 16 * 1024 * 1024;

/// Which failures of a case an entry covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    /// A mismatch (or absence, under `--require-fields`) of this field.
    Field(FieldName),
    /// Any failure of the case: a field, a refusal, a crash, a timeout, a protocol error.
    Any,
}

impl Scope {
    fn parse(text: &str) -> Option<Scope> {
        match text {
            "*" => Some(Scope::Any),
            key => FieldName::from_key(key).map(Scope::Field),
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Scope::Field(field) => field.key(),
            Scope::Any => "*",
        }
    }
}

/// One entry of the list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub case: String,
    pub scope: Scope,
    pub reason: String,
}

/// The list, as loaded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Xfail {
    pub entries: Vec<Entry>,
}

/// A bad xfail file; the gate does not run.
#[derive(Debug, thiserror::Error)]
pub enum XfailError {
    #[error("cannot read xfail file {path}: {error}")]
    Read { path: String, error: std::io::Error },
    #[error("xfail file {path} is larger than 16 MiB")]
    TooLarge { path: String },
    #[error(
        "xfail file {path} is not valid: {error} (expected [[xfail]] entries with case, field and reason)"
    )]
    Syntax { path: String, error: String },
    #[error(
        "xfail file {path}, entry {entry}: field {field:?} is not one of area, category, detail, name, message, area_name, category_name or \"*\""
    )]
    Field {
        path: String,
        entry: usize,
        field: String,
    },
    #[error(
        "xfail file {path}, entry {entry}: case pattern {pattern:?} matches no case of the corpus; remove it or fix it"
    )]
    Stale {
        path: String,
        entry: usize,
        pattern: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    xfail: Vec<RawEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    case: String,
    field: String,
    reason: String,
}

impl Xfail {
    /// Reads and checks a list against the (unsharded) corpus.
    pub fn load(path: &Path, corpus: &Corpus) -> Result<Xfail, XfailError> {
        let shown = path.display().to_string();
        let text = read_bounded(path).map_err(|e| match e {
            None => XfailError::TooLarge {
                path: shown.clone(),
            },
            Some(error) => XfailError::Read {
                path: shown.clone(),
                error,
            },
        })?;
        let xfail = Xfail::parse(&text).map_err(|e| match e {
            ParseError::Syntax(error) => XfailError::Syntax {
                path: shown.clone(),
                error,
            },
            ParseError::Field { entry, field } => XfailError::Field {
                path: shown.clone(),
                entry,
                field,
            },
        })?;
        let ids: Vec<String> = corpus.cases.iter().map(|c| c.id()).collect();
        for (n, entry) in xfail.entries.iter().enumerate() {
            if !ids.iter().any(|id| glob_match(&entry.case, id)) {
                return Err(XfailError::Stale {
                    path: shown,
                    entry: n + 1,
                    pattern: entry.case.clone(),
                });
            }
        }
        Ok(xfail)
    }

    /// Reads a list from TOML text, without checking its patterns against a corpus.
    pub fn from_toml(text: &str) -> Result<Xfail, String> {
        Xfail::parse(text).map_err(|e| match e {
            ParseError::Syntax(error) => error,
            ParseError::Field { entry, field } => format!("entry {entry}: unknown field {field:?}"),
        })
    }

    fn parse(text: &str) -> Result<Xfail, ParseError> {
        let file: File = toml::from_str(text).map_err(|e| ParseError::Syntax(e.to_string()))?;
        let entries = file
            .xfail
            .into_iter()
            .enumerate()
            .map(|(n, raw)| match Scope::parse(&raw.field) {
                Some(scope) => Ok(Entry {
                    case: raw.case,
                    scope,
                    reason: raw.reason,
                }),
                None => Err(ParseError::Field {
                    entry: n + 1,
                    field: raw.field,
                }),
            })
            .collect::<Result<_, _>>()?;
        Ok(Xfail { entries })
    }

    /// The entries whose pattern matches a case id.
    pub fn matching(&self, id: &str) -> Vec<usize> {
        (0..self.entries.len())
            .filter(|n| glob_match(&self.entries[*n].case, id))
            .collect()
    }
}

enum ParseError {
    Syntax(String),
    Field { entry: usize, field: String },
}

/// `None` when the file is over the bound.
fn read_bounded(path: &Path) -> Result<String, Option<std::io::Error>> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(Some)?;
    let mut text = String::new();
    file.take(MAX_FILE + 1)
        .read_to_string(&mut text)
        .map_err(Some)?;
    if text.len() as u64 > MAX_FILE {
        return Err(None);
    }
    Ok(text)
}

/// Whether `text` matches `pattern`, where `*` matches any run and `?` one character.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    // Iterative matching with one backtrack point: linear for these short ids.
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            (pi, ti) = (pi + 1, ti + 1);
        } else if pi < p.len() && p[pi] == '*' {
            (star, mark, pi) = (Some(pi), ti, pi + 1);
        } else if let Some(s) = star {
            (pi, mark) = (s + 1, mark + 1);
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// The baseline for a set of failures `(case index, scope)`: a pattern over the areas of a
/// category where every such case of the corpus fails, else over one area and category,
/// else the case id itself.
pub fn baseline(corpus: &Corpus, failures: &BTreeSet<(usize, Scope)>, reason: &str) -> String {
    let mut out = String::from(
        "# Expected failures for `amperr check --xfail`, written by --write-xfail.\n\
         # Each entry: case (id pattern; * any run, ? one character), field (or \"*\"), reason.\n",
    );
    let ids: Vec<String> = corpus.cases.iter().map(|c| c.id()).collect();
    // Every case under each candidate pattern, coarsest first.
    let mut members: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (index, id) in ids.iter().enumerate() {
        for pattern in candidates(id) {
            members.entry(pattern).or_default().push(index);
        }
    }
    let mut by_scope: BTreeMap<Scope, BTreeSet<usize>> = BTreeMap::new();
    for (index, scope) in failures {
        by_scope.entry(*scope).or_default().insert(*index);
    }
    for (scope, failing) in by_scope {
        let mut covered: BTreeSet<usize> = BTreeSet::new();
        for index in &failing {
            if covered.contains(index) {
                continue;
            }
            let all_fail = |pattern: &String| members[pattern].iter().all(|i| failing.contains(i));
            let pattern = candidates(&ids[*index])
                .into_iter()
                .find(all_fail)
                .unwrap_or_else(|| ids[*index].clone());
            covered.extend(
                members
                    .get(&pattern)
                    .map_or(&[*index][..], Vec::as_slice)
                    .iter()
                    .copied(),
            );
            let _ = write!(
                out,
                "\n[[xfail]]\ncase = {pattern:?}\nfield = {:?}\nreason = {reason:?}\n",
                scope.key()
            );
        }
    }
    out
}

/// For an id like `boundary/0x20300001`: `boundary/0x?03?????` (its category in every
/// area), then `boundary/0x203?????` (its area and category).
fn candidates(id: &str) -> Vec<String> {
    match id.split_once("/0x") {
        Some((origin, hex)) if hex.len() == 8 => {
            vec![
                format!("{origin}/0x?{}?????", &hex[1..3]),
                format!("{origin}/0x{}?????", &hex[..3]),
            ]
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Profile;

    #[test]
    fn glob() {
        assert!(glob_match("boundary/0x?03?????", "boundary/0x20300001"));
        assert!(!glob_match("boundary/0x?03?????", "boundary/0x20400001"));
        assert!(glob_match("*", ""));
        assert!(glob_match("doc*/0x*1", "documented/0x20200191"));
        assert!(!glob_match("doc*/0x*1", "documented/0x20200194"));
        assert!(glob_match("a*b*c", "aXXbYYbZc"));
        assert!(!glob_match("a?", "a"));
    }

    #[test]
    fn parse_checks_fields() {
        let ok = Xfail::parse("[[xfail]]\ncase = \"x\"\nfield = \"*\"\nreason = \"r\"\n")
            .ok()
            .unwrap();
        assert_eq!(ok.entries[0].scope, Scope::Any);
        assert!(matches!(
            Xfail::parse("[[xfail]]\ncase = \"x\"\nfield = \"nme\"\nreason = \"r\"\n"),
            Err(ParseError::Field { entry: 1, .. })
        ));
        assert!(matches!(
            Xfail::parse("[[xfail]]\ncase = 1\n"),
            Err(ParseError::Syntax(_))
        ));
    }

    #[test]
    fn baseline_folds_to_the_coarsest_exact_pattern() {
        let corpus = Corpus::generate(Profile::DOC, 0, 0);
        let scope = Scope::Field(FieldName::Category);
        // Every boundary case of category 3, in every area, plus one single case.
        let mut failures: BTreeSet<(usize, Scope)> = corpus
            .cases
            .iter()
            .enumerate()
            .filter(|(_, c)| c.id().starts_with("boundary/") && c.code.category() == 3)
            .map(|(i, _)| (i, scope))
            .collect();
        let single = corpus
            .cases
            .iter()
            .position(|c| c.id() == "documented/0x20200194")
            .unwrap();
        failures.insert((single, scope));
        let text = baseline(&corpus, &failures, "r");
        let entries = Xfail::parse(&text).ok().unwrap().entries;
        let patterns: Vec<&str> = entries.iter().map(|e| e.case.as_str()).collect();
        assert_eq!(patterns, ["documented/0x20200194", "boundary/0x?03?????"]);
    }
}
