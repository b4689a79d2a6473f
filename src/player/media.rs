//! The streams a fault scenario's player is given, served by amperr itself: each case of a
//! run has its own URLs (`https://amperr.test/media/<case>/<path>`), so what a request
//! gets depends on its scenario alone, and what the player asked for is counted per case.

use std::collections::HashMap;
use std::sync::Mutex;

use super::network::{Answer, Failure, SERVED};
use crate::faults::serve::{Reply, Traffic};
use crate::faults::stream::Stream;
use crate::faults::{Fault, ScenarioId};
use crate::gate::case::{Case, Stimulus};

/// amperr's server of streams for one player.
#[derive(Debug)]
pub struct Media {
    stream: Stream,
    /// The scenario of each case of the run, by its place in the run, and its traffic.
    run: Mutex<Vec<(ScenarioId, Traffic)>>,
    /// What each scenario's player asked for when it last ran (for reports).
    last: Mutex<HashMap<ScenarioId, Traffic>>,
}

/// Where a mixed-content scenario's source is: the same server, over `http:`.
const PLAIN: &str = "http://amperr.test";

impl Media {
    pub fn new(stream: Stream) -> Media {
        Media {
            stream,
            run: Mutex::default(),
            last: Mutex::default(),
        }
    }

    /// A run of `cases` begins: case `i` is served at `/media/i/`.
    pub fn begin(&self, cases: &[Case]) {
        let scenarios = cases.iter().filter_map(|case| match case.stimulus {
            Stimulus::Fault(id) => Some((id, Traffic::default())),
            _ => None,
        });
        *self.run.lock().unwrap_or_else(|e| e.into_inner()) = scenarios.collect();
    }

    /// The source URL of the case at `position` of the run.
    pub fn source(position: usize, id: ScenarioId) -> String {
        let scenario = id.get();
        let origin = match scenario.fault {
            Fault::MixedContent => PLAIN,
            _ => SERVED,
        };
        format!("{origin}/media/{position}/{}", scenario.path)
    }

    /// What a request for `url` gets, if it is one of the streams'.
    pub fn answer(&self, url: &str) -> Option<Answer> {
        let rest = (url.strip_prefix(SERVED).or_else(|| url.strip_prefix(PLAIN)))?
            .strip_prefix("/media/")?;
        let rest = rest.split(['?', '#']).next().unwrap_or(rest);
        let (position, path) = rest.split_once('/')?;
        let mut run = self.run.lock().unwrap_or_else(|e| e.into_inner());
        let Some((id, traffic)) = position.parse::<usize>().ok().and_then(|p| run.get_mut(p))
        else {
            return Some(not_found());
        };
        let reply = id
            .get()
            .reply(&self.stream, traffic, &percent_decoded(path));
        let (id, traffic) = (*id, traffic.summary());
        drop(run);
        self.last
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id, traffic);
        Some(answer(reply))
    }

    /// What the scenario's player asked for when it last ran.
    pub fn traffic(&self, id: ScenarioId) -> Option<Traffic> {
        self.last.lock().ok()?.get(&id).cloned()
    }
}

/// What the driver is given for the scenarios numbered `numbers` ([`ScenarioId::number`]),
/// the cases `first`, `first + 1`, ... of a run: a JSON array of `{source: {src, type},
/// techOrder}`.
pub fn specs(numbers: &[u32], first: usize) -> String {
    let specs: Vec<serde_json::Value> = (numbers.iter().enumerate())
        .filter_map(|(i, number)| {
            let id = ScenarioId::from_number(*number)?;
            let scenario = id.get();
            Some(serde_json::json!({
                "source": { "src": Media::source(first + i, id), "type": scenario.kind.mime() },
                "techOrder": scenario.tech_order,
            }))
        })
        .collect();
    serde_json::Value::from(specs).to_string()
}

fn not_found() -> Answer {
    Answer::Status {
        status: 404,
        headers: Vec::new(),
        body: b"amperr: no such case in this run".to_vec(),
    }
}

fn answer(reply: Reply) -> Answer {
    match reply {
        Reply::Body {
            status,
            content_type,
            body,
        } => Answer::Status {
            status,
            headers: vec![("Content-Type".to_string(), content_type.to_string())],
            body,
        },
        Reply::Closed => Answer::Fail(Failure::ConnectionClosed),
        Reply::Refused => Answer::Fail(Failure::ConnectionRefused),
        Reply::Reset => Answer::Fail(Failure::ConnectionReset),
        Reply::Hang => Answer::Hang,
    }
}

/// `%28` and kin decoded (a build may escape the parentheses of `manifest(format=...)`).
fn percent_decoded(path: &str) -> String {
    super::network::percent_decoded(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Profile;
    use crate::faults::default_set;

    #[test]
    fn each_case_of_a_run_is_served_its_own_scenario() {
        let ids: Vec<ScenarioId> = ["manifest-http-404", "manifest-timeout", "mixed-content"]
            .iter()
            .map(|name| {
                let scenario = default_set().into_iter().find(|s| s.name == *name).unwrap();
                ScenarioId::intern(scenario)
            })
            .collect();
        let cases: Vec<Case> = ids
            .iter()
            .map(|id| Case::fault(*id, Profile::AMP_2_3_0).unwrap())
            .collect();
        let media = Media::new(Stream::builtin());
        media.begin(&cases);
        let first = Media::source(0, ids[0]);
        assert_eq!(first, "https://amperr.test/media/0/smooth/x.ism/manifest");
        let asked = format!("{first}(format=mpd-time-csf)");
        assert!(matches!(
            media.answer(&asked),
            Some(Answer::Status { status: 404, .. })
        ));
        assert_eq!(media.answer(&Media::source(1, ids[1])), Some(Answer::Hang));
        assert!(Media::source(2, ids[2]).starts_with("http://amperr.test/media/2/"));
        assert!(matches!(
            media.answer("https://amperr.test/media/9/smooth/x.ism/manifest"),
            Some(Answer::Status { status: 404, .. })
        ));
        assert_eq!(media.answer("https://elsewhere.test/media/0/x"), None);
        assert_eq!(media.traffic(ids[0]).unwrap().hits, 1);
    }
}
