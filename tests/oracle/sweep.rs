//! The exhaustive sweep: every one of the 2^32 codes, under every profile, decoded by the
//! oracle (`amperr::decode`) and compared field by field with the independent model
//! (`amperr::verify::model`). It stops at the first disagreement and names the code, the field
//! and both answers.
//!
//! Why the model is independent: it shares with the oracle only the data files, which
//! `tests/tables.rs` checks against the spec on their own. It reads them as plain TOML
//! into structures of its own, and computes its expectations by another algorithm: it
//! walks the codes in ascending order like an odometer, composing each code from its
//! counters (the oracle splits a code with shifts and masks), and finds entries by
//! merging each category's sorted list against the ascending detail (the oracle indexes
//! a table). It calls none of the catalog's lookups, `decode`'s logic or `Code`'s field
//! accessors.
//!
//! Why it is fast (two cores are enough): the model's answers for a whole (area,
//! category) prefix are computed once, and the oracle's texts for that prefix are read in
//! full once and then recognised by address and length, so checking a code costs a few
//! compares next to its decode. Every code is still decoded by the oracle and every field
//! of its answer checked. The codes are handed to the threads in blocks of 2^22, so a
//! thread slowed by other work on the machine holds up nothing.
//!
//! It is `#[ignore]`d for the everyday `cargo test` and run by `.ci/run` as
//! `cargo test --release --test sweep -- --ignored --nocapture`; the other tests here
//! prove, on a few codes, that the same machinery fails when it should.

use std::ops::RangeInclusive;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::thread;
use std::time::Instant;

use amperr::verify::model::{Disagreement, Model};
use amperr::{Code, Profile, decode};

/// Codes per unit of work handed to a thread: 2^22, so 1024 units per profile.
const BLOCK_BITS: u32 = 22;
const BLOCKS: usize = 1 << (32 - BLOCK_BITS);

#[test]
#[ignore = "exhaustive (2^33 decodes): run in release by .ci/run with --ignored"]
fn every_u32_agrees_with_the_model_under_every_profile() {
    let threads = thread::available_parallelism().map_or(2, |n| n.get());
    let started = Instant::now();
    let models = Profile::ALL.iter().map(|p| Model::new(*p)).collect();
    let (codes, first) = Sweep::new(models).run(threads);
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "sweep: {codes} codes ({} profiles x 2^32) checked against the model in {seconds:.1} s on {threads} threads",
        Profile::ALL.len()
    );
    if let Some(first) = first {
        panic!("the oracle and the model disagree: {first}");
    }
    assert_eq!(codes, (1u64 << 32) * Profile::ALL.len() as u64);
}

#[test]
fn the_sweep_stops_at_the_first_disagreement_and_names_it() {
    // Categories 0 and 7..=254 get a message of their own in the model of doc.
    let why = "the page gives user messages for categories 1..6 and 0xFF only";
    let silent = format!("message = {{ implementation_defined = {why:?} }}");
    let doc = doctored(&silent, "message = \"x\"");
    let (codes, first) = Sweep::new(vec![doc, Model::new(Profile::AMP_2_3_0)]).run(2);
    assert!(
        codes < 1 << 32,
        "{codes} codes checked after a disagreement"
    );
    assert_eq!(
        first.unwrap().to_string(),
        format!(
            "0x00000000 under doc: message: oracle ImplementationDefined({why:?}), model Value(\"x\")"
        )
    );
}

/// What the threads share: the next unit of work, the count of codes checked, and the
/// disagreement each thread stopped at, if any (the lowest is reported).
struct Sweep {
    /// Per profile of [`Profile::ALL`], its model.
    models: Vec<Model>,
    next: AtomicUsize,
    stop: AtomicBool,
    checked: AtomicU64,
    found: Mutex<Vec<Disagreement>>,
}

impl Sweep {
    fn new(models: Vec<Model>) -> Sweep {
        Sweep {
            models,
            next: AtomicUsize::new(0),
            stop: AtomicBool::new(false),
            checked: AtomicU64::new(0),
            found: Mutex::new(Vec::new()),
        }
    }

    /// Sweeps on `threads` threads: how many codes were checked, and the first (lowest)
    /// disagreement found.
    fn run(self, threads: usize) -> (u64, Option<Disagreement>) {
        thread::scope(|scope| {
            for _ in 0..threads {
                scope.spawn(|| self.work());
            }
        });
        let found = self.found.into_inner().unwrap();
        let first = found.into_iter().min_by_key(|e| (e.profile, e.code));
        (self.checked.into_inner(), first)
    }

    /// Checks units until none is left or a disagreement is found, here or elsewhere.
    fn work(&self) {
        while let Some((profile, codes)) = self.take() {
            let under = Profile::ALL[profile];
            match self.models[profile].check_codes(codes, |code| decode(code, under)) {
                Ok(n) => _ = self.checked.fetch_add(n, Relaxed),
                Err(e) => {
                    self.stop.store(true, Relaxed);
                    self.found.lock().unwrap().push(e);
                }
            }
        }
    }

    /// The next unit: a profile's index and a block of codes.
    fn take(&self) -> Option<(usize, RangeInclusive<u32>)> {
        let unit = self.next.fetch_add(1, Relaxed);
        if self.stop.load(Relaxed) || unit >= Profile::ALL.len() * BLOCKS {
            return None;
        }
        let first = ((unit % BLOCKS) as u32) << BLOCK_BITS;
        Some((unit / BLOCKS, first..=first | ((1 << BLOCK_BITS) - 1)))
    }
}

/// The doc profile's data file with `from` replaced by `to`, exactly once.
fn doctored(from: &str, to: &str) -> Model {
    let source = Profile::DOC.source();
    assert_eq!(source.matches(from).count(), 1, "{from:?}");
    Model::from_toml(&source.replace(from, to)).unwrap()
}

fn doc(code: Code) -> amperr::Decoded {
    decode(code, Profile::DOC)
}

#[test]
fn the_true_model_agrees_on_every_code_of_a_slice() {
    let model = Model::new(Profile::DOC);
    // Across an area boundary, then all of NETWORK's HTTP range and its named values.
    assert_eq!(model.check_codes(0x1FFF_FF00..=0x2000_00FF, doc), Ok(512));
    assert_eq!(model.check_codes(0x2020_0000..=0x2020_0FFF, doc), Ok(4096));
    let amp = Model::new(Profile::AMP_2_3_0);
    let under_amp = |code| decode(code, Profile::AMP_2_3_0);
    assert_eq!(
        amp.check_codes(0x001F_FF00..=0x0020_01FF, under_amp),
        Ok(768)
    );
    // The last codes, and no code at all.
    assert_eq!(amp.check_codes(0xFFFF_FF00..=u32::MAX, under_amp), Ok(256));
    #[allow(clippy::reversed_empty_ranges)]
    let none = 1..=0;
    assert_eq!(model.check_codes(none, doc), Ok(0));
}

#[test]
fn a_renamed_code_is_the_first_disagreement_with_both_names() {
    let model = doctored(
        "name = \"networkErrHttpUrlNotFound\"",
        "name = \"networkErrHttpUrlNotFund\"",
    );
    let err = model
        .check_codes(0x2020_0000..=0x2020_0FFF, doc)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "0x20200194 under doc: name: oracle Some(\"networkErrHttpUrlNotFound\"), \
         model Some(\"networkErrHttpUrlNotFund\")"
    );
}

#[test]
fn a_value_the_model_lacks_is_caught_amid_agreeing_codes() {
    // The model moves 0x0200194 away; the codes before it agree, then the oracle's entry.
    let model = doctored("value = 0x0200194\n", "value = 0x0200FFF\n");
    let err = model
        .check_codes(0x2020_0000..=0x2020_0FFF, doc)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "0x20200194 under doc: name: oracle Some(\"networkErrHttpUrlNotFound\"), model None"
    );
}

#[test]
fn a_renamed_area_is_caught_after_the_previous_area_agreed() {
    // Area 1's texts are read and remembered first; area 2's must be read again.
    let model = doctored("name = \"AzureHtml5JS\"", "name = \"AzureHtml6JS\"");
    let err = model
        .check_codes(0x1FFF_FF00..=0x2000_00FF, doc)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "0x20000000 under doc: area_name: oracle Value(\"AzureHtml5JS\"), \
         model Value(\"AzureHtml6JS\")"
    );
}

#[test]
fn a_changed_message_is_caught_on_every_area() {
    let message = "message = \"An unknown error occurred.\"";
    let model = doctored(message, "message = \"An unknown error.\"");
    for area in [0x0000_0000, 0x6000_0000] {
        let first = area | 0x0FF0_0000;
        let err = model.check_codes(first..=first + 15, doc).unwrap_err();
        assert_eq!(err.code, Code(first));
        assert_eq!(err.field, "message");
        assert_eq!(err.oracle, "Value(\"An unknown error occurred.\")");
        assert_eq!(err.model, "Value(\"An unknown error.\")");
    }
}

#[test]
fn a_wrong_oracle_answer_is_caught_with_both_answers() {
    // The doc model against answers given under amp-2.3.0: category 0 has a name there.
    let model = Model::new(Profile::DOC);
    let err = model
        .check_codes(0..=0xFF, |code| decode(code, Profile::AMP_2_3_0))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "0x00000000 under amp-2.3.0: category_name: oracle Value(\"MEDIA_ERR_CUSTOM\"), \
         model ImplementationDefined(\"the page names categories 1..6 and 0xFF only\")"
    );
}

#[test]
fn an_answer_for_another_code_is_caught() {
    let model = Model::new(Profile::DOC);
    let err = model
        .check_codes(0x10..=0x20, |code| doc(Code(code.0 + 1)))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "0x00000011 under doc: code: oracle 0x00000011, model 0x00000010"
    );
}
