//! The gateway's router fed arbitrary frames from both sides.
//!
//! Input: segments separated by `\n`. The first byte of a segment chooses what happens:
//! bit 0 the side (client or server), bit 1 an over-long frame instead of a line, bit 2 a
//! timer firing, bit 3 the server exiting. Seeds that look like MCP traffic are in the corpus.
//!
//! Properties: no panic; everything written is one line of valid JSON; the server never
//! receives a `tools/call` for a tool the policy denies (`delete_*`).
#![no_main]

use std::sync::Arc;
use std::time::{Duration, Instant};

use libfuzzer_sys::fuzz_target;
use warden_mcp::frame::Frame;
use warden_mcp::router::Out;
use warden_mcp::{GatewayConfig, NoAudit, Router, RulePolicy, ServerRules};

struct Redact;
impl warden_mcp::Redactor for Redact {
    fn redact(&self, text: &mut String) -> usize {
        let n = text.matches("SECRET-TOKEN").count();
        if n > 0 {
            *text = text.replace("SECRET-TOKEN", "[R]");
        }
        n
    }
}

fn check(outs: &[Out]) {
    for out in outs {
        let line = match out {
            Out::Client(b) | Out::Server(b) => b,
            _ => continue,
        };
        assert!(!line.contains(&b'\n'), "a frame with an embedded newline");
        let v: serde_json::Value = serde_json::from_slice(line).expect("the gateway wrote invalid JSON");
        if let Out::Server(_) = out {
            let items: Vec<&serde_json::Value> = match &v {
                serde_json::Value::Array(a) => a.iter().collect(),
                other => vec![other],
            };
            for m in items {
                if m.get("method").and_then(|x| x.as_str()) == Some("tools/call") {
                    let name = m.pointer("/params/name").and_then(|x| x.as_str()).unwrap_or("");
                    assert!(!name.starts_with("delete_"), "a denied tool call reached the server");
                    assert!(!m.to_string().contains("SECRET-TOKEN"), "an unredacted secret reached the server");
                }
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let rules = ServerRules::new(&["read_*"], &["ask_*"], &["delete_*"]).expect("rules");
    let policy = RulePolicy::new().with_server("fz", rules);
    let mut cfg = GatewayConfig::new("fz");
    cfg.max_line = 4096;
    cfg.request_timeout = Some(Duration::from_secs(1));
    let Ok(mut router) = Router::new(cfg, Arc::new(policy), Arc::new(Redact), Arc::new(NoAudit)) else {
        return;
    };
    let now = Instant::now();
    for segment in data.split(|b| *b == b'\n').take(256) {
        let Some((&op, rest)) = segment.split_first() else { continue };
        let outs = if op & 8 != 0 {
            router.on_server_closed("fuzz")
        } else if op & 4 != 0 {
            router.on_timer(u64::from(rest.first().copied().unwrap_or(0)), now)
        } else {
            let frame = if op & 2 != 0 {
                Frame::TooLong { prefix: rest.to_vec(), len: 1 << 30 }
            } else {
                Frame::Line(rest.to_vec())
            };
            if op & 1 == 0 { router.on_client(frame, now) } else { router.on_server(frame, now) }
        };
        check(&outs);
    }
    let _ = warden_mcp::frame::scan_id(data);
});
