//! What the page's requests get, as a value.
//!
//! The page runs with no network: its own files load, and so does data it made itself
//! (`data:`, `blob:`, `about:`); every other request is refused, and the report notes it.
//! A [`NetworkPolicy`] says so, and can say more: [`Rule`]s that answer a request as a
//! server or a network would (a status and a body, a connection that fails), what a gate
//! of network faults needs. [`NetworkPolicy::decide`] depends on the URL alone (and, for
//! the page's own files, on where their links lead), so the policy is tested here with no
//! browser; the browser's request interception applies each decision.

use std::borrow::Cow;
use std::path::{Component, PathBuf};
use std::sync::Arc;

use super::media::Media;

/// Where a page served over `https:` lives (`check-faults`): its own files are under
/// `/files/<absolute path>`, the streams under `/media/<case>/<path>`. A name that exists
/// nowhere: every request for it is answered by amperr.
pub const SERVED: &str = "https://amperr.test";

/// What the page's requests get.
#[derive(Clone, Debug, Default)]
pub struct NetworkPolicy {
    /// Directories whose files the page may load, as they are (canonical paths).
    pub own: Vec<PathBuf>,
    /// Requests answered by a rule, the first that matches; before the page's own files,
    /// so a rule can stand in for one.
    pub rules: Vec<Rule>,
    /// The page's own files are served at [`SERVED`] too (a page that must be on `https:`).
    pub served: bool,
    /// The streams a fault scenario's player is given, with its faults.
    pub media: Option<Arc<Media>>,
}

/// Answers the requests whose URL `matches` with `answer`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub matches: UrlPattern,
    pub answer: Answer,
}

/// Which URLs a rule answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UrlPattern {
    /// This URL, to the letter.
    Exact(String),
    /// Every URL that begins so.
    Prefix(String),
}

/// What a rule answers a request with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// A response: its status (404, 500, ... or 200 with a garbage body), its headers and
    /// its body.
    Status {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// No response: the request fails as the network failed it.
    Fail(Failure),
    /// No response, ever: the request stays pending.
    Hang,
}

/// How a request fails without a response (Chromium's network error reasons).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Failure {
    Failed,
    Aborted,
    TimedOut,
    ConnectionClosed,
    ConnectionReset,
    ConnectionRefused,
    ConnectionFailed,
    NameNotResolved,
    InternetDisconnected,
}

/// What one request gets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision<'a> {
    /// It loads, as it would with no interception (the page's own files, its own data).
    Load,
    /// A rule (or amperr's server of the page's files and streams) answers it.
    Answer(Cow<'a, Answer>),
    /// It is refused, and noted: why, in words for "<url>: refused (<why>)".
    Refuse(&'static str),
}

/// Why a request for another file than the page's own is refused.
const NOT_OWN: &str = "not one of the page's own files";
/// Why a request off the machine is refused.
const NO_NETWORK: &str = "no network";

impl NetworkPolicy {
    /// The page's own files (those under `directories`, wherever their links lead) and
    /// nothing else: no rule.
    pub fn own_files(directories: Vec<PathBuf>) -> NetworkPolicy {
        let own = directories
            .into_iter()
            .map(|dir| std::fs::canonicalize(&dir).unwrap_or(dir))
            .collect();
        NetworkPolicy {
            own,
            ..NetworkPolicy::default()
        }
    }

    /// What a request for `url` gets: the first rule that matches answers it; else the
    /// page's own data and files load; else it is refused.
    pub fn decide(&self, url: &str) -> Decision<'_> {
        if let Some(rule) = self.rules.iter().find(|rule| rule.matches.matches(url)) {
            return Decision::Answer(Cow::Borrowed(&rule.answer));
        }
        if let Some(media) = &self.media {
            if let Some(answer) = media.answer(url) {
                return Decision::Answer(Cow::Owned(answer));
            }
        }
        if self.served && url == format!("{SERVED}/favicon.ico") {
            // The browser's own ask for a served page's icon: the page asked for nothing.
            return Decision::Answer(Cow::Owned(Answer::Status {
                status: 404,
                headers: Vec::new(),
                body: Vec::new(),
            }));
        }
        if let Some(path) = url
            .strip_prefix(SERVED)
            .and_then(|p| p.strip_prefix("/files"))
        {
            if self.served {
                return match self.refusal(&format!("file://{path}")) {
                    Some(why) => Decision::Refuse(why),
                    None => Decision::Answer(Cow::Owned(own_file(path))),
                };
            }
        }
        match self.refusal(url) {
            None => Decision::Load,
            Some(why) => Decision::Refuse(why),
        }
    }

    /// Why a URL is refused, or `None` for the page's own: a file under an own directory
    /// (wherever its links lead), or data the page made itself.
    fn refusal(&self, url: &str) -> Option<&'static str> {
        if ["data:", "blob:", "about:"]
            .iter()
            .any(|s| url.starts_with(s))
        {
            return None;
        }
        let Some(path) = url.strip_prefix("file://") else {
            return Some(NO_NETWORK);
        };
        let path = PathBuf::from(percent_decoded(
            path.split(['?', '#']).next().unwrap_or(path),
        ));
        // `..` could climb out of an own directory, and a link lead out of it.
        let climbs = path.components().any(|c| c == Component::ParentDir);
        let path = std::fs::canonicalize(&path).unwrap_or(path);
        match !climbs && self.own.iter().any(|dir| path.starts_with(dir)) {
            true => None,
            false => Some(NOT_OWN),
        }
    }
}

/// One of the page's own files, served over `https:` (its path as in a `file:` URL).
fn own_file(path: &str) -> Answer {
    let path = percent_decoded(path.split(['?', '#']).next().unwrap_or(path));
    let body = match std::fs::metadata(&path) {
        Ok(meta) if meta.is_file() => std::fs::read(&path).ok(),
        _ => None,
    };
    let Some(body) = body else {
        return Answer::Status {
            status: 404,
            headers: Vec::new(),
            body: b"not found".to_vec(),
        };
    };
    let ext = path.rsplit_once('.').map_or("", |(_, ext)| ext);
    let content_type = match ext {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    };
    Answer::Status {
        status: 200,
        headers: vec![("Content-Type".to_string(), content_type.to_string())],
        body,
    }
}

impl UrlPattern {
    /// Whether `url` is one this pattern names.
    pub fn matches(&self, url: &str) -> bool {
        match self {
            UrlPattern::Exact(exact) => url == exact,
            UrlPattern::Prefix(prefix) => url.starts_with(prefix.as_str()),
        }
    }
}

/// A URL path with its `%XX` escapes decoded (as bytes, then lossily as UTF-8).
pub(super) fn percent_decoded(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).and_then(|b| hex(*b)),
            bytes.get(i + 2).and_then(|b| hex(*b)),
        ) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The policy of a page whose files are under `/build/player` (no such directory:
    /// the paths stay as they are).
    fn own() -> NetworkPolicy {
        NetworkPolicy::own_files(vec![PathBuf::from("/build/player")])
    }

    #[test]
    fn only_the_pages_own_files_are_local() {
        let policy = own();
        assert_eq!(policy.decide("file:///build/player/amp.js"), Decision::Load);
        let escaped = "file:///build/player/skins/a%20b.css?x=1";
        assert_eq!(policy.decide(escaped), Decision::Load);
        assert_eq!(policy.decide("data:text/plain,hi"), Decision::Load);
        assert_eq!(policy.decide("blob:null/1234"), Decision::Load);
        let elsewhere = Decision::Refuse("not one of the page's own files");
        assert_eq!(
            policy.decide("file:///build/player/../../etc/passwd"),
            elsewhere
        );
        assert_eq!(policy.decide("file:///build/other/amp.js"), elsewhere);
        let network = Decision::Refuse("no network");
        let cdn = "https://amp.azure.net/libs/amp/2.3.0/azuremediaplayer.min.js";
        assert_eq!(policy.decide(cdn), network);
        assert_eq!(policy.decide("ws://127.0.0.1:9222/"), network);
    }

    #[test]
    fn a_link_out_of_an_own_directory_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let (own, outside) = (dir.path().join("own"), dir.path().join("outside"));
        std::fs::create_dir(&own).unwrap();
        std::fs::create_dir(&outside).unwrap();
        std::fs::write(outside.join("secret.js"), "").unwrap();
        std::os::unix::fs::symlink(outside.join("secret.js"), own.join("link.js")).unwrap();
        std::fs::write(own.join("amp.js"), "").unwrap();
        let policy = NetworkPolicy::own_files(vec![own.clone()]);
        let url = |path: PathBuf| format!("file://{}", path.display());
        assert_eq!(policy.decide(&url(own.join("amp.js"))), Decision::Load);
        assert_eq!(
            policy.decide(&url(own.join("link.js"))),
            Decision::Refuse("not one of the page's own files")
        );
    }

    #[test]
    fn rules_answer_before_anything_else_the_first_that_matches() {
        let not_found = Answer::Status {
            status: 404,
            headers: vec![("Content-Type".to_string(), "text/plain".to_string())],
            body: b"no such manifest".to_vec(),
        };
        let reset = Answer::Fail(Failure::ConnectionReset);
        let manifest = "https://cdn.example/video.ism/manifest";
        let mut policy = own();
        policy.rules = vec![
            Rule {
                matches: UrlPattern::Exact(manifest.to_string()),
                answer: not_found.clone(),
            },
            Rule {
                matches: UrlPattern::Prefix("https://cdn.example/".to_string()),
                answer: reset.clone(),
            },
            Rule {
                matches: UrlPattern::Exact("file:///build/player/amp.js".to_string()),
                answer: Answer::Fail(Failure::TimedOut),
            },
        ];
        assert_eq!(
            policy.decide(manifest),
            Decision::Answer(Cow::Borrowed(&not_found))
        );
        let fragment = "https://cdn.example/video.ism/QualityLevels(1)";
        assert_eq!(
            policy.decide(fragment),
            Decision::Answer(Cow::Borrowed(&reset))
        );
        // An exact URL is not a prefix of a longer one.
        assert_eq!(
            policy.decide(&format!("{manifest}(format=mpd)")),
            Decision::Answer(Cow::Borrowed(&reset))
        );
        // A rule can stand in for one of the page's own files.
        assert_eq!(
            policy.decide("file:///build/player/amp.js"),
            Decision::Answer(Cow::Borrowed(&Answer::Fail(Failure::TimedOut)))
        );
        // What no rule answers is decided as with none.
        assert_eq!(policy.decide("file:///build/player/a.css"), Decision::Load);
        let other = "https://other.example/";
        assert_eq!(policy.decide(other), Decision::Refuse("no network"));
    }

    #[test]
    fn a_served_page_gets_its_own_files_over_https_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let own = std::fs::canonicalize(dir.path()).unwrap();
        std::fs::write(own.join("amp.js"), "var amp;").unwrap();
        fn served<'a>(policy: &'a NetworkPolicy, path: &str) -> Decision<'a> {
            policy.decide(&format!("{SERVED}/files{path}"))
        }
        let mut policy = NetworkPolicy::own_files(vec![own.clone()]);
        let file = format!("{}/amp.js", own.display());
        assert_eq!(
            served(&policy, &file),
            Decision::Refuse("no network"),
            "not served"
        );
        policy.served = true;
        let Decision::Answer(answer) = served(&policy, &file) else {
            panic!("{:?}", served(&policy, &file))
        };
        let Answer::Status {
            status: 200,
            headers,
            body,
        } = answer.into_owned()
        else {
            panic!()
        };
        assert_eq!(body, b"var amp;");
        assert_eq!(headers[0].1, "text/javascript; charset=utf-8");
        assert_eq!(
            served(&policy, "/etc/hostname"),
            Decision::Refuse("not one of the page's own files")
        );
        let icon = policy.decide(&format!("{SERVED}/favicon.ico"));
        assert!(
            matches!(icon, Decision::Answer(a) if matches!(*a, Answer::Status { status: 404, .. }))
        );
        assert_eq!(
            policy.decide("https://amperr.test.evil/x"),
            Decision::Refuse("no network")
        );
    }

    #[test]
    fn the_default_policy_is_the_page_alone() {
        let policy = NetworkPolicy::default();
        assert_eq!(policy.decide("data:,x"), Decision::Load);
        assert_eq!(
            policy.decide("file:///anything"),
            Decision::Refuse("not one of the page's own files")
        );
    }
}
