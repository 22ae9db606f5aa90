//! Warden's shared vocabulary.
//!
//! Every enforcement point (the agent hook, `warden check`, the MCP gateway, the git hooks) turns
//! what an agent wants to do into an [`Action`]; analysis turns an action into [`Effect`]s; the
//! policy turns effects into a [`Verdict`]. This crate holds those types and nothing else: it
//! does no I/O and knows no policy.

mod action;
mod decision;
pub mod dirs;
mod effect;
mod mode;
mod rule_doc;

pub use action::{Action, FileEdit};
pub use decision::{Decision, Reason, RuleId, Verdict};
pub use effect::{Effect, EffectKind, GitOp, NetworkTarget, Severity};
pub use mode::{Mode, ParseModeError};
pub use rule_doc::RuleDoc;
