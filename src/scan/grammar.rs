//! The grammar of a code in a log, and the search for its candidates.
//!
//! Each candidate is decided from its own bytes (and the byte before it): see the module
//! above for the grammar in words.

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, MatchKind, packed};

/// What the search finds: `0x` in either case, then the `od` of a `code` key in any case.
const PATTERNS: [&[u8]; 6] = [b"0x", b"0X", b"od", b"oD", b"Od", b"OD"];
/// The first of [`PATTERNS`] that is part of a key.
pub(super) const KEY_PATTERNS: usize = 2;

/// The search for [`PATTERNS`]: Teddy where the CPU has the SIMD it needs, else an
/// automaton (the same matches, slower).
pub(super) enum Finder {
    Packed(packed::Searcher),
    Automaton(AhoCorasick),
}

impl Finder {
    pub(super) fn packed() -> Option<Finder> {
        packed::Config::new()
            .match_kind(packed::MatchKind::LeftmostFirst)
            .builder()
            .extend(PATTERNS)
            .build()
            .map(Finder::Packed)
    }

    pub(super) fn automaton() -> Finder {
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
    pub(super) fn each(&self, haystack: &[u8], mut each: impl FnMut(usize, usize)) {
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

pub(super) fn finder() -> &'static Finder {
    static FINDER: OnceLock<Finder> = OnceLock::new();
    FINDER.get_or_init(|| Finder::packed().unwrap_or_else(Finder::automaton))
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
pub(super) fn hex_at(window: &[u8], at: usize) -> Option<u32> {
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
pub(super) fn key_at(window: &[u8], at: usize) -> Option<u32> {
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
