#!/usr/bin/env bash
# The scheduled run at a year's scale (bench/schedule_scale.py): the AWS calls and the function's
# CPU time of one run with 10, 1,000 and 10,000 stored requests, nothing due and one due. Prints
# figures, sets no thresholds; fails if the calls differ between sizes or the due reminder is not
# sent. Starts and stops its own emulator.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

ensure_venv
mkdir -p "$STATE"
echo "==> building the function (release)"
cargo build --locked --release --bin consultation-form
port="$(free_port)"
start_moto "$port" "$STATE/moto-bench-schedule.log" "$STATE/moto-bench-schedule.jsonl"
trap 'kill "$MOTO_PID" 2>/dev/null || true' EXIT
use_emulator "$port"
"$VENV/bin/python" bench/schedule_scale.py --binary target/release/consultation-form \
  --recording "$STATE/moto-bench-schedule.jsonl" "$@"
