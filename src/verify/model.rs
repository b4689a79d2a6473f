//! An independent second decoder, to cross-check the oracle.
//!
//! The oracle ([`decode`](crate::decode::decode)) takes one code, splits it with shifts
//! and masks and looks each field up in tables built by [`catalog`](crate::catalog),
//! whose entry index maps a detail to an entry in a few loads. This model is written
//! differently on purpose, so that a mistake in one is unlikely to be repeated in the
//! other:
//!
//! - it reads a profile's data file as a generic TOML document into structures of its
//!   own (per category, the named values as a list sorted by detail), with no serde
//!   shapes and no table shared with the catalog;
//! - it never splits a code with shifts or masks: a walk counts codes in ascending order
//!   like an odometer (detail, then category, then area), composes each code from its
//!   counters, and finds a code's entry by merging the category's sorted list against the
//!   ascending detail, not by indexing; a walk that starts mid-way reads its counters off
//!   the code's eight hex digits ([`Model::split`]);
//! - the HTTP status, missing plugins and class come from the rules of
//!   `docs/decode-rules.md` as written here, per prefix where they can be.
//!
//! What it shares with the oracle: the data files, which `tests/tables.rs` checks against
//! the spec on their own, and the types the answers are spoken in ([`Field`],
//! [`Decoded`], [`Class`], [`Code`]'s value). It never calls the catalog's lookups,
//! `decode`'s logic or `Code`'s field accessors to form an expectation.
//!
//! Why that can be fast: a walk computes what holds for a whole (area, category) prefix
//! once, and between two entries of a category every code expects the same names and
//! texts. So per code it compares each of the oracle's fields with the model's: the
//! per-code ones (HTTP status, missing plugins, no entry) by value, and the texts and
//! class by a key (a text's address, length and kind) against the oracle's answer
//! already read in full and found equal to the model's for this prefix. Any other answer
//! is read in full ([`Model::check`]'s path), which names the first field that differs.
//! The exhaustive sweep (`tests/sweep.rs`) checks all 2^32 codes per profile so, with
//! [`Model::check_codes`]; the property tests and the `differential` fuzz target check one
//! code at a time with [`Model::check`].

use std::collections::BTreeMap;
use std::fmt::{self, Debug};
use std::ops::RangeInclusive;
use std::ptr;

use crate::catalog::{Field, Profile};
use crate::code::Code;
use crate::decode::{Class, Decoded};

/// What a source says about a text field, as the model reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    Text(String),
    /// The source says there is no value (the key is absent).
    Null,
    /// The source is silent: `{ implementation_defined = "why" }`, with the why.
    Silent(String),
}

impl Answer {
    fn read(value: Option<&toml::Value>) -> Result<Answer, String> {
        match value {
            None => Ok(Answer::Null),
            Some(toml::Value::String(s)) => Ok(Answer::Text(s.clone())),
            Some(other) => match other.get("implementation_defined") {
                Some(toml::Value::String(why)) => Ok(Answer::Silent(why.clone())),
                _ => Err(format!("not a text field: {other}")),
            },
        }
    }

    /// Whether the oracle's field says the same, reason included.
    pub fn agrees(&self, field: Field<&str>) -> bool {
        match (self, field) {
            (Answer::Text(a), Field::Value(b)) => a == b,
            (Answer::Null, Field::Null) => true,
            (Answer::Silent(a), Field::ImplementationDefined(b)) => a == b,
            _ => false,
        }
    }

    /// The answer in the oracle's words, for a message that shows both.
    fn as_field(&self) -> Field<&str> {
        match self {
            Answer::Text(text) => Field::Value(text),
            Answer::Null => Field::Null,
            Answer::Silent(why) => Field::ImplementationDefined(why),
        }
    }
}

/// A named or documented value, as the model reads it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModelEntry {
    pub documented: bool,
    pub name: Option<String>,
    pub description: Option<String>,
    pub aliases: Vec<String>,
}

/// One category as the model reads it.
#[derive(Debug)]
struct ModelCategory {
    name: Answer,
    message: Answer,
    /// The category's named values, as (detail, entry), sorted by detail.
    entries: Vec<(u32, ModelEntry)>,
}

/// The model of one profile.
#[derive(Debug)]
pub struct Model {
    /// Areas 0..=15 in order.
    areas: Vec<Answer>,
    /// Categories 0..=255 in order.
    categories: Vec<ModelCategory>,
}

/// Details per category, categories per area, areas: the odometer's wheels.
const DETAILS: u32 = 0x10_0000;
const CATEGORIES: u32 = 0x100;
const AREAS: u32 = 0x10;
/// The categories with a rule of their own (`docs/decode-rules.md`).
const NETWORK: u32 = 0x02;
const MISMATCH: u32 = 0x06;
/// The class ids (`docs/decode-rules.md`): statics, not literals, so that each has one
/// address, by which a [`Memo`] recognises it.
static RESERVED_AREA: &str = "reserved_area";
static UNKNOWN_CATEGORY: &str = "unknown_category";
static DOCUMENTED: &str = "documented";
static UNDOCUMENTED_DETAIL: &str = "undocumented_detail";
/// (Flash missing, Silverlight missing) for a detail's remainder by 4 (bits 1 and 2).
const PLUGINS: [(bool, bool); 4] = [(false, false), (true, false), (false, true), (true, true)];

impl Model {
    /// Reads the profile's data file. Panics only if it is not the TOML the tests load.
    pub fn new(profile: Profile) -> Model {
        Model::from_toml(profile.source())
            .unwrap_or_else(|e| panic!("data file of {profile} is not what the model reads: {e}"))
    }

    /// Reads a data file's text (a profile's, or a doctored one for a test).
    pub fn from_toml(text: &str) -> Result<Model, String> {
        let doc: toml::Table = text.parse().map_err(|e| format!("not TOML: {e}"))?;
        let others = |key: &str| doc.get(key).and_then(|v| v.as_table()).cloned();
        let others = (others("other_areas"), others("other_categories"));
        let other =
            |t: &Option<toml::Table>, key| Answer::read(t.as_ref().and_then(|t| t.get(key)));
        let mut areas = vec![other(&others.0, "name")?; AREAS as usize];
        for row in rows(&doc, "area") {
            *slot(&mut areas, number(row, AREAS)?)? = Answer::read(row.get("name"))?;
        }
        let mut entries = read_entries(&doc)?;
        let mut categories = Vec::new();
        for value in 0..CATEGORIES {
            categories.push(ModelCategory {
                name: other(&others.1, "name")?,
                message: other(&others.1, "message")?,
                entries: entries
                    .remove(&value)
                    .unwrap_or_default()
                    .into_iter()
                    .collect(),
            });
        }
        for row in rows(&doc, "category") {
            let category = slot(&mut categories, number(row, CATEGORIES)?)?;
            category.name = Answer::read(row.get("name"))?;
            category.message = Answer::read(row.get("message"))?;
        }
        Ok(Model { areas, categories })
    }

    /// Slices a code's eight hex digits into (area, category, detail).
    pub fn split(code: u32) -> (String, String, String) {
        let hex = format!("{code:08x}");
        (
            hex[0..1].to_string(),
            hex[1..3].to_string(),
            hex[3..8].to_string(),
        )
    }

    /// A walk over the codes from `code` up.
    fn walk_from(&self, code: u32) -> Walk<'_> {
        let (area, category, detail) = Model::split(code);
        let hex = |digits: &str| u32::from_str_radix(digits, 16).expect("hex digits");
        let mut walk = Walk {
            model: self,
            area: hex(&area),
            category: hex(&category),
            detail: hex(&detail),
            prefix: Prefix::of(self, 0, 0),
            entries: &[],
        };
        walk.enter_prefix();
        walk.entries = {
            let all = &walk.model.categories[walk.category as usize].entries;
            &all[all.partition_point(|(d, _)| *d < walk.detail)..]
        };
        walk
    }

    /// Compares the oracle's answer for one code with the model's; the first field that
    /// differs is named, with both answers.
    pub fn check(&self, d: &Decoded) -> Result<(), String> {
        let walk = self.walk_from(d.code().0);
        walk.check(d, &mut Agreed::default())
            .map_err(|e| e.to_string())
    }

    /// Checks every code of `codes` in ascending order, asking `oracle` for each; stops at
    /// the first disagreement. Returns how many codes were checked.
    pub fn check_codes(
        &self,
        codes: RangeInclusive<u32>,
        oracle: impl Fn(Code) -> Decoded,
    ) -> Result<u64, Disagreement> {
        let (mut code, last) = codes.into_inner();
        let mut left = (u64::from(last) + 1).saturating_sub(u64::from(code));
        let (total, mut walk, mut agreed) = (left, self.walk_from(code), Agreed::default());
        while left > 0 {
            // The codes before the category's next entry, or else this one entry.
            let run = u64::from(walk.plain_run()).min(left) as u32;
            if run == 0 {
                walk.check(&oracle(Code(code)), &mut agreed)?;
                walk.advance();
            } else {
                walk.check_plain(code, run, &oracle, &mut agreed)?;
            }
            let step = run.max(1);
            code = code.wrapping_add(step);
            left -= u64::from(step);
        }
        Ok(total)
    }
}

/// The `[[key]]` rows of a data file.
fn rows<'d>(doc: &'d toml::Table, key: &str) -> impl Iterator<Item = &'d toml::Table> {
    let rows = doc.get(key).and_then(|v| v.as_array());
    rows.into_iter().flatten().filter_map(|r| r.as_table())
}

/// A row's `value`, which must be below `limit`.
fn number(row: &toml::Table, limit: u32) -> Result<u32, String> {
    row.get("value")
        .and_then(|v| v.as_integer())
        .and_then(|v| u32::try_from(v).ok())
        .filter(|v| *v < limit)
        .ok_or_else(|| format!("row without a value below {limit:#x}: {row}"))
}

fn slot<T>(list: &mut [T], index: u32) -> Result<&mut T, String> {
    list.get_mut(index as usize)
        .ok_or_else(|| format!("no slot {index}"))
}

/// The code and alias rows, per category, per detail.
fn read_entries(doc: &toml::Table) -> Result<BTreeMap<u32, BTreeMap<u32, ModelEntry>>, String> {
    let mut entries: BTreeMap<u32, BTreeMap<u32, ModelEntry>> = BTreeMap::new();
    let text = |r: &toml::Table, key: &str| r.get(key).and_then(|v| v.as_str()).map(String::from);
    for (key, documented) in [("code", true), ("alias", false)] {
        for row in rows(doc, key) {
            let value = number(row, CATEGORIES * DETAILS)?;
            let by_detail = entries.entry(value / DETAILS).or_default();
            let entry = by_detail.entry(value % DETAILS).or_default();
            if documented {
                entry.documented = true;
                entry.name = text(row, "name");
                entry.description = text(row, "description");
            } else {
                entry.aliases.extend(text(row, "name"));
            }
        }
    }
    Ok(entries)
}

/// What the model says about one (area, category) prefix, computed once per prefix.
#[derive(Clone, Copy, Debug)]
struct Prefix<'m> {
    area_name: &'m Answer,
    category_name: &'m Answer,
    message: &'m Answer,
    /// The class, unless it depends on the detail (documented or not).
    class: Option<&'static str>,
    network: bool,
    mismatch: bool,
}

impl<'m> Prefix<'m> {
    fn of(model: &'m Model, area: u32, category_value: u32) -> Prefix<'m> {
        let area_name = &model.areas[area as usize];
        let category = &model.categories[category_value as usize];
        let class = if !matches!(area_name, Answer::Text(_)) {
            Some(RESERVED_AREA)
        } else if !matches!(category.name, Answer::Text(_)) {
            Some(UNKNOWN_CATEGORY)
        } else {
            None
        };
        Prefix {
            area_name,
            category_name: &category.name,
            message: &category.message,
            class,
            network: category_value == NETWORK,
            mismatch: category_value == MISMATCH,
        }
    }

    #[inline]
    fn http_status(&self, detail: u32) -> Option<u16> {
        (self.network && (400..=599).contains(&detail)).then_some(detail as u16)
    }

    #[inline]
    fn missing_plugins(&self, detail: u32) -> Option<(bool, bool)> {
        self.mismatch.then(|| PLUGINS[(detail % 4) as usize])
    }
}

/// The model's expectations for consecutive codes, in ascending order.
#[derive(Debug)]
struct Walk<'m> {
    model: &'m Model,
    area: u32,
    category: u32,
    detail: u32,
    prefix: Prefix<'m>,
    /// The category's entries from the current detail on.
    entries: &'m [(u32, ModelEntry)],
}

impl<'m> Walk<'m> {
    /// The code the walk is at, composed from its counters.
    fn code(&self) -> u32 {
        (self.area * CATEGORIES + self.category) * DETAILS + self.detail
    }

    /// Moves to the next code, past the current code's entry if it has one; past
    /// `0xFFFFFFFF` the walk is spent.
    fn advance(&mut self) {
        if self.entry().is_some() {
            self.entries = &self.entries[1..];
        }
        self.skip(1);
    }

    /// Moves `n` codes on, none of which has an entry: within the current prefix, or to
    /// the first code of the next.
    fn skip(&mut self, n: u32) {
        self.detail += n;
        if self.detail < DETAILS {
            return;
        }
        self.detail = 0;
        self.category += 1;
        if self.category == CATEGORIES {
            self.category = 0;
            self.area += 1;
        }
        if self.area < AREAS {
            self.entries = &self.model.categories[self.category as usize].entries;
            self.enter_prefix();
        }
    }

    /// How many codes from here on have no entry, within the current prefix.
    fn plain_run(&self) -> u32 {
        let next = self.entries.first().map_or(DETAILS, |(detail, _)| *detail);
        next - self.detail
    }

    /// Checks the `n` codes from `code` on, which [`Walk::plain_run`] says have no entry.
    /// A code passes at once when each field equals the model's answer, or for a text or
    /// the class has the key of the oracle's answer already found equal to the model's
    /// ([`Agreed::seen`]); any other goes through [`Walk::check`], which reads everything
    /// and names a disagreement.
    fn check_plain(
        &mut self,
        code: u32,
        n: u32,
        oracle: &impl Fn(Code) -> Decoded,
        agreed: &mut Agreed<'m>,
    ) -> Result<(), Disagreement> {
        let (p, start, composed) = (self.prefix, self.detail, self.code());
        let class = self.class(None);
        let mut seen = agreed.seen(&p, class);
        for i in 0..n {
            let d = oracle(Code(code + i));
            let detail = start + i;
            let missing = d.missing_plugins().map(|m| (m.flash, m.silverlight));
            let same = d.code().0 == composed + i
                && d.area_name().key() == seen.area
                && d.category_name().key() == seen.category
                && d.message().key() == seen.message
                && d.name().is_none()
                && d.description().is_none()
                && d.aliases().is_empty()
                && !d.is_documented()
                && d.http_status() == p.http_status(detail)
                && missing == p.missing_plugins(detail)
                && Some(d.class()) == seen.class;
            if !same {
                self.detail = detail;
                self.check(&d, agreed)?;
                seen = agreed.seen(&p, class);
            }
        }
        self.detail = start;
        self.skip(n);
        Ok(())
    }

    fn enter_prefix(&mut self) {
        self.prefix = Prefix::of(self.model, self.area, self.category);
    }

    /// The entry of the current code, if its category's list has the current detail.
    fn entry(&self) -> Option<&'m ModelEntry> {
        match self.entries.first() {
            Some((detail, entry)) if *detail == self.detail => Some(entry),
            _ => None,
        }
    }

    fn http_status(&self) -> Option<u16> {
        self.prefix.http_status(self.detail)
    }

    fn missing_plugins(&self) -> Option<(bool, bool)> {
        self.prefix.missing_plugins(self.detail)
    }

    fn class(&self, entry: Option<&ModelEntry>) -> &'static str {
        match self.prefix.class {
            Some(class) => class,
            None if entry.is_some_and(|e| e.documented) => DOCUMENTED,
            None => UNDOCUMENTED_DETAIL,
        }
    }

    /// Compares the oracle's answer `d` with the model's for the current code, field by
    /// field; the first that differs is the error.
    fn check(&self, d: &Decoded, agreed: &mut Agreed<'m>) -> Result<(), Disagreement> {
        let (p, entry) = (&self.prefix, self.entry());
        let e = entry.unwrap_or(&EMPTY);
        let code = Code(self.code());
        if d.code() != code {
            let (oracle, model) = (format_args!("{}", d.code()), format_args!("{code}"));
            return Err(disagreement(d, "code", &oracle, &model));
        }
        text(d, "area_name", &mut agreed.area, p.area_name, d.area_name())?;
        text(
            d,
            "category_name",
            &mut agreed.category,
            p.category_name,
            d.category_name(),
        )?;
        text(d, "message", &mut agreed.message, p.message, d.message())?;
        same(d, "name", d.name(), e.name.as_deref())?;
        same(d, "description", d.description(), e.description.as_deref())?;
        if !d
            .aliases()
            .iter()
            .copied()
            .eq(e.aliases.iter().map(String::as_str))
        {
            return Err(disagreement(d, "aliases", &d.aliases(), &e.aliases));
        }
        same(d, "documented", d.is_documented(), e.documented)?;
        same(d, "http_status", d.http_status(), self.http_status())?;
        let missing = d.missing_plugins().map(|m| (m.flash, m.silverlight));
        same(d, "missing_plugins", missing, self.missing_plugins())?;
        let class = self.class(entry);
        if agreed.class.agrees(class, d.class()) {
            Ok(())
        } else {
            Err(disagreement(d, "class", &d.class().id(), &class))
        }
    }
}

/// The entry of a value the profile neither names nor documents.
static EMPTY: ModelEntry = ModelEntry {
    documented: false,
    name: None,
    description: None,
    aliases: Vec::new(),
};

/// The first field on which the oracle and the model differ, for one code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Disagreement {
    pub code: Code,
    pub profile: Profile,
    pub field: &'static str,
    /// The oracle's answer, as `{:?}` shows it.
    pub oracle: String,
    /// The model's answer, in the oracle's words.
    pub model: String,
}

/// `0x20200194 under doc: name: oracle Some("x"), model Some("y")`.
impl fmt::Display for Disagreement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} under {}: {}: oracle {}, model {}",
            self.code, self.profile, self.field, self.oracle, self.model
        )
    }
}

impl std::error::Error for Disagreement {}

/// A field's check: equal, or a disagreement showing both answers.
#[inline]
fn same<T: PartialEq + Debug>(
    d: &Decoded,
    field: &'static str,
    oracle: T,
    model: T,
) -> Result<(), Disagreement> {
    if oracle == model {
        Ok(())
    } else {
        Err(disagreement(d, field, &oracle, &model))
    }
}

/// A text field's check, through the memo of the pair last found equal.
#[inline]
fn text<'m>(
    d: &Decoded,
    field: &'static str,
    memo: &mut Memo<'m, Answer, TextKey>,
    model: &'m Answer,
    oracle: Field<&'static str>,
) -> Result<(), Disagreement> {
    if memo.agrees(model, oracle) {
        Ok(())
    } else {
        Err(disagreement(d, field, &oracle, &model.as_field()))
    }
}

#[cold]
fn disagreement(
    d: &Decoded,
    field: &'static str,
    oracle: &dyn Debug,
    model: &dyn Debug,
) -> Disagreement {
    Disagreement {
        code: d.code(),
        profile: d.profile(),
        field,
        oracle: format!("{oracle:?}"),
        model: format!("{model:?}"),
    }
}

/// The pairs of answers already found equal, one per field that is the same for a whole
/// prefix, so that a repeat costs a compare of keys instead of reading the text again.
#[derive(Default)]
struct Agreed<'m> {
    area: Memo<'m, Answer, TextKey>,
    category: Memo<'m, Answer, TextKey>,
    message: Memo<'m, Answer, TextKey>,
    class: Memo<'m, str, Class>,
}

/// The keys of the oracle's answers known to agree with the current prefix's.
struct Seen {
    area: TextKey,
    category: TextKey,
    message: TextKey,
    class: Option<Class>,
}

impl<'m> Agreed<'m> {
    fn seen(&self, p: &Prefix<'m>, class: &'m str) -> Seen {
        let text = |memo: &Memo<'m, Answer, TextKey>, model| memo.seen(model).unwrap_or(UNSEEN);
        Seen {
            area: text(&self.area, p.area_name),
            category: text(&self.category, p.category_name),
            message: text(&self.message, p.message),
            class: self.class.seen(class),
        }
    }
}

/// One (model answer, oracle answer) pair found equal, the oracle's by its [`Place`] key.
/// Both answers are immutable while borrowed, so the same model answer (by address) and
/// an oracle answer with the same key are the same two answers: they still agree.
struct Memo<'m, M: ?Sized, K> {
    last: Option<(&'m M, K)>,
}

impl<M: ?Sized, K> Default for Memo<'_, M, K> {
    fn default() -> Self {
        Memo { last: None }
    }
}

impl<'m, M: ?Sized, K: Copy + Eq> Memo<'m, M, K> {
    /// The key of the oracle answer known to agree with `model`, if any.
    fn seen(&self, model: &'m M) -> Option<K> {
        self.last
            .filter(|(m, _)| ptr::eq(*m, model))
            .map(|(_, key)| key)
    }

    /// Whether they agree, reading both in full unless the pair is known.
    #[inline]
    fn agrees<O: Place<Key = K>>(&mut self, model: &'m M, oracle: O) -> bool
    where
        M: Agrees<O>,
    {
        self.seen(model) == Some(oracle.key()) || self.learn(model, oracle)
    }

    /// Reads both answers in full; remembers them if they agree.
    #[cold]
    #[inline(never)]
    fn learn<O: Place<Key = K>>(&mut self, model: &'m M, oracle: O) -> bool
    where
        M: Agrees<O>,
    {
        let agrees = model.agrees_with(oracle);
        if agrees {
            self.last = Some((model, oracle.key()));
        }
        agrees
    }
}

/// A model answer read in full against the oracle's.
trait Agrees<O> {
    fn agrees_with(&self, oracle: O) -> bool;
}

impl Agrees<Field<&'static str>> for Answer {
    fn agrees_with(&self, oracle: Field<&'static str>) -> bool {
        self.agrees(oracle)
    }
}

impl Agrees<Class> for str {
    fn agrees_with(&self, oracle: Class) -> bool {
        self == oracle.id()
    }
}

/// An oracle answer reduced to a key compared in an instruction or two: two answers with
/// the same key are the same answer.
trait Place: Copy {
    type Key: Copy + Eq;
    fn key(self) -> Self::Key;
}

/// A text field's key: the text's address, and its length times 4 plus the kind (0 null,
/// 1 value, 2 silent). The oracle's texts are `'static` and immutable, so the same
/// address, length and kind are the same answer (no text nears 2^62 bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct TextKey(usize, usize);

/// No answer has this key.
const UNSEEN: TextKey = TextKey(usize::MAX, usize::MAX);

impl Place for Field<&'static str> {
    type Key = TextKey;

    #[inline]
    fn key(self) -> TextKey {
        let at = |text: &str, kind| TextKey(text.as_ptr() as usize, text.len() << 2 | kind);
        match self {
            Field::Null => TextKey(0, 0),
            Field::Value(text) => at(text, 1),
            Field::ImplementationDefined(why) => at(why, 2),
        }
    }
}

/// A class is a value, and its id a function of it: the class is its own key.
impl Place for Class {
    type Key = Class;

    #[inline]
    fn key(self) -> Class {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::decode;

    #[test]
    fn the_model_reads_the_page_examples() {
        let model = Model::new(Profile::DOC);
        let (area, category, detail) = Model::split(0x2020_0194);
        assert_eq!(
            (area.as_str(), category.as_str(), detail.as_str()),
            ("2", "02", "00194")
        );
        let walk = model.walk_from(0x2020_0194);
        assert_eq!(walk.code(), 0x2020_0194);
        assert_eq!(walk.prefix.area_name, &Answer::Text("AzureHtml5JS".into()));
        assert_eq!(walk.http_status(), Some(404));
        assert_eq!(
            walk.entry().unwrap().name.as_deref(),
            Some("networkErrHttpUrlNotFound")
        );
        assert!(matches!(
            model.walk_from(0x7090_0000).prefix.message,
            Answer::Silent(_)
        ));
    }

    #[test]
    fn a_walk_counts_through_every_wheel() {
        let model = Model::new(Profile::AMP_2_3_0);
        let mut walk = model.walk_from(0x1FFF_FFFE);
        for expected in [0x1FFF_FFFE, 0x1FFF_FFFF, 0x2000_0000, 0x2000_0001] {
            assert_eq!(walk.code(), expected);
            walk.advance();
        }
        let mut walk = model.walk_from(0x060_0001);
        assert_eq!(walk.missing_plugins(), Some((true, false)));
        walk.advance();
        assert_eq!(walk.missing_plugins(), Some((false, true)));
        walk.advance();
        assert_eq!(walk.missing_plugins(), Some((true, true)));
        // The range marker 0x01FFFFF is found by the merge, at the last detail.
        let walk = model.walk_from(0x001F_FFFF);
        assert_eq!(walk.entry().unwrap().aliases, ["abortedErrEnd"]);
    }

    #[test]
    fn check_names_the_field_and_both_answers() {
        let model = Model::new(Profile::DOC);
        let d = decode(Code(0x2020_0194), Profile::DOC);
        assert_eq!(model.check(&d), Ok(()));
        // The same code judged against the other profile's model must differ somewhere.
        let amp = Model::new(Profile::AMP_2_3_0);
        let err = amp.check(&d).unwrap_err();
        let oracle = "A network error caused the video download to fail part-way.";
        let model = format!("{oracle} Please check your network connection or try again later.");
        assert_eq!(
            err,
            format!(
                "0x20200194 under doc: message: oracle Value({oracle:?}), model Value({model:?})"
            )
        );
    }
}
