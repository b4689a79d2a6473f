//! Finding the error codes in logs: which codes occurred, how often, first where.
//!
//! A player build's test runs and telemetry leave codes in logs in the forms the player
//! and its plugins print: the overlay's `(0x20200194)`, `0x`-prefixed hex, and decimal or
//! hex values after a `code` key (`code=538968468`, `"code": 538968468`). Other numbers
//! (timestamps, bitrates) are not codes and are not reported.
//!
//! The grammar, which decides every candidate from its own bytes:
//! - `0x` or `0X` and 1 to 8 hex digits, with no word character (`[0-9A-Za-z_]`) just
//!   before the `0` nor just after the digits (so `abc0x12` and the address
//!   `0x7ffd5fbff8a8` are not codes);
//! - a `code` key in any case with no word character before it, an optional quote, up to
//!   4 blanks, `=` or `:`, up to 4 blanks, an optional quote, and a decimal of 1 to 11
//!   digits (signed 32-bit after a `-`, else unsigned) followed by neither a word
//!   character nor a `.`. A `0x` value after a key (`code=0x20200194`) is a code of the
//!   first form, counted once.
//!
//! The scanner streams, one region of [`BLOCK`] bytes at a time, so memory does not grow
//! with the log. A region keeps the byte before it (for the word-boundary check) and the
//! [`LOOKAHEAD`] bytes after it (to decide a candidate that starts at its end), and only
//! candidates that *start* in the region are counted there: so a code split between two
//! reads is counted once and a word cut by a region's start does not look like a fresh
//! word. One search (SIMD, aho-corasick's Teddy) finds `0x` and the `od` of `code` (rarer
//! in logs than `co`, as in every `.com`) together, in order. Newlines are counted (SIMD)
//! once per region, and within one only as far as a code seen for the first time.
//!
//! Memory does not grow with the number of distinct codes either: the first [`LISTED`]
//! distinct codes and every documented one are listed with exact counts; the others are
//! counted, told apart up to [`TOLD_APART`], and judged against every `--fail-on` kind as
//! they come, so a gate's verdict is exact for every code, listed or not. At worst the
//! scan and its report take about 20 MiB.

use std::collections::{HashMap, HashSet};
use std::io::{self, Read};
use std::ops::Range;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, MatchKind, packed};

use crate::catalog::Profile;
use crate::code::Code;
use crate::decode::{Decoded, decode};
use crate::escape::{Lines, untrusted};
use crate::render::{Record, plural};

/// How many bytes of a source the scanner looks at per region (and reads at once).
pub const BLOCK: usize = 256 * 1024;
/// How far past a candidate's first byte the scanner may look to decide it: at most 28
/// bytes, for the longest key and value (`code"    =    "-12345678901`) and the byte after.
pub const LOOKAHEAD: usize = 32;

/// What the search finds: `0x` in either case, then the `od` of a `code` key in any case.
const PATTERNS: [&[u8]; 6] = [b"0x", b"0X", b"od", b"oD", b"Od", b"OD"];
/// The first of [`PATTERNS`] that is part of a key.
const KEY_PATTERNS: usize = 2;

/// Where a code was first seen: a source (an index into [`Scan::sources`]) and a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Place {
    pub source: usize,
    pub line: u64,
}

/// One distinct code found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Found {
    pub code: Code,
    pub count: u64,
    pub first: Place,
}

/// The codes found in all sources so far.
#[derive(Debug)]
pub struct Scan {
    /// The names of the sources scanned, in order.
    pub sources: Vec<String>,
    block: usize,
    /// Each listed code's count and first place.
    listed: HashMap<u32, (u64, Place)>,
    unlisted: Unlisted,
}

/// How many distinct codes a scan lists with their counts, first places and meanings
/// (documented codes are listed beyond it). A log has tens of distinct codes, a sick one
/// hundreds; ten thousand is more than anyone reads, and bounds the report (about 1.5 KiB
/// a code, decoded and rendered) to about 15 MiB. The codes beyond it are counted, not
/// listed.
pub const LISTED: usize = 10_000;
/// How many distinct unlisted codes are told apart (about 10 bytes each, 5 MiB in all):
/// beyond it their number is reported as a lower bound.
pub const TOLD_APART: usize = 1 << 19;

/// The occurrences of codes beyond [`LISTED`]: counted, and judged against every
/// `--fail-on` kind under every profile as they come, since they are not kept.
#[derive(Debug, Default)]
struct Unlisted {
    occurrences: u64,
    first: Option<Place>,
    /// The distinct codes, up to [`TOLD_APART`]; `more` when another came after.
    distinct: HashSet<u32>,
    more: bool,
    /// By profile ([`Profile::ALL`]) and kind ([`FailOn::ALL`]): the occurrences of that
    /// kind and the first of them.
    failing: [[Option<Failing>; FailOn::ALL.len()]; Profile::ALL.len()],
}

/// The unlisted occurrences of one `--fail-on` kind: how many, and the first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Failing {
    pub occurrences: u64,
    pub first: Code,
    pub place: Place,
}

/// The codes beyond [`LISTED`], summed up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Others {
    pub occurrences: u64,
    /// The distinct codes: exact when `exact`, else a lower bound.
    pub distinct: u64,
    pub exact: bool,
    /// Where the first of them was seen.
    pub first: Place,
}

impl Unlisted {
    fn count(&mut self, code: u32, place: &mut impl FnMut() -> Place) {
        self.occurrences += 1;
        self.first.get_or_insert_with(&mut *place);
        if self.distinct.len() < TOLD_APART {
            self.distinct.insert(code);
        } else {
            self.more |= !self.distinct.contains(&code);
        }
        for (profile, failing) in Profile::ALL.iter().zip(&mut self.failing) {
            let d = decode(Code(code), *profile);
            for (kind, slot) in FailOn::ALL.iter().zip(failing.iter_mut()) {
                match slot {
                    _ if !kind.hits(&d) => {}
                    Some(failing) => failing.occurrences += 1,
                    None => {
                        *slot = Some(Failing {
                            occurrences: 1,
                            first: Code(code),
                            place: place(),
                        })
                    }
                }
            }
        }
    }
}

impl Default for Scan {
    fn default() -> Scan {
        Scan::with_block_size(BLOCK)
    }
}

/// The search for [`PATTERNS`]: Teddy where the CPU has the SIMD it needs, else an
/// automaton (the same matches, slower).
enum Finder {
    Packed(packed::Searcher),
    Automaton(AhoCorasick),
}

impl Finder {
    fn packed() -> Option<Finder> {
        packed::Config::new()
            .match_kind(packed::MatchKind::LeftmostFirst)
            .builder()
            .extend(PATTERNS)
            .build()
            .map(Finder::Packed)
    }

    fn automaton() -> Finder {
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostFirst)
            .build(PATTERNS)
            // Six fixed patterns always build.
            .unwrap_or_else(|e| panic!("the scanner's patterns: {e}"));
        Finder::Automaton(automaton)
    }

    /// Calls `each` with the start and the pattern's index of every match, in order.
    /// No two matches overlap, and no pattern can overlap another's match, so this is
    /// every occurrence.
    fn each(&self, haystack: &[u8], mut each: impl FnMut(usize, usize)) {
        match self {
            Finder::Packed(s) => s
                .find_iter(haystack)
                .for_each(|m| each(m.start(), m.pattern().as_usize())),
            Finder::Automaton(a) => a
                .find_iter(haystack)
                .for_each(|m| each(m.start(), m.pattern().as_usize())),
        }
    }
}

fn finder() -> &'static Finder {
    static FINDER: OnceLock<Finder> = OnceLock::new();
    FINDER.get_or_init(|| Finder::packed().unwrap_or_else(Finder::automaton))
}

/// The line of a place in a region, counted on demand, forward only.
struct Newlines {
    at: usize,
    line: u64,
}

impl Newlines {
    fn of(&mut self, window: &[u8], at: usize) -> u64 {
        self.line += bytecount::count(&window[self.at..at], b'\n') as u64;
        self.at = at;
        self.line
    }
}

impl Scan {
    pub fn new() -> Scan {
        Scan::default()
    }

    /// A scan that looks at `block` bytes at a time (from 1 byte to 16 MiB; a size out of
    /// that range is taken as the nearest): the result is the same for every size; a
    /// small one puts region boundaries everywhere, for tests.
    pub fn with_block_size(block: usize) -> Scan {
        Scan {
            sources: Vec::new(),
            block: block.clamp(1, 16 << 20),
            listed: HashMap::new(),
            unlisted: Unlisted::default(),
        }
    }

    /// Scans one source to its end. On a read error (a truncated gzip file, garbage after
    /// its last member) the codes in every byte read before it are counted, and the error
    /// is returned.
    pub fn scan(&mut self, name: &str, mut reader: impl Read) -> io::Result<()> {
        let source = self.sources.len();
        self.sources.push(name.to_string());
        // `buf[..start]` is the byte before the region (none at the source's start),
        // `buf[start..limit]` the region, and the `LOOKAHEAD` bytes after it are read
        // ahead; `line` is the line number at `start`.
        let mut buf = vec![0u8; 1 + self.block + LOOKAHEAD];
        let (mut start, mut end, mut line) = (0usize, 0usize, 1u64);
        loop {
            let want = start + self.block + LOOKAHEAD;
            let (read, error) = fill(&mut reader, &mut buf[end..want]);
            end += read;
            // A short fill is the end of the source; an error ends it too, after what was
            // read before it is counted.
            let last = end < want || error.is_some();
            let limit = if last { end } else { end - LOOKAHEAD };
            self.scan_region(&buf[..end], start..limit, source, line);
            match error {
                Some(e) => return Err(e),
                None if last => return Ok(()),
                None => {}
            }
            line += bytecount::count(&buf[start..limit], b'\n') as u64;
            buf.copy_within(limit - 1..end, 0);
            (start, end) = (1, end - limit + 1);
        }
    }

    /// Counts the codes that start in `region` of `window`, whose first byte is on `line`.
    fn scan_region(&mut self, window: &[u8], region: Range<usize>, source: usize, line: u64) {
        let Range { start, end: limit } = region;
        let mut lines = Newlines { at: start, line };
        // Up to a key whose `od` is at `limit`.
        let haystack = &window[start..window.len().min(limit + 2)];
        finder().each(haystack, |at, pattern| {
            let at = start + at;
            let found = if pattern < KEY_PATTERNS {
                (at < limit)
                    .then(|| hex_at(window, at))
                    .flatten()
                    .map(|c| (at, c))
            } else {
                // The key starts a byte before its `od`; one that starts before the
                // region was counted with the region before.
                (at > start && at <= limit)
                    .then(|| key_at(window, at - 1))
                    .flatten()
                    .map(|c| (at - 1, c))
            };
            if let Some((at, code)) = found {
                self.count(code, &mut || Place {
                    source,
                    line: lines.of(window, at),
                });
            }
        });
    }

    /// Counts one occurrence of `code`, first seen at `place` if it is new: listed while
    /// there is room (and always when a profile documents it), else counted unlisted.
    fn count(&mut self, code: u32, place: &mut impl FnMut() -> Place) {
        if let Some((count, _)) = self.listed.get_mut(&code) {
            *count += 1;
        } else if self.listed.len() < LISTED || documented_anywhere(code) {
            self.listed.insert(code, (1, place()));
        } else {
            self.unlisted.count(code, place);
        }
    }

    /// The listed codes, most frequent first (then by code).
    pub fn found(&self) -> Vec<Found> {
        let mut found: Vec<Found> = self
            .listed
            .iter()
            .map(|(code, (count, first))| Found {
                code: Code(*code),
                count: *count,
                first: *first,
            })
            .collect();
        found.sort_by(|a, b| b.count.cmp(&a.count).then(a.code.cmp(&b.code)));
        found
    }

    /// All occurrences found, listed or not.
    pub fn occurrences(&self) -> u64 {
        let listed: u64 = self.listed.values().map(|(count, _)| count).sum();
        listed + self.unlisted.occurrences
    }

    /// The codes beyond [`LISTED`], if any came.
    pub fn others(&self) -> Option<Others> {
        let u = &self.unlisted;
        u.first.map(|first| Others {
            occurrences: u.occurrences,
            distinct: u.distinct.len() as u64 + u64::from(u.more),
            exact: !u.more,
            first,
        })
    }

    /// The unlisted occurrences of a `--fail-on` kind under `profile`, if any came.
    pub fn failing_others(&self, profile: Profile, kind: FailOn) -> Option<Failing> {
        let p = Profile::ALL.iter().position(|p| *p == profile)?;
        let k = FailOn::ALL.iter().position(|k| *k == kind)?;
        self.unlisted.failing[p][k]
    }
}

/// Reads until the buffer is full or the input ends (a short read is not the end): how
/// many bytes were read, and the error that stopped it, if one did.
fn fill(reader: &mut impl Read, buf: &mut [u8]) -> (usize, Option<io::Error>) {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return (filled, Some(e)),
        }
    }
    (filled, None)
}

/// Whether a profile's table has bits 27-0 of the code: fewer than 1,000 codes (16 areas
/// times the rows; 592 today), always listed.
fn documented_anywhere(code: u32) -> bool {
    Profile::ALL
        .iter()
        .any(|p| decode(Code(code), *p).is_documented())
}

fn is_word(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

/// Whether the byte before `at` (if any) is a word character.
fn after_word(window: &[u8], at: usize) -> bool {
    at > 0 && is_word(window[at - 1])
}

/// Each byte's value as a hex digit, or 16 when it is none.
const HEX_DIGIT: [u8; 256] = {
    let mut table = [16u8; 256];
    let mut b = 0;
    while b < 10 {
        table[b'0' as usize + b] = b as u8;
        b += 1;
    }
    let mut b = 0;
    while b < 6 {
        table[b'a' as usize + b] = 10 + b as u8;
        table[b'A' as usize + b] = 10 + b as u8;
        b += 1;
    }
    table
};

/// The code of the `0x` at `at` if 1 to 8 hex digits follow and no word character stands
/// next to it. An address is rejected at its ninth digit, so at most 11 bytes are read.
fn hex_at(window: &[u8], at: usize) -> Option<u32> {
    if after_word(window, at) {
        return None;
    }
    let (mut value, mut end) = (0u32, at + 2);
    while end - at - 2 < 8 {
        match window.get(end).map(|b| HEX_DIGIT[usize::from(*b)]) {
            Some(digit @ 0..16) => value = value << 4 | u32::from(digit),
            _ => break,
        }
        end += 1;
    }
    (end > at + 2 && !window.get(end).is_some_and(|b| is_word(*b))).then_some(value)
}

/// How many of the (at most `most`) bytes from `at` are `what`.
fn run(window: &[u8], at: usize, most: usize, what: impl Fn(u8) -> bool) -> usize {
    window.get(at..).map_or(0, |rest| {
        rest.iter().take(most).take_while(|b| what(**b)).count()
    })
}

fn is_quote(byte: u8) -> bool {
    byte == b'"' || byte == b'\''
}

fn is_blank(byte: u8) -> bool {
    byte == b' ' || byte == b'\t'
}

/// The decimal code after the `code` key whose `od` is at `at + 1`: `code=N`, `code: N`,
/// `"code": N`, `'code':'-N'` (a `0x` value is [`hex_at`]'s).
fn key_at(window: &[u8], at: usize) -> Option<u32> {
    let letter = |i: usize| window.get(i).map(|b| b | 0x20);
    if letter(at) != Some(b'c') || letter(at + 3) != Some(b'e') || after_word(window, at) {
        return None;
    }
    let mut i = at + 4;
    i += run(window, i, 1, is_quote);
    i += run(window, i, 4, is_blank);
    if run(window, i, 1, |b| b == b'=' || b == b':') == 0 {
        return None;
    }
    i += 1;
    i += run(window, i, 4, is_blank);
    i += run(window, i, 1, is_quote);
    let negative = window.get(i) == Some(&b'-');
    i += usize::from(negative);
    let digits = run(window, i, 12, |b| b.is_ascii_digit());
    let end = i + digits;
    if !(1..=11).contains(&digits) || window.get(end).is_some_and(|b| is_word(*b) || *b == b'.') {
        return None;
    }
    let value = window[i..end]
        .iter()
        .fold(0u64, |v, b| v * 10 + u64::from(b - b'0'));
    if negative {
        // A signed 32-bit value, as its bits.
        (value <= 1 << 31).then(|| (value as i64).wrapping_neg() as u32)
    } else {
        u32::try_from(value).ok()
    }
}

/// A kind of code that makes `amperr scan --fail-on` fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FailOn {
    /// Bits 27-0 are not a row of the profile's table.
    Undocumented,
    /// The profile does not name the category.
    UnknownCategory,
    /// The profile does not name the area (7..15).
    ReservedArea,
}

impl FailOn {
    pub const ALL: [FailOn; 3] = [
        FailOn::Undocumented,
        FailOn::UnknownCategory,
        FailOn::ReservedArea,
    ];

    pub fn hits(self, d: &Decoded) -> bool {
        match self {
            FailOn::Undocumented => !d.is_documented(),
            FailOn::UnknownCategory => d.category_name().value().is_none(),
            FailOn::ReservedArea => d.area_name().value().is_none(),
        }
    }

    pub fn words(self) -> &'static str {
        match self {
            FailOn::Undocumented => "undocumented",
            FailOn::UnknownCategory => "of an unknown category",
            FailOn::ReservedArea => "of a reserved area",
        }
    }
}

/// One distinct code in a scan report.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ReportedCode {
    pub count: u64,
    /// `source:line`.
    pub first_seen: String,
    pub decoded: Record,
    /// The `--fail-on` kinds this code is of.
    pub fails: Vec<FailOn>,
}

/// The codes a report does not list (beyond [`LISTED`]), summed up.
#[derive(Clone, Debug, serde::Serialize)]
pub struct OtherCodes {
    pub occurrences: u64,
    /// Exact when `distinct_exact`, else a lower bound.
    pub distinct: u64,
    pub distinct_exact: bool,
    /// `source:line` of the first of them.
    pub first_seen: String,
    /// For each `--fail-on` kind some of them are of: how many occurrences, and the first.
    pub fails: Vec<OtherFail>,
}

/// The unlisted occurrences of one `--fail-on` kind.
#[derive(Clone, Debug, serde::Serialize)]
pub struct OtherFail {
    pub kind: FailOn,
    pub occurrences: u64,
    /// The first such code, `0x` and eight upper-case hex digits.
    pub first: String,
    /// `source:line`.
    pub first_seen: String,
}

/// What a scan found, decoded under a profile and judged against `--fail-on`.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ScanReport {
    pub profile: String,
    pub sources: Vec<String>,
    /// Sources that could not be read (fully), with why.
    pub errors: Vec<String>,
    /// All occurrences, listed or not.
    pub occurrences: u64,
    /// The listed codes, most frequent first.
    pub codes: Vec<ReportedCode>,
    /// The codes beyond the list, if any: counted and judged, not listed.
    pub others: Option<OtherCodes>,
    pub fail_on: Vec<FailOn>,
}

impl Scan {
    /// The report of this scan under `profile`. Every name in it (and in `errors`) is
    /// made safe to print ([`crate::escape`]).
    pub fn report(&self, profile: Profile, fail_on: &[FailOn], errors: Vec<String>) -> ScanReport {
        let codes = self
            .found()
            .into_iter()
            .map(|f| {
                let d = decode(f.code, profile);
                ReportedCode {
                    count: f.count,
                    first_seen: self.place(f.first),
                    decoded: Record::from(&d),
                    fails: fail_on.iter().copied().filter(|k| k.hits(&d)).collect(),
                }
            })
            .collect();
        ScanReport {
            profile: profile.id().to_string(),
            sources: self
                .sources
                .iter()
                .map(|name| untrusted(name, Lines::Escape).into_owned())
                .collect(),
            errors: errors
                .iter()
                .map(|e| untrusted(e, Lines::Escape).into_owned())
                .collect(),
            occurrences: self.occurrences(),
            codes,
            others: self.other_codes(profile, fail_on),
            fail_on: fail_on.to_vec(),
        }
    }

    fn other_codes(&self, profile: Profile, fail_on: &[FailOn]) -> Option<OtherCodes> {
        let others = self.others()?;
        let fails = fail_on.iter().filter_map(|kind| {
            let f = self.failing_others(profile, *kind)?;
            Some(OtherFail {
                kind: *kind,
                occurrences: f.occurrences,
                first: f.first.to_string(),
                first_seen: self.place(f.place),
            })
        });
        Some(OtherCodes {
            occurrences: others.occurrences,
            distinct: others.distinct,
            distinct_exact: others.exact,
            first_seen: self.place(others.first),
            fails: fails.collect(),
        })
    }

    /// `source:line`, the name made safe to print.
    fn place(&self, place: Place) -> String {
        let name = untrusted(&self.sources[place.source], Lines::Escape);
        format!("{name}:{}", place.line)
    }
}

impl ScanReport {
    /// 2 when a source could not be read, else 1 when a code is of a `--fail-on` kind.
    pub fn exit_code(&self) -> u8 {
        let others_fail = self.others.as_ref().is_some_and(|o| !o.fails.is_empty());
        if !self.errors.is_empty() {
            2
        } else if others_fail || self.codes.iter().any(|c| !c.fails.is_empty()) {
            1
        } else {
            0
        }
    }

    /// The report for machines, pretty-printed, with a final newline. It holds strings,
    /// numbers and lists only, so it serializes; should that change, the error is the
    /// caller's to report rather than an empty report.
    pub fn json(&self) -> serde_json::Result<String> {
        serde_json::to_string_pretty(self).map(|json| json + "\n")
    }

    /// How many distinct codes, listed or not (`at least` when that is a lower bound).
    fn distinct(&self) -> String {
        let listed = self.codes.len() as u64;
        match &self.others {
            None => plural(listed as usize, "distinct code"),
            Some(o) if o.distinct_exact => plural((listed + o.distinct) as usize, "distinct code"),
            Some(o) => format!("at least {} distinct codes", listed + o.distinct),
        }
    }

    /// The `FAIL:` line of a kind, if a code of it occurred.
    fn fail_line(&self, kind: FailOn) -> Option<String> {
        let listed: Vec<&str> = self
            .codes
            .iter()
            .filter(|c| c.fails.contains(&kind))
            .map(|c| c.decoded.hex.as_str())
            .collect();
        let others = self.others.iter().flat_map(|o| &o.fails);
        let other = others.clone().find(|f| f.kind == kind).map(|f| {
            format!(
                "{} of unlisted codes, the first {} at {}",
                plural(f.occurrences as usize, "occurrence"),
                f.first,
                f.first_seen
            )
        });
        match (listed.is_empty(), other) {
            (true, None) => None,
            (true, Some(other)) => Some(format!("FAIL: codes {}: {other}", kind.words())),
            (false, other) => Some(format!(
                "FAIL: {} {}: {}{}",
                plural(listed.len(), "code"),
                kind.words(),
                listed.join(", "),
                other.map(|o| format!("; and {o}")).unwrap_or_default()
            )),
        }
    }

    /// The report for people: one line per distinct code, most frequent first, in columns
    /// as wide as their widest cell.
    pub fn text(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = writeln!(
            out,
            "amperr scan: {}, {} in {} (profile {})",
            self.distinct(),
            plural(self.occurrences as usize, "occurrence"),
            plural(self.sources.len(), "source"),
            self.profile
        );
        let rows = self.rows();
        let count = rows.iter().map(|r| r.count.len()).fold(5, usize::max);
        let place = rows
            .iter()
            .map(|r| r.first_seen.chars().count())
            .fold("first seen".len(), usize::max);
        if !rows.is_empty() {
            let _ = writeln!(
                out,
                "{:>count$}  {:<10}  {:<place$}  meaning",
                "count", "code", "first seen"
            );
        }
        for r in &rows {
            let _ = writeln!(
                out,
                "{:>count$}  {:<10}  {:<place$}  {}",
                r.count, r.code, r.first_seen, r.meaning
            );
        }
        for kind in &self.fail_on {
            if let Some(line) = self.fail_line(*kind) {
                let _ = writeln!(out, "{line}");
            }
        }
        out
    }

    /// The table's rows: the listed codes, then the others.
    fn rows(&self) -> Vec<Row<'_>> {
        let listed = self.codes.iter().map(|c| Row {
            count: c.count.to_string(),
            code: &c.decoded.hex,
            first_seen: &c.first_seen,
            meaning: meaning(&c.decoded),
        });
        let others = self.others.iter().map(|o| Row {
            count: o.occurrences.to_string(),
            code: "others",
            first_seen: &o.first_seen,
            meaning: format!(
                "{}{}, not listed (a scan lists {LISTED} and every documented code)",
                if o.distinct_exact { "" } else { "at least " },
                plural(o.distinct as usize, "other distinct code")
            ),
        });
        listed.chain(others).collect()
    }
}

/// One row of the text report's table.
struct Row<'a> {
    count: String,
    code: &'a str,
    first_seen: &'a str,
    meaning: String,
}

/// A decoded code in a few words: name; area, category; class.
fn meaning(r: &Record) -> String {
    let area = r
        .area_name
        .clone()
        .unwrap_or_else(|| format!("area {}", r.area));
    let category = r
        .category_name
        .clone()
        .unwrap_or_else(|| format!("category {:#04X}", r.category));
    let name = r.name.as_deref().unwrap_or("(no name)");
    format!("{name}; {area}, {category}; {}", r.class.describe())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(text: &str) -> Vec<(u32, u64)> {
        let mut scan = Scan::new();
        scan.scan("t", text.as_bytes()).unwrap();
        let mut found: Vec<(u32, u64)> = scan.found().iter().map(|f| (f.code.0, f.count)).collect();
        found.sort();
        found
    }

    #[test]
    fn every_form_the_player_prints() {
        let log = "error (0x20200194)\nhex 0x10600003 and 0X2020019A\ncode=538968468\n\
                   {\"code\": 538968468, \"x\": 1}\ncode: 0x0FF00000 CODE=-1 'code':'0x00600001'";
        assert_eq!(
            codes(log),
            [
                (0x0060_0001, 1),
                (0x0FF0_0000, 1),
                (0x1060_0003, 1),
                (0x2020_0194, 3),
                (0x2020_019A, 1),
                (u32::MAX, 1)
            ]
        );
    }

    #[test]
    fn numbers_that_are_not_codes_are_not_reported() {
        let log = "2026-11-27T08:39:36.123Z bitrate=3500000 duration 538968468 errorcode=5 \
                   addr 0x7ffd5fbff8a8 id=0x1g code=12.5 abc0x12 0x";
        assert!(codes(log).is_empty(), "{:?}", codes(log));
    }

    #[test]
    fn the_fallback_search_finds_what_teddy_finds() {
        let matches = |finder: &Finder, haystack: &[u8]| {
            let mut all = Vec::new();
            finder.each(haystack, |at, pattern| all.push((at, pattern)));
            all
        };
        let log = include_bytes!("../tests/fixtures/player.log");
        let alphabet = b"0xXoOdD \ncC";
        let mut state = 0x5CA4_u64;
        let soup: Vec<u8> = (0..4096)
            .map(|_| {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1);
                alphabet[(state >> 33) as usize % alphabet.len()]
            })
            .collect();
        let automaton = Finder::automaton();
        for haystack in [&log[..], &soup, &soup[..5], b"", b"od0X"] {
            let expected = matches(&automaton, haystack);
            // Teddy is not built on a CPU without the SIMD it needs.
            if let Some(teddy) = Finder::packed() {
                assert_eq!(matches(&teddy, haystack), expected);
            }
            assert!(haystack.len() < 64 || expected.len() > 8, "{expected:?}");
        }
    }

    #[test]
    fn a_code_key_value_is_counted_once() {
        assert_eq!(codes("code=0x20200194"), [(0x2020_0194, 1)]);
    }
}
