//! Finding base64 and percent-encoded blobs that may hide a secret, and decoding them, within a
//! byte budget.

use std::ops::Range;

use base64::Engine as _;

use crate::finding::Encoding;

/// Shortest base64 run worth decoding (decodes to 18 bytes).
const MIN_BASE64_RUN: usize = 24;
/// Longest run decoded; longer runs are data (images, bundles), not hidden credentials.
const MAX_BASE64_RUN: usize = 64 * 1024;
/// Shortest percent-encoded run worth decoding.
const MIN_PERCENT_RUN: usize = 12;
/// Longest percent-encoded run decoded.
const MAX_PERCENT_RUN: usize = 16 * 1024;
/// Shortest decoded text worth scanning.
const MIN_DECODED: usize = 16;

/// One decoded blob: where it sits in the scanned text, and what it decodes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Blob {
    pub range: Range<usize>,
    pub decoded: Vec<u8>,
    pub encoding: Encoding,
}

/// Byte classes for the base64 run finder.
const B64_STD: u8 = 1;
const B64_URL: u8 = 2;
const B64_BOTH: u8 = B64_STD | B64_URL;

const fn class_table() -> [u8; 256] {
    let mut table = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        table[i] = if b.is_ascii_alphanumeric() {
            B64_BOTH
        } else if b == b'+' || b == b'/' {
            B64_STD
        } else if b == b'-' || b == b'_' {
            B64_URL
        } else {
            0
        };
        i += 1;
    }
    table
}

static CLASS: [u8; 256] = class_table();

/// Every blob in `text` that decodes to printable text, spending at most `budget` bytes of
/// input on decoding (the budget is decremented).
pub(crate) fn blobs(text: &[u8], budget: &mut usize) -> Vec<Blob> {
    let mut out = Vec::new();
    base64_blobs(text, budget, &mut out);
    if memchr::memchr(b'%', text).is_some() {
        percent_blobs(text, budget, &mut out);
    }
    out
}

fn base64_blobs(text: &[u8], budget: &mut usize, out: &mut Vec<Blob>) {
    let mut i = 0;
    let len = text.len();
    while i < len {
        if CLASS[usize::from(text[i])] == 0 {
            i += 1;
            continue;
        }
        let start = i;
        let mut classes = B64_BOTH;
        let (mut upper, mut lower) = (false, false);
        while i < len {
            let class = CLASS[usize::from(text[i])];
            if class == 0 {
                break;
            }
            classes &= class;
            upper |= text[i].is_ascii_uppercase();
            lower |= text[i].is_ascii_lowercase();
            i += 1;
        }
        let mut end = i;
        // Up to two '=' of padding belong to the run.
        while end < len && end - i < 2 && text[end] == b'=' {
            end += 1;
        }
        let body = &text[start..i];
        if body.len() < MIN_BASE64_RUN
            || body.len() > MAX_BASE64_RUN
            || classes == 0
            || !(upper && lower)
            || body.len() % 4 == 1
            || *budget < body.len()
        {
            i = end.max(i);
            continue;
        }
        // A run glued to a preceding word character is part of an identifier or a URL path
        // segment more often than a blob; still decode it, the printable check decides.
        *budget -= body.len();
        let decoded = if classes & B64_STD != 0 && classes & B64_URL == 0 {
            base64::engine::general_purpose::STANDARD_NO_PAD.decode(body)
        } else if classes & B64_URL != 0 && classes & B64_STD == 0 {
            base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(body)
        } else {
            // Only alphanumerics: both alphabets agree.
            base64::engine::general_purpose::STANDARD_NO_PAD.decode(body)
        };
        if let Ok(decoded) = decoded
            && is_printable_text(&decoded)
        {
            out.push(Blob {
                range: start..end,
                decoded,
                encoding: Encoding::Base64,
            });
        }
        i = end.max(i);
    }
}

/// Runs of non-space, non-quote bytes that hold at least one `%XX` escape.
fn percent_blobs(text: &[u8], budget: &mut usize, out: &mut Vec<Blob>) {
    let is_delim =
        |b: u8| b.is_ascii_whitespace() || matches!(b, b'"' | b'\'' | b'`' | b'<' | b'>');
    let mut i = 0;
    while let Some(pos) = memchr::memchr(b'%', &text[i..]) {
        let pct = i + pos;
        let mut start = pct;
        while start > 0 && !is_delim(text[start - 1]) && pct - start < MAX_PERCENT_RUN {
            start -= 1;
        }
        let mut end = pct;
        while end < text.len() && !is_delim(text[end]) && end - start < MAX_PERCENT_RUN {
            end += 1;
        }
        let run = &text[start..end];
        if run.len() >= MIN_PERCENT_RUN
            && *budget >= run.len()
            && let Some(decoded) = percent_decode(run)
        {
            *budget -= run.len();
            if decoded.len() >= MIN_DECODED && is_printable_text(&decoded) {
                out.push(Blob {
                    range: start..end,
                    decoded,
                    encoding: Encoding::Percent,
                });
            }
        }
        i = end.max(pct + 1);
    }
}

/// Decode `%XX` escapes (and `+` as space is deliberately not applied: it would corrupt
/// base64 secrets). Returns `None` when the run holds no valid escape.
fn percent_decode(run: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(run.len());
    let mut escapes = 0;
    let mut i = 0;
    while i < run.len() {
        if run[i] == b'%'
            && i + 2 < run.len()
            && let (Some(hi), Some(lo)) = (hex_value(run[i + 1]), hex_value(run[i + 2]))
        {
            out.push(hi << 4 | lo);
            escapes += 1;
            i += 3;
            continue;
        }
        out.push(run[i]);
        i += 1;
    }
    (escapes > 0).then_some(out)
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Text worth scanning: valid UTF-8, long enough, and almost entirely printable.
fn is_printable_text(bytes: &[u8]) -> bool {
    if bytes.len() < MIN_DECODED {
        return false;
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    !text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_all(text: &str) -> Vec<(String, Encoding)> {
        let mut budget = usize::MAX;
        blobs(text.as_bytes(), &mut budget)
            .into_iter()
            .map(|b| (String::from_utf8(b.decoded).unwrap(), b.encoding))
            .collect()
    }

    #[test]
    fn finds_base64_and_percent_blobs() {
        let b64 =
            base64::engine::general_purpose::STANDARD.encode("token = fake-value-for-tests-only");
        let text = format!("x: \"{b64}\"\nurl=https://h/?q=a%3Db%26secret%3Dnot-real-value\n");
        let found = decode_all(&text);
        assert!(
            found.contains(&("token = fake-value-for-tests-only".into(), Encoding::Base64)),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|(t, e)| *e == Encoding::Percent && t.contains("secret=not-real-value")),
            "{found:?}"
        );
    }

    #[test]
    fn url_safe_base64_is_decoded() {
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode("??>>some text with ?? and >> in it");
        assert!(b64.contains('-') || b64.contains('_'), "{b64}");
        let found = decode_all(&b64);
        assert_eq!(found.len(), 1, "{found:?}");
    }

    #[test]
    fn skips_non_blobs() {
        for text in [
            "short aGVsbG8=",
            "ALLUPPERCASEIDENTIFIERTHATISLONGENOUGH",
            "/usr/local/lib/python3/site-packages/foo/bar",
            "0123456789abcdef0123456789abcdef01234567",
            "100% sure, 50% done",
            "%%%%%%%%%%%%%%%%%%%%%%%%",
        ] {
            assert!(decode_all(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn binary_payloads_are_not_scanned() {
        let bytes: Vec<u8> = (0u8..=255).collect();
        let b64 = base64::engine::general_purpose::STANDARD.encode(bytes);
        assert!(decode_all(&b64).is_empty());
    }

    #[test]
    fn budget_bounds_work() {
        let b64 =
            base64::engine::general_purpose::STANDARD.encode("token = fake-value-for-tests-only");
        let text = format!("{b64} {b64} {b64}");
        let mut budget = b64.len() * 2;
        assert_eq!(blobs(text.as_bytes(), &mut budget).len(), 2);
        assert!(budget < b64.len());
    }

    #[test]
    fn percent_decoding_edges() {
        assert_eq!(percent_decode(b"a%41"), Some(b"aA".to_vec()));
        assert_eq!(percent_decode(b"a%4"), None);
        assert_eq!(percent_decode(b"a%zz%41"), Some(b"a%zzA".to_vec()));
        assert_eq!(percent_decode(b"%"), None);
    }
}
