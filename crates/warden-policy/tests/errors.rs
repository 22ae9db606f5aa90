//! Policy errors as people see them: file, line, column, every error at once.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use warden_policy::{Layer, Location, PolicyErrors, SourceOptions, load_from_strings};

fn errors(layers: &[(Layer, &str, &str)]) -> PolicyErrors {
    let layers: Vec<(Layer, PathBuf, String)> = layers
        .iter()
        .map(|(l, p, t)| (*l, PathBuf::from(p), t.to_string()))
        .collect();
    match load_from_strings(&layers, &SourceOptions::default()) {
        Ok(_) => panic!("expected the policy to fail"),
        Err(e) => e,
    }
}

fn locs(e: &PolicyErrors) -> Vec<(usize, usize)> {
    e.errors
        .iter()
        .map(|e| {
            let Location { line, column } = e.location.unwrap();
            (line, column)
        })
        .collect()
}

#[test]
fn bad_toml() {
    let e = errors(&[(
        Layer::Project,
        "/p/.warden/policy.toml",
        "mode = \"tool\"\n[filesystem\ndeny = [\"x\"]\n",
    )]);
    assert!(!e.is_empty());
    insta::assert_snapshot!(e.to_string());
}

#[test]
fn unknown_keys_with_suggestions() {
    let e = errors(&[(
        Layer::User,
        "/home/u/.config/warden/policy.toml",
        r#"mdoe = "tool"

[filesystem]
alow = ["/docs/**"]

[git]
protect_branch = ["main"]

[mcp.servers.github]
allow = ["read:*"]
command = "npx"
"#,
    )]);
    assert_eq!(locs(&e), vec![(1, 1), (4, 1), (7, 1), (11, 1)]);
    insta::assert_snapshot!(e.to_string());
}

#[test]
fn bad_values_all_at_once() {
    let e = errors(&[(
        Layer::Project,
        "/p/.warden/policy.toml",
        r#"mode = "fast"

[filesystem]
deny = ["src/[a-", "!keep.txt"]

[network]
allow = ["https://api.github.com"]
deny = ["10.0.0.0/99"]

[[shell.deny]]
id = "no-destroy"
command = "terraform destroy*"
match = ["terraform destroy -auto-approve", "terraform apply"]
not_match = ["terraform plan", "terraform destroy"]

[[never]]
command = "git push * main"

[[always_ask]]
reason = "two targets"
command = "x"
path = "y"

[mcp.servers.github]
deny = ["nuke:*"]

[git]
require_pr = "yes"
"#,
    )]);
    insta::assert_snapshot!(e.to_string());
}

#[test]
fn errors_from_every_file_in_layer_order() {
    let e = errors(&[
        (Layer::Project, "/p/.warden/policy.toml", "bogus = 1\n"),
        (Layer::Managed, "/etc/warden/policy.toml", "mode = 1\n"),
        (
            Layer::User,
            "/home/u/.config/warden/policy.toml",
            "[[never]]\nid = \"FS001\"\nreason = \"r\"\ncommand = \"x\"\n",
        ),
    ]);
    let files: Vec<String> = e
        .errors
        .iter()
        .map(|e| e.path.display().to_string())
        .collect();
    assert_eq!(
        files,
        vec![
            "/etc/warden/policy.toml",
            "/home/u/.config/warden/policy.toml",
            "/p/.warden/policy.toml"
        ]
    );
    insta::assert_snapshot!(e.to_string());
}

#[test]
fn columns_count_characters_and_tabs_render() {
    let e = errors(&[(
        Layer::Project,
        "/p/.warden/policy.toml",
        "[network]\n\tdeny = [\"é\", \"a:1\"]\n",
    )]);
    assert_eq!(locs(&e), vec![(2, 15)]);
    insta::assert_snapshot!(e.to_string());
}

#[test]
fn wrong_shapes() {
    let e = errors(&[(
        Layer::Project,
        "/p/.warden/policy.toml",
        "filesystem = 3\nnever = \"x\"\n[shell]\nallow = [1, {command = 2}]\n[[network.sensitive]]\nmethod = \"P0ST\"\n",
    )]);
    insta::assert_snapshot!(e.to_string());
}

#[test]
fn deeply_nested_and_huge_inputs_fail_cleanly() {
    for text in [
        format!("x = {}", "[".repeat(20_000)),
        format!("x = {}", "{a=".repeat(10_000)),
        "a.".repeat(20_000) + "b = 1",
        "#".repeat(300 * 1024),
    ] {
        let r = load_from_strings(
            &[(Layer::Project, PathBuf::from("/p/policy.toml"), text)],
            &SourceOptions::default(),
        );
        assert!(r.is_err());
    }
}
