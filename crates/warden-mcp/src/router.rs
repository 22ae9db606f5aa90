//! The gateway's message router: a synchronous state machine that takes one frame at a time
//! from either side and says what to write where. All I/O (pipes, the child process, timers)
//! lives in [`crate::relay`]; this module decides.
//!
//! What it guarantees:
//!
//! - Messages it does not need to change are relayed byte for byte; unknown methods and fields
//!   pass through. Per-direction order is kept (a `tools/call` held for review or approval is
//!   the only message that can be overtaken).
//! - Both id spaces are tracked: client requests (to match the server's answers), the
//!   server's own requests (`roots/list`, `sampling/createMessage`, `elicitation/create`) are
//!   relayed to the client and its answers back, and the gateway's own requests use ids no
//!   peer uses.
//! - Every client request gets exactly one answer: from the server, or from the gateway when
//!   it refuses the call, the server exits, times out or sends something unrelayable. A
//!   `notifications/cancelled` for an id the gateway answered itself is dropped.
//! - Tools that are denied, poisoned, new or changed since pinned are withheld from
//!   `tools/list` and their calls refused; a call to a tool the gateway has not reviewed yet
//!   makes it fetch the tool list itself first.
//! - Every string in every relayed `params` / `result` / `error` passes the redactor.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use warden_core::{Decision, Reason, RuleId, Verdict};

use crate::event::{AuditSink, EventKind, GatewayEvent};
use crate::frame::{Frame, scan_id};
use crate::jsonrpc::{self, IdKey, Kind, code};
use crate::pin::{self, Change, PendingTool, PinStore, ServerPins};
use crate::poison::{self, Finding};
use crate::policy::ToolPolicy;
use crate::ratelimit::RateLimiter;
use crate::redact::{Redactor, redact_value};
use crate::{approvals, frame};

/// Settings of one gateway.
#[derive(Debug, Clone)]
pub struct GatewayConfig {
    /// The server's name, as in `[mcp.servers.NAME]`.
    pub server: String,
    /// Largest line accepted from either side.
    pub max_line: usize,
    /// How long a client request may wait for the server; `None` waits forever.
    pub request_timeout: Option<Duration>,
    /// How long a held call waits for the person's answer through elicitation.
    pub approval_timeout: Duration,
    /// The MCP state directory (pins, pending reviews, approval codes). `None` disables
    /// pinning and approval codes: every tool is then reviewed by the poisoning checks only,
    /// and `ask` without elicitation is a deny.
    pub state_dir: Option<PathBuf>,
    /// Most client requests in flight at once.
    pub max_in_flight: usize,
    /// Rate limits for `tools/call`.
    pub rates: RateLimiter,
}

impl GatewayConfig {
    /// Defaults: 16 MiB lines, 5-minute request timeout, 2-minute approval wait, 4096 requests
    /// in flight, no rate limits, no state directory.
    pub fn new(server: impl Into<String>) -> Self {
        GatewayConfig {
            server: server.into(),
            max_line: frame::DEFAULT_MAX_LINE,
            request_timeout: Some(Duration::from_secs(300)),
            approval_timeout: Duration::from_secs(120),
            state_dir: None,
            max_in_flight: 4096,
            rates: RateLimiter::default(),
        }
    }
}

/// One thing to do after a frame was routed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Out {
    /// Write this line (without newline) to the client.
    Client(Vec<u8>),
    /// Write this line (without newline) to the server.
    Server(Vec<u8>),
    /// Call [`Router::on_timer`] with this token after the delay.
    Timer { token: u64, after: Duration },
    /// A message for the person (stderr).
    Log(String),
}

const RULE_TOOL_CHANGED: &str = "MCP030";
const RULE_TOOL_POISONED: &str = "MCP031";
const RULE_TOOL_NEW: &str = "MCP032";
const RULE_TOOL_UNLISTED: &str = "MCP033";
const RULE_PIN_STORE: &str = "MCP034";
const RULE_ELICITED: &str = "MCP040";
const RULE_CODE_USED: &str = "MCP041";
const RULE_DECLINED: &str = "MCP042";
const RULE_RATE: &str = "MCP050";

/// Most answered ids remembered for dropping their cancellations.
const ANSWERED_MEMORY: usize = 4096;
/// Most pages the gateway follows when it lists tools itself.
const MAX_REFRESH_PAGES: usize = 64;
/// Most elements of a batch answered.
const MAX_BATCH: usize = 1024;

#[derive(Debug)]
struct ClientReq {
    method: String,
    /// For `tools/list`: whether the request started a listing (no cursor).
    first_page: bool,
    timer: Option<u64>,
}

#[derive(Debug)]
struct HeldCall {
    msg: Value,
    tool: String,
}

#[derive(Debug)]
enum GwReq {
    Refresh { pages: usize, timer: u64 },
    Elicit { client_id: IdKey, timer: u64 },
}

#[derive(Debug, Clone, Copy)]
enum TimerKind {
    Client,
    Gateway,
}

#[derive(Debug, Clone)]
struct ToolEntry {
    verdict: Verdict,
    block: Option<Reason>,
    withheld: bool,
}

/// The gateway's state for one client–server session.
pub struct Router {
    cfg: GatewayConfig,
    policy: Arc<dyn ToolPolicy>,
    redactor: Arc<dyn Redactor>,
    audit: Arc<dyn AuditSink>,
    store: Option<PinStore>,
    pins: ServerPins,
    /// True until the first listing after a first use is complete (or the server says its
    /// tools changed): tools seen meanwhile are pinned on trust.
    first_use_open: bool,
    other_tools: Vec<String>,
    tools: HashMap<String, ToolEntry>,
    view_stale: bool,
    client_pending: HashMap<IdKey, ClientReq>,
    answered: VecDeque<IdKey>,
    answered_set: HashSet<IdKey>,
    held: HashMap<IdKey, HeldCall>,
    review_queue: Vec<IdKey>,
    gw_pending: HashMap<IdKey, GwReq>,
    refresh_in_flight: bool,
    timers: HashMap<u64, (TimerKind, IdKey)>,
    next_token: u64,
    next_gw_id: u64,
    nonce: String,
    client_elicitation: bool,
}

impl std::fmt::Debug for Router {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Router")
            .field("server", &self.cfg.server)
            .field("pending", &self.client_pending.len())
            .finish_non_exhaustive()
    }
}

fn reason(rule: &'static str, decision: Decision, message: impl Into<String>) -> Reason {
    Reason {
        rule: RuleId::builtin(rule),
        decision,
        message: message.into(),
    }
}

impl Router {
    /// A router for one session. Loads the server's pins when a state directory is set; a
    /// corrupt pin file is an error (the gateway must not treat it as a first use).
    pub fn new(
        cfg: GatewayConfig,
        policy: Arc<dyn ToolPolicy>,
        redactor: Arc<dyn Redactor>,
        audit: Arc<dyn AuditSink>,
    ) -> Result<Self, pin::PinError> {
        pin::validate_server_name(&cfg.server)?;
        let store = cfg.state_dir.as_ref().map(PinStore::new);
        let (pins, first_use_open, other_tools) = match &store {
            Some(store) => {
                let pins = store.load(&cfg.server)?;
                let first = pins.is_none();
                (
                    pins.unwrap_or_else(|| ServerPins {
                        server: cfg.server.clone(),
                        tools: BTreeMap::new(),
                    }),
                    first,
                    store.other_servers_tools(&cfg.server),
                )
            }
            None => (
                ServerPins {
                    server: cfg.server.clone(),
                    tools: BTreeMap::new(),
                },
                false,
                Vec::new(),
            ),
        };
        let mut nonce_bytes = [0u8; 6];
        // Uniqueness of gateway ids only needs to hold against the two peers; fall back to
        // the process id if randomness is unavailable.
        if getrandom::fill(&mut nonce_bytes).is_err() {
            nonce_bytes[..4].copy_from_slice(&std::process::id().to_le_bytes());
        }
        let nonce = nonce_bytes.iter().map(|b| format!("{b:02x}")).collect();
        Ok(Router {
            cfg,
            policy,
            redactor,
            audit,
            store,
            pins,
            first_use_open,
            other_tools,
            tools: HashMap::new(),
            view_stale: false,
            client_pending: HashMap::new(),
            answered: VecDeque::new(),
            answered_set: HashSet::new(),
            held: HashMap::new(),
            review_queue: Vec::new(),
            gw_pending: HashMap::new(),
            refresh_in_flight: false,
            timers: HashMap::new(),
            next_token: 0,
            next_gw_id: 0,
            nonce,
            client_elicitation: false,
        })
    }

    /// Client requests still waiting for an answer (forwarded or held).
    pub fn pending_requests(&self) -> usize {
        self.client_pending.len() + self.held.len()
    }

    // ----- client → server -------------------------------------------------------------

    /// Route one frame read from the client.
    pub fn on_client(&mut self, frame: Frame, now: Instant) -> Vec<Out> {
        let mut out = Vec::new();
        match frame {
            Frame::TooLong { prefix, len } => {
                let id = scan_id(&prefix);
                let msg = format!(
                    "warden: message of {len} bytes exceeds the gateway's limit of {} bytes",
                    self.cfg.max_line
                );
                self.protocol_event("client->server", &msg);
                out.push(Out::Log(msg.clone()));
                if let Some(id) = &id {
                    self.remember_answered(id.clone());
                }
                out.push(Out::Client(jsonrpc::error_response(
                    id.as_ref(),
                    code::MESSAGE_TOO_LARGE,
                    &msg,
                    None,
                )));
            }
            Frame::Line(bytes) => match serde_json::from_slice::<Value>(&bytes) {
                Err(e) => {
                    let msg = format!(
                        "warden: the gateway could not parse a message from the client: {e}"
                    );
                    self.protocol_event("client->server", &msg);
                    out.push(Out::Client(jsonrpc::error_response(
                        None,
                        code::PARSE_ERROR,
                        &msg,
                        None,
                    )));
                }
                Ok(Value::Array(items)) => self.client_batch(&items, &mut out),
                Ok(msg) => self.client_message(msg, bytes, now, &mut out),
            },
        }
        out
    }

    fn client_batch(&mut self, items: &[Value], out: &mut Vec<Out>) {
        let msg =
            "warden: JSON-RPC batches are not relayed by the gateway; send one message per line";
        self.protocol_event("client->server", msg);
        if items.is_empty() {
            out.push(Out::Client(jsonrpc::error_response(
                None,
                code::INVALID_REQUEST,
                msg,
                None,
            )));
            return;
        }
        let answers: Vec<Value> = items
            .iter()
            .take(MAX_BATCH)
            .filter_map(|item| match jsonrpc::classify(item) {
                Kind::Request { id, .. } => Some(id),
                _ => None,
            })
            .map(|id| {
                self.remember_answered(id.clone());
                json!({"jsonrpc": "2.0", "id": id.to_value(), "error": {"code": code::INVALID_REQUEST, "message": msg}})
            })
            .collect();
        if !answers.is_empty() {
            out.push(Out::Client(jsonrpc::to_line(&Value::Array(answers))));
        }
    }

    fn client_message(&mut self, mut msg: Value, bytes: Vec<u8>, now: Instant, out: &mut Vec<Out>) {
        match jsonrpc::classify(&msg) {
            Kind::Request { id, method } => {
                if self.client_pending.len() + self.held.len() >= self.cfg.max_in_flight {
                    self.answer_error(
                        &id,
                        code::OVERLOADED,
                        "warden: too many requests in flight; retry later",
                        None,
                        out,
                    );
                    return;
                }
                if method == "initialize" {
                    self.client_elicitation = msg
                        .pointer("/params/capabilities/elicitation")
                        .is_some_and(Value::is_object);
                }
                if method == "tools/call" {
                    self.client_tools_call(id, msg, bytes, now, out);
                    return;
                }
                let first_page = msg.pointer("/params/cursor").is_none();
                self.forward_request(id, &method, first_page, msg, bytes, out);
            }
            Kind::Notification { method } if method == "tools/call" => {
                // A call without an id cannot be answered, so it cannot be reviewed, asked
                // about or refused: it is never relayed (a server might run it anyway).
                let text = "warden: dropped a tools/call sent as a notification (no id)";
                self.protocol_event("client->server", text);
                out.push(Out::Log(text.to_string()));
            }
            Kind::Notification { method } => {
                if method == "notifications/cancelled"
                    && let Some(target) = msg.pointer("/params/requestId").and_then(IdKey::of)
                {
                    if self.answered_set.contains(&target) {
                        return;
                    }
                    if self.held.remove(&target).is_some() {
                        self.review_queue.retain(|i| i != &target);
                        return;
                    }
                    if let Some(req) = self.client_pending.remove(&target) {
                        self.drop_timer(req.timer);
                    }
                }
                self.relay(&mut msg, bytes, "client->server", out, Out::Server);
            }
            Kind::Response { id } => {
                if let Some(id) = &id
                    && let Some(GwReq::Elicit { client_id, timer }) = self.take_gw(id)
                {
                    self.drop_timer(Some(timer));
                    self.elicitation_answer(client_id, &msg, now, out);
                    return;
                }
                self.relay(&mut msg, bytes, "client->server", out, Out::Server);
            }
            Kind::Invalid { id, why } => {
                let text = format!("warden: invalid JSON-RPC message from the client: {why}");
                self.protocol_event("client->server", &text);
                if let Some(id) = &id {
                    self.remember_answered(id.clone());
                }
                out.push(Out::Client(jsonrpc::error_response(
                    id.as_ref(),
                    code::INVALID_REQUEST,
                    &text,
                    None,
                )));
            }
        }
    }

    fn take_gw(&mut self, id: &IdKey) -> Option<GwReq> {
        self.gw_pending.remove(id)
    }

    /// Redact `params` / `result` / `error` of a message, then write it: the original bytes
    /// when nothing changed.
    fn relay(
        &mut self,
        msg: &mut Value,
        bytes: Vec<u8>,
        direction: &'static str,
        out: &mut Vec<Out>,
        to: fn(Vec<u8>) -> Out,
    ) {
        let n = self.redact_message(msg, direction);
        out.push(to(if n == 0 { bytes } else { jsonrpc::to_line(msg) }));
    }

    fn redact_message(&mut self, msg: &mut Value, direction: &'static str) -> usize {
        let Some(obj) = msg.as_object_mut() else {
            return 0;
        };
        let mut n = 0;
        for key in ["params", "result", "error"] {
            if let Some(v) = obj.get_mut(key) {
                n += redact_value(v, self.redactor.as_ref());
            }
        }
        if n > 0 {
            let mut ev = GatewayEvent::new(&self.cfg.server, EventKind::Redacted, Decision::Allow);
            ev.redactions = n;
            ev.direction = Some(direction);
            ev.detail = obj
                .get("method")
                .and_then(Value::as_str)
                .unwrap_or("response")
                .to_string();
            self.audit.record(ev);
        }
        n
    }

    fn forward_request(
        &mut self,
        id: IdKey,
        method: &str,
        first_page: bool,
        mut msg: Value,
        bytes: Vec<u8>,
        out: &mut Vec<Out>,
    ) {
        let timer = self
            .cfg
            .request_timeout
            .map(|after| self.timer(TimerKind::Client, id.clone(), after, out));
        if let Some(old) = self.client_pending.insert(
            id,
            ClientReq {
                method: method.to_string(),
                first_page,
                timer,
            },
        ) {
            self.drop_timer(old.timer);
        }
        self.relay(&mut msg, bytes, "client->server", out, Out::Server);
    }

    fn client_tools_call(
        &mut self,
        id: IdKey,
        msg: Value,
        bytes: Vec<u8>,
        now: Instant,
        out: &mut Vec<Out>,
    ) {
        let Some(tool) = msg
            .pointer("/params/name")
            .and_then(Value::as_str)
            .map(str::to_string)
        else {
            self.answer_error(
                &id,
                code::INVALID_PARAMS,
                "warden: tools/call without a tool name",
                None,
                out,
            );
            return;
        };
        if self.view_stale || !self.tools.contains_key(&tool) {
            // Review the server's current definitions before relaying the call.
            self.held.insert(id.clone(), HeldCall { msg, tool });
            self.review_queue.push(id);
            if !self.refresh_in_flight {
                self.start_refresh(None, 0, out);
            }
            return;
        }
        drop(bytes);
        self.evaluate_call(id, msg, tool, now, out);
    }

    fn evaluate_call(
        &mut self,
        id: IdKey,
        msg: Value,
        tool: String,
        now: Instant,
        out: &mut Vec<Out>,
    ) {
        let Some(entry) = self.tools.get(&tool).cloned() else {
            let r = reason(
                RULE_TOOL_UNLISTED,
                Decision::Deny,
                format!(
                    "`{tool}` is not in the server's tool list; the gateway relays calls only to listed, reviewed tools"
                ),
            );
            self.deny_call(&id, &tool, r, Vec::new(), out);
            return;
        };
        if let Some(block) = entry.block {
            self.deny_call(&id, &tool, block, Vec::new(), out);
            return;
        }
        match entry.verdict.decision {
            Decision::Deny => {
                let mut reasons = entry.verdict.reasons.clone();
                let first = reasons.remove(0);
                self.deny_call(&id, &tool, first, reasons, out);
            }
            Decision::Allow => self.forward_call(id, msg, tool, entry.verdict, now, out),
            Decision::Ask => self.ask(id, msg, tool, entry.verdict, now, out),
        }
    }

    fn args_hash(msg: &Value) -> String {
        pin::tool_hash(msg.pointer("/params/arguments").unwrap_or(&Value::Null))
    }

    fn ask(
        &mut self,
        id: IdKey,
        msg: Value,
        tool: String,
        verdict: Verdict,
        now: Instant,
        out: &mut Vec<Out>,
    ) {
        let args_hash = Self::args_hash(&msg);
        if let Some(dir) = &self.cfg.state_dir {
            match approvals::take_grant(dir, &self.cfg.server, &tool, &args_hash) {
                Ok(Some(a)) => {
                    let mut v = verdict;
                    v.decision = Decision::Allow;
                    v.reasons.insert(
                        0,
                        reason(
                            RULE_CODE_USED,
                            Decision::Allow,
                            format!("approved by the person with code {}", a.code),
                        ),
                    );
                    self.forward_call(id, msg, tool, v, now, out);
                    return;
                }
                Ok(None) => {}
                Err(e) => out.push(Out::Log(format!("warden: approval store: {e}"))),
            }
        }
        if self.client_elicitation {
            let gw_id = self.gw_id();
            let why = verdict
                .reasons
                .first()
                .map(|r| r.message.clone())
                .unwrap_or_default();
            let mut args = msg
                .pointer("/params/arguments")
                .cloned()
                .unwrap_or(Value::Null);
            redact_value(&mut args, self.redactor.as_ref());
            let preview: String = args.to_string().chars().take(400).collect();
            let params = json!({
                "mode": "form",
                "message": format!(
                    "Warden: allow MCP server `{}` to run tool `{tool}` with arguments {preview}? ({why})",
                    self.cfg.server
                ),
                "requestedSchema": {
                    "type": "object",
                    "properties": {
                        "approve": {
                            "type": "boolean",
                            "title": "Allow this call",
                            "description": "Allow this one call",
                            "default": false
                        }
                    },
                    "required": ["approve"]
                }
            });
            let timer = self.timer(
                TimerKind::Gateway,
                gw_id.clone(),
                self.cfg.approval_timeout,
                out,
            );
            self.gw_pending.insert(
                gw_id.clone(),
                GwReq::Elicit {
                    client_id: id.clone(),
                    timer,
                },
            );
            self.held.insert(id, HeldCall { msg, tool });
            out.push(Out::Client(jsonrpc::request(
                &gw_id,
                "elicitation/create",
                params,
            )));
            return;
        }
        self.approval_code(id, msg, tool, verdict, out);
    }

    fn approval_code(
        &mut self,
        id: IdKey,
        msg: Value,
        tool: String,
        verdict: Verdict,
        out: &mut Vec<Out>,
    ) {
        let args_hash = Self::args_hash(&msg);
        let why = verdict
            .reasons
            .first()
            .map(|r| r.message.clone())
            .unwrap_or_default();
        let rule = verdict
            .reasons
            .first()
            .map(|r| r.rule.to_string())
            .unwrap_or_default();
        let issued = match &self.cfg.state_dir {
            None => Err("no state directory for approval codes".to_string()),
            Some(dir) => {
                let mut args = msg
                    .pointer("/params/arguments")
                    .cloned()
                    .unwrap_or(Value::Null);
                redact_value(&mut args, self.redactor.as_ref());
                approvals::issue(
                    dir,
                    &self.cfg.server,
                    &tool,
                    &args_hash,
                    &args.to_string(),
                    &why,
                )
                .map_err(|e| e.to_string())
            }
        };
        let mut ev = GatewayEvent::new(&self.cfg.server, EventKind::ToolCall, Decision::Ask);
        ev.tool = Some(tool.clone());
        ev.reasons = verdict.reasons.clone();
        match issued {
            Ok(a) => {
                let text = format!(
                    "warden: tool `{tool}` of MCP server `{}` needs a person's approval ({why}). \
                     Ask the person to run `warden approve {}` in their own terminal — never run it \
                     yourself — then retry the same call.",
                    self.cfg.server, a.code
                );
                ev.detail = format!("approval code {} issued", a.code);
                self.audit.record(ev);
                let data = json!({"decision": "ask", "rule": rule, "approval_code": a.code, "reasons": verdict.reasons});
                self.answer_error(&id, code::APPROVAL_REQUIRED, &text, Some(data), out);
            }
            Err(e) => {
                let text = format!(
                    "warden: tool `{tool}` of MCP server `{}` needs a person's approval ({why}), and none can be asked for: {e}",
                    self.cfg.server
                );
                ev.decision = Decision::Deny;
                ev.detail = e;
                self.audit.record(ev);
                let data = json!({"decision": "deny", "rule": rule, "reasons": verdict.reasons});
                self.answer_error(&id, code::TOOL_DENIED, &text, Some(data), out);
            }
        }
    }

    fn elicitation_answer(
        &mut self,
        client_id: IdKey,
        answer: &Value,
        now: Instant,
        out: &mut Vec<Out>,
    ) {
        let Some(held) = self.held.remove(&client_id) else {
            return;
        };
        let accepted = answer.pointer("/result/action").and_then(Value::as_str) == Some("accept")
            && answer
                .pointer("/result/content/approve")
                .and_then(Value::as_bool)
                == Some(true);
        let verdict = self
            .tools
            .get(&held.tool)
            .map(|e| e.verdict.clone())
            .unwrap_or_else(|| Verdict::from_reasons(Vec::new(), Decision::Ask));
        if accepted {
            let mut v = verdict;
            v.decision = Decision::Allow;
            v.reasons.insert(
                0,
                reason(
                    RULE_ELICITED,
                    Decision::Allow,
                    "approved by the person through the client",
                ),
            );
            self.forward_call(client_id, held.msg, held.tool, v, now, out);
        } else if answer.get("error").is_some() {
            // The client could not ask after all: fall back to an approval code.
            self.approval_code(client_id, held.msg, held.tool, verdict, out);
        } else {
            let r = reason(
                RULE_DECLINED,
                Decision::Deny,
                format!("the person declined the call to `{}`", held.tool),
            );
            self.deny_call(&client_id, &held.tool, r, verdict.reasons, out);
        }
    }

    fn forward_call(
        &mut self,
        id: IdKey,
        mut msg: Value,
        tool: String,
        verdict: Verdict,
        now: Instant,
        out: &mut Vec<Out>,
    ) {
        if let Err(limited) = self.cfg.rates.check(&tool, now) {
            let text = format!(
                "warden: rate limit for {} `{}` exceeded; retry in {:.1} s",
                if limited.scope == "server" {
                    "MCP server"
                } else {
                    "tool"
                },
                if limited.scope == "server" {
                    self.cfg.server.as_str()
                } else {
                    tool.as_str()
                },
                limited.retry_after.as_secs_f64()
            );
            let mut ev = GatewayEvent::new(&self.cfg.server, EventKind::ToolCall, Decision::Deny);
            ev.tool = Some(tool);
            ev.reasons = vec![reason(RULE_RATE, Decision::Deny, text.clone())];
            self.audit.record(ev);
            let data = json!({"decision": "deny", "rule": RULE_RATE, "retry_after_ms": limited.retry_after.as_millis() as u64});
            self.answer_error(&id, code::RATE_LIMITED, &text, Some(data), out);
            return;
        }
        let mut ev = GatewayEvent::new(&self.cfg.server, EventKind::ToolCall, Decision::Allow);
        ev.tool = Some(tool);
        ev.reasons = verdict.reasons;
        self.audit.record(ev);
        let bytes = jsonrpc::to_line(&msg);
        let timer = self
            .cfg
            .request_timeout
            .map(|after| self.timer(TimerKind::Client, id.clone(), after, out));
        if let Some(old) = self.client_pending.insert(
            id,
            ClientReq {
                method: "tools/call".into(),
                first_page: false,
                timer,
            },
        ) {
            self.drop_timer(old.timer);
        }
        self.relay(&mut msg, bytes, "client->server", out, Out::Server);
    }

    fn deny_call(
        &mut self,
        id: &IdKey,
        tool: &str,
        first: Reason,
        mut more: Vec<Reason>,
        out: &mut Vec<Out>,
    ) {
        let text = format!(
            "warden: tool `{tool}` of MCP server `{}` is blocked: {} (rule {}){}",
            self.cfg.server,
            first.message,
            first.rule,
            match first.rule.as_str() {
                RULE_TOOL_CHANGED | RULE_TOOL_NEW | RULE_TOOL_POISONED => format!(
                    ". A person must review it with `warden mcp approve {}` (not through the agent).",
                    self.cfg.server
                ),
                _ => String::new(),
            }
        );
        more.insert(0, first);
        let mut ev = GatewayEvent::new(&self.cfg.server, EventKind::ToolCall, Decision::Deny);
        ev.tool = Some(tool.to_string());
        ev.reasons = more.clone();
        self.audit.record(ev);
        let rule = more[0].rule.to_string();
        let data = json!({"decision": "deny", "rule": rule, "reasons": more});
        self.answer_error(id, code::TOOL_DENIED, &text, Some(data), out);
    }

    fn answer_error(
        &mut self,
        id: &IdKey,
        code: i64,
        text: &str,
        data: Option<Value>,
        out: &mut Vec<Out>,
    ) {
        self.remember_answered(id.clone());
        out.push(Out::Client(jsonrpc::error_response(
            Some(id),
            code,
            text,
            data,
        )));
    }

    fn remember_answered(&mut self, id: IdKey) {
        if self.answered_set.insert(id.clone()) {
            self.answered.push_back(id);
            if self.answered.len() > ANSWERED_MEMORY
                && let Some(old) = self.answered.pop_front()
            {
                self.answered_set.remove(&old);
            }
        }
    }

    fn gw_id(&mut self) -> IdKey {
        self.next_gw_id += 1;
        IdKey::string(&format!("warden-{}-{}", self.nonce, self.next_gw_id))
    }

    fn timer(&mut self, kind: TimerKind, id: IdKey, after: Duration, out: &mut Vec<Out>) -> u64 {
        self.next_token += 1;
        let token = self.next_token;
        self.timers.insert(token, (kind, id));
        out.push(Out::Timer { token, after });
        token
    }

    fn drop_timer(&mut self, token: Option<u64>) {
        if let Some(t) = token {
            self.timers.remove(&t);
        }
    }

    fn start_refresh(&mut self, cursor: Option<Value>, pages: usize, out: &mut Vec<Out>) {
        let id = self.gw_id();
        let after = self.cfg.request_timeout.unwrap_or(Duration::from_secs(60));
        let timer = self.timer(TimerKind::Gateway, id.clone(), after, out);
        self.gw_pending
            .insert(id.clone(), GwReq::Refresh { pages, timer });
        self.refresh_in_flight = true;
        let params = match cursor {
            Some(c) => json!({ "cursor": c }),
            None => json!({}),
        };
        out.push(Out::Server(jsonrpc::request(&id, "tools/list", params)));
    }

    fn finish_refresh(&mut self, failure: Option<String>, now: Instant, out: &mut Vec<Out>) {
        self.refresh_in_flight = false;
        if failure.is_none() {
            self.view_stale = false;
            if !self.tools.is_empty() {
                self.first_use_open = false;
            }
        }
        let queue = std::mem::take(&mut self.review_queue);
        for id in queue {
            let Some(held) = self.held.remove(&id) else {
                continue;
            };
            match &failure {
                None => self.evaluate_call(id, held.msg, held.tool, now, out),
                Some(why) => {
                    let text = format!(
                        "warden: could not review the tools of MCP server `{}` before the call to `{}`: {why}",
                        self.cfg.server, held.tool
                    );
                    self.answer_error(&id, code::SERVER_GONE, &text, None, out);
                }
            }
        }
    }

    // ----- server → client -------------------------------------------------------------

    /// Route one frame read from the server.
    pub fn on_server(&mut self, frame: Frame, now: Instant) -> Vec<Out> {
        let mut out = Vec::new();
        match frame {
            Frame::TooLong { prefix, len } => {
                let msg = format!(
                    "warden: the MCP server sent a message of {len} bytes, over the gateway's limit of {} bytes",
                    self.cfg.max_line
                );
                self.protocol_event("server->client", &msg);
                out.push(Out::Log(msg.clone()));
                if let Some(id) = scan_id(&prefix) {
                    if let Some(req) = self.client_pending.remove(&id) {
                        self.drop_timer(req.timer);
                        self.answer_error(&id, code::MESSAGE_TOO_LARGE, &msg, None, &mut out);
                    } else if let Some(gw) = self.take_gw(&id) {
                        self.gateway_request_failed(gw, &msg, now, &mut out);
                    }
                }
            }
            Frame::Line(bytes) => match serde_json::from_slice::<Value>(&bytes) {
                Err(e) => {
                    let msg = format!(
                        "warden: dropped a line from the MCP server that is not JSON-RPC ({e})"
                    );
                    self.protocol_event("server->client", &msg);
                    out.push(Out::Log(msg));
                }
                Ok(Value::Array(items)) => {
                    // Batches (protocol 2025-03-26): relay each element on its own.
                    for item in items.into_iter().take(MAX_BATCH) {
                        let line = jsonrpc::to_line(&item);
                        if matches!(item, Value::Array(_)) {
                            out.push(Out::Log(
                                "warden: dropped a nested batch from the MCP server".into(),
                            ));
                            continue;
                        }
                        self.server_message(item, line, now, &mut out);
                    }
                }
                Ok(msg) => self.server_message(msg, bytes, now, &mut out),
            },
        }
        out
    }

    fn server_message(&mut self, mut msg: Value, bytes: Vec<u8>, now: Instant, out: &mut Vec<Out>) {
        match jsonrpc::classify(&msg) {
            Kind::Response { id: Some(id) } => {
                if let Some(gw) = self.take_gw(&id) {
                    self.gateway_response(gw, msg, now, out);
                    return;
                }
                let Some(req) = self.client_pending.remove(&id) else {
                    out.push(Out::Log(format!(
                        "warden: dropped a response from the MCP server for unknown or already answered id {}",
                        id.as_str()
                    )));
                    return;
                };
                self.drop_timer(req.timer);
                if req.method == "tools/list"
                    && msg.pointer("/result/tools").is_some_and(Value::is_array)
                {
                    if req.first_page {
                        self.tools.clear();
                        self.view_stale = false;
                    }
                    let changed = self.review_page(&mut msg, out);
                    let n = self.redact_message(&mut msg, "server->client");
                    out.push(Out::Client(if changed || n > 0 {
                        jsonrpc::to_line(&msg)
                    } else {
                        bytes
                    }));
                    // An empty listing proves nothing (some servers register their tools
                    // only after `initialized`): the first-use window stays open until a
                    // complete listing has shown tools.
                    if msg.pointer("/result/nextCursor").is_none_or(Value::is_null)
                        && !self.tools.is_empty()
                    {
                        self.first_use_open = false;
                    }
                    return;
                }
                self.relay(&mut msg, bytes, "server->client", out, Out::Client);
            }
            Kind::Response { id: None } | Kind::Request { .. } => {
                self.relay(&mut msg, bytes, "server->client", out, Out::Client);
            }
            Kind::Notification { method } => {
                if method == "notifications/tools/list_changed" {
                    // The first complete listing closes the first-use window, not this: some
                    // servers announce a change before they even answer `initialize`.
                    self.view_stale = true;
                }
                self.relay(&mut msg, bytes, "server->client", out, Out::Client);
            }
            Kind::Invalid { why, .. } => {
                let text = format!("warden: dropped an invalid message from the MCP server: {why}");
                self.protocol_event("server->client", &text);
                out.push(Out::Log(text));
            }
        }
    }

    fn gateway_response(&mut self, gw: GwReq, msg: Value, now: Instant, out: &mut Vec<Out>) {
        match gw {
            GwReq::Refresh { pages, timer } => {
                self.drop_timer(Some(timer));
                let mut msg = msg;
                if msg.pointer("/result/tools").is_some_and(Value::is_array) {
                    if pages == 0 {
                        self.tools.clear();
                    }
                    self.review_page(&mut msg, out);
                    match msg
                        .pointer("/result/nextCursor")
                        .filter(|c| !c.is_null())
                        .cloned()
                    {
                        Some(cursor) if pages + 1 < MAX_REFRESH_PAGES => {
                            self.start_refresh(Some(cursor), pages + 1, out)
                        }
                        _ => self.finish_refresh(None, now, out),
                    }
                } else {
                    let why = msg
                        .pointer("/error/message")
                        .and_then(Value::as_str)
                        .map(|m| format!("the server answered tools/list with an error: {m}"))
                        .unwrap_or_else(|| {
                            "the server's tools/list answer has no tool list".into()
                        });
                    self.finish_refresh(Some(why), now, out);
                }
            }
            GwReq::Elicit { .. } => {
                // Elicitations go to the client; a server answer with this id is bogus.
                out.push(Out::Log("warden: dropped a server message answering a gateway request sent to the client".into()));
            }
        }
    }

    fn gateway_request_failed(&mut self, gw: GwReq, why: &str, now: Instant, out: &mut Vec<Out>) {
        match gw {
            GwReq::Refresh { timer, .. } => {
                self.drop_timer(Some(timer));
                self.finish_refresh(Some(why.to_string()), now, out);
            }
            GwReq::Elicit { client_id, timer } => {
                self.drop_timer(Some(timer));
                if let Some(held) = self.held.remove(&client_id) {
                    let r = reason(
                        RULE_DECLINED,
                        Decision::Deny,
                        format!("no approval for `{}`: {why}", held.tool),
                    );
                    self.deny_call(&client_id, &held.tool, r, Vec::new(), out);
                }
            }
        }
    }

    /// Review one page of a `tools/list` result: decide, pin, check, and remove what must be
    /// withheld. Returns whether the page changed.
    fn review_page(&mut self, msg: &mut Value, out: &mut Vec<Out>) -> bool {
        // Pick up approvals the person made since this session started.
        if let Some(store) = &self.store {
            match store.load(&self.cfg.server) {
                Ok(Some(pins)) => self.pins = pins,
                Ok(None) => {}
                Err(e) => out.push(Out::Log(format!("warden: {e}"))),
            }
        }
        let Some(tools) = msg
            .pointer_mut("/result/tools")
            .and_then(Value::as_array_mut)
        else {
            return false;
        };
        let now_unix = pin::unix_now();
        let mut pinned_now = Vec::new();
        let mut pending = BTreeMap::new();
        let mut withheld = Vec::new();
        let mut keep = Vec::with_capacity(tools.len());
        for def in tools.iter() {
            let Some(name) = def.get("name").and_then(Value::as_str).map(str::to_string) else {
                keep.push(false);
                withheld.push((
                    "<unnamed>".to_string(),
                    reason(
                        RULE_TOOL_UNLISTED,
                        Decision::Deny,
                        "a tool definition without a name",
                    ),
                ));
                continue;
            };
            let annotations = def.get("annotations");
            let verdict = self.policy.decide(&self.cfg.server, &name, annotations);
            let hash = pin::tool_hash(def);
            let block = match (&self.store, self.pins.tools.get(&name)) {
                (Some(_), Some(p)) if p.hash == hash => None,
                (Some(_), Some(_)) => {
                    let findings = poison::check_tool(def, &self.other_tools);
                    pending.insert(
                        name.clone(),
                        PendingTool {
                            change: Change::Changed,
                            hash: hash.clone(),
                            definition: def.clone(),
                            findings,
                            seen_at: now_unix,
                        },
                    );
                    Some(reason(
                        RULE_TOOL_CHANGED,
                        Decision::Deny,
                        format!("the definition of `{name}` changed since it was pinned"),
                    ))
                }
                (store, _) => {
                    let findings = poison::check_tool(def, &self.other_tools);
                    if !findings.is_empty() {
                        let summary = summarize(&findings);
                        if store.is_some() {
                            pending.insert(
                                name.clone(),
                                PendingTool {
                                    change: Change::Poisoned,
                                    hash: hash.clone(),
                                    definition: def.clone(),
                                    findings,
                                    seen_at: now_unix,
                                },
                            );
                        }
                        Some(reason(
                            RULE_TOOL_POISONED,
                            Decision::Deny,
                            format!(
                                "the definition of `{name}` failed the poisoning checks: {summary}"
                            ),
                        ))
                    } else if store.is_none() {
                        None
                    } else if self.first_use_open {
                        pinned_now.push(name.clone());
                        self.pins.tools.insert(
                            name.clone(),
                            pin::PinnedTool {
                                hash: hash.clone(),
                                definition: def.clone(),
                                pinned_at: now_unix,
                                accepted_findings: Vec::new(),
                            },
                        );
                        None
                    } else {
                        pending.insert(
                            name.clone(),
                            PendingTool {
                                change: Change::New,
                                hash: hash.clone(),
                                definition: def.clone(),
                                findings,
                                seen_at: now_unix,
                            },
                        );
                        Some(reason(
                            RULE_TOOL_NEW,
                            Decision::Deny,
                            format!("`{name}` is new since this server's tools were pinned"),
                        ))
                    }
                }
            };
            let is_withheld = block.is_some() || verdict.decision == Decision::Deny;
            if is_withheld {
                let r = block.clone().unwrap_or_else(|| {
                    verdict
                        .reasons
                        .first()
                        .cloned()
                        .unwrap_or_else(|| reason("MCP001", Decision::Deny, "denied"))
                });
                withheld.push((name.clone(), r));
            }
            keep.push(!is_withheld);
            self.tools.insert(
                name,
                ToolEntry {
                    verdict,
                    block,
                    withheld: is_withheld,
                },
            );
        }
        let changed = keep.iter().any(|k| !k);
        if changed {
            let mut i = 0;
            tools.retain(|_| {
                let k = keep.get(i).copied().unwrap_or(false);
                i += 1;
                k
            });
        }
        if let Some(store) = &self.store {
            if !pinned_now.is_empty() {
                match store.save(&self.pins) {
                    Ok(()) => {
                        let mut ev = GatewayEvent::new(&self.cfg.server, EventKind::ToolsPinned, Decision::Allow);
                        ev.detail = format!("pinned on first use: {}", pinned_now.join(", "));
                        self.audit.record(ev);
                    }
                    Err(e) => out.push(Out::Log(format!(
                        "warden: could not save the pins of `{}` ({e}); they hold for this session only ({RULE_PIN_STORE})",
                        self.cfg.server
                    ))),
                }
            }
            if !pending.is_empty() {
                let names: Vec<String> = pending.keys().cloned().collect();
                if let Err(e) = store.add_pending(&self.cfg.server, pending) {
                    out.push(Out::Log(format!(
                        "warden: could not record pending reviews: {e}"
                    )));
                }
                out.push(Out::Log(format!(
                    "warden: MCP server `{}`: tool(s) {} withheld until a person runs `warden mcp approve {}`",
                    self.cfg.server,
                    names.join(", "),
                    self.cfg.server
                )));
            }
        }
        for (name, r) in withheld {
            let mut ev =
                GatewayEvent::new(&self.cfg.server, EventKind::ToolWithheld, Decision::Deny);
            ev.tool = Some(name);
            ev.reasons = vec![r];
            self.audit.record(ev);
        }
        changed
    }

    // ----- timers and endings ------------------------------------------------------------

    /// A timer set through [`Out::Timer`] fired.
    pub fn on_timer(&mut self, token: u64, now: Instant) -> Vec<Out> {
        let mut out = Vec::new();
        let Some((kind, id)) = self.timers.remove(&token) else {
            return out;
        };
        match kind {
            TimerKind::Client => {
                if let Some(req) = self.client_pending.remove(&id) {
                    let secs = self.cfg.request_timeout.map_or(0, |d| d.as_secs());
                    let text = format!(
                        "warden: MCP server `{}` did not answer `{}` within {secs} s",
                        self.cfg.server, req.method
                    );
                    let mut ev =
                        GatewayEvent::new(&self.cfg.server, EventKind::ServerExit, Decision::Deny);
                    ev.detail = text.clone();
                    self.audit.record(ev);
                    out.push(Out::Log(text.clone()));
                    self.answer_error(&id, code::SERVER_TIMEOUT, &text, None, &mut out);
                    out.push(Out::Server(jsonrpc::notification(
                        "notifications/cancelled",
                        json!({"requestId": id.to_value(), "reason": "timed out in the warden gateway"}),
                    )));
                }
            }
            TimerKind::Gateway => {
                if let Some(gw) = self.take_gw(&id) {
                    let why = match &gw {
                        GwReq::Refresh { .. } => {
                            "the server did not answer tools/list in time".to_string()
                        }
                        GwReq::Elicit { .. } => format!(
                            "no answer from the person within {} s",
                            self.cfg.approval_timeout.as_secs()
                        ),
                    };
                    if matches!(gw, GwReq::Elicit { .. }) {
                        out.push(Out::Client(jsonrpc::notification(
                            "notifications/cancelled",
                            json!({"requestId": id.to_value(), "reason": "timed out"}),
                        )));
                    }
                    self.gateway_request_failed(gw, &why, now, &mut out);
                }
            }
        }
        out
    }

    /// The server's output ended (it exited or closed stdout): answer everything still
    /// pending with an error. `detail` says how it ended.
    pub fn on_server_closed(&mut self, detail: &str) -> Vec<Out> {
        let mut out = Vec::new();
        let text = format!(
            "warden: MCP server `{}` exited before answering ({detail})",
            self.cfg.server
        );
        let mut ev = GatewayEvent::new(&self.cfg.server, EventKind::ServerExit, Decision::Deny);
        ev.detail = detail.to_string();
        self.audit.record(ev);
        let mut ids: Vec<IdKey> = self.client_pending.drain().map(|(id, _)| id).collect();
        ids.extend(self.held.drain().map(|(id, _)| id));
        ids.sort();
        for id in ids {
            self.answer_error(&id, code::SERVER_GONE, &text, None, &mut out);
        }
        self.gw_pending.clear();
        self.review_queue.clear();
        self.timers.clear();
        out
    }

    /// Whether a tool is currently withheld (for tests and `--live` audits).
    pub fn is_withheld(&self, tool: &str) -> Option<bool> {
        self.tools.get(tool).map(|t| t.withheld)
    }

    fn protocol_event(&self, direction: &'static str, detail: &str) {
        let mut ev = GatewayEvent::new(&self.cfg.server, EventKind::ProtocolError, Decision::Deny);
        ev.direction = Some(direction);
        ev.detail = detail.to_string();
        self.audit.record(ev);
    }
}

fn summarize(findings: &[Finding]) -> String {
    findings
        .iter()
        .take(3)
        .map(|f| {
            format!(
                "{} at {}: {}",
                f.rule,
                if f.field.is_empty() { "/" } else { &f.field },
                f.message
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}
