use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The three permission modes of the article's table.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// Read anything but secrets; read-only commands only; no network; nothing destructive.
    /// The article's `--no-tool`.
    ReadOnly,
    /// Read and write inside the project; known-safe commands run, unknown ones ask,
    /// destructive ones ask or are denied by severity. The article's `--tool`, the default.
    #[default]
    Tool,
    /// Everything, still audited; catastrophic commands and `never` rules still hold.
    /// The article's `--dangerous`.
    Dangerous,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::ReadOnly => "read-only",
            Mode::Tool => "tool",
            Mode::Dangerous => "dangerous",
        }
    }

    /// How restrictive the mode is; a stricter layer's mode wins when policies are merged.
    pub fn strictness(self) -> u8 {
        match self {
            Mode::Dangerous => 0,
            Mode::Tool => 1,
            Mode::ReadOnly => 2,
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An unknown mode name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseModeError(pub String);

impl fmt::Display for ParseModeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown mode `{}` (expected read-only, tool or dangerous)",
            self.0
        )
    }
}

impl std::error::Error for ParseModeError {}

impl FromStr for Mode {
    type Err = ParseModeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "read-only" | "readonly" | "no-tool" => Ok(Mode::ReadOnly),
            "tool" => Ok(Mode::Tool),
            "dangerous" => Ok(Mode::Dangerous),
            other => Err(ParseModeError(other.to_string())),
        }
    }
}
