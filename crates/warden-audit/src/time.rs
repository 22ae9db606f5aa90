//! UTC timestamps in RFC 3339 form, written and read without a date library.
//!
//! Records carry `YYYY-MM-DDTHH:MM:SS.ffffffZ` (always UTC, always microseconds), so stored
//! times sort as strings. Parsing accepts any RFC 3339 timestamp with an offset, a bare date
//! (`2026-11-29`, midnight UTC), and relative ages (`90s`, `15m`, `2h`, `7d`, `1w`, meaning that
//! long before now) for `warden log --since/--until`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Microseconds since the Unix epoch (negative before 1970).
pub type Micros = i64;

/// Now, in microseconds since the Unix epoch.
pub fn now_micros() -> Micros {
    to_micros(SystemTime::now())
}

/// A system time in microseconds since the Unix epoch.
pub fn to_micros(t: SystemTime) -> Micros {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_micros()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_micros()).unwrap_or(i64::MAX),
    }
}

/// Format microseconds since the epoch as `YYYY-MM-DDTHH:MM:SS.ffffffZ`.
pub fn format_rfc3339(micros: Micros) -> String {
    let secs = micros.div_euclid(1_000_000);
    let frac = micros.rem_euclid(1_000_000);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{frac:06}Z",
        sod / 3600,
        (sod / 60) % 60,
        sod % 60
    )
}

/// Why a time could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid time `{input}`: expected RFC 3339 (2026-11-29T16:20:00Z), a date (2026-11-29) or an age (30m, 2h, 7d)"
)]
pub struct ParseTimeError {
    /// The text that was given.
    pub input: String,
}

/// Parse an RFC 3339 timestamp, a bare date or a relative age into microseconds since the epoch.
/// Ages are counted back from `now`.
pub fn parse_time(input: &str, now: Micros) -> Result<Micros, ParseTimeError> {
    let err = || ParseTimeError {
        input: input.to_owned(),
    };
    let s = input.trim();
    if let Some(age) = parse_age(s) {
        let micros = i64::try_from(age.as_micros()).map_err(|_| err())?;
        return now.checked_sub(micros).ok_or_else(err);
    }
    parse_rfc3339(s).ok_or_else(err)
}

fn parse_age(s: &str) -> Option<Duration> {
    let unit_at = s.find(|c: char| !c.is_ascii_digit())?;
    if unit_at == 0 {
        return None;
    }
    let n: u64 = s[..unit_at].parse().ok()?;
    let secs = match &s[unit_at..] {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => return None,
    };
    Some(Duration::from_secs(n.checked_mul(secs)?))
}

/// Parse `YYYY-MM-DD` or `YYYY-MM-DD[T ]HH:MM:SS[.fraction](Z|±HH:MM)`.
pub fn parse_rfc3339(s: &str) -> Option<Micros> {
    let b = s.as_bytes();
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = b.get(range)?;
        if part.is_empty() || !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(part).ok()?.parse().ok()
    };
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) {
        return None;
    }
    let days = days_from_civil(y, mo, d);
    if b.len() == 10 {
        return Some(days * 86_400_000_000);
    }
    if !matches!(b[10], b'T' | b't' | b' ') || b.len() < 19 || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let mut i = 19;
    let mut frac_micros = 0i64;
    if b.get(i) == Some(&b'.') {
        let start = i + 1;
        let mut end = start;
        while b.get(end).is_some_and(u8::is_ascii_digit) {
            end += 1;
        }
        if end == start {
            return None;
        }
        for (k, digit) in b[start..end].iter().take(6).enumerate() {
            frac_micros += i64::from(digit - b'0') * 10i64.pow(5 - k as u32);
        }
        i = end;
    }
    let offset_secs = match b.get(i..)? {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let digits = [*h1, *h2, *m1, *m2];
            if !digits.iter().all(u8::is_ascii_digit) {
                return None;
            }
            let oh = i64::from((h1 - b'0') * 10 + (h2 - b'0'));
            let om = i64::from((m1 - b'0') * 10 + (m2 - b'0'));
            if oh > 23 || om > 59 {
                return None;
            }
            let off = oh * 3600 + om * 60;
            if *sign == b'+' { off } else { -off }
        }
        _ => return None,
    };
    let secs = days * 86_400 + h * 3600 + mi * 60 + sec.min(59) - offset_secs;
    Some(secs * 1_000_000 + frac_micros)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian date of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        let cases: &[(i64, &str)] = &[
            (0, "1970-01-01T00:00:00.000000Z"),
            (1_000_000_000_123_456, "2001-09-09T01:46:40.123456Z"),
            (951_782_400_000_000, "2000-02-29T00:00:00.000000Z"),
            (-1, "1969-12-31T23:59:59.999999Z"),
            (4_102_444_799_000_000, "2099-12-31T23:59:59.000000Z"),
        ];
        for (micros, text) in cases {
            assert_eq!(format_rfc3339(*micros), *text);
            assert_eq!(parse_rfc3339(text), Some(*micros), "{text}");
        }
    }

    #[test]
    fn parses_offsets_dates_and_ages() {
        let now = 1_000_000_000_000_000;
        let cases: &[(&str, Option<i64>)] = &[
            ("2001-09-09T01:46:40Z", Some(1_000_000_000_000_000)),
            ("2001-09-09T03:46:40+02:00", Some(1_000_000_000_000_000)),
            ("2001-09-08T23:46:40.5-02:00", Some(1_000_000_000_500_000)),
            ("2001-09-09 01:46:40z", Some(1_000_000_000_000_000)),
            ("2001-09-09", Some(999_993_600_000_000)),
            ("30s", Some(now - 30_000_000)),
            ("2h", Some(now - 7_200_000_000)),
            ("7d", Some(now - 604_800_000_000)),
            ("2001-02-29", None),
            ("2001-13-01", None),
            ("2001-09-09T25:00:00Z", None),
            ("2001-09-09T01:46:40", None),
            ("2001-09-09T01:46:40+0200", None),
            ("yesterday", None),
            ("5y", None),
            ("", None),
            ("m", None),
        ];
        for (text, want) in cases {
            assert_eq!(parse_time(text, now).ok(), *want, "{text}");
        }
    }
}
