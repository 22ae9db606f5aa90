//! Tables of actions and effects evaluated on the built-in defaults, per mode, and under
//! project policies.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use warden_core::{Action, Decision, Effect, Mode, Severity};

use Decision::{Allow, Ask, Deny};

/// One row: what the agent does, what analysis found, and the expected verdict: decision,
/// whether it is explicit, and a rule id that must be among the deciding reasons.
struct Case {
    name: &'static str,
    action: Action,
    effects: Vec<Effect>,
    decision: Decision,
    explicit: bool,
    rule: &'static str,
}

fn case(
    name: &'static str,
    action: Action,
    effects: Vec<Effect>,
    decision: Decision,
    explicit: bool,
    rule: &'static str,
) -> Case {
    Case {
        name,
        action,
        effects,
        decision,
        explicit,
        rule,
    }
}

fn run(policy: &warden_policy::Policy, cases: Vec<Case>) {
    let ctx = ctx();
    let mut failures = Vec::new();
    for c in cases {
        let v = policy.evaluate(&c.action, &c.effects, &ctx);
        let rules: Vec<&str> = v.deciding_reasons().map(|r| r.rule.as_str()).collect();
        if v.decision != c.decision || v.explicit != c.explicit || !rules.contains(&c.rule) {
            failures.push(format!(
                "{}: want {:?}/explicit={}/{} got {:?}/explicit={}/{:?}\n  {:#?}",
                c.name, c.decision, c.explicit, c.rule, v.decision, v.explicit, rules, v.reasons
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

fn p(rel: &str) -> String {
    format!("{ROOT}/{rel}")
}

#[test]
fn tool_mode_defaults() {
    let s = |cmd| shell(cmd);
    run(
        &defaults(Mode::Tool),
        vec![
            case(
                "read project file",
                read_file(&p("src/main.rs")),
                vec![],
                Allow,
                true,
                "FS021",
            ),
            case(
                "read relative project file",
                read_file("src/../README.md"),
                vec![],
                Allow,
                true,
                "FS021",
            ),
            case(
                "read .env",
                read_file(&p(".env")),
                vec![],
                Deny,
                true,
                "FS001",
            ),
            case(
                "read .env.local",
                read_file(&p(".env.local")),
                vec![],
                Deny,
                true,
                "FS001",
            ),
            case(
                "read .ENV (case)",
                read_file(&p(".ENV")),
                vec![],
                Deny,
                true,
                "FS001",
            ),
            case(
                "read .env.example",
                read_file(&p(".env.example")),
                vec![],
                Allow,
                true,
                "FS021",
            ),
            case(
                "read ssh key",
                read_file("~/.ssh/id_rsa"),
                vec![],
                Deny,
                true,
                "FS002",
            ),
            case(
                "read aws credentials",
                read_file("/home/u/.aws/credentials"),
                vec![],
                Deny,
                true,
                "FS003",
            ),
            case(
                "read secrets dir",
                read_file(&p("config/secrets/db.txt")),
                vec![],
                Deny,
                true,
                "FS004",
            ),
            case(
                "read tfstate",
                read_file(&p("infra/terraform.tfstate")),
                vec![],
                Deny,
                true,
                "FS005",
            ),
            case(
                "read outside project",
                read_file("/etc/hosts"),
                vec![],
                Allow,
                false,
                "FS021",
            ),
            case(
                "write project file",
                write_file(&p("src/main.rs")),
                vec![],
                Allow,
                false,
                "FS022",
            ),
            case(
                "write .env",
                write_file(&p(".env")),
                vec![],
                Deny,
                true,
                "FS001",
            ),
            case(
                "write claude settings",
                write_file(&p(".claude/settings.json")),
                vec![],
                Deny,
                true,
                "FS011",
            ),
            case(
                "write .mcp.json",
                write_file(&p(".mcp.json")),
                vec![],
                Deny,
                true,
                "FS011",
            ),
            case(
                "write git hook",
                write_file(&p(".git/hooks/pre-commit")),
                vec![],
                Deny,
                true,
                "FS012",
            ),
            case(
                "write git config",
                write_file(&p(".git/config")),
                vec![],
                Deny,
                true,
                "FS012",
            ),
            case(
                "write warden policy via ..",
                write_file(&p("src/../.warden/policy.toml")),
                vec![],
                Deny,
                true,
                "FS010",
            ),
            case(
                "write bashrc",
                write_file("~/.bashrc"),
                vec![],
                Deny,
                true,
                "FS013",
            ),
            case(
                "write gitconfig",
                write_file("/home/u/.gitconfig"),
                vec![],
                Deny,
                true,
                "FS012",
            ),
            case(
                "write outside project",
                write_file("/tmp/x.txt"),
                vec![],
                Ask,
                true,
                "FS020",
            ),
            case(
                "write outside via ..",
                write_file("../other/x.txt"),
                vec![],
                Ask,
                true,
                "FS020",
            ),
            case(
                "ls",
                s("ls"),
                vec![exec("ls", Severity::ReadOnly)],
                Allow,
                true,
                "SH999",
            ),
            case(
                "cat .env",
                s("cat .env"),
                vec![exec("cat .env", Severity::ReadOnly), read(&p(".env"))],
                Deny,
                true,
                "FS001",
            ),
            case(
                "grep KEY .env",
                s("grep KEY .env"),
                vec![exec("grep KEY .env", Severity::ReadOnly), read(".env")],
                Deny,
                true,
                "FS001",
            ),
            case(
                "unknown program",
                s("frob"),
                vec![exec("frob", Severity::Unknown)],
                Ask,
                false,
                "SH999",
            ),
            case(
                "build",
                s("cargo build"),
                vec![exec("cargo build", Severity::LocalWrite)],
                Allow,
                true,
                "SH999",
            ),
            case(
                "reset --hard",
                s("git reset --hard"),
                vec![exec("git reset --hard", Severity::Destructive)],
                Ask,
                true,
                "SH999",
            ),
            case(
                "rm -rf ~",
                s("rm -rf ~"),
                vec![exec("rm -rf ~", Severity::Catastrophic)],
                Deny,
                true,
                "SH999",
            ),
            case(
                "rm -rf . in project",
                s("rm -rf ."),
                vec![exec("rm -rf .", Severity::Destructive), delete(ROOT, true)],
                Deny,
                true,
                "FS012",
            ),
            case(
                "rm -rf .git",
                s("rm -rf .git"),
                vec![
                    exec("rm -rf .git", Severity::Destructive),
                    delete(&p(".git"), true),
                ],
                Deny,
                true,
                "FS012",
            ),
            case(
                "rm -rf build",
                s("rm -rf build"),
                vec![
                    exec("rm -rf build", Severity::Destructive),
                    delete(&p("build"), true),
                ],
                Ask,
                true,
                "SH999",
            ),
            case(
                "echo > ~/.zshrc",
                s("echo x >> ~/.zshrc"),
                vec![exec("echo x", Severity::ReadOnly), write("/home/u/.zshrc")],
                Deny,
                true,
                "FS013",
            ),
            case(
                "redirect outside the project",
                s("echo x > /tmp/out"),
                vec![exec("echo x", Severity::ReadOnly), write("/tmp/out")],
                Ask,
                true,
                "FS020",
            ),
            case(
                "rm outside the project",
                s("rm /srv/data/x"),
                vec![
                    exec("rm /srv/data/x", Severity::Destructive),
                    delete("/srv/data/x", false),
                ],
                Ask,
                true,
                "FS020",
            ),
            case("empty analysis", s(""), vec![], Ask, false, "MODE005"),
            case(
                "warden trust by the agent",
                s("warden trust"),
                vec![exec("warden trust", Severity::LocalWrite)],
                Deny,
                true,
                "SELF001",
            ),
            case(
                "warden approve by the agent",
                s("/usr/local/bin/warden --quiet approve 1234"),
                vec![exec(
                    "/usr/local/bin/warden --quiet approve 1234",
                    Severity::LocalWrite,
                )],
                Deny,
                true,
                "SELF001",
            ),
            case(
                "secret in content",
                write_file(&p("src/config.js")),
                vec![secret()],
                Deny,
                true,
                "LEAK001",
            ),
            case(
                "opaque",
                s("sh x.sh"),
                vec![exec("sh x.sh", Severity::Unknown), opaque()],
                Ask,
                true,
                "SH999",
            ),
            case(
                "web search",
                Action::WebSearch { query: "q".into() },
                vec![],
                Ask,
                false,
                "TOOL003",
            ),
            case(
                "unknown mcp tool",
                mcp("github", "create_issue"),
                vec![],
                Ask,
                false,
                "TOOL002",
            ),
            case(
                "unknown tool",
                Action::Unknown {
                    tool: "Frobnicate".into(),
                    input: serde_json::Value::Null,
                },
                vec![],
                Ask,
                false,
                "TOOL001",
            ),
            case(
                "grep over .env files",
                Action::Search {
                    pattern: "KEY".into(),
                    path: None,
                    glob: Some(".env*".into()),
                    content: true,
                },
                vec![],
                Deny,
                true,
                "FS001",
            ),
            case(
                "glob for pem files",
                Action::Search {
                    pattern: "BEGIN".into(),
                    path: Some("certs".into()),
                    glob: Some("**/*.pem".into()),
                    content: true,
                },
                vec![],
                Deny,
                true,
                "FS002",
            ),
            case(
                "search source",
                Action::Search {
                    pattern: "fn main".into(),
                    path: Some("src".into()),
                    glob: Some("*.rs".into()),
                    content: true,
                },
                vec![],
                Allow,
                true,
                "FS021",
            ),
        ],
    );
}

#[test]
fn network_defaults() {
    run(
        &defaults(Mode::Tool),
        vec![
            case(
                "fetch public",
                fetch("https://example.com/docs", "GET"),
                vec![],
                Ask,
                false,
                "NET012",
            ),
            case(
                "fetch localhost",
                fetch("http://localhost:3000/", "GET"),
                vec![],
                Deny,
                true,
                "NET001",
            ),
            case(
                "fetch localhost.",
                fetch("http://LOCALHOST./", "GET"),
                vec![],
                Deny,
                true,
                "NET001",
            ),
            case(
                "fetch sub.localhost",
                fetch("http://app.localhost/", "GET"),
                vec![],
                Deny,
                true,
                "NET001",
            ),
            case(
                "fetch decimal ip",
                fetch("http://2130706433/", "GET"),
                vec![],
                Deny,
                true,
                "NET001",
            ),
            case(
                "fetch octal ip",
                fetch("http://0177.0.0.1/", "GET"),
                vec![],
                Deny,
                true,
                "NET001",
            ),
            case(
                "fetch hex ip",
                fetch("http://0x7f000001/", "GET"),
                vec![],
                Deny,
                true,
                "NET001",
            ),
            case(
                "fetch short ip",
                fetch("http://127.1/", "GET"),
                vec![],
                Deny,
                true,
                "NET001",
            ),
            case(
                "fetch 0.0.0.0",
                fetch("http://0.0.0.0:8080/", "GET"),
                vec![],
                Deny,
                true,
                "NET001",
            ),
            case(
                "fetch ::1",
                fetch("http://[::1]/", "GET"),
                vec![],
                Deny,
                true,
                "NET001",
            ),
            case(
                "fetch mapped v6",
                fetch("http://[::ffff:127.0.0.1]/", "GET"),
                vec![],
                Deny,
                true,
                "NET001",
            ),
            case(
                "fetch metadata",
                fetch("http://169.254.169.254/latest/meta-data/", "GET"),
                vec![],
                Deny,
                true,
                "NET003",
            ),
            case(
                "fetch metadata decimal",
                fetch("http://2852039166/", "GET"),
                vec![],
                Deny,
                true,
                "NET003",
            ),
            case(
                "fetch gcp metadata",
                fetch("http://metadata.google.internal/", "GET"),
                vec![],
                Deny,
                true,
                "NET003",
            ),
            case(
                "fetch aws v6 metadata",
                fetch("http://[fd00:ec2::254]/", "GET"),
                vec![],
                Deny,
                true,
                "NET003",
            ),
            case(
                "fetch rfc1918",
                fetch("http://10.0.0.5/", "GET"),
                vec![],
                Deny,
                true,
                "NET002",
            ),
            case(
                "fetch 192.168",
                fetch("http://192.168.1.1/", "GET"),
                vec![],
                Deny,
                true,
                "NET002",
            ),
            case(
                "fetch cgnat",
                fetch("http://100.64.1.1/", "GET"),
                vec![],
                Deny,
                true,
                "NET002",
            ),
            case(
                "fetch link-local",
                fetch("http://169.254.10.10/", "GET"),
                vec![],
                Deny,
                true,
                "NET002",
            ),
            case(
                "fetch ula",
                fetch("http://[fc00::1]/", "GET"),
                vec![],
                Deny,
                true,
                "NET002",
            ),
            case(
                "fetch fe80",
                fetch("http://[fe80::1]/", "GET"),
                vec![],
                Deny,
                true,
                "NET002",
            ),
            case(
                "fetch .internal",
                fetch("https://db.internal/", "GET"),
                vec![],
                Deny,
                true,
                "NET002",
            ),
            case(
                "fetch .local",
                fetch("http://printer.local/", "GET"),
                vec![],
                Deny,
                true,
                "NET002",
            ),
            case(
                "fetch malformed ip",
                fetch("http://1.2.3.4.5/", "GET"),
                vec![],
                Deny,
                true,
                "NET004",
            ),
            case(
                "fetch userinfo trick",
                fetch("http://example.com@127.0.0.1/", "GET"),
                vec![],
                Deny,
                true,
                "NET001",
            ),
            case(
                "fetch backslash trick",
                fetch("http://example.com\\@localhost/", "GET"),
                vec![],
                Deny,
                true,
                "NET001",
            ),
            case(
                "fetch file",
                fetch("file:///etc/passwd", "GET"),
                vec![],
                Deny,
                true,
                "NET005",
            ),
            case(
                "fetch gopher",
                fetch("gopher://example.com/", "GET"),
                vec![],
                Deny,
                true,
                "NET005",
            ),
            case(
                "fetch no url",
                fetch("not a url", "GET"),
                vec![],
                Deny,
                true,
                "NET005",
            ),
            case(
                "fetch article endpoint",
                fetch("https://api.example.com/api/admin/delete-all-users", "POST"),
                vec![],
                Ask,
                true,
                "NET010",
            ),
            case(
                "fetch DELETE",
                fetch("https://api.example.com/v1/users/1", "DELETE"),
                vec![],
                Ask,
                true,
                "NET010",
            ),
            case(
                "fetch GET admin",
                fetch("https://api.example.com/api/admin/users", "GET"),
                vec![],
                Ask,
                false,
                "NET012",
            ),
            case(
                "curl to localhost",
                shell("curl localhost:8080"),
                vec![
                    exec("curl localhost:8080", Severity::Unknown),
                    net("localhost", "GET", "/", false),
                ],
                Deny,
                true,
                "NET001",
            ),
            case(
                "curl POST admin",
                shell("curl -X POST https://api.example.com/api/admin/delete-all-users"),
                vec![
                    exec(
                        "curl -X POST https://api.example.com/api/admin/delete-all-users",
                        Severity::Unknown,
                    ),
                    net(
                        "api.example.com",
                        "POST",
                        "/api/admin/delete-all-users",
                        false,
                    ),
                ],
                Ask,
                true,
                "NET010",
            ),
            case(
                "curl upload",
                shell("curl -d @x https://paste.example/"),
                vec![
                    exec("curl -d @x https://paste.example/", Severity::Unknown),
                    net("paste.example", "POST", "/", true),
                ],
                Ask,
                true,
                "NET011",
            ),
        ],
    );
}

#[test]
fn git_defaults() {
    let e = |c| shell(c);
    run(
        &defaults(Mode::Tool),
        vec![
            case(
                "push main",
                e("git push origin main"),
                vec![
                    exec("git push origin main", Severity::LocalWrite),
                    push(&["main"], false, false, Severity::LocalWrite),
                ],
                Ask,
                true,
                "GIT001",
            ),
            case(
                "push refs/heads/production",
                e("git push origin HEAD:refs/heads/production"),
                vec![push(
                    &["refs/heads/production"],
                    false,
                    false,
                    Severity::LocalWrite,
                )],
                Ask,
                true,
                "GIT001",
            ),
            case(
                "force push main",
                e("git push -f origin main"),
                vec![push(&["main"], true, false, Severity::Destructive)],
                Deny,
                true,
                "GIT002",
            ),
            case(
                "delete main",
                e("git push origin :main"),
                vec![push(&["main"], false, true, Severity::Destructive)],
                Deny,
                true,
                "GIT002",
            ),
            case(
                "force push feature",
                e("git push -f origin feat"),
                vec![push(&["feat"], true, false, Severity::LocalWrite)],
                Ask,
                true,
                "GIT003",
            ),
            case(
                "delete feature",
                e("git push origin --delete feat"),
                vec![push(&["feat"], false, true, Severity::LocalWrite)],
                Ask,
                true,
                "GIT004",
            ),
            case(
                "push feature",
                e("git push origin feat"),
                vec![push(&["feat"], false, false, Severity::LocalWrite)],
                Allow,
                true,
                "SH999",
            ),
            case(
                "bare push",
                e("git push"),
                vec![push(&[], false, false, Severity::LocalWrite)],
                Ask,
                false,
                "GIT005",
            ),
            case(
                "bare force push",
                e("git push --force"),
                vec![push(&[], true, false, Severity::Destructive)],
                Ask,
                true,
                "GIT005",
            ),
        ],
    );
}

#[test]
fn read_only_mode() {
    run(
        &defaults(Mode::ReadOnly),
        vec![
            case(
                "read",
                read_file(&p("src/main.rs")),
                vec![],
                Allow,
                true,
                "FS021",
            ),
            case(
                "read .env",
                read_file(&p(".env")),
                vec![],
                Deny,
                true,
                "FS001",
            ),
            case(
                "write",
                write_file(&p("src/main.rs")),
                vec![],
                Deny,
                true,
                "MODE001",
            ),
            case(
                "ls",
                shell("ls"),
                vec![exec("ls", Severity::ReadOnly)],
                Allow,
                true,
                "SH999",
            ),
            case(
                "build",
                shell("cargo build"),
                vec![exec("cargo build", Severity::LocalWrite)],
                Deny,
                true,
                "SH999",
            ),
            case(
                "unknown",
                shell("frob"),
                vec![exec("frob", Severity::Unknown)],
                Deny,
                true,
                "SH999",
            ),
            case(
                "fetch",
                fetch("https://example.com/", "GET"),
                vec![],
                Deny,
                true,
                "NET006",
            ),
            case(
                "curl",
                shell("curl https://example.com"),
                vec![
                    exec("curl https://example.com", Severity::ReadOnly),
                    net("example.com", "GET", "/", false),
                ],
                Deny,
                true,
                "NET006",
            ),
            case(
                "web search",
                Action::WebSearch { query: "q".into() },
                vec![],
                Deny,
                true,
                "TOOL003",
            ),
            case(
                "mcp",
                mcp("github", "get_issue"),
                vec![],
                Deny,
                true,
                "TOOL002",
            ),
            case(
                "unknown tool",
                Action::Unknown {
                    tool: "X".into(),
                    input: serde_json::Value::Null,
                },
                vec![],
                Deny,
                true,
                "TOOL001",
            ),
            case("opaque", shell("sh x"), vec![opaque()], Deny, true, "SH999"),
        ],
    );
}

#[test]
fn dangerous_mode() {
    run(
        &defaults(Mode::Dangerous),
        vec![
            case(
                "destructive",
                shell("git reset --hard"),
                vec![exec("git reset --hard", Severity::Destructive)],
                Allow,
                true,
                "SH999",
            ),
            case(
                "unknown",
                shell("frob"),
                vec![exec("frob", Severity::Unknown)],
                Allow,
                true,
                "SH999",
            ),
            case(
                "catastrophic",
                shell("rm -rf /"),
                vec![exec("rm -rf /", Severity::Catastrophic)],
                Deny,
                true,
                "SH999",
            ),
            case(
                "write outside",
                write_file("/tmp/x"),
                vec![],
                Allow,
                true,
                "MODE004",
            ),
            case(
                "write protected",
                write_file(&p(".git/config")),
                vec![],
                Deny,
                true,
                "FS012",
            ),
            case(
                "write secret",
                write_file(&p(".env")),
                vec![],
                Deny,
                true,
                "FS001",
            ),
            case(
                "read secret",
                read_file(&p(".env")),
                vec![],
                Deny,
                true,
                "FS001",
            ),
            case(
                "read outside",
                read_file("/etc/hosts"),
                vec![],
                Allow,
                true,
                "FS021",
            ),
            case(
                "fetch localhost",
                fetch("http://localhost/", "GET"),
                vec![],
                Deny,
                true,
                "NET001",
            ),
            case(
                "fetch metadata",
                fetch("http://169.254.169.254/", "GET"),
                vec![],
                Deny,
                true,
                "NET003",
            ),
            case(
                "fetch public",
                fetch("https://example.com/", "GET"),
                vec![],
                Allow,
                true,
                "MODE004",
            ),
            case(
                "fetch builtin-sensitive",
                fetch("https://example.com/api/admin/delete-all-users", "POST"),
                vec![],
                Allow,
                true,
                "MODE004",
            ),
            case(
                "force push main",
                shell("git push -f origin main"),
                vec![push(&["main"], true, false, Severity::Destructive)],
                Deny,
                true,
                "GIT002",
            ),
            case(
                "secret content",
                write_file(&p("a.js")),
                vec![secret()],
                Deny,
                true,
                "LEAK001",
            ),
            case(
                "mcp",
                mcp("github", "delete_repo"),
                vec![],
                Allow,
                true,
                "MODE004",
            ),
            case(
                "web search",
                Action::WebSearch { query: "q".into() },
                vec![],
                Allow,
                true,
                "MODE004",
            ),
        ],
    );
}

const TEAM: &str = r#"
[filesystem]
allow = ["/docs/**", "~/scratch/**"]
deny = ["/production/**"]
protect = ["/migrations/**"]

[network]
allow = ["api.github.com", "localhost", "*"]
deny = ["*.evil.example", "203.0.113.0/24"]

[[network.sensitive]]
id = "NETTEAM1"
method = "POST|PUT"
path = "/v1/charges*"
host = "api.stripe.com"
reason = "charges cost money"
match = ["POST https://api.stripe.com/v1/charges"]
not_match = ["GET https://api.stripe.com/v1/charges"]

[[shell.allow]]
id = "npm-test"
command = "npm {test,run test}*"
match = ["npm test", "npm run test:unit"]

[[shell.ask]]
command = "docker *"
reason = "containers reach the network"

[[shell.deny]]
id = "no-destroy"
command = "terraform destroy*"
reason = "infrastructure changes go through CI"
match = ["terraform destroy -auto-approve"]
not_match = ["terraform plan"]

[git]
protect_branches = ["release"]
require_pr = true

[mcp.servers.github]
allow = ["read:*"]
deny = ["delete:*"]
ask = ["create_*"]

[[never]]
id = "TEAM001"
command = "git push * main"
reason = "pushes to main go through a pull request"
match = ["git push origin main"]

[[never]]
path = "/prod-data/**"
reason = "production data stays off developer machines"

[[always_ask]]
id = "TEAM002"
path = "/db/migrations/**"
reason = "database migrations require approval"

[[always_ask]]
host = "*.stripe.com"
reason = "payments"

[[never]]
tool = "github/merge_*"
reason = "merges need a human"
"#;

fn team_cases() -> Vec<Case> {
    vec![
        case(
            "never: push main",
            shell("git push origin main"),
            vec![exec("git push origin main", Severity::LocalWrite)],
            Deny,
            true,
            "TEAM001",
        ),
        case(
            "shell deny",
            shell("terraform destroy"),
            vec![exec("terraform destroy", Severity::Destructive)],
            Deny,
            true,
            "no-destroy",
        ),
        case(
            "shell ask",
            shell("docker ps"),
            vec![exec("docker ps", Severity::ReadOnly)],
            Ask,
            true,
            "project:shell.ask[0]",
        ),
        case(
            "fs deny read",
            read_file(&p("production/app.yml")),
            vec![],
            Deny,
            true,
            "project:filesystem.deny[0]",
        ),
        case(
            "fs protect write",
            write_file(&p("migrations/001.sql")),
            vec![],
            Deny,
            true,
            "project:filesystem.protect[0]",
        ),
        case(
            "never path",
            read_file(&p("prod-data/users.csv")),
            vec![],
            Deny,
            true,
            "project:never[1]",
        ),
        case(
            "always_ask path",
            write_file(&p("db/migrations/002.sql")),
            vec![],
            Ask,
            true,
            "TEAM002",
        ),
        case(
            "net deny glob",
            fetch("https://x.evil.example/", "GET"),
            vec![],
            Deny,
            true,
            "project:network.deny[0]",
        ),
        case(
            "net deny cidr",
            fetch("http://203.0.113.7/", "GET"),
            vec![],
            Deny,
            true,
            "project:network.deny[1]",
        ),
        case(
            "sensitive",
            fetch("https://api.stripe.com/v1/charges", "POST"),
            vec![],
            Ask,
            true,
            "NETTEAM1",
        ),
        case(
            "always_ask host",
            fetch("https://api.stripe.com/v1/customers", "GET"),
            vec![],
            Ask,
            true,
            "project:always_ask[1]",
        ),
        case(
            "catch-all allow does not open loopback",
            fetch("http://127.0.0.1/", "GET"),
            vec![],
            Deny,
            true,
            "NET001",
        ),
        case(
            "metadata never allowed",
            fetch("http://169.254.169.254/", "GET"),
            vec![],
            Deny,
            true,
            "NET003",
        ),
        case(
            "mcp deny scope",
            mcp("github", "delete_repository"),
            vec![],
            Deny,
            true,
            "project:mcp.servers.github.deny[0]",
        ),
        case(
            "mcp ask",
            mcp("github", "create_issue"),
            vec![],
            Ask,
            true,
            "project:mcp.servers.github.ask[0]",
        ),
        case(
            "never tool",
            mcp("github", "merge_pull_request"),
            vec![],
            Deny,
            true,
            "project:never[2]",
        ),
        case(
            "git protect added branch",
            shell("git push origin release"),
            vec![push(&["release"], false, false, Severity::LocalWrite)],
            Deny,
            true,
            "GIT001",
        ),
    ]
}

#[test]
fn team_rules_apply_trusted_or_not() {
    run(&policy(TEAM, true, None), team_cases());
    run(&policy(TEAM, false, None), team_cases());
    // Never and always_ask hold in dangerous mode too.
    run(
        &policy(TEAM, false, Some(Mode::Dangerous)),
        vec![
            case(
                "never in dangerous",
                shell("git push origin main"),
                vec![exec("git push origin main", Severity::LocalWrite)],
                Deny,
                true,
                "TEAM001",
            ),
            case(
                "always_ask in dangerous",
                write_file(&p("db/migrations/3.sql")),
                vec![],
                Ask,
                true,
                "TEAM002",
            ),
        ],
    );
}

#[test]
fn allow_rules_only_from_trusted_layers() {
    let trusted = policy(TEAM, true, None);
    let untrusted = policy(TEAM, false, None);
    let npm = shell("npm test");
    let npm_fx = vec![exec("npm test", Severity::Unknown)];
    let gh = fetch("https://api.github.com/repos", "GET");
    let local = fetch("http://localhost:3000/", "GET");
    let docs = write_file(&p("docs/a.md"));
    let scratch = write_file("/home/u/scratch/n.txt");
    let mcp_read = mcp("github", "get_issue");
    let ctx = ctx();

    let t = |a: &Action, fx: &[Effect]| trusted.evaluate(a, fx, &ctx);
    let u = |a: &Action, fx: &[Effect]| untrusted.evaluate(a, fx, &ctx);

    assert_eq!(
        (t(&npm, &npm_fx).decision, t(&npm, &npm_fx).explicit),
        (Allow, true)
    );
    assert_eq!(
        (u(&npm, &npm_fx).decision, u(&npm, &npm_fx).explicit),
        (Ask, false)
    );
    assert_eq!(t(&gh, &[]).decision, Allow);
    assert_eq!((u(&gh, &[]).decision, u(&gh, &[]).explicit), (Ask, false));
    assert_eq!(
        t(&local, &[]).decision,
        Allow,
        "a specific trusted allow opens localhost"
    );
    assert_eq!(u(&local, &[]).decision, Deny);
    assert_eq!(
        (t(&docs, &[]).decision, t(&docs, &[]).explicit),
        (Allow, true)
    );
    assert_eq!(
        (u(&docs, &[]).decision, u(&docs, &[]).explicit),
        (Allow, false)
    );
    assert_eq!(t(&scratch, &[]).decision, Allow);
    assert_eq!(u(&scratch, &[]).decision, Ask);
    assert_eq!(
        (t(&mcp_read, &[]).decision, t(&mcp_read, &[]).explicit),
        (Allow, true)
    );
    assert_eq!(
        (u(&mcp_read, &[]).decision, u(&mcp_read, &[]).explicit),
        (Ask, false)
    );

    // A dynamic command is never allowed by an allow rule.
    let dyn_fx = vec![exec_dynamic("npm test $X", Severity::Unknown)];
    assert_eq!(t(&shell("npm test $X"), &dyn_fx).decision, Ask);
    // An allow rule never lifts a catastrophic command.
    let cat = vec![exec("npm test", Severity::Catastrophic)];
    assert_eq!(t(&npm, &cat).decision, Deny);
    // An allowed command does not carry a write to a protected path.
    let fx = vec![
        exec("npm test", Severity::Unknown),
        write(&p(".git/config")),
    ];
    assert_eq!(t(&npm, &fx).decision, Deny);
}

#[test]
fn mcp_in_read_only_mode() {
    let ro = policy(TEAM, true, Some(Mode::ReadOnly));
    let ctx = ctx();
    assert_eq!(
        ro.evaluate(&mcp("github", "get_issue"), &[], &ctx).decision,
        Allow
    );
    assert_eq!(
        ro.evaluate(&mcp("github", "list_repos"), &[], &ctx)
            .decision,
        Allow
    );
    assert_eq!(
        ro.evaluate(&mcp("github", "create_issue"), &[], &ctx)
            .decision,
        Deny
    );
    assert_eq!(
        ro.evaluate(&mcp("slack", "get_channel"), &[], &ctx)
            .decision,
        Deny
    );
}

#[test]
fn mcp_tool_lookup() {
    let pol = policy(TEAM, true, None);
    assert_eq!(
        pol.mcp_tool("github", "deleteRepo").map(|r| r.decision),
        Some(Deny)
    );
    assert_eq!(
        pol.mcp_tool("github", "get_me").map(|r| r.decision),
        Some(Allow)
    );
    assert_eq!(pol.mcp_tool("github", "fork").map(|r| r.decision), None);
    assert_eq!(pol.mcp_tool("gitlab", "get_me"), None);
    let untrusted = policy(TEAM, false, None);
    assert_eq!(
        untrusted.mcp_tool("github", "get_me"),
        None,
        "allow needs trust"
    );
    assert_eq!(
        untrusted.mcp_tool("github", "delete_x").map(|r| r.decision),
        Some(Deny)
    );
}

#[test]
fn path_queries() {
    let pol = policy(TEAM, false, None);
    let ctx = ctx();
    assert!(pol.is_secret_path(std::path::Path::new(".env"), &ctx));
    assert!(pol.is_secret_path(std::path::Path::new("production/x"), &ctx));
    assert!(!pol.is_secret_path(std::path::Path::new("src/main.rs"), &ctx));
    assert!(pol.is_protected_path(std::path::Path::new(".claude/settings.json"), &ctx));
    assert!(pol.is_protected_path(std::path::Path::new("migrations/1.sql"), &ctx));
    assert!(!pol.is_protected_path(std::path::Path::new("src/main.rs"), &ctx));
}

#[test]
fn messages_say_what_rule_and_what_instead() {
    let pol = defaults(Mode::Tool);
    let ctx = ctx();
    let v = pol.evaluate(&read_file(&p(".env")), &[], &ctx);
    let m = &v.reasons[0].message;
    assert!(
        m.contains("`.env`") && m.contains("FS001") && m.contains(".env.example"),
        "{m}"
    );
    let v = pol.evaluate(&write_file(&p(".claude/settings.json")), &[], &ctx);
    let m = &v.reasons[0].message;
    assert!(m.contains("FS011") && m.contains("tell the person"), "{m}");
    let v = pol.evaluate(&write_file(&p("x.js")), &[secret()], &ctx);
    let m = &v.reasons[0].message;
    assert!(
        m.contains("SEC001") && m.contains("line 3") && !m.contains("abcd"),
        "{m}"
    );
}

#[test]
fn messages_never_echo_command_lines_or_urls() {
    let token = "ghp_FAKEfakeFAKEfakeFAKEfakeFAKEfake0000";
    let pol = policy(
        "[[never]]\ncommand = \"curl *\"\nreason = \"use the proxy\"\n",
        false,
        None,
    );
    let ctx = ctx();
    let cmd = format!("curl -H Authorization:{token} https://api.example.com");
    let v = pol.evaluate(&shell(&cmd), &[exec(&cmd, Severity::Unknown)], &ctx);
    assert_eq!(v.decision, Deny);
    for r in &v.reasons {
        assert!(!r.message.contains(token), "{}", r.message);
    }
    for mode in [Mode::Tool, Mode::ReadOnly] {
        let pol = defaults(mode);
        for url in [
            format!("https://x.example/?token={token}"),
            format!("https://user:{token}@localhost/"),
            format!("ftp://{token}@x/"),
            format!("{token} is not a url"),
        ] {
            let v = pol.evaluate(&fetch(&url, "GET"), &[], &ctx);
            for r in &v.reasons {
                assert!(!r.message.contains(token), "{}", r.message);
            }
        }
    }
}

#[test]
fn verdict_is_strictest_over_all_effects() {
    let pol = defaults(Mode::Tool);
    let ctx = ctx();
    // `ls; cat .env` hidden after a read-only command still denies.
    let fx = vec![
        exec("ls", Severity::ReadOnly),
        exec("cat .env", Severity::ReadOnly),
        read(&p(".env")),
    ];
    let v = pol.evaluate(&shell("ls; cat .env"), &fx, &ctx);
    assert_eq!(v.decision, Deny);
    assert_eq!(v.reasons[0].decision, Deny, "strictest first");
    // All read-only: explicit allow.
    let fx = vec![
        exec("ls", Severity::ReadOnly),
        exec("wc -l", Severity::ReadOnly),
    ];
    let v = pol.evaluate(&shell("ls | wc -l"), &fx, &ctx);
    assert_eq!((v.decision, v.explicit), (Allow, true));
    // A routine write inside the project is allowed in tool mode too...
    let fx = vec![exec("ls", Severity::ReadOnly), write(&p("out.txt"))];
    let v = pol.evaluate(&shell("ls > out.txt"), &fx, &ctx);
    assert_eq!((v.decision, v.explicit), (Allow, true));
    // ...but an unknown program among them leaves the decision to the person.
    let fx = vec![exec("frob", Severity::Unknown), write(&p("out.txt"))];
    let v = pol.evaluate(&shell("frob > out.txt"), &fx, &ctx);
    assert_eq!((v.decision, v.explicit), (Ask, false));
}

/// The reasons people and models read, for one representative action per rule family.
#[test]
fn reason_texts() {
    let ctx = ctx();
    let team = policy(TEAM, true, None);
    let tool = defaults(Mode::Tool);
    let ro = defaults(Mode::ReadOnly);
    let rows: Vec<(&str, &warden_policy::Policy, Action, Vec<Effect>)> = vec![
        ("read .env", &tool, read_file(&p(".env")), vec![]),
        (
            "read ssh key",
            &tool,
            read_file("~/.ssh/id_ed25519"),
            vec![],
        ),
        (
            "write settings",
            &tool,
            write_file(&p(".claude/settings.json")),
            vec![],
        ),
        ("write outside", &tool, write_file("/etc/hosts"), vec![]),
        ("write read-only", &ro, write_file(&p("src/a.rs")), vec![]),
        (
            "destructive",
            &tool,
            shell("git reset --hard"),
            vec![exec("git reset --hard", Severity::Destructive)],
        ),
        (
            "catastrophic",
            &tool,
            shell("rm -rf ~"),
            vec![exec("rm -rf ~", Severity::Catastrophic)],
        ),
        (
            "rm -rf project",
            &tool,
            shell("rm -rf ."),
            vec![delete(ROOT, true)],
        ),
        (
            "metadata",
            &tool,
            fetch("http://0xa9fea9fe/latest/", "GET"),
            vec![],
        ),
        (
            "loopback",
            &tool,
            fetch("http://127.1:8080/", "GET"),
            vec![],
        ),
        (
            "private",
            &tool,
            fetch("http://db.internal/", "GET"),
            vec![],
        ),
        (
            "sensitive",
            &tool,
            fetch("https://api.example.com/api/admin/delete-all-users", "POST"),
            vec![],
        ),
        (
            "force main",
            &tool,
            shell("git push -f origin main"),
            vec![push(&["main"], true, false, Severity::Destructive)],
        ),
        (
            "push main pr",
            &team,
            shell("git push origin release"),
            vec![push(&["release"], false, false, Severity::LocalWrite)],
        ),
        (
            "never",
            &team,
            shell("git push origin main"),
            vec![exec("git push origin main", Severity::LocalWrite)],
        ),
        (
            "shell deny",
            &team,
            shell("terraform destroy"),
            vec![exec(
                "terraform destroy -auto-approve",
                Severity::Destructive,
            )],
        ),
        (
            "mcp deny",
            &team,
            mcp("github", "delete_repository"),
            vec![],
        ),
        ("secret", &tool, write_file(&p("a.js")), vec![secret()]),
        (
            "self approval",
            &tool,
            shell("warden trust"),
            vec![exec("warden trust", Severity::LocalWrite)],
        ),
    ];
    let mut out = String::new();
    for (name, pol, action, effects) in rows {
        let v = pol.evaluate(&action, &effects, &ctx);
        out.push_str(&format!(
            "## {name}: {} (explicit: {})\n",
            v.decision, v.explicit
        ));
        for r in v.deciding_reasons() {
            out.push_str(&format!("- {} {}: {}\n", r.decision, r.rule, r.message));
            // Every built-in-looking id a verdict names is documented for `warden explain`.
            let id = r.rule.as_str();
            let builtin_like = id
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
            if builtin_like
                && !id.starts_with("SH")
                && !id.starts_with("TEAM")
                && !id.starts_with("NETTEAM")
            {
                assert!(warden_policy::rule_doc(id).is_some(), "{id} has no doc");
            }
        }
    }
    insta::assert_snapshot!(out);
}
