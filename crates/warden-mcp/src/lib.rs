//! The MCP gateway: a JSON-RPC relay with per-tool policy, tool pinning, poisoning checks and secret redaction.
