#!/usr/bin/env bash
# Screenshots of the Prefect UI showing a real newsetl run, for docs/monitoring.md.
#
# Starts a throwaway Prefect server (private PREFECT_HOME, free port, offline), ingests the samples against
# it, then photographs the flow run page and its artifacts with Debian's headless Chromium
# (`apt-get install -y chromium`). Everything it starts is stopped on exit.
#
#   scripts/screenshot_ui.sh [OUTPUT_DIR]      # default: docs/
#   WAIT_MS=25000 scripts/screenshot_ui.sh     # give the UI longer to render on a slow machine
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$(realpath -m "${1:-$ROOT/docs}")"
BIN="$ROOT/.venv/bin"
CHROMIUM="${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}"
WAIT_MS="${WAIT_MS:-15000}"
[ -n "$CHROMIUM" ] || { echo "error: no chromium: apt-get install -y chromium" >&2; exit 2; }

WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID"
        for _ in $(seq 1 40); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.5; done
        kill -9 "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

PORT="$("$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
API="http://127.0.0.1:$PORT/api"
export PREFECT_HOME="$WORK/prefect" PREFECT_SERVER_ANALYTICS_ENABLED=false
# The UI asks the API at PREFECT_SERVER_API_HOST:PORT (4200 by default), whatever `--port` says.
export PREFECT_SERVER_API_HOST=127.0.0.1 PREFECT_SERVER_API_PORT="$PORT"

echo "starting the Prefect server on port $PORT"
started=$(date +%s)
"$BIN/prefect" server start --host 127.0.0.1 --port "$PORT" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
until curl -sf "$API/health" >/dev/null; do
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
    [ $(($(date +%s) - started)) -lt 120 ] || { echo "error: server not healthy after 120 s" >&2; exit 1; }
    sleep 0.5
done
echo "server healthy after $(($(date +%s) - started)) s"

PREFECT_API_URL="$API" "$BIN/newsetl" ingest "$ROOT/samples" --db "$WORK/newsetl.duckdb" >"$WORK/ingest.log" 2>&1 \
    || { cat "$WORK/ingest.log" >&2; exit 1; }
RUN_ID="$(curl -sf -X POST "$API/flow_runs/filter" -H 'content-type: application/json' \
    -d '{"flows": {"name": {"any_": ["ingest"]}}, "limit": 1}' \
    | "$BIN/python" -c 'import json, sys; print(json.load(sys.stdin)[0]["id"])')"
ARTIFACT_ID="$(curl -sf -X POST "$API/artifacts/filter" -H 'content-type: application/json' \
    -d '{"artifacts": {"key": {"any_": ["ingest-summary"]}}, "limit": 1}' \
    | "$BIN/python" -c 'import json, sys; print(json.load(sys.stdin)[0]["id"])')"
echo "flow run $RUN_ID, ingest-summary artifact $ARTIFACT_ID"

shoot() {  # URL FILE
    "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$(mktemp -d -p "$WORK")" --window-size=1400,1000 \
        --virtual-time-budget="$WAIT_MS" --screenshot="$2" "$1" >>"$WORK/chromium.log" 2>&1
    echo "wrote $2"
}
mkdir -p "$OUT"
shoot "http://127.0.0.1:$PORT/runs/flow-run/$RUN_ID" "$OUT/prefect-ui-flow-run.png"
shoot "http://127.0.0.1:$PORT/artifacts/artifact/$ARTIFACT_ID" "$OUT/prefect-ui-artifacts.png"
