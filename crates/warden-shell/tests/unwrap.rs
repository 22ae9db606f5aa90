//! Unwrapping, one row per wrapper: the inner command's normalised argv is reported as its
//! own `Exec` effect.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use warden_core::EffectKind;

fn execs(cmd: &str) -> Vec<Vec<String>> {
    common::run(cmd)
        .effects
        .into_iter()
        .filter_map(|e| match e.kind {
            EffectKind::Exec { argv, .. } => Some(argv),
            _ => None,
        })
        .collect()
}

#[test]
fn each_wrapper_exposes_its_inner_argv() {
    let rows: &[(&str, &[&str])] = &[
        ("sudo ls -la", &["ls", "-la"]),
        ("sudo -u www-data -g web ls", &["ls"]),
        ("sudo -E -H -n -- ls /root", &["ls", "/root"]),
        ("sudo --user=root --chdir=/tmp ls", &["ls"]),
        ("doas -u root ls", &["ls"]),
        ("pkexec ls", &["ls"]),
        ("env ls", &["ls"]),
        ("env -i A=1 B=2 ls", &["ls"]),
        ("env -u HOME -C /tmp ls", &["ls"]),
        ("env -S 'ls -la'", &["ls", "-la"]),
        ("env --split-string='ls -l' x", &["ls", "-l", "x"]),
        // The split words take the option's place; what follows is not env's.
        ("env -S ls -la x", &["ls", "-la", "x"]),
        ("env -S 'env -S 'ls -la", &["ls", "-la"]),
        ("env -iS ls -la", &["ls", "-la"]),
        ("env -Sls -la", &["ls", "-la"]),
        ("env -u X -S 'A=1 ls' -la", &["ls", "-la"]),
        ("env --split-string ls -la", &["ls", "-la"]),
        ("nice ls", &["ls"]),
        ("nice -n 10 ls", &["ls"]),
        ("nice -10 ls", &["ls"]),
        ("nice --adjustment=5 ls", &["ls"]),
        ("ionice -c 3 -n 7 ls", &["ls"]),
        ("nohup ls", &["ls"]),
        ("time -p ls", &["ls"]),
        ("timeout 10 ls", &["ls"]),
        ("timeout -s KILL -k 2 10s ls", &["ls"]),
        ("timeout --preserve-status 5 ls", &["ls"]),
        ("stdbuf -oL -eL ls", &["ls"]),
        ("setsid -f ls", &["ls"]),
        ("watch -n 2 ls -l", &["ls", "-l"]),
        ("watch -x ls -l", &["ls", "-l"]),
        ("flock /tmp/l ls", &["ls"]),
        ("flock -w 5 /tmp/l -c 'ls -a'", &["ls", "-a"]),
        ("chronic ls", &["ls"]),
        ("command ls", &["ls"]),
        ("builtin echo hi", &["echo", "hi"]),
        ("exec ls", &["ls"]),
        ("exec -a name ls", &["ls"]),
        ("busybox ls", &["ls"]),
        ("bash -c 'ls -a'", &["ls", "-a"]),
        ("sh -c 'ls' arg0", &["ls"]),
        ("bash -lc 'ls'", &["ls"]),
        ("bash -ec 'ls'", &["ls"]),
        ("bash -c -- 'ls'", &["ls"]),
        ("zsh -c 'ls'", &["ls"]),
        ("dash -c 'ls'", &["ls"]),
        ("ksh -c 'ls'", &["ls"]),
        ("eval 'ls -a'", &["ls", "-a"]),
        ("eval ls -a", &["ls", "-a"]),
        ("xargs ls", &["ls", "{xargs input}"]),
        ("xargs -0 -n 1 ls", &["ls", "{xargs input}"]),
        ("xargs -I% ls %", &["ls", "{xargs input}"]),
        ("echo a b | xargs ls", &["ls", "a", "b"]),
        ("parallel ls ::: a", &["ls", "a"]),
        ("find . -exec ls {} \\;", &["ls", "./{}"]),
        ("find src -name x -execdir ls {} +", &["ls", "src/{}/x"]),
        ("git -c alias.x='!ls -a' x", &["ls", "-a"]),
        ("git -c core.pager='less -R' log", &["less", "-R"]),
        ("GIT_SSH_COMMAND='ssh -i k' git fetch", &["ssh", "-i", "k"]),
        ("ssh host ls -la", &["ls", "-la"]),
        ("ssh -p 22 -i key user@host 'ls -la'", &["ls", "-la"]),
        ("docker exec -it -u root web ls", &["ls"]),
        ("podman exec db ls", &["ls"]),
        ("docker compose exec api ls", &["ls"]),
        ("kubectl exec -it pod -- ls", &["ls"]),
        ("kubectl exec pod -c app -- ls -l", &["ls", "-l"]),
        ("bash build.sh", &["cargo", "build", "--release"]),
        ("source ./env.sh", &["export", "RUST_LOG=debug"]),
        (". ./env.sh", &["export", "RUST_LOG=debug"]),
        (
            "python3 -c \"import os; os.system('ls -a')\"",
            &["ls", "-a"],
        ),
        (
            "node -e \"require('child_process').execSync('ls -a')\"",
            &["ls", "-a"],
        ),
        ("perl -e 'system(\"ls -a\")'", &["ls", "-a"]),
        ("awk 'BEGIN{system(\"ls -a\")}'", &["ls", "-a"]),
        ("uv run ls", &["ls"]),
        ("poetry run ls", &["ls"]),
        ("bundle exec ls", &["ls"]),
        ("npx -c 'ls -a'", &["ls", "-a"]),
        ("trap 'ls' EXIT", &["ls"]),
        ("alias l='ls -a'", &["ls", "-a"]),
        ("f() { ls -a; }; f", &["ls", "-a"]),
        ("su -c 'ls -a'", &["ls", "-a"]),
        ("runuser -u nobody -- ls", &["ls"]),
        ("strace -f -o /tmp/t ls", &["ls"]),
        ("bash <<< 'ls -a'", &["ls", "-a"]),
        ("echo 'ls -a' | sh", &["ls", "-a"]),
        ("sh <(echo 'ls -a')", &["ls", "-a"]),
        ("cargo watch -s 'ls -a'", &["ls", "-a"]),
        ("git rebase --exec 'ls -a' main", &["ls", "-a"]),
        ("git submodule foreach 'ls -a'", &["ls", "-a"]),
        ("git bisect run ls -a", &["ls", "-a"]),
    ];
    let mut failures = Vec::new();
    for (cmd, want) in rows {
        let got = execs(cmd);
        if !got.iter().any(|a| a == want) {
            failures.push(format!("`{cmd}`: want {want:?} among {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn git_checkout_of_an_existing_path_discards_changes() {
    use warden_shell::{Context, StaticEnv, analyze};
    let env = StaticEnv::new().with_link("/work/proj/src/main.rs", "/work/proj/src/main.rs");
    let ctx = Context::new("/work/proj", "/work/proj", None, &env);
    assert!(analyze("git checkout src/main.rs", &ctx).has_rule("SH031"));
    assert!(!analyze("git checkout feature/login", &ctx).has_rule("SH031"));
}

/// `rg` reads the files its walk reaches: not hidden ones (unless `--hidden` or `-uu`), not
/// ignored ones (unless `--no-ignore` or `-u`). A secret file it would print from asks.
#[test]
fn rg_reads_what_its_walk_reaches() {
    use warden_core::Decision::{Allow, Ask, Deny};
    use warden_shell::{Context, StaticEnv, analyze};
    let plain = StaticEnv::new()
        .with_file("/work/proj/.env")
        .with_file("/work/proj/src/main.rs");
    let pem = StaticEnv::new()
        .with_file("/work/proj/src/main.rs")
        .with_file("/work/proj/config/dev.pem");
    let ignored = pem
        .clone()
        .with_file("/work/proj/.env")
        .with_ignored("/work/proj/config")
        .with_ignored("/work/proj/.env");
    let cases: &[(&StaticEnv, &str, warden_core::Decision)] = &[
        (&plain, "rg TODO", Allow),
        (&plain, "rg --hidden TODO", Ask),
        (&plain, "rg -uu TODO", Ask),
        (&plain, "rg -u TODO", Allow),
        (&plain, "rg -l --hidden API_KEY", Allow),
        (&pem, "rg TODO", Ask),
        (&pem, "rg -n BEGIN config", Ask),
        (&pem, "rg TODO src", Allow),
        (&pem, "rg -c TODO", Allow),
        (&pem, "rg --files", Allow),
        (&pem, "rg KEY config/dev.pem", Deny),
        (&ignored, "rg TODO", Allow),
        (&ignored, "rg --hidden TODO", Allow),
        (&ignored, "rg --no-ignore TODO", Ask),
        (&ignored, "rg -uu TODO", Ask),
    ];
    let mut failures = Vec::new();
    for &(env, cmd, want) in cases {
        let ctx = Context::new("/work/proj", "/work/proj", None, env);
        let got = common::decide(&analyze(cmd, &ctx));
        if got != want {
            failures.push(format!("`{cmd}`: want {want:?}, got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
