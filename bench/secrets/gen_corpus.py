#!/usr/bin/env python3
"""Generate the secret-scanning benchmark inputs.

files mode:   a tree of realistic text files (code, config, logs) of a target size, with fake
              but format-valid secrets planted at known lines and decoys (placeholders,
              documentation keys, hashes, UUIDs, base64 data, lockfile integrity lines) that no
              scanner should report. Writes <out>/truth.json: [{"path", "line", "kind"}].
history mode: a git repository of N commits built with `git fast-import`; some commits add a
              secret to a file and later commits remove it. Writes <out>.truth.json with
              {"commit", "path", "line", "kind"} per planted secret (commit = the adding one).

Every secret is random and fake; nothing here is a real credential. Deterministic per --seed.
"""

import argparse
import json
import os
import random
import string
import subprocess
import sys
import zlib

ALNUM = string.ascii_letters + string.digits
BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
HEX = "0123456789abcdef"
URLSAFE = ALNUM + "_-"
B64 = ALNUM + "+/"


def rs(rng, alphabet, n):
    return "".join(rng.choice(alphabet) for _ in range(n))


def base62_crc(n):
    out = []
    for _ in range(6):
        out.append(BASE62[n % 62])
        n //= 62
    return "".join(reversed(out))


def checksummed(rng, prefix):
    body = rs(rng, ALNUM, 30)
    return prefix + body + base62_crc(zlib.crc32(body.encode()) & 0xFFFFFFFF)


def pem(rng):
    # A 2048-bit RSA key's DER starts with the same bytes (MIIEpAIBAAKCAQEA); the rest is
    # random base64 of a length that decodes (a multiple of 4 with the padding).
    data = "MIIEpAIBAAKCAQEA" + rs(rng, B64, 24 * 64 - 16 + 38) + "=="
    body = [data[i : i + 64] for i in range(0, len(data), 64)]
    return ["-----BEGIN RSA PRIVATE KEY-----"] + body + ["-----END RSA PRIVATE KEY-----"]


# kind -> function(rng) -> list of lines; the secret is on the first line.
SECRETS = {
    "github-pat": lambda r: [f'GITHUB_TOKEN = "{checksummed(r, "ghp_")}"'],
    "github-fine-grained": lambda r: [f"export GH_TOKEN=github_pat_11{rs(r, ALNUM.upper() + string.digits, 20)}_{rs(r, ALNUM, 59)}"],
    "gitlab-pat": lambda r: [f'gitlab_token: "glpat-{rs(r, URLSAFE, 20)}"'],
    "slack-bot": lambda r: [f'SLACK_BOT_TOKEN="xoxb-{rs(r, string.digits, 11)}-{rs(r, string.digits, 13)}-{rs(r, ALNUM, 24)}"'],
    "slack-webhook": lambda r: [f'webhook_url = "https://hooks.slack.com/services/T{rs(r, string.ascii_uppercase + string.digits, 10)}/B{rs(r, string.ascii_uppercase + string.digits, 10)}/{rs(r, ALNUM, 24)}"'],
    "stripe-live": lambda r: [f'stripe.api_key = "sk_live_{rs(r, ALNUM, 24)}"'],
    "aws-key-pair": lambda r: [
        f"aws_access_key_id = AKIA{rs(r, string.ascii_uppercase + '234567', 16)}",
        f"aws_secret_access_key = {rs(r, B64, 40)}",
    ],
    "openai-project": lambda r: [f'OPENAI_API_KEY="sk-proj-{rs(r, URLSAFE, 74)}T3BlbkFJ{rs(r, URLSAFE, 74)}"'],
    "anthropic": lambda r: [f"ANTHROPIC_API_KEY=sk-ant-api03-{rs(r, URLSAFE, 93)}AA"],
    "sendgrid": lambda r: [f'SENDGRID_API_KEY = "SG.{rs(r, URLSAFE, 22)}.{rs(r, URLSAFE, 43)}"'],
    "npm": lambda r: [f"//registry.npmjs.org/:_authToken={checksummed(r, 'npm_')}"],
    "huggingface": lambda r: [f'HF_TOKEN = "hf_{rs(r, string.ascii_letters, 34)}"'],
    "rsa-private-key": pem,
    "shopify": lambda r: [f'SHOPIFY_ACCESS_TOKEN = "shpat_{rs(r, HEX, 32)}"'],
    "digitalocean": lambda r: [f"DIGITALOCEAN_TOKEN=dop_v1_{rs(r, HEX, 64)}"],
    "google-api": lambda r: [f'const firebaseKey = "AIza{rs(r, URLSAFE, 35)}";'],
    "databricks": lambda r: [f"DATABRICKS_TOKEN=dapi{rs(r, HEX, 32)}"],
    "doppler": lambda r: [f"DOPPLER_TOKEN=dp.pt.{rs(r, ALNUM, 43)}"],
    "pulumi": lambda r: [f"PULUMI_ACCESS_TOKEN=pul-{rs(r, HEX, 40)}"],
    "postgres-url": lambda r: [f'DATABASE_URL = "postgres://app_user:{rs(r, ALNUM, 18)}@db.internal.example:5432/app"'],
    "telegram": lambda r: [f"TELEGRAM_BOT_TOKEN={r.randint(100000000, 999999999)}:AA{rs(r, URLSAFE, 33)}"],
    "pypi": lambda r: [f"password = pypi-AgEIcHlwaS5vcmc{rs(r, URLSAFE, 70)}"],
    "discord-webhook": lambda r: [f"DISCORD_WEBHOOK=https://discord.com/api/webhooks/{rs(r, string.digits, 18)}/{rs(r, URLSAFE, 68)}"],
    "mailgun": lambda r: [f'MAILGUN_API_KEY = "key-{rs(r, HEX, 32)}"'],
}

# Lines that must not be reported.
DECOYS = [
    lambda r: 'api_key = os.environ["OPENAI_API_KEY"]',
    lambda r: "const token = process.env.GITHUB_TOKEN;",
    lambda r: "password: ${DB_PASSWORD}",
    lambda r: 'OPENAI_API_KEY="sk-1234567890abcdef"',
    lambda r: "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
    lambda r: "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    lambda r: 'password = "changeme"',
    lambda r: "token: <your-token-here>",
    lambda r: 'GITHUB_TOKEN="ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"',
    lambda r: f'commit_sha = "{rs(r, HEX, 40)}"',
    lambda r: f"request_id={rs(r, HEX, 8)}-{rs(r, HEX, 4)}-{rs(r, HEX, 4)}-{rs(r, HEX, 4)}-{rs(r, HEX, 12)}",
    lambda r: f"  sha256: {rs(r, HEX, 64)}",
    lambda r: f'    "integrity": "sha512-{rs(r, B64, 86)}==",',
    lambda r: f'  icon: "data:image/png;base64,{rs(r, B64, 120)}"',
    lambda r: f"checksum = \"{rs(r, HEX, 64)}\"",
    lambda r: "def verify_password(password: str, hashed: str) -> bool:",
    lambda r: "secret_name = \"prod/payments/stripe\"",
    lambda r: f"session_cookie_name = \"sid_{rs(r, string.ascii_lowercase, 8)}\"",
    lambda r: "Authorization: Bearer $TOKEN",
    lambda r: f"cache_key = \"user:{r.randint(1, 10**6)}:profile\"",
]

WORDS = (
    "request response handler service client server config value result error status "
    "user account session item order payment invoice cache queue worker job task event "
    "message buffer stream reader writer parser token_count index offset length record"
).split()


def filler_pool(rng, n):
    """Ordinary source, config and log lines."""
    pool = []
    for _ in range(n):
        w = rng.choice(WORDS)
        v = rng.choice(WORDS)
        k = rng.randint(0, 15)
        num = rng.randint(0, 100000)
        if k == 0:
            line = f"def {w}_{v}(self, {v}: int = {num % 100}) -> None:"
        elif k == 1:
            line = f"    {w} = self.{v}.get({num % 50})"
        elif k == 2:
            line = f"    if {w} is None or {w}.{v} > {num}:"
        elif k == 3:
            line = f"        return {w}_{v}({v}, timeout={num % 30})"
        elif k == 4:
            line = f"function {w}{v.capitalize()}({v}) {{ return {v}.{w} || {num}; }}"
        elif k == 5:
            line = f"  {w}_{v}: {num}"
        elif k == 6:
            line = f'  "{w}": "{v}-{num}",'
        elif k == 7:
            line = f"2024-03-{num % 28 + 1:02d}T{num % 24:02d}:{num % 60:02d}:07Z INFO {w} {v} served in {num % 900}ms status=200"
        elif k == 8:
            line = f"// {w} the {v} before the {rng.choice(WORDS)} is flushed ({num})"
        elif k == 9:
            line = f"\t{w}, err := {v}.New{w.capitalize()}(ctx, {num})"
        elif k == 10:
            line = f"\tif err != nil {{ return fmt.Errorf(\"{w}: %w\", err) }}"
        elif k == 11:
            line = f"{w.upper()}_{v.upper()}={num}"
        elif k == 12:
            line = f"  image: registry.example.com/{w}-{v}:{num % 10}.{num % 7}"
        elif k == 13:
            line = f"SELECT {w}, {v} FROM {w}s WHERE id = {num};"
        elif k == 14:
            line = f"    private final {w.capitalize()} {v} = new {w.capitalize()}({num});"
        else:
            line = ""
        pool.append(line)
    return pool


EXTS = [".py", ".js", ".go", ".yaml", ".json", ".env", ".md", ".log", ".java", ".sql", ".sh", ".toml"]


def gen_files(out, size_mb, seed):
    rng = random.Random(seed)
    pool = filler_pool(rng, 20000)
    target = size_mb * 1024 * 1024
    truth = []
    written = 0
    n = 0
    kinds = sorted(SECRETS)
    while written < target:
        d = f"pkg{n // 100:04d}/mod{n % 7}"
        ext = EXTS[n % len(EXTS)]
        big = n % 997 == 0
        lines_n = rng.randint(20000, 60000) if big else max(5, int(rng.lognormvariate(5.0, 0.9)))
        lines = rng.choices(pool, k=lines_n)
        text_lines = list(lines)
        # About one secret per 100 KB and one decoy per 50 KB, spread over the files.
        approx = sum(len(l) + 1 for l in text_lines)
        plants = int(approx / (100 * 1024) + rng.random())
        decoys = int(approx / (50 * 1024) + rng.random())
        path = f"{d}/file{n:06d}{ext}"
        inserts = []
        for _ in range(plants):
            kind = kinds[rng.randrange(len(kinds))]
            inserts.append((rng.randint(0, len(text_lines)), "secret", kind, SECRETS[kind](rng)))
        for _ in range(decoys):
            inserts.append((rng.randint(0, len(text_lines)), "decoy", None, [rng.choice(DECOYS)(rng)]))
        inserts.sort(key=lambda item: item[0])
        merged = []
        prev = 0
        for at, what, kind, block in inserts:
            merged.extend(text_lines[prev:at])
            prev = at
            if what == "secret":
                for j in range(len(block) if kind == "aws-key-pair" else 1):
                    truth.append({"path": path, "line": len(merged) + 1 + j, "kind": kind})
            merged.extend(block)
        merged.extend(text_lines[prev:])
        body = "\n".join(merged) + "\n"
        full = os.path.join(out, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as f:
            f.write(body)
        written += len(body)
        n += 1
    with open(os.path.join(out, "..", os.path.basename(out) + ".truth.json"), "w") as f:
        json.dump(truth, f)
    print(f"files: {n} files, {written / 1048576:.1f} MiB, {len(truth)} planted secrets", file=sys.stderr)


def gen_history(out, commits, seed):
    """A repository of `commits` commits via git fast-import, on two branches."""
    rng = random.Random(seed)
    pool = filler_pool(rng, 5000)
    subprocess.run(["git", "init", "-q", "-b", "main", out], check=True)
    files = {}
    for i in range(400):
        files[f"src/m{i % 20}/f{i}.{['py', 'js', 'go', 'yaml'][i % 4]}"] = rng.choices(pool, k=rng.randint(40, 200))
    truth = []
    pending_removals = []  # (commit index to remove at, path, line text)
    proc = subprocess.Popen(["git", "-C", out, "fast-import", "--quiet"], stdin=subprocess.PIPE)
    w = proc.stdin
    kinds = sorted(SECRETS)
    marks = []
    t0 = 1_700_000_000
    for c in range(commits):
        changed = {}
        for _ in range(rng.randint(1, 4)):
            path = rng.choice(sorted(files))
            lines = files[path]
            for _ in range(rng.randint(1, 5)):
                at = rng.randint(0, len(lines))
                lines.insert(at, rng.choice(pool))
            if len(lines) > 400:
                del lines[: len(lines) - 400]
            changed[path] = lines
        planted = None
        if c % 25 == 7:
            path = rng.choice(sorted(files))
            kind = kinds[rng.randrange(len(kinds))]
            block = SECRETS[kind](rng)
            lines = files[path]
            at = rng.randint(0, len(lines))
            lines[at:at] = block
            changed[path] = lines
            planted = (path, kind, block)
            pending_removals.append((c + rng.randint(3, 40), path, block))
        for due, path, block in list(pending_removals):
            if due == c and path in files:
                lines = files[path]
                if block[0] in lines:
                    i = lines.index(block[0])
                    del lines[i : i + len(block)]
                    changed[path] = lines
                pending_removals.remove((due, path, block))
        mark = c + 1
        branch = "refs/heads/main" if c % 10 else "refs/heads/main"
        w.write(f"commit {branch}\nmark :{mark}\n".encode())
        w.write(f"author Dev {c % 7} <dev{c % 7}@example.test> {t0 + c * 600} +0000\n".encode())
        w.write(f"committer Dev {c % 7} <dev{c % 7}@example.test> {t0 + c * 600} +0000\n".encode())
        msg = f"change {c}\n".encode()
        w.write(b"data %d\n" % len(msg) + msg)
        if c > 0:
            w.write(f"from :{c}\n".encode())
        for path, lines in changed.items():
            data = ("\n".join(lines) + "\n").encode()
            w.write(f"M 100644 inline {path}\n".encode())
            w.write(b"data %d\n" % len(data) + data + b"\n")
        if c == 0:
            for path, lines in files.items():
                if path in changed:
                    continue
                data = ("\n".join(lines) + "\n").encode()
                w.write(f"M 100644 inline {path}\n".encode())
                w.write(b"data %d\n" % len(data) + data + b"\n")
        if planted:
            path, kind, block = planted
            line = files[path].index(block[0]) + 1
            for j in range(len(block) if kind == "aws-key-pair" else 1):
                truth.append({"mark": mark, "path": path, "line": line + j, "kind": kind})
        marks.append(mark)
    w.write(f"reset refs/heads/feature\nfrom :{commits // 2}\n".encode())
    w.close()
    if proc.wait() != 0:
        sys.exit("fast-import failed")
    subprocess.run(["git", "-C", out, "checkout", "-q", "-f", "main"], check=True)
    # Resolve marks to commit ids (main is linear: commit k is main~(commits-k)).
    ids = subprocess.run(["git", "-C", out, "rev-list", "--reverse", "main"], check=True, capture_output=True, text=True).stdout.split()
    for t in truth:
        t["commit"] = ids[t.pop("mark") - 1]
    with open(out.rstrip("/") + ".truth.json", "w") as f:
        json.dump(truth, f)
    print(f"history: {commits} commits, {len(truth)} planted secrets", file=sys.stderr)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["files", "history"])
    p.add_argument("out")
    p.add_argument("--size-mb", type=int, default=300)
    p.add_argument("--commits", type=int, default=3000)
    p.add_argument("--seed", type=int, default=42)
    a = p.parse_args()
    if a.mode == "files":
        gen_files(a.out, a.size_mb, a.seed)
    else:
        gen_history(a.out, a.commits, a.seed)


if __name__ == "__main__":
    main()
