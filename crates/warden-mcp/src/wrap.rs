//! `warden mcp wrap`: rewrite an MCP configuration so that each stdio server runs behind
//! `warden mcp proxy`, and `--undo` to restore the original entries.
//!
//! A wrapped entry keeps everything but its `command` and `args`:
//! `{"command": "npx", "args": ["-y", "pkg"]}` becomes
//! `{"command": "/path/to/warden", "args": ["mcp", "proxy", "--server", "NAME", "--", "npx", "-y", "pkg"]}`.
//! Undo is the exact inverse (it reads the command back from after `--`), so it is safe even
//! after the person edited other parts of the file. Before writing, the file is copied to
//! `FILE.warden-backup`. Remote (URL) servers are left alone: the gateway is stdio only.

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;

use crate::config_audit::{escape_pointer, server_tables};

/// An error rewriting a configuration.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WrapError {
    /// The file could not be read or is not JSON.
    #[error("{path}: {message}")]
    Read { path: PathBuf, message: String },
    /// The file or its backup could not be written.
    #[error("{path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// What a wrap or undo changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct WrapSummary {
    /// Servers rewritten.
    pub changed: Vec<String>,
    /// Servers left alone, with why.
    pub skipped: Vec<(String, String)>,
    /// The backup written, if the file changed.
    pub backup: Option<PathBuf>,
}

/// A server name usable with `--server` (invalid characters become `-`).
pub fn gateway_name(name: &str) -> String {
    let mut s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') {
                c
            } else {
                '-'
            }
        })
        .take(128)
        .collect();
    if s.is_empty() || s.starts_with('.') {
        s.insert(0, 's');
    }
    s
}

fn is_warden(cmd: &str) -> bool {
    Path::new(cmd)
        .file_name()
        .and_then(|s| s.to_str())
        .is_some_and(|b| b == "warden" || b == "warden.exe")
}

fn entries(json: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for table in server_tables(json) {
        if let Some(map) = json.pointer(&table).and_then(Value::as_object) {
            for name in map.keys() {
                out.push((name.clone(), format!("{table}/{}", escape_pointer(name))));
            }
        }
    }
    out
}

/// Route every stdio server of a configuration through `warden` (the path to the binary).
pub fn wrap_value(json: &mut Value, warden: &str) -> WrapSummary {
    let mut summary = WrapSummary::default();
    for (name, pointer) in entries(json) {
        let Some(entry) = json.pointer_mut(&pointer).and_then(Value::as_object_mut) else {
            continue;
        };
        let Some(cmd) = entry
            .get("command")
            .and_then(Value::as_str)
            .map(str::to_string)
        else {
            summary
                .skipped
                .push((name, "remote server (the gateway is stdio only)".into()));
            continue;
        };
        if is_warden(&cmd) {
            summary
                .skipped
                .push((name, "already behind the gateway".into()));
            continue;
        }
        let old_args: Vec<Value> = entry
            .get("args")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if old_args.iter().any(|a| !a.is_string()) {
            summary
                .skipped
                .push((name, "arguments that are not strings".into()));
            continue;
        }
        let mut args: Vec<Value> = ["mcp", "proxy", "--server"]
            .iter()
            .map(|s| Value::from(*s))
            .collect();
        args.push(Value::from(gateway_name(&name)));
        args.push(Value::from("--"));
        args.push(Value::from(cmd));
        args.extend(old_args);
        entry.insert("command".into(), Value::from(warden));
        entry.insert("args".into(), Value::Array(args));
        summary.changed.push(name);
    }
    summary
}

/// Restore every entry that [`wrap_value`] rewrote.
pub fn unwrap_value(json: &mut Value) -> WrapSummary {
    let mut summary = WrapSummary::default();
    for (name, pointer) in entries(json) {
        let Some(entry) = json.pointer_mut(&pointer).and_then(Value::as_object_mut) else {
            continue;
        };
        let wrapped = entry
            .get("command")
            .and_then(Value::as_str)
            .is_some_and(is_warden);
        let args: Vec<String> = entry
            .get("args")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        let is_proxy = args.first().map(String::as_str) == Some("mcp")
            && args.get(1).map(String::as_str) == Some("proxy");
        let inner = args.iter().position(|a| a == "--").and_then(|i| {
            args[i + 1..]
                .split_first()
                .map(|(c, r)| (c.clone(), r.to_vec()))
        });
        match (wrapped && is_proxy, inner) {
            (true, Some((cmd, rest))) => {
                entry.insert("command".into(), Value::from(cmd));
                if rest.is_empty() && !entry.contains_key("type") {
                    entry.insert("args".into(), Value::Array(Vec::new()));
                } else {
                    entry.insert(
                        "args".into(),
                        Value::Array(rest.into_iter().map(Value::from).collect()),
                    );
                }
                summary.changed.push(name);
            }
            _ => summary.skipped.push((name, "not wrapped".into())),
        }
    }
    summary
}

/// Wrap (or with `undo`, unwrap) a configuration file in place, keeping a backup.
/// With `dry_run` nothing is written.
pub fn wrap_file(
    path: &Path,
    warden: &str,
    undo: bool,
    dry_run: bool,
) -> Result<WrapSummary, WrapError> {
    let mut json = crate::config_audit::read_config(path).map_err(|message| WrapError::Read {
        path: path.to_path_buf(),
        message,
    })?;
    let mut summary = if undo {
        unwrap_value(&mut json)
    } else {
        wrap_value(&mut json, warden)
    };
    if summary.changed.is_empty() || dry_run {
        return Ok(summary);
    }
    let write_err = |p: &Path| {
        let p = p.to_path_buf();
        move |source| WrapError::Write { path: p, source }
    };
    let mut backup = path.as_os_str().to_owned();
    backup.push(".warden-backup");
    let backup = PathBuf::from(backup);
    std::fs::copy(path, &backup).map_err(write_err(&backup))?;
    let mut text = serde_json::to_string_pretty(&json).map_err(|e| WrapError::Write {
        path: path.to_path_buf(),
        source: std::io::Error::other(e),
    })?;
    text.push('\n');
    let tmp = path.with_extension("warden-tmp");
    std::fs::write(&tmp, text).map_err(write_err(&tmp))?;
    if let Ok(meta) = std::fs::metadata(path) {
        let _ = std::fs::set_permissions(&tmp, meta.permissions());
    }
    std::fs::rename(&tmp, path).map_err(write_err(path))?;
    summary.backup = Some(backup);
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn wrap_then_undo_is_identity() {
        let original = json!({
            "mcpServers": {
                "memory": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-memory@2026.8.31"], "env": {"X": "1"}},
                "remote": {"url": "https://mcp.example.com/mcp"},
                "weird name!": {"command": "node", "args": ["server.js", "--flag", "--"]}
            },
            "projects": {"/p": {"mcpServers": {"fs": {"command": "fs-server", "args": ["/p"]}}}},
            "other": {"kept": true}
        });
        let mut v = original.clone();
        let s = wrap_value(&mut v, "/usr/bin/warden");
        assert_eq!(s.changed.len(), 3, "{s:?}");
        assert_eq!(s.skipped.len(), 1);
        assert_eq!(v["mcpServers"]["memory"]["command"], "/usr/bin/warden");
        assert_eq!(
            v["mcpServers"]["memory"]["args"],
            json!([
                "mcp",
                "proxy",
                "--server",
                "memory",
                "--",
                "npx",
                "-y",
                "@modelcontextprotocol/server-memory@2026.8.31"
            ])
        );
        assert_eq!(v["mcpServers"]["weird name!"]["args"][3], "weird-name-");
        // Wrapping twice changes nothing.
        let again = wrap_value(&mut v, "/usr/bin/warden");
        assert!(again.changed.is_empty());
        let u = unwrap_value(&mut v);
        assert_eq!(u.changed.len(), 3);
        assert_eq!(v, original);
    }

    #[test]
    fn vscode_servers_keep_their_type() {
        let original =
            json!({"servers": {"g": {"type": "stdio", "command": "x", "args": []}}, "inputs": []});
        let mut v = original.clone();
        wrap_value(&mut v, "warden");
        assert_eq!(v["servers"]["g"]["type"], "stdio");
        unwrap_value(&mut v);
        assert_eq!(v, original);
    }

    #[test]
    fn file_round_trip_with_backup() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mcp.json");
        let original =
            json!({"mcpServers": {"m": {"command": "npx", "args": ["-y", "pkg@1.0.0"]}}});
        std::fs::write(&path, original.to_string()).unwrap();
        let s = wrap_file(&path, "/bin/warden", false, true).unwrap();
        assert_eq!(s.changed, ["m"]);
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            original.to_string(),
            "dry run wrote"
        );
        let s = wrap_file(&path, "/bin/warden", false, false).unwrap();
        let backup = s.backup.unwrap();
        assert_eq!(
            std::fs::read_to_string(&backup).unwrap(),
            original.to_string()
        );
        let wrapped: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(wrapped["mcpServers"]["m"]["command"], "/bin/warden");
        wrap_file(&path, "/bin/warden", true, false).unwrap();
        let back: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(back, original);
        std::fs::write(&path, "{ not json").unwrap();
        assert!(matches!(
            wrap_file(&path, "w", false, false),
            Err(WrapError::Read { .. })
        ));
    }
}
