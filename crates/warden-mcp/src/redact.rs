//! Secret redaction over JSON messages: every string value (at any depth) passes through the
//! [`Redactor`]. Object keys are left alone (they are protocol structure).

use serde_json::Value;

/// Replaces secrets in text.
pub trait Redactor: Send + Sync {
    /// Replace secrets in the text; returns how many were replaced.
    fn redact(&self, text: &mut String) -> usize;
}

/// A redactor that finds nothing (for `--no-redact` style setups and tests).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoRedaction;

impl Redactor for NoRedaction {
    fn redact(&self, _text: &mut String) -> usize {
        0
    }
}

/// Strings shorter than this cannot hold a secret any scanner rule matches.
const MIN_LEN: usize = 8;

/// Redact every string inside `v`; returns the number of replacements.
pub fn redact_value(v: &mut Value, redactor: &dyn Redactor) -> usize {
    match v {
        Value::String(s) if s.len() >= MIN_LEN => redactor.redact(s),
        Value::Array(items) => items.iter_mut().map(|i| redact_value(i, redactor)).sum(),
        Value::Object(map) => map.values_mut().map(|i| redact_value(i, redactor)).sum(),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Replaces every `FAKESECRET-` token with `[REDACTED]`.
    struct Fake;
    impl Redactor for Fake {
        fn redact(&self, text: &mut String) -> usize {
            let n = text.matches("FAKESECRET-1234").count();
            if n > 0 {
                *text = text.replace("FAKESECRET-1234", "[REDACTED]");
            }
            n
        }
    }

    #[test]
    fn redacts_text_structured_and_embedded_resources() {
        let mut v = json!({
            "content": [
                {"type": "text", "text": "key=FAKESECRET-1234"},
                {"type": "resource", "resource": {"uri": "file:///x", "text": "FAKESECRET-1234 again"}}
            ],
            "structuredContent": {"env": {"KEY": "FAKESECRET-1234"}, "n": 1},
            "short": "FAKE"
        });
        assert_eq!(redact_value(&mut v, &Fake), 3);
        assert!(!v.to_string().contains("FAKESECRET"));
        assert_eq!(redact_value(&mut v, &NoRedaction), 0);
    }
}
