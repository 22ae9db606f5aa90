//! What a scan looks at and which findings it keeps: [`ScanOptions`] (raw, filled from the
//! command line and the policy) and the compiled [`Suppressor`].

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

use crate::baseline::Baseline;
use crate::error::Error;
use crate::report::{Located, Report};

/// Options shared by every scan target.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Gitignore-style globs of paths whose findings are dropped (`tests/fixtures/**`,
    /// `*.snap`). A glob without `/` matches a file name at any depth.
    pub path_allowlist: Vec<String>,
    /// Rule ids (`SEC012`) or names (`generic-password-assignment`) whose findings are dropped.
    pub rule_allowlist: Vec<String>,
    /// Honour inline `warden:allow` / `gitleaks:allow` comments.
    pub honor_inline_allow: bool,
    /// Findings already accepted (by path and fingerprint).
    pub baseline: Option<Baseline>,
    /// Skip minified bundles (`*.min.js`, very long lines in JS/CSS).
    pub skip_minified: bool,
    /// Drop findings on the integrity-hash lines of lockfiles.
    pub skip_lockfile_hashes: bool,
    /// Follow symbolic links while walking (loops are detected and noted).
    pub follow_symlinks: bool,
    /// Open zip, tar and gzip archives.
    pub archives: bool,
    /// Decompressed bytes read from one archive, nested archives included.
    pub max_archive_bytes: u64,
    /// Skip files larger than this many bytes (`None`: stream files of any size).
    pub max_file_bytes: Option<u64>,
    /// Bytes of a file scanned at once; larger files are streamed in line-aligned chunks of
    /// this size (memory per worker stays near this bound).
    pub chunk_bytes: usize,
    /// Worker threads (0: one per core).
    pub threads: usize,
    /// Counters a caller may poll to draw a progress bar.
    pub progress: Option<Arc<Progress>>,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            path_allowlist: Vec::new(),
            rule_allowlist: Vec::new(),
            honor_inline_allow: true,
            baseline: None,
            skip_minified: true,
            skip_lockfile_hashes: true,
            follow_symlinks: false,
            archives: true,
            max_archive_bytes: 256 * 1024 * 1024,
            max_file_bytes: None,
            chunk_bytes: 8 * 1024 * 1024,
            threads: 0,
            progress: None,
        }
    }
}

/// Live counters of a running scan.
#[derive(Debug, Default)]
pub struct Progress {
    /// Files (or blobs) finished.
    pub items: AtomicU64,
    /// Bytes read.
    pub bytes: AtomicU64,
    /// Items known so far (grows while walking).
    pub total: AtomicU64,
}

impl Progress {
    pub(crate) fn add(progress: Option<&Arc<Progress>>, items: u64, bytes: u64) {
        if let Some(p) = progress {
            p.items.fetch_add(items, Ordering::Relaxed);
            p.bytes.fetch_add(bytes, Ordering::Relaxed);
        }
    }

    pub(crate) fn add_total(progress: Option<&Arc<Progress>>, n: u64) {
        if let Some(p) = progress {
            p.total.fetch_add(n, Ordering::Relaxed);
        }
    }
}

/// The compiled suppression rules of a [`ScanOptions`].
#[derive(Debug)]
pub(crate) struct Suppressor {
    paths: GlobSet,
    rules: Vec<String>,
    inline: bool,
    baseline: Option<Baseline>,
}

impl Suppressor {
    pub(crate) fn new(options: &ScanOptions) -> Result<Suppressor, Error> {
        let mut builder = GlobSetBuilder::new();
        for raw in &options.path_allowlist {
            let trimmed = raw.trim_start_matches("./");
            let mut patterns = vec![trimmed.trim_start_matches('/').to_owned()];
            if !trimmed.contains('/') {
                patterns.push(format!("**/{trimmed}"));
            }
            if let Some(dir) = trimmed.strip_suffix('/') {
                patterns = vec![format!("{dir}/**"), format!("**/{dir}/**")];
            }
            for pattern in patterns {
                let glob = GlobBuilder::new(&pattern)
                    .literal_separator(true)
                    .build()
                    .map_err(|e| Error::Glob {
                        glob: raw.clone(),
                        message: e.kind().to_string(),
                    })?;
                builder.add(glob);
            }
        }
        let paths = builder.build().map_err(|e| Error::Glob {
            glob: options.path_allowlist.join(", "),
            message: e.to_string(),
        })?;
        Ok(Suppressor {
            paths,
            rules: options.rule_allowlist.clone(),
            inline: options.honor_inline_allow,
            baseline: options.baseline.clone(),
        })
    }

    /// Whether findings in this path are all dropped (so the file need not be read).
    pub(crate) fn path_allowed(&self, path: &str) -> bool {
        if self.paths.is_empty() {
            return false;
        }
        let normalized = path.trim_start_matches("./");
        if self.paths.is_match(normalized) {
            return true;
        }
        // Inside an archive: `a.zip!inner/path` is allowed when the archive is.
        normalized
            .split_once('!')
            .is_some_and(|(outer, _)| self.paths.is_match(outer))
    }

    fn rule_allowed(&self, id: &str, name: &str) -> bool {
        self.rules
            .iter()
            .any(|r| r.eq_ignore_ascii_case(id) || r == name)
    }

    /// Drop suppressed findings from a report, counting each kind.
    pub(crate) fn apply(&self, report: &mut Report) {
        let stats = &mut report.stats;
        report.findings.retain(|located: &Located| {
            let f = &located.finding;
            if self.inline && f.inline_allowed {
                stats.suppressed_inline += 1;
                return false;
            }
            if self.rule_allowed(f.rule_id, f.rule_name) || self.path_allowed(&located.path) {
                stats.suppressed_allowlist += 1;
                return false;
            }
            if let Some(baseline) = &self.baseline
                && baseline.contains(&located.path, &f.fingerprint)
            {
                stats.suppressed_baseline += 1;
                return false;
            }
            true
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_globs_are_gitignore_like() {
        let options = ScanOptions {
            path_allowlist: vec![
                "*.snap".into(),
                "tests/fixtures/".into(),
                "/docs/*.md".into(),
            ],
            ..ScanOptions::default()
        };
        let s = Suppressor::new(&options).unwrap();
        for (path, allowed) in [
            ("a.snap", true),
            ("src/deep/a.snap", true),
            ("./src/a.snap", true),
            ("tests/fixtures/keys.pem", true),
            ("crate/tests/fixtures/x/y", true),
            ("docs/intro.md", true),
            ("docs/deep/intro.md", false),
            ("src/main.rs", false),
            ("bundle.zip!a.snap", true),
        ] {
            assert_eq!(s.path_allowed(path), allowed, "{path}");
        }
    }

    #[test]
    fn bad_glob_is_an_error() {
        let options = ScanOptions {
            path_allowlist: vec!["a[".into()],
            ..ScanOptions::default()
        };
        assert!(matches!(Suppressor::new(&options), Err(Error::Glob { .. })));
    }
}
