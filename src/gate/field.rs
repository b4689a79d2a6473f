//! The fields of an answer the gate checks, and a map with one value per field.
//!
//! A decoder's answer (protocol v1) has the code's parts, its name and its texts; a
//! player's (what its error overlay shows, `check-player`) has the message, the code line
//! and, with `--a11y`, the text a screen reader gets. Each gate reads and reports only its own fields.
//!
//! What the gate knows of each field is one row of one table, `FIELDS`: its key and
//! which answers have it. Every list of fields (a decoder's, a player's), every key and
//! every lookup by key is derived from it, so a new field is a new variant and a new row.

use std::fmt;
use std::ops::{Index, IndexMut};

/// A checked field of an answer.
///
/// Each variant has one row in `FIELDS`, in the same order (checked when compiled).
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
    /// The code the player raised under a fault (`error().code`), as `0x` and 8 hex digits.
    ErrorCode,
}

/// One field: its JSON key and which answers have it.
struct FieldInfo {
    name: FieldName,
    key: &'static str,
    /// A decoder's answer (protocol v1) has it.
    decoder: bool,
    /// A player's answer (what its error overlay shows) has it.
    player: bool,
    /// A player's answer under a fault (`check-faults`) has it.
    faults: bool,
    /// Only a screen reader gets it: a player is judged by it under `--a11y` alone.
    screen_reader: bool,
}

const fn row(name: FieldName, key: &'static str, decoder: bool, player: bool) -> FieldInfo {
    FieldInfo {
        name,
        key,
        decoder,
        player,
        // What a player shows for a code it is handed, it shows for a code it raised.
        faults: player,
        screen_reader: false,
    }
}

/// Every field, in the order of [`FieldName`]'s variants.
const FIELDS: &[FieldInfo] = &[
    row(FieldName::Area, "area", true, false),
    row(FieldName::Category, "category", true, false),
    row(FieldName::Detail, "detail", true, false),
    row(FieldName::Name, "name", true, false),
    row(FieldName::Message, "message", true, true),
    row(FieldName::AreaName, "area_name", true, false),
    row(FieldName::CategoryName, "category_name", true, false),
    row(FieldName::CodeLine, "code_line", false, true),
    FieldInfo {
        screen_reader: true,
        ..row(
            FieldName::AccessibleDescription,
            "accessible_description",
            false,
            true,
        )
    },
    FieldInfo {
        faults: true,
        ..row(FieldName::ErrorCode, "error_code", false, false)
    },
];

/// How many fields there are.
const COUNT: usize = FIELDS.len();

/// Which answers a list of fields is of.
#[derive(Clone, Copy)]
enum Answers {
    Decoder,
    Player,
    /// A player's, without what only a screen reader gets.
    PlayerShown,
    /// A player's under a fault.
    Faults,
    /// A player's under a fault, without what only a screen reader gets.
    FaultsShown,
}

impl Answers {
    const fn have(self, field: &FieldInfo) -> bool {
        match self {
            Answers::Decoder => field.decoder,
            Answers::Player => field.player,
            Answers::PlayerShown => field.player && !field.screen_reader,
            Answers::Faults => field.faults,
            Answers::FaultsShown => field.faults && !field.screen_reader,
        }
    }

    /// How many fields these answers have.
    const fn count(self) -> usize {
        let (mut n, mut i) = (0, 0);
        while i < COUNT {
            n += self.have(&FIELDS[i]) as usize;
            i += 1;
        }
        n
    }

    /// The fields these answers have, in table order; `N` is [`Answers::count`].
    const fn fields<const N: usize>(self) -> [FieldName; N] {
        let mut fields = [FieldName::Area; N];
        let (mut n, mut i) = (0, 0);
        while i < COUNT {
            if self.have(&FIELDS[i]) {
                fields[n] = FIELDS[i].name;
                n += 1;
            }
            i += 1;
        }
        assert!(n == N, "N is the count of these answers' fields");
        fields
    }
}

impl FieldName {
    /// Every field, in table order.
    pub const ALL: [FieldName; COUNT] = {
        let mut all = [FieldName::Area; COUNT];
        let mut i = 0;
        while i < COUNT {
            // `FieldMap` indexes by the variant's number: the rows follow the variants.
            assert!(FIELDS[i].name as usize == i, "FIELDS is in variant order");
            all[i] = FIELDS[i].name;
            i += 1;
        }
        all
    };

    /// The fields of a protocol v1 answer (a decoder's).
    pub const V1: &'static [FieldName] = &Answers::Decoder.fields::<{ Answers::Decoder.count() }>();

    /// The fields of what a player's error overlay shows, with what a screen reader gets
    /// (`check-player --a11y`).
    pub const PLAYER: &'static [FieldName] =
        &Answers::Player.fields::<{ Answers::Player.count() }>();

    /// The fields of what a player's error overlay shows on screen (`check-player`).
    pub const PLAYER_SHOWN: &'static [FieldName] =
        &Answers::PlayerShown.fields::<{ Answers::PlayerShown.count() }>();

    /// The fields of a player's answer under a fault, with what a screen reader gets
    /// (`check-faults --a11y`).
    pub const FAULTS: &'static [FieldName] =
        &Answers::Faults.fields::<{ Answers::Faults.count() }>();

    /// The fields of a player's answer under a fault, as shown on screen (`check-faults`).
    pub const FAULTS_SHOWN: &'static [FieldName] =
        &Answers::FaultsShown.fields::<{ Answers::FaultsShown.count() }>();

    /// The field's JSON key.
    pub const fn key(self) -> &'static str {
        FIELDS[self as usize].key
    }

    /// The field whose JSON key is `key`.
    pub fn from_key(key: &str) -> Option<FieldName> {
        // Every key of every answer comes through here; a slice comparison looks at the
        // lengths first, so a scan of the few rows is cheap.
        FIELDS.iter().find(|f| f.key == key).map(|f| f.name)
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
pub struct FieldMap<T>([T; COUNT]);

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
    type IntoIter =
        std::iter::Zip<std::array::IntoIter<FieldName, COUNT>, std::array::IntoIter<T, COUNT>>;

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
        assert_eq!(doubled.iter().count(), 10);
    }

    #[test]
    fn each_answer_has_the_fields_its_rows_give_it() {
        use FieldName::*;
        let v1 = [
            Area,
            Category,
            Detail,
            Name,
            Message,
            AreaName,
            CategoryName,
        ];
        assert_eq!(FieldName::V1, v1);
        assert_eq!(
            FieldName::PLAYER,
            [Message, CodeLine, AccessibleDescription]
        );
        assert_eq!(FieldName::PLAYER_SHOWN, [Message, CodeLine]);
        let keys = FieldName::ALL.map(FieldName::key);
        assert_eq!(keys[5], "area_name");
        assert_eq!(keys[8], "accessible_description");
        for key in ["", "are", "areas", "Area", "code", "error", "area_name "] {
            assert_eq!(FieldName::from_key(key), None, "{key:?}");
        }
    }
}
