//! Reading a repository through `gix`: tips and ranges, commit walks, tree diffs that list the
//! blobs a commit introduced, and commit metadata.

use std::collections::HashMap;
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
pub(crate) fn introduced(
    repo: &gix::Repository,
    tree: ObjectId,
    parents: &[ObjectId],
) -> Result<Vec<Introduced>, Error> {
    let mut out = Vec::new();
    let olds: Vec<Option<ObjectId>> = parents.iter().map(|p| Some(*p)).collect();
    diff_dir(repo, tree, &olds, String::new(), 0, &mut out)?;
    Ok(out)
}

fn diff_dir(
    repo: &gix::Repository,
    new: ObjectId,
    olds: &[Option<ObjectId>],
    prefix: String,
    depth: usize,
    out: &mut Vec<Introduced>,
) -> Result<(), Error> {
    if depth > MAX_TREE_DEPTH {
        return Ok(());
    }
    let entries = tree_entries(repo, new)?;
    let old_maps: Vec<HashMap<BString, (EntryKind, ObjectId)>> = olds
        .iter()
        .map(|old| match old {
            Some(id) => tree_entries(repo, *id).map(|es| {
                es.into_iter()
                    .map(|e| (e.name, (e.kind, e.id)))
                    .collect::<HashMap<_, _>>()
            }),
            None => Ok(HashMap::new()),
        })
        .collect::<Result<_, _>>()?;
    for entry in entries {
        let unchanged = old_maps
            .iter()
            .any(|m| m.get(&entry.name).is_some_and(|(_, id)| *id == entry.id));
        if unchanged {
            continue;
        }
        let path = if prefix.is_empty() {
            entry.name.to_str_lossy().into_owned()
        } else {
            format!("{prefix}/{}", entry.name.to_str_lossy())
        };
        match entry.kind {
            EntryKind::Tree => {
                let sub_olds: Vec<Option<ObjectId>> = old_maps
                    .iter()
                    .map(|m| match m.get(&entry.name) {
                        Some((EntryKind::Tree, id)) => Some(*id),
                        _ => None,
                    })
                    .collect();
                diff_dir(repo, entry.id, &sub_olds, path, depth + 1, out)?;
            }
            EntryKind::Blob | EntryKind::BlobExecutable => {
                let previous = old_maps.first().and_then(|m| match m.get(&entry.name) {
                    Some((EntryKind::Blob | EntryKind::BlobExecutable, id)) => Some(*id),
                    _ => None,
                });
                out.push(Introduced {
                    path,
                    blob: entry.id,
                    previous,
                });
            }
            EntryKind::Link | EntryKind::Commit => {}
        }
    }
    Ok(())
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
    use super::rfc3339;

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
