//! Scanning git history: each commit's tree is diffed against its parents to list the blobs
//! it introduced; each unique blob is read and scanned once (in parallel); every finding is
//! then reported at every commit and path that introduced it, unless the same secret was
//! already in the file the commit changed.

use std::collections::{HashMap, HashSet};
use std::io::Cursor;
use std::path::Path;
use std::sync::Arc;

use gix::ObjectId;
use rayon::prelude::*;

use crate::engine::Scanner;
use crate::error::Error;
use crate::files::FileScan;
use crate::finding::Finding;
use crate::git;
use crate::options::{Progress, ScanOptions, Suppressor};
use crate::report::{CommitInfo, Located, Note, Report};

/// Largest blob read; larger ones get a note.
const MAX_BLOB_BYTES: u64 = 256 * 1024 * 1024;
/// Object cache per worker, for trees shared between neighbouring commits.
const OBJECT_CACHE_BYTES: usize = 16 * 1024 * 1024;
/// Delta-base cache per worker: successive versions of a file are stored as deltas of one
/// another, so resolving them without a cache inflates the same bases again and again.
const PACK_CACHE_BYTES: usize = 64 * 1024 * 1024;

/// Scan the history of the repository containing `repo_dir`: every commit reachable from
/// every ref, stash entry and HEAD, or those of `range` (`A..B`, `A...B`, or one revision).
/// Paths are relative to the repository root; each finding carries its commit.
pub fn scan_history(
    scanner: &Scanner,
    repo_dir: &Path,
    range: Option<&str>,
    options: &ScanOptions,
) -> Result<Report, Error> {
    let suppressor = Suppressor::new(options)?;
    scanner.prepare_bulk();
    let repo = git::open(repo_dir)?;
    let commit_ids = git::commits(&repo, range)?;
    let sync = repo.into_sync();
    let local = || {
        let mut repo = sync.to_thread_local();
        repo.object_cache_size_if_unset(OBJECT_CACHE_BYTES);
        repo.objects.set_pack_cache(|| {
            Box::new(gix::odb::pack::cache::lru::MemoryCappedHashmap::new(
                PACK_CACHE_BYTES,
            ))
        });
        repo
    };

    // 1. What each commit introduced.
    let per_commit: Vec<Result<(CommitInfo, Vec<git::Introduced>), Error>> = commit_ids
        .par_iter()
        .map_init(local, |repo, id| {
            let data = git::commit_data(repo, *id)?;
            let parent_trees: Vec<ObjectId> = data
                .parents
                .iter()
                .filter_map(|p| git::commit_data(repo, *p).ok().map(|d| d.tree))
                .collect();
            let introduced = git::introduced(repo, data.tree, &parent_trees)?;
            Ok((data.info, introduced))
        })
        .collect();
    let mut report = Report::default();
    report.stats.commits = commit_ids.len() as u64;
    let mut infos: Vec<Arc<CommitInfo>> = Vec::with_capacity(per_commit.len());
    let mut occurrences: HashMap<ObjectId, Vec<(usize, String, Option<ObjectId>)>> = HashMap::new();
    let mut to_scan: HashSet<ObjectId> = HashSet::new();
    for result in per_commit {
        let (info, introduced) = result?;
        let ix = infos.len();
        infos.push(Arc::new(info));
        for item in introduced {
            if suppressor.path_allowed(&item.path) {
                report.stats.skipped_other += 1;
                continue;
            }
            to_scan.insert(item.blob);
            if let Some(previous) = item.previous {
                to_scan.insert(previous);
            }
            occurrences
                .entry(item.blob)
                .or_default()
                .push((ix, item.path, item.previous));
        }
    }

    // 2. Each unique blob, once.
    let names: HashMap<ObjectId, &str> = occurrences
        .iter()
        .filter_map(|(blob, occ)| occ.first().map(|(_, path, _)| (*blob, path.as_str())))
        .collect();
    let blobs: Vec<ObjectId> = to_scan.into_iter().collect();
    Progress::add_total(options.progress.as_ref(), blobs.len() as u64);
    let ctx = FileScan {
        scanner,
        options,
        suppressor: &suppressor,
    };
    let scanned: Vec<(ObjectId, Report)> = blobs
        .par_iter()
        .map_init(local, |repo, blob| {
            let name = names.get(blob).copied().unwrap_or("blob");
            let out = scan_blob(&ctx, repo, *blob, name);
            Progress::add(options.progress.as_ref(), 1, out.stats.bytes);
            (*blob, out)
        })
        .collect();
    let mut found: HashMap<ObjectId, Vec<Finding>> = HashMap::new();
    for (blob, mut out) in scanned {
        report.stats.merge(&out.stats);
        report.notes.append(&mut out.notes);
        if !out.findings.is_empty() {
            found.insert(blob, out.findings.into_iter().map(|l| l.finding).collect());
        }
    }
    report.stats.blobs = blobs.len() as u64;

    // 3. Every commit and path that introduced each finding.
    for (blob, findings) in &found {
        let Some(occ) = occurrences.get(blob) else {
            continue;
        };
        for (ix, path, previous) in occ {
            let before: HashSet<&str> = previous
                .and_then(|p| found.get(&p))
                .map(|fs| fs.iter().map(|f| f.fingerprint.as_str()).collect())
                .unwrap_or_default();
            for finding in findings {
                if before.contains(finding.fingerprint.as_str()) {
                    continue;
                }
                report.findings.push(Located {
                    path: path.clone(),
                    commit: Some(Arc::clone(&infos[*ix])),
                    finding: finding.clone(),
                });
            }
        }
    }
    suppressor.apply(&mut report);
    report.sort();
    Ok(report)
}

/// Scan one blob (binary, minified and lockfile rules apply by `name`).
pub(crate) fn scan_blob(
    ctx: &FileScan<'_>,
    repo: &gix::Repository,
    blob: ObjectId,
    name: &str,
) -> Report {
    let mut report = Report::default();
    if let Ok(header) = repo.find_header(blob)
        && header.size() > MAX_BLOB_BYTES
    {
        report.stats.skipped_other += 1;
        report.notes.push(Note::new(
            name,
            format!(
                "blob {} skipped: {} bytes, over the {MAX_BLOB_BYTES}-byte limit",
                crate::report::short_id(&blob.to_string()),
                header.size()
            ),
        ));
        return report;
    }
    match repo.find_object(blob) {
        Ok(object) => ctx.scan_stream(&mut Cursor::new(&object.data[..]), name, false),
        Err(err) => {
            report.notes.push(Note::new(
                name,
                format!(
                    "cannot read blob {}: {err}",
                    crate::report::short_id(&blob.to_string())
                ),
            ));
            report
        }
    }
}
