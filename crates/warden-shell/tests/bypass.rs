//! Bypass tables, one per technique: a dangerous core command dressed up by each
//! technique must be judged at least as strictly as the bare command.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use warden_core::Decision;

/// Core commands with the decision they get bare.
const CORES: &[(&str, Decision)] = &[
    ("rm -rf /", Decision::Deny),
    ("rm -rf ~", Decision::Deny),
    ("rm -rf .git", Decision::Deny),
    ("cat ~/.ssh/id_rsa", Decision::Deny),
    ("dd if=/dev/zero of=/dev/sda", Decision::Deny),
    ("chmod -R 777 /", Decision::Deny),
    ("kill -9 -1", Decision::Deny),
    ("redis-cli FLUSHALL", Decision::Deny),
    ("git push -f origin main", Decision::Ask),
    ("git reset --hard", Decision::Ask),
    ("rm -rf src", Decision::Ask),
    ("terraform apply -auto-approve", Decision::Ask),
];

/// Wrappers: `{}` is replaced by the core command (already quoted where needed).
const WRAPPERS: &[&str] = &[
    "sudo {}",
    "sudo -u root -E {}",
    "doas {}",
    "env {}",
    "env -i FOO=1 {}",
    "nice -n 5 {}",
    "ionice -c3 {}",
    "nohup {}",
    "time {}",
    "timeout 10 {}",
    "timeout -s KILL 5 {}",
    "stdbuf -oL {}",
    "setsid {}",
    "chronic {}",
    "command {}",
    "builtin {}",
    "exec {}",
    "busybox {}",
    "unbuffer {}",
    "flock /tmp/l {}",
    "watch -x {}",
    "strace -f {}",
    "FOO=1 {}",
    "A=1 B=2 {}",
    "nice timeout 3 env {}",
    "sudo env nice {}",
];

/// Shell-code carriers: `{}` is replaced by the core command, single-quoted.
const CARRIERS: &[&str] = &[
    "bash -c {}",
    "sh -c {}",
    "zsh -c {}",
    "bash -lc {}",
    "bash -ec {}",
    "sh -c -- {}",
    "eval {}",
    "watch {}",
    "su -c {}",
    "flock -c {} /tmp/l",
    "ssh host {}",
    "trap {} EXIT",
    "sh -c \"sh -c {}\"",
];

/// Structural positions: the core command appears inside.
const POSITIONS: &[&str] = &[
    "true && {}",
    "false || {}",
    "echo a; {}",
    "ls | {}",
    "{} | cat",
    "( {} )",
    "{ {}; }",
    "if true; then {}; fi",
    "while true; do {}; break; done",
    "for i in 1; do {}; done",
    "case a in a) {} ;; esac",
    "echo \"$({})\"",
    "echo `{}`",
    "x=$({})",
    "cat <({})",
    "f() { {}; }; f",
    "f() { {}; }",
    "{} &",
    "! {}",
    "echo ${x:-$({})}",
];

/// Word-level tricks applied to the first word of the core command.
fn word_tricks(cmd: &str) -> Vec<String> {
    let (first, rest) = cmd.split_once(' ').unwrap_or((cmd, ""));
    let mut out = vec![
        format!("\\{first} {rest}"),
        format!("'{first}' {rest}"),
        format!("\"{first}\" {rest}"),
        format!("{}''{} {rest}", &first[..1], &first[1..]),
        format!("{}\"\"{} {rest}", &first[..1], &first[1..]),
        format!("{}\\{} {rest}", &first[..1], &first[1..]),
        format!("x={first}; $x {rest}"),
        format!("$(echo {first}) {rest}"),
        format!("`echo {first}` {rest}"),
    ];
    let hex: String = first.bytes().map(|b| format!("\\x{b:02x}")).collect();
    out.push(format!("$'{hex}' {rest}"));
    if let Some(path) = which_path(first) {
        out.push(format!("{path} {rest}"));
    }
    out
}

fn which_path(name: &str) -> Option<&'static str> {
    match name {
        "rm" => Some("/bin/rm"),
        "cat" => Some("/usr/bin/cat"),
        "dd" => Some("/bin/dd"),
        "chmod" => Some("/bin/chmod"),
        "git" => Some("/usr/bin/git"),
        _ => None,
    }
}

fn single_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

fn check(technique: &str, cmd: &str, want: Decision, failures: &mut Vec<String>) {
    let got = common::decision(cmd);
    if got < want {
        failures.push(format!(
            "[{technique}] `{cmd}`: {got}, bare command is {want}"
        ));
    }
}

fn table(technique: &str, forms: &[&str], quote: bool) {
    let mut failures = Vec::new();
    let mut n = 0;
    for (core, want) in CORES {
        assert_eq!(common::decision(core), *want, "bare `{core}`");
        for f in forms {
            let inner = if quote {
                single_quote(core)
            } else {
                (*core).to_string()
            };
            check(technique, &f.replace("{}", &inner), *want, &mut failures);
            n += 1;
        }
    }
    assert!(n > 0);
    assert!(
        failures.is_empty(),
        "{} bypasses:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn wrappers_do_not_bypass() {
    table("wrapper", WRAPPERS, false);
}

#[test]
fn shell_code_carriers_do_not_bypass() {
    table("carrier", CARRIERS, true);
}

#[test]
fn structural_positions_do_not_bypass() {
    table("position", POSITIONS, false);
}

#[test]
fn word_tricks_do_not_bypass() {
    let mut failures = Vec::new();
    for (core, want) in CORES {
        for form in word_tricks(core) {
            check("word", &form, *want, &mut failures);
        }
    }
    assert!(
        failures.is_empty(),
        "{} bypasses:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn nested_carriers_do_not_bypass() {
    // Two layers of different techniques.
    let mut failures = Vec::new();
    for (core, want) in CORES {
        for w in WRAPPERS.iter().take(8) {
            for c in CARRIERS.iter().take(6) {
                let inner = c.replace("{}", &single_quote(core));
                check("nested", &w.replace("{}", &inner), *want, &mut failures);
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} bypasses:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn heredocs_and_pipes_into_shells_do_not_bypass() {
    let mut failures = Vec::new();
    for (core, want) in CORES {
        for form in [
            format!("bash <<'EOF'\n{core}\nEOF"),
            format!("sh <<EOF\n{core}\nEOF"),
            format!("bash <<< {}", single_quote(core)),
            format!("echo {} | sh", single_quote(core)),
            format!("printf '%s\\n' {} | bash", single_quote(core)),
            format!("echo {} | sh -s", single_quote(core)),
            format!("cat <<'EOF' | bash\n{core}\nEOF"),
        ] {
            check("stdin", &form, *want, &mut failures);
        }
    }
    assert!(
        failures.is_empty(),
        "{} bypasses:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn interpreters_do_not_bypass() {
    let mut failures = Vec::new();
    for (core, want) in CORES {
        let q = core.replace('\'', "\\'");
        for form in [
            format!("python3 -c \"import os; os.system('{q}')\""),
            format!("python3 -c \"import subprocess; subprocess.run('{q}', shell=True)\""),
            format!("node -e \"require('child_process').execSync('{q}')\""),
            format!("perl -e \"system('{q}')\""),
            format!("ruby -e \"system('{q}')\""),
            format!("php -r \"system('{q}');\""),
            format!("awk 'BEGIN {{ system(\"{core}\") }}'"),
        ] {
            check("interpreter", &form, *want, &mut failures);
        }
    }
    assert!(
        failures.is_empty(),
        "{} bypasses:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn find_and_xargs_do_not_bypass() {
    let mut failures = Vec::new();
    for (core, want) in CORES {
        let q = single_quote(core);
        for form in [
            format!("find . -maxdepth 0 -exec sh -c {q} \\;"),
            format!("find . -maxdepth 0 -exec {core} \\;"),
            format!("echo x | xargs sh -c {q}"),
            format!("xargs -I{{}} sh -c {q} < /dev/null"),
            format!("parallel sh -c {q} ::: 1"),
            format!("git -c alias.x='!{}' x", core.replace('\'', "")),
        ] {
            check("find/xargs", &form, *want, &mut failures);
        }
    }
    assert!(
        failures.is_empty(),
        "{} bypasses:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
