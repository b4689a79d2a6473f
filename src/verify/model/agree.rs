//! One field's answers compared: in full, or by a key once a pair is found equal.
//!
//! Between two entries of a category every code expects the same texts and class, so the
//! oracle's answer is read in full once per prefix and, found equal to the model's, is
//! recognised after that by its key (a text's address, length and kind; a class's value):
//! a repeat costs a compare of keys instead of reading the text again.

use std::fmt::Debug;
use std::ptr;

use super::walk::Prefix;
use super::{Answer, Disagreement};
use crate::catalog::Field;
use crate::decode::{Class, Decoded};

/// A field's check: equal, or a disagreement showing both answers.
#[inline]
pub(super) fn same<T: PartialEq + Debug>(
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
pub(super) fn text<'m>(
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
pub(super) fn disagreement(
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
pub(super) struct Agreed<'m> {
    pub(super) area: Memo<'m, Answer, TextKey>,
    pub(super) category: Memo<'m, Answer, TextKey>,
    pub(super) message: Memo<'m, Answer, TextKey>,
    pub(super) class: Memo<'m, str, Class>,
}

/// The keys of the oracle's answers known to agree with the current prefix's.
pub(super) struct Seen {
    pub(super) area: TextKey,
    pub(super) category: TextKey,
    pub(super) message: TextKey,
    pub(super) class: Option<Class>,
}

impl<'m> Agreed<'m> {
    pub(super) fn seen(&self, p: &Prefix<'m>, class: &'m str) -> Seen {
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
pub(super) struct Memo<'m, M: ?Sized, K> {
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
    pub(super) fn agrees<O: Place<Key = K>>(&mut self, model: &'m M, oracle: O) -> bool
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
pub(super) trait Agrees<O> {
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
pub(super) trait Place: Copy {
    type Key: Copy + Eq;
    fn key(self) -> Self::Key;
}

/// A text field's key: the text's address, and its length times 4 plus the kind (0 null,
/// 1 value, 2 silent). The oracle's texts are `'static` and immutable, so the same
/// address, length and kind are the same answer (no text nears 2^62 bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct TextKey(usize, usize);

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
