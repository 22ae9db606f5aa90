//! The result of a scan, and its machine formats: JSON and SARIF 2.1.0. (Text for people is
//! rendered by the CLI.)

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{Value, json};

use crate::finding::Finding;

/// The commit a history finding was introduced in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitInfo {
    /// Full hex object id.
    pub id: String,
    /// Author name.
    pub author: String,
    /// Author e-mail.
    pub email: String,
    /// Author date, RFC 3339 in UTC.
    pub date: String,
}

/// A finding with where it was found.
#[derive(Debug, Clone)]
pub struct Located {
    /// The path as the person gave it (`src/a.rs`), `archive.zip!inner/file` inside an
    /// archive, or the repository-relative path for staged, diff and history scans.
    pub path: String,
    /// For history scans: the commit that introduced it.
    pub commit: Option<Arc<CommitInfo>>,
    /// The finding itself (line and column are in the file at `path`).
    pub finding: Finding,
}

/// Something the person should know about a scan that did not stop it: an unreadable file, a
/// symlink loop, a truncated archive.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Note {
    /// The path concerned, if any.
    pub path: Option<String>,
    /// What happened, for people.
    pub message: String,
}

impl Note {
    pub(crate) fn new(path: impl Into<String>, message: impl Into<String>) -> Note {
        Note {
            path: Some(path.into()),
            message: message.into(),
        }
    }
}

/// Counters of what a scan read and skipped.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Stats {
    /// Files (or archive entries) scanned.
    pub files: u64,
    /// Bytes scanned.
    pub bytes: u64,
    /// Git commits walked.
    pub commits: u64,
    /// Unique git blobs scanned.
    pub blobs: u64,
    /// Binary files skipped.
    pub skipped_binary: u64,
    /// Minified bundles skipped.
    pub skipped_minified: u64,
    /// Symbolic links not followed.
    pub skipped_symlinks: u64,
    /// Files skipped for size, or allowlisted paths not read.
    pub skipped_other: u64,
    /// Findings dropped by inline `warden:allow` comments.
    pub suppressed_inline: u64,
    /// Findings dropped by path or rule allowlists.
    pub suppressed_allowlist: u64,
    /// Findings dropped because the baseline holds them.
    pub suppressed_baseline: u64,
}

impl Stats {
    pub(crate) fn merge(&mut self, other: &Stats) {
        self.files += other.files;
        self.bytes += other.bytes;
        self.commits += other.commits;
        self.blobs += other.blobs;
        self.skipped_binary += other.skipped_binary;
        self.skipped_minified += other.skipped_minified;
        self.skipped_symlinks += other.skipped_symlinks;
        self.skipped_other += other.skipped_other;
        self.suppressed_inline += other.suppressed_inline;
        self.suppressed_allowlist += other.suppressed_allowlist;
        self.suppressed_baseline += other.suppressed_baseline;
    }
}

/// Everything a scan found.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Findings, sorted by path, line, column.
    pub findings: Vec<Located>,
    /// Notes about inputs that could not be fully scanned.
    pub notes: Vec<Note>,
    /// Counters.
    pub stats: Stats,
}

impl Report {
    pub(crate) fn merge(&mut self, other: Report) {
        self.findings.extend(other.findings);
        self.notes.extend(other.notes);
        self.stats.merge(&other.stats);
    }

    pub(crate) fn sort(&mut self) {
        self.findings.sort_by(|a, b| {
            (&a.path, a.finding.line, a.finding.column, a.finding.rule_id)
                .cmp(&(&b.path, b.finding.line, b.finding.column, b.finding.rule_id))
                .then_with(|| {
                    let ad = a.commit.as_ref().map(|c| (c.date.as_str(), c.id.as_str()));
                    let bd = b.commit.as_ref().map(|c| (c.date.as_str(), c.id.as_str()));
                    ad.cmp(&bd)
                })
        });
        self.notes
            .sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
        self.notes.dedup();
    }

    /// The JSON form: `{"findings": [...], "notes": [...], "stats": {...}}`. Each finding has
    /// `rule`, `rule_name`, `description`, `provider`, `path`, `line`, `column`, `end_line`,
    /// `fingerprint`, `redacted`, and when known `encoding`, `commit`, `author`, `email`,
    /// `date`; `secret` only when `show_secrets`.
    pub fn to_json(&self, show_secrets: bool) -> Value {
        let findings: Vec<Value> = self
            .findings
            .iter()
            .map(|located| finding_json(located, show_secrets))
            .collect();
        json!({
            "findings": findings,
            "notes": self.notes,
            "stats": self.stats,
        })
    }

    /// The SARIF 2.1.0 log, one run, one reporting descriptor per rule that fired. The
    /// secret appears (in `properties.secret`) only when `show_secrets`.
    pub fn to_sarif(&self, show_secrets: bool) -> Value {
        let mut rule_index: BTreeMap<&str, usize> = BTreeMap::new();
        let mut rules: Vec<Value> = Vec::new();
        for located in &self.findings {
            let f = &located.finding;
            if !rule_index.contains_key(f.rule_id) {
                rule_index.insert(f.rule_id, rules.len());
                let rotation = crate::catalog::rules()
                    .iter()
                    .find(|r| r.id == f.rule_id)
                    .map_or("", |r| r.rotation);
                let help = if rotation.is_empty() {
                    format!(
                        "Revoke the {} credential and remove it from the code.",
                        f.provider
                    )
                } else {
                    rotation.to_owned()
                };
                rules.push(json!({
                    "id": f.rule_id,
                    "name": f.rule_name,
                    "shortDescription": {"text": format!("{} ({})", f.rule_name, f.provider)},
                    "fullDescription": {"text": f.description},
                    "help": {"text": help},
                    "defaultConfiguration": {"level": "error"},
                    "properties": {"tags": ["security", "secret"], "provider": f.provider},
                }));
            }
        }
        let results: Vec<Value> = self
            .findings
            .iter()
            .map(|located| {
                let f = &located.finding;
                let mut properties = serde_json::Map::new();
                properties.insert("redacted".into(), json!(f.redacted));
                if let Some(encoding) = f.encoding {
                    properties.insert("encoding".into(), json!(encoding.as_str()));
                }
                if let Some(commit) = &located.commit {
                    properties.insert("commit".into(), json!(commit.id));
                    properties.insert("author".into(), json!(commit.author));
                    properties.insert("date".into(), json!(commit.date));
                }
                if show_secrets {
                    properties.insert("secret".into(), json!(f.secret()));
                }
                let message = match &located.commit {
                    Some(c) => format!(
                        "{} found ({}), introduced in commit {}",
                        f.description,
                        f.redacted,
                        short_id(&c.id)
                    ),
                    None => format!("{} found ({})", f.description, f.redacted),
                };
                json!({
                    "ruleId": f.rule_id,
                    "ruleIndex": rule_index.get(f.rule_id).copied().unwrap_or(0),
                    "level": "error",
                    "kind": "fail",
                    "message": {"text": message},
                    "locations": [{
                        "physicalLocation": {
                            "artifactLocation": {"uri": path_to_uri(&located.path)},
                            "region": {
                                "startLine": f.line.max(1),
                                "startColumn": f.column.max(1),
                                "endLine": f.end_line.max(f.line).max(1),
                            },
                        },
                    }],
                    "partialFingerprints": {"wardenFingerprint/v1": f.fingerprint},
                    "properties": Value::Object(properties),
                })
            })
            .collect();
        // What could not be fully scanned travels as tool execution notifications, so code
        // scanning shows that the run was partial instead of silently clean.
        let notifications: Vec<Value> = self
            .notes
            .iter()
            .map(|note| {
                let mut notification = json!({
                    "level": "warning",
                    "message": {"text": note.message},
                });
                if let Some(path) = &note.path {
                    notification["locations"] = json!([{
                        "physicalLocation": {"artifactLocation": {"uri": path_to_uri(path)}},
                    }]);
                }
                notification
            })
            .collect();
        json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": {
                    "driver": {
                        "name": "warden",
                        "semanticVersion": env!("CARGO_PKG_VERSION"),
                        "rules": rules,
                    },
                },
                "invocations": [{
                    "executionSuccessful": true,
                    "toolExecutionNotifications": notifications,
                }],
                "columnKind": "unicodeCodePoints",
                "results": results,
            }],
        })
    }
}

fn finding_json(located: &Located, show_secrets: bool) -> Value {
    let f = &located.finding;
    let mut map = serde_json::Map::new();
    map.insert("rule".into(), json!(f.rule_id));
    map.insert("rule_name".into(), json!(f.rule_name));
    map.insert("description".into(), json!(f.description));
    map.insert("provider".into(), json!(f.provider));
    map.insert("path".into(), json!(located.path));
    map.insert("line".into(), json!(f.line));
    map.insert("column".into(), json!(f.column));
    map.insert("end_line".into(), json!(f.end_line));
    map.insert("fingerprint".into(), json!(f.fingerprint));
    map.insert("redacted".into(), json!(f.redacted));
    if let Some(encoding) = f.encoding {
        map.insert("encoding".into(), json!(encoding.as_str()));
    }
    if let Some(commit) = &located.commit {
        map.insert("commit".into(), json!(commit.id));
        map.insert("author".into(), json!(commit.author));
        map.insert("email".into(), json!(commit.email));
        map.insert("date".into(), json!(commit.date));
    }
    if show_secrets {
        map.insert("secret".into(), json!(f.secret()));
    }
    Value::Object(map)
}

/// The first 12 hex digits of a commit id.
pub fn short_id(id: &str) -> &str {
    id.get(..12).unwrap_or(id)
}

/// A SARIF `artifactLocation.uri` for a path: relative paths stay relative references,
/// absolute ones become `file://` URIs; bytes outside the unreserved set are percent-encoded,
/// and so is `:` in a relative path (`a:b.txt` would otherwise read as scheme `a`).
pub fn path_to_uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 8);
    let path = path.replace('\\', "/");
    let absolute = path.starts_with('/');
    if absolute {
        out.push_str("file://");
    }
    for byte in path.bytes() {
        let keep = byte.is_ascii_alphanumeric()
            || b"-._~/!$&'()*+,;=@".contains(&byte)
            || (byte == b':' && absolute);
        if keep {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(b"0123456789ABCDEF"[usize::from(byte >> 4)]));
            out.push(char::from(b"0123456789ABCDEF"[usize::from(byte & 0xf)]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris() {
        for (path, uri) in [
            ("src/a.rs", "src/a.rs"),
            ("/tmp/x y/a.rs", "file:///tmp/x%20y/a.rs"),
            ("a.zip!in/b.txt", "a.zip!in/b.txt"),
            ("dir/é.txt", "dir/%C3%A9.txt"),
            ("a#b?c%d", "a%23b%3Fc%25d"),
            ("a:b.txt", "a%3Ab.txt"),
            ("/srv/a:b.txt", "file:///srv/a:b.txt"),
        ] {
            assert_eq!(path_to_uri(path), uri);
        }
    }

    #[test]
    fn empty_report_forms() {
        let report = Report::default();
        let json = report.to_json(false);
        assert_eq!(json["findings"], json!([]));
        let sarif = report.to_sarif(false);
        assert_eq!(sarif["version"], "2.1.0");
        assert_eq!(sarif["runs"][0]["results"], json!([]));
        assert_eq!(sarif["runs"][0]["tool"]["driver"]["name"], "warden");
        assert_eq!(
            sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"],
            json!([])
        );
    }
}
