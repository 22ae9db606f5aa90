//! Line framing for the stdio transport: one JSON-RPC message per line, with a size cap.
//!
//! A line longer than the cap is never buffered whole: its first [`PREFIX_KEEP`] bytes are kept
//! (so that [`scan_id`] can find the request id and the sender gets an error instead of a hang)
//! and the rest is discarded up to the next newline.

use tokio::io::{AsyncBufRead, AsyncBufReadExt};

use crate::jsonrpc::IdKey;

/// Default cap on one line (one message): 16 MiB.
pub const DEFAULT_MAX_LINE: usize = 16 * 1024 * 1024;

/// How many bytes of an over-long line are kept to look for its id.
pub const PREFIX_KEEP: usize = 4096;

/// One unit read from a stdio stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// A complete line, without its line terminator. Never empty or all-whitespace.
    Line(Vec<u8>),
    /// A line longer than the cap: its first bytes and its full length.
    TooLong { prefix: Vec<u8>, len: usize },
}

/// Reads frames from a buffered stream, never holding more than `max_line` bytes of one line.
#[derive(Debug)]
pub struct LineReader<R> {
    inner: R,
    max_line: usize,
    buf: Vec<u8>,
}

impl<R: AsyncBufRead + Unpin> LineReader<R> {
    /// A reader with the given line cap (at least 1 byte).
    pub fn new(inner: R, max_line: usize) -> Self {
        LineReader {
            inner,
            max_line: max_line.max(1),
            buf: Vec::new(),
        }
    }

    /// The next frame, or `None` at end of stream. A last line without a newline is returned
    /// as a line.
    pub async fn next_frame(&mut self) -> std::io::Result<Option<Frame>> {
        loop {
            self.buf.clear();
            let mut total = 0usize;
            let mut too_long = false;
            let mut saw_eof = false;
            loop {
                let chunk = self.inner.fill_buf().await?;
                if chunk.is_empty() {
                    saw_eof = true;
                    break;
                }
                let (take, done) = match memchr::memchr(b'\n', chunk) {
                    Some(pos) => (pos, true),
                    None => (chunk.len(), false),
                };
                total = total.saturating_add(take);
                if !too_long {
                    if total > self.max_line {
                        too_long = true;
                        let room = PREFIX_KEEP.saturating_sub(self.buf.len());
                        self.buf.extend_from_slice(&chunk[..take.min(room)]);
                        self.buf.truncate(PREFIX_KEEP);
                    } else {
                        self.buf.extend_from_slice(&chunk[..take]);
                    }
                }
                let consumed = if done { take + 1 } else { take };
                self.inner.consume(consumed);
                if done {
                    break;
                }
            }
            if too_long {
                return Ok(Some(Frame::TooLong {
                    prefix: std::mem::take(&mut self.buf),
                    len: total,
                }));
            }
            if self.buf.last() == Some(&b'\r') {
                self.buf.pop();
            }
            if self.buf.iter().all(u8::is_ascii_whitespace) {
                if saw_eof {
                    return Ok(None);
                }
                continue;
            }
            return Ok(Some(Frame::Line(std::mem::take(&mut self.buf))));
        }
    }
}

/// Find the top-level `"id"` of a (possibly truncated) JSON object without parsing it whole.
///
/// Used only to answer a message that was too large to relay; `None` when the id cannot be
/// found in the bytes given.
pub fn scan_id(bytes: &[u8]) -> Option<IdKey> {
    let mut i = 0usize;
    let mut depth = 0usize;
    // Whether the container at depth 1 is an object and the next string there is a key.
    let mut top_is_object = false;
    let mut expect_key = false;
    while i < bytes.len() {
        match bytes[i] {
            b'{' => {
                depth += 1;
                if depth == 1 {
                    top_is_object = true;
                    expect_key = true;
                }
                i += 1;
            }
            b'[' => {
                depth += 1;
                i += 1;
            }
            b'}' | b']' => {
                depth = depth.checked_sub(1)?;
                i += 1;
            }
            b',' => {
                if depth == 1 && top_is_object {
                    expect_key = true;
                }
                i += 1;
            }
            b'"' => {
                let end = string_end(bytes, i)?;
                let is_key = depth == 1 && top_is_object && expect_key;
                expect_key = false;
                if is_key && &bytes[i..end] == b"\"id\"" {
                    let mut j = skip_ws(bytes, end);
                    if bytes.get(j) != Some(&b':') {
                        return None;
                    }
                    j = skip_ws(bytes, j + 1);
                    let value_end = match bytes.get(j)? {
                        b'"' => string_end(bytes, j)?,
                        b'-' | b'0'..=b'9' => {
                            let mut k = j;
                            while k < bytes.len()
                                && matches!(
                                    bytes[k],
                                    b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'
                                )
                            {
                                k += 1;
                            }
                            if k == bytes.len() {
                                // The number may continue past the truncation.
                                return None;
                            }
                            k
                        }
                        _ => return None,
                    };
                    let value: serde_json::Value =
                        serde_json::from_slice(&bytes[j..value_end]).ok()?;
                    return IdKey::of(&value);
                }
                i = end;
            }
            _ => i += 1,
        }
    }
    None
}

/// The index just past the closing quote of the string starting at `start`.
fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

fn skip_ws(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && bytes[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    async fn frames(input: &[u8], cap: usize) -> Vec<Frame> {
        let mut r = LineReader::new(tokio::io::BufReader::with_capacity(7, input), cap);
        let mut out = Vec::new();
        while let Some(f) = r.next_frame().await.unwrap() {
            out.push(f);
        }
        out
    }

    #[tokio::test]
    async fn splits_lines_and_skips_blank_ones() {
        let got = frames(b"{\"a\":1}\r\n\n  \n{\"b\":2}\nlast", 100).await;
        assert_eq!(
            got,
            vec![
                Frame::Line(b"{\"a\":1}".to_vec()),
                Frame::Line(b"{\"b\":2}".to_vec()),
                Frame::Line(b"last".to_vec()),
            ]
        );
    }

    #[tokio::test]
    async fn over_long_line_is_cut_and_the_next_line_survives() {
        let mut input = br#"{"jsonrpc":"2.0","id":42,"method":"x","params":""#.to_vec();
        input.extend(std::iter::repeat_n(b'a', 10_000));
        input.extend_from_slice(b"\"}\n{\"ok\":true}\n");
        let got = frames(&input, 1000).await;
        assert_eq!(got.len(), 2);
        match &got[0] {
            Frame::TooLong { prefix, len } => {
                assert!(prefix.len() <= PREFIX_KEEP);
                assert_eq!(*len, input.len() - b"{\"ok\":true}\n".len() - 1);
                assert_eq!(scan_id(prefix), IdKey::of(&json!(42)));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(got[1], Frame::Line(b"{\"ok\":true}".to_vec()));
    }

    #[test]
    fn scan_id_table() {
        let cases: &[(&str, Option<serde_json::Value>)] = &[
            (r#"{"id":5,"method":"x"}"#, Some(json!(5))),
            (
                r#"{"method":"x","id":"a\"b","params":{"#,
                Some(json!("a\"b")),
            ),
            (r#"{"params":{"id":9},"id":3}"#, Some(json!(3))),
            (r#"{"params":["id",1],"id":4}"#, Some(json!(4))),
            (r#"{"method":"id","id":-1.5e3}"#, Some(json!(-1.5e3))),
            (r#"{"params":{"id":9"#, None),
            (r#"{"id":12"#, None),
            (r#"{"id":null}"#, None),
            (r#"[{"id":1}]"#, None),
            (r#"}}}{"id":1}"#, None),
            (r#""#, None),
        ];
        for (input, want) in cases {
            assert_eq!(
                scan_id(input.as_bytes()),
                want.as_ref().and_then(IdKey::of),
                "{input}"
            );
        }
    }
}
