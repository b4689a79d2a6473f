//! The fence around the page in Chromium: each request the page makes is paused (Fetch
//! interception) and gets what the [`NetworkPolicy`] decides; what the page does that a
//! report mentions (refusals, dialogs, exceptions) is kept; a crashed renderer ends the
//! browser.

use std::sync::{Arc, Mutex};

use headless_chrome::browser::tab::RequestPausedDecision;
use headless_chrome::protocol::cdp::Fetch::events::RequestPausedEvent;
use headless_chrome::protocol::cdp::Fetch::{
    FailRequest, FulfillRequest, HeaderEntry, RequestPattern,
};
use headless_chrome::protocol::cdp::Inspector;
use headless_chrome::protocol::cdp::Network::{self, ErrorReason};
use headless_chrome::protocol::cdp::Runtime;
use headless_chrome::protocol::cdp::types::Event;

use super::Ending;
use super::cdp::{base64_encoded, said};
use crate::player::browser::Events;
use crate::player::network::{Answer, Decision, Failure, NetworkPolicy};

/// Applies `network` to every request of the tab, records refusals, dialogs and
/// exceptions, and ends the browser when the page's renderer crashes.
pub(super) fn watch(
    tab: &Arc<headless_chrome::Tab>,
    events: &Arc<Mutex<Events>>,
    ending: &Arc<Ending>,
    network: Arc<NetworkPolicy>,
) -> Result<(), String> {
    intercept(tab, events, network)?;
    // Fetch interception does not see WebSockets (the dead proxy stops them): name each.
    tab.call_method(Network::Enable {
        max_total_buffer_size: None,
        max_resource_buffer_size: None,
        max_post_data_size: None,
        enable_durable_messages: None,
        report_direct_socket_traffic: None,
    })
    .map_err(said)?;
    tab.enable_runtime().map_err(said)?;
    tab.call_method(Inspector::Enable(None)).map_err(said)?;
    listen(tab, events, ending)
}

/// Pauses every request and answers it as `network` decides; a refusal is kept.
fn intercept(
    tab: &Arc<headless_chrome::Tab>,
    events: &Arc<Mutex<Events>>,
    network: Arc<NetworkPolicy>,
) -> Result<(), String> {
    let pattern = RequestPattern {
        url_pattern: Some("*".to_string()),
        resource_Type: None,
        request_stage: None,
    };
    tab.enable_fetch(Some(&[pattern]), None).map_err(said)?;
    let refused = Arc::clone(events);
    tab.enable_request_interception(Arc::new(move |_, _, paused: RequestPausedEvent| {
        let (url, request_id) = (paused.params.request.url, paused.params.request_id);
        match network.decide(&url) {
            Decision::Load => RequestPausedDecision::Continue(None),
            Decision::Answer(answer) => answered(request_id, &answer),
            Decision::Refuse(why) => {
                if let Ok(mut events) = refused.lock() {
                    events.blocked.keep(format!("{url}: refused ({why})"));
                }
                RequestPausedDecision::Fail(FailRequest {
                    request_id,
                    error_reason: ErrorReason::BlockedByClient,
                })
            }
        }
    }))
    .map_err(said)
}

/// A rule's answer, as Chromium's interception gives it.
fn answered(request_id: String, answer: &Answer) -> RequestPausedDecision {
    match answer {
        Answer::Status {
            status,
            headers,
            body,
        } => RequestPausedDecision::Fulfill(FulfillRequest {
            request_id,
            response_code: u32::from(*status),
            response_headers: Some(
                (headers.iter())
                    .map(|(name, value)| HeaderEntry {
                        name: name.clone(),
                        value: value.clone(),
                    })
                    .collect(),
            ),
            binary_response_headers: None,
            body: Some(base64_encoded(body)),
            response_phrase: None,
        }),
        Answer::Fail(failure) => RequestPausedDecision::Fail(FailRequest {
            request_id,
            error_reason: error_reason(*failure),
        }),
        // The client answers every paused request it is told about: told about one that
        // does not exist, Chromium refuses that answer, and the real request stays pending
        // until the page gives up on it (or the browser ends).
        Answer::Hang => RequestPausedDecision::Fail(FailRequest {
            request_id: format!("{request_id}.held-by-amperr"),
            error_reason: ErrorReason::Aborted,
        }),
    }
}

/// Chromium's network error for a failure.
pub(super) fn error_reason(failure: Failure) -> ErrorReason {
    match failure {
        Failure::Failed => ErrorReason::Failed,
        Failure::Aborted => ErrorReason::Aborted,
        Failure::TimedOut => ErrorReason::TimedOut,
        Failure::ConnectionClosed => ErrorReason::ConnectionClosed,
        Failure::ConnectionReset => ErrorReason::ConnectionReset,
        Failure::ConnectionRefused => ErrorReason::ConnectionRefused,
        Failure::ConnectionFailed => ErrorReason::ConnectionFailed,
        Failure::NameNotResolved => ErrorReason::NameNotResolved,
        Failure::InternetDisconnected => ErrorReason::InternetDisconnected,
    }
}

/// Keeps dialogs (dismissing each), WebSockets and exceptions; ends the browser when the
/// page's renderer crashes.
fn listen(
    tab: &Arc<headless_chrome::Tab>,
    events: &Arc<Mutex<Events>>,
    ending: &Arc<Ending>,
) -> Result<(), String> {
    let seen = Arc::clone(events);
    let ending = Arc::clone(ending);
    // Weak: the tab holds this listener.
    let this_tab = Arc::downgrade(tab);
    tab.add_event_listener(Arc::new(move |event: &Event| {
        // A crashed renderer answers no call: ending the browser ends those waiting.
        if let Event::InspectorTargetCrashed(_) = event {
            ending.end("crashed (its renderer died)".to_string());
            return;
        }
        let Ok(mut events) = seen.lock() else { return };
        match event {
            // A dialog blocks the page until it is closed: close it, and say so.
            Event::PageJavascriptDialogOpening(dialog) => {
                let kind = format!("{:?}", dialog.params.Type).to_lowercase();
                let text = format!("{kind}({:?})", dialog.params.message);
                events.dialogs.keep(text);
                drop(events);
                if let Some(tab) = this_tab.upgrade() {
                    let _ = tab.get_dialog().dismiss();
                }
            }
            Event::NetworkWebSocketCreated(socket) => {
                let url = &socket.params.url;
                events.blocked.keep(format!("{url}: refused (no network)"));
            }
            Event::RuntimeExceptionThrown(thrown) => {
                (events.exceptions).keep(exception_text(&thrown.params.exception_details));
            }
            _ => {}
        }
    }))
    .map(drop)
    .map_err(said)
}

fn exception_text(details: &Runtime::ExceptionDetails) -> String {
    let description = details
        .exception
        .as_ref()
        .and_then(|e| e.description.clone())
        .unwrap_or_else(|| details.text.clone());
    let first = description.lines().next().unwrap_or_default().to_string();
    match &details.url {
        Some(url) => format!("{first} ({url}:{})", details.line_number + 1),
        None => first,
    }
}
