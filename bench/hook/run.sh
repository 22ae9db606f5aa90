#!/usr/bin/env bash
# Hook benchmark: `warden hook claude` against the peer Claude Code hooks, each timed
# as a whole process (payload JSON on stdin -> answer on stdout) with hyperfine.
#
# Usage: bench/hook/run.sh [--runs N] [--warmup N] [--tools LIST] [--payloads GLOB]
#                          [--no-build] [--dynamic] [--keep] [--help]
#
# See bench/hook/README.md for what is measured and how to read the results.
set -euo pipefail

# ---------------------------------------------------------------------------
# Settings (override with flags or the environment).
# ---------------------------------------------------------------------------
RUNS=${RUNS:-50}
WARMUP=${WARMUP:-5}
TOOLS=${TOOLS:-warden,warden-no-audit,longline,openmoat,cc-safety-net,floor}
PAYLOAD_GLOB=${PAYLOAD_GLOB:-*.json}
BUILD=1
KEEP=0
# How Warden's release binary is linked: static (the release build, `cargo release-static`,
# see .cargo/config.toml) or dynamic (plain `cargo build --release`).
LINK=${LINK:-static}
# Peer versions are pinned so that two runs compare the same code; bump on purpose.
CCSN_VERSION=${CCSN_VERSION:-2.4.5}
LONGLINE_VERSION=${LONGLINE_VERSION:-0.21.3}
OPENMOAT_VERSION=${OPENMOAT_VERSION:-0.12.1}
# Debian's hyperfine (1.15) predates `--input`; this one is installed into the
# peers directory when the system one lacks it.
HYPERFINE_VERSION=${HYPERFINE_VERSION:-1.20.0}

usage() {
    sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
    cat <<'EOF'

  --runs N        timed runs per tool and payload (default 50; fewer is a smoke run)
  --warmup N      untimed warmup runs per tool and payload (default 5)
  --tools LIST    comma-separated subset of:
                  warden,warden-no-audit,longline,openmoat,cc-safety-net,floor
                  (floor: `cat`, the cost of starting any process on this machine)
  --payloads GLOB payload files under bench/hook/payloads (default *.json)
  --no-build      do not build Warden; use the existing target/release/warden
  --dynamic       build Warden with plain `cargo build --release` (dynamically linked)
                  instead of the static release build `cargo release-static`
  --keep          keep the temporary sandbox directory and print its path
EOF
}

while [ $# -gt 0 ]; do
    case "$1" in
    --runs) RUNS=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --tools) TOOLS=$2; shift 2 ;;
    --payloads) PAYLOAD_GLOB=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --dynamic) LINK=dynamic; shift ;;
    --keep) KEEP=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "run.sh: unknown argument: $1 (see --help)" >&2; exit 64 ;;
    esac
done
case "$RUNS$WARMUP" in *[!0-9]*) echo "run.sh: --runs/--warmup take integers" >&2; exit 64 ;; esac
[ "$RUNS" -ge 2 ] || { echo "run.sh: --runs must be at least 2" >&2; exit 64; }

log() { printf '[hookbench] %s\n' "$*" >&2; }
die() { printf '[hookbench] error: %s\n' "$*" >&2; exit 1; }
want() { case ",$TOOLS," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BENCH=$ROOT/bench
HOOKDIR=$BENCH/hook
PEERS=$BENCH/.peers
OUTDIR=$BENCH/out
STAMP=$(date -u +%Y-%m-%dT%H%M%SZ)
REPORT=$OUTDIR/hook-$STAMP.md
RAWDIR=$OUTDIR/hook-$STAMP
mkdir -p "$PEERS" "$OUTDIR" "$RAWDIR"

for bin in jq node npm cargo git; do
    command -v "$bin" >/dev/null || die "'$bin' is required"
done

# ---------------------------------------------------------------------------
# hyperfine with --input
# ---------------------------------------------------------------------------
hyperfine_has_input() { "$1" --help 2>/dev/null | grep -q -- '--input'; }
HYPERFINE=$(command -v hyperfine || true)
if [ -z "$HYPERFINE" ] && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    log "installing hyperfine from Debian"
    apt-get install -y hyperfine >/dev/null 2>&1 || true
    HYPERFINE=$(command -v hyperfine || true)
fi
if [ -z "$HYPERFINE" ] || ! hyperfine_has_input "$HYPERFINE"; then
    HYPERFINE=$PEERS/cargo/bin/hyperfine
    if ! [ -x "$HYPERFINE" ] || ! hyperfine_has_input "$HYPERFINE"; then
        log "system hyperfine lacks --input; cargo install hyperfine@$HYPERFINE_VERSION into $PEERS/cargo"
        CARGO_TARGET_DIR=$PEERS/cargo-target cargo install --locked --quiet \
            --root "$PEERS/cargo" "hyperfine@$HYPERFINE_VERSION"
    fi
fi
log "hyperfine: $HYPERFINE ($("$HYPERFINE" --version))"

# ---------------------------------------------------------------------------
# Peers, installed by name into bench/.peers (never as project dependencies).
# ---------------------------------------------------------------------------
CCSN_JS=$PEERS/npm/node_modules/cc-safety-net/dist/bin/cc-safety-net.js
install_ccsn() {
    local have
    have=$(jq -r .version "$PEERS/npm/node_modules/cc-safety-net/package.json" 2>/dev/null || true)
    if [ "$have" != "$CCSN_VERSION" ]; then
        log "npm install cc-safety-net@$CCSN_VERSION into $PEERS/npm"
        npm install --prefix "$PEERS/npm" --no-audit --no-fund --loglevel=error \
            "cc-safety-net@$CCSN_VERSION" >/dev/null
    fi
    [ -f "$CCSN_JS" ] || die "cc-safety-net installed but $CCSN_JS is missing"
}

# cargo install skips a crate already installed at that version, but only after
# updating the index; checking the binary's own version first keeps reruns offline.
install_crate() {
    local name=$1 version=$2 bin=$3
    if [ -x "$PEERS/cargo/bin/$bin" ] && grep -q "^\"$name $version " "$PEERS/cargo/.crates.toml" 2>/dev/null; then
        return 0
    fi
    log "cargo install $name@$version into $PEERS/cargo (compiles for minutes on a small machine)"
    CARGO_TARGET_DIR=$PEERS/cargo-target nice -n 10 cargo install --locked --quiet \
        --root "$PEERS/cargo" "$name@$version"
}

want cc-safety-net && install_ccsn
want longline && install_crate longline "$LONGLINE_VERSION" longline
want openmoat && install_crate openmoat "$OPENMOAT_VERSION" openmoat

# ---------------------------------------------------------------------------
# Warden, built from this tree.
# ---------------------------------------------------------------------------
WARDEN_TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
WARDEN=$WARDEN_TARGET/release/warden
WARDEN_NOTE=""
WARDEN_LINKED=""
if want warden || want warden-no-audit; then
    if [ "$BUILD" = 1 ]; then
        # The static build links glibc in (Linux x86_64 with glibc only); elsewhere, and with
        # --dynamic, the plain release build.
        build=(cargo build --release --quiet -p warden)
        if [ "$LINK" = static ] && [ "$(uname -sm)" = "Linux x86_64" ] &&
            ldd --version 2>&1 | grep -qiE 'glibc|gnu libc'; then
            build=(cargo release-static)
        else
            LINK=dynamic
        fi
        log "${build[*]} (target: $WARDEN_TARGET)"
        if ! (cd "$ROOT" && "${build[@]}") >"$RAWDIR/warden-build.log" 2>&1; then
            WARDEN_NOTE="\`${build[*]}\` failed (see $RAWDIR/warden-build.log); Warden rows skipped."
            log "$WARDEN_NOTE"
        fi
    fi
    if [ -z "$WARDEN_NOTE" ] && ! [ -x "$WARDEN" ]; then
        WARDEN_NOTE="no Warden binary at $WARDEN; Warden rows skipped."
        log "$WARDEN_NOTE"
    fi
fi

# ---------------------------------------------------------------------------
# Sandbox: one throwaway project, and one throwaway HOME per tool, so that no
# tool reads or writes the real HOME and no tool sees another's state.
# ---------------------------------------------------------------------------
SANDBOX=$(mktemp -d "${TMPDIR:-/tmp}/warden-hookbench.XXXXXX")
cleanup() {
    if [ "$KEEP" = 1 ]; then log "sandbox kept: $SANDBOX"; else rm -rf "$SANDBOX"; fi
}
trap cleanup EXIT
case "$SANDBOX" in *[!A-Za-z0-9/._-]*) die "sandbox path $SANDBOX needs JSON escaping" ;; esac

PROJECT=$SANDBOX/proj
mkdir -p "$PROJECT/src" "$PROJECT/docs"
cat >"$PROJECT/src/main.rs" <<'EOF'
fn main() {
    println!("hello");
}
EOF
printf '# Guide\n\nNever run `git reset --hard` on a shared branch.\n' >"$PROJECT/docs/guide.md"
printf '{"name":"bench-proj","version":"0.0.0","scripts":{"test":"true"}}\n' >"$PROJECT/package.json"
# Obviously fake values: the point is that the file exists and is named .env.
printf 'DATABASE_URL=postgres://fake:fake@localhost/fake\nAPI_KEY=not-a-real-key\n' >"$PROJECT/.env"
git -C "$PROJECT" init -q -b main
git -C "$PROJECT" -c user.name=bench -c user.email=bench@example.invalid add src docs package.json
git -C "$PROJECT" -c user.name=bench -c user.email=bench@example.invalid commit -q -m init

# tool_home NAME: create the tool's HOME with the files a developer's HOME has.
tool_home() {
    local home=$SANDBOX/$1/home
    mkdir -p "$home/.ssh" "$home/.claude/projects/-bench-proj" "$home/.config" \
        "$home/.local/state" "$home/.cache" "$home/.local/share"
    printf 'not a real key, benchmark fixture\n' >"$home/.ssh/id_rsa"
    chmod 600 "$home/.ssh/id_rsa"
    : >"$home/.claude/projects/-bench-proj/3f6c2a9e-5b1d-4e8a-9c7f-0d2b4a6e8c10.jsonl"
    printf '%s\n' "$home"
}

# tool_env NAME HOME [VAR=VALUE...]: the whole environment the tool runs with.
tool_env() {
    local name=$1 home=$2
    shift 2
    {
        printf '%s\n' "PATH=$PATH" "HOME=$home" "USER=${USER:-bench}" "LANG=C.UTF-8" \
            "XDG_CONFIG_HOME=$home/.config" "XDG_STATE_HOME=$home/.local/state" \
            "XDG_CACHE_HOME=$home/.cache" "XDG_DATA_HOME=$home/.local/share" \
            "CLAUDE_CONFIG_DIR=$home/.claude" "CLAUDE_PROJECT_DIR=$PROJECT" "TMPDIR=$SANDBOX/tmp"
        if [ $# -gt 0 ]; then printf '%s\n' "$@"; fi
    } >"$SANDBOX/$name/env"
}

# render NAME HOME: the payload corpus with {{PROJECT}} and {{HOME}} filled in.
render() {
    local name=$1 home=$2 f
    mkdir -p "$SANDBOX/$name/payloads"
    for f in "$HOOKDIR"/payloads/$PAYLOAD_GLOB; do
        sed -e "s#{{PROJECT}}#$PROJECT#g" -e "s#{{HOME}}#$home#g" "$f" \
            >"$SANDBOX/$name/payloads/$(basename "$f")"
        jq -e . "$SANDBOX/$name/payloads/$(basename "$f")" >/dev/null || die "bad payload $f"
    done
}

mkdir -p "$SANDBOX/tmp"
ACTIVE=()      # tools that will be timed, in report order
declare -A CMD  # tool -> command line (hyperfine -N splits it like a shell)
declare -A INVOCATION # tool -> how the tool is registered in Claude Code
declare -A MATCHER    # tool -> the tools its default registration receives (regex)
declare -A REGISTERED # tool -> prose: which tool calls Claude Code sends it, and why
declare -A VERSION

add_tool() { ACTIVE+=("$1"); }

if [ -z "$WARDEN_NOTE" ] && { want warden || want warden-no-audit; }; then
    home=$(tool_home warden)
    tool_env warden "$home"
    render warden "$home"
    VERSION[warden]=$("$WARDEN" --version 2>/dev/null | head -n1 || echo "?")
    # What `file` says about linking (the build may be older than this run: --no-build).
    WARDEN_LINKED="$(file -b "$WARDEN" 2>/dev/null | grep -oE '(statically|dynamically) linked' || echo "?"), $(du -k "$WARDEN" | cut -f1) KiB"
    INVOCATION[warden]="warden hook claude"
    MATCHER[warden]='.*'
    REGISTERED[warden]="every tool (matcher \`*\`)"
    if want warden; then
        CMD[warden]="$WARDEN hook claude"
        add_tool warden
    fi
    if want warden-no-audit; then
        # --no-audit is a hidden flag for this benchmark only; detect it, never assume it.
        mapfile -t envv <"$SANDBOX/warden/env"
        probe=$SANDBOX/warden/payloads/$(ls "$SANDBOX/warden/payloads" | head -n1)
        no_audit_cmd=""
        for candidate in "$WARDEN hook claude --no-audit" "$WARDEN --no-audit hook claude"; do
            # shellcheck disable=SC2086
            if err=$(env -i "${envv[@]}" $candidate <"$probe" 2>&1 >/dev/null) &&
                ! grep -qiE 'unexpected argument|unrecognized|usage:' <<<"$err"; then
                no_audit_cmd=$candidate
                break
            fi
        done
        if [ -n "$no_audit_cmd" ]; then
            mkdir -p "$SANDBOX/warden-no-audit"
            cp "$SANDBOX/warden/env" "$SANDBOX/warden-no-audit/env"
            cp -r "$SANDBOX/warden/payloads" "$SANDBOX/warden-no-audit/payloads"
            CMD[warden-no-audit]=$no_audit_cmd
            INVOCATION[warden-no-audit]="warden hook claude --no-audit"
            MATCHER[warden-no-audit]='.*'
            REGISTERED[warden-no-audit]="every tool"
            VERSION[warden-no-audit]=${VERSION[warden]}
            add_tool warden-no-audit
        else
            WARDEN_NOTE="\`warden hook claude --no-audit\` is not available in this build; the logging-off row is skipped."
            log "$WARDEN_NOTE"
        fi
    fi
fi

if want longline; then
    home=$(tool_home longline)
    tool_env longline "$home"
    render longline "$home"
    # README: register the bare binary for Bash, Read, Grep and Glob; rules are
    # embedded, ~/.config/longline/rules.yaml is read only when present.
    CMD[longline]="$PEERS/cargo/bin/longline"
    INVOCATION[longline]="longline"
    REGISTERED[longline]="matchers \`Bash\`, \`Read\`, \`Grep\`, \`Glob\` (its README)"
    MATCHER[longline]='^(Bash|Read|Grep|Glob)$'
    VERSION[longline]=$("$PEERS/cargo/bin/longline" --version 2>/dev/null | head -n1 || echo "$LONGLINE_VERSION")
    add_tool longline
fi

if want openmoat; then
    home=$(tool_home openmoat)
    tool_env openmoat "$home" "MOAT_HOME=$home/.moat"
    render openmoat "$home"
    mapfile -t envv <"$SANDBOX/openmoat/env"
    # `openmoat init` writes the default policy, the lock and the audit log under
    # MOAT_HOME and registers its hook in CLAUDE_CONFIG_DIR/settings.json.
    if ! (cd "$PROJECT" && env -i "${envv[@]}" "$PEERS/cargo/bin/openmoat" init --yes --hosts claude-code) \
        >"$RAWDIR/openmoat-init.log" 2>&1 </dev/null; then
        die "openmoat init failed: $(tail -n 5 "$RAWDIR/openmoat-init.log")"
    fi
    cp "$home/.claude/settings.json" "$RAWDIR/openmoat-claude-settings.json" 2>/dev/null || true
    # The entry is {command, args: [...]} (exec form) or a plain command line.
    registered=$(jq -r '[.hooks.PreToolUse[]? | .hooks[]? | [.command] + (.args // []) | join(" ")]
        | first // empty' "$home/.claude/settings.json" 2>/dev/null || true)
    [ -n "$registered" ] || die "openmoat init registered no PreToolUse hook (see $RAWDIR/openmoat-init.log)"
    matcher=$(jq -r '[.hooks.PreToolUse[]? | .matcher // "*"] | first' "$home/.claude/settings.json")
    # Run exactly the command it registered (hyperfine -N splits it like a shell).
    CMD[openmoat]=$registered
    INVOCATION[openmoat]=${registered/#$PEERS\/cargo\/bin\//}
    REGISTERED[openmoat]="matcher \`$matcher\` (written by \`openmoat init --yes --hosts claude-code\`)"
    case "$matcher" in '' | '*') MATCHER[openmoat]='.*' ;; *) MATCHER[openmoat]="^($matcher)\$" ;; esac
    VERSION[openmoat]=$(env -i "${envv[@]}" "$PEERS/cargo/bin/openmoat" --version 2>/dev/null | head -n1 || echo "$OPENMOAT_VERSION")
    add_tool openmoat
fi

if want cc-safety-net; then
    home=$(tool_home cc-safety-net)
    tool_env cc-safety-net "$home"
    render cc-safety-net "$home"
    # The Claude Code plugin's hooks/hooks.json registers, for every tool:
    #   node "${CLAUDE_PLUGIN_ROOT}/dist/bin/cc-safety-net.js" hook --coding-cli
    CMD[cc-safety-net]="$(command -v node) $CCSN_JS hook --coding-cli"
    INVOCATION[cc-safety-net]="node \${CLAUDE_PLUGIN_ROOT}/dist/bin/cc-safety-net.js hook --coding-cli"
    MATCHER[cc-safety-net]='.*'
    REGISTERED[cc-safety-net]="every tool (no matcher; its Claude Code plugin's \`hooks/hooks.json\`)"
    VERSION[cc-safety-net]="cc-safety-net $CCSN_VERSION (node $(node --version))"
    add_tool cc-safety-net
fi

if want floor; then
    # Not a hook: `cat` copies the payload to stdout. Its time is what starting any
    # process and moving the JSON costs here, the floor under every row.
    home=$(tool_home floor)
    tool_env floor "$home"
    render floor "$home"
    CMD[floor]=$(command -v cat)
    INVOCATION[floor]="cat"
    MATCHER[floor]='.*'
    REGISTERED[floor]="nothing (not a hook; the process-start floor)"
    VERSION[floor]="coreutils cat"
    add_tool floor
fi

[ ${#ACTIVE[@]} -gt 0 ] || die "nothing to measure"
PAYLOADS=()
for f in "$HOOKDIR"/payloads/$PAYLOAD_GLOB; do PAYLOADS+=("$(basename "$f" .json)"); done
[ ${#PAYLOADS[@]} -gt 0 ] || die "no payloads match $PAYLOAD_GLOB"

# ---------------------------------------------------------------------------
# 1. What each tool answers, per payload (one run each, before timing).
# ---------------------------------------------------------------------------
# classify RC STDOUT: the decision Claude Code takes from this answer.
classify() {
    local rc=$1 out=$2 d
    if [ "$rc" = 2 ]; then echo deny; return; fi            # exit 2 blocks whatever stdout says
    if [ "$rc" != 0 ]; then echo "error($rc)"; return; fi  # non-blocking error: the call proceeds
    if ! [ -s "$out" ] || ! grep -q '[^[:space:]]' "$out"; then echo none; return; fi
    if ! d=$(jq -r '.hookSpecificOutput.permissionDecision
                    // (if .decision == "block" then "deny"
                        elif .decision == "approve" then "allow" else empty end)
                    // "none"' "$out" 2>/dev/null); then
        echo invalid
        return
    fi
    echo "$d"
}

ANSWERS=$RAWDIR/answers.jsonl
: >"$ANSWERS"
log "recording answers: ${#ACTIVE[@]} tools x ${#PAYLOADS[@]} payloads"
for tool in "${ACTIVE[@]}"; do
    [ "$tool" != floor ] || continue
    mapfile -t envv <"$SANDBOX/$tool/env"
    for p in "${PAYLOADS[@]}"; do
        payload=$SANDBOX/$tool/payloads/$p.json
        rc=0
        # shellcheck disable=SC2086
        (cd "$PROJECT" && env -i "${envv[@]}" ${CMD[$tool]}) <"$payload" \
            >"$SANDBOX/out" 2>"$SANDBOX/err" || rc=$?
        decision=$(classify "$rc" "$SANDBOX/out")
        tool_name=$(jq -r .tool_name "$payload")
        hooked=true
        [[ $tool_name =~ ${MATCHER[$tool]} ]] || hooked=false
        jq -nc --arg tool "$tool" --arg payload "$p" --arg tool_name "$tool_name" \
            --argjson hooked "$hooked" --arg decision "$decision" --argjson rc "$rc" \
            --rawfile stdout "$SANDBOX/out" --rawfile stderr "$SANDBOX/err" \
            '{tool: $tool, payload: $payload, tool_name: $tool_name, hooked: $hooked,
              decision: $decision, exit: $rc, stdout: $stdout, stderr: $stderr}' >>"$ANSWERS"
    done
done

# ---------------------------------------------------------------------------
# 2. Timing: payload-major order, so that drifting machine load hits every tool alike.
# ---------------------------------------------------------------------------
audit_bytes() {
    local dir=$SANDBOX/warden/home/.local/state
    if [ -d "$dir" ]; then du -sb "$dir" | cut -f1; else echo 0; fi
}
total=$((${#ACTIVE[@]} * ${#PAYLOADS[@]}))
n=0
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")
AUDIT_GREW_WHEN_OFF=""
for p in "${PAYLOADS[@]}"; do
    for tool in "${ACTIVE[@]}"; do
        n=$((n + 1))
        log "[$n/$total] $tool <- $p"
        mapfile -t envv <"$SANDBOX/$tool/env"
        before=$(audit_bytes)
        (cd "$PROJECT" && env -i "${envv[@]}" "$HYPERFINE" -N -i --style none \
            --warmup "$WARMUP" --runs "$RUNS" \
            --input "$SANDBOX/$tool/payloads/$p.json" \
            --command-name "$tool/$p" \
            --export-json "$RAWDIR/$tool--$p.json" \
            "${CMD[$tool]}") >>"$RAWDIR/hyperfine.log" 2>&1 ||
            die "hyperfine failed for $tool on $p (see $RAWDIR/hyperfine.log)"
        if [ "$tool" = warden-no-audit ] && [ "$(audit_bytes)" != "$before" ]; then
            AUDIT_GREW_WHEN_OFF="yes ($p)"
        fi
    done
done
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")

# Logging on must really log: the state directory holds the audit log afterwards.
AUDIT_CHECK=""
if [[ " ${ACTIVE[*]} " == *" warden "* ]]; then
    bytes=$(audit_bytes)
    files=$(find "$SANDBOX/warden/home/.local/state/warden" -type f 2>/dev/null | wc -l)
    AUDIT_CHECK="after the runs, \$XDG_STATE_HOME/warden held $files file(s), $bytes bytes"
    if [ "$files" = 0 ]; then
        AUDIT_CHECK="$AUDIT_CHECK; WARNING: logging on wrote no audit log, so the 'warden' row did not pay for logging"
    fi
    mapfile -t envv <"$SANDBOX/warden/env"
    if verify=$(env -i "${envv[@]}" "$WARDEN" log verify 2>&1); then
        AUDIT_CHECK="$AUDIT_CHECK; \`warden log verify\`: $(head -n1 <<<"$verify")"
    else
        AUDIT_CHECK="$AUDIT_CHECK; \`warden log verify\` failed: $(head -n1 <<<"$verify")"
    fi
    if [ -n "$AUDIT_GREW_WHEN_OFF" ]; then
        AUDIT_CHECK="$AUDIT_CHECK; WARNING: the log grew during --no-audit runs: $AUDIT_GREW_WHEN_OFF"
    fi
fi

# ---------------------------------------------------------------------------
# 3. Report.
# ---------------------------------------------------------------------------
TIMES=$RAWDIR/times.jsonl
: >"$TIMES"
for tool in "${ACTIVE[@]}"; do
    for p in "${PAYLOADS[@]}"; do
        jq -c --arg tool "$tool" --arg payload "$p" \
            --arg tool_name "$(jq -r .tool_name "$HOOKDIR/payloads/$p.json")" \
            '.results[0] | {tool: $tool, payload: $payload, tool_name: $tool_name, median_ms: (.median * 1000),
              mean_ms: (.mean * 1000), stddev_ms: ((.stddev // 0) * 1000), min_ms: (.min * 1000),
              max_ms: (.max * 1000), runs: (.times | length)}' \
            "$RAWDIR/$tool--$p.json" >>"$TIMES"
    done
done

tools_json=$(printf '%s\n' "${ACTIVE[@]}" | jq -R . | jq -sc .)
hooks_json=$(jq -c 'map(select(. != "floor"))' <<<"$tools_json")
meta_json=$(for tool in "${ACTIVE[@]}"; do
    jq -nc --arg tool "$tool" --arg version "${VERSION[$tool]}" --arg invocation "${INVOCATION[$tool]}" \
        --arg registered "${REGISTERED[$tool]}" \
        '{tool: $tool, version: $version, invocation: $invocation, registered: $registered}'
done | jq -sc .)

{
    echo "# Hook benchmark, $STAMP"
    echo
    echo "Every tool is timed as a whole process: one Claude Code PreToolUse payload on stdin, its"
    echo "answer on stdout, with \`hyperfine -N --input PAYLOAD --warmup $WARMUP --runs $RUNS\`."
    echo "Each tool has its own throwaway HOME and its default configuration. Lower is faster."
    echo
    echo "- machine: $(uname -srm), $(nproc) CPUs, load average $LOAD_START at start, $LOAD_END at end"
    echo "- hyperfine: $("$HYPERFINE" --version)"
    echo "- corpus: ${#PAYLOADS[@]} payloads from \`bench/hook/payloads/\` (Bash: $(
        for p in "${PAYLOADS[@]}"; do jq -r .tool_name "$HOOKDIR/payloads/$p.json"; done | grep -c '^Bash$'
    ))"
    if [ -n "$WARDEN_LINKED" ]; then echo "- warden binary: $WARDEN_LINKED"; fi
    if [ -n "$WARDEN_NOTE" ]; then echo "- note: $WARDEN_NOTE"; fi
    if [ -n "$AUDIT_CHECK" ]; then echo "- audit log (logging on): $AUDIT_CHECK"; fi
    echo
    echo "## Speed: median over the corpus of per-payload medians (ms)"
    echo
    called_json=$(jq -sc 'group_by(.tool) | map({key: .[0].tool, value: (map(select(.hooked)) | length)}) | from_entries' "$ANSWERS")
    jq -rs --argjson tools "$tools_json" --argjson called "$called_json" --argjson n "${#PAYLOADS[@]}" '
        def median: sort | if length == 0 then null
            elif length % 2 == 1 then .[length / 2 | floor]
            else (.[length / 2 - 1] + .[length / 2]) / 2 end;
        def fmt: if . == null then "n/a" else (. * 100 | round / 100 | tostring) end;
        def ratio($a; $b): if $a == null or $b == null or $b == 0 then "n/a"
            else ($a / $b * 10 | round) as $x | "\($x / 10 | floor).\($x % 10)x" end;
        . as $rows
        | ($rows | map(select(.tool == "warden")) | map(.median_ms) | median) as $w_all
        | ($rows | map(select(.tool == "warden" and .tool_name == "Bash")) | map(.median_ms) | median) as $w_bash
        | "| tool | median, all payloads | median, Bash payloads | vs warden (all) | vs warden (Bash) | called for |",
          "|---|---:|---:|---:|---:|---:|",
          ($tools[] as $t
           | ($rows | map(select(.tool == $t)) | map(.median_ms) | median) as $all
           | ($rows | map(select(.tool == $t and .tool_name == "Bash")) | map(.median_ms) | median) as $bash
           | "| \($t) | \($all | fmt) | \($bash | fmt) | \(ratio($all; $w_all)) | \(ratio($bash; $w_bash)) | \(if $called[$t] == null then "n/a" else "\($called[$t]) / \($n)" end) |")
    ' "$TIMES"
    echo
    echo "Ratios are tool / warden (logging on): 10x means ten times slower than Warden. \"called for\":"
    echo "how many corpus payloads Claude Code would send the tool under its default registration"
    echo "(every tool is timed on every payload regardless)."
    echo
    echo "Exactly what ran (each under \`env -i\` with its own throwaway HOME, cwd = the project):"
    echo
    jq -r '.[] | "- **\(.tool)** (\(.version)): `\(.invocation)`; registered for \(.registered)"' <<<"$meta_json"
    echo
    if [[ " ${ACTIVE[*]} " == *" warden-no-audit "* ]] && [[ " ${ACTIVE[*]} " == *" warden "* ]]; then
        echo "## Warden: audit logging on vs off (ms)"
        echo
        jq -rs '
            def median: sort | if length == 0 then null
                elif length % 2 == 1 then .[length / 2 | floor]
                else (.[length / 2 - 1] + .[length / 2]) / 2 end;
            def r2: . * 1000 | round / 1000;
            (map(select(.tool == "warden")) | map(.median_ms) | median) as $on
            | (map(select(.tool == "warden-no-audit")) | map(.median_ms) | median) as $off
            | "| logging | median over the corpus |", "|---|---:|",
              "| on (decision recorded in the hash-chained log) | \($on | r2) |",
              "| off (`--no-audit`) | \($off | r2) |",
              "| cost of logging | \(($on - $off) | r2) ms (\((($on / $off - 1) * 100) | round)%) |"
        ' "$TIMES"
        echo
    fi
    echo "## Per payload: median (ms)"
    echo
    jq -rs --argjson tools "$tools_json" '
        def fmt: (. * 100 | round / 100 | tostring);
        . as $rows
        | ("| payload | " + ($tools | join(" | ")) + " |"),
          ("|---|" + ($tools | map("---:") | join("|")) + "|"),
          ($rows | map(.payload) | unique[] as $p
           | "| \($p) | " + ([$tools[] as $t | $rows[] | select(.tool == $t and .payload == $p) | .median_ms | fmt] | join(" | ")) + " |")
    ' "$TIMES"
    echo
    echo "## Per payload: what each tool answered"
    echo
    echo "allow / ask / deny as Claude Code reads the answer; \`none\` = no opinion (empty output, exit 0),"
    echo "so Claude Code's own permission flow runs; \`error(N)\` = exit N, which Claude Code treats as"
    echo "no objection. In parentheses: an answer the tool gives when fed the payload, but Claude Code"
    echo "never asks it, because the tool's default registration does not match that tool."
    echo
    jq -rs --argjson tools "$hooks_json" '
        . as $rows
        | ("| payload | " + ($tools | join(" | ")) + " |"),
          ("|---|" + ($tools | map("---") | join("|")) + "|"),
          ($rows | map(.payload) | unique[] as $p
           | "| \($p) | " + ([$tools[] as $t | $rows[] | select(.tool == $t and .payload == $p)
                | if .hooked then .decision else "(\(.decision))" end] | join(" | ")) + " |")
    ' "$ANSWERS"
    echo
    echo "Raw hyperfine JSON, answers (with each tool's full stdout and stderr) and timings:"
    echo "\`${RAWDIR#"$ROOT"/}/\`."
} >"$REPORT"

cat "$REPORT"
log "report written to $REPORT"
if [ -n "$WARDEN_NOTE" ] && [[ " ${ACTIVE[*]} " != *" warden "* ]] && { want warden; }; then
    exit 1
fi
