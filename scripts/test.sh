#!/usr/bin/env bash
# Runs every test: the offline infrastructure checks, the Rust tests against a fresh AWS emulator
# (installs the Python tools into venvs if needed, starts moto on a free port of 127.0.0.1, runs cargo
# test, and stops moto again), then the browser tests of the form in web/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

ensure_venv
bash scripts/check_infra.sh
mkdir -p "$STATE"
port="$(free_port)"
start_moto "$port" "$STATE/moto-test.log" "$STATE/moto-test-recording.jsonl"
trap 'kill "$MOTO_PID" 2>/dev/null || true; wait "$MOTO_PID" 2>/dev/null || true' EXIT
use_emulator "$port"
# Fail fast in tests that talk to a dead or missing endpoint on purpose.
export AWS_MAX_ATTEMPTS=2
export RUST_BACKTRACE=0
export CONSULTATION_TABLE_SPEC="$STATE/table-spec.json"
"$VENV/bin/python" scripts/local_aws.py table-spec > "$CONSULTATION_TABLE_SPEC"
export CONSULTATION_TEMPLATE_JSON="$STATE/template.json"
"$VENV/bin/python" scripts/local_aws.py template-json > "$CONSULTATION_TEMPLATE_JSON"

echo "==> cargo test (moto on 127.0.0.1:$port)"
cargo test --locked --all-targets "$@"
kill "$MOTO_PID" 2>/dev/null || true

# The website side, in a real browser, against its own emulator and `cargo lambda watch`.
bash scripts/browser_test.sh
