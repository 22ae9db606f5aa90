//! Properties of layering: an untrusted project layer never loosens any decision, and no
//! layer without allow rules or a mode ever loosens one.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::PathBuf;

use common::*;
use proptest::prelude::*;
use warden_core::{Action, Effect, Mode, Severity};
use warden_policy::{Layer, Policy, SourceOptions, load_from_strings};

const PATHS: &[&str] = &[
    "/secrets/**",
    "*.sql",
    "docs/",
    "/src/**",
    "~/notes/**",
    "**/*.rs",
    "/tmp/**",
    ".env",
];
const HOSTS: &[&str] = &[
    "api.github.com",
    "*.example.com",
    "localhost",
    "*",
    "10.0.0.0/8",
    "example.com",
];
const COMMANDS: &[&str] = &[
    "git push * main",
    "npm *",
    "rm -rf*",
    "frob*",
    "curl *",
    "*",
    "cargo {build,test}*",
];
const TOOLS: &[&str] = &["read:*", "delete:*", "create_*", "*", "get_issue"];

fn list(pool: &'static [&'static str]) -> impl Strategy<Value = Vec<&'static str>> {
    proptest::sample::subsequence(pool, 0..=3)
}

fn quoted(items: &[&str]) -> String {
    let q: Vec<String> = items.iter().map(|s| format!("{s:?}")).collect();
    format!("[{}]", q.join(", "))
}

/// A random policy file. `allow` controls whether loosening parts (allow rules, a mode) may
/// appear.
fn policy_text(allow: bool) -> impl Strategy<Value = String> {
    (
        (
            proptest::option::of(prop_oneof![
                Just("read-only"),
                Just("tool"),
                Just("dangerous")
            ]),
            list(PATHS),
            list(PATHS),
            list(PATHS),
            list(HOSTS),
            list(HOSTS),
        ),
        (
            list(COMMANDS),
            list(COMMANDS),
            list(COMMANDS),
            list(TOOLS),
            list(TOOLS),
            list(COMMANDS),
            list(PATHS),
            any::<(bool, bool)>(),
        ),
    )
        .prop_map(
            move |(
                (mode, fs_allow, fs_deny, fs_protect, net_allow, net_deny),
                (sh_allow, sh_ask, sh_deny, mcp_allow, mcp_deny, never_cmds, ask_paths, (w, pr)),
            )| {
                let mut s = String::new();
                if allow && let Some(m) = mode {
                    s.push_str(&format!("mode = {m:?}\n"));
                }
                s.push_str("[filesystem]\n");
                if allow {
                    s.push_str(&format!("allow = {}\n", quoted(&fs_allow)));
                }
                s.push_str(&format!(
                    "deny = {}\nprotect = {}\n",
                    quoted(&fs_deny),
                    quoted(&fs_protect)
                ));
                s.push_str("[network]\n");
                if allow {
                    s.push_str(&format!("allow = {}\n", quoted(&net_allow)));
                }
                s.push_str(&format!("deny = {}\n", quoted(&net_deny)));
                s.push_str("[shell]\n");
                if allow {
                    s.push_str(&format!("allow = {}\n", quoted(&sh_allow)));
                }
                s.push_str(&format!(
                    "ask = {}\ndeny = {}\n",
                    quoted(&sh_ask),
                    quoted(&sh_deny)
                ));
                s.push_str(&format!(
                    "[git]\nwarn_force_push = {w}\nrequire_pr = {pr}\n"
                ));
                s.push_str("[mcp.servers.github]\n");
                if allow {
                    s.push_str(&format!("allow = {}\n", quoted(&mcp_allow)));
                }
                s.push_str(&format!("deny = {}\n", quoted(&mcp_deny)));
                for c in never_cmds {
                    s.push_str(&format!("[[never]]\ncommand = {c:?}\nreason = \"r\"\n"));
                }
                for p in ask_paths {
                    s.push_str(&format!("[[always_ask]]\npath = {p:?}\nreason = \"r\"\n"));
                }
                s
            },
        )
}

fn samples() -> Vec<(Action, Vec<Effect>)> {
    let p = |r: &str| format!("{ROOT}/{r}");
    vec![
        (read_file(&p("src/main.rs")), vec![]),
        (read_file(&p("secrets/a")), vec![]),
        (read_file("/home/u/notes/x.md"), vec![]),
        (write_file(&p("src/lib.rs")), vec![]),
        (write_file(&p("docs/a.md")), vec![]),
        (write_file("/tmp/x"), vec![]),
        (write_file(&p("db.sql")), vec![]),
        (shell("ls"), vec![exec("ls", Severity::ReadOnly)]),
        (shell("npm test"), vec![exec("npm test", Severity::Unknown)]),
        (
            shell("cargo build"),
            vec![exec("cargo build", Severity::LocalWrite)],
        ),
        (
            shell("rm -rf build"),
            vec![
                exec("rm -rf build", Severity::Destructive),
                delete(&p("build"), true),
            ],
        ),
        (
            shell("rm -rf ~"),
            vec![exec("rm -rf ~", Severity::Catastrophic)],
        ),
        (
            shell("frob"),
            vec![exec("frob", Severity::Unknown), write(&p("out"))],
        ),
        (
            shell("git push origin main"),
            vec![
                exec("git push origin main", Severity::LocalWrite),
                push(&["main"], false, false, Severity::LocalWrite),
            ],
        ),
        (
            shell("git push -f origin x"),
            vec![push(&["x"], true, false, Severity::Destructive)],
        ),
        (
            shell("curl x"),
            vec![
                exec("curl https://api.github.com", Severity::Unknown),
                net("api.github.com", "GET", "/", false),
            ],
        ),
        (
            shell("curl l"),
            vec![
                exec("curl localhost", Severity::Unknown),
                net("localhost", "GET", "/", false),
            ],
        ),
        (fetch("https://example.com/a", "GET"), vec![]),
        (fetch("https://api.github.com/api/admin/x", "POST"), vec![]),
        (fetch("http://10.1.2.3/", "GET"), vec![]),
        (mcp("github", "get_issue"), vec![]),
        (mcp("github", "delete_repo"), vec![]),
        (mcp("github", "create_issue"), vec![]),
        (shell("sh x"), vec![opaque()]),
        (write_file(&p("a.js")), vec![secret()]),
    ]
}

fn load(layers: &[(Layer, PathBuf, String)], project_trusted: bool, mode: Option<Mode>) -> Policy {
    load_from_strings(
        layers,
        &SourceOptions {
            project_trusted,
            mode_override: mode,
            ..SourceOptions::default()
        },
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

fn assert_not_looser(base: &Policy, more: &Policy, what: &str) -> Result<(), TestCaseError> {
    let ctx = ctx();
    for (action, effects) in samples() {
        let a = base.evaluate(&action, &effects, &ctx);
        let b = more.evaluate(&action, &effects, &ctx);
        prop_assert!(
            b.decision >= a.decision,
            "{what} loosened {action:?}: {:?} -> {:?}\n{:#?}",
            a.decision,
            b.decision,
            b.reasons
        );
    }
    Ok(())
}

fn user(text: &str) -> (Layer, PathBuf, String) {
    (
        Layer::User,
        PathBuf::from("/home/u/.config/warden/policy.toml"),
        text.to_string(),
    )
}

fn project(text: &str) -> (Layer, PathBuf, String) {
    (
        Layer::Project,
        PathBuf::from(format!("{ROOT}/.warden/policy.toml")),
        text.to_string(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn untrusted_project_never_loosens(base in policy_text(true), proj in policy_text(true)) {
        for mode in [None, Some(Mode::Dangerous)] {
            let without = load(&[user(&base)], false, mode);
            let with = load(&[user(&base), project(&proj)], false, mode);
            assert_not_looser(&without, &with, "an untrusted project layer")?;
        }
    }

    #[test]
    fn a_layer_without_allow_rules_never_loosens(base in policy_text(true), extra in policy_text(false)) {
        let without = load(&[user(&base)], true, None);
        let with = load(&[user(&base), project(&extra)], true, None);
        assert_not_looser(&without, &with, "a tightening-only layer")?;
    }

    #[test]
    fn stricter_mode_never_loosens(base in policy_text(true)) {
        let ro = load(&[user(&base)], true, Some(Mode::ReadOnly));
        let tool = load(&[user(&base)], true, Some(Mode::Tool));
        let dangerous = load(&[user(&base)], true, Some(Mode::Dangerous));
        assert_not_looser(&dangerous, &tool, "tool vs dangerous")?;
        assert_not_looser(&tool, &ro, "read-only vs tool")?;
    }

    #[test]
    fn parser_never_panics(text in "\\PC{0,400}") {
        let _ = load_from_strings(&[project(&text)], &SourceOptions::default());
    }
}
