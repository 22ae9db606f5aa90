//! The built-in secret rule catalog.
//!
//! One module per provider family; [`RULES`] is their concatenation. Every rule
//! is plain data (see [`Rule`]): a regex written from the provider's public token format,
//! lower-case keywords for the engine's Aho-Corasick prefilter, an optional entropy floor
//! and checksum validator, examples that must and must not match (checked by
//! `tests/rules.rs`), and the provider's revoke-and-rotate steps for `warden incident`.
//!
//! Two shapes of rule exist:
//!
//! - *Self-identifying tokens* carry a provider prefix (`ghp_`, `xoxb-`, `sk-ant-api03-`); the
//!   whole match, or its `secret` group, is the token.
//! - *Named values* have no distinctive shape (a bare 32-hex key); they match only when a
//!   provider name and a credential word precede an assignment (`DATADOG_API_KEY=…`,
//!   `"mistralApiKey": "…"`), built with the [`ctx!`] macro.
//!
//! Ids are stable: a rule keeps its id forever, a retired id is never reused, and a new rule
//! takes the next free number (`tests/rules.rs` checks that ids stay dense).

// Every rule literal ends in `..BASE`, also those that set every field, so that adding a
// field to `Rule` later needs no edit here.
#![allow(clippy::needless_update)]

use crate::rule::Rule;

/// Builds the pattern of a named-value rule: a provider name (`$names`, a regex alternation,
/// matched ASCII-case-insensitively), then within a short stretch (an identifier, or a nested
/// YAML/JSON key such as `datadog:\n  api_key`) a credential word (`key`, `token`, `secret`,
/// `password`, …), an assignment operator of any common syntax (`=`, `:`, `:=`, `=>`, or a `,`
/// between call arguments), optional quoting, and the value (`$value`, matched
/// case-sensitively) as the `secret` group, which must end at a non-token character.
macro_rules! ctx {
    ($names:literal, $value:literal) => {
        concat!(
            r#"(?i-u:(?:"#,
            $names,
            r#")[A-Za-z0-9_.\-\s:"'{(]{0,40}?(?:key|token|secret|pass(?:word|wd)?|pwd|pat|auth|credential|sid)s?[A-Za-z0-9_.\-]{0,16}?["'\]]?\s{0,4}(?::=|=>|=|:|,)\s{0,4}[\[({]?\s{0,4}["'`]?)(?P<secret>"#,
            $value,
            r#")(?:[^A-Za-z0-9_\-]|$)"#
        )
    };
}

pub(crate) mod min_len;
pub mod synth;

mod ai;
mod chat;
mod cloud;
mod devtools;
mod generic;
mod keys;
mod payments;
mod saas;
mod vcs;

/// Field defaults for rule literals (`Rule { …, ..BASE }`): no entropy floor, no validator.
const BASE: Rule = Rule {
    id: "",
    name: "",
    description: "",
    provider: "",
    keywords: &[],
    pattern: "",
    min_entropy: None,
    max_len: None,
    requires: &[],
    validate: None,
    examples: &[],
    negatives: &[],
    rotation: "",
};

/// The families, concatenated in this order.
const FAMILIES: &[&[Rule]] = &[
    keys::RULES,
    vcs::RULES,
    cloud::RULES,
    ai::RULES,
    payments::RULES,
    chat::RULES,
    devtools::RULES,
    saas::RULES,
    generic::RULES,
];

/// Total number of built-in rules.
pub(crate) const COUNT: usize = {
    let mut n = 0;
    let mut i = 0;
    while i < FAMILIES.len() {
        n += FAMILIES[i].len();
        i += 1;
    }
    n
};

/// Concatenates the families at compile time.
const fn concat_families() -> [Rule; COUNT] {
    let mut out = [BASE; COUNT];
    let mut k = 0;
    let mut i = 0;
    while i < FAMILIES.len() {
        let family = FAMILIES[i];
        let mut j = 0;
        while j < family.len() {
            out[k] = family[j];
            k += 1;
            j += 1;
        }
        i += 1;
    }
    out
}

/// The catalog as a const, for tables computed from it at compile time (`crate::routing`).
/// Only const evaluation reads it, so its size costs nothing at run time.
#[allow(clippy::large_const_arrays)]
pub(crate) const RULES_CONST: [Rule; COUNT] = concat_families();

static ALL: [Rule; COUNT] = RULES_CONST;

/// Every built-in secret rule, grouped by family (ids are dense but a rule added later takes
/// the next free id in whichever family it belongs to).
pub static RULES: &[Rule] = &ALL;

/// The rule with this id (`SEC042`), if any.
#[must_use]
pub fn by_id(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// The rule with this kebab-case name (`github-classic-pat`), if any.
#[must_use]
pub fn by_name(name: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.name == name)
}
