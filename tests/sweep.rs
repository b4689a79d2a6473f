//! The exhaustive sweep: every one of the 2^32 codes, under every profile, decoded by the
//! oracle and compared field by field with the independent model (`amperr::verify::model`).
//!
//! It takes about a minute in release mode on two cores, so it is `#[ignore]`d for the
//! everyday `cargo test` and run by `.ci/run` as
//! `cargo test --release --test sweep -- --ignored --nocapture`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::Instant;

use amperr::verify::model::{DetailExpect, Model, compare};
use amperr::{Code, Profile, decode};

/// How many disagreements are printed; all are counted.
const SHOWN: usize = 20;

#[test]
#[ignore = "exhaustive (2^33 decodes): run in release by .ci/run with --ignored"]
fn every_u32_agrees_with_the_model_under_every_profile() {
    let threads = thread::available_parallelism().map_or(2, |n| n.get());
    let started = Instant::now();
    let checked = AtomicU64::new(0);
    let mut failures: Vec<String> = Vec::new();
    for profile in Profile::ALL {
        let model = Model::new(profile);
        let found: Vec<Vec<String>> = thread::scope(|scope| {
            let workers: Vec<_> = (0..threads)
                .map(|worker| {
                    let (model, checked) = (&model, &checked);
                    scope.spawn(move || {
                        let categories = (worker..256).step_by(threads);
                        let found = categories
                            .flat_map(|c| sweep_category(model, profile, c as u8))
                            .collect();
                        checked.fetch_add(1 << 32, Ordering::Relaxed);
                        found
                    })
                })
                .collect();
            workers.into_iter().map(|w| w.join().unwrap()).collect()
        });
        failures.extend(found.into_iter().flatten());
    }
    let seconds = started.elapsed().as_secs_f64();
    let codes = (1u64 << 32) * Profile::ALL.len() as u64;
    println!(
        "sweep: {codes} codes ({} profiles x 2^32) checked against the model in {seconds:.1} s on {threads} threads",
        Profile::ALL.len()
    );
    assert!(
        failures.is_empty(),
        "{} disagreements, first:\n{}",
        failures.len(),
        failures[..failures.len().min(SHOWN)].join("\n")
    );
}

/// All 16 areas x 2^20 details of one category. The model's expectations for each detail
/// are computed once and shared by the 16 areas (they cannot depend on the area).
fn sweep_category(model: &Model, profile: Profile, category: u8) -> Vec<String> {
    let category_hex = format!("{category:02x}");
    let details: Vec<DetailExpect<'_>> = (0..=Code::DETAIL_MAX)
        .map(|detail| model.detail(&category_hex, &format!("{detail:05x}")))
        .collect();
    let mut failures = Vec::new();
    for area in 0..=Code::AREA_MAX {
        let prefix = model.prefix(&format!("{area:x}"), &category_hex);
        for (detail, expect) in (0u32..).zip(&details) {
            let code = Code::compose(area, category, detail).unwrap();
            if let Err(e) = compare(&decode(code, profile), &prefix, expect) {
                if failures.len() < SHOWN {
                    failures.push(e);
                }
            }
        }
    }
    failures
}
