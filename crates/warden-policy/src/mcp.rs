//! MCP tool-name patterns, including the article's permission scopes.
//!
//! `[mcp.servers.NAME] allow / ask / deny` hold tool-name patterns (`*` and `?` wildcards,
//! see [`crate::wildcard`]) or scopes written `VERB:OBJECT` as in the article
//! (`"read:repo"`, `"delete:*"`). A scope expands to one pattern per verb prefix below,
//! `PREFIX_*OBJECT*` (or `PREFIX_*` when the object is `*`):
//!
//! | verb | prefixes |
//! |---|---|
//! | `read` | `read`, `get`, `list`, `search` |
//! | `write` | `create`, `update`, `write`, `edit`, `set`, `put`, `add`, `push`, `merge` |
//! | `delete` | `delete`, `remove`, `destroy`, `drop`, `purge` |
//!
//! So `read:*` allows `read_*`, `get_*`, `list_*`, `search_*`; `read:repo` allows
//! `get_repository`; `delete:*` denies `delete_*`, `remove_*`, …. Tool names are matched as
//! written and also in a normalised form (lower case, `-` and camelCase boundaries turned
//! into `_`), so `deleteRepo` and `delete-repo` are caught by `delete_*` too.
//!
//! A `[mcp.servers."*"]` table applies to every server.

/// The verb prefixes of the article's scopes.
pub const SCOPES: &[(&str, &[&str])] = &[
    ("read", &["read", "get", "list", "search"]),
    (
        "write",
        &[
            "create", "update", "write", "edit", "set", "put", "add", "push", "merge",
        ],
    ),
    ("delete", &["delete", "remove", "destroy", "drop", "purge"]),
];

/// Expands one entry of an MCP list into tool-name patterns.
pub fn expand(entry: &str) -> Result<Vec<String>, String> {
    let e = entry.trim();
    if e.is_empty() {
        return Err("empty tool pattern".into());
    }
    let Some((verb, object)) = e.split_once(':') else {
        return Ok(vec![e.to_string()]);
    };
    let Some((_, prefixes)) = SCOPES.iter().find(|(v, _)| *v == verb) else {
        let verbs: Vec<&str> = SCOPES.iter().map(|(v, _)| *v).collect();
        return Err(format!(
            "unknown scope verb `{verb}` (expected {})",
            verbs.join(", ")
        ));
    };
    let object = object.trim();
    if object.is_empty() {
        return Err(format!("scope `{e}` has no object; write `{verb}:*`"));
    }
    Ok(prefixes
        .iter()
        .map(|p| {
            if object == "*" {
                format!("{p}_*")
            } else {
                format!("{p}_*{object}*")
            }
        })
        .collect())
}

/// The forms a tool name is matched in: as written, and normalised (lower case, with `-`,
/// `.`, spaces and camelCase boundaries turned into `_`).
pub fn tool_forms(tool: &str) -> [String; 2] {
    let mut norm = String::with_capacity(tool.len() + 4);
    let mut prev_lower = false;
    for c in tool.chars() {
        if c.is_uppercase() {
            if prev_lower {
                norm.push('_');
            }
            norm.extend(c.to_lowercase());
            prev_lower = false;
        } else if matches!(c, '-' | '.' | ' ') {
            norm.push('_');
            prev_lower = false;
        } else {
            norm.push(c);
            prev_lower = c.is_lowercase() || c.is_ascii_digit();
        }
    }
    [tool.to_string(), norm]
}

/// True when the tool name looks read-only under the `read` scope.
pub fn looks_read_only(tool: &str) -> bool {
    let [_, norm] = tool_forms(tool);
    SCOPES[0]
        .1
        .iter()
        .any(|p| norm.strip_prefix(p).is_some_and(|r| r.starts_with('_')))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wildcard;

    fn hit(entry: &str, tool: &str) -> bool {
        let pats = expand(entry).unwrap();
        let forms = tool_forms(tool);
        pats.iter()
            .any(|p| forms.iter().any(|f| wildcard::matches(p, f)))
    }

    #[test]
    fn scopes() {
        let cases: &[(&str, &str, bool)] = &[
            ("read:*", "get_issue", true),
            ("read:*", "list_pull_requests", true),
            ("read:*", "create_issue", false),
            ("read:repo", "get_repository", true),
            ("read:repo", "search_repositories", true),
            ("read:repo", "get_user", false),
            ("read:user", "get_me", false),
            ("delete:*", "delete_branch", true),
            ("delete:*", "deleteRepo", true),
            ("delete:*", "remove-member", true),
            ("delete:*", "get_deleted", false),
            ("get_*", "getIssue", true),
            ("create_issue", "create_issue", true),
        ];
        for (e, t, want) in cases {
            assert_eq!(hit(e, t), *want, "{e} vs {t}");
        }
        assert!(expand("frobnicate:*").is_err());
        assert!(expand("read:").is_err());
    }

    #[test]
    fn read_only_names() {
        assert!(looks_read_only("get_issue"));
        assert!(looks_read_only("listRepos"));
        assert!(!looks_read_only("getter"));
        assert!(!looks_read_only("delete_issue"));
    }
}
