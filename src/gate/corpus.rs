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

use crate::catalog::{Field, Profile};
use crate::code::Code;
use crate::decode::{Class, decode};
use crate::gate::protocol::FieldName;

/// The corpus generator's version: a change to what cases are generated bumps it.
pub const VERSION: u32 = 1;

/// Where a case comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    Documented,
    Boundary,
    Random,
}

impl Origin {
    pub fn id(self) -> &'static str {
        match self {
            Origin::Documented => "documented",
            Origin::Boundary => "boundary",
            Origin::Random => "random",
        }
    }
}

/// What the oracle expects for one field of a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expected {
    Int(u32),
    Text(&'static str),
    Null,
    /// The profile's source is silent: any answer is accepted and recorded.
    ImplementationDefined,
}

impl Expected {
    fn from_field(field: Field<&'static str>) -> Expected {
        match field {
            Field::Value(text) => Expected::Text(text),
            Field::Null => Expected::Null,
            Field::ImplementationDefined(_) => Expected::ImplementationDefined,
        }
    }

    /// The expected value as JSON, for reports.
    pub fn to_json(self) -> String {
        match self {
            Expected::Int(n) => n.to_string(),
            // A &str always serializes.
            Expected::Text(text) => serde_json::to_string(text).unwrap_or_default(),
            Expected::Null => "null".to_string(),
            Expected::ImplementationDefined => "(implementation-defined)".to_string(),
        }
    }
}

/// One case: a code and what the oracle expects of each field.
#[derive(Clone, Debug)]
pub struct Case {
    pub origin: Origin,
    pub code: Code,
    pub class: Class,
    /// Indexed by [`FieldName`] as usize.
    pub expected: [Expected; 7],
    /// Other names of the value that are accepted for `name`.
    pub aliases: &'static [String],
}

impl Case {
    pub fn new(origin: Origin, code: Code, profile: Profile) -> Case {
        let d = decode(code, profile);
        let mut expected = [Expected::Null; 7];
        expected[FieldName::Area as usize] = Expected::Int(code.area().into());
        expected[FieldName::Category as usize] = Expected::Int(code.category().into());
        expected[FieldName::Detail as usize] = Expected::Int(code.detail());
        expected[FieldName::Name as usize] = d.name().map_or(Expected::Null, Expected::Text);
        expected[FieldName::Message as usize] = Expected::from_field(d.message());
        expected[FieldName::AreaName as usize] = Expected::from_field(d.area_name());
        expected[FieldName::CategoryName as usize] = Expected::from_field(d.category_name());
        Case {
            origin,
            code,
            class: d.class(),
            expected,
            aliases: d.aliases(),
        }
    }

    /// The stable id, e.g. `documented/0x20200194`.
    pub fn id(&self) -> String {
        format!("{}/{}", self.origin.id(), self.code)
    }

    pub fn expected(&self, field: FieldName) -> Expected {
        self.expected[field as usize]
    }
}

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

impl Corpus {
    /// Generates the corpus of a profile, with `random` extra codes drawn from `seed`.
    pub fn generate(profile: Profile, random: u32, seed: u64) -> Corpus {
        let mut seen = HashSet::new();
        let mut cases = Vec::new();
        // Adds a code not yet in the corpus; says whether it did.
        let mut add = |origin, code: Code| {
            let new = seen.insert(code.0);
            if new {
                cases.push(Case::new(origin, code, profile));
            }
            new
        };
        let catalog = profile.catalog();
        for entry in catalog.entries() {
            for area in 0..=Code::AREA_MAX {
                add(
                    Origin::Documented,
                    Code(u32::from(area) << Code::AREA_SHIFT | entry.value),
                );
            }
        }
        for area in 0..=Code::AREA_MAX {
            for category in 0..=u8::MAX {
                for detail in boundary_details(profile, category) {
                    add(
                        Origin::Boundary,
                        Code::compose(area, category, detail).unwrap_or(Code(0)),
                    );
                }
            }
        }
        let mut rng = SplitMix64(seed);
        let mut drawn = 0;
        while drawn < random {
            // A random code already in the corpus is drawn again, so N random cases are new.
            if add(Origin::Random, Code(rng.next_u32())) {
                drawn += 1;
            }
        }
        Corpus {
            profile,
            random,
            seed,
            shard: None,
            cases,
        }
    }

    /// A corpus of one case, for judging codes one at a time (differential fuzzing).
    pub fn one(profile: Profile, code: u32) -> Corpus {
        Corpus {
            profile,
            random: 0,
            seed: 0,
            shard: None,
            cases: vec![Case::new(Origin::Random, Code(code), profile)],
        }
    }

    /// Shard `k` of `n` (1-based): every n-th case from the k-th. The `n` shards together
    /// hold every case exactly once, each spread over the whole corpus.
    pub fn shard(mut self, k: u32, n: u32) -> Result<Corpus, ShardError> {
        if n == 0 || k == 0 || k > n {
            return Err(ShardError { k, n });
        }
        let (k, n) = (k as usize, n as usize);
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

/// A shard that is not `K/N` with 1 <= K <= N.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("shard {k}/{n} does not exist: give K/N with 1 <= K <= N, e.g. 2/4")]
pub struct ShardError {
    pub k: u32,
    pub n: u32,
}

/// 0, 1, each named detail of the category, 0x7FFFF, 0x80000, 0xFFFFF.
fn boundary_details(profile: Profile, category: u8) -> Vec<u32> {
    let named = profile
        .catalog()
        .entries()
        .iter()
        .filter(|e| Code(e.value).category() == category)
        .map(|e| Code(e.value).detail());
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_codes_appear_once() {
        let corpus = Corpus::generate(Profile::Doc, 100, 7);
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
            Corpus::generate(Profile::Amp230, 50, seed)
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
        let corpus = Corpus::generate(Profile::Doc, 0, 0);
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
        let whole = Corpus::generate(Profile::Doc, 37, 3);
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
        assert!(whole.shard(1, 0).is_err());
    }

    #[test]
    fn silent_fields_are_implementation_defined() {
        let case = Case::new(Origin::Boundary, Code(0x7070_0000), Profile::Doc);
        for field in [
            FieldName::Message,
            FieldName::AreaName,
            FieldName::CategoryName,
        ] {
            assert_eq!(case.expected(field), Expected::ImplementationDefined);
        }
        assert_eq!(case.expected(FieldName::Name), Expected::Null);
        let case = Case::new(Origin::Boundary, Code(0x2000_0000), Profile::Amp230);
        assert_eq!(
            case.expected(FieldName::Message),
            Expected::ImplementationDefined
        );
        assert_eq!(
            case.expected(FieldName::CategoryName),
            Expected::Text("MEDIA_ERR_CUSTOM")
        );
    }
}
