//! Policy files: layering, trust, compilation and evaluation of effects into verdicts.
//!
//! ```text
//!  policy files ──▶ raw (spanned, type-checked) ──▶ compiled (glob groups, host patterns,
//!  (TOML, layered)    every error collected           resolved ids, examples checked)
//!                                                              │
//!  Action + Effects (from analysis) ──────────────▶ Policy::evaluate ──▶ Verdict
//! ```
//!
//! * [`load`] reads the managed, user, project and `WARDEN_POLICY` files (see [`LoadOptions`])
//!   and merges them with the built-in defaults; [`load_from_strings`] does the same from
//!   texts, without I/O. A broken file fails the load with every error at once
//!   ([`PolicyErrors`]); callers fail closed.
//! * [`Policy::evaluate`] turns an action and its effects into a [`Verdict`]: the strictest
//!   decision of every rule that applies, each reason naming its rule id. See the `eval`
//!   module docs for the decision table per mode.
//! * [`rule_docs`] documents every built-in rule id for `warden explain`.
//! * [`trust`] records which project policies the person trusted.
//!
//! The crate does no I/O beyond reading policy files and the trust store (and writing the
//! trust store in [`trust::trust`]). It knows nothing about shell syntax: it receives
//! [`warden_core::Effect`]s.
//!
//! # Policy file reference
//!
//! ```toml
//! mode = "tool"                       # read-only | tool | dangerous
//!
//! [filesystem]
//! allow   = ["/docs/**"]              # trusted layers only: allow without asking
//! deny    = ["/secrets/**", "/.env"]  # never read or written (like secret files)
//! protect = ["/migrations/**"]        # never written or deleted
//!
//! [network]
//! allow = ["api.github.com", "*.stripe.com"]   # trusted layers only
//! deny  = ["*.internal", "10.0.0.0/8"]
//! [[network.sensitive]]               # asks, in every mode
//! method = "POST"                     # or "POST|PUT", "*"; omitted = any method
//! path = "/api/admin/*"               # `*` crosses `/`; case-insensitive
//! host = "api.example.com"            # optional
//! match = ["POST /api/admin/delete-all-users"]
//!
//! [[shell.deny]]                      # also shell.ask, shell.allow (trusted layers only)
//! id = "no-destroy"
//! command = "terraform destroy*"      # glob over the normalised argv joined by spaces
//! reason = "infrastructure changes go through CI"
//! match = ["terraform destroy -auto-approve"]
//! not_match = ["terraform plan"]
//!
//! [git]
//! protect_branches = ["main", "production"]
//! warn_force_push = true
//! require_pr = true
//!
//! [mcp.servers.github]
//! allow = ["read:*"]                  # scopes or tool-name globs
//! deny = ["delete:*"]
//!
//! [secrets]                           # trusted layers only: accepted secret-scanner findings
//! allow_paths = ["tests/fixtures/**", "*.snap"]    # gitignore-style, like [filesystem]
//! allow_rules = ["SEC010", "generic-password-assignment"]   # ids or names; unknown = error
//!
//! [[never]]                           # deny in every mode; one of command/path/host/tool
//! command = "git push * main"
//! reason = "pushes to main go through a pull request"
//!
//! [[always_ask]]                      # ask in every mode
//! path = "/migrations/**"
//! reason = "database migrations require approval"
//! ```
//!
//! Unknown keys are errors, so a typo never silently loosens anything. Path patterns are
//! described in the `paths` module docs, command patterns in `command`, MCP scopes in `mcp`.

mod builtin;
mod command;
mod compile;
mod error;
mod eval;
mod glob;
mod load;
mod mcp;
mod net;
mod paths;
mod policy;
mod raw;
mod secrets;
mod wildcard;

pub mod trust;

pub use compile::Layer;
pub use error::{Location, PolicyError, PolicyErrors, TrustError};
pub use load::{LoadOptions, MANAGED_POLICY, SourceOptions, load, load_from_strings};
pub use mcp::tool_forms as mcp_tool_forms;
pub use policy::{EvalContext, GitPolicy, LayerInfo, Policy};
pub use secrets::{AllowedPath, SecretsAllow, lookup_rule as lookup_secret_rule};
pub use trust::TrustStatus;

/// Every built-in policy rule (`FS…`, `NET…`, `GIT…`, `MODE…`, `TOOL…`, `LEAK001`,
/// `SELF001`), for `warden explain`.
pub fn rule_docs() -> &'static [warden_core::RuleDoc] {
    builtin::RULE_DOCS
}

/// The documentation of one built-in policy rule id (case-insensitive).
pub fn rule_doc(id: &str) -> Option<&'static warden_core::RuleDoc> {
    builtin::doc(id)
}

/// Resolves a path as an agent gave it (relative, `~`, `..`) into the absolute, normalised
/// form the policy judges. Lexical only: no file system access.
pub fn resolve_path(
    path: &std::path::Path,
    cwd: &std::path::Path,
    home: Option<&std::path::Path>,
) -> std::path::PathBuf {
    paths::resolve(path, cwd, home)
}
