//! Path resolution (cwd, `~`, `$HOME`, `..`, symlinks) and the classes of places a path can
//! be in (critical, system, home, project, scratch).

use std::path::{Component, Path, PathBuf};

use crate::Environment;
use crate::word::Word;

/// Most path components followed when looking for an existing ancestor to canonicalise.
const MAX_COMPONENTS: usize = 64;

/// A path named by a command word, resolved as far as analysis can.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Loc {
    /// The absolute, normalised path (placeholders such as `$X` or `*` kept in dynamic or
    /// globbed parts).
    pub path: PathBuf,
    /// The deepest directory that is known for certain to contain everything the word can
    /// name (the directory of the literal prefix, for dynamic or globbed words; the path
    /// itself otherwise).
    pub anchor: PathBuf,
    /// The word was not fully known (variable, substitution).
    pub dynamic: bool,
    /// The word is a glob pattern.
    pub glob: bool,
    /// The working directory was not known when the word was resolved (after a dynamic `cd`).
    pub cwd_unknown: bool,
    /// The word had a non-empty literal prefix before its first unknown part (`~/$X`,
    /// `/$X`), so the anchor was named explicitly.
    pub explicit_anchor: bool,
    /// Only filtered children of the anchor are meant (see [`Word::filtered`]).
    pub filtered: bool,
    /// The glob's last component has literal characters (`*.txt`), so it selects some
    /// entries rather than everything.
    pub selective_glob: bool,
    /// Only children of the anchor are meant (see [`Word::child`]).
    pub child: bool,
}

impl Loc {
    /// True when the word names exactly one known path.
    pub fn exact(&self) -> bool {
        !self.dynamic && !self.glob && !self.cwd_unknown
    }
}

/// Where paths are resolved from.
pub(crate) struct Resolver<'a> {
    pub cwd: Option<PathBuf>,
    pub fallback_cwd: &'a Path,
    pub home: Option<&'a Path>,
    pub env: &'a dyn Environment,
}

impl Resolver<'_> {
    /// Resolves a word to a location. Never fails: an empty word resolves to the cwd.
    pub fn resolve(&self, w: &Word) -> Loc {
        let cwd_unknown = self.cwd.is_none();
        let cwd = self.cwd.as_deref().unwrap_or(self.fallback_cwd);
        let full = self.absolute(&w.text, w.tilde, cwd);
        let path = self.canonical_parent(&normalize(&full), w.text.ends_with('/'));
        let anchor = if w.is_static() {
            path.clone()
        } else {
            let prefix = &w.text[..w.known_prefix.min(w.text.len())];
            let dir_part = match prefix.rfind('/') {
                Some(i) => &prefix[..=i],
                None => "",
            };
            let tilde = w.tilde && prefix.starts_with('~');
            let abs = if dir_part.is_empty() && !(tilde && prefix == "~") {
                cwd.to_path_buf()
            } else if dir_part.is_empty() {
                self.absolute("~", true, cwd)
            } else {
                self.absolute(dir_part, tilde, cwd)
            };
            self.canonical(&normalize(&abs))
        };
        let last = w
            .text
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or("");
        let selective_glob = w.glob
            && last
                .chars()
                .any(|c| !matches!(c, '*' | '?' | '.' | '[' | ']' | '!' | '{' | '}' | ','));
        Loc {
            path,
            anchor,
            dynamic: w.dynamic,
            glob: w.glob,
            cwd_unknown: cwd_unknown && !w.text.starts_with('/') && !w.tilde,
            explicit_anchor: w.known_prefix > 0,
            filtered: w.filtered,
            selective_glob,
            child: w.child,
        }
    }

    /// Resolves a literal path string (from interpreter code, `-C dir` …).
    pub fn resolve_str(&self, s: &str) -> Loc {
        let mut w = Word::lit(s);
        w.tilde = s.starts_with('~');
        self.resolve(&w)
    }

    fn absolute(&self, text: &str, tilde: bool, cwd: &Path) -> PathBuf {
        if tilde && (text == "~" || text.starts_with("~/")) {
            let rest = text.trim_start_matches('~').trim_start_matches('/');
            return match self.home {
                Some(h) => h.join(rest),
                None => PathBuf::from("/~").join(rest),
            };
        }
        let p = Path::new(text);
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            cwd.join(p)
        }
    }

    /// The path with its existing ancestors' symlinks resolved. The final component is kept
    /// as written unless `follow_last` (a trailing slash), because most tools act on a
    /// symlink itself, not its target.
    fn canonical_parent(&self, p: &Path, follow_last: bool) -> PathBuf {
        if follow_last || p.parent().is_none() {
            return self.canonical(p);
        }
        match (p.parent(), p.file_name()) {
            (Some(parent), Some(name)) => self.canonical(parent).join(name),
            _ => self.canonical(p),
        }
    }

    /// The longest existing ancestor canonicalised, with the rest appended.
    pub fn canonical(&self, p: &Path) -> PathBuf {
        let comps: Vec<Component<'_>> = p.components().collect();
        if comps.len() > MAX_COMPONENTS {
            return p.to_path_buf();
        }
        for cut in (1..=comps.len()).rev() {
            let head: PathBuf = comps[..cut].iter().collect();
            if let Some(real) = self.env.canonicalize(&head) {
                let mut out = normalize(&real);
                for c in &comps[cut..] {
                    out.push(c.as_os_str());
                }
                return normalize(&out);
            }
        }
        p.to_path_buf()
    }
}

/// Folds `.` and `..` lexically (`..` at the root stays at the root).
pub(crate) fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if out.parent().is_some() {
                    out.pop();
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

/// What kind of place a path is, for deciding how bad writing or deleting it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    /// Losing it loses a system, a home directory, the project or its history.
    Critical(&'static str),
    /// A raw disk or memory device.
    Device,
    /// A harmless sink (`/dev/null`, `/dev/stdout`, `/dev/fd/N`).
    Sink,
    /// Inside the project.
    Project {
        /// Under a regenerable artefact directory (`target`, `node_modules` …).
        regenerable: bool,
        /// Under `.git` (hooks, config, objects).
        git_internal: bool,
    },
    /// Scratch space (`/tmp`, `/var/tmp`).
    Scratch,
    /// Under a system directory, below its top levels.
    System,
    /// Under the home directory, below its top level.
    Home,
    /// Anywhere else.
    Other,
}

/// Top-level directories whose loss breaks a system; their first two levels are critical.
const SYSTEM_DIRS: &[&str] = &[
    "bin",
    "boot",
    "dev",
    "etc",
    "lib",
    "lib32",
    "lib64",
    "libx32",
    "opt",
    "proc",
    "root",
    "sbin",
    "sys",
    "usr",
    "var",
    "snap",
    "nix",
    "System",
    "Library",
    "Applications",
    "private",
    "efi",
];

/// Directory names of regenerable build and cache output.
const REGENERABLE: &[&str] = &[
    "node_modules",
    "target",
    "dist",
    "build",
    "out",
    "__pycache__",
    ".cache",
    "coverage",
    ".pytest_cache",
    ".mypy_cache",
    ".ruff_cache",
    ".next",
    ".nuxt",
    ".turbo",
    ".parcel-cache",
    ".svelte-kit",
    ".angular",
    ".gradle",
    ".tox",
    ".nox",
    ".venv",
    "venv",
    ".eggs",
    "htmlcov",
    ".nyc_output",
    "tmp",
    ".tmp",
    "temp",
    ".terraform",
    "cmake-build-debug",
    "cmake-build-release",
    ".hypothesis",
    ".benchmarks",
    ".docusaurus",
    "storybook-static",
    "bazel-out",
    "_build",
    ".stack-work",
    "dist-newstyle",
    "elm-stuff",
    "zig-cache",
    ".zig-cache",
    "zig-out",
    "vendor/bundle",
];

/// Home sub-directories that are caches, not user data.
const HOME_CACHES: &[&str] = &[".cache", ".npm", ".yarn", ".pnpm-store", ".bun", ".gradle"];

/// Classifies an absolute, normalised path.
pub(crate) fn place(path: &Path, root: &Path, home: Option<&Path>) -> Place {
    let s = path.to_string_lossy();
    if let Some(dev) = s.strip_prefix("/dev/") {
        return device_place(dev);
    }
    if path == Path::new("/") {
        return Place::Critical("the root directory");
    }
    if root.starts_with(path) {
        return Place::Critical(if path == root {
            "the project root"
        } else {
            "a parent of the project root"
        });
    }
    if let Ok(rel) = path.strip_prefix(root) {
        let mut comps = rel.components().map(|c| c.as_os_str().to_string_lossy());
        let first = comps.next().unwrap_or_default();
        if first == ".git" {
            if rel.components().count() == 1 {
                return Place::Critical("the project's git history (.git)");
            }
            return Place::Project {
                regenerable: false,
                git_internal: true,
            };
        }
        let regenerable = rel.components().any(|c| {
            let c = c.as_os_str().to_string_lossy();
            REGENERABLE.contains(&c.as_ref()) || c.ends_with(".egg-info")
        });
        return Place::Project {
            regenerable,
            git_internal: false,
        };
    }
    if let Some(h) = home {
        if path == h {
            return Place::Critical("the home directory");
        }
        if h.starts_with(path) {
            return Place::Critical("a parent of the home directory");
        }
        if let Ok(rel) = path.strip_prefix(h) {
            let n = rel.components().count();
            if n == 1 {
                let name = rel.to_string_lossy();
                if HOME_CACHES.contains(&name.as_ref()) {
                    return Place::Home;
                }
                return Place::Critical("a top-level directory of the home directory");
            }
            return Place::Home;
        }
    }
    let comps: Vec<_> = path
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy()),
            _ => None,
        })
        .collect();
    let top = comps.first().map(|c| c.as_ref()).unwrap_or("");
    if path.starts_with("/~") {
        // Home directory of an unknown user (remote command): same rules as a known home.
        return match comps.len() {
            1 | 2 => Place::Critical("a home directory"),
            _ => Place::Home,
        };
    }
    if matches!(top, "tmp" | "var/tmp") || path.starts_with("/var/tmp") {
        return if comps.len() == 1 {
            Place::Critical("the system scratch directory")
        } else {
            Place::Scratch
        };
    }
    if matches!(top, "home" | "Users") {
        return if comps.len() <= 2 {
            Place::Critical("a user's home directory")
        } else if comps.len() == 3 {
            Place::Critical("a top-level directory of a home directory")
        } else {
            Place::Other
        };
    }
    if comps.len() == 1 {
        return Place::Critical("a top-level directory");
    }
    if SYSTEM_DIRS.contains(&top) {
        if comps.len() == 2 {
            return Place::Critical("a system directory");
        }
        return Place::System;
    }
    Place::Other
}

fn device_place(dev: &str) -> Place {
    const SINKS: &[&str] = &[
        "null", "stdout", "stderr", "tty", "zero", "random", "urandom",
    ];
    if SINKS.contains(&dev) || dev.starts_with("fd/") || dev.starts_with("pts/") {
        return Place::Sink;
    }
    const DISKS: &[&str] = &[
        "sd", "hd", "vd", "xvd", "nvme", "mmcblk", "disk", "rdisk", "mapper/", "dm-", "md", "loop",
        "mem", "kmem", "port", "sr", "nbd",
    ];
    if DISKS.iter().any(|d| dev.starts_with(d)) {
        return Place::Device;
    }
    Place::System
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::StaticEnv;

    fn p(s: &str) -> PathBuf {
        PathBuf::from(s)
    }

    #[test]
    fn normalisation_table() {
        let cases = [
            ("/a/./b/../c", "/a/c"),
            ("/../..", "/"),
            ("/a/b/", "/a/b"),
            ("/", "/"),
        ];
        for (i, want) in cases {
            assert_eq!(normalize(Path::new(i)), p(want), "{i}");
        }
    }

    #[test]
    fn places() {
        let root = p("/work/proj");
        let home = p("/home/me");
        let h = Some(home.as_path());
        type Check = fn(Place) -> bool;
        let cases: &[(&str, Check)] = &[
            ("/", |x| matches!(x, Place::Critical(_))),
            ("/etc", |x| matches!(x, Place::Critical(_))),
            ("/usr/bin", |x| matches!(x, Place::Critical(_))),
            ("/usr/share/doc/x", |x| x == Place::System),
            ("/home/me", |x| matches!(x, Place::Critical(_))),
            ("/home/me/Documents", |x| matches!(x, Place::Critical(_))),
            ("/home/me/.cache", |x| x == Place::Home),
            ("/home/me/code/x", |x| x == Place::Home),
            ("/home/other", |x| matches!(x, Place::Critical(_))),
            ("/work", |x| matches!(x, Place::Critical(_))),
            ("/work/proj", |x| matches!(x, Place::Critical(_))),
            ("/work/proj/.git", |x| matches!(x, Place::Critical(_))),
            ("/work/proj/.git/hooks/pre-commit", |x| {
                x == Place::Project {
                    regenerable: false,
                    git_internal: true,
                }
            }),
            ("/work/proj/target", |x| {
                x == Place::Project {
                    regenerable: true,
                    git_internal: false,
                }
            }),
            ("/work/proj/src", |x| {
                x == Place::Project {
                    regenerable: false,
                    git_internal: false,
                }
            }),
            ("/tmp", |x| matches!(x, Place::Critical(_))),
            ("/tmp/x", |x| x == Place::Scratch),
            ("/dev/null", |x| x == Place::Sink),
            ("/dev/sda", |x| x == Place::Device),
            ("/dev/nvme0n1p1", |x| x == Place::Device),
            ("/srv2/data/x", |x| x == Place::Other),
        ];
        for (path, ok) in cases {
            let got = place(Path::new(path), &root, h);
            assert!(ok(got), "{path}: {got:?}");
        }
    }

    #[test]
    fn resolution_follows_home_cwd_and_symlinks() {
        let env = StaticEnv::new().with_link("/work/proj/link", "/etc");
        let home = p("/home/me");
        let r = Resolver {
            cwd: Some(p("/work/proj/sub")),
            fallback_cwd: Path::new("/work/proj"),
            home: Some(&home),
            env: &env,
        };
        let mut tilde = Word::lit("~/x");
        tilde.tilde = true;
        assert_eq!(r.resolve(&tilde).path, p("/home/me/x"));
        assert_eq!(r.resolve(&Word::lit("../a")).path, p("/work/proj/a"));
        assert_eq!(
            r.resolve(&Word::lit("../link/passwd")).path,
            p("/etc/passwd")
        );
        // The final component is a symlink itself unless followed with a trailing slash.
        assert_eq!(r.resolve(&Word::lit("../link")).path, p("/work/proj/link"));
        assert_eq!(r.resolve(&Word::lit("../link/")).path, p("/etc"));
        let mut dynw = Word::default();
        dynw.push_lit("/home/me/");
        dynw.push_dynamic("$X");
        let loc = r.resolve(&dynw);
        assert_eq!(loc.anchor, p("/home/me"));
        assert!(loc.dynamic);
    }
}
