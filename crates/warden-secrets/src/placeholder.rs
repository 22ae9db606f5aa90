//! Recognising values that only look like secrets: placeholders, templates, references to
//! the environment, documentation keys and well-known defaults.
//!
//! [`is_placeholder`] is applied to every candidate secret after its rule matched. It is
//! deliberately narrow for random-looking tokens (a provider prefix followed by 30 random
//! characters is never a placeholder just because it contains `FAKE`), and broad for the
//! shapes people type by hand: `changeme`, `xxxx`, `<token>`, `${VAR}`, `{{ var }}`,
//! `process.env.X`, `your_api_key_here`, `12345678`.

/// Longest candidate examined; longer values are never placeholders (a placeholder is typed
/// by hand and short).
const MAX_LEN: usize = 4096;

/// Documentation keys published by providers, exactly as they appear in their docs, and the
/// article's own example. Compared case-sensitively against the whole candidate.
const DOCUMENTATION_KEYS: &[&str] = &[
    // AWS's documentation key pair.
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "AKIAI44QH8DHBEXAMPLE",
    "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
    // The article's placeholder for an OpenAI key.
    "sk-1234567890abcdef",
    // RFC 6749 (OAuth 2.0) examples: client credentials, access and refresh tokens.
    "czZCaGRSa3F0MzpnWDFmQmF0M2JW",
    "2YotnFZFEjr1zCsicMWpAA",
    "tGzv3JOkF0XG5Qx2TlKWIA",
    // Azure's documented development-storage (Azurite) account key.
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
];

/// Words that mark a value as a stand-in when they make up the whole value (ignoring case,
/// separators and surrounding punctuation).
const PLACEHOLDER_WORDS: &[&str] = &[
    "changeme",
    "changeit",
    "change_me",
    "password",
    "passwd",
    "secret",
    "token",
    "apikey",
    "api_key",
    "redacted",
    "removed",
    "hidden",
    "masked",
    "example",
    "sample",
    "dummy",
    "placeholder",
    "replaceme",
    "replace_me",
    "todo",
    "tbd",
    "fixme",
    "none",
    "null",
    "nil",
    "undefined",
    "empty",
    "default",
    "test",
    "testing",
    "notasecret",
    "not_a_secret",
    "notsecret",
    "insert_here",
    "fill_me_in",
    "foobar",
    "foo",
    "bar",
    "baz",
    "qwerty",
    "letmein",
    "abc123",
    "hunter2",
    "admin",
    "root",
    "guest",
    "user",
    "username",
    "postgres",
    "mysql",
    "redis",
    "mongo",
    "rabbitmq",
    "pass",
    "pwd",
    "xxx",
    "required",
    "optional",
    "string",
    "value",
    "your",
    "true",
    "false",
    "yes",
    "no",
];

/// Fragments that mark a value as a stand-in wherever they occur (compared lower-case).
const PLACEHOLDER_FRAGMENTS: &[&str] = &[
    "your_",
    "your-",
    "yourapi",
    "yourtoken",
    "yoursecret",
    "yourpassword",
    "_here",
    "-here",
    "here_",
    "<",
    ">",
    "${",
    "$(",
    "{{",
    "}}",
    "{%",
    "%}",
    "process.env",
    "os.environ",
    "os.getenv",
    "getenv(",
    "env(",
    "env::var",
    "env.",
    "secrets.",
    "vault:",
    "ssm:",
    "insert",
    "replace",
    "placeholder",
    "redacted",
    "changeme",
    "change_me",
    "change-me",
    "xxxxx",
    "*****",
    "•••",
    "....",
    "dummy",
    "notreal",
    "not_real",
    "not-real",
];

/// True when `secret` is a placeholder, a template or reference, a documentation key, a
/// well-known default, or too regular to be a generated secret.
#[must_use]
pub fn is_placeholder(secret: &str) -> bool {
    let s = secret.trim();
    if s.is_empty() {
        return true;
    }
    if s.len() > MAX_LEN {
        return false;
    }
    if DOCUMENTATION_KEYS.contains(&s) {
        return true;
    }
    let lower = s.to_ascii_lowercase();
    if is_reference(s, &lower) {
        return true;
    }
    if PLACEHOLDER_FRAGMENTS.iter().any(|f| lower.contains(f)) {
        return true;
    }
    let core: String = lower
        .trim_matches(|c: char| !c.is_ascii_alphanumeric())
        .chars()
        .filter(|c| *c != '-' && *c != '.' && *c != ' ')
        .collect();
    if PLACEHOLDER_WORDS.contains(&core.as_str())
        || PLACEHOLDER_WORDS
            .iter()
            .any(|w| core.trim_end_matches(|c: char| c.is_ascii_digit()) == *w)
    {
        return true;
    }
    if aws_doc_style(s) {
        return true;
    }
    too_regular(s)
}

/// References to a value held elsewhere: shell/env expansion, template markers, format
/// verbs, code reading the environment.
fn is_reference(s: &str, lower: &str) -> bool {
    let first = s.as_bytes()[0];
    // `$VAR`, `%VAR%`, `%s`, `@var@`, `:var` (Rails/SQL binds)
    if matches!(first, b'$' | b'%' | b'@') {
        return true;
    }
    if s.len() <= 3 {
        return true;
    }
    // YAML tags standing in for a value: `!secret name`, `!vault |`, `!Ref Param`.
    if first == b'!' && s[1..].bytes().all(|b| b.is_ascii_alphabetic()) {
        return true;
    }
    // `[REDACTED]`, `(hidden)`, `<token>` and other bracketed stand-ins
    let bracketed = |o: char, c: char| s.starts_with(o) && s.ends_with(c);
    if bracketed('[', ']') || bracketed('(', ')') || bracketed('<', '>') || bracketed('{', '}') {
        return true;
    }
    // member chains ending in a call: `config.get("x")`, `getpass()`
    lower.ends_with("()") || lower.ends_with(')') && lower.contains('(')
}

/// AWS documentation convention: key ids ending in `EXAMPLE` and secret keys ending in
/// `EXAMPLEKEY`; most providers' docs follow suit with an `EXAMPLE` suffix.
fn aws_doc_style(s: &str) -> bool {
    s.ends_with("EXAMPLE") || s.ends_with("EXAMPLEKEY") || s.ends_with("_example")
}

/// Values with too little variety to be generated: one repeated character, one repeated
/// short unit (`abcabcabc`), an ascending or descending run (`12345678`, `abcdefg`), or only
/// punctuation (`********`).
fn too_regular(s: &str) -> bool {
    let b = s.as_bytes();
    if b.iter().all(|c| !c.is_ascii_alphanumeric()) {
        return true;
    }
    // Repeated unit of length 1..=4 covering the whole value.
    for unit in 1..=4.min(b.len() / 2) {
        if b.len().is_multiple_of(unit) && b.chunks(unit).all(|c| c == &b[..unit]) {
            return true;
        }
    }
    // A long ascending or descending run (`12345678`, `abcdef`) making up much of the value.
    let alnum: Vec<u8> = b
        .iter()
        .copied()
        .filter(u8::is_ascii_alphanumeric)
        .collect();
    let run = longest_run(&alnum);
    if run >= 6 && run * 10 >= alnum.len() * 4 {
        return true;
    }
    // Mostly one character (a mask with a few real characters, `xxxxxxxxxxxx1234`).
    let mut counts = [0usize; 256];
    for &c in b {
        counts[usize::from(c.to_ascii_lowercase())] += 1;
    }
    let max = counts.iter().copied().max().unwrap_or(0);
    b.len() >= 8 && max * 10 >= b.len() * 6
}

/// Length of the longest run of consecutive characters stepping by exactly one (up or down).
fn longest_run(b: &[u8]) -> usize {
    let (mut best, mut up, mut down) = (usize::from(!b.is_empty()), 1usize, 1usize);
    for w in b.windows(2) {
        up = if w[1] == w[0].wrapping_add(1) {
            up + 1
        } else {
            1
        };
        down = if w[0] == w[1].wrapping_add(1) {
            down + 1
        } else {
            1
        };
        best = best.max(up).max(down);
    }
    best
}

#[cfg(test)]
mod tests {
    use super::is_placeholder;

    #[test]
    fn placeholders() {
        for p in [
            "changeme",
            "CHANGEME",
            "change-me",
            "xxxxxxxxxxxxxxxx",
            "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
            "<token>",
            "<YOUR_API_KEY>",
            "${VAR}",
            "${{ secrets.GITHUB_TOKEN }}",
            "{{ var }}",
            "{{api_key}}",
            "%s",
            "%(password)s",
            "$PASSWORD",
            "process.env.OPENAI_API_KEY",
            "os.environ[\"TOKEN\"]",
            "os.getenv('TOKEN')",
            "getpass()",
            "your_api_key_here",
            "YOUR-TOKEN-HERE",
            "insert-your-key",
            "aaaaaaaaaaaa",
            "abcabcabcabc",
            "12345678",
            "abcdefgh",
            "987654321",
            "********",
            "••••••••",
            "AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "sk-1234567890abcdef",
            "password",
            "Password1",
            "secret",
            "postgres",
            "guest",
            "[REDACTED]",
            "",
            "abc",
            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx1234",
        ] {
            assert!(is_placeholder(p), "{p:?} should be a placeholder");
        }
    }

    #[test]
    fn real_looking_secrets_are_not_placeholders() {
        for s in [
            "ghp_FAKEq8Zr2LmX0vBn7TcW4yHs9KdJe1Pu3Oi5Ag",
            "sk-proj-FAKE1a2b3c4d5e6f7g8h9i0jKlMnOpQrStUvWxYz",
            "AKIA2E0A8F3B4C5D6E7F",
            "Zx8Qp1Lm0Vb7Tr4Nc2Hw",
            "hunter2!Blue",
            "s3cr3t-Pa55w0rd-Q9",
            "0a1b2c3d4e5f60718293a4b5c6d7e8f9",
            "xoxb-4829163750-2957310486-FAKEaBcDeFgHiJkLmNoPqRsT",
        ] {
            assert!(!is_placeholder(s), "{s:?} should not be a placeholder");
        }
    }
}
