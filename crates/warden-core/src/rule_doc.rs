/// The documentation of one built-in rule, for `warden explain ID` and the generated docs.
///
/// Every crate that owns rules (shell analysis `SH…`, policy `FS…`/`NET…`/…, secrets `SEC…`,
/// MCP `MCP…`) publishes a table of these.
#[derive(Debug, Clone, Copy)]
pub struct RuleDoc {
    /// Stable id, e.g. `SH001`.
    pub id: &'static str,
    /// Short kebab-case name, e.g. `rm-critical-path`.
    pub name: &'static str,
    /// What it does, in one sentence.
    pub summary: &'static str,
    /// Why it matters; what the person or agent should do instead.
    pub why: &'static str,
    /// Inputs it matches (commands, paths, hosts…).
    pub matches: &'static [&'static str],
    /// Similar inputs it deliberately does not match.
    pub not_matches: &'static [&'static str],
}
