//! The engine finds the same secrets in a short text (lite regexes) as in a long one (full
//! regexes), and finds every rule example, under its ASCII, byte-oriented regex syntax.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use warden_secrets::Scanner;
use warden_secrets::rules::{RULES, synth::synthesize};

/// Enough filler to push a text past the engine's short-text threshold (16 KiB).
fn padded(text: &str) -> String {
    format!(
        "{}\n{text}",
        "# an ordinary comment line in a long file\n".repeat(600)
    )
}

fn found(scanner: &Scanner, text: &str) -> Vec<(&'static str, String)> {
    scanner
        .scan_text(text)
        .into_iter()
        .map(|f| (f.rule_id, f.fingerprint.clone()))
        .collect()
}

#[test]
fn short_and_long_texts_agree_on_every_rule_text() {
    // Separate scanners: once one has scanned a long text it uses full regexes for all.
    let (short_scanner, long_scanner) = (Scanner::new(RULES), Scanner::new(RULES));
    let mut problems = Vec::new();
    for rule in RULES {
        let synthesized = (0..3).filter_map(|seed| synthesize(rule.id, seed));
        let texts = rule
            .examples
            .iter()
            .chain(rule.negatives.iter())
            .map(|t| (*t).to_owned())
            .chain(synthesized);
        for text in texts {
            let short = found(&short_scanner, &text);
            let long = found(&long_scanner, &padded(&text));
            if short != long {
                problems.push(format!(
                    "{}: {text:?}: short {short:?} long {long:?}",
                    rule.id
                ));
            }
        }
        for example in rule.examples {
            if found(&short_scanner, example).is_empty() {
                problems.push(format!("{}: example not found: {example:?}", rule.id));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
