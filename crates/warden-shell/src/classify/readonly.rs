//! The table of read-only commands: each with the operands it reads and the flags that
//! would make it write, run programs or change the system (excluded from the proof).

use warden_core::Severity;

use super::opts::{self, Arg, Spec};
use super::{Own, clip};
use crate::rules;
use crate::walk::{Out, Stdin, Walker};
use crate::word::Word;

/// Which operands of a read-only command are files it reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Files {
    /// None (the operands are text, numbers, names).
    None,
    /// Every operand.
    All,
    /// Every operand after the first (a pattern, a script, a filter).
    AfterFirst,
    /// Operands are paths whose metadata (names, sizes) is read, not their contents.
    Meta,
}

/// One row of the safe table.
struct Safe {
    files: Files,
    /// Short options that take a value.
    short: &'static str,
    /// Long options that take a value.
    long: &'static [&'static str],
    /// Options (short letters as `-x`, long as `--name`) that void the proof.
    excluded: &'static [&'static str],
    /// True when the command's output can be known from its arguments (`echo`).
    echoes: bool,
    /// True when the output decodes an opaque input (`base64 -d` with `-d` checked
    /// separately).
    decodes: bool,
}

const fn safe(files: Files) -> Safe {
    Safe {
        files,
        short: "",
        long: &[],
        excluded: &[],
        echoes: false,
        decodes: false,
    }
}

fn row(name: &str) -> Option<Safe> {
    use Files::*;
    Some(match name {
        "ls" | "dir" | "vdir" | "exa" | "eza" | "lsd" => Safe {
            short: "ITw",
            long: &[
                "ignore",
                "hide",
                "time-style",
                "width",
                "tabsize",
                "format",
                "sort",
                "color",
                "indicator-style",
                "quoting-style",
                "block-size",
                "time",
            ],
            ..safe(Meta)
        },
        "cat" | "tac" | "nl" | "bat" | "batcat" | "more" | "less" | "most" | "rev" => Safe {
            short: "bdfhilnpsvwrHLmNSTbx",
            long: &[
                "number-format",
                "body-numbering",
                "language",
                "theme",
                "style",
                "line-range",
                "highlight-line",
                "map-syntax",
                "tabs",
                "wrap",
                "terminal-width",
                "color",
                "paging",
                "pager",
                "decorations",
            ],
            excluded: &["--pager"],
            decodes: name == "rev",
            ..safe(All)
        },
        "head" | "tail" => Safe {
            short: "ncs",
            long: &[
                "lines",
                "bytes",
                "sleep-interval",
                "pid",
                "max-unchanged-stats",
            ],
            ..safe(All)
        },
        "wc" | "md5sum" | "sha1sum" | "sha224sum" | "sha256sum" | "sha384sum" | "sha512sum"
        | "b2sum" | "cksum" | "sum" | "shasum" | "md5" | "strings" | "file" | "stat" | "du"
        | "tree" | "lsattr" | "getfacl" | "namei" | "realpath" | "readlink" | "od" | "hexdump"
        | "hd" | "dust" => Safe {
            short: match name {
                "strings" => "netT",
                "file" => "emfFP",
                "stat" => "cft",
                "du" => "BdtX",
                "tree" => "LIPoH",
                "od" => "AjNSstw",
                "hexdump" | "hd" => "efns",
                "shasum" => "a",
                _ => "",
            },
            long: &[
                "files0-from",
                "format",
                "printf",
                "max-depth",
                "exclude",
                "threshold",
                "block-size",
                "time-style",
                "time",
                "exclude-from",
                "filelimit",
                "charset",
                "sort",
            ],
            excluded: if name == "tree" {
                &["-o", "--output"]
            } else {
                &[]
            },
            ..safe(if matches!(name, "realpath" | "readlink") {
                None
            } else if matches!(
                name,
                "stat" | "du" | "tree" | "lsattr" | "getfacl" | "namei" | "dust"
            ) {
                Meta
            } else {
                All
            })
        },
        "grep" | "egrep" | "fgrep" | "zgrep" | "ugrep" | "rgrep" => Safe {
            short: "efmABCDd",
            long: &[
                "regexp",
                "file",
                "max-count",
                "after-context",
                "before-context",
                "context",
                "include",
                "exclude",
                "exclude-dir",
                "include-dir",
                "label",
                "binary-files",
                "devices",
                "directories",
                "color",
                "colour",
                "exclude-from",
                "group-separator",
            ],
            ..safe(AfterFirst)
        },
        "rg" => Safe {
            short: "efgmABCMjtTEr",
            long: &[
                "regexp",
                "file",
                "glob",
                "iglob",
                "max-count",
                "after-context",
                "before-context",
                "context",
                "max-columns",
                "threads",
                "type",
                "type-not",
                "type-add",
                "encoding",
                "replace",
                "max-depth",
                "max-filesize",
                "color",
                "colors",
                "sort",
                "sortr",
                "path-separator",
                "context-separator",
                "field-match-separator",
                "field-context-separator",
                "ignore-file",
                "dfa-size-limit",
                "regex-size-limit",
                "engine",
                "hostname-bin",
                "hyperlink-format",
                "generate",
                "pre-glob",
            ],
            excluded: &["--pre", "--search-zip", "-z", "--hostname-bin"],
            ..safe(AfterFirst)
        },
        "ag" | "ack" | "ack-grep" | "pt" | "sift" => Safe {
            short: "GgmABC",
            long: &[
                "ignore",
                "ignore-dir",
                "file-search-regex",
                "max-count",
                "after",
                "before",
                "context",
                "depth",
                "pager",
            ],
            excluded: &["--pager"],
            ..safe(AfterFirst)
        },
        "diff" | "cmp" | "comm" | "colordiff" | "wdiff" | "difft" | "delta" | "sdiff" | "diff3" => {
            Safe {
                short: "ILUWxXSCFD",
                long: &[
                    "ignore-matching-lines",
                    "label",
                    "unified",
                    "width",
                    "exclude",
                    "exclude-from",
                    "starting-file",
                    "context",
                    "show-function-line",
                    "ifdef",
                    "line-format",
                    "old-line-format",
                    "new-line-format",
                    "unchanged-line-format",
                    "changed-group-format",
                    "palette",
                    "from-file",
                    "to-file",
                    "tabsize",
                    "color",
                ],
                excluded: if name == "sdiff" {
                    &["-o", "--output"]
                } else {
                    &[]
                },
                ..safe(All)
            }
        }
        "sort" => Safe {
            short: "tkoSTy",
            long: &[
                "key",
                "field-separator",
                "output",
                "buffer-size",
                "temporary-directory",
                "parallel",
                "files0-from",
                "batch-size",
                "compress-program",
                "random-source",
                "sort",
            ],
            excluded: &["-o", "--output", "--compress-program"],
            ..safe(All)
        },
        "uniq" => Safe {
            short: "fsw",
            long: &[
                "skip-fields",
                "skip-chars",
                "check-chars",
                "group",
                "all-repeated",
            ],
            ..safe(All)
        },
        "cut" | "paste" | "join" | "expand" | "unexpand" | "fold" | "fmt" | "column" | "pr"
        | "tsort" | "ptx" | "look" | "csvlook" | "csvstat" | "csvcut" | "jless" => Safe {
            short: "bcdfsjotwWlCNxeE12avHhTmi",
            long: &[
                "bytes",
                "characters",
                "delimiter",
                "fields",
                "output-delimiter",
                "separator",
                "tabs",
                "width",
                "table-columns",
                "output-separator",
                "column",
                "length",
                "header",
                "first-line",
                "pages",
                "columns",
            ],
            ..safe(All)
        },
        "tr" => Safe {
            decodes: true,
            ..safe(None)
        },
        "jq" | "gojq" | "jaq" | "yq" | "fx" | "jp" | "dasel" | "xq" | "htmlq" | "mlr" | "gron" => {
            Safe {
                short: "fLe",
                long: &[
                    "arg",
                    "argjson",
                    "slurpfile",
                    "rawfile",
                    "args",
                    "jsonargs",
                    "indent",
                    "from-file",
                    "tab",
                    "seq",
                    "input-format",
                    "output-format",
                    "expression",
                ],
                excluded: &["-i", "--inplace", "--in-place", "-w"],
                ..safe(if matches!(name, "gron" | "jless" | "fx") {
                    All
                } else {
                    AfterFirst
                })
            }
        }
        "echo" | "printf" => Safe {
            echoes: true,
            ..safe(None)
        },
        "pwd" | "true" | "false" | ":" | "test" | "[" | "whoami" | "id" | "groups" | "uname"
        | "which" | "whereis" | "type" | "printenv" | "locale" | "tty" | "nproc" | "getconf"
        | "arch" | "logname" | "users" | "uptime" | "atq" | "free" | "sleep" | "wait" | "exit"
        | "return" | "shift" | "break" | "continue" | "unset" | "shopt" | "hash" | "help"
        | "jobs" | "dirs" | "fg" | "bg" | "disown" | "getopts" | "let" | "expr" | "bc" | "dc"
        | "factor" | "numfmt" | "units" | "cal" | "ncal" | "yes" | "seq" | "basename"
        | "dirname" | "tput" | "clear" | "man" | "info" | "apropos" | "whatis" | "tldr"
        | "compgen" | "complete" | "caller" | "times" | "read" | "mapfile" | "readarray"
        | "cowsay" | "figlet" | "toilet" | "lolcat" | "nvidia-smi" | "sw_vers"
        | "system_profiler" | "lscpu" | "lsusb" | "lspci" | "lsmod" | "lsblk" | "blkid"
        | "findmnt" | "ps" | "pgrep" | "pidof" | "w" | "who" | "last" | "lastlog" | "lsof"
        | "ss" | "netstat" | "vmstat" | "iostat" | "mpstat" | "sar" | "pstree" | "htop"
        | "btop" | "top" | "duf" | "df" | "env-noop" | "usleep" | "fc-list" | "xdpyinfo"
        | "ldconfig-p" | "shuf" | "iconv" | "base64" | "base32" | "basenc" | "xxd" | "date"
        | "hostname" | "dmesg" | "journalctl" | "stty" | "ip" | "ifconfig" | "route"
        | "openssl" | "dos2unix" | "unix2dos" | "xmllint" | "tidy" | "zcat" | "bzcat" | "xzcat"
        | "zstdcat" | "lz4cat" | "zless" | "zmore" | "nm" | "objdump" | "readelf" | "size"
        | "otool" | "ldd" | "fzf" | "ncdu" | "tokei" | "cloc" | "scc" | "pygmentize"
        | "highlight" | "glow" | "mdcat" | "wc-noop" | "sqlite-utils-noop" | "git-noop"
        | "codespell-noop" | "exiftool" | "identify" | "ffprobe" | "mediainfo" | "pdfinfo"
        | "pdftotext" | "unzip-noop" | "zipinfo" | "lzcat" | "tabs" | "true-noop" => Safe {
            short: match name {
                "date" => "dfrI",
                "journalctl" => "unpSUbDtkoMI",
                "ps" => "opuUgGtCk",
                "top" => "dnpuo",
                "lsof" => "pucgdsa",
                "xxd" => "cglsno",
                "iconv" => "ftco",
                "shuf" => "nioe",
                "base64" | "base32" | "basenc" => "w",
                "seq" => "fs",
                "openssl" => "",
                _ => "",
            },
            long: &[
                "output",
                "format",
                "unit",
                "since",
                "until",
                "lines",
                "date",
                "reference",
                "file",
                "cols",
                "len",
                "seek",
                "from-code",
                "to-code",
                "head-count",
                "input-range",
                "random-source",
                "wrap",
                "separator",
                "sort",
                "width",
                "user",
                "pid",
            ],
            excluded: match name {
                "date" => &["-s", "--set"],
                "dmesg" => &[
                    "-c",
                    "-C",
                    "--clear",
                    "--read-clear",
                    "-n",
                    "--console-level",
                    "-D",
                    "-E",
                    "--console-off",
                    "--console-on",
                ],
                "journalctl" => &[
                    "--vacuum-size",
                    "--vacuum-time",
                    "--vacuum-files",
                    "--rotate",
                    "--flush",
                    "--relinquish-var",
                    "--smart-relinquish-var",
                    "--setup-keys",
                    "--update-catalog",
                ],
                "shuf" | "iconv" | "xmllint" => &["-o", "--output"],
                "dos2unix" | "unix2dos" => &["-o", "--oldfile", "-n", "--newfile"],
                "tidy" => &["-m", "-modify", "-o", "-output"],
                "stty" => &["-F", "--file"],
                "ldd" => &["--version-noop"],
                "fzf" => &["--bind", "--preview", "--execute"],
                "top" => &["-noop"],
                _ => &[],
            },
            ..safe(match name {
                "shuf" | "iconv" | "base64" | "base32" | "basenc" | "xxd" | "zcat" | "bzcat"
                | "xzcat" | "zstdcat" | "lz4cat" | "zless" | "zmore" | "nm" | "objdump"
                | "readelf" | "size" | "otool" | "ldd" | "tokei" | "cloc" | "scc"
                | "pygmentize" | "highlight" | "glow" | "mdcat" | "exiftool" | "identify"
                | "ffprobe" | "mediainfo" | "pdfinfo" | "pdftotext" | "zipinfo" | "lzcat"
                | "dos2unix" | "unix2dos" | "xmllint" | "tidy" | "df" => All,
                _ => None,
            })
        },
        _ => return Option::None,
    })
}

impl Walker<'_> {
    /// Read-only rules, or None when `name` is not in the safe table.
    pub(super) fn readonly(&mut self, name: &str, argv: &[Word]) -> Option<Own> {
        let r = row(name)?;
        let args = &argv[1..];
        let p = opts::parse(
            args,
            Spec {
                short: r.short,
                long: r.long,
                stop_at_operand: false,
            },
        );
        // Excluded flags.
        for a in &p.args {
            let spelled = match a {
                Arg::Short(c, _) => format!("-{c}"),
                Arg::Long(l, _) => format!("--{l}"),
                Arg::Pos(_) => continue,
            };
            let hit = r.excluded.iter().any(|e| {
                *e == spelled
                    || (e.starts_with("--")
                        && spelled.starts_with("--")
                        && opts::long_matches(&spelled[2..], &e[2..]))
            });
            if hit {
                return Some(self.excluded_flag(name, &spelled, &p));
            }
        }
        if let Some(o) = self.special_readonly(name, args, &p) {
            return Some(o);
        }
        let ops = p.operands();
        let files: Vec<&Word> = match r.files {
            Files::None | Files::Meta => Vec::new(),
            Files::All => ops.clone(),
            Files::AfterFirst => {
                let pattern_given =
                    p.values(Some('e'), "regexp").len() + p.values(Some('f'), "file").len() > 0;
                if pattern_given {
                    ops.clone()
                } else {
                    ops.iter().skip(1).copied().collect()
                }
            }
        };
        // A recursive search without a path searches the working directory.
        let cwd = Word::lit(".");
        let files = if files.is_empty()
            && self.tree_reader.is_some()
            && matches!(r.files, Files::AfterFirst)
        {
            vec![&cwd]
        } else {
            files
        };
        // Pattern files (`grep -f FILE`) are read too.
        let pattern_files: Vec<Word> = if matches!(r.files, Files::AfterFirst) {
            p.values(Some('f'), "file").into_iter().cloned().collect()
        } else {
            Vec::new()
        };
        self.read_words(&files, &format!("`{name}` reads"));
        for f in &pattern_files {
            let loc = self.resolve(f);
            self.read_effect(&loc, &format!("`{name}` reads patterns from"));
        }
        if files.is_empty() && matches!(r.files, Files::All | Files::AfterFirst) {
            // Reads standard input: its output carries what came in.
            self.pass_through();
        } else if files.len() == 1
            && matches!(name, "cat" | "tac" | "head" | "tail" | "bat" | "batcat")
        {
            let loc = self.resolve(files[0]);
            if loc.exact() {
                self.out.merge(Out {
                    file: Some(loc.path),
                    writers: 1,
                    ..Out::default()
                });
            }
        }
        if name == "pwd"
            && let Some(c) = self.state.cwd.clone()
        {
            self.out.merge(Out::text(format!("{}\n", c.display())));
        }
        if r.echoes {
            let text = echo_output(name, args);
            match text {
                Some(t) => self.out.merge(Out::text(t)),
                None => self.out.writers += 1,
            }
        }
        if r.decodes || decoding(name, args) {
            self.out.decoded = true;
        }
        if matches!(name, "printenv") && ops.is_empty() {
            self.note_env_dump();
            self.out.secret = true;
        }
        if name == "printenv" {
            for w in &ops {
                if credential_variable(&w.text) {
                    self.note_secret_variable(&w.text);
                }
            }
        }
        if matches!(name, "echo" | "printf") {
            for w in args.iter().filter(|w| w.dynamic) {
                if let Some(var) = referenced_variables(&w.text).find(|v| credential_variable(v)) {
                    self.note_secret_variable(var);
                }
            }
        }
        Some(Own::ro(format!("`{name}` only reads")))
    }

    fn excluded_flag(&mut self, name: &str, flag: &str, p: &opts::Parsed<'_>) -> Own {
        // Output files: a write effect; other exclusions: not provable.
        if matches!(flag, "-o" | "--output" | "--oldfile" | "--newfile" | "-n")
            && !matches!(name, "dmesg")
        {
            let long = flag.trim_start_matches('-');
            let short = if flag.len() == 2 {
                flag.chars().nth(1)
            } else {
                None
            };
            let targets: Vec<Word> = p.values(short, long).into_iter().cloned().collect();
            for t in &targets {
                let loc = self.resolve(t);
                self.write_effect(&loc, &format!("`{name} {flag}` writes"), None);
            }
            if !targets.is_empty() {
                return Own::project(format!("`{name} {flag}` writes a file"));
            }
        }
        if matches!(name, "date" | "dmesg" | "journalctl" | "hostname" | "stty") {
            self.hazard(
                "system",
                Severity::Destructive,
                rules::SYSTEM,
                format!("`{name} {flag}` changes system state"),
            );
            return Own::with(
                Severity::Destructive,
                rules::SYSTEM,
                format!("`{name} {flag}` changes system state"),
            );
        }
        Own::unknown(format!(
            "`{name} {flag}` is excluded from the read-only proof (it writes or runs programs)"
        ))
    }

    /// Commands whose safety depends on their operands.
    fn special_readonly(&mut self, name: &str, args: &[Word], p: &opts::Parsed<'_>) -> Option<Own> {
        let ops = p.operands();
        match name {
            "hostname" if !ops.is_empty() && !p.has_short('I') && !p.has_short('i') => {
                self.hazard(
                    "system",
                    Severity::Destructive,
                    rules::SYSTEM,
                    "`hostname NAME` renames the machine".into(),
                );
                Some(Own::with(
                    Severity::Destructive,
                    rules::SYSTEM,
                    "`hostname NAME` renames the machine",
                ))
            }
            "uniq" if ops.len() >= 2 => {
                let loc = self.resolve(ops[1]);
                self.read_words(&ops[..1], "`uniq` reads");
                self.write_effect(&loc, "`uniq` writes its output to", None);
                Some(Own::project("`uniq IN OUT` writes a file"))
            }
            "xxd" if ops.len() >= 2 => {
                let loc = self.resolve(ops[1]);
                self.read_words(&ops[..1], "`xxd` reads");
                self.write_effect(&loc, "`xxd` writes", None);
                Some(Own::project("`xxd IN OUT` writes a file"))
            }
            "ip" => {
                let verbs = [
                    "add",
                    "del",
                    "delete",
                    "set",
                    "change",
                    "replace",
                    "flush",
                    "append",
                    "prepend",
                    "exec",
                    "link-netnsid",
                ];
                if args.iter().any(|w| verbs.contains(&w.text.as_str())) {
                    self.hazard(
                        "system",
                        Severity::Destructive,
                        rules::SYSTEM,
                        "`ip … add/del/set/flush` changes networking".into(),
                    );
                    return Some(Own::with(
                        Severity::Destructive,
                        rules::SYSTEM,
                        "`ip` changes network configuration",
                    ));
                }
                None
            }
            "ifconfig" | "route" if ops.len() >= 2 => {
                self.hazard(
                    "system",
                    Severity::Destructive,
                    rules::SYSTEM,
                    format!("`{name}` changes networking"),
                );
                Some(Own::with(
                    Severity::Destructive,
                    rules::SYSTEM,
                    format!("`{name}` changes network configuration"),
                ))
            }
            "openssl" => {
                let sub = ops.first().map(|w| w.text.as_str()).unwrap_or("");
                match sub {
                    "version" | "help" | "x509" | "dgst" | "verify" | "asn1parse" | "ciphers"
                    | "list" | "rand" | "prime" | "speed" | "errstr" | "crl" | "req" | "rsa"
                    | "ec" | "pkey" | "" => {
                        if args.iter().any(|w| w.text == "-out") {
                            Some(Own::project(format!("`openssl {sub} -out` writes a file")))
                        } else {
                            for (i, w) in args.iter().enumerate() {
                                if w.text == "-in"
                                    && let Some(f) = args.get(i + 1)
                                {
                                    let loc = self.resolve(f);
                                    self.read_effect(&loc, "`openssl` reads");
                                }
                            }
                            None
                        }
                    }
                    "base64" | "enc" => {
                        if args.iter().any(|w| w.text == "-d") {
                            self.out.decoded = true;
                        }
                        if args.iter().any(|w| w.text == "-out") {
                            return Some(Own::project("`openssl enc -out` writes a file"));
                        }
                        None
                    }
                    "s_client" => {
                        let host = args
                            .iter()
                            .position(|w| w.text == "-connect")
                            .and_then(|i| args.get(i + 1))
                            .map(|w| w.text.clone());
                        if let Some(h) = host {
                            let (h, port) = h
                                .rsplit_once(':')
                                .map(|(h, p)| (h.to_string(), p.parse().ok()))
                                .unwrap_or((h, None));
                            self.host_effect(
                                &h,
                                port,
                                true,
                                Severity::Unknown,
                                "`openssl s_client` connects to",
                            );
                        }
                        self.out.fetched = true;
                        Some(Own::unknown("`openssl s_client` opens a TLS connection"))
                    }
                    _ => Some(Own::unknown(format!("`openssl {}`", clip(sub)))),
                }
            }
            "dos2unix" | "unix2dos" => {
                for w in &ops {
                    let loc = self.resolve(w);
                    self.write_effect(&loc, &format!("`{name}` converts in place"), None);
                }
                Some(Own::project(format!("`{name}` converts files in place")))
            }
            "tidy" | "xmllint"
                if args.iter().any(|w| {
                    w.text == "-m" || w.text == "-modify" || w.text.starts_with("--output")
                }) =>
            {
                Some(Own::project(format!("`{name}` writes files")))
            }
            "ldd" => Some(Own::unknown("`ldd` may run the program it inspects")),
            "top" | "htop" | "btop" => None,
            "less" | "more" | "most"
                if matches!(self.stdin, Stdin::Inherited) && ops.is_empty() =>
            {
                None
            }
            _ => None,
        }
    }
}

/// Whether a variable's name marks a credential: one of its `_`-separated parts is
/// `KEY`, `TOKEN`, `SECRET`, `PASSWORD` … (`OPENAI_API_KEY`, `GITHUB_TOKEN`, `DB_PASSWORD`),
/// not words that merely contain them (`KEYBOARD`, `PASSTHROUGH`).
pub(crate) fn credential_variable(name: &str) -> bool {
    const PARTS: &[&str] = &[
        "KEY",
        "KEYS",
        "APIKEY",
        "TOKEN",
        "TOKENS",
        "SECRET",
        "SECRETS",
        "PASSWORD",
        "PASSWD",
        "PASS",
        "PWD",
        "CREDENTIAL",
        "CREDENTIALS",
        "CREDS",
        "AUTH",
        "PAT",
        "DSN",
        "COOKIE",
        "PRIVATE",
    ];
    let upper = name.to_ascii_uppercase();
    if matches!(upper.as_str(), "PWD" | "OLDPWD") {
        return false;
    }
    upper.split('_').any(|part| PARTS.contains(&part))
        || matches!(upper.as_str(), "DATABASE_URL" | "REDIS_URL" | "MONGODB_URI")
}

/// The names of the variables a word expands (`$NAME`, `${NAME}`, `${NAME:-x}`).
fn referenced_variables(text: &str) -> impl Iterator<Item = &str> {
    text.match_indices('$').filter_map(move |(i, _)| {
        let rest = &text[i + 1..];
        let rest = rest.strip_prefix('{').unwrap_or(rest);
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        (end > 0).then(|| &rest[..end])
    })
}

/// True when the command decodes opaque input (`base64 -d`, `xxd -r` …).
fn decoding(name: &str, args: &[Word]) -> bool {
    let has = |f: &str| args.iter().any(|w| w.text == f);
    let cluster = |c: char| {
        args.iter()
            .any(|w| w.text.starts_with('-') && !w.text.starts_with("--") && w.text.contains(c))
    };
    match name {
        "base64" | "base32" | "basenc" => cluster('d') || has("--decode"),
        "xxd" => cluster('r') || has("-revert"),
        "zcat" | "bzcat" | "xzcat" | "zstdcat" | "lz4cat" | "lzcat" => true,
        _ => false,
    }
}

/// The output of `echo`/`printf` when fully known.
fn echo_output(name: &str, args: &[Word]) -> Option<String> {
    if args.iter().any(|w| w.dynamic) {
        return None;
    }
    if name == "echo" {
        let mut newline = true;
        let mut escapes = false;
        let mut i = 0;
        while i < args.len() {
            let t = args[i].text.as_str();
            if t.len() > 1
                && t.starts_with('-')
                && t[1..].chars().all(|c| matches!(c, 'n' | 'e' | 'E'))
            {
                newline &= !t.contains('n');
                escapes |= t.contains('e');
                i += 1;
                continue;
            }
            break;
        }
        let body = args[i..]
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let mut out = if escapes {
            crate::word::decode_ansi_c(&body)
        } else {
            body
        };
        if newline {
            out.push('\n');
        }
        return Some(out);
    }
    // printf FORMAT [ARGS]: `%s` and `%b` substituted in order, escapes decoded.
    let mut it = args.iter();
    let mut fmt = it.next()?.text.clone();
    if fmt == "--" {
        fmt = it.next()?.text.clone();
    }
    if fmt == "-v" {
        return None;
    }
    let rest: Vec<&Word> = it.collect();
    let mut out = String::new();
    let mut k = 0;
    let decoded = crate::word::decode_ansi_c(&fmt.replace("%%", "\u{0}"));
    let mut chars = decoded.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '%' {
            match chars.next() {
                Some('s') => {
                    out.push_str(rest.get(k).map(|w| w.text.as_str()).unwrap_or(""));
                    k += 1;
                }
                Some('b') => {
                    out.push_str(&crate::word::decode_ansi_c(
                        rest.get(k).map(|w| w.text.as_str()).unwrap_or(""),
                    ));
                    k += 1;
                }
                Some('d' | 'i') => {
                    out.push_str(rest.get(k).map(|w| w.text.as_str()).unwrap_or("0"));
                    k += 1;
                }
                _ => return None,
            }
        } else if c == '\u{0}' {
            out.push('%');
        } else {
            out.push(c);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &[&str]) -> Vec<Word> {
        s.iter().map(|t| Word::lit(*t)).collect()
    }

    #[test]
    fn echo_and_printf_outputs() {
        assert_eq!(
            echo_output("echo", &w(&["rm", "-rf", "/"])).as_deref(),
            Some("rm -rf /\n")
        );
        assert_eq!(echo_output("echo", &w(&["-n", "x"])).as_deref(), Some("x"));
        assert_eq!(
            echo_output("echo", &w(&["-e", r"\x72m"])).as_deref(),
            Some("rm\n")
        );
        assert_eq!(
            echo_output("printf", &w(&[r"\x72\x6d -rf %s", "/"])).as_deref(),
            Some("rm -rf /")
        );
        assert_eq!(
            echo_output("printf", &w(&["%s %s\n", "a", "b"])).as_deref(),
            Some("a b\n")
        );
        assert_eq!(echo_output("printf", &w(&["%x", "1"])), None);
    }
}
