//! The corpus: the cases a decoder is checked on, generated, deterministic, with ids.
//!
//! Three groups, in this order, each code appearing once (in the first group that has it):
//! - `documented`: every value the profile names or documents, in every area 0..15;
//! - `boundary`: every (area, category) pair, 16 x 256, with the details 0, 1, each named
//!   detail of that category, 0x7FFFF, 0x80000 and 0xFFFFF;
//! - `random`: `--random N` codes drawn from `--seed S`.
//!
//! A case's id is `<group>/<code as 0x + 8 hex digits>`, stable across runs and versions
//! of the same [`VERSION`]. Each field of a case is required or implementation-defined,
//! as the profile's source is silent or not.

use std::collections::HashSet;

use crate::catalog::Profile;
use crate::code::Code;
pub use crate::gate::case::{Case, Expectation, Expected, Origin, Stimulus};

/// The corpus generator's version: a change to what cases are generated bumps it.
pub const VERSION: u32 = 1;

/// The generated cases, in order.
#[derive(Clone, Debug)]
pub struct Corpus {
    pub profile: Profile,
    pub random: u32,
    pub seed: u64,
    /// `(K, N)` when this is shard K of N.
    pub shard: Option<(u32, u32)>,
    pub cases: Vec<Case>,
}

/// The most random codes a corpus takes: each case costs memory, and the draw must never
/// come near running out of the 2^32 codes.
pub const MAX_RANDOM: u32 = 10_000_000;

impl Corpus {
    /// Generates the corpus of a profile, with `random` extra codes drawn from `seed`.
    ///
    /// # Panics
    ///
    /// If `random` is over [`MAX_RANDOM`].
    pub fn generate(profile: Profile, random: u32, seed: u64) -> Corpus {
        Corpus {
            profile,
            random,
            seed,
            shard: None,
            cases: cases(profile, random, seed).collect(),
        }
    }

    /// A corpus of one case, for judging codes one at a time (differential fuzzing).
    pub fn one(profile: Profile, code: u32) -> Corpus {
        Corpus {
            profile,
            random: 0,
            seed: 0,
            shard: None,
            cases: vec![Case::new(Origin::Random, Code(code))],
        }
    }

    /// Only the cases of `codes`, in that order, each once: a code the corpus has keeps
    /// its case (and id); any other is a `given` case. Reproduces one failure of a run.
    pub fn only(mut self, codes: &[u32]) -> Corpus {
        let mut seen = HashSet::new();
        let cases = std::mem::take(&mut self.cases);
        self.cases = codes
            .iter()
            .filter(|&&code| seen.insert(code))
            .map(|&code| {
                let generated = cases.iter().find(|case| case.code.0 == code);
                generated
                    .copied()
                    .unwrap_or(Case::new(Origin::Given, Code(code)))
            })
            .collect();
        self
    }

    /// Shard `k` of `n` (1-based): every n-th case from the k-th. The `n` shards together
    /// hold every case exactly once, each spread over the whole corpus. A shard with no
    /// case (`k` past the corpus's size) is an error: a gate of nothing would pass.
    pub fn shard(mut self, k: u32, n: u32) -> Result<Corpus, ShardError> {
        if n == 0 || k == 0 || k > n {
            return Err(ShardError::NoSuchShard { k, n });
        }
        let (k, n) = (k as usize, n as usize);
        if k > self.cases.len() {
            let cases = self.cases.len();
            return Err(ShardError::Empty { k, n, cases });
        }
        let cases = std::mem::take(&mut self.cases);
        self.cases = cases
            .into_iter()
            .enumerate()
            .filter(|(i, _)| i % n == k - 1)
            .map(|(_, c)| c)
            .collect();
        self.shard = Some((k as u32, n as u32));
        Ok(self)
    }
}

/// A shard that is not `K/N` with 1 <= K <= N, or that has no case.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ShardError {
    #[error("{0:?} is not a shard: give K/N with 1 <= K <= N, e.g. 2/4")]
    NotAShard(String),
    #[error("shard {k}/{n} does not exist: give K/N with 1 <= K <= N, e.g. 2/4")]
    NoSuchShard { k: u32, n: u32 },
    #[error(
        "shard {k}/{n} selects no case: the corpus has {cases} cases, and shard K of N runs \
         every N-th case from the K-th, so K can be at most {cases}"
    )]
    Empty { k: usize, n: usize, cases: usize },
}

/// The cases of [`Corpus::generate`], one at a time: the documented and boundary cases
/// (about 20,900), then the random ones drawn as they are asked for, so that millions of
/// them can be written out without being held.
///
/// # Panics
///
/// If `random` is over [`MAX_RANDOM`]: drawing ever more distinct codes would hold ever
/// more memory, and past the 2^32 codes never end.
pub fn cases(profile: Profile, random: u32, seed: u64) -> impl Iterator<Item = Case> {
    assert!(
        random <= MAX_RANDOM,
        "{random} random codes asked for: a corpus takes at most {MAX_RANDOM}"
    );
    let mut seen = HashSet::new();
    let catalog = profile.catalog();
    let documented = catalog.entries().iter().flat_map(|entry| {
        (0..=Code::AREA_MAX).map(move |area| {
            let code = Code(u32::from(area) << Code::AREA_SHIFT | entry.value());
            Case::new(Origin::Documented, code)
        })
    });
    let boundary = (0..=Code::AREA_MAX).flat_map(move |area| {
        (0..=u8::MAX).flat_map(move |category| {
            boundary_details(profile, category)
                .into_iter()
                .map(move |detail| {
                    let code = Code::compose(area, category, detail).unwrap_or(Code(0));
                    Case::new(Origin::Boundary, code)
                })
        })
    });
    // Each code appears once, in the first group that has it.
    let fixed: Vec<Case> = documented
        .chain(boundary)
        .filter(|case| seen.insert(case.code.0))
        .collect();
    let mut rng = SplitMix64(seed);
    let mut left = random;
    let drawn = std::iter::from_fn(move || {
        while left > 0 {
            // A code already in the corpus is drawn again, so N random cases are new.
            let code = rng.next_u32();
            if seen.insert(code) {
                left -= 1;
                return Some(Case::new(Origin::Random, Code(code)));
            }
        }
        None
    });
    fixed.into_iter().chain(drawn)
}

/// 0, 1, each named detail of the category, 0x7FFFF, 0x80000, 0xFFFFF.
fn boundary_details(profile: Profile, category: u8) -> Vec<u32> {
    let named = profile
        .catalog()
        .entries()
        .iter()
        .filter(|e| Code(e.value()).category() == category)
        .map(|e| Code(e.value()).detail());
    let mut details: Vec<u32> = [0, 1]
        .into_iter()
        .chain(named)
        .chain([0x7FFFF, 0x80000, 0xFFFFF])
        .collect();
    details.sort_unstable();
    details.dedup();
    details
}

/// SplitMix64 (Steele, Lea, Flood 2014): a tiny, well-known generator, so that a seed
/// gives the same codes on every platform and version.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u32(&mut self) -> u32 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 32) as u32
    }
}

/// `K/N` with 1 <= K <= N: a shard as `--shard` takes it and a report gives it.
pub fn parse_shard(s: &str) -> Result<(u32, u32), ShardError> {
    let bad = || ShardError::NotAShard(s.to_string());
    let (k, n) = s.split_once('/').ok_or_else(bad)?;
    let (k, n): (u32, u32) = (k.parse().map_err(|_| bad())?, n.parse().map_err(|_| bad())?);
    if k == 0 || k > n {
        return Err(bad());
    }
    Ok((k, n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gate::field::FieldName;

    /// The bound is the library's, not only the command line's: past it the draw holds
    /// gigabytes, and past 2^32 codes it never ends.
    #[test]
    #[should_panic(expected = "10000001 random codes asked for: a corpus takes at most 10000000")]
    fn a_corpus_refuses_more_random_codes_than_it_can_draw() {
        let _ = cases(Profile::DOC, MAX_RANDOM + 1, 0);
    }

    #[test]
    fn the_largest_corpus_starts_drawing() {
        let mut drawn = cases(Profile::DOC, MAX_RANDOM, 0).filter(|c| c.origin == Origin::Random);
        assert!(drawn.next().is_some());
    }

    #[test]
    fn only_keeps_generated_cases_and_adds_given_ones() {
        let corpus = Corpus::generate(Profile::AMP_2_3_0, 0, 0);
        let only = corpus.only(&[0x2020_0194, 0xDEAD_BEEF, 0x2020_0194, 0x0000_0000]);
        let ids: Vec<String> = only.cases.iter().map(Case::id).collect();
        assert_eq!(
            ids,
            [
                "documented/0x20200194",
                "given/0xDEADBEEF",
                "boundary/0x00000000"
            ]
        );
    }

    #[test]
    fn ids_are_unique_and_codes_appear_once() {
        let corpus = Corpus::generate(Profile::DOC, 100, 7);
        let ids: HashSet<String> = corpus.cases.iter().map(Case::id).collect();
        assert_eq!(ids.len(), corpus.cases.len());
        assert_eq!(
            corpus
                .cases
                .iter()
                .filter(|c| c.origin == Origin::Random)
                .count(),
            100
        );
        assert!(ids.contains("documented/0x20200194"));
        assert!(ids.contains("boundary/0xF0F7FFFF"));
    }

    #[test]
    fn the_same_seed_gives_the_same_corpus() {
        let codes = |seed| -> Vec<u32> {
            Corpus::generate(Profile::AMP_2_3_0, 50, seed)
                .cases
                .iter()
                .map(|c| c.code.0)
                .collect()
        };
        assert_eq!(codes(1), codes(1));
        assert_ne!(codes(1), codes(2));
    }

    #[test]
    fn every_pair_has_its_boundary_details() {
        let corpus = Corpus::generate(Profile::DOC, 0, 0);
        let codes: HashSet<u32> = corpus.cases.iter().map(|c| c.code.0).collect();
        for area in 0..=15 {
            for category in 0..=255 {
                for detail in [0, 1, 0x7FFFF, 0x80000, 0xFFFFF] {
                    assert!(codes.contains(&Code::compose(area, category, detail).unwrap().0));
                }
            }
        }
        assert!(
            codes.contains(&0xB020_0259),
            "named details are boundaries too"
        );
    }

    #[test]
    fn shards_cover_the_corpus_exactly_once() {
        let whole = Corpus::generate(Profile::DOC, 37, 3);
        for n in 1..=7 {
            let mut seen: Vec<String> = (1..=n)
                .flat_map(|k| whole.clone().shard(k, n).unwrap().cases)
                .map(|c| c.id())
                .collect();
            seen.sort();
            let mut all: Vec<String> = whole.cases.iter().map(Case::id).collect();
            all.sort();
            assert_eq!(seen, all, "{n} shards");
        }
        assert!(whole.clone().shard(0, 3).is_err());
        assert!(whole.clone().shard(4, 3).is_err());
        assert!(whole.clone().shard(1, 0).is_err());
        let cases = whole.cases.len();
        assert_eq!(
            whole
                .clone()
                .shard(cases as u32, 30_000)
                .unwrap()
                .cases
                .len(),
            1
        );
        assert_eq!(
            whole.shard(cases as u32 + 1, 30_000).unwrap_err(),
            ShardError::Empty {
                k: cases + 1,
                n: 30_000,
                cases
            }
        );
    }

    #[test]
    fn silent_fields_are_implementation_defined() {
        let case = Case::new(Origin::Boundary, Code(0x7070_0000)).expect(Profile::DOC);
        for field in [
            FieldName::Message,
            FieldName::AreaName,
            FieldName::CategoryName,
        ] {
            assert_eq!(case.fields[field], Expected::ImplementationDefined);
        }
        assert_eq!(case.fields[FieldName::Name], Expected::Null);
        let case = Case::new(Origin::Boundary, Code(0x2000_0000)).expect(Profile::AMP_2_3_0);
        assert_eq!(
            case.fields[FieldName::Message],
            Expected::ImplementationDefined
        );
        assert_eq!(
            case.fields[FieldName::CategoryName],
            Expected::Text("MEDIA_ERR_CUSTOM")
        );
    }
}
