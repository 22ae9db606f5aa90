//! The record: what one line of the log holds, how it is encoded and how it is hashed.
//!
//! A line is the RFC 8785 canonical JSON of one [`Record`] followed by `\n`. Because the stored
//! bytes *are* the canonical form, a reader can demand byte equality between a line and the
//! re-encoding of what it parsed: whitespace, escapes, key order, number spellings and
//! duplicate keys cannot be changed without detection.
//!
//! `hash` is the lowercase hex SHA-256 of the canonical JSON of the record without its `hash`
//! member (so it covers `prev`, `seq` and, when present, `epoch` and `mac`). `mac` is the
//! HMAC-SHA256, under the epoch's key, of the canonical JSON without `hash` and `mac`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::canonical;

/// The schema version written in every record's `v` member.
pub const SCHEMA_VERSION: u64 = 1;

/// The `prev` of the very first record: 64 zeros.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The longest line (record plus newline) the log stores. Longer actions are truncated.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// Strings in an action longer than twice this are cut to this when a record is too large.
const TRUNCATE_STRING_AT: usize = 1024;

/// One record as the caller describes it. All fields are owned and already redacted: the
/// caller replaces secrets (found by `warden-secrets`) with a type and a fingerprint before
/// calling [`AuditLog::append`](crate::AuditLog::append); this crate stores what it is given.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewRecord {
    /// The event name, after Claude Code's telemetry: `tool_decision`, `scan`, `mcp_call`, …
    pub event: String,
    /// The enforcement point: `hook`, `check`, `scan`, `mcp`, `git`, `sandbox`, `proxy`, …
    pub point: String,
    /// The agent: `claude`, `codex`, …
    pub agent: Option<String>,
    /// The agent's session id, stored as `session.id`.
    pub session_id: Option<String>,
    /// The agent's prompt id, stored as `prompt.id`.
    pub prompt_id: Option<String>,
    /// The agent's id for this tool use.
    pub tool_use_id: Option<String>,
    /// The tool: `Bash`, `Write`, `mcp__github__get_me`, …
    pub tool: Option<String>,
    /// The action, redacted.
    pub action: Value,
    /// `allow`, `ask` or `deny`; `None` when Warden gave no opinion or the event is not a
    /// decision.
    pub decision: Option<String>,
    /// The ids of the rules that made the decision.
    pub rules: Vec<String>,
    /// The reason given to the agent or person.
    pub reason: Option<String>,
    /// The mode in force (`read-only`, `tool`, `dangerous`).
    pub mode: Option<String>,
    /// The working directory of the action.
    pub cwd: Option<String>,
}

/// One stored record, as read back from the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    /// Schema version ([`SCHEMA_VERSION`]).
    pub v: u64,
    /// Sequence number: 1 for the first record ever, +1 for each record, across segments.
    pub seq: u64,
    /// UTC time of the append, `YYYY-MM-DDTHH:MM:SS.ffffffZ`.
    pub time: String,
    /// Host name of the writer.
    pub host: String,
    /// Process id of the writer.
    pub pid: u32,
    /// See [`NewRecord::event`].
    pub event: String,
    /// See [`NewRecord::point`].
    pub point: String,
    /// See [`NewRecord::agent`].
    pub agent: Option<String>,
    /// See [`NewRecord::session_id`].
    #[serde(rename = "session.id")]
    pub session_id: Option<String>,
    /// See [`NewRecord::prompt_id`].
    #[serde(rename = "prompt.id")]
    pub prompt_id: Option<String>,
    /// See [`NewRecord::tool_use_id`].
    pub tool_use_id: Option<String>,
    /// See [`NewRecord::tool`].
    pub tool: Option<String>,
    /// See [`NewRecord::action`].
    pub action: Value,
    /// See [`NewRecord::decision`].
    pub decision: Option<String>,
    /// See [`NewRecord::rules`].
    pub rules: Vec<String>,
    /// See [`NewRecord::reason`].
    pub reason: Option<String>,
    /// See [`NewRecord::mode`].
    pub mode: Option<String>,
    /// See [`NewRecord::cwd`].
    pub cwd: Option<String>,
    /// The `hash` of the previous record ([`GENESIS`] for the first).
    pub prev: String,
    /// The forward-secure key epoch of `mac`, when the log is keyed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epoch: Option<u64>,
    /// HMAC-SHA256 of the record under the epoch's key, when the log is keyed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mac: Option<String>,
    /// SHA-256 of this record without `hash`.
    pub hash: String,
}

impl Record {
    /// Build a record (without `hash`, `epoch` and `mac`) from the caller's fields.
    pub(crate) fn new(new: NewRecord, seq: u64, time: String, host: String, prev: String) -> Self {
        let mut action = new.action;
        canonical::make_exact(&mut action);
        Record {
            v: SCHEMA_VERSION,
            seq,
            time,
            host,
            pid: std::process::id(),
            event: new.event,
            point: new.point,
            agent: new.agent,
            session_id: new.session_id,
            prompt_id: new.prompt_id,
            tool_use_id: new.tool_use_id,
            tool: new.tool,
            action,
            decision: new.decision,
            rules: new.rules,
            reason: new.reason,
            mode: new.mode,
            cwd: new.cwd,
            prev,
            epoch: None,
            mac: None,
            hash: String::new(),
        }
    }

    /// The record as a JSON object.
    pub fn to_value(&self) -> Value {
        // Serializing plain strings, numbers and a `Value` cannot fail.
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// The stored line: canonical JSON and a newline.
    pub fn to_line(&self) -> String {
        let mut line = canonical::to_string(&self.to_value());
        line.push('\n');
        line
    }
}

/// The canonical bytes the `mac` is computed over: the record without `hash` and `mac`.
pub(crate) fn mac_input(object: &Map<String, Value>) -> String {
    canonical::object_without(object, &["hash", "mac"])
}

/// The record hash of a JSON object: SHA-256 of its canonical form without `hash`.
pub(crate) fn hash_object(object: &Map<String, Value>) -> String {
    sha256_hex(canonical::object_without(object, &["hash"]).as_bytes())
}

/// Lowercase hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lowercase hex of some bytes.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    s
}

/// Bytes from lowercase (or uppercase) hex, `None` if it is not hex of the right length.
pub fn unhex<const N: usize>(s: &str) -> Option<[u8; N]> {
    let s = s.as_bytes();
    if s.len() != 2 * N {
        return None;
    }
    let mut out = [0u8; N];
    for (i, pair) in s.chunks_exact(2).enumerate() {
        let hi = char::from(pair[0]).to_digit(16)?;
        let lo = char::from(pair[1]).to_digit(16)?;
        out[i] = u8::try_from(hi * 16 + lo).ok()?;
    }
    Some(out)
}

/// Whether `s` is 64 lowercase hex digits.
pub(crate) fn is_hash_hex(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Cut every string of `value` longer than 2 KiB to 1 KiB, noting its length and a hash prefix.
/// Returns whether anything was cut.
pub(crate) fn truncate_long_strings(value: &mut Value) -> bool {
    let mut cut = false;
    truncate_strings(value, &mut cut);
    cut
}

/// Replace `value` with a summary: its size and SHA-256.
pub(crate) fn summarise(value: &mut Value) {
    let text = canonical::to_string(value);
    *value = serde_json::json!({
        "truncated": true,
        "bytes": text.len(),
        "sha256": sha256_hex(text.as_bytes()),
    });
}

/// Cut a string to at most `max` bytes (on a character boundary), marking the cut.
pub(crate) fn cut_string(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_owned();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!(
        "{}…[truncated: {} bytes, sha256 {}]",
        &s[..end],
        s.len(),
        &sha256_hex(s.as_bytes())[..16]
    )
}

fn truncate_strings(value: &mut Value, cut: &mut bool) {
    match value {
        Value::String(s) if s.len() > 2 * TRUNCATE_STRING_AT => {
            *s = cut_string(s, TRUNCATE_STRING_AT);
            *cut = true;
        }
        Value::Array(items) => items.iter_mut().for_each(|v| truncate_strings(v, cut)),
        Value::Object(map) => map.values_mut().for_each(|v| truncate_strings(v, cut)),
        _ => {}
    }
}

/// Why a line is not a valid record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineProblem {
    /// Not JSON, or not a JSON object of the record's shape.
    Unparseable(String),
    /// Valid JSON, but not byte-identical to its canonical encoding.
    NotCanonical,
    /// A schema version this build does not know.
    UnknownSchema(u64),
    /// `hash` or `prev` is not 64 lowercase hex digits, or `mac` is malformed.
    MalformedField(&'static str),
    /// `hash` does not match the record's content.
    HashMismatch,
}

impl std::fmt::Display for LineProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LineProblem::Unparseable(why) => write!(f, "not a record: {why}"),
            LineProblem::NotCanonical => f.write_str("bytes differ from the canonical encoding"),
            LineProblem::UnknownSchema(v) => write!(f, "unknown schema version {v}"),
            LineProblem::MalformedField(field) => write!(f, "malformed `{field}`"),
            LineProblem::HashMismatch => f.write_str("hash does not match the record's content"),
        }
    }
}

/// A line parsed and checked on its own (canonical form, schema, hash), with the object kept
/// for MAC checks.
#[derive(Debug, Clone)]
pub struct ParsedLine {
    /// The record.
    pub record: Record,
    /// The record as a JSON object.
    pub object: Map<String, Value>,
}

/// Parse one line (without its newline) and check everything that can be checked without its
/// neighbours: JSON, shape, canonical bytes, schema version, field formats and the hash.
pub fn parse_line(line: &[u8]) -> Result<ParsedLine, LineProblem> {
    let value: Value =
        serde_json::from_slice(line).map_err(|e| LineProblem::Unparseable(e.to_string()))?;
    if !value.is_object() {
        return Err(LineProblem::Unparseable("not a JSON object".to_owned()));
    }
    if canonical::to_string(&value).as_bytes() != line {
        return Err(LineProblem::NotCanonical);
    }
    if let Some(v) = value.get("v").and_then(Value::as_u64)
        && v != SCHEMA_VERSION
    {
        return Err(LineProblem::UnknownSchema(v));
    }
    let record =
        Record::deserialize(&value).map_err(|e| LineProblem::Unparseable(e.to_string()))?;
    let Value::Object(object) = value else {
        return Err(LineProblem::Unparseable("not a JSON object".to_owned()));
    };
    if !is_hash_hex(&record.hash) {
        return Err(LineProblem::MalformedField("hash"));
    }
    if !is_hash_hex(&record.prev) {
        return Err(LineProblem::MalformedField("prev"));
    }
    if record.mac.as_deref().is_some_and(|m| !is_hash_hex(m))
        || record.mac.is_some() != record.epoch.is_some()
    {
        return Err(LineProblem::MalformedField("mac"));
    }
    if hash_object(&object) != record.hash {
        return Err(LineProblem::HashMismatch);
    }
    Ok(ParsedLine { record, object })
}

/// The `seq` and `hash` of a line, read quickly (for the writer's tail). The full checks are
/// [`parse_line`]'s.
pub(crate) fn parse_tail(line: &[u8]) -> Option<(u64, String)> {
    #[derive(Deserialize)]
    struct Tail {
        seq: u64,
        hash: String,
    }
    let tail: Tail = serde_json::from_slice(line).ok()?;
    is_hash_hex(&tail.hash).then_some((tail.seq, tail.hash))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn sample() -> Record {
        let mut r = Record::new(
            NewRecord {
                event: "tool_decision".into(),
                point: "hook".into(),
                agent: Some("claude".into()),
                session_id: Some("s-1".into()),
                tool: Some("Bash".into()),
                action: json!({"type": "shell", "command": "ls", "n": 9007199254740993u64}),
                decision: Some("allow".into()),
                rules: vec!["SH001".into()],
                ..NewRecord::default()
            },
            1,
            "2026-11-29T16:20:00.000000Z".into(),
            "host".into(),
            GENESIS.into(),
        );
        let Value::Object(obj) = r.to_value() else {
            unreachable!()
        };
        r.hash = hash_object(&obj);
        r
    }

    #[test]
    fn a_written_line_parses_back_identically() {
        let r = sample();
        let line = r.to_line();
        assert!(line.ends_with('\n'));
        assert!(line.contains(r#""session.id":"s-1""#));
        assert!(line.contains(r#""n":"9007199254740993""#), "{line}");
        let parsed = parse_line(line.trim_end_matches('\n').as_bytes()).unwrap();
        assert_eq!(parsed.record, r);
        assert_eq!(parse_tail(line.as_bytes()), Some((1, r.hash.clone())));
    }

    #[test]
    fn non_canonical_spellings_are_rejected() {
        let line = sample().to_line();
        let line = line.trim_end();
        let variants = [
            line.replacen("{", "{ ", 1),
            line.replacen(r#""seq":1"#, r#""seq":1.0"#, 1),
            line.replacen(r#""ls""#, r#""l\u0073""#, 1),
            format!("{},\"v\":1}}", &line[..line.len() - 1]),
        ];
        for v in variants {
            assert_eq!(
                parse_line(v.as_bytes()).unwrap_err(),
                LineProblem::NotCanonical,
                "{v}"
            );
        }
    }

    #[test]
    fn changed_content_fails_the_hash() {
        let line = sample().to_line().replacen(r#""ls""#, r#""id""#, 1);
        assert_eq!(
            parse_line(line.trim_end().as_bytes()).unwrap_err(),
            LineProblem::HashMismatch
        );
    }

    #[test]
    fn shrinking_cuts_long_strings_then_summarises() {
        let mut small = json!({"content": "x".repeat(5000), "path": "a"});
        assert!(truncate_long_strings(&mut small));
        let content = small["content"].as_str().unwrap();
        assert!(
            content.starts_with(&"x".repeat(1024)) && content.contains("truncated: 5000 bytes")
        );
        assert!(!truncate_long_strings(&mut small), "already short");
        let mut many = Value::Array((0..200).map(|i| json!(i)).collect());
        summarise(&mut many);
        assert_eq!(many["truncated"], json!(true));
        assert_eq!(
            cut_string("héllo", 2),
            format!(
                "h…[truncated: 6 bytes, sha256 {}]",
                &sha256_hex("héllo".as_bytes())[..16]
            )
        );
    }

    #[test]
    fn hex_round_trips() {
        let bytes = [0u8, 1, 0xab, 0xff];
        assert_eq!(hex(&bytes), "0001abff");
        assert_eq!(unhex::<4>("0001abff"), Some(bytes));
        assert_eq!(unhex::<4>("0001abfg"), None);
        assert_eq!(unhex::<4>("0001ab"), None);
    }
}
