#!/usr/bin/env bash
# MCP gateway benchmark: added latency per tools/call (median, vs the server alone) and
# messages per second through the relay.
#
#   bench/mcp/run.sh            # library relay around the Rust echo server (and server-memory
#                               # when the npm servers are installed)
#   WARDEN_BIN=target/release/warden bench/mcp/run.sh   # also the real `warden mcp proxy`
#
# Builds only the warden-mcp examples in release mode. Prints JSON objects, one per setup.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
cargo build -q --release -p warden-mcp --example mcp_bench --example echo_server
bin="$CARGO_TARGET_DIR/release/examples"
calls="${CALLS:-2000}"
pipeline="${PIPELINE:-20000}"
servers_dir="${WARDEN_MCP_SERVERS_DIR:-/opt/warden-test/mcp}"

echo "== echo server (Rust), library relay"
"$bin/mcp_bench" --calls "$calls" --pipeline "$pipeline" -- "$bin/echo_server"

if [ -x "$servers_dir/node_modules/.bin/mcp-server-memory" ]; then
  echo "== server-memory (npm), library relay"
  MEMORY_FILE_PATH="$(mktemp -d)/memory.jsonl" "$bin/mcp_bench" --calls "$((calls / 4))" --pipeline "$((pipeline / 4))" -- \
    "$servers_dir/node_modules/.bin/mcp-server-memory"
fi

if [ -n "${WARDEN_BIN:-}" ]; then
  state="$(mktemp -d)"
  echo "== echo server (Rust), $WARDEN_BIN mcp proxy (real policy, secret scanner, audit log)"
  XDG_STATE_HOME="$state" "$bin/mcp_bench" --calls "$calls" --pipeline "$pipeline" \
    --gateway "$WARDEN_BIN" mcp proxy --server bench -- "$bin/echo_server"
fi
