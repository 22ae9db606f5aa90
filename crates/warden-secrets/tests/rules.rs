//! The rule catalog checked rule by rule, independently of the scanning engine: every pattern
//! compiles, every example is found and every negative is not, every synthesized secret is
//! found by its own rule, ids and names are unique, keywords gate every example, and ordinary
//! code that merely looks random is left alone by every rule.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeSet, HashSet};
use std::sync::OnceLock;

use regex::Regex;
use warden_secrets::placeholder::is_placeholder;
use warden_secrets::rule::Rule;
use warden_secrets::rules::{RULES, synth::synthesize};
use warden_secrets::validate::shannon_entropy;

/// Synthesized secrets checked per rule.
const SEEDS: u64 = 6;

/// Every rule with its compiled pattern, built once for all tests of this binary.
fn compiled() -> &'static [(&'static Rule, Regex)] {
    static ALL: OnceLock<Vec<(&'static Rule, Regex)>> = OnceLock::new();
    ALL.get_or_init(|| {
        RULES
            .iter()
            .map(|r| {
                let re = Regex::new(r.pattern).unwrap_or_else(|e| {
                    panic!("{} {}: pattern does not compile: {e}", r.id, r.name)
                });
                (r, re)
            })
            .collect()
    })
}

/// What a scan reports for `text` under one rule: every secret whose match passes the
/// validator, the entropy floor and the placeholder filter, provided a keyword occurs.
fn findings(rule: &Rule, re: &Regex, text: &str) -> Vec<String> {
    let lower = text.to_lowercase();
    if !rule.keywords.iter().any(|k| lower.contains(k)) {
        return Vec::new();
    }
    re.captures_iter(text)
        .filter_map(|caps| {
            let m = caps.name("secret").or_else(|| caps.get(0))?;
            let s = m.as_str();
            let valid = rule.validate.is_none_or(|v| v(s));
            let entropy = rule.min_entropy.is_none_or(|e| shannon_entropy(s) >= e);
            (valid && entropy && !is_placeholder(s)).then(|| s.to_owned())
        })
        .collect()
}

#[test]
fn every_pattern_compiles() {
    assert!(!compiled().is_empty());
}

#[test]
fn patterns_fit_the_engine_with_room_to_spare() {
    // The engine compiles byte regexes under an 8 MiB size limit; stay under half of it.
    for r in RULES {
        regex::bytes::RegexBuilder::new(r.pattern)
            .size_limit(4 << 20)
            .build()
            .unwrap_or_else(|e| panic!("{} {}: {e}", r.id, r.name));
    }
}

#[test]
fn ids_are_stable_format_and_unique() {
    let mut ids = HashSet::new();
    for r in RULES {
        assert!(
            r.id.len() == 6
                && r.id.starts_with("SEC")
                && r.id[3..].bytes().all(|b| b.is_ascii_digit()),
            "bad id {}",
            r.id
        );
        assert!(ids.insert(r.id), "duplicate id {}", r.id);
    }
    // Ids are dense: a new rule takes the next unused number, in whichever family it lives.
    for n in 1..=RULES.len() {
        let id = format!("SEC{n:03}");
        assert!(
            ids.contains(id.as_str()),
            "{id} is missing: ids must stay dense"
        );
    }
}

#[test]
fn names_are_unique_kebab_case() {
    let mut names = HashSet::new();
    for r in RULES {
        assert!(
            !r.name.is_empty()
                && r.name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !r.name.starts_with('-')
                && !r.name.ends_with('-')
                && !r.name.contains("--"),
            "{}: name {:?} is not kebab-case",
            r.id,
            r.name
        );
        assert!(names.insert(r.name), "duplicate name {}", r.name);
    }
}

#[test]
fn at_least_150_distinct_providers() {
    let providers: BTreeSet<&str> = RULES
        .iter()
        .map(|r| r.provider)
        .filter(|p| *p != "Generic")
        .collect();
    assert!(
        providers.len() >= 150,
        "only {} providers: {providers:?}",
        providers.len()
    );
}

#[test]
fn documentation_fields_are_filled() {
    for r in RULES {
        assert!(
            r.description.ends_with('.') && r.description.len() > 20,
            "{}: description",
            r.id
        );
        assert!(
            r.rotation.ends_with('.') && r.rotation.len() > 30,
            "{}: rotation",
            r.id
        );
        assert!(!r.provider.is_empty(), "{}: provider", r.id);
        assert!(!r.examples.is_empty(), "{}: needs an example", r.id);
        assert!(!r.negatives.is_empty(), "{}: needs a negative", r.id);
        if let Some(e) = r.min_entropy {
            assert!((0.0..=6.0).contains(&e), "{}: entropy floor {e}", r.id);
        }
    }
}

#[test]
fn keywords_are_lowercase_and_gate_every_example() {
    for r in RULES {
        assert!(!r.keywords.is_empty(), "{}: no keywords", r.id);
        for k in r.keywords {
            assert!(k.len() >= 2, "{}: keyword {k:?} too short", r.id);
            assert_eq!(
                *k,
                k.to_lowercase(),
                "{}: keyword {k:?} not lower-case",
                r.id
            );
        }
        for ex in r.examples {
            let lower = ex.to_lowercase();
            assert!(
                r.keywords.iter().any(|k| lower.contains(k)),
                "{} {}: no keyword occurs in example {ex:?}",
                r.id,
                r.name
            );
        }
    }
}

/// Fails with every collected problem at once, so one run shows them all.
fn report(problems: &[String]) {
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn every_example_is_found() {
    let mut problems = Vec::new();
    for (r, re) in compiled() {
        for ex in r.examples {
            if findings(r, re, ex).is_empty() {
                problems.push(format!("{} {}: example not found: {ex:?}", r.id, r.name));
            }
        }
    }
    report(&problems);
}

#[test]
fn no_negative_is_found() {
    let mut problems = Vec::new();
    for (r, re) in compiled() {
        for neg in r.negatives {
            let found = findings(r, re, neg);
            if !found.is_empty() {
                problems.push(format!(
                    "{} {}: negative {neg:?} found {found:?}",
                    r.id, r.name
                ));
            }
        }
    }
    report(&problems);
}

#[test]
fn every_synthesized_secret_is_found_by_its_rule() {
    let mut problems = Vec::new();
    for (r, re) in compiled() {
        let mut distinct = HashSet::new();
        for seed in 0..SEEDS {
            let Some(text) = synthesize(r.id, seed) else {
                problems.push(format!(
                    "{} {}: synthesize({seed}) gave nothing",
                    r.id, r.name
                ));
                break;
            };
            match findings(r, re, &text).first() {
                Some(secret) => {
                    distinct.insert(secret.clone());
                }
                None => problems.push(format!(
                    "{} {}: synthesized text not found: {text:?}",
                    r.id, r.name
                )),
            }
        }
        if (distinct.len() as u64) < SEEDS - 1 {
            problems.push(format!("{} {}: synthesized secrets repeat", r.id, r.name));
        }
    }
    report(&problems);
}

#[test]
fn synthesize_is_deterministic() {
    for r in RULES.iter().step_by(7) {
        assert_eq!(synthesize(r.id, 99), synthesize(r.id, 99), "{}", r.id);
    }
}

/// Text that looks random or secret-adjacent but is ordinary code and data. No rule may
/// report anything in it.
const ORDINARY: &[&str] = &[
    // git and content hashes
    "commit 3f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39",
    "sha256sum: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08  file.tar.gz",
    "\"integrity\": \"sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg==\",",
    "resolved \"https://registry.yarnpkg.com/left-pad/-/left-pad-1.3.0.tgz#5b8a3a7765dfe001261dde915589e782f8c94d1e\"",
    "checksum = \"a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90\"",
    // identifiers
    "request_id = \"6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f\"",
    "const uuid = '123e4567-e89b-12d3-a456-426614174000';",
    "image: ghcr.io/org/app@sha256:4bc453b53cb3d914b45f4b250294236adba2c0e09ff6f03793949e7e39fd4cc1",
    // images and fonts
    "background: url(data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==);",
    "src: url(data:font/woff2;base64,d09GMgABAAAAAAKkAA0AAAAABsQAAAJNAAEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAP0ZGVE0cGh4GYACCUhEICoJ4gl0LEAABNgIkAxwEIAWDFQdLG2EFyI6Cjk3B4+Kl5oEP);",
    // code that handles secrets without containing one
    "password = getpass.getpass(\"Password: \")",
    "token = os.environ[\"GITHUB_TOKEN\"]",
    "const apiKey = process.env.OPENAI_API_KEY;",
    "api_key = settings.STRIPE_SECRET_KEY",
    "secret = vault.read('secret/data/app')['data']['password']",
    "if token.startswith(\"ghp_\") or token.startswith(\"github_pat_\"):",
    "PASSWORD_MIN_LENGTH = 12",
    "def rotate_secret(secret_id: str) -> None:",
    "export AWS_SECRET_ACCESS_KEY=\"$(pass show aws/secret)\"",
    "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
    // the article's placeholders
    "const API_KEY = \"sk-1234567890abcdef\";",
    "OPENAI_API_KEY=sk-1234567890abcdef",
    "git log --all -S \"sk-123456\" --oneline",
    "GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}",
    "DEPLOY_KEY: ${{ secrets.DEPLOY_KEY }}",
    // prose and markup
    "The password must be at least 12 characters and include a symbol.",
    "<input type=\"password\" name=\"password\" autocomplete=\"current-password\">",
    "Set `token` to your personal access token; see https://docs.fake.test/auth.",
    // minified-looking but benign
    "var a=function(t){return t.split('').reverse().join('')};",
    "base64 -d <<< aGVsbG8gd29ybGQ=",
];

#[test]
fn ordinary_code_and_data_raise_nothing() {
    let rules = compiled();
    let mut problems = Vec::new();
    for text in ORDINARY {
        for (r, re) in rules {
            let found = findings(r, re, text);
            if !found.is_empty() {
                problems.push(format!(
                    "{} {} fired on ordinary text {text:?}: {found:?}",
                    r.id, r.name
                ));
            }
        }
    }
    report(&problems);
}
