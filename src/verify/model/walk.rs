//! The odometer: what the model expects for consecutive codes, and the check of the
//! oracle's answers against it.
//!
//! A walk never splits a code with shifts or masks: it counts detail, then category, then
//! area, composes each code from its counters, and finds a code's entry by merging the
//! category's sorted list against the ascending detail. What holds for a whole (area,
//! category) prefix ([`Prefix`]) is computed once, so a run of codes without an entry is
//! checked by comparing keys ([`Walk::check_plain`]).

use std::ops::RangeInclusive;

use super::agree::{Agreed, Place, disagreement, same, text};
use super::{
    AREAS, Answer, CATEGORIES, DETAILS, DOCUMENTED, Disagreement, MISMATCH, Model, ModelEntry,
    NETWORK, PLUGINS, RESERVED_AREA, UNDOCUMENTED_DETAIL, UNKNOWN_CATEGORY,
};
use crate::code::Code;
use crate::decode::Decoded;

impl Model {
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

/// What the model says about one (area, category) prefix, computed once per prefix.
#[derive(Clone, Copy, Debug)]
pub(super) struct Prefix<'m> {
    pub(super) area_name: &'m Answer,
    pub(super) category_name: &'m Answer,
    pub(super) message: &'m Answer,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Profile;

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
}
