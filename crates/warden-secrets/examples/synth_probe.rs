//! Print one synthesized example per rule name given on the command line.
#![allow(clippy::print_stdout, clippy::unwrap_used)]
fn main() {
    for name in std::env::args().skip(1) {
        let rule = warden_secrets::rules::by_name(&name).unwrap();
        println!(
            "{name} {} {:?}",
            rule.id,
            warden_secrets::rules::synth::synthesize(rule.id, 1)
        );
    }
}
