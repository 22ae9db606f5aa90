//! Every decision goes to the audit log, redacted.

use warden_agents::HookEvent;
use warden_audit::{AuditLog, NewRecord};
use warden_core::Verdict;
use warden_engine::Decided;
use warden_policy::Policy;

use crate::env;

fn open() -> anyhow::Result<AuditLog> {
    Ok(AuditLog::open(&env::state_dir()?, env::audit_options())?)
}

fn rules_and_reason(verdict: Option<&Verdict>) -> (Vec<String>, Option<String>) {
    let Some(verdict) = verdict else {
        return (Vec::new(), None);
    };
    let rules = verdict.reasons.iter().map(|r| r.rule.to_string()).collect();
    let reason = verdict.deciding_reasons().next().map(|r| r.message.clone());
    (rules, reason)
}

/// Record one hook event with its verdict (None for post-use and other events).
pub fn hook_event(
    event: &HookEvent,
    policy: &Policy,
    verdict: Option<&Verdict>,
    decided: &[Decided],
) -> anyhow::Result<()> {
    let actions: Vec<_> = if decided.is_empty() {
        event
            .actions
            .iter()
            .map(warden_engine::redacted_action)
            .collect()
    } else {
        decided
            .iter()
            .map(|d| warden_engine::redacted_action(&d.action))
            .collect()
    };
    let action = match <[serde_json::Value; 1]>::try_from(actions) {
        Ok([one]) => one,
        Err(many) => serde_json::Value::Array(many),
    };
    let (rules, reason) = rules_and_reason(verdict);
    let event_name = match event.phase {
        warden_agents::Phase::PreToolUse => "tool_decision",
        warden_agents::Phase::PostToolUse => "tool_result",
        warden_agents::Phase::Other(_) => "hook_event",
    };
    open()?.append(NewRecord {
        event: event_name.to_string(),
        point: "hook".to_string(),
        agent: Some(event.agent.to_string()),
        session_id: event.session_id.clone(),
        prompt_id: event.prompt_id.clone(),
        tool_use_id: event.tool_use_id.clone(),
        tool: Some(event.tool.clone()),
        action,
        decision: verdict.map(|v| v.decision.to_string()),
        rules,
        reason,
        mode: Some(policy.mode().to_string()),
        cwd: event.cwd.as_ref().map(|c| c.display().to_string()),
    })?;
    Ok(())
}

/// Record a hook that failed closed before a policy was available.
pub fn hook_failure(event: &HookEvent, message: &str) {
    let record = NewRecord {
        event: "tool_decision".to_string(),
        point: "hook".to_string(),
        agent: Some(event.agent.to_string()),
        session_id: event.session_id.clone(),
        prompt_id: event.prompt_id.clone(),
        tool_use_id: event.tool_use_id.clone(),
        tool: Some(event.tool.clone()),
        action: serde_json::Value::Array(
            event
                .actions
                .iter()
                .map(warden_engine::redacted_action)
                .collect(),
        ),
        decision: Some("deny".to_string()),
        rules: vec!["WARDEN-FAIL".to_string()],
        reason: Some(message.trim().to_string()),
        mode: None,
        cwd: event.cwd.as_ref().map(|c| c.display().to_string()),
    };
    // Best effort: the deny stands whether or not it could be recorded.
    if let Ok(log) = open() {
        let _ = log.append(record);
    }
}

/// Record a `warden check` decision.
pub fn check(decided: &Decided, policy: &Policy, cwd: &std::path::Path) -> anyhow::Result<()> {
    let (rules, reason) = rules_and_reason(Some(&decided.verdict));
    open()?.append(NewRecord {
        event: "tool_decision".to_string(),
        point: "check".to_string(),
        agent: None,
        session_id: None,
        prompt_id: None,
        tool_use_id: None,
        tool: Some(decided.action.kind().to_string()),
        action: warden_engine::redacted_action(&decided.action),
        decision: Some(decided.verdict.decision.to_string()),
        rules,
        reason,
        mode: Some(policy.mode().to_string()),
        cwd: Some(cwd.display().to_string()),
    })?;
    Ok(())
}
