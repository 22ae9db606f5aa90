//! Hosts, IP literals in every spelling a resolver accepts, and the URLs of fetches.
//!
//! The policy cannot resolve names (no I/O): names are judged as written, IP literals by the
//! address they denote. DNS rebinding and names that resolve to private addresses are the
//! egress proxy's job.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// What a host literally is, after normalisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Host {
    /// A DNS name, lower-case, without a trailing dot.
    Name(String),
    /// An IP address, however it was spelt.
    Ip(IpAddr),
    /// Looks like a numeric address but is not a valid one (`1.2.3.4.5`, `0x1g`,
    /// `99999999999`). Resolvers disagree on such spellings, so they are refused.
    Malformed(String),
}

impl Host {
    /// The host as policy patterns see it (`Name` text, or the canonical IP text).
    pub fn text(&self) -> String {
        match self {
            Host::Name(n) | Host::Malformed(n) => n.clone(),
            Host::Ip(ip) => ip.to_string(),
        }
    }
}

/// Normalises a host as found in a URL or an effect: strips brackets, a zone id, a port that
/// slipped through, a trailing dot; lower-cases; decodes IPv4 in decimal/octal/hex and
/// shortened forms.
pub fn parse_host(raw: &str) -> Host {
    let mut h = raw.trim().to_ascii_lowercase();
    if h.starts_with('[')
        && let Some(end) = h.find(']')
    {
        h = h[1..end].to_string();
    }
    if let Some(i) = h.find('%') {
        // IPv6 zone id (`fe80::1%eth0`); a percent sign in a name is not valid anyway.
        if h[..i].contains(':') {
            h.truncate(i);
        }
    }
    while h.ends_with('.') {
        h.pop();
    }
    if h.contains(':') {
        if let Ok(v6) = h.parse::<Ipv6Addr>() {
            return Host::Ip(IpAddr::V6(v6));
        }
        // `host:port` that was not split upstream.
        if let Some((name, port)) = h.rsplit_once(':')
            && !port.is_empty()
            && port.bytes().all(|b| b.is_ascii_digit())
            && !name.contains(':')
        {
            return parse_host(name);
        }
        return Host::Malformed(h);
    }
    if looks_numeric(&h) {
        return match parse_ipv4_loose(&h) {
            Some(v4) => Host::Ip(IpAddr::V4(v4)),
            None => Host::Malformed(h),
        };
    }
    Host::Name(h)
}

/// WHATWG's rule: a host whose last label is a number (decimal or `0x` hex) is an IPv4
/// address, and must parse as one.
fn looks_numeric(h: &str) -> bool {
    let last = h.rsplit('.').next().unwrap_or("");
    if last.is_empty() {
        return false;
    }
    // Bytes, not `str` slices: the label may start with a multi-byte character.
    let bytes = last.as_bytes();
    bytes.iter().all(u8::is_ascii_digit)
        || (bytes.len() >= 2
            && bytes[..2].eq_ignore_ascii_case(b"0x")
            && bytes[2..].iter().all(u8::is_ascii_hexdigit))
}

/// `inet_aton` semantics: one to four parts, each decimal, octal (leading `0`) or hex
/// (`0x`); the last part fills the remaining bytes. `127.1`, `2130706433`, `0177.0.0.1`,
/// `0x7f000001` all give 127.0.0.1.
pub fn parse_ipv4_loose(s: &str) -> Option<Ipv4Addr> {
    let parts: Vec<&str> = s.split('.').collect();
    if parts.is_empty() || parts.len() > 4 {
        return None;
    }
    let mut nums = Vec::with_capacity(4);
    for p in &parts {
        nums.push(parse_part(p)?);
    }
    let (last, init) = nums.split_last()?;
    let mut value: u64 = 0;
    for (i, n) in init.iter().enumerate() {
        if *n > 255 {
            return None;
        }
        value |= n << (8 * (3 - i));
    }
    let remaining_bits = 8 * (4 - init.len() as u64);
    if remaining_bits < 64 && *last >= (1u64 << remaining_bits) {
        return None;
    }
    value |= last;
    u32::try_from(value).ok().map(Ipv4Addr::from)
}

fn parse_part(p: &str) -> Option<u64> {
    if p.is_empty() || p.len() > 32 {
        return None;
    }
    let (digits, radix) = if p.len() > 2 && p[..2].eq_ignore_ascii_case("0x") {
        (&p[2..], 16)
    } else if p.eq_ignore_ascii_case("0x") {
        return Some(0);
    } else if p.len() > 1 && p.starts_with('0') {
        (&p[1..], 8)
    } else {
        (p, 10)
    };
    u64::from_str_radix(digits, radix).ok()
}

/// Why an address is not a public one, strictest category first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Internal {
    /// Cloud instance metadata (`169.254.169.254`, `fd00:ec2::254`, …): credentials live there.
    Metadata,
    /// This machine: loopback, `0.0.0.0`, `::`, `localhost`.
    Loopback,
    /// Private, shared, link-local, unique-local, multicast or reserved ranges, and names
    /// that only resolve inside a network (`*.internal`, `*.local`).
    Private,
}

/// Classifies a host. Names are judged by their spelling; IPv6 addresses that embed an IPv4
/// address (mapped, compatible, NAT64, 6to4) are judged by both, the strictest winning.
pub fn classify(host: &Host) -> Option<Internal> {
    match host {
        Host::Ip(ip) => classify_ip(*ip),
        Host::Name(n) => classify_name(n),
        Host::Malformed(_) => None,
    }
}

fn classify_name(n: &str) -> Option<Internal> {
    const METADATA: &[&str] = &[
        "metadata.google.internal",
        "metadata.goog",
        "metadata",
        "instance-data",
        "instance-data.ec2.internal",
        "metadata.azure.internal",
    ];
    if METADATA.contains(&n) {
        return Some(Internal::Metadata);
    }
    const LOOPBACK: &[&str] = &[
        "localhost",
        "localhost.localdomain",
        "ip6-localhost",
        "ip6-loopback",
        "localtest.me",
        "lvh.me",
    ];
    const LOOPBACK_SUFFIX: &[&str] = &[".localhost", ".localtest.me", ".lvh.me"];
    if LOOPBACK.contains(&n) || LOOPBACK_SUFFIX.iter().any(|s| n.ends_with(s)) {
        return Some(Internal::Loopback);
    }
    // Names that only resolve inside a private network, and wildcard-DNS services that
    // resolve to whatever IP the name spells (a way around IP-literal checks).
    const PRIVATE_SUFFIX: &[&str] = &[
        ".internal",
        ".local",
        ".localdomain",
        ".home.arpa",
        ".intranet",
        ".corp",
        ".lan",
        ".nip.io",
        ".sslip.io",
        ".xip.io",
        ".traefik.me",
    ];
    const PRIVATE: &[&str] = &["internal", "local", "localdomain", "home.arpa"];
    if PRIVATE.contains(&n) || PRIVATE_SUFFIX.iter().any(|s| n.ends_with(s)) {
        return Some(Internal::Private);
    }
    None
}

fn classify_ip(ip: IpAddr) -> Option<Internal> {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => {
            let own = classify_v6(v6);
            let embedded = embedded_v4(v6).and_then(classify_v4);
            match (own, embedded) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            }
        }
    }
}

fn classify_v4(ip: Ipv4Addr) -> Option<Internal> {
    let o = ip.octets();
    const METADATA: &[[u8; 4]] = &[
        [169, 254, 169, 254], // AWS, GCP, Azure, OpenStack, Oracle
        [169, 254, 170, 2],   // AWS ECS task metadata
        [169, 254, 170, 23],  // AWS EKS pod identity
        [100, 100, 100, 200], // Alibaba Cloud
        [168, 63, 129, 16],   // Azure wire server
        [192, 0, 0, 192],     // Oracle Cloud (legacy)
    ];
    if METADATA.contains(&o) {
        return Some(Internal::Metadata);
    }
    if o[0] == 127 || o[0] == 0 {
        return Some(Internal::Loopback);
    }
    let private = o[0] == 10
        || (o[0] == 172 && (16..=31).contains(&o[1]))
        || (o[0] == 192 && o[1] == 168)
        || (o[0] == 100 && (64..=127).contains(&o[1])) // shared address space (CGNAT)
        || (o[0] == 169 && o[1] == 254) // link-local
        || (o[0] == 192 && o[1] == 0 && o[2] == 0) // IETF protocol assignments
        || (o[0] == 198 && (18..=19).contains(&o[1])) // benchmarking
        || o[0] >= 224; // multicast, reserved, broadcast
    private.then_some(Internal::Private)
}

fn classify_v6(ip: Ipv6Addr) -> Option<Internal> {
    let s = ip.segments();
    if ip
        == "fd00:ec2::254"
            .parse::<Ipv6Addr>()
            .unwrap_or(Ipv6Addr::UNSPECIFIED)
    {
        return Some(Internal::Metadata);
    }
    if ip.is_loopback() || ip.is_unspecified() {
        return Some(Internal::Loopback);
    }
    let private = (s[0] & 0xfe00) == 0xfc00 // unique local fc00::/7
        || (s[0] & 0xffc0) == 0xfe80 // link-local fe80::/10
        || (s[0] & 0xffc0) == 0xfec0 // site-local (deprecated) fec0::/10
        || (s[0] & 0xff00) == 0xff00; // multicast
    private.then_some(Internal::Private)
}

/// The IPv4 address an IPv6 address carries, in the encodings resolvers and kernels honour.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return Some(v4);
    }
    let s = ip.segments();
    let low = Ipv4Addr::new(
        (s[6] >> 8) as u8,
        (s[6] & 0xff) as u8,
        (s[7] >> 8) as u8,
        (s[7] & 0xff) as u8,
    );
    // IPv4-compatible ::a.b.c.d (deprecated, still routed by some stacks).
    if s[..6].iter().all(|&x| x == 0) && !(s[6] == 0 && s[7] <= 1) {
        return Some(low);
    }
    // NAT64 64:ff9b::/96 and 64:ff9b:1::/48.
    if (s[0] == 0x64 && s[1] == 0xff9b) && (s[2..6].iter().all(|&x| x == 0) || s[2] == 1) {
        return Some(low);
    }
    // 6to4 2002:AABB:CCDD::/48.
    if s[0] == 0x2002 {
        return Some(Ipv4Addr::new(
            (s[1] >> 8) as u8,
            (s[1] & 0xff) as u8,
            (s[2] >> 8) as u8,
            (s[2] & 0xff) as u8,
        ));
    }
    None
}

/// An IP range written in a policy (`10.0.0.0/8`, `fd00::/8`, or a single address).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    addr: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// Parses `addr/prefix` or a bare address. `None` when it is not an address.
    pub fn parse(s: &str) -> Option<Result<Cidr, String>> {
        let (a, p) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: IpAddr = match parse_host(a) {
            Host::Ip(ip) => ip,
            _ => return None,
        };
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match p {
            None => max,
            Some(p) => match p.parse::<u8>() {
                Ok(n) if n <= max => n,
                _ => return Some(Err(format!("`{p}` is not a prefix length (0..={max})"))),
            },
        };
        Some(Ok(Cidr { addr, prefix }))
    }

    /// True when `ip` is inside the range (IPv4-mapped IPv6 addresses count as IPv4).
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = if self.prefix == 0 {
                    0
                } else {
                    u32::MAX << (32 - u32::from(self.prefix))
                };
                (u32::from(net) & mask) == (u32::from(ip) & mask)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = if self.prefix == 0 {
                    0
                } else {
                    u128::MAX << (128 - u32::from(self.prefix))
                };
                (u128::from(net) & mask) == (u128::from(ip) & mask)
            }
            _ => false,
        }
    }
}

/// The parts of a URL the policy judges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlParts {
    /// Lower-case scheme (`https`).
    pub scheme: String,
    /// Every host a client might connect to for this URL: parsers disagree on `\`, `@` and
    /// friends, so each reading is kept and judged; the strictest wins.
    pub hosts: Vec<String>,
    /// The path, percent-decoded where that is unambiguous, without query or fragment.
    pub path: String,
}

/// Splits a URL leniently. `None` when it has no `scheme://`.
pub fn parse_url(url: &str) -> Option<UrlParts> {
    let url = url.trim();
    let (scheme, rest) = url.split_once("://").or_else(|| {
        // `http:\\host` and `http:/host` are accepted by WHATWG parsers for special schemes.
        let (s, r) = url.split_once(':')?;
        Some((s, r.trim_start_matches(['/', '\\'])))
    })?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme.is_empty()
        || !scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'-' || b == b'.')
    {
        return None;
    }
    let rest = rest.trim_start_matches(['/', '\\']);
    let mut hosts = Vec::new();
    let mut path = String::from("/");
    // Reading 1 (WHATWG): the authority ends at `/`, `\`, `?` or `#`.
    // Reading 2 (RFC 3986, curl): the authority ends at `/`, `?` or `#`.
    for enders in [&['/', '\\', '?', '#'][..], &['/', '?', '#'][..]] {
        let end = rest.find(enders).unwrap_or(rest.len());
        let authority = &rest[..end];
        let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        let host = strip_port(host_port);
        let decoded = percent_decode(host);
        if !hosts.contains(&decoded) {
            hosts.push(decoded);
        }
        if enders.len() == 4 {
            let tail = &rest[end..];
            let p = tail.split(['?', '#']).next().unwrap_or("");
            if !p.is_empty() {
                path = p.replace('\\', "/");
            }
        }
    }
    Some(UrlParts {
        scheme,
        hosts,
        path: percent_decode(&path),
    })
}

fn strip_port(hp: &str) -> &str {
    if hp.starts_with('[') {
        return hp.find(']').map_or(hp, |i| &hp[..=i]);
    }
    match hp.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') && p.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => hp,
    }
}

/// Decodes `%XX` sequences; invalid sequences are kept as written.
pub fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = |c: u8| (c as char).to_digit(16);
            if let (Some(h), Some(l)) = (
                b.get(i + 1).and_then(|&c| hex(c)),
                b.get(i + 2).and_then(|&c| hex(c)),
            ) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by fuzzing: a last label starting with a multi-byte character was sliced
    /// inside it.
    #[test]
    fn numeric_check_on_non_ascii_labels() {
        for (host, numeric) in [
            ("a.\u{feff}x", false),
            ("\u{feff}", false),
            ("é0", false),
            ("x.0x7f", true),
            ("x.0X", true),
            ("x.12", true),
            ("x.0xé", false),
        ] {
            assert_eq!(looks_numeric(host), numeric, "{host:?}");
        }
        assert!(matches!(
            parse_host("a.\u{feff}x"),
            Host::Name(_) | Host::Malformed(_)
        ));
    }

    fn v4(s: &str) -> Option<Ipv4Addr> {
        parse_ipv4_loose(s)
    }

    #[test]
    fn odd_ipv4_spellings() {
        let lo = Some(Ipv4Addr::new(127, 0, 0, 1));
        for s in [
            "127.0.0.1",
            "2130706433",
            "0177.0.0.1",
            "0x7f000001",
            "0x7f.0.0.1",
            "127.1",
            "127.0.1",
            "0177.1",
            "017700000001",
        ] {
            assert_eq!(v4(s), lo, "{s}");
        }
        assert_eq!(v4("256.0.0.1"), None);
        assert_eq!(v4("1.2.3.4.5"), None);
        assert_eq!(v4("4294967296"), None);
        assert_eq!(v4("08.0.0.1"), None); // 8 is not an octal digit
        assert_eq!(v4("0"), Some(Ipv4Addr::UNSPECIFIED));
    }

    #[test]
    fn classification_table() {
        use Internal::*;
        let cases: &[(&str, Option<Internal>)] = &[
            ("localhost", Some(Loopback)),
            ("LOCALHOST.", Some(Loopback)),
            ("app.localhost", Some(Loopback)),
            ("127.0.0.1", Some(Loopback)),
            ("127.255.1.2", Some(Loopback)),
            ("2130706433", Some(Loopback)),
            ("0177.0.0.1", Some(Loopback)),
            ("0x7f000001", Some(Loopback)),
            ("0.0.0.0", Some(Loopback)),
            ("0", Some(Loopback)),
            ("[::1]", Some(Loopback)),
            ("::", Some(Loopback)),
            ("::ffff:127.0.0.1", Some(Loopback)),
            ("[::ffff:7f00:1]", Some(Loopback)),
            ("::ffff:169.254.169.254", Some(Metadata)),
            ("64:ff9b::a9fe:a9fe", Some(Metadata)),
            ("2002:a9fe:a9fe::1", Some(Metadata)),
            ("169.254.169.254", Some(Metadata)),
            ("0xa9fea9fe", Some(Metadata)),
            ("fd00:ec2::254", Some(Metadata)),
            ("metadata.google.internal", Some(Metadata)),
            ("10.1.2.3", Some(Private)),
            ("172.16.0.1", Some(Private)),
            ("172.31.255.255", Some(Private)),
            ("192.168.1.1", Some(Private)),
            ("100.64.0.1", Some(Private)),
            ("169.254.1.1", Some(Private)),
            ("fc00::1", Some(Private)),
            ("fdab::1", Some(Private)),
            ("fe80::1%eth0", Some(Private)),
            ("db.internal", Some(Private)),
            ("printer.local", Some(Private)),
            ("10.0.0.1.nip.io", Some(Private)),
            ("172.32.0.1", None),
            ("8.8.8.8", None),
            ("2606:4700::1111", None),
            ("api.github.com", None),
            ("localhost.example.com", None),
            ("internal.example.com", None),
        ];
        for (h, want) in cases {
            assert_eq!(classify(&parse_host(h)), *want, "{h}");
        }
        assert!(matches!(parse_host("1.2.3.4.5"), Host::Malformed(_)));
        assert!(matches!(parse_host("99999999999"), Host::Malformed(_)));
        assert_eq!(
            parse_host("example.com:8080"),
            Host::Name("example.com".into())
        );
    }

    #[test]
    fn url_readings() {
        let u = parse_url("https://evil.com\\@localhost/x").unwrap_or_else(|| unreachable!());
        assert!(u.hosts.contains(&"evil.com".to_string()));
        assert!(u.hosts.contains(&"localhost".to_string()));
        let u = parse_url("http://user:pw@127.0.0.1:8080/api/admin/delete-all-users?x=1")
            .unwrap_or_else(|| unreachable!());
        assert_eq!(u.hosts, vec!["127.0.0.1".to_string()]);
        assert_eq!(u.path, "/api/admin/delete-all-users");
        let u = parse_url("http://[::1]:80/").unwrap_or_else(|| unreachable!());
        assert_eq!(u.hosts, vec!["[::1]".to_string()]);
        let u = parse_url("HTTP://Ex%61mple.com/%61dmin").unwrap_or_else(|| unreachable!());
        assert_eq!(u.scheme, "http");
        assert_eq!(u.hosts, vec!["Example.com".to_string()]);
        assert_eq!(u.path, "/admin");
        assert!(parse_url("no scheme here").is_none());
    }

    #[test]
    fn cidr() {
        let c = Cidr::parse("10.0.0.0/8")
            .and_then(Result::ok)
            .unwrap_or_else(|| unreachable!());
        assert!(c.contains("10.9.9.9".parse().unwrap_or_else(|_| unreachable!())));
        assert!(!c.contains("11.0.0.1".parse().unwrap_or_else(|_| unreachable!())));
        assert!(c.contains("::ffff:10.0.0.1".parse().unwrap_or_else(|_| unreachable!())));
        assert!(matches!(Cidr::parse("10.0.0.0/33"), Some(Err(_))));
        assert!(Cidr::parse("example.com").is_none());
    }
}
