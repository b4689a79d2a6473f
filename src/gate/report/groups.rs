//! A failing group in words: what failed, on which categories and areas, of which class.
//!
//! A decoder that gets one rule wrong fails thousands of cases; the group's summary says
//! the rule ("category wrong for categories 0x03, 0x05, 0x06, 0xFF in areas 0..6
//! (documented codes)") and its smallest case is the example.

use crate::decode::Class;
use crate::gate::corpus::Corpus;
use crate::render::fold_ranges;

use super::{Example, Failure, Group};

/// A group while the run goes on.
pub(super) struct GroupTally {
    pub count: usize,
    pub categories: [bool; 256],
    pub areas: u16,
    /// (case index, expected, got, detail) of the smallest code.
    pub example: (usize, Option<String>, Option<String>, Option<String>),
}

pub(super) fn build_group(
    corpus: &Corpus,
    reproduce: &dyn Fn(&crate::gate::case::Case) -> String,
    failure: Failure,
    class: Class,
    g: GroupTally,
) -> Group {
    let categories: Vec<u8> = (0..=u8::MAX)
        .filter(|c| g.categories[usize::from(*c)])
        .collect();
    let areas: Vec<u8> = (0..16).filter(|a| g.areas & (1 << a) != 0).collect();
    let (index, expected, got, detail) = g.example;
    let case = &corpus.cases[index];
    let summary = match case.group() {
        // A scenario's failures are grouped by scenario: its name says what failed.
        "" => format!(
            "{} for {} in {} ({})",
            failure_words(failure),
            category_words(&categories),
            area_words(&areas),
            class_words(class)
        ),
        scenario => format!("{scenario}: {}", failure_words(failure)),
    };
    Group {
        failure,
        class,
        count: g.count,
        categories,
        areas,
        summary,
        example: Example {
            id: case.id(),
            code: case.code.0,
            expected,
            got,
            detail,
            // A case that never ran has no failure to reproduce.
            reproduce: (failure != Failure::NotRun).then(|| reproduce(case)),
            context: None,
            index,
        },
    }
}

fn failure_words(failure: Failure) -> String {
    match failure {
        Failure::Mismatch(field) => format!("{field} wrong"),
        Failure::Missing(field) => format!("{field} not sent (required)"),
        Failure::Refused => "refused".to_string(),
        Failure::Crash => "crashed".to_string(),
        Failure::Timeout => "timed out".to_string(),
        Failure::ProtocolError => "protocol error".to_string(),
        Failure::NotRun => "not run".to_string(),
        Failure::UnexpectedPass(Some(field)) => format!("{field} listed as failing but passes"),
        Failure::UnexpectedPass(None) => "listed as failing but passes".to_string(),
    }
}

fn class_words(class: Class) -> &'static str {
    match class {
        Class::Documented => "documented codes",
        Class::UndocumentedDetail => "undocumented details",
        Class::UnknownCategory => "unknown categories",
        Class::ReservedArea => "reserved areas",
    }
}

fn category_words(categories: &[u8]) -> String {
    const LISTED: usize = 12;
    let folded = fold_ranges(categories, |c| format!("{c:#04X}"));
    match folded.len() {
        1 if categories.len() == 1 => format!("category {}", folded[0]),
        n if n <= LISTED => format!("categories {}", folded.join(", ")),
        _ => format!(
            "categories {}, ... ({} categories)",
            folded[..LISTED].join(", "),
            categories.len()
        ),
    }
}

fn area_words(areas: &[u8]) -> String {
    match areas.len() {
        16 => "all 16 areas".to_string(),
        1 => format!("area {}", areas[0]),
        _ => format!("areas {}", fold_ranges(areas, |a| a.to_string()).join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gate::corpus::Expected;

    #[test]
    fn words_fold_ranges() {
        assert_eq!(category_words(&[3, 5, 255]), "categories 0x03, 0x05, 0xFF");
        assert_eq!(category_words(&[7, 8, 9]), "categories 0x07..0x09");
        assert_eq!(category_words(&[5, 6]), "categories 0x05, 0x06");
        assert_eq!(category_words(&[2]), "category 0x02");
        assert_eq!(area_words(&(0..16).collect::<Vec<_>>()), "all 16 areas");
        assert_eq!(area_words(&[0, 1, 2, 9]), "areas 0..2, 9");
    }

    #[test]
    fn expected_json_forms() {
        assert_eq!(Expected::Text("a\"b").to_json(), "\"a\\\"b\"");
        assert_eq!(Expected::Null.to_json(), "null");
    }
}
