//! The files of the log directory: names, segment listing, locking, tails, network file
//! systems.
//!
//! ```text
//! audit.lock                 flock target; its first 8 bytes hold the time of the last fsync
//! audit.jsonl                the active segment, appended to
//! audit.000000000001.jsonl   rotated segments, named after their first sequence number
//! audit.torn.<time>.<pid>    torn tails moved aside after a crash
//! audit.key                  the forward-secure HMAC key of the current epoch (optional)
//! checkpoint.key             the Ed25519 checkpoint signing key (created on first checkpoint)
//! ```

use std::fs::{self, File, OpenOptions};
use std::io;
use std::os::unix::fs::{DirBuilderExt, FileExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rustix::fs::FlockOperation;

use crate::error::{AuditError, Result};
use crate::record::MAX_LINE_BYTES;

/// The lock file's name.
pub const LOCK_FILE: &str = "audit.lock";
/// The active segment's name.
pub const ACTIVE_SEGMENT: &str = "audit.jsonl";
/// The HMAC key file's name.
pub const KEY_FILE: &str = "audit.key";
/// The checkpoint signing key's name.
pub const CHECKPOINT_KEY_FILE: &str = "checkpoint.key";

/// The name of the rotated segment whose first record has sequence number `first_seq`.
pub fn rotated_name(first_seq: u64) -> String {
    format!("audit.{first_seq:012}.jsonl")
}

/// The first sequence number encoded in a rotated segment's name.
pub fn parse_rotated_name(name: &str) -> Option<u64> {
    let digits = name.strip_prefix("audit.")?.strip_suffix(".jsonl")?;
    if digits.len() < 12 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// One segment file of the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// Its path.
    pub path: PathBuf,
    /// The first sequence number its name claims (`None` for the active segment).
    pub first_seq: Option<u64>,
}

/// The segments of the log in `dir`, oldest first: rotated ones by their first sequence
/// number, then the active one if it exists.
pub fn list_segments(dir: &Path) -> Result<Vec<Segment>> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(AuditError::io("read directory", dir, e)),
    };
    let mut rotated = Vec::new();
    let mut active = None;
    for entry in entries {
        let entry = entry.map_err(|e| AuditError::io("read directory", dir, e))?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if name == ACTIVE_SEGMENT {
            active = Some(Segment {
                path: entry.path(),
                first_seq: None,
            });
        } else if let Some(first) = parse_rotated_name(name) {
            rotated.push(Segment {
                path: entry.path(),
                first_seq: Some(first),
            });
        }
    }
    rotated.sort_by_key(|s| s.first_seq);
    rotated.extend(active);
    Ok(rotated)
}

/// Create `dir` (and parents) with mode 0700 if it does not exist; tighten it to 0700 if it
/// exists with group or other access.
pub fn ensure_private_dir(dir: &Path) -> Result<()> {
    // The directory almost always exists (every hook call opens the log), so look first.
    let meta = match fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => meta,
        _ => {
            fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)
                .map_err(|e| AuditError::io("create directory", dir, e))?;
            fs::metadata(dir).map_err(|e| AuditError::io("inspect", dir, e))?
        }
    };
    if meta.permissions().mode() & 0o077 != 0 {
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
            .map_err(|e| AuditError::io("restrict permissions of", dir, e))?;
    }
    Ok(())
}

/// Open (creating with mode 0600) a file for reading and appending.
pub fn open_append(path: &Path) -> Result<File> {
    OpenOptions::new()
        .read(true)
        .append(true)
        .create(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| AuditError::io("open", path, e))
}

/// Open (creating with mode 0600) a file for reading and writing in place.
pub fn open_rw(path: &Path) -> Result<File> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(path)
        .map_err(|e| AuditError::io("open", path, e))
}

/// Open an existing file for reading and writing in place.
pub fn open_existing_rw(path: &Path) -> io::Result<File> {
    OpenOptions::new().read(true).write(true).open(path)
}

/// Create a new file with mode 0600, failing if it exists.
pub fn create_new(path: &Path) -> Result<File> {
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| {
            if e.kind() == io::ErrorKind::AlreadyExists {
                AuditError::AlreadyExists {
                    path: path.to_owned(),
                }
            } else {
                AuditError::io("create", path, e)
            }
        })
}

/// Fsync a directory so that renames and creations in it survive a power cut.
pub fn sync_dir(dir: &Path) -> Result<()> {
    let d = File::open(dir).map_err(|e| AuditError::io("open", dir, e))?;
    d.sync_all().map_err(|e| AuditError::io("fsync", dir, e))
}

/// An exclusive `flock` on the lock file, released when dropped (and by the kernel if the
/// process dies).
#[derive(Debug)]
pub struct LockGuard<'a> {
    file: &'a File,
}

impl Drop for LockGuard<'_> {
    fn drop(&mut self) {
        // Closing the descriptor or exiting releases it anyway; nothing useful to do on error.
        let _ = rustix::fs::flock(self.file, FlockOperation::Unlock);
    }
}

/// Take an exclusive lock on `file`, retrying with a short backoff until `timeout`.
///
/// A plain blocking `flock` would wait forever behind a stopped writer, and a hook that never
/// answers is treated by the agent as "no objection"; so waiting is bounded.
pub fn lock_exclusive<'a>(file: &'a File, path: &Path, timeout: Duration) -> Result<LockGuard<'a>> {
    lock_with(
        file,
        path,
        timeout,
        FlockOperation::NonBlockingLockExclusive,
    )
}

/// Take a shared lock on `file` (readers: no writer is mid-append while it is held).
pub fn lock_shared<'a>(file: &'a File, path: &Path, timeout: Duration) -> Result<LockGuard<'a>> {
    lock_with(file, path, timeout, FlockOperation::NonBlockingLockShared)
}

fn lock_with<'a>(
    file: &'a File,
    path: &Path,
    timeout: Duration,
    operation: FlockOperation,
) -> Result<LockGuard<'a>> {
    let start = Instant::now();
    let mut pause = Duration::from_micros(20);
    loop {
        match rustix::fs::flock(file, operation) {
            Ok(()) => return Ok(LockGuard { file }),
            Err(rustix::io::Errno::WOULDBLOCK | rustix::io::Errno::INTR) => {}
            Err(e) => return Err(AuditError::io("lock", path, e.into())),
        }
        let waited = start.elapsed();
        if waited >= timeout {
            return Err(AuditError::LockTimeout {
                path: path.to_owned(),
                waited_ms: waited.as_millis(),
            });
        }
        std::thread::sleep(pause.min(timeout - waited));
        pause = (pause * 2).min(Duration::from_millis(2));
    }
}

/// A segment opened for reading, with its length when it was opened.
#[derive(Debug)]
pub struct OpenSegment {
    /// Its path.
    pub path: PathBuf,
    /// The first sequence number its name claims (`None` for the active segment).
    pub first_seq: Option<u64>,
    /// The open file.
    pub file: File,
    /// Its length at the time of the snapshot: readers stop there.
    pub len: u64,
}

/// Open every segment of the log at one instant, holding a shared lock for the moment it
/// takes (when the lock file exists), so that a concurrent rotation or append cannot make a
/// reader miss or half-read a record. Reading happens afterwards, without the lock. Creates
/// nothing.
pub fn snapshot(dir: &Path, timeout: Duration) -> Result<Vec<OpenSegment>> {
    let lock_path = dir.join(LOCK_FILE);
    let lock_file = match File::open(&lock_path) {
        Ok(f) => Some(f),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(AuditError::io("open", &lock_path, e)),
    };
    let _guard = match &lock_file {
        Some(f) => Some(lock_shared(f, &lock_path, timeout)?),
        None => None,
    };
    let mut out = Vec::new();
    for segment in list_segments(dir)? {
        let file = match File::open(&segment.path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(AuditError::io("open", &segment.path, e)),
        };
        let len = file
            .metadata()
            .map_err(|e| AuditError::io("inspect", &segment.path, e))?
            .len();
        out.push(OpenSegment {
            path: segment.path,
            first_seq: segment.first_seq,
            file,
            len,
        });
    }
    Ok(out)
}

/// The end of a segment as the writer sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tail {
    /// The last complete line (without its newline), if any.
    pub last_line: Option<Vec<u8>>,
    /// Where the complete lines end. Bytes from here to the end of the file are a torn write.
    pub complete_len: u64,
}

/// Read the end of a segment of length `len`: its last complete line, and where any torn
/// remainder starts. A remainder is torn when it has no final newline, or when a line holds NUL
/// bytes (what a crash leaves where data blocks were allocated but not written); canonical
/// records never contain either.
///
/// Reads a few KB in the common case; at most about three maximum-length lines.
pub fn read_tail(file: &File, len: u64) -> io::Result<Tail> {
    let limit = (3 * MAX_LINE_BYTES) as u64;
    let mut window = len.min(8192);
    loop {
        let start = len - window;
        let mut buf = vec![0u8; usize::try_from(window).unwrap_or(usize::MAX)];
        file.read_exact_at(&mut buf, start)?;
        if let Some(tail) = tail_in(&buf, start) {
            return Ok(tail);
        }
        if window == len || window >= limit {
            // A "line" longer than any record: hand it back whole so the caller reports it.
            let end = buf.iter().rposition(|&b| b == b'\n').unwrap_or(buf.len());
            return Ok(Tail {
                last_line: Some(buf[..end].to_vec()),
                complete_len: start + end as u64 + 1,
            });
        }
        window = len.min(window * 4).min(limit);
    }
}

/// Find the tail within `buf` (which starts at file offset `start`), or `None` if the window
/// must grow to see where the last line begins.
fn tail_in(buf: &[u8], start: u64) -> Option<Tail> {
    let mut complete = match memchr_last(buf) {
        Some(i) => i + 1,
        None if start == 0 => 0,
        None => return None,
    };
    loop {
        if complete == 0 {
            return (start == 0).then_some(Tail {
                last_line: None,
                complete_len: 0,
            });
        }
        let line_end = complete - 1;
        let line_start = match memchr_last(&buf[..line_end]) {
            Some(i) => i + 1,
            None if start == 0 => 0,
            None => return None,
        };
        let line = &buf[line_start..line_end];
        if line.contains(&0) {
            complete = line_start;
            continue;
        }
        return Some(Tail {
            last_line: Some(line.to_vec()),
            complete_len: start + complete as u64,
        });
    }
}

fn memchr_last(buf: &[u8]) -> Option<usize> {
    buf.iter().rposition(|&b| b == b'\n')
}

/// Read the first line of a segment (for naming it at rotation).
pub fn read_first_line(file: &File) -> io::Result<Vec<u8>> {
    let mut buf = vec![0u8; MAX_LINE_BYTES + 1];
    let mut filled = 0;
    while filled < buf.len() {
        let n = file.read_at(&mut buf[filled..], filled as u64)?;
        if n == 0 {
            break;
        }
        filled += n;
        if buf[..filled].contains(&b'\n') {
            break;
        }
    }
    let end = buf[..filled]
        .iter()
        .position(|&b| b == b'\n')
        .unwrap_or(filled);
    buf.truncate(end);
    Ok(buf)
}

/// What kind of file system a directory is on, as far as the audit log cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FsKind {
    /// A local file system: locks and fsync behave.
    Local,
    /// A network file system (the name): locks may be advisory per client, fsync may lie.
    Network(&'static str),
    /// FUSE: could be local (encryption layers) or remote (sshfs); treated with suspicion.
    Fuse,
}

/// Classify a file system by its `statfs` magic number (from `linux/magic.h` and the file
/// systems' sources).
pub fn classify_fs_magic(magic: u32) -> FsKind {
    match magic {
        0x6969 => FsKind::Network("nfs"),
        0xFF53_4D42 => FsKind::Network("cifs"),
        0xFE53_4D42 => FsKind::Network("smb2"),
        0x517B => FsKind::Network("smb"),
        0x564C => FsKind::Network("ncp"),
        0x7375_7245 => FsKind::Network("coda"),
        0x5346_414F => FsKind::Network("afs"),
        0x6B41_4653 => FsKind::Network("kafs"),
        0x00C3_6400 => FsKind::Network("ceph"),
        0x0102_1997 => FsKind::Network("9p"),
        0x0116_1970 => FsKind::Network("gfs2"),
        0x7461_636F => FsKind::Network("ocfs2"),
        0x0BD0_0BD0 => FsKind::Network("lustre"),
        0x4750_4653 => FsKind::Network("gpfs"),
        0x6573_5546 => FsKind::Fuse,
        _ => FsKind::Local,
    }
}

/// The kind of file system `file` lives on.
pub fn fs_kind(file: &File) -> io::Result<FsKind> {
    let st = rustix::fs::fstatfs(file)?;
    // `f_type` is a signed long on some targets; the magic is its low 32 bits.
    #[allow(clippy::unnecessary_cast)]
    let magic = (st.f_type as i64 as u64 & 0xFFFF_FFFF) as u32;
    Ok(classify_fs_magic(magic))
}

/// Ask the kernel to start writing `file`'s dirty pages to the disk, without waiting. Best
/// effort: the record is already in the page cache, so a failure here only leaves its
/// write-back to the kernel's own schedule.
#[cfg(target_os = "linux")]
pub(crate) fn start_writeback(file: &File) {
    use std::os::fd::AsRawFd;
    // SAFETY: `sync_file_range` reads and writes no memory of ours: it takes a descriptor and
    // three integers (offset 0 and length 0 mean the whole file). The descriptor stays open
    // for the whole call because `file` is borrowed for it.
    #[allow(unsafe_code)]
    let _ = unsafe { libc::sync_file_range(file.as_raw_fd(), 0, 0, libc::SYNC_FILE_RANGE_WRITE) };
}

#[cfg(not(target_os = "linux"))]
pub(crate) fn start_writeback(_file: &File) {}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    #[test]
    fn rotated_names_round_trip() {
        assert_eq!(rotated_name(42), "audit.000000000042.jsonl");
        assert_eq!(parse_rotated_name("audit.000000000042.jsonl"), Some(42));
        for bad in [
            "audit.jsonl",
            "audit.42.jsonl",
            "audit.00000000004x.jsonl",
            "x.000000000042.jsonl",
        ] {
            assert_eq!(parse_rotated_name(bad), None, "{bad}");
        }
    }

    fn tail_of(content: &[u8]) -> Tail {
        let mut f = tempfile::tempfile().unwrap();
        f.write_all(content).unwrap();
        read_tail(&f, content.len() as u64).unwrap()
    }

    #[test]
    fn tails_of_clean_torn_and_zeroed_files() {
        let t = |line: Option<&str>, len: u64| Tail {
            last_line: line.map(|l| l.as_bytes().to_vec()),
            complete_len: len,
        };
        assert_eq!(tail_of(b""), t(None, 0));
        assert_eq!(tail_of(b"a\n"), t(Some("a"), 2));
        assert_eq!(tail_of(b"a\nbc\n"), t(Some("bc"), 5));
        assert_eq!(tail_of(b"a\nbc\n{\"x"), t(Some("bc"), 5));
        assert_eq!(tail_of(b"{\"x"), t(None, 0));
        assert_eq!(tail_of(b"a\nbc\n\0\0\0\n"), t(Some("bc"), 5));
        assert_eq!(tail_of(b"a\nbc\n\0\0\0"), t(Some("bc"), 5));
    }

    #[test]
    fn tails_beyond_the_first_window() {
        let long = "y".repeat(20_000);
        let content = format!("x\n{long}\n");
        assert_eq!(tail_of(content.as_bytes()).last_line.unwrap().len(), 20_000);
        let torn = format!("x\n{long}\n{}", "z".repeat(30_000));
        let tail = tail_of(torn.as_bytes());
        assert_eq!(tail.complete_len, 20_003);
    }

    #[test]
    fn network_file_systems_are_recognised() {
        assert_eq!(classify_fs_magic(0x6969), FsKind::Network("nfs"));
        assert_eq!(classify_fs_magic(0xFF53_4D42), FsKind::Network("cifs"));
        assert_eq!(classify_fs_magic(0x6573_5546), FsKind::Fuse);
        assert_eq!(classify_fs_magic(0xEF53), FsKind::Local); // ext4
        assert_eq!(classify_fs_magic(0x0102_1994), FsKind::Local); // tmpfs
    }

    #[test]
    fn first_line_is_read_whole() {
        let mut f = tempfile::tempfile().unwrap();
        f.write_all(b"first\nsecond\n").unwrap();
        assert_eq!(read_first_line(&f).unwrap(), b"first");
    }
}
