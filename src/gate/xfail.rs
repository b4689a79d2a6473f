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

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::gate::corpus::Corpus;
use crate::gate::protocol::FieldName;
use crate::lines::{ReadError, read_bounded};

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
#[non_exhaustive]
pub enum XfailError {
    #[error("cannot read xfail file {path}: {error}")]
    Read { path: String, error: ReadError },
    #[error("xfail file {path} is larger than 16 MiB")]
    TooLarge { path: String },
    #[error(
        "xfail file {path} is not valid: {error} (expected [[xfail]] entries with case, field and reason)"
    )]
    Syntax { path: String, error: String },
    #[error(
        "xfail file {path}, entry {entry}: field {field:?} is not one of {} or \"*\"",
        FieldName::keys(&FieldName::ALL)
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

/// An xfail list whose text does not parse ([`Xfail::from_toml`]); [`Xfail::load`] says
/// which file too ([`XfailError`]).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// Not TOML, or not a list of entries with case, field and reason.
    #[error("{0}")]
    Syntax(String),
    #[error("entry {entry}: unknown field {field:?}")]
    Field { entry: usize, field: String },
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
        let file = std::fs::File::open(path).map_err(|e| XfailError::Read {
            path: shown.clone(),
            error: ReadError::Io(e),
        })?;
        let text = read_bounded(file, MAX_FILE).map_err(|e| match e {
            ReadError::TooLarge => XfailError::TooLarge {
                path: shown.clone(),
            },
            error => XfailError::Read {
                path: shown.clone(),
                error,
            },
        })?;
        let xfail = Xfail::from_toml(&text).map_err(|e| match e {
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
        // Every case looked up once: the entries no case matches are stale.
        let index = Index::new(&xfail.entries);
        let mut matched = vec![false; xfail.entries.len()];
        let mut found = Vec::new();
        for case in &corpus.cases {
            index.matching(&case.id(), &mut found);
            found.iter().for_each(|e| matched[*e] = true);
        }
        match matched.iter().position(|m| !m) {
            Some(n) => Err(XfailError::Stale {
                path: shown,
                entry: n + 1,
                pattern: xfail.entries[n].case.clone(),
            }),
            None => Ok(xfail),
        }
    }

    /// Reads a list from TOML text, without checking its patterns against a corpus.
    pub fn from_toml(text: &str) -> Result<Xfail, ParseError> {
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

    /// The entries whose pattern matches a case id, in list order. Tries every entry: to
    /// match many ids, the gate indexes the list instead (its private `Index`).
    pub fn matching(&self, id: &str) -> Vec<usize> {
        (0..self.entries.len())
            .filter(|n| glob_match(&self.entries[*n].case, id))
            .collect()
    }
}

/// How the list fares during a run: which failures it expects, and which listed cases
/// now pass (an entry to remove). The report's tally asks; this keeps the counts.
#[derive(Debug)]
pub struct Ledger<'x> {
    xfail: &'x Xfail,
    /// For each case an entry matches, the entries.
    listed: HashMap<usize, Vec<usize>>,
    /// Per entry: expected failures, unexpected passes.
    counts: Vec<(usize, usize)>,
}

/// A listed case that passes what its entry lists: the entry should go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnexpectedPass {
    /// In words, for the report.
    pub detail: String,
}

/// How one entry fared.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EntryReport {
    pub case: String,
    pub field: String,
    pub reason: String,
    pub expected_failures: usize,
    pub unexpected_passes: usize,
}

impl<'x> Ledger<'x> {
    pub fn new(xfail: &'x Xfail, corpus: &Corpus) -> Ledger<'x> {
        let mut listed = HashMap::new();
        if !xfail.entries.is_empty() {
            let index = Index::new(&xfail.entries);
            let mut found = Vec::new();
            for (i, case) in corpus.cases.iter().enumerate() {
                index.matching(&case.id(), &mut found);
                if !found.is_empty() {
                    listed.insert(i, found.clone());
                }
            }
        }
        Ledger {
            xfail,
            listed,
            counts: vec![(0, 0); xfail.entries.len()],
        }
    }

    /// Whether an entry lists this failure of case `index` (a failure of this field, or
    /// any failure); it is then counted as expected.
    pub fn expects(&mut self, index: usize, scope: Scope) -> bool {
        let Some(entries) = self.listed.get(&index) else {
            return false;
        };
        let covers = |e: &usize| {
            let listed = self.xfail.entries[*e].scope;
            listed == scope || listed == Scope::Any
        };
        match entries.iter().copied().find(covers) {
            Some(entry) => {
                self.counts[entry].0 += 1;
                true
            }
            None => false,
        }
    }

    /// Whether the list is empty: then nothing is expected, and nothing passes unexpectedly.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.listed.is_empty()
    }

    /// Case `index` passes `scope` (a field, or the whole case for [`Scope::Any`]): an
    /// unexpected pass if an entry lists exactly that.
    pub fn passes(&mut self, index: usize, scope: Scope) -> Option<UnexpectedPass> {
        if self.listed.is_empty() {
            return None;
        }
        let entries = self.listed.get(&index)?;
        let entry = entries
            .iter()
            .copied()
            .find(|e| self.xfail.entries[*e].scope == scope)?;
        self.counts[entry].1 += 1;
        let detail = format!(
            "passes, but xfail entry {} lists it ({:?}): remove the entry",
            entry + 1,
            self.xfail.entries[entry].reason
        );
        Some(UnexpectedPass { detail })
    }

    /// How each entry fared.
    pub fn report(&self) -> Vec<EntryReport> {
        self.xfail
            .entries
            .iter()
            .zip(&self.counts)
            .map(|(e, (expected, unexpected))| EntryReport {
                case: e.case.clone(),
                field: e.scope.key().to_string(),
                reason: e.reason.clone(),
                expected_failures: *expected,
                unexpected_passes: *unexpected,
            })
            .collect()
    }
}

/// The patterns of a list, indexed by shape, so that the entries matching an id are
/// found with a lookup per shape rather than a match per entry: a list as long as the
/// corpus (today's failures, say) is matched in time about linear in the two.
///
/// A pattern without `*` matches only ids of its length, and then exactly when the id's
/// characters outside the pattern's `?` are the pattern's: its *shape* is its length and
/// where its `?` are, and its *key* its other characters. Ids of that length are looked up
/// by their key under each shape; an exact case id is the shape with no `?`. Patterns
/// with a `*` are matched one by one.
#[derive(Debug, Default)]
pub(crate) struct Index {
    /// Per pattern length in characters, the shapes of that length.
    shapes: HashMap<usize, Vec<Shape>>,
    /// The entries whose pattern has a `*`, with their patterns.
    starred: Vec<(usize, String)>,
}

#[derive(Debug)]
struct Shape {
    /// Where the `?` are, in characters.
    wild: Vec<usize>,
    /// Per key (the pattern without its `?`), the entries with that pattern, in list order.
    entries: HashMap<String, Vec<usize>>,
}

impl Index {
    pub(crate) fn new(entries: &[Entry]) -> Index {
        let mut index = Index::default();
        // Where each shape is in its length's list: found by lookup, not by search.
        let mut places: HashMap<Vec<usize>, usize> = HashMap::new();
        for (n, entry) in entries.iter().enumerate() {
            if entry.case.contains('*') {
                index.starred.push((n, entry.case.clone()));
                continue;
            }
            let chars: Vec<char> = entry.case.chars().collect();
            let wild: Vec<usize> = (0..chars.len()).filter(|i| chars[*i] == '?').collect();
            let key: String = chars.iter().filter(|c| **c != '?').collect();
            let shapes = index.shapes.entry(chars.len()).or_default();
            // The length is part of the shape: `?` places alone would mix lengths.
            let mut place = wild.clone();
            place.push(chars.len());
            let at = *places.entry(place).or_insert_with(|| {
                shapes.push(Shape {
                    wild,
                    entries: HashMap::new(),
                });
                shapes.len() - 1
            });
            shapes[at].entries.entry(key).or_default().push(n);
        }
        index
    }

    /// The entries whose pattern matches `id`, in list order, into `found` (cleared
    /// first).
    pub(crate) fn matching(&self, id: &str, found: &mut Vec<usize>) {
        found.clear();
        let length = id.chars().count();
        for shape in self.shapes.get(&length).map_or(&[][..], Vec::as_slice) {
            #[cfg(test)]
            tests::tried(1);
            let entries = match shape.wild.is_empty() {
                true => shape.entries.get(id),
                false => {
                    let mut wild = shape.wild.iter().peekable();
                    let key: String = (id.chars().enumerate())
                        .filter(|(i, _)| wild.next_if_eq(&i).is_none())
                        .map(|(_, c)| c)
                        .collect();
                    shape.entries.get(&key)
                }
            };
            found.extend(entries.into_iter().flatten());
        }
        let starred = self.starred.iter();
        found.extend(starred.filter(|(_, p)| glob_match(p, id)).map(|(n, _)| *n));
        found.sort_unstable();
    }
}

/// Whether `text` matches `pattern`, where `*` matches any run and `?` one character.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    #[cfg(test)]
    tests::tried(1);
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
/// Refused when it would be larger than an xfail file may be: `--xfail` could not read it.
pub fn baseline(
    corpus: &Corpus,
    failures: &BTreeSet<(usize, Scope)>,
    reason: &str,
) -> Result<String, BaselineTooLarge> {
    let mut out = String::from(
        "# Expected failures for `amperr check --xfail` (and check-player), written by --write-xfail.\n\
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
    if out.len() as u64 > MAX_FILE {
        return Err(BaselineTooLarge { bytes: out.len() });
    }
    Ok(out)
}

/// A baseline larger than `--xfail` reads.
#[derive(Debug, thiserror::Error)]
#[error(
    "the baseline would be {bytes} bytes, over the 16 MiB an xfail file may be, so --xfail could not read it back: too many failures to list one by one (fix some first, or run fewer --random cases)"
)]
pub struct BaselineTooLarge {
    pub bytes: usize,
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
mod tests;
