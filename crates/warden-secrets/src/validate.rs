//! Checksum and structure validators for candidate secrets, and the entropy measure rules use.
//!
//! Every function here is pure and total: it takes the candidate secret (the rule's `secret`
//! capture, or the whole match) and answers whether it is well-formed for its provider. A
//! validator never panics, never allocates more than a small multiple of its input, and rejects
//! anything it does not understand (a malformed candidate is not reported as that provider's
//! secret; the generic rules may still catch it).

/// Longest candidate any validator decodes; longer input is rejected without work.
const MAX_DECODE: usize = 64 * 1024;

/// Shannon entropy of `s` in bits per character (0.0 for the empty string).
///
/// Counts bytes, which equals characters for the ASCII alphabets secrets use.
#[must_use]
pub fn shannon_entropy(s: &str) -> f32 {
    let bytes = s.as_bytes();
    if bytes.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in bytes {
        counts[usize::from(b)] += 1;
    }
    let len = bytes.len() as f64;
    let mut h = 0.0f64;
    for &c in counts.iter().filter(|&&c| c > 0) {
        let p = f64::from(c) / len;
        h -= p * p.log2();
    }
    h as f32
}

/// The CRC-32 (IEEE 802.3, reflected, as in zlib and PNG) of `data`.
#[must_use]
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

/// The base62 alphabet GitHub and npm use for token checksums: digits, upper, lower.
pub const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Encodes `n` in base62 ([`BASE62`]), left-padded with `0` to exactly six characters.
#[must_use]
pub fn base62_crc(n: u32) -> String {
    let mut out = [b'0'; 6];
    let mut v = n;
    for slot in out.iter_mut().rev() {
        *slot = BASE62[(v % 62) as usize];
        v /= 62;
    }
    out.iter().map(|&b| char::from(b)).collect()
}

/// Checks a `prefix_` + 30 base62 + 6 base62 CRC-32 token: the scheme of GitHub's
/// `ghp_`/`gho_`/`ghu_`/`ghs_`/`ghr_` tokens and npm's `npm_` tokens. The checksum covers the
/// 30 random characters only, not the prefix.
#[must_use]
pub fn base62_crc32_token(token: &str) -> bool {
    let Some((_, body)) = token.split_once('_') else {
        return false;
    };
    if body.len() != 36 || !body.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return false;
    }
    let (random, check) = body.split_at(30);
    base62_crc(crc32(random.as_bytes())) == check
}

/// GitHub classic token (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`): prefix and CRC-32 checksum.
#[must_use]
pub fn github_classic(token: &str) -> bool {
    ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"]
        .iter()
        .any(|p| token.starts_with(p))
        && base62_crc32_token(token)
}

/// npm access token (`npm_`): prefix and CRC-32 checksum.
#[must_use]
pub fn npm_token(token: &str) -> bool {
    token.starts_with("npm_") && base62_crc32_token(token)
}

/// Decodes standard or URL-safe base64, with or without padding, ignoring ASCII whitespace.
/// Returns `None` on any other character, on impossible lengths, or past [`MAX_DECODE`].
#[must_use]
pub fn base64_decode(s: &str) -> Option<Vec<u8>> {
    if s.len() > MAX_DECODE {
        return None;
    }
    let mut out = Vec::with_capacity(s.len() / 4 * 3 + 3);
    let mut acc = 0u32;
    let mut bits = 0u32;
    let mut padding = 0usize;
    let mut symbols = 0usize;
    for b in s.bytes() {
        if b.is_ascii_whitespace() {
            continue;
        }
        if b == b'=' {
            padding += 1;
            continue;
        }
        if padding > 0 {
            return None; // data after padding
        }
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        symbols += 1;
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    if symbols % 4 == 1 || padding > 2 {
        return None;
    }
    if padding > 0 && !(symbols + padding).is_multiple_of(4) {
        return None;
    }
    Some(out)
}

/// JWT: three base64url segments; the header decodes to a JSON object naming an `alg`, the
/// payload decodes to a JSON object, and the signature is non-empty base64url.
#[must_use]
pub fn jwt(token: &str) -> bool {
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let is_object = |seg: &str| -> Option<String> {
        let bytes = base64_decode(seg)?;
        let text = String::from_utf8(bytes).ok()?;
        let t = text.trim();
        (t.starts_with('{') && t.ends_with('}')).then(|| t.to_owned())
    };
    let Some(h) = is_object(header) else {
        return false;
    };
    is_object(payload).is_some()
        && h.contains("\"alg\"")
        && !signature.is_empty()
        && base64_decode(signature).is_some()
}

/// Reads a macaroon v2 varint at `*pos`.
fn varint(data: &[u8], pos: &mut usize) -> Option<usize> {
    let mut value = 0usize;
    for shift in (0..35).step_by(7) {
        let b = *data.get(*pos)?;
        *pos += 1;
        value |= usize::from(b & 0x7F) << shift;
        if b & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

/// PyPI API token: `pypi-` + base64url of a v2 binary macaroon whose location is `pypi.org`
/// or `test.pypi.org`, with an identifier, a caveat section and a 32-byte signature.
#[must_use]
pub fn pypi_token(token: &str) -> bool {
    let Some(body) = token.strip_prefix("pypi-") else {
        return false;
    };
    let Some(data) = base64_decode(body) else {
        return false;
    };
    parse_macaroon_v2(&data).is_some_and(|loc| loc == b"pypi.org" || loc == b"test.pypi.org")
}

/// Parses a v2 binary macaroon, returning its location on success.
fn parse_macaroon_v2(data: &[u8]) -> Option<&[u8]> {
    const EOS: usize = 0;
    const LOCATION: usize = 1;
    const IDENTIFIER: usize = 2;
    const SIGNATURE: usize = 6;
    if data.first() != Some(&2) {
        return None;
    }
    let mut pos = 1;
    let field = |pos: &mut usize| -> Option<(usize, &[u8])> {
        let kind = varint(data, pos)?;
        if kind == EOS {
            return Some((EOS, &[]));
        }
        let len = varint(data, pos)?;
        let end = pos.checked_add(len)?;
        let value = data.get(*pos..end)?;
        *pos = end;
        Some((kind, value))
    };
    let (kind, location) = field(&mut pos)?;
    if kind != LOCATION {
        return None;
    }
    let (kind, identifier) = field(&mut pos)?;
    if kind != IDENTIFIER || identifier.is_empty() {
        return None;
    }
    let (kind, _) = field(&mut pos)?;
    if kind != EOS {
        return None;
    }
    // Caveat sections, each closed by EOS, then the empty section and the signature.
    for _ in 0..64 {
        let (kind, value) = field(&mut pos)?;
        match kind {
            SIGNATURE => return (value.len() == 32).then_some(location),
            EOS => {}
            _ => {
                // A caveat field; skip to the end of its section.
                loop {
                    let (k, _) = field(&mut pos)?;
                    if k == EOS {
                        break;
                    }
                }
            }
        }
    }
    None
}

/// Slack token structure: `xox?-` tokens are dash-separated numeric ids followed by a random
/// tail; `xapp-` tokens are `xapp-<digit>-<id>-<digits>-<hex>`.
#[must_use]
pub fn slack_token(token: &str) -> bool {
    let parts: Vec<&str> = token.split('-').collect();
    let Some((&kind, rest)) = parts.split_first() else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let alnum = |s: &str, n: usize| s.len() >= n && s.bytes().all(|b| b.is_ascii_alphanumeric());
    match kind {
        "xapp" => {
            rest.len() == 4
                && digits(rest[0])
                && rest[1].len() >= 9
                && rest[1].bytes().all(|b| b.is_ascii_alphanumeric())
                && digits(rest[2])
                && rest[3].len() >= 32
                && rest[3].bytes().all(|b| b.is_ascii_hexdigit())
        }
        "xoxb" => rest.len() == 3 && digits(rest[0]) && digits(rest[1]) && alnum(rest[2], 20),
        "xoxp" | "xoxa" | "xoxr" | "xoxs" | "xoxc" => {
            // xoxp-<team>-<user>-<id>-<32 hex>; older user tokens have one id fewer.
            (rest.len() == 4 || rest.len() == 3)
                && rest[..rest.len() - 1].iter().all(|p| digits(p))
                && alnum(rest[rest.len() - 1], 20)
        }
        "xoxe.xoxp" | "xoxe.xoxb" | "xoxe" => rest.len() >= 2 && digits(rest[0]),
        _ => false,
    }
}

/// AWS access key id: a known prefix and 16 upper-case letters or digits. (Issued ids use the
/// base32 alphabet; digits `0`, `1`, `8`, `9` are accepted so hand-made fakes in tests and
/// fixtures still count as findings.)
#[must_use]
pub fn aws_key_id(id: &str) -> bool {
    const PREFIXES: [&str; 9] = [
        "AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AROA", "AIPA", "ANPA",
    ];
    let b = id.as_bytes();
    let prefix_ok = PREFIXES.iter().any(|p| id.starts_with(p))
        || (id.starts_with("A3T") && b.get(3).is_some_and(u8::is_ascii_alphanumeric));
    prefix_ok
        && b.len() == 20
        && b[4..]
            .iter()
            .all(|&c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// The AWS account id encoded in an access key id of the post-2019 format, if any.
///
/// Keys whose fifth character is `I` or `J` predate the encoding and yield `None`. The
/// account id is bits 1..=40 of the base32-decoded body (after the four-character prefix).
#[must_use]
pub fn aws_key_id_account(id: &str) -> Option<u64> {
    if !aws_key_id(id) {
        return None;
    }
    let body = &id.as_bytes()[4..];
    if matches!(body[0], b'I' | b'J') {
        return None;
    }
    let mut acc: u128 = 0;
    for &c in body {
        // Only base32 ids carry an account.
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'2'..=b'7' => c - b'2' + 26,
            _ => return None,
        };
        acc = (acc << 5) | u128::from(v);
    }
    // 16 symbols = 80 bits; the first 6 bytes (48 bits) carry the account.
    let head = (acc >> 32) as u64;
    Some((head & 0x7FFF_FFFF_FF80) >> 7)
}

/// PEM private key block: BEGIN and END labels agree and the body (after any `Proc-Type` /
/// `DEK-Info` headers) is base64 that decodes to at least 32 bytes.
#[must_use]
pub fn pem_private_key(block: &str) -> bool {
    // Keys embedded in JSON or source strings carry `\n` escapes instead of newlines.
    let unescaped = block.replace("\\r\\n", "\n").replace("\\n", "\n");
    let Some(rest) = unescaped.trim().strip_prefix("-----BEGIN ") else {
        return false;
    };
    let Some((label, rest)) = rest.split_once("-----") else {
        return false;
    };
    let end_marker = format!("-----END {label}-----");
    let Some(body) = rest.strip_suffix(end_marker.as_str()) else {
        return false;
    };
    if !label.ends_with("PRIVATE KEY") && label != "PGP PRIVATE KEY BLOCK" {
        return false;
    }
    // Drop RFC 1421 headers (`Name: value` lines, e.g. Proc-Type/DEK-Info; PGP `Version:`)
    // and the PGP armor checksum line (`=XXXX`).
    let mut data = String::with_capacity(body.len());
    for line in body.lines().map(str::trim) {
        if line.contains(':') || (line.starts_with('=') && line.len() == 5) {
            continue;
        }
        data.push_str(line);
    }
    base64_decode(&data).is_some_and(|d| d.len() >= 32)
}

/// PuTTY private key file: a `PuTTY-User-Key-File-2`/`-3` header, `Private-Lines: N`
/// followed by N base64 lines that decode, and a `Private-MAC` of hex.
#[must_use]
pub fn putty_private_key(text: &str) -> bool {
    let mut lines = text.lines().map(str::trim);
    if !lines
        .next()
        .is_some_and(|l| l.starts_with("PuTTY-User-Key-File-"))
    {
        return false;
    }
    let mut private = String::new();
    let mut want = None;
    let mut mac_ok = false;
    let mut remaining = 0usize;
    for line in lines {
        if remaining > 0 {
            private.push_str(line);
            remaining -= 1;
            continue;
        }
        if let Some(n) = line.strip_prefix("Private-Lines:") {
            let Ok(n) = n.trim().parse::<usize>() else {
                return false;
            };
            if n == 0 || n > 1024 {
                return false;
            }
            want = Some(n);
            remaining = n;
        } else if let Some(mac) = line.strip_prefix("Private-MAC:") {
            let mac = mac.trim();
            mac_ok = mac.len() >= 40 && mac.bytes().all(|b| b.is_ascii_hexdigit());
        }
    }
    want.is_some() && remaining == 0 && mac_ok && base64_decode(&private).is_some()
}

/// age secret key: `AGE-SECRET-KEY-1` + 58 bech32 characters with a valid bech32 checksum.
#[must_use]
pub fn age_secret_key(key: &str) -> bool {
    bech32_valid(&key.to_ascii_lowercase())
}

/// Verifies a bech32 (BIP-173) string's checksum: `hrp` `1` data, data in the bech32 alphabet.
#[must_use]
pub fn bech32_valid(s: &str) -> bool {
    const CHARSET: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    let Some(sep) = s.rfind('1') else {
        return false;
    };
    let (hrp, data) = (&s.as_bytes()[..sep], &s.as_bytes()[sep + 1..]);
    if hrp.is_empty() || data.len() < 6 || s.len() > 200 {
        return false;
    }
    let mut values = Vec::with_capacity(hrp.len() * 2 + 1 + data.len());
    values.extend(hrp.iter().map(|&c| c >> 5));
    values.push(0);
    values.extend(hrp.iter().map(|&c| c & 31));
    for &c in data {
        let Some(v) = CHARSET.iter().position(|&x| x == c) else {
            return false;
        };
        values.push(v as u8);
    }
    bech32_polymod(&values) == 1
}

/// The bech32 checksum polynomial over 5-bit values.
#[must_use]
pub fn bech32_polymod(values: &[u8]) -> u32 {
    const GEN: [u32; 5] = [
        0x3b6a_57b2,
        0x2650_8e6d,
        0x1ea1_19fa,
        0x3d42_33dd,
        0x2a14_62b3,
    ];
    let mut chk = 1u32;
    for &v in values {
        let top = chk >> 25;
        chk = ((chk & 0x01ff_ffff) << 5) ^ u32::from(v);
        for (i, g) in GEN.iter().enumerate() {
            if (top >> i) & 1 == 1 {
                chk ^= g;
            }
        }
    }
    chk
}

/// Azure storage account key: 88 base64 characters that decode to 64 bytes.
#[must_use]
pub fn azure_storage_key(key: &str) -> bool {
    key.len() == 88 && base64_decode(key).is_some_and(|d| d.len() == 64)
}

/// A base64 blob (e.g. a kubeconfig `client-key-data`) that decodes to a PEM private key.
#[must_use]
pub fn base64_pem_private_key(blob: &str) -> bool {
    base64_decode(blob)
        .and_then(|d| String::from_utf8(d).ok())
        .is_some_and(|pem| pem.contains("-----BEGIN") && pem.contains("PRIVATE KEY-----"))
}

/// The value's trailing run of hex digits (dashes allowed, as in UUIDs) is at least 16
/// digits long and mixes digits with letters, which random hex nearly always does and
/// placeholders (`0000…`, `dddd…`) do not. Provider prefixes before the run are ignored
/// (`dapi…`, `shpat_…`, `access-production-<uuid>`).
#[must_use]
pub fn mixed_hex(s: &str) -> bool {
    let start = s
        .bytes()
        .rposition(|b| !(b.is_ascii_hexdigit() || b == b'-'))
        .map_or(0, |i| i + 1);
    let run: Vec<u8> = s.as_bytes()[start..]
        .iter()
        .copied()
        .filter(|&b| b != b'-')
        .collect();
    run.len() >= 16 && run.iter().any(u8::is_ascii_digit) && run.iter().any(u8::is_ascii_alphabetic)
}

/// The value's leading run of hex digits is at least 16 long and mixes digits and letters
/// (Mailchimp's `<32 hex>-usN`, New Relic's `<36 hex>NRAL`).
#[must_use]
pub fn leading_hex_mixed(s: &str) -> bool {
    let end = s
        .bytes()
        .position(|b| !b.is_ascii_hexdigit())
        .unwrap_or(s.len());
    end >= 16 && mixed_hex(&s[..end])
}

/// A value mixing at least two of lower-case letters, upper-case letters and digits: random
/// tokens almost always do, identifiers and words rarely do.
#[must_use]
pub fn mixed_alnum(s: &str) -> bool {
    let lower = s.bytes().any(|b| b.is_ascii_lowercase());
    let upper = s.bytes().any(|b| b.is_ascii_uppercase());
    let digit = s.bytes().any(|b| b.is_ascii_digit());
    u8::from(lower) + u8::from(upper) + u8::from(digit) >= 2
}

/// A literal password value (from an assignment, URL or command line): not code, not a path,
/// not an identifier, and either mixing character classes or carrying a symbol.
#[must_use]
pub fn password_value(s: &str) -> bool {
    (mixed_alnum(s) || has_symbol(s))
        && !looks_like_code(s)
        && !looks_like_path(s)
        && !looks_like_identifier(s)
}

/// The password part of a URL's userinfo (`scheme://user:password@host`): the URL shape is
/// evidence enough, so any literal that is not code, a template or a variable counts, even a
/// weak all-lower-case one (placeholders such as `password` are removed later).
#[must_use]
pub fn url_password(s: &str) -> bool {
    !looks_like_code(s)
}

/// A literal token value (from a secret-named assignment or header): mixes character classes
/// and is not code, a path or an identifier.
#[must_use]
pub fn token_value(s: &str) -> bool {
    mixed_alnum(s) && !looks_like_code(s) && !looks_like_path(s) && !looks_like_identifier(s)
}

/// A generic credential: mixes classes or carries a symbol, and is not code.
#[must_use]
pub fn credential_value(s: &str) -> bool {
    (mixed_alnum(s) || has_symbol(s)) && !looks_like_code(s)
}

/// HTTP Basic credentials: base64 of `user:password`, printable, with a real password.
#[must_use]
pub fn basic_auth(b64: &str) -> bool {
    let Some(text) = base64_decode(b64).and_then(|d| String::from_utf8(d).ok()) else {
        return false;
    };
    let Some((user, password)) = text.split_once(':') else {
        return false;
    };
    let printable = |s: &str| s.chars().all(|c| !c.is_control());
    !user.is_empty()
        && password.len() >= 3
        && printable(user)
        && printable(password)
        && !crate::placeholder::is_placeholder(password)
}

/// ASCII punctuation other than the separators identifiers use (`_`, `-`, `.`).
fn has_symbol(s: &str) -> bool {
    s.bytes()
        .any(|b| b.is_ascii_punctuation() && !matches!(b, b'_' | b'-' | b'.'))
}

/// True for values that are code or references rather than literals: calls, templates,
/// variables, and member-access chains of word-like segments (`config.db.password`).
fn looks_like_code(s: &str) -> bool {
    if s.contains("${")
        || s.contains("{{")
        || s.contains("()")
        || s.contains("::")
        || s.contains("->")
        || s.starts_with('$')
        || s.starts_with('%')
    {
        return true;
    }
    let segments: Vec<&str> = s.split('.').collect();
    segments.len() >= 2 && segments.iter().all(|seg| word_like(seg))
}

/// A word-like identifier segment: a short identifier (`ed25519`), or a longer one whose
/// letters and digits alternate at most twice (`Ed25519PrivateKey`, `payments2`). Long
/// segments mixing digits into letters throughout are random data.
fn word_like(seg: &str) -> bool {
    let ident = seg
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_' || b == b'$')
        && seg
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'$');
    // Letter/digit alternations: identifiers have few (`Ed25519PrivateKey`: 2), random
    // segments many.
    let alternations = seg
        .as_bytes()
        .windows(2)
        .filter(|w| w[0].is_ascii_digit() != w[1].is_ascii_digit())
        .count();
    ident && (seg.len() <= 12 || (alternations <= 2 && seg.len() <= 40))
}

/// File-system paths: absolute, home- or dot-relative.
fn looks_like_path(s: &str) -> bool {
    (s.starts_with('/') || s.starts_with("./") || s.starts_with("../") || s.starts_with("~/"))
        && s[1..].contains('/')
}

/// Identifiers and slugs rather than random values: `my-app-tls-secret-v2`,
/// `GITHUB_TOKEN_V2`, `myAppSecretName`.
fn looks_like_identifier(s: &str) -> bool {
    let parts: Vec<&str> = s.split(['-', '_', '.']).filter(|p| !p.is_empty()).collect();
    let slug_part = |p: &str| {
        let letters = p.trim_end_matches(|c: char| c.is_ascii_digit());
        let digits = p.len() - letters.len();
        (letters.is_empty() && digits <= 4)
            || (digits <= 3
                && (letters.bytes().all(|b| b.is_ascii_lowercase())
                    || letters.bytes().all(|b| b.is_ascii_uppercase())))
    };
    if parts.len() >= 2 && parts.iter().all(|p| slug_part(p)) {
        return true;
    }
    // Words without digits or symbols, e.g. `myAppSecretName`, `CString`: identifiers and
    // type names, not generated values.
    let letters_only = s.bytes().all(|b| b.is_ascii_alphabetic() || b == b'_');
    if letters_only && s.len() < 32 {
        return true;
    }
    if letters_only && s.len() < 48 {
        let humps = s.bytes().filter(u8::is_ascii_uppercase).count();
        let first_lower_run = s.bytes().take_while(u8::is_ascii_lowercase).count();
        // Every upper-case letter starts a lower-case run of at least two letters.
        let b = s.as_bytes();
        let words = b
            .iter()
            .enumerate()
            .filter(|(_, c)| c.is_ascii_uppercase())
            .all(|(i, _)| {
                b.get(i + 1).is_some_and(u8::is_ascii_lowercase)
                    && b.get(i + 2).is_some_and(u8::is_ascii_lowercase)
            });
        return humps >= 1 && (first_lower_run >= 2 || b[0].is_ascii_uppercase()) && words;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gh(prefix: &str, random: &str) -> String {
        format!("{prefix}{random}{}", base62_crc(crc32(random.as_bytes())))
    }

    #[test]
    fn crc32_matches_the_standard_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn base62_pads_to_six() {
        assert_eq!(base62_crc(0), "000000");
        assert_eq!(base62_crc(61), "00000z");
        assert_eq!(base62_crc(62), "000010");
        assert_eq!(base62_crc(u32::MAX), "4gfFC3");
    }

    #[test]
    fn github_checksum_accepts_valid_and_rejects_tampered() {
        let t = gh("ghp_", "FAKEabcdefghijklmnopqrstuvwxyz");
        assert!(github_classic(&t), "{t}");
        let mut tampered = t.clone().into_bytes();
        tampered[10] = if tampered[10] == b'a' { b'b' } else { b'a' };
        assert!(!github_classic(
            &String::from_utf8(tampered).unwrap_or_default()
        ));
        assert!(!github_classic("ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"));
        assert!(!github_classic(&t.replace("ghp_", "ghx_")));
        assert!(npm_token(&gh("npm_", "FAKEabcdefghijklmnopqrstuvwxyz")));
        assert!(!npm_token(&t));
    }

    #[test]
    fn base64_decodes_both_alphabets_and_rejects_garbage() {
        assert_eq!(base64_decode("aGVsbG8="), Some(b"hello".to_vec()));
        assert_eq!(base64_decode("aGVsbG8"), Some(b"hello".to_vec()));
        assert_eq!(base64_decode("-_-_"), base64_decode("+/+/"));
        assert_eq!(base64_decode("aGVs\nbG8="), Some(b"hello".to_vec()));
        assert_eq!(base64_decode("a"), None);
        assert_eq!(base64_decode("aGVsbG8=x"), None);
        assert_eq!(base64_decode("aGV*"), None);
        assert_eq!(base64_decode("aGVsbG8==="), None);
    }

    #[test]
    fn jwt_requires_json_header_with_alg() {
        let good = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJmYWtlIn0.c2lnbmF0dXJlLWZha2U";
        assert!(jwt(good));
        // header without alg
        assert!(!jwt(
            "eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiJmYWtlIn0.c2lnbmF0dXJlLWZha2U"
        ));
        // not three parts
        assert!(!jwt("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJmYWtlIn0"));
        assert!(!jwt("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJmYWtlIn0."));
        assert!(!jwt("eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.c2ln"));
    }

    #[test]
    fn pypi_macaroon_structure() {
        let mut m = vec![2u8, 1, 8];
        m.extend_from_slice(b"pypi.org");
        m.extend_from_slice(&[2, 4]);
        m.extend_from_slice(b"fake");
        m.push(0);
        m.push(0);
        m.extend_from_slice(&[6, 32]);
        m.extend_from_slice(&[7u8; 32]);
        let enc = crate::rules::synth::base64url(&m);
        assert!(pypi_token(&format!("pypi-{enc}")));
        assert!(!pypi_token(&format!("pypi-{}", &enc[..enc.len() - 8])));
        assert!(!pypi_token("pypi-AgEIcHlwaS5vcmcFAKEFAKEFAKE"));
        assert!(!pypi_token("pypi-notbase64!!"));
    }

    #[test]
    fn slack_structure() {
        for ok in [
            "xoxb-1234567890-9876543210-FAKEaBcDeFgHiJkLmNoPqRsT",
            "xoxp-1234567890-1234567890-1234567890-0123456789abcdef0123456789abcdef",
            "xapp-1-A0FAKE12345-1234567890123-0123456789abcdef0123456789abcdef0123456789abcdef",
        ] {
            assert!(slack_token(ok), "{ok}");
        }
        for bad in [
            "xoxb-notdigits-9876543210-FAKEaBcDeFgHiJkLmNoPqRsT",
            "xoxb-123-456",
            "xoxq-1-2-3",
        ] {
            assert!(!slack_token(bad), "{bad}");
        }
    }

    #[test]
    fn aws_key_ids() {
        assert!(aws_key_id("AKIAIOSFODNN7EXAMPLE"));
        assert!(aws_key_id("ASIAY34FZKBOKMUTVV7A"));
        assert!(aws_key_id("AKIAIOSFODNN7EXAMPL1")); // digits outside base32 still count
        assert_eq!(aws_key_id_account("AKIAZOSFODNN7EXAMPL1"), None); // but carry no account
        assert!(!aws_key_id("AKIAIOSFODNN7EXAMPLe"));
        assert!(!aws_key_id("AKIAIOSFODNN7EXAMPLEX"));
        assert!(!aws_key_id("AXIAIOSFODNN7EXAMPLE"));
        assert_eq!(aws_key_id_account("AKIAIOSFODNN7EXAMPLE"), None);
        // A key of the newer format decodes to a 12-digit-or-less account number.
        assert!(aws_key_id_account("ASIAY34FZKBOKMUTVV7A").is_some_and(|a| a < 1_000_000_000_000));
    }

    #[test]
    fn pem_block_needs_matching_labels_and_decodable_body() {
        let body = "MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\nKUpRKfFLfRYC9AIKjbJTWit+CqvjWYzvQwECAwEAAQ==";
        let good =
            format!("-----BEGIN RSA PRIVATE KEY-----\n{body}\n-----END RSA PRIVATE KEY-----");
        assert!(pem_private_key(&good));
        let mismatched = good.replace("END RSA", "END EC");
        assert!(!pem_private_key(&mismatched));
        let garbage =
            "-----BEGIN RSA PRIVATE KEY-----\n<your key here>\n-----END RSA PRIVATE KEY-----";
        assert!(!pem_private_key(garbage));
        let public = good.replace("RSA PRIVATE", "PUBLIC");
        assert!(!pem_private_key(&public));
        let encrypted = format!(
            "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,0123456789ABCDEF0123456789ABCDEF\n\n{body}\n-----END RSA PRIVATE KEY-----"
        );
        assert!(pem_private_key(&encrypted));
    }

    #[test]
    fn bech32_checksum() {
        // BIP-173 test vectors.
        assert!(bech32_valid("a12uel5l"));
        assert!(bech32_valid(
            "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw"
        ));
        assert!(!bech32_valid("a12uel5m"));
        assert!(!bech32_valid(
            "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxb"
        ));
    }

    #[test]
    fn url_passwords_accept_weak_literals_but_not_templates() {
        assert!(url_password("supersecret"));
        assert!(url_password("p%40ss%3Aword"));
        assert!(!url_password("${DB_PASSWORD}"));
        assert!(!url_password("{{ .Values.password }}"));
    }

    #[test]
    fn basic_auth_needs_a_real_password() {
        assert!(basic_auth("ZmFrZXVzZXI6Wms4TG0yUXo5V3Yz")); // fakeuser:Zk8Lm2Qz9Wv3
        assert!(!basic_auth("dXNlcjpwYXNzd29yZA==")); // user:password
        assert!(!basic_auth("bm9jb2xvbmhlcmU=")); // nocolonhere
        assert!(!basic_auth("authentication"));
    }

    #[test]
    fn entropy_orders_random_above_repetitive() {
        assert!(shannon_entropy("") < f32::EPSILON);
        assert!(shannon_entropy("aaaaaaaa") < f32::EPSILON);
        assert!((shannon_entropy("abcd") - 2.0).abs() < 1e-6);
        assert!(shannon_entropy("Zx8Qp1Lm0Vb7Tr4Nc2Hw") > 4.0);
    }

    #[test]
    fn value_shapes() {
        assert!(mixed_hex("0a1b2c3d4e5f60718293a4b5"));
        assert!(mixed_hex("dapi0a1b2c3d4e5f60718293a4b5c6d7e8f9"));
        assert!(mixed_hex(
            "access-production-6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f"
        ));
        assert!(!mixed_hex(
            "access-production-00000000-0000-0000-0000-000000000000"
        ));
        assert!(!mixed_hex("0000000000000000"));
        assert!(!mixed_hex("deadbeefdeadbeef"));
        assert!(!mixed_hex("0a1b2c3d"));
        assert!(mixed_alnum("abc123"));
        assert!(!mixed_alnum("abcdef"));
        assert!(credential_value("hunter2!"));
        assert!(!credential_value("${DB_PASSWORD}"));
        assert!(!credential_value("getpass()"));
        for ok in ["Xk9#mQ2$vL7pT4w", "Sup3r.S3cr3t!9", "hG5tY8uJ3kL1"] {
            assert!(password_value(ok), "{ok}");
        }
        for bad in [
            "CString",
            "_EllipticCurvePrivateKey",
            "ed25519.Ed25519PrivateKey",
            "self.password",
            "config.db.password",
            "/home/user/project",
            "user_password",
            "mypassword",
            "var.db_password",
        ] {
            assert!(!password_value(bad), "{bad}");
        }
        for ok in [
            "Zx8Qp1Lm0Vb7Tr4Nc2Hw9Ks",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
        ] {
            assert!(token_value(ok), "{ok}");
        }
        for bad in [
            "my-app-tls-secret-v2",
            "GITHUB_TOKEN_V2",
            "myAppSecretName",
            "config.services.payments.apiKey",
        ] {
            assert!(!token_value(bad), "{bad}");
        }
    }
}
