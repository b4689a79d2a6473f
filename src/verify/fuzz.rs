//! The fuzz targets' bodies: each takes arbitrary bytes, checks real properties, and
//! panics when one fails.
//!
//! They are plain functions so that they run two ways: under libFuzzer (`cargo fuzz run
//! <target>`, with `fuzz/`), and under a stable `cargo test` (`tests/fuzz.rs`), which
//! replays every committed seed and crash file and a seeded stream of random inputs.

use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use crate::catalog::Profile;
use crate::code::Code;
use crate::decode::decode as decode_code;
use crate::decoder::live::LiveDecoder;
use crate::gate::Corpus;
use crate::gate::judge::judge;
use crate::gate::protocol::{Response, parse_answer};
use crate::gate::report::{Conclusion, Gate, Report, Tally};
use crate::gate::xfail::{Index, Xfail, glob_match};
use crate::lines::{BoundedLines, Line};
use crate::parse::parse_code;
use crate::table::check_table;
use crate::verify::invariants::{self, parse_inverts_every_output_form};
use crate::verify::model::Model;

/// A fuzz target's body.
pub type Target = fn(&[u8]);

/// Every target, by the name `cargo fuzz run` knows it by.
pub const TARGETS: [(&str, Target); 10] = [
    ("decode", decode),
    ("parse", parse),
    ("response", response),
    ("differential", differential),
    ("table", table),
    ("xfail", xfail),
    ("report", report),
    ("lines", lines),
    ("scan", scan),
    ("scenarios", scenarios),
];

/// A scenario file (`check-faults --scenarios`): parsing never panics; what parses has a
/// fault that reads back as itself, and serving any request of it never panics.
pub fn scenarios(data: &[u8]) {
    use crate::faults::serve::Traffic;
    use crate::faults::stream::Stream;
    let text = String::from_utf8_lossy(data);
    let Ok(scenarios) = crate::faults::parse("fuzz.toml", &text, &[]) else {
        return;
    };
    for scenario in scenarios {
        let fault = format!(
            "[[scenario]]\nname = \"a\"\nsource = \"dash\"\ntech_order = [\"html5\"]\nfault = {}\nexpect = \"0x1\"\n",
            toml::Value::String(scenario.fault.to_string())
        );
        let again = crate::faults::parse("again.toml", &fault, &[]).expect("a fault reads back");
        assert_eq!(again[0].fault, scenario.fault);
        let mut traffic = Traffic::default();
        for path in [
            scenario.path.as_str(),
            "dash/seg-1.m4s",
            "dash/init.mp4",
            "hls/key",
            "",
        ] {
            let _ = scenario.reply(&Stream::Builtin, &mut traffic, path);
        }
        let _ = traffic.words(&scenario.fault);
    }
}

/// The environment variable that names a decoder command for `differential`.
pub const DECODER_ENV: &str = "AMPERR_DECODER";
/// The profile `differential` judges a decoder by (default `doc`).
pub const PROFILE_ENV: &str = "AMPERR_PROFILE";

/// A code and a profile from the first five bytes (missing bytes are zero).
pub fn code_and_profile(data: &[u8]) -> (Code, Profile) {
    let mut bytes = [0u8; 4];
    for (slot, byte) in bytes.iter_mut().zip(data) {
        *slot = *byte;
    }
    let profile = Profile::ALL[usize::from(data.get(4).copied().unwrap_or(0)) % Profile::ALL.len()];
    (Code(u32::from_le_bytes(bytes)), profile)
}

/// An arbitrary code and profile: every invariant of [`invariants`] holds, and the text
/// and JSON renderings succeed.
pub fn decode(data: &[u8]) {
    let (code, profile) = code_and_profile(data);
    if let Err(e) = invariants::check_all(code, profile) {
        panic!("{e}");
    }
}

/// Arbitrary bytes as a pasted code: never panics; every accepted input round-trips
/// through every output form; every refusal names the input and the accepted forms.
pub fn parse(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    match parse_code(&text) {
        Ok(code) => {
            for profile in Profile::ALL {
                if let Err(e) = parse_inverts_every_output_form(code, profile) {
                    panic!("{text:?} parsed to {code}, which does not round-trip: {e}");
                }
            }
        }
        Err(e) => {
            let message = e.to_string();
            assert!(message.contains("is not an error code"), "{message}");
            assert!(message.contains("accepted:"), "{message}");
        }
    }
}

/// Arbitrary bytes as answer lines, from a decoder (`check`) or a page (`check-player`):
/// the protocol reader never panics, every rejection is a protocol error with a message,
/// and an answer is judged under every profile and reported without panic.
pub fn response(data: &[u8]) {
    for line in String::from_utf8_lossy(data).split('\n') {
        for gate in [Gate::CHECK, Gate::PLAYER] {
            match parse_answer(line, gate.fields()) {
                Err(e) => assert!(!e.to_string().is_empty()),
                Ok(response) => {
                    for profile in Profile::ALL {
                        judge_and_report(gate, profile, &response);
                    }
                }
            }
        }
    }
}

fn judge_and_report(gate: Gate, profile: Profile, response: &Response<'_>) {
    let Response::Answer { fields, .. } = response else {
        return;
    };
    let corpus = Corpus::one(profile, response.code());
    let expected = corpus.cases[0].expect(corpus.profile);
    let verdicts = judge(&expected, fields);
    let mut tally = Tally::of(gate, &corpus, &[], &NO_XFAIL);
    tally.answer(0, &expected, &verdicts);
    let reproduce = |case: &crate::gate::case::Case| format!("echo {} | decoder", case.code.0);
    let report = tally.finish(&["decoder".to_string()], &reproduce, 0.0, String::new());
    assert_shows_nothing_raw(&report.text());
}

static NO_XFAIL: Xfail = Xfail {
    entries: Vec::new(),
};

/// An arbitrary code through the oracle and the independent model, which must agree; and,
/// when `AMPERR_DECODER` names a decoder command, through that decoder too (one long-lived
/// process over protocol v1, judged by `AMPERR_PROFILE`, default `doc`): a divergence
/// panics with the gate's report of that case, and libFuzzer saves the input.
pub fn differential(data: &[u8]) {
    let (code, profile) = code_and_profile(data);
    static MODELS: OnceLock<Vec<Model>> = OnceLock::new();
    let models = MODELS.get_or_init(|| Profile::ALL.iter().map(|p| Model::new(*p)).collect());
    let index = Profile::ALL.iter().position(|p| *p == profile).unwrap_or(0);
    if let Err(e) = models[index].check(&decode_code(code, profile)) {
        panic!("{e}");
    }
    if let Some((decoder, judged_by)) = live_decoder() {
        let report = match decoder.lock() {
            Ok(mut decoder) => decoder.check(code.0, *judged_by),
            // A panic (a divergence found) while the lock was held leaves it usable.
            Err(poisoned) => poisoned.into_inner().check(code.0, *judged_by),
        };
        if report.conclusion != Conclusion::Conformant {
            panic!(
                "the decoder diverges from the oracle on {code}:\n{}",
                report.text()
            );
        }
    }
}

/// The decoder `AMPERR_DECODER` names, started once, and the profile to judge it by.
fn live_decoder() -> Option<&'static (Mutex<LiveDecoder>, Profile)> {
    static DECODER: OnceLock<Option<(Mutex<LiveDecoder>, Profile)>> = OnceLock::new();
    DECODER
        .get_or_init(|| {
            let command = std::env::var(DECODER_ENV).ok()?;
            let argv = shlex::split(&command).filter(|argv| !argv.is_empty());
            let argv =
                argv.unwrap_or_else(|| panic!("{DECODER_ENV}={command:?} is not a command line"));
            let profile = match std::env::var(PROFILE_ENV) {
                Ok(id) => id.parse().unwrap_or_else(|e| panic!("{PROFILE_ENV}: {e}")),
                Err(_) => Profile::DOC,
            };
            Some((
                Mutex::new(LiveDecoder::new(argv, Duration::from_secs(5))),
                profile,
            ))
        })
        .as_ref()
}

/// Arbitrary bytes as an `amp.errorCode` dump: never panics; a table that reads is
/// reported in text and JSON, and one that does not says what a dump must be.
pub fn table(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for profile in Profile::ALL {
        match check_table(&text, profile) {
            Ok(report) => {
                assert!(report.text().starts_with("amperr check-table: "));
                let json = report.json().unwrap_or_else(|e| panic!("JSON: {e}"));
                // Valid JSON: the table's values as written may be numbers beyond any
                // double (`1e400`), which only a parse into `Value` would refuse.
                let valid = serde_json::from_str::<serde::de::IgnoredAny>(&json);
                assert!(valid.is_ok(), "{json}");
            }
            Err(e) => assert!(e.to_string().contains("not an amp.errorCode dump")),
        }
    }
}

/// Arbitrary bytes as an `--xfail` file: never panics, and its patterns match ids
/// without panicking (or taking long), the index the gate uses finding what matching
/// entry by entry finds.
pub fn xfail(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(list) = Xfail::from_toml(&text) {
        let index = Index::new(&list.entries);
        let mut found = Vec::new();
        for id in [
            "documented/0x20200194",
            "boundary/0x7FF00000",
            "random/0x00000000",
            "",
        ] {
            index.matching(id, &mut found);
            assert_eq!(
                found,
                list.matching(id),
                "the index and the list differ on {id:?}"
            );
        }
    }
    // The text itself as a pattern.
    let _ = glob_match(&text, "boundary/0x20300001");
}

/// Arbitrary bytes as a saved JSON report (`amperr report`): a report that reads renders
/// in every format, and its JSON reads back.
pub fn report(data: &[u8]) {
    let Ok(report) = Report::from_json(&String::from_utf8_lossy(data)) else {
        return;
    };
    let text = report.text();
    assert!(text.starts_with("amperr check: "));
    assert_shows_nothing_raw(&text);
    let junit = report.junit().unwrap_or_else(|e| panic!("JUnit: {e}"));
    assert!(junit.contains("<testsuites"));
    assert_shows_nothing_raw(&junit);
    let html = report.html();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_shows_nothing_raw(&html);
    let json = report.json().unwrap_or_else(|e| panic!("JSON: {e}"));
    assert!(Report::from_json(&json).is_ok());
}

/// A view of untrusted text holds no character that could act on a terminal or break
/// XML: there is nothing left for [`crate::escape`] to escape, but lines.
fn assert_shows_nothing_raw(view: &str) {
    let escaped = crate::escape::untrusted(view, crate::escape::Lines::Keep);
    assert!(
        matches!(escaped, std::borrow::Cow::Borrowed(_)),
        "a raw character reaches the view: {escaped:?}"
    );
}

/// Arbitrary bytes through the bounded line reader: no line is longer than the bound, and
/// the lines and their newlines account for the input.
pub fn lines(data: &[u8]) {
    const LIMIT: usize = 16;
    let mut count = 0;
    for item in BoundedLines::new(data, LIMIT) {
        let (number, line) = item.unwrap_or_else(|e| panic!("reading a slice cannot fail: {e}"));
        count += 1;
        assert_eq!(number, count);
        if let Line::Text(text) = line {
            assert!(text.len() <= LIMIT);
            assert!(!text.contains('\n'));
        }
    }
    let newlines = data.iter().filter(|b| **b == b'\n').count();
    let trailing = usize::from(!data.is_empty() && data.last() != Some(&b'\n'));
    assert_eq!(count, newlines + trailing);
}

/// Arbitrary bytes as a log: the scanner never panics, and finds the same codes, counts
/// and first lines as a plain reading of the grammar over the whole input, however the
/// input is split into reads and into blocks (every size from 1 to 128 bytes).
pub fn scan(data: &[u8]) {
    let expected = scan_reference(data);
    let whole = scan_with(data, crate::scan::BLOCK, usize::MAX);
    assert_eq!(whole, expected, "the scanner and the plain reading differ");
    for step in [1, 7] {
        let found = scan_with(data, crate::scan::BLOCK, step);
        assert_eq!(found, expected, "reads of {step} bytes");
    }
    for block in 1..=128 {
        let found = scan_with(data, block, usize::MAX);
        assert_eq!(found, expected, "blocks of {block} bytes");
    }
}

/// (code, count, first line) of every code the scanner finds, most frequent first.
fn scan_with(data: &[u8], block: usize, step: usize) -> Vec<(u32, u64, u64)> {
    struct Reads<'a>(&'a [u8], usize);
    impl std::io::Read for Reads<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.1.min(buf.len()).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }
    let mut scan = crate::scan::Scan::with_block_size(block);
    if let Err(e) = scan.scan("fuzz", Reads(data, step)) {
        panic!("reading a slice cannot fail: {e}");
    }
    scan.found()
        .iter()
        .map(|f| (f.code.0, f.count, f.first.line))
        .collect()
}

/// The scanner's grammar (see [`crate::scan`]) read plainly, at every byte of the whole
/// input, sharing no code with the scanner: (code, count, first line), most frequent
/// first, then by code.
fn scan_reference(data: &[u8]) -> Vec<(u32, u64, u64)> {
    let mut found = std::collections::BTreeMap::<u32, (u64, u64)>::new();
    let mut line = 1;
    for at in 0..data.len() {
        let rest = &data[at..];
        let after_word = at > 0 && is_word_byte(data[at - 1]);
        let code = plain_hex(rest).or_else(|| plain_key(rest));
        if let (false, Some(code)) = (after_word, code) {
            found.entry(code).or_insert((0, line)).0 += 1;
        }
        line += u64::from(data[at] == b'\n');
    }
    let mut found: Vec<(u32, u64, u64)> = found
        .into_iter()
        .map(|(code, (count, line))| (code, count, line))
        .collect();
    found.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    found
}

fn is_word_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

/// `0x` and 1 to 8 hex digits, not followed by a word character.
fn plain_hex(rest: &[u8]) -> Option<u32> {
    if !(rest.starts_with(b"0x") || rest.starts_with(b"0X")) {
        return None;
    }
    let digits = rest[2..]
        .iter()
        .take_while(|b| b.is_ascii_hexdigit())
        .count();
    let ends_word = rest.get(2 + digits).is_some_and(|b| is_word_byte(*b));
    if digits == 0 || digits > 8 || ends_word {
        return None;
    }
    let text = std::str::from_utf8(&rest[2..2 + digits]).ok()?;
    u32::from_str_radix(text, 16).ok()
}

/// A `code` key, an optional quote, up to 4 blanks, `=` or `:`, up to 4 blanks, an
/// optional quote, and an (optionally negative) decimal of 1 to 11 digits that is not
/// followed by a word character or a `.`.
fn plain_key(rest: &[u8]) -> Option<u32> {
    if rest.len() < 4 || !rest[..4].eq_ignore_ascii_case(b"code") {
        return None;
    }
    let mut at = 4;
    let quote = |at: usize| matches!(rest.get(at), Some(b'"' | b'\''));
    let blank = |at: usize| matches!(rest.get(at), Some(b' ' | b'\t'));
    at += usize::from(quote(at));
    for _ in 0..4 {
        at += usize::from(blank(at));
    }
    if !matches!(rest.get(at), Some(b'=' | b':')) {
        return None;
    }
    at += 1;
    for _ in 0..4 {
        at += usize::from(blank(at));
    }
    at += usize::from(quote(at));
    let sign = at;
    at += usize::from(rest.get(at) == Some(&b'-'));
    let digits = rest[at..].iter().take_while(|b| b.is_ascii_digit()).count();
    let next = rest.get(at + digits);
    if digits == 0 || digits > 11 || next.is_some_and(|b| is_word_byte(*b) || *b == b'.') {
        return None;
    }
    let text = std::str::from_utf8(&rest[sign..at + digits]).ok()?;
    match rest[sign] == b'-' {
        true => text.parse::<i32>().ok().map(|v| v as u32),
        false => text.parse::<u32>().ok(),
    }
}
