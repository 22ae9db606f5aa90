//! Wrappers: programs that run another program (`sudo`, `env`, `timeout`, `xargs`, shells
//! with `-c`, `eval`, `source` …). Each unwraps to the inner argv or code, which is analysed
//! as if it stood alone; the wrapper adds only its own risk.

use warden_core::Severity;

use super::opts::{self, Spec};
use super::{Own, clip};
use crate::rules;
use crate::walk::{Stdin, Sub, Walker};
use crate::word::{Word, split_simple};

/// Most wrapper layers unwrapped in one argv (`nice nice nice … rm`).
const MAX_WRAPPERS: usize = 64;

/// Which language a program reads from its standard input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lang {
    Shell,
    Interpreter(&'static str),
    /// A crontab: schedules, each followed by a shell command.
    Crontab,
}

impl Walker<'_> {
    /// Unwraps a wrapper, or returns None when `name` is not one.
    pub(super) fn wrapper(&mut self, name: &str, argv: &[Word]) -> Option<Own> {
        let args = &argv[1..];
        let o = match name {
            "sudo" | "doas" | "pkexec" | "run0" => self.privileged(name, args),
            "su" | "runuser" => self.su(name, args),
            "env" => self.env_wrapper(args),
            "nice" => self.simple_wrapper(name, args, "n", &["adjustment"], 0),
            "ionice" => {
                let p = opts::parse(
                    args,
                    spec("cnpPu", &["class", "classdata", "pid", "pgid", "uid"]),
                );
                if p.has('p', "pid") || p.has('P', "pgid") || p.has('u', "uid") {
                    Own::project("changes the I/O priority of running processes")
                } else {
                    self.inner(name, &args[p.rest..])
                }
            }
            "nohup" | "setsid" | "chronic" | "builtin" | "unbuffer" | "catchsegv" | "fakeroot"
            | "nocache" | "rlwrap" | "torsocks" | "proxychains" | "proxychains4" | "tsocks"
            | "dbus-run-session" | "xvfb-run" | "caffeinate" | "with-contenv" | "scl" => {
                let p = opts::parse(args, spec("", &[]));
                self.inner(name, &args[p.rest..])
            }
            "time" => self.simple_wrapper(name, args, "fo", &["format", "output"], 0),
            "timeout" => self.simple_wrapper(name, args, "sk", &["signal", "kill-after"], 1),
            "stdbuf" => self.simple_wrapper(name, args, "ioe", &["input", "output", "error"], 0),
            "taskset" => {
                let p = opts::parse(args, spec("", &["cpu-list"]));
                if p.has('p', "pid") {
                    Own::project("changes CPU affinity of a running process")
                } else {
                    // The CPU mask or list comes first, then the command.
                    self.inner(name, args.get(p.rest + 1..).unwrap_or(&[]))
                }
            }
            "chroot" => {
                self.hazard(
                    "privilege",
                    Severity::Destructive,
                    rules::PRIVILEGE,
                    "`chroot` needs root and runs a command in another root directory".into(),
                );
                let p = opts::parse(args, spec("", &["userspec", "groups"]));
                self.inner(name, args.get(p.rest + 1..).unwrap_or(&[]));
                Own::with(
                    Severity::Destructive,
                    rules::PRIVILEGE,
                    "runs a command as root in another root directory",
                )
            }
            "unshare" => {
                let p = opts::parse(
                    args,
                    spec(
                        "SGRw",
                        &[
                            "propagation",
                            "setgroups",
                            "map-user",
                            "map-group",
                            "map-users",
                            "map-groups",
                            "setuid",
                            "setgid",
                            "root",
                            "wd",
                            "monotonic",
                            "boottime",
                        ],
                    ),
                );
                self.inner(name, &args[p.rest..])
            }
            "script" => {
                let p = opts::parse(
                    args,
                    spec(
                        "cEIOBTmo",
                        &[
                            "command",
                            "echo",
                            "log-in",
                            "log-out",
                            "log-io",
                            "log-timing",
                            "logging-format",
                            "output-limit",
                        ],
                    ),
                );
                let Some(code) = p.value(Some('c'), "command").cloned() else {
                    return Some(Own::unknown("`script` starts an interactive shell"));
                };
                for w in p.operands() {
                    let loc = self.resolve(w);
                    self.write_effect(&loc, "`script` writes a typescript to", None);
                }
                self.code_string(&code, Sub::Child, "`script -c`");
                Own::wrapper("`script -c` runs its command through a shell; analysed")
            }
            "watch" => self.watch(args),
            "flock" => self.flock(args),
            "command" => {
                let p = opts::parse(args, spec("", &[]));
                if p.has_short('v') || p.has_short('V') {
                    Own::ro("looks up how a command name resolves")
                } else {
                    self.inner(name, &args[p.rest..])
                }
            }
            "exec" => {
                let p = opts::parse(args, spec("a", &[]));
                if p.rest >= args.len() {
                    Own::ro("`exec` with redirects only")
                } else {
                    self.inner(name, &args[p.rest..])
                }
            }
            "busybox" | "toybox" => {
                if args.is_empty() || args[0].text.starts_with('-') {
                    Own::ro("lists the applets of busybox")
                } else {
                    self.inner(name, args)
                }
            }
            "strace" | "ltrace" => {
                let p = opts::parse(args, spec("eoOpPsSuEXbIU", &["output", "attach", "user"]));
                for w in p.values(Some('o'), "output") {
                    let loc = self.resolve(w);
                    self.write_effect(&loc, "writes a trace", None);
                }
                if p.has('p', "attach") {
                    return Some(Own::unknown("attaches a tracer to a running process"));
                }
                self.inner(name, &args[p.rest..])
            }
            "xargs" => self.xargs(args),
            "parallel" => self.parallel(args),
            "bash" | "sh" | "zsh" | "dash" | "ksh" | "mksh" | "ash" | "yash" | "fish" | "tcsh"
            | "csh" | "rbash" | "posh" | "oksh" | "loksh" | "pdksh" | "hush" => {
                self.shell(name, args)
            }
            "eval" => {
                let code = join_words(args);
                if code.text.trim().is_empty() {
                    return Some(Own::ro("`eval` of nothing"));
                }
                self.code_string(&code, Sub::Same, "`eval`");
                Own::wrapper("`eval` runs its arguments as shell code; analysed")
            }
            "source" | "." => self.source(name, args),
            "trap" => {
                let p = opts::parse(args, spec("", &[]));
                let ops = p.operands();
                if p.has_short('p') || p.has_short('l') || ops.len() < 2 {
                    return Some(Own::ro("lists signal traps"));
                }
                let code = ops[0].clone();
                if code.text != "-" && !code.text.is_empty() {
                    self.code_string(&code, Sub::Same, "a `trap` handler");
                }
                Own::wrapper("sets a signal handler; its code is analysed")
            }
            "alias" => {
                for w in args {
                    if let Some((_, value)) = w.text.split_once('=')
                        && !value.trim().is_empty()
                    {
                        let v = opts::sub_word(w, value);
                        self.code_string(&v, Sub::Child, "an alias");
                    }
                }
                Own::ro("defines or lists aliases; their code is analysed")
            }
            _ => return None,
        };
        Some(o)
    }

    /// Runs an inner argv one wrapper layer down.
    pub(super) fn inner(&mut self, wrapper: &str, inner: &[Word]) -> Own {
        if inner.is_empty() {
            return Own::ro(format!("`{wrapper}` without a command"));
        }
        if self.wrap_depth >= MAX_WRAPPERS {
            self.opaque(format!(
                "more than {MAX_WRAPPERS} wrapper layers; not analysed"
            ));
            let text = super::texts(inner).join(" ");
            crate::fallback::scan(self, &text);
            return Own::unknown("too many wrapper layers");
        }
        self.wrap_depth += 1;
        self.run(inner);
        self.wrap_depth -= 1;
        Own::wrapper(format!(
            "`{wrapper}` runs `{}`, analysed on its own",
            clip(&inner[0].text)
        ))
    }

    /// A wrapper with options, then `skip` fixed operands, then the command.
    fn simple_wrapper(
        &mut self,
        name: &str,
        args: &[Word],
        short: &'static str,
        long: &'static [&'static str],
        skip: usize,
    ) -> Own {
        let p = opts::parse(args, spec(short, long));
        if name == "time" {
            for w in p.values(Some('o'), "output") {
                let loc = self.resolve(w);
                self.write_effect(&loc, "writes timing output", None);
            }
        }
        // `nice -10 cmd`: a numeric option is an adjustment, not a command.
        let mut start = p.rest;
        while name == "nice"
            && start < args.len()
            && args[start].text.starts_with('-')
            && args[start].text[1..].chars().all(|c| c.is_ascii_digit())
        {
            start += 1;
        }
        self.inner(name, args.get(start + skip..).unwrap_or(&[]))
    }

    fn privileged(&mut self, name: &str, args: &[Word]) -> Own {
        let p = match name {
            "sudo" => opts::parse(
                args,
                spec(
                    "uUgpCDrtTRh",
                    &[
                        "user",
                        "other-user",
                        "group",
                        "prompt",
                        "close-from",
                        "chdir",
                        "role",
                        "type",
                        "command-timeout",
                        "chroot",
                        "host",
                    ],
                ),
            ),
            "doas" => opts::parse(args, spec("uC", &[])),
            "run0" => opts::parse(
                args,
                spec(
                    "uDg",
                    &[
                        "user",
                        "chdir",
                        "group",
                        "setenv",
                        "unit",
                        "property",
                        "description",
                        "slice",
                        "nice",
                        "background",
                    ],
                ),
            ),
            _ => opts::parse(args, spec("u", &["user"])),
        };
        let inner = &args[p.rest..];
        // `sudo -h` alone is help; with a value it named a host (consumed above).
        if name == "sudo"
            && (p.has_short('l') || p.has_short('V') || p.has_long("list") || p.has_long("version"))
            && inner.is_empty()
        {
            return Own::unknown("`sudo -l` lists root privileges");
        }
        self.hazard(
            "privilege",
            Severity::Destructive,
            rules::PRIVILEGE,
            format!(
                "`{name}` runs a command as root (or another user); an agent should not hold root"
            ),
        );
        if name == "sudo" && (p.has_short('e') || p.has_long("edit")) {
            for w in inner {
                let loc = self.resolve(w);
                self.write_effect(&loc, "edits as root", None);
            }
            return Own::with(
                Severity::Destructive,
                rules::PRIVILEGE,
                "edits files as root",
            );
        }
        if inner.is_empty() {
            if p.has_short('i') || p.has_short('s') || p.has_long("login") || p.has_long("shell") {
                self.unseen(format!("`{name}` opens an interactive root shell"));
            }
            return Own::with(
                Severity::Destructive,
                rules::PRIVILEGE,
                format!("`{name}` without a command (credential caching or a root shell)"),
            );
        }
        if name == "sudo" && (p.has_short('s') || p.has_short('i')) {
            // `sudo -s cmd args` runs `$SHELL -c 'cmd args'`.
            let code = join_words(inner);
            self.code_string(&code, Sub::Child, "`sudo -s`");
        } else {
            self.inner(name, inner);
        }
        Own::with(
            Severity::Destructive,
            rules::PRIVILEGE,
            format!("runs `{}` as root via `{name}`", clip(&inner[0].text)),
        )
    }

    fn su(&mut self, name: &str, args: &[Word]) -> Own {
        self.hazard(
            "privilege",
            Severity::Destructive,
            rules::PRIVILEGE,
            format!("`{name}` switches to another user (root by default)"),
        );
        let p = opts::parse(
            args,
            Spec {
                stop_at_operand: false,
                ..spec(
                    "cgGsuwC",
                    &[
                        "command",
                        "group",
                        "supp-group",
                        "shell",
                        "user",
                        "whitelist-environment",
                        "session-command",
                    ],
                )
            },
        );
        let codes: Vec<Word> = p
            .values(Some('c'), "command")
            .into_iter()
            .chain(p.values(Some('C'), "session-command"))
            .cloned()
            .collect();
        for code in &codes {
            self.code_string(code, Sub::Child, &format!("`{name} -c`"));
        }
        if codes.is_empty() {
            let ops = p.operands();
            // `runuser -u user -- cmd args`
            if name == "runuser" && p.has('u', "user") && !ops.is_empty() {
                let inner: Vec<Word> = ops.into_iter().cloned().collect();
                self.inner(name, &inner);
            } else {
                self.unseen(format!(
                    "`{name}` opens an interactive shell as another user"
                ));
            }
        }
        Own::with(
            Severity::Destructive,
            rules::PRIVILEGE,
            format!("runs commands as another user via `{name}`"),
        )
    }

    fn env_wrapper(&mut self, args: &[Word]) -> Own {
        let expanded = expand_env_split_string(args);
        let args = expanded.as_slice();
        let p = opts::parse(
            args,
            Spec {
                short: "uCSPa",
                long: &[
                    "unset",
                    "chdir",
                    "split-string",
                    "block-signal",
                    "default-signal",
                    "ignore-signal",
                    "argv0",
                ],
                stop_at_operand: true,
            },
        );
        let rest: Vec<Word> = args[p.rest..].to_vec();
        let mut i = 0;
        while i < rest.len() {
            let t = &rest[i].text;
            match t.split_once('=') {
                Some((k, v)) if is_name(k) => {
                    let value = opts::sub_word(&rest[i], v);
                    self.check_env_assignment(k, &value, true);
                    i += 1;
                }
                _ => break,
            }
        }
        let inner = &rest[i..];
        if inner.is_empty() {
            self.note_env_dump();
            self.out.secret = true;
            return Own::ro("prints the environment");
        }
        let chdir = p.value(Some('C'), "chdir").cloned();
        let saved = self.state.cwd.clone();
        if let Some(dir) = chdir {
            let loc = self.resolve(&dir);
            self.state.cwd = loc.exact().then_some(loc.path);
        }
        let o = self.inner("env", inner);
        self.state.cwd = saved;
        o
    }

    fn watch(&mut self, args: &[Word]) -> Own {
        let p = opts::parse(
            args,
            Spec {
                short: "nq",
                long: &["interval", "equexit"],
                stop_at_operand: true,
            },
        );
        let inner = &args[p.rest..];
        if p.has('x', "exec") {
            return self.inner("watch", inner);
        }
        let code = join_words(inner);
        self.code_string(&code, Sub::Child, "`watch`");
        Own::wrapper("`watch` runs its command repeatedly through `sh -c`; analysed")
    }

    fn flock(&mut self, args: &[Word]) -> Own {
        let p = opts::parse(
            args,
            Spec {
                short: "wEc",
                long: &["timeout", "wait", "conflict-exit-code", "command"],
                stop_at_operand: true,
            },
        );
        if let Some(code) = p.value(Some('c'), "command").cloned() {
            self.code_string(&code, Sub::Child, "`flock -c`");
            return Own::wrapper("`flock -c` runs its command through a shell; analysed");
        }
        let rest = &args[p.rest..];
        // flock FILE [-c CMD | CMD ARGS…]
        if rest.len() >= 2 && (rest[1].text == "-c" || rest[1].text == "--command") {
            if let Some(code) = rest.get(2) {
                let code = code.clone();
                self.code_string(&code, Sub::Child, "`flock -c`");
            }
            return Own::wrapper("`flock -c` runs its command through a shell; analysed");
        }
        self.inner("flock", rest.get(1..).unwrap_or(&[]))
    }

    fn xargs(&mut self, args: &[Word]) -> Own {
        let p = opts::parse(
            args,
            Spec {
                short: "adEILnPs",
                long: &[
                    "arg-file",
                    "delimiter",
                    "eof",
                    "replace",
                    "max-lines",
                    "max-args",
                    "max-procs",
                    "max-chars",
                    "process-slot-var",
                ],
                stop_at_operand: true,
            },
        );
        for w in p.values(Some('a'), "arg-file") {
            let loc = self.resolve(w);
            self.read_effect(&loc, "reads arguments from");
        }
        let replace: Option<String> = p
            .value(Some('I'), "replace")
            .map(|w| w.text.clone())
            .or_else(|| {
                args.iter()
                    .find(|w| w.text.starts_with("-i"))
                    .map(|w| match &w.text[2..] {
                        "" => "{}".to_string(),
                        r => r.to_string(),
                    })
            });
        let mut inner: Vec<Word> = args[p.rest..].to_vec();
        if inner.is_empty() {
            return Own::ro("`xargs` without a command runs `echo`");
        }
        // Input known from the pipe (`echo a b | xargs rm`): run with the real arguments.
        let known_input: Option<String> = match &self.stdin {
            Stdin::Pipe(Out { text: Some(t), .. }) | Stdin::Text(Some(t)) => Some(t.clone()),
            _ => None,
        };
        if let Some(text) = known_input {
            let items: Vec<String> = if replace.is_some() {
                text.lines()
                    .map(str::to_string)
                    .filter(|l| !l.is_empty())
                    .collect()
            } else {
                crate::word::split_simple(&text)
            };
            if !items.is_empty() && items.len() <= 16 {
                let home = self.home.clone();
                let expand = |s: &str| -> Word {
                    match (&home, s) {
                        (Some(h), "~") => Word::lit(h.to_string_lossy()),
                        (Some(h), s) if s.starts_with("~/") => {
                            Word::lit(format!("{}{}", h.display(), &s[1..]))
                        }
                        _ => Word::lit(s),
                    }
                };
                match &replace {
                    Some(r) => {
                        for item in &items {
                            let job: Vec<Word> = inner
                                .iter()
                                .map(|w| {
                                    if w.text.contains(r.as_str()) {
                                        expand(&w.text.replace(r.as_str(), item))
                                    } else {
                                        w.clone()
                                    }
                                })
                                .collect();
                            self.inner("xargs", &job);
                        }
                    }
                    None => {
                        let mut job = inner.clone();
                        job.extend(items.iter().map(|s| expand(s)));
                        self.inner("xargs", &job);
                    }
                }
                return Own::wrapper("`xargs` runs its command with the piped arguments; analysed");
            }
        }
        // A listing that holds a secret file's path (`find . -name '*.env' | xargs cat`):
        // the command also runs on that file.
        if let Stdin::Pipe(Out {
            listed_secret: Some(secret),
            ..
        }) = &self.stdin
            && super::shows_what_it_reads(&inner)
        {
            let secret = secret.to_string_lossy().into_owned();
            let job: Vec<Word> = match &replace {
                Some(r) => super::fill_placeholder(&inner, r, &secret),
                None => inner.iter().cloned().chain([Word::lit(secret)]).collect(),
            };
            self.inner("xargs", &job);
        }
        match &replace {
            Some(r) => {
                for w in inner.iter_mut() {
                    if w.text.contains(r.as_str()) {
                        let t = w.text.replace(r.as_str(), "{xargs input}");
                        let pre = t.find("{xargs input}").unwrap_or(0);
                        w.text = t;
                        w.dynamic = true;
                        w.known_prefix = w.known_prefix.min(pre);
                    }
                }
            }
            None => inner.push(Word::unknown("{xargs input}")),
        }
        self.inner("xargs", &inner)
    }

    fn parallel(&mut self, args: &[Word]) -> Own {
        let p = opts::parse(
            args,
            Spec {
                short: "jSadIEnNLC",
                long: &[
                    "jobs",
                    "sshlogin",
                    "arg-file",
                    "delimiter",
                    "replace",
                    "colsep",
                    "results",
                    "tmpdir",
                    "joblog",
                    "timeout",
                    "delay",
                    "env",
                    "workdir",
                    "max-args",
                    "max-replace-args",
                    "load",
                    "memfree",
                    "retries",
                    "halt",
                    "tagstring",
                    "basefile",
                    "return",
                    "transfer",
                    "sshloginfile",
                ],
                stop_at_operand: true,
            },
        );
        if p.value(Some('S'), "sshlogin").is_some() {
            self.unseen("`parallel --sshlogin` runs commands on other machines".into());
        }
        let rest = &args[p.rest..];
        let end = rest
            .iter()
            .position(|w| matches!(w.text.as_str(), ":::" | "::::" | ":::+" | "::::+"))
            .unwrap_or(rest.len());
        let template = &rest[..end];
        if template.is_empty() {
            self.stdin_code(Lang::Shell, "`parallel` reading commands from its input");
            return Own::wrapper("`parallel` runs commands read from its input");
        }
        // The template is joined into one shell string; it is also analysed word by word
        // (as `xargs` would run it), so that either reading counts.
        let mut as_argv: Vec<Word> = template.to_vec();
        as_argv.push(Word::unknown("{parallel input}"));
        self.inner("parallel", &as_argv);
        let mut code = join_words(template);
        let values: Vec<Word> = rest
            .get(end + 1..)
            .unwrap_or(&[])
            .iter()
            .filter(|w| !w.text.starts_with(":::"))
            .cloned()
            .collect();
        let from_files = rest.get(end).is_some_and(|w| w.text.starts_with("::::"));
        if !from_files
            && !values.is_empty()
            && values.len() <= 16
            && values.iter().all(Word::is_static)
        {
            // One job per value: `{}` replaced, or the value appended.
            for v in &values {
                let mut job = code.clone();
                if job.text.contains("{}") {
                    job.text = job.text.replace("{}", &v.text);
                } else {
                    job.push_lit(" ");
                    job.push_lit(&v.text);
                }
                self.code_string(&job, Sub::Child, "a `parallel` job");
            }
            return Own::wrapper("`parallel` runs its command once per value; analysed");
        }
        if code.text.contains('{') {
            code.dynamic = true;
        } else {
            code.push_dynamic(" {parallel input}");
        }
        self.code_string(&code, Sub::Child, "`parallel`");
        Own::wrapper("`parallel` runs its command template through a shell; analysed")
    }

    fn shell(&mut self, name: &str, args: &[Word]) -> Own {
        let mut command_mode = false;
        let mut stdin_mode = false;
        let mut interactive = false;
        let mut i = 0;
        while i < args.len() {
            let t = args[i].text.as_str();
            if t == "--" || t == "-" {
                i += 1;
                break;
            }
            if let Some(long) = t.strip_prefix("--") {
                if matches!(long, "rcfile" | "init-file") {
                    if let Some(f) = args.get(i + 1) {
                        let loc = self.resolve(f);
                        self.read_effect(&loc, "reads a start-up file");
                    }
                    i += 2;
                    continue;
                }
                if long == "command" {
                    command_mode = true;
                }
                i += 1;
                continue;
            }
            if (t.starts_with('-') || t.starts_with('+')) && t.len() > 1 && !args[i].dynamic {
                let flags = &t[1..];
                if flags.contains('c') {
                    command_mode = true;
                }
                if flags.contains('s') {
                    stdin_mode = true;
                }
                if flags.contains('i') {
                    interactive = true;
                }
                if flags.contains('o') || flags.contains('O') {
                    i += 1;
                }
                i += 1;
                continue;
            }
            break;
        }
        let rest = &args[i.min(args.len())..];
        if command_mode {
            let Some(code) = rest.first() else {
                return Own::unknown(format!("`{name} -c` without code"));
            };
            let code = code.clone();
            let positional: Vec<Word> = rest[1..].to_vec();
            let what = format!("`{name} -c`");
            if code.fetched || code.dynamic {
                self.code_string(&code, Sub::Child, &what);
            } else {
                let mut pos = positional;
                if pos.is_empty() {
                    pos.push(Word::lit(name));
                }
                self.nested_with_args(&code.text, pos, &what);
            }
            return Own::wrapper(format!("`{name} -c` runs shell code; analysed"));
        }
        if stdin_mode || rest.is_empty() {
            if interactive && matches!(self.stdin, Stdin::Inherited) {
                self.unseen(format!("`{name} -i` starts an interactive shell"));
                return Own::unknown(format!("an interactive `{name}`"));
            }
            self.stdin_code(
                Lang::Shell,
                &format!("`{name}` reading commands from its input"),
            );
            return Own::wrapper(format!("`{name}` runs commands from its standard input"));
        }
        self.script_file(name, rest, Sub::Child)
    }

    /// `bash FILE args…`, `source FILE`: reads and analyses the script when possible.
    fn script_file(&mut self, name: &str, rest: &[Word], sub: Sub) -> Own {
        let file = &rest[0];
        if file.fetched {
            self.code_string(file, sub, &format!("`{name}` of a process substitution"));
            return Own::wrapper(format!("`{name}` runs code from a process substitution"));
        }
        if let Some(text) = file.feed.clone() {
            self.nested(&text, sub, &format!("`{name}` of a process substitution"));
            return Own::wrapper(format!(
                "`{name}` runs code from a process substitution; analysed"
            ));
        }
        if file.text == "/dev/stdin" || file.text == "/proc/self/fd/0" {
            self.stdin_code(Lang::Shell, &format!("`{name}` reading its standard input"));
            return Own::wrapper(format!("`{name}` runs commands from its standard input"));
        }
        if file.dynamic && file.text.starts_with("/dev/fd/") {
            self.unseen(format!(
                "`{name}` runs code from a process substitution Warden cannot see"
            ));
            return Own::unknown("code from a process substitution");
        }
        let loc = self.resolve(file);
        self.read_effect(&loc, &format!("`{name}` reads and runs"));
        if let Some(o) = self.written_then_run(&loc.path, &format!("`{name}` runs the script")) {
            return o;
        }
        if !loc.exact() {
            self.unseen(format!(
                "`{name}` runs `{}`, a script only known at run time",
                clip(&file.text)
            ));
            return Own::with(
                Severity::Unknown,
                rules::SCRIPT,
                "runs a script Warden cannot see",
            );
        }
        match self.ctx.env.read_script(&loc.path) {
            Some(text) => {
                let mut pos = vec![file.clone()];
                pos.extend(rest[1..].iter().cloned());
                let what = format!("the script {}", loc.path.display());
                if sub == Sub::Same {
                    self.nested(&text, Sub::Same, &what);
                } else {
                    self.nested_with_args(&text, pos, &what);
                }
                Own::with(
                    Severity::ReadOnly,
                    rules::SCRIPT,
                    format!(
                        "runs the script {}; its commands are analysed",
                        loc.path.display()
                    ),
                )
            }
            None => {
                self.unseen(format!(
                    "`{name}` runs {}, which Warden could not read (missing, too large or not a file)",
                    loc.path.display()
                ));
                Own::with(
                    Severity::Unknown,
                    rules::SCRIPT,
                    format!(
                        "runs the script {}, which could not be read",
                        loc.path.display()
                    ),
                )
            }
        }
    }

    fn source(&mut self, name: &str, args: &[Word]) -> Own {
        let start = usize::from(args.first().is_some_and(|w| w.text == "--"));
        let rest = &args[start.min(args.len())..];
        if rest.is_empty() {
            return Own::unknown(format!("`{name}` without a file"));
        }
        self.script_file(name, rest, Sub::Same)
    }

    /// A program reads code from its standard input: judge what feeds it.
    pub(crate) fn stdin_code(&mut self, lang: Lang, what: &str) {
        let stdin = self.stdin.clone();
        match stdin {
            Stdin::Pipe(out) if out.fetched || out.decoded => {
                let src = if out.fetched {
                    "downloaded from the network"
                } else {
                    "decoded from an opaque blob"
                };
                self.hazard(
                    "remote-code",
                    Severity::Catastrophic,
                    rules::REMOTE_CODE,
                    format!("{what} runs code {src}; download it, read it, then run it as a separate step"),
                );
            }
            Stdin::Pipe(Out { text: Some(t), .. }) | Stdin::Text(Some(t)) => {
                self.stdin_text_code(lang, &t, what)
            }
            Stdin::File(p) | Stdin::Pipe(Out { file: Some(p), .. }) => {
                self.file_code(lang, &p, what);
            }
            Stdin::Pipe(_) | Stdin::Text(None) => {
                self.unseen(format!(
                    "{what}: the code comes from a pipe or input Warden cannot see"
                ));
            }
            Stdin::Inherited => {
                self.unseen(format!("{what}: no visible input (an interactive session)"));
            }
        }
    }

    /// Analyses the code in the file at `path` (a script fed on stdin, `at -f`, a crontab
    /// file): unless it was downloaded or written earlier in the same command line, which is
    /// reported instead.
    pub(crate) fn file_code(&mut self, lang: Lang, path: &std::path::Path, what: &str) {
        if self.written_then_run(path, what).is_some() {
            return;
        }
        match self.ctx.env.read_script(path) {
            Some(t) => self.stdin_text_code(lang, &t, what),
            None => self.unseen(format!("{what}: {} could not be read", path.display())),
        }
    }

    fn stdin_text_code(&mut self, lang: Lang, text: &str, what: &str) {
        match lang {
            Lang::Shell => {
                self.nested(text, Sub::Child, what);
            }
            Lang::Crontab => {
                self.nested(&super::hazards::crontab_commands(text), Sub::Child, what);
            }
            Lang::Interpreter(i) => {
                let w = Word::lit(text);
                let o = self.interpreter_code(i, &w, what);
                if o.sev > Severity::ReadOnly {
                    self.emit(
                        warden_core::EffectKind::Opaque,
                        o.sev,
                        o.rule,
                        format!("{what}: {}", o.msg),
                    );
                }
            }
        }
    }
}

use crate::walk::Out;

fn spec(short: &'static str, long: &'static [&'static str]) -> Spec {
    Spec {
        short,
        long,
        stop_at_operand: true,
    }
}

/// Joins words with spaces into one word (for `eval`, `sh -c` through `watch` …).
pub(crate) fn join_words(ws: &[Word]) -> Word {
    let mut out = Word::default();
    for (i, w) in ws.iter().enumerate() {
        if i > 0 {
            out.push_lit(" ");
        }
        if w.dynamic {
            out.push_dynamic(&w.text);
        } else {
            out.push_lit(&w.text);
        }
        out.fetched |= w.fetched;
    }
    out
}

fn is_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !s.starts_with(|c: char| c.is_ascii_digit())
}

/// Most `-S` strings expanded in one `env` command line.
const MAX_ENV_SPLITS: usize = 16;

/// GNU `env -S STRING` puts the words of STRING in the option's place and goes on parsing
/// options from the first of them, so `env -S rm -rf x` runs `rm -rf x` (the `-rf` is not
/// env's). Returns the argument list with every `-S` expanded that way; past
/// [`MAX_ENV_SPLITS`] the rest is left as it is.
fn expand_env_split_string(args: &[Word]) -> Vec<Word> {
    let mut args = args.to_vec();
    let mut splits = 0;
    let mut i = 0;
    while i < args.len() && splits < MAX_ENV_SPLITS {
        let text = args[i].text.clone();
        if text == "--" || !text.starts_with('-') || text == "-" || args[i].dynamic {
            break;
        }
        // (value, how many arguments the option and its value take)
        let split = if let Some(long) = text.strip_prefix("--") {
            match long.split_once('=') {
                Some((name, value)) if "split-string".starts_with(name) && name.len() >= 2 => {
                    Some((opts::sub_word(&args[i], value), 1))
                }
                None if "split-string".starts_with(long) && long.len() >= 2 => {
                    args.get(i + 1).map(|v| (v.clone(), 2))
                }
                _ => None,
            }
        } else {
            // A cluster such as `-iS STRING` or `-vSrm`.
            let body = &text[1..];
            match body.find('S') {
                Some(at) if !body[..at].contains(['u', 'C', 'P', 'a']) => {
                    let value = &body[at + 1..];
                    if value.is_empty() {
                        args.get(i + 1).map(|v| (v.clone(), 2))
                    } else {
                        Some((opts::sub_word(&args[i], value), 1))
                    }
                }
                _ => None,
            }
        };
        match split {
            Some((value, taken)) => {
                splits += 1;
                let words: Vec<Word> = split_simple(&value.text)
                    .into_iter()
                    .map(|t| opts::sub_word(&value, &t))
                    .collect();
                // Flags clustered before `S` (`-iS`) stay.
                let before = text[1..].split('S').next().unwrap_or_default();
                let mut kept = Vec::new();
                if !text.starts_with("--") && !before.is_empty() {
                    kept.push(opts::sub_word(&args[i], &format!("-{before}")));
                }
                let end = (i + taken).min(args.len());
                let skip = kept.len();
                args.splice(i..end, kept.into_iter().chain(words));
                i += skip;
            }
            None => {
                // Options that take a value skip it.
                let takes_value = if let Some(long) = text.strip_prefix("--") {
                    !long.contains('=')
                        && ["unset", "chdir", "argv0"]
                            .iter()
                            .any(|l| l.starts_with(long) && long.len() >= 2)
                } else {
                    text[1..]
                        .char_indices()
                        .find(|(_, c)| "uCPa".contains(*c))
                        .is_some_and(|(at, _)| at + 2 == text.len())
                };
                i += if takes_value { 2 } else { 1 };
            }
        }
    }
    args
}
