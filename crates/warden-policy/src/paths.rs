//! Paths: lexical resolution, and the two kinds of path pattern.
//!
//! * Built-in patterns are small Rust matchers over path components ([`Pm`]); they cost
//!   nothing to "compile", which keeps a fresh hook process fast.
//! * Patterns from policy files are gitignore-style globs ([`PathGlobs`]), parsed and
//!   validated at load and turned into glob sets the first time a path is judged.
//!
//! # Policy path patterns
//!
//! | written | means |
//! |---|---|
//! | `.env`, `*.pem` (no `/`) | a file or directory of that name at any depth |
//! | `**/secrets/**` | as written, anywhere |
//! | `config/prod.yml` (a `/` inside) | relative to the project root (gitignore rule) |
//! | `/secrets/**` (leading `/`) | relative to the project root, as in the article, *and* the same absolute path: a user policy's `/tmp/scratch/**` means what it says, and a tightening rule never misses |
//! | `~/.aws/**`, `~` | relative to the home directory |
//! | `build/` (trailing `/`) | a directory of that name (any depth, unless anchored) and everything in it |
//!
//! Every pattern also covers everything below a directory it matches. `*` does not cross `/`;
//! `**` does. Tightening patterns (`deny`, `protect`, team rules) ignore case, so that they
//! hold on case-insensitive file systems; `allow` patterns are case-sensitive.

use crate::glob::Glob;
use std::path::{Component, Path, PathBuf};

/// Resolves a path as an agent gave it into an absolute, lexically normalised path: `~` and
/// `$HOME` expand to `home`, relative paths join `cwd`, `.` and `..` fold. No file system
/// access (symlinks are the caller's to resolve).
pub fn resolve(path: &Path, cwd: &Path, home: Option<&Path>) -> PathBuf {
    let s = path.to_string_lossy();
    let expanded: PathBuf = match home {
        Some(h) if s == "~" || s == "$HOME" || s == "${HOME}" => h.to_path_buf(),
        Some(h) if s.starts_with("~/") => h.join(&s[2..]),
        Some(h) if s.starts_with("$HOME/") => h.join(&s[6..]),
        Some(h) if s.starts_with("${HOME}/") => h.join(&s[8..]),
        _ => path.to_path_buf(),
    };
    let joined = if expanded.is_absolute() {
        expanded
    } else {
        cwd.join(expanded)
    };
    normalize(&joined)
}

/// Folds `.` and `..` lexically; `..` never climbs above the root.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    // Relative path climbing above its start: keep the `..`.
                    out.push("..");
                }
                if out.as_os_str().is_empty() && path.is_absolute() {
                    out.push("/");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(if path.is_absolute() { "/" } else { "." });
    }
    out
}

/// One absolute path, pre-split for the built-in matchers.
#[derive(Debug, Clone)]
pub struct PathView {
    /// The absolute, normalised path.
    pub abs: PathBuf,
    /// Its normal components, lower-cased.
    lower: Vec<String>,
    /// Index into `lower` where the path below the home directory starts.
    home_at: Option<usize>,
}

impl PathView {
    /// Pre-splits `abs` (already resolved) against the home directory.
    pub fn new(abs: PathBuf, home: Option<&Path>) -> Self {
        let lower: Vec<String> = abs
            .components()
            .filter_map(|c| match c {
                Component::Normal(s) => Some(s.to_string_lossy().to_lowercase()),
                _ => None,
            })
            .collect();
        let home_at = home.and_then(|h| {
            let hl: Vec<String> = h
                .components()
                .filter_map(|c| match c {
                    Component::Normal(s) => Some(s.to_string_lossy().to_lowercase()),
                    _ => None,
                })
                .collect();
            (lower.len() >= hl.len() && lower[..hl.len()] == hl[..]).then_some(hl.len())
        });
        PathView {
            abs,
            lower,
            home_at,
        }
    }

    fn name(&self) -> &str {
        self.lower.last().map_or("", String::as_str)
    }

    /// True when the path is `dir` or inside it (both absolute).
    pub fn is_under(&self, dir: &Path) -> bool {
        self.abs.starts_with(dir)
    }
}

/// A built-in path matcher. Names compare case-insensitively.
#[derive(Debug, Clone, Copy)]
pub enum Pm {
    /// The file or directory name equals this.
    Name(&'static str),
    /// The name starts with this.
    NamePrefix(&'static str),
    /// The name ends with this.
    NameSuffix(&'static str),
    /// Some directory above the file has this name (`**/secrets/**`).
    InDir(&'static str),
    /// This name, or anything inside a directory of this name (`**/.git`, `**/.git/**`).
    NameOrIn(&'static str),
    /// A file named `.1` directly inside a directory named `.0` (`.git/config`).
    DirFile(&'static str, &'static str),
    /// This path relative to the home directory, or anything below it.
    Home(&'static str),
    /// This absolute path, or anything below it.
    Abs(&'static str),
}

impl Pm {
    /// True when the path matches.
    pub fn is_match(&self, p: &PathView) -> bool {
        let n = p.lower.len();
        match *self {
            Pm::Name(s) => p.name() == s,
            Pm::NamePrefix(s) => p.name().starts_with(s),
            Pm::NameSuffix(s) => p.name().ends_with(s) && p.name().len() > s.len(),
            Pm::InDir(s) => n > 1 && p.lower[..n - 1].iter().any(|c| c == s),
            Pm::NameOrIn(s) => p.lower.iter().any(|c| c == s),
            Pm::DirFile(d, f) => n >= 2 && p.lower[n - 2] == d && p.lower[n - 1] == f,
            Pm::Home(rel) => match p.home_at {
                Some(at) => starts_with_parts(&p.lower[at..], rel),
                None => false,
            },
            Pm::Abs(abs) => starts_with_parts(&p.lower, abs),
        }
    }
}

/// True when `comps` begins with the `/`-separated parts of `rel` (case already lowered).
fn starts_with_parts(comps: &[String], rel: &str) -> bool {
    let mut i = 0;
    for part in rel.split('/').filter(|s| !s.is_empty()) {
        match comps.get(i) {
            Some(c) if c == part => i += 1,
            _ => return false,
        }
    }
    i > 0
}

/// Where a policy path pattern is anchored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// Relative to the project root.
    Project,
    /// Relative to the home directory.
    Home,
    /// Matched against the absolute path (`**/…` patterns and absolute readings).
    Absolute,
}

/// A policy path pattern split into its anchored globs.
#[derive(Debug, Clone)]
pub struct ParsedPathPattern {
    pub globs: Vec<(Anchor, Glob)>,
}

/// Parses a policy path pattern into its anchored globs (a leading `/` gives two readings:
/// project-relative and absolute). Tightening patterns pass `case_insensitive`.
pub fn parse_path_pattern(
    pattern: &str,
    case_insensitive: bool,
) -> Result<ParsedPathPattern, String> {
    let p = pattern.trim();
    if p.is_empty() {
        return Err("empty path pattern".into());
    }
    if p.starts_with('!') {
        return Err("negated patterns (`!…`) are not supported".into());
    }
    let (anchor, body, also_abs) = if p == "~" {
        (Anchor::Home, "**".to_string(), false)
    } else if let Some(rest) = p.strip_prefix("~/") {
        (Anchor::Home, rest.to_string(), false)
    } else if p.starts_with('~') {
        return Err("`~user` paths are not supported; use `~/…` or an absolute path".into());
    } else if let Some(rest) = p.strip_prefix('/') {
        (Anchor::Project, rest.to_string(), true)
    } else if p.starts_with("**/") || p == "**" {
        (Anchor::Absolute, p.to_string(), false)
    } else if p.trim_end_matches('/').contains('/') {
        (Anchor::Project, p.to_string(), false)
    } else {
        (Anchor::Absolute, format!("**/{p}"), false)
    };
    let body = body.trim_end_matches('/');
    let body = if body.is_empty() { "**" } else { body };
    let mut texts = Vec::with_capacity(4);
    let under = |b: &str| {
        if b.ends_with("**") {
            None
        } else {
            Some(format!("{b}/**"))
        }
    };
    texts.push((anchor, body.to_string()));
    if let Some(u) = under(body) {
        texts.push((anchor, u));
    }
    if also_abs {
        let abs = format!("/{body}");
        if let Some(u) = under(&abs) {
            texts.push((Anchor::Absolute, u));
        }
        texts.push((Anchor::Absolute, abs));
    }
    let mut globs = Vec::with_capacity(texts.len());
    for (a, t) in texts {
        let g = Glob::new(&t, true, case_insensitive).map_err(|e| format!("invalid glob: {e}"))?;
        globs.push((a, g));
    }
    Ok(ParsedPathPattern { globs })
}

/// A group of policy path patterns (one layer's `deny`, say).
#[derive(Debug, Default)]
pub struct PathGlobs {
    /// `(anchor, glob, index of the pattern it came from)`.
    globs: Vec<(Anchor, Glob, usize)>,
}

impl PathGlobs {
    /// An empty group.
    pub fn new() -> Self {
        PathGlobs { globs: Vec::new() }
    }

    /// Adds a parsed pattern under index `idx`.
    pub fn push(&mut self, parsed: ParsedPathPattern, idx: usize) {
        for (a, g) in parsed.globs {
            self.globs.push((a, g, idx));
        }
    }

    /// True when there is no pattern.
    pub fn is_empty(&self) -> bool {
        self.globs.is_empty()
    }

    /// The indices of the patterns that match `abs` (sorted, deduplicated).
    pub fn matches(&self, abs: &Path, project_root: &Path, home: Option<&Path>) -> Vec<usize> {
        if self.globs.is_empty() {
            return Vec::new();
        }
        let text = |p: &Path| -> (Vec<char>, Vec<char>) {
            let s = p.to_string_lossy();
            (s.chars().collect(), s.to_lowercase().chars().collect())
        };
        let project = abs.strip_prefix(project_root).ok().map(text);
        let home_rel = home.and_then(|h| abs.strip_prefix(h).ok()).map(text);
        let absolute = text(abs);
        let mut hits = Vec::new();
        for (anchor, glob, idx) in &self.globs {
            let candidate = match anchor {
                Anchor::Project => project.as_ref(),
                Anchor::Home => home_rel.as_ref(),
                Anchor::Absolute => Some(&absolute),
            };
            let Some((exact, lower)) = candidate else {
                continue;
            };
            let t = if glob.case_insensitive() {
                lower
            } else {
                exact
            };
            if glob.is_match_chars(t) {
                hits.push(*idx);
            }
        }
        hits.sort_unstable();
        hits.dedup();
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_table() {
        let cwd = Path::new("/p/src");
        let home = Some(Path::new("/home/u"));
        let cases = [
            ("../.env", "/p/.env"),
            ("./a/./b/../c", "/p/src/a/c"),
            ("~/.ssh/id_rsa", "/home/u/.ssh/id_rsa"),
            ("$HOME/.aws/credentials", "/home/u/.aws/credentials"),
            ("/../../etc/passwd", "/etc/passwd"),
            ("/a/b/", "/a/b"),
            ("~", "/home/u"),
        ];
        for (input, want) in cases {
            assert_eq!(
                resolve(Path::new(input), cwd, home),
                PathBuf::from(want),
                "{input}"
            );
        }
    }

    #[test]
    fn builtin_matchers() {
        let home = Some(Path::new("/home/u"));
        let v = |s: &str| PathView::new(PathBuf::from(s), home);
        assert!(Pm::Name(".env").is_match(&v("/p/.ENV")));
        assert!(Pm::NameSuffix(".pem").is_match(&v("/p/key.pem")));
        assert!(!Pm::NameSuffix(".pem").is_match(&v("/p/.pem.d/x")));
        assert!(Pm::InDir("secrets").is_match(&v("/p/secrets/a.txt")));
        assert!(!Pm::InDir("secrets").is_match(&v("/p/secrets")));
        assert!(Pm::NameOrIn(".git").is_match(&v("/p/.git")));
        assert!(Pm::NameOrIn(".git").is_match(&v("/p/.git/hooks/pre-commit")));
        assert!(Pm::DirFile(".git", "config").is_match(&v("/p/.git/config")));
        assert!(Pm::Home(".ssh").is_match(&v("/home/u/.ssh/id_rsa")));
        assert!(Pm::Home(".kube/config").is_match(&v("/home/u/.kube/config")));
        assert!(!Pm::Home(".kube/config").is_match(&v("/home/u/.kube/cache")));
        assert!(!Pm::Home(".ssh").is_match(&v("/p/.ssh/x")));
        assert!(Pm::Abs("etc/warden").is_match(&v("/etc/warden/policy.toml")));
    }

    fn hits(pattern: &str, tighten: bool, path: &str) -> bool {
        let mut g = PathGlobs::new();
        g.push(parse_path_pattern(pattern, tighten).unwrap(), 0);
        !g.matches(Path::new(path), Path::new("/p"), Some(Path::new("/home/u")))
            .is_empty()
    }

    #[test]
    fn policy_patterns() {
        let cases: &[(&str, bool, &str, bool)] = &[
            ("/secrets/**", true, "/p/secrets/db.txt", true),
            ("/secrets/**", true, "/secrets/db.txt", true),
            ("/secrets/**", false, "/secrets/db.txt", true),
            ("/tmp/scratch/**", false, "/tmp/scratch/a", true),
            ("/secrets/**", true, "/p/app/secrets/db.txt", false),
            ("/.env", true, "/p/.env", true),
            ("/production/**", true, "/p/production/x/y", true),
            ("*.pem", true, "/p/a/b/c.PEM", true),
            ("*.pem", false, "/p/a/b/c.PEM", false),
            ("secrets", true, "/p/a/secrets/x", true),
            ("config/prod.yml", true, "/p/config/prod.yml", true),
            ("config/prod.yml", true, "/p/x/config/prod.yml", false),
            ("~/.aws/**", true, "/home/u/.aws/credentials", true),
            ("~/.aws", true, "/home/u/.aws/credentials", true),
            ("build/", false, "/p/build/out.o", true),
            ("build/", false, "/p/sub/build/out.o", true),
            ("**/secrets/**", true, "/anywhere/secrets/k", true),
            ("/docs/*.md", false, "/p/docs/a.md", true),
            ("/docs/*.md", false, "/p/docs/x/a.md", false),
        ];
        for (pat, t, path, want) in cases {
            assert_eq!(hits(pat, *t, path), *want, "{pat} {path}");
        }
    }

    #[test]
    fn bad_patterns() {
        assert!(parse_path_pattern("", true).is_err());
        assert!(parse_path_pattern("!x", true).is_err());
        assert!(parse_path_pattern("a[", true).is_err());
        assert!(parse_path_pattern("~bob/x", true).is_err());
    }
}
