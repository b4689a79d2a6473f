//! The fields of an answer the gate checks, and a map with one value per field.
//!
//! A decoder's answer (protocol v1) has the first seven; a player's (what its error
//! overlay shows, `check-player`) has the message, the code line and, with `--a11y`, the
//! text a screen reader gets. Each gate reads and reports only its own fields.

use std::fmt;
use std::ops::{Index, IndexMut};

/// A checked field of an answer.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum FieldName {
    Area,
    Category,
    Detail,
    Name,
    Message,
    AreaName,
    CategoryName,
    /// The overlay's code line, e.g. `(0x20200194)`.
    CodeLine,
    /// The overlay's text for a screen reader (its accessible description).
    AccessibleDescription,
}

impl FieldName {
    pub const ALL: [FieldName; 9] = [
        FieldName::Area,
        FieldName::Category,
        FieldName::Detail,
        FieldName::Name,
        FieldName::Message,
        FieldName::AreaName,
        FieldName::CategoryName,
        FieldName::CodeLine,
        FieldName::AccessibleDescription,
    ];

    /// The fields of a protocol v1 answer: the first seven of [`FieldName::ALL`].
    pub const V1: &'static [FieldName] = FieldName::ALL.split_at(7).0;

    /// The fields of what a player's error overlay shows.
    pub const PLAYER: &'static [FieldName] = &[
        FieldName::Message,
        FieldName::CodeLine,
        FieldName::AccessibleDescription,
    ];

    /// The field's JSON key.
    pub fn key(self) -> &'static str {
        match self {
            FieldName::Area => "area",
            FieldName::Category => "category",
            FieldName::Detail => "detail",
            FieldName::Name => "name",
            FieldName::Message => "message",
            FieldName::AreaName => "area_name",
            FieldName::CategoryName => "category_name",
            FieldName::CodeLine => "code_line",
            FieldName::AccessibleDescription => "accessible_description",
        }
    }

    pub fn from_key(key: &str) -> Option<FieldName> {
        // Every key of every answer comes through here: the length and first letter pick
        // the one candidate, which is then compared whole.
        let field = match (key.len(), key.as_bytes().first()) {
            (4, Some(b'a')) => FieldName::Area,
            (8, Some(b'c')) => FieldName::Category,
            (6, Some(b'd')) => FieldName::Detail,
            (4, Some(b'n')) => FieldName::Name,
            (7, Some(b'm')) => FieldName::Message,
            (9, Some(b'a')) => FieldName::AreaName,
            (13, Some(b'c')) => FieldName::CategoryName,
            (9, Some(b'c')) => FieldName::CodeLine,
            (22, Some(b'a')) => FieldName::AccessibleDescription,
            _ => return None,
        };
        (field.key() == key).then_some(field)
    }

    /// The keys of `fields`, comma-separated, for messages that list what is accepted.
    pub fn keys(fields: &[FieldName]) -> String {
        let keys: Vec<&str> = fields.iter().map(|f| f.key()).collect();
        keys.join(", ")
    }
}

impl fmt::Display for FieldName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// One `T` per field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldMap<T>([T; FieldName::ALL.len()]);

// `Default` for any length of array.
impl<T: Default> Default for FieldMap<T> {
    fn default() -> FieldMap<T> {
        FieldMap::from_fn(|_| T::default())
    }
}

impl<T> FieldMap<T> {
    /// The map whose value for each field is `value(field)`.
    #[inline]
    pub fn from_fn(mut value: impl FnMut(FieldName) -> T) -> FieldMap<T> {
        FieldMap(std::array::from_fn(|i| value(FieldName::ALL[i])))
    }

    /// Each field with its value, in [`FieldName::ALL`] order.
    #[inline]
    pub fn iter(&self) -> impl Iterator<Item = (FieldName, &T)> {
        FieldName::ALL.into_iter().zip(&self.0)
    }

    /// The map of `f` applied to each field and value.
    #[inline]
    pub fn map<U>(self, mut f: impl FnMut(FieldName, T) -> U) -> FieldMap<U> {
        let mut fields = FieldName::ALL.into_iter();
        FieldMap(self.0.map(|value| {
            // Both arrays have one entry per field, in the same order.
            let field = fields.next().unwrap_or(FieldName::Area);
            f(field, value)
        }))
    }
}

impl<T> Index<FieldName> for FieldMap<T> {
    type Output = T;

    #[inline]
    fn index(&self, field: FieldName) -> &T {
        &self.0[field as usize]
    }
}

impl<T> IndexMut<FieldName> for FieldMap<T> {
    #[inline]
    fn index_mut(&mut self, field: FieldName) -> &mut T {
        &mut self.0[field as usize]
    }
}

impl<T> IntoIterator for FieldMap<T> {
    type Item = (FieldName, T);
    type IntoIter = std::iter::Zip<std::array::IntoIter<FieldName, 9>, std::array::IntoIter<T, 9>>;

    fn into_iter(self) -> Self::IntoIter {
        FieldName::ALL.into_iter().zip(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_maps_index_by_field() {
        for field in FieldName::ALL {
            assert_eq!(FieldName::from_key(field.key()), Some(field));
        }
        let mut map = FieldMap::from_fn(|f| f.key().len());
        assert_eq!(map[FieldName::AreaName], 9);
        map[FieldName::Area] = 0;
        let doubled = map.map(|_, n| n * 2);
        assert_eq!(doubled[FieldName::Area], 0);
        assert_eq!(doubled[FieldName::CategoryName], 26);
        assert_eq!(doubled.iter().count(), 9);
    }
}
