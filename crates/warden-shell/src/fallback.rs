//! A tolerant scan for input the strict parser rejects: split at every operator, quote and
//! substitution boundary, and classify what looks like a command. Its findings are raised
//! to at least `Unknown`, so a tolerant reading can only make the answer stricter.

use warden_core::Severity;

use crate::walk::Walker;
use crate::word::{Word, decode_ansi_c};

/// Most segments classified from one unparseable input.
const MAX_SEGMENTS: usize = 512;
/// Most nested tolerant scans (a scan may classify `sh -c '…'`, which may fail to parse).
const MAX_FALLBACK_DEPTH: usize = 2;

/// Scans `code` tolerantly and records what it finds in `w`.
pub(crate) fn scan(w: &mut Walker<'_>, code: &str) {
    if w.fallback_depth >= MAX_FALLBACK_DEPTH {
        return;
    }
    w.fallback_depth += 1;
    let before = w.effects.len();
    let saved_stdin = std::mem::take(&mut w.stdin);
    let mut prev_out: Option<crate::walk::Out> = None;
    for (seg, piped) in segments(code).into_iter().take(MAX_SEGMENTS) {
        w.stdin = match (piped, prev_out.take()) {
            (true, Some(o)) => crate::walk::Stdin::Pipe(o),
            _ => crate::walk::Stdin::Inherited,
        };
        let words: Vec<Word> = seg
            .into_iter()
            .map(|t| {
                let mut word = Word::lit(t.text);
                word.tilde = t.tilde;
                word.dynamic = t.dynamic;
                word.glob = t.glob;
                if t.dynamic || t.glob {
                    word.known_prefix = 0;
                }
                word
            })
            .collect();
        // Skip leading assignments.
        let start = words
            .iter()
            .position(|x| !is_assignment(&x.text) && !is_keyword(&x.text))
            .unwrap_or(words.len());
        if start < words.len() {
            w.out = Default::default();
            w.run(&words[start..]);
            prev_out = Some(std::mem::take(&mut w.out));
        }
    }
    w.stdin = saved_stdin;
    for e in &mut w.effects[before..] {
        if e.severity < Severity::Unknown {
            e.severity = Severity::Unknown;
        }
    }
    w.fallback_depth -= 1;
}

fn is_keyword(t: &str) -> bool {
    matches!(
        t,
        "if" | "then"
            | "else"
            | "elif"
            | "fi"
            | "do"
            | "done"
            | "while"
            | "until"
            | "for"
            | "in"
            | "case"
            | "esac"
            | "!"
            | "time"
            | "function"
            | "select"
            | "coproc"
    )
}

fn is_assignment(t: &str) -> bool {
    match t.split_once('=') {
        Some((k, _)) => {
            !k.is_empty()
                && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !k.starts_with(|c: char| c.is_ascii_digit())
        }
        None => false,
    }
}

#[derive(Default)]
struct Tok {
    text: String,
    tilde: bool,
    dynamic: bool,
    glob: bool,
    started: bool,
}

/// Splits code into segments of words, each marked when it reads the previous one's output
/// through a pipe.
fn segments(code: &str) -> Vec<(Vec<Tok>, bool)> {
    let mut out: Vec<(Vec<Tok>, bool)> = Vec::new();
    let mut piped = false;
    let mut seg: Vec<Tok> = Vec::new();
    let mut cur = Tok::default();
    let mut chars = code.chars().peekable();
    let flush_word = |cur: &mut Tok, seg: &mut Vec<Tok>| {
        if cur.started {
            seg.push(std::mem::take(cur));
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                cur.started = true;
                for d in chars.by_ref() {
                    if d == '\'' {
                        break;
                    }
                    cur.text.push(d);
                }
            }
            '"' => {
                cur.started = true;
                while let Some(d) = chars.next() {
                    match d {
                        '"' => break,
                        '\\' => {
                            if let Some(e) = chars.next() {
                                cur.text.push(e);
                            }
                        }
                        '$' if chars.peek() == Some(&'(') => {
                            // A substitution inside quotes: read on as unquoted code, so
                            // that the commands inside get their own segment.
                            chars.next();
                            cur.dynamic = true;
                            flush_word(&mut cur, &mut seg);
                            if !seg.is_empty() {
                                {
                                    out.push((std::mem::take(&mut seg), piped));
                                    piped = false;
                                }
                            }
                            break;
                        }
                        '`' => {
                            flush_word(&mut cur, &mut seg);
                            if !seg.is_empty() {
                                {
                                    out.push((std::mem::take(&mut seg), piped));
                                    piped = false;
                                }
                            }
                            break;
                        }
                        '$' => {
                            cur.dynamic = true;
                            cur.text.push('$');
                        }
                        _ => cur.text.push(d),
                    }
                }
            }
            '\\' => {
                cur.started = true;
                if let Some(e) = chars.next()
                    && e != '\n'
                {
                    cur.text.push(e);
                }
            }
            '$' if chars.peek() == Some(&'\'') => {
                chars.next();
                cur.started = true;
                let mut body = String::new();
                while let Some(d) = chars.next() {
                    match d {
                        '\'' => break,
                        '\\' => {
                            body.push('\\');
                            if let Some(e) = chars.next() {
                                body.push(e);
                            }
                        }
                        _ => body.push(d),
                    }
                }
                cur.text.push_str(&decode_ansi_c(&body));
            }
            '$' if chars.peek() == Some(&'(') => {
                chars.next();
                flush_word(&mut cur, &mut seg);
                if !seg.is_empty() {
                    {
                        out.push((std::mem::take(&mut seg), piped));
                        piped = false;
                    }
                }
            }
            '$' => {
                cur.started = true;
                cur.dynamic = true;
                cur.text.push('$');
            }
            '~' if !cur.started => {
                cur.started = true;
                cur.tilde = true;
                cur.text.push('~');
            }
            '*' | '?' | '[' => {
                cur.started = true;
                cur.glob = true;
                cur.text.push(c);
            }
            ';' | '&' | '|' | '\n' | '(' | ')' | '`' | '{' | '}' | '<' | '>' => {
                flush_word(&mut cur, &mut seg);
                if matches!(c, '<' | '>') {
                    // A redirect target is not an argument.
                    while chars.peek().is_some_and(|d| matches!(d, '>' | '&' | '|')) {
                        chars.next();
                    }
                    while chars.peek().is_some_and(|d| *d == ' ') {
                        chars.next();
                    }
                    let mut target = String::new();
                    while let Some(&d) = chars.peek() {
                        if d.is_whitespace() || matches!(d, ';' | '&' | '|' | ')') {
                            break;
                        }
                        target.push(d);
                        chars.next();
                    }
                    if target.starts_with("/dev/sd") || target.starts_with("/dev/nvme") {
                        out.push((
                            vec![
                                Tok {
                                    text: "dd".into(),
                                    started: true,
                                    ..Tok::default()
                                },
                                Tok {
                                    text: format!("of={target}"),
                                    started: true,
                                    ..Tok::default()
                                },
                            ],
                            false,
                        ));
                    }
                    continue;
                }
                if !seg.is_empty() {
                    out.push((std::mem::take(&mut seg), piped));
                }
                piped = c == '|' && chars.peek() != Some(&'|');
                if c == '|' && chars.peek() == Some(&'|') {
                    chars.next();
                }
            }
            c if c.is_whitespace() => flush_word(&mut cur, &mut seg),
            c => {
                cur.started = true;
                cur.text.push(c);
            }
        }
    }
    flush_word(&mut cur, &mut seg);
    if !seg.is_empty() {
        out.push((seg, piped));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(code: &str) -> Vec<Vec<String>> {
        segments(code)
            .into_iter()
            .map(|(s, _)| s.into_iter().map(|t| t.text).collect())
            .collect()
    }

    #[test]
    fn splits_at_operators_and_substitutions() {
        assert_eq!(
            texts("ls; rm -rf / &"),
            vec![vec!["ls"], vec!["rm", "-rf", "/"]]
        );
        assert_eq!(
            texts("echo \"$(rm -rf ~)"),
            vec![vec!["echo", ""], vec!["rm", "-rf", "~"]]
        );
        assert_eq!(texts("r\\m 'a b' $'\\x72m'"), vec![vec!["rm", "a b", "rm"]]);
        assert_eq!(
            texts("if [ x ]; then rm -rf /; fi fi"),
            vec![
                vec!["if", "[", "x", "]"],
                vec!["then", "rm", "-rf", "/"],
                vec!["fi", "fi"]
            ]
        );
    }
}
