//! The I/O around the [`Router`]: reader and writer tasks for both sides, timers, the server
//! child process and its shutdown (close stdin, wait, SIGTERM, wait, SIGKILL, to the server's
//! whole process group so that `npx` wrappers and their children go too).

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::ffi::OsString;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::frame::{Frame, LineReader};
use crate::router::{Out, Router};

/// An error starting the relay.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RelayError {
    /// The server command could not be started.
    #[error("cannot start MCP server `{program}`: {source}")]
    Spawn {
        program: String,
        #[source]
        source: std::io::Error,
    },
    /// The child's pipes were missing (should not happen with piped stdio).
    #[error("the MCP server's stdio pipes are unavailable")]
    Pipes,
}

/// The server to start.
#[derive(Debug, Clone)]
pub struct ServerCommand {
    pub program: OsString,
    pub args: Vec<OsString>,
    /// Extra environment variables for the server.
    pub env: Vec<(OsString, OsString)>,
    pub cwd: Option<PathBuf>,
}

impl ServerCommand {
    pub fn new(program: impl Into<OsString>) -> Self {
        ServerCommand {
            program: program.into(),
            args: Vec::new(),
            env: Vec::new(),
            cwd: None,
        }
    }

    pub fn arg(mut self, a: impl Into<OsString>) -> Self {
        self.args.push(a.into());
        self
    }

    pub fn args<I: IntoIterator<Item = S>, S: Into<OsString>>(mut self, args: I) -> Self {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    pub fn env(mut self, k: impl Into<OsString>, v: impl Into<OsString>) -> Self {
        self.env.push((k.into(), v.into()));
        self
    }
}

/// Relay settings that are about I/O rather than policy.
#[derive(Clone)]
pub struct RelayOptions {
    /// Line cap for both sides (keep equal to the router's).
    pub max_line: usize,
    /// Each step of the shutdown waits this long for the server to exit.
    pub shutdown_grace: Duration,
    /// Where the gateway's messages for the person go (stderr in the CLI).
    pub log: Arc<dyn Fn(&str) + Send + Sync>,
}

impl std::fmt::Debug for RelayOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RelayOptions")
            .field("max_line", &self.max_line)
            .field("shutdown_grace", &self.shutdown_grace)
            .finish_non_exhaustive()
    }
}

impl Default for RelayOptions {
    fn default() -> Self {
        RelayOptions {
            max_line: crate::frame::DEFAULT_MAX_LINE,
            shutdown_grace: Duration::from_secs(2),
            log: Arc::new(|_| {}),
        }
    }
}

/// The process's stdin and stdout as async streams. When they are pipes or sockets (as when
/// an MCP client spawns the gateway) they are driven by the reactor directly (a duplicate of
/// each descriptor, set non-blocking); otherwise tokio's thread-backed stdio is used.
pub fn stdio() -> (
    Box<dyn tokio::io::AsyncRead + Unpin + Send>,
    Box<dyn tokio::io::AsyncWrite + Unpin + Send>,
) {
    use std::os::fd::AsFd;
    let input: Box<dyn tokio::io::AsyncRead + Unpin + Send> = match std::io::stdin()
        .as_fd()
        .try_clone_to_owned()
        .map(std::fs::File::from)
    {
        Ok(f) => match fast_fd(f) {
            Some(FastFd::Pipe(file)) => match tokio::net::unix::pipe::Receiver::from_file(file) {
                Ok(r) => Box::new(r),
                Err(_) => Box::new(tokio::io::stdin()),
            },
            Some(FastFd::Socket(s)) => match tokio::net::UnixStream::from_std(s) {
                Ok(s) => Box::new(s),
                Err(_) => Box::new(tokio::io::stdin()),
            },
            None => Box::new(tokio::io::stdin()),
        },
        Err(_) => Box::new(tokio::io::stdin()),
    };
    let output: Box<dyn tokio::io::AsyncWrite + Unpin + Send> = match std::io::stdout()
        .as_fd()
        .try_clone_to_owned()
        .map(std::fs::File::from)
    {
        Ok(f) => match fast_fd(f) {
            Some(FastFd::Pipe(file)) => match tokio::net::unix::pipe::Sender::from_file(file) {
                Ok(w) => Box::new(w),
                Err(_) => Box::new(tokio::io::stdout()),
            },
            Some(FastFd::Socket(s)) => match tokio::net::UnixStream::from_std(s) {
                Ok(s) => Box::new(s),
                Err(_) => Box::new(tokio::io::stdout()),
            },
            None => Box::new(tokio::io::stdout()),
        },
        Err(_) => Box::new(tokio::io::stdout()),
    };
    (input, output)
}

enum FastFd {
    Pipe(std::fs::File),
    Socket(std::os::unix::net::UnixStream),
}

fn fast_fd(file: std::fs::File) -> Option<FastFd> {
    use std::os::unix::fs::FileTypeExt;
    let ft = file.metadata().ok()?.file_type();
    if ft.is_fifo() {
        return Some(FastFd::Pipe(file));
    }
    if ft.is_socket() {
        let s = std::os::unix::net::UnixStream::from(std::os::fd::OwnedFd::from(file));
        // Only stream sockets of the unix family are handled; anything else stays on the
        // thread-backed path.
        if s.local_addr().is_ok() && s.set_nonblocking(true).is_ok() {
            return Some(FastFd::Socket(s));
        }
    }
    None
}

/// How a relay session ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RelayEnd {
    /// The client closed its side (or the gateway was asked to stop); the server was shut down.
    ClientClosed { server: String },
    /// The server exited or closed its output first.
    ServerExited { detail: String },
}

/// Longest wait for answers to requests relayed before the client closed its side.
const DRAIN_LIMIT: Duration = Duration::from_secs(30);

enum Ev {
    Client(Frame),
    ClientEof,
    /// A signal asked the gateway to stop: shut the server down without draining.
    Stop,
    Server(Frame),
    ServerEof(Option<String>),
}

/// The server side when it is a child process.
enum Control {
    Streams,
    Child(tokio::process::Child),
}

impl Control {
    fn signal(&mut self, sig: nix::sys::signal::Signal) {
        if let Control::Child(child) = self
            && let Some(pid) = child.id().and_then(|p| i32::try_from(p).ok())
        {
            // The child leads its own process group; signal the group, then the child in case
            // it left the group.
            let pid = nix::unistd::Pid::from_raw(pid);
            let _ = nix::sys::signal::killpg(pid, sig);
            let _ = nix::sys::signal::kill(pid, sig);
        }
    }

    async fn exit_detail(&mut self, wait: Duration) -> String {
        match self {
            Control::Streams => "the server closed its output".into(),
            Control::Child(child) => match tokio::time::timeout(wait, child.wait()).await {
                Ok(Ok(status)) => format!("server {status}"),
                Ok(Err(e)) => format!("cannot read the server's exit status: {e}"),
                Err(_) => "the server closed its output".into(),
            },
        }
    }

    fn exited(&mut self) -> bool {
        match self {
            Control::Streams => false,
            Control::Child(child) => matches!(child.try_wait(), Ok(Some(_))),
        }
    }
}

fn spawn_reader<R: AsyncRead + Unpin + Send + 'static>(
    r: R,
    max_line: usize,
    tx: mpsc::Sender<Ev>,
    frame: fn(Frame) -> Ev,
    eof: fn(Option<String>) -> Ev,
) {
    tokio::spawn(async move {
        let mut reader = LineReader::new(BufReader::with_capacity(64 * 1024, r), max_line);
        loop {
            match reader.next_frame().await {
                Ok(Some(f)) => {
                    if tx.send(frame(f)).await.is_err() {
                        return;
                    }
                }
                Ok(None) => {
                    let _ = tx.send(eof(None)).await;
                    return;
                }
                Err(e) => {
                    let _ = tx.send(eof(Some(e.to_string()))).await;
                    return;
                }
            }
        }
    });
}

fn spawn_writer<W: AsyncWrite + Unpin + Send + 'static>(
    mut w: W,
) -> (mpsc::Sender<Vec<u8>>, tokio::task::JoinHandle<()>) {
    let (tx, mut rx) = mpsc::channel::<Vec<u8>>(256);
    let handle = tokio::spawn(async move {
        while let Some(mut line) = rx.recv().await {
            line.push(b'\n');
            if w.write_all(&line).await.is_err() {
                break;
            }
            // Flush only when no more lines are queued: one syscall per burst.
            if rx.is_empty() && w.flush().await.is_err() {
                break;
            }
        }
        let _ = w.flush().await;
        let _ = w.shutdown().await;
    });
    (tx, handle)
}

/// Relay between a client and a server given as streams (no child process). Returns when
/// either side's input ends and everything pending was answered or timed out.
pub async fn relay_streams<CR, CW, SR, SW>(
    router: Router,
    client_in: CR,
    client_out: CW,
    server_out: SR,
    server_in: SW,
    opts: RelayOptions,
) -> RelayEnd
where
    CR: AsyncRead + Unpin + Send + 'static,
    CW: AsyncWrite + Unpin + Send + 'static,
    SR: AsyncRead + Unpin + Send + 'static,
    SW: AsyncWrite + Unpin + Send + 'static,
{
    run_loop(
        router,
        client_in,
        client_out,
        server_out,
        server_in,
        opts,
        Control::Streams,
        false,
    )
    .await
}

/// Start the server and relay between it and the client until one side ends. The server's
/// stderr is inherited. The gateway also shuts down on SIGTERM, SIGINT and SIGHUP.
pub async fn run_child<CR, CW>(
    router: Router,
    client_in: CR,
    client_out: CW,
    cmd: &ServerCommand,
    opts: RelayOptions,
) -> Result<RelayEnd, RelayError>
where
    CR: AsyncRead + Unpin + Send + 'static,
    CW: AsyncWrite + Unpin + Send + 'static,
{
    let mut command = tokio::process::Command::new(&cmd.program);
    command
        .args(&cmd.args)
        .envs(cmd.env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .process_group(0)
        .kill_on_drop(true);
    if let Some(dir) = &cmd.cwd {
        command.current_dir(dir);
    }
    let mut child = command.spawn().map_err(|source| RelayError::Spawn {
        program: cmd.program.to_string_lossy().into_owned(),
        source,
    })?;
    let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        return Err(RelayError::Pipes);
    };
    Ok(run_loop(
        router,
        client_in,
        client_out,
        stdout,
        stdin,
        opts,
        Control::Child(child),
        true,
    )
    .await)
}

#[allow(clippy::too_many_arguments)]
async fn run_loop<CR, CW, SR, SW>(
    mut router: Router,
    client_in: CR,
    client_out: CW,
    server_out: SR,
    server_in: SW,
    opts: RelayOptions,
    mut control: Control,
    handle_signals: bool,
) -> RelayEnd
where
    CR: AsyncRead + Unpin + Send + 'static,
    CW: AsyncWrite + Unpin + Send + 'static,
    SR: AsyncRead + Unpin + Send + 'static,
    SW: AsyncWrite + Unpin + Send + 'static,
{
    let (ev_tx, mut ev_rx) = mpsc::channel::<Ev>(64);
    spawn_reader(client_in, opts.max_line, ev_tx.clone(), Ev::Client, |_| {
        Ev::ClientEof
    });
    spawn_reader(
        server_out,
        opts.max_line,
        ev_tx.clone(),
        Ev::Server,
        Ev::ServerEof,
    );
    if handle_signals {
        spawn_signal_listener(ev_tx.clone());
    }
    let (client_tx, client_writer) = spawn_writer(client_out);
    let (server_tx, server_writer) = spawn_writer(server_in);
    let mut server_tx = Some(server_tx);
    let mut client_closed = false;
    // Shutdown escalation after the client closed and nothing is pending: 0 wait for exit,
    // 1 SIGTERM sent, 2 SIGKILL sent.
    let mut stage = 0u8;
    let mut deadline: Option<Instant> = None;
    let mut timers: BinaryHeap<Reverse<(Instant, u64)>> = BinaryHeap::new();
    // After the client closed, requests already relayed may still be answered (a client that
    // writes its requests and closes its stdin still reads the answers); the server's stdin is
    // closed once nothing is pending, or after `DRAIN_LIMIT` at most.
    let mut drain_until: Option<Instant> = None;
    let end = loop {
        if client_closed
            && deadline.is_none()
            && (router.pending_requests() == 0 || drain_until.is_some_and(|d| Instant::now() >= d))
        {
            // Closing the server's stdin is the first step of its shutdown.
            server_tx = None;
            deadline = Some(Instant::now() + opts.shutdown_grace);
        }
        let deadline_or_drain = deadline.or(if client_closed { drain_until } else { None });
        // Router timers live in one heap; the earliest one is a branch of the select.
        if let Some(Reverse((at, token))) = timers.peek().copied()
            && at <= Instant::now()
        {
            timers.pop();
            let outs = router.on_timer(token, std::time::Instant::now());
            dispatch(outs, &client_tx, &mut server_tx, &mut timers, &opts).await;
            continue;
        }
        let next_timer = timers.peek().map(|Reverse((at, _))| *at);
        let ev = match deadline_or_drain {
            None if next_timer.is_some() => tokio::select! {
                ev = ev_rx.recv() => ev,
                () = sleep_until_opt(next_timer) => continue,
            },
            Some(d) if deadline.is_none() => tokio::select! {
                ev = ev_rx.recv() => ev,
                () = tokio::time::sleep_until(d) => continue,
                () = sleep_until_opt(next_timer) => continue,
            },
            Some(d) => tokio::select! {
                ev = ev_rx.recv() => ev,
                () = sleep_until_opt(next_timer) => continue,
                () = tokio::time::sleep_until(d) => {
                    if control.exited() && matches!(control, Control::Child(_)) {
                        // Exited, but a grandchild may hold stdout open: stop reading.
                        break RelayEnd::ClientClosed { server: control.exit_detail(Duration::ZERO).await };
                    }
                    match stage {
                        0 => control.signal(nix::sys::signal::Signal::SIGTERM),
                        1 => control.signal(nix::sys::signal::Signal::SIGKILL),
                        _ => break RelayEnd::ClientClosed { server: "the server did not exit after SIGKILL".into() },
                    }
                    if matches!(control, Control::Streams) {
                        break RelayEnd::ClientClosed { server: "streams closed".into() };
                    }
                    stage += 1;
                    deadline = Some(Instant::now() + opts.shutdown_grace);
                    continue;
                }
            },
            None => ev_rx.recv().await,
        };
        let Some(ev) = ev else {
            break RelayEnd::ClientClosed {
                server: "event channel closed".into(),
            };
        };
        let now = std::time::Instant::now();
        let outs = match ev {
            Ev::Client(f) => router.on_client(f, now),
            Ev::ClientEof => {
                if !client_closed {
                    client_closed = true;
                    drain_until = Some(Instant::now() + DRAIN_LIMIT);
                }
                continue;
            }
            Ev::Stop => {
                client_closed = true;
                drain_until = Some(Instant::now());
                continue;
            }
            Ev::Server(f) => router.on_server(f, now),
            Ev::ServerEof(err) => {
                let detail = match err {
                    Some(e) => format!("reading the server's output failed: {e}"),
                    None => control.exit_detail(Duration::from_millis(500)).await,
                };
                let outs = router.on_server_closed(&detail);
                dispatch(outs, &client_tx, &mut server_tx, &mut timers, &opts).await;
                if client_closed {
                    break RelayEnd::ClientClosed { server: detail };
                }
                (opts.log)(&format!("warden: MCP server ended: {detail}"));
                break RelayEnd::ServerExited { detail };
            }
        };
        dispatch(outs, &client_tx, &mut server_tx, &mut timers, &opts).await;
    };
    drop(server_tx);
    drop(client_tx);
    let _ = tokio::time::timeout(Duration::from_secs(5), client_writer).await;
    server_writer.abort();
    if let Control::Child(child) = &mut control
        && !matches!(child.try_wait(), Ok(Some(_)))
    {
        control.signal(nix::sys::signal::Signal::SIGKILL);
        if let Control::Child(child) = &mut control {
            let _ = tokio::time::timeout(Duration::from_secs(2), child.wait()).await;
        }
    }
    end
}

async fn dispatch(
    outs: Vec<Out>,
    client_tx: &mpsc::Sender<Vec<u8>>,
    server_tx: &mut Option<mpsc::Sender<Vec<u8>>>,
    timers: &mut BinaryHeap<Reverse<(Instant, u64)>>,
    opts: &RelayOptions,
) {
    for out in outs {
        match out {
            Out::Client(line) => {
                // A client that went away is not an error here; its EOF ends the session.
                let _ = client_tx.send(line).await;
            }
            Out::Server(line) => {
                if let Some(tx) = server_tx.as_ref()
                    && tx.send(line).await.is_err()
                {
                    *server_tx = None;
                }
            }
            Out::Timer { token, after } => timers.push(Reverse((Instant::now() + after, token))),
            Out::Log(text) => (opts.log)(&text),
        }
    }
}

async fn sleep_until_opt(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

fn spawn_signal_listener(tx: mpsc::Sender<Ev>) {
    use tokio::signal::unix::{SignalKind, signal};
    tokio::spawn(async move {
        let (Ok(mut term), Ok(mut int), Ok(mut hup)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
            signal(SignalKind::hangup()),
        ) else {
            return;
        };
        tokio::select! {
            _ = term.recv() => {}
            _ = int.recv() => {}
            _ = hup.recv() => {}
        }
        let _ = tx.send(Ev::Stop).await;
    });
}
