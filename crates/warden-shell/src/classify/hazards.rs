//! Disks, databases, infrastructure, system state, processes and containers.

use warden_core::Severity;

use super::opts::{self, Spec};
use super::wrappers::Lang;
use super::{Own, clip};
use crate::paths::{Place, place};
use crate::rules;
use crate::walk::{Stdin, Sub, Walker};
use crate::word::Word;

impl Walker<'_> {
    /// Hazard rules, or None when `name` is not one of these programs.
    pub(super) fn hazardous(&mut self, name: &str, argv: &[Word]) -> Option<Own> {
        let args = &argv[1..];
        let n = name;
        if n.starts_with("mkfs")
            || matches!(
                n,
                "wipefs"
                    | "fdisk"
                    | "sfdisk"
                    | "cfdisk"
                    | "parted"
                    | "gdisk"
                    | "sgdisk"
                    | "mkswap"
                    | "blkdiscard"
                    | "hdparm"
                    | "cryptsetup"
                    | "badblocks"
                    | "zpool"
                    | "pvcreate"
                    | "vgremove"
                    | "lvremove"
                    | "mdadm"
                    | "diskutil"
                    | "format"
                    | "newfs"
                    | "dmsetup"
                    | "losetup"
                    | "e2fsck"
                    | "fsck"
                    | "tune2fs"
                    | "resize2fs"
                    | "nvme"
                    | "sg_format"
            )
        {
            return Some(self.disk(n, args));
        }
        Some(match n {
            "mount" | "umount" | "swapoff" | "swapon" => {
                if args.is_empty()
                    || args.iter().all(|w| {
                        w.text.starts_with('-')
                            && matches!(
                                w.text.as_str(),
                                "-l" | "--show-labels" | "-s" | "--show" | "--summary"
                            )
                    })
                {
                    Own::ro(format!("`{n}` lists mounts"))
                } else {
                    self.hazard(
                        "system",
                        Severity::Destructive,
                        rules::SYSTEM,
                        format!("`{n}` changes mounted file systems"),
                    );
                    Own::with(
                        Severity::Destructive,
                        rules::SYSTEM,
                        format!("`{n}` changes mounted file systems"),
                    )
                }
            }
            "psql" | "mysql" | "mariadb" | "sqlite3" | "sqlite" | "duckdb" | "mongo"
            | "mongosh" | "redis-cli" | "valkey-cli" | "cqlsh" | "clickhouse-client"
            | "clickhouse" | "influx" | "sqlcmd" | "cockroach" | "mycli" | "pgcli" | "litecli"
            | "usql" => self.database(n, args),
            "dropdb" | "dropuser" | "mysqladmin" => {
                if n == "mysqladmin"
                    && !args.iter().any(|w| {
                        matches!(
                            w.text.as_str(),
                            "drop" | "shutdown" | "flush-privileges" | "kill" | "password"
                        )
                    })
                {
                    return Some(Own::unknown("`mysqladmin` administers a MySQL server"));
                }
                let msg = format!(
                    "`{n}` permanently drops a database or user; back it up and run it yourself"
                );
                self.hazard(
                    "database",
                    Severity::Catastrophic,
                    rules::DATABASE,
                    msg.clone(),
                );
                Own::with(Severity::Catastrophic, rules::DATABASE, msg)
            }
            "createdb" | "createuser" | "pg_dump" | "pg_dumpall" | "mysqldump" | "pg_restore"
            | "mongodump" | "mongorestore" | "pg_isready" => {
                if matches!(n, "pg_restore" | "mongorestore")
                    && args
                        .iter()
                        .any(|w| w.text == "--clean" || w.text == "-c" || w.text == "--drop")
                {
                    self.hazard(
                        "database",
                        Severity::Destructive,
                        rules::DATABASE,
                        format!("`{n} --clean` drops objects before restoring"),
                    );
                    return Some(Own::with(
                        Severity::Destructive,
                        rules::DATABASE,
                        format!("`{n} --clean` drops database objects"),
                    ));
                }
                for o in args
                    .iter()
                    .filter_map(|w| w.text.strip_prefix("--file=").or(w.text.strip_prefix("-f")))
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect::<Vec<_>>()
                {
                    let loc = self.resolver().resolve_str(&o);
                    self.write_effect(&loc, "writes a dump to", None);
                }
                Own::unknown(format!("`{n}` connects to a database server"))
            }
            "terraform" | "tofu" | "terragrunt" => self.terraform(n, args),
            "pulumi" => {
                let sub = first_op(args);
                let yes = args
                    .iter()
                    .any(|w| matches!(w.text.as_str(), "--yes" | "-y" | "--skip-preview"));
                match sub.as_deref() {
                    Some("destroy" | "down") => self.infra(
                        if yes {
                            Severity::Catastrophic
                        } else {
                            Severity::Destructive
                        },
                        "`pulumi destroy` deletes every resource of the stack",
                    ),
                    Some("up" | "update" | "refresh" | "import" | "cancel") => self.infra(
                        if yes {
                            Severity::Destructive
                        } else {
                            Severity::Unknown
                        },
                        "`pulumi up` changes infrastructure",
                    ),
                    Some("stack") if args.iter().any(|w| w.text == "rm") => {
                        self.infra(Severity::Destructive, "`pulumi stack rm` deletes a stack")
                    }
                    Some("preview" | "whoami" | "version" | "about" | "logs") => {
                        Own::ro("`pulumi` reads state")
                    }
                    _ => Own::unknown("`pulumi`"),
                }
            }
            "kubectl" | "oc" | "kubecolor" => self.kubectl(n, args),
            "helm" => {
                let sub = first_op(args);
                match sub.as_deref() {
                    Some("uninstall" | "delete" | "del" | "un") => self.infra(
                        Severity::Destructive,
                        "`helm uninstall` removes a release and its resources",
                    ),
                    Some("rollback") => self.infra(
                        Severity::Destructive,
                        "`helm rollback` changes a running release",
                    ),
                    Some("install" | "upgrade") => self.infra(
                        Severity::Unknown,
                        "`helm install/upgrade` changes a cluster",
                    ),
                    Some(
                        "list" | "ls" | "status" | "get" | "history" | "show" | "search"
                        | "template" | "lint" | "version" | "env" | "verify",
                    ) => Own::ro("`helm` reads"),
                    Some("repo" | "dependency" | "dep" | "pull" | "package" | "plugin") => {
                        Own::project("`helm` manages charts locally")
                    }
                    _ => Own::unknown("`helm`"),
                }
            }
            "aws" => self.cloud_cli("aws", args),
            "gcloud" | "gsutil" | "az" | "doctl" | "linode-cli" | "hcloud" | "oci" | "ibmcloud"
            | "scw" | "vultr-cli" | "exo" | "bq" => self.cloud_cli(n, args),
            "heroku" | "flyctl" | "fly" | "vercel" | "netlify" | "railway" | "render"
            | "firebase" | "wrangler" | "supabase" | "eksctl" | "minikube" | "kind" | "k3d"
            | "vagrant" | "nomad" | "consul" | "vault" | "serverless" | "sls" | "cdk" | "sam"
            | "ansible" | "ansible-playbook" | "packer" | "gh" | "glab" => self.platform(n, args),
            "docker" | "podman" | "nerdctl" | "docker-compose" => self.docker(n, args),
            "crontab" => {
                if args.iter().any(|w| w.text == "-l") {
                    return Some(Own::ro("`crontab -l` lists scheduled jobs"));
                }
                if args
                    .iter()
                    .any(|w| w.text == "-r" || w.text.starts_with('-') && w.text.contains('r'))
                {
                    let what = "`crontab -r` deletes every scheduled job of the user";
                    self.hazard("system", Severity::Destructive, rules::SYSTEM, what.into());
                    return Some(Own::with(Severity::Destructive, rules::SYSTEM, what));
                }
                let what = "`crontab` installs scheduled jobs: code that runs later, persistently";
                self.hazard("system", Severity::Destructive, rules::SYSTEM, what.into());
                // `crontab -` (or no file) installs what stdin holds: its commands are judged.
                let p = opts::parse(
                    args,
                    Spec {
                        short: "u",
                        long: &[],
                        stop_at_operand: false,
                    },
                );
                match p.operands().first() {
                    // `-e` edits the table in an editor, with the person at the keyboard.
                    None if p.has_short('e') => {}
                    None => self.stdin_code(Lang::Crontab, "the new crontab"),
                    Some(w) if w.text == "-" => self.stdin_code(Lang::Crontab, "the new crontab"),
                    Some(file) => {
                        let loc = self.resolve(file);
                        self.read_effect(&loc, "reads a crontab");
                        self.file_code(Lang::Crontab, &loc.path, "the new crontab");
                    }
                }
                Own::with(Severity::Destructive, rules::SYSTEM, what)
            }
            "at" | "batch" => {
                let p = opts::parse(
                    args,
                    Spec {
                        short: "qft",
                        long: &[],
                        stop_at_operand: false,
                    },
                );
                if p.has_short('l') || p.has_short('c') {
                    return Some(Own::ro(format!("`{n}` lists or shows scheduled jobs")));
                }
                let what = format!("`{n}` schedules a command to run later");
                self.hazard("system", Severity::Unknown, rules::SYSTEM, what.clone());
                if p.has_short('r') || p.has_short('d') {
                    return Some(Own::with(Severity::Unknown, rules::SYSTEM, what));
                }
                // The job is a shell script from `-f FILE` or stdin: its commands are judged.
                match p.value(Some('f'), "file").cloned() {
                    Some(file) => {
                        let loc = self.resolve(&file);
                        self.read_effect(&loc, "reads a job script");
                        self.file_code(Lang::Shell, &loc.path, &format!("the `{n}` job"));
                    }
                    None => self.stdin_code(Lang::Shell, &format!("the `{n}` job")),
                }
                Own::with(Severity::Unknown, rules::SYSTEM, what)
            }
            "systemctl" | "service" | "launchctl" | "rc-service" | "sv" | "initctl" => {
                let readonly = [
                    "status",
                    "is-active",
                    "is-enabled",
                    "is-failed",
                    "list-units",
                    "list-unit-files",
                    "show",
                    "cat",
                    "list-timers",
                    "list-sockets",
                    "list-dependencies",
                    "help",
                    "--version",
                    "list",
                    "print",
                    "get-default",
                    "list-jobs",
                    "list-machines",
                ];
                let ops: Vec<&str> = args
                    .iter()
                    .filter(|w| !w.text.starts_with('-'))
                    .map(|w| w.text.as_str())
                    .collect();
                let action = if n == "service" {
                    ops.get(1).copied()
                } else {
                    ops.first().copied()
                };
                match action {
                    None => Own::ro(format!("`{n}` lists services")),
                    Some(a) if readonly.contains(&a) => Own::ro(format!("`{n} {a}` only reads")),
                    Some(a) => {
                        let sev = Severity::Destructive;
                        let msg = format!("`{n} {a}` changes system services");
                        self.hazard("system", sev, rules::SYSTEM, msg.clone());
                        Own::with(sev, rules::SYSTEM, msg)
                    }
                }
            }
            "iptables" | "ip6tables" | "nft" | "ufw" | "firewall-cmd" | "pfctl"
            | "iptables-restore" | "ipset" => {
                let listing = args.iter().any(|w| {
                    matches!(
                        w.text.as_str(),
                        "-L" | "-S"
                            | "--list"
                            | "list"
                            | "status"
                            | "-n"
                            | "--list-rules"
                            | "--list-all"
                            | "-s"
                            | "--state"
                            | "show"
                    )
                }) && !args.iter().any(|w| {
                    matches!(
                        w.text.as_str(),
                        "-F" | "-X"
                            | "-D"
                            | "-A"
                            | "-I"
                            | "-P"
                            | "--flush"
                            | "flush"
                            | "delete"
                            | "disable"
                            | "reset"
                            | "-Z"
                    )
                });
                if listing {
                    return Some(Own::ro(format!("`{n}` lists firewall rules")));
                }
                let msg = format!(
                    "`{n}` changes the firewall{}",
                    if args.iter().any(|w| matches!(
                        w.text.as_str(),
                        "-F" | "--flush" | "flush" | "disable" | "reset"
                    )) {
                        " (flushing or disabling it)"
                    } else {
                        ""
                    }
                );
                self.hazard("system", Severity::Destructive, rules::SYSTEM, msg.clone());
                Own::with(Severity::Destructive, rules::SYSTEM, msg)
            }
            "history" => {
                if args.iter().any(|w| {
                    w.text.starts_with('-')
                        && (w.text.contains('c')
                            || w.text.contains('d')
                            || w.text.contains('w')
                            || w.text.contains('r')
                            || w.text.contains('a')
                            || w.text.contains('n'))
                }) {
                    let msg = "`history -c/-d/-w` rewrites the shell history (covering tracks)"
                        .to_string();
                    self.hazard("system", Severity::Destructive, rules::SYSTEM, msg.clone());
                    return Some(Own::with(Severity::Destructive, rules::SYSTEM, msg));
                }
                Own::ro("`history` lists past commands")
            }
            "kill" | "pkill" | "killall" | "killall5" | "skill" | "slay" => self.kill(n, args),
            "shutdown" | "reboot" | "halt" | "poweroff" | "init" | "telinit" | "suspend"
            | "hibernate" => {
                if n == "init"
                    && args
                        .first()
                        .is_some_and(|w| !matches!(w.text.as_str(), "0" | "6" | "1" | "s" | "S"))
                {
                    return Some(Own::unknown("`init`"));
                }
                let msg = format!("`{n}` stops or restarts the machine");
                self.hazard("system", Severity::Destructive, rules::SYSTEM, msg.clone());
                Own::with(Severity::Destructive, rules::SYSTEM, msg)
            }
            "sysctl" => {
                if args.iter().any(|w| {
                    w.text == "-w"
                        || w.text.contains('=')
                        || w.text == "-p"
                        || w.text == "--system"
                        || w.text == "--load"
                }) {
                    self.hazard(
                        "system",
                        Severity::Destructive,
                        rules::SYSTEM,
                        "`sysctl -w` changes kernel parameters".into(),
                    );
                    return Some(Own::with(
                        Severity::Destructive,
                        rules::SYSTEM,
                        "changes kernel parameters",
                    ));
                }
                Own::ro("`sysctl` reads kernel parameters")
            }
            "modprobe" | "insmod" | "rmmod" | "kextload" | "kextunload" | "setenforce"
            | "auditctl" | "aa-disable" | "aa-complain" | "csrutil" | "spctl" | "setcap" => {
                if n == "modprobe"
                    && args.iter().any(|w| {
                        w.text == "-n"
                            || w.text == "--dry-run"
                            || w.text == "-c"
                            || w.text == "--show-config"
                    })
                {
                    return Some(Own::ro("`modprobe --dry-run`"));
                }
                let msg = format!("`{n}` changes the kernel or security settings");
                self.hazard("system", Severity::Destructive, rules::SYSTEM, msg.clone());
                Own::with(Severity::Destructive, rules::SYSTEM, msg)
            }
            "gpg" | "gpg2" => {
                if args
                    .iter()
                    .any(|w| w.text.starts_with("--export-secret") || w.text == "--export-ssh-key")
                {
                    self.note_secret("exports private keys");
                    return Some(Own::unknown(
                        "`gpg --export-secret-keys` outputs private keys",
                    ));
                }
                if args.iter().any(|w| {
                    matches!(
                        w.text.as_str(),
                        "--list-keys"
                            | "-k"
                            | "--list-secret-keys"
                            | "-K"
                            | "--version"
                            | "--fingerprint"
                            | "--verify"
                    )
                }) {
                    return Some(Own::ro("`gpg` lists keys or verifies"));
                }
                Own::unknown("`gpg` uses or changes keys")
            }
            "useradd" | "userdel" | "usermod" | "groupadd" | "groupdel" | "groupmod" | "passwd"
            | "chpasswd" | "adduser" | "deluser" | "visudo" | "vipw" | "chsh" | "gpasswd"
            | "dscl" | "sysadminctl" => {
                let msg = format!("`{n}` changes user accounts or credentials");
                self.hazard(
                    "privilege",
                    Severity::Destructive,
                    rules::PRIVILEGE,
                    msg.clone(),
                );
                Own::with(Severity::Destructive, rules::PRIVILEGE, msg)
            }
            "export" => {
                for w in args {
                    if let Some((k, v)) = w.text.split_once('=') {
                        let value = opts::sub_word(w, v);
                        self.check_env_assignment(k, &value, false);
                    }
                }
                if args.is_empty() || args.iter().any(|w| w.text == "-p") {
                    self.note_env_dump();
                    self.out.secret = true;
                }
                Own::ro("`export` sets shell variables")
            }
            "set" | "declare" | "typeset" | "local" | "readonly" => {
                if args.is_empty()
                    || args
                        .iter()
                        .all(|w| w.text == "-p" || w.text == "-x" || w.text == "-px")
                        && args.iter().any(|w| w.text.contains('p'))
                    || (n == "set" && args.is_empty())
                {
                    self.note_env_dump();
                    self.out.secret = true;
                }
                if n == "declare" || n == "typeset" {
                    for w in args.iter().filter(|w| !w.text.starts_with('-')) {
                        if let Some((k, v)) = w.text.split_once('=') {
                            let value = opts::sub_word(w, v);
                            self.check_env_assignment(k, &value, false);
                        }
                    }
                }
                Own::ro(format!("`{n}` sets shell options or variables"))
            }
            "ulimit" => {
                if args.iter().any(|w| !w.text.starts_with('-'))
                    && args.iter().any(|w| {
                        w.text == "-n"
                            || w.text == "-u"
                            || w.text == "-c"
                            || w.text == "-s"
                            || w.text == "-v"
                            || w.text == "-f"
                    })
                {
                    Own::project("`ulimit` changes resource limits for this shell")
                } else {
                    Own::ro("`ulimit` shows limits")
                }
            }
            "umask" => Own::project("`umask` changes default permissions for this shell"),
            _ => return None,
        })
    }

    fn infra(&mut self, sev: Severity, msg: &str) -> Own {
        self.hazard(
            "infrastructure",
            sev,
            rules::INFRASTRUCTURE,
            format!("{msg}; review the plan and apply it yourself"),
        );
        Own::with(sev, rules::INFRASTRUCTURE, msg)
    }

    fn disk(&mut self, n: &str, args: &[Word]) -> Own {
        let readonly = match n {
            "fdisk" | "sfdisk" | "parted" | "gdisk" => args
                .iter()
                .any(|w| matches!(w.text.as_str(), "-l" | "--list" | "print" | "-d" | "--dump")),
            "hdparm" => !args.iter().any(|w| {
                w.text.starts_with("--")
                    || w.text.starts_with("-W")
                    || w.text.starts_with("-S")
                    || w.text.starts_with("-B")
            }),
            "losetup" | "dmsetup" => {
                args.is_empty()
                    || args.iter().any(|w| {
                        matches!(
                            w.text.as_str(),
                            "-l" | "-a" | "--list" | "ls" | "info" | "status" | "table"
                        )
                    })
            }
            "diskutil" => args
                .first()
                .is_some_and(|w| matches!(w.text.as_str(), "list" | "info" | "activity")),
            "cryptsetup" => args
                .first()
                .is_some_and(|w| matches!(w.text.as_str(), "status" | "luksDump" | "isLuks")),
            "zpool" => args.first().is_some_and(|w| {
                matches!(
                    w.text.as_str(),
                    "list" | "status" | "iostat" | "history" | "get"
                )
            }),
            "nvme" => args.first().is_some_and(|w| {
                matches!(w.text.as_str(), "list" | "id-ctrl" | "smart-log" | "id-ns")
            }),
            "wipefs" => {
                args.iter().all(|w| {
                    !w.text.starts_with("-a")
                        && w.text != "--all"
                        && !w.text.starts_with("-o")
                        && !w.text.starts_with("--offset")
                }) && !args.is_empty()
                    && args.iter().any(|w| w.text == "-n" || w.text == "--no-act")
            }
            _ => false,
        };
        if readonly && !args.is_empty() {
            return Own::ro(format!("`{n}` only lists disks or partitions"));
        }
        let targets: Vec<String> = args
            .iter()
            .filter(|w| w.text.starts_with("/dev/"))
            .map(|w| w.text.clone())
            .collect();
        let msg = format!(
            "`{n}` formats, partitions or erases a disk{}: this destroys data",
            if targets.is_empty() {
                String::new()
            } else {
                format!(" ({})", targets.join(", "))
            }
        );
        let sev = if matches!(
            n,
            "e2fsck" | "fsck" | "tune2fs" | "resize2fs" | "losetup" | "dmsetup" | "swapon"
        ) && !n.starts_with("mkfs")
        {
            Severity::Destructive
        } else {
            Severity::Catastrophic
        };
        self.hazard("disk", sev, rules::DISK, msg.clone());
        Own::with(sev, rules::DISK, msg)
    }

    fn database(&mut self, n: &str, args: &[Word]) -> Own {
        let mut sql: Vec<String> = Vec::new();
        let mut i = 0;
        let mut positional: Vec<&Word> = Vec::new();
        while i < args.len() {
            let t = args[i].text.as_str();
            let next = args.get(i + 1).map(|w| w.text.clone());
            match (n, t) {
                (
                    "psql" | "cockroach" | "pgcli" | "usql" | "clickhouse-client" | "clickhouse"
                    | "duckdb",
                    "-c",
                )
                | ("mysql" | "mariadb" | "mycli", "-e")
                | ("mongo" | "mongosh", "--eval")
                | ("cqlsh", "-e")
                | ("sqlcmd", "-Q" | "-q")
                | ("influx", "-execute")
                | ("clickhouse-client" | "clickhouse", "-q") => {
                    if let Some(s) = next {
                        sql.push(s);
                    }
                    i += 2;
                    continue;
                }
                (_, t)
                    if t.starts_with("--command=")
                        || t.starts_with("--execute=")
                        || t.starts_with("--eval=")
                        || t.starts_with("--query=") =>
                {
                    sql.push(
                        t.split_once('=')
                            .map(|(_, v)| v.to_string())
                            .unwrap_or_default(),
                    );
                }
                ("psql" | "mysql" | "mariadb" | "sqlcmd", "-f" | "--file" | "-i") => {
                    if let Some(f) = args.get(i + 1) {
                        let loc = self.resolve(f);
                        self.read_effect(&loc, "runs the SQL file");
                        match self.ctx.env.read_script(&loc.path) {
                            Some(t) => sql.push(t),
                            None => sql.push("-- unreadable".into()),
                        }
                    }
                    i += 2;
                    continue;
                }
                (_, t) if t.starts_with('-') => {
                    // Options with values that are not SQL.
                    if matches!(
                        t,
                        "-h" | "-U"
                            | "-d"
                            | "-p"
                            | "-u"
                            | "-P"
                            | "-D"
                            | "-H"
                            | "--host"
                            | "--port"
                            | "--user"
                            | "--username"
                            | "--dbname"
                            | "-n"
                            | "-a"
                            | "--db"
                            | "-S"
                            | "-W"
                            | "--database"
                    ) && !t.contains('=')
                        && n != "sqlite3"
                        && !(t == "-p" && matches!(n, "mysql" | "mariadb" | "mycli"))
                    {
                        i += 2;
                        continue;
                    }
                }
                _ => positional.push(&args[i]),
            }
            i += 1;
        }
        if matches!(n, "sqlite3" | "sqlite" | "litecli" | "duckdb") {
            if let Some(db) = positional.first() {
                let loc = self.resolve(db);
                self.read_effect(&loc, "opens the database");
            }
            if positional.len() > 1 {
                sql.extend(positional[1..].iter().map(|w| w.text.clone()));
            }
        }
        if matches!(n, "redis-cli" | "valkey-cli") {
            let cmd: Vec<String> = positional
                .iter()
                .map(|w| w.text.to_ascii_uppercase())
                .collect();
            return match cmd.first().map(String::as_str) {
                Some("FLUSHALL") => {
                    let msg =
                        "`redis-cli FLUSHALL` deletes every key of every database".to_string();
                    self.hazard(
                        "database",
                        Severity::Catastrophic,
                        rules::DATABASE,
                        msg.clone(),
                    );
                    Own::with(Severity::Catastrophic, rules::DATABASE, msg)
                }
                Some(
                    "FLUSHDB" | "DEL" | "UNLINK" | "SHUTDOWN" | "CONFIG" | "DEBUG" | "SCRIPT"
                    | "EVAL" | "MODULE" | "SLAVEOF" | "REPLICAOF",
                ) => {
                    let msg = format!("`redis-cli {}` deletes data or changes the server", cmd[0]);
                    self.hazard(
                        "database",
                        Severity::Destructive,
                        rules::DATABASE,
                        msg.clone(),
                    );
                    Own::with(Severity::Destructive, rules::DATABASE, msg)
                }
                Some(
                    "GET" | "KEYS" | "SCAN" | "INFO" | "PING" | "TTL" | "TYPE" | "HGETALL" | "HGET"
                    | "LRANGE" | "SMEMBERS" | "EXISTS" | "DBSIZE" | "MGET" | "ZRANGE" | "STRLEN"
                    | "LLEN" | "SCARD",
                ) => Own::unknown("`redis-cli` reads from a server"),
                None => {
                    self.stdin_sql(n);
                    Own::unknown("`redis-cli` reads commands from its input")
                }
                _ => Own::unknown("`redis-cli` changes data on a server"),
            };
        }
        if sql.is_empty() {
            self.stdin_sql(n);
            if let Stdin::Text(Some(t)) | Stdin::Pipe(crate::walk::Out { text: Some(t), .. }) =
                self.stdin.clone()
            {
                sql.push(t);
            }
        }
        let mut worst = Own::unknown(format!("`{n}` talks to a database"));
        for s in &sql {
            if let Some((sev, what)) = sql_risk(s) {
                let msg = format!(
                    "`{n}` runs `{what}`, which destroys data; back up and run it yourself"
                );
                self.hazard("database", sev, rules::DATABASE, msg.clone());
                if sev > worst.sev {
                    worst = Own::with(sev, rules::DATABASE, msg);
                }
            }
        }
        worst
    }

    fn stdin_sql(&mut self, n: &str) {
        if let Stdin::Pipe(o) = &self.stdin
            && o.fetched
        {
            self.hazard(
                "database",
                Severity::Destructive,
                rules::DATABASE,
                format!("`{n}` runs SQL downloaded from the network"),
            );
        }
    }

    fn terraform(&mut self, n: &str, args: &[Word]) -> Own {
        let sub = first_op(args);
        let auto = args
            .iter()
            .any(|w| w.text == "-auto-approve" || w.text == "--auto-approve");
        let destroy_flag = args
            .iter()
            .any(|w| w.text == "-destroy" || w.text == "--destroy");
        match sub.as_deref() {
            Some("destroy") => self.infra(
                if auto {
                    Severity::Catastrophic
                } else {
                    Severity::Destructive
                },
                &format!("`{n} destroy` deletes every resource it manages"),
            ),
            Some("apply") if destroy_flag => self.infra(
                if auto {
                    Severity::Catastrophic
                } else {
                    Severity::Destructive
                },
                &format!("`{n} apply -destroy` deletes every resource it manages"),
            ),
            Some("apply") if auto => self.infra(
                Severity::Destructive,
                &format!("`{n} apply -auto-approve` changes infrastructure without review"),
            ),
            Some("apply" | "import" | "taint" | "untaint" | "refresh") => self.infra(
                Severity::Unknown,
                &format!("`{n} {}` changes infrastructure", sub.unwrap_or_default()),
            ),
            Some("state") => {
                if args
                    .iter()
                    .any(|w| matches!(w.text.as_str(), "rm" | "mv" | "push" | "replace-provider"))
                {
                    self.infra(
                        Severity::Destructive,
                        &format!("`{n} state rm/mv/push` rewrites state"),
                    )
                } else {
                    Own::ro(format!("`{n} state` reads state"))
                }
            }
            Some("workspace") if args.iter().any(|w| w.text == "delete") => self.infra(
                Severity::Destructive,
                &format!("`{n} workspace delete` deletes a workspace"),
            ),
            Some("force-unlock") => self.infra(
                Severity::Destructive,
                &format!("`{n} force-unlock` breaks a state lock"),
            ),
            Some(
                "plan" | "validate" | "fmt" | "init" | "get" | "providers" | "graph" | "output"
                | "show" | "version" | "workspace" | "console" | "test" | "metadata" | "modules",
            ) => {
                if sub.as_deref() == Some("fmt")
                    || sub.as_deref() == Some("init")
                    || sub.as_deref() == Some("get")
                {
                    Own::project(format!(
                        "`{n} {}` prepares the working directory",
                        sub.unwrap_or_default()
                    ))
                } else {
                    Own::ro(format!(
                        "`{n} {}` only reads or plans",
                        sub.unwrap_or_default()
                    ))
                }
            }
            _ => Own::unknown(format!("`{n}`")),
        }
    }

    fn kubectl(&mut self, n: &str, args: &[Word]) -> Own {
        let p = opts::parse(
            args,
            Spec {
                short: "nlcfoL",
                long: &[
                    "namespace",
                    "context",
                    "cluster",
                    "kubeconfig",
                    "selector",
                    "filename",
                    "output",
                    "user",
                    "server",
                    "token",
                    "as",
                    "field-selector",
                    "container",
                    "timeout",
                ],
                stop_at_operand: false,
            },
        );
        let ops = p.operands();
        let sub = ops.first().map(|w| w.text.as_str()).unwrap_or("");
        let prod = p
            .values(None, "context")
            .iter()
            .chain(p.values(Some('n'), "namespace").iter())
            .chain(p.values(None, "cluster").iter())
            .any(|w| w.text.to_ascii_lowercase().contains("prod"));
        let all = p.has_long("all") || p.has_short('A') || p.has_long("all-namespaces");
        match sub {
            "exec" => {
                let dd = args.iter().position(|w| w.text == "--");
                match dd {
                    Some(i) => {
                        let inner = args[i + 1..].to_vec();
                        let saved = (self.state.cwd.take(), self.home.take());
                        self.wrap_depth += 1;
                        self.run(&inner);
                        self.wrap_depth -= 1;
                        self.state.cwd = saved.0;
                        self.home = saved.1;
                    }
                    None => self.unseen(
                        "`kubectl exec` without `--` runs a command Warden cannot separate".into(),
                    ),
                }
                Own::unknown(format!(
                    "`{n} exec` runs a command inside a running container"
                ))
            }
            "delete" => {
                let ns = ops.get(1).is_some_and(|w| {
                    matches!(
                        w.text.as_str(),
                        "ns" | "namespace"
                            | "namespaces"
                            | "pv"
                            | "pvc"
                            | "node"
                            | "nodes"
                            | "crd"
                            | "crds"
                    )
                });
                let sev = if prod || all || ns {
                    Severity::Catastrophic
                } else {
                    Severity::Destructive
                };
                self.infra(
                    sev,
                    &format!(
                        "`{n} delete` removes cluster resources{}",
                        if prod {
                            " in a production context"
                        } else if all {
                            " across all namespaces"
                        } else {
                            ""
                        }
                    ),
                )
            }
            "drain" | "cordon" | "taint" | "replace" | "scale" | "rollout" | "patch" | "apply"
            | "create" | "edit" | "set" | "label" | "annotate" | "autoscale" | "expose" | "run"
            | "cp" | "debug" | "attach" | "port-forward" | "proxy" | "uncordon" => {
                let sev = if sub == "apply"
                    || sub == "create"
                    || sub == "run"
                    || sub == "cp"
                    || sub == "port-forward"
                    || sub == "proxy"
                    || sub == "label"
                    || sub == "annotate"
                {
                    Severity::Unknown
                } else {
                    Severity::Destructive
                };
                let sev = if prod && sev == Severity::Unknown {
                    Severity::Destructive
                } else {
                    sev
                };
                self.infra(sev, &format!("`{n} {sub}` changes a cluster"))
            }
            "get" | "describe" | "logs" | "top" | "explain" | "version" | "api-resources"
            | "api-versions" | "cluster-info" | "auth" | "diff" | "events" | "wait" | "" => {
                Own::ro(format!("`{n} {sub}` only reads the cluster"))
            }
            "config" => {
                if ops.get(1).is_some_and(|w| {
                    matches!(
                        w.text.as_str(),
                        "view" | "get-contexts" | "current-context" | "get-clusters" | "get-users"
                    )
                }) {
                    Own::ro(format!("`{n} config` reads configuration"))
                } else {
                    Own::unknown(format!("`{n} config` changes which cluster is used"))
                }
            }
            _ => Own::unknown(format!("`{n} {}`", clip(sub))),
        }
    }

    fn cloud_cli(&mut self, n: &str, args: &[Word]) -> Own {
        let words: Vec<String> = args
            .iter()
            .filter(|w| !w.text.starts_with('-'))
            .map(|w| w.text.to_ascii_lowercase())
            .collect();
        let flags: Vec<&str> = args
            .iter()
            .filter(|w| w.text.starts_with('-'))
            .map(|w| w.text.as_str())
            .collect();
        let has = |f: &str| flags.contains(&f);
        let joined = words.join(" ");
        if n == "aws" && words.first().is_some_and(|w| w == "s3") {
            return match words.get(1).map(String::as_str) {
                Some("rm") if has("--recursive") => self.infra(
                    Severity::Destructive,
                    "`aws s3 rm --recursive` deletes every object under a prefix",
                ),
                Some("rm") => self.infra(Severity::Unknown, "`aws s3 rm` deletes an object"),
                Some("rb") if has("--force") => self.infra(
                    Severity::Catastrophic,
                    "`aws s3 rb --force` deletes a bucket and everything in it",
                ),
                Some("rb") => self.infra(Severity::Destructive, "`aws s3 rb` deletes a bucket"),
                Some("sync") if has("--delete") => self.infra(
                    Severity::Destructive,
                    "`aws s3 sync --delete` deletes objects missing locally",
                ),
                Some("ls") => Own::ro("`aws s3 ls` lists objects"),
                Some("cp" | "mv" | "sync") => {
                    for w in args
                        .iter()
                        .filter(|w| !w.text.starts_with('-') && !w.text.starts_with("s3://"))
                        .skip(2)
                    {
                        let loc = self.resolve(w);
                        self.read_effect(&loc, "may upload");
                    }
                    Own::unknown("`aws s3 cp/sync` transfers data to or from S3")
                }
                _ => Own::unknown("`aws s3`"),
            };
        }
        let destructive_verb = words.iter().any(|w| {
            w.starts_with("delete")
                || w.starts_with("remove")
                || w.starts_with("terminate")
                || w.starts_with("destroy")
                || w == "rm"
                || w == "rb"
                || w.starts_with("purge")
                || w.starts_with("deregister")
                || w.starts_with("revoke")
                || w == "reset"
                || w == "wipe"
        });
        if destructive_verb {
            let big = joined.contains("project")
                || joined.contains("cluster")
                || joined.contains("database")
                || joined.contains("bucket")
                || joined.contains("group") && n == "az"
                || joined.contains("instances") && has("--quiet");
            let quiet = has("--quiet") || has("-q") || has("--yes") || has("-y") || has("--force");
            let sev = if big && quiet {
                Severity::Catastrophic
            } else {
                Severity::Destructive
            };
            return self.infra(
                sev,
                &format!("`{n} {}` deletes cloud resources", clip(&joined)),
            );
        }
        let read_verb = words.iter().any(|w| {
            w.starts_with("describe")
                || w.starts_with("list")
                || w.starts_with("get")
                || w == "ls"
                || w == "show"
                || w == "info"
                || w == "version"
                || w == "whoami"
                || w == "account" && words.len() == 2
                || w.starts_with("print")
                || w == "cat"
                || w == "help"
        }) && !words.iter().any(|w| {
            w.starts_with("set")
                || w.starts_with("create")
                || w.starts_with("update")
                || w.starts_with("put")
                || w.starts_with("modify")
                || w == "login"
                || w == "cp"
                || w == "rsync"
                || w == "mv"
        });
        if read_verb || words.is_empty() {
            return Own::ro(format!("`{n}` only reads cloud state"));
        }
        self.infra(
            Severity::Unknown,
            &format!("`{n} {}` changes cloud resources", clip(&joined)),
        )
    }

    fn platform(&mut self, n: &str, args: &[Word]) -> Own {
        let words: Vec<String> = args
            .iter()
            .filter(|w| !w.text.starts_with('-'))
            .map(|w| w.text.to_ascii_lowercase())
            .collect();
        let joined = words.join(" ");
        let forced = args.iter().any(|w| {
            matches!(
                w.text.as_str(),
                "--yes" | "-y" | "--force" | "-f" | "--confirm" | "--auto-approve"
            )
        });
        if n == "gh" || n == "glab" {
            let sub = words.first().map(String::as_str).unwrap_or("");
            let action = words.get(1).map(String::as_str).unwrap_or("");
            return match (sub, action) {
                ("repo", "delete")
                | ("release", "delete")
                | ("secret", "delete")
                | ("variable", "delete")
                | ("ssh-key", "delete")
                | ("gpg-key", "delete")
                | ("cache", "delete")
                | ("run", "delete")
                | ("label", "delete")
                | ("repo", "archive") => self.infra(
                    if sub == "repo" && action == "delete" {
                        Severity::Catastrophic
                    } else {
                        Severity::Destructive
                    },
                    &format!("`{n} {sub} {action}` deletes from the forge"),
                ),
                ("api", _) => {
                    let method = args
                        .iter()
                        .position(|w| w.text == "-X" || w.text == "--method")
                        .and_then(|i| args.get(i + 1))
                        .map(|w| w.text.to_ascii_uppercase());
                    match method.as_deref() {
                        Some("DELETE") => self.infra(
                            Severity::Destructive,
                            &format!("`{n} api -X DELETE` deletes through the API"),
                        ),
                        Some("GET") | None
                            if !args.iter().any(|w| {
                                matches!(
                                    w.text.as_str(),
                                    "-f" | "-F" | "--field" | "--raw-field" | "--input"
                                )
                            }) =>
                        {
                            Own::ro(format!("`{n} api` reads"))
                        }
                        _ => Own::unknown(format!("`{n} api` writes through the API")),
                    }
                }
                ("gist" | "snippet", "create") | ("release", "upload") => {
                    // The files named are read and published (a gist is public by link).
                    let skip = if sub == "release" { 3 } else { 2 };
                    let files: Vec<&Word> = args
                        .iter()
                        .filter(|w| !w.text.starts_with('-'))
                        .skip(skip)
                        .collect();
                    self.read_words(&files, &format!("`{n} {sub} {action}` uploads"));
                    Own::unknown(format!("`{n} {sub} {action}` publishes files on the forge"))
                }
                ("auth", "status" | "token") => Own::ro(format!("`{n} auth status`")),
                (_, "view" | "list" | "status" | "diff" | "checks" | "ls" | "search")
                | ("status" | "search" | "browse" | "version" | "help", _) => {
                    Own::ro(format!("`{n} {sub}` only reads"))
                }
                ("pr" | "mr", "checkout") => {
                    Own::project(format!("`{n} {sub} checkout` switches branches"))
                }
                ("repo", "clone") => Own::project(format!("`{n} repo clone` copies a repository")),
                _ => Own::unknown(format!(
                    "`{n} {}` changes state on the forge",
                    clip(&joined)
                )),
            };
        }
        let destroy = words.iter().any(|w| {
            w.contains("destroy")
                || w.starts_with("delete")
                || w == "rm"
                || w == "remove"
                || w.contains("uninstall")
                || w == "down"
                || w == "teardown"
                || w == "purge"
        });
        if destroy {
            return self.infra(
                if forced {
                    Severity::Catastrophic
                } else {
                    Severity::Destructive
                },
                &format!("`{n} {}` deletes deployed resources", clip(&joined)),
            );
        }
        if words.iter().any(|w| {
            matches!(
                w.as_str(),
                "deploy"
                    | "up"
                    | "apply"
                    | "release"
                    | "publish"
                    | "promote"
                    | "scale"
                    | "restart"
                    | "rollback"
                    | "run"
                    | "provision"
                    | "push"
                    | "set"
                    | "create"
                    | "import"
            )
        }) || n.starts_with("ansible")
        {
            return self.infra(
                Severity::Unknown,
                &format!("`{n} {}` changes deployed resources", clip(&joined)),
            );
        }
        if words.is_empty()
            || words.iter().any(|w| {
                matches!(
                    w.as_str(),
                    "status"
                        | "list"
                        | "ls"
                        | "info"
                        | "logs"
                        | "whoami"
                        | "version"
                        | "show"
                        | "get"
                        | "describe"
                        | "help"
                        | "validate"
                        | "inspect"
                        | "plan"
                        | "diff"
                        | "synth"
                )
            })
        {
            return Own::ro(format!("`{n}` only reads"));
        }
        Own::unknown(format!("`{n} {}`", clip(&joined)))
    }

    fn docker(&mut self, n: &str, args: &[Word]) -> Own {
        let mut i = 0;
        // Global options.
        while i < args.len() && args[i].text.starts_with('-') {
            let t = args[i].text.as_str();
            i += if matches!(
                t,
                "-H" | "--host"
                    | "--context"
                    | "-c"
                    | "--config"
                    | "--log-level"
                    | "-l"
                    | "-f"
                    | "--file"
                    | "-p"
                    | "--project-name"
                    | "--project-directory"
                    | "--env-file"
                    | "--profile"
            ) {
                2
            } else {
                1
            };
        }
        let rest = &args[i.min(args.len())..];
        let mut sub = rest.first().map(|w| w.text.clone()).unwrap_or_default();
        let mut rest = rest.get(1..).unwrap_or(&[]);
        if n == "docker-compose" || sub == "compose" {
            if sub == "compose" {
                let mut j = 0;
                while j < rest.len() && rest[j].text.starts_with('-') {
                    j += if matches!(
                        rest[j].text.as_str(),
                        "-f" | "--file"
                            | "-p"
                            | "--project-name"
                            | "--env-file"
                            | "--profile"
                            | "--project-directory"
                    ) {
                        2
                    } else {
                        1
                    };
                }
                sub = rest.get(j).map(|w| w.text.clone()).unwrap_or_default();
                rest = rest.get(j + 1..).unwrap_or(&[]);
            }
            return match sub.as_str() {
                "down"
                    if rest
                        .iter()
                        .any(|w| w.text == "-v" || w.text == "--volumes" || w.text == "--rmi") =>
                {
                    self.container(
                        Severity::Destructive,
                        "`compose down -v` deletes the project's volumes",
                    )
                }
                "rm" => self.container(Severity::Destructive, "`compose rm` removes containers"),
                "exec" | "run" => {
                    self.container_exec(
                        n,
                        rest,
                        &[
                            "-e",
                            "--env",
                            "-u",
                            "--user",
                            "-w",
                            "--workdir",
                            "--index",
                            "--name",
                            "--entrypoint",
                            "-p",
                            "--publish",
                            "-v",
                            "--volume",
                            "-l",
                            "--label",
                        ],
                    );
                    Own::unknown(format!("`{n} {sub}` runs a command in a container"))
                }
                "ps" | "logs" | "config" | "ls" | "images" | "top" | "version" | "port"
                | "events" => Own::ro(format!("`compose {sub}` only reads")),
                "build" | "pull" | "create" => Own::project(format!("`compose {sub}`")),
                _ => Own::unknown(format!("`compose {sub}` changes running services")),
            };
        }
        match sub.as_str() {
            "exec" => {
                self.container_exec(
                    n,
                    rest,
                    &[
                        "-e",
                        "--env",
                        "-u",
                        "--user",
                        "-w",
                        "--workdir",
                        "--env-file",
                        "--detach-keys",
                    ],
                );
                Own::unknown(format!("`{n} exec` runs a command inside a container"))
            }
            "run" | "create" => {
                let privileged = rest.iter().any(|w| {
                    w.text == "--privileged"
                        || w.text.starts_with("--cap-add")
                        || w.text == "--pid=host"
                        || w.text == "--net=host"
                        || w.text == "--network=host"
                        || w.text.starts_with("--security-opt")
                });
                let mut host_mount = false;
                for (k, w) in rest.iter().enumerate() {
                    let v = if w.text == "-v" || w.text == "--volume" || w.text == "--mount" {
                        rest.get(k + 1).map(|x| x.text.clone())
                    } else {
                        w.text
                            .strip_prefix("--volume=")
                            .or(w.text.strip_prefix("-v"))
                            .or(w.text.strip_prefix("--mount="))
                            .filter(|s| !s.is_empty())
                            .map(str::to_string)
                    };
                    if let Some(v) = v {
                        let src = v
                            .split(':')
                            .next()
                            .unwrap_or("")
                            .trim_start_matches("type=bind,")
                            .trim_start_matches("source=")
                            .trim_start_matches("src=")
                            .to_string();
                        if src.starts_with('/') || src.starts_with('~') || src.starts_with('$') {
                            let loc = self.resolver().resolve_str(&src);
                            let pl = place(&loc.path, &self.root, self.home.as_deref());
                            if matches!(pl, Place::Critical(_) | Place::System | Place::Device)
                                || src.contains("docker.sock")
                            {
                                host_mount = true;
                            }
                        }
                    }
                }
                if privileged || host_mount {
                    let msg = format!(
                        "`{n} run` with {} gives the container control of the host",
                        if privileged {
                            "`--privileged` or host namespaces"
                        } else {
                            "a host system directory or the Docker socket mounted"
                        }
                    );
                    self.hazard(
                        "privilege",
                        Severity::Destructive,
                        rules::PRIVILEGE,
                        msg.clone(),
                    );
                    return Own::with(Severity::Destructive, rules::CONTAINER, msg);
                }
                Own::unknown(format!("`{n} {sub}` starts a container"))
            }
            "rm" | "rmi" | "kill" | "stop" => {
                let forced = rest.iter().any(|w| w.text == "-f" || w.text == "--force");
                self.container(
                    if forced || sub == "rmi" || sub == "rm" {
                        Severity::Destructive
                    } else {
                        Severity::Unknown
                    },
                    &format!("`{n} {sub}` removes or stops containers or images"),
                )
            }
            "system" | "volume" | "image" | "container" | "network" | "builder" | "buildx" => {
                let action = rest
                    .iter()
                    .find(|w| !w.text.starts_with('-'))
                    .map(|w| w.text.as_str())
                    .unwrap_or("");
                match action {
                    "prune" | "rm" | "remove" => self.container(
                        Severity::Destructive,
                        &format!("`{n} {sub} {action}` deletes {sub} data"),
                    ),
                    "ls" | "list" | "inspect" | "df" | "info" | "history" | "events" => {
                        Own::ro(format!("`{n} {sub} {action}` only reads"))
                    }
                    "build" | "create" | "pull" | "tag" => {
                        Own::project(format!("`{n} {sub} {action}`"))
                    }
                    _ => Own::unknown(format!("`{n} {sub} {action}`")),
                }
            }
            "ps" | "images" | "logs" | "inspect" | "version" | "info" | "stats" | "top"
            | "port" | "diff" | "history" | "search" | "events" => {
                Own::ro(format!("`{n} {sub}` only reads"))
            }
            "build" | "pull" | "tag" => Own::project(format!("`{n} {sub}`")),
            "push" | "login" | "logout" => {
                Own::unknown(format!("`{n} {sub}` publishes or changes credentials"))
            }
            "cp" => Own::unknown(format!(
                "`{n} cp` copies files between a container and the host"
            )),
            _ => Own::unknown(format!("`{n} {}`", clip(&sub))),
        }
    }

    fn container(&mut self, sev: Severity, msg: &str) -> Own {
        self.hazard("container", sev, rules::CONTAINER, msg.to_string());
        Own::with(sev, rules::CONTAINER, msg)
    }

    fn container_exec(&mut self, _n: &str, rest: &[Word], value_opts: &[&str]) {
        let mut i = 0;
        while i < rest.len() && rest[i].text.starts_with('-') {
            let t = rest[i].text.as_str();
            i += if value_opts.contains(&t) { 2 } else { 1 };
        }
        // CONTAINER (or SERVICE) then the command.
        let inner = rest.get(i + 1..).unwrap_or(&[]).to_vec();
        if inner.is_empty() {
            return;
        }
        let saved = (self.state.cwd.take(), self.home.take());
        self.wrap_depth += 1;
        self.run(&inner);
        self.wrap_depth -= 1;
        self.state.cwd = saved.0;
        self.home = saved.1;
        let _ = Sub::Child;
    }

    fn kill(&mut self, n: &str, args: &[Word]) -> Own {
        if n == "kill" && args.first().is_some_and(|w| w.text == "-0") {
            return Own::ro("`kill -0` only checks that a process exists");
        }
        if n == "kill" && args.iter().any(|w| w.text == "-l" || w.text == "-L") {
            return Own::ro("`kill -l` lists signals");
        }
        let everything = match n {
            "killall5" => true,
            "kill" => {
                // Options first: `-SIG`, `-s SIG`, `-n SIG`; then process ids, where `-1`
                // means every process the user may signal and `1` is init.
                let mut i = 0;
                while i < args.len() {
                    let t = args[i].text.as_str();
                    if t == "--" {
                        i += 1;
                        break;
                    }
                    if t == "-s" || t == "-n" {
                        i += 2;
                        continue;
                    }
                    if i == 0 && t.starts_with('-') && args.len() > 1 {
                        i += 1;
                        continue;
                    }
                    break;
                }
                args.get(i..)
                    .unwrap_or(&[])
                    .iter()
                    .any(|w| w.text == "-1" || w.text == "1")
            }
            _ => false,
        };
        if everything {
            let msg = format!(
                "`{n}` signals every process (or init): this takes the session or the machine down"
            );
            self.hazard("system", Severity::Catastrophic, rules::SYSTEM, msg.clone());
            return Own::with(Severity::Catastrophic, rules::SYSTEM, msg);
        }
        if matches!(n, "pkill" | "killall" | "skill" | "slay") {
            let broad = args
                .iter()
                .any(|w| w.text == "-u" || w.text == "-U" || w.text.starts_with("--user"));
            return Own::with(
                if broad {
                    Severity::Destructive
                } else {
                    Severity::Unknown
                },
                rules::SYSTEM,
                format!("`{n}` stops processes by name"),
            );
        }
        Own::unknown(format!("`{n}` stops processes"))
    }
}

fn first_op(args: &[Word]) -> Option<String> {
    let mut i = 0;
    while i < args.len() {
        let t = args[i].text.as_str();
        if t.starts_with("-chdir") || t == "-C" {
            i += if t.contains('=') { 1 } else { 2 };
            continue;
        }
        if t.starts_with('-') {
            i += 1;
            continue;
        }
        return Some(t.to_string());
    }
    None
}

/// The most destructive SQL statement in a script, if any.
pub(crate) fn sql_risk(sql: &str) -> Option<(Severity, String)> {
    let upper = strip_sql_comments(sql).to_ascii_uppercase();
    let mut worst: Option<(Severity, String)> = None;
    let mut bump = |s: Severity, what: &str| {
        if worst.as_ref().is_none_or(|(w, _)| s > *w) {
            worst = Some((s, what.to_string()));
        }
    };
    for stmt in upper.split(';') {
        let words: Vec<&str> = stmt.split_whitespace().collect();
        let joined = words.join(" ");
        match words.first().copied() {
            Some("DROP") => {
                let what = words.get(1).copied().unwrap_or("");
                if matches!(what, "DATABASE" | "SCHEMA" | "OWNED" | "KEYSPACE") {
                    bump(Severity::Catastrophic, &format!("DROP {what}"));
                } else {
                    bump(Severity::Destructive, &format!("DROP {what}"));
                }
            }
            Some("TRUNCATE") => bump(Severity::Destructive, "TRUNCATE"),
            Some("DELETE") if !joined.contains(" WHERE ") => {
                bump(Severity::Destructive, "DELETE without WHERE")
            }
            Some("UPDATE") if !joined.contains(" WHERE ") => {
                bump(Severity::Destructive, "UPDATE without WHERE")
            }
            Some("ALTER") if joined.contains(" DROP ") => {
                bump(Severity::Destructive, "ALTER … DROP")
            }
            Some("FLUSHALL") => bump(Severity::Catastrophic, "FLUSHALL"),
            Some("REVOKE" | "GRANT") => bump(Severity::Unknown, "GRANT/REVOKE"),
            _ => {}
        }
        if joined.contains("DROPDATABASE()") {
            bump(Severity::Catastrophic, "a Mongo dropDatabase");
        } else if joined.contains(".DROP()")
            || joined.contains("DELETEMANY({})")
            || joined.contains("REMOVE({})")
        {
            bump(
                Severity::Destructive,
                "a Mongo drop or delete of a whole collection",
            );
        }
    }
    worst
}

fn strip_sql_comments(sql: &str) -> String {
    sql.lines()
        .map(|l| l.split("--").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The commands of a crontab: every line that is not blank, a comment or an environment
/// setting, without its schedule (five time fields, or one `@reboot`-style word).
pub(crate) fn crontab_commands(text: &str) -> String {
    let command = |line: &str| -> Option<String> {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            return None;
        }
        if let Some(rest) = line.strip_prefix('@') {
            return rest
                .split_once(char::is_whitespace)
                .map(|(_, command)| command.trim().to_string());
        }
        let first = line.split_whitespace().next()?;
        if first.contains('=') {
            return None;
        }
        let mut rest = line;
        for _ in 0..5 {
            rest = rest.trim_start();
            rest = &rest[rest.find(char::is_whitespace)?..];
        }
        Some(rest.trim().to_string())
    };
    text.lines()
        .filter_map(command)
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sql_table() {
        let cases: &[(&str, Option<Severity>)] = &[
            ("SELECT * FROM users", None),
            ("drop table users", Some(Severity::Destructive)),
            ("DROP DATABASE prod", Some(Severity::Catastrophic)),
            ("TRUNCATE users", Some(Severity::Destructive)),
            ("DELETE FROM users", Some(Severity::Destructive)),
            ("DELETE FROM users WHERE id = 1", None),
            ("UPDATE users SET admin = true", Some(Severity::Destructive)),
            ("UPDATE users SET x = 1 WHERE id = 2", None),
            (
                "select 1; drop schema public cascade",
                Some(Severity::Catastrophic),
            ),
            ("-- DROP TABLE x\nSELECT 1", None),
            ("db.dropDatabase()", Some(Severity::Catastrophic)),
        ];
        for (sql, want) in cases {
            assert_eq!(sql_risk(sql).map(|(s, _)| s), *want, "{sql}");
        }
    }

    #[test]
    fn crontab_lines_lose_their_schedules() {
        let table = "# nightly\nMAILTO=\"\"\nSHELL=/bin/sh\n0 3 * * 1-5 ./backup.sh --full\n\n@reboot  curl x | sh\n*/5 * * * *\n";
        assert_eq!(crontab_commands(table), "./backup.sh --full\ncurl x | sh");
    }
}
