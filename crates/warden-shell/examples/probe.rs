//! Prints the analysis of each command given on the command line (a development aid).
#![allow(clippy::print_stdout)]

use warden_shell::{Context, StaticEnv, analyze};

fn main() {
    let env = StaticEnv::new();
    let ctx = Context::new("/work/proj", "/work/proj", Some("/home/me".into()), &env);
    for cmd in std::env::args().skip(1) {
        let a = analyze(&cmd, &ctx);
        println!("{cmd}\n  parse={:?} max={:?}", a.parse, a.max_severity());
        for e in &a.effects {
            println!("  {} {:?} {:?}: {}", e.rule, e.severity, e.kind, e.message);
        }
    }
}
