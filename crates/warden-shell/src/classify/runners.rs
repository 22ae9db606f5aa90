//! Development runners that start another command: `cross-env`, `dotenv`, `dotenvx`,
//! `concurrently`, `nodemon`, `watchexec`, `entr`, `reflex`. They look like build tools, but
//! what they run is what matters (`dotenv -- rm -rf ~` is `rm -rf ~`). Loading `.env` into a
//! command's environment is what the dotenv family is for; printing a value out of it
//! (`dotenv -p KEY`, `dotenvx get`) is reading the secret file.

use super::Own;
use super::opts::{self, Spec};
use super::wrappers::join_words;
use crate::walk::{Sub, Walker};
use crate::word::Word;

impl Walker<'_> {
    /// Runner rules, or None when `name` is not one.
    pub(super) fn runner(&mut self, name: &str, argv: &[Word]) -> Option<Own> {
        let args = &argv[1..];
        Some(match name {
            "cross-env" => {
                let start = args
                    .iter()
                    .position(|w| !is_assignment(&w.text))
                    .unwrap_or(args.len());
                for w in &args[..start] {
                    if let Some((k, v)) = w.text.split_once('=') {
                        let value = opts::sub_word(w, v);
                        self.check_env_assignment(k, &value, true);
                    }
                }
                self.inner(name, &args[start..])
            }
            "cross-env-shell" => {
                let start = args
                    .iter()
                    .position(|w| !is_assignment(&w.text))
                    .unwrap_or(args.len());
                let code = join_words(&args[start..]);
                self.code_string(&code, Sub::Child, "`cross-env-shell`");
                Own::wrapper("`cross-env-shell` runs its command through a shell; analysed")
            }
            "dotenv" => self.dotenv_cli(args),
            "dotenvx" => self.dotenvx(args),
            "concurrently" => {
                let p = opts::parse(
                    args,
                    Spec {
                        short: "nckpsmtlP",
                        long: &[
                            "names",
                            "prefix-colors",
                            "prefix",
                            "success",
                            "max-processes",
                            "timestamp-format",
                            "prefix-length",
                            "restart-tries",
                            "restart-after",
                            "names-separator",
                            "default-input-target",
                            "passthrough-arguments",
                            "pad-prefix",
                        ],
                        stop_at_operand: false,
                    },
                );
                for code in p.operands() {
                    // `npm:build` and friends name package scripts, not shell code.
                    if code.text.starts_with("npm:")
                        || code.text.starts_with("yarn:")
                        || code.text.starts_with("pnpm:")
                        || code.text.starts_with("bun:")
                    {
                        continue;
                    }
                    self.code_string(code, Sub::Child, "`concurrently`");
                }
                Own::wrapper("`concurrently` runs each command through a shell; analysed")
            }
            "nodemon" => {
                let p = opts::parse(
                    args,
                    Spec {
                        short: "xwieVd",
                        long: &[
                            "exec", "watch", "ignore", "ext", "delay", "signal", "config",
                        ],
                        stop_at_operand: true,
                    },
                );
                if let Some(code) = p.value(Some('x'), "exec").cloned() {
                    let mut words = vec![code];
                    words.extend(args[p.rest..].iter().cloned());
                    self.code_string(&join_words(&words), Sub::Child, "`nodemon --exec`");
                    return Some(Own::wrapper(
                        "`nodemon --exec` runs its command through a shell; analysed",
                    ));
                }
                // `nodemon app.js` restarts `node app.js`.
                let mut inner = vec![Word::lit("node")];
                inner.extend(args[p.rest..].iter().cloned());
                self.inner(name, &inner)
            }
            "watchexec" | "reflex" => match args.iter().position(|w| w.text == "--") {
                Some(i) => self.inner(name, &args[i + 1..]),
                None => Own::unknown(format!(
                    "`{name}` without `--` before its command: the command is not analysed"
                )),
            },
            "entr" => {
                let p = opts::parse(
                    args,
                    Spec {
                        short: "",
                        long: &[],
                        stop_at_operand: true,
                    },
                );
                let rest = &args[p.rest..];
                if p.has_short('s') {
                    let code = join_words(rest);
                    self.code_string(&code, Sub::Child, "`entr -s`");
                    Own::wrapper("`entr -s` runs its command through a shell; analysed")
                } else {
                    self.inner(name, rest)
                }
            }
            _ => return None,
        })
    }

    /// `dotenv [-e FILE]… [-v VAR=VALUE]… [-p VAR] [--] COMMAND…` (dotenv-cli): runs the
    /// command with the env files (`.env` by default) loaded; `-p` prints one variable.
    fn dotenv_cli(&mut self, args: &[Word]) -> Own {
        let split = args.iter().position(|w| w.text == "--");
        let (options, command) = match split {
            Some(i) => (&args[..i], &args[i + 1..]),
            None => {
                let p = opts::parse(
                    args,
                    Spec {
                        short: "evpc",
                        long: &[],
                        stop_at_operand: true,
                    },
                );
                (&args[..p.rest], &args[p.rest..])
            }
        };
        let p = opts::parse(
            options,
            Spec {
                short: "evpc",
                long: &[],
                stop_at_operand: false,
            },
        );
        if let Some(var) = p.value(Some('p'), "") {
            // Prints a value straight out of the env files.
            let var = var.text.clone();
            self.read_env_files(p.values(Some('e'), "").into_iter().cloned().collect());
            self.note_secret_variable(&var);
        }
        if command.is_empty() {
            return Own::ro("`dotenv` without a command");
        }
        self.inner("dotenv", command)
    }

    /// `dotenvx run [-f FILE]… -- COMMAND…`, `dotenvx get [KEY]` (prints values), and the
    /// subcommands that rewrite env files.
    fn dotenvx(&mut self, args: &[Word]) -> Own {
        let sub = args.first().map(|w| w.text.as_str()).unwrap_or("");
        let rest = args.get(1..).unwrap_or(&[]);
        let files = |rest: &[Word]| -> Vec<Word> {
            let p = opts::parse(
                rest,
                Spec {
                    short: "f",
                    long: &["env-file"],
                    stop_at_operand: false,
                },
            );
            p.values(Some('f'), "env-file")
                .into_iter()
                .cloned()
                .collect()
        };
        match sub {
            "run" => {
                let command = match rest.iter().position(|w| w.text == "--") {
                    Some(i) => &rest[i + 1..],
                    None => &[][..],
                };
                if command.is_empty() {
                    return Own::unknown("`dotenvx run` without `--` before its command");
                }
                self.inner("dotenvx", command)
            }
            "get" => {
                self.read_env_files(files(rest));
                self.note_secret("prints values from env files");
                Own::with(
                    warden_core::Severity::Unknown,
                    crate::rules::ENV_PRINT,
                    "`dotenvx get` prints secret values from env files",
                )
            }
            _ => Own::unknown(format!(
                "`dotenvx {}` reads or changes env files",
                super::clip(sub)
            )),
        }
    }

    /// Reads the given env files, or `.env` when none is given.
    fn read_env_files(&mut self, files: Vec<Word>) {
        let files = if files.is_empty() {
            vec![Word::lit(".env")]
        } else {
            files
        };
        for f in &files {
            let loc = self.resolve(f);
            self.read_effect(&loc, "loads the environment file");
        }
    }
}

fn is_assignment(text: &str) -> bool {
    text.split_once('=').is_some_and(|(k, _)| {
        !k.is_empty()
            && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !k.starts_with(|c: char| c.is_ascii_digit())
    })
}
