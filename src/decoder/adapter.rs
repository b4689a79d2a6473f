//! A protocol v1 decoder built on the oracle itself.
//!
//! The fastest correct decoder there is: it measures the gate's own cost (`benches/`), and
//! is the template for a Rust integrator (`examples/adapter.rs` is this in three lines).

use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};

use crate::catalog::Profile;
use crate::code::Code;
use crate::gate::corpus::{Case, Expected, Origin};
use crate::gate::field::FieldName;

/// Answers each request line of `input` on `output` until the input ends. Where the
/// profile's source is silent any answer passes; this sends null.
///
/// Answers are written in blocks, and flushed whenever the input has no more requests
/// ready: a batch is answered as fast as it comes, and a peer that sends one request at a
/// time (the `differential` fuzzer) gets each answer at once.
pub fn serve(profile: Profile, input: impl Read, output: impl Write) -> io::Result<()> {
    let mut input = BufReader::new(input);
    let mut output = BufWriter::new(output);
    let mut line = String::new();
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            return output.flush();
        }
        let code: u32 = line.trim().parse().map_err(|_| {
            let message =
                format!("not a protocol v1 request (an unsigned 32-bit decimal): {line:?}");
            io::Error::new(io::ErrorKind::InvalidData, message)
        })?;
        output.write_all(answer(profile, code).map_err(io::Error::other)?.as_bytes())?;
        if input.buffer().is_empty() {
            output.flush()?;
        }
    }
}

/// The answer line (with its newline) for one code: the oracle's expectation of each
/// field of a decoder's answer, in table order.
pub fn answer(profile: Profile, code: u32) -> serde_json::Result<String> {
    let expected = Case::new(Origin::Given, Code(code)).expect(profile);
    let mut line = format!("{{\"code\":{code}");
    for &field in FieldName::V1 {
        line.push_str(",\"");
        line.push_str(field.key());
        line.push_str("\":");
        match expected.fields[field] {
            Expected::Int(n) => line.push_str(&n.to_string()),
            Expected::Text(text) => line.push_str(&serde_json::to_string(text)?),
            // Null, or silent (where any answer passes): null. A player's fields (a code
            // line, a screen reader's text) are not a decoder's.
            _ => line.push_str("null"),
        }
    }
    line.push_str("}\n");
    Ok(line)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::decode;
    use crate::render::Record;

    /// The answer is the decoded record's value of each field, by the same key: the
    /// table's keys are the JSON keys `decode --json` writes.
    #[test]
    fn answers_are_the_records_fields() {
        for profile in Profile::ALL {
            for code in [
                0x2020_0194,
                0x0060_0001,
                0x0000_0005,
                0x8FFF_FFFF,
                0x0380_0001,
            ] {
                let line = answer(profile, code).unwrap();
                let answer: serde_json::Value = serde_json::from_str(&line).unwrap();
                let record = Record::from(&decode(Code(code), profile));
                let record = serde_json::to_value(record).unwrap();
                let keys = answer.as_object().unwrap().keys().count();
                assert_eq!(keys, FieldName::V1.len() + 1, "{line}");
                assert_eq!(answer["code"], code);
                for field in FieldName::V1 {
                    assert_eq!(
                        answer[field.key()],
                        record[field.key()],
                        "{field} of {line}"
                    );
                }
            }
        }
    }
}
