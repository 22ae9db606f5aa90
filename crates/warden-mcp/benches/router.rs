//! The router's own cost: one `tools/call` request and its response routed, and a
//! `tools/list` page reviewed (policy, hash, poisoning checks). No I/O.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Instant;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde_json::json;
use warden_mcp::frame::Frame;
use warden_mcp::{GatewayConfig, NoAudit, NoRedaction, Router, RulePolicy, ServerRules};

fn router() -> Router {
    let policy = RulePolicy::new().with_server(
        "b",
        ServerRules::new(&["read_*"], &[] as &[&str], &["delete_*"]).unwrap(),
    );
    let mut cfg = GatewayConfig::new("b");
    cfg.request_timeout = None;
    Router::new(
        cfg,
        Arc::new(policy),
        Arc::new(NoRedaction),
        Arc::new(NoAudit),
    )
    .unwrap()
}

fn tools() -> serde_json::Value {
    let t = |n: &str, ro: bool| json!({"name": n, "description": format!("The {n} tool reads or changes the knowledge graph."), "inputSchema": {"type": "object", "properties": {"query": {"type": "string", "description": "What to look for"}}}, "annotations": {"readOnlyHint": ro}});
    json!([
        t("read_graph", true),
        t("search_nodes", true),
        t("open_nodes", true),
        t("create_entities", false),
        t("delete_entities", false)
    ])
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("router");
    let mut r = router();
    let list =
        serde_json::to_vec(&json!({"jsonrpc":"2.0","id":0,"result":{"tools": tools()}})).unwrap();
    r.on_client(
        Frame::Line(br#"{"jsonrpc":"2.0","id":0,"method":"tools/list"}"#.to_vec()),
        Instant::now(),
    );
    r.on_server(Frame::Line(list.clone()), Instant::now());
    let call = br#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"read_graph","arguments":{"query":"warden"}}}"#.to_vec();
    let answer = br#"{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"{\"entities\":[{\"name\":\"warden\",\"entityType\":\"tool\",\"observations\":[\"guards agents\"]}],\"relations\":[]}"}]}}"#.to_vec();
    g.throughput(Throughput::Elements(2));
    g.bench_function("tools_call_round_trip", |b| {
        b.iter(|| {
            let now = Instant::now();
            let a = r.on_client(Frame::Line(call.clone()), now);
            let z = r.on_server(Frame::Line(answer.clone()), now);
            (a, z)
        })
    });
    g.throughput(Throughput::Elements(1));
    let mut r2 = router();
    g.bench_function("tools_list_review_5_tools", |b| {
        b.iter(|| {
            let now = Instant::now();
            r2.on_client(
                Frame::Line(br#"{"jsonrpc":"2.0","id":0,"method":"tools/list"}"#.to_vec()),
                now,
            );
            r2.on_server(Frame::Line(list.clone()), now)
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
