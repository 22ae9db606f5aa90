//! End-to-end benchmark of the gateway: added latency per `tools/call` and messages per second.
//!
//! ```text
//! mcp_bench [--calls N] [--pipeline N] [--gateway CMD...] -- SERVER_CMD [ARGS...]
//! ```
//!
//! Runs the server directly, then behind the gateway, and prints one JSON object with the
//! median and p99 round trip of sequential `tools/call echo` calls for both, the added median,
//! and the messages per second with `--pipeline` calls in flight. Without `--gateway`, the
//! gateway is this binary itself (`mcp_bench gateway -- SERVER...`): the library's relay with
//! a rule policy and a simple redactor. Pass `--gateway warden mcp proxy --server bench` to
//! measure the real binary with the real policy, secret scanner and audit log.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use warden_mcp::client::StdioClient;
use warden_mcp::{GatewayConfig, NoAudit, RelayOptions, Router, RulePolicy, ServerCommand};

/// A redactor with a realistic shape: one substring search per string.
struct NeedleRedactor;
impl warden_mcp::Redactor for NeedleRedactor {
    fn redact(&self, text: &mut String) -> usize {
        if text.contains("AKIA") {
            *text = text.replace("AKIA", "[REDACTED]");
            1
        } else {
            0
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("gateway") {
        gateway(&args[1..]);
        return;
    }
    let mut calls = 2000usize;
    let mut pipeline = 20_000usize;
    let mut gateway_cmd: Vec<String> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--calls" => {
                calls = args
                    .get(i + 1)
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(calls);
                i += 2;
            }
            "--pipeline" => {
                pipeline = args
                    .get(i + 1)
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(pipeline);
                i += 2;
            }
            "--gateway" => {
                i += 1;
                while i < args.len() && args[i] != "--" {
                    gateway_cmd.push(args[i].clone());
                    i += 1;
                }
            }
            "--" => {
                i += 1;
                break;
            }
            _ => break,
        }
    }
    let server: Vec<String> = args[i..].to_vec();
    if server.is_empty() {
        eprintln!(
            "usage: mcp_bench [--calls N] [--pipeline N] [--gateway CMD...] -- SERVER_CMD [ARGS...]"
        );
        std::process::exit(64);
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let direct_cmd = ServerCommand::new(&server[0]).args(&server[1..]);
    let mut via = if gateway_cmd.is_empty() {
        vec![
            std::env::current_exe()
                .expect("exe")
                .to_string_lossy()
                .into_owned(),
            "gateway".into(),
        ]
    } else {
        gateway_cmd.clone()
    };
    via.push("--".into());
    via.extend(server.iter().cloned());
    let gateway_cmd_full = ServerCommand::new(&via[0]).args(&via[1..]);
    let (direct, direct_rate) = rt.block_on(measure(&direct_cmd, calls, pipeline));
    let (through, through_rate) = rt.block_on(measure(&gateway_cmd_full, calls, pipeline));
    let report = json!({
        "server": server.join(" "),
        "gateway": if gateway_cmd.is_empty() { "warden-mcp relay (library, rule policy, simple redactor)".to_string() } else { gateway_cmd.join(" ") },
        "calls": calls,
        "direct_median_us": direct.0,
        "direct_p99_us": direct.1,
        "gateway_median_us": through.0,
        "gateway_p99_us": through.1,
        "added_median_us": through.0 - direct.0,
        "pipeline_messages": pipeline,
        "direct_msgs_per_s": direct_rate,
        "gateway_msgs_per_s": through_rate,
    });
    println!("{}", serde_json::to_string_pretty(&report).expect("json"));
}

/// (median µs, p99 µs) of sequential calls, and round trips per second with `pipeline` calls
/// written before reading.
async fn measure(cmd: &ServerCommand, calls: usize, pipeline: usize) -> ((f64, f64), f64) {
    let mut c = StdioClient::spawn(cmd, Duration::from_secs(30)).expect("spawn");
    c.initialize(json!({})).await.expect("initialize");
    let tools = c.list_tools().await.expect("tools/list");
    let tool = tools
        .iter()
        .find_map(|t| t["name"].as_str())
        .unwrap_or("echo")
        .to_string();
    let args = if tool == "echo" {
        json!({"message": "hello"})
    } else {
        json!({})
    };
    for _ in 0..100 {
        c.call_tool(&tool, args.clone()).await.expect("warm-up");
    }
    let mut samples = Vec::with_capacity(calls);
    for _ in 0..calls {
        let t = Instant::now();
        let r = c.call_tool(&tool, args.clone()).await.expect("call");
        samples.push(t.elapsed().as_secs_f64() * 1e6);
        assert!(r.get("result").is_some(), "{r}");
    }
    samples.sort_by(f64::total_cmp);
    let median = samples[samples.len() / 2];
    let p99 = samples[(samples.len() * 99 / 100).min(samples.len() - 1)];
    // Throughput: write `pipeline` requests in chunks while reading answers.
    let start = Instant::now();
    let first = c.next_id() + 1;
    let mut sent = 0usize;
    let mut received = 0usize;
    while received < pipeline {
        while sent < pipeline && sent - received < 512 {
            let id = c.next_id();
            c.send(&json!({"jsonrpc": "2.0", "id": id, "method": "tools/call", "params": {"name": tool, "arguments": args}})).await.expect("send");
            sent += 1;
        }
        let m: Value = c.read_message().await.expect("read");
        if m.get("id")
            .and_then(Value::as_i64)
            .is_some_and(|id| id >= first)
        {
            received += 1;
        }
    }
    let rate = (pipeline * 2) as f64 / start.elapsed().as_secs_f64();
    c.shutdown(Duration::from_secs(5)).await;
    ((median, p99), rate)
}

/// The library's gateway around SERVER (the same relay `warden mcp proxy` runs).
fn gateway(args: &[String]) {
    let server: Vec<&String> = args.iter().skip_while(|a| *a != "--").skip(1).collect();
    let Some((program, rest)) = server.split_first() else {
        std::process::exit(64)
    };
    let policy = RulePolicy::new().with_server(
        "bench",
        warden_mcp::ServerRules::new(&["echo", "read_*"], &[] as &[&str], &["delete_*"])
            .expect("rules"),
    );
    let router = Router::new(
        GatewayConfig::new("bench"),
        Arc::new(policy),
        Arc::new(NeedleRedactor),
        Arc::new(NoAudit),
    )
    .expect("router");
    let cmd = ServerCommand::new(program.as_str()).args(rest.iter().map(|s| s.as_str()));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let _ = rt.block_on(async {
        let (input, output) = warden_mcp::relay::stdio();
        warden_mcp::relay::run_child(router, input, output, &cmd, RelayOptions::default()).await
    });
    rt.shutdown_timeout(Duration::from_millis(100));
}
