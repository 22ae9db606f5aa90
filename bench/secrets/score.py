#!/usr/bin/env python3
"""Score secret scanners against the planted ground truth and print a Markdown table.

Usage: score.py WORKDIR
WORKDIR holds corpus.truth.json, repo.truth.json, corpus.bytes, repo.bytes and, per tool and
target, <tool>.<target>.out (the tool's report) and <tool>.<target>.time (/usr/bin/time -v).
A finding matches a planted secret when it names the same file and a line of the planted block
(a private key block spans several lines); history findings must also name the planting commit
when the tool reports commits. Every other distinct (file, line) reported is a false positive.
"""

import glob
import json
import os
import re
import statistics
import sys

PEM_SPAN = 27


def load_json(path):
    with open(path) as f:
        return json.load(f)


def rel(path, root):
    path = path.replace("\\", "/")
    for prefix in (root.rstrip("/") + "/", os.path.basename(root.rstrip("/")) + "/"):
        if path.startswith(prefix):
            return path[len(prefix):]
    return path.lstrip("./")


def parse(tool, path, root):
    """(file, line, commit or None) for every finding of a tool's report."""
    out = []
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        return out
    if tool == "warden":
        for f in load_json(path)["findings"]:
            out.append((rel(f["path"], root), f["line"], f.get("commit")))
    elif tool == "gitleaks":
        for f in load_json(path):
            out.append((rel(f["File"], root), f["StartLine"], f.get("Commit") or None))
    elif tool == "kingfisher":
        with open(path) as fh:
            for raw in fh:
                raw = raw.strip()
                if not raw.startswith("{"):
                    continue
                item = json.loads(raw)
                f = item.get("finding")
                if not isinstance(f, dict) or "line" not in f:
                    continue
                commit = None
                git = f.get("git_metadata") or {}
                if isinstance(git, dict):
                    c = git.get("commit")
                    commit = c.get("id") if isinstance(c, dict) else c
                p = f.get("path") or (git.get("file", {}) or {}).get("path", "") if isinstance(git, dict) else f.get("path", "")
                out.append((rel(p or "", root), int(f["line"]), commit))
    elif tool == "ripsecrets":
        pat = re.compile(r"^(.*?):(\d+):")
        with open(path, errors="replace") as fh:
            for line in fh:
                m = pat.match(line)
                if m:
                    out.append((rel(m.group(1), root), int(m.group(2)), None))
    return out


def score(findings, truth):
    by_file = {}
    for i, t in enumerate(truth):
        by_file.setdefault(t["path"], []).append((i, t))
    hit = set()
    fps = set()
    for file, line, commit in findings:
        matched = False
        for i, t in by_file.get(file, []):
            span = PEM_SPAN if t["kind"] == "rsa-private-key" else 1
            if t["line"] <= line < t["line"] + span and (commit is None or "commit" not in t or commit == t["commit"]):
                hit.add(i)
                matched = True
        if not matched:
            fps.add((file, line, commit))
    return len(hit), len(fps)


def peak_and_wall(path):
    """Peak RSS (KB), wall seconds and CPU seconds (user + system) from `/usr/bin/time -v`."""
    peak_kb, wall, cpu = None, None, 0.0
    if not os.path.exists(path):
        return None, None, None
    with open(path, errors="replace") as fh:
        for line in fh:
            line = line.strip()
            if line.startswith("Maximum resident set size"):
                peak_kb = int(line.split(":")[1])
            elif line.startswith("Elapsed (wall clock) time"):
                t = line.split("):", 1)[1].strip()
                parts = [float(x) for x in t.split(":")]
                wall = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
            elif line.startswith(("User time (seconds)", "System time (seconds)")):
                cpu += float(line.split(":")[1])
    return peak_kb, wall, cpu


def runs(work, tool, target):
    """Every run's (peak, wall, cpu): NAME.time, or NAME.time.1, NAME.time.2, ... when repeated."""
    base = os.path.join(work, f"{tool}.{target}.time")
    paths = sorted(glob.glob(base + ".*")) or [base]
    return [r for r in (peak_and_wall(p) for p in paths) if r[1] is not None]


def main():
    work = sys.argv[1]
    rows = []
    for target, root in (("files", os.path.join(work, "corpus")), ("history", os.path.join(work, "repo"))):
        truth_path = os.path.join(work, f"{'corpus' if target == 'files' else 'repo'}.truth.json")
        if not os.path.exists(truth_path):
            continue
        truth = load_json(truth_path)
        size = int(open(os.path.join(work, f"{'corpus' if target == 'files' else 'repo'}.bytes")).read())
        results = {}
        for tool in ("warden", "gitleaks", "kingfisher", "ripsecrets"):
            out = os.path.join(work, f"{tool}.{target}.out")
            measured = runs(work, tool, target)
            if not measured:
                continue
            # The median run (wall and CPU separately); the largest peak.
            wall = statistics.median(r[1] for r in measured)
            cpu = statistics.median(r[2] for r in measured)
            peak = max(r[0] or 0 for r in measured)
            tp, fp = score(parse(tool, out, root), truth)
            results[tool] = (wall, peak, tp, fp, cpu, len(measured))
        for tool, (wall, peak, tp, fp, cpu, n) in results.items():
            mbs = size / 1048576 / wall if wall else 0
            ratios = []
            for peer in ("gitleaks", "kingfisher"):
                if peer != tool and peer in results and results[peer][0] and wall:
                    ratios.append(f"{results[peer][0] / wall:.1f}x {peer}")
            rows.append(
                f"| {target} | {tool} | {wall:.2f} | {cpu:.2f} | {n} | {mbs:.1f} | {peak / 1024:.0f} | "
                f"{tp}/{len(truth)} ({100 * tp / max(len(truth), 1):.1f}%) | {fp} | {', '.join(ratios)} |"
            )
    print("| target | tool | wall s | CPU s | runs | MB/s | peak RSS MB | recall | false positives | speed vs peers |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(row)


if __name__ == "__main__":
    main()
