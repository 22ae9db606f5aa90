//! `warden mcp proxy` driven as a real process: against the npm reference servers (installed
//! by `.ci/install-mcp-servers`), the inspector CLI, and small shell "servers" that crash,
//! hang or print garbage.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use warden_mcp::ServerCommand;
use warden_mcp::client::StdioClient;
use warden_mcp::jsonrpc::code;

const TEST_LIMIT: Duration = Duration::from_secs(90);

fn warden() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_warden"))
}

/// The npm servers' `.bin` directory, or `None` (locally) when they are not installed. Under
/// `CI=true` a missing install fails the test.
fn servers_bin() -> Option<PathBuf> {
    let dir = std::env::var_os("WARDEN_MCP_SERVERS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/opt/warden-test/mcp"));
    let bin = dir.join("node_modules/.bin");
    if bin.join("mcp-server-memory").exists() {
        return Some(bin);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "the MCP reference servers are missing from {}; run .ci/install-mcp-servers",
            dir.display()
        );
    }
    eprintln!(
        "skipping: MCP reference servers not installed in {} (run .ci/install-mcp-servers)",
        dir.display()
    );
    None
}

/// A private HOME, state, config and project for one test.
struct Env {
    tmp: tempfile::TempDir,
}

impl Env {
    fn new(policy: &str) -> Self {
        let tmp = tempfile::tempdir().unwrap();
        for d in ["home", "state", "config", "project/.git", "data"] {
            std::fs::create_dir_all(tmp.path().join(d)).unwrap();
        }
        std::fs::write(tmp.path().join("policy.toml"), policy).unwrap();
        Env { tmp }
    }
    fn path(&self, p: &str) -> PathBuf {
        self.tmp.path().join(p)
    }
    fn mcp_state(&self) -> PathBuf {
        self.path("state/warden/mcp")
    }
    fn apply(&self, mut cmd: ServerCommand) -> ServerCommand {
        cmd = cmd
            .env("HOME", self.path("home"))
            .env("XDG_STATE_HOME", self.path("state"))
            .env("XDG_CONFIG_HOME", self.path("config"))
            .env("WARDEN_POLICY", self.path("policy.toml"))
            .env("MEMORY_FILE_PATH", self.path("data/memory.jsonl"));
        cmd.cwd = Some(self.path("project"));
        cmd
    }
    /// `warden mcp proxy --server NAME [extra] -- server...`
    fn proxy(&self, name: &str, extra: &[&str], server: &[&Path]) -> ServerCommand {
        let mut args: Vec<std::ffi::OsString> =
            vec!["mcp".into(), "proxy".into(), "--server".into(), name.into()];
        args.extend(extra.iter().map(Into::into));
        args.push("--".into());
        args.extend(server.iter().map(|p| p.as_os_str().to_owned()));
        self.apply(ServerCommand::new(warden()).args(args))
    }
}

fn client(cmd: &ServerCommand) -> StdioClient {
    StdioClient::spawn(cmd, Duration::from_secs(30)).unwrap()
}

fn names(tools: &[Value]) -> Vec<String> {
    tools
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_string())
        .collect()
}

/// An obviously fake AWS-shaped access key id, generated per run.
fn fake_key() -> String {
    let mut x = u64::from(std::process::id())
        ^ (Instant::now().elapsed().as_nanos() as u64)
        ^ 0x9E37_79B9_7F4A_7C15;
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let tail: String = (0..12)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            alphabet[(x % 32) as usize] as char
        })
        .collect();
    format!("AKIAFAKE{tail}")
}

const MEMORY_POLICY: &str = "[mcp.servers.memory]\nallow = [\"read_*\"]\ndeny = [\"delete_*\"]\n";

async fn limit<F: std::future::Future<Output = ()>>(f: F) {
    tokio::time::timeout(TEST_LIMIT, f)
        .await
        .expect("test exceeded its time limit (a hang)");
}

#[tokio::test]
async fn memory_server_read_allowed_delete_denied() {
    let Some(bin) = servers_bin() else { return };
    limit(async {
        let env = Env::new(MEMORY_POLICY);
        let mut c = client(&env.proxy("memory", &[], &[&bin.join("mcp-server-memory")]));
        let init = c.initialize(json!({})).await.unwrap();
        assert_eq!(init["serverInfo"]["name"], "memory-server");
        let tools = names(&c.list_tools().await.unwrap());
        assert!(tools.contains(&"read_graph".into()) && tools.contains(&"search_nodes".into()), "{tools:?}");
        assert!(!tools.iter().any(|t| t.starts_with("delete_")), "{tools:?}");

        let r = c.call_tool("create_entities", json!({"entities":[{"name":"warden","entityType":"tool","observations":["guards"]}]})).await.unwrap();
        assert!(r.get("result").is_some(), "{r}");
        let r = c.call_tool("read_graph", json!({})).await.unwrap();
        assert!(r["result"].to_string().contains("warden"), "{r}");
        let r = c.call_tool("delete_entities", json!({"entityNames":["warden"]})).await.unwrap();
        assert_eq!(r["error"]["code"], code::TOOL_DENIED, "{r}");
        let msg = r["error"]["message"].as_str().unwrap();
        assert!(msg.contains("delete_entities") && msg.contains("delete_*"), "{msg}");
        // The entity survived: the call never reached the server.
        let r = c.call_tool("read_graph", json!({})).await.unwrap();
        assert!(r["result"].to_string().contains("warden"));
        assert!(c.shutdown(Duration::from_secs(10)).await, "the gateway did not exit after stdin closed");
        // Decisions are in the audit log.
        let log = std::fs::read_to_string(env.path("state/warden/audit.jsonl")).unwrap();
        assert!(log.contains("mcp_tool_call") && log.contains("delete_entities"), "{log}");
    })
    .await;
}

#[tokio::test]
async fn everything_server_secrets_redacted_and_roots_reach_the_client() {
    let Some(bin) = servers_bin() else { return };
    limit(async {
        let env = Env::new("");
        let key = fake_key();
        let cmd = env
            .proxy("everything", &[], &[&bin.join("mcp-server-everything")])
            .env("FAKE_AWS_KEY_FOR_TEST", &key);
        let mut c = client(&cmd);
        c.roots = vec![json!({"uri": "file:///tmp/warden-root", "name": "test root"})];
        c.initialize(json!({"roots": {"listChanged": true}}))
            .await
            .unwrap();
        // server-everything registers its tools after `initialized`; under load the first
        // listing can come back empty.
        let mut tools = Vec::new();
        for _ in 0..40 {
            tools = names(&c.list_tools().await.unwrap());
            if tools.contains(&"get-env".to_string()) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        assert!(
            tools.contains(&"get-env".into()) && tools.contains(&"echo".into()),
            "{tools:?}"
        );
        let r = c.call_tool("get-env", json!({})).await.unwrap();
        let text = r.to_string();
        assert!(
            !text.contains(&key),
            "the fake key came back through get-env"
        );
        assert!(
            text.contains("FAKE_AWS_KEY_FOR_TEST") && text.contains("REDACTED"),
            "{}",
            &text[..text.len().min(400)]
        );
        // The client → server direction: an argument carrying the key is redacted too.
        let r = c
            .call_tool("echo", json!({"message": format!("id {key}")}))
            .await
            .unwrap();
        assert!(!r.to_string().contains(&key), "{r}");
        // The server's roots/list request reached this client and its answer went back. The
        // server sends it some time after `initialized`: keep the session busy until it does.
        for _ in 0..40 {
            let r = c
                .call_tool("echo", json!({"message": "hello"}))
                .await
                .unwrap();
            assert!(r["result"].to_string().contains("hello"));
            if c.server_requests.iter().any(|m| m == "roots/list") {
                break;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        assert!(
            c.server_requests.iter().any(|m| m == "roots/list"),
            "{:?}",
            c.server_requests
        );
        // server-everything ignores stdin EOF: the gateway must still end it.
        let started = Instant::now();
        assert!(
            c.shutdown(Duration::from_secs(15)).await,
            "gateway did not stop the server"
        );
        assert!(started.elapsed() < Duration::from_secs(12));
    })
    .await;
}

#[tokio::test]
async fn filesystem_server_ask_needs_a_one_time_code_and_reads_are_redacted() {
    let Some(bin) = servers_bin() else { return };
    limit(async {
        let env = Env::new("");
        let root = env.path("data");
        let key = fake_key();
        std::fs::write(
            root.join("config.env"),
            format!("AWS_ACCESS_KEY_ID={key}\n"),
        )
        .unwrap();
        let mut c = client(&env.proxy(
            "filesystem",
            &[],
            &[&bin.join("mcp-server-filesystem"), &root],
        ));
        c.initialize(json!({})).await.unwrap();
        let tools = names(&c.list_tools().await.unwrap());
        assert!(
            tools.contains(&"read_text_file".into()) && tools.contains(&"write_file".into()),
            "{tools:?}"
        );
        let path = root.join("config.env");
        let r = c
            .call_tool("read_text_file", json!({"path": path}))
            .await
            .unwrap();
        assert!(r["result"].is_object(), "{r}");
        assert!(!r.to_string().contains(&key), "{r}");
        // write_file is destructive by its annotations and no rule allows it: ask. This client
        // has no elicitation, so the gateway answers with a one-time approval code.
        let target = root.join("out.txt");
        let args = json!({"path": target, "content": "hi"});
        let r = c.call_tool("write_file", args.clone()).await.unwrap();
        assert_eq!(r["error"]["code"], code::APPROVAL_REQUIRED, "{r}");
        let approval = r["error"]["data"]["approval_code"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(
            r["error"]["message"]
                .as_str()
                .unwrap()
                .contains(&format!("warden approve {approval}"))
        );
        assert!(!target.exists());
        warden_mcp::approvals::grant(&approval, &env.mcp_state()).unwrap();
        let r = c.call_tool("write_file", args.clone()).await.unwrap();
        assert!(r.get("result").is_some(), "{r}");
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "hi");
        // One code, one call.
        let r = c.call_tool("write_file", args).await.unwrap();
        assert_eq!(r["error"]["code"], code::APPROVAL_REQUIRED);
        c.shutdown(Duration::from_secs(10)).await;
    })
    .await;
}

#[tokio::test]
async fn filesystem_server_ask_through_elicitation() {
    let Some(bin) = servers_bin() else { return };
    limit(async {
        let env = Env::new("");
        let root = env.path("data");
        let mut c = client(&env.proxy(
            "filesystem",
            &[],
            &[&bin.join("mcp-server-filesystem"), &root],
        ));
        c.elicitation_answer = Some(json!({"action": "accept", "content": {"approve": true}}));
        c.initialize(json!({"elicitation": {}})).await.unwrap();
        c.list_tools().await.unwrap();
        let target = root.join("elicited.txt");
        let r = c
            .call_tool("write_file", json!({"path": target, "content": "ok"}))
            .await
            .unwrap();
        assert!(r.get("result").is_some(), "{r}");
        assert!(c.server_requests.iter().any(|m| m == "elicitation/create"));
        c.elicitation_answer = Some(json!({"action": "decline"}));
        let r = c
            .call_tool(
                "write_file",
                json!({"path": root.join("no.txt"), "content": "no"}),
            )
            .await
            .unwrap();
        assert_eq!(r["error"]["code"], code::TOOL_DENIED, "{r}");
        assert!(!root.join("no.txt").exists());
        c.shutdown(Duration::from_secs(10)).await;
    })
    .await;
}

#[tokio::test]
async fn changed_tool_definitions_are_blocked_until_approved() {
    let Some(bin) = servers_bin() else { return };
    limit(async {
        let env = Env::new(MEMORY_POLICY);
        let memory = bin.join("mcp-server-memory");
        // Session 1 pins on first use.
        let mut c = client(&env.proxy("memory", &[], &[&memory]));
        c.initialize(json!({})).await.unwrap();
        assert!(names(&c.list_tools().await.unwrap()).contains(&"read_graph".into()));
        c.shutdown(Duration::from_secs(10)).await;
        // Simulate a rug pull: the pinned definition of read_graph differs from what the
        // server now says (as if the server changed it after pinning).
        let pin_file = env.mcp_state().join("pins/memory.json");
        let mut pins: Value =
            serde_json::from_str(&std::fs::read_to_string(&pin_file).unwrap()).unwrap();
        pins["tools"]["read_graph"]["hash"] = json!("sha256:0000");
        pins["tools"]["read_graph"]["definition"]["description"] =
            json!("Read the graph (old text)");
        std::fs::write(&pin_file, serde_json::to_vec(&pins).unwrap()).unwrap();
        // Session 2: read_graph is withheld and refused.
        let mut c = client(&env.proxy("memory", &[], &[&memory]));
        c.initialize(json!({})).await.unwrap();
        let tools = names(&c.list_tools().await.unwrap());
        assert!(
            !tools.contains(&"read_graph".into()) && tools.contains(&"search_nodes".into()),
            "{tools:?}"
        );
        let r = c.call_tool("read_graph", json!({})).await.unwrap();
        assert_eq!(r["error"]["code"], code::TOOL_DENIED);
        assert!(
            r["error"]["message"]
                .as_str()
                .unwrap()
                .contains("warden mcp approve memory")
        );
        c.shutdown(Duration::from_secs(10)).await;
        // `warden mcp approve` refuses without a terminal...
        let out = env_cmd(&env, &["mcp", "approve", "memory"])
            .output()
            .await
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(64),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stderr).contains("terminal"));
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("never"),
            "must say an agent must not run it"
        );
        // ...and shows the diff and pins with --yes.
        let out = env_cmd(&env, &["mcp", "approve", "memory", "--yes"])
            .output()
            .await
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{stdout}");
        assert!(
            stdout.contains("CHANGED") && stdout.contains("- ") && stdout.contains("old text"),
            "{stdout}"
        );
        // Session 3: back.
        let mut c = client(&env.proxy("memory", &[], &[&memory]));
        c.initialize(json!({})).await.unwrap();
        assert!(names(&c.list_tools().await.unwrap()).contains(&"read_graph".into()));
        c.shutdown(Duration::from_secs(10)).await;
    })
    .await;
}

fn env_cmd(env: &Env, args: &[&str]) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new(warden());
    cmd.args(args)
        .env("HOME", env.path("home"))
        .env("XDG_STATE_HOME", env.path("state"))
        .env("XDG_CONFIG_HOME", env.path("config"))
        .env("WARDEN_POLICY", env.path("policy.toml"))
        .current_dir(env.path("project"))
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true);
    cmd
}

/// `mcp-inspector --cli WARDEN --method M [opts] -- mcp proxy --server memory -- SERVER`: the
/// inspector splits its own options at the first `--` and drops it, so the gateway receives
/// `mcp proxy --server memory SERVER`.
fn inspector(env: &Env, bin: &Path, method_args: &[&str]) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new(bin.join("mcp-inspector"));
    cmd.arg("--cli")
        .arg(warden())
        .args(method_args)
        .args(["--", "mcp", "proxy", "--server", "memory", "--"])
        .arg(bin.join("mcp-server-memory"))
        .env("HOME", env.path("home"))
        .env("XDG_STATE_HOME", env.path("state"))
        .env("XDG_CONFIG_HOME", env.path("config"))
        .env("WARDEN_POLICY", env.path("policy.toml"))
        .env("MEMORY_FILE_PATH", env.path("data/memory.jsonl"))
        .current_dir(env.path("project"))
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true);
    cmd
}

#[tokio::test]
async fn inspector_cli_lists_and_calls_through_the_gateway() {
    let Some(bin) = servers_bin() else { return };
    limit(async {
        let env = Env::new(MEMORY_POLICY);
        let out = inspector(&env, &bin, &["--method", "tools/list"])
            .output()
            .await
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "inspector failed: {stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let listed: Value =
            serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("{e}: {stdout}"));
        let tools = names(listed["tools"].as_array().unwrap());
        assert!(tools.contains(&"read_graph".into()));
        assert!(!tools.iter().any(|t| t.starts_with("delete_")), "{tools:?}");
        // An allowed call works...
        let out = inspector(
            &env,
            &bin,
            &["--method", "tools/call", "--tool-name", "read_graph"],
        )
        .output()
        .await
        .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && stdout.contains("entities"),
            "{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        // ...and a denied one fails with the gateway's reason.
        let out = inspector(
            &env,
            &bin,
            &["--method", "tools/call", "--tool-name", "delete_entities"],
        )
        .output()
        .await
        .unwrap();
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!out.status.success(), "{all}");
        assert!(all.contains("delete_*") || all.contains("-32010"), "{all}");
    })
    .await;
}

// ----- failure modes, with small shell servers (no npm needed) ---------------------------------

fn sh(script: &str) -> Vec<PathBuf> {
    vec![
        PathBuf::from("/bin/sh"),
        PathBuf::from("-c"),
        PathBuf::from(script),
    ]
}

fn proxy_sh(env: &Env, extra: &[&str], script: &str) -> ServerCommand {
    let parts = sh(script);
    let refs: Vec<&Path> = parts.iter().map(PathBuf::as_path).collect();
    env.proxy("shell", extra, &refs)
}

#[tokio::test]
async fn a_crashing_server_gives_a_clear_error_and_the_gateway_exits() {
    limit(async {
        let env = Env::new("");
        let mut c = client(&proxy_sh(&env, &[], "read line; echo 'boom' >&2; exit 3"));
        let r = c.request("initialize", json!({"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}})).await.unwrap();
        assert_eq!(r["error"]["code"], code::SERVER_GONE, "{r}");
        assert!(r["error"]["message"].as_str().unwrap().contains("exit status: 3"), "{r}");
        let status = c.wait_exit(Duration::from_secs(10)).await.expect("gateway did not exit");
        assert_eq!(status.code(), Some(1));
    })
    .await;
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_and_is_killed() {
    limit(async {
        let env = Env::new("");
        // Ignores SIGTERM and never answers; only SIGKILL ends it.
        let mut c = client(&proxy_sh(
            &env,
            &["--request-timeout", "1", "--shutdown-grace", "1"],
            "trap '' TERM; while :; do sleep 1; done",
        ));
        let started = Instant::now();
        let r = c.request("initialize", json!({})).await.unwrap();
        assert_eq!(r["error"]["code"], code::SERVER_TIMEOUT, "{r}");
        assert!(started.elapsed() < Duration::from_secs(5));
        let r = c.request("ping", json!({})).await.unwrap();
        assert_eq!(r["error"]["code"], code::SERVER_TIMEOUT);
        let started = Instant::now();
        c.close_stdin();
        let status = c
            .wait_exit(Duration::from_secs(15))
            .await
            .expect("gateway hung on shutdown");
        assert!(status.success(), "{status:?}");
        assert!(
            started.elapsed() < Duration::from_secs(8),
            "{:?}",
            started.elapsed()
        );
    })
    .await;
}

#[tokio::test]
async fn malformed_frames_and_huge_lines_get_errors_and_the_session_survives() {
    limit(async {
        let env = Env::new("");
        // An echo server: answers every request with an empty result.
        let script = r#"while IFS= read -r line; do id=$(printf '%s' "$line" | sed -n 's/.*"id":\([0-9][0-9]*\).*/\1/p'); [ -n "$id" ] && printf '{"jsonrpc":"2.0","id":%s,"result":{}}\n' "$id"; done"#;
        let mut c = client(&proxy_sh(&env, &["--max-line", "65536"], script));
        for (raw, want) in [
            (b"this is not json".to_vec(), code::PARSE_ERROR),
            (b"{\"jsonrpc\":\"2.0\",\"id\":1".to_vec(), code::PARSE_ERROR),
            (b"{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"ping\"}".to_vec(), code::INVALID_REQUEST),
            (b"[]".to_vec(), code::INVALID_REQUEST),
        ] {
            c.send_raw(&raw).await.unwrap();
            let m = c.read_message().await.unwrap();
            assert_eq!(m["error"]["code"], want, "{}", String::from_utf8_lossy(&raw));
        }
        // A 1 MiB line: answered with its own id.
        let huge = format!(r#"{{"jsonrpc":"2.0","id":900,"method":"tools/call","params":{{"name":"x","arguments":{{"blob":"{}"}}}}}}"#, "a".repeat(1 << 20));
        c.send_raw(huge.as_bytes()).await.unwrap();
        let m = c.read_message().await.unwrap();
        assert_eq!((m["id"].clone(), m["error"]["code"].clone()), (json!(900), json!(code::MESSAGE_TOO_LARGE)));
        // A batch: each request answered.
        c.send_raw(br#"[{"jsonrpc":"2.0","id":901,"method":"ping"},{"jsonrpc":"2.0","id":902,"method":"ping"}]"#).await.unwrap();
        let m = c.read_message().await.unwrap();
        assert_eq!(m.as_array().unwrap().len(), 2);
        // The session still works.
        let r = c.request("ping", json!({})).await.unwrap();
        assert_eq!(r["result"], json!({}));
        c.shutdown(Duration::from_secs(10)).await;
    })
    .await;
}

#[tokio::test]
async fn garbage_on_the_servers_stdout_never_reaches_the_client() {
    limit(async {
        let env = Env::new("");
        let script = r#"echo 'Server listening on stdio'; while IFS= read -r line; do printf '%s\n' 'debug: got a line'; printf '{"jsonrpc":"2.0","id":7,"result":{"ok":true}}\n'; done"#;
        let mut c = client(&proxy_sh(&env, &[], script));
        c.send(&json!({"jsonrpc":"2.0","id":7,"method":"ping"})).await.unwrap();
        let m = c.read_message().await.unwrap();
        assert_eq!(m["result"]["ok"], true, "{m}");
        c.shutdown(Duration::from_secs(10)).await;
    })
    .await;
}

#[tokio::test]
async fn a_missing_server_command_is_a_clear_error() {
    let env = Env::new("");
    let out = env_cmd(
        &env,
        &[
            "mcp",
            "proxy",
            "--server",
            "x",
            "--",
            "/nonexistent/mcp-server",
        ],
    )
    .output()
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(70));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("cannot start MCP server"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = env_cmd(&env, &["mcp", "proxy", "--server", "../evil", "--", "true"])
        .output()
        .await
        .unwrap();
    assert_ne!(out.status.code(), Some(0));
}

// ----- audit and wrap --------------------------------------------------------------------------

#[tokio::test]
async fn audit_reports_risky_configs_and_wrap_round_trips() {
    let env = Env::new("");
    let home = env.path("home");
    let gh = format!("ghp_{}", "Fak3T0k3nX".repeat(4));
    let slack = format!(
        "xoxp-{}-{}-{}",
        "1234567890", "1234567890", "FAKEabcdefghijklmnopqrst"
    );
    let claude = json!({"mcpServers": {
        "memory": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-memory"]},
        "files": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem@2026.8.31", "/"]},
        "github": {"command": "docker", "args": ["run", "-i", "--rm", "ghcr.io/github/github-mcp-server"], "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": gh}},
        "slack": {"command": "npx", "args": ["-y", "slack-mcp@1.0.0"], "env": {"SLACK_TOKEN": slack}},
        "remote": {"type": "http", "url": "http://mcp.example.com/mcp"}
    }});
    std::fs::write(
        home.join(".claude.json"),
        serde_json::to_string_pretty(&claude).unwrap(),
    )
    .unwrap();
    std::fs::create_dir_all(home.join(".cursor")).unwrap();
    std::fs::write(home.join(".cursor/mcp.json"), r#"{"mcpServers":{"x":{"command":"warden","args":["mcp","proxy","--server","x","--","node","s.js"]}}}"#).unwrap();

    let out = env_cmd(&env, &["mcp", "audit", "--format", "json"])
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !stdout.contains(&gh) && !stdout.contains(&slack),
        "a token leaked into the audit output"
    );
    let v: Value = serde_json::from_str(&stdout).unwrap();
    let rules_of = |name: &str| -> Vec<String> {
        v["configs"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|c| c["servers"].as_array().unwrap().iter())
            .filter(|s| s["name"] == name)
            .flat_map(|s| {
                s["findings"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|f| f["rule"].as_str().unwrap().to_string())
            })
            .collect()
    };
    assert!(rules_of("memory").contains(&"MCP201".into()));
    assert!(rules_of("files").contains(&"MCP203".into()));
    assert!(
        rules_of("github").contains(&"MCP202".into())
            && rules_of("github").contains(&"MCP201".into())
    );
    assert!(rules_of("remote").contains(&"MCP204".into()));
    assert!(rules_of("x").is_empty(), "{:?}", rules_of("x"));
    assert!(
        stdout.contains("GitHub classic personal access token")
            && stdout.contains("Slack user token"),
        "{stdout}"
    );

    let text = env_cmd(&env, &["mcp", "audit"]).output().await.unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("claude-code") && text.contains("warden mcp wrap"),
        "{text}"
    );

    // Wrap routes the stdio servers through the gateway; undo restores the file's content.
    let out = env_cmd(
        &env,
        &[
            "mcp",
            "wrap",
            "--client",
            "claude-code",
            "--warden",
            "/usr/local/bin/warden",
        ],
    )
    .output()
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let wrapped: Value =
        serde_json::from_str(&std::fs::read_to_string(home.join(".claude.json")).unwrap()).unwrap();
    assert_eq!(
        wrapped["mcpServers"]["memory"]["command"],
        "/usr/local/bin/warden"
    );
    assert_eq!(
        wrapped["mcpServers"]["remote"],
        claude["mcpServers"]["remote"]
    );
    assert!(home.join(".claude.json.warden-backup").exists());
    let out = env_cmd(&env, &["mcp", "audit", "--format", "json"])
        .output()
        .await
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let memory = v["configs"][0]["servers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "memory")
        .unwrap()
        .clone();
    assert_eq!(memory["behind_gateway"], true);
    let out = env_cmd(&env, &["mcp", "wrap", "--client", "claude-code", "--undo"])
        .output()
        .await
        .unwrap();
    assert!(out.status.success());
    let restored: Value =
        serde_json::from_str(&std::fs::read_to_string(home.join(".claude.json")).unwrap()).unwrap();
    assert_eq!(restored, claude);
    // Without a target, wrap refuses.
    let out = env_cmd(&env, &["mcp", "wrap"]).output().await.unwrap();
    assert_eq!(out.status.code(), Some(64));
}

#[tokio::test]
async fn live_audit_lists_checks_and_pins() {
    let Some(bin) = servers_bin() else { return };
    limit(async {
        let env = Env::new("");
        let cfg = json!({"mcpServers": {"memory": {"command": bin.join("mcp-server-memory"), "args": [], "env": {"MEMORY_FILE_PATH": env.path("data/m.jsonl")}}}});
        std::fs::write(env.path("project/.mcp.json"), cfg.to_string()).unwrap();
        let out = env_cmd(&env, &["mcp", "audit", "--live", "--format", "json"]).output().await.unwrap();
        let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
        let server = &v["configs"][0]["servers"][0];
        assert_eq!(server["live"]["tools"], 9, "{server}");
        assert_eq!(server["live"]["pinned_now"].as_array().unwrap().len(), 9);
        assert!(env.mcp_state().join("pins/memory.json").exists());
    })
    .await;
}
