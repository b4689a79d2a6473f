//! Every fuzz target's body (`amperr::verify::fuzz`) under a plain, stable `cargo test`: the
//! committed seeds (`fuzz/seeds/<target>/`) and crash files (`fuzz/regressions/<target>/`)
//! replayed, then a seeded stream of random and mutated inputs.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use amperr::verify::fuzz::{TARGETS, Target};
use proptest::prelude::RngCore;
use proptest::test_runner::{RngAlgorithm, TestRng};

/// Inputs per target in the seeded stream.
const GENERATED: usize = 2000;

fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

fn fuzz_dir(kind: &str, target: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz")
        .join(kind)
        .join(target)
}

/// Runs a body, naming the input if it panics.
fn run(name: &str, body: Target, data: &[u8], what: &str) {
    if catch_unwind(AssertUnwindSafe(|| body(data))).is_err() {
        panic!("fuzz target {name} fails on {what}: {data:?}");
    }
}

#[test]
fn every_committed_seed_and_crash_file_replays() {
    for (name, body) in TARGETS {
        let seeds = files(&fuzz_dir("seeds", name));
        assert!(!seeds.is_empty(), "fuzz/seeds/{name}/ has no seed");
        for file in seeds.iter().chain(&files(&fuzz_dir("regressions", name))) {
            run(
                name,
                body,
                &std::fs::read(file).unwrap(),
                &file.display().to_string(),
            );
        }
    }
}

/// A deterministic generator, so that the stream is the same on every run.
struct Rng(TestRng);

impl Rng {
    fn new(seed: u64) -> Rng {
        let mut bytes = [0u8; 32];
        bytes[..8].copy_from_slice(&seed.to_le_bytes());
        Rng(TestRng::from_seed(RngAlgorithm::ChaCha, &bytes))
    }

    fn next(&mut self) -> u64 {
        self.0.next_u64()
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// A seed with a few bytes overwritten, inserted or removed, or fresh random bytes.
fn mutate(rng: &mut Rng, seeds: &[Vec<u8>]) -> Vec<u8> {
    if seeds.is_empty() || rng.below(4) == 0 {
        return (0..rng.below(64)).map(|_| rng.next() as u8).collect();
    }
    let mut data = seeds[rng.below(seeds.len())].clone();
    for _ in 0..=rng.below(4) {
        let at = rng.below(data.len() + 1);
        match rng.below(3) {
            0 if at < data.len() => data[at] = rng.next() as u8,
            1 => data.insert(at, rng.next() as u8),
            _ if at < data.len() => {
                data.remove(at);
            }
            _ => {}
        }
    }
    data
}

#[test]
fn a_seeded_stream_of_mutated_inputs_keeps_every_property() {
    for (n, (name, body)) in TARGETS.into_iter().enumerate() {
        let seeds: Vec<Vec<u8>> = files(&fuzz_dir("seeds", name))
            .iter()
            .map(|f| std::fs::read(f).unwrap())
            .collect();
        let mut rng = Rng::new(0x00A3_F0E2 + n as u64);
        for i in 0..GENERATED {
            let data = mutate(&mut rng, &seeds);
            run(name, body, &data, &format!("generated input {i}"));
        }
    }
}
