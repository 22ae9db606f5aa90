use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// One thing an agent wants to do, independent of which agent asked or how.
///
/// Paths are as the agent gave them; resolution against the working directory and the project
/// root happens during evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Action {
    /// Run a shell command line in a working directory.
    Shell { command: String, cwd: PathBuf },
    /// Read a file.
    Read { path: PathBuf },
    /// Create or overwrite a file with this content.
    Write { path: PathBuf, content: String },
    /// Change parts of an existing file.
    Edit { path: PathBuf, edits: Vec<FileEdit> },
    /// Search file names or contents (Glob, Grep).
    Search {
        pattern: String,
        path: Option<PathBuf>,
        glob: Option<String>,
        /// The matching lines are shown, not only file names or counts (Grep's
        /// `output_mode: "content"`).
        #[serde(default)]
        content: bool,
    },
    /// Send an HTTP request.
    Fetch {
        url: String,
        method: String,
        body: Option<String>,
    },
    /// A web search through the agent's provider.
    WebSearch { query: String },
    /// Call a tool of an MCP server.
    Mcp {
        server: String,
        tool: String,
        arguments: serde_json::Value,
    },
    /// A tool Warden does not know. Never proved safe.
    Unknown {
        tool: String,
        input: serde_json::Value,
    },
}

/// One replacement inside an edited file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEdit {
    pub old: String,
    pub new: String,
}

impl Action {
    /// A short name for the kind of action, used in logs and filters.
    pub fn kind(&self) -> &'static str {
        match self {
            Action::Shell { .. } => "shell",
            Action::Read { .. } => "read",
            Action::Write { .. } => "write",
            Action::Edit { .. } => "edit",
            Action::Search { .. } => "search",
            Action::Fetch { .. } => "fetch",
            Action::WebSearch { .. } => "web_search",
            Action::Mcp { .. } => "mcp",
            Action::Unknown { .. } => "unknown",
        }
    }

    /// Text that this action would write or send somewhere, which the secret scanner must
    /// see before it leaves (new file content, edit replacements, request bodies, search
    /// queries, MCP arguments).
    pub fn outgoing_text(&self) -> Vec<&str> {
        match self {
            Action::Write { content, .. } => vec![content.as_str()],
            Action::Edit { edits, .. } => edits.iter().map(|e| e.new.as_str()).collect(),
            Action::Fetch { url, body, .. } => {
                let mut out = vec![url.as_str()];
                out.extend(body.as_deref());
                out
            }
            Action::Shell { command, .. } => vec![command.as_str()],
            Action::WebSearch { query } => vec![query.as_str()],
            _ => Vec::new(),
        }
    }
}
