//! Keyword routing: which rules a keyword found in a text sends on to the regex stage.
//!
//! A rule runs only when one of its keywords occurs in the text. [`Routing`] holds the
//! distinct keywords, the rules each one routes to, the rules with no keyword (they run on
//! every text), and [`Routing::find`]'s index of keywords by their first two bytes.
//!
//! The built-in catalog's routing is computed at compile time ([`Routing::builtin`]): the
//! hook is a fresh process per tool call and scans every action it records, and building
//! these tables at run time cost it 60-120 us, mostly page faults on fresh heap and on the
//! rule catalog spread across the binary. Other rule sets are routed at run time by
//! [`Routing::build`]; a test checks that both give the same tables for the catalog.

use std::borrow::Cow;

use crate::rule::Rule;

/// Buckets of the two-byte keyword index (a power of two).
const PAIR_BUCKETS: usize = 4096;

/// The routing tables. Each is borrowed from a static for the built-in catalog and owned
/// otherwise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Routing {
    /// Distinct keywords in order of first appearance, matched ASCII case-insensitively.
    pub keywords: Cow<'static, [&'static str]>,
    /// The rules keyword `k` routes to are `route_rules[route_starts[k]..route_starts[k + 1]]`,
    /// ascending.
    route_starts: Cow<'static, [u32]>,
    route_rules: Cow<'static, [u32]>,
    /// Rules without keywords.
    pub unrouted: Cow<'static, [u32]>,
    /// `pair_items[pair_starts[b]..pair_starts[b + 1]]`: the keywords (two bytes or longer)
    /// whose first two bytes fall in bucket `b`, ascending.
    pair_starts: Cow<'static, [u32]>,
    pair_items: Cow<'static, [u32]>,
    /// Keywords one byte long.
    singles: Cow<'static, [u32]>,
    /// Per rule, the fewest bytes its regex can match: a text shorter than that cannot hold
    /// its secret, so the rule is neither compiled nor run on it (the hook redacts every
    /// string of the action it records, and a four-byte `"path"` mentions Airtable's `pat`).
    min_len: Cow<'static, [u16]>,
}

impl Routing {
    /// The rules keyword `k` routes to, ascending.
    pub fn routes(&self, k: usize) -> &[u32] {
        match (self.route_starts.get(k), self.route_starts.get(k + 1)) {
            (Some(&start), Some(&end)) => &self.route_rules[start as usize..end as usize],
            _ => &[],
        }
    }

    /// Whether rule `rule` can match anywhere in a text of `len` bytes.
    pub fn fits(&self, rule: u32, len: usize) -> bool {
        self.min_len
            .get(rule as usize)
            .is_none_or(|&min| usize::from(min) <= len)
    }

    /// Mark in `seen` every keyword occurring in `text` (ASCII case-insensitively). One pass
    /// over the text; each position compares only the keywords of its two-byte bucket.
    pub fn find(&self, text: &[u8], seen: &mut [bool]) {
        for &i in self.singles.iter() {
            let b = self.keywords[i as usize].as_bytes()[0];
            let (lower, upper) = (b.to_ascii_lowercase(), b.to_ascii_uppercase());
            seen[i as usize] = memchr::memchr2(lower, upper, text).is_some();
        }
        for pos in 0..text.len().saturating_sub(1) {
            let b = pair_bucket(text[pos], text[pos + 1]);
            let (start, end) = (
                self.pair_starts[b] as usize,
                self.pair_starts[b + 1] as usize,
            );
            for &k in &self.pair_items[start..end] {
                let keyword = self.keywords[k as usize].as_bytes();
                if text.len() - pos >= keyword.len()
                    && text[pos..pos + keyword.len()].eq_ignore_ascii_case(keyword)
                {
                    seen[k as usize] = true;
                }
            }
        }
    }

    /// The built-in catalog's routing, computed at compile time.
    pub fn builtin() -> Routing {
        Routing {
            keywords: Cow::Borrowed(&builtin::KEYWORDS),
            route_starts: Cow::Borrowed(&builtin::ROUTE_STARTS),
            route_rules: Cow::Borrowed(&builtin::ROUTE_RULES),
            unrouted: Cow::Borrowed(&builtin::UNROUTED),
            pair_starts: Cow::Borrowed(&builtin::PAIR_STARTS),
            pair_items: Cow::Borrowed(&builtin::PAIR_ITEMS),
            singles: Cow::Borrowed(&builtin::SINGLES),
            min_len: Cow::Borrowed(&crate::rules::min_len::MIN_LEN),
        }
    }

    /// Route `rules` at run time.
    pub fn build(rules: &'static [Rule]) -> Routing {
        let mut keywords: Vec<&'static str> = Vec::new();
        // (keyword id, rule) in rule order.
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        let mut unrouted = Vec::new();
        let mut ids = std::collections::HashMap::new();
        for (i, rule) in rules.iter().enumerate() {
            let Ok(i) = u32::try_from(i) else { break };
            let mut routed = false;
            for (j, &keyword) in rule.keywords.iter().enumerate() {
                if keyword.is_empty() || rule.keywords[..j].contains(&keyword) {
                    continue;
                }
                let next = u32::try_from(keywords.len()).unwrap_or(u32::MAX);
                let id = *ids.entry(keyword).or_insert_with(|| {
                    keywords.push(keyword);
                    next
                });
                pairs.push((id, i));
                routed = true;
            }
            if !routed {
                unrouted.push(i);
            }
        }
        // Counting sort of the pairs by keyword: rules stay ascending within a keyword.
        let mut route_starts = vec![0u32; keywords.len() + 1];
        for &(id, _) in &pairs {
            route_starts[id as usize + 1] += 1;
        }
        for k in 1..route_starts.len() {
            route_starts[k] += route_starts[k - 1];
        }
        let mut fill = route_starts.clone();
        let mut route_rules = vec![0u32; pairs.len()];
        for &(id, rule) in &pairs {
            let at = &mut fill[id as usize];
            route_rules[*at as usize] = rule;
            *at += 1;
        }
        // The same counting sort for the two-byte index.
        let mut pair_starts = vec![0u32; PAIR_BUCKETS + 1];
        let mut singles = Vec::new();
        for (i, k) in keywords.iter().enumerate() {
            match k.as_bytes() {
                [a, b, ..] => pair_starts[pair_bucket(*a, *b) + 1] += 1,
                _ => singles.extend(u32::try_from(i)),
            }
        }
        for b in 1..pair_starts.len() {
            pair_starts[b] += pair_starts[b - 1];
        }
        let mut fill = pair_starts.clone();
        let mut pair_items = vec![0u32; fill[PAIR_BUCKETS] as usize];
        for (i, k) in keywords.iter().enumerate() {
            if let ([a, b, ..], Ok(i)) = (k.as_bytes(), u32::try_from(i)) {
                let at = &mut fill[pair_bucket(*a, *b)];
                pair_items[*at as usize] = i;
                *at += 1;
            }
        }
        Routing {
            keywords: Cow::Owned(keywords),
            route_starts: Cow::Owned(route_starts),
            route_rules: Cow::Owned(route_rules),
            unrouted: Cow::Owned(unrouted),
            pair_starts: Cow::Owned(pair_starts),
            pair_items: Cow::Owned(pair_items),
            singles: Cow::Owned(singles),
            min_len: rules.iter().map(|rule| min_len(rule.pattern)).collect(),
        }
    }
}

/// The fewest bytes `pattern` can match (0 when it does not parse, or for a match of any
/// length), with the syntax the engine compiles it with.
fn min_len(pattern: &str) -> u16 {
    let config = regex_automata::util::syntax::Config::new()
        .unicode(false)
        .utf8(false);
    regex_automata::util::syntax::parse_with(pattern, &config)
        .ok()
        .and_then(|hir| hir.properties().minimum_len())
        .map_or(0, |len| u16::try_from(len).unwrap_or(u16::MAX))
}

const fn pair_bucket(a: u8, b: u8) -> usize {
    (((a.to_ascii_lowercase() as usize) << 6) ^ (b.to_ascii_lowercase() as usize))
        & (PAIR_BUCKETS - 1)
}

/// The catalog's tables, as [`Routing::build`] would make them, by const evaluation.
///
/// Const functions cannot allocate, so the work is split in two: [`analyse`] fills arrays as
/// large as the catalog could need (one entry per rule keyword), and each table is then
/// copied out at its exact length, which the analysis counted.
mod builtin {
    use super::{PAIR_BUCKETS, pair_bucket};
    use crate::rule::Rule;
    use crate::rules::{COUNT as RULES, RULES_CONST};

    /// Keyword entries over every rule (an upper bound on distinct keywords and routes).
    const ENTRIES: usize = {
        let mut n = 0;
        let mut i = 0;
        while i < RULES {
            n += RULES_CONST[i].keywords.len();
            i += 1;
        }
        n
    };

    /// Everything [`Routing::build`](super::Routing::build) derives, at the catalog's upper
    /// bounds.
    struct Analysis {
        keywords: [&'static str; ENTRIES],
        keyword_count: usize,
        /// Routed (keyword id, rule) pairs in rule order.
        pair_keyword: [u32; ENTRIES],
        pair_rule: [u32; ENTRIES],
        pair_count: usize,
        unrouted: [u32; RULES],
        unrouted_count: usize,
        singles_count: usize,
    }

    const fn same(a: &str, b: &str) -> bool {
        let (a, b) = (a.as_bytes(), b.as_bytes());
        if a.len() != b.len() {
            return false;
        }
        let mut i = 0;
        while i < a.len() {
            if a[i] != b[i] {
                return false;
            }
            i += 1;
        }
        true
    }

    /// Whether `rule`'s keyword `j` repeats one before it.
    const fn repeated(rule: &Rule, j: usize) -> bool {
        let mut i = 0;
        while i < j {
            if same(rule.keywords[i], rule.keywords[j]) {
                return true;
            }
            i += 1;
        }
        false
    }

    const fn analyse(rules: &[Rule; RULES]) -> Analysis {
        let mut a = Analysis {
            keywords: [""; ENTRIES],
            keyword_count: 0,
            pair_keyword: [0; ENTRIES],
            pair_rule: [0; ENTRIES],
            pair_count: 0,
            unrouted: [0; RULES],
            unrouted_count: 0,
            singles_count: 0,
        };
        let mut i = 0;
        while i < RULES {
            let rule = &rules[i];
            let mut routed = false;
            let mut j = 0;
            while j < rule.keywords.len() {
                let keyword = rule.keywords[j];
                if !keyword.is_empty() && !repeated(rule, j) {
                    // The keyword's id: its first appearance (a linear search: the catalog
                    // has a few hundred keywords, and this runs once, at compile time).
                    let mut id = 0;
                    while id < a.keyword_count && !same(a.keywords[id], keyword) {
                        id += 1;
                    }
                    if id == a.keyword_count {
                        a.keywords[id] = keyword;
                        a.keyword_count += 1;
                        if keyword.len() < 2 {
                            a.singles_count += 1;
                        }
                    }
                    a.pair_keyword[a.pair_count] = id as u32;
                    a.pair_rule[a.pair_count] = i as u32;
                    a.pair_count += 1;
                    routed = true;
                }
                j += 1;
            }
            if !routed {
                a.unrouted[a.unrouted_count] = i as u32;
                a.unrouted_count += 1;
            }
            i += 1;
        }
        a
    }

    const ANALYSIS: Analysis = analyse(&RULES_CONST);
    const KEYWORD_COUNT: usize = ANALYSIS.keyword_count;
    const PAIR_COUNT: usize = ANALYSIS.pair_count;
    const SINGLES_COUNT: usize = ANALYSIS.singles_count;

    /// The first `N` items of `src`.
    const fn head<T: Copy, const N: usize>(src: &[T], fill: T) -> [T; N] {
        let mut out = [fill; N];
        let mut i = 0;
        while i < N {
            out[i] = src[i];
            i += 1;
        }
        out
    }

    pub(super) static KEYWORDS: [&str; KEYWORD_COUNT] = head(&ANALYSIS.keywords, "");

    /// `counts[i]` replaced by the sum of `counts[..=i]`: with each bucket's count stored one
    /// place up, where each bucket begins (the counting sorts below).
    const fn running_total<const N: usize>(mut counts: [u32; N]) -> [u32; N] {
        let mut i = 1;
        while i < N {
            counts[i] += counts[i - 1];
            i += 1;
        }
        counts
    }

    // Tables that another table's counting sort starts from are consts (a static cannot be
    // read in const evaluation); the statics are copies of them. The consts are only read
    // during compilation, so their size costs nothing at run time.
    #[allow(clippy::large_const_arrays)]
    const ROUTE_STARTS_CONST: [u32; KEYWORD_COUNT + 1] = {
        let mut counts = [0u32; KEYWORD_COUNT + 1];
        let mut p = 0;
        while p < PAIR_COUNT {
            counts[ANALYSIS.pair_keyword[p] as usize + 1] += 1;
            p += 1;
        }
        running_total(counts)
    };

    pub(super) static ROUTE_STARTS: [u32; KEYWORD_COUNT + 1] = ROUTE_STARTS_CONST;

    pub(super) static ROUTE_RULES: [u32; PAIR_COUNT] = {
        let mut out = [0u32; PAIR_COUNT];
        let mut fill = ROUTE_STARTS_CONST;
        let mut p = 0;
        while p < PAIR_COUNT {
            let k = ANALYSIS.pair_keyword[p] as usize;
            out[fill[k] as usize] = ANALYSIS.pair_rule[p];
            fill[k] += 1;
            p += 1;
        }
        out
    };

    pub(super) static UNROUTED: [u32; ANALYSIS.unrouted_count] = head(&ANALYSIS.unrouted, 0);

    #[allow(clippy::large_const_arrays)]
    const PAIR_STARTS_CONST: [u32; PAIR_BUCKETS + 1] = {
        let mut counts = [0u32; PAIR_BUCKETS + 1];
        let mut k = 0;
        while k < KEYWORD_COUNT {
            let bytes = ANALYSIS.keywords[k].as_bytes();
            if bytes.len() >= 2 {
                counts[pair_bucket(bytes[0], bytes[1]) + 1] += 1;
            }
            k += 1;
        }
        running_total(counts)
    };

    pub(super) static PAIR_STARTS: [u32; PAIR_BUCKETS + 1] = PAIR_STARTS_CONST;

    pub(super) static PAIR_ITEMS: [u32; KEYWORD_COUNT - SINGLES_COUNT] = {
        let mut out = [0u32; KEYWORD_COUNT - SINGLES_COUNT];
        let mut fill = PAIR_STARTS_CONST;
        let mut k = 0;
        while k < KEYWORD_COUNT {
            let bytes = ANALYSIS.keywords[k].as_bytes();
            if bytes.len() >= 2 {
                let b = pair_bucket(bytes[0], bytes[1]);
                out[fill[b] as usize] = k as u32;
                fill[b] += 1;
            }
            k += 1;
        }
        out
    };

    pub(super) static SINGLES: [u32; SINGLES_COUNT] = {
        let mut out = [0u32; SINGLES_COUNT];
        let mut n = 0;
        let mut k = 0;
        while k < KEYWORD_COUNT {
            if ANALYSIS.keywords[k].len() < 2 {
                out[n] = k as u32;
                n += 1;
            }
            k += 1;
        }
        out
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Also keeps `rules/min_len.rs` current: `WARDEN_BLESS=1 cargo test -p warden-secrets
    /// routing` rewrites it from the catalog.
    #[test]
    fn the_compiled_routing_is_the_runtime_one() {
        let built = Routing::build(crate::rules::RULES);
        if std::env::var_os("WARDEN_BLESS").is_some() {
            bless_min_len(&built.min_len);
        }
        assert_eq!(
            Routing::builtin().min_len,
            built.min_len,
            "rules/min_len.rs is stale: run `WARDEN_BLESS=1 cargo test -p warden-secrets routing`"
        );
        assert_eq!(Routing::builtin(), built);
        assert!(built.keywords.len() > 100);
    }

    fn bless_min_len(lengths: &[u16]) {
        let mut out = String::from(
            "//! Generated by `WARDEN_BLESS=1 cargo test -p warden-secrets routing`; do not edit.\n\
             //! The fewest bytes each built-in rule's regex can match, in catalog order (see\n\
             //! `crate::routing`).\n\n\
             pub(crate) static MIN_LEN: [u16; super::COUNT] = [\n",
        );
        for (rule, len) in crate::rules::RULES.iter().zip(lengths) {
            out.push_str(&format!("    {len}, // {}\n", rule.id));
        }
        out.push_str("];\n");
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/rules/min_len.rs");
        std::fs::write(path, out).expect("write rules/min_len.rs");
    }

    #[test]
    fn keywords_are_found_case_insensitively() {
        let routing = Routing::builtin();
        let mut seen = vec![false; routing.keywords.len()];
        routing.find(b"export GITHUB_TOKEN=x", &mut seen);
        let found: Vec<&str> = seen
            .iter()
            .enumerate()
            .filter(|(_, s)| **s)
            .map(|(k, _)| routing.keywords[k])
            .collect();
        assert!(found.contains(&"github"), "{found:?}");
        assert!(found.contains(&"token"), "{found:?}");
    }

    #[test]
    fn every_keyword_routes_to_exactly_the_rules_that_list_it() {
        let routing = Routing::builtin();
        let rules = crate::rules::RULES;
        let mut distinct = routing.keywords.to_vec();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(
            distinct.len(),
            routing.keywords.len(),
            "keywords are distinct"
        );
        for (k, keyword) in routing.keywords.iter().enumerate() {
            let expected: Vec<u32> = (0u32..)
                .zip(rules)
                .filter(|(_, r)| r.keywords.contains(keyword))
                .map(|(i, _)| i)
                .collect();
            assert_eq!(routing.routes(k), expected.as_slice(), "{keyword}");
        }
        let listed: usize = rules
            .iter()
            .map(|r| r.keywords.iter().filter(|k| !k.is_empty()).count())
            .sum();
        let duplicates: usize = rules
            .iter()
            .map(|r| {
                (0..r.keywords.len())
                    .filter(|&j| r.keywords[..j].contains(&r.keywords[j]))
                    .count()
            })
            .sum();
        assert_eq!(routing.route_rules.len(), listed - duplicates);
        let keywordless: Vec<u32> = (0u32..)
            .zip(rules)
            .filter(|(_, r)| r.keywords.iter().all(|k| k.is_empty()))
            .map(|(i, _)| i)
            .collect();
        assert_eq!(*routing.unrouted, keywordless);
    }

    #[test]
    fn a_rule_listing_a_keyword_twice_is_routed_once() {
        static TWICE: &[Rule] = &[Rule {
            keywords: &["dupk", "", "dupk", "other"],
            ..crate::rules::RULES_CONST[0]
        }];
        let s = Routing::build(TWICE);
        assert_eq!(*s.keywords, ["dupk", "other"]);
        assert_eq!(s.routes(0), &[0]);
        assert_eq!(s.routes(1), &[0]);
        assert!(s.unrouted.is_empty());
    }
}
