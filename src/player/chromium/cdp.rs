//! The page's side of the seam in Chromium: each call of [`Tab`] as the Chrome DevTools
//! Protocol says it, through `headless_chrome`.
//!
//! Page time is Chromium's virtual time (measured in Chromium 156): the page's timers run
//! as fast as the page goes under `Advance`, and under `Pause` they wait while the browser
//! still paints what scripts changed, so a capture shows what a reading saw. A capture
//! neither needs the page's timers nor hangs under either policy.

use std::sync::Arc;

use headless_chrome::protocol::cdp::{Emulation, Page, Runtime};

use crate::player::browser::{Binding, LOST, Region, Tab};

/// Chromium's one tab, shared: holding it does not keep the browser alive (the
/// [`Chromium`](super::Chromium) that owns the browser ends it).
#[derive(Clone)]
pub struct ChromiumTab(pub(super) Arc<headless_chrome::Tab>);

impl Tab for ChromiumTab {
    fn add_script_before_documents(&self, source: &str) -> Result<(), String> {
        self.0
            .call_method(Page::AddScriptToEvaluateOnNewDocument {
                source: source.to_string(),
                world_name: None,
                include_command_line_api: None,
                run_immediately: None,
            })
            .map(drop)
            .map_err(said)
    }

    fn bind(&self, name: &str, binding: Binding) -> Result<(), String> {
        let send = Arc::new(move |payload: serde_json::Value| {
            binding(match payload {
                serde_json::Value::String(text) => text,
                other => other.to_string(),
            })
        });
        self.0.expose_function(name, send).map_err(said)
    }

    fn navigate(&self, url: &str) -> Result<(), String> {
        self.0.navigate_to(url).map(drop).map_err(said)
    }

    fn evaluate(&self, expression: &str) -> Result<String, String> {
        evaluate(&self.0, expression)
    }

    fn run_time(&self) -> Result<(), String> {
        virtual_time(&self.0, Emulation::VirtualTimePolicy::Advance, None)
    }

    fn hold_time(&self) -> Result<(), String> {
        virtual_time(&self.0, Emulation::VirtualTimePolicy::Pause, None)
    }

    fn run_time_for(
        &self,
        budget: std::time::Duration,
        limit: std::time::Duration,
    ) -> Result<(), String> {
        use headless_chrome::protocol::cdp::types::Event;
        let (spent, expired) = std::sync::mpsc::channel();
        let listener = (self.0)
            .add_event_listener(Arc::new(move |event: &Event| {
                if let Event::EmulationVirtualTimeBudgetExpired(_) = event {
                    let _ = spent.send(());
                }
            }))
            .map_err(said)?;
        let milliseconds = Some(budget.as_secs_f64() * 1000.0);
        let ran = virtual_time(&self.0, Emulation::VirtualTimePolicy::Advance, milliseconds)
            .and_then(|()| {
                expired.recv_timeout(limit).map_err(|_| {
                    format!(
                        "{budget:?} of page time did not pass within {limit:?}: busy in a loop?"
                    )
                })
            });
        let _ = self.0.remove_event_listener(&listener);
        ran
    }

    fn screenshot(&self, region: Region, scale: f64) -> Result<Vec<u8>, String> {
        let Region {
            x,
            y,
            width,
            height,
        } = region;
        // The clip is in the document's coordinates: the box, where the page is scrolled to.
        let viewport = (self.0)
            .call_method(Page::GetLayoutMetrics(None))
            .map_err(said)?
            .css_visual_viewport;
        let inside = x >= 0.0
            && y >= 0.0
            && x + width <= viewport.client_width
            && y + height <= viewport.client_height;
        let shot = (self.0)
            .call_method(Page::CaptureScreenshot {
                format: Some(Page::CaptureScreenshotFormatOption::Png),
                quality: None,
                clip: Some(Page::Viewport {
                    x: (viewport.page_x + x).max(0.0),
                    y: (viewport.page_y + y).max(0.0),
                    width,
                    height,
                    scale,
                }),
                from_surface: Some(true),
                // A box past the viewport's edge is photographed whole, as laid out; only
                // then, as it resizes the page's view for the capture (the page sees a
                // `resize`).
                capture_beyond_viewport: Some(!inside),
                optimize_for_speed: None,
            })
            .map_err(said)?;
        base64_decoded(&shot.data).ok_or_else(|| "not base64".to_string())
    }
}

#[cfg(test)]
impl ChromiumTab {
    /// Waits until the page the tab is loading has loaded.
    pub(in crate::player) fn wait_until_navigated(&self) -> Result<(), String> {
        self.0.wait_until_navigated().map(drop).map_err(said)
    }

    /// Runs the page for `budget` of its time, then holds it there.
    pub(in crate::player) fn run_then_hold(
        &self,
        budget: std::time::Duration,
        limit: std::time::Duration,
    ) -> Result<(), String> {
        self.run_time_for(budget, limit)
    }
}

fn virtual_time(
    tab: &headless_chrome::Tab,
    policy: Emulation::VirtualTimePolicy,
    budget: Option<f64>,
) -> Result<(), String> {
    tab.call_method(Emulation::SetVirtualTimePolicy {
        policy,
        budget,
        max_virtual_time_task_starvation_count: None,
        initial_virtual_time: None,
    })
    .map(drop)
    .map_err(said)
}

/// Evaluates `expression` in the page, awaiting a promise; its value as text, or why not,
/// in words that follow "the player" or "the page": `threw TypeError: ...`.
fn evaluate(tab: &headless_chrome::Tab, expression: &str) -> Result<String, String> {
    let evaluated = tab
        .call_method(Runtime::Evaluate {
            expression: expression.to_string(),
            return_by_value: Some(true),
            generate_preview: None,
            silent: None,
            await_promise: Some(true),
            include_command_line_api: None,
            user_gesture: None,
            object_group: None,
            context_id: None,
            throw_on_side_effect: None,
            timeout: None,
            disable_breaks: None,
            repl_mode: None,
            allow_unsafe_eval_blocked_by_csp: None,
            unique_context_id: None,
            serialization_options: None,
        })
        .map_err(|e| match said(e) {
            // Chromium's words when the page the call ran in went away.
            e if e.contains("navigated or closed") => {
                "left its page (it navigated away)".to_string()
            }
            e => format!("{LOST} ({e})"),
        })?;
    if let Some(thrown) = evaluated.exception_details {
        let what = thrown
            .exception
            .and_then(|e| e.description)
            .unwrap_or(thrown.text);
        let first = what.lines().next().unwrap_or_default();
        return Err(format!("threw {first}"));
    }
    match evaluated.result.value {
        Some(serde_json::Value::String(text)) => Ok(text),
        Some(other) => Ok(other.to_string()),
        None => Ok(String::new()),
    }
}

/// An error of `headless_chrome` (an `anyhow::Error`), as text.
pub(super) fn said(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// The standard base64 alphabet (what CDP sends and takes binary data as).
const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64, decoded; `None` if it is not.
pub(super) fn base64_decoded(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=').as_bytes();
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut bits, mut count) = (0u32, 0);
    for &c in text {
        let value = BASE64.iter().position(|&b| b == c)?;
        bits = bits << 6 | value as u32;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    Some(out)
}

/// `bytes` in standard base64, padded.
pub(super) fn base64_encoded(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let bits = chunk
            .iter()
            .enumerate()
            .fold(0u32, |bits, (i, &b)| bits | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            match i <= chunk.len() {
                true => out.push(BASE64[(bits >> (18 - 6 * i) & 63) as usize] as char),
                false => out.push('='),
            }
        }
    }
    out
}
