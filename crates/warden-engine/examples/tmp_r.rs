#![allow(clippy::print_stdout)]
fn main() {
    let which = std::env::args().nth(1).unwrap_or_default();
    let s = warden_secrets::Scanner::builtin();
    let mut v: serde_json::Value = match which.as_str() {
        "obj" => serde_json::json!({"path": "/tmp/hb/proj/src/main.rs", "type": "read"}),
        "objshell" => {
            serde_json::json!({"command": "ls -la", "cwd": "/tmp/hb/proj", "type": "shell"})
        }
        "key" => serde_json::json!({"path": 1}),
        "keytype" => serde_json::json!({"type": 1}),
        _ => serde_json::json!("x"),
    };
    let t0 = std::time::Instant::now();
    let n = s.redact_json(&mut v);
    println!("{which}: {:?} {n}", t0.elapsed());
}
