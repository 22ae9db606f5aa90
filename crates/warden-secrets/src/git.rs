//! Reading a repository through `gix`: tips and ranges, commit walks, tree diffs that list the
//! blobs a commit introduced, and commit metadata.

use std::path::Path;

use gix::ObjectId;
use gix::bstr::{BString, ByteSlice};
use gix::objs::tree::EntryKind;

use crate::error::Error;
use crate::report::CommitInfo;

/// Deepest directory nesting followed in a tree (git itself has no limit; a crafted repository
/// must not overflow the stack).
const MAX_TREE_DEPTH: usize = 256;

/// Open the repository containing `dir`.
pub(crate) fn open(dir: &Path) -> Result<gix::Repository, Error> {
    gix::discover(dir).map_err(|_| Error::NotARepository {
        path: dir.to_owned(),
    })
}

/// Open the repository containing `dir` for reading every object in it: an object (or a delta
/// base) larger than `max_object_bytes` is an error rather than an allocation of any size a
/// crafted pack declares.
pub(crate) fn open_bounded(dir: &Path, max_object_bytes: u64) -> Result<gix::Repository, Error> {
    let mut trust = gix::sec::trust::Mapping::<gix::open::Options>::default();
    // Repositories of reduced trust keep gix's own, lower, default limit.
    trust.full = trust
        .full
        .config_overrides([format!("gitoxide.objects.allocLimit={max_object_bytes}")]);
    gix::ThreadSafeRepository::discover_opts(dir, Default::default(), trust)
        .map(gix::Repository::from)
        .map_err(|_| Error::NotARepository {
            path: dir.to_owned(),
        })
}

/// A named starting point of history: a branch, tag, remote branch, stash entry or HEAD.
#[derive(Debug, Clone)]
pub(crate) struct Tip {
    pub name: String,
    pub commit: ObjectId,
}

/// Every ref (branches, tags, remotes, `refs/stash`), each stash entry in the stash reflog, and
/// HEAD, peeled to commits.
pub(crate) fn all_tips(repo: &gix::Repository) -> Result<Vec<Tip>, Error> {
    let mut tips = Vec::new();
    let platform = repo.references().map_err(Error::git)?;
    for reference in platform.all().map_err(Error::git)? {
        let Ok(mut reference) = reference else {
            continue;
        };
        let name = reference.name().as_bstr().to_str_lossy().into_owned();
        if let Ok(id) = reference.peel_to_id()
            && let Some(commit) = peel_commit(repo, id.detach())
        {
            tips.push(Tip { name, commit });
        }
    }
    // Older stash entries live only in the stash's reflog.
    if let Ok(Some(stash)) = repo.try_find_reference("refs/stash") {
        let mut log = stash.log_iter();
        if let Ok(Some(lines)) = log.all() {
            let entries: Vec<ObjectId> =
                lines.filter_map(Result::ok).map(|l| l.new_oid()).collect();
            let count = entries.len();
            for (i, id) in entries.into_iter().enumerate() {
                if let Some(commit) = peel_commit(repo, id) {
                    tips.push(Tip {
                        name: format!("stash@{{{}}}", count - 1 - i),
                        commit,
                    });
                }
            }
        }
    }
    if let Ok(head) = repo.head_id() {
        tips.push(Tip {
            name: "HEAD".to_owned(),
            commit: head.detach(),
        });
    }
    Ok(tips)
}

fn peel_commit(repo: &gix::Repository, id: ObjectId) -> Option<ObjectId> {
    let object = repo.find_object(id).ok()?;
    Some(object.peel_to_commit().ok()?.id)
}

/// Resolve one revision to a commit.
pub(crate) fn resolve(repo: &gix::Repository, rev: &str) -> Result<ObjectId, Error> {
    if rev.starts_with('-') {
        return Err(Error::Revision {
            rev: rev.to_owned(),
            message: "a revision may not start with '-'".to_owned(),
        });
    }
    let id = repo
        .rev_parse_single(rev.as_bytes().as_bstr())
        .map_err(|e| Error::Revision {
            rev: rev.to_owned(),
            message: e.to_string(),
        })?;
    peel_commit(repo, id.detach()).ok_or_else(|| Error::Revision {
        rev: rev.to_owned(),
        message: "does not name a commit".to_owned(),
    })
}

/// The commits of a range: `A..B` (reachable from B, not from A), `A...B` (either side, not
/// both: approximated as reachable from A or B but not from their merge bases), a single
/// revision (everything reachable from it), or `None` (every ref, stash and HEAD).
pub(crate) fn commits(repo: &gix::Repository, range: Option<&str>) -> Result<Vec<ObjectId>, Error> {
    let (tips, hidden): (Vec<ObjectId>, Vec<ObjectId>) = match range {
        None => (
            all_tips(repo)?.into_iter().map(|t| t.commit).collect(),
            Vec::new(),
        ),
        Some(range) => {
            if let Some((a, b)) = range.split_once("...") {
                let a = resolve(repo, if a.is_empty() { "HEAD" } else { a })?;
                let b = resolve(repo, if b.is_empty() { "HEAD" } else { b })?;
                let bases = repo
                    .merge_bases_many(a, &[b])
                    .map(|ids| ids.into_iter().map(|id| id.detach()).collect())
                    .unwrap_or_default();
                (vec![a, b], bases)
            } else if let Some((a, b)) = range.split_once("..") {
                let a = resolve(repo, if a.is_empty() { "HEAD" } else { a })?;
                let b = resolve(repo, if b.is_empty() { "HEAD" } else { b })?;
                (vec![b], vec![a])
            } else {
                (vec![resolve(repo, range)?], Vec::new())
            }
        }
    };
    if tips.is_empty() {
        return Ok(Vec::new());
    }
    let walk = repo
        .rev_walk(tips)
        .with_hidden(hidden)
        .all()
        .map_err(Error::git)?;
    let mut out = Vec::new();
    for info in walk {
        out.push(info.map_err(Error::git)?.id);
    }
    Ok(out)
}

/// A commit's tree, parents and metadata.
pub(crate) struct CommitData {
    pub tree: ObjectId,
    pub parents: Vec<ObjectId>,
    pub info: CommitInfo,
}

pub(crate) fn commit_data(repo: &gix::Repository, id: ObjectId) -> Result<CommitData, Error> {
    let commit = repo.find_commit(id).map_err(Error::git)?;
    let tree = commit.tree_id().map_err(Error::git)?.detach();
    let parents = commit.parent_ids().map(|p| p.detach()).collect();
    let (author, email, seconds) = match commit.author() {
        Ok(sig) => (
            sig.name.trim().to_str_lossy().into_owned(),
            sig.email.trim().to_str_lossy().into_owned(),
            sig.seconds(),
        ),
        Err(_) => (String::new(), String::new(), 0),
    };
    Ok(CommitData {
        tree,
        parents,
        info: CommitInfo {
            id: id.to_string(),
            author,
            email,
            date: rfc3339(seconds),
        },
    })
}

/// One entry of a tree.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub name: BString,
    pub kind: EntryKind,
    pub id: ObjectId,
}

pub(crate) fn tree_entries(repo: &gix::Repository, id: ObjectId) -> Result<Vec<Entry>, Error> {
    let object = repo.find_object(id).map_err(Error::git)?;
    let mut out = Vec::new();
    for entry in gix::objs::TreeRefIter::from_bytes(&object.data, repo.object_hash()) {
        let entry = entry.map_err(Error::git)?;
        out.push(Entry {
            name: entry.filename.to_owned(),
            kind: entry.mode.kind(),
            id: entry.oid.to_owned(),
        });
    }
    Ok(out)
}

/// A blob a commit introduced at a path: present in the commit's tree and different from the
/// blob at that path in every parent.
#[derive(Debug, Clone)]
pub(crate) struct Introduced {
    pub path: String,
    pub blob: ObjectId,
    /// The blob at this path in the first parent, if there was one.
    pub previous: Option<ObjectId>,
}

/// The blobs `tree` introduces relative to `parents` (all of them, for a root commit).
///
/// Both sides of each directory are walked together in git's tree order, so a subtree whose id
/// is unchanged in some parent is skipped without being read, and a path is built only for an
/// entry that changed.
pub(crate) fn introduced(
    repo: &gix::Repository,
    tree: ObjectId,
    parents: &[ObjectId],
    out: &mut Vec<Introduced>,
) -> Result<(), Error> {
    let olds: Vec<Option<ObjectId>> = parents.iter().map(|p| Some(*p)).collect();
    let mut prefix = String::new();
    diff_dir(repo, tree, &olds, &mut prefix, 0, out)
}

/// One entry of a tree, borrowed from the tree's data.
struct EntryRef<'a> {
    name: &'a [u8],
    kind: EntryKind,
    id: &'a gix::oid,
}

impl EntryRef<'_> {
    /// Whether git sorts this entry as a directory (with an implicit trailing `/`).
    fn sorts_as_dir(&self) -> bool {
        self.kind == EntryKind::Tree
    }
}

/// Git's tree order: names compared bytewise, a directory's name followed by `/`.
fn tree_order(a: &EntryRef<'_>, b: &EntryRef<'_>) -> std::cmp::Ordering {
    let n = a.name.len().min(b.name.len());
    a.name[..n].cmp(&b.name[..n]).then_with(|| {
        let next = |e: &EntryRef<'_>| {
            e.name
                .get(n)
                .copied()
                .or_else(|| e.sorts_as_dir().then_some(b'/'))
        };
        next(a).cmp(&next(b))
    })
}

fn parse_tree<'a>(data: &'a [u8], hash: gix::hash::Kind) -> Result<Vec<EntryRef<'a>>, Error> {
    gix::objs::TreeRefIter::from_bytes(data, hash)
        .map(|entry| {
            let entry = entry.map_err(Error::git)?;
            Ok(EntryRef {
                name: entry.filename.as_bytes(),
                kind: entry.mode.kind(),
                id: entry.oid,
            })
        })
        .collect()
}

fn diff_dir(
    repo: &gix::Repository,
    new: ObjectId,
    olds: &[Option<ObjectId>],
    prefix: &mut String,
    depth: usize,
    out: &mut Vec<Introduced>,
) -> Result<(), Error> {
    if depth > MAX_TREE_DEPTH {
        return Ok(());
    }
    let hash = repo.object_hash();
    let new_tree = repo.find_object(new).map_err(Error::git)?;
    let old_trees = olds
        .iter()
        .map(|old| {
            old.map(|id| repo.find_object(id).map_err(Error::git))
                .transpose()
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let old_entries = old_trees
        .iter()
        .map(|tree| {
            tree.as_ref()
                .map_or(Ok(Vec::new()), |t| parse_tree(&t.data, hash))
        })
        .collect::<Result<Vec<_>, Error>>()?;
    // One cursor per parent: both sides are sorted the same way, so each advances monotonically.
    // An unsorted (malformed) tree only makes entries look new: they are scanned, not skipped.
    let mut cursors = vec![0usize; old_entries.len()];
    let mut matches: Vec<Option<&EntryRef<'_>>> = vec![None; old_entries.len()];
    for entry in gix::objs::TreeRefIter::from_bytes(&new_tree.data, hash) {
        let entry = entry.map_err(Error::git)?;
        let entry = EntryRef {
            name: entry.filename.as_bytes(),
            kind: entry.mode.kind(),
            id: entry.oid,
        };
        for ((olds, cursor), found) in old_entries.iter().zip(&mut cursors).zip(&mut matches) {
            while olds
                .get(*cursor)
                .is_some_and(|o| tree_order(o, &entry).is_lt())
            {
                *cursor += 1;
            }
            *found = olds
                .get(*cursor)
                .filter(|o| o.name == entry.name && o.sorts_as_dir() == entry.sorts_as_dir());
        }
        if matches.iter().flatten().any(|o| o.id == entry.id) {
            continue;
        }
        let kept = prefix.len();
        if !prefix.is_empty() {
            prefix.push('/');
        }
        prefix.push_str(&entry.name.to_str_lossy());
        match entry.kind {
            EntryKind::Tree => {
                let sub_olds: Vec<Option<ObjectId>> =
                    matches.iter().map(|m| m.map(|o| o.id.to_owned())).collect();
                diff_dir(repo, entry.id.to_owned(), &sub_olds, prefix, depth + 1, out)?;
            }
            EntryKind::Blob | EntryKind::BlobExecutable => {
                let previous = matches.first().copied().flatten().and_then(|o| {
                    matches!(o.kind, EntryKind::Blob | EntryKind::BlobExecutable)
                        .then(|| o.id.to_owned())
                });
                out.push(Introduced {
                    path: prefix.clone(),
                    blob: entry.id.to_owned(),
                    previous,
                });
            }
            EntryKind::Link | EntryKind::Commit => {}
        }
        prefix.truncate(kept);
    }
    Ok(())
}

/// The repository's pack files, opened directly so that many objects can be decoded in
/// parallel, each delta chain once, with a delta-base cache the caller controls (see
/// `history`). Objects outside them (loose objects, alternates) are read through the object
/// database instead.
pub(crate) struct Packs {
    bundles: Vec<gix::odb::pack::Bundle>,
    /// Largest object (or delta) decoded.
    max_object_bytes: usize,
}

/// Where an object is stored in [`Packs`]: the pack, and its entry's offset in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Loc {
    pub pack: u32,
    pub offset: u64,
}

/// A pack entry's header, as far as decoding order is concerned.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EntryInfo {
    /// Where the entry's compressed data starts (what a delta-base cache is keyed by).
    pub data_offset: u64,
    /// The entry this one is a delta of, when it is one, in the same pack.
    pub base: Option<Loc>,
}

impl Packs {
    /// Open every `*.pack` (with its `.idx`) of the repository's object directory; a pack that
    /// does not open is left out (its objects are then read through the object database). No
    /// object decoded may need more than `max_object_bytes`.
    pub(crate) fn open(repo: &gix::Repository, max_object_bytes: u64) -> Packs {
        let dir = repo.common_dir().join("objects").join("pack");
        let mut paths: Vec<std::path::PathBuf> = std::fs::read_dir(&dir)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|e| e == "idx"))
                    .collect()
            })
            .unwrap_or_default();
        paths.sort();
        let max_object_bytes = usize::try_from(max_object_bytes).unwrap_or(usize::MAX);
        let limit = Some(max_object_bytes);
        let bundles = paths
            .iter()
            .filter_map(|path| gix::odb::pack::Bundle::at(path, repo.object_hash()).ok())
            .enumerate()
            .filter_map(|(i, bundle)| {
                let gix::odb::pack::Bundle { pack, index } = bundle;
                let mut pack = pack.with_alloc_limit_bytes(limit);
                pack.id = u32::try_from(i).ok()?;
                Some(gix::odb::pack::Bundle { pack, index })
            })
            .collect();
        Packs {
            bundles,
            max_object_bytes,
        }
    }

    /// Where `id` is stored, if in one of the packs.
    pub(crate) fn locate(&self, id: &gix::oid) -> Option<Loc> {
        self.bundles.iter().find_map(|b| {
            let ix = b.index.lookup(id)?;
            Some(Loc {
                pack: b.pack.id,
                offset: b.index.pack_offset_at_index(ix),
            })
        })
    }

    /// The header of the entry at `loc`.
    pub(crate) fn entry_info(&self, loc: Loc) -> Option<EntryInfo> {
        use gix::odb::pack::data::entry::Header;
        let bundle = self.bundles.get(loc.pack as usize)?;
        let entry = bundle.pack.entry(loc.offset).ok()?;
        let base = match entry.header {
            Header::OfsDelta { base_distance } => entry
                .checked_base_pack_offset(base_distance)
                .map(|offset| Loc {
                    pack: loc.pack,
                    offset,
                }),
            Header::RefDelta { base_id } => bundle.index.lookup(base_id).map(|ix| Loc {
                pack: loc.pack,
                offset: bundle.index.pack_offset_at_index(ix),
            }),
            _ => None,
        };
        Some(EntryInfo {
            data_offset: entry.data_offset,
            base,
        })
    }

    /// Decode the object at `loc` given the data of its delta base (as [`Packs::entry_info`]
    /// names it), or, for a full object, on its own: one inflate, no copy of the base.
    /// `scratch` holds the inflated delta.
    pub(crate) fn decode_from(
        &self,
        loc: Loc,
        base: Option<&[u8]>,
        scratch: &mut Vec<u8>,
        inflate: &mut gix::zlib::Inflate,
    ) -> Result<Vec<u8>, Error> {
        let bundle = self
            .bundles
            .get(loc.pack as usize)
            .ok_or_else(|| Error::git("no such pack"))?;
        let entry = bundle.pack.entry(loc.offset).map_err(Error::git)?;
        let size = usize::try_from(entry.decompressed_size)
            .ok()
            .filter(|&n| n <= self.max_object_bytes)
            .ok_or_else(|| Error::git("pack entry over the size limit"))?;
        let inflated = |out: &mut Vec<u8>, inflate: &mut gix::zlib::Inflate| {
            out.clear();
            out.resize(size, 0);
            bundle
                .pack
                .decompress_entry(&entry, inflate, out)
                .map_err(Error::git)
        };
        match (entry.header.is_delta(), base) {
            (false, _) => {
                let mut out = Vec::new();
                inflated(&mut out, inflate)?;
                Ok(out)
            }
            (true, Some(base)) => {
                inflated(scratch, inflate)?;
                apply_delta(base, scratch, self.max_object_bytes)
            }
            (true, None) => Err(Error::git("delta without its base")),
        }
    }

    /// Decode the object at `loc` into `out`, resolving deltas through `cache` first (keyed by
    /// pack id and data offset; see [`EntryInfo::data_offset`]).
    pub(crate) fn decode(
        &self,
        loc: Loc,
        out: &mut Vec<u8>,
        inflate: &mut gix::zlib::Inflate,
        cache: &mut dyn gix::odb::pack::cache::DecodeEntry,
    ) -> Result<gix::object::Kind, Error> {
        use gix::odb::pack::data::decode::entry::ResolvedBase;
        let bundle = self
            .bundles
            .get(loc.pack as usize)
            .ok_or_else(|| Error::git("no such pack"))?;
        let entry = bundle.pack.entry(loc.offset).map_err(Error::git)?;
        // A base named by id must be in the same pack; anything else is read by the caller
        // through the object database.
        let resolve = |id: &gix::oid, _: &mut Vec<u8>| -> gix::Result<Option<ResolvedBase>> {
            Ok(bundle
                .index
                .lookup(id)
                .map(|ix| bundle.index.pack_offset_at_index(ix))
                .and_then(|offset| bundle.pack.entry(offset).ok())
                .map(ResolvedBase::InPack))
        };
        let outcome = bundle
            .pack
            .decode_entry(entry, out, inflate, &resolve, cache)
            .map_err(Error::git)?;
        Ok(outcome.kind)
    }
}

/// Apply a git delta (`delta`: the sizes of its base and result, then copy and insert
/// instructions) to `base`. Every range is checked; a result over `max_bytes` is refused.
pub(crate) fn apply_delta(base: &[u8], delta: &[u8], max_bytes: usize) -> Result<Vec<u8>, Error> {
    let corrupt = |what: &str| Error::git(format!("corrupt delta: {what}"));
    let mut at = 0usize;
    let mut size = || -> Result<usize, Error> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = *delta.get(at).ok_or_else(|| corrupt("truncated header"))?;
            at += 1;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return usize::try_from(value).map_err(|_| corrupt("size"));
            }
        }
        Err(corrupt("header too long"))
    };
    let base_size = size()?;
    let result_size = size()?;
    if base_size != base.len() {
        return Err(corrupt("base size mismatch"));
    }
    if result_size > max_bytes {
        return Err(corrupt("result over the size limit"));
    }
    let mut out = Vec::with_capacity(result_size);
    while let Some(&op) = delta.get(at) {
        at += 1;
        let piece = if op & 0x80 != 0 {
            // Copy from the base: offset bytes per bits 0-3, size bytes per bits 4-6.
            let mut field = |bits: u8, first: u8| -> Result<usize, Error> {
                let mut value = 0usize;
                for i in 0..bits {
                    if op & (first << i) != 0 {
                        let byte = *delta.get(at).ok_or_else(|| corrupt("truncated copy"))?;
                        at += 1;
                        value |= usize::from(byte) << (8 * i);
                    }
                }
                Ok(value)
            };
            let offset = field(4, 0x01)?;
            let len = match field(3, 0x10)? {
                0 => 0x10000,
                n => n,
            };
            offset
                .checked_add(len)
                .and_then(|end| base.get(offset..end))
                .ok_or_else(|| corrupt("copy outside the base"))?
        } else if op != 0 {
            let end = at + usize::from(op);
            let bytes = delta
                .get(at..end)
                .ok_or_else(|| corrupt("truncated insert"))?;
            at = end;
            bytes
        } else {
            return Err(corrupt("reserved instruction"));
        };
        if out.len() + piece.len() > result_size {
            return Err(corrupt("longer than its declared size"));
        }
        out.extend_from_slice(piece);
    }
    if out.len() != result_size {
        return Err(corrupt("shorter than its declared size"));
    }
    Ok(out)
}

/// Seconds since the epoch as an RFC 3339 UTC timestamp.
pub(crate) fn rfc3339(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    let secs = seconds.rem_euclid(86_400);
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_git(dir: &Path, args: &[&str]) -> String {
        let out = std::process::Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(["-c", "user.name=T", "-c", "user.email=t@example.test"])
            .args(["-c", "commit.gpgsign=false"])
            .args(args)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", dir)
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}");
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    #[test]
    fn packed_objects_decode_as_the_object_database_reads_them() {
        let dir = tempfile::tempdir().unwrap();
        let dir = dir.path();
        run_git(dir, &["init", "-q"]);
        let mut text = String::new();
        let mut blobs = Vec::new();
        for i in 0..30 {
            text.push_str(&format!(
                "line {i} of a file that grows, so it deltas well\n"
            ));
            std::fs::write(dir.join("a.txt"), &text).unwrap();
            run_git(dir, &["add", "a.txt"]);
            run_git(dir, &["commit", "-q", "-m", "c"]);
            blobs.push(
                ObjectId::from_hex(run_git(dir, &["rev-parse", "HEAD:a.txt"]).as_bytes()).unwrap(),
            );
        }
        let repo = open(dir).unwrap();
        assert!(
            Packs::open(&repo, 1 << 20).locate(&blobs[0]).is_none(),
            "loose so far"
        );
        run_git(dir, &["repack", "-q", "-a", "-d", "-f", "--depth=10"]);
        let repo = open(dir).unwrap();
        let packs = Packs::open(&repo, 1 << 20);
        let mut inflate = gix::zlib::Inflate::default();
        let mut deltas = 0;
        for id in &blobs {
            let loc = packs.locate(id).unwrap();
            deltas += usize::from(packs.entry_info(loc).unwrap().base.is_some());
            let mut out = Vec::new();
            let kind = packs
                .decode(
                    loc,
                    &mut out,
                    &mut inflate,
                    &mut gix::odb::pack::cache::Never,
                )
                .unwrap();
            assert_eq!(kind, gix::object::Kind::Blob);
            assert_eq!(out, repo.find_object(*id).unwrap().data);
        }
        assert!(deltas > 10, "{deltas} deltas");
        // Each from its base's data, as the history scan decodes them.
        let mut scratch = Vec::new();
        for id in &blobs {
            let loc = packs.locate(id).unwrap();
            let base = packs.entry_info(loc).unwrap().base.map(|b| {
                let mut out = Vec::new();
                packs
                    .decode(b, &mut out, &mut inflate, &mut gix::odb::pack::cache::Never)
                    .unwrap();
                out
            });
            let got = packs
                .decode_from(loc, base.as_deref(), &mut scratch, &mut inflate)
                .unwrap();
            assert_eq!(got, repo.find_object(*id).unwrap().data);
        }
        // An object larger than the allocation limit does not decode.
        let small = Packs::open(&repo, 64);
        let big = small.locate(blobs.last().unwrap()).unwrap();
        let mut out = Vec::new();
        assert!(
            small
                .decode(
                    big,
                    &mut out,
                    &mut inflate,
                    &mut gix::odb::pack::cache::Never
                )
                .is_err()
        );
    }

    /// A delta header: base and result sizes as git's little-endian base-128 numbers.
    fn header(base: usize, result: usize) -> Vec<u8> {
        let mut out = Vec::new();
        for mut n in [base, result] {
            loop {
                let byte = (n & 0x7f) as u8;
                n >>= 7;
                if n == 0 {
                    out.push(byte);
                    break;
                }
                out.push(byte | 0x80);
            }
        }
        out
    }

    #[test]
    fn deltas_apply_with_every_range_checked() {
        let base = b"0123456789abcdef";
        let big = vec![7u8; 0x10000 + 5];
        // (base, delta, result or an error)
        type Case<'a> = (&'a [u8], Vec<u8>, Result<Vec<u8>, ()>);
        let cases: Vec<Case<'_>> = vec![
            // Copy 4 bytes at offset 2, insert "xy", copy 2 at offset 0.
            (
                base,
                [header(16, 8), vec![0x91, 2, 4, 2, b'x', b'y', 0x90, 2]].concat(),
                Ok(b"2345xy01".to_vec()),
            ),
            // A copy with no size bytes copies 0x10000 bytes.
            (
                &big,
                [header(big.len(), 0x10000), vec![0x80]].concat(),
                Ok(vec![7; 0x10000]),
            ),
            // Only inserts.
            (
                base,
                [header(16, 3), vec![3, b'a', b'b', b'c']].concat(),
                Ok(b"abc".to_vec()),
            ),
            // Errors: the reserved op, a copy past the base, a truncated insert, a base of
            // another size, a result longer or shorter than declared, a truncated header.
            (base, [header(16, 1), vec![0]].concat(), Err(())),
            (base, [header(16, 4), vec![0x91, 14, 4]].concat(), Err(())),
            (base, [header(16, 3), vec![3, b'a']].concat(), Err(())),
            (base, [header(15, 1), vec![1, b'a']].concat(), Err(())),
            (base, [header(16, 1), vec![2, b'a', b'b']].concat(), Err(())),
            (base, [header(16, 3), vec![1, b'a']].concat(), Err(())),
            (base, vec![0x90], Err(())),
            // An offset byte announced but missing.
            (base, [header(16, 1), vec![0x81]].concat(), Err(())),
        ];
        for (i, (base, delta, expected)) in cases.into_iter().enumerate() {
            let got = apply_delta(base, &delta, 1 << 20).map_err(|_| ());
            assert_eq!(got, expected, "case {i}");
        }
        // Over the size limit.
        assert!(apply_delta(base, &[header(16, 3), vec![3, 1, 2, 3]].concat(), 2).is_err());
    }

    #[test]
    fn timestamps() {
        for (secs, text) in [
            (0, "1970-01-01T00:00:00Z"),
            (951_782_400, "2000-02-29T00:00:00Z"),
            (1_700_000_000, "2023-11-14T22:13:20Z"),
            (-1, "1969-12-31T23:59:59Z"),
        ] {
            assert_eq!(rfc3339(secs), text);
        }
    }
}
