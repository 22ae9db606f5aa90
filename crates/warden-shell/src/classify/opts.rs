//! A small getopt-style argument splitter shared by the command rules.

use crate::word::Word;

/// Which options of a program take a value.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Spec {
    /// Short option letters that take a value (`-o FILE`, `-oFILE`).
    pub short: &'static str,
    /// Long options that take a value (`--output FILE`, `--output=FILE`), without dashes.
    pub long: &'static [&'static str],
    /// Options stop at the first operand (POSIX style, like `sudo`, `env`, `xargs`).
    pub stop_at_operand: bool,
}

/// One parsed argument.
#[derive(Debug, Clone)]
pub(crate) enum Arg<'a> {
    /// A short option letter, with its value when it takes one.
    Short(char, Option<Word>),
    /// A long option name (without dashes), with its value when given.
    Long(String, Option<Word>),
    /// An operand.
    Pos(&'a Word),
}

/// The parsed arguments of a program (argv without the program name).
#[derive(Debug, Clone, Default)]
pub(crate) struct Parsed<'a> {
    pub args: Vec<Arg<'a>>,
    /// Index into the argument slice where operands start when `stop_at_operand` is set
    /// (everything from there on is the operand list, unparsed).
    pub rest: usize,
}

impl<'a> Parsed<'a> {
    /// Operands in order.
    pub fn operands(&self) -> Vec<&'a Word> {
        self.args
            .iter()
            .filter_map(|a| match a {
                Arg::Pos(w) => Some(*w),
                _ => None,
            })
            .collect()
    }

    /// True when the short letter is present.
    pub fn has_short(&self, c: char) -> bool {
        self.args
            .iter()
            .any(|a| matches!(a, Arg::Short(x, _) if *x == c))
    }

    /// True when a long option is present (an unambiguous prefix of at least `min` letters
    /// counts, as GNU getopt accepts it).
    pub fn has_long(&self, name: &str) -> bool {
        self.args.iter().any(|a| match a {
            Arg::Long(l, _) => long_matches(l, name),
            _ => false,
        })
    }

    /// True when either spelling is present.
    pub fn has(&self, short: char, long: &str) -> bool {
        self.has_short(short) || self.has_long(long)
    }

    /// Values of a short or long option.
    pub fn values(&self, short: Option<char>, long: &str) -> Vec<&Word> {
        self.args
            .iter()
            .filter_map(|a| match a {
                Arg::Short(c, Some(v)) if Some(*c) == short => Some(v),
                Arg::Long(l, Some(v)) if long_matches(l, long) => Some(v),
                _ => None,
            })
            .collect()
    }

    /// The last value of an option.
    pub fn value(&self, short: Option<char>, long: &str) -> Option<&Word> {
        self.values(short, long).into_iter().last()
    }
}

/// GNU accepts any unambiguous prefix of a long option; we accept prefixes of at least three
/// letters (erring towards recognising dangerous options).
pub(crate) fn long_matches(given: &str, name: &str) -> bool {
    given == name || (given.len() >= 3 && name.starts_with(given))
}

/// Splits `args` (argv without the program name) by `spec`.
pub(crate) fn parse<'a>(args: &'a [Word], spec: Spec) -> Parsed<'a> {
    let mut out = Parsed {
        args: Vec::new(),
        rest: args.len(),
    };
    let mut i = 0;
    while i < args.len() {
        let w = &args[i];
        let t = w.text.as_str();
        if t == "--" {
            out.rest = i + 1;
            for w in &args[i + 1..] {
                out.args.push(Arg::Pos(w));
            }
            return out;
        }
        if let Some(long) = t.strip_prefix("--") {
            let (name, value) = match long.split_once('=') {
                Some((n, v)) => (n.to_string(), Some(sub_word(w, v))),
                None => (long.to_string(), None),
            };
            let takes = spec.long.iter().any(|l| long_matches(&name, l));
            let value = if value.is_none() && takes {
                i += 1;
                args.get(i).cloned()
            } else {
                value
            };
            out.args.push(Arg::Long(name, value));
        } else if t.len() > 1 && t.starts_with('-') && !w.dynamic {
            let body: Vec<char> = t[1..].chars().collect();
            let mut j = 0;
            while j < body.len() {
                let c = body[j];
                if spec.short.contains(c) {
                    let rest: String = body[j + 1..].iter().collect();
                    let value = if rest.is_empty() {
                        i += 1;
                        args.get(i).cloned()
                    } else {
                        Some(sub_word(w, &rest))
                    };
                    out.args.push(Arg::Short(c, value));
                    break;
                }
                out.args.push(Arg::Short(c, None));
                j += 1;
            }
        } else {
            if spec.stop_at_operand {
                out.rest = i;
                for w in &args[i..] {
                    out.args.push(Arg::Pos(w));
                }
                return out;
            }
            out.args.push(Arg::Pos(w));
        }
        i += 1;
    }
    out
}

/// A word made of part of another word's text, keeping its dynamic flags.
pub(crate) fn sub_word(w: &Word, text: &str) -> Word {
    Word {
        text: text.to_string(),
        dynamic: w.dynamic,
        glob: w.glob,
        tilde: text.starts_with('~'),
        known_prefix: if w.dynamic || w.glob { 0 } else { text.len() },
        quoted: w.quoted,
        fetched: w.fetched,
        feed: None,
        filtered: w.filtered,
        child: w.child,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &[&str]) -> Vec<Word> {
        s.iter().map(|t| Word::lit(*t)).collect()
    }

    #[test]
    fn clusters_values_and_longs() {
        let a = words(&[
            "-rf",
            "-o",
            "out",
            "-nvalue",
            "--force=yes",
            "--out",
            "x",
            "op",
            "--",
            "-z",
        ]);
        let p = parse(
            &a,
            Spec {
                short: "on",
                long: &["output"],
                stop_at_operand: false,
            },
        );
        assert!(p.has_short('r') && p.has_short('f'));
        assert_eq!(
            p.value(Some('o'), "output").map(|w| w.text.as_str()),
            Some("x")
        );
        assert_eq!(p.values(Some('o'), "output").len(), 2);
        assert_eq!(
            p.value(Some('n'), "n").map(|w| w.text.as_str()),
            Some("value")
        );
        assert!(p.has_long("force"));
        let ops: Vec<_> = p.operands().iter().map(|w| w.text.clone()).collect();
        assert_eq!(ops, ["op", "-z"]);
    }

    #[test]
    fn stop_at_operand() {
        let a = words(&["-u", "root", "rm", "-rf", "/"]);
        let p = parse(
            &a,
            Spec {
                short: "u",
                long: &[],
                stop_at_operand: true,
            },
        );
        assert_eq!(p.rest, 2);
    }

    #[test]
    fn long_prefixes() {
        assert!(long_matches("rec", "recursive"));
        assert!(!long_matches("re", "recursive"));
        assert!(long_matches("force", "force"));
    }
}
