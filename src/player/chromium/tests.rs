//! Chromium's side of the seam: the protocol's encodings, and a network policy applied by
//! interception (in Chromium: skipped with none on PATH, except under `CI=true`).

use std::path::PathBuf;
use std::sync::Arc;

use super::cdp::{base64_decoded, base64_encoded};
use super::*;
use crate::player::browser::Tab;
use crate::player::network::{Answer, Failure, NetworkPolicy, Rule, UrlPattern};

#[test]
fn base64_is_decoded_and_encoded() {
    assert_eq!(base64_decoded("aGVsbG8="), Some(b"hello".to_vec()));
    assert_eq!(base64_decoded("aGVsbG8h"), Some(b"hello!".to_vec()));
    assert_eq!(base64_decoded(""), Some(Vec::new()));
    assert_eq!(base64_decoded("aGV*"), None);
    assert_eq!(base64_encoded(b"hello"), "aGVsbG8=");
    assert_eq!(base64_encoded(b"hello!"), "aGVsbG8h");
    assert_eq!(base64_encoded(b"hi"), "aGk=");
    assert_eq!(base64_encoded(b""), "");
    let bytes: Vec<u8> = (0..=255).collect();
    assert_eq!(base64_decoded(&base64_encoded(&bytes)), Some(bytes));
}

/// What `fetch` of `url` gives the page: `<status> <body>`, or `failed`.
fn fetched(tab: &ChromiumTab, url: &str) -> String {
    let fetch = format!(
        "fetch({url:?}).then(function (r) {{ return r.text().then(function (t) \
         {{ return r.status + ' ' + t; }}); }}, function () {{ return 'failed'; }})"
    );
    tab.evaluate(&fetch).unwrap()
}

#[test]
fn interception_answers_as_the_policy_decides() {
    let Some(executable) = find_browser() else {
        assert!(std::env::var("CI").is_err(), "chromium is required in CI");
        eprintln!("SKIPPED: no chromium on PATH: the network policy was not applied");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), "<p>the page</p>").unwrap();
    let mut network = NetworkPolicy::own_files(vec![dir.path().to_path_buf()]);
    let cors = ("Access-Control-Allow-Origin".to_string(), "*".to_string());
    network.rules = vec![
        Rule {
            matches: UrlPattern::Exact("https://cdn.example/manifest".to_string()),
            answer: Answer::Status {
                status: 404,
                headers: vec![cors],
                body: b"no such manifest".to_vec(),
            },
        },
        Rule {
            matches: UrlPattern::Prefix("https://cdn.example/fragments/".to_string()),
            answer: Answer::Fail(Failure::ConnectionReset),
        },
    ];
    let launch = Launch {
        executable,
        network: Arc::new(network),
    };
    let chromium = Chromium::start(&launch).unwrap();
    let tab = chromium.tab();
    let page = PathBuf::from(dir.path()).join("index.html");
    tab.navigate(&format!("file://{}", page.display())).unwrap();
    tab.wait_until_navigated().unwrap();
    assert_eq!(tab.evaluate("document.body.innerText").unwrap(), "the page");
    assert_eq!(
        fetched(tab, "https://cdn.example/manifest"),
        "404 no such manifest"
    );
    assert_eq!(fetched(tab, "https://cdn.example/fragments/1"), "failed");
    assert_eq!(fetched(tab, "https://elsewhere.example/x"), "failed");
    // Only what the policy refused is noted: a rule's answer is the page's network.
    let events = chromium.events().lock().unwrap();
    assert_eq!(
        events.blocked.items,
        ["https://elsewhere.example/x: refused (no network)"]
    );
}
