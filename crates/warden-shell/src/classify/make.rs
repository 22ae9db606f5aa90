//! `make GOAL`: the recipes it runs, read from the project's makefile and judged as if typed
//! (`clean:\n\trm -rf ~` makes `make clean` a deletion of the home directory).
//!
//! This reads the subset of GNU make that matters for that judgement: rules with their
//! prerequisites and recipes, variable assignments (`=`, `:=`, `::=`, `?=`, `+=`, and
//! `VAR=value` on the command line), `$(VAR)`/`${VAR}` and the automatic variables `$@`, `$<`,
//! `$^`, and `$(shell …)` as a command substitution. Both branches of a conditional count.
//! What it cannot follow (`include`, pattern rules, other functions) becomes an unknown word,
//! which the shell analysis does not prove safe when it names the program to run.

use std::collections::{HashMap, HashSet};

use super::opts::{self, Spec};
use crate::walk::Walker;
use crate::word::Word;

/// Makefile lines one analysis reads and recipe lines it analyses, at most.
const MAX_RECIPE_LINES: usize = 256;
/// Prerequisite chains followed this deep.
const MAX_GOAL_DEPTH: usize = 16;
/// Variable references expanded this deep (`A = $(B)`, `B = $(A)`).
const MAX_EXPANSION_DEPTH: usize = 8;

/// A parsed makefile: rules by target, and variables.
#[derive(Debug, Default)]
struct Makefile {
    rules: HashMap<String, Rule>,
    /// The first ordinary target: what `make` alone builds.
    default_goal: Option<String>,
    vars: HashMap<String, String>,
}

#[derive(Debug, Default)]
struct Rule {
    prerequisites: Vec<String>,
    recipe: Vec<String>,
}

impl Walker<'_> {
    /// Analyses the recipes `make` would run. Nothing happens when no makefile can be read
    /// (the caller's own judgement of `make` stands).
    pub(super) fn make_recipes(&mut self, args: &[Word]) {
        let p = opts::parse(
            args,
            Spec {
                short: "fCIjlEoOW",
                long: &[
                    "file",
                    "makefile",
                    "directory",
                    "include-dir",
                    "jobs",
                    "load-average",
                    "old-file",
                    "assume-old",
                    "new-file",
                    "assume-new",
                    "what-if",
                    "eval",
                    "output-sync",
                ],
                stop_at_operand: false,
            },
        );
        let dry_run = p.has_short('n')
            || p.has_short('q')
            || ["dry-run", "just-print", "recon", "question"]
                .iter()
                .any(|l| p.has_long(l));
        if dry_run {
            return;
        }
        let Some(cwd) = self.state.cwd.clone() else {
            return;
        };
        let dir = match p.value(Some('C'), "directory") {
            Some(d) => self.resolve(d).path,
            None => cwd,
        };
        let files: Vec<Word> = p
            .values(Some('f'), "file")
            .into_iter()
            .chain(p.values(None, "makefile"))
            .cloned()
            .collect();
        let text = if files.is_empty() {
            ["GNUmakefile", "makefile", "Makefile"]
                .iter()
                .find_map(|n| self.ctx.env.read_script(&dir.join(n)))
        } else {
            let mut all = String::new();
            for f in &files {
                if matches!(f.text.as_str(), "-" | "/dev/stdin" | "/dev/fd/0") {
                    self.unseen("`make -f -` reads its makefile from standard input".into());
                    return;
                }
                let path = dir.join(&f.text);
                match self.ctx.env.read_script(&path) {
                    Some(t) => all.push_str(&t),
                    None => {
                        self.unseen(format!(
                            "`make -f {}`: a makefile Warden cannot read",
                            super::clip(&f.text)
                        ));
                        return;
                    }
                }
                all.push('\n');
            }
            Some(all)
        };
        let Some(text) = text else {
            return;
        };
        let mut makefile = parse(&text);
        let mut goals = Vec::new();
        for w in p.operands() {
            match w.text.split_once('=') {
                Some((k, v)) if is_var_name(k) => {
                    makefile.vars.insert(k.to_string(), v.to_string());
                }
                _ => goals.push(w.text.clone()),
            }
        }
        if goals.is_empty() {
            goals.extend(makefile.default_goal.clone());
        }
        let mut lines = Vec::new();
        let mut seen = HashSet::new();
        for goal in &goals {
            collect(&makefile, goal, 0, &mut seen, &mut lines);
        }
        for (target, line) in lines {
            let code = expand(&makefile, &line, &target, 0);
            let what = format!("`make {}` (makefile recipe)", super::clip(&target));
            self.project_script(&code, &what);
        }
    }
}

/// Recipe lines for `goal` and its prerequisites, prerequisites first, each once.
fn collect(
    makefile: &Makefile,
    goal: &str,
    depth: usize,
    seen: &mut HashSet<String>,
    out: &mut Vec<(String, String)>,
) {
    if depth > MAX_GOAL_DEPTH || out.len() >= MAX_RECIPE_LINES || !seen.insert(goal.to_string()) {
        return;
    }
    let Some(rule) = makefile.rules.get(goal) else {
        return;
    };
    for prerequisite in &rule.prerequisites {
        collect(makefile, prerequisite, depth + 1, seen, out);
    }
    for line in &rule.recipe {
        if out.len() >= MAX_RECIPE_LINES {
            return;
        }
        out.push((goal.to_string(), line.clone()));
    }
}

fn parse(text: &str) -> Makefile {
    let mut makefile = Makefile::default();
    // Backslash-newline joins lines.
    let joined = text.replace("\\\r\n", " ").replace("\\\n", " ");
    let mut current: Vec<String> = Vec::new();
    let mut in_define = false;
    for raw in joined.lines().take(MAX_RECIPE_LINES * 16) {
        if in_define {
            in_define = raw.trim() != "endef";
            continue;
        }
        if let Some(recipe) = raw.strip_prefix('\t') {
            let recipe = recipe.trim_start_matches(['@', '-', '+', ' ', '\t']);
            if !recipe.is_empty() && !recipe.starts_with('#') {
                for target in &current {
                    if let Some(rule) = makefile.rules.get_mut(target) {
                        rule.recipe.push(recipe.to_string());
                    }
                }
            }
            continue;
        }
        let line = strip_comment(raw).trim();
        if line.is_empty() {
            continue;
        }
        let keyword = line.split_whitespace().next().unwrap_or("");
        if matches!(
            keyword,
            "ifeq"
                | "ifneq"
                | "ifdef"
                | "ifndef"
                | "else"
                | "endif"
                | "include"
                | "-include"
                | "sinclude"
                | "export"
                | "unexport"
                | "override"
                | "vpath"
        ) {
            // Both branches of a conditional count; `export VAR = x` is an assignment.
            if matches!(keyword, "export" | "override") {
                let rest = line[keyword.len()..].trim();
                if let Some((name, value, op)) = assignment(rest) {
                    assign(&mut makefile.vars, name, value, op);
                }
            }
            continue;
        }
        if keyword == "define" {
            in_define = true;
            continue;
        }
        if let Some((name, value, op)) = assignment(line) {
            assign(&mut makefile.vars, name, value, op);
            current.clear();
            continue;
        }
        let Some((targets, rest)) = line.split_once(':') else {
            current.clear();
            continue;
        };
        let rest = rest.strip_prefix(':').unwrap_or(rest);
        let (prerequisites, inline) = match rest.split_once(';') {
            Some((p, r)) => (p, Some(r.trim())),
            None => (rest, None),
        };
        let prerequisites: Vec<String> = prerequisites
            .split('|')
            .flat_map(str::split_whitespace)
            .map(str::to_string)
            .collect();
        current = targets
            .split_whitespace()
            .filter(|t| !t.contains('%'))
            .map(str::to_string)
            .collect();
        for target in &current {
            if makefile.default_goal.is_none() && !target.starts_with('.') {
                makefile.default_goal = Some(target.clone());
            }
            let rule = makefile.rules.entry(target.clone()).or_default();
            rule.prerequisites.extend(prerequisites.iter().cloned());
            if let Some(inline) = inline.filter(|r| !r.is_empty()) {
                rule.recipe.push(inline.to_string());
            }
        }
    }
    makefile
}

fn strip_comment(line: &str) -> &str {
    match line.find('#') {
        Some(i) if !line[..i].ends_with('\\') => &line[..i],
        _ => line,
    }
}

/// `NAME op VALUE` with op one of `=`, `:=`, `::=`, `?=`, `+=`, `!=`.
fn assignment(line: &str) -> Option<(&str, &str, &str)> {
    let eq = line.find('=')?;
    let before = &line[..eq];
    let (name, op) = ["::", ":", "?", "+", "!"]
        .iter()
        .find_map(|p| before.strip_suffix(p).map(|n| (n, *p)))
        .unwrap_or((before, ""));
    let name = name.trim();
    is_var_name(name).then(|| (name, line[eq + 1..].trim(), op))
}

fn assign(vars: &mut HashMap<String, String>, name: &str, value: &str, op: &str) {
    match op {
        "?" if vars.contains_key(name) => {}
        "+" => {
            let entry = vars.entry(name.to_string()).or_default();
            if !entry.is_empty() {
                entry.push(' ');
            }
            entry.push_str(value);
        }
        // `VAR != command` runs a command: its value is not known.
        "!" => {
            vars.insert(name.to_string(), format!("$({value})"));
        }
        _ => {
            vars.insert(name.to_string(), value.to_string());
        }
    }
}

fn is_var_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

/// A recipe line with make's variables expanded: what make hands to `sh -c`.
fn expand(makefile: &Makefile, line: &str, target: &str, depth: usize) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let mut chars = after.chars();
        let Some(c) = chars.next() else {
            rest = after;
            break;
        };
        match c {
            '$' => {
                out.push('$');
                rest = &after[1..];
            }
            '@' => {
                out.push_str(target);
                rest = &after[1..];
            }
            '<' | '^' | '+' | '?' => {
                let prerequisites = makefile
                    .rules
                    .get(target)
                    .map(|r| r.prerequisites.clone())
                    .unwrap_or_default();
                let value = if c == '<' {
                    prerequisites.first().cloned().unwrap_or_default()
                } else {
                    prerequisites.join(" ")
                };
                out.push_str(&value);
                rest = &after[1..];
            }
            '(' | '{' => {
                let close = if c == '(' { ')' } else { '}' };
                let Some(end) = matching(after, c, close) else {
                    out.push_str("$MAKE_UNKNOWN");
                    rest = "";
                    break;
                };
                let inner = &after[1..end];
                out.push_str(&reference(makefile, inner, target, depth));
                rest = &after[end + 1..];
            }
            _ => {
                // `$X`: a one-letter variable.
                let name = &after[..c.len_utf8()];
                out.push_str(&reference(makefile, name, target, depth));
                rest = &after[c.len_utf8()..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The value of `$(inner)`.
fn reference(makefile: &Makefile, inner: &str, target: &str, depth: usize) -> String {
    if depth >= MAX_EXPANSION_DEPTH {
        return "$MAKE_UNKNOWN".to_string();
    }
    if let Some(command) = inner.strip_prefix("shell ") {
        return format!("$({})", expand(makefile, command, target, depth + 1));
    }
    if let Some(value) = makefile.vars.get(inner) {
        return expand(makefile, value, target, depth + 1);
    }
    let builtin = match inner {
        "MAKE" => "make",
        "CC" => "cc",
        "CXX" => "g++",
        "CPP" => "cc -E",
        "AR" => "ar",
        "AS" => "as",
        "RM" => "rm -f",
        "LD" => "ld",
        "SHELL" => "/bin/sh",
        "MAKEFLAGS" | "MFLAGS" | "CFLAGS" | "CXXFLAGS" | "CPPFLAGS" | "LDFLAGS" | "LDLIBS"
        | "ARFLAGS" => "",
        _ => "$MAKE_UNKNOWN",
    };
    builtin.to_string()
}

/// The index in `s` (which starts with `open`) of the matching `close`.
fn matching(s: &str, open: char, close: char) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in s.char_indices() {
        if c == open {
            depth += 1;
        } else if c == close {
            depth = depth.checked_sub(1)?;
            if depth == 0 {
                return Some(i);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_variables_and_expansion() {
        let mk = parse(
            "CC ?= clang\nOUT := build\nFLAGS = -O2\nFLAGS += -g\n\
             .PHONY: all clean\n\
             all: $(OUT)/app\n\
             $(OUT)/app: main.c util.c\n\t@$(CC) $(FLAGS) -o $@ $^\n\
             clean:\n\t-rm -rf $(OUT) # comment\n\t$(MAKE) -C sub clean\n\
             define HELP\n\tnot a recipe\nendef\n\
             hooks: ; git config core.hooksPath .githooks\n",
        );
        assert_eq!(mk.default_goal.as_deref(), Some("all"));
        let clean = &mk.rules["clean"].recipe;
        assert_eq!(clean, &["rm -rf $(OUT) # comment", "$(MAKE) -C sub clean"]);
        assert_eq!(expand(&mk, &clean[0], "clean", 0), "rm -rf build # comment");
        assert_eq!(expand(&mk, &clean[1], "clean", 0), "make -C sub clean");
        let app = "$(OUT)/app";
        let recipe = &mk.rules[app].recipe[0];
        assert_eq!(
            expand(&mk, recipe, app, 0),
            "clang -O2 -g -o $(OUT)/app main.c util.c"
        );
        assert_eq!(
            mk.rules["hooks"].recipe,
            ["git config core.hooksPath .githooks"]
        );
        assert!(!mk.rules.contains_key("HELP"));
    }

    #[test]
    fn unknowns_stay_unknown_and_recursion_ends() {
        let mk = parse(
            "A = $(B)\nB = $(A)\nx:\n\t$(A) go\n\t$(wildcard *.c)\n\techo $$HOME $(shell id -u)\n",
        );
        let r = &mk.rules["x"].recipe;
        assert!(expand(&mk, &r[0], "x", 0).contains("$MAKE_UNKNOWN"));
        assert_eq!(expand(&mk, &r[1], "x", 0), "$MAKE_UNKNOWN");
        assert_eq!(expand(&mk, &r[2], "x", 0), "echo $HOME $(id -u)");
    }

    #[test]
    fn goals_collect_prerequisites_once() {
        let mk = parse("a: b c\n\techo a\nb: c\n\techo b\nc:\n\techo c\n");
        let mut out = Vec::new();
        collect(&mk, "a", 0, &mut HashSet::new(), &mut out);
        let lines: Vec<&str> = out.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(lines, ["echo c", "echo b", "echo a"]);
    }
}
