//! `git`: global options skipped (and checked for code-running configuration), read-only
//! subcommands proven, and the operations that lose work or publish it reported as
//! [`GitOp`]s.

use warden_core::{EffectKind, GitOp, Severity};

use super::opts::{self, Spec};
use super::{Own, clip};
use crate::rules;
use crate::walk::{Sub, Walker};
use crate::word::Word;

/// Configuration keys whose values run programs.
fn config_runs_code(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    const EXACT: &[&str] = &[
        "core.pager",
        "core.sshcommand",
        "core.editor",
        "core.fsmonitor",
        "core.hookspath",
        "core.askpass",
        "core.gitproxy",
        "diff.external",
        "sequence.editor",
        "gpg.program",
        "gpg.ssh.program",
        "gpg.x509.program",
        "credential.helper",
        "uploadpack.packobjectshook",
        "receive.procreceiverefs",
        "web.browser",
        "merge.tool",
        "diff.tool",
        "core.alternaterefscommand",
        "ssh.variant",
        "protocol.allow",
        "protocol.ext.allow",
        "http.proxy",
        "include.path",
        "includeif",
        "core.worktree",
        "sendemail.sendmailcmd",
        "sendemail.smtpserver",
        "gpg.ssh.defaultkeycommand",
        "core.sshcommand",
        "uploadpack.allowanysha1inwant",
    ];
    EXACT.contains(&k.as_str())
        || k.starts_with("alias.")
        || k.starts_with("pager.")
        || (k.starts_with("filter.")
            && (k.ends_with(".clean") || k.ends_with(".smudge") || k.ends_with(".process")))
        || (k.starts_with("diff.") && (k.ends_with(".textconv") || k.ends_with(".command")))
        || (k.starts_with("merge.") && k.ends_with(".driver"))
        || (k.starts_with("mergetool.") && k.ends_with(".cmd"))
        || (k.starts_with("difftool.") && k.ends_with(".cmd"))
        || (k.starts_with("credential.") && k.ends_with(".helper"))
        || (k.starts_with("remote.")
            && (k.ends_with(".uploadpack") || k.ends_with(".receivepack") || k.ends_with(".proxy")))
        || k.starts_with("includeif.")
        || k.starts_with("hook.")
}

/// Keys that are harmless to set for one command.
fn config_harmless(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    k.starts_with("color.")
        || k.starts_with("log.")
        || k.starts_with("advice.")
        || k.starts_with("user.")
        || k.starts_with("format.")
        || k.starts_with("column.")
        || k.starts_with("status.")
        || k.starts_with("blame.")
        || k.starts_with("init.")
        || k.starts_with("pull.")
        || k.starts_with("merge.conflictstyle")
        || matches!(
            k.as_str(),
            "core.quotepath"
                | "core.abbrev"
                | "diff.noprefix"
                | "diff.renames"
                | "core.autocrlf"
                | "core.safecrlf"
                | "core.filemode"
                | "safe.directory"
                | "commit.gpgsign"
                | "tag.gpgsign"
                | "diff.algorithm"
                | "core.longpaths"
                | "core.ignorecase"
                | "i18n.logoutputencoding"
                | "gc.auto"
                | "maintenance.auto"
                | "core.precomposeunicode"
                | "fetch.prune"
                | "push.autosetupremote"
                | "push.default"
                | "rebase.autostash"
        )
}

/// git's global options that take the next word as their value.
const GLOBAL_OPTIONS_WITH_VALUE: &[&str] = &[
    "-C",
    "-c",
    "--git-dir",
    "--work-tree",
    "--namespace",
    "--exec-path",
    "--super-prefix",
    "--config-env",
    "--attr-source",
];

/// `git`'s subcommand in a normalised argv (`argv[0]` is git): the first word after the
/// global options, as the classifier below finds it.
pub(crate) fn git_subcommand(argv: &[String]) -> Option<&str> {
    let mut words = argv.iter().skip(1);
    while let Some(word) = words.next() {
        match word.as_str() {
            w if GLOBAL_OPTIONS_WITH_VALUE.contains(&w) => {
                words.next();
            }
            w if w.starts_with('-') => {}
            w => return Some(w),
        }
    }
    None
}

impl Walker<'_> {
    pub(super) fn git(&mut self, argv: &[Word]) -> Own {
        let args = &argv[1..];
        let mut i = 0;
        let mut config_risk: Option<Own> = None;
        let saved_cwd = self.state.cwd.clone();
        while i < args.len() {
            let t = args[i].text.as_str();
            match t {
                _ if GLOBAL_OPTIONS_WITH_VALUE.contains(&t) => {
                    let value = args.get(i + 1);
                    match t {
                        "-C" => {
                            if let Some(d) = value {
                                let loc = self.resolve(d);
                                self.state.cwd = loc.exact().then_some(loc.path);
                            }
                        }
                        "-c" => {
                            if let Some(kv) = value.cloned()
                                && let Some(o) = self.git_config_pair(&kv)
                            {
                                config_risk = Some(o);
                            }
                        }
                        "--exec-path" | "--config-env" => {
                            config_risk = Some(Own::with(
                                Severity::Unknown,
                                rules::GIT_CONFIG_EXEC,
                                format!("`git {t}` changes which programs git runs"),
                            ));
                        }
                        _ => {}
                    }
                    i += 2;
                }
                _ if t.starts_with("--git-dir=")
                    || t.starts_with("--work-tree=")
                    || t.starts_with("--namespace=")
                    || t.starts_with("--super-prefix=")
                    || t.starts_with("--attr-source=") =>
                {
                    i += 1;
                }
                _ if t.starts_with("--exec-path=") || t.starts_with("--config-env=") => {
                    config_risk = Some(Own::with(
                        Severity::Unknown,
                        rules::GIT_CONFIG_EXEC,
                        "`git --exec-path`/`--config-env` changes which programs git runs",
                    ));
                    i += 1;
                }
                "--no-pager"
                | "-P"
                | "--paginate"
                | "-p"
                | "--bare"
                | "--no-replace-objects"
                | "--literal-pathspecs"
                | "--glob-pathspecs"
                | "--noglob-pathspecs"
                | "--icase-pathspecs"
                | "--no-optional-locks"
                | "--no-advice"
                | "--no-lazy-fetch" => {
                    i += 1;
                }
                "--version" | "--help" | "--html-path" | "--man-path" | "--info-path" => {
                    self.state.cwd = saved_cwd;
                    return Own::ro("prints git information");
                }
                _ if t.starts_with('-') => {
                    i += 1;
                }
                _ => break,
            }
        }
        let Some(sub) = args.get(i) else {
            self.state.cwd = saved_cwd;
            return Own::ro("`git` without a subcommand prints help");
        };
        let rest = &args[i + 1..];
        let mut own = if sub.dynamic {
            Own::with(
                Severity::Unknown,
                rules::DYNAMIC,
                "the git subcommand is only known at run time",
            )
        } else {
            self.git_sub(&sub.text.clone(), rest)
        };
        if let Some(c) = config_risk
            && (c.sev > own.sev || own.sev <= Severity::LocalWrite)
        {
            own = if c.sev >= own.sev { c } else { own };
        }
        self.state.cwd = saved_cwd;
        own
    }

    /// Checks one `-c key=value`; the value is analysed when it runs code.
    fn git_config_pair(&mut self, kv: &Word) -> Option<Own> {
        let (k, v) = kv.text.split_once('=').unwrap_or((kv.text.as_str(), ""));
        if config_harmless(k) {
            return None;
        }
        if config_runs_code(k) {
            let code = v.strip_prefix('!').unwrap_or(v).to_string();
            self.hazard(
                "git-config",
                Severity::Unknown,
                rules::GIT_CONFIG_EXEC,
                format!("`git -c {}` makes git run a program", clip(k)),
            );
            if !code.is_empty() {
                let w = opts::sub_word(kv, &code);
                self.code_string(&w, Sub::Child, &format!("the git `{k}` command"));
            }
            return Some(Own::with(
                Severity::Unknown,
                rules::GIT_CONFIG_EXEC,
                format!("`git -c {}` runs a configured program", clip(k)),
            ));
        }
        Some(Own::with(
            Severity::Unknown,
            rules::GIT_CONFIG_EXEC,
            format!("`git -c {}` is not known to be harmless", clip(k)),
        ))
    }

    fn git_op(&mut self, op: GitOp, sev: Severity, rule: &'static str, msg: String) {
        self.emit(EffectKind::Git(op), sev, rule, msg);
    }

    fn git_sub(&mut self, sub: &str, rest: &[Word]) -> Own {
        let has = |f: &str| rest.iter().any(|w| w.text == f);
        let has_prefix = |f: &str| rest.iter().any(|w| w.text.starts_with(f));
        let short_cluster = |c: char| {
            rest.iter().any(|w| {
                w.text.starts_with('-') && !w.text.starts_with("--") && w.text[1..].contains(c)
            })
        };
        let op = |name: &str| GitOp {
            subcommand: name.to_string(),
            ..GitOp::default()
        };
        // Options that make read-only subcommands run programs or write files.
        let output_risk = has_prefix("--output")
            || has("--ext-diff")
            || has_prefix("--open-files-in-pager")
            || rest
                .iter()
                .any(|w| w.text.starts_with("-O") && sub == "grep");
        if has("--no-verify") || (sub == "commit" && short_cluster('n') && !has_prefix("--n")) {
            self.emit(
                EffectKind::Git(op(sub)),
                Severity::Unknown,
                rules::GIT_HOOK_BYPASS,
                format!("`git {sub} --no-verify` skips hooks, including Warden's secret scan and branch protection"),
            );
        }
        match sub {
            "status" | "log" | "diff" | "show" | "blame" | "annotate" | "rev-parse"
            | "ls-files" | "ls-tree" | "cat-file" | "describe" | "shortlog" | "name-rev"
            | "merge-base" | "rev-list" | "count-objects" | "check-ignore" | "check-attr"
            | "check-ref-format" | "version" | "help" | "whatchanged" | "show-ref" | "var"
            | "grep" | "for-each-ref" | "diff-tree" | "diff-files" | "diff-index"
            | "range-diff" | "verify-commit" | "verify-tag" | "fsck" | "show-branch" | "cherry"
            | "ls-remote" | "get-tar-commit-id" | "hash-object" | "instaweb" | "archive"
            | "bugreport" | "format-patch" | "request-pull" => {
                if output_risk {
                    if has("--ext-diff")
                        || has_prefix("--open-files-in-pager")
                        || rest.iter().any(|w| w.text.starts_with("-O"))
                    {
                        return Own::with(
                            Severity::Unknown,
                            rules::GIT_CONFIG_EXEC,
                            format!("`git {sub}` with an option that runs an external program"),
                        );
                    }
                    for w in rest.iter().filter(|w| w.text.starts_with("--output")) {
                        let file = w.text.split_once('=').map(|(_, f)| f.to_string());
                        if let Some(f) = file {
                            let loc = self.resolver().resolve_str(&f);
                            self.write_effect(&loc, &format!("`git {sub} --output` writes"), None);
                        }
                    }
                    return Own::project(format!("`git {sub}` writes its output to a file"));
                }
                if sub == "hash-object" && short_cluster('w') {
                    return Own::project("`git hash-object -w` writes an object");
                }
                if sub == "archive" && (has_prefix("--output") || short_cluster('o')) {
                    return Own::project("`git archive` writes an archive");
                }
                if sub == "archive" && has_prefix("--remote") {
                    return Own::unknown("`git archive --remote` contacts a remote");
                }
                if sub == "format-patch" {
                    return Own::project("`git format-patch` writes patch files");
                }
                if sub == "instaweb" {
                    return Own::unknown("`git instaweb` starts a web server");
                }
                if sub == "ls-remote" {
                    self.git_remote_url(rest);
                }
                if sub == "diff" && has("--no-index") {
                    let files: Vec<&Word> =
                        rest.iter().filter(|w| !w.text.starts_with('-')).collect();
                    self.read_words(&files, "`git diff --no-index` reads");
                }
                self.git_secret_contents(sub, rest);
                Own::ro(format!("`git {sub}` only reads the repository"))
            }
            "branch" => {
                let delete = rest.iter().any(|w| {
                    matches!(w.text.as_str(), "-d" | "-D" | "--delete")
                        || (w.text.starts_with('-')
                            && !w.text.starts_with("--")
                            && (w.text.contains('d') || w.text.contains('D')))
                });
                let force = short_cluster('D')
                    || short_cluster('f')
                    || has("--force")
                    || (delete && has("--force"));
                let names: Vec<String> = rest
                    .iter()
                    .filter(|w| !w.text.starts_with('-'))
                    .map(|w| w.text.clone())
                    .collect();
                let list_only = names.is_empty()
                    || has("--list")
                    || short_cluster('l')
                    || has("-a")
                    || has("-r")
                    || has("--contains")
                    || has("--merged")
                    || has("--no-merged")
                    || has("--show-current")
                    || has("-v")
                    || has("-vv");
                if delete {
                    let sev = if force {
                        Severity::Destructive
                    } else {
                        Severity::LocalWrite
                    };
                    let mut g = op("branch");
                    g.branches = names;
                    g.delete = true;
                    g.force = force;
                    let msg = if force {
                        "`git branch -D` deletes branches even when their commits are not merged; they survive only in the reflog".to_string()
                    } else {
                        "`git branch -d` deletes merged branches".to_string()
                    };
                    let rule = if force {
                        rules::GIT_DESTRUCTIVE
                    } else {
                        rules::GIT
                    };
                    self.git_op(g, sev, rule, msg.clone());
                    return Own::with(sev, rule, msg);
                }
                if short_cluster('M') || short_cluster('C') || (force && !names.is_empty()) {
                    let mut g = op("branch");
                    g.branches = names;
                    g.force = true;
                    self.git_op(
                        g,
                        Severity::Unknown,
                        rules::GIT,
                        "`git branch -f/-M/-C` overwrites an existing branch".into(),
                    );
                    return Own::with(Severity::Unknown, rules::GIT, "overwrites a branch");
                }
                if list_only
                    && !short_cluster('m')
                    && !short_cluster('c')
                    && !has("--set-upstream-to")
                    && !short_cluster('u')
                    && !has("--edit-description")
                    && !has("--unset-upstream")
                {
                    return Own::ro("`git branch` lists branches");
                }
                Own::project("`git branch` creates or renames a branch")
            }
            "tag" => {
                let names: Vec<&Word> = rest.iter().filter(|w| !w.text.starts_with('-')).collect();
                if short_cluster('d') || has("--delete") {
                    return Own::with(Severity::Unknown, rules::GIT, "`git tag -d` deletes tags");
                }
                if names.is_empty()
                    || short_cluster('l')
                    || has("--list")
                    || has("--contains")
                    || has("--points-at")
                    || has_prefix("--sort")
                {
                    return Own::ro("`git tag` lists tags");
                }
                if short_cluster('f') || has("--force") {
                    return Own::with(
                        Severity::Unknown,
                        rules::GIT,
                        "`git tag -f` moves an existing tag",
                    );
                }
                Own::project("`git tag` creates a tag")
            }
            "remote" => {
                let action = rest
                    .iter()
                    .find(|w| !w.text.starts_with('-'))
                    .map(|w| w.text.as_str());
                match action {
                    None | Some("show" | "get-url") => Own::ro("`git remote` lists remotes"),
                    Some(
                        "add" | "set-url" | "rename" | "remove" | "rm" | "set-head"
                        | "set-branches" | "prune" | "update",
                    ) => Own::with(
                        Severity::Unknown,
                        rules::GIT,
                        "`git remote` changes where the repository fetches from and pushes to",
                    ),
                    Some(_) => Own::unknown("`git remote` with an unknown action"),
                }
            }
            "stash" => {
                let action = rest
                    .iter()
                    .find(|w| !w.text.starts_with('-'))
                    .map(|w| w.text.as_str());
                match action {
                    Some("list" | "show") => Own::ro("`git stash list/show` only reads"),
                    Some("drop" | "clear") => {
                        let a = action.unwrap_or("drop");
                        let msg = format!("`git stash {a}` discards stashed work");
                        self.git_op(
                            op("stash"),
                            Severity::Destructive,
                            rules::GIT_DESTRUCTIVE,
                            msg.clone(),
                        );
                        Own::with(Severity::Destructive, rules::GIT_DESTRUCTIVE, msg)
                    }
                    _ => Own::project("`git stash` saves or restores work in progress"),
                }
            }
            "config" => {
                let reading = rest.iter().any(|w| {
                    matches!(
                        w.text.as_str(),
                        "--get"
                            | "--get-all"
                            | "--get-regexp"
                            | "--list"
                            | "-l"
                            | "--get-urlmatch"
                            | "--show-origin"
                            | "--show-scope"
                            | "get"
                            | "list"
                            | "--name-only"
                            | "-z"
                            | "--null"
                    )
                });
                let names: Vec<&Word> = rest.iter().filter(|w| !w.text.starts_with('-')).collect();
                let setting = !reading && names.len() >= 2
                    || rest.iter().any(|w| {
                        matches!(
                            w.text.as_str(),
                            "--unset"
                                | "--unset-all"
                                | "--add"
                                | "--replace-all"
                                | "--edit"
                                | "-e"
                                | "--rename-section"
                                | "--remove-section"
                                | "set"
                                | "unset"
                                | "edit"
                        )
                    });
                if !setting {
                    return Own::ro("`git config` reads configuration");
                }
                let key_pos = usize::from(names.first().is_some_and(|w| w.text == "set"));
                let key = names
                    .get(key_pos)
                    .map(|w| w.text.clone())
                    .unwrap_or_default();
                let value = names.get(key_pos + 1).map(|w| (*w).clone());
                let global = rest.iter().any(|w| {
                    matches!(w.text.as_str(), "--global" | "--system")
                        || w.text.starts_with("--file")
                        || w.text == "-f"
                });
                if config_runs_code(&key) {
                    if let Some(v) = value {
                        let code = v.text.strip_prefix('!').unwrap_or(&v.text).to_string();
                        let w = opts::sub_word(&v, &code);
                        self.code_string(&w, Sub::Child, &format!("the git `{key}` setting"));
                    }
                    return Own::with(
                        Severity::Unknown,
                        rules::GIT_CONFIG_EXEC,
                        format!("`git config {}` makes git run a program", clip(&key)),
                    );
                }
                if global {
                    return Own::unknown(
                        "`git config --global/--system` changes configuration outside the project",
                    );
                }
                Own::project("`git config` changes repository configuration")
            }
            "push" => self.git_push(rest),
            "reset" => {
                let hard = ["--hard", "--merge", "--keep"].iter().find(|f| has(f));
                match hard {
                    Some(f) => {
                        let msg = format!(
                            "`git reset {f}` discards uncommitted changes; commit or stash first"
                        );
                        self.git_op(
                            op("reset"),
                            Severity::Destructive,
                            rules::GIT_DESTRUCTIVE,
                            msg.clone(),
                        );
                        Own::with(Severity::Destructive, rules::GIT_DESTRUCTIVE, msg)
                    }
                    None => {
                        Own::project("`git reset` moves HEAD or unstages; the working tree is kept")
                    }
                }
            }
            "checkout" => {
                let dashdash = rest.iter().position(|w| w.text == "--");
                let pathspec_all = rest.iter().any(|w| {
                    w.text == "." || w.text == ":/" || w.text == "*" || w.text.starts_with(":(top)")
                });
                let force = short_cluster('f') || has("--force");
                let new_branch = short_cluster('b') || short_cluster('B') || has("--orphan");
                let has_paths = dashdash.is_some_and(|d| d + 1 < rest.len());
                if force
                    || pathspec_all
                    || has_paths
                    || has("--theirs")
                    || has("--ours")
                    || has("--patch")
                    || short_cluster('p')
                {
                    let msg = "`git checkout` with paths or `-f` overwrites uncommitted changes; commit or stash first".to_string();
                    self.git_op(
                        op("checkout"),
                        Severity::Destructive,
                        rules::GIT_DESTRUCTIVE,
                        msg.clone(),
                    );
                    return Own::with(Severity::Destructive, rules::GIT_DESTRUCTIVE, msg);
                }
                if new_branch {
                    return Own::project("`git checkout -b` creates a branch");
                }
                let ops: Vec<&Word> = rest.iter().filter(|w| !w.text.starts_with('-')).collect();
                // `git checkout NAME` where NAME is an existing file (not a branch) discards
                // its uncommitted changes.
                let names_file = ops.len() == 1 && {
                    let loc = self.resolve(ops[0]);
                    loc.exact() && self.ctx.env.canonicalize(&loc.path).is_some()
                };
                if ops.len() > 1 || names_file {
                    let msg = "`git checkout REV PATH…` overwrites files from another revision"
                        .to_string();
                    self.git_op(
                        op("checkout"),
                        Severity::Destructive,
                        rules::GIT_DESTRUCTIVE,
                        msg.clone(),
                    );
                    return Own::with(Severity::Destructive, rules::GIT_DESTRUCTIVE, msg);
                }
                Own::project(
                    "`git checkout` switches branches (uncommitted changes are carried or refused)",
                )
            }
            "restore" => {
                let staged = short_cluster('S') || has("--staged");
                let worktree = short_cluster('W') || has("--worktree");
                if staged && !worktree {
                    return Own::project("`git restore --staged` only unstages");
                }
                let msg =
                    "`git restore` overwrites uncommitted changes in the working tree".to_string();
                self.git_op(
                    op("restore"),
                    Severity::Destructive,
                    rules::GIT_DESTRUCTIVE,
                    msg.clone(),
                );
                Own::with(Severity::Destructive, rules::GIT_DESTRUCTIVE, msg)
            }
            "switch" => {
                if has("--discard-changes") || short_cluster('f') || has("--force") {
                    let msg = "`git switch --discard-changes` throws away uncommitted changes"
                        .to_string();
                    self.git_op(
                        op("switch"),
                        Severity::Destructive,
                        rules::GIT_DESTRUCTIVE,
                        msg.clone(),
                    );
                    return Own::with(Severity::Destructive, rules::GIT_DESTRUCTIVE, msg);
                }
                if short_cluster('C') || has("--force-create") {
                    return Own::with(
                        Severity::Unknown,
                        rules::GIT,
                        "`git switch -C` resets an existing branch",
                    );
                }
                Own::project("`git switch` changes branches")
            }
            "clean" => {
                let dry = short_cluster('n') || has("--dry-run");
                let force = short_cluster('f') || has("--force");
                let interactive = short_cluster('i') || has("--interactive");
                if dry || !force && !interactive {
                    return Own::ro("`git clean -n` only lists what would be deleted");
                }
                let dirs = short_cluster('d');
                let ignored = short_cluster('x') || short_cluster('X');
                let paths: Vec<&Word> = rest.iter().filter(|w| !w.text.starts_with('-')).collect();
                let targets: Vec<Word> = if paths.is_empty() {
                    vec![Word::lit(".")]
                } else {
                    paths.into_iter().cloned().collect()
                };
                for t in &targets {
                    let loc = self.resolve(t);
                    self.emit(
                        EffectKind::Delete { path: loc.path.clone(), recursive: dirs },
                        Severity::Destructive,
                        rules::GIT_DESTRUCTIVE,
                        format!(
                            "`git clean -f{}{}` permanently deletes untracked{} files under {}; run `git clean -n` first",
                            if dirs { "d" } else { "" },
                            if ignored { "x" } else { "" },
                            if ignored { " and ignored" } else { "" },
                            loc.path.display()
                        ),
                    );
                }
                self.git_op(
                    op("clean"),
                    Severity::Destructive,
                    rules::GIT_DESTRUCTIVE,
                    "`git clean -f` deletes untracked files".into(),
                );
                Own::with(
                    Severity::Destructive,
                    rules::GIT_DESTRUCTIVE,
                    "`git clean -f` deletes untracked files, which git cannot restore",
                )
            }
            "filter-branch" | "filter-repo" => {
                let msg = format!("`git {sub}` rewrites the whole history");
                self.git_op(
                    op(sub),
                    Severity::Destructive,
                    rules::GIT_DESTRUCTIVE,
                    msg.clone(),
                );
                Own::with(Severity::Destructive, rules::GIT_DESTRUCTIVE, msg)
            }
            "reflog" => {
                let action = rest
                    .iter()
                    .find(|w| !w.text.starts_with('-'))
                    .map(|w| w.text.as_str());
                match action {
                    Some("expire" | "delete" | "drop") => {
                        let msg =
                            "`git reflog expire/delete` removes the safety net for lost commits"
                                .to_string();
                        self.git_op(
                            op("reflog"),
                            Severity::Destructive,
                            rules::GIT_DESTRUCTIVE,
                            msg.clone(),
                        );
                        Own::with(Severity::Destructive, rules::GIT_DESTRUCTIVE, msg)
                    }
                    _ => Own::ro("`git reflog` lists the reflog"),
                }
            }
            "gc" => {
                if rest
                    .iter()
                    .any(|w| w.text == "--prune=now" || w.text == "--prune=all")
                {
                    let msg =
                        "`git gc --prune=now` deletes unreachable commits immediately".to_string();
                    self.git_op(
                        op("gc"),
                        Severity::Destructive,
                        rules::GIT_DESTRUCTIVE,
                        msg.clone(),
                    );
                    return Own::with(Severity::Destructive, rules::GIT_DESTRUCTIVE, msg);
                }
                Own::project("`git gc` packs the repository")
            }
            "prune" => {
                if short_cluster('n') || has("--dry-run") {
                    return Own::ro("`git prune -n` only lists");
                }
                let msg = "`git prune` deletes unreachable objects".to_string();
                self.git_op(
                    op("prune"),
                    Severity::Destructive,
                    rules::GIT_DESTRUCTIVE,
                    msg.clone(),
                );
                Own::with(Severity::Destructive, rules::GIT_DESTRUCTIVE, msg)
            }
            "update-ref" => {
                if short_cluster('d') || has("--stdin") {
                    let msg = "`git update-ref -d` deletes a ref".to_string();
                    self.git_op(
                        op("update-ref"),
                        Severity::Destructive,
                        rules::GIT_DESTRUCTIVE,
                        msg.clone(),
                    );
                    return Own::with(Severity::Destructive, rules::GIT_DESTRUCTIVE, msg);
                }
                Own::with(
                    Severity::Unknown,
                    rules::GIT,
                    "`git update-ref` moves a ref directly",
                )
            }
            "symbolic-ref" | "replace" | "notes" | "worktree" | "submodule" | "sparse-checkout"
            | "lfs" | "bisect" | "maintenance" | "rerere" | "am" | "apply" => {
                let action = rest
                    .iter()
                    .find(|w| !w.text.starts_with('-'))
                    .map(|w| w.text.as_str());
                match (sub, action) {
                    ("worktree", Some("list"))
                    | ("submodule", Some("status" | "summary" | "foreach") | None)
                    | ("notes", Some("list" | "show") | None)
                    | ("lfs", Some("ls-files" | "status" | "env" | "version"))
                    | ("sparse-checkout", Some("list"))
                    | ("bisect", Some("log" | "visualize" | "view")) => {
                        if sub == "submodule" && action == Some("foreach") {
                            let code = super::wrappers::join_words(&rest[1..]);
                            self.code_string(&code, Sub::Child, "`git submodule foreach`");
                            return Own::wrapper(
                                "`git submodule foreach` runs a command in each submodule; analysed",
                            );
                        }
                        Own::ro(format!("`git {sub}` only reads"))
                    }
                    ("worktree", Some("remove" | "prune"))
                        if has("--force") || short_cluster('f') =>
                    {
                        let msg = "`git worktree remove --force` deletes a worktree with its uncommitted changes".to_string();
                        self.git_op(
                            op("worktree"),
                            Severity::Destructive,
                            rules::GIT_DESTRUCTIVE,
                            msg.clone(),
                        );
                        Own::with(Severity::Destructive, rules::GIT_DESTRUCTIVE, msg)
                    }
                    ("submodule", Some("update" | "add" | "sync" | "init")) => {
                        Own::project(format!(
                            "`git submodule {}` fetches submodules",
                            action.unwrap_or("")
                        ))
                    }
                    ("bisect", Some("run")) => {
                        let inner: Vec<Word> = rest
                            .iter()
                            .skip_while(|w| w.text != "run")
                            .skip(1)
                            .cloned()
                            .collect();
                        self.run(&inner);
                        Own::wrapper("`git bisect run` runs a command per step; analysed")
                    }
                    _ => Own::project(format!("`git {sub}` changes the repository")),
                }
            }
            "add" | "commit" | "merge" | "rebase" | "cherry-pick" | "revert" | "mv" | "rm"
            | "init" | "pull" | "fetch" | "clone" | "mergetool" | "difftool" | "restore-staged"
            | "read-tree" | "write-tree" | "commit-tree" | "update-index" | "pack-refs"
            | "repack" | "fast-import" | "citool" | "gui" | "stage" | "unstage" | "am-abort"
            | "checkout-index" | "pack-objects" | "index-pack" | "unpack-objects" | "mktag"
            | "mktree" | "merge-file" | "bundle" | "backfill" | "last-modified" => {
                self.git_local(sub, rest)
            }
            _ => Own::with(
                Severity::Unknown,
                rules::UNKNOWN,
                format!(
                    "`git {}` is not a known subcommand (it may be an alias that runs a program)",
                    clip(sub)
                ),
            ),
        }
    }

    /// Secret files whose contents a reading subcommand prints: `git show HEAD:.env`,
    /// `git cat-file -p :.env`, `git diff -- .env`, `git log -p -- .env`, `git blame .env`.
    fn git_secret_contents(&mut self, sub: &str, rest: &[Word]) {
        let prints_files = matches!(sub, "show" | "cat-file" | "diff" | "blame" | "annotate")
            || (matches!(sub, "log" | "whatchanged")
                && rest
                    .iter()
                    .any(|w| matches!(w.text.as_str(), "-p" | "-u" | "--patch" | "-L")));
        if !prints_files {
            return;
        }
        let root = self.root.clone();
        for w in rest.iter().filter(|w| !w.text.starts_with('-')) {
            // `REV:PATH` (a blob in a commit, `:PATH` or `:N:PATH` in the index): PATH is
            // relative to the top of the repository unless it starts with `./` or `../`.
            let candidate = match w.text.split_once(':') {
                Some((_, path)) if !w.text.contains("://") && !path.is_empty() => {
                    let path = path.rsplit_once(':').map_or(path, |(_, p)| p);
                    if path.starts_with("./") || path.starts_with("../") {
                        self.resolver().resolve_str(path).path
                    } else {
                        crate::paths::normalize(&root.join(path))
                    }
                }
                Some(_) => continue,
                None => self.resolve(w).path,
            };
            if self.ctx.env.is_secret_path(&candidate) {
                self.emit_read(&candidate, &format!("`git {sub}` prints the contents of"));
            }
        }
    }

    fn git_local(&mut self, sub: &str, rest: &[Word]) -> Own {
        let op = GitOp {
            subcommand: sub.to_string(),
            ..GitOp::default()
        };
        match sub {
            "clone" => {
                let ops: Vec<&Word> = rest.iter().filter(|w| !w.text.starts_with('-')).collect();
                if let Some(url) = ops.first() {
                    let u = url.text.clone();
                    self.git_url_effect(&u, false, "`git clone` fetches from");
                }
                if let Some(dst) = ops.get(1) {
                    let loc = self.resolve(dst);
                    self.write_effect(&loc, "`git clone` writes", None);
                }
                if rest.iter().any(|w| {
                    w.text.starts_with("--upload-pack")
                        || w.text == "-u"
                        || w.text.starts_with("--template")
                        || w.text.starts_with("--config")
                        || w.text == "-c"
                }) {
                    return Own::with(
                        Severity::Unknown,
                        rules::GIT_CONFIG_EXEC,
                        "`git clone` with options that run programs or set configuration",
                    );
                }
                self.emit(
                    EffectKind::Git(op),
                    Severity::LocalWrite,
                    rules::GIT,
                    "`git clone` copies a repository".into(),
                );
                Own::project("`git clone` copies a repository")
            }
            "fetch" | "pull" => {
                self.git_remote_url(rest);
                if rest.iter().any(|w| w.text.starts_with("--upload-pack")) {
                    return Own::with(
                        Severity::Unknown,
                        rules::GIT_CONFIG_EXEC,
                        "`--upload-pack` runs a program",
                    );
                }
                if sub == "pull" && rest.iter().any(|w| w.text == "--force" || w.text == "-f") {
                    return Own::with(
                        Severity::Unknown,
                        rules::GIT,
                        "`git pull --force` may overwrite local refs",
                    );
                }
                Own::project(format!("`git {sub}` fetches from a remote"))
            }
            "rm" => {
                let cached = rest.iter().any(|w| w.text == "--cached");
                let recursive = rest.iter().any(|w| {
                    w.text == "-r"
                        || (w.text.starts_with('-')
                            && !w.text.starts_with("--")
                            && w.text.contains('r'))
                });
                let force = rest.iter().any(|w| {
                    w.text == "-f"
                        || w.text == "--force"
                        || (w.text.starts_with('-')
                            && !w.text.starts_with("--")
                            && w.text.contains('f'))
                });
                if cached {
                    return Own::project("`git rm --cached` only untracks");
                }
                for w in rest.iter().filter(|w| !w.text.starts_with('-')) {
                    let loc = self.resolve(w);
                    let (sev, rule, why) = self.delete_severity(&loc, recursive);
                    // Tracked files are restorable from HEAD unless forced over local changes.
                    let sev = if force {
                        sev
                    } else if sev == Severity::Catastrophic {
                        Severity::Destructive
                    } else {
                        sev.min(Severity::LocalWrite).max(Severity::LocalWrite)
                    };
                    self.emit(
                        EffectKind::Delete {
                            path: loc.path.clone(),
                            recursive,
                        },
                        sev,
                        rule,
                        format!("`git rm` deletes {}{why}", loc.path.display()),
                    );
                }
                Own::project("`git rm` deletes tracked files (restorable from the last commit)")
            }
            "commit" => {
                if rest.iter().any(|w| w.text == "--amend") {
                    return Own::project("`git commit --amend` rewrites the last local commit");
                }
                Own::project("`git commit` records changes")
            }
            "rebase" | "merge" | "cherry-pick" | "revert" | "am" => {
                if rest
                    .iter()
                    .any(|w| w.text.starts_with("--exec") || w.text == "-x")
                    && sub == "rebase"
                {
                    let pos = rest
                        .iter()
                        .position(|w| w.text == "-x" || w.text == "--exec");
                    if let Some(code) = pos.and_then(|p| rest.get(p + 1)).cloned().or_else(|| {
                        rest.iter().find_map(|w| {
                            w.text.strip_prefix("--exec=").map(|v| opts::sub_word(w, v))
                        })
                    }) {
                        self.code_string(&code, Sub::Child, "`git rebase --exec`");
                    }
                    return Own::wrapper("`git rebase --exec` runs a command per commit; analysed");
                }
                if rest
                    .iter()
                    .any(|w| w.text == "-i" || w.text == "--interactive")
                {
                    return Own::with(
                        Severity::Unknown,
                        rules::GIT,
                        "interactive rebase opens an editor",
                    );
                }
                Own::project(format!("`git {sub}` changes local history"))
            }
            "add" | "stage" => {
                let staged: Vec<_> = rest
                    .iter()
                    .filter(|w| !w.text.starts_with('-'))
                    .map(|w| self.resolve(w).path)
                    .filter(|p| self.ctx.env.is_secret_path(p))
                    .collect();
                if let Some(secret) = staged.first() {
                    return Own::with(
                        Severity::Unknown,
                        rules::GIT,
                        format!(
                            "`git {sub}` stages the secret file {}; once committed it stays in \
                             history. Add it to `.gitignore` instead",
                            secret.display()
                        ),
                    );
                }
                Own::project(format!("`git {sub}` changes the local repository"))
            }
            _ => Own::project(format!("`git {sub}` changes the local repository")),
        }
    }

    fn git_push(&mut self, rest: &[Word]) -> Own {
        let p = opts::parse(
            rest,
            Spec {
                short: "o",
                long: &["repo", "push-option", "receive-pack", "exec", "signed"],
                stop_at_operand: false,
            },
        );
        let mut g = GitOp {
            subcommand: "push".into(),
            ..GitOp::default()
        };
        for a in &p.args {
            match a {
                opts::Arg::Short('f', _) => g.force = true,
                opts::Arg::Short('d', _) => g.delete = true,
                opts::Arg::Long(l, v) => {
                    if opts::long_matches(l, "force")
                        || (l.starts_with("force")
                            && !l.starts_with("force-with-lease")
                            && !l.starts_with("force-if-includes"))
                    {
                        g.force = true;
                    } else if l.starts_with("force-with-lease")
                        || l.starts_with("force-if-includes")
                    {
                        g.lease = true;
                    } else if l == "mirror" {
                        g.force = true;
                        g.delete = true;
                    } else if l == "delete" || l == "prune" {
                        g.delete = true;
                    } else if l == "receive-pack" || l == "exec" {
                        if let Some(v) = v {
                            let v = v.clone();
                            self.code_string(&v, Sub::Child, "`git push --receive-pack`");
                        }
                    } else if l == "repo"
                        && let Some(v) = v
                    {
                        g.remote = Some(v.text.clone());
                    }
                    let _ = v;
                }
                _ => {}
            }
        }
        let ops = p.operands();
        if g.remote.is_none()
            && let Some(r) = ops.first()
        {
            g.remote = Some(r.text.clone());
        }
        let refspecs = if ops.len() > 1 { &ops[1..] } else { &[][..] };
        for r in refspecs {
            let mut t = r.text.as_str();
            if let Some(s) = t.strip_prefix('+') {
                g.force = true;
                t = s;
            }
            let dst = match t.split_once(':') {
                Some(("", d)) => {
                    g.delete = true;
                    d
                }
                Some((_, d)) => d,
                None => t,
            };
            let dst = dst.strip_prefix("refs/heads/").unwrap_or(dst);
            if dst.is_empty() || dst == "HEAD" {
                continue;
            }
            if g.delete && !t.contains(':') && !p.has('d', "delete") {
                // A plain name with --mirror: nothing more to learn.
            }
            g.branches.push(dst.to_string());
        }
        if p.has_long("all") || p.has_long("branches") {
            g.branches.push("*".into());
        }
        if let Some(r) = &g.remote
            && (r.contains("://") || r.contains('@') || (r.contains(':') && !r.starts_with('/')))
        {
            let r = r.clone();
            self.git_url_effect(&r, true, "`git push` uploads to");
        }
        let (sev, rule, msg) = if g.force || g.delete {
            (
                Severity::Destructive,
                rules::GIT_DESTRUCTIVE,
                format!(
                    "`git push` {} remote history{}; use `--force-with-lease` on your own branch instead",
                    if g.delete {
                        "deletes"
                    } else {
                        "force-overwrites"
                    },
                    if g.branches.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", g.branches.join(", "))
                    }
                ),
            )
        } else if g.lease {
            (Severity::Unknown, rules::GIT, "`git push --force-with-lease` rewrites a remote branch if nobody else pushed to it".to_string())
        } else {
            (
                Severity::Unknown,
                rules::GIT,
                "`git push` publishes commits to a remote".to_string(),
            )
        };
        self.git_op(g, sev, rule, msg.clone());
        Own::with(sev, rule, msg)
    }

    /// A network effect for the remote URL among `git fetch/pull/ls-remote` operands.
    fn git_remote_url(&mut self, rest: &[Word]) {
        if let Some(u) = rest
            .iter()
            .find(|w| !w.text.starts_with('-') && (w.text.contains("://") || w.text.contains('@')))
        {
            let u = u.text.clone();
            self.git_url_effect(&u, false, "`git` fetches from");
        }
    }

    fn git_url_effect(&mut self, url: &str, upload: bool, how: &str) {
        if url.contains("://") {
            if url.starts_with("ext::") || url.starts_with("fd::") {
                self.hazard(
                    "remote-code",
                    Severity::Catastrophic,
                    rules::GIT_CONFIG_EXEC,
                    "the `ext::` git transport runs a command".into(),
                );
                return;
            }
            if url.starts_with("file://") {
                return;
            }
            self.url_effect(url, if upload { "PUSH" } else { "GET" }, upload, how);
        } else if url.starts_with("ext::") {
            self.hazard(
                "remote-code",
                Severity::Catastrophic,
                rules::GIT_CONFIG_EXEC,
                "the `ext::` git transport runs a command".into(),
            );
        } else if let Some((userhost, _)) = url.split_once(':')
            && !userhost.contains('/')
        {
            let host = userhost.rsplit('@').next().unwrap_or(userhost).to_string();
            self.host_effect(
                &host,
                Some(22),
                upload,
                if upload {
                    Severity::Unknown
                } else {
                    Severity::ReadOnly
                },
                how,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_subcommand_follows_the_global_options() {
        let sub = |line: &str| {
            let argv: Vec<String> = line.split(' ').map(str::to_string).collect();
            git_subcommand(&argv).map(str::to_string)
        };
        assert_eq!(sub("git commit -m x").as_deref(), Some("commit"));
        assert_eq!(sub("git -C . -c a=b tag v1").as_deref(), Some("tag"));
        assert_eq!(
            sub("git --super-prefix p/ --no-pager commit").as_deref(),
            Some("commit")
        );
        assert_eq!(sub("git --git-dir=.git stash").as_deref(), Some("stash"));
        assert_eq!(sub("git --version"), None);
    }
}
