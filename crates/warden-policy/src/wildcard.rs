//! A small wildcard matcher for host names, MCP tool names, HTTP methods and HTTP paths.
//!
//! `*` matches any run of characters (including `.` and `/`), `?` one character, `\` escapes
//! the next character. Nothing else is special. Matching is over the whole text and runs in
//! O(pattern × text) time without allocation or backtracking blow-up.

/// True when `pattern` matches the whole of `text`.
pub fn matches(pattern: &str, text: &str) -> bool {
    let p: Vec<Tok> = tokens(pattern);
    let t: Vec<char> = text.chars().collect();
    // Classic two-pointer algorithm with a single backtrack point for the last `*`.
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some(Tok::Star) => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(Tok::Any) => {
                pi += 1;
                ti += 1;
            }
            Some(Tok::Lit(c)) if *c == t[ti] => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|t| matches!(t, Tok::Star))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Lit(char),
    Any,
    Star,
}

fn tokens(pattern: &str) -> Vec<Tok> {
    let mut out = Vec::with_capacity(pattern.len());
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '*' => {
                if out.last() != Some(&Tok::Star) {
                    out.push(Tok::Star);
                }
            }
            '?' => out.push(Tok::Any),
            '\\' => out.push(Tok::Lit(chars.next().unwrap_or('\\'))),
            c => out.push(Tok::Lit(c)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn table() {
        let cases: &[(&str, &str, bool)] = &[
            ("*.internal", "db.internal", true),
            ("*.internal", "a.b.internal", true),
            ("*.internal", "internal", false),
            ("*.internal", "internal.example.com", false),
            ("localhost", "localhost", true),
            ("localhost", "localhostx", false),
            ("/api/admin/*", "/api/admin/delete-all-users", true),
            ("/api/admin/*", "/api/admin/a/b", true),
            ("/api/admin/*", "/api/users", false),
            ("*delete*", "/v1/delete-all", true),
            ("get_*", "get_user", true),
            ("get_*", "list_users", false),
            ("?", "a", true),
            ("?", "", false),
            ("", "", true),
            ("*", "", true),
            ("a\\*", "a*", true),
            ("a\\*", "ab", false),
            ("**a**b**", "xxaxxbxx", true),
            (
                "*a*a*a*a*a*b",
                "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                false,
            ),
        ];
        for (p, t, want) in cases {
            assert_eq!(matches(p, t), *want, "{p} vs {t}");
        }
    }
}
