//! Command patterns for `[shell]` rules and `command = …` team rules.
//!
//! # Matching, precisely
//!
//! A command is the normalised argv of one simple command that shell analysis found (wrappers
//! such as `sudo`, `env`, `bash -c` already unwrapped, quotes removed), joined with single
//! spaces: `["git", "push", "origin", "main"]` is matched as `git push origin main`. When the
//! program is written with a path (`/usr/bin/terraform`), the text with the bare program name
//! (`terraform destroy`) is tried too.
//!
//! The pattern must match the *whole* text. Runs of whitespace in the pattern count as one
//! space. `*` matches any characters, spaces and `/` included; `?` one character; `[abc]` a
//! class; `{a,b}` alternatives; `\` escapes. Matching is case-sensitive.
//!
//! | pattern | matches | does not match |
//! |---|---|---|
//! | `git push * main` | `git push origin main` | `git push origin main --force`, `git push` |
//! | `terraform destroy*` | `terraform destroy`, `terraform destroy -auto-approve` | `terraform plan` |
//! | `npm {test,run test}*` | `npm test`, `npm run test:unit` | `npm install` |
//!
//! `allow` rules never apply to commands with words analysis could not know statically
//! (variables, substitutions, globs): only `deny` and `ask` rules do.

use std::sync::OnceLock;

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};

/// Normalises a command pattern (whitespace runs → one space, trimmed) and checks its glob
/// syntax.
pub fn parse_command_pattern(pattern: &str) -> Result<String, String> {
    let text = collapse_ws(pattern);
    if text.is_empty() {
        return Err("empty command pattern".into());
    }
    build(&text).map_err(|e| format!("invalid glob: {}", e.kind()))?;
    Ok(text)
}

fn collapse_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn build(text: &str) -> Result<Glob, globset::Error> {
    GlobBuilder::new(text)
        .literal_separator(false)
        .backslash_escape(true)
        .empty_alternates(true)
        .build()
}

/// The texts a command is matched as: the argv joined, and (when the program has a path)
/// the same with the bare program name.
pub fn command_texts(argv: &[String]) -> Vec<String> {
    let mut out = Vec::with_capacity(2);
    let joined = collapse_ws(&argv.join(" "));
    out.push(joined);
    if let Some(first) = argv.first()
        && let Some((_, base)) = first.rsplit_once('/')
        && !base.is_empty()
    {
        let mut v: Vec<&str> = vec![base];
        v.extend(argv[1..].iter().map(String::as_str));
        out.push(collapse_ws(&v.join(" ")));
    }
    out
}

/// Splits an example command into words, honouring simple quotes and backslashes, for
/// checking `match` / `not_match` examples against patterns.
pub fn split_words(s: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('"'), '\\') => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            (Some(_), c) => cur.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, '\\') => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            (None, c) => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    words
}

/// A group of command patterns, compiled into one glob set on first use.
#[derive(Debug, Default)]
pub struct CommandGlobs {
    globs: Vec<(String, usize)>,
    set: OnceLock<Result<GlobSet, String>>,
}

impl CommandGlobs {
    /// Adds a normalised pattern under index `idx`.
    pub fn push(&mut self, text: String, idx: usize) {
        self.globs.push((text, idx));
        self.set = OnceLock::new();
    }

    /// True when there is no pattern.
    pub fn is_empty(&self) -> bool {
        self.globs.is_empty()
    }

    /// Indices of the patterns matching any of `texts`. `Err` when the set could not be
    /// built (callers fail closed).
    pub fn matches(&self, texts: &[String]) -> Result<Vec<usize>, String> {
        if self.globs.is_empty() {
            return Ok(Vec::new());
        }
        let set = self
            .set
            .get_or_init(|| {
                let mut b = GlobSetBuilder::new();
                for (t, _) in &self.globs {
                    b.add(build(t).map_err(|e| e.to_string())?);
                }
                b.build().map_err(|e| e.to_string())
            })
            .as_ref()
            .map_err(Clone::clone)?;
        let mut hits: Vec<usize> = texts
            .iter()
            .flat_map(|t| set.matches(t.as_str()))
            .map(|i| self.globs[i].1)
            .collect();
        hits.sort_unstable();
        hits.dedup();
        Ok(hits)
    }
}

/// Checks one pattern against one text (used for `match` / `not_match` examples).
pub fn pattern_matches(pattern: &str, argv: &[String]) -> bool {
    let mut g = CommandGlobs::default();
    g.push(pattern.to_string(), 0);
    g.matches(&command_texts(argv))
        .map(|h| !h.is_empty())
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, cmd: &str) -> bool {
        let p = parse_command_pattern(p).unwrap();
        pattern_matches(&p, &split_words(cmd))
    }

    #[test]
    fn table() {
        let cases: &[(&str, &str, bool)] = &[
            ("git push * main", "git push origin main", true),
            ("git push * main", "git push origin main --force", false),
            ("git push * main", "git push", false),
            ("terraform destroy*", "terraform destroy", true),
            (
                "terraform destroy*",
                "terraform destroy -auto-approve",
                true,
            ),
            (
                "terraform destroy*",
                "/usr/local/bin/terraform destroy",
                true,
            ),
            ("terraform destroy*", "terraform plan", false),
            ("npm {test,run test}*", "npm run test:unit", true),
            ("npm {test,run test}*", "npm install", false),
            ("psql *prod*", "psql -h prod-db.internal", true),
            ("rm -rf  node_modules", "rm -rf node_modules", true),
            ("echo 'a  b'", "echo 'a  b'", false),
            ("curl * | sh", "curl x | sh", true),
        ];
        for (p, c, want) in cases {
            assert_eq!(m(p, c), *want, "{p} vs {c}");
        }
    }

    #[test]
    fn words() {
        assert_eq!(
            split_words(r#"git commit -m "a b" 'c d' e\ f"#),
            vec!["git", "commit", "-m", "a b", "c d", "e f"]
        );
        assert_eq!(split_words("  "), Vec::<String>::new());
        assert_eq!(split_words("''"), vec![""]);
    }

    #[test]
    fn bad_pattern() {
        assert!(parse_command_pattern("a[").is_err());
        assert!(parse_command_pattern("   ").is_err());
    }
}
