//! One secret found in some text, and the two derived forms that are safe to show: a stable
//! fingerprint and a redacted prefix.

use std::fmt;
use std::ops::Range;

use sha2::{Digest, Sha256};

/// How the secret was hidden in the scanned text, when it was not there in clear.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Encoding {
    /// Inside a base64 (standard or URL-safe) blob.
    Base64,
    /// Inside a percent-encoded (URL-encoded) run.
    Percent,
}

impl Encoding {
    /// The lower-case name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Base64 => "base64",
            Encoding::Percent => "percent",
        }
    }
}

/// One secret found by one rule.
///
/// The secret itself is private: read it with [`Finding::secret`], only where the person asked
/// to see secrets. `Debug` never prints it.
#[derive(Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule's stable id, e.g. `SEC001`.
    pub rule_id: &'static str,
    /// The rule's kebab-case name, e.g. `github-classic-pat`.
    pub rule_name: &'static str,
    /// What this kind of secret is.
    pub description: &'static str,
    /// Who issues it.
    pub provider: &'static str,
    /// 1-based line of the secret's first character (of the encoded blob, when decoded).
    pub line: usize,
    /// 1-based column, counted in Unicode scalar values, of that first character.
    pub column: usize,
    /// 1-based line of the secret's last character.
    pub end_line: usize,
    /// Byte range of the secret in the scanned text (of the whole encoded blob, when decoded).
    pub byte_range: Range<usize>,
    /// Stable, short, non-reversible identifier: 16 hex digits of SHA-256 over rule id and
    /// secret. Survives line moves; used by baselines and `warden incident`.
    pub fingerprint: String,
    /// A form safe to print: the first few characters and an ellipsis.
    pub redacted: String,
    /// Set when the secret was found inside a decoded blob.
    pub encoding: Option<Encoding>,
    /// The line carries a `warden:allow` or `gitleaks:allow` comment.
    pub inline_allowed: bool,
    secret: String,
}

impl Finding {
    /// Build a finding; computes the fingerprint and the redacted form.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        rule: &crate::rule::Rule,
        secret: String,
        byte_range: Range<usize>,
        line: usize,
        column: usize,
        end_line: usize,
        encoding: Option<Encoding>,
        inline_allowed: bool,
    ) -> Finding {
        Finding {
            rule_id: rule.id,
            rule_name: rule.name,
            description: rule.description,
            provider: rule.provider,
            line,
            column,
            end_line,
            byte_range,
            fingerprint: fingerprint(rule.id, &secret),
            redacted: redact_secret(&secret),
            encoding,
            inline_allowed,
            secret,
        }
    }

    /// The matched secret, in clear. Print it only on an explicit request (`--show-secrets`).
    pub fn secret(&self) -> &str {
        &self.secret
    }
}

impl fmt::Debug for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Finding")
            .field("rule_id", &self.rule_id)
            .field("rule_name", &self.rule_name)
            .field("line", &self.line)
            .field("column", &self.column)
            .field("end_line", &self.end_line)
            .field("byte_range", &self.byte_range)
            .field("fingerprint", &self.fingerprint)
            .field("redacted", &self.redacted)
            .field("encoding", &self.encoding)
            .field("inline_allowed", &self.inline_allowed)
            .field("secret", &"<hidden>")
            .finish()
    }
}

/// The fingerprint of `secret` under rule `rule_id`: the first 16 hex digits of
/// `sha256(rule_id || 0x00 || secret)`.
pub fn fingerprint(rule_id: &str, secret: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(rule_id.as_bytes());
    hasher.update([0u8]);
    hasher.update(secret.as_bytes());
    let digest = hasher.finalize();
    let mut out = String::with_capacity(16);
    for byte in &digest[..8] {
        out.push(hex_digit(byte >> 4));
        out.push(hex_digit(byte & 0x0f));
    }
    out
}

fn hex_digit(nibble: u8) -> char {
    char::from(if nibble < 10 {
        b'0' + nibble
    } else {
        b'a' + nibble - 10
    })
}

/// Whether `text` has the shape of a fingerprint (16 lower-case hex digits).
pub fn looks_like_fingerprint(text: &str) -> bool {
    text.len() == 16
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A form of `secret` safe to print: at most 4 leading characters, fewer for short secrets
/// (a quarter of the length), then an ellipsis. Never reveals more than a quarter.
pub fn redact_secret(secret: &str) -> String {
    let chars = secret.chars().count();
    let shown = (chars / 4).min(4);
    let mut out: String = secret
        .chars()
        .take(shown)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_is_stable_short_and_rule_scoped() {
        let a = fingerprint("SEC001", "ghp_fake");
        assert_eq!(a.len(), 16);
        assert!(looks_like_fingerprint(&a));
        assert_eq!(a, fingerprint("SEC001", "ghp_fake"));
        assert_ne!(a, fingerprint("SEC002", "ghp_fake"));
        assert_ne!(a, fingerprint("SEC001", "ghp_fakf"));
    }

    #[test]
    fn redaction_shows_at_most_a_quarter_and_four_chars() {
        for (secret, expected) in [
            ("", "…"),
            ("abc", "…"),
            ("abcdefgh", "ab…"),
            ("ghp_0123456789abcdef", "ghp_…"),
            ("sk_live_aaaaaaaaaaaaaaaaaaaa", "sk_l…"),
            ("é\u{1}éééééé", "é?…"),
        ] {
            assert_eq!(redact_secret(secret), expected, "{secret:?}");
        }
    }

    #[test]
    fn fingerprint_shape_check() {
        assert!(looks_like_fingerprint("0123456789abcdef"));
        assert!(!looks_like_fingerprint("0123456789ABCDEF"));
        assert!(!looks_like_fingerprint("0123456789abcde"));
        assert!(!looks_like_fingerprint("ghp_0123456789ab"));
    }
}
