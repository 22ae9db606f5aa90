//! The walker: visits every simple command in a parsed program, expands its words, follows
//! state that matters (`cd`, variable assignments, functions) and hands each argv to the
//! classifier.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::rc::Rc;

use brush_parser::ParserOptions;
use brush_parser::ast;
use brush_parser::word::{
    BraceExpressionMember, BraceExpressionOrText, Parameter, ParameterExpr, TildeExpr, WordPiece,
    WordPieceWithSource,
};
use warden_core::{Effect, EffectKind, RuleId, Severity};

use crate::paths::{Loc, Resolver};
use crate::word::{Word, decode_ansi_c, unescape_backquoted};
use crate::{Analysis, Context, MAX_DEPTH, MAX_INPUT, Parse, fallback, rules};

/// Most simple commands analysed in one command line (loops, functions and scripts
/// included) before analysis gives up and reports the rest as opaque.
const MAX_COMMANDS: usize = 4096;
/// Most words one word may expand into through brace expansion.
const MAX_BRACE_WORDS: usize = 256;
/// Deepest bracket nesting handed to the parser (protects its recursion).
const MAX_BRACKETS: usize = 64;
/// Deepest subshell nesting handed to the parser (see [`parse`]).
const MAX_SUBSHELLS: usize = 12;
/// Deepest compound-command nesting handed to the parser (see [`compound_depth`]).
const MAX_COMPOUND_DEPTH: usize = 64;
/// Longest arithmetic expression handed to brush's arithmetic parser, which recurses once
/// per unary or assignment operator.
const MAX_ARITHMETIC: usize = 512;
/// Most unclosed braces in a word handed to brush's brace expansion (see
/// [`unclosed_braces`]).
const MAX_UNCLOSED_BRACES: usize = 4;
/// Longest known variable value tracked.
const MAX_VALUE: usize = 8 * 1024;
/// Most values a `for` loop is unrolled over.
const MAX_UNROLL: usize = 8;

/// Analyses one command line.
pub(crate) fn analyze(command: &str, ctx: &Context<'_>) -> Analysis {
    let mut w = Walker::new(ctx);
    if command.len() > MAX_INPUT {
        w.opaque(format!(
            "the command is {} bytes, over the {} KiB analysis limit",
            command.len(),
            MAX_INPUT / 1024
        ));
        let mut cut = MAX_INPUT;
        while !command.is_char_boundary(cut) {
            cut -= 1;
        }
        fallback::scan(&mut w, &command[..cut]);
        w.finish();
        return Analysis {
            effects: w.effects,
            parse: Parse::Failed,
        };
    }
    let parsed = w.nested(command, Sub::Same, "the command");
    w.finish();
    let parse = match (parsed, w.complete) {
        (false, _) => Parse::Failed,
        (true, true) => Parse::Complete,
        (true, false) => Parse::Partial,
    };
    Analysis {
        effects: w.effects,
        parse,
    }
}

/// What a command writes to its standard output, as far as analysis knows: used to judge
/// what a pipe feeds into a shell or what a command substitution yields.
#[derive(Debug, Clone, Default)]
pub(crate) struct Out {
    /// Data fetched from the network.
    pub fetched: bool,
    /// Data decoded from an opaque blob (`base64 -d`, `xxd -r` …).
    pub decoded: bool,
    /// Secret data (a secret file, the environment).
    pub secret: bool,
    /// The exact output, when known (`echo`, `printf`, `cat` of a heredoc).
    pub text: Option<String>,
    /// How many commands contributed (text is only kept for exactly one).
    pub writers: usize,
    /// The file whose contents are the output (`cat FILE`), when exactly one.
    pub file: Option<PathBuf>,
    /// A secret file whose path is one of the output's lines (`find . -name '*.env'`), for
    /// `xargs` to hand to its command.
    pub listed_secret: Option<PathBuf>,
}

impl Out {
    /// Output of a single command with known text.
    pub fn text(t: String) -> Self {
        Out {
            text: Some(t),
            writers: 1,
            ..Out::default()
        }
    }

    /// Combines the outputs of commands whose stdout goes to the same place.
    pub fn merge(&mut self, other: Out) {
        self.fetched |= other.fetched;
        self.decoded |= other.decoded;
        self.secret |= other.secret;
        self.listed_secret = self.listed_secret.take().or(other.listed_secret);
        self.writers += other.writers;
        if self.writers == 1 {
            self.text = self.text.take().or(other.text);
            self.file = self.file.take().or(other.file);
        } else {
            self.text = None;
            self.file = None;
        }
    }
}

/// What feeds a command's standard input.
#[derive(Debug, Clone, Default)]
pub(crate) enum Stdin {
    /// Whatever the agent's shell has (nothing useful; never code Warden can see).
    #[default]
    Inherited,
    /// The output of the previous pipeline stage.
    Pipe(Out),
    /// A heredoc, here-string or known file: its text when known.
    Text(Option<String>),
    /// A file redirect.
    File(PathBuf),
}

/// How a nested piece of shell code shares state with its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sub {
    /// `eval`, `source`: same shell, state changes persist.
    Same,
    /// `sh -c`, `$(…)`, a script run by `bash file`: a child shell.
    Child,
}

/// Shell state that analysis follows.
#[derive(Debug, Clone, Default)]
pub(crate) struct State {
    /// The working directory, or None when a `cd` went somewhere unknown.
    pub cwd: Option<PathBuf>,
    /// Variables: Some(value) when known, None when assigned something unknown.
    pub vars: HashMap<String, Option<String>>,
    /// Positional parameters (`$0`, `$1` …) when known.
    pub positional: Option<Vec<Word>>,
    /// `PATH` was changed, so a command name may resolve to anything.
    pub path_changed: bool,
}

/// Facts about the whole command line, checked when the walk ends.
#[derive(Debug, Clone, Default)]
struct LineFacts {
    secret_read: Option<PathBuf>,
    secret_output: Option<String>,
    network: bool,
}

/// The analysis of one command line in progress.
pub(crate) struct Walker<'c> {
    pub ctx: &'c Context<'c>,
    pub root: PathBuf,
    pub home: Option<PathBuf>,
    pub effects: Vec<Effect>,
    /// False once any part of the input could not be parsed strictly.
    pub complete: bool,
    pub state: State,
    pub depth: usize,
    commands: usize,
    /// Wrapper layers unwrapped in the current argv.
    pub wrap_depth: usize,
    /// Nested tolerant scans in progress.
    pub fallback_depth: usize,
    opaque_budget_reported: bool,
    functions: HashMap<String, Rc<ast::FunctionBody>>,
    called: HashSet<String>,
    call_stack: Vec<String>,
    /// Files written earlier in this command line, with their content when known.
    pub written: Vec<(PathBuf, Option<String>)>,
    /// Files downloaded earlier in this command line.
    pub fetched_files: Vec<PathBuf>,
    facts: LineFacts,
    /// What feeds the command being analysed.
    pub stdin: Stdin,
    /// What the current command writes to stdout (set by the classifier).
    pub out: Out,
    opts: ParserOptions,
    /// The source text of the code being walked (for spans).
    src: Option<Rc<str>>,
    /// Directory listings for globs and recursive reads, with their budget.
    pub trees: crate::tree::Trees,
    /// The command being classified reads the directories it names recursively, skipping
    /// these names.
    pub tree_reader: Option<crate::tree::Skips>,
    /// The command being classified prints what it reads (not only names or counts).
    pub prints_content: bool,
    /// Inside `find … -name GLOB -exec CMD {}`: the globs the files `{}` stands for match.
    pub find_names: Vec<String>,
    /// Inside a package.json script or makefile recipe: unknown programs are the project's
    /// own tools.
    pub in_project_script: bool,
}

impl<'c> Walker<'c> {
    pub fn new(ctx: &'c Context<'c>) -> Self {
        let canon = |p: &std::path::Path| {
            ctx.env
                .canonicalize(p)
                .unwrap_or_else(|| crate::paths::normalize(p))
        };
        let root = canon(&ctx.project_root);
        let home = ctx.home.as_deref().map(canon);
        Walker {
            ctx,
            state: State {
                cwd: Some(canon(&ctx.cwd)),
                ..State::default()
            },
            root,
            home,
            effects: Vec::new(),
            complete: true,
            depth: 0,
            commands: 0,
            wrap_depth: 0,
            fallback_depth: 0,
            opaque_budget_reported: false,
            functions: HashMap::new(),
            called: HashSet::new(),
            call_stack: Vec::new(),
            written: Vec::new(),
            fetched_files: Vec::new(),
            facts: LineFacts::default(),
            stdin: Stdin::Inherited,
            out: Out::default(),
            opts: ParserOptions::default(),
            src: None,
            trees: crate::tree::Trees::default(),
            tree_reader: None,
            prints_content: true,
            find_names: Vec::new(),
            in_project_script: false,
        }
    }

    // ----- effects --------------------------------------------------------------------------

    /// Records an effect.
    pub fn emit(&mut self, kind: EffectKind, severity: Severity, rule: &'static str, msg: String) {
        match &kind {
            EffectKind::Read { path } if self.ctx.env.is_secret_path(path) => {
                self.facts.secret_read.get_or_insert_with(|| path.clone());
            }
            EffectKind::Network { .. } => self.facts.network = true,
            _ => {}
        }
        self.effects.push(Effect {
            kind,
            severity,
            rule: RuleId::builtin(rule),
            message: msg,
        });
    }

    /// Records a hazard of a category.
    pub fn hazard(&mut self, category: &str, severity: Severity, rule: &'static str, msg: String) {
        self.emit(
            EffectKind::Hazard {
                category: category.to_string(),
            },
            severity,
            rule,
            msg,
        );
    }

    /// Records something analysis cannot see into.
    pub fn opaque(&mut self, msg: String) {
        self.complete = false;
        self.emit(EffectKind::Opaque, Severity::Unknown, rules::OPAQUE, msg);
    }

    /// Records code that runs but cannot be seen (the parse itself was fine).
    pub fn unseen(&mut self, msg: String) {
        self.emit(EffectKind::Opaque, Severity::Unknown, rules::UNSEEN, msg);
    }

    /// Notes that the whole environment is dumped (secret-bearing output): the agent's
    /// environment holds API keys, and what a command prints reaches the model.
    pub fn note_env_dump(&mut self) {
        self.note_secret("dumps the environment (which holds credentials)");
        self.emit(
            EffectKind::Opaque,
            Severity::Unknown,
            rules::ENV_PRINT,
            "prints the whole environment, which holds credentials (API keys, tokens); print \
             the one variable you need (`printenv PATH`), or list names only (`env | cut -d= -f1`)"
                .to_string(),
        );
    }

    /// Notes that a command prints a credential (`gh auth token`, `kubectl get secret -o
    /// yaml`).
    pub fn note_printed_credential(&mut self, what: &str) {
        self.note_secret("prints a credential");
        self.emit(
            EffectKind::Opaque,
            Severity::Unknown,
            rules::ENV_PRINT,
            format!(
                "prints {what}, and what a command prints reaches the model; pipe it straight \
                 into the command that needs it (`… | docker login --password-stdin`), or ask \
                 the person to run it"
            ),
        );
    }

    /// Notes that a variable whose name marks a credential is printed (`echo $API_KEY`).
    pub fn note_secret_variable(&mut self, name: &str) {
        self.note_secret("prints a credential variable");
        self.emit(
            EffectKind::Opaque,
            Severity::Unknown,
            rules::ENV_PRINT,
            format!(
                "prints `${name}`, whose name marks a credential; check that it is set with \
                 `test -n \"${name}\"` instead of printing it"
            ),
        );
    }

    /// Notes that a command outputs secret data (private keys, credentials).
    pub fn note_secret(&mut self, what: &str) {
        self.out.secret = true;
        self.facts
            .secret_output
            .get_or_insert_with(|| what.to_string());
    }

    fn finish(&mut self) {
        // Functions defined but never called still count: a trap, an alias or a later line
        // may call them.
        let mut uncalled: Vec<(String, Rc<ast::FunctionBody>)> = self
            .functions
            .iter()
            .filter(|(n, _)| !self.called.contains(*n))
            .map(|(n, b)| (n.clone(), b.clone()))
            .collect();
        uncalled.sort_by(|a, b| a.0.cmp(&b.0));
        for (name, body) in uncalled {
            self.called.insert(name.clone());
            self.call_function(&name, &body, &[]);
        }
        let exfil_source = match (&self.facts.secret_read, &self.facts.secret_output) {
            (Some(p), _) => Some(format!("reads the secret file {}", p.display())),
            (None, Some(what)) => Some(what.clone()),
            _ => None,
        };
        if let (Some(src), true) = (exfil_source, self.facts.network) {
            self.hazard(
                "secret-exfiltration",
                Severity::Catastrophic,
                rules::EXFILTRATION,
                format!(
                    "the command {src} and talks to the network in the same line: secret exfiltration; never send secrets from an agent"
                ),
            );
        }
    }

    /// Counts one more simple command; false once the budget is spent.
    fn tick(&mut self) -> bool {
        self.commands += 1;
        if self.commands > MAX_COMMANDS {
            if !self.opaque_budget_reported {
                self.opaque_budget_reported = true;
                self.opaque(format!(
                    "more than {MAX_COMMANDS} commands to analyse; the rest was not analysed"
                ));
            }
            return false;
        }
        true
    }

    // ----- nested code ----------------------------------------------------------------------

    /// Parses and walks a piece of shell code (the command line itself, `sh -c` strings,
    /// `eval` arguments, scripts, heredocs fed to shells). Returns false when it could not be
    /// parsed.
    pub fn nested(&mut self, code: &str, sub: Sub, what: &str) -> bool {
        self.nested_out(code, sub, what).is_some()
    }

    /// Like [`Walker::nested`], returning what the code writes to stdout.
    pub fn nested_out(&mut self, code: &str, sub: Sub, what: &str) -> Option<Out> {
        if self.depth >= MAX_DEPTH {
            self.opaque(format!(
                "{what} is nested more than {MAX_DEPTH} levels deep; not analysed"
            ));
            fallback::scan(self, code);
            return None;
        }
        if bracket_depth(code) > MAX_BRACKETS {
            self.opaque(format!(
                "{what} nests brackets more than {MAX_BRACKETS} deep; not analysed"
            ));
            fallback::scan(self, code);
            return None;
        }
        let program = match parse(code, &self.opts) {
            Ok(p) => p,
            Err(why) => {
                self.opaque(format!("{what} {why}"));
                fallback::scan(self, code);
                return None;
            }
        };
        self.depth += 1;
        let saved = (sub == Sub::Child).then(|| self.state.clone());
        let prev_src = self.src.replace(Rc::from(code));
        let mut out = Out::default();
        for list in &program.complete_commands {
            out.merge(self.compound_list(list));
        }
        self.src = prev_src;
        if let Some(s) = saved {
            self.state = s;
        }
        self.depth -= 1;
        Some(out)
    }

    /// Walks a child shell's code with positional parameters set (`sh -c CODE arg0 args…`).
    pub fn nested_with_args(&mut self, code: &str, args: Vec<Word>, what: &str) -> Option<Out> {
        let saved = self.state.positional.replace(args);
        let out = self.nested_out(code, Sub::Child, what);
        self.state.positional = saved;
        out
    }

    // ----- AST ------------------------------------------------------------------------------

    fn compound_list(&mut self, list: &ast::CompoundList) -> Out {
        let mut out = Out::default();
        for ast::CompoundListItem(and_or, _sep) in &list.0 {
            out.merge(self.pipeline(&and_or.first));
            for next in &and_or.additional {
                let p = match next {
                    ast::AndOr::And(p) | ast::AndOr::Or(p) => p,
                };
                out.merge(self.pipeline(p));
            }
        }
        out
    }

    fn pipeline(&mut self, p: &ast::Pipeline) -> Out {
        let outer_stdin = self.stdin.clone();
        let many = p.seq.len() > 1;
        let saved = many.then(|| self.state.clone());
        let mut prev: Option<Out> = None;
        // Where the previous stage's effects start, and where this one's do.
        let mut prev_start = self.effects.len();
        for cmd in &p.seq {
            self.stdin = match prev.take() {
                None => outer_stdin.clone(),
                Some(o) => Stdin::Pipe(o),
            };
            let mut start = self.effects.len();
            let mut out = self.command(cmd);
            if start > prev_start && keeps_names_or_counts(&self.effects[start..]) {
                // `env | cut -d= -f1`, `env | wc -l`: the values never reach the output.
                let printed: Vec<usize> = (prev_start..start)
                    .filter(|&i| self.effects[i].rule.as_str() == rules::ENV_PRINT)
                    .collect();
                for &i in printed.iter().rev() {
                    self.effects.remove(i);
                }
                if !printed.is_empty() {
                    out.secret = false;
                }
                // This stage's effects moved down with the removal.
                start -= printed.len();
            }
            prev_start = start;
            prev = Some(out);
        }
        if let Some(s) = saved {
            // Each stage of a multi-command pipeline runs in a subshell; keep only `cd`
            // uncertainty conservative by restoring.
            self.state = s;
        }
        self.stdin = outer_stdin;
        prev.unwrap_or_default()
    }

    fn command(&mut self, c: &ast::Command) -> Out {
        match c {
            ast::Command::Simple(s) => self.simple(s),
            ast::Command::Compound(cc, redirects) => {
                let stdin = self.stdin.clone();
                if let Some(r) = redirects {
                    let mut io = Io::default();
                    for red in &r.0 {
                        self.redirect(red, &mut io);
                    }
                    if let Some(s) = io.stdin {
                        self.stdin = s;
                    }
                }
                let out = self.compound(cc);
                self.stdin = stdin;
                out
            }
            ast::Command::Function(f) => {
                let name = self.expand_one(&f.fname.value).text;
                self.functions.insert(name, Rc::new(f.body.clone()));
                Out::default()
            }
            ast::Command::ExtendedTest(t, redirects) => {
                self.extended_test(&t.expr);
                if let Some(r) = redirects {
                    let mut io = Io::default();
                    for red in &r.0 {
                        self.redirect(red, &mut io);
                    }
                }
                Out::default()
            }
        }
    }

    fn extended_test(&mut self, e: &ast::ExtendedTestExpr) {
        match e {
            ast::ExtendedTestExpr::And(a, b) | ast::ExtendedTestExpr::Or(a, b) => {
                self.extended_test(a);
                self.extended_test(b);
            }
            ast::ExtendedTestExpr::Not(a) | ast::ExtendedTestExpr::Parenthesized(a) => {
                self.extended_test(a);
            }
            ast::ExtendedTestExpr::UnaryTest(_, w) => {
                self.expand(&w.value);
            }
            ast::ExtendedTestExpr::BinaryTest(_, a, b) => {
                self.expand(&a.value);
                self.expand(&b.value);
            }
        }
    }

    fn compound(&mut self, c: &ast::CompoundCommand) -> Out {
        match c {
            ast::CompoundCommand::Arithmetic(a) => {
                self.arithmetic(&a.expr.value);
                // `( ( cmd ) )` is two nested subshells in bash, but the parser may read it
                // as `((…))`; text that is not arithmetic is analysed as commands too.
                let spaced = self.src.as_deref().is_some_and(|s| {
                    let mut it = s.chars().skip(a.loc.start.index);
                    it.next() == Some('(') && it.next().is_some_and(char::is_whitespace)
                });
                if spaced {
                    let code = a.expr.value.clone();
                    return self
                        .nested_out(&code, Sub::Child, "a `((…))` that is nested subshells")
                        .unwrap_or_default();
                }
                Out::default()
            }
            ast::CompoundCommand::ArithmeticForClause(f) => {
                for e in [&f.initializer, &f.condition, &f.updater]
                    .into_iter()
                    .flatten()
                {
                    self.arithmetic(&e.value);
                }
                self.compound_list(&f.body.list)
            }
            ast::CompoundCommand::BraceGroup(b) => self.compound_list(&b.list),
            ast::CompoundCommand::Subshell(s) => {
                let saved = self.state.clone();
                let out = self.compound_list(&s.list);
                self.state = saved;
                out
            }
            ast::CompoundCommand::ForClause(f) => {
                let values: Vec<Word> = match &f.values {
                    Some(ws) => ws.iter().flat_map(|w| self.expand(&w.value)).collect(),
                    None => vec![Word::unknown("$@")],
                };
                let values = self.expand_globs(values);
                let unroll = values.len() <= MAX_UNROLL && values.iter().all(Word::is_static);
                let mut out = Out::default();
                if unroll && !values.is_empty() {
                    for v in values {
                        let name = f.variable_name.clone();
                        self.set_var(&name, &v);
                        out.merge(self.compound_list(&f.body.list));
                    }
                } else {
                    self.state.vars.insert(f.variable_name.clone(), None);
                    out.merge(self.compound_list(&f.body.list));
                }
                out
            }
            ast::CompoundCommand::CaseClause(c) => {
                self.expand(&c.value.value);
                let mut out = Out::default();
                for item in &c.cases {
                    for p in &item.patterns {
                        self.expand(&p.value);
                    }
                    if let Some(cmd) = &item.cmd {
                        out.merge(self.compound_list(cmd));
                    }
                }
                out
            }
            ast::CompoundCommand::IfClause(i) => {
                let mut out = self.compound_list(&i.condition);
                out.merge(self.compound_list(&i.then));
                for e in i.elses.iter().flatten() {
                    if let Some(c) = &e.condition {
                        out.merge(self.compound_list(c));
                    }
                    out.merge(self.compound_list(&e.body));
                }
                out
            }
            ast::CompoundCommand::WhileClause(w) | ast::CompoundCommand::UntilClause(w) => {
                let mut out = self.compound_list(&w.0);
                out.merge(self.compound_list(&w.1.list));
                out
            }
            ast::CompoundCommand::Coprocess(c) => self.command(&c.body),
        }
    }

    fn arithmetic(&mut self, expr: &str) {
        if expr.contains('$') || expr.contains('`') {
            self.expand(expr);
        }
        // Text that is not arithmetic (`$((cmd))`, `((cmd))`) is an error in bash but a
        // command substitution or subshell in other readings: analyse it as commands too.
        let sanitized = expr.replace(['$', '{', '}', '"', '\'', '`'], "");
        // brush's arithmetic grammar retries every array subscript once per assignment
        // operator, without memoising: each level of `a[b[c[…]]]` multiplies the work by ~14.
        // Its unary, assignment and `?:` chains also recurse once per operator, so a long
        // expression (`!!!!…`) would overflow the stack: real ones are short.
        let (depth, len) = (subscript_depth(&sanitized), sanitized.len());
        if depth > 2 || len > MAX_ARITHMETIC {
            self.opaque(format!(
                "an arithmetic expression of {len} bytes nesting array subscripts {depth} deep \
                 is past what is analysed ({MAX_ARITHMETIC} bytes, 2 levels)"
            ));
            fallback::scan(self, expr);
            return;
        }
        if contained(|| brush_parser::arithmetic::parse(&sanitized)).is_err() {
            self.nested(
                expr,
                Sub::Child,
                "an arithmetic expression that is not arithmetic",
            );
        }
    }

    fn simple(&mut self, sc: &ast::SimpleCommand) -> Out {
        if !self.tick() {
            return Out::default();
        }
        let mut assigns: Vec<(String, Word)> = Vec::new();
        let mut argv: Vec<Word> = Vec::new();
        let mut io = Io::default();
        if let Some(prefix) = &sc.prefix {
            for item in &prefix.0 {
                self.prefix_item(item, &mut assigns, &mut argv, &mut io);
            }
        }
        if let Some(w) = &sc.word_or_name {
            let ws = self.expand(&w.value);
            argv.extend(ws);
        }
        if let Some(suffix) = &sc.suffix {
            for item in &suffix.0 {
                match item {
                    ast::CommandPrefixOrSuffixItem::AssignmentWord(a, w) => {
                        // `export X=…`, `declare X=…`, `local X=…`: both an assignment and an
                        // argument of the builtin.
                        let (name, value) = self.assignment(a);
                        self.set_var(&name, &value);
                        let mut word = Word::lit(format!("{name}="));
                        word.text.push_str(&value.text);
                        word.dynamic = value.dynamic;
                        let _ = w;
                        argv.push(word);
                    }
                    other => self.prefix_item(other, &mut assigns, &mut argv, &mut io),
                }
            }
        }
        let saved_stdin = self.stdin.clone();
        if let Some(s) = io.stdin.take() {
            self.stdin = s;
        }
        let out = if argv.is_empty() {
            for (name, value) in &assigns {
                self.check_env_assignment(name, value, false);
                self.set_var(name, value);
            }
            Out::default()
        } else {
            for (name, value) in &assigns {
                self.check_env_assignment(name, value, true);
            }
            if io.socket {
                let prog = crate::word::basename(&argv[0].text);
                if matches!(
                    prog,
                    "bash"
                        | "sh"
                        | "zsh"
                        | "dash"
                        | "ksh"
                        | "exec"
                        | "python"
                        | "python3"
                        | "perl"
                        | "ruby"
                        | "php"
                ) || argv.len() == 1 && prog == "exec"
                {
                    self.hazard(
                        "remote-code",
                        Severity::Catastrophic,
                        rules::REVERSE_SHELL,
                        format!("`{prog}` is wired to a network socket through /dev/tcp: a remote shell; never from an agent"),
                    );
                }
            }
            self.out = Out::default();
            self.run(&argv);
            std::mem::take(&mut self.out)
        };
        self.stdin = saved_stdin;
        if let (Some(p), Some(t)) = (&io.stdout_path, &out.text) {
            // What was written is known: running the file later in the line can be analysed.
            if let Some(entry) = self.written.iter_mut().rev().find(|(w, _)| w == p) {
                entry.1 = Some(t.clone());
            }
        }
        if io.stdout_redirected {
            // Output went to a file, not down the pipe.
            Out::default()
        } else {
            out
        }
    }

    fn prefix_item(
        &mut self,
        item: &ast::CommandPrefixOrSuffixItem,
        assigns: &mut Vec<(String, Word)>,
        argv: &mut Vec<Word>,
        io: &mut Io,
    ) {
        match item {
            ast::CommandPrefixOrSuffixItem::IoRedirect(r) => self.redirect(r, io),
            ast::CommandPrefixOrSuffixItem::Word(w) => {
                let ws = self.expand(&w.value);
                argv.extend(ws);
            }
            ast::CommandPrefixOrSuffixItem::AssignmentWord(a, _) => {
                let pair = self.assignment(a);
                assigns.push(pair);
            }
            ast::CommandPrefixOrSuffixItem::ProcessSubstitution(kind, sub) => {
                let w = self.process_substitution(kind, sub);
                argv.push(w);
            }
        }
    }

    fn assignment(&mut self, a: &ast::Assignment) -> (String, Word) {
        let name = match &a.name {
            ast::AssignmentName::VariableName(n) => n.clone(),
            ast::AssignmentName::ArrayElementName(n, idx) => {
                self.expand(idx);
                n.clone()
            }
        };
        let value = match &a.value {
            ast::AssignmentValue::Scalar(w) => self.expand_joined(&w.value),
            ast::AssignmentValue::Array(items) => {
                let mut joined = Word::default();
                for (k, v) in items {
                    if let Some(k) = k {
                        self.expand(&k.value);
                    }
                    let v = self.expand_joined(&v.value);
                    if !joined.text.is_empty() {
                        joined.push_lit(" ");
                    }
                    if v.dynamic {
                        joined.push_dynamic(&v.text);
                    } else {
                        joined.push_lit(&v.text);
                    }
                }
                joined
            }
        };
        let value = if a.append {
            Word::unknown(&format!("${name}{}", value.text))
        } else {
            value
        };
        (name, value)
    }

    /// Records a variable's value (or that it is unknown).
    /// Words with the globs among them replaced by the paths they match, as bash expands
    /// a `for` list (a glob matching nothing stays as written).
    fn expand_globs(&mut self, words: Vec<Word>) -> Vec<Word> {
        if !words.iter().any(|w| w.glob && !w.dynamic) {
            return words;
        }
        let mut out = Vec::with_capacity(words.len());
        for w in words {
            if !w.glob || w.dynamic {
                out.push(w);
                continue;
            }
            let loc = self.resolve(&w);
            if loc.cwd_unknown {
                out.push(w);
                continue;
            }
            let env = self.ctx.env;
            let matches = self.trees.expand(env, &loc.path);
            if matches.is_empty() {
                out.push(w);
            } else {
                out.extend(
                    matches
                        .iter()
                        .map(|p| Word::lit(p.to_string_lossy().into_owned())),
                );
            }
        }
        out
    }

    pub fn set_var(&mut self, name: &str, value: &Word) {
        let text = match (&self.home, value.tilde) {
            (Some(h), true) if value.text == "~" || value.text.starts_with("~/") => {
                format!("{}{}", h.display(), &value.text[1..])
            }
            _ => value.text.clone(),
        };
        let v = (!value.dynamic && text.len() <= MAX_VALUE).then_some(text);
        if name == "PATH" {
            self.state.path_changed = true;
        }
        if name == "HOME" {
            // A changed HOME no longer points at the real home; keep it unknown.
            self.state.vars.insert(name.to_string(), None);
            return;
        }
        self.state.vars.insert(name.to_string(), v);
    }

    /// Checks an environment assignment that can change what runs.
    pub(crate) fn check_env_assignment(&mut self, name: &str, value: &Word, for_command: bool) {
        const CODE_VARS: &[&str] = &[
            "GIT_SSH_COMMAND",
            "GIT_SSH",
            "GIT_PAGER",
            "PAGER",
            "GIT_EDITOR",
            "EDITOR",
            "VISUAL",
            "GIT_EXTERNAL_DIFF",
            "GIT_ASKPASS",
            "SSH_ASKPASS",
            "PROMPT_COMMAND",
            "BASH_ENV",
            "ENV",
            "MANPAGER",
            "LESSOPEN",
            "SYSTEMD_PAGER",
            "GIT_SEQUENCE_EDITOR",
            "GIT_PROXY_COMMAND",
        ];
        const LOADER_VARS: &[&str] = &[
            "LD_PRELOAD",
            "LD_LIBRARY_PATH",
            "LD_AUDIT",
            "DYLD_INSERT_LIBRARIES",
            "DYLD_LIBRARY_PATH",
            "PYTHONSTARTUP",
            "PYTHONPATH",
            "NODE_OPTIONS",
            "PERL5OPT",
            "PERL5LIB",
            "RUBYOPT",
            "GIT_CONFIG_PARAMETERS",
            "GIT_CONFIG_GLOBAL",
            "GIT_CONFIG_SYSTEM",
            "GIT_DIR",
            "GIT_EXEC_PATH",
            "GIT_TEMPLATE_DIR",
            "IFS",
            "SHELLOPTS",
            "BASHOPTS",
        ];
        let upper = name;
        if CODE_VARS.contains(&upper) {
            self.emit(
                EffectKind::Exec {
                    argv: vec![format!("{name}={}", value.text)],
                    dynamic: value.dynamic,
                },
                Severity::Unknown,
                rules::ENV_OVERRIDE,
                format!(
                    "`{name}` names a program that will run; set it in a separate, reviewed step"
                ),
            );
            if !value.text.is_empty() && (for_command || name == "PROMPT_COMMAND") {
                self.code_string(
                    value,
                    crate::walk::Sub::Child,
                    &format!("the `{name}` value"),
                );
            }
        } else if LOADER_VARS.contains(&upper) || name == "PATH" {
            self.emit(
                EffectKind::Exec {
                    argv: vec![format!("{name}={}", value.text)],
                    dynamic: value.dynamic,
                },
                Severity::Unknown,
                rules::ENV_OVERRIDE,
                format!("`{name}` changes which code a program loads; it cannot be proved safe"),
            );
        } else if name.starts_with("BASH_FUNC_") {
            self.emit(
                EffectKind::Exec {
                    argv: vec![name.to_string()],
                    dynamic: true,
                },
                Severity::Unknown,
                rules::ENV_OVERRIDE,
                "exported shell functions through the environment can replace any command".into(),
            );
        }
    }

    /// Treats a word as shell code to run: analysed when known, remote code when fetched,
    /// unseen when dynamic.
    pub fn code_string(&mut self, code: &Word, sub: Sub, what: &str) -> Option<Out> {
        if code.fetched {
            self.hazard(
                "remote-code",
                Severity::Catastrophic,
                rules::REMOTE_CODE,
                format!("{what} runs code fetched from the network or decoded from a blob; download it, read it, then run it"),
            );
            return None;
        }
        if code.dynamic {
            self.unseen(format!(
                "{what} runs code that is only known at run time (`{}`); Warden cannot see it",
                crate::classify::clip(&code.text)
            ));
            // Still look at the static parts: they may hold a command on their own.
            let out = self.nested_out(&code.text, sub, what);
            return out;
        }
        self.nested_out(&code.text, sub, what)
    }

    // ----- functions ------------------------------------------------------------------------

    /// Calls a function defined earlier in the line, if `name` is one. Returns true if it was.
    pub fn try_call_function(&mut self, argv: &[Word]) -> bool {
        let Some(first) = argv.first() else {
            return false;
        };
        if first.dynamic {
            return false;
        }
        let Some(body) = self.functions.get(&first.text).cloned() else {
            return false;
        };
        self.called.insert(first.text.clone());
        self.emit(
            EffectKind::Exec {
                argv: argv.iter().map(|w| w.text.clone()).collect(),
                dynamic: argv.iter().any(|w| w.dynamic || w.glob),
            },
            Severity::ReadOnly,
            rules::READONLY,
            format!(
                "calls the function `{}` defined in this command; its body is analysed",
                first.text
            ),
        );
        self.call_function(&first.text.clone(), &body, &argv[1..]);
        true
    }

    fn call_function(&mut self, name: &str, body: &ast::FunctionBody, args: &[Word]) {
        if self.call_stack.iter().any(|n| n == name) {
            // Recursion: a function calling itself. In a pipeline or in the background that
            // is a fork bomb.
            let forky = function_forks(body, name);
            if forky {
                self.hazard(
                    "system",
                    Severity::Catastrophic,
                    rules::SYSTEM,
                    format!("`{name}` calls itself through a pipe or in the background: a fork bomb that hangs the machine"),
                );
            }
            return;
        }
        if self.depth >= MAX_DEPTH {
            self.opaque(format!("calls of `{name}` nest more than {MAX_DEPTH} deep"));
            return;
        }
        self.call_stack.push(name.to_string());
        self.depth += 1;
        let mut positional = vec![Word::lit(name)];
        positional.extend(args.iter().cloned());
        if args.is_empty() {
            // Unknown arguments when the function is analysed without a call.
            positional.truncate(1);
        }
        let saved = self.state.positional.replace(positional);
        let stdin = self.stdin.clone();
        if let Some(r) = &body.1 {
            let mut io = Io::default();
            for red in &r.0 {
                self.redirect(red, &mut io);
            }
        }
        let out = self.compound(&body.0);
        self.out.merge(out);
        self.stdin = stdin;
        self.state.positional = saved;
        self.depth -= 1;
        self.call_stack.pop();
    }

    // ----- redirects ------------------------------------------------------------------------

    fn redirect(&mut self, r: &ast::IoRedirect, io: &mut Io) {
        match r {
            ast::IoRedirect::File(fd, kind, target) => {
                let fd = *fd;
                match target {
                    ast::IoFileRedirectTarget::Filename(w) => {
                        let word = self.expand_joined(&w.value);
                        self.file_redirect(fd, kind, &word, io);
                    }
                    ast::IoFileRedirectTarget::Duplicate(w) => {
                        let word = self.expand_joined(&w.value);
                        let is_fd = word.text.chars().all(|c| c.is_ascii_digit() || c == '-');
                        if !is_fd && matches!(kind, ast::IoFileRedirectKind::DuplicateOutput) {
                            // `>& file` writes both streams to a file.
                            self.file_redirect(fd, &ast::IoFileRedirectKind::Write, &word, io);
                        } else if !is_fd {
                            self.file_redirect(fd, &ast::IoFileRedirectKind::Read, &word, io);
                        }
                    }
                    ast::IoFileRedirectTarget::Fd(_) => {}
                    ast::IoFileRedirectTarget::ProcessSubstitution(k, sub) => {
                        let w = self.process_substitution(k, sub);
                        if matches!(kind, ast::IoFileRedirectKind::Read) && fd.unwrap_or(0) == 0 {
                            io.stdin = Some(match (&w.feed, w.fetched) {
                                (_, true) => Stdin::Pipe(Out {
                                    fetched: true,
                                    writers: 1,
                                    ..Out::default()
                                }),
                                (Some(t), false) => Stdin::Text(Some(t.clone())),
                                (None, false) => Stdin::Text(None),
                            });
                        }
                    }
                }
            }
            ast::IoRedirect::HereDocument(fd, doc) => {
                let text = if doc.requires_expansion {
                    self.expand_heredoc(&doc.doc.value)
                } else {
                    Some(doc.doc.value.clone())
                };
                if fd.unwrap_or(0) == 0 {
                    io.stdin = Some(Stdin::Text(text));
                }
            }
            ast::IoRedirect::HereString(fd, w) => {
                let word = self.expand_joined(&w.value);
                if fd.unwrap_or(0) == 0 {
                    io.stdin = Some(if word.fetched {
                        Stdin::Pipe(Out {
                            fetched: true,
                            writers: 1,
                            ..Out::default()
                        })
                    } else if word.dynamic {
                        Stdin::Text(None)
                    } else {
                        Stdin::Text(Some(format!("{}\n", word.text)))
                    });
                }
            }
            ast::IoRedirect::OutputAndError(w, _append) => {
                let word = self.expand_joined(&w.value);
                self.file_redirect(None, &ast::IoFileRedirectKind::Write, &word, io);
            }
        }
    }

    fn file_redirect(
        &mut self,
        fd: Option<i32>,
        kind: &ast::IoFileRedirectKind,
        word: &Word,
        io: &mut Io,
    ) {
        use ast::IoFileRedirectKind as K;
        if let Some(rest) = word
            .text
            .strip_prefix("/dev/tcp/")
            .or(word.text.strip_prefix("/dev/udp/"))
        {
            let mut parts = rest.splitn(2, '/');
            let host = parts.next().unwrap_or("").to_ascii_lowercase();
            let port = parts.next().and_then(|p| p.parse().ok());
            self.emit(
                EffectKind::Network {
                    target: warden_core::NetworkTarget {
                        url: None,
                        host: host.clone(),
                        port,
                        path: None,
                    },
                    method: None,
                    upload: !matches!(kind, K::Read),
                },
                Severity::Unknown,
                rules::NETWORK,
                format!("opens a raw socket to {host} through a /dev/tcp redirect"),
            );
            io.socket = true;
            return;
        }
        let loc = self.resolve(word);
        match kind {
            K::Read => {
                self.read_effect(&loc, "reads it through a `<` redirect");
                if fd.unwrap_or(0) == 0 {
                    io.stdin = Some(Stdin::File(loc.path));
                }
            }
            K::Write | K::Append | K::Clobber | K::ReadAndWrite => {
                if fd.unwrap_or(1) == 1 {
                    io.stdout_redirected = true;
                    io.stdout_path = Some(loc.path.clone());
                }
                let how = if matches!(kind, K::Append) {
                    "appends to it through a `>>` redirect"
                } else {
                    "writes it through a `>` redirect"
                };
                self.write_effect(&loc, how, None);
            }
            K::DuplicateInput | K::DuplicateOutput => {}
        }
    }

    fn process_substitution(
        &mut self,
        kind: &ast::ProcessSubstitutionKind,
        sub: &ast::SubshellCommand,
    ) -> Word {
        let saved = self.state.clone();
        let stdin = std::mem::take(&mut self.stdin);
        self.depth += 1;
        let out = if self.depth > MAX_DEPTH {
            self.opaque(format!(
                "a process substitution nests more than {MAX_DEPTH} deep"
            ));
            Out::default()
        } else {
            self.compound_list(&sub.list)
        };
        self.depth -= 1;
        self.stdin = stdin;
        self.state = saved;
        let mut w = Word::unknown(match kind {
            ast::ProcessSubstitutionKind::Read => "/dev/fd/63",
            ast::ProcessSubstitutionKind::Write => "/dev/fd/62",
        });
        w.fetched = out.fetched || out.decoded;
        w.feed = out.text;
        w
    }

    // ----- paths ----------------------------------------------------------------------------

    /// Resolves a word to a location from the current state.
    pub fn resolve(&self, w: &Word) -> Loc {
        self.resolver().resolve(w)
    }

    /// A resolver for the current state.
    pub fn resolver(&self) -> Resolver<'_> {
        Resolver {
            cwd: self.state.cwd.clone(),
            fallback_cwd: &self.ctx.cwd,
            home: self.home.as_deref(),
            env: self.ctx.env,
        }
    }

    // ----- words ----------------------------------------------------------------------------

    /// Expands one raw word into argv words (brace expansion, field splitting of known
    /// unquoted values). Command substitutions inside are analysed as they are met.
    pub fn expand(&mut self, raw: &str) -> Vec<Word> {
        let variants = self.brace_expand(raw);
        let mut out = Vec::new();
        for v in variants {
            match contained(|| brush_parser::word::parse(&v, &self.opts)) {
                Ok(pieces) => {
                    let mut acc = Acc::default();
                    self.pieces(&pieces, false, &mut acc);
                    acc.finish(&mut out);
                }
                Err(_) => {
                    self.opaque(format!(
                        "the word `{}` could not be parsed",
                        crate::classify::clip(&v)
                    ));
                    out.push(Word::unknown(&v));
                }
            }
        }
        out
    }

    /// Expands a raw word into a single word (assignment values, redirect targets: no field
    /// splitting there).
    pub fn expand_joined(&mut self, raw: &str) -> Word {
        match contained(|| brush_parser::word::parse(raw, &self.opts)) {
            Ok(pieces) => {
                let mut acc = Acc {
                    no_split: true,
                    ..Acc::default()
                };
                self.pieces(&pieces, false, &mut acc);
                let mut words = Vec::new();
                acc.finish(&mut words);
                let mut first = words.into_iter().next().unwrap_or_default();
                first.quoted = true;
                first
            }
            Err(_) => {
                self.opaque(format!(
                    "the word `{}` could not be parsed",
                    crate::classify::clip(raw)
                ));
                Word::unknown(raw)
            }
        }
    }

    fn expand_one(&mut self, raw: &str) -> Word {
        self.expand_joined(raw)
    }

    /// Expands a heredoc body (substitutions run); the text when fully known.
    fn expand_heredoc(&mut self, body: &str) -> Option<String> {
        match contained(|| brush_parser::word::parse_heredoc(body, &self.opts)) {
            Ok(pieces) => {
                let mut acc = Acc {
                    no_split: true,
                    ..Acc::default()
                };
                self.pieces(&pieces, true, &mut acc);
                let mut words = Vec::new();
                acc.finish(&mut words);
                let w = words.into_iter().next().unwrap_or_default();
                (!w.dynamic).then_some(w.text)
            }
            Err(_) => {
                self.opaque("a heredoc body could not be parsed".into());
                None
            }
        }
    }

    fn brace_expand(&mut self, raw: &str) -> Vec<String> {
        if !(raw.contains('{') && (raw.contains(',') || raw.contains(".."))) {
            return vec![raw.to_string()];
        }
        if unclosed_braces(raw) > MAX_UNCLOSED_BRACES {
            self.opaque(format!(
                "the word `{}` opens more than {MAX_UNCLOSED_BRACES} braces it never closes; not expanded",
                crate::classify::clip(raw)
            ));
            return vec![raw.to_string()];
        }
        match contained(|| brush_parser::word::parse_brace_expansions(raw, &self.opts)) {
            Ok(Some(parts)) => {
                let mut out = vec![String::new()];
                if brace_combine(&parts, &mut out) {
                    out
                } else {
                    self.opaque(format!(
                        "brace expansion of `{}` yields more than {MAX_BRACE_WORDS} words",
                        crate::classify::clip(raw)
                    ));
                    vec![raw.to_string()]
                }
            }
            Err(None) => {
                self.opaque(format!(
                    "the brace expansion in `{}` crashed the shell parser; not expanded",
                    crate::classify::clip(raw)
                ));
                vec![raw.to_string()]
            }
            Ok(None) | Err(Some(_)) => vec![raw.to_string()],
        }
    }

    fn pieces(&mut self, pieces: &[WordPieceWithSource], quoted: bool, acc: &mut Acc) {
        for (i, p) in pieces.iter().enumerate() {
            match &p.piece {
                WordPiece::Text(t) => {
                    if quoted {
                        acc.cur.push_lit(t);
                    } else if crate::word::is_glob_text(t) || has_extglob(t) {
                        acc.cur.push_glob(t);
                    } else {
                        acc.cur.push_lit(t);
                    }
                    acc.started = true;
                }
                WordPiece::SingleQuotedText(t) => {
                    acc.cur.push_lit(t);
                    acc.cur.quoted = true;
                    acc.started = true;
                }
                WordPiece::AnsiCQuotedText(t) => {
                    acc.cur.push_lit(&decode_ansi_c(t));
                    acc.cur.quoted = true;
                    acc.started = true;
                }
                WordPiece::DoubleQuotedSequence(inner)
                | WordPiece::GettextDoubleQuotedSequence(inner) => {
                    acc.cur.quoted = true;
                    acc.started = true;
                    self.pieces(inner, true, acc);
                }
                WordPiece::TildeExpansion(t) => {
                    acc.started = true;
                    match t {
                        TildeExpr::Home if i == 0 && acc.cur.text.is_empty() => {
                            match self.home.clone() {
                                Some(h) => acc.cur.push_lit(&h.to_string_lossy()),
                                None => {
                                    acc.cur.tilde = true;
                                    acc.cur.push_lit("~");
                                }
                            }
                        }
                        TildeExpr::Home => acc.cur.push_lit("~"),
                        TildeExpr::UserHome(u) => {
                            let home = if u == "root" {
                                "/root".to_string()
                            } else {
                                format!("/home/{u}")
                            };
                            acc.cur.push_lit(&home);
                        }
                        TildeExpr::WorkingDir => {
                            let cwd = self.state.cwd.clone();
                            match cwd {
                                Some(c) => acc.cur.push_lit(&c.to_string_lossy()),
                                None => acc.cur.push_dynamic("$PWD"),
                            }
                        }
                        _ => acc.cur.push_dynamic("~-"),
                    }
                }
                WordPiece::ParameterExpansion(e) => {
                    acc.started = true;
                    let (value, fetched) = self.parameter(e);
                    acc.cur.fetched |= fetched;
                    match value {
                        Value::Known(v) => acc.push_value(&v, quoted, false),
                        Value::Home => match self.home.clone() {
                            Some(h) => acc.cur.push_lit(&h.to_string_lossy()),
                            None => acc.cur.push_dynamic("$HOME"),
                        },
                        Value::Unknown(label) => acc.cur.push_dynamic(&label),
                        Value::Words(ws) => acc.push_words(ws, quoted),
                    }
                }
                WordPiece::CommandSubstitution(code) => {
                    acc.started = true;
                    let (text, fetched) = self.command_substitution(code);
                    acc.cur.fetched |= fetched;
                    match text {
                        Some(t) => acc.push_value(&t, quoted, true),
                        None => acc
                            .cur
                            .push_dynamic(&format!("$({})", crate::classify::clip(code))),
                    }
                }
                WordPiece::BackquotedCommandSubstitution(code) => {
                    acc.started = true;
                    let code = unescape_backquoted(code, quoted);
                    let (text, fetched) = self.command_substitution(&code);
                    acc.cur.fetched |= fetched;
                    match text {
                        Some(t) => acc.push_value(&t, quoted, true),
                        None => acc
                            .cur
                            .push_dynamic(&format!("`{}`", crate::classify::clip(&code))),
                    }
                }
                WordPiece::EscapeSequence(s) => {
                    acc.started = true;
                    let mut cs = s.chars();
                    cs.next();
                    let c = cs.next();
                    match (quoted, c) {
                        (_, Some('\n')) | (_, None) => {}
                        (false, Some(c)) => {
                            let mut b = [0u8; 4];
                            acc.cur.push_lit(c.encode_utf8(&mut b));
                            acc.cur.quoted = true;
                        }
                        (true, Some(c)) if matches!(c, '$' | '`' | '"' | '\\') => {
                            let mut b = [0u8; 4];
                            acc.cur.push_lit(c.encode_utf8(&mut b));
                        }
                        (true, Some(_)) => acc.cur.push_lit(s),
                    }
                }
                WordPiece::ArithmeticExpression(e) => {
                    acc.started = true;
                    self.arithmetic(&e.value);
                    acc.cur
                        .push_dynamic(&format!("$(({}))", crate::classify::clip(&e.value)));
                }
            }
        }
    }

    fn command_substitution(&mut self, code: &str) -> (Option<String>, bool) {
        let stdin = std::mem::take(&mut self.stdin);
        let saved_out = std::mem::take(&mut self.out);
        let out = self.nested_out(code, Sub::Child, "a command substitution");
        self.out = saved_out;
        self.stdin = stdin;
        match out {
            Some(o) => {
                let fetched = o.fetched || o.decoded;
                let text = o.text.map(|t| t.trim_end_matches('\n').to_string());
                (text, fetched)
            }
            None => (None, false),
        }
    }

    fn parameter(&mut self, e: &ParameterExpr) -> (Value, bool) {
        let lookup = |w: &Self, p: &Parameter| -> Value {
            match p {
                Parameter::Named(n) if n == "HOME" => match w.state.vars.get("HOME") {
                    Some(_) => Value::Unknown("$HOME".into()),
                    None => Value::Home,
                },
                Parameter::Named(n) if n == "PWD" => match &w.state.cwd {
                    Some(c) => Value::Known(c.to_string_lossy().into_owned()),
                    None => Value::Unknown("$PWD".into()),
                },
                Parameter::Named(n) => match w.state.vars.get(n) {
                    Some(Some(v)) => Value::Known(v.clone()),
                    _ => Value::Unknown(format!("${n}")),
                },
                Parameter::Positional(i) => match &w.state.positional {
                    Some(args) => match args.get(*i as usize) {
                        Some(a) if a.is_static() => Value::Known(a.text.clone()),
                        Some(a) => Value::Unknown(a.text.clone()),
                        None => Value::Known(String::new()),
                    },
                    None => Value::Unknown(format!("${i}")),
                },
                Parameter::Special(brush_parser::word::SpecialParameter::ShellName) => {
                    match w.state.positional.as_ref().and_then(|a| a.first()) {
                        Some(a) if a.is_static() => Value::Known(a.text.clone()),
                        _ => Value::Unknown("$0".into()),
                    }
                }
                Parameter::Special(
                    brush_parser::word::SpecialParameter::AllPositionalParameters { .. },
                ) => match &w.state.positional {
                    Some(args) if args.iter().skip(1).all(Word::is_static) => {
                        Value::Words(args.iter().skip(1).cloned().collect())
                    }
                    _ => Value::Unknown("$@".into()),
                },
                other => Value::Unknown(format!("{other}")),
            }
        };
        let mut fetched = false;
        let mut extra = |w: &mut Self, s: &Option<String>| {
            if let Some(s) = s {
                let word = w.expand_joined(s);
                fetched |= word.fetched;
                Some(word)
            } else {
                None
            }
        };
        let v = match e {
            ParameterExpr::Parameter {
                parameter,
                indirect,
            } => {
                if *indirect {
                    Value::Unknown(format!("${{!{parameter}}}"))
                } else {
                    lookup(self, parameter)
                }
            }
            ParameterExpr::UseDefaultValues {
                parameter,
                default_value,
                ..
            }
            | ParameterExpr::AssignDefaultValues {
                parameter,
                default_value,
                ..
            } => {
                let d = extra(self, default_value);
                match lookup(self, parameter) {
                    Value::Known(v) if !v.is_empty() => Value::Known(v),
                    // HOME is always set where an agent runs commands.
                    Value::Home => Value::Home,
                    _ => match d {
                        Some(d) if !d.dynamic => Value::Unknown(d.text),
                        Some(d) => Value::Unknown(d.text),
                        None => Value::Unknown(format!("{parameter}")),
                    },
                }
            }
            // `${X:?message}`: the command runs only if X is set, so with X's value.
            ParameterExpr::IndicateErrorIfNullOrUnset {
                parameter,
                error_message,
                ..
            } => {
                extra(self, error_message);
                lookup(self, parameter)
            }
            ParameterExpr::UseAlternativeValue {
                parameter,
                alternative_value: s,
                ..
            }
            | ParameterExpr::RemoveSmallestSuffixPattern {
                parameter,
                pattern: s,
                ..
            }
            | ParameterExpr::RemoveLargestSuffixPattern {
                parameter,
                pattern: s,
                ..
            }
            | ParameterExpr::RemoveSmallestPrefixPattern {
                parameter,
                pattern: s,
                ..
            }
            | ParameterExpr::RemoveLargestPrefixPattern {
                parameter,
                pattern: s,
                ..
            }
            | ParameterExpr::UppercaseFirstChar {
                parameter,
                pattern: s,
                ..
            }
            | ParameterExpr::UppercasePattern {
                parameter,
                pattern: s,
                ..
            }
            | ParameterExpr::LowercaseFirstChar {
                parameter,
                pattern: s,
                ..
            }
            | ParameterExpr::LowercasePattern {
                parameter,
                pattern: s,
                ..
            } => {
                extra(self, s);
                Value::Unknown(format!("${{{parameter}…}}"))
            }
            ParameterExpr::ReplaceSubstring {
                parameter,
                pattern,
                replacement,
                ..
            } => {
                extra(self, &Some(pattern.clone()));
                extra(self, replacement);
                Value::Unknown(format!("${{{parameter}/…}}"))
            }
            ParameterExpr::Substring {
                parameter,
                offset,
                length,
                ..
            } => {
                self.arithmetic(&offset.value);
                if let Some(l) = length {
                    self.arithmetic(&l.value);
                }
                Value::Unknown(format!("${{{parameter}:…}}"))
            }
            ParameterExpr::ParameterLength { parameter, .. } => {
                Value::Unknown(format!("${{#{parameter}}}"))
            }
            ParameterExpr::Transform { parameter, .. } => {
                Value::Unknown(format!("${{{parameter}@…}}"))
            }
            ParameterExpr::VariableNames { prefix, .. } => {
                Value::Unknown(format!("${{!{prefix}*}}"))
            }
            ParameterExpr::MemberKeys { variable_name, .. } => {
                Value::Unknown(format!("${{!{variable_name}[@]}}"))
            }
        };
        (v, fetched)
    }
}

/// A parameter's value as far as it is known.
enum Value {
    Known(String),
    Home,
    Unknown(String),
    Words(Vec<Word>),
}

/// Redirect results for one command.
#[derive(Default)]
struct Io {
    stdin: Option<Stdin>,
    stdout_redirected: bool,
    /// Where standard output goes, when redirected to a file.
    stdout_path: Option<PathBuf>,
    socket: bool,
}

/// Accumulates the words of one raw word during expansion.
#[derive(Default)]
struct Acc {
    cur: Word,
    done: Vec<Word>,
    started: bool,
    no_split: bool,
}

impl Acc {
    /// Appends an expansion result; unquoted results are split on whitespace.
    fn push_value(&mut self, v: &str, quoted: bool, from_substitution: bool) {
        if quoted || self.no_split {
            self.cur.push_lit(v);
            self.cur.quoted |= quoted;
            return;
        }
        let _ = from_substitution;
        let mut first = true;
        let starts_ws = v.starts_with(char::is_whitespace);
        for (n, part) in v
            .split(char::is_whitespace)
            .filter(|s| !s.is_empty())
            .enumerate()
        {
            if n > 0 || (starts_ws && first && self.started_nonempty()) {
                self.break_word();
            }
            first = false;
            if crate::word::is_glob_text(part) {
                self.cur.push_glob(part);
            } else {
                self.cur.push_lit(part);
            }
        }
        if v.ends_with(char::is_whitespace) && !v.trim().is_empty() {
            self.break_word();
        }
    }

    fn push_words(&mut self, ws: Vec<Word>, quoted: bool) {
        for (n, w) in ws.into_iter().enumerate() {
            if n > 0 {
                if quoted || self.no_split {
                    self.cur.push_lit(" ");
                } else {
                    self.break_word();
                }
            }
            if w.dynamic {
                self.cur.push_dynamic(&w.text);
            } else {
                self.cur.push_lit(&w.text);
            }
        }
    }

    fn started_nonempty(&self) -> bool {
        !self.cur.text.is_empty()
    }

    fn break_word(&mut self) {
        if !self.cur.text.is_empty() || self.cur.quoted {
            let w = std::mem::take(&mut self.cur);
            self.done.push(w);
        }
    }

    fn finish(mut self, out: &mut Vec<Word>) {
        out.append(&mut self.done);
        if !self.cur.text.is_empty() || self.cur.quoted || self.cur.dynamic || self.no_split {
            out.push(self.cur);
        }
    }
}

fn has_extglob(t: &str) -> bool {
    ["@(", "+(", "!(", "*(", "?("].iter().any(|p| t.contains(p))
}

/// Expands brace-expression parts into `out` (cartesian product); false when too many.
fn brace_combine(parts: &[BraceExpressionOrText], out: &mut Vec<String>) -> bool {
    for part in parts {
        let alts: Vec<String> = match part {
            BraceExpressionOrText::Text(t) => vec![t.clone()],
            BraceExpressionOrText::Expr(members) => {
                let mut alts = Vec::new();
                for m in members {
                    match m {
                        BraceExpressionMember::Child(children) => {
                            let mut sub = vec![String::new()];
                            if !brace_combine(children, &mut sub) {
                                return false;
                            }
                            alts.extend(sub);
                        }
                        BraceExpressionMember::NumberSequence {
                            start,
                            end,
                            increment,
                        } => {
                            let step = increment.unsigned_abs().max(1) as usize;
                            let (lo, hi) = (*start.min(end), *start.max(end));
                            if hi.saturating_sub(lo) as u64 / step as u64 > MAX_BRACE_WORDS as u64 {
                                return false;
                            }
                            let mut v: Vec<String> =
                                (lo..=hi).step_by(step).map(|n| n.to_string()).collect();
                            if start > end {
                                v.reverse();
                            }
                            alts.extend(v);
                        }
                        BraceExpressionMember::CharSequence {
                            start,
                            end,
                            increment,
                        } => {
                            let step = increment.unsigned_abs().max(1) as usize;
                            let (lo, hi) = (*start.min(end), *start.max(end));
                            alts.extend((lo..=hi).step_by(step).map(String::from));
                        }
                    }
                    if alts.len() > MAX_BRACE_WORDS {
                        return false;
                    }
                }
                alts
            }
        };
        if out.len().saturating_mul(alts.len().max(1)) > MAX_BRACE_WORDS {
            return false;
        }
        let mut next = Vec::with_capacity(out.len() * alts.len().max(1));
        for prefix in out.iter() {
            for a in &alts {
                next.push(format!("{prefix}{a}"));
            }
        }
        *out = next;
    }
    true
}

/// Deepest nesting of brackets, parentheses and braces in raw text.
/// Why a piece of code was not turned into a syntax tree; completes "the command …".
enum NoParse {
    Syntax(String),
    HereDocControl,
    TooManySubshells,
    TooDeep,
    Crashed,
}

impl std::fmt::Display for NoParse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Syntax(e) => write!(
                f,
                "could not be parsed strictly ({e}); only a complete parse can prove a command safe"
            ),
            Self::HereDocControl => write!(
                f,
                "has a here-document next to a form feed or carriage return, which the parser \
                 cannot read reliably; not analysed"
            ),
            Self::TooManySubshells => write!(
                f,
                "nests subshells more than {MAX_SUBSHELLS} deep; not analysed"
            ),
            Self::TooDeep => write!(
                f,
                "nests compound commands more than {MAX_COMPOUND_DEPTH} deep; not analysed"
            ),
            Self::Crashed => f.write_str("crashed the shell parser; not analysed"),
        }
    }
}

/// Tokenizes with brush's own tokenizer, checks the token stream against the parser's
/// worst case, then parses those tokens.
///
/// brush's PEG grammar backtracks exponentially on unclosed subshells: each `(` may start
/// an arithmetic command `((…))` or a subshell, and a parse that fails deep inside retries
/// both at every level (20 unclosed `(` take seconds, 24 take minutes). Counting `(` and
/// `)` operator tokens sees exactly what the parser will see (quotes, heredoc bodies and
/// `$(…)` are inside word tokens), so no quoting trick hides a `(` from this check.
fn parse(code: &str, opts: &ParserOptions) -> Result<ast::Program, NoParse> {
    // brush-parser's tokenizer loops, allocating without end, on a here-document operator
    // near a form feed or carriage return (`<<\f<<p `, found by fuzzing).
    if code.contains("<<") && code.contains(['\x0c', '\r']) {
        return Err(NoParse::HereDocControl);
    }
    let parsed = std::panic::catch_unwind(|| {
        let tokens = brush_parser::uncached_tokenize_str(code, &opts.tokenizer_options())
            .map_err(|e| NoParse::Syntax(first_line(&e.to_string()).to_owned()))?;
        if subshell_depth(&tokens) > MAX_SUBSHELLS {
            return Err(NoParse::TooManySubshells);
        }
        if compound_depth(&tokens) > MAX_COMPOUND_DEPTH {
            return Err(NoParse::TooDeep);
        }
        brush_parser::parse_tokens(&tokens, opts)
            .map_err(|e| NoParse::Syntax(first_line(&e.to_string()).to_owned()))
    });
    parsed.unwrap_or(Err(NoParse::Crashed))
}

/// Runs one brush-parser call, turning a panic inside it into an error: brush `unwrap`s
/// numbers that overflow (`4444444444444<x`, `{1..99999999999999999999}`, `~+99999999999999999999`).
/// The caller then treats the text as unparsed, as for any syntax error.
fn contained<T, E>(parse: impl FnOnce() -> Result<T, E>) -> Result<T, Option<E>> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(parse)) {
        Ok(result) => result.map_err(Some),
        Err(_) => Err(None),
    }
}

/// Deepest nesting of `[` in an arithmetic expression, unclosed ones included.
fn subscript_depth(expr: &str) -> usize {
    max_nesting(expr.bytes().map(|b| match b {
        b'[' => Some(true),
        b']' => Some(false),
        _ => None,
    }))
}

/// Deepest nesting of compound commands (`if`, `while`, `until`, `for`, `select`, `case`,
/// `{`), unclosed ones included, counted on tokens. The parser and the walker recurse
/// once per level: a few hundred levels of `if` overflow a thread's stack, and a hook that
/// dies answers nothing, which hosts treat as no objection. Reserved words are counted
/// wherever they appear as a word (`echo if` too), which can only make a command look deeper.
fn compound_depth(tokens: &[brush_parser::Token]) -> usize {
    use brush_parser::Token;
    // `(` is left to [`subshell_depth`]: a `case` pattern's `)` would read as a close.
    let keywords = max_nesting(tokens.iter().map(|t| match t {
        Token::Word(w, _) => match w.as_str() {
            "if" | "while" | "until" | "for" | "select" | "case" | "coproc" | "{" => Some(true),
            "fi" | "done" | "esac" | "}" => Some(false),
            _ => None,
        },
        Token::Operator(..) => None,
    }));
    // `!` recurses inside `[[ … ]]`; a run of them counts as nesting.
    let bangs = tokens
        .split(|t| !matches!(t, Token::Word(w, _) if w == "!"))
        .map(<[Token]>::len)
        .max()
        .unwrap_or(0);
    keywords.max(bangs)
}

/// Deepest nesting of `(` operator tokens, unclosed ones included.
fn subshell_depth(tokens: &[brush_parser::Token]) -> usize {
    max_nesting(tokens.iter().map(|t| match t {
        brush_parser::Token::Operator(op, _) if op == "(" => Some(true),
        brush_parser::Token::Operator(op, _) if op == ")" => Some(false),
        _ => None,
    }))
}

/// Deepest nesting in a sequence of opens (`Some(true)`), closes (`Some(false)`) and
/// anything else (`None`): unclosed opens count, stray closes do not.
fn max_nesting(steps: impl IntoIterator<Item = Option<bool>>) -> usize {
    let mut depth: usize = 0;
    let mut max = 0;
    for step in steps {
        match step {
            Some(true) => {
                depth += 1;
                max = max.max(depth);
            }
            Some(false) => depth = depth.saturating_sub(1),
            None => {}
        }
    }
    max
}

/// How many unquoted `{` in a word are never closed by an unquoted `}`.
///
/// brush's brace-expansion grammar backtracks exponentially on unclosed braces followed by a
/// comma (`{a,{a,{a,{a,{a,{a,{a,{a,b` takes seconds; twelve `{` and a `,` take minutes), while
/// closed ones, however deep, parse at once. The quoting rules are bash's for one word:
/// `'…'` has no escapes, `$'…'` and `"…"` honour `\`, and `\` outside quotes escapes the
/// next character, so a `}` that brush reads as quoted never counts as closing here. After a
/// command substitution starts (`$(`, `` ` ``), whose code has its own quoting, no `}` counts
/// as closing at all.
fn unclosed_braces(raw: &str) -> usize {
    #[derive(PartialEq)]
    enum Quote {
        None,
        Single,
        AnsiC,
        Double,
    }
    let mut quote = Quote::None;
    let mut open: usize = 0;
    let mut substitution = false;
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if matches!(quote, Quote::None | Quote::Double)
            && (c == '`' || (c == '$' && chars.peek() == Some(&'(')))
        {
            substitution = true;
        }
        match (&quote, c) {
            (Quote::Single, '\'') | (Quote::AnsiC, '\'') | (Quote::Double, '"') => {
                quote = Quote::None;
            }
            (Quote::AnsiC | Quote::Double | Quote::None, '\\') => {
                chars.next();
            }
            (Quote::None, '\'') => quote = Quote::Single,
            (Quote::None, '"') => quote = Quote::Double,
            (Quote::None, '$') if chars.peek() == Some(&'\'') => {
                chars.next();
                quote = Quote::AnsiC;
            }
            (Quote::None, '{') => open += 1,
            (Quote::None, '}') if !substitution => open = open.saturating_sub(1),
            _ => {}
        }
    }
    open
}

fn bracket_depth(code: &str) -> usize {
    max_nesting(code.bytes().map(|b| match b {
        b'(' | b'{' | b'[' => Some(true),
        b')' | b'}' | b']' => Some(false),
        _ => None,
    }))
}

/// True when a function body runs something in a pipeline or in the background (with a
/// recursive call, that multiplies processes: a fork bomb).
fn function_forks(body: &ast::FunctionBody, _name: &str) -> bool {
    compound_forks(&body.0, 0)
}

fn compound_forks(c: &ast::CompoundCommand, depth: usize) -> bool {
    if depth > 16 {
        return false;
    }
    let list_forks = |l: &ast::CompoundList| {
        l.0.iter().any(|ast::CompoundListItem(ao, sep)| {
            matches!(sep, ast::SeparatorOperator::Async)
                || std::iter::once(&ao.first)
                    .chain(ao.additional.iter().map(|a| match a {
                        ast::AndOr::And(p) | ast::AndOr::Or(p) => p,
                    }))
                    .any(|p| {
                        p.seq.len() > 1
                            || p.seq.iter().any(|c| match c {
                                ast::Command::Compound(cc, _) => compound_forks(cc, depth + 1),
                                _ => false,
                            })
                    })
        })
    };
    match c {
        ast::CompoundCommand::BraceGroup(b) => list_forks(&b.list),
        ast::CompoundCommand::Subshell(s) => list_forks(&s.list),
        ast::CompoundCommand::IfClause(i) => list_forks(&i.then),
        ast::CompoundCommand::WhileClause(w) | ast::CompoundCommand::UntilClause(w) => {
            list_forks(&w.1.list)
        }
        ast::CompoundCommand::ForClause(f) => list_forks(&f.body.list),
        _ => false,
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}

/// True when a pipeline stage, by its first command, prints only the names or counts of the
/// lines it reads (`cut -d= -f1`, `awk -F= '{print $1}'`, `sed 's/=.*//'`, `wc`, `grep -c` /
/// `-q` / `-l`) or takes them as a password (`--password-stdin`). Behind such a stage an
/// environment dump or a printed token shows nothing.
fn keeps_names_or_counts(stage: &[Effect]) -> bool {
    let Some(argv) = stage.iter().find_map(|e| match &e.kind {
        EffectKind::Exec {
            argv,
            dynamic: false,
        } => Some(argv),
        _ => None,
    }) else {
        return false;
    };
    let args: Vec<&str> = argv.iter().skip(1).map(String::as_str).collect();
    let has = |flag: &str| args.contains(&flag);
    let name = argv.first().map_or("", |a| crate::word::basename(a));
    if has("--password-stdin") {
        return true;
    }
    match name {
        "wc" => true,
        "cut" => {
            // The argv is unquoted: `-d '='` arrives as `-d =`.
            let joined = args.join(" ");
            (joined.contains("-d=") || joined.contains("-d ="))
                && (has("-f1") || args.windows(2).any(|w| w == ["-f", "1"]))
        }
        "awk" => {
            (has("-F=") || args.windows(2).any(|w| w == ["-F", "="]))
                && args
                    .last()
                    .is_some_and(|p| p.replace(' ', "") == "{print$1}")
        }
        "sed" => has("s/=.*//"),
        "grep" | "egrep" | "fgrep" | "rg" => args.iter().any(|a| {
            matches!(
                *a,
                "--count" | "--quiet" | "--silent" | "--files-with-matches"
            ) || (a.starts_with('-') && !a.starts_with("--") && a[1..].contains(['c', 'q', 'l']))
        }),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::unclosed_braces;

    #[test]
    fn unclosed_braces_follow_bash_quoting() {
        for (word, unclosed) in [
            ("{a,b}", 0),
            ("{a,{b,c}}", 0),
            ("{{{{,", 4),
            ("{a,{a,{a,b", 3),
            ("}}}{{{", 3),
            ("'{{{{,'", 0),
            ("\"{{{{,\"", 0),
            ("\\{\\{\\{,", 0),
            // Closes that brush reads as quoted do not count.
            ("{{{{{{,'}}}}}}'", 6),
            ("{{{{{{,$'\\'}}}}}}'", 6),
            ("{{{{{{,\"\\\"}}}}}}\"", 6),
            ("{{{{{{,\"$(echo \"}}}}}}\")\"", 6),
            ("{{{{{{,`echo }}}}}}`", 6),
            ("${a:-${b:-x}}", 0),
        ] {
            assert_eq!(unclosed_braces(word), unclosed, "{word}");
        }
    }
}
