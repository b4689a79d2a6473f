//! A protocol v1 decoder built on the oracle itself.
//!
//! The fastest correct decoder there is: it measures the gate's own cost (`benches/`), and
//! is the template for a Rust integrator (`examples/adapter.rs` is this in three lines).

use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};

use serde::Serialize;

use crate::catalog::Profile;
use crate::code::Code;
use crate::decode::decode;

#[derive(Serialize)]
struct Answer<'a> {
    code: u32,
    area: u8,
    category: u8,
    detail: u32,
    name: Option<&'a str>,
    message: Option<&'a str>,
    area_name: Option<&'a str>,
    category_name: Option<&'a str>,
}

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

/// The answer line (with its newline) for one code.
pub fn answer(profile: Profile, code: u32) -> serde_json::Result<String> {
    let d = decode(Code(code), profile);
    let answer = Answer {
        code,
        area: d.area(),
        category: d.category(),
        detail: d.detail(),
        name: d.name(),
        message: d.message().value(),
        area_name: d.area_name().value(),
        category_name: d.category_name().value(),
    };
    serde_json::to_string(&answer).map(|json| json + "\n")
}
