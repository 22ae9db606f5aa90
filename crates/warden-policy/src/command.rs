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

use crate::glob::Glob;

/// Normalises a command pattern (whitespace runs → one space, trimmed) and parses it.
/// Returns the normalised text and the glob.
pub fn parse_command_pattern(pattern: &str) -> Result<(String, Glob), String> {
    let text = collapse_ws(pattern);
    if text.is_empty() {
        return Err("empty command pattern".into());
    }
    let glob = Glob::new(&text, false, false).map_err(|e| format!("invalid glob: {e}"))?;
    Ok((text, glob))
}

fn collapse_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
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

/// A group of command patterns.
#[derive(Debug, Default)]
pub struct CommandGlobs {
    globs: Vec<(Glob, usize)>,
}

impl CommandGlobs {
    /// Adds a pattern (from [`parse_command_pattern`]) under index `idx`.
    pub fn push(&mut self, glob: Glob, idx: usize) {
        self.globs.push((glob, idx));
    }

    /// True when there is no pattern.
    pub fn is_empty(&self) -> bool {
        self.globs.is_empty()
    }

    /// Indices of the patterns matching any of `texts` (sorted, deduplicated).
    pub fn matches(&self, texts: &[String]) -> Vec<usize> {
        if self.globs.is_empty() {
            return Vec::new();
        }
        let texts: Vec<Vec<char>> = texts.iter().map(|t| t.chars().collect()).collect();
        let mut hits: Vec<usize> = self
            .globs
            .iter()
            .filter(|(g, _)| texts.iter().any(|t| g.is_match_chars(t)))
            .map(|(_, i)| *i)
            .collect();
        hits.sort_unstable();
        hits.dedup();
        hits
    }
}

/// Checks one pattern against one command (used for `match` / `not_match` examples).
pub fn pattern_matches(glob: &Glob, argv: &[String]) -> bool {
    command_texts(argv).iter().any(|t| glob.is_match(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, cmd: &str) -> bool {
        let (_, g) = parse_command_pattern(p).unwrap();
        pattern_matches(&g, &split_words(cmd))
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
