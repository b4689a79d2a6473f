//! What each request of a scenario gets: the stream's file, or the scenario's fault when
//! the request is the one it targets.
//!
//! Pure but for the [`Traffic`] it counts: the browser's interception asks, a test asks
//! the same way with no browser.

use super::scenario::{Fault, Scenario, Target, What};
use super::stream::Stream;

/// What one request gets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    /// A response.
    Body {
        status: u16,
        content_type: &'static str,
        body: Vec<u8>,
    },
    Closed,
    Refused,
    Reset,
    /// No answer, ever.
    Hang,
}

/// What the player asked for in one scenario, and what the fault hit.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Traffic {
    pub requests: u32,
    /// The requests the fault hit.
    pub hits: u32,
    /// The first request the fault hit: its number (from 1) and path.
    pub first_hit: Option<(u32, String)>,
    /// The distinct media segments asked for, in order (the Nth is segment N).
    segments: Vec<String>,
}

impl Traffic {
    /// What reports need of it: the counts and the first hit, not the segments seen.
    pub fn summary(&self) -> Traffic {
        Traffic {
            requests: self.requests,
            hits: self.hits,
            first_hit: self.first_hit.clone(),
            segments: Vec::new(),
        }
    }

    /// In words, for a report: `the fault (manifest: http 404) hit request 1 of 7
    /// (smooth/x.ism/manifest(...)) and 6 more`.
    pub fn words(&self, fault: &Fault) -> String {
        let made = crate::render::plural(self.requests as usize, "request");
        match &self.first_hit {
            None if self.requests == 0 => {
                format!("the player made no request (the fault: {fault})")
            }
            None => format!("the fault ({fault}) hit none of the player's {made}"),
            Some((n, path)) => {
                let more = match self.hits {
                    0 | 1 => String::new(),
                    hits => format!(" and {} more", hits - 1),
                };
                format!(
                    "the fault ({fault}) hit request {n} of {} ({path}){more}",
                    self.requests
                )
            }
        }
    }
}

/// How many distinct media segments a scenario's traffic remembers.
const SEGMENTS: usize = 256;

/// The body a fault of kind garbage gets: not a manifest, not media.
const GARBAGE: &[u8] =
    b"<SmoothStreamingMedia garbage \x00\x01\x02\xff amperr: this is not what was asked for";

impl Scenario {
    /// The reply to a request for `path` (below the stream directory), counted in `traffic`.
    pub fn reply(&self, stream: &Stream, traffic: &mut Traffic, path: &str) -> Reply {
        traffic.requests += 1;
        let hit = match &self.fault {
            Fault::On { target, what } if self.targets(target, traffic, path) => Some(*what),
            _ => None,
        };
        let file = stream.file(path);
        let Some(what) = hit else {
            return served(path, file);
        };
        traffic.hits += 1;
        if traffic.first_hit.is_none() {
            traffic.first_hit = Some((traffic.requests, path.to_string()));
        }
        faulty(what, path, file)
    }

    /// Whether the request for `path` is the one `target` names.
    fn targets(&self, target: &Target, traffic: &mut Traffic, path: &str) -> bool {
        let name = path.rsplit('/').next().unwrap_or(path);
        let manifest = path == self.path
            || path
                .strip_prefix(self.path.as_str())
                .is_some_and(|rest| rest.starts_with('('));
        let (init, key, license) = (name.contains("init"), name == "key", name == "license");
        let segment = !(manifest || init || key || license);
        // A build that asks for ever more URLs must not grow this without bound: past
        // SEGMENTS distinct ones, later segments are not counted (no fault names one).
        if segment
            && traffic.segments.len() < SEGMENTS
            && !traffic.segments.iter().any(|s| s == path)
        {
            traffic.segments.push(path.to_string());
        }
        match target {
            Target::Manifest => manifest,
            Target::Init => init,
            Target::Key => key,
            Target::License => license,
            Target::Segment(n) => {
                segment
                    && traffic
                        .segments
                        .get(*n as usize - 1)
                        .is_some_and(|s| s == path)
            }
            Target::Url(text) => path.contains(text.as_str()),
        }
    }
}

/// The file as it is: 200, or 404 where the stream has none.
fn served(path: &str, file: Option<Vec<u8>>) -> Reply {
    match file {
        Some(body) => Reply::Body {
            status: 200,
            content_type: content_type(path),
            body,
        },
        None => Reply::Body {
            status: 404,
            content_type: "text/plain",
            body: b"amperr: no such file in the stream".to_vec(),
        },
    }
}

fn faulty(what: What, path: &str, file: Option<Vec<u8>>) -> Reply {
    let ok = |body: Vec<u8>| Reply::Body {
        status: 200,
        content_type: content_type(path),
        body,
    };
    match what {
        What::Status(status) => Reply::Body {
            status,
            content_type: "text/plain",
            body: format!("amperr: HTTP {status}").into_bytes(),
        },
        What::Closed => Reply::Closed,
        What::Refused => Reply::Refused,
        What::Reset => Reply::Reset,
        What::Hang => Reply::Hang,
        What::Garbage => ok(GARBAGE.to_vec()),
        What::Truncated => {
            let mut body = file.unwrap_or_default();
            body.truncate(body.len() / 2);
            ok(body)
        }
        What::Corrupt => {
            let mut body = file.unwrap_or_default();
            for byte in body.iter_mut().take(72).skip(8) {
                *byte ^= 0x5a;
            }
            ok(body)
        }
    }
}

/// The content type of a stream's file, by its name.
fn content_type(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    let ext = name.rsplit_once('.').map_or("", |(_, ext)| ext);
    match ext {
        "mpd" => "application/dash+xml",
        "m3u8" => "application/vnd.apple.mpegurl",
        "mp4" | "m4s" => "video/mp4",
        _ if name.starts_with("manifest(") => "application/dash+xml",
        _ if name == "manifest" => "application/vnd.ms-sstr+xml",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::faults::file::default_set;

    fn named(name: &str) -> Scenario {
        default_set().into_iter().find(|s| s.name == name).unwrap()
    }

    fn status(reply: &Reply) -> u16 {
        match reply {
            Reply::Body { status, .. } => *status,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_manifest_fault_hits_every_form_of_the_manifest_and_nothing_else() {
        let scenario = named("manifest-http-404");
        let stream = Stream::builtin();
        let mut traffic = Traffic::default();
        let asked = "smooth/x.ism/manifest(format=mpd-time-csf)";
        for _ in 0..7 {
            assert_eq!(status(&scenario.reply(&stream, &mut traffic, asked)), 404);
        }
        assert_eq!(
            status(&scenario.reply(&stream, &mut traffic, "dash/init.mp4")),
            200
        );
        assert_eq!((traffic.requests, traffic.hits), (8, 7));
        assert_eq!(
            traffic.words(&scenario.fault),
            format!("the fault (manifest: http 404) hit request 1 of 8 ({asked}) and 6 more")
        );
    }

    #[test]
    fn a_segment_fault_hits_the_nth_distinct_segment_and_its_retries() {
        let scenario = named("segment-http-403");
        let stream = Stream::builtin();
        let mut traffic = Traffic::default();
        let mut get = |path: &str| status(&scenario.reply(&stream, &mut traffic, path));
        assert_eq!(get("dash/x.mpd"), 200);
        assert_eq!(get("dash/init.mp4"), 200);
        assert_eq!(get("dash/seg-1.m4s"), 200);
        assert_eq!(get("dash/seg-2.m4s"), 403);
        assert_eq!(get("dash/seg-2.m4s"), 403, "a retry is the same segment");
        assert_eq!(get("dash/seg-1.m4s"), 200);
        assert_eq!(traffic.first_hit, Some((4, "dash/seg-2.m4s".to_string())));
    }

    #[test]
    fn bodies_that_are_wrong() {
        let stream = Stream::builtin();
        let whole = stream.file("dash/seg-2.m4s").unwrap();
        let corrupt = named("segment-corrupt");
        let mut traffic = Traffic::default();
        for path in ["dash/x.mpd", "dash/init.mp4", "dash/seg-1.m4s"] {
            corrupt.reply(&stream, &mut traffic, path);
        }
        let Reply::Body { body, .. } = corrupt.reply(&stream, &mut traffic, "dash/seg-2.m4s")
        else {
            panic!()
        };
        assert_eq!(body.len(), whole.len());
        assert_eq!(body[..8], whole[..8]);
        assert_ne!(body[8..72], whole[8..72]);
        assert_eq!(body[72..], whole[72..]);
        let garbage = named("manifest-garbage");
        let reply = garbage.reply(&stream, &mut Traffic::default(), "smooth/x.ism/manifest");
        assert!(matches!(reply, Reply::Body { status: 200, ref body, .. } if body == GARBAGE));
    }

    #[test]
    fn network_faults_and_missing_files() {
        let stream = Stream::builtin();
        let path = "smooth/x.ism/manifest";
        let mut traffic = Traffic::default();
        assert_eq!(
            named("manifest-timeout").reply(&stream, &mut traffic, path),
            Reply::Hang
        );
        assert_eq!(
            named("manifest-dropped").reply(&stream, &mut traffic, path),
            Reply::Closed
        );
        let none = named("no-tech-flash");
        assert_eq!(
            status(&none.reply(&stream, &mut traffic, "no/such/file")),
            404
        );
        assert_eq!(
            Traffic::default().words(&none.fault),
            "the player made no request (the fault: none)"
        );
    }
}
