#!/usr/bin/env bash
# The monthly bill (bench/cost.py): the function's AWS calls for requests and scheduled runs,
# counted in moto's recording, their DynamoDB units from the items' sizes, and the bill at three
# volumes. Prints figures, sets no thresholds. Starts and stops its own emulator.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

ensure_venv
mkdir -p "$STATE"
echo "==> building the function (release)"
cargo build --locked --release --bin consultation-form
port="$(free_port)"
start_moto "$port" "$STATE/moto-bench-cost.log" "$STATE/moto-bench-cost.jsonl"
trap 'kill "$MOTO_PID" 2>/dev/null || true' EXIT
use_emulator "$port"
"$VENV/bin/python" bench/cost.py --binary target/release/consultation-form \
  --recording "$STATE/moto-bench-cost.jsonl" "$@"
