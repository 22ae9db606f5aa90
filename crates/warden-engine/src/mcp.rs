//! What an MCP call does, as far as its arguments tell.
//!
//! Warden does not know every MCP server, but arguments are named for what they carry, and
//! two kinds matter to the policy whatever the server:
//!
//! - a statement (`postgres/query {"sql": "DROP TABLE users"}`) is judged like `psql -c` with
//!   the same text: the database rule (SH042) for a destructive statement;
//! - a file (`filesystem/read_text_file {"path": ".env"}`) is read or written by the server,
//!   and the path rules apply to it as to the Read and Write tools: a secret file is never
//!   read or written, a protected path never written.
//!
//! Only arguments named for these are read, so an issue body that quotes SQL or mentions a
//! path is not.

use std::path::Path;

use serde_json::Value;
use warden_core::{Effect, EffectKind, RuleId, Severity};

use crate::{Context, paths};

/// Argument names under which database tools take a statement.
const STATEMENT_ARGUMENTS: &[&str] = &["sql", "query", "statement", "statements", "stmt", "script"];

/// Argument names (lower case, without `_` and `-`) under which tools take a file or
/// directory: the reference filesystem server's `path`, `paths`, `source` and
/// `destination`, and the usual spellings elsewhere.
const PATH_ARGUMENTS: &[&str] = &[
    "path",
    "paths",
    "file",
    "files",
    "filepath",
    "filepaths",
    "filename",
    "filenames",
    "source",
    "sourcepath",
    "src",
    "destination",
    "destinationpath",
    "dest",
    "targetpath",
    "targetfile",
    "directory",
    "dir",
    "folder",
    "notebookpath",
    "uri",
];

/// Words in a tool's name that say it changes the files it names (`write_file`,
/// `edit_file`, `move_file`, `create_directory`, …). Any other tool is taken to read them.
const CHANGING_VERBS: &[&str] = &[
    "write", "edit", "create", "move", "rename", "delete", "remove", "upload", "save", "append",
    "patch", "insert", "mkdir", "copy", "put", "update", "replace", "set",
];

/// Arguments of a copy that name what is read, not written.
const COPY_SOURCES: &[&str] = &["source", "sourcepath", "src"];

/// The most argument strings looked at, nesting levels walked, and files judged, per call.
/// Past any of them the call is not proved safe: an explicit ask, not silence.
const MAX_ARGUMENTS: usize = 4096;
const MAX_DEPTH: usize = 16;
const MAX_FILES: usize = 64;
/// Longer strings are not paths or statements worth judging (and are not parsed).
const MAX_TEXT_BYTES: usize = 64 * 1024;

/// The effects of calling `tool` with `arguments`.
pub(crate) fn effects(tool: &str, arguments: &Value, ctx: &Context) -> Vec<Effect> {
    let mut strings = Vec::new();
    let complete = collect(arguments, None, 0, &mut strings);
    let changes = changes_files(tool);
    let moves = has_word(tool, &["move", "rename"]);
    let mut out = Vec::new();
    let mut files = 0;
    for (key, text) in strings {
        let name = normalise(key);
        if STATEMENT_ARGUMENTS.contains(&name.as_str()) {
            out.extend(statement_effect(key, text));
        } else if PATH_ARGUMENTS.contains(&name.as_str()) {
            let Some(path) = as_path(text) else { continue };
            files += 1;
            if files > MAX_FILES {
                continue;
            }
            let path = paths::resolve_in(path, ctx);
            let writes = changes && (moves || !COPY_SOURCES.contains(&name.as_str()));
            out.push(path_effect(key, &path, writes));
        }
    }
    let unseen = match (complete, files > MAX_FILES) {
        (_, true) => Some(format!(
            "it names {files} files; Warden checks the first {MAX_FILES}"
        )),
        (false, _) => Some("its arguments are nested too deeply or too many to check".into()),
        (true, false) => None,
    };
    out.extend(unseen.map(|why| Effect {
        kind: EffectKind::Opaque,
        severity: Severity::Unknown,
        rule: RuleId::from("TOOL002"),
        message: format!("the MCP call is not fully checked: {why}; split it into smaller calls"),
    }));
    out
}

/// Every string in `value` with the name of the object field it sits under (array items
/// inherit their field's name). False when a bound cut the walk short.
fn collect<'a>(
    value: &'a Value,
    key: Option<&'a str>,
    depth: usize,
    out: &mut Vec<(&'a str, &'a str)>,
) -> bool {
    if depth > MAX_DEPTH || out.len() >= MAX_ARGUMENTS {
        return false;
    }
    match value {
        Value::String(text) => {
            if let Some(key) = key
                && text.len() <= MAX_TEXT_BYTES
            {
                out.push((key, text));
            }
            true
        }
        // Every branch is walked even after one was cut short: a secret file named next to
        // a too-deep branch must still be denied, not merely asked about.
        Value::Array(items) => {
            let mut complete = true;
            for item in items {
                complete &= collect(item, key, depth + 1, out);
            }
            complete
        }
        Value::Object(fields) => {
            let mut complete = true;
            for (k, v) in fields {
                complete &= collect(v, Some(k), depth + 1, out);
            }
            complete
        }
        _ => true,
    }
}

/// `filePath`, `file_path` and `file-path` alike: lower case, without separators.
fn normalise(key: &str) -> String {
    key.chars()
        .filter(|c| *c != '_' && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Whether a word of the tool's name (`write_file`, `writeFile`) is a [`CHANGING_VERBS`] verb.
fn changes_files(tool: &str) -> bool {
    has_word(tool, CHANGING_VERBS)
}

fn has_word(tool: &str, words: &[&str]) -> bool {
    let [_, normalised] = warden_policy::mcp_tool_forms(tool);
    normalised.split('_').any(|word| words.contains(&word))
}

/// A path argument as a path: `file://` URIs lose their scheme; other URLs, empty strings
/// and text with line breaks are not paths.
fn as_path(text: &str) -> Option<&Path> {
    let text = text.trim();
    let text = match text.strip_prefix("file://") {
        Some(rest) => rest,
        None if text.contains("://") => return None,
        None => text,
    };
    let usable = !text.is_empty() && !text.contains(['\n', '\r', '\0']) && text.len() <= 4096;
    usable.then(|| Path::new(text))
}

fn path_effect(key: &str, path: &Path, writes: bool) -> Effect {
    let (kind, severity, rule, verb) = if writes {
        (
            EffectKind::Write {
                path: path.to_path_buf(),
            },
            Severity::LocalWrite,
            "FS022",
            "changes",
        )
    } else {
        (
            EffectKind::Read {
                path: path.to_path_buf(),
            },
            Severity::ReadOnly,
            "FS021",
            "reads",
        )
    };
    Effect {
        kind,
        severity,
        rule: RuleId::from(rule),
        message: format!("the MCP call {verb} {} (argument `{key}`)", path.display()),
    }
}

fn statement_effect(key: &str, text: &str) -> Option<Effect> {
    let (severity, what) = warden_shell::destructive_sql(text)?;
    Some(Effect {
        kind: EffectKind::Hazard {
            category: "database".to_string(),
        },
        severity,
        rule: RuleId::from("SH042"),
        message: format!(
            "the MCP call runs {what} (argument `{key}`); run it yourself if it is intended, or \
             use a narrower statement"
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tool_names_that_change_files() {
        for tool in [
            "write_file",
            "edit_file",
            "move_file",
            "create_directory",
            "writeFile",
            "upload-file",
        ] {
            assert!(changes_files(tool), "{tool}");
        }
        for tool in [
            "read_text_file",
            "read_multiple_files",
            "list_directory",
            "directory_tree",
            "search_files",
            "get_file_info",
            "offset_reader",
            "preset_list",
        ] {
            assert!(!changes_files(tool), "{tool}");
        }
    }

    #[test]
    fn paths_from_arguments() {
        assert_eq!(as_path("/p/.env"), Some(Path::new("/p/.env")));
        assert_eq!(as_path("file:///p/.env"), Some(Path::new("/p/.env")));
        assert_eq!(as_path(" src/a.rs "), Some(Path::new("src/a.rs")));
        assert_eq!(as_path("https://example.com/a"), None);
        assert_eq!(as_path(""), None);
        assert_eq!(as_path("a\nb"), None);
    }

    #[test]
    fn a_call_too_large_to_check_is_not_proved_safe() {
        let ctx = Context {
            cwd: "/p".into(),
            project_root: "/p".into(),
            home: None,
        };
        let opaque = |arguments: &Value| {
            effects("read_multiple_files", arguments, &ctx)
                .iter()
                .filter(|e| e.kind == EffectKind::Opaque)
                .count()
        };
        let paths = |n: usize| (0..n).map(|i| format!("/p/src/{i}.rs")).collect::<Vec<_>>();
        assert_eq!(opaque(&serde_json::json!({ "paths": paths(3) })), 0);
        assert_eq!(opaque(&serde_json::json!({ "paths": paths(MAX_FILES) })), 0);
        assert_eq!(
            opaque(&serde_json::json!({ "paths": paths(MAX_FILES + 1) })),
            1
        );
        let mut deep = serde_json::json!({ "path": "/p/.env" });
        for _ in 0..MAX_DEPTH {
            deep = serde_json::json!({ "nested": deep });
        }
        assert_eq!(opaque(&deep), 1);
    }

    #[test]
    fn argument_names_are_compared_without_case_or_separators() {
        assert_eq!(normalise("filePath"), "filepath");
        assert_eq!(normalise("notebook_path"), "notebookpath");
        assert_eq!(normalise("target-file"), "targetfile");
    }
}
