//! The scanning engine: an Aho-Corasick keyword prefilter that routes text to the few rules
//! that can match, lazily compiled rule regexes, candidate filters (entropy, checksum,
//! placeholder), overlap resolution, bounded decoding of encoded blobs, and redaction.

use std::borrow::Cow;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use regex_automata::PatternID;
use regex_automata::meta::{self, Regex};
use regex_automata::util::syntax;

use crate::decode;
use crate::entropy;
use crate::finding::{Encoding, Finding};
use crate::routing::Routing;
use crate::rule::Rule;

/// Texts longer than this use the (lazily built) DFA prefilter, which scans faster but takes
/// longer to build than the NFA used for short texts such as a hook's payload.
const BULK_THRESHOLD: usize = 64 * 1024;
/// How deep encoded blobs are unwrapped (base64 inside percent-encoding, …).
const MAX_DECODE_DEPTH: u8 = 2;
/// Bytes of encoded input that one scan may decode.
const DECODE_BUDGET: usize = 8 * 1024 * 1024;
/// Compiled size limit for one rule's regex.
const REGEX_SIZE_LIMIT: usize = 8 * 1024 * 1024;
/// The longest secret kept; longer matches are cut (a private key block is a few KB).
const MAX_SECRET_LEN: usize = 64 * 1024;

/// Texts up to this long (hook payloads, single writes) are searched with [`Flavor::Lite`]
/// regexes unless a bulk scan has been prepared.
const LITE_MAX_TEXT: usize = 16 * 1024;

/// How a rule's regex is built. Both flavours match exactly the same (same syntax; every
/// regex-automata engine reports the same leftmost-first matches); they differ in cost.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Flavor {
    /// Every engine and a literal prefilter: slower to build, fastest on long texts.
    Full,
    /// NFA-based engines only (bounded backtracker, PikeVM), no prefilter: builds in about a
    /// third of the time, which is what a one-off hook scan of a short text pays for.
    Lite,
}

/// A compiled rule: its regex and which capture group holds the secret.
struct Compiled {
    regex: Regex,
    secret_group: Option<usize>,
}

/// Scans text for secrets with a fixed set of rules.
///
/// Building a scanner only builds the keyword prefilter; each rule's regex is compiled the
/// first time one of its keywords is seen, so scanning text that mentions no keyword compiles
/// nothing.
pub struct Scanner {
    rules: &'static [Rule],
    /// Which rules each keyword sends to the regex stage.
    routing: Routing,
    /// Aho-Corasick DFA for long texts and bulk scans; built on first need.
    bulk_prefilter: OnceLock<Option<AhoCorasick>>,
    /// Each rule's regex in each [`Flavor`], compiled on first need; the slots themselves are
    /// allocated on first need too, since most texts the hook scans compile nothing.
    compiled: OnceLock<Box<[OnceLock<Option<Compiled>>]>>,
    compiled_lite: OnceLock<Box<[OnceLock<Option<Compiled>>]>>,
}

impl std::fmt::Debug for Scanner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scanner")
            .field("rules", &self.rules.len())
            .field("keywords", &self.routing.keywords.len())
            .finish_non_exhaustive()
    }
}

/// A candidate that passed every filter, before line numbers are computed.
#[derive(Debug, Clone)]
struct Hit {
    rule: u32,
    /// The secret's range in the scanned text (the blob's range when decoded).
    range: std::ops::Range<usize>,
    /// Length of the rule's whole match: the context a rule needed (a provider name, an
    /// assignment) makes it more specific.
    context: usize,
    secret: String,
    encoding: Option<Encoding>,
}

impl Scanner {
    /// The built-in rules (`crate::rules::RULES`), with their keyword routing computed at
    /// compile time: building this scanner allocates nothing.
    pub fn builtin() -> &'static Scanner {
        static BUILTIN: OnceLock<Scanner> = OnceLock::new();
        BUILTIN.get_or_init(|| Scanner::with_routing(crate::catalog::rules(), Routing::builtin()))
    }

    /// A scanner over `rules`. Rule regexes are compiled lazily.
    pub fn new(rules: &'static [Rule]) -> Scanner {
        Scanner::with_routing(rules, Routing::build(rules))
    }

    fn with_routing(rules: &'static [Rule], routing: Routing) -> Scanner {
        Scanner {
            rules,
            routing,
            bulk_prefilter: OnceLock::new(),
            compiled: OnceLock::new(),
            compiled_lite: OnceLock::new(),
        }
    }

    /// The rules this scanner runs.
    pub fn rules(&self) -> &'static [Rule] {
        self.rules
    }

    /// The rule with this id or name.
    pub fn rule(&self, id_or_name: &str) -> Option<&'static Rule> {
        self.rules
            .iter()
            .find(|r| r.id.eq_ignore_ascii_case(id_or_name) || r.name == id_or_name)
    }

    /// Every secret in `text`, in order of position, including those on lines that carry an
    /// inline `warden:allow` comment (see [`Finding::inline_allowed`]): callers decide whether
    /// such a comment may suppress a finding.
    pub fn scan_text(&self, text: &str) -> Vec<Finding> {
        self.scan_bytes(text.as_bytes())
    }

    /// Like [`Scanner::scan_text`], for text that may not be valid UTF-8.
    pub fn scan_bytes(&self, text: &[u8]) -> Vec<Finding> {
        let mut budget = DECODE_BUDGET;
        let hits = self.hits(text, 0, &mut budget);
        if hits.is_empty() {
            return Vec::new();
        }
        locate(self.rules, text, hits)
    }

    /// Whether `text` holds at least one secret (inline allow comments ignored).
    pub fn contains_secret(&self, text: &str) -> bool {
        !self.scan_text(text).is_empty()
    }

    /// `text` with every secret replaced by `[REDACTED:<rule-name>:<fingerprint>]`. Inline
    /// allow comments do not protect a secret from redaction.
    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let findings = self.scan_text(text);
        if findings.is_empty() {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len());
        let mut cursor = 0;
        for finding in &findings {
            let (mut start, mut end) = (finding.byte_range.start, finding.byte_range.end);
            while start > 0 && !text.is_char_boundary(start) {
                start -= 1;
            }
            while end < text.len() && !text.is_char_boundary(end) {
                end += 1;
            }
            if end <= cursor {
                continue;
            }
            let start = start.max(cursor);
            out.push_str(&text[cursor..start]);
            out.push_str("[REDACTED:");
            out.push_str(finding.rule_name);
            out.push(':');
            out.push_str(&finding.fingerprint);
            out.push(']');
            cursor = end;
        }
        out.push_str(&text[cursor..]);
        Cow::Owned(out)
    }

    /// Redact every string inside a JSON value, in place (object keys included). Returns the
    /// number of secrets replaced. Walks with an explicit stack, so deep nesting cannot
    /// overflow the call stack.
    pub fn redact_json(&self, value: &mut serde_json::Value) -> usize {
        let mut count = 0;
        let mut stack = vec![value];
        while let Some(value) = stack.pop() {
            match value {
                serde_json::Value::String(s) => {
                    count += self.redact_string(s);
                }
                serde_json::Value::Array(items) => stack.extend(items.iter_mut()),
                serde_json::Value::Object(map) => {
                    let secret_keys: Vec<String> = map
                        .keys()
                        .filter(|k| self.contains_secret(k))
                        .cloned()
                        .collect();
                    for key in secret_keys {
                        if let Some(v) = map.remove(&key) {
                            count += self.scan_text(&key).len();
                            map.insert(self.redact(&key).into_owned(), v);
                        }
                    }
                    stack.extend(map.values_mut());
                }
                _ => {}
            }
        }
        count
    }

    fn redact_string(&self, s: &mut String) -> usize {
        let findings = self.scan_text(s);
        if findings.is_empty() {
            return 0;
        }
        let redacted = self.redact(s).into_owned();
        *s = redacted;
        findings.len()
    }

    /// The rules whose keywords occur in `text` (plus keyword-less rules), ascending.
    fn triggered(&self, text: &[u8]) -> Vec<u32> {
        let mut hit = vec![false; self.rules.len()];
        for &i in self.routing.unrouted.iter() {
            hit[i as usize] = true;
        }
        let mut seen = vec![false; self.routing.keywords.len()];
        let bulk = if text.len() > BULK_THRESHOLD {
            self.bulk()
        } else {
            // Once built (for a bulk scan), the DFA is the faster choice for any text.
            self.bulk_prefilter.get().and_then(Option::as_ref)
        };
        match bulk {
            Some(ac) => {
                let mut remaining = self.routing.keywords.len();
                for m in ac.find_overlapping_iter(text) {
                    let p = m.pattern().as_usize();
                    if !seen[p] {
                        seen[p] = true;
                        remaining -= 1;
                        if remaining == 0 {
                            break;
                        }
                    }
                }
            }
            None => self.routing.find(text, &mut seen),
        }
        for (p, _) in seen.iter().enumerate().filter(|(_, s)| **s) {
            for &r in self.routing.routes(p) {
                hit[r as usize] = true;
            }
        }
        hit.iter()
            .enumerate()
            .filter(|(_, h)| **h)
            .filter_map(|(i, _)| u32::try_from(i).ok())
            .filter(|&rule| self.routing.fits(rule, text.len()))
            .filter(|&rule| requirements_met(&self.rules[rule as usize], text))
            .collect()
    }

    fn bulk(&self) -> Option<&AhoCorasick> {
        self.bulk_prefilter
            .get_or_init(|| build_prefilter(&self.routing.keywords, AhoCorasickKind::DFA))
            .as_ref()
    }

    /// Prepare for scanning many texts: build the faster (DFA) keyword prefilter now. The
    /// walkers call this; a one-off scan of a short text does not need it.
    pub fn prepare_bulk(&self) {
        let _ = self.bulk();
    }

    fn compiled(&self, rule: u32, flavor: Flavor) -> Option<&Compiled> {
        let slots = match flavor {
            Flavor::Full => &self.compiled,
            Flavor::Lite => &self.compiled_lite,
        };
        slots
            .get_or_init(|| (0..self.rules.len()).map(|_| OnceLock::new()).collect())
            .get(rule as usize)?
            .get_or_init(|| compile(self.rules[rule as usize].pattern, flavor))
            .as_ref()
    }

    /// The flavour for searching `text`: lite for short texts, unless this scanner was
    /// prepared for a bulk scan (its full regexes are then built anyway).
    fn flavor_for(&self, text: &[u8]) -> Flavor {
        if text.len() <= LITE_MAX_TEXT && self.bulk_prefilter.get().is_none() {
            Flavor::Lite
        } else {
            Flavor::Full
        }
    }

    /// Candidates in `text` that pass every filter, overlaps resolved, then secrets found in
    /// decoded blobs.
    fn hits(&self, text: &[u8], depth: u8, budget: &mut usize) -> Vec<Hit> {
        let mut hits = Vec::new();
        let flavor = self.flavor_for(text);
        for rule_ix in self.triggered(text) {
            let Some(compiled) = self.compiled(rule_ix, flavor) else {
                continue;
            };
            let rule = &self.rules[rule_ix as usize];
            match compiled.secret_group {
                Some(group) => {
                    for caps in compiled.regex.captures_iter(text) {
                        if let (Some(m), Some(whole)) = (caps.get_group(group), caps.get_match()) {
                            self.consider(rule_ix, rule, text, m.range(), whole.len(), &mut hits);
                        }
                    }
                }
                None => {
                    for m in compiled.regex.find_iter(text) {
                        self.consider(rule_ix, rule, text, m.range(), m.len(), &mut hits);
                    }
                }
            }
        }
        let mut hits = resolve_overlaps(self.rules, hits);
        if depth < MAX_DECODE_DEPTH && *budget > 0 {
            let mut decoded_hits = Vec::new();
            for blob in decode::blobs(text, budget) {
                for inner in self.hits(&blob.decoded, depth + 1, budget) {
                    let clashes = hits.iter().any(|h| {
                        h.rule == inner.rule
                            && h.range.start < blob.range.end
                            && blob.range.start < h.range.end
                    });
                    if !clashes {
                        decoded_hits.push(Hit {
                            rule: inner.rule,
                            range: blob.range.clone(),
                            context: inner.context,
                            secret: inner.secret,
                            encoding: Some(inner.encoding.unwrap_or(blob.encoding)),
                        });
                    }
                }
            }
            if !decoded_hits.is_empty() {
                hits.extend(decoded_hits);
                hits.sort_by_key(|h| (h.range.start, h.range.end));
                hits.dedup_by(|a, b| {
                    a.rule == b.rule && a.secret == b.secret && a.range == b.range
                });
            }
        }
        hits
    }

    fn consider(
        &self,
        rule_ix: u32,
        rule: &Rule,
        text: &[u8],
        range: std::ops::Range<usize>,
        context: usize,
        hits: &mut Vec<Hit>,
    ) {
        let range = range.start..range.end.min(range.start + MAX_SECRET_LEN);
        let bytes = &text[range.clone()];
        if bytes.is_empty() || rule.max_len.is_some_and(|max| bytes.len() > max) {
            return;
        }
        if let Some(floor) = rule.min_entropy
            && entropy::shannon(bytes) < floor
        {
            return;
        }
        let secret = String::from_utf8_lossy(bytes).into_owned();
        if let Some(validate) = rule.validate
            && !validate(&secret)
        {
            return;
        }
        if crate::catalog::is_placeholder(&secret) {
            return;
        }
        hits.push(Hit {
            rule: rule_ix,
            range,
            context,
            secret,
            encoding: None,
        });
    }
}

/// Whether one of the rule's [`Rule::requires`] literals occurs in `text` (trivially, when it
/// has none).
fn requirements_met(rule: &Rule, text: &[u8]) -> bool {
    rule.requires.is_empty()
        || rule
            .requires
            .iter()
            .any(|literal| contains_ignore_ascii_case(text, literal.as_bytes()))
}

/// Whether `needle` (non-empty) occurs in `haystack`, ASCII case-insensitively: candidates are
/// found with `memchr` on the first byte, so a long text costs a scan, not a compare per byte.
fn contains_ignore_ascii_case(haystack: &[u8], needle: &[u8]) -> bool {
    let Some((&first, rest)) = needle.split_first() else {
        return true;
    };
    let (lower, upper) = (first.to_ascii_lowercase(), first.to_ascii_uppercase());
    memchr::memchr2_iter(lower, upper, haystack).any(|at| {
        haystack
            .get(at + 1..at + 1 + rest.len())
            .is_some_and(|tail| tail.eq_ignore_ascii_case(rest))
    })
}

fn build_prefilter(keywords: &[&str], kind: AhoCorasickKind) -> Option<AhoCorasick> {
    if keywords.is_empty() {
        return None;
    }
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .kind(Some(kind))
        .build(keywords)
        .ok()
}

/// How specific a rule is: 2 for one provider's format, 1 for a credential shape many
/// providers share (a URL with credentials, a JWT, an npmrc or netrc line), 0 for a rule that
/// relies on a variable name (`password = ...`). When rules claim the same secret, the most
/// specific names it.
fn specificity(rule: &Rule) -> u8 {
    if rule.name.starts_with("generic") {
        0
    } else if matches!(rule.provider, "Generic" | "Database" | "JWT")
        || matches!(rule.name, "npmrc-auth-token" | "netrc-password")
    {
        1
    } else {
        2
    }
}

/// When candidates overlap, keep the most specific: a provider format over a shared shape over
/// a variable-name rule (see [`specificity`]), then the rule that needed more context, a checksummed format over an unchecked one, then the longer
/// secret, then the earlier rule.
fn resolve_overlaps(rules: &[Rule], mut hits: Vec<Hit>) -> Vec<Hit> {
    if hits.len() < 2 {
        return hits;
    }
    hits.sort_by_key(|h| (h.range.start, h.range.end));
    let rank = |h: &Hit| {
        let rule = &rules[h.rule as usize];
        (
            specificity(rule),
            h.context,
            rule.validate.is_some(),
            h.range.len(),
            std::cmp::Reverse(h.rule),
        )
    };
    let mut kept: Vec<Hit> = Vec::with_capacity(hits.len());
    for hit in hits {
        match kept.last_mut() {
            Some(last) if hit.range.start < last.range.end => {
                if rank(&hit) > rank(last) {
                    *last = hit;
                }
            }
            _ => kept.push(hit),
        }
    }
    kept
}

/// Turn hits into findings: line, column and inline-allow comments.
fn locate(rules: &[Rule], text: &[u8], hits: Vec<Hit>) -> Vec<Finding> {
    let mut lines = LineCursor::new(text);
    let mut findings = Vec::with_capacity(hits.len());
    for hit in hits {
        let (line, line_start) = lines.line_of(hit.range.start);
        let column = char_count(&text[line_start..hit.range.start]) + 1;
        let last = hit.range.end.saturating_sub(1).max(hit.range.start);
        let (end_line, _) = lines.line_of(last);
        let first_line = line_slice(text, hit.range.start);
        let last_line = line_slice(text, last);
        let inline_allowed = has_allow_comment(first_line) || has_allow_comment(last_line);
        findings.push(Finding::new(
            &rules[hit.rule as usize],
            hit.secret,
            hit.range,
            line,
            column,
            end_line,
            hit.encoding,
            inline_allowed,
        ));
    }
    findings
}

/// Whether a line carries an inline suppression comment.
pub(crate) fn has_allow_comment(line: &[u8]) -> bool {
    memchr::memmem::find(line, b"warden:allow").is_some()
        || memchr::memmem::find(line, b"gitleaks:allow").is_some()
}

/// The line (without its newline) holding byte `at`.
fn line_slice(text: &[u8], at: usize) -> &[u8] {
    let at = at.min(text.len());
    let start = memchr::memrchr(b'\n', &text[..at]).map_or(0, |p| p + 1);
    let end = memchr::memchr(b'\n', &text[at..]).map_or(text.len(), |p| at + p);
    &text[start..end]
}

fn char_count(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}

/// Computes 1-based line numbers for increasing offsets without rescanning from the start.
struct LineCursor<'t> {
    text: &'t [u8],
    /// Offsets of every newline, computed on first use.
    newlines: Option<Vec<usize>>,
}

impl<'t> LineCursor<'t> {
    fn new(text: &'t [u8]) -> Self {
        LineCursor {
            text,
            newlines: None,
        }
    }

    /// The 1-based line of byte `at` and the offset where that line starts.
    fn line_of(&mut self, at: usize) -> (usize, usize) {
        let text = self.text;
        let newlines = self
            .newlines
            .get_or_insert_with(|| memchr::memchr_iter(b'\n', text).collect());
        let before = newlines.partition_point(|&nl| nl < at);
        let start = if before == 0 {
            0
        } else {
            newlines[before - 1] + 1
        };
        (before + 1, start)
    }
}

/// Builds one rule's regex. Rules are written for ASCII tokens and searched in bytes: classes
/// are ASCII (`\\s`, `\\w`, `(?i)`, negated classes match any other byte), which is also what
/// keeps compiling cheap. A pattern that does not compile is skipped (the catalog's tests
/// compile every rule).
fn compile(pattern: &str, flavor: Flavor) -> Option<Compiled> {
    let mut config = meta::Config::new()
        .nfa_size_limit(Some(REGEX_SIZE_LIMIT))
        .utf8_empty(false);
    if flavor == Flavor::Lite {
        config = config
            .hybrid(false)
            .dfa(false)
            .onepass(false)
            .auto_prefilter(false);
    }
    let regex = meta::Builder::new()
        .configure(config)
        .syntax(syntax::Config::new().unicode(false).utf8(false))
        .build(pattern)
        .ok()?;
    let secret_group = regex.group_info().to_index(PatternID::ZERO, "secret");
    Some(Compiled {
        regex,
        secret_group,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn always_valid(_: &str) -> bool {
        true
    }

    static RULES: &[Rule] = &[
        Rule {
            id: "TST001",
            name: "test-token",
            description: "A test token.",
            provider: "Test",
            keywords: &["tstk_"],
            pattern: r"\btstk_[A-Za-z0-9]{20}\b",
            min_entropy: Some(3.0),
            max_len: None,
            requires: &[],
            validate: None,
            examples: &[],
            negatives: &[],
            rotation: "Rotate it.",
        },
        Rule {
            id: "TST002",
            name: "generic-password",
            description: "A password assignment.",
            provider: "Generic",
            keywords: &["password"],
            pattern: r#"(?i)password\s*[:=]\s*["']?(?P<secret>[^\s"']{8,})"#,
            min_entropy: Some(2.5),
            max_len: None,
            requires: &[],
            validate: None,
            examples: &[],
            negatives: &[],
            rotation: "Change it.",
        },
        Rule {
            id: "TST003",
            name: "checked-token",
            description: "A token with a checksum.",
            provider: "Test",
            keywords: &["chk_"],
            pattern: r"chk_[a-z]{6}[0-9]",
            min_entropy: None,
            max_len: None,
            requires: &[],
            validate: Some(|s| s.ends_with('7')),
            examples: &[],
            negatives: &[],
            rotation: "Rotate it.",
        },
        Rule {
            id: "TST004",
            name: "validated-anywhere",
            description: "Never matches in practice.",
            provider: "Test",
            keywords: &["zzqq"],
            pattern: r"zzqq[0-9]{4}",
            min_entropy: None,
            max_len: None,
            requires: &[],
            validate: Some(always_valid),
            examples: &[],
            negatives: &[],
            rotation: "",
        },
    ];

    const TOKEN: &str = "tstk_a1B2c3D4e5F6g7H8i9J0";

    fn scanner() -> Scanner {
        Scanner::new(RULES)
    }

    /// `max_len` keeps the bound the format has: the generic assignment rule's pattern says
    /// `{16,}`, and a 201-character value is not reported, as under `{16,200}`.
    #[test]
    fn max_len_bounds_a_secret_the_pattern_leaves_open() {
        let alphabet = b"Zx8Qp1Lm0Vb7Tr4Nc2Hw9KsYu3Jd6Fg5";
        let value = |n: usize| -> String {
            (0..n)
                .map(|i| char::from(alphabet[(i * 7 + i / 31) % alphabet.len()]))
                .collect()
        };
        let scanner = Scanner::builtin();
        let found = |n: usize| {
            scanner
                .scan_text(&format!("client_secret = \"{}\"\n", value(n)))
                .iter()
                .any(|f| f.rule_id == "SEC265")
        };
        assert!(found(40));
        assert!(found(200));
        assert!(!found(201));
    }

    #[test]
    fn finds_token_with_position() {
        let text = format!("first line\n  key = \"{TOKEN}\"\n");
        let findings = scanner().scan_text(&text);
        assert_eq!(findings.len(), 1, "{findings:?}");
        let f = &findings[0];
        assert_eq!(
            (f.rule_id, f.line, f.column, f.end_line),
            ("TST001", 2, 10, 2)
        );
        assert_eq!(&text[f.byte_range.clone()], TOKEN);
        assert_eq!(f.secret(), TOKEN);
        assert_eq!(f.redacted, "tstk…");
        assert!(!f.inline_allowed);
    }

    #[test]
    fn keywords_are_case_insensitive_and_columns_count_chars() {
        let text = format!("é PASSWORD = hunter2-Is-Long\n{TOKEN}");
        let findings = scanner().scan_text(&text);
        assert_eq!(findings.len(), 2, "{findings:?}");
        assert_eq!((findings[0].rule_id, findings[0].column), ("TST002", 14));
        assert_eq!(findings[0].secret(), "hunter2-Is-Long");
        assert_eq!((findings[1].line, findings[1].column), (2, 1));
    }

    #[test]
    fn filters_entropy_and_checksum() {
        let s = scanner();
        assert!(s.scan_text("tstk_aaaaaaaaaaaaaaaaaaaa").is_empty());
        assert!(s.scan_text("chk_qwzkrp6").is_empty());
        assert_eq!(s.scan_text("chk_qwzkrp7").len(), 1);
    }

    #[test]
    fn required_literals_are_found_in_any_case() {
        assert!(contains_ignore_ascii_case(b"mysql -P3306", b"-p"));
        assert!(contains_ignore_ascii_case(b"user@host", b"@"));
        assert!(!contains_ignore_ascii_case(
            b"curl -fsSL https://x | sh",
            b"-p"
        ));
        assert!(!contains_ignore_ascii_case(b"a-", b"-p"));
    }

    #[test]
    fn no_keyword_compiles_nothing() {
        let s = scanner();
        assert!(s.scan_text("ls -la && cargo build").is_empty());
        let slots = |flavor: &OnceLock<Box<[OnceLock<Option<Compiled>>]>>| {
            flavor
                .get()
                .map(|slots| slots.iter().filter(|c| c.get().is_some()).count())
        };
        assert_eq!((slots(&s.compiled), slots(&s.compiled_lite)), (None, None));
        // Too short for the rule's shortest match (17 bytes): nothing to compile either.
        assert!(s.scan_text("password: x").is_empty());
        assert_eq!((slots(&s.compiled), slots(&s.compiled_lite)), (None, None));
        assert!(s.scan_text("password: a b c d e f").is_empty());
        assert_eq!(
            (slots(&s.compiled), slots(&s.compiled_lite)),
            (None, Some(1))
        );
        assert!(
            s.compiled_lite
                .get()
                .is_some_and(|slots| slots[1].get().is_some())
        );
    }

    #[test]
    fn short_and_long_texts_find_the_same() {
        let s = scanner();
        let short = format!("let a = \"{TOKEN}\";\npassword = \"hunter2hunter2\"\n");
        let long = format!("{}{short}", "# filler line of text\n".repeat(2000));
        assert!(long.len() > LITE_MAX_TEXT);
        let found = |text: &str| -> Vec<(&str, String)> {
            s.scan_text(text)
                .into_iter()
                .map(|f| (f.rule_id, f.fingerprint.clone()))
                .collect()
        };
        assert!(!found(&short).is_empty());
        assert_eq!(found(&short), found(&long));
    }

    #[test]
    fn provider_rule_wins_over_generic_on_overlap() {
        let text = format!("password = {TOKEN}");
        let findings = scanner().scan_text(&text);
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0].rule_id, "TST001");
    }

    #[test]
    fn inline_allow_is_reported_not_dropped() {
        for comment in ["# warden:allow", "// gitleaks:allow"] {
            let text = format!("k = {TOKEN} {comment}\n");
            let findings = scanner().scan_text(&text);
            assert_eq!(findings.len(), 1);
            assert!(findings[0].inline_allowed, "{comment}");
        }
    }

    #[test]
    fn secrets_in_encoded_blobs_are_found() {
        use base64::Engine as _;
        let b64 = base64::engine::general_purpose::STANDARD.encode(format!("token: {TOKEN}"));
        let text = format!("data:\n  blob: {b64}\n");
        let findings = scanner().scan_text(&text);
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0].encoding, Some(Encoding::Base64));
        assert_eq!(findings[0].secret(), TOKEN);
        assert_eq!(findings[0].line, 2);
        let pct = "https://h/cb?x=password%3Dhunter2-Is-Long%26y%3D1";
        let findings = scanner().scan_text(pct);
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0].encoding, Some(Encoding::Percent));
        assert_eq!(findings[0].secret(), "hunter2-Is-Long&y=1");
    }

    #[test]
    fn redact_replaces_each_secret() {
        let text = format!("a {TOKEN} b\npassword: hunter2-Is-Long\n");
        let s = scanner();
        let red = s.redact(&text);
        assert!(!red.contains(TOKEN) && !red.contains("hunter2"), "{red}");
        assert!(red.contains("[REDACTED:test-token:"), "{red}");
        assert!(
            red.starts_with("a [REDACTED:") && red.ends_with("]\n"),
            "{red}"
        );
        assert!(matches!(s.redact("nothing here"), Cow::Borrowed(_)));
    }

    #[test]
    fn redact_json_walks_everything() {
        let mut value = serde_json::json!({
            "a": [1, {"b": format!("x {TOKEN}")}],
            TOKEN: "key is secret",
            "c": "clean",
        });
        let n = scanner().redact_json(&mut value);
        assert_eq!(n, 2);
        let out = value.to_string();
        assert!(!out.contains(TOKEN), "{out}");
        assert!(out.contains("clean"));
    }

    #[test]
    fn deep_json_does_not_overflow() {
        let mut value = serde_json::json!(TOKEN);
        for _ in 0..10_000 {
            value = serde_json::Value::Array(vec![value]);
        }
        assert_eq!(scanner().redact_json(&mut value), 1);
        // Drop iteratively too: serde_json's recursive drop would overflow on deep nesting.
        let mut cur = value;
        while let serde_json::Value::Array(mut items) = cur {
            cur = items.pop().unwrap_or(serde_json::Value::Null);
        }
    }

    #[test]
    fn pair_index_agrees_with_aho_corasick_on_the_catalog() {
        let scanner = Scanner::builtin();
        let keywords = &scanner.routing.keywords;
        let ac = build_prefilter(keywords, AhoCorasickKind::DFA).unwrap();
        // Texts made of keyword fragments, in mixed case, glued and overlapping.
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..300 {
            let mut text = Vec::new();
            for _ in 0..(next() % 12) {
                let k = &keywords[(next() % keywords.len() as u64) as usize];
                let k = k.as_bytes();
                let cut = (next() as usize) % (k.len() + 1);
                let piece = if next() % 3 == 0 { &k[..cut] } else { k };
                for &b in piece {
                    text.push(if next() % 2 == 0 {
                        b.to_ascii_uppercase()
                    } else {
                        b
                    });
                }
                if next() % 2 == 0 {
                    text.push(b' ');
                }
            }
            let mut by_pairs = vec![false; keywords.len()];
            scanner.routing.find(&text, &mut by_pairs);
            let mut by_ac = vec![false; keywords.len()];
            for m in ac.find_overlapping_iter(&text) {
                by_ac[m.pattern().as_usize()] = true;
            }
            assert_eq!(by_pairs, by_ac, "{:?}", String::from_utf8_lossy(&text));
        }
    }

    #[test]
    fn debug_hides_the_secret() {
        let findings = scanner().scan_text(TOKEN);
        let debug = format!("{findings:?}");
        assert!(!debug.contains(TOKEN), "{debug}");
    }

    #[test]
    fn invalid_utf8_is_scanned() {
        let mut bytes = vec![0xff, 0xfe, b'\n'];
        bytes.extend_from_slice(TOKEN.as_bytes());
        bytes.push(0xc3);
        let findings = scanner().scan_bytes(&bytes);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].line, 2);
    }

    #[test]
    fn large_texts_use_the_bulk_prefilter() {
        let mut text = "lorem ipsum dolor sit amet\n".repeat(10_000);
        text.push_str(TOKEN);
        let s = scanner();
        let findings = s.scan_text(&text);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].line, 10_001);
        assert!(s.bulk_prefilter.get().is_some());
    }
}
