//! The page the browser loads, and the scripts amperr runs in it.
//!
//! With `--script` (and `--css`) amperr writes the page: the styles, the scripts in the
//! order given (the player build, then any plugins), a `<video>` as AMP pages have it, and
//! the built-in hook (`hook.js`). With `--page` the team's own page is loaded as it is, and
//! defines the hook itself. Either way the page's own files, and nothing else, may load.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::network::{NetworkPolicy, SERVED};
use crate::player::browser_process::ScratchDir;

/// Where the player build comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PageSource {
    /// Local scripts (the build, then plugins) and styles, on a page amperr writes.
    Scripts {
        scripts: Vec<PathBuf>,
        css: Vec<PathBuf>,
    },
    /// The team's own page, which defines `window.amperrPlayer`.
    Page(PathBuf),
}

/// Why a player's page cannot be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PageError {
    /// A file of the page (a script, a style, the page itself) cannot be read.
    #[error("cannot read {}: {source}", path.display())]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The page amperr writes for scripts cannot be written.
    #[error("cannot write the page: {0}")]
    NotWritten(#[source] std::io::Error),
}

/// A page ready to load.
pub struct Page {
    pub url: String,
    /// What amperr evaluates in it.
    pub calls: Calls,
    /// Directories whose files the page may load.
    pub allowed: Vec<PathBuf>,
    /// Served over `https:` by amperr, not loaded from `file:`.
    served: bool,
    /// The directory of a written page, removed when the page is dropped.
    _dir: Option<ScratchDir>,
}

/// The built-in hook for AMP-compatible builds.
const HOOK: &str = include_str!("hook.js");
/// amperr's driver, added to every document before the page's own scripts: one script
/// (one function whose variables every part shares), kept in parts by concept and put
/// back together here in order: the built-ins it keeps and the page's clock, what the page
/// tries (WebRTC, navigation, dialogs), what the viewer sees, the text as read, and the
/// calls (codes, animations, ready, table). A part is no script on its own.
const DRIVER: &str = concat!(
    include_str!("driver/clock.js"),
    include_str!("driver/refusals.js"),
    include_str!("driver/look.js"),
    include_str!("driver/reading.js"),
    include_str!("driver/faults.js"),
    include_str!("driver/codes.js"),
);

impl Page {
    /// The page for `source`: written to a temporary directory for scripts, the file
    /// itself for a page. For fault scenarios (`faults`, the page time the driver waits for
    /// an error), it is served over `https:` by amperr ([`SERVED`]), as a player that
    /// refuses `http:` media needs.
    pub fn write(source: &PageSource, faults: Option<Duration>) -> Result<Page, PageError> {
        let url_of = |path: &Path| match faults {
            Some(_) => served_url(path),
            None => file_url(path),
        };
        let mut page = Page::written(source, &url_of)?;
        page.calls.faults = faults;
        page.served = faults.is_some();
        Ok(page)
    }

    fn written(source: &PageSource, url_of: &dyn Fn(&Path) -> String) -> Result<Page, PageError> {
        match source {
            PageSource::Page(path) => {
                let path = absolute(path)?;
                let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
                let url = url_of(&path);
                Ok(Page {
                    served: false,
                    calls: Calls::new(&url),
                    url,
                    allowed: vec![dir],
                    _dir: None,
                })
            }
            PageSource::Scripts { scripts, css } => {
                let scripts: Vec<PathBuf> = scripts
                    .iter()
                    .map(|p| absolute(p))
                    .collect::<Result<_, _>>()?;
                let css: Vec<PathBuf> =
                    css.iter().map(|p| absolute(p)).collect::<Result<_, _>>()?;
                let dir = ScratchDir::new("amperr-page-").map_err(PageError::NotWritten)?;
                let page = dir.path().join("index.html");
                std::fs::write(&page, html(&scripts, &css, url_of))
                    .map_err(PageError::NotWritten)?;
                let mut allowed = vec![dir.path().to_path_buf()];
                for file in scripts.iter().chain(&css) {
                    if let Some(parent) = file.parent() {
                        allowed.push(parent.to_path_buf());
                    }
                }
                let url = url_of(&page);
                Ok(Page {
                    served: false,
                    calls: Calls::new(&url),
                    url,
                    allowed,
                    _dir: Some(dir),
                })
            }
        }
    }
}

impl Page {
    /// What the page's requests get: its own files load, nothing else.
    pub fn network(&self) -> NetworkPolicy {
        NetworkPolicy {
            served: self.served,
            ..NetworkPolicy::own_files(self.allowed.clone())
        }
    }
}

fn absolute(path: &Path) -> Result<PathBuf, PageError> {
    std::fs::canonicalize(path).map_err(|source| PageError::Unreadable {
        path: path.to_path_buf(),
        source,
    })
}

/// A `file://` URL for `path`.
fn file_url(path: &Path) -> String {
    crate::escape::file_url(&path.display().to_string())
}

/// The URL amperr serves `path` at over `https:`.
fn served_url(path: &Path) -> String {
    let file = file_url(path);
    format!(
        "{SERVED}/files{}",
        file.strip_prefix("file://").unwrap_or(&file)
    )
}

/// Text for an HTML attribute.
fn attribute(text: &str) -> String {
    crate::escape::html(text).into_owned()
}

fn html(scripts: &[PathBuf], css: &[PathBuf], url_of: &dyn Fn(&Path) -> String) -> String {
    let mut page = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>amperr check-player</title>\n",
    );
    for style in css {
        let _ = writeln!(
            page,
            "<link rel=\"stylesheet\" href=\"{}\">",
            attribute(&url_of(style))
        );
    }
    for script in scripts {
        let _ = writeln!(
            page,
            "<script src=\"{}\"></script>",
            attribute(&url_of(script))
        );
    }
    page.push_str(
        "</head><body>\n<video id=\"amperr-video\" class=\"azuremediaplayer amp-default-skin\" \
         width=\"640\" height=\"360\"></video>\n<script>\n",
    );
    page.push_str(HOOK);
    page.push_str("</script>\n</body></html>\n");
    page
}

/// A name no page script can know in advance.
pub fn one_off_name() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u32(std::process::id());
    format!("__amperr_{:016x}", hasher.finish())
}

/// The expressions amperr evaluates in the page: each a call of its driver, the property
/// of `window` with a one-off name that the driver's script defines, with a token that
/// only amperr and the driver's script hold.
#[derive(Clone, Debug)]
pub struct Calls {
    /// The page's URL: a batch runs only while the page is still the one loaded.
    url: String,
    driver: String,
    token: String,
    /// The binding the driver answers through.
    binding: String,
    /// Fault scenarios, not codes: how much page time the driver waits for an error.
    faults: Option<Duration>,
}

impl Calls {
    pub(super) fn new(url: &str) -> Calls {
        Calls {
            url: url.to_string(),
            driver: one_off_name(),
            token: one_off_name(),
            binding: one_off_name(),
            faults: None,
        }
    }

    /// The name of the binding the driver answers through.
    pub fn binding(&self) -> &str {
        &self.binding
    }

    /// The driver's script, to add to every document before the page's own.
    pub fn driver_script(&self) -> String {
        DRIVER
            .replace("__AMPERR_RUN__", &self.driver)
            .replace("__AMPERR_TOKEN__", &self.token)
            .replace("__AMPERR_SEND__", &self.binding)
    }

    /// `window.<driver>.<method>("<token>", <arguments>)`.
    fn call(&self, method: &str, arguments: &str) -> String {
        let comma = if arguments.is_empty() { "" } else { ", " };
        format!(
            "window.{}.{method}({:?}{comma}{arguments})",
            self.driver, self.token
        )
    }

    /// Waits (at most `limit`) for the page to load and its hook to say the player is
    /// ready: `"ready"`, or why not.
    pub fn ready(&self, limit: Duration) -> String {
        self.call("ready", &limit.as_millis().to_string())
    }

    /// The build's table, in an envelope: `{"table": "<JSON>"}`, `{"none": true}` or
    /// `{"error": "..."}`.
    pub fn table(&self) -> String {
        self.call("table", "")
    }

    /// What amperr reads after the last code, as JSON: `{"table": "<envelope>", "attempts":
    /// "<one per line>", "more": <count>}`.
    pub fn after(&self) -> String {
        self.call("after", "")
    }

    /// Raises `code` as a run does; `""` once read, or why not.
    pub fn show(&self, code: u32, accessible: bool) -> String {
        self.call("show", &format!("{code}, {accessible}"))
    }

    /// Reads the overlay now: `{"answer": {...}, "box": {left, top, width, height} or null}`.
    pub fn look(&self, code: u32, accessible: bool) -> String {
        self.call("look", &format!("{code}, {accessible}"))
    }

    /// Whether the driver holds its binding: `"ok"`, or why not.
    pub fn init(&self) -> String {
        self.call("init", "")
    }

    /// Runs the driver over `codes` (for fault scenarios, the scenarios' numbers): `""`
    /// when done, or why the page stopped answering.
    pub fn batch(&self, codes: &[u32], first: usize, accessible: bool) -> String {
        let url = serde_json::Value::from(self.url.as_str());
        let run = match self.faults {
            None => {
                let codes: Vec<String> = codes.iter().map(u32::to_string).collect();
                self.call(
                    "run",
                    &format!("[{}], {first}, {accessible}", codes.join(",")),
                )
            }
            Some(limit) => {
                let specs = super::media::specs(codes, first);
                let limit = limit.as_millis();
                self.call(
                    "faults",
                    &format!("{specs}, {first}, {accessible}, {limit}"),
                )
            }
        };
        format!(
            "(location.href === {url} ? {run} \
             : 'left its page (it navigated away to ' + location.href + ')')"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_attributes_are_escaped() {
        assert_eq!(
            file_url(Path::new("/a b/\"x\".js")),
            "file:///a%20b/%22x%22.js"
        );
        let page = html(
            &[PathBuf::from("/p/amp.js")],
            &[PathBuf::from("/p/amp.css")],
            &file_url,
        );
        assert!(page.contains("<script src=\"file:///p/amp.js\"></script>"));
        assert!(page.contains("<link rel=\"stylesheet\" href=\"file:///p/amp.css\">"));
        assert!(page.contains("window.amperrPlayer"));
    }
}
