//! The relay loop over in-memory streams: ordering, timers, endings. No processes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, DuplexStream};
use warden_mcp::jsonrpc::code;
use warden_mcp::relay::relay_streams;
use warden_mcp::{GatewayConfig, NoAudit, NoRedaction, RelayEnd, RelayOptions, Router, RulePolicy};

struct Peer {
    w: tokio::io::WriteHalf<DuplexStream>,
    r: tokio::io::Lines<BufReader<tokio::io::ReadHalf<DuplexStream>>>,
}

impl Peer {
    fn new(s: DuplexStream) -> Self {
        let (r, w) = tokio::io::split(s);
        Peer {
            w,
            r: BufReader::new(r).lines(),
        }
    }
    async fn send(&mut self, v: Value) {
        let mut line = serde_json::to_vec(&v).unwrap();
        line.push(b'\n');
        self.w.write_all(&line).await.unwrap();
    }
    async fn recv(&mut self) -> Value {
        let line = tokio::time::timeout(Duration::from_secs(5), self.r.next_line())
            .await
            .expect("no message in time")
            .unwrap()
            .expect("stream ended");
        serde_json::from_str(&line).unwrap()
    }
}

fn start(timeout: Option<Duration>) -> (Peer, Peer, tokio::task::JoinHandle<RelayEnd>) {
    let (client_side, gw_client) = tokio::io::duplex(1 << 16);
    let (server_side, gw_server) = tokio::io::duplex(1 << 16);
    let mut cfg = GatewayConfig::new("t");
    cfg.request_timeout = timeout;
    let router = Router::new(
        cfg,
        Arc::new(RulePolicy::new()),
        Arc::new(NoRedaction),
        Arc::new(NoAudit),
    )
    .unwrap();
    let (cr, cw) = tokio::io::split(gw_client);
    let (sr, sw) = tokio::io::split(gw_server);
    let opts = RelayOptions {
        shutdown_grace: Duration::from_millis(50),
        ..RelayOptions::default()
    };
    let handle = tokio::spawn(relay_streams(router, cr, cw, sr, sw, opts));
    (Peer::new(client_side), Peer::new(server_side), handle)
}

#[tokio::test]
async fn keeps_order_and_relays_both_ways() {
    let (mut client, mut server, handle) = start(None);
    for i in 0..50 {
        client
            .send(json!({"jsonrpc":"2.0","id":i,"method":"ping"}))
            .await;
    }
    for i in 0..50 {
        let m = server.recv().await;
        assert_eq!(m["id"], i, "order changed");
    }
    // Answer in reverse order; each answer reaches the client.
    for i in (0..50).rev() {
        server
            .send(json!({"jsonrpc":"2.0","id":i,"result":{}}))
            .await;
    }
    for i in (0..50).rev() {
        assert_eq!(client.recv().await["id"], i);
    }
    drop(client);
    let end = tokio::time::timeout(Duration::from_secs(5), handle)
        .await
        .expect("relay did not end")
        .unwrap();
    assert!(matches!(end, RelayEnd::ClientClosed { .. }), "{end:?}");
}

#[tokio::test]
async fn timers_answer_requests_the_server_ignores() {
    let (mut client, mut server, _handle) = start(Some(Duration::from_millis(100)));
    client
        .send(json!({"jsonrpc":"2.0","id":"slow","method":"tools/list"}))
        .await;
    assert_eq!(server.recv().await["method"], "tools/list");
    let m = client.recv().await;
    assert_eq!(
        (m["id"].clone(), m["error"]["code"].clone()),
        (json!("slow"), json!(code::SERVER_TIMEOUT))
    );
    // The server is told.
    assert_eq!(server.recv().await["method"], "notifications/cancelled");
}

#[tokio::test]
async fn server_eof_answers_pending_and_ends() {
    let (mut client, mut server, handle) = start(None);
    client
        .send(json!({"jsonrpc":"2.0","id":1,"method":"ping"}))
        .await;
    server.recv().await;
    drop(server);
    let m = client.recv().await;
    assert_eq!(m["error"]["code"], code::SERVER_GONE);
    let end = tokio::time::timeout(Duration::from_secs(5), handle)
        .await
        .expect("relay did not end")
        .unwrap();
    assert!(matches!(end, RelayEnd::ServerExited { .. }), "{end:?}");
}

#[tokio::test]
async fn answers_still_flow_after_the_client_closes_its_input() {
    let (client_side, gw_client) = tokio::io::duplex(1 << 16);
    let (server_side, gw_server) = tokio::io::duplex(1 << 16);
    let router = Router::new(
        GatewayConfig::new("t"),
        Arc::new(RulePolicy::new()),
        Arc::new(NoRedaction),
        Arc::new(NoAudit),
    )
    .unwrap();
    let (cr, cw) = tokio::io::split(gw_client);
    let (sr, sw) = tokio::io::split(gw_server);
    let handle = tokio::spawn(relay_streams(
        router,
        cr,
        cw,
        sr,
        sw,
        RelayOptions::default(),
    ));
    let (c_read, mut c_write) = tokio::io::split(client_side);
    let mut server = Peer::new(server_side);
    c_write
        .write_all(b"{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"ping\"}\n")
        .await
        .unwrap();
    c_write.shutdown().await.unwrap();
    drop(c_write);
    assert_eq!(server.recv().await["id"], 9);
    server
        .send(json!({"jsonrpc":"2.0","id":9,"result":{}}))
        .await;
    let mut lines = BufReader::new(c_read).lines();
    let line = tokio::time::timeout(Duration::from_secs(5), lines.next_line())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(line.contains("\"id\":9"));
    drop(server);
    tokio::time::timeout(Duration::from_secs(5), handle)
        .await
        .expect("relay did not end")
        .unwrap();
}
