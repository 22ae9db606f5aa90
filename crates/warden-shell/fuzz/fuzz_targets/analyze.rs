//! Any input: analysis never panics, always ends, and never proves unparsed input safe.
#![no_main]

use libfuzzer_sys::fuzz_target;
use warden_core::Severity;
use warden_shell::{Context, Parse, StaticEnv, analyze};

/// brush-parser has `unwrap`s on input (an fd number or brace sequence bound past its integer
/// type) and Warden contains them: `walk::parse` runs the parser under `catch_unwind` and
/// reports the command as unparsed (asserted below). libFuzzer's hook aborts on every panic,
/// caught or not; this one lets panics raised inside brush-parser unwind to that
/// `catch_unwind` and still aborts on any other panic, Warden's own included.
fn contain_parser_panics() {
    let fuzzer_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let in_parser = info
            .location()
            .is_some_and(|l| l.file().contains("brush-parser-"));
        if !in_parser {
            fuzzer_hook(info);
        }
    }));
}

fuzz_target!(init: contain_parser_panics(), |data: &[u8]| {
    let Ok(cmd) = std::str::from_utf8(data) else {
        return;
    };
    // A small tree, so that globs, recursive reads and package.json scripts are exercised.
    let env = StaticEnv::new()
        .with_script("/p/x.sh", "rm -rf ~\n$(echo hi)")
        .with_script(
            "/p/package.json",
            r#"{"scripts": {"build": "tsc && x", "t": "npm run build", "x": "rm -rf ~"}}"#,
        )
        .with_file("/p/.env")
        .with_file("/p/src/a.rs")
        .with_file("/p/src/deep/b.key")
        .with_file("/home/u/.ssh/id_rsa");
    let ctx = Context::new("/p", "/p", Some("/home/u".into()), &env);
    let a = analyze(cmd, &ctx);
    if a.parse != Parse::Complete {
        assert!(a.max_severity() >= Severity::Unknown);
        assert!(a.effects.iter().any(|e| e.rule.as_str() == "SH005"));
    }
    // Every effect names a documented rule.
    for e in &a.effects {
        assert!(warden_shell::rule_docs().iter().any(|d| d.id == e.rule.as_str()));
    }
});
