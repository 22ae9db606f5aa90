//! [`verify`]: walk the whole log and say, in types, whether it is intact.
//!
//! Verification reads; it never repairs. It checks, record by record: the line is the
//! canonical JSON of a known schema, its `hash` matches its content, `seq` is one more than the
//! previous record's (starting at 1), `prev` is the previous record's `hash`, rotated segments
//! start where their names say; with a verify key, that every record from the key's start
//! carries the right epoch and MAC; with a checkpoint, that the log reaches the checkpoint and
//! has the checkpointed hash at its sequence number.

use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::time::Duration;

use serde_json::Value;

use crate::checkpoint::Checkpoint;
use crate::error::AuditError;
use crate::files::{self, OpenSegment};
use crate::keys::KeyState;
use crate::record::{self, GENESIS, LineProblem, MAX_LINE_BYTES};

/// What to verify against.
#[derive(Debug, Clone)]
pub struct VerifyOptions {
    /// The initial HMAC key (the verify key written by
    /// [`AuditLog::init_hmac`](crate::AuditLog::init_hmac)), to check every record's MAC.
    pub key: Option<KeyState>,
    /// A checkpoint the log must still agree with.
    pub checkpoint: Option<Checkpoint>,
    /// How long to wait for writers while taking the snapshot.
    pub lock_timeout: Duration,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        VerifyOptions {
            key: None,
            checkpoint: None,
            lock_timeout: Duration::from_secs(5),
        }
    }
}

/// The outcome of [`verify`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    /// Intact, or the first thing found wrong.
    pub status: VerifyStatus,
    /// Records checked (up to the problem, if any).
    pub records: u64,
    /// Segment files read.
    pub segments: usize,
    /// The sequence number of the last good record (0 if none).
    pub last_seq: u64,
    /// The hash of the last good record.
    pub last_hash: Option<String>,
    /// Torn tails that writers found, moved aside and recorded (as `torn_tail` records).
    pub recovered_torn_tails: Vec<RecoveredTornTail>,
    /// Records carrying a MAC.
    pub keyed_records: u64,
    /// MACs checked against the verify key.
    pub macs_checked: u64,
}

impl VerifyReport {
    /// True only when nothing is wrong: exit 0 for `warden log verify`.
    pub fn is_intact(&self) -> bool {
        self.status == VerifyStatus::Ok
    }
}

/// A torn tail recovered by a writer, as its `torn_tail` record tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecoveredTornTail {
    /// The `torn_tail` record's sequence number.
    pub seq: u64,
    /// Bytes moved aside.
    pub bytes: u64,
    /// The file they were moved to.
    pub saved_to: String,
}

/// Whether the log is intact, and if not, the first thing wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyStatus {
    /// Every record checks out (and agrees with the checkpoint, if one was given).
    Ok,
    /// A record or segment is wrong.
    Corrupt {
        /// The sequence number where the problem is (the one expected at that place).
        seq: u64,
        /// The segment file.
        path: PathBuf,
        /// 1-based line within it.
        line: u64,
        /// What is wrong.
        problem: Problem,
    },
    /// The log ends in a torn write that no writer has recovered yet (the next append will move
    /// it aside and record it).
    TornTail {
        /// The last intact record.
        after_seq: u64,
        /// Bytes after it.
        bytes: u64,
        /// The segment.
        path: PathBuf,
    },
    /// The log ends before the checkpoint's record: it was truncated (or rolled back).
    BehindCheckpoint {
        /// The checkpoint's sequence number.
        checkpoint_seq: u64,
        /// The log's last sequence number.
        last_seq: u64,
    },
    /// The record at the checkpoint's sequence number has another hash: the log was rewritten.
    CheckpointMismatch {
        /// The checkpoint's sequence number.
        seq: u64,
        /// The hash the checkpoint signed.
        expected: String,
        /// The hash in the log.
        found: String,
    },
    /// The log could not be read.
    Unreadable {
        /// Why.
        error: String,
    },
}

/// What is wrong with a corrupt record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The line on its own is invalid.
    Line(LineProblem),
    /// A line longer than any record.
    TooLong,
    /// The first record is not `seq` 1 with the genesis `prev`: earlier records are missing.
    MissingStart {
        /// The first sequence number found.
        first_seq: u64,
    },
    /// The sequence number is not the next one: records were deleted, inserted, reordered or
    /// duplicated.
    SeqGap {
        /// The sequence number expected.
        expected: u64,
        /// The one found.
        found: u64,
    },
    /// `prev` is not the previous record's hash: the chain is broken.
    PrevMismatch,
    /// A rotated segment's name does not match its first record.
    SegmentName {
        /// The sequence number in the name.
        named: u64,
        /// The first record's.
        first: u64,
    },
    /// A rotated segment holds no record.
    EmptySegment,
    /// A rotated segment ends in an incomplete line.
    TornInsideLog,
    /// A record the key covers has no MAC.
    MacMissing,
    /// The record's epoch is not the one its sequence number falls in.
    EpochMismatch {
        /// The epoch expected.
        expected: u64,
        /// The one found.
        found: Option<u64>,
    },
    /// The MAC does not verify: the record was forged or rewritten without the key.
    MacMismatch,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Line(p) => p.fmt(f),
            Problem::TooLong => write!(f, "a line longer than {MAX_LINE_BYTES} bytes"),
            Problem::MissingStart { first_seq } => write!(
                f,
                "the log starts at seq {first_seq}, not 1: earlier records are missing"
            ),
            Problem::SeqGap { expected, found } => write!(
                f,
                "expected seq {expected}, found {found}: records were deleted, inserted, \
                 reordered or duplicated"
            ),
            Problem::PrevMismatch => {
                f.write_str("`prev` is not the hash of the record before: the chain is broken here")
            }
            Problem::SegmentName { named, first } => write!(
                f,
                "segment named for seq {named} starts at seq {first}: segments were renamed or replaced"
            ),
            Problem::EmptySegment => f.write_str("a rotated segment holds no record"),
            Problem::TornInsideLog => f.write_str("a rotated segment ends in an incomplete record"),
            Problem::MacMissing => f.write_str("the record has no MAC but the key covers it"),
            Problem::EpochMismatch { expected, found } => match found {
                Some(found) => write!(f, "key epoch {found}, expected {expected}"),
                None => write!(f, "no key epoch, expected {expected}"),
            },
            Problem::MacMismatch => {
                f.write_str("the MAC does not verify: forged or rewritten without the key")
            }
        }
    }
}

impl fmt::Display for VerifyStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerifyStatus::Ok => f.write_str("ok"),
            VerifyStatus::Corrupt {
                seq,
                path,
                line,
                problem,
            } => write!(
                f,
                "corrupt at seq {seq} ({}:{line}): {problem}",
                path.display()
            ),
            VerifyStatus::TornTail {
                after_seq,
                bytes,
                path,
            } => write!(
                f,
                "torn tail: {bytes} bytes of an incomplete record after seq {after_seq} in {} \
                 (not yet recovered; the next append moves them aside and records it)",
                path.display()
            ),
            VerifyStatus::BehindCheckpoint {
                checkpoint_seq,
                last_seq,
            } => write!(
                f,
                "behind checkpoint: the log ends at seq {last_seq} but the checkpoint covers \
                 seq {checkpoint_seq}: records were truncated"
            ),
            VerifyStatus::CheckpointMismatch {
                seq,
                expected,
                found,
            } => write!(
                f,
                "checkpoint mismatch at seq {seq}: the checkpoint signed hash {expected}, \
                 the log has {found}: the log was rewritten"
            ),
            VerifyStatus::Unreadable { error } => write!(f, "unreadable: {error}"),
        }
    }
}

/// Verify the log in `dir`. Reads a consistent snapshot (taken under a brief shared lock);
/// writers may keep appending meanwhile. A missing or empty directory is an intact log of 0
/// records.
pub fn verify(dir: &std::path::Path, opts: VerifyOptions) -> VerifyReport {
    let mut walk = Walk {
        report: VerifyReport {
            status: VerifyStatus::Ok,
            records: 0,
            segments: 0,
            last_seq: 0,
            last_hash: None,
            recovered_torn_tails: Vec::new(),
            keyed_records: 0,
            macs_checked: 0,
        },
        key: opts.key.clone(),
        checkpoint_hash: None,
        checkpoint_seq: opts.checkpoint.as_ref().map(|c| c.seq),
    };
    let segments = match files::snapshot(dir, opts.lock_timeout) {
        Ok(s) => s,
        Err(e) => {
            walk.report.status = VerifyStatus::Unreadable {
                error: e.to_string(),
            };
            return walk.report;
        }
    };
    walk.report.segments = segments.len();
    let count = segments.len();
    let mut torn = None;
    for (i, segment) in segments.iter().enumerate() {
        match walk.segment(segment, i + 1 == count) {
            Ok(Some(status @ VerifyStatus::TornTail { .. })) => torn = Some(status),
            Ok(Some(status)) => {
                walk.report.status = status;
                return walk.report;
            }
            Ok(None) => {}
            Err(e) => {
                walk.report.status = VerifyStatus::Unreadable {
                    error: AuditError::io("read", &segment.path, e).to_string(),
                };
                return walk.report;
            }
        }
    }
    if let Some(cp) = &opts.checkpoint {
        if walk.report.last_seq < cp.seq {
            walk.report.status = VerifyStatus::BehindCheckpoint {
                checkpoint_seq: cp.seq,
                last_seq: walk.report.last_seq,
            };
            return walk.report;
        }
        if let Some(found) = walk.checkpoint_hash.take()
            && found != cp.hash
        {
            walk.report.status = VerifyStatus::CheckpointMismatch {
                seq: cp.seq,
                expected: cp.hash.clone(),
                found,
            };
            return walk.report;
        }
    }
    if let Some(torn) = torn {
        walk.report.status = torn;
    }
    walk.report
}

struct Walk {
    report: VerifyReport,
    key: Option<KeyState>,
    checkpoint_seq: Option<u64>,
    checkpoint_hash: Option<String>,
}

impl Walk {
    /// Check one segment. `Some(status)` stops the walk.
    fn segment(&mut self, seg: &OpenSegment, last: bool) -> std::io::Result<Option<VerifyStatus>> {
        let complete_len = if last {
            files::read_tail(&seg.file, seg.len)?.complete_len
        } else {
            seg.len
        };
        let mut reader = BufReader::with_capacity(256 * 1024, (&seg.file).take(complete_len));
        let mut buf = Vec::with_capacity(1024);
        let mut line_no = 0u64;
        let corrupt = |report: &VerifyReport, line: u64, problem: Problem| {
            Some(VerifyStatus::Corrupt {
                seq: report.last_seq + 1,
                path: seg.path.clone(),
                line,
                problem,
            })
        };
        loop {
            buf.clear();
            let n = (&mut reader)
                .take(MAX_LINE_BYTES as u64 + 1)
                .read_until(b'\n', &mut buf)?;
            if n == 0 {
                break;
            }
            line_no += 1;
            if buf.last() != Some(&b'\n') {
                let problem = if buf.len() > MAX_LINE_BYTES {
                    Problem::TooLong
                } else {
                    Problem::TornInsideLog
                };
                return Ok(corrupt(&self.report, line_no, problem));
            }
            buf.pop();
            if let Some(problem) = self.record(&buf, seg, line_no == 1) {
                return Ok(corrupt(&self.report, line_no, problem));
            }
        }
        if line_no == 0 && !last {
            return Ok(corrupt(&self.report, 1, Problem::EmptySegment));
        }
        if complete_len < seg.len {
            return Ok(Some(VerifyStatus::TornTail {
                after_seq: self.report.last_seq,
                bytes: seg.len - complete_len,
                path: seg.path.clone(),
            }));
        }
        Ok(None)
    }

    /// Check one line. `Some(problem)` stops the walk.
    fn record(
        &mut self,
        line: &[u8],
        seg: &OpenSegment,
        first_in_segment: bool,
    ) -> Option<Problem> {
        let parsed = match record::parse_line(line) {
            Ok(p) => p,
            Err(p) => return Some(Problem::Line(p)),
        };
        let r = &parsed.record;
        let expected = self.report.last_seq + 1;
        if r.seq != expected {
            if self.report.last_seq == 0 {
                return Some(Problem::MissingStart { first_seq: r.seq });
            }
            return Some(Problem::SeqGap {
                expected,
                found: r.seq,
            });
        }
        let prev = self.report.last_hash.as_deref().unwrap_or(GENESIS);
        if r.prev != prev {
            return Some(Problem::PrevMismatch);
        }
        if first_in_segment
            && let Some(named) = seg.first_seq
            && named != r.seq
        {
            return Some(Problem::SegmentName {
                named,
                first: r.seq,
            });
        }
        if r.mac.is_some() {
            self.report.keyed_records += 1;
        }
        if let Some(key) = &mut self.key
            && let Some(epoch) = key.epoch_of(r.seq)
            && key.advance_to(epoch)
        {
            let Some(mac) = &r.mac else {
                return Some(Problem::MacMissing);
            };
            if r.epoch != Some(epoch) {
                return Some(Problem::EpochMismatch {
                    expected: epoch,
                    found: r.epoch,
                });
            }
            if key.mac(record::mac_input(&parsed.object).as_bytes()) != *mac {
                return Some(Problem::MacMismatch);
            }
            self.report.macs_checked += 1;
        }
        if self.checkpoint_seq == Some(r.seq) {
            self.checkpoint_hash = Some(r.hash.clone());
        }
        if r.event == "torn_tail" && r.point == "audit" {
            self.report.recovered_torn_tails.push(RecoveredTornTail {
                seq: r.seq,
                bytes: r.action.get("bytes").and_then(Value::as_u64).unwrap_or(0),
                saved_to: r
                    .action
                    .get("saved_to")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
            });
        }
        self.report.records += 1;
        self.report.last_seq = r.seq;
        self.report.last_hash = Some(r.hash.clone());
        None
    }
}
