//! The seam between the engine and the rule catalog (`rules`, `placeholder`).

use crate::rule::Rule;

/// The built-in rules.
pub(crate) fn rules() -> &'static [Rule] {
    crate::rules::RULES
}

/// Whether a candidate is a documentation key, template variable or other placeholder.
pub(crate) fn is_placeholder(secret: &str) -> bool {
    crate::placeholder::is_placeholder(secret)
}
