//! Agent adapters: one module per host.
//!
//! Each adapter turns the host's hook payload into a [`HookEvent`] (one or more
//! [`warden_core::Action`]s plus who asked) and turns a [`warden_core::Verdict`] back into
//! the exact answer the host's hook contract expects ([`HookAnswer`]: stdout, stderr, exit code).
//!
//! Adapters decide nothing. They also never turn "no opinion" into "allow": a verdict that is
//! not explicit produces empty output, so the host's own permission prompts still run.

mod answer;
mod claude;
mod copilot;
mod cursor;
mod error;
mod gemini;
mod tools;

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use warden_core::Action;

pub use answer::{HookAnswer, answer, fail_closed, reason_text};
pub use error::AgentError;
pub use tools::join_argv;

/// The largest hook payload Warden reads. Larger payloads are denied (fail closed): a Write of
/// many megabytes is not something to wave through unread.
pub const MAX_PAYLOAD_BYTES: usize = 16 * 1024 * 1024;

/// The hosts Warden answers for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Agent {
    Claude,
    Codex,
    Gemini,
    Cursor,
    Copilot,
}

impl Agent {
    pub const ALL: [Agent; 5] = [
        Agent::Claude,
        Agent::Codex,
        Agent::Gemini,
        Agent::Cursor,
        Agent::Copilot,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Agent::Claude => "claude",
            Agent::Codex => "codex",
            Agent::Gemini => "gemini",
            Agent::Cursor => "cursor",
            Agent::Copilot => "copilot",
        }
    }

    /// Whether the host can show its own confirmation prompt in answer to a hook. Hosts without
    /// one get a deny carrying a one-time approval code instead.
    pub fn supports_ask(self) -> bool {
        matches!(self, Agent::Claude | Agent::Cursor)
    }
}

impl fmt::Display for Agent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Agent {
    type Err = AgentError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Agent::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| AgentError::UnknownAgent(s.to_string()))
    }
}

/// When in the tool call's life the hook fired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    /// Before the tool runs: Warden decides.
    PreToolUse,
    /// After the tool ran: Warden records, never judges.
    PostToolUse,
    /// Any other event (session start, notifications…): recorded, no opinion.
    Other(String),
}

/// One hook event, normalised across hosts.
#[derive(Debug, Clone, PartialEq)]
pub struct HookEvent {
    pub agent: Agent,
    pub phase: Phase,
    /// The host's own tool name (`Bash`, `run_shell_command`, `mcp__github__get_me`…).
    pub tool: String,
    /// What the tool call would do. Usually one action; a multi-file patch gives several.
    pub actions: Vec<Action>,
    pub cwd: Option<PathBuf>,
    pub session_id: Option<String>,
    pub tool_use_id: Option<String>,
    pub prompt_id: Option<String>,
    /// The host's own permission mode, when it reports one (Claude Code's `permission_mode`).
    pub permission_mode: Option<String>,
}

/// Parse one hook payload for this host.
pub fn parse_event(agent: Agent, input: &[u8]) -> Result<HookEvent, AgentError> {
    if input.len() > MAX_PAYLOAD_BYTES {
        return Err(AgentError::TooLarge {
            size: input.len(),
            limit: MAX_PAYLOAD_BYTES,
        });
    }
    let value: serde_json::Value =
        serde_json::from_slice(input).map_err(|e| AgentError::Json(e.to_string()))?;
    let serde_json::Value::Object(object) = value else {
        return Err(AgentError::NotAnObject);
    };
    match agent {
        Agent::Claude | Agent::Codex => claude::parse(agent, &object),
        Agent::Gemini => gemini::parse(&object),
        Agent::Cursor => cursor::parse(&object),
        Agent::Copilot => copilot::parse(&object),
    }
}
