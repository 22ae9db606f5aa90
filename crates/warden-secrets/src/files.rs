//! Scanning paths: a gitignore-aware walk, files scanned in parallel, each streamed in
//! line-aligned chunks so memory stays bounded whatever the file size.

use std::io::Read;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::archive;
use crate::engine::Scanner;
use crate::error::Error;
use crate::finding::Finding;
use crate::options::{Progress, ScanOptions, Suppressor};
use crate::report::{Located, Note, Report};

/// Smallest chunk honoured (see [`ScanOptions::chunk_bytes`]).
const MIN_CHUNK: usize = 4 * 1024;
/// Bytes of the previous chunk scanned again with the next one, so that a multi-line secret
/// (a private key block) cut by a chunk boundary is still seen whole; at most a quarter of
/// the chunk.
const OVERLAP: usize = 64 * 1024;
/// Bytes looked at to decide whether a file is binary.
const BINARY_SNIFF: usize = 8 * 1024;

/// Lockfiles whose integrity hashes look like secrets to entropy-based rules.
const LOCKFILES: &[&str] = &[
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "bun.lock",
    "Cargo.lock",
    "poetry.lock",
    "Pipfile.lock",
    "uv.lock",
    "pdm.lock",
    "composer.lock",
    "Gemfile.lock",
    "go.sum",
    "flake.lock",
    "mix.lock",
    "packages.lock.json",
    "Podfile.lock",
    "pubspec.lock",
    "gradle.lockfile",
    "deno.lock",
    "MODULE.bazel.lock",
];

/// Markers of a lockfile's integrity-hash line.
const HASH_MARKERS: &[&[u8]] = &[
    b"integrity",
    b"checksum",
    b"sha512-",
    b"sha384-",
    b"sha256",
    b"sha1-",
    b"\"hash\"",
    b"hash =",
    b"h1:",
    b"narHash",
    b"content-hash",
];

/// Scan files and directories. Directories are walked honouring `.gitignore`, `.ignore` and
/// `.git/info/exclude`; hidden files are scanned; `.git` directories are not. With no roots,
/// the current directory is scanned and paths are reported without a `./` prefix.
///
/// A root that does not exist is an error; a file that cannot be read is a [`Note`].
pub fn scan_paths(
    scanner: &Scanner,
    roots: &[PathBuf],
    options: &ScanOptions,
) -> Result<Report, Error> {
    let suppressor = Suppressor::new(options)?;
    scanner.prepare_bulk();
    let implicit = roots.is_empty();
    let roots: Vec<PathBuf> = if implicit {
        vec![PathBuf::from(".")]
    } else {
        roots.to_vec()
    };
    for root in &roots {
        std::fs::symlink_metadata(root).map_err(|e| Error::io(root, e))?;
    }
    let mut report = Report::default();
    let items = walk(&roots, implicit, options, &mut report);
    let ctx = FileScan {
        scanner,
        options,
        suppressor: &suppressor,
    };
    let scan_all = || {
        items
            .par_iter()
            .map(|item| ctx.scan_file(&item.path, &item.display, item.explicit))
            .reduce(Report::default, |mut a, b| {
                a.merge(b);
                a
            })
    };
    let scanned = if options.threads > 0 {
        match rayon::ThreadPoolBuilder::new()
            .num_threads(options.threads)
            .build()
        {
            Ok(pool) => pool.install(scan_all),
            Err(_) => scan_all(),
        }
    } else {
        scan_all()
    };
    report.merge(scanned);
    suppressor.apply(&mut report);
    report.sort();
    Ok(report)
}

struct Item {
    path: PathBuf,
    display: String,
    explicit: bool,
}

fn walk(
    roots: &[PathBuf],
    implicit: bool,
    options: &ScanOptions,
    report: &mut Report,
) -> Vec<Item> {
    let mut builder = ignore::WalkBuilder::new(&roots[0]);
    for root in &roots[1..] {
        builder.add(root);
    }
    builder
        .hidden(false)
        .ignore(true)
        .git_ignore(true)
        .git_exclude(true)
        .git_global(false)
        .require_git(false)
        .parents(true)
        .follow_links(options.follow_symlinks)
        .filter_entry(|entry| {
            !(entry.file_name() == ".git" && entry.file_type().is_some_and(|t| t.is_dir()))
        });
    let mut items = Vec::new();
    for entry in builder.build() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                report.notes.push(Note {
                    path: None,
                    message: walk_error_message(&err),
                });
                continue;
            }
        };
        let display = display_path(entry.path(), implicit);
        if entry.path_is_symlink() && !options.follow_symlinks {
            report.stats.skipped_symlinks += 1;
            if entry.depth() == 0 {
                report.notes.push(Note::new(
                    display,
                    "symbolic link not followed (use --follow-symlinks)",
                ));
            }
            continue;
        }
        let Some(file_type) = entry.file_type() else {
            continue;
        };
        if !file_type.is_file() {
            if entry.depth() == 0 && !file_type.is_dir() {
                report
                    .notes
                    .push(Note::new(display, "not a regular file; skipped"));
            }
            continue;
        }
        items.push(Item {
            path: entry.into_path(),
            display,
            explicit: false,
        });
        if let Some(last) = items.last_mut() {
            last.explicit = roots.iter().any(|r| r == &last.path);
        }
    }
    Progress::add_total(options.progress.as_ref(), items.len() as u64);
    items
}

fn walk_error_message(err: &ignore::Error) -> String {
    match err {
        ignore::Error::Loop { ancestor, child } => format!(
            "symbolic link loop: {} points back to {}; not followed",
            child.display(),
            ancestor.display()
        ),
        other => other.to_string(),
    }
}

/// The path as the person gave it: relative stays relative; an implicit `.` root is dropped.
fn display_path(path: &Path, implicit: bool) -> String {
    let text = path.to_string_lossy();
    if implicit {
        text.strip_prefix("./").unwrap_or(&text).to_owned()
    } else {
        text.into_owned()
    }
}

/// The last path component of a display path (inside archives too).
fn file_name(display: &str) -> &str {
    display.rsplit(['/', '!', '\\']).next().unwrap_or(display)
}

pub(crate) struct FileScan<'a> {
    pub(crate) scanner: &'a Scanner,
    pub(crate) options: &'a ScanOptions,
    pub(crate) suppressor: &'a Suppressor,
}

impl FileScan<'_> {
    fn scan_file(&self, path: &Path, display: &str, explicit: bool) -> Report {
        let mut report = Report::default();
        if self.suppressor.path_allowed(display) {
            report.stats.skipped_other += 1;
            return report;
        }
        let file = match std::fs::File::open(path) {
            Ok(file) => file,
            Err(err) => {
                report
                    .notes
                    .push(Note::new(display, format!("cannot read: {err}")));
                return report;
            }
        };
        if let Some(max) = self.options.max_file_bytes
            && let Ok(meta) = file.metadata()
            && meta.len() > max
        {
            report.stats.skipped_other += 1;
            report.notes.push(Note::new(
                display,
                format!("skipped: {} bytes, over the {max}-byte limit", meta.len()),
            ));
            return report;
        }
        if self.options.archives
            && let Some(kind) = archive::kind(file_name(display))
        {
            let out = archive::scan_file(self, kind, file, display);
            Progress::add(self.options.progress.as_ref(), 1, out.stats.bytes);
            return out;
        }
        let mut file = file;
        let out = self.scan_stream(&mut file, display, explicit);
        Progress::add(self.options.progress.as_ref(), 1, out.stats.bytes);
        out
    }

    /// Whether [`FileScan::scan_stream`] would read a stream named `display` that starts with
    /// `head` as text, rather than skip it as binary or as a minified bundle.
    pub(crate) fn reads_as_text(&self, display: &str, head: &[u8]) -> bool {
        let name = file_name(display);
        memchr::memchr(0, &head[..head.len().min(BINARY_SNIFF)]).is_none()
            && !(self.options.skip_minified
                && (minified_by_name(name) || minified_by_shape(name, head)))
    }

    /// The secrets in `text`, whole lines of a stream named `display`, filtered as
    /// [`FileScan::scan_stream`] filters them (no lockfile integrity-hash lines).
    pub(crate) fn scan_lines(&self, text: &[u8], display: &str) -> Vec<Finding> {
        let lockfile = self.options.skip_lockfile_hashes && LOCKFILES.contains(&file_name(display));
        let mut findings = self.scanner.scan_bytes(text);
        if lockfile {
            findings.retain(|f| !on_hash_line(text, f.byte_range.start));
        }
        findings
    }

    /// Scan one stream (a file or an archive entry) in chunks.
    pub(crate) fn scan_stream(
        &self,
        reader: &mut dyn Read,
        display: &str,
        explicit: bool,
    ) -> Report {
        let mut report = Report::default();
        let name = file_name(display);
        let lockfile = self.options.skip_lockfile_hashes && LOCKFILES.contains(&name);
        if self.options.skip_minified && minified_by_name(name) {
            report.stats.skipped_minified += 1;
            if explicit {
                report
                    .notes
                    .push(Note::new(display, "minified bundle skipped"));
            }
            return report;
        }
        let chunk_size = self.options.chunk_bytes.max(MIN_CHUNK);
        let overlap = OVERLAP.min(chunk_size / 4);
        let mut buf: Vec<u8> = Vec::new();
        // Absolute offset of buf[0], lines before it, and the end of what earlier chunks
        // already reported.
        let (mut base, mut line_base, mut reported_to) = (0usize, 0usize, 0usize);
        let mut first = true;
        loop {
            let eof = match fill(reader, &mut buf, chunk_size) {
                Ok(eof) => eof,
                Err(err) => {
                    report.notes.push(Note::new(
                        display,
                        format!("read error after {base} bytes: {err}"),
                    ));
                    true
                }
            };
            if first {
                first = false;
                let sniff = &buf[..buf.len().min(BINARY_SNIFF)];
                if memchr::memchr(0, sniff).is_some() {
                    report.stats.skipped_binary += 1;
                    if explicit {
                        report.notes.push(Note::new(display, "binary file skipped"));
                    }
                    return report;
                }
                if self.options.skip_minified && minified_by_shape(name, &buf) {
                    report.stats.skipped_minified += 1;
                    if explicit {
                        report
                            .notes
                            .push(Note::new(display, "minified bundle skipped"));
                    }
                    return report;
                }
                report.stats.files += 1;
            }
            let cut = if eof {
                buf.len()
            } else {
                memchr::memrchr(b'\n', &buf).map_or(buf.len(), |p| p + 1)
            };
            let chunk = &buf[..cut];
            for mut finding in self.scanner.scan_bytes(chunk) {
                let end = base + finding.byte_range.end;
                if end <= reported_to {
                    continue;
                }
                if lockfile && on_hash_line(chunk, finding.byte_range.start) {
                    continue;
                }
                finding.byte_range = base + finding.byte_range.start..end;
                finding.line += line_base;
                finding.end_line += line_base;
                report.findings.push(Located {
                    path: display.to_owned(),
                    commit: None,
                    finding,
                });
            }
            if eof {
                report.stats.bytes += (base + buf.len()).saturating_sub(reported_to) as u64;
                break;
            }
            report.stats.bytes += (base + cut).saturating_sub(reported_to) as u64;
            reported_to = base + cut;
            // Keep the last lines (up to OVERLAP bytes) before the cut for the next chunk.
            let floor = cut.saturating_sub(overlap);
            let keep_from = if floor == 0 {
                cut
            } else {
                memchr::memchr(b'\n', &buf[floor..cut]).map_or(floor, |p| floor + p + 1)
            };
            line_base += memchr::memchr_iter(b'\n', &buf[..keep_from]).count();
            base += keep_from;
            buf.drain(..keep_from);
        }
        report
    }
}

/// Read until `buf` holds `want` bytes or the reader ends. Returns whether it ended.
fn fill(reader: &mut dyn Read, buf: &mut Vec<u8>, want: usize) -> std::io::Result<bool> {
    while buf.len() < want {
        let before = buf.len();
        let limit = (want - before) as u64;
        match (&mut *reader).take(limit).read_to_end(buf) {
            Ok(0) => return Ok(true),
            Ok(_) => {}
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    Ok(false)
}

fn on_hash_line(text: &[u8], at: usize) -> bool {
    let start = memchr::memrchr(b'\n', &text[..at]).map_or(0, |p| p + 1);
    let end = memchr::memchr(b'\n', &text[at..]).map_or(text.len(), |p| at + p);
    let line = &text[start..end];
    HASH_MARKERS
        .iter()
        .any(|m| memchr::memmem::find(line, m).is_some())
}

fn is_script_or_style(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".js", ".mjs", ".cjs", ".css", ".map"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

fn minified_by_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    is_script_or_style(&lower)
        && (lower.contains(".min.")
            || lower.contains("-min.")
            || lower.contains(".bundle.")
            || lower.ends_with(".js.map")
            || lower.ends_with(".css.map"))
}

/// A script or stylesheet whose first 64 KB hold almost no line breaks.
fn minified_by_shape(name: &str, head: &[u8]) -> bool {
    if !is_script_or_style(name) {
        return false;
    }
    let head = &head[..head.len().min(64 * 1024)];
    head.len() >= 16 * 1024 && memchr::memchr_iter(b'\n', head).count() < head.len() / 2000
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minified_detection() {
        for (name, minified) in [
            ("app.min.js", true),
            ("app.js.map", true),
            ("vendor.bundle.js", true),
            ("style-min.css", true),
            ("app.js", false),
            ("min.py", false),
            ("notes.min.txt", false),
        ] {
            assert_eq!(minified_by_name(name), minified, "{name}");
        }
        let long_line = "a".repeat(20_000);
        assert!(minified_by_shape("app.js", long_line.as_bytes()));
        assert!(!minified_by_shape("app.py", long_line.as_bytes()));
        let normal = "let x = 1;\n".repeat(2_000);
        assert!(!minified_by_shape("app.js", normal.as_bytes()));
    }

    #[test]
    fn hash_lines() {
        let text = b"a\n  integrity sha512-abc\nb\n";
        assert!(on_hash_line(text, 5));
        assert!(!on_hash_line(text, 0));
        assert!(!on_hash_line(text, 26));
    }

    #[test]
    fn display_paths() {
        assert_eq!(display_path(Path::new("./a/b.txt"), true), "a/b.txt");
        assert_eq!(display_path(Path::new("./a/b.txt"), false), "./a/b.txt");
        assert_eq!(display_path(Path::new("src/a"), false), "src/a");
        assert_eq!(file_name("x.zip!dir/a.min.js"), "a.min.js");
        assert_eq!(file_name("x.zip!a.txt"), "a.txt");
    }
}
