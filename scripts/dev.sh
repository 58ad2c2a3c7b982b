#!/usr/bin/env bash
# Runs the function locally against an emulated AWS: installs what it needs into .venv, starts moto
# on 127.0.0.1, creates the table and verifies the sender there, and serves the function with
# `cargo lambda watch`. Ctrl-C stops everything it started.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

MOTO_PORT="${MOTO_PORT:-5005}"
LAMBDA_PORT="${LAMBDA_PORT:-9000}"
WEB_PORT=8080  # the origin http://localhost:8080 is the one local.env allows

ensure_venv
mkdir -p "$STATE"
start_moto "$MOTO_PORT" "$STATE/moto-dev.log"
WATCH_PID=""
WEB_PID=""
cleanup() {
  trap - EXIT INT TERM
  [ -n "$WEB_PID" ] && kill "$WEB_PID" 2>/dev/null || true
  if [ -n "$WATCH_PID" ]; then
    pkill -TERM -P "$WATCH_PID" 2>/dev/null || true
    kill "$WATCH_PID" 2>/dev/null || true
    wait "$WATCH_PID" 2>/dev/null || true
  fi
  kill "$MOTO_PID" 2>/dev/null || true
  wait "$MOTO_PID" 2>/dev/null || true
  echo "stopped the function and the emulator"
}
trap cleanup EXIT INT TERM
use_emulator "$MOTO_PORT"
set -a
# shellcheck source=/dev/null
source "$ROOT/local.env"
set +a
"$VENV/bin/python" scripts/local_aws.py setup --table "$TABLE_NAME" --sender "$NOTIFY_FROM"

# The form, on another origin than the function, so CORS works exactly as on the practice's site.
"$VENV/bin/python" -m http.server --bind 127.0.0.1 --directory "$ROOT/web" "$WEB_PORT" > "$STATE/web-dev.log" 2>&1 &
WEB_PID=$!

url="http://127.0.0.1:$LAMBDA_PORT/lambda-url/consultation-form/consultations"
# The first admin of the local console, invited the way a deployment's first admin is.
cargo build --quiet --bin consultation-admin
invite="$("$ROOT/target/debug/consultation-admin" staff invite admin@practice.test --name "Local Admin" \
  --role admin --print-link | tail -n 1)"
cat <<MSG

  Emulated AWS (moto):  $AWS_ENDPOINT_URL
  Function:             $url
  The form:             http://localhost:$WEB_PORT/  (posts to the function; try it with and without JavaScript)

  Submit a request:
    curl -i -X POST '$url' \\
      -H 'Content-Type: application/json' -H 'Origin: http://localhost:8080' \\
      -d '{"name":"Ana Lima","email":"ana@example.com","message":"Anxiety at work","consent":true}'

  Invoke a sample event:
    .venv/bin/cargo-lambda lambda invoke consultation-form --invoke-address 127.0.0.1 \\
      --invoke-port $LAMBDA_PORT --data-file events/json-submission.201.json

  See what was stored and which emails were sent:
    make show

  The staff console:    $STAFF_BASE_URL/staff
    Register the local admin's passkey (the browser's own, or its developer tools' virtual one):
    $invite

  Ctrl-C stops the function and the emulator.

MSG
# In the background, so that a signal to this script runs the clean-up at once. cargo-lambda's own
# logs are held to warnings: at info, Ctrl-C makes it print its whole configuration as it shuts
# down. The function's level comes from local.env (RUST_LOG there), which cargo-lambda passes on.
RUST_LOG=warn "$VENV/bin/cargo-lambda" lambda watch --invoke-address 127.0.0.1 --invoke-port "$LAMBDA_PORT" \
  --disable-cors --env-file "$ROOT/local.env" &
WATCH_PID=$!
wait "$WATCH_PID"
