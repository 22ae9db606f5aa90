//! A small MCP client over stdio: enough to list and call tools, answer the server's own
//! requests (`roots/list`, `ping`, `elicitation/create`), and send raw frames. Used by
//! `warden mcp audit --live`, the integration tests and the benchmark.

use std::process::Stdio;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin, ChildStdout};

use crate::frame::{Frame, LineReader};
use crate::relay::ServerCommand;

/// The protocol version this client offers.
pub const PROTOCOL_VERSION: &str = "2025-11-25";

/// An error of the client.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The server could not be started.
    #[error("cannot start `{program}`: {source}")]
    Spawn {
        program: String,
        #[source]
        source: std::io::Error,
    },
    /// Reading or writing the pipes failed.
    #[error("i/o with the MCP server failed: {0}")]
    Io(#[from] std::io::Error),
    /// No answer in time.
    #[error("no answer from the MCP server within {0:?}")]
    Timeout(Duration),
    /// The server closed its output.
    #[error("the MCP server closed its output")]
    Closed,
    /// The server sent something that is not JSON-RPC, or a too-large line.
    #[error("protocol error: {0}")]
    Protocol(String),
    /// The server answered with a JSON-RPC error.
    #[error("the MCP server answered with an error: {0}")]
    Rpc(Value),
}

/// A running MCP server (or gateway) and a client session with it.
pub struct StdioClient {
    child: Child,
    stdin: Option<ChildStdin>,
    reader: LineReader<BufReader<ChildStdout>>,
    next_id: i64,
    /// How long each request waits for its answer.
    pub timeout: Duration,
    /// What `roots/list` answers.
    pub roots: Vec<Value>,
    /// What `elicitation/create` answers (the `result`); `None` declines.
    pub elicitation_answer: Option<Value>,
    /// Methods of the requests the server sent to this client, in order.
    pub server_requests: Vec<String>,
    /// Notifications received while waiting for answers.
    pub notifications: Vec<Value>,
}

impl std::fmt::Debug for StdioClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StdioClient")
            .field("next_id", &self.next_id)
            .finish_non_exhaustive()
    }
}

impl StdioClient {
    /// Start the command with piped stdin/stdout (stderr inherited).
    pub fn spawn(cmd: &ServerCommand, timeout: Duration) -> Result<Self, ClientError> {
        let mut command = tokio::process::Command::new(&cmd.program);
        command
            .args(&cmd.args)
            .envs(cmd.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true);
        if let Some(dir) = &cmd.cwd {
            command.current_dir(dir);
        }
        let mut child = command.spawn().map_err(|source| ClientError::Spawn {
            program: cmd.program.to_string_lossy().into_owned(),
            source,
        })?;
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().ok_or(ClientError::Closed)?;
        Ok(StdioClient {
            child,
            stdin,
            reader: LineReader::new(BufReader::new(stdout), crate::frame::DEFAULT_MAX_LINE),
            next_id: 0,
            timeout,
            roots: Vec::new(),
            elicitation_answer: None,
            server_requests: Vec::new(),
            notifications: Vec::new(),
        })
    }

    /// Write one raw line (a newline is added).
    pub async fn send_raw(&mut self, line: &[u8]) -> Result<(), ClientError> {
        let stdin = self.stdin.as_mut().ok_or(ClientError::Closed)?;
        let mut buf = Vec::with_capacity(line.len() + 1);
        buf.extend_from_slice(line);
        buf.push(b'\n');
        stdin.write_all(&buf).await?;
        stdin.flush().await?;
        Ok(())
    }

    /// Send a JSON message.
    pub async fn send(&mut self, msg: &Value) -> Result<(), ClientError> {
        let line = serde_json::to_vec(msg).map_err(|e| ClientError::Protocol(e.to_string()))?;
        self.send_raw(&line).await
    }

    /// Read the next message, whatever it is (with the timeout).
    pub async fn read_message(&mut self) -> Result<Value, ClientError> {
        let frame = tokio::time::timeout(self.timeout, self.reader.next_frame())
            .await
            .map_err(|_| ClientError::Timeout(self.timeout))??;
        match frame {
            None => Err(ClientError::Closed),
            Some(Frame::TooLong { len, .. }) => {
                Err(ClientError::Protocol(format!("a {len}-byte line")))
            }
            Some(Frame::Line(bytes)) => serde_json::from_slice(&bytes)
                .map_err(|e| ClientError::Protocol(format!("not JSON: {e}"))),
        }
    }

    /// The next id this client will use.
    pub fn next_id(&mut self) -> i64 {
        self.next_id += 1;
        self.next_id
    }

    /// Send a request and wait for the response with its id (the whole response message),
    /// answering the server's own requests meanwhile.
    pub async fn request(&mut self, method: &str, params: Value) -> Result<Value, ClientError> {
        let id = self.next_id();
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
            .await?;
        self.wait_for(&json!(id)).await
    }

    /// Wait for the response with this id, answering server requests meanwhile.
    pub async fn wait_for(&mut self, id: &Value) -> Result<Value, ClientError> {
        let deadline = tokio::time::Instant::now() + self.timeout;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let msg = tokio::time::timeout(left, self.read_message())
                .await
                .map_err(|_| ClientError::Timeout(self.timeout))??;
            if msg.get("method").is_some() {
                if msg.get("id").is_some() {
                    self.answer_server_request(&msg).await?;
                } else {
                    self.notifications.push(msg);
                }
                continue;
            }
            if msg.get("id") == Some(id) {
                return Ok(msg);
            }
            // A batch answer or an unrelated response: keep it as a notification for tests.
            self.notifications.push(msg);
        }
    }

    async fn answer_server_request(&mut self, msg: &Value) -> Result<(), ClientError> {
        let method = msg
            .get("method")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let id = msg.get("id").cloned().unwrap_or(Value::Null);
        self.server_requests.push(method.clone());
        let answer = match method.as_str() {
            "roots/list" => json!({"jsonrpc": "2.0", "id": id, "result": {"roots": self.roots}}),
            "ping" => json!({"jsonrpc": "2.0", "id": id, "result": {}}),
            "elicitation/create" => json!({
                "jsonrpc": "2.0", "id": id,
                "result": self.elicitation_answer.clone().unwrap_or_else(|| json!({"action": "decline"}))
            }),
            _ => {
                json!({"jsonrpc": "2.0", "id": id, "error": {"code": -32601, "message": "method not supported by this client"}})
            }
        };
        self.send(&answer).await
    }

    /// `initialize` then `notifications/initialized`; returns the server's `result`.
    pub async fn initialize(&mut self, capabilities: Value) -> Result<Value, ClientError> {
        let resp = self
            .request(
                "initialize",
                json!({
                    "protocolVersion": PROTOCOL_VERSION,
                    "capabilities": capabilities,
                    "clientInfo": {"name": "warden-mcp-client", "version": env!("CARGO_PKG_VERSION")}
                }),
            )
            .await?;
        let result = into_result(resp)?;
        self.send(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"}))
            .await?;
        Ok(result)
    }

    /// Every tool, following pagination (at most 100 pages).
    pub async fn list_tools(&mut self) -> Result<Vec<Value>, ClientError> {
        let mut tools = Vec::new();
        let mut cursor: Option<Value> = None;
        for _ in 0..100 {
            let params = match &cursor {
                Some(c) => json!({"cursor": c}),
                None => json!({}),
            };
            let result = into_result(self.request("tools/list", params).await?)?;
            if let Some(list) = result.get("tools").and_then(Value::as_array) {
                tools.extend(list.iter().cloned());
            }
            cursor = result.get("nextCursor").filter(|c| !c.is_null()).cloned();
            if cursor.is_none() {
                break;
            }
        }
        Ok(tools)
    }

    /// `tools/call`; returns the whole response (result or error).
    pub async fn call_tool(&mut self, name: &str, arguments: Value) -> Result<Value, ClientError> {
        self.request("tools/call", json!({"name": name, "arguments": arguments}))
            .await
    }

    /// Close stdin, wait up to `grace` for the process to exit, then kill it. Returns whether
    /// it exited on its own.
    pub async fn shutdown(mut self, grace: Duration) -> bool {
        self.stdin = None;
        match tokio::time::timeout(grace, self.child.wait()).await {
            Ok(_) => true,
            Err(_) => {
                let _ = self.child.kill().await;
                false
            }
        }
    }

    /// Wait for the process to exit (after the caller closed its input with [`Self::close_stdin`]).
    pub async fn wait_exit(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        tokio::time::timeout(limit, self.child.wait())
            .await
            .ok()
            .and_then(Result::ok)
    }

    /// Close the child's stdin.
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }
}

/// The `result` of a response, or its error.
pub fn into_result(resp: Value) -> Result<Value, ClientError> {
    match resp {
        Value::Object(mut obj) => {
            if let Some(err) = obj.remove("error") {
                return Err(ClientError::Rpc(err));
            }
            obj.remove("result")
                .ok_or_else(|| ClientError::Protocol("a response without result".into()))
        }
        other => Err(ClientError::Protocol(format!("not a response: {other}"))),
    }
}
