//! The public API's contract: parse states, limits, resolved paths and effect shapes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::PathBuf;

use warden_core::{EffectKind, GitOp, Severity};
use warden_shell::{MAX_INPUT, Parse};

#[test]
fn parse_states() {
    assert_eq!(common::run("ls -la").parse, Parse::Complete);
    assert_eq!(common::run("").parse, Parse::Complete);
    assert_eq!(common::run("echo 'open").parse, Parse::Failed);
    assert_eq!(
        common::run("ls; bash -c 'echo \"open'").parse,
        Parse::Partial
    );
    let big = "echo x; ".repeat(MAX_INPUT / 8 + 1);
    let a = common::run(&big);
    assert_eq!(a.parse, Parse::Failed);
    assert!(a.max_severity() >= Severity::Unknown);
    let huge_rm = format!("{big}rm -rf /");
    assert!(common::run(&huge_rm).max_severity() >= Severity::Unknown);
}

/// brush's grammar backtracks exponentially on unclosed subshells (found by the `analyze`
/// fuzz target: 38 `(` took hours). They are refused before parsing, in bounded time, and
/// the fallback still sees what the command runs.
#[test]
fn deep_subshells_are_refused_quickly() {
    let start = std::time::Instant::now();
    let hang = format!("{}\u{10}((((((nt 2>&1 || tr no", "(".repeat(38));
    for cmd in [
        hang,
        format!("{}rm -rf /", "( ".repeat(40)),
        format!("{}rm -rf /", "(".repeat(200)),
        format!("bash -c '{}echo hi'", "( ".repeat(30)),
        // Unclosed braces before a comma: brush's brace expansion backtracks exponentially.
        format!(" /tmp/*{},{{{{{{\n", "{".repeat(45)),
        format!("echo {}b", "{a,".repeat(30)),
        // Nested array subscripts: brush's arithmetic grammar retries each level ~14 times.
        format!("echo $(( {}1{} ))", "a[".repeat(12), "]".repeat(12)),
        format!("echo $(( {}1 ))", "a[".repeat(12)),
        "echo $(( inRRRRRRRR -zy[CCC[v[CCCCCC<CCCCCC[[[stad=\u{0}222222px ))".to_owned(),
        // Deep compound nesting overflowed the parser's stack (a dead hook answers nothing).
        format!(
            "{}rm -rf ~; {}",
            "if true; then ".repeat(2000),
            "fi; ".repeat(2000)
        ),
        format!(
            "{}rm -rf ~; {}",
            "while true; do ".repeat(1500),
            "done; ".repeat(1500)
        ),
        format!(
            "{}rm -rf ~{}",
            "case x in x) ".repeat(1500),
            " ;; esac".repeat(1500)
        ),
        format!(
            "{}rm -rf ~; {}",
            "for i in 1; do ".repeat(1500),
            "done; ".repeat(1500)
        ),
        // brush's tokenizer loops without end on a here-document operator near a form feed
        // or carriage return (found by the `analyze` fuzz target).
        "gh (fm.t\n\n\n\n\n\n\n\npdpu!<<\u{c}<<pr\t".to_owned(),
        "<<\u{c}<<p ; rm -rf ~".to_owned(),
        "cat << \r <<p ".to_owned(),
        // Operator chains that brush parses recursively, one frame per operator.
        format!("echo $(({}1))", "!".repeat(20000)),
        format!("(( {}1 )); rm -rf ~", "a=".repeat(10000)),
        format!("echo $(({}1{}))", "1?".repeat(3000), ":1".repeat(3000)),
        format!("[[ {}-n x ]] && rm -rf ~", "! ".repeat(10000)),
        format!("{}rm -rf ~", "coproc ".repeat(2000)),
    ] {
        let a = common::run(&cmd);
        assert_ne!(a.parse, Parse::Complete, "{cmd}");
        assert!(a.max_severity() >= Severity::Unknown, "{cmd}");
    }
    assert!(
        common::run(&format!("{}rm -rf /", "( ".repeat(40))).max_severity()
            >= Severity::Catastrophic
    );
    // Real nesting well past anything people write still parses.
    let ten = format!("{}echo hi{}", "(".repeat(10), ")".repeat(10));
    assert_eq!(common::run(&ten).parse, Parse::Complete);
    // Deep but sane nesting still parses.
    let nested_ifs = format!("{}ls; {}", "if true; then ".repeat(40), "fi; ".repeat(40));
    assert_eq!(common::run(&nested_ifs).parse, Parse::Complete);
    // Arithmetic as people write it still parses.
    for ok in [
        "echo $(( a[i+1] * 2 ))",
        "echo $(( a[b[1]] + c[2] ))",
        "(( n[i] += 1 ))",
    ] {
        assert_eq!(common::run(ok).parse, Parse::Complete, "{ok}");
        assert_eq!(common::run(ok).max_severity(), Severity::ReadOnly, "{ok}");
    }
    assert!(start.elapsed() < std::time::Duration::from_secs(20));
}

/// brush-parser `unwrap`s numbers that overflow (an fd before a redirect, a brace sequence
/// bound, a `~+N` directory-stack index). Found by fuzzing: analysis contains the panic and
/// reports the command as not analysed.
#[test]
fn parser_panics_are_contained() {
    for cmd in [
        "socat 4444444444444<x",
        "echo {1..99999999999999999999}",
        "echo {a..z..99999999999999999999}",
        "ls ~+99999999999999999999999",
        "ls ~-99999999999999999999999",
        "x=$(echo 4444444444444<x)",
    ] {
        let a = common::run(cmd);
        assert!(
            a.max_severity() >= Severity::Unknown,
            "{cmd}: {:?}",
            a.effects
        );
    }
}

/// `env -S rm -rf x` runs `rm -rf x`: reading `-rf` as env's options made it `rm x`, one
/// file, allowed inside the project.
#[test]
fn env_split_string_keeps_the_inner_options() {
    for cmd in [
        "env -S rm -rf /work/proj/src",
        "env -S 'env -S 'rm -rf /work/proj/src",
        "env -iS rm -rf /work/proj/src",
    ] {
        assert!(
            common::run(cmd).max_severity() >= Severity::Destructive,
            "{cmd}"
        );
    }
}

/// Secret reads that hide the file's name from a literal scan.
#[test]
fn indirect_secret_reads_are_not_allowed() {
    // Linking is judged as reading the link's target (the policy denies secret reads).
    for cmd in ["ln -s .env x && cat x", "ln -s /work/proj/.env /tmp/x"] {
        assert!(
            common::run(cmd)
                .effects
                .iter()
                .any(|e| matches!(&e.kind, EffectKind::Read { path } if path.ends_with(".env"))),
            "{cmd}"
        );
    }
    for cmd in [
        "python3 -c \"print(open('.e'+'nv').read())\"",
        "node -e \"console.log(require('fs').readFileSync(['.e','nv'].join('')))\"",
    ] {
        assert!(
            common::run(cmd).max_severity() >= Severity::Unknown,
            "{cmd}: {:?}",
            common::run(cmd).effects
        );
    }
    assert_eq!(
        common::run("python3 -c \"print(open('README.md').read())\"").max_severity(),
        Severity::ReadOnly
    );
}

#[test]
fn paths_are_absolute_and_resolved() {
    let a = common::run("cd src && rm -rf ../target/../build ~/x/../y");
    let deletes: Vec<PathBuf> = a
        .effects
        .iter()
        .filter_map(|e| match &e.kind {
            EffectKind::Delete { path, .. } => Some(path.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        deletes,
        vec![
            PathBuf::from("/work/proj/build"),
            PathBuf::from("/home/me/y")
        ]
    );
    // Symlinked ancestors resolve: `escape` points at /etc.
    let a = common::run("cat escape/passwd");
    assert!(a.effects.iter().any(
        |e| matches!(&e.kind, EffectKind::Read { path } if path == &PathBuf::from("/etc/passwd"))
    ));
}

#[test]
fn push_forms_are_parsed() {
    let op = |cmd: &str| -> GitOp {
        common::run(cmd)
            .effects
            .into_iter()
            .find_map(|e| match e.kind {
                EffectKind::Git(g) if g.subcommand == "push" => Some(g),
                _ => None,
            })
            .expect("a push")
    };
    let g = op("git -C . -c x.y=z --no-pager push origin +main:release feature :old");
    assert_eq!(g.remote.as_deref(), Some("origin"));
    assert_eq!(g.branches, ["release", "feature", "old"]);
    assert!(g.force && g.delete && !g.lease);
    let g = op("git push --force-with-lease origin HEAD");
    assert!(g.lease && !g.force && g.branches.is_empty());
    let g = op("git push");
    assert!(g.remote.is_none() && g.branches.is_empty() && !g.force);
    let g = op("git push --mirror backup");
    assert!(g.force);
    let g = op("git push origin refs/heads/main");
    assert_eq!(g.branches, ["main"]);
}

#[test]
fn network_targets_are_parsed() {
    let a = common::run("curl -X PUT -T f.txt https://user@api.example.com:8443/v1/up?x=1");
    let (t, method, upload) = a
        .effects
        .iter()
        .find_map(|e| match &e.kind {
            EffectKind::Network {
                target,
                method,
                upload,
            } => Some((target.clone(), method.clone(), *upload)),
            _ => None,
        })
        .unwrap();
    assert_eq!(t.host, "api.example.com");
    assert_eq!(t.port, Some(8443));
    assert_eq!(t.path.as_deref(), Some("/v1/up"));
    assert_eq!(method.as_deref(), Some("PUT"));
    assert!(upload);
}

#[test]
fn analysis_is_deterministic() {
    for cmd in [
        "f() { rm -rf \"$1\"; }; g() { ls; }; f /tmp/x",
        "a=1; b=2; echo $a$b | xargs echo",
    ] {
        let a = format!("{:?}", common::run(cmd).effects);
        let b = format!("{:?}", common::run(cmd).effects);
        assert_eq!(a, b);
    }
}

#[test]
fn dynamic_words_are_marked() {
    let a = common::run("ls $DIR *.rs");
    let dynamic = a
        .effects
        .iter()
        .any(|e| matches!(&e.kind, EffectKind::Exec { argv, dynamic: true } if argv[0] == "ls"));
    assert!(dynamic);
    let a = common::run("ls src");
    assert!(
        a.effects
            .iter()
            .all(|e| !matches!(&e.kind, EffectKind::Exec { dynamic: true, .. }))
    );
}
