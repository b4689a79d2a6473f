//! The 32-bit error code and its three bit fields.
//!
//! AMP packs an error into one `u32`: bits 31-28 are the *area* (the playback technology
//! that failed), bits 27-20 the *category* (which also picks the message the viewer sees)
//! and bits 19-0 the *detail*. Bits 27-0 together are the value `amp.errorCode` names.
//! Every `u32` is a valid [`Code`]; what a code *means* is the catalog's business, not this
//! module's.

use std::fmt;

/// An AMP error code: any `u32`, split into its bit fields on demand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Code(pub u32);

impl Code {
    /// Bit position of the area field (bits 31-28).
    pub const AREA_SHIFT: u32 = 28;
    /// Bit position of the category field (bits 27-20).
    pub const CATEGORY_SHIFT: u32 = 20;
    /// Largest area (4 bits).
    pub const AREA_MAX: u8 = 0xF;
    /// Largest detail (20 bits).
    pub const DETAIL_MAX: u32 = 0xF_FFFF;
    /// Largest 28-bit value (bits 27-0), the space `amp.errorCode` values live in.
    pub const CODE28_MAX: u32 = 0x0FFF_FFFF;

    /// Bits 31-28: the playback technology that reported the error.
    #[inline]
    pub const fn area(self) -> u8 {
        (self.0 >> Self::AREA_SHIFT) as u8
    }

    /// Bits 27-20: the category, which picks the user message.
    #[inline]
    pub const fn category(self) -> u8 {
        (self.0 >> Self::CATEGORY_SHIFT) as u8
    }

    /// Bits 19-0: the detail within the category.
    #[inline]
    pub const fn detail(self) -> u32 {
        self.0 & Self::DETAIL_MAX
    }

    /// Bits 27-0: the value an `amp.errorCode` name stands for.
    #[inline]
    pub const fn code28(self) -> u32 {
        self.0 & Self::CODE28_MAX
    }

    /// Builds a code from its three fields, refusing a field wider than its bits.
    ///
    /// ```
    /// use amperr::Code;
    ///
    /// assert_eq!(Code::compose(2, 2, 404), Ok(Code(0x2020_0194)));
    /// assert!(Code::compose(16, 0, 0).is_err());
    /// ```
    pub fn compose(area: u8, category: u8, detail: u32) -> Result<Code, ComposeError> {
        if area > Self::AREA_MAX {
            return Err(ComposeError::Area(area.into()));
        }
        if detail > Self::DETAIL_MAX {
            return Err(ComposeError::Detail(detail));
        }
        let category = u32::from(category) << Self::CATEGORY_SHIFT;
        Ok(Code(
            u32::from(area) << Self::AREA_SHIFT | category | detail,
        ))
    }

    /// Puts `area` into bits 31-28 of a 28-bit value, as the player does when it reports.
    pub fn with_area(area: u8, code28: u32) -> Result<Code, ComposeError> {
        if area > Self::AREA_MAX {
            return Err(ComposeError::Area(area.into()));
        }
        if code28 > Self::CODE28_MAX {
            return Err(ComposeError::Code28(code28));
        }
        Ok(Code(u32::from(area) << Self::AREA_SHIFT | code28))
    }
}

/// Formats as the canonical `0x` and eight upper-case hex digits, e.g. `0x20200194`.
impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0x{:08X}", self.0)
    }
}

/// A field given to [`Code::compose`] or [`Code::with_area`] does not fit its bits.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ComposeError {
    #[error("area {0} does not fit in 4 bits: an area is 0..=15")]
    Area(u32),
    #[error("detail {0:#X} does not fit in 20 bits: a detail is 0x0..=0xFFFFF")]
    Detail(u32),
    #[error("value {0:#X} does not fit in 28 bits: a value is 0x0..=0xFFFFFFF")]
    Code28(u32),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_of_the_page_examples() {
        let c = Code(0x2020_0194);
        assert_eq!((c.area(), c.category(), c.detail()), (2, 2, 0x194));
        assert_eq!(c.code28(), 0x020_0194);
        let c = Code(0x1060_0001);
        assert_eq!((c.area(), c.category(), c.detail()), (1, 6, 1));
    }

    #[test]
    fn compose_checks_widths() {
        assert_eq!(Code::compose(2, 2, 0x194), Ok(Code(0x2020_0194)));
        assert_eq!(Code::compose(15, 255, 0xFFFFF), Ok(Code(u32::MAX)));
        assert_eq!(Code::compose(16, 0, 0), Err(ComposeError::Area(16)));
        assert_eq!(
            Code::compose(0, 0, 0x10_0000),
            Err(ComposeError::Detail(0x10_0000))
        );
        assert_eq!(Code::with_area(1, 0x060_0001), Ok(Code(0x1060_0001)));
        assert_eq!(
            Code::with_area(1, 0x1000_0000),
            Err(ComposeError::Code28(0x1000_0000))
        );
    }

    #[test]
    fn display_is_padded_upper_hex() {
        assert_eq!(Code(0x0060_0003).to_string(), "0x00600003");
        assert_eq!(Code(u32::MAX).to_string(), "0xFFFFFFFF");
    }
}
