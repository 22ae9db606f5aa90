//! Archives committed to a repository are opened by the history scan, with the limits used for
//! archive files: secrets inside are reported at the commit that introduced them, under the
//! path the file walker uses (`bundle.zip!inner/file`), and a bomb costs a note, not a hang.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;

use common::{commit_all as commit, git, write};

use warden_secrets::rules::{by_name, synth::synthesize};
use warden_secrets::{Report, ScanOptions, Scanner, scan_history};

/// A fake, format-valid secret of `rule` (one line).
fn fake(rule: &str, seed: u64) -> String {
    let text = synthesize(by_name(rule).unwrap().id, seed).unwrap();
    assert!(!Scanner::builtin().scan_text(&text).is_empty(), "{rule}");
    text.trim_end().to_owned()
}

fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        zip.start_file(*name, opts).unwrap();
        zip.write_all(data).unwrap();
    }
    zip.finish().unwrap();
    out.into_inner()
}

fn tar(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut tar = tar::Builder::new(Vec::new());
    for (name, data) in entries {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        tar.append_data(&mut header, name, *data).unwrap();
    }
    tar.into_inner().unwrap()
}

fn gz(data: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(data).unwrap();
    gz.finish().unwrap()
}

fn scan(dir: &Path, options: &ScanOptions) -> Report {
    scan_history(Scanner::builtin(), dir, None, options).unwrap()
}

/// (commit, path, line, rule) of every finding.
fn places(report: &Report) -> BTreeSet<(String, String, usize, String)> {
    report
        .findings
        .iter()
        .map(|f| {
            (
                f.commit.as_ref().unwrap().id.clone(),
                f.path.clone(),
                f.finding.line,
                f.finding.rule_name.to_owned(),
            )
        })
        .collect()
}

#[test]
fn secrets_in_committed_archives_are_reported_where_they_were_added() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q"]);
    write(root, "README.md", b"# project\n");
    commit(root, "start");

    let pat = fake("github-classic-pat", 11);
    let stripe = fake("stripe-secret-key", 12);
    let slack = fake("slack-bot-token", 13);
    let npm = fake("npm-access-token", 14);
    let env = format!("# settings\nTOKEN={pat}\n");
    let deep = format!("[app]\nname = demo\nkey = {stripe}\n");
    let inner = gz(&tar(&[("deep/app.env", deep.as_bytes())]));
    let bundle = zip(&[
        ("config/.env", env.as_bytes()),
        ("inner.tar.gz", &inner),
        ("docs/readme.txt", b"nothing here\n"),
    ]);
    write(root, "dist/bundle.zip", &bundle);
    write(
        root,
        "logs/app.log.gz",
        &gz(format!("start\nposting with {slack}\n").as_bytes()),
    );
    write(
        root,
        "backup/home.tar",
        &tar(&[(
            ".npmrc",
            format!("//registry.npmjs.org/:_authToken={npm}\n").as_bytes(),
        )]),
    );
    let added = commit(root, "add build outputs");

    // A new version of the zip with one more harmless entry: nothing new to report. The same
    // zip copied elsewhere is a new place for its secrets.
    let bundle2 = zip(&[
        ("config/.env", env.as_bytes()),
        ("inner.tar.gz", &inner),
        ("docs/readme.txt", b"nothing here\n"),
        ("docs/more.txt", b"still nothing\n"),
    ]);
    write(root, "dist/bundle.zip", &bundle2);
    write(root, "copy/bundle.zip", &bundle);
    let copied = commit(root, "rebuild");
    // Deleted later: still in history.
    for path in [
        "dist/bundle.zip",
        "copy/bundle.zip",
        "logs/app.log.gz",
        "backup/home.tar",
    ] {
        std::fs::remove_file(root.join(path)).unwrap();
    }
    commit(root, "clean up");

    let want: BTreeSet<(String, String, usize, String)> = [
        (
            &added,
            "dist/bundle.zip!config/.env",
            2,
            "github-classic-pat",
        ),
        (
            &added,
            "dist/bundle.zip!inner.tar.gz!deep/app.env",
            3,
            "stripe-secret-key",
        ),
        (&added, "logs/app.log", 2, "slack-bot-token"),
        (&added, "backup/home.tar!.npmrc", 1, "npm-access-token"),
        (
            &copied,
            "copy/bundle.zip!config/.env",
            2,
            "github-classic-pat",
        ),
        (
            &copied,
            "copy/bundle.zip!inner.tar.gz!deep/app.env",
            3,
            "stripe-secret-key",
        ),
    ]
    .into_iter()
    .map(|(c, p, l, r)| (c.clone(), p.to_owned(), l, r.to_owned()))
    .collect();

    let report = scan(root, &ScanOptions::default());
    assert_eq!(places(&report), want, "{:?}", report.findings);
    let first = &report.findings[0];
    let info = first.commit.as_ref().unwrap();
    assert_eq!(info.author, "Alice Example");
    assert_eq!(info.date, "2024-03-01T12:00:00Z");

    // The same from a pack.
    git(root, &["repack", "-q", "-a", "-d", "-f"]);
    assert_eq!(places(&scan(root, &ScanOptions::default())), want);

    // With archives off, none of them is opened.
    let closed = ScanOptions {
        archives: false,
        ..ScanOptions::default()
    };
    let report = scan(root, &closed);
    assert!(report.findings.is_empty(), "{:?}", report.findings);
}

#[test]
fn archive_bombs_in_history_are_cut_short_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q"]);
    let early = fake("github-classic-pat", 21);
    let late = fake("stripe-secret-key", 22);
    // 8 MiB of text compressing to a few KiB, a secret at each end; the budget is 1 MiB.
    let mut text = format!("{early}\n").into_bytes();
    let filler = "the same log line again and again, compressing very well\n";
    while text.len() < 8 * 1024 * 1024 {
        text.extend_from_slice(filler.as_bytes());
    }
    text.extend_from_slice(format!("{late}\n").as_bytes());
    let bomb = gz(&text);
    assert!(bomb.len() < 256 * 1024, "{} bytes", bomb.len());
    write(root, "data/huge.log.gz", &bomb);
    // Archives nested deeper than the limit.
    let mut nested = zip(&[("secret.txt", format!("{early}\n").as_bytes())]);
    for level in 0..6 {
        nested = zip(&[(&format!("level{level}.zip"), &nested)]);
    }
    write(root, "data/nested.zip", &nested);
    // Not an archive at all, though named like one.
    write(root, "data/broken.zip", b"PK\x03\x04 not really a zip");
    let added = commit(root, "add data");

    let options = ScanOptions {
        max_archive_bytes: 1024 * 1024,
        ..ScanOptions::default()
    };
    let report = scan(root, &options);
    let found: Vec<(&str, &str)> = report
        .findings
        .iter()
        .map(|f| (f.path.as_str(), f.finding.rule_name))
        .collect();
    assert_eq!(found, vec![("data/huge.log", "github-classic-pat")]);
    assert_eq!(report.findings[0].commit.as_ref().unwrap().id, added);
    for path in ["data/huge.log.gz", "data/nested.zip"] {
        assert!(
            report
                .notes
                .iter()
                .any(|n| n.path.as_deref() == Some(path) && n.message.contains("partly scanned")),
            "{path}: {:?}",
            report.notes
        );
    }
    assert!(
        report
            .notes
            .iter()
            .any(|n| n.path.as_deref() == Some("data/broken.zip")),
        "{:?}",
        report.notes
    );
}
