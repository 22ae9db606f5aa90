//! Any bytes on the hook's stdin, for every host: parsing never panics, and whatever parses
//! can be answered (including a fail-closed answer) without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use warden_agents::{Agent, answer, fail_closed, parse_event};
use warden_core::{Decision, Reason, RuleId, Verdict};

fuzz_target!(|data: &[u8]| {
    for agent in Agent::ALL {
        match parse_event(agent, data) {
            Ok(event) => {
                for decision in [Decision::Allow, Decision::Ask, Decision::Deny] {
                    let verdict = Verdict {
                        decision,
                        reasons: vec![Reason {
                            rule: RuleId::builtin("FUZZ"),
                            decision,
                            message: String::from_utf8_lossy(data).into_owned(),
                        }],
                        explicit: true,
                    };
                    let a = answer(&event, &verdict, Some("ABCD-EFGH"));
                    if decision == Decision::Deny && event.phase == warden_agents::Phase::PreToolUse {
                        assert!(!a.stdout.is_empty());
                    }
                }
            }
            Err(err) => {
                let a = fail_closed(agent, &err.to_string());
                assert_eq!(a.exit_code, 2);
            }
        }
    }
});
