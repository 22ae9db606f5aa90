//! The hook's time limit and stack, for a decision made on the main thread.
//!
//! A host that times a hook out lets the tool call proceed, so a decision that runs away must
//! end in a deny; and a stack overflow aborts the process with no answer at all. The portable
//! way to get both is a worker thread with a large stack and a timed wait for its answer
//! (`hook::within_budget`), but on a 1 ms budget the thread is the most expensive thing the
//! hook does: mapping and unmapping its stack, a second malloc arena, and the cross-CPU TLB
//! flushes both cost more than the decision. So on Linux the hook decides on the main thread:
//!
//! - [`grow_main_stack`] raises the soft `RLIMIT_STACK`. The kernel checks that limit each
//!   time the main thread's stack grows, so raising it at run time lets the stack grow that
//!   far (the address space below the stack is kept free of mappings for at least 128 MiB).
//! - [`Deadline::arm`] starts a `SIGALRM` timer whose handler writes an answer prepared in
//!   advance (the deny) and exits with its code. The handler only calls `write(2)` and
//!   `_exit(2)`, which are async-signal-safe, on bytes that are never changed once armed.

use std::sync::OnceLock;
use std::time::Duration;

use warden_agents::HookAnswer;

/// The answer the alarm handler writes, set once before the timer is armed.
struct Prepared {
    stdout: Box<[u8]>,
    stderr: Box<[u8]>,
    exit_code: i32,
}

static PREPARED: OnceLock<Prepared> = OnceLock::new();

/// Let the main thread's stack grow to `bytes`: raise the soft `RLIMIT_STACK` to it when it is
/// lower and the hard limit allows. False when the stack cannot grow that far, in which case
/// the caller must use a thread with a stack of its own. Only meaningful on the main thread.
pub fn grow_main_stack(bytes: u64) -> bool {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Stack);
    if limit.current.is_none_or(|current| current >= bytes) {
        return true;
    }
    if limit.maximum.is_some_and(|maximum| maximum < bytes) {
        return false;
    }
    setrlimit(
        Resource::Stack,
        Rlimit {
            current: Some(bytes),
            maximum: limit.maximum,
        },
    )
    .is_ok()
}

/// A running `SIGALRM` timer that answers for the process when it expires. Dropping it (or
/// [`Deadline::disarm`]) stops the timer.
#[must_use = "the deadline is disarmed when dropped"]
pub struct Deadline(());

impl Deadline {
    /// Arm the process-wide deadline: after `budget`, `answer` is written to stdout and stderr
    /// and the process exits with its code, wherever the main thread is. Fails when a deadline
    /// was already armed in this process or the timer cannot be set.
    pub fn arm(answer: &HookAnswer, budget: Duration) -> std::io::Result<Deadline> {
        let prepared = Prepared {
            stdout: answer.stdout.as_bytes().into(),
            stderr: answer.stderr.as_bytes().into(),
            exit_code: i32::from(answer.exit_code),
        };
        if PREPARED.set(prepared).is_err() {
            return Err(std::io::Error::other("the deadline is armed only once"));
        }
        install_handler()?;
        set_timer(budget)?;
        Ok(Deadline(()))
    }

    /// Stop the timer. After this returns the handler can no longer run.
    pub fn disarm(self) {}
}

impl Drop for Deadline {
    fn drop(&mut self) {
        // Stopping a timer cannot fail with a zero value and a valid `which`.
        let _ = set_timer(Duration::ZERO);
    }
}

#[allow(unsafe_code)]
fn install_handler() -> std::io::Result<()> {
    // SAFETY: `sigaction` reads the struct we pass and writes nothing of ours (the old action
    // pointer is null). The struct is zero-initialised, which is a valid `sigaction` (empty
    // flags, empty mask), and then filled with a handler of the signature `sa_handler` expects
    // (no SA_SIGINFO). What the handler itself may do is argued at `on_alarm`.
    let result = unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = on_alarm as extern "C" fn(libc::c_int) as libc::sighandler_t;
        libc::sigfillset(&mut action.sa_mask);
        libc::sigaction(libc::SIGALRM, &action, std::ptr::null_mut())
    };
    if result == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[allow(unsafe_code)]
fn set_timer(after: Duration) -> std::io::Result<()> {
    let value = libc::timeval {
        tv_sec: libc::time_t::try_from(after.as_secs()).unwrap_or(libc::time_t::MAX),
        tv_usec: libc::suseconds_t::from(after.subsec_micros()),
    };
    let timer = libc::itimerval {
        it_interval: libc::timeval {
            tv_sec: 0,
            tv_usec: 0,
        },
        it_value: value,
    };
    // SAFETY: `setitimer` reads the struct we pass and, with a null old-value pointer, writes
    // nothing of ours.
    let result = unsafe { libc::setitimer(libc::ITIMER_REAL, &timer, std::ptr::null_mut()) };
    if result == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// The `SIGALRM` handler: write the prepared answer and exit.
///
/// Sound in a signal handler: `PREPARED` was set before the timer was armed and is never
/// changed afterwards, so `get` is one atomic load and the bytes it returns are not being
/// written by anyone; `write` and `_exit` are async-signal-safe; nothing here allocates,
/// locks, or unwinds. `_exit` skips destructors and stdio buffers on purpose: the main thread
/// may be holding any lock.
#[allow(unsafe_code)]
extern "C" fn on_alarm(_signal: libc::c_int) {
    let code = match PREPARED.get() {
        Some(prepared) => {
            write_all(libc::STDOUT_FILENO, &prepared.stdout);
            write_all(libc::STDERR_FILENO, &prepared.stderr);
            prepared.exit_code
        }
        None => 2,
    };
    // SAFETY: `_exit` is async-signal-safe and takes no pointers.
    unsafe { libc::_exit(code) }
}

/// `write(2)` until done or failed, retrying an interrupted or partial write.
#[allow(unsafe_code)]
fn write_all(fd: libc::c_int, mut bytes: &[u8]) {
    while !bytes.is_empty() {
        // SAFETY: the pointer and length describe the live slice `bytes`, which `write` only
        // reads.
        let n = unsafe { libc::write(fd, bytes.as_ptr().cast(), bytes.len()) };
        match usize::try_from(n) {
            Ok(0) => return,
            Ok(n) => bytes = bytes.get(n..).unwrap_or_default(),
            Err(_) if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted => {
            }
            Err(_) => return,
        }
    }
}
