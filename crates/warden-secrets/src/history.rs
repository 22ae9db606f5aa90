//! Scanning git history.
//!
//! 1. Every commit's tree is diffed against its parents' to list the blobs it introduced, with
//!    the blob that was at the same path in the first parent. Commits are diffed in the pack
//!    order of their trees, in a few contiguous runs (one worker each), so that the delta-base
//!    cache resolves each tree from the one before it.
//! 2. Each (blob, previous blob) pair is read once, in pack order, by one reader thread (one
//!    inflate per delta), and scanned on the worker pool: only the lines the blob added to its
//!    previous version, with a few lines of context around each, unless those are most of the
//!    blob or there is no previous version, in which case the whole blob.
//! 3. A finding whose secret was already in the previous version (found there by the same rule)
//!    is not new; every other finding is reported at every commit and path that introduced the
//!    pair.

use std::collections::{HashMap, HashSet};
use std::io::Cursor;
use std::ops::Range;
use std::path::Path;
use std::sync::{Arc, Mutex};

use gix::ObjectId;
use gix::odb::pack::cache::DecodeEntry;
use gix::odb::pack::cache::lru::MemoryCappedHashmap;
use rayon::prelude::*;

use crate::engine::Scanner;
use crate::error::Error;
use crate::files::FileScan;
use crate::finding::Finding;
use crate::git;
use crate::options::{Progress, ScanOptions, Suppressor};
use crate::report::{CommitInfo, Located, Note, Report, Stats};

/// Largest blob read; larger ones get a note.
const MAX_BLOB_BYTES: u64 = 256 * 1024 * 1024;
/// Object cache per tree-diffing worker, for trees shared between neighbouring commits.
const OBJECT_CACHE_BYTES: usize = 8 * 1024 * 1024;
/// Delta-base cache shared by the tree-diffing workers: trees are stored as deltas of one
/// another, so resolving them without a cache inflates the same bases again and again.
const TREE_PACK_CACHE_BYTES: usize = 16 * 1024 * 1024;
/// Delta-base cache of the blob reader: it holds each blob's delta base (read just before it)
/// and, usually, the previous version of the file it changed.
const BLOB_PACK_CACHE_BYTES: usize = 32 * 1024 * 1024;
/// Lines of context scanned before and after each run of added lines: enough for the
/// multi-line formats (a key block's BEGIN/END lines, a credentials file's key-id line, a
/// service-account JSON's `"type"` field) when only their secret lines changed.
const CONTEXT_LINES: usize = 5;
/// Occurrences of a secret's bytes looked at in the previous version of a blob.
const MAX_PREVIOUS_MATCHES: usize = 4;

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
    let repo = git::open_bounded(repo_dir, MAX_BLOB_BYTES)?;
    let commit_ids = git::commits(&repo, range)?;
    let sync = repo.into_sync();
    let ctx = FileScan {
        scanner,
        options,
        suppressor: &suppressor,
    };
    let run = || scan_commits(&ctx, &sync, &commit_ids);
    let mut report = if options.threads > 0 {
        match rayon::ThreadPoolBuilder::new()
            .num_threads(options.threads)
            .build()
        {
            Ok(pool) => pool.install(run),
            Err(_) => run(),
        }
    } else {
        run()
    }?;
    suppressor.apply(&mut report);
    report.sort();
    Ok(report)
}

/// What one commit introduced: a (blob, previous blob) pair at a path.
type Occurrences = HashMap<(ObjectId, Option<ObjectId>), Vec<(usize, String)>>;

fn scan_commits(
    ctx: &FileScan<'_>,
    sync: &gix::ThreadSafeRepository,
    commit_ids: &[ObjectId],
) -> Result<Report, Error> {
    let mut report = Report::default();
    report.stats.commits = commit_ids.len() as u64;

    // 1. What each commit introduced.
    let commits: Vec<git::CommitData> = commit_ids
        .par_iter()
        .with_min_len(256)
        .map_init(
            || sync.to_thread_local(),
            |repo, id| git::commit_data(repo, *id),
        )
        .collect::<Result<_, _>>()?;
    let tree_of: HashMap<ObjectId, ObjectId> = commit_ids
        .iter()
        .zip(&commits)
        .map(|(id, data)| (*id, data.tree))
        .collect();
    let order = pack_order(sync, commits.iter().map(|c| c.tree));
    let cache = SharedPackCache::new(TREE_PACK_CACHE_BYTES);
    // One contiguous run of that order per worker; the runs share the delta-base cache.
    let run_len = order
        .len()
        .div_ceil(rayon::current_num_threads().max(1))
        .max(1);
    let per_run: Vec<Vec<(usize, Vec<git::Introduced>)>> = order
        .par_chunks(run_len)
        .map(|run| {
            let repo = reader(sync, &cache, OBJECT_CACHE_BYTES);
            run.iter()
                .map(|&ix| {
                    let data = &commits[ix];
                    let parent_trees: Vec<ObjectId> = data
                        .parents
                        .iter()
                        .filter_map(|p| {
                            tree_of
                                .get(p)
                                .copied()
                                .or_else(|| git::commit_data(&repo, *p).ok().map(|d| d.tree))
                        })
                        .collect();
                    let mut introduced = Vec::new();
                    git::introduced(&repo, data.tree, &parent_trees, &mut introduced)?;
                    Ok((ix, introduced))
                })
                .collect::<Result<Vec<_>, Error>>()
        })
        .collect::<Result<_, _>>()?;
    drop(cache);
    let infos: Vec<Arc<CommitInfo>> = commits
        .into_iter()
        .map(|data| Arc::new(data.info))
        .collect();
    let mut occurrences: Occurrences = HashMap::new();
    for (ix, introduced) in per_run.into_iter().flatten() {
        for item in introduced {
            if ctx.suppressor.path_allowed(&item.path) {
                report.stats.skipped_other += 1;
                continue;
            }
            occurrences
                .entry((item.blob, item.previous))
                .or_default()
                .push((ix, item.path));
        }
    }

    // 2. Each (blob, previous) pair once, read in the blobs' pack order.
    let mut jobs: Vec<Job<'_>> = {
        let keys: Vec<&(ObjectId, Option<ObjectId>)> = occurrences.keys().collect();
        let at = pack_order_keys(sync, keys.iter().map(|(blob, _)| *blob));
        keys.into_iter()
            .zip(at)
            .filter_map(|(&(blob, previous), at)| {
                let name = occurrences.get(&(blob, previous))?.first()?.1.as_str();
                Some(Job {
                    at,
                    blob,
                    previous,
                    name,
                    first: false,
                })
            })
            .collect()
    };
    jobs.sort_unstable_by_key(|j| (j.at, j.blob, j.previous));
    let mut unique = 0u64;
    for i in 0..jobs.len() {
        let first = i == 0 || jobs[i - 1].blob != jobs[i].blob;
        jobs[i].first = first;
        unique += u64::from(first);
    }
    Progress::add_total(ctx.options.progress.as_ref(), jobs.len() as u64);
    // One thread reads the pairs in their blobs' pack order: a delta's base is stored before
    // it, so the delta-base cache resolves each blob from one read just before (one inflate per
    // delta), and the previous version is usually in the cache too. The pool scans them.
    let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, Blob, Option<Arc<Vec<u8>>>)>(64);
    let scanned: Vec<(usize, Stats, Vec<Note>, Vec<Finding>)> = std::thread::scope(|scope| {
        let jobs = &jobs;
        scope.spawn(move || {
            let cache = SharedPackCache::new(BLOB_PACK_CACHE_BYTES);
            let repo = reader(sync, &cache, 0);
            let mut last: Option<(ObjectId, Blob)> = None;
            for (ix, job) in jobs.iter().enumerate() {
                let previous = match (job.previous, &last) {
                    (Some(p), Some((id, Ok(data)))) if p == *id => Some(Arc::clone(data)),
                    (Some(p), _) => read_blob(&repo, p, job.name).ok().map(Arc::new),
                    (None, _) => None,
                };
                let data = match &last {
                    Some((id, data)) if *id == job.blob => data.clone(),
                    _ => {
                        let data = read_blob(&repo, job.blob, job.name).map(Arc::new);
                        last = Some((job.blob, data.clone()));
                        data
                    }
                };
                if tx.send((ix, data, previous)).is_err() {
                    break;
                }
            }
        });
        rx.into_iter()
            .par_bridge()
            .map(|(ix, data, previous)| scan_job(ctx, &jobs[ix], ix, data, previous.as_deref()))
            .collect()
    });

    // 3. Every commit and path that introduced each finding.
    for (ix, stats, mut notes, findings) in scanned {
        report.stats.merge(&stats);
        report.notes.append(&mut notes);
        if findings.is_empty() {
            continue;
        }
        let job = &jobs[ix];
        let Some(places) = occurrences.get(&(job.blob, job.previous)) else {
            continue;
        };
        for (commit, path) in places {
            for finding in &findings {
                report.findings.push(Located {
                    path: path.clone(),
                    commit: Some(Arc::clone(&infos[*commit])),
                    finding: finding.clone(),
                });
            }
        }
    }
    report.stats.blobs = unique;
    Ok(report)
}

/// A blob as read, or why it was not.
type Blob = Result<Arc<Vec<u8>>, Note>;

/// Scan one pair.
fn scan_job(
    ctx: &FileScan<'_>,
    job: &Job<'_>,
    ix: usize,
    data: Blob,
    previous: Option<&Vec<u8>>,
) -> (usize, Stats, Vec<Note>, Vec<Finding>) {
    let (mut stats, mut notes, findings) = match data {
        Ok(data) => scan_blob(ctx, job.name, &data, previous.map(Vec::as_slice)),
        Err(note) => {
            let stats = Stats {
                skipped_other: 1,
                ..Stats::default()
            };
            (stats, vec![note], Vec::new())
        }
    };
    Progress::add(ctx.options.progress.as_ref(), 1, stats.bytes);
    if !job.first {
        // Counted with the blob's first pair.
        stats = Stats::default();
        notes.clear();
    }
    (ix, stats, notes, findings)
}

/// One (blob, previous blob) pair to scan.
struct Job<'a> {
    /// Where the blob is stored: (pack, offset), or past every pack for a loose object.
    at: (u32, u64),
    blob: ObjectId,
    previous: Option<ObjectId>,
    /// The first path it was introduced at (file-name rules: lockfiles, minified bundles).
    name: &'a str,
    /// The first pair of this blob (its stats and notes count once).
    first: bool,
}

/// A repository handle using the shared delta-base `cache`, and an object cache of
/// `object_cache_bytes` of its own (for trees, which neighbouring commits share; blobs are read
/// once each, so a cache would only copy them).
fn reader(
    sync: &gix::ThreadSafeRepository,
    cache: &SharedPackCache,
    object_cache_bytes: usize,
) -> gix::Repository {
    let mut repo = sync.to_thread_local();
    let cache = cache.clone();
    repo.objects.set_pack_cache(move || Box::new(cache.clone()));
    if object_cache_bytes > 0 {
        repo.object_cache_size_if_unset(object_cache_bytes);
    }
    repo
}

/// A delta-base cache shared by the workers' repository handles: a base one worker resolved
/// serves the others (a delta's base is often an object another worker just read).
#[derive(Clone)]
struct SharedPackCache(Arc<Mutex<MemoryCappedHashmap>>);

impl SharedPackCache {
    fn new(bytes: usize) -> SharedPackCache {
        SharedPackCache(Arc::new(Mutex::new(MemoryCappedHashmap::new(bytes))))
    }
}

impl DecodeEntry for SharedPackCache {
    fn put(
        &mut self,
        pack_id: u32,
        offset: u64,
        data: &[u8],
        kind: gix::object::Kind,
        compressed_size: usize,
    ) {
        if let Ok(mut cache) = self.0.lock() {
            cache.put(pack_id, offset, data, kind, compressed_size);
        }
    }

    fn get(
        &mut self,
        pack_id: u32,
        offset: u64,
        out: &mut Vec<u8>,
    ) -> Option<(gix::object::Kind, usize)> {
        self.0.lock().ok()?.get(pack_id, offset, out)
    }
}

/// The indices of `ids` in the order their objects are stored (pack, then offset; loose
/// objects last). A delta's base precedes it in its pack, so reading in this order lets the
/// delta-base cache resolve each object from an earlier one.
fn pack_order(sync: &gix::ThreadSafeRepository, ids: impl Iterator<Item = ObjectId>) -> Vec<usize> {
    let at = pack_order_keys(sync, ids);
    let mut order: Vec<usize> = (0..at.len()).collect();
    order.sort_by_key(|&i| at[i]);
    order
}

/// Where each of `ids` is stored: (pack, offset), or past every pack when loose or unknown.
fn pack_order_keys(
    sync: &gix::ThreadSafeRepository,
    ids: impl Iterator<Item = ObjectId>,
) -> Vec<(u32, u64)> {
    use gix::odb::pack::Find as _;
    let mut repo = sync.to_thread_local();
    // Pack ids must stay valid while we compare them.
    repo.objects.prevent_pack_unload();
    let mut buf = Vec::new();
    ids.map(|id| {
        (*repo.objects)
            .location_by_oid(&id, &mut buf)
            .ok()
            .flatten()
            .map_or((u32::MAX, 0), |l| (l.pack_id, l.pack_offset))
    })
    .collect()
}

/// Read one blob, or say why it was not read. The repository was opened with an allocation
/// limit of [`MAX_BLOB_BYTES`], so a larger blob fails to read; only then is its size looked up,
/// for the note.
fn read_blob(repo: &gix::Repository, blob: ObjectId, name: &str) -> Result<Vec<u8>, Note> {
    repo.find_object(blob)
        .map(|o| o.detach().data)
        .map_err(|err| {
            let short = crate::report::short_id(&blob.to_string()).to_owned();
            match repo.find_header(blob) {
                Ok(header) if header.size() > MAX_BLOB_BYTES => Note::new(
                    name,
                    format!(
                        "blob {short} skipped: {} bytes, over the {MAX_BLOB_BYTES}-byte limit",
                        header.size()
                    ),
                ),
                _ => Note::new(name, format!("cannot read blob {short}: {err}")),
            }
        })
}

/// Scan one blob for the secrets it added to `previous` (all of them, without one).
fn scan_blob(
    ctx: &FileScan<'_>,
    name: &str,
    data: &[u8],
    previous: Option<&[u8]>,
) -> (Stats, Vec<Note>, Vec<Finding>) {
    let regions = match previous {
        Some(previous)
            if data.len() <= ctx.options.chunk_bytes && ctx.reads_as_text(name, data) =>
        {
            let regions = changed_regions(data, previous);
            let covered: usize = regions.iter().map(|r| r.bytes.len()).sum();
            (covered <= data.len() / 2).then_some(regions)
        }
        _ => None,
    };
    let (stats, notes, mut findings) = match regions {
        Some(regions) => {
            let mut findings = Vec::new();
            for region in regions {
                for mut finding in ctx.scan_lines(&data[region.bytes.clone()], name) {
                    let start = region.bytes.start;
                    finding.byte_range =
                        start + finding.byte_range.start..start + finding.byte_range.end;
                    finding.line += region.first_line;
                    finding.end_line += region.first_line;
                    findings.push(finding);
                }
            }
            let stats = Stats {
                files: 1,
                bytes: data.len() as u64,
                ..Stats::default()
            };
            (stats, Vec::new(), findings)
        }
        None => {
            let out = ctx.scan_stream(&mut Cursor::new(data), name, false);
            let findings = out.findings.into_iter().map(|l| l.finding).collect();
            (out.stats, out.notes, findings)
        }
    };
    if let Some(previous) = previous {
        findings.retain(|f| !already_there(ctx, name, data, previous, f));
    }
    (stats, notes, findings)
}

/// Whether `finding` (in `data`) was already in `previous`: its bytes occur there and a scan
/// of the lines around them finds the same secret under the same rule.
fn already_there(
    ctx: &FileScan<'_>,
    name: &str,
    data: &[u8],
    previous: &[u8],
    finding: &Finding,
) -> bool {
    let Some(needle) = data
        .get(finding.byte_range.clone())
        .filter(|n| !n.is_empty())
    else {
        return false;
    };
    memchr::memmem::find_iter(previous, needle)
        .take(MAX_PREVIOUS_MATCHES)
        .any(|at| {
            let window = widen(previous, at, at + needle.len(), CONTEXT_LINES);
            ctx.scan_lines(&previous[window.bytes], name)
                .iter()
                .any(|f| f.fingerprint == finding.fingerprint)
        })
}

/// A run of whole lines of a blob.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Region {
    bytes: Range<usize>,
    /// Lines before `bytes.start` (its 0-based line number).
    first_line: usize,
}

/// The lines of `new` absent from `old` (blank ones aside), each widened by [`CONTEXT_LINES`]
/// lines on both sides, overlapping or touching regions merged.
fn changed_regions(new: &[u8], old: &[u8]) -> Vec<Region> {
    // Only the part between the common head and tail (in whole lines) can differ.
    let same_head = common_prefix(new, old);
    let max_tail = new.len().min(old.len()) - same_head;
    let same_tail = common_suffix(&new[same_head..], &old[same_head..]).min(max_tail);
    let start = memchr::memrchr(b'\n', &new[..same_head]).map_or(0, |p| p + 1);
    let tail_at = new.len() - same_tail;
    let end = if tail_at == 0 || new[tail_at - 1] == b'\n' {
        tail_at
    } else {
        memchr::memchr(b'\n', &new[tail_at..]).map_or(new.len(), |p| tail_at + p + 1)
    };
    // `end` only moved forward over bytes of the common tail, so `old` has the same bytes
    // after `old_end`; and `start` is within the common head.
    let old_end = old.len() - (new.len() - end);
    let old_lines: HashSet<&[u8], foldhash::fast::RandomState> = old[start..old_end]
        .split_inclusive(|&b| b == b'\n')
        .map(strip_newline)
        .collect();

    let first_line = memchr::memchr_iter(b'\n', &new[..start]).count();
    let mut at = start;
    let mut regions: Vec<Region> = Vec::new();
    for (this_line, line) in (first_line..).zip(new[start..end].split_inclusive(|&b| b == b'\n')) {
        let line_start = at;
        at += line.len();
        let content = strip_newline(line);
        if content.iter().all(u8::is_ascii_whitespace) || old_lines.contains(content) {
            continue;
        }
        let widened = widen(new, line_start, at, CONTEXT_LINES);
        match regions.last_mut() {
            Some(last) if widened.bytes.start <= last.bytes.end => {
                last.bytes.end = last.bytes.end.max(widened.bytes.end);
            }
            _ => regions.push(Region {
                bytes: widened.bytes,
                first_line: this_line - widened.first_line,
            }),
        }
    }
    regions
}

/// Bytes `a` and `b` share at the start (compared a block at a time).
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    const BLOCK: usize = 64;
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + BLOCK <= n && a[i..i + BLOCK] == b[i..i + BLOCK] {
        i += BLOCK;
    }
    i + a[i..n]
        .iter()
        .zip(&b[i..n])
        .take_while(|(x, y)| x == y)
        .count()
}

/// Bytes `a` and `b` share at the end (compared a block at a time).
fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    const BLOCK: usize = 64;
    let n = a.len().min(b.len());
    let (a, b) = (&a[a.len() - n..], &b[b.len() - n..]);
    let mut i = 0;
    while i + BLOCK <= n && a[n - i - BLOCK..n - i] == b[n - i - BLOCK..n - i] {
        i += BLOCK;
    }
    i + a[..n - i]
        .iter()
        .rev()
        .zip(b[..n - i].iter().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

fn strip_newline(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\n").unwrap_or(line)
}

/// `start..end` of `text` widened to whole lines, then by `context` lines on each side.
/// `first_line` of the result counts the lines it moved back over (so, for a `start` at a
/// line start, the number of lines added before it).
fn widen(text: &[u8], start: usize, end: usize, context: usize) -> Region {
    let mut from = memchr::memrchr(b'\n', &text[..start]).map_or(0, |p| p + 1);
    let mut back = 0;
    while back < context && from > 0 {
        from = memchr::memrchr(b'\n', &text[..from - 1]).map_or(0, |p| p + 1);
        back += 1;
    }
    let mut to = if end > 0 && text.get(end - 1) == Some(&b'\n') {
        end
    } else {
        memchr::memchr(b'\n', &text[end..]).map_or(text.len(), |p| end + p + 1)
    };
    for _ in 0..context {
        if to >= text.len() {
            break;
        }
        to = memchr::memchr(b'\n', &text[to..]).map_or(text.len(), |p| to + p + 1);
    }
    Region {
        bytes: from..to,
        first_line: back,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn regions(new: &str, old: &str) -> Vec<(String, usize)> {
        changed_regions(new.as_bytes(), old.as_bytes())
            .into_iter()
            .map(|r| (new[r.bytes].to_owned(), r.first_line))
            .collect()
    }

    fn numbered(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("line {i}\n")).collect()
    }

    #[test]
    fn added_lines_with_context() {
        let old = numbered(30);
        let mut new = old.clone();
        new.insert(15, "token = secret\n".to_owned());
        let (old, new) = (old.concat(), new.concat());
        let got = regions(&new, &old);
        assert_eq!(got.len(), 1);
        let expected: String = new
            .lines()
            .skip(10)
            .take(11)
            .map(|l| format!("{l}\n"))
            .collect();
        assert_eq!(got[0], (expected, 10));
    }

    #[test]
    fn cases() {
        let old = numbered(40).concat();
        let lines = numbered(40);
        let cases: Vec<(String, Vec<(usize, usize)>)> = vec![
            // (new text, [(first line, line count)])
            (old.clone(), vec![]),
            // Appended without a final newline.
            (format!("{old}tail"), vec![(35, 6)]),
            // Prepended.
            (format!("head\n{old}"), vec![(0, 6)]),
            // Two changes far apart, two regions; near each other, one.
            (
                {
                    let mut l = lines.clone();
                    l[2] = "x\n".into();
                    l[30] = "y\n".into();
                    l.concat()
                },
                vec![(0, 8), (25, 11)],
            ),
            (
                {
                    let mut l = lines.clone();
                    l[10] = "x\n".into();
                    l[20] = "y\n".into();
                    l.concat()
                },
                vec![(5, 21)],
            ),
            // A moved line and a blank line are not added.
            (
                {
                    let mut l = lines.clone();
                    let moved = l.remove(3);
                    l.insert(30, moved);
                    l.insert(10, "\n".into());
                    l.concat()
                },
                vec![],
            ),
            // Everything new.
            ("a\nb\n".to_owned(), vec![(0, 2)]),
        ];
        for (new, expected) in cases {
            let got: Vec<(usize, usize)> = changed_regions(new.as_bytes(), old.as_bytes())
                .into_iter()
                .map(|r| (r.first_line, new[r.bytes].lines().count()))
                .collect();
            assert_eq!(got, expected, "{new:?}");
        }
    }

    #[test]
    fn from_nothing_and_to_nothing() {
        assert_eq!(regions("a\n", ""), vec![("a\n".to_owned(), 0)]);
        assert!(regions("", "a\n").is_empty());
        assert!(regions("", "").is_empty());
    }

    #[test]
    fn common_ends() {
        let long: Vec<u8> = (0..200u8).collect();
        for (a, b, head, tail) in [
            (&b""[..], &b""[..], 0, 0),
            (b"abc", b"abd", 2, 0),
            (b"xbc", b"abc", 0, 2),
            (b"abc", b"abc", 3, 3),
            (b"ab", b"abc", 2, 0),
            (&long[..], &long[..150], 150, 0),
            (&long[..], &long[50..], 0, 150),
        ] {
            assert_eq!(common_prefix(a, b), head, "{a:?} {b:?}");
            assert_eq!(common_suffix(a, b), tail, "{a:?} {b:?}");
        }
        let mut other = long.clone();
        other[130] = 0;
        assert_eq!(common_prefix(&long, &other), 130);
        assert_eq!(common_suffix(&long, &other), 69);
    }

    #[test]
    fn widen_stops_at_the_edges() {
        let text = b"a\nb\nc";
        let r = widen(text, 2, 3, 5);
        assert_eq!((r.bytes, r.first_line), (0..5, 1));
        let r = widen(text, 4, 5, 0);
        assert_eq!((r.bytes, r.first_line), (4..5, 0));
    }
}
