//! A scenario and its parts, and the process's register of scenarios.

use std::fmt;
use std::num::NonZeroU16;
use std::sync::Mutex;

use crate::catalog::Profile;
use crate::code::Code;

/// One scenario: a source, a tech order, a fault, and the code each profile expects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scenario {
    /// Stable: `--xfail` files and `--scenario` name it (`manifest-http-404`).
    pub name: String,
    pub kind: SourceKind,
    /// The source's path in the stream directory (`smooth/x.ism/manifest`).
    pub path: String,
    /// The techs the player is told to try, in order, as AMP names them (`azureHtml5JS`).
    pub tech_order: Vec<String>,
    pub fault: Fault,
    /// What each profile expects; a profile not listed has no expectation.
    pub expect: Vec<(Profile, Expect)>,
    /// Why the expectation is what it is, where that needs saying (a set of codes).
    pub note: Option<String>,
}

/// The kinds of source a scenario gives the player.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceKind {
    Smooth,
    Dash,
    Hls,
    Mp4,
}

impl SourceKind {
    pub const ALL: [SourceKind; 4] = [
        SourceKind::Smooth,
        SourceKind::Dash,
        SourceKind::Hls,
        SourceKind::Mp4,
    ];

    pub fn id(self) -> &'static str {
        match self {
            SourceKind::Smooth => "smooth",
            SourceKind::Dash => "dash",
            SourceKind::Hls => "hls",
            SourceKind::Mp4 => "mp4",
        }
    }

    /// The `type` a page gives `player.src()` for it.
    pub fn mime(self) -> &'static str {
        match self {
            SourceKind::Smooth => "application/vnd.ms-sstr+xml",
            SourceKind::Dash => "application/dash+xml",
            SourceKind::Hls => "application/vnd.apple.mpegurl",
            SourceKind::Mp4 => "video/mp4",
        }
    }

    /// Its manifest (or file) in amperr's own streams.
    pub fn default_path(self) -> &'static str {
        match self {
            SourceKind::Smooth => "smooth/x.ism/manifest",
            SourceKind::Dash => "dash/x.mpd",
            SourceKind::Hls => "hls/x.m3u8",
            SourceKind::Mp4 => "mp4/x.mp4",
        }
    }
}

/// A playback technology of AMP, by the id its codes carry in bits 31-28.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tech {
    pub name: &'static str,
    pub area: u8,
    /// The source kinds it plays in Chromium (Flash and Silverlight play none: they are
    /// not installed).
    pub plays: &'static [SourceKind],
}

impl Tech {
    /// The techs of the 2.3.0 runtime, as `techOrder` names them (compared without case).
    pub const ALL: [Tech; 5] = [
        Tech {
            name: "azureHtml5JS",
            area: 2,
            plays: &[SourceKind::Smooth, SourceKind::Dash, SourceKind::Hls],
        },
        Tech {
            name: "flashSS",
            area: 3,
            plays: &[],
        },
        Tech {
            name: "silverlightSS",
            area: 4,
            plays: &[],
        },
        Tech {
            name: "html5",
            area: 5,
            plays: &[SourceKind::Mp4],
        },
        Tech {
            name: "html5FairPlayHLS",
            area: 6,
            plays: &[],
        },
    ];

    pub fn named(name: &str) -> Option<Tech> {
        Tech::ALL
            .into_iter()
            .find(|t| t.name.eq_ignore_ascii_case(name))
    }
}

/// What goes wrong in a scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Nothing on the network: the tech order alone is the fault (no tech can play it).
    None,
    /// The page is on `https:`, the source on `http:`.
    MixedContent,
    /// The request `target` gets `what`.
    On { target: Target, what: What },
}

/// Which request a fault hits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// The source's own URL (and the forms a build asks it in, `manifest(format=...)`).
    Manifest,
    /// An initialization segment (a file whose name holds `init`).
    Init,
    /// The Nth distinct media segment asked for, from 1 (retries of it are hit too).
    Segment(u32),
    /// A key (a file named `key`).
    Key,
    /// A license (a file named `license`).
    License,
    /// Every request whose path below the stream holds this text.
    Url(String),
}

/// What the request a fault hits gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum What {
    /// A response with this status (and a short text body).
    Status(u16),
    /// The connection is closed without a response.
    Closed,
    /// The connection is refused.
    Refused,
    /// The connection is reset.
    Reset,
    /// No answer, ever.
    Hang,
    /// 200 with a body that is not what was asked for.
    Garbage,
    /// 200 with the first half of the file.
    Truncated,
    /// 200 with the file, its bytes 8..72 changed (a segment's boxes no longer parse).
    Corrupt,
}

/// The code(s) a profile expects of a scenario, and where that comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expect {
    /// One code, or the codes the source allows (any of them passes).
    pub codes: Vec<Code>,
    pub basis: Basis,
}

/// Where an expectation comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Basis {
    /// The published page's table.
    Page,
    /// What the shipped 2.3.0 runtime raised under this fault.
    Facts,
    /// Derived as the page's table builds codes: area, category, HTTP status.
    Derived,
    /// Given by the scenario file.
    Given,
}

impl Basis {
    pub fn words(self) -> &'static str {
        match self {
            Basis::Page => "the published page",
            Basis::Facts => "the shipped 2.3.0 player",
            Basis::Derived => "derived",
            Basis::Given => "given",
        }
    }
}

impl Scenario {
    /// What `profile` expects, if the scenario says.
    pub fn expected(&self, profile: Profile) -> Option<&Expect> {
        self.expect
            .iter()
            .find(|(p, _)| *p == profile)
            .map(|(_, e)| e)
    }

    /// The tech that takes the source: the first of the tech order that plays its kind.
    pub fn tech(&self) -> Option<Tech> {
        (self.tech_order.iter())
            .filter_map(|name| Tech::named(name))
            .find(|tech| tech.plays.contains(&self.kind))
    }

    /// The code the page's table gives this fault, played by the tech that takes the
    /// source: `None` where the table has no single row for it.
    pub fn derived(&self) -> Option<Code> {
        let area = u32::from(self.tech()?.area) << 28;
        let Fault::On { what, .. } = &self.fault else {
            return None;
        };
        let detail = match *what {
            What::Status(status @ 400..=599) => 0x020_0000 | u32::from(status),
            What::Status(_) => 0x020_0000,
            What::Hang => 0x020_0258,
            What::Closed | What::Refused | What::Reset => 0x020_0259,
            What::Garbage | What::Truncated | What::Corrupt => return None,
        };
        Some(Code(area | detail))
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fault::None => f.write_str("none"),
            Fault::MixedContent => f.write_str("mixed-content"),
            Fault::On { target, what } => write!(f, "{target}: {what}"),
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Manifest => f.write_str("manifest"),
            Target::Init => f.write_str("init"),
            Target::Segment(n) => write!(f, "segment {n}"),
            Target::Key => f.write_str("key"),
            Target::License => f.write_str("license"),
            Target::Url(text) => write!(f, "url {text}"),
        }
    }
}

impl fmt::Display for What {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            What::Status(status) => write!(f, "http {status}"),
            What::Closed => f.write_str("closed"),
            What::Refused => f.write_str("refused"),
            What::Reset => f.write_str("reset"),
            What::Hang => f.write_str("hang"),
            What::Garbage => f.write_str("garbage"),
            What::Truncated => f.write_str("truncated"),
            What::Corrupt => f.write_str("corrupt"),
        }
    }
}

/// A scenario, by its place in the process's register: two bytes in a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ScenarioId(NonZeroU16);

/// Every scenario interned so far; each is leaked once, so a case can lend it `'static`.
static REGISTER: Mutex<Vec<&'static Scenario>> = Mutex::new(Vec::new());

impl ScenarioId {
    /// The id of `scenario`, interning it if it is new (an equal one keeps its id).
    ///
    /// # Panics
    ///
    /// Past 65,535 distinct scenarios in one process.
    pub fn intern(scenario: Scenario) -> ScenarioId {
        let mut register = REGISTER.lock().unwrap_or_else(|e| e.into_inner());
        let at = match register.iter().position(|s| **s == scenario) {
            Some(at) => at,
            None => {
                register.push(Box::leak(Box::new(scenario)));
                register.len() - 1
            }
        };
        let number = u16::try_from(at + 1).expect("at most 65,535 scenarios a process");
        ScenarioId(NonZeroU16::new(number).expect("from 1"))
    }

    /// Its number, for a page that is given numbers (a player's driver).
    pub fn number(self) -> u32 {
        u32::from(self.0.get())
    }

    /// The id numbered `number`, if one is.
    pub fn from_number(number: u32) -> Option<ScenarioId> {
        let register = REGISTER.lock().unwrap_or_else(|e| e.into_inner());
        let n = NonZeroU16::new(u16::try_from(number).ok()?)?;
        (usize::from(n.get()) <= register.len()).then_some(ScenarioId(n))
    }

    /// The scenario.
    pub fn get(self) -> &'static Scenario {
        let register = REGISTER.lock().unwrap_or_else(|e| e.into_inner());
        register[usize::from(self.0.get()) - 1]
    }
}
