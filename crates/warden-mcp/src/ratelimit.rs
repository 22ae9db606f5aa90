//! Token-bucket rate limits for `tools/call`, per server and per tool. A call over the limit is
//! answered with an error at once (never queued), so the agent is not left hanging.

use std::collections::HashMap;
use std::time::{Duration, Instant};

/// A rate: `per_second` tokens refill each second, up to `burst`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    pub per_second: f64,
    pub burst: f64,
}

impl Rate {
    /// Parse `N/s`, `N/m`, `N/h` or a bare number (per second), with an optional `:BURST`
    /// (`10/m:5`). The burst defaults to max(1, N).
    pub fn parse(s: &str) -> Option<Rate> {
        let (rate, burst) = match s.split_once(':') {
            Some((r, b)) => (r, Some(b.trim().parse::<f64>().ok()?)),
            None => (s, None),
        };
        let (n, unit) = match rate.trim().split_once('/') {
            Some((n, u)) => (n, u.trim()),
            None => (rate, "s"),
        };
        let n: f64 = n.trim().parse().ok()?;
        let secs = match unit {
            "s" | "sec" | "second" => 1.0,
            "m" | "min" | "minute" => 60.0,
            "h" | "hour" => 3600.0,
            _ => return None,
        };
        if !(n.is_finite() && n > 0.0) {
            return None;
        }
        let burst = burst.unwrap_or(n.max(1.0));
        if !(burst.is_finite() && burst >= 1.0) {
            return None;
        }
        Some(Rate {
            per_second: n / secs,
            burst,
        })
    }
}

#[derive(Debug, Clone)]
struct Bucket {
    tokens: f64,
    last: Instant,
}

impl Bucket {
    fn new(rate: Rate, now: Instant) -> Self {
        Bucket {
            tokens: rate.burst,
            last: now,
        }
    }

    fn refill(&mut self, rate: Rate, now: Instant) {
        let dt = now.saturating_duration_since(self.last).as_secs_f64();
        self.tokens = (self.tokens + dt * rate.per_second).min(rate.burst);
        self.last = now;
    }

    fn wait_for_one(&self, rate: Rate) -> Duration {
        Duration::from_secs_f64(((1.0 - self.tokens) / rate.per_second).max(0.0))
    }
}

/// Which limit refused a call, and when to retry.
#[derive(Debug, Clone, PartialEq)]
pub struct Limited {
    /// `"server"` or `"tool"`.
    pub scope: &'static str,
    pub retry_after: Duration,
}

/// The limits of one gateway (one server).
#[derive(Debug, Clone, Default)]
pub struct RateLimiter {
    server_rate: Option<Rate>,
    tool_rate: Option<Rate>,
    overrides: HashMap<String, Rate>,
    server: Option<Bucket>,
    tools: HashMap<String, Bucket>,
}

impl RateLimiter {
    /// A limiter with an optional server-wide rate, an optional rate for each tool, and
    /// per-tool overrides.
    pub fn new(
        server_rate: Option<Rate>,
        tool_rate: Option<Rate>,
        overrides: HashMap<String, Rate>,
    ) -> Self {
        RateLimiter {
            server_rate,
            tool_rate,
            overrides,
            server: None,
            tools: HashMap::new(),
        }
    }

    /// Take a token for one call of `tool`, or say which limit refused it. A refused call
    /// takes no token.
    pub fn check(&mut self, tool: &str, now: Instant) -> Result<(), Limited> {
        let tool_rate = self.overrides.get(tool).copied().or(self.tool_rate);
        if let Some(rate) = self.server_rate {
            let b = self.server.get_or_insert_with(|| Bucket::new(rate, now));
            b.refill(rate, now);
            if b.tokens < 1.0 {
                return Err(Limited {
                    scope: "server",
                    retry_after: b.wait_for_one(rate),
                });
            }
        }
        if let Some(rate) = tool_rate {
            // Bound the table: tool names come from the client.
            if self.tools.len() >= 10_000 && !self.tools.contains_key(tool) {
                self.tools.clear();
            }
            let b = self
                .tools
                .entry(tool.to_string())
                .or_insert_with(|| Bucket::new(rate, now));
            b.refill(rate, now);
            if b.tokens < 1.0 {
                return Err(Limited {
                    scope: "tool",
                    retry_after: b.wait_for_one(rate),
                });
            }
            b.tokens -= 1.0;
        }
        if let Some(b) = self.server.as_mut() {
            b.tokens -= 1.0;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_table() {
        let cases: &[(&str, Option<(f64, f64)>)] = &[
            ("5", Some((5.0, 5.0))),
            ("5/s", Some((5.0, 5.0))),
            ("60/m", Some((1.0, 60.0))),
            ("60/m:3", Some((1.0, 3.0))),
            ("0.5/s", Some((0.5, 1.0))),
            ("0", None),
            ("-1", None),
            ("5/y", None),
            ("x", None),
            ("5:0", None),
            ("NaN", None),
        ];
        for (s, want) in cases {
            let got = Rate::parse(s).map(|r| (r.per_second, r.burst));
            assert_eq!(got, *want, "{s}");
        }
    }

    #[test]
    fn bucket_refuses_then_refills() {
        let t0 = Instant::now();
        let mut rl = RateLimiter::new(
            None,
            Some(Rate {
                per_second: 1.0,
                burst: 2.0,
            }),
            HashMap::new(),
        );
        assert!(rl.check("a", t0).is_ok());
        assert!(rl.check("a", t0).is_ok());
        let e = rl.check("a", t0).unwrap_err();
        assert_eq!(e.scope, "tool");
        assert!(e.retry_after > Duration::ZERO);
        // Another tool has its own bucket.
        assert!(rl.check("b", t0).is_ok());
        assert!(rl.check("a", t0 + Duration::from_millis(1100)).is_ok());
    }

    #[test]
    fn server_bucket_spans_tools_and_refusals_cost_nothing() {
        let t0 = Instant::now();
        let mut rl = RateLimiter::new(
            Some(Rate {
                per_second: 1.0,
                burst: 2.0,
            }),
            Some(Rate {
                per_second: 1.0,
                burst: 1.0,
            }),
            HashMap::new(),
        );
        assert!(rl.check("a", t0).is_ok());
        assert_eq!(rl.check("a", t0).unwrap_err().scope, "tool");
        assert!(rl.check("b", t0).is_ok());
        assert_eq!(rl.check("c", t0).unwrap_err().scope, "server");
    }
}
