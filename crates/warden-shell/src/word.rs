//! Words after expansion: quotes removed, escapes decoded, unknown parts marked.

/// One argv word as analysis sees it.
///
/// `text` is the best static reading of the word: quotes are removed and escapes decoded;
/// variables Warden cannot know are kept in their `$NAME` spelling and command substitutions
/// whose output is unknown appear as `$(…)`. Anything that is not known for sure sets
/// `dynamic`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Word {
    /// Normalised text.
    pub text: String,
    /// Some part of the word is not known statically.
    pub dynamic: bool,
    /// The word holds unquoted glob characters (`*`, `?`, `[`), so it may name many files.
    pub glob: bool,
    /// The word starts with an unquoted `~` that means the home directory.
    pub tilde: bool,
    /// Byte length of the leading part of `text` that is literal (not dynamic, not a glob).
    pub known_prefix: usize,
    /// At least one part of the word was quoted (an empty quoted word is still a word).
    pub quoted: bool,
    /// Part of the word came from the network or from a decoded blob (`$(curl …)`,
    /// `<(wget …)`, `$(base64 -d …)`): running it as code is remote code execution.
    pub fetched: bool,
    /// For a process substitution `<(…)` whose output is known text: that text.
    pub feed: Option<String>,
    /// The word names paths strictly inside its literal prefix, selected by a filter
    /// (`find DIR -name PAT -exec rm {} +`), not everything there.
    pub filtered: bool,
    /// The word names only paths inside its literal prefix directory, never the directory
    /// itself or anything outside it (`find DIR … {}`).
    pub child: bool,
}

impl Word {
    /// A fully literal word.
    pub fn lit(text: impl Into<String>) -> Self {
        let text = text.into();
        Word {
            known_prefix: text.len(),
            text,
            ..Word::default()
        }
    }

    /// A word whose content is unknown (for example the input lines `xargs` appends).
    pub fn unknown(label: &str) -> Self {
        Word {
            text: label.to_string(),
            dynamic: true,
            known_prefix: 0,
            ..Word::default()
        }
    }

    /// True when the whole word is known and has no glob.
    pub fn is_static(&self) -> bool {
        !self.dynamic && !self.glob
    }

    /// Appends literal text.
    pub fn push_lit(&mut self, s: &str) {
        if self.known_prefix == self.text.len() && !self.dynamic && !self.glob {
            self.known_prefix += s.len();
        }
        self.text.push_str(s);
    }

    /// Appends text that is not known (shown for people as `s`).
    pub fn push_dynamic(&mut self, s: &str) {
        self.dynamic = true;
        self.text.push_str(s);
    }

    /// Appends an unquoted glob fragment.
    pub fn push_glob(&mut self, s: &str) {
        let at = s.find(is_glob_char).unwrap_or(s.len());
        if self.known_prefix == self.text.len() && !self.dynamic && !self.glob {
            self.known_prefix += at;
        }
        self.glob = true;
        self.text.push_str(s);
    }
}

/// True for the characters that make an unquoted word a pathname pattern.
pub(crate) fn is_glob_char(c: char) -> bool {
    matches!(c, '*' | '?' | '[')
}

/// True when unquoted text is a pathname pattern: `*`, `?`, or a `[…]` bracket expression.
pub(crate) fn is_glob_text(t: &str) -> bool {
    t.contains(['*', '?']) || t.find('[').is_some_and(|i| t[i + 1..].contains(']'))
}

/// Decodes the body of an ANSI-C quoted string (`$'…'`).
pub(crate) fn decode_ansi_c(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = chars.next() else {
            out.push('\\');
            break;
        };
        match e {
            'a' => out.push('\u{7}'),
            'b' => out.push('\u{8}'),
            'e' | 'E' => out.push('\u{1b}'),
            'f' => out.push('\u{c}'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'v' => out.push('\u{b}'),
            '\\' | '\'' | '"' | '?' => out.push(e),
            'x' => push_code(&mut out, &mut chars, 16, 2),
            'u' => push_code(&mut out, &mut chars, 16, 4),
            'U' => push_code(&mut out, &mut chars, 16, 8),
            '0'..='7' => {
                let mut v = e.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    match chars.peek().and_then(|c| c.to_digit(8)) {
                        Some(d) => {
                            v = v * 8 + d;
                            chars.next();
                        }
                        None => break,
                    }
                }
                out.push(char::from_u32(v & 0xff).unwrap_or('\u{fffd}'));
            }
            'c' => {
                if let Some(x) = chars.next() {
                    out.push(char::from_u32((x as u32) & 0x1f).unwrap_or('\u{fffd}'));
                }
            }
            other => {
                out.push('\\');
                out.push(other);
            }
        }
    }
    out
}

fn push_code(
    out: &mut String,
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    radix: u32,
    max: usize,
) {
    let mut v: u32 = 0;
    let mut n = 0;
    while n < max {
        match chars.peek().and_then(|c| c.to_digit(radix)) {
            Some(d) => {
                v = v.saturating_mul(radix).saturating_add(d);
                chars.next();
                n += 1;
            }
            None => break,
        }
    }
    if n == 0 {
        out.push('\\');
        out.push(if max == 2 { 'x' } else { 'u' });
    } else {
        out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
    }
}

/// Removes the backslashes that are special inside a backquoted command substitution
/// (before `$`, `` ` `` and `\`), giving the command text the inner shell parses.
pub(crate) fn unescape_backquoted(s: &str, in_double_quotes: bool) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.peek() {
                Some(&n) if n == '$' || n == '`' || n == '\\' || (in_double_quotes && n == '"') => {
                    out.push(n);
                    chars.next();
                }
                _ => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Splits a string into shell-ish words with quotes removed, for strings that a program
/// splits itself (`env -S`, `watch` without `-x`). Never fails: unbalanced quotes end at
/// the end of input.
pub(crate) fn split_simple(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for d in chars.by_ref() {
                    if d == '\'' {
                        break;
                    }
                    cur.push(d);
                }
            }
            '"' => {
                in_word = true;
                while let Some(d) = chars.next() {
                    match d {
                        '"' => break,
                        '\\' => {
                            if let Some(e) = chars.next() {
                                cur.push(e);
                            }
                        }
                        _ => cur.push(d),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(e) = chars.next() {
                    cur.push(e);
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        out.push(cur);
    }
    out
}

/// The program name of an argv word: its last path component (`/usr/bin/rm` → `rm`).
pub(crate) fn basename(s: &str) -> &str {
    let s = s.trim_end_matches('/');
    s.rsplit('/').next().unwrap_or(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ansi_c_decoding() {
        let cases = [
            (r"\x72m", "rm"),
            (r"\162\155", "rm"),
            (r"\u0072m", "rm"),
            (r"a\tb", "a\tb"),
            (r"\'", "'"),
            (r"\q", r"\q"),
            (r"\x", r"\x"),
            (r"\cA", "\u{1}"),
        ];
        for (input, want) in cases {
            assert_eq!(decode_ansi_c(input), want, "{input}");
        }
    }

    #[test]
    fn backquote_unescaping() {
        assert_eq!(unescape_backquoted(r"echo \`id\`", false), "echo `id`");
        assert_eq!(
            unescape_backquoted(r"echo \$HOME \n", false),
            r"echo $HOME \n"
        );
        assert_eq!(unescape_backquoted(r#"echo \"x\""#, true), r#"echo "x""#);
    }

    #[test]
    fn simple_split() {
        assert_eq!(
            split_simple(r#"rm -rf "a b" 'c d' e\ f"#),
            ["rm", "-rf", "a b", "c d", "e f"]
        );
        assert_eq!(split_simple("  "), Vec::<String>::new());
        assert_eq!(split_simple("''"), [""]);
    }

    #[test]
    fn basenames() {
        assert_eq!(basename("/usr/bin/rm"), "rm");
        assert_eq!(basename("rm"), "rm");
        assert_eq!(basename("./x/"), "x");
    }

    #[test]
    fn known_prefix_tracks_first_unknown_part() {
        let mut w = Word::default();
        w.push_lit("/home/");
        w.push_dynamic("$X");
        w.push_lit("/y");
        assert_eq!(&w.text[..w.known_prefix], "/home/");
        let mut g = Word::default();
        g.push_lit("src/");
        g.push_glob("*.rs");
        assert_eq!(&g.text[..g.known_prefix], "src/");
        assert!(g.glob && !g.dynamic);
    }
}
