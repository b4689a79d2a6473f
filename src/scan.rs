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

use std::collections::HashMap;
use std::io::{self, Read};
use std::ops::Range;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, MatchKind, packed};

use crate::catalog::Profile;
use crate::code::Code;
use crate::decode::{Decoded, decode};
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
    found: HashMap<u32, (u64, Place)>,
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
struct Lines {
    at: usize,
    line: u64,
}

impl Lines {
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

    /// A scan that looks at `block` bytes at a time (at least 1): the result is the same
    /// for every size; a small one puts region boundaries everywhere, for tests.
    pub fn with_block_size(block: usize) -> Scan {
        Scan {
            sources: Vec::new(),
            block: block.max(1),
            found: HashMap::new(),
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
        let mut lines = Lines { at: start, line };
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
                let (count, _) = self.found.entry(code).or_insert_with(|| {
                    let line = lines.of(window, at);
                    (0, Place { source, line })
                });
                *count += 1;
            }
        });
    }

    /// The distinct codes, most frequent first (then by code).
    pub fn found(&self) -> Vec<Found> {
        let mut found: Vec<Found> = self
            .found
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

    /// All occurrences found.
    pub fn occurrences(&self) -> u64 {
        self.found.values().map(|(count, _)| count).sum()
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

/// What a scan found, decoded under a profile and judged against `--fail-on`.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ScanReport {
    pub profile: String,
    pub sources: Vec<String>,
    /// Sources that could not be read (fully), with why.
    pub errors: Vec<String>,
    pub occurrences: u64,
    pub codes: Vec<ReportedCode>,
    pub fail_on: Vec<FailOn>,
}

impl Scan {
    /// The report of this scan under `profile`.
    pub fn report(&self, profile: Profile, fail_on: &[FailOn], errors: Vec<String>) -> ScanReport {
        let codes = self
            .found()
            .into_iter()
            .map(|f| {
                let d = decode(f.code, profile);
                ReportedCode {
                    count: f.count,
                    first_seen: format!("{}:{}", self.sources[f.first.source], f.first.line),
                    decoded: Record::from(&d),
                    fails: fail_on.iter().copied().filter(|k| k.hits(&d)).collect(),
                }
            })
            .collect();
        ScanReport {
            profile: profile.id().to_string(),
            sources: self.sources.clone(),
            errors,
            occurrences: self.occurrences(),
            codes,
            fail_on: fail_on.to_vec(),
        }
    }
}

impl ScanReport {
    /// 2 when a source could not be read, else 1 when a code is of a `--fail-on` kind.
    pub fn exit_code(&self) -> u8 {
        if !self.errors.is_empty() {
            2
        } else if self.codes.iter().any(|c| !c.fails.is_empty()) {
            1
        } else {
            0
        }
    }

    pub fn json(&self) -> String {
        // Strings, numbers and lists only: serializing cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    /// The report for people: one line per distinct code, most frequent first.
    pub fn text(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        let distinct = self.codes.len();
        // Writing to a String cannot fail.
        let _ = writeln!(
            out,
            "amperr scan: {}, {} in {} (profile {})",
            plural(distinct, "distinct code"),
            plural(self.occurrences as usize, "occurrence"),
            plural(self.sources.len(), "source"),
            self.profile
        );
        if distinct > 0 {
            let _ = writeln!(
                out,
                "{:>9}  {:<10}  {:<24}  meaning",
                "count", "code", "first seen"
            );
        }
        for c in &self.codes {
            let r = &c.decoded;
            let area = r
                .area_name
                .clone()
                .unwrap_or_else(|| format!("area {}", r.area));
            let category = r
                .category_name
                .clone()
                .unwrap_or_else(|| format!("category {:#04X}", r.category));
            let name = r.name.as_deref().unwrap_or("(no name)");
            let _ = writeln!(
                out,
                "{:>9}  {}  {:<24}  {name}; {area}, {category}; {}",
                c.count,
                r.hex,
                c.first_seen,
                r.class.describe()
            );
        }
        for kind in &self.fail_on {
            let failing: Vec<&str> = self
                .codes
                .iter()
                .filter(|c| c.fails.contains(kind))
                .map(|c| c.decoded.hex.as_str())
                .collect();
            if !failing.is_empty() {
                let _ = writeln!(
                    out,
                    "FAIL: {} {}: {}",
                    plural(failing.len(), "code"),
                    kind.words(),
                    failing.join(", ")
                );
            }
        }
        out
    }
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
