//! Baselines: findings a team has accepted, by path and fingerprint, so they survive line
//! moves and edits elsewhere in the file.
//!
//! The file is JSON: `{"version": 1, "findings": [{"path": P, "fingerprint": F, "rule": ID,
//! "line": N}]}`; `rule` and `line` are informative. A baseline never holds a secret.

use std::collections::BTreeSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::report::Report;

/// Largest baseline file read.
const MAX_BASELINE_BYTES: u64 = 64 * 1024 * 1024;

/// Accepted findings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Baseline {
    entries: BTreeSet<(String, String)>,
    /// Informative fields kept for rewriting the file.
    details: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Entry {
    path: String,
    fingerprint: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    rule: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
}

#[derive(Debug, Serialize, Deserialize)]
struct File {
    version: u32,
    findings: Vec<Entry>,
}

impl Baseline {
    /// Read a baseline file.
    pub fn load(path: &Path) -> Result<Baseline, Error> {
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        if meta.len() > MAX_BASELINE_BYTES {
            return Err(Error::Baseline {
                path: path.to_owned(),
                message: format!("larger than {MAX_BASELINE_BYTES} bytes"),
            });
        }
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let file: File = serde_json::from_str(&text).map_err(|e| Error::Baseline {
            path: path.to_owned(),
            message: e.to_string(),
        })?;
        if file.version != 1 {
            return Err(Error::Baseline {
                path: path.to_owned(),
                message: format!("unsupported version {}", file.version),
            });
        }
        Ok(Baseline::from_entries(file.findings))
    }

    fn from_entries(details: Vec<Entry>) -> Baseline {
        let entries = details
            .iter()
            .map(|e| (normalize(&e.path), e.fingerprint.clone()))
            .collect();
        Baseline { entries, details }
    }

    /// A baseline accepting every finding of `report`.
    pub fn from_report(report: &Report) -> Baseline {
        let mut details: Vec<Entry> = report
            .findings
            .iter()
            .map(|l| Entry {
                path: l.path.clone(),
                fingerprint: l.finding.fingerprint.clone(),
                rule: Some(l.finding.rule_id.to_owned()),
                line: Some(l.finding.line),
            })
            .collect();
        details.sort_by(|a, b| {
            (&a.path, &a.fingerprint, a.line).cmp(&(&b.path, &b.fingerprint, b.line))
        });
        details.dedup_by(|a, b| a.path == b.path && a.fingerprint == b.fingerprint);
        Baseline::from_entries(details)
    }

    /// Write the baseline as pretty JSON (atomically: a temporary file, then a rename).
    pub fn save(&self, path: &Path) -> Result<(), Error> {
        let file = File {
            version: 1,
            findings: self.details.clone(),
        };
        let mut text = serde_json::to_string_pretty(&file).map_err(|e| Error::Baseline {
            path: path.to_owned(),
            message: e.to_string(),
        })?;
        text.push('\n');
        let tmp = path.with_extension("warden-tmp");
        std::fs::write(&tmp, text).map_err(|e| Error::io(&tmp, e))?;
        std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
    }

    /// Whether the finding with this fingerprint at this path is accepted.
    pub fn contains(&self, path: &str, fingerprint: &str) -> bool {
        self.entries
            .contains(&(normalize(path), fingerprint.to_owned()))
    }

    /// Number of accepted findings.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no finding is accepted.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

fn normalize(path: &str) -> String {
    path.trim_start_matches("./").replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_lookup() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("baseline.json");
        let baseline = Baseline::from_entries(vec![Entry {
            path: "./src/a.rs".into(),
            fingerprint: "0123456789abcdef".into(),
            rule: Some("SEC001".into()),
            line: Some(3),
        }]);
        baseline.save(&path).unwrap();
        let loaded = Baseline::load(&path).unwrap();
        assert_eq!(loaded, baseline);
        assert!(loaded.contains("src/a.rs", "0123456789abcdef"));
        assert!(!loaded.contains("src/b.rs", "0123456789abcdef"));
        assert!(!loaded.contains("src/a.rs", "fedcba9876543210"));
        assert_eq!(loaded.len(), 1);
    }

    #[test]
    fn malformed_files_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.json");
        for text in [
            "",
            "{",
            r#"{"version": 2, "findings": []}"#,
            r#"{"findings": 1}"#,
        ] {
            std::fs::write(&path, text).unwrap();
            assert!(
                matches!(Baseline::load(&path), Err(Error::Baseline { .. })),
                "{text}"
            );
        }
        assert!(matches!(
            Baseline::load(&dir.path().join("missing.json")),
            Err(Error::Io { .. })
        ));
    }
}
