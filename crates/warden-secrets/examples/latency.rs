//! How long the hook's use of the scanner takes: building the built-in scanner, then scanning
//! a short command with no keyword, a short text with a keyword, and a text with a secret; and
//! what compiling every rule costs. Run with
//! `cargo run --release -p warden-secrets --example latency`.
#![allow(clippy::print_stdout, clippy::unwrap_used)]

use std::time::{Duration, Instant};

use warden_secrets::Scanner;

fn main() {
    let t = Instant::now();
    let scanner = Scanner::builtin();
    let build = t.elapsed();
    let cases = [
        (
            "no keyword",
            "ls -la src && cargo build --release".to_owned(),
        ),
        (
            "keyword, no secret",
            "export TOKEN_COUNT=3 # the password is read from the vault".to_owned(),
        ),
        (
            "secret",
            warden_secrets::rules::synth::synthesize("SEC011", 1).unwrap(),
        ),
    ];
    let t = Instant::now();
    let again = Scanner::new(scanner.rules());
    let rebuild = t.elapsed();
    println!(
        "Scanner::builtin(): {build:?} ({} rules); building another: {rebuild:?}",
        again.rules().len()
    );
    for (name, text) in &cases {
        let t = Instant::now();
        let first = scanner.scan_text(text).len();
        let cold = t.elapsed();
        let n = 20_000u32;
        let t = Instant::now();
        for _ in 0..n {
            std::hint::black_box(scanner.scan_text(std::hint::black_box(text)));
        }
        let warm = t.elapsed() / n;
        println!("{name:>20}: first scan {cold:?}, then {warm:?} per scan ({first} finding(s))");
    }
    for unicode in [true, false] {
        let mut costs: Vec<(Duration, &str)> = Vec::new();
        let mut total = Duration::ZERO;
        for rule in scanner.rules() {
            let t = Instant::now();
            let _ = regex::bytes::RegexBuilder::new(rule.pattern)
                .unicode(unicode)
                .build()
                .or_else(|_| regex::bytes::Regex::new(rule.pattern));
            let d = t.elapsed();
            total += d;
            costs.push((d, rule.name));
        }
        costs.sort();
        println!(
            "compiling every rule (unicode {unicode}): {total:?}; slowest: {:?}",
            &costs[costs.len() - 3..]
        );
    }
}
