//! The MCP gateway: a JSON-RPC relay with per-tool policy, tool pinning, poisoning checks and
//! secret redaction, plus the audit of MCP client configurations.
//!
//! - [`router`]: the decision state machine over JSON-RPC messages (pure, no I/O but the pin
//!   and approval stores);
//! - [`relay`]: pipes, timers, the server child process and its shutdown;
//! - [`policy`], [`pin`], [`poison`], [`redact`], [`ratelimit`], [`approvals`]: the checks;
//! - [`config_audit`] and [`wrap`]: `warden mcp audit` and `warden mcp wrap`;
//! - [`client`]: a small MCP stdio client, for `--live` audits, tests and benchmarks.
//!
//! This crate re-implements no policy: it asks a [`ToolPolicy`], redacts with a [`Redactor`]
//! and reports to an [`AuditSink`]; the CLI wires the real ones.

pub mod approvals;
pub mod client;
pub mod config_audit;
pub mod event;
pub mod frame;
pub mod jsonrpc;
pub mod pin;
pub mod poison;
pub mod policy;
pub mod ratelimit;
pub mod redact;
pub mod relay;
pub mod router;
pub mod rules;
pub mod wrap;

use std::path::PathBuf;

pub use event::{AuditSink, EventKind, GatewayEvent, NoAudit};
pub use policy::{RulePolicy, ServerRules, ToolPolicy};
pub use redact::{NoRedaction, Redactor};
pub use relay::{RelayEnd, RelayOptions, ServerCommand};
pub use router::{GatewayConfig, Router};

/// The MCP state directory: `$XDG_STATE_HOME/warden/mcp`, or `~/.local/state/warden/mcp`.
/// `None` when neither is set to an absolute path (see [`warden_core::dirs::state_dir`]).
pub fn state_dir() -> Option<PathBuf> {
    let dir = warden_core::dirs::state_dir(
        std::env::var_os("XDG_STATE_HOME").as_deref(),
        std::env::var_os("HOME").as_deref(),
    )?;
    Some(dir.join("mcp"))
}
