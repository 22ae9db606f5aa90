//! What the gateway reports to the audit log: one [`GatewayEvent`] per decision.

use serde::Serialize;
use warden_core::{Decision, Reason};

/// Receives every decision the gateway makes.
pub trait AuditSink: Send + Sync {
    fn record(&self, event: GatewayEvent);
}

/// A sink that drops everything.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoAudit;

impl AuditSink for NoAudit {
    fn record(&self, _event: GatewayEvent) {}
}

/// What kind of decision an event records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum EventKind {
    /// A `tools/call` was allowed, denied, sent for approval or rate-limited.
    ToolCall,
    /// A tool was withheld from `tools/list`.
    ToolWithheld,
    /// Tools were pinned on first use.
    ToolsPinned,
    /// Secrets were redacted from a message.
    Redacted,
    /// A message was refused (malformed, too large, a batch).
    ProtocolError,
    /// The server exited or stopped answering.
    ServerExit,
}

/// One decision of the gateway. Never holds a secret: arguments are not included, only the
/// tool name and counts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GatewayEvent {
    pub server: String,
    pub kind: EventKind,
    pub tool: Option<String>,
    pub decision: Decision,
    pub reasons: Vec<Reason>,
    /// Number of secrets redacted, for [`EventKind::Redacted`].
    pub redactions: usize,
    /// `"client->server"` or `"server->client"` where it matters.
    pub direction: Option<&'static str>,
    /// A short free-text detail (method name, error).
    pub detail: String,
}

impl GatewayEvent {
    pub(crate) fn new(server: &str, kind: EventKind, decision: Decision) -> Self {
        GatewayEvent {
            server: server.to_string(),
            kind,
            tool: None,
            decision,
            reasons: Vec::new(),
            redactions: 0,
            direction: None,
            detail: String::new(),
        }
    }
}
