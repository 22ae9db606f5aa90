//! Finding, reading, layering and trusting policy files.
//!
//! # Layers
//!
//! managed `/etc/warden/policy.toml` > user `$XDG_CONFIG_HOME/warden/policy.toml` > project
//! `<root>/.warden/policy.toml` > the `WARDEN_POLICY` file > built-in defaults. Every deny and
//! ask rule of every layer applies. Allow rules and a looser `mode` apply only from *trusted*
//! layers: managed, user, the `WARDEN_POLICY` file when it lies outside the project, and the
//! project file once `warden trust` recorded its current hash. A `WARDEN_POLICY` file inside
//! the project is treated like an untrusted project file (a repository can set environment
//! variables for the agent through its own settings; it must not loosen Warden that way).
//!
//! # Mode
//!
//! The strictest `mode` set by a trusted layer (`tool` when none sets one); an untrusted
//! project may make it stricter, never looser. `--mode` / `WARDEN_MODE` then choose the mode
//! for the session, but never looser than a managed `mode`.
//!
//! # Git settings
//!
//! `protect_branches`: the union of the trusted layers' lists (the built-in `main`, `master`,
//! `production` when no trusted layer sets one), plus any branch an untrusted layer adds.
//! `warn_force_push` / `require_pr`: true when any trusted layer sets true (built-in: `true` /
//! `false` when no trusted layer sets them), or an untrusted layer sets true.
//!
//! # Secrets allowlists
//!
//! `[secrets] allow_paths / allow_rules`: the union of the trusted layers' lists. They only
//! loosen, so an untrusted layer's are ignored (and listed in [`LayerInfo::ignored`]).

use std::path::{Path, PathBuf};

use warden_core::Mode;

use crate::builtin;
use crate::compile::{self, CompiledLayer, Layer};
use crate::error::{PolicyError, PolicyErrors};
use crate::policy::{GitPolicy, LayerInfo, Loaded, Policy};
use crate::raw;
use crate::secrets::SecretsAllow;
use crate::trust;

/// Where policy files are and how the session was started. Build it with
/// [`LoadOptions::from_env`] in the binary; tests fill it by hand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadOptions {
    /// The project root; its policy is `<root>/.warden/policy.toml`.
    pub project_root: Option<PathBuf>,
    /// The managed policy, `/etc/warden/policy.toml`.
    pub managed_path: PathBuf,
    /// `$XDG_CONFIG_HOME/warden` (or `~/.config/warden`); holds the user policy.
    pub user_config_dir: Option<PathBuf>,
    /// `$WARDEN_POLICY`: an extra policy file, which must exist when named.
    pub extra_path: Option<PathBuf>,
    /// `--mode` / `WARDEN_MODE`: the session's mode (never looser than a managed mode).
    pub mode_override: Option<Mode>,
    /// Where `warden trust` records project policy hashes.
    pub trust_store: PathBuf,
    /// The home directory.
    pub home: Option<PathBuf>,
    /// `$XDG_STATE_HOME/warden` (or `~/.local/state/warden`): the audit log directory,
    /// protected from the agent.
    pub state_dir: Option<PathBuf>,
    /// A problem found while reading the environment (an invalid `WARDEN_MODE`); `load`
    /// fails with it.
    pub env_error: Option<String>,
}

/// The managed policy path.
pub const MANAGED_POLICY: &str = "/etc/warden/policy.toml";

impl LoadOptions {
    /// Reads `HOME`, `XDG_CONFIG_HOME`, `XDG_STATE_HOME`, `WARDEN_POLICY` and `WARDEN_MODE`.
    /// Reads no file.
    pub fn from_env(project_root: Option<PathBuf>) -> Self {
        let var = |k: &str| {
            std::env::var_os(k)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        let home = var("HOME").filter(|h| h.is_absolute());
        let xdg = |k: &str, fallback: &str| {
            var(k)
                .filter(|p| p.is_absolute())
                .or_else(|| home.as_ref().map(|h| h.join(fallback)))
        };
        let user_config_dir = xdg("XDG_CONFIG_HOME", ".config").map(|d| d.join("warden"));
        let state_dir = xdg("XDG_STATE_HOME", ".local/state").map(|d| d.join("warden"));
        let trust_store = user_config_dir.as_ref().map_or_else(
            || PathBuf::from("/nonexistent/warden/trust.toml"),
            |d| d.join("trust.toml"),
        );
        let (mode_override, env_error) = match std::env::var("WARDEN_MODE") {
            Ok(v) if !v.trim().is_empty() => match v.parse::<Mode>() {
                Ok(m) => (Some(m), None),
                Err(e) => (None, Some(format!("WARDEN_MODE: {e}"))),
            },
            Ok(_) => (None, None),
            Err(std::env::VarError::NotPresent) => (None, None),
            Err(std::env::VarError::NotUnicode(_)) => {
                (None, Some("WARDEN_MODE is not valid UTF-8".to_string()))
            }
        };
        let extra_path = var("WARDEN_POLICY").map(|p| {
            if p.is_absolute() {
                p
            } else {
                std::env::current_dir().map_or(p.clone(), |d| d.join(&p))
            }
        });
        LoadOptions {
            project_root,
            managed_path: PathBuf::from(MANAGED_POLICY),
            user_config_dir,
            extra_path,
            mode_override,
            trust_store,
            home,
            state_dir,
            env_error,
        }
    }
}

/// Options for [`load_from_strings`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceOptions {
    /// Whether the `Project` layer's loosening rules apply (as if `warden trust` had run).
    pub project_trusted: bool,
    /// Whether the `Extra` layer is untrusted (as when `WARDEN_POLICY` lies in the project).
    pub extra_untrusted: bool,
    /// The session's mode override.
    pub mode_override: Option<Mode>,
    /// Directories and files Warden keeps for itself, protected from the agent.
    pub protected_dirs: Vec<PathBuf>,
}

/// One policy source to assemble.
struct Source {
    layer: Layer,
    path: PathBuf,
    text: String,
    trusted: bool,
    sha256: Option<String>,
}

/// Reads every policy file that exists, checks project trust, and assembles the policy.
/// Reads files and nothing else. Any broken file (or an unreadable one) fails the load: the
/// caller must deny.
pub fn load(opts: &LoadOptions) -> Result<Policy, PolicyErrors> {
    let mut errors = Vec::new();
    if let Some(e) = &opts.env_error {
        errors.push(PolicyError::file(
            Path::new("<environment>"),
            e.clone(),
            Some("set WARDEN_MODE to read-only, tool or dangerous, or unset it".into()),
        ));
    }
    let mut sources = Vec::new();
    let read = |layer: Layer, path: &Path, required: bool, errors: &mut Vec<PolicyError>| {
        match read_policy_file(path, required) {
            Ok(Some(bytes)) => Some((layer, path.to_path_buf(), bytes)),
            Ok(None) => None,
            Err(e) => {
                errors.push(*e);
                None
            }
        }
    };
    let mut found = Vec::new();
    found.extend(read(Layer::Managed, &opts.managed_path, false, &mut errors));
    if let Some(dir) = &opts.user_config_dir {
        found.extend(read(
            Layer::User,
            &dir.join("policy.toml"),
            false,
            &mut errors,
        ));
    }
    if let Some(root) = &opts.project_root {
        found.extend(read(
            Layer::Project,
            &trust::project_policy_path(root),
            false,
            &mut errors,
        ));
    }
    if let Some(extra) = &opts.extra_path {
        found.extend(read(Layer::Extra, extra, true, &mut errors));
    }
    for (layer, path, bytes) in found {
        let sha = trust::sha256_hex(&bytes);
        let trusted = match layer {
            Layer::Project => opts
                .project_root
                .as_deref()
                .and_then(|root| trust::recorded_hash(root, &opts.trust_store))
                .is_some_and(|h| h == sha),
            Layer::Extra => !opts
                .project_root
                .as_deref()
                .is_some_and(|root| inside(&path, root)),
            _ => true,
        };
        match String::from_utf8(bytes) {
            Ok(text) => sources.push(Source {
                layer,
                path,
                text,
                trusted,
                sha256: Some(sha),
            }),
            Err(_) => errors.push(PolicyError::file(
                &path,
                "the policy file is not valid UTF-8",
                None,
            )),
        }
    }
    let mut protected = Vec::new();
    protected.extend(opts.user_config_dir.iter().cloned());
    protected.extend(opts.state_dir.iter().cloned());
    protected.push(opts.trust_store.clone());
    if let Some(dir) = opts.managed_path.parent().filter(|d| d.parent().is_some()) {
        protected.push(dir.to_path_buf());
    }
    protected.extend(opts.extra_path.iter().cloned());
    assemble(sources, opts.mode_override, protected, errors)
}

fn inside(path: &Path, root: &Path) -> bool {
    let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    canon(path).starts_with(canon(root)) || path.starts_with(root)
}

fn read_policy_file(path: &Path, required: bool) -> Result<Option<Vec<u8>>, Box<PolicyError>> {
    let fail = |msg: String, hint: Option<String>| Box::new(PolicyError::file(path, msg, hint));
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => return Ok(None),
        Err(e) => {
            let hint = required
                .then(|| "WARDEN_POLICY names this file; create it or unset the variable".into());
            return Err(fail(format!("cannot read the policy file: {e}"), hint));
        }
    };
    if !meta.is_file() {
        return Err(fail("the policy path is not a regular file".into(), None));
    }
    if meta.len() > raw::MAX_POLICY_BYTES as u64 {
        let msg = format!(
            "the policy file is {} bytes; the limit is {}",
            meta.len(),
            raw::MAX_POLICY_BYTES
        );
        return Err(fail(msg, None));
    }
    std::fs::read(path)
        .map(Some)
        .map_err(|e| fail(format!("cannot read the policy file: {e}"), None))
}

/// Assembles a policy from texts: pure, for tests and fuzzing. Layers may come in any order;
/// each is parsed, compiled and merged exactly as [`load`] does. `Builtin` entries are
/// ignored (the built-in defaults are always present).
pub fn load_from_strings(
    layers: &[(Layer, PathBuf, String)],
    opts: &SourceOptions,
) -> Result<Policy, PolicyErrors> {
    let sources = layers
        .iter()
        .filter(|(l, _, _)| *l != Layer::Builtin)
        .map(|(layer, path, text)| Source {
            layer: *layer,
            path: path.clone(),
            text: text.clone(),
            trusted: match layer {
                Layer::Project => opts.project_trusted,
                Layer::Extra => !opts.extra_untrusted,
                _ => true,
            },
            sha256: Some(trust::sha256_hex(text.as_bytes())),
        })
        .collect();
    assemble(
        sources,
        opts.mode_override,
        opts.protected_dirs.clone(),
        Vec::new(),
    )
}

fn assemble(
    mut sources: Vec<Source>,
    mode_override: Option<Mode>,
    protected_dirs: Vec<PathBuf>,
    mut errors: Vec<PolicyError>,
) -> Result<Policy, PolicyErrors> {
    sources.sort_by_key(|s| s.layer);
    let mut layers: Vec<Loaded> = Vec::with_capacity(sources.len());
    let mut infos = Vec::with_capacity(sources.len() + 1);
    for s in sources {
        let mut file_errors = Vec::new();
        let raw = raw::parse(&s.path, &s.text, &mut file_errors);
        let compiled = compile::compile(s.layer, &s.path, &s.text, raw, &mut file_errors);
        file_errors.sort_by_key(|e| e.location);
        errors.extend(file_errors);
        infos.push(LayerInfo {
            layer: s.layer,
            path: s.path,
            trusted: s.trusted,
            sha256: s.sha256,
            ignored: Vec::new(),
        });
        layers.push(Loaded {
            compiled,
            trusted: s.trusted,
        });
    }
    if !errors.is_empty() {
        return Err(PolicyErrors { errors });
    }

    let mode = resolve_mode(&layers, &mut infos, mode_override);
    let git = merge_git(&layers);
    let mut secrets = SecretsAllow::default();
    for (l, info) in layers.iter().zip(infos.iter_mut()) {
        if l.trusted {
            secrets.extend(&l.compiled.secrets);
        } else if !l.compiled.secrets.is_empty() {
            secrets.ignore(&info.path);
            let s = &l.compiled.secrets;
            info.ignored.push(format!(
                "[secrets] allow_paths ({}) and allow_rules ({}) (the layer is not trusted; run `warden trust` to apply them)",
                s.paths.len(),
                s.rules.len()
            ));
        }
        if !l.trusted {
            let n = l.compiled.allow_rule_count();
            if n > 0 {
                info.ignored.push(format!(
                    "{n} allow rule{} (the layer is not trusted; run `warden trust` to apply {})",
                    if n == 1 { "" } else { "s" },
                    if n == 1 { "it" } else { "them" }
                ));
            }
            if l.compiled.warn_force_push == Some(false) {
                info.ignored
                    .push("warn_force_push = false (only tightening applies)".into());
            }
            if l.compiled.require_pr == Some(false) {
                info.ignored
                    .push("require_pr = false (only tightening applies)".into());
            }
        }
    }
    infos.push(LayerInfo {
        layer: Layer::Builtin,
        path: PathBuf::from("<built-in>"),
        trusted: true,
        sha256: None,
        ignored: Vec::new(),
    });
    Ok(Policy {
        mode,
        layers,
        infos,
        git,
        secrets,
        protected_dirs,
    })
}

fn stricter(a: Mode, b: Mode) -> Mode {
    if b.strictness() > a.strictness() {
        b
    } else {
        a
    }
}

fn resolve_mode(layers: &[Loaded], infos: &mut [LayerInfo], mode_override: Option<Mode>) -> Mode {
    let mut base: Option<Mode> = None;
    for l in layers.iter().filter(|l| l.trusted) {
        if let Some(m) = l.compiled.mode {
            base = Some(base.map_or(m, |b| stricter(b, m)));
        }
    }
    let mut mode = base.unwrap_or_default();
    for (l, info) in layers.iter().zip(infos.iter_mut()) {
        if l.trusted {
            continue;
        }
        if let Some(m) = l.compiled.mode {
            if m.strictness() > mode.strictness() {
                mode = m;
            } else if m.strictness() < mode.strictness() {
                info.ignored.push(format!(
                    "mode = \"{m}\" (looser than \"{mode}\"; an untrusted layer can only tighten)"
                ));
            }
        }
    }
    if let Some(o) = mode_override {
        let managed = layers
            .iter()
            .find(|l| l.compiled.layer == Layer::Managed)
            .and_then(|l| l.compiled.mode);
        mode = match managed {
            Some(m) if o.strictness() < m.strictness() => m,
            _ => o,
        };
    }
    mode
}

fn merge_git(layers: &[Loaded]) -> GitPolicy {
    let mut branches: Option<Vec<String>> = None;
    let mut warn: Option<bool> = None;
    let mut pr: Option<bool> = None;
    for l in layers.iter().filter(|l| l.trusted) {
        let c: &CompiledLayer = &l.compiled;
        if let Some(b) = &c.protect_branches {
            branches
                .get_or_insert_with(Vec::new)
                .extend(b.iter().cloned());
        }
        if let Some(w) = c.warn_force_push {
            warn = Some(warn.unwrap_or(false) || w);
        }
        if let Some(p) = c.require_pr {
            pr = Some(pr.unwrap_or(false) || p);
        }
    }
    let mut protect_branches = branches.unwrap_or_else(|| {
        builtin::PROTECT_BRANCHES
            .iter()
            .map(|s| s.to_string())
            .collect()
    });
    let mut warn_force_push = warn.unwrap_or(true);
    let mut require_pr = pr.unwrap_or(false);
    for l in layers.iter().filter(|l| !l.trusted) {
        let c = &l.compiled;
        if let Some(b) = &c.protect_branches {
            protect_branches.extend(b.iter().cloned());
        }
        warn_force_push |= c.warn_force_push == Some(true);
        require_pr |= c.require_pr == Some(true);
    }
    protect_branches.sort();
    protect_branches.dedup();
    GitPolicy {
        protect_branches,
        warn_force_push,
        require_pr,
    }
}
