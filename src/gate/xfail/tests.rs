use super::*;
use crate::catalog::Profile;

#[test]
fn glob() {
    assert!(glob_match("boundary/0x?03?????", "boundary/0x20300001"));
    assert!(!glob_match("boundary/0x?03?????", "boundary/0x20400001"));
    assert!(glob_match("*", ""));
    assert!(glob_match("doc*/0x*1", "documented/0x20200191"));
    assert!(!glob_match("doc*/0x*1", "documented/0x20200194"));
    assert!(glob_match("a*b*c", "aXXbYYbZc"));
    assert!(!glob_match("a?", "a"));
}

#[test]
fn parse_checks_fields() {
    let ok = Xfail::from_toml("[[xfail]]\ncase = \"x\"\nfield = \"*\"\nreason = \"r\"\n")
        .ok()
        .unwrap();
    assert_eq!(ok.entries[0].scope, Scope::Any);
    assert!(matches!(
        Xfail::from_toml("[[xfail]]\ncase = \"x\"\nfield = \"nme\"\nreason = \"r\"\n"),
        Err(ParseError::Field { entry: 1, .. })
    ));
    assert!(matches!(
        Xfail::from_toml("[[xfail]]\ncase = 1\n"),
        Err(ParseError::Syntax(_))
    ));
}

#[test]
fn baseline_folds_to_the_coarsest_exact_pattern() {
    let corpus = Corpus::generate(Profile::DOC, 0, 0);
    let scope = Scope::Field(FieldName::Category);
    // Every boundary case of category 3, in every area, plus one single case.
    let mut failures: BTreeSet<(usize, Scope)> = corpus
        .cases
        .iter()
        .enumerate()
        .filter(|(_, c)| c.id().starts_with("boundary/") && c.code.category() == 3)
        .map(|(i, _)| (i, scope))
        .collect();
    let single = corpus
        .cases
        .iter()
        .position(|c| c.id() == "documented/0x20200194")
        .unwrap();
    failures.insert((single, scope));
    let text = baseline(&corpus, &failures, "r").unwrap();
    let entries = Xfail::from_toml(&text).ok().unwrap().entries;
    let patterns: Vec<&str> = entries.iter().map(|e| e.case.as_str()).collect();
    assert_eq!(patterns, ["documented/0x20200194", "boundary/0x?03?????"]);
}

#[test]
fn a_baseline_too_large_for_xfail_to_read_is_refused_not_written() {
    // Every other case fails (nothing folds) with a long reason: over the 16 MiB an xfail
    // file may be, so --xfail would refuse what --write-xfail wrote.
    let corpus = Corpus::generate(Profile::DOC, 0, 0);
    let scope = Scope::Field(FieldName::Detail);
    let failures: BTreeSet<(usize, Scope)> = (0..corpus.cases.len())
        .step_by(2)
        .map(|i| (i, scope))
        .collect();
    let reason = "r".repeat(2000);
    let error = baseline(&corpus, &failures, &reason).unwrap_err();
    assert!(error.to_string().contains("16 MiB"), "{error}");
    let fits = baseline(&corpus, &failures, "r").unwrap();
    let entries = Xfail::from_toml(&fits).ok().unwrap().entries.len();
    assert!((1..=failures.len()).contains(&entries), "{entries} entries");
}

thread_local! {
    /// How many times a pattern was tried against an id on this thread.
    static TRIED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Counts `n` patterns tried against an id (called by the matching code).
pub(super) fn tried(n: usize) {
    TRIED.with(|t| t.set(t.get() + n));
}

fn take_tried() -> usize {
    TRIED.with(|t| t.replace(0))
}

/// A list with an entry per `step`-th case id of `corpus` (field "*"), then `extra`.
fn every(corpus: &Corpus, step: usize, extra: &[(&str, &str)]) -> String {
    let ids = corpus.cases.iter().step_by(step).map(|c| (c.id(), "*"));
    let extra = extra.iter().map(|(case, field)| (case.to_string(), *field));
    ids.chain(extra)
        .map(|(case, field)| {
            format!("[[xfail]]\ncase = {case:?}\nfield = {field:?}\nreason = \"r\"\n")
        })
        .collect()
}

#[test]
fn a_long_list_is_matched_by_lookup_not_entry_by_entry() {
    // As a black-box tester found: every 5th case id (4,173 entries) took 22.7 s, every
    // case tried against every entry, on loading and again for the run.
    let corpus = Corpus::generate(Profile::DOC, 0, 0);
    let extra = [
        ("boundary/0x?03?????", "category"),
        ("documented/0x2020019?", "*"),
        ("doc*/0x*1", "name"),
    ];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.toml");
    std::fs::write(&path, every(&corpus, 5, &extra)).unwrap();
    take_tried();
    let xfail = Xfail::load(&path, &corpus).unwrap();
    let ledger = Ledger::new(&xfail, &corpus);
    let tried = take_tried();
    // Loading and the ledger each try a few patterns per case (one lookup per shape of
    // pattern, one match per pattern with a `*`), not one per entry (87 million).
    let cases = corpus.cases.len();
    assert!(
        tried <= 10 * cases,
        "{tried} patterns tried for {cases} cases and {} entries",
        xfail.entries.len()
    );
    assert_eq!(xfail.entries.len(), cases.div_ceil(5) + extra.len());
    drop(ledger);
}

#[test]
fn the_index_finds_what_matching_entry_by_entry_finds() {
    let patterns = [
        "documented/0x20200194",
        "documented/0x20200194",
        "boundary/0x?03?????",
        "boundary/0x203?????",
        "?oundary/0x2030000?",
        "documented/0x2020019?",
        "doc*/0x*1",
        "*",
        "",
        "?",
        "random/*",
        "b?undary/0x*",
        "é?/0x1",
        "nothing/*",
    ];
    let text: String = (patterns.iter().enumerate())
        .map(|(n, case)| {
            let field = ["*", "category", "name"][n % 3];
            format!("[[xfail]]\ncase = {case:?}\nfield = {field:?}\nreason = \"r\"\n")
        })
        .collect();
    let xfail = Xfail::from_toml(&text).unwrap();
    let index = Index::new(&xfail.entries);
    let corpus = Corpus::generate(Profile::AMP_2_3_0, 50, 7);
    let mut ids: Vec<String> = corpus.cases.iter().map(|c| c.id()).collect();
    ids.extend(["", "x", "éx/0x1", "éxx/0x1", "boundary/0x2030000"].map(String::from));
    let mut found = Vec::new();
    for id in &ids {
        index.matching(id, &mut found);
        assert_eq!(found, xfail.matching(id), "{id:?}");
    }
    for (id, expected) in [
        ("", &[7, 8][..]),
        ("x", &[7, 9]),
        ("éx/0x1", &[7, 12]),
        ("documented/0x20200194", &[0, 1, 5, 7]),
        ("boundary/0x20300001", &[2, 3, 4, 7, 11]),
    ] {
        index.matching(id, &mut found);
        assert_eq!(found, expected, "{id:?}");
    }
}

/// The message that refuses an unknown field lists every field an entry may name: a
/// player's (`code_line`, `accessible_description`) too, as `--xfail` takes them.
#[test]
fn an_unknown_field_is_refused_naming_every_field() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("xfail.toml");
    let entry = "[[xfail]]\ncase = \"*\"\nfield = \"code-line\"\nreason = \"r\"\n";
    std::fs::write(&path, entry).unwrap();
    let corpus = Corpus::generate(Profile::DOC, 0, 0);
    let error = Xfail::load(&path, &corpus).unwrap_err().to_string();
    let listed = "field \"code-line\" is not one of area, category, detail, name, message, \
                  area_name, category_name, code_line, accessible_description, error_code or \"*\"";
    assert!(error.ends_with(listed), "{error}");
    for field in FieldName::ALL {
        let entry = format!(
            "[[xfail]]\ncase = \"*\"\nfield = {:?}\nreason = \"r\"\n",
            field.key()
        );
        std::fs::write(&path, entry).unwrap();
        assert!(Xfail::load(&path, &corpus).is_ok(), "{field}");
    }
}
