//! `warden log`: query, follow, verify and checkpoint the audit log.
//!
//! The log lives in `$XDG_STATE_HOME/warden/` (else `~/.local/state/warden/`). Everything worth
//! testing on its own is in `warden-audit`; this is flags, wiring and rendering.

use std::fmt::Write as _;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use serde_json::{Value, json};
use warden_audit::{
    AuditLog, Checkpoint, Filter, Follower, KeyState, NetworkFsPolicy, Options, Record,
    VerifyOptions, VerifyReport, VerifyStatus,
};

use crate::exit;
use crate::exit::ExitCode;

/// Exit code of `warden log verify` when the log is not intact.
const NOT_INTACT: u8 = 1;
/// Exit code of `warden log` / `warden log verify` when the log cannot be read.
const UNREADABLE: u8 = 2;

/// Arguments of `warden log`.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(subcommand)]
    command: Option<LogCommand>,
    #[command(flatten)]
    query: QueryArgs,
}

#[derive(Debug, clap::Subcommand)]
enum LogCommand {
    /// Check the whole log: hash chain, sequence, segments, and optionally MACs and a
    /// checkpoint. Exit 0 only when intact; 1 when not; 2 when it cannot be read. Never repairs.
    Verify(VerifyArgs),
    /// Sign the log's current tail (Ed25519) and record that it was signed. Copy the output off
    /// this machine: `warden log verify --checkpoint FILE` then detects truncation or rewrites.
    Checkpoint(CheckpointArgs),
    /// Start forward-secure MACs: every later record carries an HMAC under a key that evolves
    /// (and is overwritten) every N records.
    InitKey(InitKeyArgs),
}

/// Filters and output of `warden log`.
#[derive(Debug, clap::Args)]
struct QueryArgs {
    /// One record per line as canonical JSON, for machines.
    #[arg(long)]
    json: bool,
    /// Records at or after this time: RFC 3339 (2026-11-29T16:20:00Z), a date, or an age (30m, 2h, 7d).
    #[arg(long, value_name = "TIME")]
    since: Option<String>,
    /// Records before this time (same forms as --since).
    #[arg(long, value_name = "TIME")]
    until: Option<String>,
    /// Only this decision: allow, ask, deny, or none.
    #[arg(long, value_name = "DECISION", value_parser = ["allow", "ask", "deny", "none"])]
    decision: Option<String>,
    /// Only this tool (`Bash`, `mcp__github__*`: a trailing * matches any suffix).
    #[arg(long, value_name = "TOOL")]
    tool: Option<String>,
    /// Only records naming this rule id.
    #[arg(long, value_name = "RULE")]
    rule: Option<String>,
    /// Only this agent session (`session.id`).
    #[arg(long, value_name = "SESSION_ID")]
    session: Option<String>,
    /// Only this enforcement point: hook, check, scan, mcp, git, …
    #[arg(long, value_name = "POINT")]
    point: Option<String>,
    /// Only this event: tool_decision, scan, torn_tail, checkpoint, …
    #[arg(long, value_name = "EVENT")]
    event: Option<String>,
    /// Only this agent: claude, codex, …
    #[arg(long, value_name = "AGENT")]
    agent: Option<String>,
    /// Keep printing records as they are appended.
    #[arg(long, short = 'f')]
    follow: bool,
}

#[derive(Debug, clap::Args)]
struct VerifyArgs {
    /// A checkpoint made by `warden log checkpoint`: the log must still reach it and agree with it.
    #[arg(long, value_name = "FILE")]
    checkpoint: Option<PathBuf>,
    /// The verify key written by `warden log init-key`: check every record's MAC.
    #[arg(long, value_name = "FILE")]
    key: Option<PathBuf>,
    /// The result as one JSON object.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, clap::Args)]
struct CheckpointArgs {
    /// Write the checkpoint here instead of stdout.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
struct InitKeyArgs {
    /// Where to write the verify key (the initial key). Must not exist. Copy it off this machine
    /// and delete it: whoever holds it can forge records.
    #[arg(long, value_name = "FILE")]
    verify_key_out: PathBuf,
    /// Records per key epoch.
    #[arg(long, value_name = "N", default_value_t = 1000)]
    epoch_records: u64,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let dir = warden_audit::default_state_dir()
        .context("cannot find the state directory: set XDG_STATE_HOME or HOME")?;
    match args.command {
        None => run_query(&dir, &args.query),
        Some(LogCommand::Verify(v)) => run_verify(&dir, &v),
        Some(LogCommand::Checkpoint(c)) => run_checkpoint(&dir, &c),
        Some(LogCommand::InitKey(k)) => run_init_key(&dir, &k),
    }
}

fn filter(q: &QueryArgs) -> anyhow::Result<Filter> {
    let now = warden_audit::time::now_micros();
    let time = |t: &Option<String>| -> anyhow::Result<Option<i64>> {
        t.as_deref()
            .map(|t| warden_audit::time::parse_time(t, now))
            .transpose()
            .map_err(anyhow::Error::from)
    };
    Ok(Filter {
        since: time(&q.since)?,
        until: time(&q.until)?,
        decision: q.decision.clone(),
        tool: q.tool.clone(),
        rule: q.rule.clone(),
        session: q.session.clone(),
        point: q.point.clone(),
        event: q.event.clone(),
        agent: q.agent.clone(),
        after_seq: None,
    })
}

fn run_query(dir: &Path, q: &QueryArgs) -> anyhow::Result<ExitCode> {
    let filter = match filter(q) {
        Ok(f) => f,
        Err(e) => {
            super::report_error(&e);
            return Ok(ExitCode::from(exit::USAGE));
        }
    };
    let style = Style::detect(q.json);
    let mut out = io::stdout().lock();
    let mut bad = 0u64;
    if q.follow {
        let mut follower = Follower::new(dir, filter, 0);
        loop {
            match follower.poll() {
                Ok(records) => {
                    for r in &records {
                        if print_record(&mut out, r, style).is_err() {
                            return Ok(ExitCode::SUCCESS); // closed pipe
                        }
                    }
                    if out.flush().is_err() {
                        return Ok(ExitCode::SUCCESS);
                    }
                }
                Err(e) => {
                    super::report_error(&anyhow::Error::from(e));
                    return Ok(ExitCode::from(UNREADABLE));
                }
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }
    for item in warden_audit::query(dir, &filter) {
        match item {
            Ok(r) => {
                if print_record(&mut out, &r, style).is_err() {
                    return Ok(ExitCode::SUCCESS);
                }
            }
            Err(e) => {
                bad += 1;
                super::report_error(&anyhow::Error::from(e));
            }
        }
    }
    let _ = out.flush();
    if bad > 0 {
        warn(&format!(
            "{bad} unreadable line(s) skipped; run `warden log verify`"
        ));
        return Ok(ExitCode::from(UNREADABLE));
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Debug, Clone, Copy)]
enum Style {
    Json,
    Text { color: bool },
}

impl Style {
    fn detect(json: bool) -> Style {
        if json {
            return Style::Json;
        }
        let color =
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && io::stdout().is_terminal();
        Style::Text { color }
    }
}

#[allow(clippy::print_stdout)]
fn print_record(out: &mut impl Write, r: &Record, style: Style) -> io::Result<()> {
    match style {
        Style::Json => out.write_all(r.to_line().as_bytes()),
        Style::Text { color } => writeln!(out, "{}", render_text(r, color)),
    }
}

/// One line for people: time, decision, point, tool (or event), rules, what, and why.
/// Everything taken from the record is stripped of control characters, so a logged command
/// cannot drive the terminal.
fn render_text(r: &Record, color: bool) -> String {
    let time = r.time.get(..19).map_or(r.time.clone(), |t| format!("{t}Z"));
    let decision = r.decision.as_deref().unwrap_or("-");
    let paint = |code: &str, text: &str| {
        if color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    };
    let decision_cell = format!("{decision:<5}");
    let decision_cell = match decision {
        "deny" => paint("1;31", &decision_cell),
        "ask" => paint("33", &decision_cell),
        "allow" => paint("32", &decision_cell),
        _ => decision_cell,
    };
    let what = match r.tool.as_deref() {
        Some(tool) => tool.to_owned(),
        None => r.event.clone(),
    };
    let mut line = format!(
        "{time} #{} {decision_cell} {:<6} {}",
        r.seq,
        clean(&r.point, 16),
        clean(&what, 48)
    );
    if !r.rules.is_empty() {
        let _ = write!(line, " [{}]", clean(&r.rules.join(","), 80));
    }
    let summary = summarise_action(&r.action);
    if !summary.is_empty() {
        let _ = write!(line, "  {}", clean(&summary, 160));
    }
    if let Some(reason) = &r.reason {
        let _ = write!(line, "  — {}", clean(reason, 200));
    }
    line
}

/// The most telling part of an action: the command, path, URL, MCP tool, or the JSON.
fn summarise_action(action: &Value) -> String {
    let s = |k: &str| action.get(k).and_then(Value::as_str);
    if let Some(c) = s("command") {
        return c.to_owned();
    }
    if let (Some(server), Some(tool)) = (s("server"), s("tool")) {
        return format!("{server}/{tool}");
    }
    for key in ["url", "path", "pattern", "query"] {
        if let Some(v) = s(key) {
            return v.to_owned();
        }
    }
    match action {
        Value::Null => String::new(),
        Value::Object(m) if m.is_empty() => String::new(),
        other => warden_audit::canonical::to_string(other),
    }
}

/// At most `max` characters, with control characters shown escaped.
fn clean(s: &str, max: usize) -> String {
    let mut out = String::with_capacity(s.len().min(max + 8));
    for (n, c) in s.chars().enumerate() {
        if n == max {
            out.push('…');
            break;
        }
        if c.is_control()
            || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

fn run_verify(dir: &Path, v: &VerifyArgs) -> anyhow::Result<ExitCode> {
    let key = match &v.key {
        Some(path) => match KeyState::read(path) {
            Ok(k) => Some(k),
            Err(e) => {
                super::report_error(&anyhow::Error::from(e));
                return Ok(ExitCode::from(UNREADABLE));
            }
        },
        None => None,
    };
    let checkpoint = match &v.checkpoint {
        Some(path) => match Checkpoint::read(path) {
            Ok(c) => Some(c),
            Err(e) => {
                // A checkpoint that does not verify is itself evidence of tampering.
                super::report_error(&anyhow::Error::from(e));
                return Ok(ExitCode::from(NOT_INTACT));
            }
        },
        None => None,
    };
    let report = warden_audit::verify(
        dir,
        VerifyOptions {
            key,
            checkpoint: checkpoint.clone(),
            ..VerifyOptions::default()
        },
    );
    if v.json {
        print_verify_json(&report, dir);
    } else {
        print_verify_text(&report, dir, checkpoint.as_ref(), v.key.is_some());
    }
    Ok(ExitCode::from(match report.status {
        VerifyStatus::Ok => exit::SUCCESS,
        VerifyStatus::Unreadable { .. } => UNREADABLE,
        _ => NOT_INTACT,
    }))
}

fn status_name(s: &VerifyStatus) -> &'static str {
    match s {
        VerifyStatus::Ok => "ok",
        VerifyStatus::Corrupt { .. } => "corrupt",
        VerifyStatus::TornTail { .. } => "torn_tail",
        VerifyStatus::BehindCheckpoint { .. } => "behind_checkpoint",
        VerifyStatus::CheckpointMismatch { .. } => "checkpoint_mismatch",
        VerifyStatus::Unreadable { .. } => "unreadable",
    }
}

#[allow(clippy::print_stdout)]
fn print_verify_json(report: &VerifyReport, dir: &Path) {
    let mut v = json!({
        "status": status_name(&report.status),
        "intact": report.is_intact(),
        "records": report.records,
        "segments": report.segments,
        "last_seq": report.last_seq,
        "last_hash": report.last_hash,
        "keyed_records": report.keyed_records,
        "macs_checked": report.macs_checked,
        "dir": dir.display().to_string(),
        "recovered_torn_tails": report.recovered_torn_tails.iter().map(|t| json!({
            "seq": t.seq, "bytes": t.bytes, "saved_to": t.saved_to,
        })).collect::<Vec<_>>(),
    });
    if !report.is_intact() {
        v["message"] = json!(report.status.to_string());
    }
    match &report.status {
        VerifyStatus::Corrupt {
            seq,
            path,
            line,
            problem,
        } => {
            v["seq"] = json!(seq);
            v["path"] = json!(path.display().to_string());
            v["line"] = json!(line);
            v["reason"] = json!(problem.to_string());
        }
        VerifyStatus::TornTail {
            after_seq,
            bytes,
            path,
        } => {
            v["after_seq"] = json!(after_seq);
            v["bytes"] = json!(bytes);
            v["path"] = json!(path.display().to_string());
        }
        VerifyStatus::BehindCheckpoint {
            checkpoint_seq,
            last_seq,
        } => {
            v["checkpoint_seq"] = json!(checkpoint_seq);
            v["last_seq"] = json!(last_seq);
        }
        VerifyStatus::CheckpointMismatch {
            seq,
            expected,
            found,
        } => {
            v["seq"] = json!(seq);
            v["expected_hash"] = json!(expected);
            v["found_hash"] = json!(found);
        }
        VerifyStatus::Unreadable { error } => v["reason"] = json!(error),
        _ => {}
    }
    println!("{v}");
}

#[allow(clippy::print_stdout)]
fn print_verify_text(
    report: &VerifyReport,
    dir: &Path,
    checkpoint: Option<&Checkpoint>,
    keyed: bool,
) {
    match &report.status {
        VerifyStatus::Ok => println!(
            "ok: {} record{} in {} segment{}, hash chain intact (last seq {}) — {}",
            report.records,
            if report.records == 1 { "" } else { "s" },
            report.segments,
            if report.segments == 1 { "" } else { "s" },
            report.last_seq,
            dir.display()
        ),
        other => println!("{other}"),
    }
    for t in &report.recovered_torn_tails {
        println!(
            "torn tail recovered: {} bytes of an incomplete record moved to {} (recorded at seq {})",
            t.bytes, t.saved_to, t.seq
        );
    }
    if keyed {
        println!(
            "MACs: {} checked against the verify key",
            report.macs_checked
        );
    } else if report.keyed_records > 0 {
        println!(
            "MACs: {} records carry one, not checked (pass --key FILE)",
            report.keyed_records
        );
    }
    if let Some(cp) = checkpoint
        && report.is_intact()
    {
        println!(
            "checkpoint: seq {} matches (signed {} on {}, key {})",
            cp.seq,
            cp.time,
            clean(&cp.host, 64),
            cp.key_fingerprint()
        );
    }
    if report.is_intact() && checkpoint.is_none() {
        println!(
            "note: without a checkpoint, removing the newest records or rewriting the whole \
             chain cannot be detected"
        );
    }
}

fn open_for_write(dir: &Path) -> anyhow::Result<AuditLog> {
    let log = AuditLog::open(
        dir,
        Options {
            network_fs: NetworkFsPolicy::Refuse,
            ..crate::env::audit_options()
        },
    )?;
    for w in log.warnings() {
        warn(&w.to_string());
    }
    Ok(log)
}

#[allow(clippy::print_stdout)]
fn run_checkpoint(dir: &Path, c: &CheckpointArgs) -> anyhow::Result<ExitCode> {
    let log = open_for_write(dir)?;
    let cp = match log.checkpoint() {
        Ok(cp) => cp,
        Err(warden_audit::AuditError::Empty) => bail!(
            "the audit log at {} is empty: nothing to checkpoint",
            dir.display()
        ),
        Err(e) => return Err(e.into()),
    };
    let text = cp.to_json();
    match &c.out {
        Some(path) => {
            std::fs::write(path, &text).with_context(|| format!("writing {}", path.display()))?;
            info(&format!(
                "checkpoint of seq {} written to {}; copy it off this machine, then check with \
                 `warden log verify --checkpoint {}`",
                cp.seq,
                path.display(),
                path.display()
            ));
        }
        None => print!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}

fn run_init_key(dir: &Path, k: &InitKeyArgs) -> anyhow::Result<ExitCode> {
    if k.epoch_records == 0 {
        bail!("--epoch-records must be at least 1");
    }
    let log = open_for_write(dir)?;
    let start = log.init_hmac(&k.verify_key_out, k.epoch_records)?;
    info(&format!(
        "records from seq {start} on carry forward-secure MACs (key evolves every {} records).\n\
         The verify key is in {}: copy it off this machine and delete it here; check with \
         `warden log verify --key FILE`.",
        k.epoch_records,
        k.verify_key_out.display()
    ));
    Ok(ExitCode::SUCCESS)
}

#[allow(clippy::print_stderr)]
fn warn(msg: &str) {
    eprintln!("warden: warning: {msg}");
}

#[allow(clippy::print_stderr)]
fn info(msg: &str) {
    eprintln!("warden: {msg}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_never_reach_the_terminal() {
        let cases = [
            ("ls", "ls"),
            ("a\x1b[2Jb", "a\\u{1b}[2Jb"),
            ("x\ny", "x\\ny"),
            ("\u{202e}evil", "\\u{202e}evil"),
        ];
        for (input, want) in cases {
            assert_eq!(clean(input, 100), want);
        }
        assert_eq!(clean("abcdef", 3), "abc…");
    }

    #[test]
    fn action_summaries() {
        let cases = [
            (json!({"type": "shell", "command": "rm -rf ~"}), "rm -rf ~"),
            (
                json!({"type": "mcp", "server": "github", "tool": "get_me"}),
                "github/get_me",
            ),
            (json!({"type": "read", "path": ".env"}), ".env"),
            (
                json!({"type": "fetch", "url": "https://x.invalid"}),
                "https://x.invalid",
            ),
            (json!({"n": 1}), r#"{"n":1}"#),
            (Value::Null, ""),
        ];
        for (action, want) in cases {
            assert_eq!(summarise_action(&action), want);
        }
    }
}
