//! Which paths a searcher like `rg` skips because an ignore file excludes them.
//!
//! `rg` (and the agents' Grep tools built on it) reads `.gitignore` files inside a git work
//! tree, the repository's `.git/info/exclude`, and `.ignore` / `.rgignore` files anywhere
//! above the searched path. A deeper directory's files take precedence over a shallower
//! one's, and within one directory `.rgignore` over `.ignore` over `.gitignore`. The user's
//! global excludes file is not read: a file Warden does not know to be ignored is taken as
//! searched, so the approximation can only make a search look like it reads more.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};

/// Ignore matchers by directory, built on first use. One per decision: files on disk may
/// change between decisions.
#[derive(Default)]
pub(crate) struct IgnoreFiles {
    /// (directory, whether its `.gitignore` applies) → its matcher, None when it has no
    /// ignore file.
    matchers: RefCell<HashMap<(PathBuf, bool), Option<Gitignore>>>,
    /// Directory → the root of the git work tree it is in.
    work_trees: RefCell<HashMap<PathBuf, Option<PathBuf>>>,
}

impl IgnoreFiles {
    /// True when an ignore file excludes `path` (absolute).
    pub(crate) fn is_ignored(&self, path: &Path, is_dir: bool) -> bool {
        let Some(parent) = path.parent() else {
            return false;
        };
        let work_tree = self.work_tree(parent);
        for dir in parent.ancestors() {
            let in_work_tree = work_tree
                .as_deref()
                .is_some_and(|root| dir.starts_with(root));
            let verdict = self.with_matcher(dir, in_work_tree, |m| match m.matched(path, is_dir) {
                Match::Ignore(_) => Some(true),
                Match::Whitelist(_) => Some(false),
                Match::None => None,
            });
            if let Some(Some(ignored)) = verdict {
                return ignored;
            }
        }
        false
    }

    fn work_tree(&self, dir: &Path) -> Option<PathBuf> {
        if let Some(known) = self.work_trees.borrow().get(dir) {
            return known.clone();
        }
        let root = dir
            .ancestors()
            .find(|d| d.join(".git").exists())
            .map(Path::to_path_buf);
        self.work_trees
            .borrow_mut()
            .insert(dir.to_path_buf(), root.clone());
        root
    }

    fn with_matcher<T>(
        &self,
        dir: &Path,
        in_work_tree: bool,
        f: impl FnOnce(&Gitignore) -> T,
    ) -> Option<T> {
        let mut matchers = self.matchers.borrow_mut();
        let matcher = matchers
            .entry((dir.to_path_buf(), in_work_tree))
            .or_insert_with(|| build(dir, in_work_tree));
        matcher.as_ref().map(f)
    }
}

/// The matcher of one directory's ignore files, lowest precedence first (a later pattern
/// overrides an earlier one).
fn build(dir: &Path, in_work_tree: bool) -> Option<Gitignore> {
    let mut files = Vec::new();
    if in_work_tree {
        files.push(dir.join(".git/info/exclude"));
        files.push(dir.join(".gitignore"));
    }
    files.push(dir.join(".ignore"));
    files.push(dir.join(".rgignore"));
    let mut builder = GitignoreBuilder::new(dir);
    let mut any = false;
    for file in files.iter().filter(|f| f.is_file()) {
        // A line that does not parse is skipped, as rg skips it.
        let _ = builder.add(file);
        any = true;
    }
    if !any {
        return None;
    }
    builder.build().ok().filter(|m| !m.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_rg_precedence() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join(".git/info")).unwrap();
        std::fs::create_dir_all(root.join("config/keep")).unwrap();
        std::fs::write(root.join(".gitignore"), "*.pem\n.env\nbuild/\n").unwrap();
        std::fs::write(root.join("config/.gitignore"), "!dev.pem\n").unwrap();
        std::fs::write(root.join(".git/info/exclude"), "local.key\n").unwrap();
        std::fs::write(root.join("config/keep/.ignore"), "*.txt\n").unwrap();
        let files = IgnoreFiles::default();
        let ignored = |rel: &str, is_dir: bool| files.is_ignored(&root.join(rel), is_dir);
        assert!(ignored("prod.pem", false));
        assert!(ignored(".env", false));
        assert!(ignored("build", true));
        assert!(!ignored("build", false));
        assert!(ignored("local.key", false));
        assert!(ignored("config/prod.pem", false));
        assert!(!ignored("config/dev.pem", false));
        assert!(ignored("config/keep/notes.txt", false));
        assert!(!ignored("src/main.rs", false));
    }

    #[test]
    fn gitignore_applies_only_inside_a_work_tree() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::write(root.join(".gitignore"), "*.pem\n").unwrap();
        std::fs::write(root.join(".ignore"), "*.key\n").unwrap();
        let files = IgnoreFiles::default();
        assert!(!files.is_ignored(&root.join("prod.pem"), false));
        assert!(files.is_ignored(&root.join("prod.key"), false));
    }
}
