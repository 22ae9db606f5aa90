//! `warden hook <agent>`: one hook event on stdin, the host's answer on stdout.
//!
//! Every path out of here is an answer: a parse error, a broken policy, an internal error or a
//! panic all become a deny (fail closed), because hosts treat a crashed hook as "no objection".

use std::io::{Read, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};

use warden_agents::{Agent, HookAnswer, HookEvent, Phase, fail_closed};
use warden_core::{Decision, Verdict};
use warden_engine::approvals::{Approvals, Status};

use crate::exit::ExitCode;
use crate::{env, record};

/// The decision thread's stack.
const WORKER_STACK_BYTES: usize = 64 * 1024 * 1024;

/// How long one decision may take before Warden gives up and denies (fail closed).
const DECISION_BUDGET: std::time::Duration = std::time::Duration::from_secs(5);

/// Arguments of `warden hook`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The host whose hook contract to speak: claude, codex, gemini, cursor or copilot.
    pub agent: String,
    /// Benchmarks only: skip the audit record, to measure what logging costs.
    #[arg(long, hide = true)]
    pub no_audit: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    // The agent name is checked first: a hook registered with a typo must still deny.
    let agent: Agent = args.agent.parse().unwrap_or(Agent::Claude);
    let known = args.agent.parse::<Agent>().is_ok();
    // A panic must not print a backtrace into the model's context, nor skip the answer.
    std::panic::set_hook(Box::new(|_| {}));
    let audit = !args.no_audit;
    let unknown = format!("unknown agent `{}`", args.agent);
    let decide = move || {
        if known {
            respond(agent, audit)
        } else {
            fail_closed(agent, &unknown)
        }
    };
    let answer = match on_main_thread(agent, DECISION_BUDGET, decide) {
        Ok(answer) => answer,
        Err(decide) => within_budget(agent, DECISION_BUDGET, decide),
    };
    Ok(ExitCode::from(emit(&answer)))
}

/// The message of the deny given when a decision runs out of time.
fn over_budget(budget: std::time::Duration) -> String {
    format!(
        "the evaluation took longer than {} s; the command is too complex to analyse, so split \
         it into simpler commands",
        budget.as_secs_f32()
    )
}

/// The panic's deny, whichever thread decided.
fn panicked(agent: Agent) -> HookAnswer {
    fail_closed(
        agent,
        "internal error (panic) while evaluating the tool call",
    )
}

/// Runs `decide` on the calling (main) thread, with its stack allowed to grow to
/// [`WORKER_STACK_BYTES`] and an alarm that answers with a deny when `budget` runs out (see
/// `crate::deadline`). This saves starting and tearing down a thread with a big stack, which
/// costs more than most decisions. Hands `decide` back when the process cannot do that, for
/// [`within_budget`].
#[cfg(unix)]
fn on_main_thread<F>(agent: Agent, budget: std::time::Duration, decide: F) -> Result<HookAnswer, F>
where
    F: FnOnce() -> HookAnswer,
{
    if !crate::deadline::grow_main_stack(WORKER_STACK_BYTES as u64) {
        return Err(decide);
    }
    let Ok(deadline) =
        crate::deadline::Deadline::arm(&fail_closed(agent, &over_budget(budget)), budget)
    else {
        return Err(decide);
    };
    let answer = catch_unwind(AssertUnwindSafe(decide)).unwrap_or_else(|_| panicked(agent));
    deadline.disarm();
    Ok(answer)
}

#[cfg(not(unix))]
fn on_main_thread<F>(_: Agent, _: std::time::Duration, decide: F) -> Result<HookAnswer, F> {
    Err(decide)
}

/// Runs `decide` on a worker thread and waits at most `budget` for its answer.
///
/// A host that times a hook out lets the call proceed, so a pathological input (a parser that
/// backtracks for minutes) must end in a deny, not in silence; so must a panic. Returning from
/// `main` ends a worker that is still running, with the process.
fn within_budget(
    agent: Agent,
    budget: std::time::Duration,
    decide: impl FnOnce() -> HookAnswer + Send + 'static,
) -> HookAnswer {
    let (tx, rx) = std::sync::mpsc::channel();
    // A roomy stack (reserved, touched only as used): analysis is depth-bounded, and a stack
    // overflow would abort the process with no answer.
    let worker = std::thread::Builder::new()
        .stack_size(WORKER_STACK_BYTES)
        .spawn(move || {
            let _ = tx.send(catch_unwind(AssertUnwindSafe(decide)));
        });
    if let Err(err) = worker {
        return fail_closed(agent, &format!("cannot start the evaluation: {err}"));
    }
    match rx.recv_timeout(budget) {
        Ok(Ok(answer)) => answer,
        Ok(Err(_)) => panicked(agent),
        Err(_) => fail_closed(agent, &over_budget(budget)),
    }
}

/// Writes the answer and returns the exit code. An answer that stops the call but cannot be
/// written to stdout (the host closed it, or never opened it) falls back to exit code 2 with
/// its reason on stderr: an unheard deny must not become "no objection".
fn emit(answer: &HookAnswer) -> u8 {
    let mut stdout = std::io::stdout().lock();
    let heard = stdout
        .write_all(answer.stdout.as_bytes())
        .and_then(|()| stdout.flush())
        .is_ok();
    let (stderr, code) = match &answer.blocking_reason {
        Some(reason) if !heard && answer.exit_code != 2 => (reason.as_str(), 2),
        _ => (answer.stderr.as_str(), answer.exit_code),
    };
    // Nothing is left to report a failed write of stderr to.
    if !stderr.is_empty() {
        let _ = std::io::stderr().write_all(stderr.as_bytes());
    }
    code
}

fn respond(agent: Agent, audit: bool) -> HookAnswer {
    let mut input = Vec::new();
    let limit = warden_agents::MAX_PAYLOAD_BYTES as u64 + 1;
    if let Err(err) = std::io::stdin().take(limit).read_to_end(&mut input) {
        return fail_closed(agent, &format!("cannot read the hook payload: {err}"));
    }
    let event = match warden_agents::parse_event(agent, &input) {
        Ok(event) => event,
        Err(err) => return fail_closed(agent, &err.to_string()),
    };
    let cwd = event.cwd.clone().unwrap_or_else(env::current_dir);
    let ctx = env::context(&cwd);
    let policy = match env::load_policy_for_hook(&ctx) {
        Ok(policy) => policy,
        Err(errors) => {
            let answer = fail_closed(agent, &format!("the policy cannot be loaded:\n{errors}"));
            record::hook_failure(&event, &answer.stderr);
            return answer;
        }
    };
    if event.phase != Phase::PreToolUse {
        // Post-use and other events are recorded, never judged; a failed record changes no
        // answer, since there is no decision to withhold.
        let _ = record::hook_event(&event, &policy, None, &[]);
        return HookAnswer::silent();
    }
    let decided: Vec<_> = event
        .actions
        .iter()
        .map(|action| warden_engine::decide(&policy, action, &ctx))
        .collect();
    let mut verdict = combine(decided.iter().map(|d| &d.verdict));
    let mut code = None;
    if verdict.decision == Decision::Ask && verdict.explicit && !agent.supports_ask() {
        match approval(&event, &decided) {
            Ok(Status::Granted) => {
                verdict = Verdict {
                    decision: Decision::Allow,
                    reasons: verdict.reasons,
                    explicit: false,
                };
            }
            Ok(Status::Pending(c)) => code = Some(c),
            Err(err) => {
                return fail_closed(agent, &format!("cannot record an approval code: {err}"));
            }
        }
    }
    let answer = warden_agents::answer(&event, &verdict, code.as_deref());
    if !audit {
        return answer;
    }
    match record::hook_event(&event, &policy, Some(&verdict), &decided) {
        Ok(()) => answer,
        // Nothing is allowed unrecorded: without the log, an allow becomes "no opinion" and
        // the host asks the person; asks and denies stand.
        Err(err) if verdict.decision == Decision::Allow => {
            let mut quiet = HookAnswer::silent();
            quiet.stderr = format!("warden: audit log unavailable, not allowing silently: {err}\n");
            quiet
        }
        Err(_) => answer,
    }
}

/// The strictest verdict over several actions (a multi-file patch). It is explicit when an
/// explicit verdict reached that decision.
fn combine<'a>(verdicts: impl Iterator<Item = &'a Verdict>) -> Verdict {
    let verdicts: Vec<&Verdict> = verdicts.collect();
    let decision = verdicts
        .iter()
        .map(|v| v.decision)
        .max()
        .unwrap_or(Decision::Ask);
    let explicit = verdicts
        .iter()
        .any(|v| v.decision == decision && v.explicit);
    let mut reasons: Vec<_> = verdicts
        .iter()
        .flat_map(|v| v.reasons.iter().cloned())
        .collect();
    reasons.sort_by_key(|r| std::cmp::Reverse(r.decision));
    Verdict {
        decision,
        reasons,
        explicit,
    }
}

fn approval(event: &HookEvent, decided: &[warden_engine::Decided]) -> anyhow::Result<Status> {
    let store = Approvals::new(&env::state_dir()?);
    let actions: Vec<_> = decided
        .iter()
        .map(|d| warden_engine::redacted_action(&d.action))
        .collect();
    let fingerprint = warden_engine::fingerprint(&serde_json::Value::Array(actions.clone()));
    let status = store.check(&fingerprint)?;
    if let Status::Pending(code) = &status {
        let summary = format!("{} {}", event.tool, serde_json::Value::Array(actions));
        store.describe(code, &summary)?;
    }
    Ok(status)
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;

    fn is_deny(answer: &HookAnswer) -> bool {
        answer.stdout.contains("\"deny\"")
    }

    #[test]
    fn a_decision_past_the_budget_is_a_deny() {
        let started = Instant::now();
        let answer = within_budget(Agent::Claude, Duration::from_millis(50), || {
            std::thread::sleep(Duration::from_secs(5));
            HookAnswer::silent()
        });
        assert!(started.elapsed() < Duration::from_secs(2));
        assert!(is_deny(&answer), "{}", answer.stdout);
        assert!(answer.stdout.contains("too complex"), "{}", answer.stdout);
    }

    #[test]
    fn a_panicking_decision_is_a_deny() {
        let answer = within_budget(Agent::Claude, Duration::from_secs(5), || {
            panic!("boom");
        });
        assert!(is_deny(&answer), "{}", answer.stdout);
    }

    #[test]
    fn a_decision_within_the_budget_is_kept() {
        let answer = within_budget(Agent::Claude, Duration::from_secs(5), HookAnswer::silent);
        assert_eq!(answer.stdout, HookAnswer::silent().stdout);
    }
}
