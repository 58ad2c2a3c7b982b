#!/usr/bin/env bash
# Cold start, warm latency and memory of the function next to a bare lambda_http hello-world, and
# the criterion benchmark of the pure path. Prints figures and sets no thresholds (machines are
# noisy: the ratios from one run are what count); it stops if a binary fails or answers wrongly.
# `make bench ARGS=--compare` also measures the build alternatives (bench/cold_start.py --help).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

ensure_venv
mkdir -p "$STATE"
port="$(free_port)"
start_moto "$port" "$STATE/moto-bench.log"
trap 'kill "$MOTO_PID" 2>/dev/null || true' EXIT
use_emulator "$port"

"$VENV/bin/python" bench/cold_start.py "$@"
cargo bench --bench pure_path -- --noplot
