//! `warden explain RULE-ID`: what a rule does, why, and examples.

use std::io::Write;

use warden_core::RuleDoc;

use crate::exit;
use crate::exit::ExitCode;

/// Arguments of `warden explain`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The rule id (e.g. SH001, FS001, SEC012) or name; without one, every rule is listed.
    pub rule: Option<String>,
}

/// Every built-in rule's documentation, from every crate that owns rules.
fn all_docs() -> Vec<RuleDoc> {
    let mut docs: Vec<RuleDoc> = Vec::new();
    docs.extend_from_slice(warden_policy::rule_docs());
    docs.extend_from_slice(warden_shell::rule_docs());
    docs.extend_from_slice(warden_mcp::rules::RULES);
    docs.extend(
        warden_secrets::Scanner::builtin()
            .rules()
            .iter()
            .map(|rule| RuleDoc {
                id: rule.id,
                name: rule.name,
                summary: rule.description,
                why: rule.rotation,
                matches: &[],
                not_matches: &[],
            }),
    );
    docs
}

#[allow(clippy::print_stdout, clippy::print_stderr)]
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let docs = all_docs();
    let mut out = std::io::stdout().lock();
    let Some(wanted) = args.rule else {
        for doc in &docs {
            if writeln!(out, "{:<8} {:<32} {}", doc.id, doc.name, doc.summary).is_err() {
                break;
            }
        }
        return Ok(ExitCode::SUCCESS);
    };
    let wanted = wanted.trim();
    let Some(doc) = docs
        .iter()
        .find(|d| d.id.eq_ignore_ascii_case(wanted) || d.name.eq_ignore_ascii_case(wanted))
    else {
        eprintln!("warden explain: no rule `{wanted}`. `warden explain` lists them all.");
        return Ok(ExitCode::from(exit::USAGE));
    };
    let _ = out.write_all(render(doc).as_bytes());
    Ok(ExitCode::SUCCESS)
}

/// The text people read for one rule (snapshot-tested).
pub fn render(doc: &RuleDoc) -> String {
    let mut text = format!("{} {}\n\n{}\n\n", doc.id, doc.name, doc.summary);
    if !doc.why.is_empty() {
        text.push_str(&format!("Why:\n  {}\n\n", doc.why));
    }
    if !doc.matches.is_empty() {
        text.push_str("Matches:\n");
        for example in doc.matches {
            text.push_str(&format!("  {example}\n"));
        }
        text.push('\n');
    }
    if !doc.not_matches.is_empty() {
        text.push_str("Does not match:\n");
        for example in doc.not_matches {
            text.push_str(&format!("  {example}\n"));
        }
        text.push('\n');
    }
    text
}
