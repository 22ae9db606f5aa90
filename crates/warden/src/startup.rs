//! The part of Rust's start-up that Warden keeps.
//!
//! On Linux with glibc the binary is `#![no_main]`: libc calls `main` in `main.rs` directly,
//! without `std`'s runtime start. The hook is a fresh process before every tool call of the
//! agent, and that start-up cost it 0.1-0.5 ms (`bench/hook/README.md`), mostly spent
//! installing the stack-overflow handler: glibc reads and parses `/proc/self/maps` to find the
//! main thread's stack, and an alternate signal stack is mapped and unmapped. That handler
//! only prints "has overflowed its stack" before the process dies anyway. What start-up does
//! that behaviour depends on is done here:
//!
//! - a standard descriptor (0, 1, 2) that the parent left closed is opened on `/dev/null`, so
//!   a file Warden opens, such as the audit log, can never become its stdout or stderr;
//! - `SIGPIPE` is ignored, so writing to a closed pipe is an `EPIPE` error that the commands
//!   handle, not a silent death.
//!
//! At the end, `std::process::exit` runs `std`'s clean-up (it flushes stdout) as usual.

use std::io;

/// Make the process ready for `std`, as described in the module documentation.
pub fn init() {
    for fd in [libc::STDIN_FILENO, libc::STDOUT_FILENO, libc::STDERR_FILENO] {
        if is_closed(fd) && !open_dev_null_as(fd) {
            // As `std` does: better no process than one whose stderr may be the audit log.
            std::process::abort();
        }
    }
    ignore_sigpipe();
}

#[allow(unsafe_code)]
fn is_closed(fd: libc::c_int) -> bool {
    // SAFETY: `F_GETFD` only reads the descriptor's flags; it touches no memory of ours and is
    // harmless on a descriptor that is not open.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFD) };
    flags == -1 && io::Error::last_os_error().raw_os_error() == Some(libc::EBADF)
}

/// Open `/dev/null` read-write; the kernel gives it the lowest free descriptor, which is `fd`
/// because the lower ones were checked (and filled) first.
#[allow(unsafe_code)]
fn open_dev_null_as(fd: libc::c_int) -> bool {
    // SAFETY: the path is a NUL-terminated string literal that lives for the whole call.
    let opened = unsafe { libc::open(c"/dev/null".as_ptr(), libc::O_RDWR) };
    opened == fd
}

#[allow(unsafe_code)]
fn ignore_sigpipe() {
    // SAFETY: installing `SIG_IGN` runs no code of ours in a signal context; the previous
    // disposition, which is returned, is not needed.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
    }
}
