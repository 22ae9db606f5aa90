//! Self-protection: the agent may not run the commands that only a person should run
//! (`warden trust`, `warden approve`, `warden init`, `warden mcp approve`, `warden mcp wrap`),
//! nor switch Warden's hook off through its own CLI.

use warden_core::{Effect, EffectKind, RuleId, Severity};

/// The rule id of this check, documented in [`RULE_DOCS`].
pub const SELF_RULE: &str = "SELF001";

/// Warden subcommands reserved for the person.
const PERSON_ONLY: &[&[&str]] = &[
    &["trust"],
    &["approve"],
    &["init"],
    &["mcp", "approve"],
    &["mcp", "wrap"],
    &["git", "install"],
];

/// Extra effects for every Exec of `warden` with a person-only subcommand.
pub(crate) fn effects(effects: &[Effect]) -> Vec<Effect> {
    effects
        .iter()
        .filter_map(|effect| match &effect.kind {
            EffectKind::Exec { argv, .. } => person_only(argv),
            _ => None,
        })
        .collect()
}

fn person_only(argv: &[String]) -> Option<Effect> {
    let program = argv.first()?;
    let name = program.rsplit('/').next().unwrap_or(program);
    if name != "warden" {
        return None;
    }
    let words: Vec<&str> = argv[1..]
        .iter()
        .map(String::as_str)
        .filter(|w| !w.starts_with('-'))
        .collect();
    let hit = PERSON_ONLY
        .iter()
        .find(|sub| words.len() >= sub.len() && words[..sub.len()] == sub[..])?;
    Some(Effect {
        kind: EffectKind::Hazard {
            category: "self-protection".to_string(),
        },
        severity: Severity::Catastrophic,
        rule: RuleId::builtin(SELF_RULE),
        message: format!(
            "`warden {}` changes what Warden trusts or approves and must be run by a person in \
             their own terminal, never by the agent; ask the person to run it",
            hit.join(" ")
        ),
    })
}

/// Documentation of the self-protection rule.
pub const RULE_DOCS: &[warden_core::RuleDoc] = &[warden_core::RuleDoc {
    id: SELF_RULE,
    name: "person-only-warden-command",
    summary: "Denies the agent running Warden commands that grant trust or approvals.",
    why: "If the agent could run `warden trust`, `warden approve CODE` or `warden mcp approve`, \
          it could approve its own requests and loosen the policy it is held to. These commands \
          exist for the person, in their own terminal.",
    matches: &[
        "warden trust",
        "warden approve K7Q2-9XZP",
        "/usr/local/bin/warden mcp approve github",
        "bash -c 'warden init --mode dangerous'",
    ],
    not_matches: &["warden check -- ls", "warden log verify", "warden scan ."],
}];

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn person_only_commands() {
        assert!(person_only(&argv(&["warden", "trust"])).is_some());
        assert!(person_only(&argv(&["/opt/bin/warden", "approve", "X"])).is_some());
        assert!(person_only(&argv(&["warden", "mcp", "approve", "gh"])).is_some());
        assert!(person_only(&argv(&["warden", "--quiet", "init"])).is_some());
        assert!(person_only(&argv(&["warden", "check", "--", "warden", "trust"])).is_none());
        assert!(person_only(&argv(&["warden", "log", "verify"])).is_none());
        assert!(person_only(&argv(&["echo", "warden", "trust"])).is_none());
    }
}
