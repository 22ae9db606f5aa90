/// Why a hook payload could not be understood. Every one of these ends in a deny.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AgentError {
    /// The agent name given on the command line is not one Warden knows.
    #[error("unknown agent `{0}` (expected claude, codex, gemini, cursor or copilot)")]
    UnknownAgent(String),
    /// The payload is larger than Warden reads.
    #[error("hook payload of {size} bytes is over the {limit}-byte limit")]
    TooLarge { size: usize, limit: usize },
    /// The payload is not valid JSON.
    #[error("hook payload is not valid JSON: {0}")]
    Json(String),
    /// The payload is JSON but not an object.
    #[error("hook payload is not a JSON object")]
    NotAnObject,
    /// A field the host always sends is missing or has the wrong type.
    #[error("hook payload field `{field}` is missing or not {expected}")]
    Field {
        field: &'static str,
        expected: &'static str,
    },
}
