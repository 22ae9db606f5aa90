//! The writer: [`AuditLog::open`] and [`AuditLog::append`].
//!
//! One append, with the lock file's exclusive `flock` held throughout:
//!
//! 1. open the active segment (`O_APPEND`) and read its last few KB to find the last record's
//!    `seq` and `hash` (the previous segment's, right after a rotation);
//! 2. if the segment ends in a torn write (no final newline, or NUL bytes from a crash), copy
//!    those bytes to `audit.torn.<time>.<pid>`, cut them off, and append a `torn_tail` record
//!    that names the file and the bytes' SHA-256;
//! 3. build the record (`prev` = last hash, `seq` + 1), MAC it if the log is keyed, hash it,
//!    and write the whole line with a single `write(2)`: once `append` returns, the record is in
//!    the kernel and survives the death of the process;
//! 4. fsync as the [`FsyncPolicy`] says, and rotate the segment if it has grown past the limit.

use std::fs::File;
use std::io::{self, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use serde_json::{Value, json};

use crate::error::{AuditError, Result};
use crate::files::{self, ACTIVE_SEGMENT, FsKind, KEY_FILE, LOCK_FILE};
use crate::keys::{self, KeyState};
use crate::record::{self, GENESIS, MAX_LINE_BYTES, NewRecord, Record};
use crate::time;

/// When appended records are forced to stable storage.
///
/// Without an fsync a record is still in the kernel when `append` returns, so it survives the
/// death of the writing process; only a power cut or kernel crash can lose it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FsyncPolicy {
    /// After every record. A power cut loses nothing that was appended.
    Always,
    /// After records whose decision is `deny` or `ask` (and after torn-tail records,
    /// rotations and checkpoints). A power cut can lose the `allow` / no-opinion records
    /// appended since the last such record (the kernel usually writes them within ~30 s).
    DenyAndAsk,
    /// At the first append at least this long after the previous fsync by any writer. A power
    /// cut can lose the records appended since the last fsync.
    Every(Duration),
    /// Start writing each record to the disk at once, without waiting for it (Linux
    /// `sync_file_range`; elsewhere the same as [`FsyncPolicy::Never`]). The hook never waits
    /// for the disk; a power cut can lose the records of the last few seconds: the device's
    /// write latency plus the file system's journal commit interval (5 s on ext4), which
    /// records the file's new length.
    WriteBehind,
    /// Never: the kernel writes back when it likes.
    Never,
}

impl std::str::FromStr for FsyncPolicy {
    type Err = String;

    /// `always`, `deny-ask`, `write-behind`, `never`, or an interval such as `250ms` / `5s`
    /// for [`FsyncPolicy::Every`].
    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        let every = |digits: &str, unit: fn(u64) -> Duration| {
            digits
                .parse::<u64>()
                .ok()
                .map(|n| FsyncPolicy::Every(unit(n)))
        };
        let policy = match s.trim() {
            "always" => Some(FsyncPolicy::Always),
            "deny-ask" => Some(FsyncPolicy::DenyAndAsk),
            "write-behind" => Some(FsyncPolicy::WriteBehind),
            "never" => Some(FsyncPolicy::Never),
            other => match other.strip_suffix("ms") {
                Some(ms) => every(ms, Duration::from_millis),
                None => other
                    .strip_suffix('s')
                    .and_then(|secs| every(secs, Duration::from_secs)),
            },
        };
        policy.ok_or_else(|| {
            format!(
                "unknown fsync policy `{s}`: use always, deny-ask, write-behind, never, or an interval like 250ms"
            )
        })
    }
}

/// What to do when the log directory is on a network file system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetworkFsPolicy {
    /// Refuse to open the log ([`AuditError::NetworkFilesystem`]).
    Refuse,
    /// Open it, and report [`OpenWarning::NetworkFilesystem`] for the caller to show loudly.
    Warn,
}

/// How the log is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// When to fsync. Default: [`FsyncPolicy::WriteBehind`], so the hook never waits for
    /// the disk; long-running writers may choose `Every`.
    pub fsync: FsyncPolicy,
    /// Rotate the active segment once it reaches this many bytes. Default 16 MiB.
    pub max_segment_bytes: u64,
    /// How long to wait for another writer's lock. Default 2 s.
    pub lock_timeout: Duration,
    /// Network file systems. Default: [`NetworkFsPolicy::Refuse`].
    pub network_fs: NetworkFsPolicy,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            fsync: FsyncPolicy::WriteBehind,
            max_segment_bytes: 16 * 1024 * 1024,
            lock_timeout: Duration::from_secs(2),
            network_fs: NetworkFsPolicy::Refuse,
        }
    }
}

/// Something about the log's location the caller should tell the person.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum OpenWarning {
    /// The directory is on a network file system (`nfs`, `cifs`, …): concurrent writers on
    /// different machines can fork the chain and fsync may not be durable.
    NetworkFilesystem(&'static str),
    /// The directory is on a FUSE file system, which may be remote.
    Fuse,
}

impl std::fmt::Display for OpenWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OpenWarning::NetworkFilesystem(fs) => write!(
                f,
                "the audit log is on a network file system ({fs}): locking and durability are not guaranteed"
            ),
            OpenWarning::Fuse => f.write_str(
                "the audit log is on a FUSE file system: if it is remote, locking and durability are not guaranteed",
            ),
        }
    }
}

/// What one append did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appended {
    /// The record's sequence number.
    pub seq: u64,
    /// The record's hash.
    pub hash: String,
    /// Whether the record was fsynced.
    pub synced: bool,
    /// Whether the record carries a MAC.
    pub keyed: bool,
    /// Whether its action was truncated to fit [`MAX_LINE_BYTES`].
    pub truncated: bool,
    /// A torn tail found and moved aside before this record, if any.
    pub recovered: Option<TornTail>,
    /// Whether the active segment was rotated after this record.
    pub rotated: bool,
}

/// A torn write found at the end of the log and moved aside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TornTail {
    /// The last intact record before it.
    pub after_seq: u64,
    /// How many bytes were moved aside.
    pub bytes: u64,
    /// Their SHA-256.
    pub sha256: String,
    /// The file (in the log directory) that holds them.
    pub saved_to: String,
    /// The sequence number of the `torn_tail` record that reports it.
    pub record_seq: u64,
}

/// An open audit log directory.
#[derive(Debug)]
pub struct AuditLog {
    dir: PathBuf,
    options: Options,
    lock_path: PathBuf,
    lock: File,
    /// `flock` excludes other open files, not other threads using this one: threads of one
    /// process sharing an `AuditLog` take this first.
    threads: Mutex<()>,
    host: String,
    warnings: Vec<OpenWarning>,
}

/// Both locks; the file lock is released first.
pub(crate) struct Locked<'a> {
    _file: files::LockGuard<'a>,
    _thread: MutexGuard<'a, ()>,
}

/// The writer's view of the end of the log, under the lock.
pub(crate) struct TailState {
    pub(crate) file: File,
    pub(crate) path: PathBuf,
    /// Current length of the active segment.
    pub(crate) len: u64,
    /// Where its complete records end (`len` unless torn).
    pub(crate) complete_len: u64,
    /// The last record's sequence number (0 for an empty log).
    pub(crate) seq: u64,
    /// The last record's hash ([`GENESIS`] for an empty log).
    pub(crate) hash: String,
}

impl AuditLog {
    /// Open the log in `dir`, creating the directory (mode 0700) and the lock file if needed.
    /// Cheap: a mkdir, an open and a statfs. Refuses network file systems unless
    /// `options.network_fs` says to warn.
    pub fn open(dir: &Path, options: Options) -> Result<AuditLog> {
        files::ensure_private_dir(dir)?;
        let lock_path = dir.join(LOCK_FILE);
        let lock = files::open_rw(&lock_path)?;
        let mut warnings = Vec::new();
        match files::fs_kind(&lock).map_err(|e| AuditError::io("statfs", dir, e))? {
            FsKind::Local => {}
            FsKind::Network(fs) if options.network_fs == NetworkFsPolicy::Refuse => {
                return Err(AuditError::NetworkFilesystem {
                    path: dir.to_owned(),
                    fs,
                });
            }
            FsKind::Network(fs) => warnings.push(OpenWarning::NetworkFilesystem(fs)),
            FsKind::Fuse => warnings.push(OpenWarning::Fuse),
        }
        let host = rustix::system::uname()
            .nodename()
            .to_string_lossy()
            .into_owned();
        Ok(AuditLog {
            dir: dir.to_owned(),
            options,
            lock_path,
            lock,
            threads: Mutex::new(()),
            host,
            warnings,
        })
    }

    /// The log directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Warnings about the log's location, for the caller to show.
    pub fn warnings(&self) -> &[OpenWarning] {
        &self.warnings
    }

    /// Append one record: lock, read the tail, recover a torn tail if there is one, write one
    /// line with one `write(2)`, fsync by policy, rotate by size, unlock.
    pub fn append(&self, record: NewRecord) -> Result<Appended> {
        let _guard = self.lock()?;
        let mut tail = self.read_tail_state()?;
        let recovered = self.recover_torn(&mut tail)?;
        let decisive = matches!(record.decision.as_deref(), Some("deny" | "ask"));
        let mut appended = self.write_record(&mut tail, record)?;
        appended.synced = self.sync_by_policy(&tail, decisive, recovered.is_some())?;
        appended.recovered = recovered;
        appended.rotated = self.rotate_if_full(&tail)?;
        Ok(appended)
    }

    pub(crate) fn lock(&self) -> Result<Locked<'_>> {
        // A panic while appending leaves nothing half-done in memory: the file is the state.
        let thread = self.threads.lock().unwrap_or_else(PoisonError::into_inner);
        let file = files::lock_exclusive(&self.lock, &self.lock_path, self.options.lock_timeout)?;
        Ok(Locked {
            _file: file,
            _thread: thread,
        })
    }

    /// Find the end of the log. Call with the lock held.
    pub(crate) fn read_tail_state(&self) -> Result<TailState> {
        let path = self.dir.join(ACTIVE_SEGMENT);
        let file = files::open_append(&path)?;
        let len = file
            .metadata()
            .map_err(|e| AuditError::io("inspect", &path, e))?
            .len();
        let tail = files::read_tail(&file, len).map_err(|e| AuditError::io("read", &path, e))?;
        let (seq, hash) = match &tail.last_line {
            Some(line) => parse_tail_or_corrupt(line, &path)?,
            None => self.previous_segment_tail()?,
        };
        Ok(TailState {
            file,
            path,
            len,
            complete_len: tail.complete_len,
            seq,
            hash,
        })
    }

    /// The last record of the newest rotated segment, for an empty active segment.
    fn previous_segment_tail(&self) -> Result<(u64, String)> {
        let segments = files::list_segments(&self.dir)?;
        let Some(last) = segments.iter().rev().find(|s| s.first_seq.is_some()) else {
            return Ok((0, GENESIS.to_owned()));
        };
        let file = File::open(&last.path).map_err(|e| AuditError::io("open", &last.path, e))?;
        let len = file
            .metadata()
            .map_err(|e| AuditError::io("inspect", &last.path, e))?
            .len();
        let tail =
            files::read_tail(&file, len).map_err(|e| AuditError::io("read", &last.path, e))?;
        match tail.last_line {
            Some(line) if tail.complete_len == len => parse_tail_or_corrupt(&line, &last.path),
            _ => Err(AuditError::CorruptTail {
                path: last.path.clone(),
                why: "a rotated segment does not end with a complete record".to_owned(),
            }),
        }
    }

    /// Move a torn tail aside and record that it was. Call with the lock held.
    fn recover_torn(&self, tail: &mut TailState) -> Result<Option<TornTail>> {
        if tail.complete_len == tail.len {
            return Ok(None);
        }
        let now = time::now_micros();
        let name = format!("audit.torn.{now}.{}", std::process::id());
        let aside_path = self.dir.join(&name);
        let mut aside = files::create_new(&aside_path)?;
        let mut hasher = <sha2::Sha256 as sha2::Digest>::new();
        let mut offset = tail.complete_len;
        let mut buf = vec![0u8; 64 * 1024];
        while offset < tail.len {
            let want = usize::try_from(tail.len - offset)
                .unwrap_or(usize::MAX)
                .min(buf.len());
            let n = tail
                .file
                .read_at(&mut buf[..want], offset)
                .map_err(|e| AuditError::io("read", &tail.path, e))?;
            if n == 0 {
                break;
            }
            sha2::Digest::update(&mut hasher, &buf[..n]);
            aside
                .write_all(&buf[..n])
                .map_err(|e| AuditError::io("write", &aside_path, e))?;
            offset += n as u64;
        }
        aside
            .sync_all()
            .map_err(|e| AuditError::io("fsync", &aside_path, e))?;
        files::sync_dir(&self.dir)?;
        let bytes = offset - tail.complete_len;
        tail.file
            .set_len(tail.complete_len)
            .and_then(|()| tail.file.sync_data())
            .map_err(|e| AuditError::io("truncate", &tail.path, e))?;
        tail.len = tail.complete_len;
        let sha256 = record::hex(&sha2::Digest::finalize(hasher));
        let after_seq = tail.seq;
        let written = self.write_record(
            tail,
            NewRecord {
                event: "torn_tail".to_owned(),
                point: "audit".to_owned(),
                action: json!({
                    "after_seq": after_seq,
                    "bytes": bytes,
                    "sha256": sha256,
                    "saved_to": name,
                }),
                reason: Some(
                    "an incomplete record left by a crash was moved aside, not dropped".to_owned(),
                ),
                ..NewRecord::default()
            },
        )?;
        Ok(Some(TornTail {
            after_seq,
            bytes,
            sha256,
            saved_to: name,
            record_seq: written.seq,
        }))
    }

    /// Build, MAC, hash and write one record. Call with the lock held.
    pub(crate) fn write_record(&self, tail: &mut TailState, new: NewRecord) -> Result<Appended> {
        let seq = tail.seq + 1;
        let time = time::format_rfc3339(time::now_micros());
        let mut record = Record::new(new, seq, time, self.host.clone(), tail.hash.clone());
        let key = keys::writer_key(&self.dir.join(KEY_FILE), seq)?;
        let mut stage = 0;
        let line = loop {
            let line = seal(&mut record, key.as_ref());
            if line.len() <= MAX_LINE_BYTES {
                break line;
            }
            match stage {
                0 => {
                    record::truncate_long_strings(&mut record.action);
                }
                1 => record::summarise(&mut record.action),
                2 => {
                    for field in [&mut record.reason, &mut record.cwd, &mut record.tool] {
                        *field = field.take().map(|s| record::cut_string(&s, 4096));
                    }
                }
                _ => {
                    return Err(AuditError::RecordTooLarge {
                        bytes: line.len(),
                        limit: MAX_LINE_BYTES,
                    });
                }
            }
            stage += 1;
        };
        let truncated = stage > 0;
        write_once(&tail.file, &tail.path, line.as_bytes(), tail.len)?;
        tail.len += line.len() as u64;
        tail.complete_len = tail.len;
        tail.seq = seq;
        tail.hash.clone_from(&record.hash);
        Ok(Appended {
            seq,
            hash: record.hash,
            synced: false,
            keyed: key.is_some(),
            truncated,
            recovered: None,
            rotated: false,
        })
    }

    /// Fsync the active segment if the policy asks for it now: `decisive` for a deny or ask
    /// record, `recovered` after a torn tail was moved aside (always synced, as a crash was
    /// just seen). Call with the lock held.
    fn sync_by_policy(&self, tail: &TailState, decisive: bool, recovered: bool) -> Result<bool> {
        let now = time::now_micros();
        let important = decisive || recovered;
        let sync = match self.options.fsync {
            FsyncPolicy::Always => true,
            FsyncPolicy::DenyAndAsk => important,
            FsyncPolicy::Never => false,
            FsyncPolicy::WriteBehind if recovered => true,
            FsyncPolicy::WriteBehind => {
                files::start_writeback(&tail.file);
                false
            }
            FsyncPolicy::Every(interval) => {
                let mut last = [0u8; 8];
                let last = match self.lock.read_at(&mut last, 0) {
                    Ok(8) => i64::from_le_bytes(last),
                    _ => 0,
                };
                let interval = i64::try_from(interval.as_micros()).unwrap_or(i64::MAX);
                important || now.saturating_sub(last) >= interval
            }
        };
        if sync {
            tail.file
                .sync_data()
                .map_err(|e| AuditError::io("fsync", &tail.path, e))?;
            if let FsyncPolicy::Every(_) = self.options.fsync {
                self.lock
                    .write_all_at(&now.to_le_bytes(), 0)
                    .map_err(|e| AuditError::io("write", &self.lock_path, e))?;
            }
        }
        Ok(sync)
    }

    /// Rename a full active segment to its rotated name. Call with the lock held.
    fn rotate_if_full(&self, tail: &TailState) -> Result<bool> {
        if tail.len < self.options.max_segment_bytes {
            return Ok(false);
        }
        let first = files::read_first_line(&tail.file)
            .map_err(|e| AuditError::io("read", &tail.path, e))?;
        let Some((first_seq, _)) = record::parse_tail(&first) else {
            return Err(AuditError::CorruptTail {
                path: tail.path.clone(),
                why: "the first record of the segment is unreadable".to_owned(),
            });
        };
        let target = self.dir.join(files::rotated_name(first_seq));
        if target.exists() {
            // Never overwrite a segment; `verify` will show why the names collide.
            return Ok(false);
        }
        tail.file
            .sync_data()
            .map_err(|e| AuditError::io("fsync", &tail.path, e))?;
        std::fs::rename(&tail.path, &target)
            .map_err(|e| AuditError::io("rotate", &tail.path, e))?;
        files::sync_dir(&self.dir)?;
        Ok(true)
    }
}

/// Fill in `epoch`, `mac` and `hash` and return the line to store.
fn seal(record: &mut Record, key: Option<&KeyState>) -> String {
    record.epoch = key.map(|k| k.epoch);
    record.mac = None;
    let Value::Object(mut object) = record.to_value() else {
        return String::new();
    };
    object.remove("mac");
    if let Some(key) = key {
        let mac = key.mac(record::mac_input(&object).as_bytes());
        object.insert("mac".to_owned(), Value::String(mac.clone()));
        record.mac = Some(mac);
    }
    record.hash = record::hash_object(&object);
    object.insert("hash".to_owned(), Value::String(record.hash.clone()));
    let mut line = crate::canonical::to_string(&Value::Object(object));
    line.push('\n');
    line
}

/// Write `line` with a single `write(2)`. A short write (disk full) is undone by truncating
/// back to `len`, so the log never keeps half a record it knows about.
fn write_once(file: &File, path: &Path, line: &[u8], len: u64) -> Result<()> {
    let result = loop {
        match (&*file).write(line) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => break other,
        }
    };
    match result {
        Ok(n) if n == line.len() => Ok(()),
        Ok(n) => {
            let _ = file.set_len(len);
            Err(AuditError::io(
                "append to",
                path,
                io::Error::new(
                    io::ErrorKind::WriteZero,
                    format!("short write: {n} of {} bytes", line.len()),
                ),
            ))
        }
        Err(e) => Err(AuditError::io("append to", path, e)),
    }
}

fn parse_tail_or_corrupt(line: &[u8], path: &Path) -> Result<(u64, String)> {
    record::parse_tail(line).ok_or_else(|| AuditError::CorruptTail {
        path: path.to_owned(),
        why: if line.len() > MAX_LINE_BYTES {
            format!("a line of {} bytes, longer than any record", line.len())
        } else {
            "it is not a record".to_owned()
        },
    })
}

/// `$XDG_STATE_HOME/warden`, else `$HOME/.local/state/warden` (empty and relative values are
/// ignored; see [`warden_core::dirs::state_dir`]).
pub fn default_state_dir() -> Option<PathBuf> {
    warden_core::dirs::state_dir(
        std::env::var_os("XDG_STATE_HOME").as_deref(),
        std::env::var_os("HOME").as_deref(),
    )
}
