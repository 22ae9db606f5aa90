//! The glue of one decision.
//!
//! ```text
//! Action ──resolve paths──▶ Action' ──warden-shell / warden-secrets──▶ Effects
//!        ──warden-policy──▶ Verdict
//! ```
//!
//! This crate owns the few pieces of I/O a decision needs and nothing more: resolving symlinks
//! of the paths an action names, and reading (bounded) a script a command runs. Everything it
//! hands to the analysis and policy crates is already resolved, so they stay pure.

pub mod approvals;
mod ignores;
mod mcp;
mod paths;

use std::path::{Path, PathBuf};

use warden_core::{Action, Effect, EffectKind, RuleId, Severity, Verdict};
use warden_policy::{EvalContext, Policy};
use warden_secrets::Scanner;
use warden_shell::TreeSecrets;

pub use paths::{find_project_root, normalize};

/// Scripts larger than this are not read for analysis (the command is then opaque: ask).
pub const MAX_SCRIPT_BYTES: u64 = 64 * 1024;

/// Where a decision is made.
#[derive(Debug, Clone)]
pub struct Context {
    /// The agent's working directory (absolute).
    pub cwd: PathBuf,
    /// The project root (absolute): the nearest ancestor of `cwd` with `.git` or `.warden`.
    pub project_root: PathBuf,
    pub home: Option<PathBuf>,
}

impl Context {
    /// A context for `cwd`, with the project root found by walking up and `HOME` from the
    /// environment. `project_dir` (Claude Code's `CLAUDE_PROJECT_DIR`) wins when it contains
    /// `cwd`.
    pub fn discover(cwd: &Path, project_dir: Option<&Path>, home: Option<PathBuf>) -> Self {
        let cwd = paths::resolve(cwd, Path::new("/"));
        let project_root = project_dir
            .map(|dir| paths::resolve(dir, &cwd))
            .filter(|dir| cwd.starts_with(dir))
            .unwrap_or_else(|| find_project_root(&cwd));
        let home = home.map(|h| paths::resolve(&h, Path::new("/")));
        Context {
            cwd,
            project_root,
            home,
        }
    }

    fn eval(&self) -> EvalContext {
        EvalContext {
            cwd: self.cwd.clone(),
            project_root: self.project_root.clone(),
            home: self.home.clone(),
        }
    }
}

/// One decision with the evidence behind it.
#[derive(Debug, Clone)]
pub struct Decided {
    pub verdict: Verdict,
    /// The action with its paths resolved, as the policy saw it.
    pub action: Action,
    pub effects: Vec<Effect>,
}

/// Decide one action.
pub fn decide(policy: &Policy, action: &Action, ctx: &Context) -> Decided {
    let action = paths::resolve_action(action, ctx);
    let mut effects = match &action {
        Action::Shell { command, cwd } => shell_effects(policy, command, cwd, ctx),
        Action::Search {
            path,
            content: true,
            ..
        } => search_effects(policy, path.as_deref(), ctx),
        Action::Mcp {
            tool, arguments, ..
        } => mcp::effects(tool, arguments, ctx),
        _ => Vec::new(),
    };
    effects.extend(secret_effects(policy, &action, &effects, ctx));
    let verdict = policy.evaluate(&action, &effects, &ctx.eval());
    Decided {
        verdict,
        action,
        effects,
    }
}

/// A content search (Grep with `output_mode: "content"`) prints the matching lines of every
/// file it reaches. The agents' Grep tools search as `rg` does, skipping hidden and ignored
/// files; a secret file that is neither is read all the same, so the search is not proved
/// safe. (A search that names a secret file or glob is the policy's to deny.)
fn search_effects(policy: &Policy, path: Option<&Path>, ctx: &Context) -> Vec<Effect> {
    let root = path.unwrap_or(&ctx.cwd);
    let env = OsEnvironment::new(policy, ctx);
    let why = match warden_shell::search_reaches_secret(&env, root) {
        TreeSecrets::NotADirectory | TreeSecrets::Clean => return Vec::new(),
        TreeSecrets::Holds(secret) => format!(
            "it reaches the secret file {}, which is neither hidden nor ignored; search a \
             narrower path, or list matching files only (`output_mode: \"files_with_matches\"`)",
            secret.display()
        ),
        TreeSecrets::TooLarge => "the tree is too large to check for secret files; search a \
             narrower path"
            .to_string(),
    };
    vec![Effect {
        kind: EffectKind::Opaque,
        severity: Severity::Unknown,
        // The shell's read-unchecked-path rule: the same finding as `rg KEY` in a shell.
        rule: RuleId::from("SH017"),
        message: format!(
            "a content search of {} prints what it matches in every file: {why}",
            root.display()
        ),
    }]
}

fn shell_effects(policy: &Policy, command: &str, cwd: &Path, ctx: &Context) -> Vec<Effect> {
    let env = OsEnvironment::new(policy, ctx);
    let shell_ctx = warden_shell::Context {
        cwd: cwd.to_path_buf(),
        project_root: ctx.project_root.clone(),
        home: ctx.home.clone(),
        env: &env,
    };
    warden_shell::analyze(command, &shell_ctx).effects
}

/// Whether the shell command's effects reach the network.
fn reaches_network(effects: &[Effect]) -> bool {
    effects
        .iter()
        .any(|e| matches!(e.kind, EffectKind::Network { .. }))
}

/// The first file a shell command writes (devices aside).
fn shell_written_file(effects: &[Effect]) -> Option<&Path> {
    effects.iter().find_map(|e| match &e.kind {
        EffectKind::Write { path } if !path.starts_with("/dev") => Some(path.as_path()),
        _ => None,
    })
}

/// Whether a git command records text in history (a commit, tag, note or stash message),
/// where it is pushed with the branch.
fn records_in_git(effects: &[Effect]) -> bool {
    effects.iter().any(|e| match &e.kind {
        EffectKind::Exec { argv, .. } => {
            argv.first()
                .is_some_and(|p| Path::new(p).file_name().is_some_and(|n| n == "git"))
                && warden_shell::git_subcommand(argv).is_some_and(|sub| {
                    matches!(sub, "commit" | "tag" | "notes" | "stash" | "commit-tree")
                })
        }
        _ => false,
    })
}

/// Secrets in what the action writes or sends. A shell command only counts when it reaches the
/// network or writes a file: a literal key in `export` is the person's business, the same key
/// in `curl` is a leak, and in `echo … > config.py` it is the file write the Write tool would
/// refuse.
///
/// A file write (Write, Edit, MultiEdit, NotebookEdit, or a shell command's first written file)
/// drops the findings the policy's `[secrets]` allowlist accepts, by rule or by the written
/// path (test fixtures, snapshots).
/// Nothing else does: what leaves over the network, in a request or to an MCP server is
/// judged without the allowlist.
fn secret_effects(
    policy: &Policy,
    action: &Action,
    effects: &[Effect],
    ctx: &Context,
) -> Vec<Effect> {
    let sends = reaches_network(effects);
    let shell_file = shell_written_file(effects);
    let records = records_in_git(effects);
    let texts: Vec<String> = match action {
        Action::Shell { .. } if !sends && shell_file.is_none() && !records => {
            return Vec::new();
        }
        Action::Mcp { arguments, .. } => vec![arguments.to_string()],
        _ => action
            .outgoing_text()
            .into_iter()
            .map(str::to_string)
            .collect(),
    };
    let written_file = match action {
        Action::Write { path, .. } | Action::Edit { path, .. } => Some(path.as_path()),
        Action::Shell { .. } if !sends => shell_file,
        _ => None,
    };
    let what = match action {
        Action::Shell { .. } if sends => "command, which sends data over the network,",
        Action::Shell { .. } if shell_file.is_some() => "command, which writes it to a file,",
        Action::Shell { .. } => "command, which records it in git history,",
        Action::Fetch { .. } => "request",
        Action::WebSearch { .. } => "search query",
        Action::Mcp { .. } => "MCP tool call",
        _ => "new content",
    };
    let allowlist = policy.secrets_allowlist();
    let eval = ctx.eval();
    let accepted =
        |rule: &str| written_file.is_some_and(|path| allowlist.allows(rule, Some(path), &eval));
    let scanner = Scanner::builtin();
    let mut out = Vec::new();
    for text in &texts {
        for finding in scanner.scan_text(text) {
            if accepted(finding.rule_id) {
                continue;
            }
            out.push(Effect {
                kind: EffectKind::Secret {
                    secret_rule: finding.rule_id.to_string(),
                    line: Some(finding.line),
                    fingerprint: finding.fingerprint.clone(),
                },
                severity: Severity::Catastrophic,
                rule: RuleId::from(finding.rule_id.to_string()),
                message: format!(
                    "the {what} contains a secret ({}, {} at line {}, fingerprint {}); use an \
                     environment variable or a secret manager reference instead of the literal value",
                    finding.rule_name,
                    finding.redacted,
                    finding.line,
                    finding.fingerprint
                ),
            });
        }
    }
    out
}

/// The action as it may be stored: every secret replaced by its rule name and fingerprint.
pub fn redacted_action(action: &Action) -> serde_json::Value {
    let mut value = serde_json::to_value(action).unwrap_or(serde_json::Value::Null);
    Scanner::builtin().redact_json(&mut value);
    value
}

/// The real filesystem, as the shell analysis sees it: symlinks, small scripts, and the
/// policy's notion of a secret path.
struct OsEnvironment<'a> {
    policy: &'a Policy,
    eval: EvalContext,
    ignores: ignores::IgnoreFiles,
}

impl<'a> OsEnvironment<'a> {
    /// The file system for one decision (ignore files are cached for its length only).
    fn new(policy: &'a Policy, ctx: &Context) -> Self {
        OsEnvironment {
            policy,
            eval: ctx.eval(),
            ignores: ignores::IgnoreFiles::default(),
        }
    }
}

impl warden_shell::Environment for OsEnvironment<'_> {
    fn read_script(&self, path: &Path) -> Option<String> {
        let meta = std::fs::metadata(path).ok()?;
        if !meta.is_file() || meta.len() > MAX_SCRIPT_BYTES {
            return None;
        }
        std::fs::read_to_string(path).ok()
    }

    fn canonicalize(&self, path: &Path) -> Option<PathBuf> {
        std::fs::canonicalize(path).ok()
    }

    fn is_secret_path(&self, path: &Path) -> bool {
        self.policy.is_secret_path(path, &self.eval)
    }

    fn list_dir(&self, dir: &Path, limit: usize) -> Option<Vec<(String, warden_shell::EntryKind)>> {
        use warden_shell::EntryKind;
        let entries = std::fs::read_dir(dir).ok()?;
        let mut out = Vec::new();
        for entry in entries.take(limit) {
            let Ok(entry) = entry else { continue };
            let kind = match entry.file_type() {
                Ok(t) if t.is_symlink() => EntryKind::Symlink,
                Ok(t) if t.is_dir() => EntryKind::Dir,
                _ => EntryKind::File,
            };
            out.push((entry.file_name().to_string_lossy().into_owned(), kind));
        }
        Some(out)
    }

    fn is_ignored(&self, path: &Path, is_dir: bool) -> bool {
        self.ignores.is_ignored(path, is_dir)
    }
}

/// A short, stable fingerprint of a JSON value (SHA-256 over its compact encoding, first 16
/// bytes in hex), used to match an approval to the action it was given for.
pub fn fingerprint(value: &serde_json::Value) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(value.to_string().as_bytes());
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod secret_tests {
    use std::path::PathBuf;

    use warden_core::{Decision, FileEdit};
    use warden_policy::{Layer, SourceOptions, load_from_strings};

    use super::*;

    /// A format-valid GitHub classic token (correct checksum) made of obviously fake text.
    fn fake_token() -> String {
        let body = "FAKEfake0123456789TESTtestWARD";
        let check =
            warden_secrets::validate::base62_crc(warden_secrets::validate::crc32(body.as_bytes()));
        format!("ghp_{body}{check}")
    }

    fn setup(policy: &str) -> (tempfile::TempDir, Context, Policy) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        std::fs::create_dir_all(root.join("tests/fixtures")).unwrap();
        std::fs::create_dir_all(root.join("src")).unwrap();
        let ctx = Context {
            cwd: root.clone(),
            project_root: root,
            home: None,
        };
        let layers = vec![(
            Layer::User,
            PathBuf::from("/u/policy.toml"),
            policy.to_string(),
        )];
        let policy = load_from_strings(&layers, &SourceOptions::default()).unwrap();
        (dir, ctx, policy)
    }

    fn leak(verdict: &Verdict) -> bool {
        verdict.reasons.iter().any(|r| r.rule.as_str() == "LEAK001")
    }

    #[test]
    fn allowlisted_paths_and_rules_let_file_writes_through() {
        let (_dir, ctx, policy) = setup(
            "[secrets]\nallow_paths = [\"tests/fixtures/**\"]\nallow_rules = [\"json-web-token\"]\n",
        );
        std::fs::write(ctx.project_root.join("src/real.py"), "").unwrap();
        std::os::unix::fs::symlink(
            ctx.project_root.join("src/real.py"),
            ctx.project_root.join("tests/fixtures/link.py"),
        )
        .unwrap();
        let token = fake_token();
        let content = format!("TOKEN = \"{token}\"\n");
        let write = |rel: &str| Action::Write {
            path: ctx.project_root.join(rel),
            content: content.clone(),
        };
        let edit = |rel: &str| Action::Edit {
            path: ctx.project_root.join(rel),
            edits: vec![FileEdit {
                old: "x".into(),
                new: content.clone(),
            }],
        };
        for (action, leaks) in [
            (write("tests/fixtures/config.py"), false),
            (edit("tests/fixtures/deep/config.py"), false),
            (write("src/config.py"), true),
            (edit("src/config.py"), true),
            (write("src/tests/fixtures/config.py"), true),
            // A link under the fixtures pointing into the code is judged where it lands.
            (write("tests/fixtures/link.py"), true),
        ] {
            let decided = decide(&policy, &action, &ctx);
            assert_eq!(leak(&decided.verdict), leaks, "{action:?}");
            if leaks {
                assert_eq!(decided.verdict.decision, Decision::Deny);
            } else {
                assert!(
                    decided
                        .effects
                        .iter()
                        .all(|e| !matches!(e.kind, EffectKind::Secret { .. }))
                );
            }
        }
    }

    #[test]
    fn a_command_that_writes_a_literal_secret_to_a_file_is_a_leak() {
        let (_dir, ctx, policy) = setup("[secrets]\nallow_paths = [\"tests/fixtures/**\"]\n");
        let token = fake_token();
        let shell = |command: String| Action::Shell {
            command,
            cwd: ctx.project_root.clone(),
        };
        for command in [
            format!("echo 'TOKEN = \"{token}\"' > src/config.py"),
            format!("printf '%s\\n' {token} >> src/token.txt"),
            format!("cat > src/settings.py <<EOF\nTOKEN = '{token}'\nEOF"),
        ] {
            let verdict = decide(&policy, &shell(command.clone()), &ctx).verdict;
            assert!(leak(&verdict), "{command}");
            assert_eq!(verdict.decision, Decision::Deny, "{command}");
            assert!(!format!("{verdict:?}").contains(&token), "{command}");
        }
        // Not written anywhere (the person's business), written to a device, or written to a
        // path the allowlist accepts.
        for command in [
            format!("export GITHUB_TOKEN={token}"),
            format!("echo {token} > /dev/null"),
            format!("echo {token} > tests/fixtures/token.txt"),
        ] {
            let verdict = decide(&policy, &shell(command.clone()), &ctx).verdict;
            assert!(!leak(&verdict), "{command}: {verdict:?}");
        }
    }

    #[test]
    fn the_allowlist_never_covers_what_leaves_over_the_network() {
        let (_dir, ctx, policy) =
            setup("[secrets]\nallow_paths = [\"**\"]\nallow_rules = [\"github-classic-pat\"]\n");
        let token = fake_token();
        // The rule allowlist covers file writes anywhere...
        let write = Action::Write {
            path: ctx.project_root.join("src/config.py"),
            content: format!("TOKEN = \"{token}\"\n"),
        };
        assert!(!leak(&decide(&policy, &write, &ctx).verdict));
        // ...but not a command that sends the token, a request, or an MCP call.
        for action in [
            Action::Shell {
                command: format!(
                    "curl -H 'Authorization: token {token}' https://api.github.com/user"
                ),
                cwd: ctx.project_root.join("tests/fixtures"),
            },
            Action::Fetch {
                url: "https://example.com/upload".into(),
                method: "POST".into(),
                body: Some(format!("token={token}")),
            },
            Action::Mcp {
                server: "notes".into(),
                tool: "save".into(),
                arguments: serde_json::json!({"text": token}),
            },
        ] {
            let verdict = decide(&policy, &action, &ctx).verdict;
            assert!(leak(&verdict), "{action:?}");
            assert_eq!(verdict.decision, Decision::Deny, "{action:?}");
        }
    }

    #[test]
    fn an_allowlisted_path_does_not_open_secret_files() {
        let (_dir, ctx, policy) = setup("[secrets]\nallow_paths = [\"tests/fixtures/**\"]\n");
        let action = Action::Write {
            path: ctx.project_root.join("tests/fixtures/.env"),
            content: format!("TOKEN={}\n", fake_token()),
        };
        let verdict = decide(&policy, &action, &ctx).verdict;
        assert_eq!(verdict.decision, Decision::Deny);
        assert!(!leak(&verdict));
    }
}
