//! `warden init`: a commented project policy, and the hook registered with the agent.
//!
//! Registration merges into the agent's settings without losing anything there and is
//! idempotent: running it twice changes nothing the second time.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use serde_json::{Map, Value, json};
use warden_core::Mode;

use crate::env;
use crate::exit::ExitCode;

/// Arguments of `warden init`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The agent to register the hook with: claude, codex, gemini or cursor.
    #[arg(long, default_value = "claude")]
    pub agent: String,
    /// The mode written into the project policy.
    #[arg(long, default_value = "tool", value_parser = env::parse_mode)]
    pub mode: Mode,
    /// The project directory (default: the project containing the current directory).
    #[arg(long)]
    pub project: Option<PathBuf>,
}

#[allow(clippy::print_stdout)]
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    crate::commands::approve::refuse_inside_agent("init")?;
    let root = match &args.project {
        Some(dir) => dir.clone(),
        None => warden_engine::find_project_root(&env::current_dir()),
    };
    let policy_path = root.join(".warden/policy.toml");
    if policy_path.exists() {
        println!("kept     {} (already there)", policy_path.display());
    } else {
        fs::create_dir_all(root.join(".warden"))?;
        fs::write(&policy_path, policy_template(args.mode))
            .with_context(|| format!("cannot write {}", policy_path.display()))?;
        println!("wrote    {}", policy_path.display());
    }
    let command = hook_command(&args.agent)?;
    let (settings, changed) = match args.agent.as_str() {
        "claude" => register_claude(&root.join(".claude/settings.json"), &command, "claude")?,
        "codex" => {
            let home = env::home().context("HOME is not set")?;
            register_claude(&home.join(".codex/hooks.json"), &command, "codex")?
        }
        "gemini" => register_gemini(&root.join(".gemini/settings.json"), &command)?,
        "cursor" => register_cursor(&root.join(".cursor/hooks.json"), &command)?,
        other => bail!("unknown agent `{other}` (expected claude, codex, gemini or cursor)"),
    };
    println!(
        "{} {}",
        if changed { "updated " } else { "kept    " },
        settings.display()
    );
    let store = warden_policy::LoadOptions::from_env(Some(root.clone())).trust_store;
    warden_policy::trust::trust(&root, &store)
        .with_context(|| format!("cannot record trust for {}", policy_path.display()))?;
    println!(
        "trusted  {} (edit it, then run `warden trust` again)",
        policy_path.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// The command line the agent runs: this very binary, by absolute path, so the hook works
/// whether or not `warden` is on the agent's PATH.
fn hook_command(agent: &str) -> anyhow::Result<String> {
    let exe = std::env::current_exe().context("cannot find the warden executable")?;
    let exe = exe.to_string_lossy();
    let exe = if exe.contains(|c: char| c.is_whitespace() || c == '\'' || c == '"') {
        format!("'{}'", exe.replace('\'', r"'\''"))
    } else {
        exe.into_owned()
    };
    Ok(format!("{exe} hook {agent}"))
}

fn read_json(path: &Path) -> anyhow::Result<Map<String, Value>> {
    match fs::read_to_string(path) {
        Ok(text) if text.trim().is_empty() => Ok(Map::new()),
        Ok(text) => match serde_json::from_str(&text) {
            Ok(Value::Object(map)) => Ok(map),
            Ok(_) => bail!(
                "{} is not a JSON object; fix it by hand, then run init again",
                path.display()
            ),
            Err(e) => bail!(
                "{}:{}:{}: not valid JSON ({e}); nothing was changed — fix it by hand, then run init again",
                path.display(),
                e.line(),
                e.column()
            ),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Map::new()),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

fn write_json(path: &Path, map: Map<String, Value>) -> anyhow::Result<()> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    let mut text = serde_json::to_string_pretty(&Value::Object(map))?;
    text.push('\n');
    let tmp = path.with_extension("json.warden-tmp");
    fs::write(&tmp, text)?;
    fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))
}

/// True when some hook entry in `entries` already runs Warden's hook for this agent.
fn has_warden(entries: &[Value], agent_suffix: &str) -> bool {
    entries.iter().any(|entry| {
        let commands = entry["hooks"]
            .as_array()
            .map(|hooks| {
                hooks
                    .iter()
                    .filter_map(|h| h["command"].as_str())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        commands
            .into_iter()
            .chain(entry["command"].as_str())
            .any(|c| c.contains("warden") && c.contains(agent_suffix))
    })
}

/// Add `entry` to the array at `hooks.<event>` unless Warden is already there.
fn add_hook(
    map: &mut Map<String, Value>,
    event: &str,
    entry: Value,
    agent_suffix: &str,
) -> anyhow::Result<bool> {
    let hooks = map
        .entry("hooks")
        .or_insert_with(|| Value::Object(Map::new()));
    let Value::Object(hooks) = hooks else {
        bail!("`hooks` is not an object; fix it by hand, then run init again");
    };
    let list = hooks
        .entry(event)
        .or_insert_with(|| Value::Array(Vec::new()));
    let Value::Array(list) = list else {
        bail!("`hooks.{event}` is not an array; fix it by hand, then run init again");
    };
    if has_warden(list, agent_suffix) {
        return Ok(false);
    }
    list.push(entry);
    Ok(true)
}

fn register_claude(path: &Path, command: &str, agent: &str) -> anyhow::Result<(PathBuf, bool)> {
    let mut map = read_json(path)?;
    let entry = |timeout: u64| json!({"matcher": "*", "hooks": [{"type": "command", "command": command, "timeout": timeout}]});
    let suffix = format!("hook {agent}");
    let mut changed = add_hook(&mut map, "PreToolUse", entry(30), &suffix)?;
    changed |= add_hook(&mut map, "PostToolUse", entry(30), &suffix)?;
    if changed {
        write_json(path, map)?;
    }
    Ok((path.to_path_buf(), changed))
}

fn register_gemini(path: &Path, command: &str) -> anyhow::Result<(PathBuf, bool)> {
    let mut map = read_json(path)?;
    let entry = json!({"matcher": ".*", "hooks": [{"type": "command", "command": command, "timeout": 30000}]});
    let changed = add_hook(&mut map, "BeforeTool", entry, "hook gemini")?;
    if changed {
        write_json(path, map)?;
    }
    Ok((path.to_path_buf(), changed))
}

fn register_cursor(path: &Path, command: &str) -> anyhow::Result<(PathBuf, bool)> {
    let mut map = read_json(path)?;
    map.entry("version").or_insert(json!(1));
    let mut changed = false;
    for event in [
        "beforeShellExecution",
        "beforeReadFile",
        "beforeMCPExecution",
    ] {
        changed |= add_hook(&mut map, event, json!({"command": command}), "hook cursor")?;
    }
    if changed {
        write_json(path, map)?;
    }
    Ok((path.to_path_buf(), changed))
}

/// The commented project policy, with the article's examples.
pub fn policy_template(mode: Mode) -> String {
    include_str!("../../templates/policy.toml").replace("{{mode}}", mode.as_str())
}
