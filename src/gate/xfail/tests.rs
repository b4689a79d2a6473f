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
    let ok = Xfail::parse("[[xfail]]\ncase = \"x\"\nfield = \"*\"\nreason = \"r\"\n")
        .ok()
        .unwrap();
    assert_eq!(ok.entries[0].scope, Scope::Any);
    assert!(matches!(
        Xfail::parse("[[xfail]]\ncase = \"x\"\nfield = \"nme\"\nreason = \"r\"\n"),
        Err(ParseError::Field { entry: 1, .. })
    ));
    assert!(matches!(
        Xfail::parse("[[xfail]]\ncase = 1\n"),
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
    let text = baseline(&corpus, &failures, "r");
    let entries = Xfail::parse(&text).ok().unwrap().entries;
    let patterns: Vec<&str> = entries.iter().map(|e| e.case.as_str()).collect();
    assert_eq!(patterns, ["documented/0x20200194", "boundary/0x?03?????"]);
}
