//! `warden scan`: secrets in files, the staged change, a diff range or git history.
//!
//! Exit codes (PRODUCT.md): 0 no findings, 1 findings, 2 error.
//!
//! The scanned project's policy applies: its `[secrets] allow_rules` and `allow_paths` (from
//! trusted layers only) drop findings, exactly as they let file writes through in the hook.
//! A policy that does not load stops the scan (exit 2): a broken file never silently changes
//! what is reported.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use warden_policy::{EvalContext, LoadOptions, Policy};
use warden_secrets::{
    Baseline, DiffTarget, Progress, Report, ScanOptions, Scanner, scan_diff, scan_history,
    scan_paths, short_id,
};

use crate::env;
use crate::exit::ExitCode;

/// Exit code: no findings.
const CLEAN: u8 = 0;
/// Exit code: findings.
const FOUND: u8 = 1;
/// Exit code: the scan could not run.
const ERROR: u8 = 2;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// For people.
    Text,
    /// `{"findings": [...], "notes": [...], "stats": {...}}`.
    Json,
    /// SARIF 2.1.0, for code-scanning dashboards.
    Sarif,
}

/// Arguments of `warden scan`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files or directories to scan (default: the current directory). With --staged, --diff
    /// or --history: the repository to read (default: the current directory).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Scan only the lines added by the staged change (for the pre-commit hook).
    #[arg(long, conflicts_with_all = ["diff", "history"])]
    pub staged: bool,
    /// Scan only the lines added between two revisions (for CI).
    #[arg(long, value_name = "BASE..HEAD", conflicts_with = "history")]
    pub diff: Option<String>,
    /// Scan git history: every commit of every branch, tag and stash, or REV-RANGE.
    #[arg(long, value_name = "REV-RANGE", num_args = 0..=1, default_missing_value = "")]
    pub history: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Accept the findings recorded in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Write every current finding to the --baseline file, then exit 0.
    #[arg(long, requires = "baseline")]
    pub update_baseline: bool,
    /// Print secrets in clear (and add "secret" to JSON and SARIF output).
    #[arg(long)]
    pub show_secrets: bool,
    /// Follow symbolic links (loops are detected and reported).
    #[arg(long)]
    pub follow_symlinks: bool,
    /// Also scan minified bundles (`*.min.js`, very long lines).
    #[arg(long)]
    pub include_minified: bool,
    /// Do not open zip, tar and gzip archives.
    #[arg(long)]
    pub no_archives: bool,
    /// Ignore inline `warden:allow` / `gitleaks:allow` comments.
    #[arg(long)]
    pub no_inline_allow: bool,
    /// Skip files larger than this many bytes.
    #[arg(long, value_name = "BYTES")]
    pub max_file_size: Option<u64>,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Write the report to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match scan(&args) {
        Ok(code) => Ok(ExitCode::from(code)),
        Err(err) => {
            super::report_error(&err);
            Ok(ExitCode::from(ERROR))
        }
    }
}

fn scan(args: &Args) -> anyhow::Result<u8> {
    let history_like = args.staged || args.diff.is_some() || args.history.is_some();
    if history_like && args.paths.len() > 1 {
        anyhow::bail!("--staged, --diff and --history take at most one PATH: the repository");
    }
    let cwd = env::current_dir();
    let allow = match PolicyAllowlist::load(args, &cwd) {
        Ok(allow) => allow,
        Err(errors) => {
            error_text(&format!(
                "the policy cannot be loaded, so the scan does not run:\n{errors}"
            ));
            return Ok(ERROR);
        }
    };
    allow.note_ignored();
    let mut options = ScanOptions {
        honor_inline_allow: !args.no_inline_allow,
        skip_minified: !args.include_minified,
        follow_symlinks: args.follow_symlinks,
        archives: !args.no_archives,
        max_file_bytes: args.max_file_size,
        threads: args.threads.unwrap_or(0),
        rule_allowlist: allow.rules(),
        ..ScanOptions::default()
    };
    if let (Some(path), false) = (&args.baseline, args.update_baseline) {
        options.baseline = Some(Baseline::load(path)?);
    }
    let progress = Arc::new(Progress::default());
    options.progress = Some(Arc::clone(&progress));
    let bar = ProgressBar::start(progress, std::io::stderr().is_terminal());

    let scanner = Scanner::builtin();
    let repo_dir = || -> &Path { args.paths.first().map_or(Path::new("."), PathBuf::as_path) };
    let started = Instant::now();
    let result = if args.staged {
        scan_diff(scanner, repo_dir(), &DiffTarget::Staged, &options)
    } else if let Some(range) = &args.diff {
        scan_diff(
            scanner,
            repo_dir(),
            &DiffTarget::Range(range.clone()),
            &options,
        )
    } else if let Some(range) = &args.history {
        let range = (!range.is_empty()).then_some(range.as_str());
        scan_history(scanner, repo_dir(), range, &options)
    } else {
        scan_paths(scanner, &args.paths, &options)
    };
    bar.stop();
    let mut report = result?;
    let elapsed = started.elapsed();
    let base = if history_like {
        repository_root(&cwd.join(repo_dir()))
    } else {
        cwd.clone()
    };
    allow.drop_allowed_paths(&mut report, &base);

    if args.update_baseline {
        if let Some(path) = &args.baseline {
            let baseline = Baseline::from_report(&report);
            baseline.save(path)?;
            print_notes(&report);
            note(&format!(
                "wrote {} finding(s) to baseline {}",
                baseline.len(),
                path.display()
            ));
        }
        return Ok(CLEAN);
    }

    let rendered = match args.format {
        Format::Json => pretty(&report.to_json(args.show_secrets)),
        Format::Sarif => pretty(&report.to_sarif(args.show_secrets)),
        Format::Text => render_text(&report, args.show_secrets, elapsed),
    };
    if args.format != Format::Text {
        print_notes(&report);
    }
    match &args.output {
        Some(path) => std::fs::write(path, rendered)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?,
        None => write_stdout(&rendered),
    }
    if args.staged && !report.findings.is_empty() {
        note(
            "commit blocked: the staged change adds secrets. Remove them (and rotate any that \
             were real), or mark a false positive with a `warden:allow` comment on its line.",
        );
    }
    Ok(if report.findings.is_empty() {
        CLEAN
    } else {
        FOUND
    })
}

/// The `[secrets]` allowlist of the scanned project's policy.
struct PolicyAllowlist {
    policy: Policy,
    eval: EvalContext,
}

impl PolicyAllowlist {
    /// Loads the policy of the project being scanned: the one holding the first PATH (the
    /// current directory when none is given). The mode plays no part in a scan, so
    /// `WARDEN_MODE` is not read.
    fn load(args: &Args, cwd: &Path) -> Result<PolicyAllowlist, warden_policy::PolicyErrors> {
        let target = args
            .paths
            .first()
            .map_or_else(|| cwd.to_path_buf(), |p| cwd.join(p));
        let dir = if target.is_file() {
            target
                .parent()
                .map_or_else(|| cwd.to_path_buf(), Path::to_path_buf)
        } else {
            target
        };
        let ctx = env::context(&dir);
        let options = LoadOptions {
            mode_override: None,
            env_error: None,
            ..LoadOptions::from_env(Some(ctx.project_root.clone()))
        };
        let policy = warden_policy::load(&options)?;
        Ok(PolicyAllowlist {
            policy,
            eval: EvalContext {
                cwd: cwd.to_path_buf(),
                project_root: ctx.project_root,
                home: ctx.home,
            },
        })
    }

    /// The allowlisted rules, as canonical ids, for [`ScanOptions::rule_allowlist`].
    fn rules(&self) -> Vec<String> {
        self.policy
            .secrets_allowlist()
            .rules()
            .iter()
            .map(|id| (*id).to_owned())
            .collect()
    }

    /// Drops the findings whose file the policy's `allow_paths` cover. `base` is the
    /// directory the report's paths are relative to (the current directory for path scans,
    /// the repository root for staged, diff and history scans). A finding inside an archive
    /// (`bundle.zip!inner/file`) is dropped when either the entry or the archive is covered.
    fn drop_allowed_paths(&self, report: &mut Report, base: &Path) {
        let allow = self.policy.secrets_allowlist();
        if allow.paths().is_empty() {
            return;
        }
        let eval = EvalContext {
            cwd: base.to_path_buf(),
            ..self.eval.clone()
        };
        let before = report.findings.len();
        report.findings.retain(|located| {
            let path = located.path.as_str();
            let covered = allow.allows_path(Path::new(path), &eval)
                || path
                    .split_once('!')
                    .is_some_and(|(outer, _)| allow.allows_path(Path::new(outer), &eval));
            !covered
        });
        report.stats.suppressed_allowlist += (before - report.findings.len()) as u64;
    }

    /// Says on stderr which policy files' `[secrets]` sections were ignored (not trusted).
    fn note_ignored(&self) {
        for path in self.policy.secrets_allowlist().ignored() {
            note(&format!(
                "note: {}: its [secrets] allowlist is ignored because the file is not trusted \
                 (run `warden trust` to apply it)",
                path.display()
            ));
        }
    }
}

/// The root of the git repository holding `dir` (the nearest ancestor with a `.git`), else
/// `dir` itself.
fn repository_root(dir: &Path) -> PathBuf {
    let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    dir.ancestors()
        .find(|d| d.join(".git").exists())
        .map_or_else(|| dir.clone(), Path::to_path_buf)
}

fn pretty(value: &serde_json::Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_else(|_| "{}".to_owned());
    text.push('\n');
    text
}

/// The report for people: one block per finding, then notes and a summary.
fn render_text(report: &Report, show_secrets: bool, elapsed: Duration) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    for located in &report.findings {
        let f = &located.finding;
        let _ = writeln!(
            out,
            "{}:{}:{}: {} {} ({})",
            located.path, f.line, f.column, f.rule_id, f.rule_name, f.provider
        );
        let shown = if show_secrets {
            f.secret()
        } else {
            f.redacted.as_str()
        };
        let _ = write!(out, "    secret: {shown}  fingerprint: {}", f.fingerprint);
        if let Some(encoding) = f.encoding {
            let _ = write!(out, "  (inside {} blob)", encoding.as_str());
        }
        out.push('\n');
        if let Some(commit) = &located.commit {
            let _ = writeln!(
                out,
                "    commit: {}  {}  {}",
                short_id(&commit.id),
                commit.date,
                commit.author
            );
        }
    }
    for note in &report.notes {
        match &note.path {
            Some(path) => {
                let _ = writeln!(out, "note: {path}: {}", note.message);
            }
            None => {
                let _ = writeln!(out, "note: {}", note.message);
            }
        }
    }
    let s = &report.stats;
    let mut summary = format!(
        "{} secret(s) found; scanned {} file(s), {}",
        report.findings.len(),
        s.files,
        human_bytes(s.bytes)
    );
    if s.commits > 0 {
        let _ = write!(
            summary,
            " in {} commit(s), {} unique blob(s)",
            s.commits, s.blobs
        );
    }
    let _ = write!(summary, " in {:.2}s", elapsed.as_secs_f64());
    let skipped: Vec<String> = [
        (s.skipped_binary, "binary"),
        (s.skipped_minified, "minified"),
        (s.skipped_symlinks, "symlink"),
        (s.skipped_other, "other"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{n} {what}"))
    .collect();
    if !skipped.is_empty() {
        let _ = write!(summary, "; skipped {}", skipped.join(", "));
    }
    let suppressed = s.suppressed_inline + s.suppressed_allowlist + s.suppressed_baseline;
    if suppressed > 0 {
        let _ = write!(
            summary,
            "; suppressed {suppressed} (inline {}, allowlist {}, baseline {})",
            s.suppressed_inline, s.suppressed_allowlist, s.suppressed_baseline
        );
    }
    out.push_str(&summary);
    out.push('\n');
    out
}

fn human_bytes(bytes: u64) -> String {
    #[allow(clippy::cast_precision_loss)]
    let b = bytes as f64;
    if b >= 1024.0 * 1024.0 * 1024.0 {
        format!("{:.1} GiB", b / (1024.0 * 1024.0 * 1024.0))
    } else if b >= 1024.0 * 1024.0 {
        format!("{:.1} MiB", b / (1024.0 * 1024.0))
    } else if b >= 1024.0 {
        format!("{:.1} KiB", b / 1024.0)
    } else {
        format!("{bytes} B")
    }
}

/// Write to stdout; a closed pipe is not an error.
#[allow(clippy::print_stdout)]
fn write_stdout(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

#[allow(clippy::print_stderr)]
fn note(message: &str) {
    eprintln!("warden: {message}");
}

#[allow(clippy::print_stderr)]
fn error_text(message: &str) {
    eprintln!("warden: error: {message}");
}

#[allow(clippy::print_stderr)]
fn print_notes(report: &Report) {
    for n in &report.notes {
        match &n.path {
            Some(path) => eprintln!("warden: note: {path}: {}", n.message),
            None => eprintln!("warden: note: {}", n.message),
        }
    }
}

/// A one-line progress display on stderr, drawn only when stderr is a terminal.
struct ProgressBar {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ProgressBar {
    fn start(progress: Arc<Progress>, enabled: bool) -> ProgressBar {
        let stop = Arc::new(AtomicBool::new(false));
        let thread = enabled.then(|| {
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || draw_progress(&progress, &stop))
        });
        ProgressBar { stop, thread }
    }

    fn stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = &self.thread {
            thread.thread().unpark();
        }
    }
}

impl Drop for ProgressBar {
    fn drop(&mut self) {
        self.stop();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[allow(clippy::print_stderr)]
fn draw_progress(progress: &Progress, stop: &AtomicBool) {
    let started = Instant::now();
    let mut drawn = false;
    while !stop.load(Ordering::Relaxed) {
        std::thread::park_timeout(Duration::from_millis(200));
        if stop.load(Ordering::Relaxed) || started.elapsed() < Duration::from_millis(500) {
            continue;
        }
        let items = progress.items.load(Ordering::Relaxed);
        let total = progress.total.load(Ordering::Relaxed);
        let bytes = progress.bytes.load(Ordering::Relaxed);
        eprint!(
            "\r\x1b[2Kscanning: {items}/{total} items, {}",
            human_bytes(bytes)
        );
        drawn = true;
    }
    if drawn {
        eprint!("\r\x1b[2K");
    }
}

#[cfg(test)]
mod tests {
    use super::human_bytes;

    #[test]
    fn sizes() {
        assert_eq!(human_bytes(12), "12 B");
        assert_eq!(human_bytes(2048), "2.0 KiB");
        assert_eq!(human_bytes(3 * 1024 * 1024), "3.0 MiB");
    }
}
