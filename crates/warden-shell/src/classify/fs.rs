//! File-system commands: deleting, moving, copying, writing, permissions, `find`, `sed`,
//! archives, and `cd`.

use std::path::PathBuf;

use warden_core::Severity;

use super::opts::{self, Arg, Spec};
use super::{Own, clip};
use crate::paths::{Place, place};
use crate::rules;
use crate::tree::{Skips, TreeSecrets};
use crate::walk::{Out, Walker};
use crate::word::Word;

impl Walker<'_> {
    /// File-system rules, or None when `name` is not a file-system command.
    pub(super) fn filesystem(&mut self, name: &str, argv: &[Word]) -> Option<Own> {
        let args = &argv[1..];
        Some(match name {
            "rm" => self.rm(args),
            "rmdir" => {
                let p = opts::parse(args, Spec::default());
                for w in p.operands() {
                    let loc = self.resolve(w);
                    self.delete_effect(&loc, false, "`rmdir` removes the (empty) directory");
                }
                Own::project("`rmdir` removes empty directories")
            }
            "unlink" => {
                let p = opts::parse(args, Spec::default());
                for w in p.operands() {
                    let loc = self.resolve(w);
                    self.delete_effect(&loc, false, "`unlink` deletes");
                }
                Own::project("`unlink` deletes one file")
            }
            "shred" | "srm" | "wipe" => self.shred(name, args),
            "mv" => self.mv(args),
            "cp" => self.cp(args),
            "ln" => {
                let p = opts::parse(
                    args,
                    Spec {
                        short: "St",
                        long: &["suffix", "target-directory"],
                        stop_at_operand: false,
                    },
                );
                let ops = p.operands();
                let to_dir = p.has('t', "target-directory");
                // A link to a secret file exposes it under another name (`ln -s .env x &&
                // cat x`), so linking is judged as reading what is linked to.
                let targets = if to_dir || ops.len() < 2 {
                    &ops[..]
                } else {
                    &ops[..ops.len() - 1]
                };
                let targets: Vec<&Word> = targets.to_vec();
                self.read_words(&targets, "`ln` links to");
                if let Some(dst) = p
                    .value(Some('t'), "target-directory")
                    .or(ops.last().copied())
                    .filter(|_| ops.len() >= 2 || to_dir)
                {
                    let dst = dst.clone();
                    let loc = self.resolve(&dst);
                    self.write_effect(&loc, "`ln` creates a link at", None);
                }
                Own::project("`ln` creates links")
            }
            "mkdir" => {
                let p = opts::parse(
                    args,
                    Spec {
                        short: "mZ",
                        long: &["mode", "context"],
                        stop_at_operand: false,
                    },
                );
                let mut own = Own::project("`mkdir` creates directories");
                for w in p.operands() {
                    let loc = self.resolve(w);
                    let pl = place(&loc.path, &self.root, self.home.as_deref());
                    if !matches!(pl, Place::Project { .. } | Place::Scratch) {
                        own = Own::unknown("`mkdir` outside the project");
                    }
                }
                own
            }
            "touch" => {
                let p = opts::parse(
                    args,
                    Spec {
                        short: "dtr",
                        long: &["date", "reference"],
                        stop_at_operand: false,
                    },
                );
                for w in p.operands() {
                    let loc = self.resolve(w);
                    self.write_effect(&loc, "`touch` creates or updates", None);
                }
                Own::project("`touch` creates or updates files")
            }
            "chmod" => self.chmod(args),
            "chown" | "chgrp" => self.chown(name, args),
            "chattr" | "setfacl" | "chflags" => {
                let p = opts::parse(args, Spec::default());
                let ops = p.operands();
                for w in ops.iter().skip(1) {
                    let loc = self.resolve(w);
                    self.write_effect(&loc, &format!("`{name}` changes attributes of"), None);
                }
                Own::with(
                    Severity::Unknown,
                    rules::PERMISSIONS,
                    format!("`{name}` changes file attributes or ACLs"),
                )
            }
            "dd" => self.dd(args),
            "truncate" | "fallocate" => {
                let p = opts::parse(
                    args,
                    Spec {
                        short: "sroln",
                        long: &["size", "reference", "offset", "length"],
                        stop_at_operand: false,
                    },
                );
                for w in p.operands() {
                    let loc = self.resolve(w);
                    self.write_effect(&loc, &format!("`{name}` resizes"), None);
                }
                Own::project(format!("`{name}` resizes files"))
            }
            "tee" => {
                let p = opts::parse(
                    args,
                    Spec {
                        short: "",
                        long: &["output-error"],
                        stop_at_operand: false,
                    },
                );
                for w in p.operands() {
                    let loc = self.resolve(w);
                    let how = if p.has('a', "append") {
                        "`tee -a` appends to"
                    } else {
                        "`tee` writes"
                    };
                    let content = match &self.stdin {
                        crate::walk::Stdin::Pipe(o) => o.text.clone(),
                        crate::walk::Stdin::Text(t) => t.clone(),
                        _ => None,
                    };
                    self.write_effect(&loc, how, content);
                }
                self.pass_through();
                Own::ro("`tee` copies its input")
            }
            "install" => {
                let p = opts::parse(
                    args,
                    Spec {
                        short: "gmotSZ",
                        long: &[
                            "group",
                            "mode",
                            "owner",
                            "target-directory",
                            "suffix",
                            "context",
                        ],
                        stop_at_operand: false,
                    },
                );
                let ops = p.operands();
                let dst = p
                    .value(Some('t'), "target-directory")
                    .cloned()
                    .or_else(|| ops.last().map(|w| (*w).clone()));
                if let Some(d) = dst {
                    let loc = self.resolve(&d);
                    self.write_effect(&loc, "`install` writes", None);
                }
                Own::project("`install` copies files")
            }
            "sed" | "gsed" => self.sed(args),
            "find" => self.find(args),
            "fd" | "fdfind" => self.fd(args),
            "cd" | "pushd" | "chdir" => {
                let target = args
                    .iter()
                    .find(|w| !w.text.starts_with('-') || w.text == "-");
                match target {
                    None => self.state.cwd = self.home.clone(),
                    Some(w) if w.text == "-" => self.state.cwd = None,
                    Some(w) if w.text.starts_with('+') && name == "pushd" => self.state.cwd = None,
                    Some(w) => {
                        let loc = self.resolve(w);
                        self.state.cwd = (loc.exact() || (!loc.dynamic && !loc.glob))
                            .then_some(loc.path)
                            .filter(|_| !loc.cwd_unknown);
                    }
                }
                Own::ro("changes the working directory")
            }
            "popd" => {
                self.state.cwd = None;
                Own::ro("changes the working directory")
            }
            "tar" | "bsdtar" | "gtar" => self.tar(args),
            "unzip" | "7z" | "7za" | "unrar" => {
                let p = opts::parse(
                    args,
                    Spec {
                        short: "dxo",
                        long: &[],
                        stop_at_operand: false,
                    },
                );
                if name == "unzip"
                    && (p.has_short('l')
                        || p.has_short('t')
                        || p.has_short('v')
                        || p.has_short('Z'))
                {
                    self.read_words(&p.operands(), "lists");
                    return Some(Own::ro("lists an archive"));
                }
                let dir = p
                    .value(Some('d'), "")
                    .cloned()
                    .unwrap_or_else(|| Word::lit("."));
                self.write_into(&dir, &format!("`{name}` extracts into"));
                if let Some(a) = p.operands().first() {
                    let loc = self.resolve(a);
                    self.read_effect(&loc, "extracts");
                }
                Own::project(format!("`{name}` extracts an archive"))
            }
            "zip" => {
                let p = opts::parse(
                    args,
                    Spec {
                        short: "bnPtx",
                        long: &[],
                        stop_at_operand: false,
                    },
                );
                let ops = p.operands();
                if let Some((out, ins)) = ops.split_first() {
                    let loc = self.resolve(out);
                    self.write_effect(&loc, "`zip` writes", None);
                    self.read_words(ins, "archives");
                }
                if p.has_short('m') {
                    return Some(Own::with(
                        Severity::Destructive,
                        rules::DELETE_DESTRUCTIVE,
                        "`zip -m` deletes the originals",
                    ));
                }
                Own::project("`zip` creates an archive")
            }
            "gzip" | "gunzip" | "bzip2" | "bunzip2" | "xz" | "unxz" | "zstd" | "unzstd" | "lz4"
            | "compress" | "uncompress" => {
                let p = opts::parse(
                    args,
                    Spec {
                        short: "SbT",
                        long: &["suffix"],
                        stop_at_operand: false,
                    },
                );
                if p.has('c', "stdout") || p.has('l', "list") || p.has('t', "test") {
                    self.read_words(&p.operands(), "reads");
                    return Some(Own::ro(format!("`{name}` to standard output")));
                }
                for w in p.operands() {
                    let loc = self.resolve(w);
                    self.write_effect(&loc, &format!("`{name}` replaces"), None);
                }
                Own::project(format!(
                    "`{name}` compresses or decompresses files in place"
                ))
            }
            "patch" => {
                let p = opts::parse(
                    args,
                    Spec {
                        short: "pidoBDFgrVYzx",
                        long: &["input", "directory", "output", "reject-file"],
                        stop_at_operand: false,
                    },
                );
                for w in p.values(Some('i'), "input") {
                    let loc = self.resolve(w);
                    self.read_effect(&loc, "reads a patch");
                }
                for w in p.operands() {
                    let loc = self.resolve(w);
                    self.write_effect(&loc, "`patch` edits", None);
                }
                if p.operands().is_empty() {
                    self.write_into(&Word::lit("."), "`patch` edits files under");
                }
                Own::project("`patch` applies a diff")
            }
            "vim" | "vi" | "nvim" | "nano" | "emacs" | "code" | "subl" | "gedit" | "kate"
            | "micro" | "hx" | "helix" | "ed" | "ex" | "joe" | "mcedit" | "pico" | "view"
            | "vimdiff" | "open" | "xdg-open" => {
                let p = opts::parse(
                    args,
                    Spec {
                        short: "cSuUTt",
                        long: &[],
                        stop_at_operand: false,
                    },
                );
                for w in p.operands() {
                    if w.text.starts_with('+') {
                        continue;
                    }
                    let loc = self.resolve(w);
                    self.read_effect(&loc, &format!("`{name}` opens"));
                }
                Own::unknown(format!(
                    "`{name}` is interactive (an editor or opener); Warden cannot see what it will do"
                ))
            }
            "split" | "csplit" => Own::project(format!("`{name}` writes pieces of a file")),
            "mktemp" => Own::project("`mktemp` creates a temporary file"),
            "mkfifo" | "mknod" => Own::unknown(format!("`{name}` creates a special file")),
            _ => return None,
        })
    }

    /// Files extracted or patched into a directory: writes under it (the directory itself is
    /// not replaced).
    pub(crate) fn write_into(&mut self, dir: &Word, how: &str) {
        let loc = self.resolve(dir);
        let mut inside = loc.clone();
        inside.path = loc.path.join("*");
        inside.glob = false;
        let pl = place(&loc.path, &self.root, self.home.as_deref());
        if matches!(pl, Place::Critical(_) | Place::System) && loc.path != self.root {
            self.hazard(
                "filesystem",
                Severity::Destructive,
                rules::WRITE_SENSITIVE,
                format!(
                    "{how} {}, which may overwrite system or home files",
                    loc.path.display()
                ),
            );
        }
        self.write_effect(&inside, how, None);
    }

    /// Marks that a command's output is its input (`tee`, `cat` of stdin).
    pub(crate) fn pass_through(&mut self) {
        if let crate::walk::Stdin::Pipe(o) = &self.stdin {
            let o = o.clone();
            self.out.merge(o);
        } else if let crate::walk::Stdin::Text(Some(t)) = &self.stdin {
            let t = t.clone();
            self.out.merge(crate::walk::Out::text(t));
        }
    }

    fn rm(&mut self, args: &[Word]) -> Own {
        let p = opts::parse(
            args,
            Spec {
                short: "",
                long: &["interactive"],
                stop_at_operand: false,
            },
        );
        let recursive = p.has_short('r') || p.has_short('R') || p.has_long("recursive");
        let no_preserve = p.has_long("no-preserve-root");
        let ops = p.operands();
        if ops.is_empty() {
            return Own::project("`rm` without operands");
        }
        for w in &ops {
            let loc = self.resolve(w);
            let how = if recursive {
                "`rm -r` deletes"
            } else {
                "`rm` deletes"
            };
            self.delete_effect(&loc, recursive, how);
            if no_preserve {
                self.hazard(
                    "filesystem",
                    Severity::Catastrophic,
                    rules::DELETE_CRITICAL,
                    "`rm --no-preserve-root` disables the guard against deleting `/`".into(),
                );
            }
        }
        Own::project("`rm`; the severity is that of what it deletes")
    }

    fn shred(&mut self, name: &str, args: &[Word]) -> Own {
        let p = opts::parse(
            args,
            Spec {
                short: "nsx",
                long: &["iterations", "size", "random-source", "remove"],
                stop_at_operand: false,
            },
        );
        let remove =
            p.has('u', "remove") || p.has_long("zero") && p.has_short('u') || name != "shred";
        for w in p.operands() {
            let loc = self.resolve(w);
            let pl = place(&loc.path, &self.root, self.home.as_deref());
            if pl == Place::Device {
                self.hazard(
                    "disk",
                    Severity::Catastrophic,
                    rules::DISK,
                    format!("`{name}` overwrites the device {}", loc.path.display()),
                );
                continue;
            }
            if remove {
                self.delete_effect(
                    &loc,
                    p.has_short('r'),
                    &format!("`{name}` irrecoverably deletes"),
                );
            } else {
                self.write_effect(&loc, &format!("`{name}` irrecoverably overwrites"), None);
            }
        }
        Own::with(
            Severity::Destructive,
            rules::DELETE_DESTRUCTIVE,
            format!("`{name}` destroys file contents beyond recovery"),
        )
    }

    fn mv(&mut self, args: &[Word]) -> Own {
        let p = opts::parse(
            args,
            Spec {
                short: "St",
                long: &["suffix", "target-directory", "backup"],
                stop_at_operand: false,
            },
        );
        let ops = p.operands();
        let (srcs, dst): (Vec<&Word>, Option<Word>) = match p.value(Some('t'), "target-directory") {
            Some(t) => (ops.clone(), Some(t.clone())),
            None if ops.len() >= 2 => (
                ops[..ops.len() - 1].to_vec(),
                ops.last().map(|w| (*w).clone()),
            ),
            None => (ops.clone(), None),
        };
        let Some(dst) = dst else {
            return Own::unknown("`mv` with a missing destination");
        };
        let dloc = self.resolve(&dst);
        let dplace = place(&dloc.path, &self.root, self.home.as_deref());
        let mut own = Own::project("`mv` inside the project");
        for s in srcs {
            let sloc = self.resolve(s);
            if self.ctx.env.is_secret_path(&sloc.path) {
                // A renamed secret is a secret under a name the policy does not know.
                self.emit_read(
                    &sloc.path,
                    "`mv` moves (and can then expose) the secret file",
                );
            }
            let splace = place(&sloc.path, &self.root, self.home.as_deref());
            // Moving something away removes it from where it was.
            let (sev, rule, why) = self.delete_severity(&sloc, true);
            let inside_both = matches!(
                splace,
                Place::Project {
                    git_internal: false,
                    ..
                }
            ) && matches!(
                dplace,
                Place::Project {
                    git_internal: false,
                    ..
                }
            );
            if dplace == Place::Sink {
                self.delete_effect(&sloc, true, "`mv` to /dev/null destroys");
            } else if !inside_both || sev == Severity::Catastrophic {
                let sev = if sev == Severity::Catastrophic {
                    sev
                } else {
                    sev.max(Severity::Unknown)
                };
                self.emit(
                    warden_core::EffectKind::Delete {
                        path: sloc.path.clone(),
                        recursive: true,
                    },
                    sev,
                    rule,
                    format!("`mv` moves {} away{why}", sloc.path.display()),
                );
            } else if !sloc.exact() {
                own = Own::project("`mv` of a glob inside the project");
            }
        }
        self.write_effect(&dloc, "`mv` writes", None);
        if !matches!(dplace, Place::Project { .. } | Place::Scratch | Place::Sink) {
            own = Own::unknown("`mv` out of the project");
        }
        own
    }

    fn cp(&mut self, args: &[Word]) -> Own {
        let p = opts::parse(
            args,
            Spec {
                short: "St",
                long: &[
                    "suffix",
                    "target-directory",
                    "backup",
                    "sparse",
                    "reflink",
                    "preserve",
                    "no-preserve",
                ],
                stop_at_operand: false,
            },
        );
        let ops = p.operands();
        let (srcs, dst): (Vec<&Word>, Option<Word>) = match p.value(Some('t'), "target-directory") {
            Some(t) => (ops.clone(), Some(t.clone())),
            None if ops.len() >= 2 => (
                ops[..ops.len() - 1].to_vec(),
                ops.last().map(|w| (*w).clone()),
            ),
            None => (ops.clone(), None),
        };
        self.read_words(&srcs, "`cp` copies");
        let Some(dst) = dst else {
            return Own::unknown("`cp` with a missing destination");
        };
        let loc = self.resolve(&dst);
        self.write_effect(&loc, "`cp` writes", None);
        Own::project("`cp`; the severity is that of where it writes")
    }

    fn chmod(&mut self, args: &[Word]) -> Own {
        let p = opts::parse(
            args,
            Spec {
                short: "",
                long: &["reference"],
                stop_at_operand: false,
            },
        );
        let recursive = p.has_short('R') || p.has_long("recursive");
        let mut ops = p.operands();
        // Modes like `-x` or `-w` parse as short flags: recover them.
        let mode_from_flags: Option<String> = p.args.iter().find_map(|a| match a {
            Arg::Short(c, _) if matches!(c, 'x' | 'w' | 's' | 't' | 'X') => Some(format!("-{c}")),
            _ => None,
        });
        let mode = if mode_from_flags.is_some() && ops.len() == 1 || p.has_long("reference") {
            mode_from_flags.unwrap_or_default()
        } else if !ops.is_empty() {
            ops.remove(0).text.clone()
        } else {
            String::new()
        };
        let world_writable = mode.contains("o+w")
            || mode.contains("a+w")
            || mode_digits(&mode).is_some_and(|d| d.last().is_some_and(|o| o & 2 != 0));
        let setid = mode.contains("+s")
            || mode_digits(&mode).is_some_and(|d| d.len() == 4 && d[0] & 6 != 0);
        let mut worst = Own::project(format!("`chmod {}` inside the project", clip(&mode)));
        for w in &ops {
            let loc = self.resolve(w);
            // The project root itself is treated as inside the project for permissions.
            let pl = if loc.path == self.root {
                Place::Project {
                    regenerable: false,
                    git_internal: false,
                }
            } else {
                place(&loc.path, &self.root, self.home.as_deref())
            };
            let inside = matches!(
                pl,
                Place::Project {
                    git_internal: false,
                    ..
                }
            ) && !loc.cwd_unknown;
            if matches!(
                pl,
                Place::Project {
                    git_internal: true,
                    ..
                }
            ) {
                // A mode is part of what a git hook is: `chmod +x` turns one on, `-x` off.
                self.write_effect(&loc, "`chmod` changes the mode of", None);
            }
            let o = match pl {
                Place::Critical(what)
                    if recursive
                        || world_writable
                        || mode_digits(&mode).is_some_and(|d| d.iter().all(|x| *x == 0)) =>
                {
                    Own::with(
                        Severity::Catastrophic,
                        rules::PERMISSIONS,
                        format!(
                            "`chmod {mode}` on {what} ({}) breaks or opens up the system",
                            loc.path.display()
                        ),
                    )
                }
                Place::Critical(_) | Place::System => Own::with(
                    Severity::Destructive,
                    rules::PERMISSIONS,
                    format!("`chmod` on the system path {}", loc.path.display()),
                ),
                _ if setid => Own::with(
                    Severity::Destructive,
                    rules::PERMISSIONS,
                    format!(
                        "`chmod {mode}` sets a setuid/setgid bit on {}",
                        loc.path.display()
                    ),
                ),
                _ if world_writable && recursive => Own::with(
                    Severity::Destructive,
                    rules::PERMISSIONS,
                    format!(
                        "`chmod -R {mode}` makes a whole tree writable by everyone: {}",
                        loc.path.display()
                    ),
                ),
                _ if world_writable => Own::with(
                    Severity::Unknown,
                    rules::PERMISSIONS,
                    format!(
                        "`chmod {mode}` makes {} writable by everyone",
                        loc.path.display()
                    ),
                ),
                _ if !inside => Own::with(
                    Severity::Unknown,
                    rules::PERMISSIONS,
                    format!("`chmod` outside the project: {}", loc.path.display()),
                ),
                _ => Own::project(format!("`chmod {}` inside the project", clip(&mode))),
            };
            if o.sev > worst.sev {
                worst = o;
            }
        }
        if worst.sev > Severity::LocalWrite {
            self.hazard("permissions", worst.sev, worst.rule, worst.msg.clone());
        }
        worst
    }

    fn chown(&mut self, name: &str, args: &[Word]) -> Own {
        let p = opts::parse(
            args,
            Spec {
                short: "",
                long: &["reference", "from"],
                stop_at_operand: false,
            },
        );
        let recursive = p.has_short('R') || p.has_long("recursive");
        let mut ops = p.operands();
        if !p.has_long("reference") && !ops.is_empty() {
            ops.remove(0);
        }
        let mut worst = Own::project(format!("`{name}` inside the project"));
        for w in &ops {
            let loc = self.resolve(w);
            // The project root itself is treated as inside the project for permissions.
            let pl = if loc.path == self.root {
                Place::Project {
                    regenerable: false,
                    git_internal: false,
                }
            } else {
                place(&loc.path, &self.root, self.home.as_deref())
            };
            let o = match pl {
                Place::Critical(what) => Own::with(
                    Severity::Catastrophic,
                    rules::PERMISSIONS,
                    format!(
                        "`{name}` on {what} ({}) can lock everyone out",
                        loc.path.display()
                    ),
                ),
                Place::Project {
                    git_internal: false,
                    ..
                } if !loc.cwd_unknown => Own::project(format!("`{name}` inside the project")),
                _ if recursive => Own::with(
                    Severity::Destructive,
                    rules::PERMISSIONS,
                    format!("`{name} -R` outside the project: {}", loc.path.display()),
                ),
                _ => Own::with(
                    Severity::Unknown,
                    rules::PERMISSIONS,
                    format!("`{name}` outside the project: {}", loc.path.display()),
                ),
            };
            if o.sev > worst.sev {
                worst = o;
            }
        }
        if worst.sev > Severity::LocalWrite {
            self.hazard("permissions", worst.sev, worst.rule, worst.msg.clone());
        }
        worst
    }

    fn dd(&mut self, args: &[Word]) -> Own {
        let mut own = Own::project("`dd` copies data");
        let mut has_of = false;
        for w in args {
            if let Some(v) = w.text.strip_prefix("if=") {
                let loc = self.resolve(&opts::sub_word(w, v));
                self.read_effect(&loc, "`dd` reads");
            } else if let Some(v) = w.text.strip_prefix("of=") {
                has_of = true;
                let loc = self.resolve(&opts::sub_word(w, v));
                let pl = place(&loc.path, &self.root, self.home.as_deref());
                if pl == Place::Device {
                    self.hazard(
                        "disk",
                        Severity::Catastrophic,
                        rules::DISK,
                        format!(
                            "`dd` writes the raw device {}: this destroys a disk",
                            loc.path.display()
                        ),
                    );
                    own = Own::with(
                        Severity::Catastrophic,
                        rules::DISK,
                        "`dd` onto a disk device",
                    );
                } else {
                    self.write_effect(&loc, "`dd` writes", None);
                }
            }
        }
        if !has_of {
            self.out.writers += 1;
        }
        own
    }

    fn sed(&mut self, args: &[Word]) -> Own {
        let p = opts::parse(
            args,
            Spec {
                short: "efl",
                long: &["expression", "file", "line-length"],
                stop_at_operand: false,
            },
        );
        let inplace = p.args.iter().any(|a| {
            matches!(a, Arg::Short('i', _))
                || matches!(a, Arg::Long(l, _) if l.starts_with("in-place"))
        }) || args.iter().any(|w| {
            w.text.starts_with("-i")
                || (w.text.starts_with("-")
                    && !w.text.starts_with("--")
                    && w.text.contains('i')
                    && !w.text.contains('e')
                    && !w.text.contains('f'))
        });
        let mut scripts: Vec<String> = p
            .values(Some('e'), "expression")
            .iter()
            .map(|w| w.text.clone())
            .collect();
        for f in p.values(Some('f'), "file") {
            let loc = self.resolve(f);
            self.read_effect(&loc, "reads a sed script");
            match self.ctx.env.read_script(&loc.path) {
                Some(t) => scripts.push(t),
                None => scripts.push("e".into()),
            }
        }
        let mut ops = p.operands();
        if scripts.is_empty() && !ops.is_empty() {
            scripts.push(ops.remove(0).text.clone());
        }
        let mut own = Own::ro("`sed` only prints");
        for s in &scripts {
            let (exec, writes) = sed_script_risks(s);
            if exec {
                own = Own::unknown("the sed script runs shell commands (`e` command or `s///e`)");
            }
            for w in writes {
                let loc = self.resolver().resolve_str(&w);
                self.write_effect(&loc, "the sed script writes", None);
                if own.sev < Severity::LocalWrite {
                    own = Own::project("the sed script writes a file");
                }
            }
        }
        if inplace {
            for w in &ops {
                let loc = self.resolve(w);
                self.write_effect(&loc, "`sed -i` edits", None);
            }
            if own.sev < Severity::LocalWrite {
                own = Own::project("`sed -i` edits files in place");
            }
        } else {
            self.read_words(&ops, "reads");
        }
        own
    }

    fn find(&mut self, args: &[Word]) -> Own {
        // Roots come first (before the first expression token).
        let mut i = 0;
        while i < args.len()
            && matches!(
                args[i].text.as_str(),
                "-H" | "-L" | "-P" | "-O0" | "-O1" | "-O2" | "-O3" | "-D"
            )
        {
            i += if args[i].text == "-D" { 2 } else { 1 };
        }
        let mut roots: Vec<Word> = Vec::new();
        while i < args.len() {
            let t = args[i].text.as_str();
            if t.starts_with('-') || t == "(" || t == "!" || t == "," {
                break;
            }
            roots.push(args[i].clone());
            i += 1;
        }
        if roots.is_empty() {
            roots.push(Word::lit("."));
        }
        let mut own = Own::ro("`find` only lists files");
        // Tests that select a subset of the tree (a `-name '*'` selects everything).
        let expr = &args[i.min(args.len())..];
        let mut restrictive = false;
        let mut literal_name: Option<String> = None;
        // The `-name` globs every file passed to `-exec` satisfies (with `-o`, any of them).
        let mut name_globs: Vec<String> = Vec::new();
        for (k, w) in expr.iter().enumerate() {
            let v = expr.get(k + 1).map(|x| x.text.as_str()).unwrap_or("*");
            match w.text.as_str() {
                "-name" | "-iname" | "-path" | "-ipath" | "-wholename" | "-iwholename"
                | "-regex" | "-iregex" | "-lname" | "-ilname" => {
                    if v != "*" && v != ".*" && v != "*/*" {
                        restrictive = true;
                    }
                    if matches!(w.text.as_str(), "-name" | "-iname")
                        && !crate::word::is_glob_text(v)
                    {
                        literal_name = Some(v.to_string());
                    }
                    if matches!(w.text.as_str(), "-name" | "-iname") {
                        name_globs.push(v.to_string());
                    }
                }
                "-newer" | "-mtime" | "-mmin" | "-atime" | "-amin" | "-ctime" | "-cmin"
                | "-size" | "-empty" | "-user" | "-group" | "-perm" | "-links" | "-inum"
                | "-samefile" | "-uid" | "-gid" | "-nouser" | "-nogroup" | "-newermt" => {
                    restrictive = true;
                }
                _ => {}
            }
        }
        // The path `{}` stands for: something strictly under a root.
        let child_word = |root: &Word| -> Word {
            let base = root.text.trim_end_matches('/');
            let base = if base.is_empty() { "/" } else { base };
            let sep = if base.ends_with('/') { "" } else { "/" };
            let text = match &literal_name {
                Some(n) => format!("{base}{sep}{{}}/{n}"),
                None => format!("{base}{sep}{{}}"),
            };
            Word {
                known_prefix: if root.is_static() {
                    base.len() + sep.len()
                } else {
                    0
                },
                text,
                dynamic: true,
                tilde: root.tilde,
                filtered: restrictive,
                child: true,
                ..Word::default()
            }
        };
        // A secret file among those the expression selects: `-exec` runs on it, and a
        // listing piped to `xargs` hands it on.
        let selected_secret = self.find_selects_secret(&roots, &name_globs, restrictive);
        let mut j = i;
        let mut executes = false;
        while j < args.len() {
            let t = args[j].text.as_str();
            match t {
                "-exec" | "-execdir" | "-ok" | "-okdir" => {
                    executes = true;
                    let end = args[j + 1..]
                        .iter()
                        .position(|w| w.text == ";" || w.text == "+")
                        .map(|k| j + 1 + k)
                        .unwrap_or(args.len());
                    let mut inner: Vec<Word> = args[j + 1..end].to_vec();
                    let first_root = roots.first().cloned().unwrap_or_else(|| Word::lit("."));
                    for w in inner.iter_mut() {
                        if w.text == "{}" {
                            *w = child_word(&first_root);
                        } else if w.text.contains("{}") {
                            let at = w.text.find("{}").unwrap_or(0);
                            w.dynamic = true;
                            w.known_prefix = w.known_prefix.min(at);
                        }
                    }
                    if !inner.is_empty() {
                        self.wrap_depth += 1;
                        let outer = std::mem::replace(&mut self.find_names, name_globs.clone());
                        self.run(&inner);
                        self.find_names = outer;
                        if let Some(secret) = &selected_secret
                            && super::shows_what_it_reads(&args[j + 1..end])
                        {
                            // The same command as it runs on the secret file.
                            let secret = secret.to_string_lossy();
                            self.run(&super::fill_placeholder(&args[j + 1..end], "{}", &secret));
                        }
                        self.wrap_depth -= 1;
                    }
                    own = Own::wrapper(format!("`find {t}` runs a command per file; analysed"));
                    j = end + 1;
                    continue;
                }
                "-delete" => {
                    for r in &roots {
                        let w = child_word(r);
                        let loc = self.resolve(&w);
                        self.delete_effect(
                            &loc,
                            true,
                            "`find -delete` deletes matching files under",
                        );
                    }
                    own = Own::project("`find -delete`; the severity is that of what it deletes");
                }
                "-fprint" | "-fprint0" | "-fprintf" | "-fls" => {
                    if let Some(f) = args.get(j + 1) {
                        let loc = self.resolve(f);
                        self.write_effect(&loc, &format!("`find {t}` writes"), None);
                    }
                    own = Own::project(format!("`find {t}` writes a file"));
                }
                _ => {}
            }
            j += 1;
        }
        if !executes && selected_secret.is_some() {
            self.out.merge(Out {
                listed_secret: selected_secret,
                writers: 1,
                ..Out::default()
            });
        }
        own
    }

    /// The first secret file `find ROOTS` selects: one matching a `-name` glob, or any file
    /// when the expression has no test that narrows the selection. None when other tests
    /// (size, time, path) choose, or a root is not a literal directory.
    fn find_selects_secret(
        &mut self,
        roots: &[Word],
        names: &[String],
        restrictive: bool,
    ) -> Option<PathBuf> {
        if restrictive && names.is_empty() {
            return None;
        }
        let env = self.ctx.env;
        for root in roots {
            let loc = self.resolve(root);
            if !loc.exact() {
                continue;
            }
            let found = if names.is_empty() {
                self.trees.secret_within(env, &loc.path, &Skips::default())
            } else {
                self.trees.secret_named(env, &loc.path, names)
            };
            if let TreeSecrets::Holds(secret) = found {
                return Some(secret);
            }
        }
        None
    }

    fn fd(&mut self, args: &[Word]) -> Own {
        let p = opts::parse(
            args,
            Spec {
                short: "xXtedEScj",
                long: &[
                    "exec",
                    "exec-batch",
                    "type",
                    "extension",
                    "max-depth",
                    "exclude",
                    "size",
                    "changed-within",
                    "changed-before",
                    "color",
                    "threads",
                    "base-directory",
                    "search-path",
                    "owner",
                    "format",
                    "ignore-file",
                    "batch-size",
                    "path-separator",
                    "max-results",
                ],
                stop_at_operand: false,
            },
        );
        let execs: Vec<&Word> = p
            .values(Some('x'), "exec")
            .into_iter()
            .chain(p.values(Some('X'), "exec-batch"))
            .collect();
        if execs.is_empty() {
            return Own::ro("`fd` only lists files");
        }
        // `fd PAT -x cmd args…`: the exec value is the command; what follows belongs to it.
        let pos = args
            .iter()
            .position(|w| matches!(w.text.as_str(), "-x" | "--exec" | "-X" | "--exec-batch"))
            .unwrap_or(args.len());
        let mut inner: Vec<Word> = args
            .get(pos + 1..)
            .unwrap_or(&[])
            .iter()
            .take_while(|w| w.text != ";")
            .cloned()
            .collect();
        if inner.is_empty() {
            return Own::unknown("`fd --exec` with a command Warden cannot see");
        }
        inner.push(Word::unknown("{fd match}"));
        self.wrap_depth += 1;
        self.run(&inner);
        self.wrap_depth -= 1;
        Own::wrapper("`fd --exec` runs a command per file; analysed")
    }

    fn tar(&mut self, args: &[Word]) -> Own {
        // The first argument may be a bundle of letters without a dash (`tar xzf a.tgz`).
        let mut argv: Vec<Word> = args.to_vec();
        if let Some(first) = argv.first_mut()
            && !first.text.starts_with('-')
            && first.text.chars().all(|c| c.is_ascii_alphabetic())
        {
            first.text = format!("-{}", first.text);
        }
        let p = opts::parse(
            &argv,
            Spec {
                short: "fCbHIKLNTXg",
                long: &[
                    "file",
                    "directory",
                    "exclude",
                    "files-from",
                    "exclude-from",
                    "transform",
                    "xform",
                    "use-compress-program",
                    "to-command",
                    "checkpoint-action",
                    "info-script",
                    "new-volume-script",
                    "rsh-command",
                    "owner",
                    "group",
                    "mode",
                    "mtime",
                    "format",
                    "label",
                    "newer",
                    "after-date",
                ],
                stop_at_operand: false,
            },
        );
        let create = p.has('c', "create") || p.has('r', "append") || p.has('u', "update");
        let extract = p.has('x', "extract") || p.has_long("get");
        let list = p.has('t', "list");
        let mut own = Own::ro("`tar` lists an archive");
        for risky in [
            "to-command",
            "checkpoint-action",
            "info-script",
            "new-volume-script",
            "use-compress-program",
            "rsh-command",
        ] {
            if let Some(v) = p.value(None, risky) {
                let v = v.clone();
                self.code_string(&v, crate::walk::Sub::Child, &format!("`tar --{risky}`"));
                own = Own::unknown(format!("`tar --{risky}` runs a command"));
            }
        }
        if p.has_short('I') {
            own = Own::unknown("`tar -I` runs a compression program");
        }
        let files: Vec<Word> = p.values(Some('f'), "file").into_iter().cloned().collect();
        let dir = p.value(Some('C'), "directory").cloned();
        if create {
            for f in &files {
                if f.text != "-" {
                    let loc = self.resolve(f);
                    self.write_effect(&loc, "`tar` writes the archive", None);
                }
            }
            self.read_words(&p.operands(), "`tar` archives");
            if own.sev < Severity::LocalWrite {
                own = Own::project("`tar` creates an archive");
            }
            if files.iter().any(|f| f.text == "-") || files.is_empty() {
                self.out.writers += 1;
                self.out.secret |= p.operands().iter().any(|w| {
                    let loc = self.resolve(w);
                    self.ctx.env.is_secret_path(&loc.path)
                });
            }
        } else if extract {
            for f in &files {
                if f.text != "-" {
                    let loc = self.resolve(f);
                    self.read_effect(&loc, "`tar` extracts");
                }
            }
            let target = dir.unwrap_or_else(|| Word::lit("."));
            self.write_into(&target, "`tar` extracts into");
            if own.sev < Severity::LocalWrite {
                own = Own::project("`tar` extracts an archive");
            }
        } else if list {
            for f in &files {
                let loc = self.resolve(f);
                self.read_effect(&loc, "`tar` lists");
            }
        } else {
            own = Own::unknown("`tar` with an operation Warden does not recognise");
        }
        own
    }
}

/// Octal digits of a numeric chmod mode.
fn mode_digits(mode: &str) -> Option<Vec<u8>> {
    if mode.is_empty() || mode.len() > 4 || !mode.chars().all(|c| ('0'..='7').contains(&c)) {
        return None;
    }
    Some(mode.bytes().map(|b| b - b'0').collect())
}

/// Whether a sed script executes commands, and which files it writes (`w file`, `s///w file`).
fn sed_script_risks(script: &str) -> (bool, Vec<String>) {
    let mut exec = false;
    let mut writes = Vec::new();
    for cmd in script.split(['\n', ';']) {
        let c = cmd.trim();
        // Strip an address (`1`, `/re/`, `$`, `1,5`).
        let body = c.trim_start_matches(|ch: char| {
            ch.is_ascii_digit() || ch == ',' || ch == '$' || ch == '!' || ch == ' '
        });
        let body = if let Some(after) = body.strip_prefix('/') {
            match after.find('/') {
                Some(i) => after[i + 1..].trim_start_matches(['!', ' ']),
                None => body,
            }
        } else {
            body
        };
        if body.starts_with('e') && (body.len() == 1 || body[1..].starts_with(' ')) {
            exec = true;
        }
        if let Some(f) = body.strip_prefix("w ").or(body.strip_prefix("W ")) {
            writes.push(f.trim().to_string());
        }
        if let Some(rest) = body.strip_prefix('s') {
            let mut chars = rest.chars();
            if let Some(delim) = chars.next() {
                if delim.is_alphanumeric() || delim == '\\' || delim == ' ' {
                    continue;
                }
                let parts: Vec<&str> = rest[delim.len_utf8()..].splitn(3, delim).collect();
                if let Some(flags) = parts.get(2) {
                    let f = flags.trim();
                    let (flagpart, file) = match f.find('w') {
                        Some(i) => (&f[..i], Some(f[i + 1..].trim())),
                        None => (f, None),
                    };
                    if flagpart.contains('e') {
                        exec = true;
                    }
                    if let Some(file) = file.filter(|s| !s.is_empty()) {
                        writes.push(file.to_string());
                    }
                }
            }
        }
    }
    (exec, writes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sed_risks() {
        assert_eq!(sed_script_risks("s/a/b/g"), (false, vec![]));
        assert_eq!(sed_script_risks("s/a/b/e"), (true, vec![]));
        assert_eq!(sed_script_risks("1e id"), (true, vec![]));
        assert_eq!(
            sed_script_risks("s/a/b/w out.txt"),
            (false, vec!["out.txt".to_string()])
        );
        assert_eq!(
            sed_script_risks("/x/w log"),
            (false, vec!["log".to_string()])
        );
        assert_eq!(sed_script_risks("p"), (false, vec![]));
        assert_eq!(sed_script_risks("s,reset --hard,x,"), (false, vec![]));
    }

    #[test]
    fn chmod_modes() {
        assert_eq!(mode_digits("777"), Some(vec![7, 7, 7]));
        assert_eq!(mode_digits("u+x"), None);
        assert_eq!(mode_digits("4755"), Some(vec![4, 7, 5, 5]));
    }
}
