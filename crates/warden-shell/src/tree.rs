//! What a read of a glob, a directory or a computed path can reach.
//!
//! `cat .e*` reads `.env`, `grep -r KEY .` reads every file under `.`, and `cat "$F"` reads
//! whatever `F` holds when it runs. None of them names a secret file, so a policy that only
//! looks at the words would let them through. Through [`Environment::list_dir`] this module
//! expands a glob the way the shell will, and looks for secret files in the tree a recursive
//! read walks. Both are bounded: a listing budget per analysis, a depth limit, symlinks not
//! followed (recursive readers do not follow them either, except `grep -R`, whose targets are
//! judged by their own names).

use std::collections::{HashMap, VecDeque};
use std::path::{Component, Path, PathBuf};

use crate::{EntryKind, Environment};

/// Directory entries one analysis may list, in all, for globs and trees.
pub const MAX_LISTED_ENTRIES: usize = 50_000;
/// Paths one glob may expand to; beyond this the rest are not looked at.
pub const MAX_GLOB_MATCHES: usize = 4_096;
/// Deepest directory level visited under the root of a recursive read.
const MAX_TREE_DEPTH: usize = 32;

/// What a directory tree holds, as far as secrets go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TreeSecrets {
    /// The path is not a directory Warden can list.
    NotADirectory,
    /// No secret file anywhere in it.
    Clean,
    /// The first secret file found (breadth first, so the shallowest).
    Holds(PathBuf),
    /// Too large (or too deep) to check within the budget.
    TooLarge,
}

/// What a search in the manner of `rg`'s defaults reaches under `root`: hidden entries and
/// ignored ones ([`Environment::is_ignored`]) are skipped. For a tool that searches as `rg`
/// does, such as Claude Code's Grep. Bounded like every other walk.
pub fn search_reaches_secret(env: &dyn Environment, root: &Path) -> TreeSecrets {
    let skips = Skips {
        hidden: true,
        ignored: true,
        ..Skips::default()
    };
    Trees::default().secret_within(env, root, &skips)
}

/// Names a recursive reader skips (`grep --exclude=.env --exclude-dir=secrets`, `tar
/// --exclude`), as globs matched against each entry's name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Skips {
    /// Skipped files (and directories, for readers whose exclude covers both).
    pub names: Vec<String>,
    /// Skipped directories.
    pub dirs: Vec<String>,
    /// Hidden entries (names starting with `.`) are skipped: `rg` without `--hidden`.
    pub hidden: bool,
    /// Entries the repository's ignore files exclude are skipped: `rg` without
    /// `--no-ignore` (see [`Environment::is_ignored`]).
    pub ignored: bool,
}

impl Skips {
    fn skips(&self, name: &str, kind: EntryKind) -> bool {
        // Exclude globs (`--exclude='*.env'`) are fnmatch patterns without the shell's
        // dot-file rule, so plain `fnmatch`, not `component_matches`.
        let any = |globs: &[String]| globs.iter().any(|g| fnmatch(g, name));
        (self.hidden && name.starts_with('.'))
            || any(&self.names)
            || (kind == EntryKind::Dir && any(&self.dirs))
    }
}

/// Listing state shared by every glob and tree of one analysis.
pub(crate) struct Trees {
    budget: usize,
    cache: HashMap<PathBuf, TreeSecrets>,
}

impl Default for Trees {
    fn default() -> Self {
        Trees {
            budget: MAX_LISTED_ENTRIES,
            cache: HashMap::new(),
        }
    }
}

impl Trees {
    /// The existing paths `pattern` (absolute) expands to, sorted, as bash expands a glob:
    /// `*`, `?` and `[…]` within one component, a leading `.` matched only literally. Empty
    /// when nothing matches (the shell then passes the pattern itself).
    pub fn expand(&mut self, env: &dyn Environment, pattern: &Path) -> Vec<PathBuf> {
        let mut current = vec![PathBuf::from("/")];
        let components: Vec<String> = pattern
            .components()
            .filter_map(|c| match c {
                Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
                _ => None,
            })
            .collect();
        for (i, component) in components.iter().enumerate() {
            let last = i + 1 == components.len();
            let mut next = Vec::new();
            for dir in &current {
                let Some(entries) = self.list(env, dir) else {
                    continue;
                };
                let is_glob = component.contains(['*', '?', '[']);
                for (name, kind) in entries {
                    let wanted = if is_glob {
                        component_matches(component, &name)
                    } else {
                        name == *component
                    };
                    if wanted && (last || kind != EntryKind::File) {
                        next.push(dir.join(&name));
                        if next.len() >= MAX_GLOB_MATCHES {
                            break;
                        }
                    }
                }
            }
            if next.is_empty() {
                return Vec::new();
            }
            current = next;
        }
        current.sort();
        current
    }

    /// Whether the tree at `dir` holds a secret file, breadth first. `.git` is not entered
    /// (its files are git's, not the project's secrets, and reading them is judged apart).
    pub fn secret_within(
        &mut self,
        env: &dyn Environment,
        dir: &Path,
        skips: &Skips,
    ) -> TreeSecrets {
        let plain = *skips == Skips::default();
        if plain && let Some(known) = self.cache.get(dir) {
            return known.clone();
        }
        let answer = self.walk(env, dir, skips, &|_| true);
        if plain {
            self.cache.insert(dir.to_path_buf(), answer.clone());
        }
        answer
    }

    /// The first secret file under `dir` whose name matches one of `globs` (`find -name`,
    /// case-insensitively as `-iname` would), breadth first.
    pub fn secret_named(
        &mut self,
        env: &dyn Environment,
        dir: &Path,
        globs: &[String],
    ) -> TreeSecrets {
        let globs: Vec<String> = globs.iter().map(|g| g.to_lowercase()).collect();
        let wanted = |name: &str| {
            let name = name.to_lowercase();
            globs.iter().any(|g| fnmatch(g, &name))
        };
        self.walk(env, dir, &Skips::default(), &wanted)
    }

    fn walk(
        &mut self,
        env: &dyn Environment,
        root: &Path,
        skips: &Skips,
        wanted: &dyn Fn(&str) -> bool,
    ) -> TreeSecrets {
        let Some(entries) = self.list(env, root) else {
            return TreeSecrets::NotADirectory;
        };
        let mut queue = VecDeque::from([(root.to_path_buf(), entries, 0usize)]);
        while let Some((dir, entries, depth)) = queue.pop_front() {
            for (name, kind) in entries {
                if skips.skips(&name, kind) {
                    continue;
                }
                let path = dir.join(&name);
                if skips.ignored && env.is_ignored(&path, kind == EntryKind::Dir) {
                    continue;
                }
                if wanted(&name) && env.is_secret_path(&path) {
                    return TreeSecrets::Holds(path);
                }
                if kind != EntryKind::Dir || name == ".git" {
                    continue;
                }
                if depth + 1 > MAX_TREE_DEPTH {
                    return TreeSecrets::TooLarge;
                }
                if self.budget == 0 {
                    return TreeSecrets::TooLarge;
                }
                if let Some(children) = self.list(env, &path) {
                    queue.push_back((path, children, depth + 1));
                }
            }
        }
        if self.budget == 0 {
            TreeSecrets::TooLarge
        } else {
            TreeSecrets::Clean
        }
    }

    /// A directory's entries within the budget; None when it cannot be listed.
    fn list(&mut self, env: &dyn Environment, dir: &Path) -> Option<Vec<(String, EntryKind)>> {
        if self.budget == 0 {
            return None;
        }
        let mut entries = env.list_dir(dir, self.budget)?;
        entries.truncate(self.budget);
        entries.sort();
        self.budget -= entries.len().max(1).min(self.budget);
        Some(entries)
    }
}

/// Whether a file name matches one glob component the way bash matches it: `*` any run,
/// `?` one character, `[…]` a class (`!`/`^` negates, ranges, `[:alpha:]`-style classes),
/// `\` quotes the next character, and a leading `.` must be matched literally.
pub fn component_matches(pattern: &str, name: &str) -> bool {
    if name.starts_with('.') && !pattern.starts_with('.') {
        return false;
    }
    fnmatch(pattern, name)
}

fn fnmatch(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    // Greedy matching with one backtrack point (the last `*`): linear in practice,
    // quadratic at worst, never exponential.
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ni));
                pi += 1;
                continue;
            }
            Some(&c) => {
                let step = match c {
                    '?' => Some(pi + 1),
                    '[' => match class(&p, pi, n[ni]) {
                        Class::Matched(end) => Some(end),
                        Class::Missed => None,
                        Class::Literal => (n[ni] == '[').then_some(pi + 1),
                    },
                    '\\' if pi + 1 < p.len() => (p[pi + 1] == n[ni]).then_some(pi + 2),
                    c => (c == n[ni]).then_some(pi + 1),
                };
                if let Some(next) = step {
                    pi = next;
                    ni += 1;
                    continue;
                }
            }
            None => {}
        }
        match star {
            Some((sp, sn)) => {
                pi = sp + 1;
                ni = sn + 1;
                star = Some((sp, sn + 1));
            }
            None => return false,
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

enum Class {
    /// The class matched; the pattern continues at this index.
    Matched(usize),
    Missed,
    /// No closing `]`: the `[` is an ordinary character.
    Literal,
}

/// Matches `c` against the bracket expression starting at `p[start] == '['`.
fn class(p: &[char], start: usize, c: char) -> Class {
    let mut i = start + 1;
    let negated = matches!(p.get(i), Some('!' | '^'));
    if negated {
        i += 1;
    }
    let mut matched = false;
    let mut first = true;
    while i < p.len() {
        let ch = p[i];
        if ch == ']' && !first {
            return if matched != negated {
                Class::Matched(i + 1)
            } else {
                Class::Missed
            };
        }
        first = false;
        if ch == '[' && p.get(i + 1) == Some(&':') {
            let rest: String = p[i + 2..].iter().collect();
            if let Some(end) = rest.find(":]") {
                matched |= posix_class(&rest[..end], c);
                i += 2 + rest[..end].chars().count() + 2;
                continue;
            }
        }
        let lo = if ch == '\\' && i + 1 < p.len() {
            i += 1;
            p[i]
        } else {
            ch
        };
        if p.get(i + 1) == Some(&'-') && p.get(i + 2).is_some_and(|&e| e != ']') {
            let hi = p[i + 2];
            matched |= lo <= c && c <= hi;
            i += 3;
        } else {
            matched |= lo == c;
            i += 1;
        }
    }
    Class::Literal
}

fn posix_class(name: &str, c: char) -> bool {
    match name {
        "alpha" => c.is_alphabetic(),
        "digit" => c.is_ascii_digit(),
        "alnum" => c.is_alphanumeric(),
        "upper" => c.is_uppercase(),
        "lower" => c.is_lowercase(),
        "space" => c.is_whitespace(),
        "blank" => c == ' ' || c == '\t',
        "punct" => c.is_ascii_punctuation(),
        "xdigit" => c.is_ascii_hexdigit(),
        "cntrl" => c.is_control(),
        "print" => !c.is_control(),
        "graph" => !c.is_control() && !c.is_whitespace(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::StaticEnv;

    #[test]
    fn components_match_like_bash() {
        let yes = [
            (".e*", ".env"),
            (".en?", ".env"),
            (".[e]nv", ".env"),
            ("*.pem", "server.pem"),
            ("*", "a"),
            ("*.*", "a.b"),
            ("[!a]x", "bx"),
            ("[^a]x", "bx"),
            ("[a-c]", "b"),
            ("[[:digit:]]*", "1abc"),
            ("[]]", "]"),
            ("\\*", "*"),
            ("a[", "a["),
            ("*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaab"),
            (".*", ".env"),
            ("id_*", "id_rsa"),
        ];
        for (p, n) in yes {
            assert!(component_matches(p, n), "{p} should match {n}");
        }
        let no = [
            ("*", ".env"),
            ("*env", ".env"),
            ("?env", ".env"),
            ("[.]env", ".env"),
            ("[!a]x", "ax"),
            ("[a-c]", "d"),
            ("\\*", "a"),
            ("*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaa"),
            ("a?", "a"),
        ];
        for (p, n) in no {
            assert!(!component_matches(p, n), "{p} should not match {n}");
        }
    }

    fn env() -> StaticEnv {
        StaticEnv::new()
            .with_file("/p/.env")
            .with_file("/p/.env.example")
            .with_file("/p/src/main.rs")
            .with_file("/p/src/deep/er/config/server.key")
            .with_file("/p/.git/config")
            .with_file("/p/docs/a.md")
    }

    #[test]
    fn globs_expand_to_existing_paths() {
        let env = env();
        let mut trees = Trees::default();
        let got = trees.expand(&env, Path::new("/p/.e*"));
        assert_eq!(
            got,
            [PathBuf::from("/p/.env"), PathBuf::from("/p/.env.example")]
        );
        assert_eq!(
            trees.expand(&env, Path::new("/p/*/main.rs")),
            [PathBuf::from("/p/src/main.rs")]
        );
        assert!(trees.expand(&env, Path::new("/p/*.txt")).is_empty());
        assert!(trees.expand(&env, Path::new("/nowhere/*")).is_empty());
        // `*` does not match dot files.
        assert_eq!(
            trees.expand(&env, Path::new("/p/*")),
            [PathBuf::from("/p/docs"), PathBuf::from("/p/src")]
        );
    }

    #[test]
    fn trees_find_the_shallowest_secret_and_skip_git() {
        let env = env();
        let mut trees = Trees::default();
        assert_eq!(
            trees.secret_within(&env, Path::new("/p"), &Skips::default()),
            TreeSecrets::Holds(PathBuf::from("/p/.env"))
        );
        assert_eq!(
            trees.secret_within(&env, Path::new("/p/src"), &Skips::default()),
            TreeSecrets::Holds(PathBuf::from("/p/src/deep/er/config/server.key"))
        );
        assert_eq!(
            trees.secret_within(&env, Path::new("/p/docs"), &Skips::default()),
            TreeSecrets::Clean
        );
        assert_eq!(
            trees.secret_within(&env, Path::new("/p/docs/a.md"), &Skips::default()),
            TreeSecrets::NotADirectory
        );
    }

    #[test]
    fn skipped_names_are_not_walked() {
        let env = env();
        let mut trees = Trees::default();
        let skips = |names: &[&str], dirs: &[&str]| Skips {
            names: names.iter().map(|s| s.to_string()).collect(),
            dirs: dirs.iter().map(|s| s.to_string()).collect(),
            ..Skips::default()
        };
        let p = Path::new("/p");
        assert_eq!(
            trees.secret_within(&env, p, &skips(&[".env"], &["deep"])),
            TreeSecrets::Clean
        );
        assert_eq!(
            trees.secret_within(&env, p, &skips(&[".env*", "*.key"], &[])),
            TreeSecrets::Clean
        );
        assert_eq!(
            trees.secret_within(&env, p, &skips(&["*.env"], &[])),
            TreeSecrets::Holds(PathBuf::from("/p/src/deep/er/config/server.key")),
            "fnmatch `*.env` matches `.env` (no dot-file rule in exclude globs)"
        );
        assert_eq!(
            trees.secret_within(&env, p, &skips(&[".env"], &[])),
            TreeSecrets::Holds(PathBuf::from("/p/src/deep/er/config/server.key"))
        );
    }

    #[test]
    fn the_budget_bounds_the_walk() {
        let mut env = StaticEnv::new();
        for i in 0..200 {
            env = env.with_file(format!("/big/d{i}/f.txt"));
        }
        let mut trees = Trees {
            budget: 50,
            cache: HashMap::new(),
        };
        assert_eq!(
            trees.secret_within(&env, Path::new("/big"), &Skips::default()),
            TreeSecrets::TooLarge
        );
    }
}
