//! Globs for policy path and command patterns, matched directly (no regex compilation).
//!
//! A fresh hook process loads the policy on every tool call, so patterns must cost nothing to
//! prepare: parsing is a single pass into tokens and matching simulates the pattern over the
//! text in O(pattern × text) time, without backtracking blow-up.
//!
//! Syntax: `*` any run of characters (in path mode: not `/`), `**` any run including `/`,
//! `**/` zero or more whole directories, `?` one character (in path mode: not `/`), `[abc]`,
//! `[a-z]`, `[!a-z]` / `[^a-z]` a class, `{a,b}` alternatives (nesting allowed), `\`
//! escapes the next character.

/// The most alternatives one pattern may expand to through `{…}`.
const MAX_ALTERNATIVES: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Lit(char),
    Any,
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
    Star,
    DoubleStar,
    DirStar,
}

/// A parsed glob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glob {
    alternatives: Vec<Vec<Tok>>,
    path_mode: bool,
    case_insensitive: bool,
}

impl Glob {
    /// Parses a pattern. In `path_mode`, `*`, `?` and classes never match `/`.
    pub fn new(pattern: &str, path_mode: bool, case_insensitive: bool) -> Result<Glob, String> {
        let text = if case_insensitive {
            pattern.to_lowercase()
        } else {
            pattern.to_string()
        };
        let expanded = expand_braces(&text)?;
        let mut alternatives = Vec::with_capacity(expanded.len());
        for alt in expanded {
            alternatives.push(tokenize(&alt)?);
        }
        Ok(Glob {
            alternatives,
            path_mode,
            case_insensitive,
        })
    }

    /// True when the glob matches the whole text.
    pub fn is_match(&self, text: &str) -> bool {
        let chars: Vec<char> = if self.case_insensitive {
            text.to_lowercase().chars().collect()
        } else {
            text.chars().collect()
        };
        self.is_match_chars(&chars)
    }

    /// Like [`Glob::is_match`] over text already split into characters (and lower-cased
    /// when the glob is case-insensitive).
    pub fn is_match_chars(&self, text: &[char]) -> bool {
        self.alternatives
            .iter()
            .any(|toks| run(toks, text, self.path_mode))
    }

    /// Whether the glob wants lower-cased text.
    pub fn case_insensitive(&self) -> bool {
        self.case_insensitive
    }
}

/// Simulates the token list over the text: `reach[i]` says the tokens so far can end just
/// before character `i`.
fn run(toks: &[Tok], text: &[char], path_mode: bool) -> bool {
    let n = text.len();
    let mut reach = vec![false; n + 1];
    reach[0] = true;
    let mut next = vec![false; n + 1];
    let sep_ok = |c: char| !path_mode || c != '/';
    for tok in toks {
        next.iter_mut().for_each(|b| *b = false);
        match tok {
            Tok::Lit(c) => {
                for i in 0..n {
                    if reach[i] && text[i] == *c {
                        next[i + 1] = true;
                    }
                }
            }
            Tok::Any => {
                for i in 0..n {
                    if reach[i] && sep_ok(text[i]) {
                        next[i + 1] = true;
                    }
                }
            }
            Tok::Class { negated, ranges } => {
                for i in 0..n {
                    if reach[i] && sep_ok(text[i]) {
                        let c = text[i];
                        let inside = ranges.iter().any(|(lo, hi)| *lo <= c && c <= *hi);
                        if inside != *negated {
                            next[i + 1] = true;
                        }
                    }
                }
            }
            Tok::Star => {
                let mut on = false;
                for i in 0..=n {
                    if reach[i] {
                        on = true;
                    }
                    if on {
                        next[i] = true;
                    }
                    if i < n && !sep_ok(text[i]) {
                        on = false;
                    }
                }
            }
            Tok::DoubleStar => {
                if let Some(first) = reach.iter().position(|&b| b) {
                    next[first..].iter_mut().for_each(|b| *b = true);
                }
            }
            Tok::DirStar => {
                let mut on = false;
                for i in 0..=n {
                    if reach[i] {
                        next[i] = true;
                        on = true;
                    }
                    if on && i > 0 && text[i - 1] == '/' {
                        next[i] = true;
                    }
                }
            }
        }
        std::mem::swap(&mut reach, &mut next);
        if !reach.iter().any(|&b| b) {
            return false;
        }
    }
    reach[n]
}

fn tokenize(p: &str) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = p.chars().collect();
    let mut out = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' => {
                i += 1;
                out.push(Tok::Lit(chars.get(i).copied().unwrap_or('\\')));
            }
            '*' => {
                let mut j = i;
                while j < chars.len() && chars[j] == '*' {
                    j += 1;
                }
                if j - i >= 2 {
                    let at_segment_start = i == 0 || chars[i - 1] == '/';
                    if at_segment_start && chars.get(j) == Some(&'/') {
                        out.push(Tok::DirStar);
                        j += 1;
                    } else {
                        out.push(Tok::DoubleStar);
                    }
                } else {
                    out.push(Tok::Star);
                }
                i = j;
                continue;
            }
            '?' => out.push(Tok::Any),
            '[' => {
                let (tok, end) = class(&chars, i)?;
                out.push(tok);
                i = end;
            }
            c => out.push(Tok::Lit(c)),
        }
        i += 1;
    }
    Ok(out)
}

/// Parses a class starting at `chars[start] == '['`; returns it and the index of its `]`.
fn class(chars: &[char], start: usize) -> Result<(Tok, usize), String> {
    let mut i = start + 1;
    let negated = matches!(chars.get(i), Some('!' | '^'));
    if negated {
        i += 1;
    }
    let mut ranges = Vec::new();
    let mut first = true;
    loop {
        let Some(&c) = chars.get(i) else {
            return Err("unclosed character class; missing `]`".into());
        };
        if c == ']' && !first {
            break;
        }
        first = false;
        let lo = if c == '\\' {
            i += 1;
            *chars
                .get(i)
                .ok_or_else(|| "unclosed character class; missing `]`".to_string())?
        } else {
            c
        };
        if chars.get(i + 1) == Some(&'-') && chars.get(i + 2).is_some_and(|&h| h != ']') {
            let hi = chars[i + 2];
            if hi < lo {
                return Err(format!("invalid range `{lo}-{hi}` in character class"));
            }
            ranges.push((lo, hi));
            i += 3;
        } else {
            ranges.push((lo, lo));
            i += 1;
        }
    }
    Ok((Tok::Class { negated, ranges }, i))
}

/// Expands `{a,b}` alternatives (nested, escapes honoured) into plain patterns.
fn expand_braces(p: &str) -> Result<Vec<String>, String> {
    let chars: Vec<char> = p.chars().collect();
    // Find the first top-level `{` not escaped and not inside a class.
    let mut i = 0;
    let mut in_class = false;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 1,
            '[' if !in_class => in_class = true,
            ']' if in_class => in_class = false,
            '{' if !in_class => break,
            _ => {}
        }
        i += 1;
    }
    if i >= chars.len() {
        return Ok(vec![p.to_string()]);
    }
    let open = i;
    let mut depth = 0;
    let mut parts = Vec::new();
    let mut part_start = open + 1;
    let mut close = None;
    let mut j = open;
    while j < chars.len() {
        match chars[j] {
            '\\' => j += 1,
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    parts.push(chars[part_start..j].iter().collect::<String>());
                    close = Some(j);
                    break;
                }
            }
            ',' if depth == 1 => {
                parts.push(chars[part_start..j].iter().collect::<String>());
                part_start = j + 1;
            }
            _ => {}
        }
        j += 1;
    }
    let Some(close) = close else {
        return Err("unclosed alternation; missing `}`".into());
    };
    let prefix: String = chars[..open].iter().collect();
    let suffix: String = chars[close + 1..].iter().collect();
    let mut out = Vec::new();
    for part in parts {
        for expanded in expand_braces(&format!("{prefix}{part}{suffix}"))? {
            out.push(expanded);
            if out.len() > MAX_ALTERNATIVES {
                return Err(format!(
                    "the pattern expands to more than {MAX_ALTERNATIVES} alternatives"
                ));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(p: &str, t: &str) -> bool {
        Glob::new(p, true, false).unwrap().is_match(t)
    }

    fn cmd(p: &str, t: &str) -> bool {
        Glob::new(p, false, false).unwrap().is_match(t)
    }

    #[test]
    fn path_table() {
        let cases: &[(&str, &str, bool)] = &[
            ("*.pem", "a.pem", true),
            ("*.pem", "d/a.pem", false),
            ("**/*.pem", "a.pem", true),
            ("**/*.pem", "d/e/a.pem", true),
            ("**/*.pem", "/abs/d/a.pem", true),
            ("secrets/**", "secrets/a/b", true),
            ("secrets/**", "secrets", false),
            ("**/secrets/**", "x/secrets/y", true),
            ("**/secrets/**", "secrets/y", true),
            ("**/secrets/**", "x/secretsy/z", false),
            ("a/**/b", "a/b", true),
            ("a/**/b", "a/x/y/b", true),
            ("a/**/b", "a/xb", false),
            ("a/**", "a/x", true),
            ("/docs/*.md", "/docs/a.md", true),
            ("/docs/*.md", "/docs/x/a.md", false),
            ("?.txt", "a.txt", true),
            ("?.txt", "/.txt", false),
            ("[ab].txt", "b.txt", true),
            ("[!ab].txt", "b.txt", false),
            ("[!ab].txt", "c.txt", true),
            ("[a-c]x", "bx", true),
            ("[]]", "]", true),
            ("{a,b}.txt", "b.txt", true),
            ("{a,b{c,d}}.txt", "bd.txt", true),
            ("{a,b{c,d}}.txt", "b.txt", false),
            ("x\\*", "x*", true),
            ("x\\*", "xy", false),
            ("**", "", true),
            ("**", "a/b", true),
            ("*", "", true),
            ("*", "a/b", false),
        ];
        for (p, t, want) in cases {
            assert_eq!(path(p, t), *want, "{p} vs {t}");
        }
    }

    #[test]
    fn command_table() {
        assert!(cmd("git push * main", "git push origin main"));
        assert!(cmd("terraform destroy*", "terraform destroy -target=a/b"));
        assert!(!cmd("git push * main", "git push origin main --force"));
        assert!(cmd("npm {test,run test}*", "npm run test:unit"));
    }

    #[test]
    fn case_insensitive() {
        let g = Glob::new("*.PEM", true, true).unwrap();
        assert!(g.is_match("Key.pem"));
        assert!(g.is_match("KEY.PEM"));
    }

    #[test]
    fn errors() {
        assert!(Glob::new("a[", true, false).is_err());
        assert!(Glob::new("a{b", true, false).is_err());
        assert!(Glob::new("[z-a]", true, false).is_err());
        assert!(Glob::new("{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}", true, false).is_err());
    }

    #[test]
    fn pathological_input_is_linear() {
        let g = Glob::new(&"*a".repeat(50), false, false).unwrap();
        let text = "a".repeat(2000) + "b";
        assert!(!g.is_match(&text));
    }
}
