//! Scanning git history.
//!
//! 1. Every commit's tree is diffed against its parents' to list the blobs it introduced, with
//!    the blob that was at the same path in the first parent. Commits are diffed in the pack
//!    order of their trees, in a few contiguous runs (one worker each), so that the delta-base
//!    cache resolves each tree from the one before it.
//! 2. The blobs and previous versions those (blob, previous blob) pairs need are decoded
//!    straight from the pack files, one delta tree (a full object and the deltas stored
//!    against it, recursively) per task, every worker taking the next tree in pack order: each
//!    entry is inflated once, from its base kept in memory until its last delta is decoded.
//!    Objects outside the packs are read through the object database.
//! 3. A pair is scanned as soon as both its objects are decoded (by whichever worker): only
//!    the lines the blob added to its previous version, with a few lines of context around
//!    each, unless those are most of the blob or there is no previous version, in which case
//!    the whole blob. Archive blobs (zip, tar, gzip) are opened with the limits of archive
//!    files, and report what their previous version did not hold.
//! 4. A finding whose secret was already in the previous version (found there by the same
//!    rule) is not new; every other finding is reported at every commit and path that
//!    introduced the pair.

use std::collections::{HashMap, HashSet};
use std::io::Cursor;
use std::ops::Range;
use std::path::Path;
use std::sync::{Arc, Mutex};

use gix::ObjectId;
use gix::odb::pack::cache::DecodeEntry;
use gix::odb::pack::cache::lru::MemoryCappedHashmap;
use rayon::prelude::*;

use crate::archive;
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
/// Delta-base cache for blobs read through the object database (loose objects, alternates).
const BLOB_PACK_CACHE_BYTES: usize = 8 * 1024 * 1024;
/// Decoded entries a family keeps for the deltas and jobs still to come. Past it, what needs
/// them decodes them again.
const FAMILY_KEEP_BYTES: usize = 32 * 1024 * 1024;
/// Decoded blobs held for jobs waiting for their other input (a blob's previous version is
/// often in another delta family). Past it, a job reads what it lacks again.
const HELD_BYTES: usize = 64 * 1024 * 1024;
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
type Occurrences = FastMap<(ObjectId, Option<ObjectId>), Vec<(usize, String)>>;

/// A map with a fast, randomly seeded hash (keyed by object ids, pack offsets, indices).
type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

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
    let tree_of: FastMap<ObjectId, ObjectId> = commit_ids
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
    let mut occurrences: Occurrences = FastMap::default();
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

    // 2 and 3. Each (blob, previous) pair once: its objects decoded from the packs a delta tree
    //    at a time (trees in parallel), and scanned as soon as both are decoded.
    let mut jobs: Vec<Job<'_>> = occurrences
        .iter()
        .filter_map(|(&(blob, previous), places)| {
            Some(Job {
                blob,
                previous,
                name: places.first()?.1.as_str(),
                first: false,
            })
        })
        .collect();
    jobs.sort_unstable_by_key(|j| (j.blob, j.previous));
    let mut unique = 0u64;
    for i in 0..jobs.len() {
        let first = i == 0 || jobs[i - 1].blob != jobs[i].blob;
        jobs[i].first = first;
        unique += u64::from(first);
    }
    Progress::add_total(ctx.options.progress.as_ref(), jobs.len() as u64);
    let scanned = {
        let repo = sync.to_thread_local();
        let packs = git::Packs::open(&repo, MAX_BLOB_BYTES);
        let plan = Plan::new(&packs, &jobs);
        run_plan(ctx, sync, &packs, &plan, &jobs)
    };

    // 4. Every commit and path that introduced each finding.
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
            for (inner, finding) in &findings {
                report.findings.push(Located {
                    path: inner.as_ref().map_or_else(|| path.clone(), |i| i.at(path)),
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

/// A finding in a blob, or (with where) in a file inside it when the blob is an archive.
type Hit = (Option<Inner>, Finding);

/// Where in an archive blob a finding is: its display path is the blob's path, less `drop`
/// trailing bytes (a `.gz` extension: `a.txt.gz` holds `a.txt`), followed by `suffix`
/// (`!inner/file`), as the archive walker names entries of an archive file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Inner {
    drop: usize,
    suffix: String,
}

impl Inner {
    /// How the walker named `display` inside an archive it was given as `name`.
    fn of(name: &str, display: &str) -> Option<Inner> {
        if display == name {
            return None;
        }
        let common = name
            .char_indices()
            .zip(display.chars())
            .find(|((_, a), b)| a != b)
            .map_or(name.len().min(display.len()), |((at, _), _)| at);
        Some(Inner {
            drop: name.len() - common,
            suffix: display.get(common..).unwrap_or_default().to_owned(),
        })
    }

    /// The display path of this finding in the same blob found at `path`.
    fn at(&self, path: &str) -> String {
        let keep = path.len().saturating_sub(self.drop);
        let head = path.get(..keep).unwrap_or(path);
        format!("{head}{}", self.suffix)
    }
}

/// Scan one pair.
fn scan_job(
    ctx: &FileScan<'_>,
    job: &Job<'_>,
    ix: usize,
    data: Blob,
    previous: Option<&Vec<u8>>,
) -> Scanned {
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
    blob: ObjectId,
    previous: Option<ObjectId>,
    /// The first path it was introduced at (file-name rules: lockfiles, minified bundles).
    name: &'a str,
    /// The first pair of this blob (its stats and notes count once).
    first: bool,
}

/// How the blobs of the jobs are decoded.
struct Plan {
    /// In the pack order of their first entries.
    families: Vec<Family>,
    /// Jobs whose blob is not in a pack (loose, in an alternate, or unknown).
    loose: Vec<usize>,
    /// Objects each job waits for: 2 with a packed previous version, else 1.
    waits: Vec<u8>,
}

/// A delta tree: pack entries stored as deltas of one another, down to one full object.
/// Decoded in pack order, each entry's base is decoded (and kept) before it, so every entry is
/// inflated once.
struct Family {
    nodes: Vec<Node>,
    /// `(pack, data offset)` of each node, sorted (the delta-base cache's key).
    keys: Vec<(u32, u64)>,
}

/// One pack entry of a family.
struct Node {
    loc: git::Loc,
    /// The node it is a delta of.
    base: Option<usize>,
    /// Nodes that are deltas of it: it is kept until they are decoded.
    children: u32,
    /// The jobs it is an input of, and whether as their blob (else as the previous version).
    inputs: Vec<(usize, bool)>,
}

impl Plan {
    fn new(packs: &git::Packs, jobs: &[Job<'_>]) -> Plan {
        // Every entry on the delta chains of the objects the jobs need.
        let mut ix: FastMap<git::Loc, usize> = FastMap::default();
        let mut locs: Vec<git::Loc> = Vec::new();
        let mut infos: Vec<Option<git::EntryInfo>> = Vec::new();
        let mut located: FastMap<ObjectId, Option<usize>> = FastMap::default();
        let mut node_of = |loc: git::Loc, locs: &mut Vec<git::Loc>, infos: &mut Vec<_>| {
            *ix.entry(loc).or_insert_with(|| {
                locs.push(loc);
                infos.push(None);
                locs.len() - 1
            })
        };
        let mut locate = |id: ObjectId| -> Option<usize> {
            if let Some(&known) = located.get(&id) {
                return known;
            }
            let found = packs.locate(&id).map(|loc| {
                let first = node_of(loc, &mut locs, &mut infos);
                // Walk down the chain to the first entry already known, or its full object.
                let mut at = first;
                while infos[at].is_none() {
                    let info = packs.entry_info(locs[at]).unwrap_or(git::EntryInfo {
                        data_offset: locs[at].offset,
                        base: None,
                    });
                    infos[at] = Some(info);
                    let Some(base) = info.base else { break };
                    at = node_of(base, &mut locs, &mut infos);
                }
                first
            });
            located.insert(id, found);
            found
        };
        let job_nodes: Vec<(Option<usize>, Option<usize>)> = jobs
            .iter()
            .map(|job| (locate(job.blob), job.previous.and_then(&mut locate)))
            .collect();
        let infos: Vec<git::EntryInfo> = infos
            .into_iter()
            .zip(&locs)
            .map(|(info, loc)| {
                info.unwrap_or(git::EntryInfo {
                    data_offset: loc.offset,
                    base: None,
                })
            })
            .collect();
        let base_of: Vec<Option<usize>> = infos
            .iter()
            .map(|info| info.base.and_then(|b| ix.get(&b).copied()))
            .collect();

        // Families: entries joined to their bases.
        let mut sets = DisjointSets::new(locs.len());
        for (node, base) in base_of.iter().enumerate() {
            if let Some(base) = base {
                sets.union(node, *base);
            }
        }
        let key = |n: usize| (locs[n].pack, infos[n].data_offset);
        let mut members: FastMap<usize, Vec<usize>> = FastMap::default();
        for node in 0..locs.len() {
            members.entry(sets.find(node)).or_default().push(node);
        }
        let mut members: Vec<Vec<usize>> = members.into_values().collect();
        for nodes in &mut members {
            nodes.sort_by_key(|&n| key(n));
        }
        members.sort_by_key(|nodes| nodes.first().map(|&n| key(n)));
        let mut family_of = vec![(0usize, 0usize); locs.len()];
        let mut families: Vec<Family> = members
            .into_iter()
            .enumerate()
            .map(|(f, nodes)| {
                for (at, &n) in nodes.iter().enumerate() {
                    family_of[n] = (f, at);
                }
                Family {
                    keys: nodes.iter().map(|&n| key(n)).collect(),
                    nodes: nodes
                        .iter()
                        .map(|&n| Node {
                            loc: locs[n],
                            base: None,
                            children: 0,
                            inputs: Vec::new(),
                        })
                        .collect(),
                }
            })
            .collect();
        for (node, base) in base_of.iter().enumerate() {
            if let Some(base) = base {
                let (f, at) = family_of[node];
                let (_, base_at) = family_of[*base];
                families[f].nodes[at].base = Some(base_at);
                families[f].nodes[base_at].children += 1;
            }
        }
        let mut loose = Vec::new();
        let mut waits = vec![0u8; jobs.len()];
        for (job, (blob, previous)) in job_nodes.iter().enumerate() {
            let Some(blob) = blob else {
                loose.push(job);
                continue;
            };
            for (node, as_blob) in [(Some(*blob), true), (*previous, false)] {
                if let Some(node) = node {
                    let (f, at) = family_of[node];
                    families[f].nodes[at].inputs.push((job, as_blob));
                    waits[job] += 1;
                }
            }
        }
        Plan {
            families,
            loose,
            waits,
        }
    }
}

/// Union-find over node indices.
struct DisjointSets(Vec<usize>);

impl DisjointSets {
    fn new(n: usize) -> DisjointSets {
        DisjointSets((0..n).collect())
    }

    fn find(&mut self, mut x: usize) -> usize {
        while self.0[x] != x {
            self.0[x] = self.0[self.0[x]];
            x = self.0[x];
        }
        x
    }

    fn union(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        if a != b {
            self.0[a.max(b)] = a.min(b);
        }
    }
}

/// What a scanned job gives: its index, stats, notes and findings.
type Scanned = (usize, Stats, Vec<Note>, Vec<Hit>);

/// A job's inputs as they are decoded (by whichever worker decodes them).
#[derive(Default)]
struct Pending {
    blob: Option<Arc<Vec<u8>>>,
    previous: Option<Arc<Vec<u8>>>,
    /// Inputs not yet decoded.
    waits: u8,
}

/// Decoded data the pending jobs hold, shared by the workers.
struct Inbox {
    pending: Vec<Mutex<Pending>>,
    held: std::sync::atomic::AtomicUsize,
}

/// Decode the plan's families on every worker of the pool, each taking the next family in pack
/// order (so that a job's two inputs, usually in families close to each other, are decoded
/// at about the same time), and scan each job once both its inputs are decoded.
fn run_plan(
    ctx: &FileScan<'_>,
    sync: &gix::ThreadSafeRepository,
    packs: &git::Packs,
    plan: &Plan,
    jobs: &[Job<'_>],
) -> Vec<Scanned> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let inbox = Inbox {
        pending: plan
            .waits
            .iter()
            .map(|&waits| {
                Mutex::new(Pending {
                    waits,
                    ..Pending::default()
                })
            })
            .collect(),
        held: AtomicUsize::new(0),
    };
    let next = AtomicUsize::new(0);
    let out: Mutex<Vec<Scanned>> = Mutex::new(Vec::with_capacity(jobs.len()));
    let workers = rayon::current_num_threads().max(1);
    rayon::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|_| {
                let mut worker = Worker {
                    ctx,
                    sync,
                    jobs,
                    inbox: &inbox,
                    repo: None,
                    inflate: gix::zlib::Inflate::default(),
                    scratch: Vec::new(),
                    scanned: Vec::new(),
                };
                loop {
                    let f = next.fetch_add(1, Ordering::Relaxed);
                    let Some(family) = plan.families.get(f) else {
                        break;
                    };
                    worker.family(packs, family);
                }
                if let Ok(mut out) = out.lock() {
                    out.append(&mut worker.scanned);
                }
            });
        }
    });
    let mut scanned = out.into_inner().unwrap_or_default();
    // Jobs whose blob is not in a pack, and those whose inputs could not all be decoded from
    // one (an error), are read through the object database.
    let stuck: Vec<usize> = inbox
        .pending
        .iter()
        .enumerate()
        .filter(|(_, p)| p.lock().map_or(true, |p| p.waits > 0))
        .map(|(job, _)| job)
        .chain(plan.loose.iter().copied())
        .collect();
    scanned.extend(read_loose(ctx, sync, &stuck, jobs));
    scanned
}

/// One worker's state.
struct Worker<'w, 'a> {
    ctx: &'w FileScan<'a>,
    sync: &'w gix::ThreadSafeRepository,
    jobs: &'w [Job<'w>],
    inbox: &'w Inbox,
    /// For what is read through the object database.
    repo: Option<gix::Repository>,
    inflate: gix::zlib::Inflate,
    /// An inflated delta.
    scratch: Vec<u8>,
    scanned: Vec<Scanned>,
}

impl Worker<'_, '_> {
    /// Decode a family's entries in pack order, each once (a delta from its kept base), and
    /// hand each to the jobs waiting for it.
    fn family(&mut self, packs: &git::Packs, family: &Family) {
        let mut kept: Vec<Option<Arc<Vec<u8>>>> = vec![None; family.nodes.len()];
        let mut children: Vec<u32> = family.nodes.iter().map(|n| n.children).collect();
        let mut kept_bytes = 0usize;
        for (at, node) in family.nodes.iter().enumerate() {
            // From the kept base (or a full object on its own); else through the decoder's
            // own chain walk, which resolves what it can from the kept entries.
            let base = node.base.and_then(|b| kept[b].as_deref());
            let decoded = packs
                .decode_from(
                    node.loc,
                    base.map(Vec::as_slice),
                    &mut self.scratch,
                    &mut self.inflate,
                )
                .or_else(|_| {
                    let mut data = Vec::new();
                    let mut cache = Kept {
                        keys: &family.keys,
                        kept: &kept,
                    };
                    packs
                        .decode(node.loc, &mut data, &mut self.inflate, &mut cache)
                        .map(|_| data)
                });
            if let Some(base) = node.base {
                children[base] = children[base].saturating_sub(1);
                if children[base] == 0
                    && let Some(data) = kept[base].take()
                {
                    kept_bytes = kept_bytes.saturating_sub(data.len());
                }
            }
            let Ok(data) = decoded else {
                // Its jobs stay pending and are read through the object database at the end.
                continue;
            };
            let data = Arc::new(data);
            if children[at] > 0 && kept_bytes + data.len() <= FAMILY_KEEP_BYTES {
                kept_bytes += data.len();
                kept[at] = Some(Arc::clone(&data));
            }
            for &(job, as_blob) in &node.inputs {
                self.deliver(job, as_blob, &data);
            }
        }
    }

    /// Give a job one of its inputs; scan it when it has them all.
    fn deliver(&mut self, job: usize, as_blob: bool, data: &Arc<Vec<u8>>) {
        use std::sync::atomic::Ordering;
        let Some(Ok(mut pending)) = self.inbox.pending.get(job).map(Mutex::lock) else {
            return;
        };
        pending.waits = pending.waits.saturating_sub(1);
        if pending.waits > 0 {
            // Held for the other input, within the budget; past it, read again then.
            let held = self.inbox.held.load(Ordering::Relaxed);
            if held + data.len() <= HELD_BYTES {
                self.inbox.held.fetch_add(data.len(), Ordering::Relaxed);
                *(if as_blob {
                    &mut pending.blob
                } else {
                    &mut pending.previous
                }) = Some(Arc::clone(data));
            }
            return;
        }
        let mut inputs = std::mem::take(&mut *pending);
        drop(pending);
        for held in [&inputs.blob, &inputs.previous].into_iter().flatten() {
            self.inbox.held.fetch_sub(held.len(), Ordering::Relaxed);
        }
        if as_blob {
            inputs.blob = Some(Arc::clone(data));
        } else {
            inputs.previous = Some(Arc::clone(data));
        }
        self.run(job, inputs);
    }

    /// Scan a job, reading what it lacks through the object database.
    fn run(&mut self, ix: usize, inputs: Pending) {
        let job = &self.jobs[ix];
        let sync = self.sync;
        let repo = self.repo.get_or_insert_with(|| sync.to_thread_local());
        let blob = match inputs.blob {
            Some(data) => Ok(data),
            None => read_blob(repo, job.blob, job.name).map(Arc::new),
        };
        let previous = match (inputs.previous, job.previous) {
            (Some(data), _) => Some(data),
            (None, Some(p)) => read_blob(repo, p, job.name).ok().map(Arc::new),
            (None, None) => None,
        };
        let scanned = scan_job(self.ctx, job, ix, blob, previous.as_deref());
        self.scanned.push(scanned);
    }
}

/// The kept entries of a family, as the pack decoder's delta-base cache.
struct Kept<'a> {
    keys: &'a [(u32, u64)],
    kept: &'a [Option<Arc<Vec<u8>>>],
}

impl DecodeEntry for Kept<'_> {
    fn put(&mut self, _: u32, _: u64, _: &[u8], _: gix::object::Kind, _: usize) {}

    fn get(
        &mut self,
        pack_id: u32,
        offset: u64,
        out: &mut Vec<u8>,
    ) -> Option<(gix::object::Kind, usize)> {
        let at = self.keys.binary_search(&(pack_id, offset)).ok()?;
        let data = self.kept.get(at)?.as_ref()?;
        out.clear();
        out.extend_from_slice(data);
        // Git deltas an object only against one of its own kind, and these are blobs.
        Some((gix::object::Kind::Blob, 0))
    }
}

/// Read and scan `loose` jobs through the object database.
fn read_loose(
    ctx: &FileScan<'_>,
    sync: &gix::ThreadSafeRepository,
    loose: &[usize],
    jobs: &[Job<'_>],
) -> Vec<Scanned> {
    if loose.is_empty() {
        return Vec::new();
    }
    let cache = SharedPackCache::new(BLOB_PACK_CACHE_BYTES);
    loose
        .par_iter()
        .map_init(
            || reader(sync, &cache, 0),
            |repo, &ix| {
                let job = &jobs[ix];
                let blob = read_blob(repo, job.blob, job.name).map(Arc::new);
                let previous = job.previous.and_then(|p| read_blob(repo, p, job.name).ok());
                scan_job(ctx, job, ix, blob, previous.as_ref())
            },
        )
        .collect()
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
) -> (Stats, Vec<Note>, Vec<Hit>) {
    if ctx.options.archives
        && let Some(kind) = archive::kind(name)
    {
        return scan_archive_blob(ctx, kind, name, data, previous);
    }
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
    (
        stats,
        notes,
        findings.into_iter().map(|f| (None, f)).collect(),
    )
}

/// Scan an archive blob with the limits of an archive file, less what its previous version
/// already held (the same secret in the same entry).
fn scan_archive_blob(
    ctx: &FileScan<'_>,
    kind: archive::Kind,
    name: &str,
    data: &[u8],
    previous: Option<&[u8]>,
) -> (Stats, Vec<Note>, Vec<Hit>) {
    let hits = |report: Report| -> Vec<Hit> {
        report
            .findings
            .into_iter()
            .map(|l| (Inner::of(name, &l.path), l.finding))
            .collect()
    };
    let mut out = archive::scan_bytes(ctx, kind, data, name);
    let notes = std::mem::take(&mut out.notes);
    let stats = out.stats.clone();
    let mut found = hits(out);
    if let Some(previous) = previous
        && !found.is_empty()
    {
        let before: HashSet<(Option<Inner>, String)> =
            hits(archive::scan_bytes(ctx, kind, previous, name))
                .into_iter()
                .map(|(inner, f)| (inner, f.fingerprint))
                .collect();
        found.retain(|(inner, f)| !before.contains(&(inner.clone(), f.fingerprint.clone())));
    }
    (stats, notes, found)
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
    let old_part = &old[start..old_end];
    let mut old_lines: HashSet<&[u8], foldhash::fast::RandomState> =
        HashSet::with_capacity_and_hasher(
            memchr::memchr_iter(b'\n', old_part).count() + 1,
            foldhash::fast::RandomState::default(),
        );
    old_lines.extend(old_part.split_inclusive(|&b| b == b'\n').map(strip_newline));

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
    fn archive_entry_paths_follow_the_blob_path() {
        for (name, display, other, expected) in [
            ("a.zip", "a.zip", "b/c.zip", "b/c.zip"),
            ("a.zip", "a.zip!x/y.env", "b/c.zip", "b/c.zip!x/y.env"),
            (
                "d/a.zip",
                "d/a.zip!in.tar.gz!k",
                "e.zip",
                "e.zip!in.tar.gz!k",
            ),
            // A gzip file holds the file named without its extension.
            (
                "logs/app.log.gz",
                "logs/app.log",
                "old/app.log.gz",
                "old/app.log",
            ),
            ("x.sql.gz", "x.sql", "y.sql.gz", "y.sql"),
            ("é.zip", "é.zip!ü", "o.zip", "o.zip!ü"),
        ] {
            let got = Inner::of(name, display).map_or_else(|| other.to_owned(), |i| i.at(other));
            assert_eq!(got, expected, "{name} {display}");
            let same = Inner::of(name, display).map_or_else(|| name.to_owned(), |i| i.at(name));
            assert_eq!(same, display);
        }
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
