//! Incident response: find every place a leaked secret appears in a repository (every blob in
//! the object database, reachable or not; every commit whose tree holds it; every branch, tag
//! and stash entry whose history holds it) and produce the rotation and history-rewrite steps.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;

use gix::ObjectId;
use gix::bstr::ByteSlice;
use gix::objs::tree::EntryKind;
use rayon::prelude::*;

use crate::engine::Scanner;
use crate::error::Error;
use crate::finding::looks_like_fingerprint;
use crate::git;
use crate::report::CommitInfo;
use crate::rule::Rule;

/// Largest blob searched.
const MAX_BLOB_BYTES: u64 = 256 * 1024 * 1024;
/// Deepest tree nesting followed.
const MAX_TREE_DEPTH: usize = 256;

/// What to look for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Needle {
    /// The secret itself (searched literally, and matched against rules for rotation steps).
    Secret(String),
    /// A finding's fingerprint (from `warden scan` output).
    Fingerprint(String),
}

impl Needle {
    /// A fingerprint when the text has a fingerprint's shape, otherwise a secret.
    pub fn parse(text: &str) -> Needle {
        let text = text.trim();
        if looks_like_fingerprint(text) {
            Needle::Fingerprint(text.to_owned())
        } else {
            Needle::Secret(text.to_owned())
        }
    }
}

/// A commit whose tree holds the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitHit {
    /// The commit.
    pub commit: CommitInfo,
    /// Paths in its tree holding the secret.
    pub paths: Vec<String>,
    /// Whether it is the first commit on its line to hold the secret (no parent holds it).
    pub introduced: bool,
    /// Whether no ref or stash entry reaches it (it survives only until `git gc`).
    pub unreachable: bool,
}

/// Where a secret appears.
#[derive(Debug, Clone, Default)]
pub struct Incident {
    /// Rules that recognise the secret (for their rotation steps); empty when none does.
    pub rules: Vec<&'static Rule>,
    /// Fingerprints of the secret under those rules.
    pub fingerprints: Vec<String>,
    /// Object ids of the blobs holding it.
    pub blobs: Vec<String>,
    /// Blobs holding it that no commit's tree holds (staged once, or a dropped stash).
    pub dangling_blobs: Vec<String>,
    /// Commits whose tree holds it, oldest first.
    pub commits: Vec<CommitHit>,
    /// Refs (branches, tags, remotes, `stash@{n}`, HEAD) whose history holds it.
    pub refs: Vec<String>,
    /// Every path it was ever stored at.
    pub paths: Vec<String>,
    /// The repository's working directory (or git dir, when bare).
    pub repo_dir: String,
}

impl Incident {
    /// Whether the secret was found anywhere.
    pub fn is_empty(&self) -> bool {
        self.blobs.is_empty()
    }
}

/// Search every object of the repository containing `repo_dir` for `needle`.
pub fn investigate(scanner: &Scanner, repo_dir: &Path, needle: &Needle) -> Result<Incident, Error> {
    let mut repo = git::open(repo_dir)?;
    repo.object_cache_size_if_unset(64 * 1024 * 1024);
    let mut incident = Incident {
        repo_dir: repo
            .workdir()
            .unwrap_or_else(|| repo.git_dir())
            .to_string_lossy()
            .into_owned(),
        ..Incident::default()
    };

    // 1. Every object, reachable or not.
    let mut blob_ids = Vec::new();
    let mut commit_ids = Vec::new();
    let mut seen = HashSet::new();
    for id in repo.objects.iter().map_err(Error::git)? {
        let Ok(id) = id else { continue };
        if !seen.insert(id) {
            continue;
        }
        match repo.find_header(id) {
            Ok(header)
                if header.kind() == gix::object::Kind::Blob && header.size() <= MAX_BLOB_BYTES =>
            {
                blob_ids.push(id);
            }
            Ok(header) if header.kind() == gix::object::Kind::Commit => commit_ids.push(id),
            _ => {}
        }
    }

    // 2. The blobs holding the needle, and the rules that recognise it.
    let sync = repo.clone().into_sync();
    let matches: Vec<(ObjectId, Vec<(&'static str, String)>)> = blob_ids
        .par_iter()
        .map_init(
            || sync.to_thread_local(),
            |repo, id| {
                let object = repo.find_object(*id).ok()?;
                let data = &object.data[..];
                let (hit, rules) = match needle {
                    Needle::Secret(secret) => {
                        if secret.is_empty()
                            || memchr::memmem::find(data, secret.as_bytes()).is_none()
                        {
                            return None;
                        }
                        let rules = scanner
                            .scan_bytes(data)
                            .into_iter()
                            .filter(|f| {
                                f.secret() == secret || f.secret().contains(secret.as_str())
                            })
                            .map(|f| (f.rule_id, f.fingerprint))
                            .collect();
                        (true, rules)
                    }
                    Needle::Fingerprint(fp) => {
                        let rules: Vec<_> = scanner
                            .scan_bytes(data)
                            .into_iter()
                            .filter(|f| &f.fingerprint == fp)
                            .map(|f| (f.rule_id, f.fingerprint))
                            .collect();
                        (!rules.is_empty(), rules)
                    }
                };
                hit.then_some((*id, rules))
            },
        )
        .flatten()
        .collect();
    let matched: HashSet<ObjectId> = matches.iter().map(|(id, _)| *id).collect();
    let mut rule_ids = BTreeSet::new();
    let mut fingerprints = BTreeSet::new();
    for (_, rules) in &matches {
        for (rule, fp) in rules {
            rule_ids.insert(*rule);
            fingerprints.insert(fp.clone());
        }
    }
    if let Needle::Secret(secret) = needle {
        // The secret may be recognised even where no blob holds it in a rule's context.
        for f in scanner.scan_text(secret) {
            if f.secret() == secret {
                rule_ids.insert(f.rule_id);
                fingerprints.insert(f.fingerprint);
            }
        }
    }
    incident.rules = rule_ids.iter().filter_map(|id| scanner.rule(id)).collect();
    incident.fingerprints = fingerprints.into_iter().collect();
    let mut blobs: Vec<String> = matched.iter().map(ToString::to_string).collect();
    blobs.sort();
    incident.blobs = blobs;
    if matched.is_empty() {
        return Ok(incident);
    }

    // 3. Commits whose tree holds a matched blob (memoised per tree).
    let mut memo: HashMap<ObjectId, Vec<(String, ObjectId)>> = HashMap::new();
    let mut holding: HashMap<ObjectId, (git::CommitData, Vec<(String, ObjectId)>)> = HashMap::new();
    let mut blobs_in_commits: HashSet<ObjectId> = HashSet::new();
    for id in &commit_ids {
        let Ok(data) = git::commit_data(&repo, *id) else {
            continue;
        };
        let hits = tree_hits(&repo, data.tree, &matched, &mut memo, 0);
        if !hits.is_empty() {
            blobs_in_commits.extend(hits.iter().map(|(_, b)| *b));
            holding.insert(*id, (data, hits));
        }
    }
    let mut dangling: Vec<String> = matched
        .iter()
        .filter(|b| !blobs_in_commits.contains(*b))
        .map(ToString::to_string)
        .collect();
    dangling.sort();
    incident.dangling_blobs = dangling;

    // 4. Refs whose history holds it, and which holding commits are reachable at all.
    let tips = git::all_tips(&repo)?;
    let mut reachable: HashSet<ObjectId> = HashSet::new();
    let mut refs = BTreeSet::new();
    for tip in &tips {
        let Ok(walk) = repo.rev_walk([tip.commit]).all() else {
            continue;
        };
        for info in walk.flatten() {
            if holding.contains_key(&info.id) {
                reachable.insert(info.id);
                refs.insert(tip.name.clone());
            }
        }
    }
    incident.refs = refs.into_iter().collect();
    let mut paths = BTreeSet::new();
    let mut commits: Vec<CommitHit> = holding
        .iter()
        .map(|(id, (data, hits))| {
            let mut commit_paths: Vec<String> = hits.iter().map(|(p, _)| p.clone()).collect();
            commit_paths.sort();
            commit_paths.dedup();
            paths.extend(commit_paths.iter().cloned());
            CommitHit {
                commit: data.info.clone(),
                paths: commit_paths,
                introduced: !data.parents.iter().any(|p| holding.contains_key(p)),
                unreachable: !reachable.contains(id),
            }
        })
        .collect();
    commits.sort_by(|a, b| (&a.commit.date, &a.commit.id).cmp(&(&b.commit.date, &b.commit.id)));
    incident.commits = commits;
    incident.paths = paths.into_iter().collect();
    Ok(incident)
}

/// The (path, blob) pairs under `tree` whose blob is matched.
fn tree_hits(
    repo: &gix::Repository,
    tree: ObjectId,
    matched: &HashSet<ObjectId>,
    memo: &mut HashMap<ObjectId, Vec<(String, ObjectId)>>,
    depth: usize,
) -> Vec<(String, ObjectId)> {
    if let Some(hit) = memo.get(&tree) {
        return hit.clone();
    }
    let mut out = Vec::new();
    if depth <= MAX_TREE_DEPTH
        && let Ok(entries) = git::tree_entries(repo, tree)
    {
        for entry in entries {
            let name = entry.name.to_str_lossy().into_owned();
            match entry.kind {
                EntryKind::Blob | EntryKind::BlobExecutable if matched.contains(&entry.id) => {
                    out.push((name, entry.id));
                }
                EntryKind::Tree => {
                    for (path, blob) in tree_hits(repo, entry.id, matched, memo, depth + 1) {
                        out.push((format!("{name}/{path}"), blob));
                    }
                }
                _ => {}
            }
        }
    }
    memo.insert(tree, out.clone());
    out
}

/// The commands that remove the secret from history, backup first, as shell lines. When the
/// secret is known (`secret`), the replacement file is written by the first command;
/// otherwise the person writes it.
pub fn rewrite_plan(incident: &Incident, secret_known: bool) -> Vec<String> {
    let repo = shell_quote(&incident.repo_dir);
    let mut plan = vec![
        "# 1. Revoke and rotate the credential first: rewriting history does not un-leak it.".to_owned(),
        "# 2. Back up the repository, every ref and object included:".to_owned(),
        format!("cd {repo}"),
        "git bundle create \"../$(basename \"$PWD\")-backup-$(date +%Y%m%d%H%M%S).bundle\" --all".to_owned(),
        "git clone --mirror . \"../$(basename \"$PWD\")-backup.git\"".to_owned(),
        "# 3. Rewrite every commit, replacing the secret (needs git-filter-repo: pip install git-filter-repo):".to_owned(),
    ];
    if secret_known {
        plan.push(
            "printf '%s==>REMOVED-SECRET\\n' \"$LEAKED_SECRET\" > ../warden-replacements.txt   # export LEAKED_SECRET=... first; keep it out of shell history".to_owned(),
        );
    } else {
        plan.push(
            "# write one line 'THE-SECRET==>REMOVED-SECRET' to ../warden-replacements.txt"
                .to_owned(),
        );
    }
    plan.push(
        "git filter-repo --sensitive-data-removal --replace-text ../warden-replacements.txt --force".to_owned(),
    );
    let whole_files: Vec<&String> = incident
        .paths
        .iter()
        .filter(|p| is_secret_file(p))
        .collect();
    if !whole_files.is_empty() {
        let mut line = "git filter-repo --sensitive-data-removal --invert-paths --force".to_owned();
        for path in whole_files {
            line.push_str(" --path ");
            line.push_str(&shell_quote(path));
        }
        plan.push(
            "# files that are secrets as a whole are better removed from every commit:".to_owned(),
        );
        plan.push(line);
    }
    let stash = incident
        .refs
        .iter()
        .any(|r| r.starts_with("stash@") || r == "refs/stash");
    if stash {
        plan.push("# the secret is in a stash: drop the stash entries that hold it (see above), or all of them:".to_owned());
        plan.push("git stash clear".to_owned());
    }
    plan.extend([
        "# 4. Expire reflogs and prune unreachable objects, so no local copy remains:".to_owned(),
        "git reflog expire --expire=now --all".to_owned(),
        "git gc --prune=now --aggressive".to_owned(),
        "# 5. Verify, then publish the rewritten history (coordinate with everyone who cloned it):".to_owned(),
        "warden scan --history".to_owned(),
        "git push --force --mirror origin".to_owned(),
        "# 6. Ask the host to purge cached views and pull-request refs (GitHub: contact support with the commit ids above).".to_owned(),
    ]);
    plan
}

fn is_secret_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name == ".env"
        || name.starts_with(".env.")
        || name.ends_with(".pem")
        || name.ends_with(".key")
        || name.ends_with(".p12")
        || name.ends_with(".pfx")
        || matches!(
            name,
            "id_rsa"
                | "id_ed25519"
                | "id_ecdsa"
                | "id_dsa"
                | "credentials.json"
                | ".npmrc"
                | ".pypirc"
                | ".netrc"
        )
}

/// Quote for a POSIX shell when needed.
pub fn shell_quote(text: &str) -> String {
    if !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./=:@%+,".contains(&b))
    {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

/// Rotation steps keyed by rule id, for rendering.
pub fn rotation_steps(incident: &Incident) -> BTreeMap<&'static str, &'static str> {
    incident.rules.iter().map(|r| (r.id, r.rotation)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn needle_shapes() {
        assert_eq!(
            Needle::parse("0123456789abcdef"),
            Needle::Fingerprint("0123456789abcdef".into())
        );
        assert_eq!(Needle::parse(" ghp_x "), Needle::Secret("ghp_x".into()));
    }

    #[test]
    fn quoting() {
        for (text, quoted) in [
            ("plain/path.txt", "plain/path.txt"),
            ("with space", "'with space'"),
            ("it's", "'it'\\''s'"),
            ("", "''"),
            ("$(rm)", "'$(rm)'"),
        ] {
            assert_eq!(shell_quote(text), quoted);
        }
    }

    #[test]
    fn plan_backs_up_before_rewriting() {
        let incident = Incident {
            paths: vec![".env".into(), "src/app.py".into()],
            refs: vec!["refs/heads/main".into(), "stash@{0}".into()],
            repo_dir: "/tmp/my repo".into(),
            ..Incident::default()
        };
        let plan = rewrite_plan(&incident, true);
        let backup = plan
            .iter()
            .position(|l| l.starts_with("git bundle create"))
            .unwrap();
        let rewrite = plan
            .iter()
            .position(|l| l.starts_with("git filter-repo"))
            .unwrap();
        assert!(backup < rewrite);
        assert!(plan.contains(&"cd '/tmp/my repo'".to_owned()));
        assert!(
            plan.iter()
                .any(|l| l.contains("--invert-paths") && l.contains("--path .env"))
        );
        assert!(!plan.iter().any(|l| l.contains("src/app.py")));
        assert!(plan.contains(&"git stash clear".to_owned()));
        assert!(plan.contains(&"git gc --prune=now --aggressive".to_owned()));
    }
}
