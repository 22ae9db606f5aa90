//! RFC 8785 JSON Canonicalization Scheme (JCS), written for the audit log's hash chain.
//!
//! The rules, all from RFC 8785:
//!
//! - no whitespace between tokens;
//! - object members sorted by their names compared as arrays of UTF-16 code units;
//! - strings escape only `"`, `\` and the control characters U+0000..U+001F, using the short
//!   forms `\b \t \n \f \r` where they exist and `\u00xx` (lowercase hex) otherwise; every other
//!   character is written as itself in UTF-8;
//! - numbers are IEEE-754 doubles written as ECMAScript's `Number.prototype.toString` writes them
//!   (shortest round-trip digits; plain notation for exponents in `[-7, 21)`, exponent notation
//!   `1e+21` / `1.5e-7` outside; `-0` is written `0`).
//!
//! Integers outside ±2^53 cannot be represented exactly as doubles; they are written as the
//! nearest double (the RFC's I-JSON assumption). [`make_exact`] turns such integers into strings
//! before a value is stored, so that nothing the caller gave is silently rounded.

use std::cmp::Ordering;

use serde_json::{Map, Number, Value};

/// The largest integer magnitude a double holds exactly (2^53).
pub const MAX_EXACT_INTEGER: u64 = 1 << 53;

/// The canonical encoding of `value`.
pub fn to_string(value: &Value) -> String {
    let mut out = String::with_capacity(256);
    write_value(&mut out, value);
    out
}

/// Append the canonical encoding of `value` to `out`.
pub fn write_value(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => write_number(out, n),
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => write_object(out, map),
    }
}

/// The canonical encoding of the object `map` without the members named in `skip`.
pub fn object_without(map: &Map<String, Value>, skip: &[&str]) -> String {
    let mut out = String::with_capacity(512);
    write_object_skipping(&mut out, map, skip);
    out
}

fn write_object(out: &mut String, map: &Map<String, Value>) {
    write_object_skipping(out, map, &[]);
}

fn write_object_skipping(out: &mut String, map: &Map<String, Value>, skip: &[&str]) {
    let mut members: Vec<(&String, &Value)> = map
        .iter()
        .filter(|(k, _)| !skip.contains(&k.as_str()))
        .collect();
    members.sort_by(|a, b| utf16_cmp(a.0, b.0));
    out.push('{');
    for (i, (key, value)) in members.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(out, key);
        out.push(':');
        write_value(out, value);
    }
    out.push('}');
}

/// Compare two strings as sequences of UTF-16 code units (RFC 8785 §3.2.3).
fn utf16_cmp(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// Append `s` as a canonical JSON string literal.
pub fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let b = c as u32 as usize;
                out.push_str("\\u00");
                out.push(char::from(HEX[b >> 4]));
                out.push(char::from(HEX[b & 0xf]));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn write_number(out: &mut String, n: &Number) {
    if let Some(u) = n.as_u64() {
        if u <= MAX_EXACT_INTEGER {
            out.push_str(&u.to_string());
            return;
        }
    } else if let Some(i) = n.as_i64()
        && i.unsigned_abs() <= MAX_EXACT_INTEGER
    {
        out.push_str(&i.to_string());
        return;
    }
    // Out-of-range integers and all floats: as the nearest double. serde_json never holds
    // NaN or infinities, so `as_f64` always answers for a `Number`.
    let f = n.as_f64().unwrap_or(0.0);
    write_f64(out, f);
}

/// Append `f` as ECMAScript's `Number.prototype.toString` would write it.
pub fn write_f64(out: &mut String, f: f64) {
    if f == 0.0 || !f.is_finite() {
        // -0 is written as 0; non-finite values cannot occur in JSON and are written as 0
        // rather than producing invalid output.
        out.push('0');
        return;
    }
    if f < 0.0 {
        out.push('-');
    }
    // Rust's `{:e}` without a precision gives the shortest digits that round-trip, which is
    // exactly the digit string ECMAScript asks for.
    let sci = format!("{:e}", f.abs());
    let (mantissa, exp) = match sci.split_once('e') {
        Some((m, e)) => (m, e.parse::<i32>().unwrap_or(0)),
        None => (sci.as_str(), 0),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let k = digits.len() as i32;
    let n = exp + 1; // the decimal point sits after `n` digits
    if k <= n && n <= 21 {
        out.push_str(&digits);
        for _ in 0..(n - k) {
            out.push('0');
        }
    } else if 0 < n && n <= 21 {
        out.push_str(&digits[..n as usize]);
        out.push('.');
        out.push_str(&digits[n as usize..]);
    } else if -6 < n && n <= 0 {
        out.push_str("0.");
        for _ in 0..(-n) {
            out.push('0');
        }
        out.push_str(&digits);
    } else {
        out.push_str(&digits[..1]);
        if k > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if n > 0 { '+' } else { '-' });
        out.push_str(&(n - 1).abs().to_string());
    }
}

/// Replace every integer that a double cannot hold exactly with its decimal string, so that a
/// stored value never changes meaning when canonicalised. Returns how many were replaced.
pub fn make_exact(value: &mut Value) -> usize {
    match value {
        Value::Number(n) => {
            let inexact = match (n.as_u64(), n.as_i64()) {
                (Some(u), _) => u > MAX_EXACT_INTEGER,
                (None, Some(i)) => i.unsigned_abs() > MAX_EXACT_INTEGER,
                (None, None) => false,
            };
            if inexact {
                *value = Value::String(n.to_string());
                1
            } else {
                0
            }
        }
        Value::Array(items) => items.iter_mut().map(make_exact).sum(),
        Value::Object(map) => map.values_mut().map(make_exact).sum(),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn num(f: f64) -> String {
        let mut s = String::new();
        write_f64(&mut s, f);
        s
    }

    #[test]
    fn numbers_follow_ecmascript() {
        // Cases from RFC 8785 Appendix B and ECMAScript's Number::toString.
        let cases: &[(f64, &str)] = &[
            (0.0, "0"),
            (-0.0, "0"),
            (1.0, "1"),
            (-1.0, "-1"),
            (0.5, "0.5"),
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (123456789012345680000.0, "123456789012345680000"),
            (1e-6, "0.000001"),
            (1e-7, "1e-7"),
            (1.5e-7, "1.5e-7"),
            (9007199254740992.0, "9007199254740992"),
            (9007199254740994.0, "9007199254740994"),
            (295147905179352830000.0, "295147905179352830000"),
            (4.50, "4.5"),
            (2e-3, "0.002"),
            (0.000001, "0.000001"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (5e-324, "5e-324"),
            (-5e-324, "-5e-324"),
            (333333333.3333333, "333333333.3333333"),
            (1e23, "1e+23"),
            (0.1, "0.1"),
            (1.2345e-5, "0.000012345"),
        ];
        for (f, want) in cases {
            assert_eq!(num(*f), *want, "{f:e}");
        }
    }

    #[test]
    fn rfc8785_example_object() {
        let v: Value = serde_json::from_str(
            r#"{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],
                "string":"\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
                "literals":[null,true,false]}"#,
        )
        .unwrap();
        assert_eq!(
            to_string(&v),
            r#"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}"#
        );
    }

    #[test]
    fn keys_sort_by_utf16_units() {
        // U+1F600 (surrogates D83D DE00) sorts before U+FB33 in UTF-16 but after it in UTF-8.
        let v = json!({"\u{1F600}": 1, "\u{FB33}": 2, "a": 3, "\r": 4, "1": 5});
        assert_eq!(
            to_string(&v),
            "{\"\\r\":4,\"1\":5,\"a\":3,\"\u{1F600}\":1,\"\u{FB33}\":2}"
        );
    }

    #[test]
    fn integers_are_exact_or_made_strings() {
        let mut v = json!({"small": 9007199254740992u64, "big": 9007199254740993u64, "neg": -9007199254740993i64});
        assert_eq!(make_exact(&mut v), 2);
        assert_eq!(
            to_string(&v),
            r#"{"big":"9007199254740993","neg":"-9007199254740993","small":9007199254740992}"#
        );
    }

    #[test]
    fn canonical_form_is_a_fixed_point() {
        let inputs = [
            r#"{"b":[1.0,2.5e10,-0.0,1e400000000],"a":{"y":"\u0001","x":null}}"#,
            r#"[1e21, 1e-7, 123e-20, "\ud83d\ude00"]"#,
        ];
        for input in inputs {
            let Ok(v) = serde_json::from_str::<Value>(input) else {
                continue;
            };
            let once = to_string(&v);
            let again = to_string(&serde_json::from_str::<Value>(&once).unwrap());
            assert_eq!(once, again);
        }
    }
}
