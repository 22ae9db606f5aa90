//! Opening zip, tar and gzip archives, bounded: a budget of decompressed bytes and of entries
//! per archive, and a nesting limit, so an archive bomb costs a note, not the machine.

use std::io::{Cursor, Read, Seek};

use crate::files::FileScan;
use crate::report::{Note, Report};

/// Entries looked at per archive.
const MAX_ENTRIES: usize = 10_000;
/// Archives inside archives, opened this deep.
const MAX_DEPTH: u8 = 2;
/// A nested zip is read into memory (zip needs to seek); at most this much.
const MAX_NESTED_ZIP: u64 = 64 * 1024 * 1024;

/// The archive formats opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Zip,
    Tar,
    TarGz,
    Gz,
}

/// The archive kind of a file name, by extension.
pub(crate) fn kind(name: &str) -> Option<Kind> {
    let lower = name.to_ascii_lowercase();
    let ends = |exts: &[&str]| exts.iter().any(|e| lower.ends_with(e));
    if ends(&[".tar.gz", ".tgz"]) {
        Some(Kind::TarGz)
    } else if ends(&[".gz"]) {
        Some(Kind::Gz)
    } else if ends(&[".tar"]) {
        Some(Kind::Tar)
    } else if ends(&[
        ".zip", ".jar", ".war", ".ear", ".whl", ".nupkg", ".apk", ".aar", ".vsix",
    ]) {
        Some(Kind::Zip)
    } else {
        None
    }
}

struct Walk<'s, 'a> {
    scan: &'s FileScan<'a>,
    budget: u64,
    entries: usize,
    report: Report,
    truncated: bool,
}

/// Scan a top-level archive file.
pub(crate) fn scan_file(
    scan: &FileScan<'_>,
    kind: Kind,
    file: std::fs::File,
    display: &str,
) -> Report {
    scan_archive(scan, kind, file, display)
}

/// Scan an archive held in memory (a git blob), with the same limits as a file.
pub(crate) fn scan_bytes(scan: &FileScan<'_>, kind: Kind, data: &[u8], display: &str) -> Report {
    scan_archive(scan, kind, Cursor::new(data), display)
}

fn scan_archive<R: Read + Seek>(
    scan: &FileScan<'_>,
    kind: Kind,
    reader: R,
    display: &str,
) -> Report {
    let mut walk = Walk {
        scan,
        budget: scan.options.max_archive_bytes,
        entries: 0,
        report: Report::default(),
        truncated: false,
    };
    match kind {
        Kind::Zip => walk.zip(reader, display, 0),
        other => walk.stream(other, Box::new(reader), display, 0),
    }
    if walk.truncated {
        walk.report.notes.push(Note::new(
            display,
            format!(
                "archive only partly scanned: limits are {} decompressed bytes, \
                 {MAX_ENTRIES} entries and {MAX_DEPTH} levels of nesting",
                scan.options.max_archive_bytes
            ),
        ));
    }
    walk.report
}

impl Walk<'_, '_> {
    fn zip<R: Read + Seek>(&mut self, reader: R, display: &str, depth: u8) {
        let mut archive = match zip::ZipArchive::new(reader) {
            Ok(archive) => archive,
            Err(err) => {
                self.report.notes.push(Note::new(
                    display,
                    format!("cannot open zip archive: {err}"),
                ));
                return;
            }
        };
        for index in 0..archive.len() {
            if self.exhausted() {
                return;
            }
            let mut entry = match archive.by_index(index) {
                Ok(entry) => entry,
                Err(err) => {
                    self.report.notes.push(Note::new(
                        display,
                        format!("cannot read zip entry {index}: {err}"),
                    ));
                    continue;
                }
            };
            if entry.is_dir() {
                continue;
            }
            self.entries += 1;
            let inner = format!("{display}!{}", entry.name());
            if entry.encrypted() {
                self.report
                    .notes
                    .push(Note::new(inner, "encrypted archive entry not scanned"));
                continue;
            }
            self.entry(&mut entry, &inner, depth);
        }
    }

    fn stream(&mut self, kind: Kind, reader: Box<dyn Read + '_>, display: &str, depth: u8) {
        match kind {
            Kind::Gz => {
                let inner = display
                    .strip_suffix(".gz")
                    .or_else(|| display.strip_suffix(".GZ"))
                    .unwrap_or(display)
                    .to_owned();
                let mut decoder = flate2::read::MultiGzDecoder::new(reader);
                self.entries += 1;
                self.entry(&mut decoder, &inner, depth);
            }
            Kind::TarGz => {
                let decoder = flate2::read::MultiGzDecoder::new(reader);
                self.tar(Box::new(decoder), display, depth);
            }
            Kind::Tar => self.tar(reader, display, depth),
            Kind::Zip => {
                // A zip read from a stream must be buffered to be seekable.
                let mut data = Vec::new();
                let limit = self.budget.min(MAX_NESTED_ZIP);
                match reader.take(limit + 1).read_to_end(&mut data) {
                    Ok(_) if data.len() as u64 > limit => self.truncated = true,
                    Ok(_) => {
                        self.budget = self.budget.saturating_sub(data.len() as u64);
                        self.zip(Cursor::new(data), display, depth);
                    }
                    Err(err) => self
                        .report
                        .notes
                        .push(Note::new(display, format!("cannot read nested zip: {err}"))),
                }
            }
        }
    }

    fn tar(&mut self, reader: Box<dyn Read + '_>, display: &str, depth: u8) {
        let mut archive = tar::Archive::new(reader);
        let entries = match archive.entries() {
            Ok(entries) => entries,
            Err(err) => {
                self.report.notes.push(Note::new(
                    display,
                    format!("cannot open tar archive: {err}"),
                ));
                return;
            }
        };
        for entry in entries {
            if self.exhausted() {
                return;
            }
            let mut entry = match entry {
                Ok(entry) => entry,
                Err(err) => {
                    self.report
                        .notes
                        .push(Note::new(display, format!("corrupt tar archive: {err}")));
                    return;
                }
            };
            if !entry.header().entry_type().is_file() {
                continue;
            }
            self.entries += 1;
            let name = entry
                .path()
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or_else(|_| "?".to_owned());
            let inner = format!("{display}!{name}");
            self.entry(&mut entry, &inner, depth);
        }
    }

    /// One member: a nested archive (opened while depth allows) or a file to scan.
    fn entry(&mut self, reader: &mut dyn Read, inner: &str, depth: u8) {
        let name = inner.rsplit(['/', '!']).next().unwrap_or(inner);
        if let Some(kind) = kind(name) {
            if depth + 1 >= MAX_DEPTH {
                self.truncated = true;
                return;
            }
            self.stream(kind, Box::new(reader), inner, depth + 1);
            return;
        }
        if self.scan.suppressor.path_allowed(inner) {
            return;
        }
        let mut limited = Counting {
            inner: reader.take(self.budget),
            count: 0,
        };
        let out = self.scan.scan_stream(&mut limited, inner, false);
        // An entry that used the whole remaining budget was cut short.
        let read = limited.count;
        if read >= self.budget {
            self.truncated = true;
        }
        self.budget = self.budget.saturating_sub(read);
        self.report.merge(out);
    }

    fn exhausted(&mut self) -> bool {
        if self.budget == 0 || self.entries >= MAX_ENTRIES {
            self.truncated = true;
            return true;
        }
        false
    }
}

/// Counts the bytes read through it (decompressed bytes, for the budget).
struct Counting<R> {
    inner: R,
    count: u64,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_extension() {
        for (name, expected) in [
            ("a.zip", Some(Kind::Zip)),
            ("A.JAR", Some(Kind::Zip)),
            ("a.tar", Some(Kind::Tar)),
            ("a.tar.gz", Some(Kind::TarGz)),
            ("a.tgz", Some(Kind::TarGz)),
            ("a.json.gz", Some(Kind::Gz)),
            ("a.txt", None),
            ("zip", None),
        ] {
            assert_eq!(kind(name), expected, "{name}");
        }
    }
}
