//! Classification of one argv: what the program is, what it does to files, the network,
//! git and the system. Wrappers hand their inner argv back to [`Walker::run`].

use std::path::Path;

use warden_core::{EffectKind, Severity};

use crate::paths::{Loc, Place, place};
use crate::rules;
use crate::tree::{Skips, TreeSecrets};
use crate::walk::{Sub, Walker};
use crate::word::{Word, basename};

mod build;
mod credentials;
mod fs;
mod git;
mod hazards;
mod interp;
mod make;
mod net;
pub(crate) mod opts;
mod readonly;
mod runners;
mod wrappers;

pub(crate) use git::git_subcommand;
pub(crate) use hazards::sql_risk;

/// The severity, rule and message of a command itself (its `Exec` effect).
#[derive(Debug, Clone)]
pub(crate) struct Own {
    pub sev: Severity,
    pub rule: &'static str,
    pub msg: String,
}

impl Own {
    /// Proven read-only.
    pub fn ro(msg: impl Into<String>) -> Self {
        Own {
            sev: Severity::ReadOnly,
            rule: rules::READONLY,
            msg: msg.into(),
        }
    }
    /// A routine project-local command.
    pub fn project(msg: impl Into<String>) -> Self {
        Own {
            sev: Severity::LocalWrite,
            rule: rules::PROJECT,
            msg: msg.into(),
        }
    }
    /// Not provable.
    pub fn unknown(msg: impl Into<String>) -> Self {
        Own {
            sev: Severity::Unknown,
            rule: rules::UNKNOWN,
            msg: msg.into(),
        }
    }
    /// A wrapper whose inner command was analysed separately.
    pub fn wrapper(msg: impl Into<String>) -> Self {
        Own {
            sev: Severity::ReadOnly,
            rule: rules::WRAPPER,
            msg: msg.into(),
        }
    }
    /// Any severity under a rule.
    pub fn with(sev: Severity, rule: &'static str, msg: impl Into<String>) -> Self {
        Own {
            sev,
            rule,
            msg: msg.into(),
        }
    }
}

/// Shortens text for messages, hiding anything that looks like a credential.
pub(crate) fn clip(s: &str) -> String {
    const MAX: usize = 60;
    let one_line: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let one_line = one_line
        .split(' ')
        .map(|t| if looks_secret(t) { "[redacted]" } else { t })
        .collect::<Vec<_>>()
        .join(" ");
    if one_line.chars().count() <= MAX {
        one_line
    } else {
        let cut: String = one_line.chars().take(MAX).collect();
        format!("{cut}…")
    }
}

/// Directories whose programs are the standard ones of their name.
const SYSTEM_BIN: &[&str] = &[
    "/bin",
    "/usr/bin",
    "/usr/local/bin",
    "/sbin",
    "/usr/sbin",
    "/usr/local/sbin",
    "/opt/homebrew/bin",
];

impl Walker<'_> {
    /// Analyses one argv reached anywhere: functions, wrappers, then the program's rules.
    pub(crate) fn run(&mut self, argv: &[Word]) {
        let Some(first) = argv.first() else {
            return;
        };
        if self.try_call_function(argv) {
            return;
        }
        let mut own = if first.dynamic || first.glob {
            self.emit(
                EffectKind::Exec {
                    argv: texts(argv),
                    dynamic: true,
                },
                Severity::Unknown,
                rules::DYNAMIC,
                format!(
                    "the program name `{}` is only known at run time; write it literally",
                    clip(&first.text)
                ),
            );
            None
        } else {
            None
        };
        let name = basename(&first.text).to_string();
        let standard = !first.text.contains('/')
            || Path::new(&first.text)
                .parent()
                .is_some_and(|p| SYSTEM_BIN.iter().any(|b| Path::new(b) == p));
        let o = if !standard {
            self.local_program(argv)
        } else {
            self.dispatch(&name, argv)
        };
        let o = if self.state.path_changed && !first.text.contains('/') && o.sev < Severity::Unknown
        {
            Own::unknown(format!(
                "`PATH` was changed earlier in this command, so `{name}` may not be the usual program"
            ))
        } else {
            o
        };
        own.get_or_insert(o);
        if let Some(o) = own {
            self.emit(
                EffectKind::Exec {
                    argv: texts(argv),
                    dynamic: argv.iter().any(|w| w.dynamic || w.glob),
                },
                o.sev,
                o.rule,
                o.msg,
            );
        }
    }

    fn dispatch(&mut self, name: &str, argv: &[Word]) -> Own {
        let outer = (self.tree_reader.take(), self.prints_content);
        self.tree_reader = reads_trees(name, argv);
        self.prints_content = prints_content(name, argv);
        let own = self.dispatch_inner(name, argv);
        (self.tree_reader, self.prints_content) = outer;
        own
    }

    fn dispatch_inner(&mut self, name: &str, argv: &[Word]) -> Own {
        if let Some(what) = credentials::printed_credential(name, argv) {
            self.note_printed_credential(what);
        }
        for code in embedded_code(name, argv) {
            let what = format!("`{}` runs the command in one of its options", clip(name));
            self.code_string(&code, Sub::Child, &what);
        }
        if let Some(o) = self.wrapper(name, argv) {
            return o;
        }
        if let Some(o) = self.runner(name, argv) {
            return o;
        }
        if let Some(o) = self.interpreter(name, argv) {
            return o;
        }
        if let Some(o) = self.filesystem(name, argv) {
            return o;
        }
        if name == "git" {
            return self.git(argv);
        }
        if let Some(o) = self.network(name, argv) {
            return o;
        }
        if let Some(o) = self.hazardous(name, argv) {
            return o;
        }
        if let Some(o) = self.build_tool(name, argv) {
            return o;
        }
        if let Some(o) = self.readonly(name, argv) {
            return o;
        }
        if self.in_project_script && !name.contains('/') {
            return Own::project(format!(
                "`{}` is a project tool run by a package.json script or makefile recipe",
                clip(name)
            ));
        }
        Own::unknown(format!(
            "`{}` is not a command Warden knows to be safe",
            clip(name)
        ))
    }

    /// A program named by a path (`./x`, `bin/tool`, `/tmp/ls`): not the standard tool of
    /// its name. Shell scripts are read and analysed when the environment can provide them.
    fn local_program(&mut self, argv: &[Word]) -> Own {
        let loc = self.resolve(&argv[0]);
        // The project's own copies of standard build tools (`./gradlew`, `./mvnw`,
        // `bin/rails`) behave as the tool.
        let name = basename(&argv[0].text);
        if matches!(
            name,
            "gradlew"
                | "mvnw"
                | "rails"
                | "rake"
                | "bundle"
                | "yarn"
                | "sbt"
                | "mill"
                | "pants"
                | "bazelisk"
        ) && matches!(
            place(&loc.path, &self.root, self.home.as_deref()),
            Place::Project {
                git_internal: false,
                ..
            }
        ) && !argv[0].dynamic
            && self.written_then_run(&loc.path, "runs a file").is_none()
        {
            return self.dispatch(name, argv);
        }
        if let Some(o) = self.written_then_run(&loc.path, "runs a file") {
            return o;
        }
        if !loc.exact() {
            return Own::unknown(format!(
                "runs `{}`, which Warden cannot see",
                clip(&argv[0].text)
            ));
        }
        match self.ctx.env.read_script(&loc.path) {
            Some(text) if is_shell_script(&text) => {
                self.emit_read(&loc.path, "runs it as a script");
                let args = argv.to_vec();
                self.nested_with_args(&text, args, &format!("the script {}", loc.path.display()));
                Own::with(
                    Severity::ReadOnly,
                    rules::SCRIPT,
                    format!(
                        "runs the shell script {}; its commands are analysed",
                        loc.path.display()
                    ),
                )
            }
            _ => Own::unknown(format!(
                "runs the program {}, whose behaviour Warden cannot see",
                loc.path.display()
            )),
        }
    }

    /// If `path` was written earlier in this line, the code run now was never seen by the
    /// person: reports it, analysing the content when known.
    pub(crate) fn written_then_run(&mut self, path: &Path, how: &str) -> Option<Own> {
        if self.fetched_files.iter().any(|p| p == path) {
            self.hazard(
                "remote-code",
                Severity::Catastrophic,
                rules::REMOTE_CODE,
                format!(
                    "{how} {} that was downloaded earlier in this same command: remote code; download it, read it, then run it as a separate step",
                    path.display()
                ),
            );
            return Some(Own::with(
                Severity::Catastrophic,
                rules::REMOTE_CODE,
                format!("{how} downloaded in this same command"),
            ));
        }
        let content = self
            .written
            .iter()
            .rev()
            .find(|(p, _)| p == path)
            .map(|(_, c)| c.clone())?;
        self.unseen(format!(
            "{how} {} that was written earlier in this same command; write it first, then run it in a separate step",
            path.display()
        ));
        if let Some(text) = content {
            self.nested(
                &text,
                crate::walk::Sub::Child,
                "a script written in this command",
            );
        }
        Some(Own::with(
            Severity::Unknown,
            rules::UNSEEN,
            format!("{how} written in this same command"),
        ))
    }

    // ----- effect helpers -------------------------------------------------------------------

    /// A read of what `loc` names, and of what it reaches that its words do not show: the
    /// files a glob expands to, the secret files in a directory a recursive reader walks,
    /// and, for a path computed at run time, whatever it can name.
    pub(crate) fn read_effect(&mut self, loc: &Loc, how: &str) {
        self.emit_read(&loc.path, how);
        if loc.cwd_unknown {
            return;
        }
        if loc.dynamic {
            self.computed_read(loc, how);
        } else if loc.glob {
            let env = self.ctx.env;
            let matches = self.trees.expand(env, &loc.path);
            for path in matches {
                if env.is_secret_path(&path) {
                    let how = format!("{how} (the glob `{}` matches it)", loc.path.display());
                    self.emit_read(&path, &how);
                }
                self.tree_read(&path, how);
            }
        } else {
            self.tree_read(&loc.path.clone(), how);
        }
    }

    /// For a recursive reader (`grep -r`, `tar c`, `cp -r` …) of a directory: the secret file
    /// the walk reaches, or a tree too large to check, is not proved safe.
    fn tree_read(&mut self, dir: &Path, how: &str) {
        let Some(skips) = self.tree_reader.clone() else {
            return;
        };
        let env = self.ctx.env;
        let why = match self.trees.secret_within(env, dir, &skips) {
            TreeSecrets::NotADirectory | TreeSecrets::Clean => return,
            TreeSecrets::Holds(secret) => format!(
                "a directory holding the secret file {}; exclude it (`--exclude`), read a \
                 narrower directory, or search with `rg`, which skips hidden and ignored files",
                secret.display()
            ),
            TreeSecrets::TooLarge => "a directory tree too large to check for secret files; \
                 name the files or subdirectories to read"
                .to_string(),
        };
        self.emit(
            EffectKind::Opaque,
            Severity::Unknown,
            rules::READ_UNKNOWN,
            format!("{how}: {}, {why}", dir.display()),
        );
    }

    /// A read whose path is computed when the command runs. A command substitution can
    /// name any file (`cat $(ls -a | grep en)` reads `.env`); a computed name under a known
    /// directory (`cat ~/$X`) can name any file in that tree. Either is safe only when the
    /// tree holds no secret file. (A plain variable is judged by its value where the line
    /// sets it, and is otherwise taken as the person's.)
    fn computed_read(&mut self, loc: &Loc, how: &str) {
        if !self.prints_content {
            return;
        }
        let text = loc.path.to_string_lossy();
        let substituted = text.contains("$(") || text.contains('`');
        let env = self.ctx.env;
        if loc.child && !self.find_names.is_empty() {
            // `find DIR -name GLOB -exec CMD {}`: CMD reads every file under DIR the globs
            // select, secret ones included.
            let names = self.find_names.clone();
            if let TreeSecrets::Holds(secret) = self.trees.secret_named(env, &loc.anchor, &names) {
                let how = format!("{how} each file `find` selects, among them");
                self.emit_read(&secret, &how);
            }
            return;
        }
        if loc.child && loc.filtered {
            // Other `find` tests (size, time, type) choose the files.
            return;
        }
        let why = if loc.explicit_anchor {
            match self
                .trees
                .secret_within(env, &loc.anchor, &Skips::default())
            {
                TreeSecrets::Holds(secret) => format!(
                    "it can be any file under {}, which holds the secret file {}",
                    loc.anchor.display(),
                    secret.display()
                ),
                TreeSecrets::TooLarge => format!(
                    "it can be any file under {}, a tree too large to check for secret files",
                    loc.anchor.display()
                ),
                TreeSecrets::NotADirectory | TreeSecrets::Clean => return,
            }
        } else if substituted {
            "it can be any file, a secret one included".to_string()
        } else {
            return;
        };
        self.emit(
            EffectKind::Opaque,
            Severity::Unknown,
            rules::READ_UNKNOWN,
            format!(
                "{how} a path known only when the command runs ({}): {why}; name the file \
                 literally",
                loc.path.display()
            ),
        );
    }

    pub(crate) fn emit_read(&mut self, path: &Path, how: &str) {
        self.emit(
            EffectKind::Read {
                path: path.to_path_buf(),
            },
            Severity::ReadOnly,
            rules::READ,
            format!("{how}: {}", path.display()),
        );
        if self.ctx.env.is_secret_path(path) {
            self.out.secret = true;
        }
    }

    /// Reads for every operand word.
    pub(crate) fn read_words(&mut self, words: &[&Word], how: &str) {
        for w in words {
            if w.text == "-" || w.text.is_empty() {
                continue;
            }
            let loc = self.resolve(w);
            self.read_effect(&loc, how);
        }
    }

    /// A `Write` effect, with severity from where the path is. `content` is the text
    /// written, when known (so that running the file later in the line can be analysed).
    pub(crate) fn write_effect(&mut self, loc: &Loc, how: &str, content: Option<String>) {
        let (sev, rule, why) = self.write_severity(loc);
        if sev == Severity::ReadOnly {
            return;
        }
        self.written.push((loc.path.clone(), content));
        self.emit(
            EffectKind::Write {
                path: loc.path.clone(),
            },
            sev,
            rule,
            format!("{how}: {}{why}", loc.path.display()),
        );
    }

    fn write_severity(&self, loc: &Loc) -> (Severity, &'static str, String) {
        let p = place(&loc.path, &self.root, self.home.as_deref());
        let s = loc.path.to_string_lossy();
        let name = loc
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        const PERSIST: &[&str] = &[
            ".bashrc",
            ".bash_profile",
            ".profile",
            ".zshrc",
            ".zprofile",
            ".zshenv",
            ".bash_login",
            ".bash_logout",
            ".login",
            ".cshrc",
            ".tcshrc",
            ".inputrc",
            ".xinitrc",
            ".xprofile",
            "config.fish",
        ];
        if s.contains("/.ssh/authorized_keys")
            || s.starts_with("/etc/sudoers")
            || s == "/etc/passwd"
            || s == "/etc/shadow"
            || s.starts_with("/etc/cron")
            || s.starts_with("/var/spool/cron")
            || s.starts_with("/etc/systemd/")
            || s.starts_with("/etc/ld.so.preload")
        {
            return (
                Severity::Catastrophic,
                rules::WRITE_SENSITIVE,
                " (grants access or runs code for anyone, persistently)".into(),
            );
        }
        if PERSIST.contains(&name.as_str())
            || s.contains("/.config/autostart/")
            || s.contains("/.config/systemd/")
            || s.contains("/Library/LaunchAgents/")
            || s.contains("/.ssh/")
        {
            return (
                Severity::Destructive,
                rules::WRITE_SENSITIVE,
                " (a start-up or SSH file: code or access that persists)".into(),
            );
        }
        match p {
            Place::Sink => (Severity::ReadOnly, rules::WRITE, String::new()),
            Place::Device => (
                Severity::Catastrophic,
                rules::DISK,
                " (a raw device: this destroys a disk)".into(),
            ),
            Place::Project {
                git_internal: true, ..
            } => (
                Severity::Destructive,
                rules::WRITE_SENSITIVE,
                " (git's own files: hooks and config run code)".into(),
            ),
            Place::Project { .. } if loc.cwd_unknown => (
                Severity::Unknown,
                rules::WRITE,
                " (after a `cd` Warden could not follow)".into(),
            ),
            Place::Project { .. } => {
                if loc.dynamic {
                    (
                        Severity::Unknown,
                        rules::WRITE,
                        " (a path only known at run time)".into(),
                    )
                } else {
                    (Severity::LocalWrite, rules::WRITE, String::new())
                }
            }
            Place::Scratch => (Severity::LocalWrite, rules::WRITE, String::new()),
            Place::Critical(what) => (
                Severity::Destructive,
                rules::WRITE_SENSITIVE,
                format!(" ({what})"),
            ),
            Place::System => (
                Severity::Destructive,
                rules::WRITE_SENSITIVE,
                " (a system file)".into(),
            ),
            Place::Home | Place::Other => (
                Severity::Unknown,
                rules::WRITE,
                " (outside the project)".into(),
            ),
        }
    }

    /// A `Delete` effect, with severity from the target and how it is deleted.
    pub(crate) fn delete_effect(&mut self, loc: &Loc, recursive: bool, how: &str) {
        let (sev, rule, why) = self.delete_severity(loc, recursive);
        self.emit(
            EffectKind::Delete {
                path: loc.path.clone(),
                recursive,
            },
            sev,
            rule,
            format!("{how} {}{why}", loc.path.display()),
        );
    }

    pub(crate) fn delete_severity(
        &self,
        loc: &Loc,
        recursive: bool,
    ) -> (Severity, &'static str, String) {
        let root = &self.root;
        let home = self.home.as_deref();
        let here = place(&loc.path, root, home);
        if let Place::Critical(what) = here {
            // Without `-r`, `rm` cannot delete a directory: a top-level entry of the home
            // directory named this way is a file.
            if !recursive && what == "a top-level directory of the home directory" {
                return (
                    Severity::Destructive,
                    rules::DELETE_DESTRUCTIVE,
                    " (outside the project)".into(),
                );
            }
            return (
                Severity::Catastrophic,
                rules::DELETE_CRITICAL,
                format!(": {what}; delete the specific files you mean instead"),
            );
        }
        if !loc.exact() {
            // A glob or a dynamic word can name anything under its literal prefix; if that
            // prefix is itself critical, the delete may wipe it.
            let anchor_place = place(&loc.anchor, root, home);
            if let Place::Critical(what) = anchor_place {
                // A literal prefix followed by an unknown part (`~/$X`, `/$X`) may be
                // empty at run time; a glob that is not selective names everything there.
                let partial =
                    !loc.glob && loc.dynamic && loc.anchor != loc.path && loc.explicit_anchor;
                let scratch =
                    loc.anchor == Path::new("/tmp") || loc.anchor == Path::new("/var/tmp");
                let soft_anchor = loc.anchor == *root || Some(loc.anchor.as_path()) == home;
                let selective = (loc.filtered || loc.selective_glob) && soft_anchor;
                if !scratch
                    && !selective
                    && ((loc.glob && !loc.selective_glob) || partial || (loc.glob && !soft_anchor))
                {
                    return (
                        Severity::Catastrophic,
                        rules::DELETE_CRITICAL,
                        format!(
                            ": may expand to everything in {what} ({}); name the files literally",
                            loc.anchor.display()
                        ),
                    );
                }
            }
        }
        if let Place::Device = here {
            return (Severity::Catastrophic, rules::DISK, ": a raw device".into());
        }
        match here {
            Place::Project {
                regenerable: true,
                git_internal: false,
            } if (loc.exact() || !loc.dynamic || loc.child) && !loc.cwd_unknown => (
                Severity::LocalWrite,
                rules::DELETE_LOCAL,
                " (a regenerable build or cache artefact)".into(),
            ),
            Place::Project {
                git_internal: false,
                ..
            } if loc.exact() && !recursive => (
                Severity::LocalWrite,
                rules::DELETE_LOCAL,
                " (one named file inside the project)".into(),
            ),
            Place::Project { .. } if loc.cwd_unknown => (
                Severity::Destructive,
                rules::DELETE_DESTRUCTIVE,
                " (after a `cd` Warden could not follow)".into(),
            ),
            Place::Project { .. } => (
                Severity::Destructive,
                rules::DELETE_DESTRUCTIVE,
                if loc.dynamic {
                    " (a path only known at run time)".into()
                } else if loc.glob {
                    " (a glob inside the project)".into()
                } else {
                    " (recursively, inside the project; not assumed recoverable)".into()
                },
            ),
            _ => (
                Severity::Destructive,
                rules::DELETE_DESTRUCTIVE,
                " (outside the project)".into(),
            ),
        }
    }
}

/// True for a token that may be a credential: a long mixed-alphabet run, or a value after a
/// key-like name (`token=…`, `password:…`). Messages never show such tokens.
pub(crate) fn looks_secret(t: &str) -> bool {
    let lower = t.to_ascii_lowercase();
    for key in [
        "key", "token", "secret", "passw", "pwd", "auth", "bearer", "cred", "session", "cookie",
        "sig",
    ] {
        if let Some(i) = lower.find(key) {
            let rest = &t[i..];
            if rest.contains(['=', ':']) && rest.len() > key.len() + 2 {
                return true;
            }
        }
    }
    let core: String = t.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    let long = core.len() >= 20 && !t.contains('/');
    let digits = core.chars().any(|c| c.is_ascii_digit());
    let letters = core.chars().any(|c| c.is_ascii_alphabetic());
    long && digits && letters
}

/// The texts of words.
pub(crate) fn texts(argv: &[Word]) -> Vec<String> {
    argv.iter().map(|w| w.text.clone()).collect()
}

/// True when text looks like a shell script (a shell shebang or none at all).
pub(crate) fn is_shell_script(text: &str) -> bool {
    match text.lines().next() {
        Some(l) if l.starts_with("#!") => {
            let l = l.trim_start_matches("#!");
            let prog = l.split_whitespace().collect::<Vec<_>>();
            let shell = |p: &str| {
                matches!(
                    basename(p),
                    "sh" | "bash" | "dash" | "zsh" | "ksh" | "mksh" | "ash" | "busybox"
                )
            };
            match prog.as_slice() {
                [env, rest @ ..] if basename(env) == "env" => rest
                    .iter()
                    .find(|a| !a.starts_with('-'))
                    .is_some_and(|a| shell(a)),
                [p, ..] => shell(p),
                [] => false,
            }
        }
        _ => !text.as_bytes().contains(&0),
    }
}

/// Shell code carried in a program's options, which the program runs: `tar
/// --checkpoint-action=exec=CMD`, `tar -I CMD`, `zip -TT CMD`, `rsync -e CMD`, `sort
/// --compress-program=CMD`, `man -P CMD`, `less +!CMD`.
fn embedded_code(name: &str, argv: &[Word]) -> Vec<Word> {
    // (option spelled alone, taking the next word; option with `=`; prefix inside the value)
    let table: &[(&str, &str, &str)] = match name {
        "tar" | "bsdtar" | "gtar" => &[
            ("", "--checkpoint-action", "exec="),
            ("", "--to-command", ""),
            ("-I", "--use-compress-program", ""),
            ("-F", "--info-script", ""),
            ("", "--new-volume-script", ""),
            ("", "--rsh-command", ""),
        ],
        "zip" => &[("-TT", "--unzip-command", "")],
        "rsync" => &[("-e", "--rsh", "")],
        "sort" => &[("", "--compress-program", "")],
        "man" => &[("-P", "--pager", "")],
        "less" | "more" => {
            return argv
                .iter()
                .skip(1)
                .filter_map(|w| w.text.strip_prefix('+'))
                .filter_map(|cmd| cmd.split_once('!').map(|(_, code)| code))
                .map(Word::lit)
                .collect();
        }
        _ => return Vec::new(),
    };
    let mut out = Vec::new();
    for (i, w) in argv.iter().enumerate().skip(1) {
        for &(short, long, prefix) in table {
            let value = if !short.is_empty() && w.text == short {
                argv.get(i + 1).map(|v| v.text.clone())
            } else if w.text == long {
                argv.get(i + 1).map(|v| v.text.clone())
            } else if let Some(v) = w.text.strip_prefix(long).and_then(|r| r.strip_prefix('=')) {
                Some(v.to_string())
            } else if !short.is_empty() && short.len() == 2 && w.text.starts_with(short) {
                Some(w.text[short.len()..].to_string())
            } else {
                None
            };
            if let Some(code) = value.as_deref().and_then(|v| v.strip_prefix(prefix)) {
                let dynamic = argv.get(i + 1).is_some_and(|v| v.dynamic) || w.dynamic;
                let mut word = Word::lit(code);
                word.dynamic = dynamic;
                out.push(word);
            }
        }
    }
    out
}

/// [`prints_content`] for a whole command line (`wc -l {}`), by its program's name.
fn shows_what_it_reads(argv: &[Word]) -> bool {
    argv.first()
        .is_some_and(|first| prints_content(basename(&first.text), argv))
}

/// The command line with every `placeholder` (`find -exec`'s `{}`, `xargs -I`'s string)
/// replaced by `value`, also inside a word (`curl -F f=@{}`); the words that held it become
/// literal.
fn fill_placeholder(argv: &[Word], placeholder: &str, value: &str) -> Vec<Word> {
    argv.iter()
        .map(|w| match w.text.contains(placeholder) {
            true => Word::lit(w.text.replace(placeholder, value)),
            false => w.clone(),
        })
        .collect()
}

/// False for a reader whose output shows nothing of what it reads but names, counts and
/// digests (`wc`, `sha256sum`, `grep -l`): a computed path or a `find -exec` target it
/// reads cannot leak a secret's value through it.
fn prints_content(name: &str, argv: &[Word]) -> bool {
    let args = || argv.iter().skip(1).map(|w| w.text.as_str());
    match name {
        "wc" | "cksum" | "sum" | "md5sum" | "sha1sum" | "sha224sum" | "sha256sum" | "sha384sum"
        | "sha512sum" | "b2sum" | "stat" | "file" | "du" | "ls" | "test" => false,
        "grep" | "egrep" | "fgrep" | "zgrep" | "ugrep" | "rgrep" | "rg" => !args().any(|a| {
            (a.starts_with('-') && !a.starts_with("--") && a[1..].contains(['l', 'L', 'c', 'q']))
                || matches!(
                    a,
                    "--files-with-matches"
                        | "--files-without-match"
                        | "--count"
                        | "--quiet"
                        | "--silent"
                        | "--files"
                )
        }),
        _ => true,
    }
}

/// For a command that reads the directories it is given recursively, every file included
/// (hidden and git-ignored ones), the names it skips: `grep -r` (unless it prints only
/// names or counts), archivers creating an archive, recursive copies and diffs; and `rg`,
/// which skips hidden and ignored files unless told otherwise. None for every other
/// command.
fn reads_trees(name: &str, argv: &[Word]) -> Option<Skips> {
    // Called for every command: no allocation until one is known to read trees.
    let args = argv.get(1..).unwrap_or(&[]);
    let short = |letters: &str| {
        args.iter().any(|a| {
            a.text.starts_with('-')
                && !a.text.starts_with("--")
                && a.text[1..].chars().any(|c| letters.contains(c))
        })
    };
    let long = |names: &[&str]| {
        args.iter().any(|a| {
            names
                .iter()
                .any(|n| a.text == *n || a.text.strip_prefix(n).is_some_and(|r| r.starts_with('=')))
        })
    };
    // The values of `--NAME=V` and `--NAME V`.
    let values = |name: &str| -> Vec<String> {
        let mut out = Vec::new();
        for (i, a) in args.iter().enumerate() {
            if let Some(v) = a.text.strip_prefix(name).and_then(|r| r.strip_prefix('=')) {
                out.push(v.to_string());
            } else if a.text == name
                && let Some(v) = args.get(i + 1)
            {
                out.push(v.text.clone());
            }
        }
        out
    };
    let recursive = match name {
        "rgrep" => prints_content(name, argv),
        "grep" | "egrep" | "fgrep" | "zgrep" | "ugrep" => {
            let recursive = short("rR")
                || long(&["--recursive", "--dereference-recursive"])
                || values("--directories").iter().any(|v| v == "recurse")
                || argv
                    .windows(2)
                    .any(|w| w[0].text == "-d" && w[1].text == "recurse");
            recursive && prints_content(name, argv)
        }
        "rg" => prints_content(name, argv),
        "tar" | "bsdtar" => {
            let first = args.first().map_or("", |w| w.text.as_str());
            let bundled = !first.starts_with('-') && first.chars().any(|c| "cru".contains(c));
            bundled || short("cru") || long(&["--create", "--append", "--update"])
        }
        "zip" => short("rR") || long(&["--recurse-paths"]),
        "7z" | "7za" | "7zz" => args.first().is_some_and(|w| w.text == "a"),
        "cp" | "rsync" => short("rRa") || long(&["--recursive", "--archive"]),
        "scp" => short("r"),
        "diff" | "colordiff" => short("r") || long(&["--recursive"]),
        _ => false,
    };
    recursive.then(|| {
        let mut names = values("--exclude");
        names.extend(
            values("--iglob")
                .into_iter()
                .filter_map(|g| g.strip_prefix('!').map(str::to_string)),
        );
        names.extend(
            values("--glob")
                .into_iter()
                .chain(values("-g"))
                .filter_map(|g| g.strip_prefix('!').map(str::to_string)),
        );
        let mut skips = Skips {
            names,
            dirs: values("--exclude-dir"),
            ..Skips::default()
        };
        if name == "rg" {
            // `-u` stops honouring ignore files, `-uu` also searches hidden ones.
            let unrestricted = args
                .iter()
                .map(|a| match a.text.as_str() {
                    "--unrestricted" => 1,
                    t if t.starts_with('-') && !t.starts_with("--") => t.matches('u').count(),
                    _ => 0,
                })
                .sum::<usize>();
            skips.hidden = unrestricted < 2 && !short(".") && !long(&["--hidden"]);
            skips.ignored = unrestricted < 1 && !long(&["--no-ignore", "--no-ignore-vcs"]);
        }
        skips
    })
}

#[cfg(test)]
mod secret_tests {
    use super::*;

    #[test]
    fn messages_hide_credentials() {
        assert_eq!(
            clip("curl -H Authorization:abc123def"),
            "curl -H [redacted]"
        );
        assert_eq!(
            clip("export TOKEN=ghp_aaaaaaaaaaaaaaaaaaaa1234"),
            "export [redacted]"
        );
        assert_eq!(clip("x AKIAABCDEFGHIJKLMNOP12 y"), "x [redacted] y");
        assert_eq!(clip("cargo build --release"), "cargo build --release");
        assert_eq!(
            clip("src/some/long/path/file_name_2024.rs"),
            "src/some/long/path/file_name_2024.rs"
        );
    }
}
