//! Path resolution: absolute, `.`/`..` folded, symlinks followed where they exist.

use std::path::{Component, Path, PathBuf};

use warden_core::Action;

use crate::Context;

/// Fold `.` and `..` without touching the filesystem. `..` at the root stays at the root.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("/");
                }
                if out.as_os_str().is_empty() {
                    out.push("/");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    if out.as_os_str().is_empty() {
        out.push("/");
    }
    out
}

/// Make `path` absolute against `base`, fold it, and follow symlinks through the longest
/// prefix that exists (so a link inside the project that points at `~/.ssh` is judged by where
/// it points, and a file not yet created is judged by its real parent directory).
pub(crate) fn resolve(path: &Path, base: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        base.join(path)
    };
    let lexical = normalize(&joined);
    let mut existing = lexical.as_path();
    let mut rest: Vec<&std::ffi::OsStr> = Vec::new();
    // Bounded by the number of components.
    loop {
        if let Ok(real) = std::fs::canonicalize(existing) {
            let mut out = real;
            for part in rest.iter().rev() {
                out.push(part);
            }
            return out;
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name);
                existing = parent;
            }
            _ => return lexical,
        }
    }
}

fn expand_home(path: &Path, home: Option<&Path>) -> PathBuf {
    match (path.strip_prefix("~"), home) {
        (Ok(rest), Some(home)) => home.join(rest),
        _ => path.to_path_buf(),
    }
}

pub(crate) fn resolve_in(path: &Path, ctx: &Context) -> PathBuf {
    resolve(&expand_home(path, ctx.home.as_deref()), &ctx.cwd)
}

/// The action with every path it names resolved.
pub(crate) fn resolve_action(action: &Action, ctx: &Context) -> Action {
    let mut action = action.clone();
    match &mut action {
        Action::Shell { cwd, .. } => {
            *cwd = if cwd.as_os_str().is_empty() {
                ctx.cwd.clone()
            } else {
                resolve_in(cwd, ctx)
            };
        }
        Action::Read { path } | Action::Write { path, .. } | Action::Edit { path, .. } => {
            *path = resolve_in(path, ctx);
        }
        Action::Search { path, .. } => {
            if let Some(p) = path {
                *p = resolve_in(p, ctx);
            }
        }
        Action::Fetch { .. }
        | Action::WebSearch { .. }
        | Action::Mcp { .. }
        | Action::Unknown { .. } => {}
    }
    action
}

/// The nearest ancestor of `cwd` (itself included) holding `.git` or `.warden`; `cwd` itself
/// when there is none.
pub fn find_project_root(cwd: &Path) -> PathBuf {
    cwd.ancestors()
        .find(|dir| dir.join(".git").exists() || dir.join(".warden").is_dir())
        .map_or_else(|| cwd.to_path_buf(), Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_folds_dots() {
        let cases = [
            ("/a/b/../c", "/a/c"),
            ("/a/./b/", "/a/b"),
            ("/../..", "/"),
            ("/a/b/../../..", "/"),
            ("/", "/"),
        ];
        for (input, expected) in cases {
            assert_eq!(
                normalize(Path::new(input)),
                PathBuf::from(expected),
                "{input}"
            );
        }
    }

    #[test]
    fn resolve_follows_symlinks_and_keeps_missing_tail() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        std::fs::create_dir(root.join("secret")).unwrap();
        std::os::unix::fs::symlink(root.join("secret"), root.join("link")).unwrap();
        assert_eq!(
            resolve(Path::new("link/new.txt"), &root),
            root.join("secret/new.txt")
        );
        assert_eq!(resolve(Path::new("x/../y"), &root), root.join("y"));
    }

    #[test]
    fn project_root_is_found_upwards() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        std::fs::create_dir_all(root.join("a/b")).unwrap();
        assert_eq!(find_project_root(&root.join("a/b")), root);
    }
}
