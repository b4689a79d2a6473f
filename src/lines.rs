//! Reading untrusted text with a bound: line by line, or whole.
//!
//! Input from stdin, files and third-party decoders is untrusted: one line without a
//! newline must not be able to take all memory. [`BoundedLines`] keeps at most `limit`
//! bytes of a line, skips the rest, and says so. The bound is on the line's content: the
//! `\n` or `\r\n` that ends it is not counted. [`read_bounded`] reads a whole input (a
//! saved report, a table, an xfail list) up to a bound.

use std::io::{self, BufRead, Read};

/// Why [`read_bounded`] gave no text.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    #[error("{0}")]
    Io(#[from] io::Error),
    /// More bytes than the bound.
    #[error("more than the bound")]
    TooLarge,
    #[error("not UTF-8 ({0})")]
    NotUtf8(#[from] std::string::FromUtf8Error),
}

/// All of `reader` as text, if it holds at most `max` bytes of UTF-8. Size is judged
/// first, on bytes: an input cut at the bound inside a character is too large, not "not
/// UTF-8". At most `max + 1` bytes are read.
pub fn read_bounded(reader: impl Read, max: u64) -> Result<String, ReadError> {
    let mut bytes = Vec::new();
    reader.take(max.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(ReadError::TooLarge);
    }
    Ok(String::from_utf8(bytes)?)
}

/// One line, without its `\n` (or `\r\n`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Line {
    Text(String),
    /// The line had more than the limit of bytes (its `\n` or `\r\n` not counted); its
    /// content was skipped.
    TooLong,
    /// The line is not valid UTF-8.
    NotUtf8,
}

/// An iterator of `(line number from 1, line)` over a reader.
///
/// A line over the limit is reported as [`Line::TooLong`] as soon as the limit is passed,
/// not when its newline comes (a peer that never sends one must not go unnoticed); the
/// rest of it is then skipped.
pub struct BoundedLines<R> {
    reader: R,
    limit: usize,
    number: usize,
    buf: Vec<u8>,
    /// The rest of a line already reported as too long is being skipped.
    skipping: bool,
}

impl<R: BufRead> BoundedLines<R> {
    pub fn new(reader: R, limit: usize) -> BoundedLines<R> {
        BoundedLines {
            reader,
            limit,
            number: 0,
            buf: Vec::new(),
            skipping: false,
        }
    }

    /// The reader, to see what it holds already (a line there is read without waiting).
    pub fn get_ref(&self) -> &R {
        &self.reader
    }

    /// Reads one line into `self.buf`; `Ok(None)` at the end, `Ok(Some(too_long))` else.
    fn read_raw(&mut self) -> io::Result<Option<bool>> {
        self.buf.clear();
        let mut seen_any = false;
        loop {
            let chunk = match self.reader.fill_buf() {
                Ok(chunk) => chunk,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if chunk.is_empty() {
                self.skipping = false;
                return Ok(seen_any.then_some(false));
            }
            let (taken, done) = match memchr_newline(chunk) {
                Some(i) => (i, true),
                None => (chunk.len(), false),
            };
            if self.skipping {
                self.reader.consume(taken + usize::from(done));
                self.skipping = !done;
                continue;
            }
            seen_any = true;
            // The bound is on the content: one byte more may be the `\r` of a `\r\n`.
            let room = self.limit + 1 - self.buf.len();
            let over = taken > room;
            if !over {
                self.buf.extend_from_slice(&chunk[..taken]);
            }
            self.reader.consume(taken + usize::from(done));
            // Past the bound, unless the byte past it is a `\r` that may end the line.
            if over || (self.buf.len() > self.limit && self.buf.last() != Some(&b'\r')) {
                // Said now, and the rest of the line skipped later.
                self.skipping = !done;
                return Ok(Some(true));
            }
            if done {
                return Ok(Some(false));
            }
        }
    }
}

fn memchr_newline(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'\n')
}

impl<R: BufRead> Iterator for BoundedLines<R> {
    type Item = io::Result<(usize, Line)>;

    fn next(&mut self) -> Option<Self::Item> {
        let too_long = match self.read_raw() {
            Ok(None) => return None,
            Ok(Some(too_long)) => too_long,
            Err(e) => return Some(Err(e)),
        };
        self.number += 1;
        if too_long {
            return Some(Ok((self.number, Line::TooLong)));
        }
        if self.buf.last() == Some(&b'\r') {
            self.buf.pop();
        }
        let line = match String::from_utf8(std::mem::take(&mut self.buf)) {
            Ok(text) => Line::Text(text),
            Err(_) => Line::NotUtf8,
        };
        Some(Ok((self.number, line)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_whole_read_is_judged_by_its_size_before_its_text() {
        let read = |bytes: &[u8], max| read_bounded(bytes, max);
        assert_eq!(read(b"abc", 3).unwrap(), "abc");
        assert!(matches!(read(b"abcd", 3), Err(ReadError::TooLarge)));
        // The euro sign's three bytes straddle the bound: too large, not "not UTF-8".
        assert!(matches!(
            read("ab\u{20AC}".as_bytes(), 3),
            Err(ReadError::TooLarge)
        ));
        assert_eq!(read("ab\u{20AC}".as_bytes(), 5).unwrap(), "ab\u{20AC}");
        assert!(matches!(read(b"a\xFFb", 3), Err(ReadError::NotUtf8(_))));
        assert_eq!(read(b"", 0).unwrap(), "");
        assert!(matches!(read(b"x", 0), Err(ReadError::TooLarge)));
    }

    fn lines(input: &[u8], limit: usize) -> Vec<(usize, Line)> {
        // A tiny buffer makes lines cross many fill_buf calls.
        let reader = io::BufReader::with_capacity(3, input);
        BoundedLines::new(reader, limit)
            .map(Result::unwrap)
            .collect()
    }

    #[test]
    fn splits_on_newlines_and_strips_cr() {
        let got = lines(b"one\r\ntwo\n\nlast", 16);
        let text = |s: &str| Line::Text(s.to_string());
        assert_eq!(
            got,
            [
                (1, text("one")),
                (2, text("two")),
                (3, text("")),
                (4, text("last"))
            ]
        );
    }

    #[test]
    fn long_lines_are_skipped_whole_and_reading_goes_on() {
        let got = lines(b"0123456789\nok\n", 4);
        assert_eq!(got, [(1, Line::TooLong), (2, Line::Text("ok".into()))]);
        assert_eq!(lines(b"1234\n", 4), [(1, Line::Text("1234".into()))]);
    }

    #[test]
    fn a_line_over_the_limit_is_reported_before_its_newline() {
        // A reader that gives 10 bytes, then would block forever: the line must be
        // reported from what came.
        struct Then<'a>(&'a [u8]);
        impl io::Read for Then<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                assert!(
                    !self.0.is_empty(),
                    "read past what was sent: waiting for a newline"
                );
                let n = buf.len().min(self.0.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        for sent in [&b"0123456789"[..], b"01234", b"0123\rx"] {
            let reader = io::BufReader::with_capacity(4, Then(sent));
            let mut lines = BoundedLines::new(reader, 4);
            assert_eq!(
                lines.next().unwrap().unwrap(),
                (1, Line::TooLong),
                "{sent:?}"
            );
        }
    }

    #[test]
    fn the_bound_is_on_the_content_whatever_ends_the_line() {
        // The protocol's 64 KiB, exactly at the bound, with LF and with CRLF: the `\r` of
        // a CRLF is the line's end, not its content.
        const LIMIT: usize = 64 * 1024;
        for ending in ["\n", "\r\n"] {
            for (length, fits) in [(LIMIT - 1, true), (LIMIT, true), (LIMIT + 1, false)] {
                let mut input = "x".repeat(length) + ending;
                input.push_str("next\n");
                for capacity in [3, 8 * 1024, 64 * 1024, 128 * 1024] {
                    let reader = io::BufReader::with_capacity(capacity, input.as_bytes());
                    let got: Vec<(usize, Line)> = BoundedLines::new(reader, LIMIT)
                        .map(Result::unwrap)
                        .collect();
                    let first = match fits {
                        true => Line::Text("x".repeat(length)),
                        false => Line::TooLong,
                    };
                    let expected = [(1, first), (2, Line::Text("next".into()))];
                    assert!(
                        got == expected,
                        "{length} bytes, then {ending:?}, read {capacity} at a time: {:?}",
                        got.iter()
                            .map(|(n, l)| (n, l == &expected[n - 1].1))
                            .collect::<Vec<_>>()
                    );
                }
            }
        }
        // What is not a CRLF counts: a `\r` inside, a `\r` before another, at the bound.
        let limit = |input: &[u8]| lines(input, 4);
        assert_eq!(limit(b"1234\r\n"), [(1, Line::Text("1234".into()))]);
        assert_eq!(limit(b"1234\r"), [(1, Line::Text("1234".into()))]);
        assert_eq!(limit(b"12\r4\n"), [(1, Line::Text("12\r4".into()))]);
        assert_eq!(limit(b"123\r4\n"), [(1, Line::TooLong)]);
        assert_eq!(limit(b"1234\rx\nok\n")[0], (1, Line::TooLong));
        assert_eq!(limit(b"1234\r\r\nok\n")[0], (1, Line::TooLong));
        assert_eq!(limit(b"1234\r\r\nok\n")[1], (2, Line::Text("ok".into())));
        assert_eq!(limit(b"12345\n")[0], (1, Line::TooLong));
    }

    #[test]
    fn invalid_utf8_is_reported_not_replaced() {
        assert_eq!(
            lines(b"\xff\xfe\nx", 16),
            [(1, Line::NotUtf8), (2, Line::Text("x".into()))]
        );
    }
}
