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
        .with_min_len(64)
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
    // Blobs are read by one thread in pack order (a delta's base always precedes it in the
    // pack), so the delta-base cache resolves each version from the one before it, with a
    // single inflate; scanning the decoded blobs is spread over the worker pool.
    let mut reader_repo = local();
    // Required for `location_by_oid`: pack ids must stay valid while we sort by them.
    reader_repo.objects.prevent_pack_unload();
    let mut located: Vec<((u32, u64), ObjectId)> = {
        use gix::odb::pack::Find as _;
        let mut buf = Vec::new();
        to_scan
            .into_iter()
            .map(|id| {
                let at = (*reader_repo.objects)
                    .location_by_oid(&id, &mut buf)
                    .ok()
                    .flatten()
                    .map_or((u32::MAX, 0), |l| (l.pack_id, l.pack_offset));
                (at, id)
            })
            .collect()
    };
    located.sort_unstable();
    let blobs: Vec<ObjectId> = located.into_iter().map(|(_, id)| id).collect();
    Progress::add_total(options.progress.as_ref(), blobs.len() as u64);
    let ctx = FileScan {
        scanner,
        options,
        suppressor: &suppressor,
    };
    let (tx, rx) = std::sync::mpsc::sync_channel::<(ObjectId, Result<Vec<u8>, Note>)>(64);
    let scanned: Vec<(ObjectId, Report)> = std::thread::scope(|scope| {
        let blobs = &blobs;
        let names = &names;
        scope.spawn(move || {
            for blob in blobs {
                let name = names.get(blob).copied().unwrap_or("blob");
                if tx
                    .send((*blob, read_blob(&reader_repo, *blob, name)))
                    .is_err()
                {
                    break;
                }
            }
        });
        rx.into_iter()
            .par_bridge()
            .map(|(blob, data)| {
                let name = names.get(&blob).copied().unwrap_or("blob");
                let out = match data {
                    Ok(data) => ctx.scan_stream(&mut Cursor::new(&data[..]), name, false),
                    Err(note) => {
                        let mut out = Report::default();
                        out.stats.skipped_other += 1;
                        out.notes.push(note);
                        out
                    }
                };
                Progress::add(options.progress.as_ref(), 1, out.stats.bytes);
                (blob, out)
            })
            .collect()
    });
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

/// Read one blob, or say why it was not read.
fn read_blob(repo: &gix::Repository, blob: ObjectId, name: &str) -> Result<Vec<u8>, Note> {
    let short = crate::report::short_id(&blob.to_string()).to_owned();
    if let Ok(header) = repo.find_header(blob)
        && header.size() > MAX_BLOB_BYTES
    {
        return Err(Note::new(
            name,
            format!(
                "blob {short} skipped: {} bytes, over the {MAX_BLOB_BYTES}-byte limit",
                header.size()
            ),
        ));
    }
    repo.find_object(blob)
        .map(|object| object.detach().data)
        .map_err(|err| Note::new(name, format!("cannot read blob {short}: {err}")))
}
