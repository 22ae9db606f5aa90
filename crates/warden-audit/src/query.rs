//! Reading the log back: [`query`] with a [`Filter`], and [`Follower`] for `--follow`.
//!
//! Queries parse records but do not check the chain; that is [`verify`](crate::verify)'s job.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::os::unix::fs::{FileExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::error::{AuditError, Result};
use crate::files::{self, ACTIVE_SEGMENT, OpenSegment};
use crate::record::{MAX_LINE_BYTES, Record};
use crate::time::{self, Micros};

/// Which records to return. Every set field must match; unset fields match everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Records at or after this time (microseconds since the epoch).
    pub since: Option<Micros>,
    /// Records before this time.
    pub until: Option<Micros>,
    /// `allow`, `ask`, `deny`, or `none` (records without a decision).
    pub decision: Option<String>,
    /// The tool name; a trailing `*` matches any suffix (`mcp__github__*`).
    pub tool: Option<String>,
    /// A rule id the record names (case-insensitive).
    pub rule: Option<String>,
    /// The `session.id`.
    pub session: Option<String>,
    /// The enforcement point.
    pub point: Option<String>,
    /// The event name.
    pub event: Option<String>,
    /// The agent.
    pub agent: Option<String>,
    /// Only records with a sequence number above this.
    pub after_seq: Option<u64>,
}

impl Filter {
    /// Whether `r` passes the filter.
    pub fn matches(&self, r: &Record) -> bool {
        if self.after_seq.is_some_and(|s| r.seq <= s) {
            return false;
        }
        if self.since.is_some() || self.until.is_some() {
            let Some(t) = time::parse_rfc3339(&r.time) else {
                return false;
            };
            if self.since.is_some_and(|s| t < s) || self.until.is_some_and(|u| t >= u) {
                return false;
            }
        }
        if let Some(d) = &self.decision {
            let matches = match r.decision.as_deref() {
                Some(rd) => rd.eq_ignore_ascii_case(d),
                None => d.eq_ignore_ascii_case("none"),
            };
            if !matches {
                return false;
            }
        }
        if let Some(pattern) = &self.tool {
            let Some(tool) = &r.tool else { return false };
            let ok = match pattern.strip_suffix('*') {
                Some(prefix) => tool.starts_with(prefix),
                None => tool == pattern,
            };
            if !ok {
                return false;
            }
        }
        if let Some(rule) = &self.rule
            && !r.rules.iter().any(|id| id.eq_ignore_ascii_case(rule))
        {
            return false;
        }
        let eq = |want: &Option<String>, have: Option<&str>| match want {
            Some(w) => have == Some(w.as_str()),
            None => true,
        };
        eq(&self.session, r.session_id.as_deref())
            && eq(&self.point, Some(r.point.as_str()))
            && eq(&self.event, Some(r.event.as_str()))
            && eq(&self.agent, r.agent.as_deref())
    }
}

/// The records of the log in `dir` that pass `filter`, oldest first, from a snapshot taken
/// when this is called. An incomplete last line (a write in progress or a torn tail) is not a
/// record and is skipped; any other unreadable line is an error item.
pub fn query(dir: &Path, filter: &Filter) -> impl Iterator<Item = Result<Record>> + use<> {
    let (segments, error) = match files::snapshot(dir, Duration::from_secs(5)) {
        Ok(s) => (s, None),
        Err(e) => (Vec::new(), Some(e)),
    };
    // Skip whole segments that lie before `after_seq`.
    let skip = match filter.after_seq {
        Some(after) => segments
            .windows(2)
            .take_while(|w| w[1].first_seq.is_some_and(|next| next <= after + 1))
            .count(),
        None => 0,
    };
    let segments: Vec<OpenSegment> = segments.into_iter().skip(skip).collect();
    Query {
        segments: segments.into_iter(),
        current: None,
        filter: filter.clone(),
        error,
    }
}

struct Query {
    segments: std::vec::IntoIter<OpenSegment>,
    current: Option<Lines>,
    filter: Filter,
    error: Option<AuditError>,
}

struct Lines {
    path: PathBuf,
    reader: BufReader<io::Take<File>>,
    line: u64,
}

impl Iterator for Query {
    type Item = Result<Record>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(e) = self.error.take() {
            return Some(Err(e));
        }
        loop {
            let lines = match &mut self.current {
                Some(lines) => lines,
                None => {
                    let seg = self.segments.next()?;
                    self.current = Some(Lines {
                        path: seg.path,
                        reader: BufReader::with_capacity(128 * 1024, seg.file.take(seg.len)),
                        line: 0,
                    });
                    continue;
                }
            };
            let mut buf = Vec::new();
            let read = (&mut lines.reader)
                .take(MAX_LINE_BYTES as u64 + 1)
                .read_until(b'\n', &mut buf);
            lines.line += 1;
            match read {
                Err(e) => {
                    let path = lines.path.clone();
                    self.current = None;
                    return Some(Err(AuditError::io("read", path, e)));
                }
                Ok(0) => {
                    self.current = None;
                    continue;
                }
                Ok(_) if buf.last() != Some(&b'\n') => {
                    if buf.len() > MAX_LINE_BYTES {
                        let err = bad_line(&lines.path, lines.line, "line too long");
                        self.current = None;
                        return Some(Err(err));
                    }
                    // An incomplete final line.
                    continue;
                }
                Ok(_) => {}
            }
            buf.pop();
            match serde_json::from_slice::<Record>(&buf) {
                Ok(r) if self.filter.matches(&r) => return Some(Ok(r)),
                Ok(_) => {}
                Err(e) => return Some(Err(bad_line(&lines.path, lines.line, &e.to_string()))),
            }
        }
    }
}

fn bad_line(path: &Path, line: u64, why: &str) -> AuditError {
    AuditError::BadRecord {
        path: path.to_owned(),
        line,
        why: why.to_owned(),
    }
}

/// Follows the log as writers append to it (`warden log --follow`), across rotations, returning
/// each record once: only records with a sequence number above the last one returned.
#[derive(Debug)]
pub struct Follower {
    dir: PathBuf,
    filter: Filter,
    last_seq: u64,
    active: Option<Active>,
}

#[derive(Debug)]
struct Active {
    file: File,
    ino: u64,
    offset: u64,
    partial: Vec<u8>,
}

impl Follower {
    /// Follow the log in `dir` from just after sequence number `after_seq` (0: from the start).
    pub fn new(dir: &Path, filter: Filter, after_seq: u64) -> Follower {
        Follower {
            dir: dir.to_owned(),
            filter,
            last_seq: after_seq,
            active: None,
        }
    }

    /// The last sequence number seen.
    pub fn last_seq(&self) -> u64 {
        self.last_seq
    }

    /// The matching records appended since the last poll. Call it every few hundred ms.
    pub fn poll(&mut self) -> Result<Vec<Record>> {
        let mut out = Vec::new();
        if self.active.is_none() {
            // Hold the active segment first, then catch up through every segment on disk, then
            // read the held one from its start: a rotation at any moment in between leaves no
            // gap, and records seen twice are dropped by sequence number.
            let path = self.dir.join(ACTIVE_SEGMENT);
            let held = match File::open(&path) {
                Ok(file) => {
                    let ino = file
                        .metadata()
                        .map_err(|e| AuditError::io("inspect", &path, e))?
                        .ino();
                    Some(Active {
                        file,
                        ino,
                        offset: 0,
                        partial: Vec::new(),
                    })
                }
                Err(_) => None,
            };
            let filter = Filter {
                after_seq: Some(self.last_seq),
                ..Filter::default()
            };
            for r in query(&self.dir, &filter) {
                let r = r?;
                self.take(r, &mut out);
            }
            self.active = held;
            out.extend(self.read_active()?);
            return Ok(out);
        }
        out.extend(self.read_active()?);
        let rotated = match (
            std::fs::metadata(self.dir.join(ACTIVE_SEGMENT)),
            &self.active,
        ) {
            (Ok(meta), Some(active)) => meta.ino() != active.ino,
            (Err(_), _) => true,
            (Ok(_), None) => false,
        };
        if rotated {
            // The segment we hold was renamed away; everything in it has been read. Start over
            // from the segments on disk, skipping what was already returned.
            self.active = None;
            out.extend(self.poll()?);
        }
        Ok(out)
    }

    fn take(&mut self, r: Record, out: &mut Vec<Record>) {
        if r.seq > self.last_seq {
            self.last_seq = r.seq;
            if self.filter.matches(&r) {
                out.push(r);
            }
        }
    }

    fn read_active(&mut self) -> Result<Vec<Record>> {
        let mut out = Vec::new();
        let Some(active) = &mut self.active else {
            return Ok(out);
        };
        let path = self.dir.join(ACTIVE_SEGMENT);
        let mut chunk = vec![0u8; 64 * 1024];
        let mut records = Vec::new();
        loop {
            let n = active
                .file
                .read_at(&mut chunk, active.offset)
                .map_err(|e| AuditError::io("read", &path, e))?;
            if n == 0 {
                break;
            }
            active.offset += n as u64;
            active.partial.extend_from_slice(&chunk[..n]);
            while let Some(nl) = active.partial.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = active.partial.drain(..=nl).collect();
                let line = &line[..line.len() - 1];
                let r: Record =
                    serde_json::from_slice(line).map_err(|e| bad_line(&path, 0, &e.to_string()))?;
                records.push(r);
            }
            if active.partial.len() > MAX_LINE_BYTES {
                active.partial.clear();
                return Err(bad_line(&path, 0, "line too long"));
            }
        }
        for r in records {
            self.take(r, &mut out);
        }
        Ok(out)
    }
}
