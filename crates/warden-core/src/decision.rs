use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

/// The answer to one action. Ordered from most to least permissive, so that combining the
/// answers of many rules, nested commands or enforcement layers is simply their maximum:
/// the strictest wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    /// Safe under the policy; the agent may proceed without asking the person.
    Allow,
    /// A person must confirm.
    Ask,
    /// Blocked, with a reason the agent can act on.
    Deny,
}

impl Decision {
    /// The lowercase name used in every machine-readable output.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allow => "allow",
            Decision::Ask => "ask",
            Decision::Deny => "deny",
        }
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stable rule identifier such as `SH001`, `FS002` or `SEC042`.
///
/// Built-in rules use `&'static str`; rules from policy files carry their own strings.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RuleId(pub Cow<'static, str>);

impl RuleId {
    /// A built-in rule id.
    pub const fn builtin(id: &'static str) -> Self {
        RuleId(Cow::Borrowed(id))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<String> for RuleId {
    fn from(id: String) -> Self {
        RuleId(Cow::Owned(id))
    }
}

impl From<&'static str> for RuleId {
    fn from(id: &'static str) -> Self {
        RuleId(Cow::Borrowed(id))
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why a decision was made: the rule that matched and a sentence a person or a model can act
/// on. Messages never contain a secret in clear text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    pub rule: RuleId,
    pub decision: Decision,
    pub message: String,
}

/// The result of evaluating one action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    /// The strictest decision over every reason (or the mode's default when none matched).
    pub decision: Decision,
    /// Every rule that contributed, strictest first.
    pub reasons: Vec<Reason>,
    /// True when the decision rests on a rule that positively matched (a proof of safety, a
    /// destructive pattern, a policy rule), false when it is only the mode's default for
    /// something Warden has no rule about.
    ///
    /// Agent adapters stay silent on a non-explicit allow or ask, so the agent's own permission
    /// flow runs: Warden must never silently replace the person's prompts.
    pub explicit: bool,
}

impl Verdict {
    /// A verdict from a set of reasons: the strictest decision wins; with no reasons at all the
    /// given default applies (and the verdict is not explicit).
    pub fn from_reasons(mut reasons: Vec<Reason>, default: Decision) -> Self {
        reasons.sort_by_key(|r| std::cmp::Reverse(r.decision));
        match reasons.first().map(|r| r.decision) {
            Some(decision) => Verdict {
                decision,
                reasons,
                explicit: true,
            },
            None => Verdict {
                decision: default,
                reasons,
                explicit: false,
            },
        }
    }

    /// A deny produced because Warden itself failed: fail closed.
    pub fn fail_closed(rule: &'static str, message: impl Into<String>) -> Self {
        Verdict {
            decision: Decision::Deny,
            reasons: vec![Reason {
                rule: RuleId::builtin(rule),
                decision: Decision::Deny,
                message: message.into(),
            }],
            explicit: true,
        }
    }

    /// The reasons that share the verdict's decision (the ones worth showing first).
    pub fn deciding_reasons(&self) -> impl Iterator<Item = &Reason> {
        self.reasons.iter().filter(|r| r.decision == self.decision)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(d: Decision) -> Reason {
        Reason {
            rule: RuleId::builtin("T1"),
            decision: d,
            message: String::new(),
        }
    }

    #[test]
    fn strictest_wins() {
        assert!(Decision::Allow < Decision::Ask && Decision::Ask < Decision::Deny);
        let v = Verdict::from_reasons(
            vec![
                reason(Decision::Allow),
                reason(Decision::Deny),
                reason(Decision::Ask),
            ],
            Decision::Allow,
        );
        assert_eq!(v.decision, Decision::Deny);
        assert!(v.explicit);
        assert_eq!(v.reasons[0].decision, Decision::Deny);
    }

    #[test]
    fn no_reasons_takes_default_and_is_not_explicit() {
        let v = Verdict::from_reasons(vec![], Decision::Ask);
        assert_eq!(v.decision, Decision::Ask);
        assert!(!v.explicit);
    }
}
