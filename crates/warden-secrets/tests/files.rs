//! Scanning trees of files: paths as given, `.gitignore`, hidden files, binaries, huge files
//! streamed in chunks, invalid UTF-8, unreadable files, symlink loops, archives, minified
//! bundles, lockfiles and baselines.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::{Path, PathBuf};

use warden_secrets::rules::{by_name, synth::synthesize};
use warden_secrets::{Baseline, Report, ScanOptions, Scanner, scan_paths};

fn fake(rule_name: &str, seed: u64) -> (String, String) {
    let rule = by_name(rule_name).unwrap();
    let text = synthesize(rule.id, seed).unwrap();
    let findings = Scanner::builtin().scan_text(&text);
    let finding = findings
        .iter()
        .find(|f| f.rule_id == rule.id)
        .unwrap_or_else(|| panic!("{rule_name}: synthesized text not found: {findings:?}"));
    (text, finding.secret().to_owned())
}

fn write(root: &Path, path: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, bytes).unwrap();
    path
}

fn scan(roots: &[PathBuf], options: &ScanOptions) -> Report {
    scan_paths(Scanner::builtin(), roots, options).unwrap()
}

fn places(report: &Report) -> Vec<(String, usize)> {
    report
        .findings
        .iter()
        .map(|f| (f.path.clone(), f.finding.line))
        .collect()
}

#[test]
fn paths_stay_as_given_and_ignores_are_honoured() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let (pat, _) = fake("github-classic-pat", 1);
    write(root, "src/a/b.txt", format!("x\n{pat}\n"));
    write(root, ".env", format!("{pat}\n"));
    write(root, "ignored.txt", format!("{pat}\n"));
    write(root, "build/out.txt", format!("{pat}\n"));
    write(root, ".gitignore", "ignored.txt\nbuild/\n");
    write(root, ".git/config", format!("{pat}\n"));

    let src = root.join("src");
    let report = scan(std::slice::from_ref(&src), &ScanOptions::default());
    let expected = format!("{}/a/b.txt", src.display());
    assert_eq!(places(&report), vec![(expected, 2)]);

    let report = scan(&[root.to_path_buf()], &ScanOptions::default());
    let mut found: Vec<String> = report
        .findings
        .iter()
        .map(|f| {
            f.path
                .strip_prefix(&format!("{}/", root.display()))
                .unwrap()
                .to_owned()
        })
        .collect();
    found.sort();
    assert_eq!(found, vec![".env", "src/a/b.txt"]);

    // An ignored file named explicitly is scanned.
    let report = scan(&[root.join("ignored.txt")], &ScanOptions::default());
    assert_eq!(report.findings.len(), 1);
}

#[test]
fn missing_root_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let result = scan_paths(
        Scanner::builtin(),
        &[dir.path().join("nope")],
        &ScanOptions::default(),
    );
    assert!(matches!(result, Err(warden_secrets::Error::Io { .. })));
}

#[test]
fn binaries_are_skipped_with_a_note_when_named() {
    let dir = tempfile::tempdir().unwrap();
    let (pat, _) = fake("github-classic-pat", 2);
    let mut bytes = b"\x7fELF\x02\x01\x01\0\0\0".to_vec();
    bytes.extend_from_slice(pat.as_bytes());
    let bin = write(dir.path(), "tool.bin", &bytes);
    let report = scan(&[dir.path().to_path_buf()], &ScanOptions::default());
    assert!(report.findings.is_empty());
    assert_eq!(report.stats.skipped_binary, 1);
    let report = scan(&[bin], &ScanOptions::default());
    assert!(
        report.notes.iter().any(|n| n.message.contains("binary")),
        "{:?}",
        report.notes
    );
}

#[test]
fn invalid_utf8_is_scanned() {
    let dir = tempfile::tempdir().unwrap();
    let (pat, secret) = fake("github-classic-pat", 3);
    let mut bytes = b"caf\xe9 \xff\xfe\n\n".to_vec();
    bytes.extend_from_slice(pat.as_bytes());
    bytes.extend_from_slice(b"\n\xc3\n");
    write(dir.path(), "latin1.txt", &bytes);
    let report = scan(&[dir.path().to_path_buf()], &ScanOptions::default());
    assert_eq!(report.findings.len(), 1);
    assert_eq!(report.findings[0].finding.line, 3);
    assert_eq!(report.findings[0].finding.secret(), secret);
}

#[test]
fn huge_files_are_streamed_and_secrets_across_chunk_boundaries_found() {
    let dir = tempfile::tempdir().unwrap();
    let (pat, _) = fake("github-classic-pat", 4);
    let (pem, _) = fake("pem-rsa-private-key", 5);
    let (stripe, _) = fake("stripe-secret-key", 6);
    let path = dir.path().join("huge.log");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    let filler = "2024-03-01T12:00:00Z INFO request served in 12ms path=/api/v1/items status=200\n";
    let mut line = 1usize;
    let mut bytes = 0usize;
    let mut expect = Vec::new();
    writeln!(file, "{pat}").unwrap();
    expect.push(line);
    line += 1;
    // Small chunks, so the test stays fast; a multi-line key straddles the first boundary.
    let chunk = 64 * 1024;
    while bytes < chunk - 600 {
        file.write_all(filler.as_bytes()).unwrap();
        bytes += filler.len();
        line += 1;
    }
    writeln!(file, "{pem}").unwrap();
    expect.push(line + pem.lines().position(|l| l.contains("BEGIN")).unwrap());
    line += pem.lines().count();
    while bytes < 12 * chunk {
        file.write_all(filler.as_bytes()).unwrap();
        bytes += filler.len();
        line += 1;
    }
    writeln!(file, "{stripe}").unwrap();
    expect.push(line);
    drop(file);

    let options = ScanOptions {
        chunk_bytes: chunk,
        ..ScanOptions::default()
    };
    let report = scan(std::slice::from_ref(&path), &options);
    let lines: Vec<usize> = report.findings.iter().map(|f| f.finding.line).collect();
    assert_eq!(lines, expect, "{:?}", report.findings);
    assert!(report.stats.bytes >= 12 * chunk as u64);
    // The same file in one piece gives the same answer.
    let whole = scan(&[path], &ScanOptions::default());
    let whole_lines: Vec<usize> = whole.findings.iter().map(|f| f.finding.line).collect();
    assert_eq!(whole_lines, expect);
    let names: Vec<&str> = report
        .findings
        .iter()
        .map(|f| f.finding.rule_name)
        .collect();
    assert_eq!(
        names,
        vec![
            "github-classic-pat",
            "pem-rsa-private-key",
            "stripe-secret-key"
        ]
    );
}

#[test]
fn size_limit_skips_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let (pat, _) = fake("github-classic-pat", 7);
    write(
        dir.path(),
        "big.txt",
        format!("{}\n{pat}\n", "a".repeat(4096)),
    );
    let options = ScanOptions {
        max_file_bytes: Some(1024),
        ..ScanOptions::default()
    };
    let report = scan(&[dir.path().to_path_buf()], &options);
    assert!(report.findings.is_empty());
    assert!(report.notes.iter().any(|n| n.message.contains("limit")));
}

#[test]
fn unreadable_files_and_symlink_loops_give_notes() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let (pat, _) = fake("github-classic-pat", 8);
    write(root, "ok.txt", format!("{pat}\n"));
    std::fs::create_dir_all(root.join("loop")).unwrap();
    std::os::unix::fs::symlink(root.join("loop"), root.join("loop/again")).unwrap();
    std::os::unix::fs::symlink(root.join("missing"), root.join("dangling")).unwrap();
    std::os::unix::fs::symlink(root.join("ok.txt"), root.join("alias.txt")).unwrap();

    // Not following: links are counted, not read.
    let report = scan(&[root.to_path_buf()], &ScanOptions::default());
    assert_eq!(report.findings.len(), 1);
    assert_eq!(report.stats.skipped_symlinks, 3);

    // Following: the loop and the dangling link are notes; the alias is a second finding.
    let options = ScanOptions {
        follow_symlinks: true,
        ..ScanOptions::default()
    };
    let report = scan(&[root.to_path_buf()], &options);
    assert_eq!(report.findings.len(), 2, "{:?}", report.findings);
    let notes: Vec<&str> = report.notes.iter().map(|n| n.message.as_str()).collect();
    assert!(notes.iter().any(|n| n.contains("loop")), "{notes:?}");
    assert!(
        notes
            .iter()
            .any(|n| n.contains("missing") || n.contains("No such file")),
        "{notes:?}"
    );

    // A file that cannot be opened (a directory where a file was expected cannot be faked
    // for root, so use a path whose parent is a file).
    let report = scan_paths(
        Scanner::builtin(),
        &[root.join("ok.txt/child")],
        &ScanOptions::default(),
    );
    assert!(report.is_err());
}

#[cfg(unix)]
#[test]
fn permission_denied_is_a_note_for_non_root() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "secret.txt", "x\n");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    let readable = std::fs::File::open(&path).is_ok();
    let report = scan(&[dir.path().to_path_buf()], &ScanOptions::default());
    if readable {
        // Running as root: permissions do not apply; the file is simply scanned.
        assert_eq!(report.stats.files, 1);
    } else {
        assert!(
            report
                .notes
                .iter()
                .any(|n| n.message.contains("cannot read")),
            "{:?}",
            report.notes
        );
    }
}

#[test]
fn archives_are_opened_and_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let (pat, _) = fake("github-classic-pat", 9);
    let (stripe, _) = fake("stripe-secret-key", 10);

    // zip with a secret and a nested tar.gz holding another.
    let mut tar_gz = Vec::new();
    {
        let gz = flate2::write::GzEncoder::new(&mut tar_gz, flate2::Compression::fast());
        let mut tar = tar::Builder::new(gz);
        let data = format!("a\nb\n{stripe}\n");
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        tar.append_data(&mut header, "deep/config.env", data.as_bytes())
            .unwrap();
        tar.into_inner().unwrap().finish().unwrap();
    }
    let zip_path = root.join("bundle.zip");
    {
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("config/.env", opts).unwrap();
        zip.write_all(format!("{pat}\n").as_bytes()).unwrap();
        zip.start_file("inner.tar.gz", opts).unwrap();
        zip.write_all(&tar_gz).unwrap();
        zip.finish().unwrap();
    }
    // A plain .gz file.
    {
        let file = std::fs::File::create(root.join("dump.sql.gz")).unwrap();
        let mut gz = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
        gz.write_all(format!("-- dump\n{pat}\n").as_bytes())
            .unwrap();
        gz.finish().unwrap();
    }
    // A corrupt archive is a note, not a failure.
    write(root, "broken.zip", b"PK\x03\x04 not really a zip");

    let report = scan(&[root.to_path_buf()], &ScanOptions::default());
    let mut found: Vec<(String, usize)> = places(&report)
        .into_iter()
        .map(|(p, l)| {
            (
                p.strip_prefix(&format!("{}/", root.display()))
                    .unwrap()
                    .to_owned(),
                l,
            )
        })
        .collect();
    found.sort();
    assert_eq!(
        found,
        vec![
            ("bundle.zip!config/.env".to_owned(), 1),
            ("bundle.zip!inner.tar.gz!deep/config.env".to_owned(), 3),
            ("dump.sql".to_owned(), 2),
        ],
        "{:?}",
        report.notes
    );
    assert!(
        report
            .notes
            .iter()
            .any(|n| n.path.as_deref().is_some_and(|p| p.ends_with("broken.zip")))
    );

    let options = ScanOptions {
        archives: false,
        ..ScanOptions::default()
    };
    let report = scan(&[root.to_path_buf()], &options);
    assert!(report.findings.is_empty(), "{:?}", report.findings);
}

#[test]
fn archive_bombs_are_cut_short() {
    let dir = tempfile::tempdir().unwrap();
    // 40 MiB of zeros compresses to about 40 KiB; the scan stops at the byte budget.
    let path = dir.path().join("bomb.txt.gz");
    {
        let file = std::fs::File::create(&path).unwrap();
        let mut gz = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
        let zeros = vec![b'0'; 1024 * 1024];
        for _ in 0..40 {
            gz.write_all(&zeros).unwrap();
        }
        gz.finish().unwrap();
    }
    let options = ScanOptions {
        max_archive_bytes: 4 * 1024 * 1024,
        ..ScanOptions::default()
    };
    let report = scan(&[path], &options);
    assert!(
        report.stats.bytes <= 4 * 1024 * 1024,
        "{}",
        report.stats.bytes
    );
    assert!(
        report
            .notes
            .iter()
            .any(|n| n.message.contains("partly scanned")),
        "{:?}",
        report.notes
    );
}

#[test]
fn minified_bundles_and_lockfile_hashes_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let (pat, _) = fake("github-classic-pat", 11);
    write(root, "dist/app.min.js", format!("var a=1;{pat};"));
    write(
        root,
        "dist/app.js",
        format!("var a=\"{pat}\";{}", "x=1;".repeat(8000)),
    );
    let lock = "\"node_modules/left-pad\": {\n  \"version\": \"1.3.0\",\n  \"integrity\": \"sha512-XI5MPzVNApjAyhQzphX8BkmKsKUxD4LdyK24iZeQZy2AvUnlAgNz4ZF5iiEE9iGDaWeT6RGV6DMVSv1M5b4dDg==\"\n}\n";
    write(
        root,
        "package-lock.json",
        format!("{lock}\"token\": \"{pat}\"\n"),
    );
    let report = scan(&[root.to_path_buf()], &ScanOptions::default());
    let found: Vec<(String, usize)> = places(&report)
        .into_iter()
        .map(|(p, l)| (p.rsplit('/').next().unwrap().to_owned(), l))
        .collect();
    assert_eq!(found, vec![("package-lock.json".to_owned(), 5)]);
    assert_eq!(report.stats.skipped_minified, 2);

    let options = ScanOptions {
        skip_minified: false,
        ..ScanOptions::default()
    };
    let report = scan(&[root.to_path_buf()], &options);
    assert_eq!(report.findings.len(), 3);
}

#[test]
fn inline_allow_and_baselines_survive_line_moves() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let (pat, _) = fake("github-classic-pat", 12);
    let (stripe, _) = fake("stripe-secret-key", 13);
    let file = write(
        root,
        "app.cfg",
        format!("{pat}\n{stripe} # gitleaks:allow\n"),
    );
    let report = scan(&[root.to_path_buf()], &ScanOptions::default());
    assert_eq!(report.findings.len(), 1);
    assert_eq!(report.stats.suppressed_inline, 1);

    let baseline_path = root.join("baseline.json");
    Baseline::from_report(&report).save(&baseline_path).unwrap();
    let baseline = Baseline::load(&baseline_path).unwrap();
    // Move the secret down; the baseline still holds it.
    std::fs::write(&file, format!("\n\n\n{pat}\n")).unwrap();
    let options = ScanOptions {
        baseline: Some(baseline.clone()),
        ..ScanOptions::default()
    };
    let report = scan(&[root.to_path_buf()], &options);
    assert!(report.findings.is_empty(), "{:?}", report.findings);
    assert_eq!(report.stats.suppressed_baseline, 1);
    // A new secret is still reported.
    std::fs::write(&file, format!("{pat}\n{stripe}\n")).unwrap();
    let report = scan(&[root.to_path_buf()], &options);
    assert_eq!(report.findings.len(), 1);
    assert_eq!(report.findings[0].finding.rule_name, "stripe-secret-key");
}

#[test]
fn threads_option_and_many_files() {
    let dir = tempfile::tempdir().unwrap();
    let (pat, _) = fake("github-classic-pat", 14);
    for i in 0..200 {
        let body = if i % 50 == 7 {
            format!("x\n{pat}\n")
        } else {
            "nothing\n".to_owned()
        };
        write(dir.path(), &format!("d{}/f{i}.txt", i % 7), body);
    }
    for threads in [1, 3] {
        let options = ScanOptions {
            threads,
            ..ScanOptions::default()
        };
        let report = scan(&[dir.path().to_path_buf()], &options);
        assert_eq!(report.findings.len(), 4);
        assert_eq!(report.stats.files, 200);
    }
}
