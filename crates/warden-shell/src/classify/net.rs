//! Network commands: curl, wget, HTTPie, netcat, ssh/scp/sftp/rsync, DNS tools.

use warden_core::{EffectKind, NetworkTarget, Severity};

use super::opts::{self, Spec};
use super::{Own, clip};
use crate::rules;
use crate::walk::{Stdin, Sub, Walker};
use crate::word::Word;

/// Splits a URL into host, port and path (scheme optional, as curl accepts).
pub(crate) fn parse_url(url: &str) -> NetworkTarget {
    let (scheme, rest) = match url.split_once("://") {
        Some((s, r)) => (s.to_ascii_lowercase(), r),
        None => (String::new(), url),
    };
    let (authority, path) = match rest.find(['/', '?', '#']) {
        Some(i) => (&rest[..i], Some(rest[i..].to_string())),
        None => (rest, None),
    };
    let hostport = authority.rsplit('@').next().unwrap_or(authority);
    let (host, port) = if let Some(v6) = hostport.strip_prefix('[') {
        match v6.split_once(']') {
            Some((h, p)) => (
                h.to_string(),
                p.strip_prefix(':').and_then(|p| p.parse().ok()),
            ),
            None => (v6.to_string(), None),
        }
    } else {
        match hostport.rsplit_once(':') {
            Some((h, p)) if p.chars().all(|c| c.is_ascii_digit()) && !p.is_empty() => {
                (h.to_string(), p.parse().ok())
            }
            _ => (hostport.to_string(), None),
        }
    };
    let port = port.or(match scheme.as_str() {
        "http" | "ws" => Some(80),
        "https" | "wss" => Some(443),
        "ftp" => Some(21),
        "ssh" | "sftp" | "scp" => Some(22),
        _ => None,
    });
    NetworkTarget {
        url: Some(url.to_string()),
        host: host.to_ascii_lowercase(),
        port,
        path: path.map(|p| p.split(['?', '#']).next().unwrap_or("").to_string()),
    }
}

impl Walker<'_> {
    /// A network effect for a URL.
    pub(crate) fn url_effect(&mut self, url: &str, method: &str, upload: bool, how: &str) {
        let target = parse_url(url);
        let host = target.host.clone();
        let sev = if upload || !matches!(method, "GET" | "HEAD") {
            Severity::Unknown
        } else {
            Severity::ReadOnly
        };
        self.emit(
            EffectKind::Network {
                target,
                method: Some(method.to_string()),
                upload,
            },
            sev,
            rules::NETWORK,
            format!(
                "{how} {host} ({method}{})",
                if upload { ", sends local data" } else { "" }
            ),
        );
    }

    /// A network effect for a host (ssh, nc …).
    pub(crate) fn host_effect(
        &mut self,
        host: &str,
        port: Option<u16>,
        upload: bool,
        sev: Severity,
        how: &str,
    ) {
        let host = host.rsplit('@').next().unwrap_or(host).to_ascii_lowercase();
        self.emit(
            EffectKind::Network {
                target: NetworkTarget {
                    url: None,
                    host: host.clone(),
                    port,
                    path: None,
                },
                method: None,
                upload,
            },
            sev,
            rules::NETWORK,
            format!("{how} {host}"),
        );
    }

    /// Network rules, or None when `name` is not a network program.
    pub(super) fn network(&mut self, name: &str, argv: &[Word]) -> Option<Own> {
        let args = &argv[1..];
        Some(match name {
            "curl" => self.curl(args),
            "wget" | "wget2" => self.wget(args),
            "http" | "https" | "xh" | "xhs" | "httpie" => self.httpie(name, args),
            "nc" | "ncat" | "netcat" | "socat" | "telnet" => self.netcat(name, args),
            "ssh" | "autossh" | "mosh" => self.ssh(name, args),
            "scp" | "sftp" | "rsync" => self.copy_remote(name, args),
            "ftp" | "lftp" | "tftp" | "smbclient" => {
                if let Some(h) = args.iter().find(|w| !w.text.starts_with('-')) {
                    let h = h.text.clone();
                    self.host_effect(
                        &h,
                        None,
                        true,
                        Severity::Unknown,
                        "opens a file-transfer session with",
                    );
                }
                Own::unknown(format!("`{name}` transfers files interactively"))
            }
            "ping" | "ping6" | "dig" | "nslookup" | "host" | "traceroute" | "tracepath"
            | "whois" | "mtr" | "drill" => {
                let p = opts::parse(
                    args,
                    Spec {
                        short: "cwWisIt",
                        long: &[],
                        stop_at_operand: false,
                    },
                );
                for h in p.operands() {
                    let h = h.text.trim_start_matches('@').to_string();
                    if h.is_empty()
                        || h.starts_with('+')
                        || matches!(
                            h.as_str(),
                            "A" | "AAAA" | "MX" | "TXT" | "NS" | "CNAME" | "ANY" | "SOA" | "PTR"
                        )
                    {
                        continue;
                    }
                    self.host_effect(&h, None, false, Severity::ReadOnly, "looks up");
                }
                Own::ro(format!("`{name}` only queries the network"))
            }
            "aria2c" | "axel" => {
                for w in args.iter().filter(|w| w.text.contains("://")) {
                    let u = w.text.clone();
                    self.url_effect(&u, "GET", false, "downloads from");
                }
                self.out.fetched = true;
                Own::project("downloads files")
            }
            _ => return None,
        })
    }

    fn curl(&mut self, args: &[Word]) -> Own {
        let p = opts::parse(
            args,
            Spec {
                short: "dFTHXoueAbcCKrEwmxYyzQtPUDeh",
                long: &[
                    "data",
                    "data-raw",
                    "data-binary",
                    "data-urlencode",
                    "data-ascii",
                    "json",
                    "form",
                    "form-string",
                    "upload-file",
                    "header",
                    "request",
                    "output",
                    "user",
                    "user-agent",
                    "referer",
                    "cookie",
                    "cookie-jar",
                    "config",
                    "range",
                    "cert",
                    "key",
                    "cacert",
                    "write-out",
                    "max-time",
                    "connect-timeout",
                    "proxy",
                    "resolve",
                    "connect-to",
                    "retry",
                    "url",
                    "output-dir",
                    "dump-header",
                    "trace",
                    "trace-ascii",
                    "stderr",
                    "quote",
                    "telnet-option",
                    "ftp-port",
                    "interface",
                    "local-port",
                    "limit-rate",
                    "max-filesize",
                    "oauth2-bearer",
                    "proto",
                    "proto-redir",
                    "netrc-file",
                    "variable",
                    "expand-url",
                    "aws-sigv4",
                    "mail-from",
                    "mail-rcpt",
                    "unix-socket",
                    "abstract-unix-socket",
                    "doh-url",
                    "hsts",
                    "alt-svc",
                    "etag-save",
                    "etag-compare",
                    "request-target",
                    "retry-delay",
                    "retry-max-time",
                    "speed-limit",
                    "speed-time",
                    "keepalive-time",
                    "ciphers",
                    "pinnedpubkey",
                    "preproxy",
                    "proxy-user",
                    "socks5",
                    "socks5-hostname",
                ],
                stop_at_operand: false,
            },
        );
        let mut upload = false;
        let mut own = Own::ro("`curl` only downloads to standard output");
        for (flag, long) in [
            (Some('d'), "data"),
            (None, "data-raw"),
            (None, "data-binary"),
            (None, "data-urlencode"),
            (None, "data-ascii"),
            (None, "json"),
            (Some('F'), "form"),
            (None, "form-string"),
            (Some('T'), "upload-file"),
        ] {
            for v in p.values(flag, long) {
                upload = true;
                let v = v.clone();
                self.curl_data_source(&v, long);
            }
        }
        let mut method = if p.has_short('I') || p.has_long("head") {
            "HEAD".to_string()
        } else if p.has('T', "upload-file") {
            "PUT".to_string()
        } else if upload && !p.has('G', "get") {
            "POST".to_string()
        } else {
            "GET".to_string()
        };
        if let Some(x) = p.value(Some('X'), "request") {
            method = x.text.to_ascii_uppercase();
        }
        for w in p.values(Some('K'), "config") {
            let loc = self.resolve(w);
            self.read_effect(&loc, "reads a curl config file");
            own = Own::unknown("`curl -K` takes options from a file Warden does not read");
        }
        for w in p.values(None, "netrc-file") {
            let loc = self.resolve(w);
            self.read_effect(&loc, "reads credentials from");
        }
        for w in p
            .values(Some('E'), "cert")
            .into_iter()
            .chain(p.values(None, "key"))
        {
            let path = w.text.split(':').next().unwrap_or("").to_string();
            let loc = self.resolver().resolve_str(&path);
            self.read_effect(&loc, "reads a client key or certificate");
        }
        // `--resolve HOST:PORT:ADDR[,ADDR]`, `--connect-to H1:P1:H2:P2`, `--proxy`,
        // `--preproxy`, `--doh-url`: where the connection really goes, whatever the URL says.
        for w in p.values(None, "resolve") {
            let addrs = w.text.splitn(3, ':').nth(2).unwrap_or("").to_string();
            for addr in addrs.split(',').filter(|a| !a.is_empty()) {
                let addr = addr.trim_start_matches('[').trim_end_matches(']');
                self.host_effect(
                    addr,
                    None,
                    upload,
                    Severity::Unknown,
                    "`curl --resolve` connects to",
                );
            }
        }
        for w in p.values(None, "connect-to") {
            let parts: Vec<&str> = w.text.split(':').collect();
            if let Some(host) = parts.get(2).filter(|h| !h.is_empty()) {
                let port = parts.get(3).and_then(|p| p.parse().ok());
                self.host_effect(
                    host,
                    port,
                    upload,
                    Severity::Unknown,
                    "`curl --connect-to` connects to",
                );
            }
        }
        let mut urls: Vec<Word> = p.values(None, "url").into_iter().cloned().collect();
        for proxy in ["proxy", "preproxy", "doh-url"]
            .into_iter()
            .flat_map(|long| p.values(if long == "proxy" { Some('x') } else { None }, long))
        {
            let text = if proxy.text.contains("://") {
                proxy.text.clone()
            } else {
                format!("http://{}", proxy.text)
            };
            urls.push(Word::lit(text));
        }
        urls.extend(p.operands().into_iter().cloned());
        let writes_file = p.has('o', "output")
            || p.has_short('O')
            || p.has_long("remote-name")
            || p.has_long("remote-name-all");
        let outputs: Vec<Word> = p.values(Some('o'), "output").into_iter().cloned().collect();
        for o in &outputs {
            if o.text == "-" {
                continue;
            }
            let loc = self.resolve(o);
            self.write_effect(&loc, "`curl` saves a download to", None);
            self.fetched_files.push(loc.path.clone());
        }
        if p.has_short('O') || p.has_long("remote-name") {
            for u in &urls {
                let target = parse_url(&u.text);
                let name = target
                    .path
                    .as_deref()
                    .and_then(|p| p.rsplit('/').next())
                    .filter(|n| !n.is_empty())
                    .unwrap_or("index.html")
                    .to_string();
                let loc = self.resolver().resolve_str(&name);
                self.write_effect(&loc, "`curl -O` saves a download to", None);
                self.fetched_files.push(loc.path.clone());
            }
        }
        for w in p
            .values(Some('D'), "dump-header")
            .into_iter()
            .chain(p.values(Some('c'), "cookie-jar"))
            .cloned()
            .collect::<Vec<_>>()
        {
            if w.text != "-" {
                let loc = self.resolve(&w);
                self.write_effect(&loc, "`curl` writes", None);
            }
        }
        if urls.is_empty() {
            return Own::unknown("`curl` without a URL Warden can see");
        }
        for u in &urls {
            if u.dynamic && !u.text.contains("://") {
                self.host_effect(
                    &u.text,
                    None,
                    upload,
                    Severity::Unknown,
                    "`curl` connects to a host only known at run time:",
                );
                continue;
            }
            let url = u.text.clone();
            self.url_effect(&url, &method, upload, "`curl` connects to");
        }
        if !writes_file || outputs.iter().any(|o| o.text == "-") {
            self.out.fetched = true;
        }
        if upload || !matches!(method.as_str(), "GET" | "HEAD") {
            own = Own::unknown(format!("`curl` sends a {method} request"));
        }
        own
    }

    /// `-d @file`, `-F name=@file`, `-T file`: what local data is sent.
    fn curl_data_source(&mut self, v: &Word, long: &str) {
        let text = v.text.as_str();
        let file = if long == "upload-file" {
            Some(text)
        } else if long == "form" || long == "form-string" {
            text.split_once('=')
                .and_then(|(_, r)| r.strip_prefix('@').or(r.strip_prefix('<')))
                .map(|r| r.split(';').next().unwrap_or(r))
        } else if long == "data-urlencode" {
            text.split_once('@')
                .map(|(_, r)| r)
                .or(text.strip_prefix('@'))
        } else if long == "data-raw" {
            None
        } else {
            text.strip_prefix('@')
        };
        if let Some(f) = file {
            if f == "-" || f == "." {
                if let Stdin::Pipe(out) = &self.stdin
                    && out.secret
                {
                    self.note_env_dump();
                }
                return;
            }
            let mut w = opts::sub_word(v, f);
            w.tilde = f.starts_with('~');
            let loc = self.resolve(&w);
            self.read_effect(&loc, "uploads the file");
        }
    }

    fn wget(&mut self, args: &[Word]) -> Own {
        let p = opts::parse(
            args,
            Spec {
                short: "OoaPiUeTtwQlABDIXRHd",
                long: &[
                    "output-document",
                    "output-file",
                    "append-output",
                    "directory-prefix",
                    "input-file",
                    "user-agent",
                    "execute",
                    "timeout",
                    "tries",
                    "wait",
                    "quota",
                    "level",
                    "accept",
                    "reject",
                    "domains",
                    "header",
                    "post-data",
                    "post-file",
                    "body-data",
                    "body-file",
                    "method",
                    "user",
                    "password",
                    "http-user",
                    "http-password",
                    "load-cookies",
                    "save-cookies",
                    "ca-certificate",
                    "certificate",
                    "private-key",
                    "config",
                    "referer",
                    "limit-rate",
                ],
                stop_at_operand: false,
            },
        );
        let mut upload = false;
        for f in p
            .values(None, "post-file")
            .into_iter()
            .chain(p.values(None, "body-file"))
            .cloned()
            .collect::<Vec<_>>()
        {
            upload = true;
            let loc = self.resolve(&f);
            self.read_effect(&loc, "uploads the file");
        }
        if p.has_long("post-data") || p.has_long("body-data") {
            upload = true;
        }
        let method = p
            .value(None, "method")
            .map(|w| w.text.to_ascii_uppercase())
            .unwrap_or_else(|| if upload { "POST".into() } else { "GET".into() });
        for f in p
            .values(Some('i'), "input-file")
            .into_iter()
            .cloned()
            .collect::<Vec<_>>()
        {
            let loc = self.resolve(&f);
            self.read_effect(&loc, "reads URLs from");
        }
        for f in p
            .values(None, "private-key")
            .into_iter()
            .chain(p.values(None, "certificate"))
            .cloned()
            .collect::<Vec<_>>()
        {
            let loc = self.resolve(&f);
            self.read_effect(&loc, "reads a client key or certificate");
        }
        let urls: Vec<Word> = p.operands().into_iter().cloned().collect();
        for u in &urls {
            let url = u.text.clone();
            self.url_effect(&url, &method, upload, "`wget` connects to");
        }
        let doc = p.value(Some('O'), "output-document").cloned();
        match &doc {
            Some(d) if d.text == "-" => self.out.fetched = true,
            Some(d) => {
                let loc = self.resolve(d);
                self.write_effect(&loc, "`wget` saves a download to", None);
                self.fetched_files.push(loc.path.clone());
            }
            None => {
                let dir = p
                    .value(Some('P'), "directory-prefix")
                    .map(|w| w.text.clone());
                for u in &urls {
                    let t = parse_url(&u.text);
                    let name = t
                        .path
                        .as_deref()
                        .and_then(|p| p.rsplit('/').next())
                        .filter(|n| !n.is_empty())
                        .unwrap_or("index.html")
                        .to_string();
                    let full = match &dir {
                        Some(d) => format!("{d}/{name}"),
                        None => name,
                    };
                    let loc = self.resolver().resolve_str(&full);
                    self.write_effect(&loc, "`wget` saves a download to", None);
                    self.fetched_files.push(loc.path.clone());
                }
            }
        }
        for w in p
            .values(Some('o'), "output-file")
            .into_iter()
            .chain(p.values(Some('a'), "append-output"))
            .cloned()
            .collect::<Vec<_>>()
        {
            let loc = self.resolve(&w);
            self.write_effect(&loc, "`wget` writes its log to", None);
        }
        if p.has_short('r') || p.has_long("recursive") || p.has_long("mirror") || p.has_short('m') {
            return Own::unknown("`wget` downloads recursively");
        }
        if p.has('e', "execute") {
            return Own::unknown("`wget -e` runs wgetrc commands");
        }
        if upload || method != "GET" {
            return Own::unknown(format!("`wget` sends a {method} request"));
        }
        if doc.as_ref().is_some_and(|d| d.text == "-") || urls.is_empty() {
            Own::ro("`wget` downloads to standard output")
        } else {
            Own::project("`wget` downloads a file")
        }
    }

    fn httpie(&mut self, name: &str, args: &[Word]) -> Own {
        let p = opts::parse(
            args,
            Spec {
                short: "aAvhpo",
                long: &[
                    "auth",
                    "auth-type",
                    "output",
                    "print",
                    "session",
                    "session-read-only",
                    "verify",
                    "cert",
                    "cert-key",
                    "timeout",
                    "proxy",
                    "pretty",
                    "style",
                    "format-options",
                ],
                stop_at_operand: false,
            },
        );
        let ops = p.operands();
        let methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];
        let (method, rest) = match ops.first() {
            Some(m) if methods.contains(&m.text.to_ascii_uppercase().as_str()) => {
                (Some(m.text.to_ascii_uppercase()), &ops[1..])
            }
            _ => (None, &ops[..]),
        };
        let Some(url) = rest.first() else {
            return Own::unknown(format!("`{name}` without a URL"));
        };
        let mut upload = false;
        let items: Vec<Word> = rest[1..].iter().map(|w| (*w).clone()).collect();
        for it in &items {
            let t = &it.text;
            if let Some((_, f)) = t.split_once("@") {
                upload = true;
                if !t.contains(":=@") || !f.is_empty() {
                    let w = opts::sub_word(it, f);
                    let loc = self.resolve(&w);
                    self.read_effect(&loc, "uploads the file");
                }
            } else if t.contains('=') && !t.contains("==") {
                upload = true;
            }
        }
        if p.has_long("raw")
            || matches!(self.stdin, Stdin::Pipe(_) | Stdin::File(_)) && !p.has_long("ignore-stdin")
        {
            upload |= matches!(self.stdin, Stdin::Pipe(_) | Stdin::File(_));
        }
        let method = method.unwrap_or_else(|| if upload { "POST".into() } else { "GET".into() });
        let mut u = url.text.clone();
        if !u.contains("://") {
            let scheme = if name.ends_with('s') { "https" } else { "http" };
            if let Some(rest) = u.strip_prefix(':') {
                u = format!("{scheme}://localhost:{rest}");
            } else {
                u = format!("{scheme}://{u}");
            }
        }
        self.url_effect(&u, &method, upload, &format!("`{name}` connects to"));
        for o in p
            .values(Some('o'), "output")
            .into_iter()
            .cloned()
            .collect::<Vec<_>>()
        {
            let loc = self.resolve(&o);
            self.write_effect(&loc, "saves a response to", None);
        }
        if p.has_short('d') || p.has_long("download") {
            return Own::project(format!("`{name}` downloads a file"));
        }
        self.out.fetched = true;
        if upload || method != "GET" {
            Own::unknown(format!("`{name}` sends a {method} request"))
        } else {
            Own::ro(format!("`{name}` sends a GET request"))
        }
    }

    fn netcat(&mut self, name: &str, args: &[Word]) -> Own {
        if name == "socat" {
            for w in args {
                let t = w.text.to_ascii_lowercase();
                if t.starts_with("exec:") || t.starts_with("system:") {
                    self.hazard(
                        "remote-code",
                        Severity::Catastrophic,
                        rules::REVERSE_SHELL,
                        "`socat` connects a program to a socket (a remote shell)".into(),
                    );
                }
                if let Some(rest) = t
                    .strip_prefix("tcp:")
                    .or(t.strip_prefix("tcp4:"))
                    .or(t.strip_prefix("udp:"))
                    .or(t.strip_prefix("openssl:"))
                    .or(t.strip_prefix("tcp-connect:"))
                {
                    let (h, port) = rest
                        .split_once(':')
                        .map(|(h, p)| (h, p.split(',').next().and_then(|p| p.parse().ok())))
                        .unwrap_or((rest, None));
                    self.host_effect(h, port, true, Severity::Unknown, "`socat` connects to");
                }
            }
            return Own::unknown("`socat` relays data between sockets and programs");
        }
        let p = opts::parse(
            args,
            Spec {
                short: "eciIOpqsTwWxXPgGmo",
                long: &[
                    "exec",
                    "sh-exec",
                    "lua-exec",
                    "source-port",
                    "wait",
                    "proxy",
                    "proxy-type",
                    "output",
                ],
                stop_at_operand: false,
            },
        );
        let exec = p
            .values(Some('e'), "exec")
            .into_iter()
            .chain(p.values(Some('c'), "sh-exec"))
            .cloned()
            .collect::<Vec<_>>();
        if !exec.is_empty() {
            self.hazard(
                "remote-code",
                Severity::Catastrophic,
                rules::REVERSE_SHELL,
                format!("`{name} -e` connects a program to a network socket: a remote shell; never from an agent"),
            );
        }
        let listen = p.has('l', "listen");
        let ops = p.operands();
        let host = ops.first().map(|w| w.text.clone());
        let port = ops.get(1).and_then(|w| w.text.parse().ok());
        let sends = matches!(self.stdin, Stdin::Pipe(_) | Stdin::File(_) | Stdin::Text(_));
        if let Stdin::Pipe(o) = &self.stdin
            && o.secret
        {
            self.note_env_dump();
        }
        if p.has_short('z') {
            if let Some(h) = host {
                self.host_effect(&h, port, false, Severity::ReadOnly, "probes a port on");
            }
            return Own::ro(format!("`{name} -z` only checks whether a port is open"));
        }
        if listen {
            return Own::unknown(format!("`{name} -l` listens for network connections"));
        }
        if let Some(h) = host {
            self.host_effect(
                &h,
                port,
                sends,
                Severity::Unknown,
                &format!("`{name}` opens a raw connection to"),
            );
        }
        self.out.fetched = true;
        Own::unknown(format!("`{name}` opens a raw network connection"))
    }

    fn ssh(&mut self, name: &str, args: &[Word]) -> Own {
        let p = opts::parse(
            args,
            Spec {
                short: "BbcDEeFIiJLlmOoPpQRSWw",
                long: &[],
                stop_at_operand: true,
            },
        );
        for w in p
            .values(Some('i'), "")
            .into_iter()
            .chain(p.values(Some('F'), ""))
            .cloned()
            .collect::<Vec<_>>()
        {
            let loc = self.resolve(&w);
            self.read_effect(&loc, "`ssh` reads a key or config file");
        }
        let mut own = Own::unknown(format!("`{name}` opens a remote session"));
        for o in p
            .values(Some('o'), "")
            .into_iter()
            .cloned()
            .collect::<Vec<_>>()
        {
            let l = o.text.to_ascii_lowercase();
            if l.starts_with("proxycommand")
                || l.starts_with("localcommand")
                || l.starts_with("permitlocalcommand")
                || l.starts_with("knownhostscommand")
            {
                let code = o
                    .text
                    .split_once(['=', ' '])
                    .map(|(_, v)| v.to_string())
                    .unwrap_or_default();
                self.nested(&code, Sub::Child, "an ssh `ProxyCommand`");
                own = Own::with(
                    Severity::Unknown,
                    rules::UNKNOWN,
                    "`ssh -o ProxyCommand` runs a local command",
                );
            }
        }
        if p.has_short('R') || p.has_short('L') || p.has_short('D') || p.has_short('w') {
            own = Own::unknown(format!("`{name}` opens a network tunnel"));
        }
        let rest = &args[p.rest..];
        let Some(host) = rest.first() else {
            return own;
        };
        let port = p
            .value(Some('p'), "")
            .and_then(|w| w.text.parse().ok())
            .or(Some(22));
        let h = host.text.trim_start_matches("ssh://").to_string();
        let sends = matches!(self.stdin, Stdin::Pipe(_) | Stdin::File(_));
        self.host_effect(
            &h,
            port,
            sends || rest.len() > 1,
            Severity::Unknown,
            &format!("`{name}` connects to"),
        );
        if let Stdin::Pipe(o) = &self.stdin
            && o.secret
        {
            self.note_env_dump();
        }
        if rest.len() > 1 {
            // The remote command: analysed as shell code on a machine whose cwd and home are
            // unknown.
            let code = super::wrappers::join_words(&rest[1..]);
            let saved = (self.state.cwd.take(), self.home.take());
            self.code_string(&code, Sub::Child, &format!("the command run on {h}"));
            self.state.cwd = saved.0;
            self.home = saved.1;
            own = Own::unknown(format!("runs a command on the remote host {}", clip(&h)));
        }
        self.out.fetched = true;
        own
    }

    fn copy_remote(&mut self, name: &str, args: &[Word]) -> Own {
        let p = opts::parse(
            args,
            Spec {
                short: if name == "rsync" {
                    "eBfT"
                } else {
                    "cFiJloPSDX"
                },
                long: &[
                    "rsh",
                    "rsync-path",
                    "exclude",
                    "include",
                    "exclude-from",
                    "include-from",
                    "files-from",
                    "filter",
                    "password-file",
                    "log-file",
                    "temp-dir",
                    "partial-dir",
                    "backup-dir",
                    "suffix",
                    "chmod",
                    "chown",
                    "timeout",
                    "port",
                    "bwlimit",
                    "compare-dest",
                    "copy-dest",
                    "link-dest",
                    "out-format",
                    "max-size",
                    "min-size",
                    "info",
                    "debug",
                    "usermap",
                    "groupmap",
                    "sockopts",
                    "outbuf",
                    "iconv",
                ],
                stop_at_operand: false,
            },
        );
        let mut own = Own::unknown(format!("`{name}` copies files over the network"));
        for v in p
            .values(Some('e'), "rsh")
            .into_iter()
            .chain(p.values(None, "rsync-path"))
            .cloned()
            .collect::<Vec<_>>()
        {
            if v.text.contains(';')
                || v.text.contains('|')
                || v.text.contains('&')
                || v.text.contains('$')
            {
                self.nested(&v.text, Sub::Child, "an rsync remote shell");
            }
        }
        let ops: Vec<Word> = p.operands().into_iter().cloned().collect();
        if ops.is_empty() {
            return own;
        }
        let remote = |t: &str| {
            t.starts_with("rsync://")
                || t.split_once(':')
                    .is_some_and(|(h, _)| !h.is_empty() && !h.contains('/'))
        };
        let (srcs, dst) = ops.split_at(ops.len().saturating_sub(1));
        let dst = dst.first();
        let dst_remote = dst.is_some_and(|d| remote(&d.text));
        let mut any_remote = false;
        for s in srcs {
            if remote(&s.text) {
                any_remote = true;
                let host = host_of(&s.text);
                self.host_effect(
                    &host,
                    None,
                    false,
                    Severity::ReadOnly,
                    &format!("`{name}` downloads from"),
                );
            } else {
                let loc = self.resolve(s);
                self.read_effect(&loc, &format!("`{name}` reads"));
            }
        }
        if let Some(d) = dst {
            if dst_remote {
                any_remote = true;
                let host = host_of(&d.text);
                self.host_effect(
                    &host,
                    None,
                    true,
                    Severity::Unknown,
                    &format!("`{name}` uploads local files to"),
                );
            } else {
                let loc = self.resolve(d);
                self.write_effect(&loc, &format!("`{name}` writes"), None);
                if name == "rsync" && p.args.iter().any(|a| matches!(a, opts::Arg::Long(l, _) if l.starts_with("delete") || l == "remove-source-files")) {
                    self.delete_effect(&loc, true, "`rsync --delete` removes files under");
                }
            }
        }
        if name == "rsync" && !any_remote {
            own = if p
                .args
                .iter()
                .any(|a| matches!(a, opts::Arg::Long(l, _) if l.starts_with("delete")))
            {
                Own::with(
                    Severity::Destructive,
                    rules::DELETE_DESTRUCTIVE,
                    "`rsync --delete` removes files missing from the source",
                )
            } else {
                Own::project("`rsync` copies local files")
            };
        }
        own
    }
}

fn host_of(t: &str) -> String {
    if let Some(r) = t.strip_prefix("rsync://") {
        return r.split(['/', ':']).next().unwrap_or("").to_string();
    }
    t.split(':')
        .next()
        .unwrap_or("")
        .rsplit('@')
        .next()
        .unwrap_or("")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let t = parse_url("https://user:pw@Example.com:8443/a/b?x=1");
        assert_eq!(t.host, "example.com");
        assert_eq!(t.port, Some(8443));
        assert_eq!(t.path.as_deref(), Some("/a/b"));
        let t = parse_url("example.com/x");
        assert_eq!(t.host, "example.com");
        assert_eq!(t.port, None);
        let t = parse_url("http://[::1]:80/");
        assert_eq!(t.host, "::1");
        let t = parse_url("https://x.example");
        assert_eq!(t.port, Some(443));
        assert_eq!(host_of("user@h.example:/x"), "h.example");
        assert_eq!(host_of("rsync://m.example/mod"), "m.example");
    }
}
