//! Verdict → the host's answer.

use serde_json::json;
use warden_core::{Decision, Verdict};

use crate::{Agent, HookEvent, Phase};

/// Hosts cap hook strings at 10,000 characters; stay below with room for the suffix.
const MAX_REASON_CHARS: usize = 9_000;

/// What the hook process prints and how it exits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookAnswer {
    pub stdout: String,
    pub stderr: String,
    pub exit_code: u8,
    /// For an answer that stops the call (deny, or an ask): its reason, for when stdout
    /// cannot be written. The hook then exits 2 with this on stderr, the channel every host
    /// honours, rather than let an unheard deny become "no objection".
    pub blocking_reason: Option<String>,
}

impl HookAnswer {
    /// No opinion: the host's own permission flow runs.
    pub fn silent() -> Self {
        HookAnswer {
            stdout: String::new(),
            stderr: String::new(),
            exit_code: 0,
            blocking_reason: None,
        }
    }

    /// `value` on stdout, the answer to `decision` for `reason`.
    fn json(decision: Decision, reason: &str, value: serde_json::Value) -> Self {
        HookAnswer {
            stdout: format!("{value}\n"),
            stderr: String::new(),
            exit_code: 0,
            blocking_reason: (decision != Decision::Allow).then(|| format!("{reason}\n")),
        }
    }
}

/// The sentence the model (on deny) or the person (on ask/allow) reads: what was found, which
/// rule, what to do instead.
pub fn reason_text(verdict: &Verdict) -> String {
    let mut text = String::from("Warden: ");
    let deciding: Vec<_> = verdict.deciding_reasons().collect();
    for (i, reason) in deciding.iter().take(3).enumerate() {
        if i > 0 {
            text.push_str(" Also: ");
        }
        let message = reason.message.trim_end_matches('.');
        text.push_str(message);
        if message.contains(reason.rule.as_str()) {
            text.push('.');
        } else {
            text.push_str(&format!(" [{}].", reason.rule));
        }
    }
    if deciding.len() > 3 {
        text.push_str(&format!(" (+{} more)", deciding.len() - 3));
    }
    if deciding.is_empty() {
        text.push_str(match verdict.decision {
            Decision::Allow => "allowed by the policy.",
            Decision::Ask => "this needs a person's confirmation.",
            Decision::Deny => "blocked by the policy.",
        });
    }
    truncate(text)
}

fn truncate(mut text: String) -> String {
    if text.chars().count() > MAX_REASON_CHARS {
        let cut = text
            .char_indices()
            .nth(MAX_REASON_CHARS)
            .map_or(text.len(), |(i, _)| i);
        text.truncate(cut);
        text.push_str(" …(truncated)");
    }
    text
}

fn approval_text(verdict: &Verdict, code: Option<&str>) -> String {
    let mut text = reason_text(verdict);
    match code {
        Some(code) => text.push_str(&format!(
            " This needs a person's approval: ask them to run `warden approve {code}` in their own \
             terminal (an agent must not run it), then try again."
        )),
        None => text.push_str(" This needs a person's approval; ask them before retrying."),
    }
    text
}

/// Render a verdict for the host. `approval_code` is used where the host has no "ask": the
/// ask becomes a deny that carries a one-time code the person can grant.
pub fn answer(event: &HookEvent, verdict: &Verdict, approval_code: Option<&str>) -> HookAnswer {
    if event.phase != Phase::PreToolUse {
        return HookAnswer::silent();
    }
    let agent = event.agent;
    let decision = match (verdict.decision, verdict.explicit) {
        (Decision::Deny, _) => Decision::Deny,
        (d, true) => d,
        // A default ("no rule about this") stays silent so the host's own prompts run...
        (Decision::Ask, false) if agent == Agent::Cursor => Decision::Ask,
        _ => return HookAnswer::silent(),
    };
    let (decision, reason) = match decision {
        Decision::Ask if !agent.supports_ask() => {
            (Decision::Deny, approval_text(verdict, approval_code))
        }
        d => (d, reason_text(verdict)),
    };
    match agent {
        Agent::Claude => claude_json(decision, &reason),
        Agent::Codex => match decision {
            // Codex rejects "allow" without updatedInput: proven-safe stays silent.
            Decision::Allow => HookAnswer::silent(),
            d => claude_json(d, &reason),
        },
        Agent::Gemini => HookAnswer::json(
            decision,
            &reason,
            json!({
                "decision": decision.as_str(),
                "reason": reason,
            }),
        ),
        Agent::Cursor => HookAnswer::json(
            decision,
            &reason,
            json!({
                "permission": decision.as_str(),
                "user_message": reason,
                "agent_message": reason,
            }),
        ),
        Agent::Copilot => match decision {
            Decision::Allow => HookAnswer::silent(),
            d => HookAnswer::json(
                d,
                &reason,
                json!({
                    "permissionDecision": d.as_str(),
                    "permissionDecisionReason": reason,
                }),
            ),
        },
    }
}

fn claude_json(decision: Decision, reason: &str) -> HookAnswer {
    HookAnswer::json(
        decision,
        reason,
        json!({
            "hookSpecificOutput": {
                "hookEventName": "PreToolUse",
                "permissionDecision": decision.as_str(),
                "permissionDecisionReason": reason,
            }
        }),
    )
}

/// Warden could not decide (bad input, broken policy, internal error, panic): deny in every
/// channel the host listens to. The JSON deny covers hosts that read stdout; exit code 2 with
/// the reason on stderr covers hosts (and versions) that only honour the exit code. Never a
/// crash, never silence.
pub fn fail_closed(agent: Agent, message: &str) -> HookAnswer {
    let reason = truncate(format!(
        "Warden could not evaluate this tool call and blocked it (fail closed): {message}"
    ));
    let stdout = match agent {
        Agent::Claude | Agent::Codex => json!({
            "hookSpecificOutput": {
                "hookEventName": "PreToolUse",
                "permissionDecision": "deny",
                "permissionDecisionReason": reason,
            }
        }),
        Agent::Gemini => json!({ "decision": "deny", "reason": reason }),
        Agent::Cursor => json!({
            "permission": "deny",
            "user_message": reason,
            "agent_message": reason,
        }),
        Agent::Copilot => json!({
            "permissionDecision": "deny",
            "permissionDecisionReason": reason,
        }),
    };
    HookAnswer {
        stdout: format!("{stdout}\n"),
        stderr: format!("{reason}\n"),
        exit_code: 2,
        blocking_reason: Some(format!("{reason}\n")),
    }
}
