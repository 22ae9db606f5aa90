//! Any input: analysis never panics, always ends, and never proves unparsed input safe.
#![no_main]

use libfuzzer_sys::fuzz_target;
use warden_core::Severity;
use warden_shell::{Context, Parse, StaticEnv, analyze};

fuzz_target!(|data: &[u8]| {
    let Ok(cmd) = std::str::from_utf8(data) else {
        return;
    };
    let env = StaticEnv::new().with_script("/p/x.sh", "rm -rf ~\n$(echo hi)");
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
