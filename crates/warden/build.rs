//! Link the `warden` executable as a position-dependent (non-PIE) binary on Linux.
//!
//! The hook runs as a fresh process on every tool call, so process start-up is most of its
//! cost. A PIE binary makes the dynamic loader apply ~30,000 relative relocations (vtables and
//! the static rule tables) before `main`; a non-PIE binary has them resolved at link time.
//! Measured with `perf stat -r 300 warden hook claude < ls.json`: about half the CPU time.
fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if os == "linux" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
