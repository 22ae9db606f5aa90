//! Policy errors: every problem in every policy file, each pointing at its file, line and
//! column, rendered all at once.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// A 1-based position in a policy file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
}

/// One problem in one policy file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    /// The file the problem is in (`<built-in>` for the defaults).
    pub path: PathBuf,
    /// Where in the file, when the problem has a position (an unreadable file has none).
    pub location: Option<Location>,
    /// What is wrong, in one sentence.
    pub message: String,
    /// How to fix it, when there is something to say.
    pub hint: Option<String>,
    /// The source line the location points into, for rendering.
    pub source_line: Option<String>,
    /// How many characters to underline from the column (at least 1).
    pub width: usize,
}

impl PolicyError {
    /// A problem with the file as a whole (unreadable, too large, not UTF-8).
    pub fn file(path: &Path, message: impl Into<String>, hint: Option<String>) -> Self {
        PolicyError {
            path: path.to_path_buf(),
            location: None,
            message: message.into(),
            hint,
            source_line: None,
            width: 1,
        }
    }

    /// A problem at a byte span of `source`.
    pub fn at(
        path: &Path,
        source: &str,
        span: Range<usize>,
        message: impl Into<String>,
        hint: Option<String>,
    ) -> Self {
        let start = floor_char_boundary(source, span.start.min(source.len()));
        let end = floor_char_boundary(source, span.end.min(source.len())).max(start);
        let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = source[start..]
            .find('\n')
            .map_or(source.len(), |i| start + i);
        let line = source[..start].bytes().filter(|&b| b == b'\n').count() + 1;
        let column = source[line_start..start].chars().count() + 1;
        let text = source[line_start..line_end].trim_end_matches('\r');
        let width = source[start..end.min(line_end)].chars().count().max(1);
        PolicyError {
            path: path.to_path_buf(),
            location: Some(Location { line, column }),
            message: message.into(),
            hint,
            source_line: Some(text.to_string()),
            width,
        }
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "error: {}", self.message)?;
        match self.location {
            Some(loc) => {
                let gutter = loc.line.to_string().len();
                let pad = " ".repeat(gutter);
                writeln!(
                    f,
                    "{pad}--> {}:{}:{}",
                    self.path.display(),
                    loc.line,
                    loc.column
                )?;
                if let Some(text) = &self.source_line {
                    // Tabs would misalign the caret; show them as single spaces.
                    let shown: String = text
                        .chars()
                        .map(|c| if c == '\t' { ' ' } else { c })
                        .collect();
                    writeln!(f, "{pad} |")?;
                    writeln!(f, "{} | {}", loc.line, shown)?;
                    writeln!(
                        f,
                        "{pad} | {}{}",
                        " ".repeat(loc.column.saturating_sub(1)),
                        "^".repeat(self.width)
                    )?;
                }
                if let Some(hint) = &self.hint {
                    writeln!(f, "{pad} = help: {hint}")?;
                }
            }
            None => {
                writeln!(f, "  --> {}", self.path.display())?;
                if let Some(hint) = &self.hint {
                    writeln!(f, "   = help: {hint}")?;
                }
            }
        }
        Ok(())
    }
}

/// Every error found while loading the policy, in file order. `load` fails with this when
/// any policy file is broken; the caller must then fail closed (deny).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct PolicyErrors {
    /// The problems, grouped by file in layer order, then by position.
    pub errors: Vec<PolicyError>,
}

impl PolicyErrors {
    /// The number of problems.
    pub fn len(&self) -> usize {
        self.errors.len()
    }

    /// True when there is no problem (never the case for a returned error).
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }
}

impl fmt::Display for PolicyErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for e in &self.errors {
            writeln!(f, "{e}")?;
        }
        let n = self.errors.len();
        write!(
            f,
            "{n} error{} in the policy; Warden denies every action until {} fixed",
            if n == 1 { "" } else { "s" },
            if n == 1 { "it is" } else { "they are" }
        )
    }
}

/// Errors from `warden trust`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TrustError {
    /// The project has no `.warden/policy.toml` to trust.
    #[error("there is no project policy at {0}")]
    NoPolicy(PathBuf),
    /// The project policy does not load; trusting a broken file is refused.
    #[error("the project policy does not load:\n{0}")]
    Invalid(PolicyErrors),
    /// Reading the policy or reading/writing the trust store failed.
    #[error("{action} {path}: {source}")]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The trust store exists but is not a valid trust store.
    #[error("the trust store {path} is corrupt: {message}")]
    Corrupt {
        /// The trust store file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_is_one_based_and_counts_chars() {
        let src = "a = 1\nbé = \"x\"\n";
        let start = src.find('=').unwrap_or(0);
        let e = PolicyError::at(Path::new("p.toml"), src, start..start + 1, "m", None);
        assert_eq!(e.location, Some(Location { line: 1, column: 3 }));
        let start = src.rfind('=').unwrap_or(0);
        let e = PolicyError::at(Path::new("p.toml"), src, start..start + 1, "m", None);
        assert_eq!(e.location, Some(Location { line: 2, column: 4 }));
        assert_eq!(e.source_line.as_deref(), Some("bé = \"x\""));
    }

    #[test]
    fn out_of_range_span_does_not_panic() {
        let e = PolicyError::at(Path::new("p"), "é", 1..99, "m", None);
        assert_eq!(e.location, Some(Location { line: 1, column: 1 }));
    }
}
