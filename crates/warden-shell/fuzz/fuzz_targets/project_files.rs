//! Untrusted project files: the first line is a command, the rest is the project's makefile
//! and package.json. Reading them never panics, always ends, and every effect names a
//! documented rule.
#![no_main]

use libfuzzer_sys::fuzz_target;
use warden_shell::{Context, StaticEnv, analyze};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (command, file) = text.split_once('\n').unwrap_or(("make", text));
    let env = StaticEnv::new()
        .with_script("/p/Makefile", file)
        .with_script("/p/package.json", file)
        .with_file("/p/.env")
        .with_file("/p/src/a.rs");
    let ctx = Context::new("/p", "/p", Some("/home/u".into()), &env);
    for command in [command, "make", "make all clean", "npm run build"] {
        let a = analyze(command, &ctx);
        for e in &a.effects {
            assert!(warden_shell::rule_docs().iter().any(|d| d.id == e.rule.as_str()));
        }
    }
});
