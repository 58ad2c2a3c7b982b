#!/usr/bin/env bash
# Where a cold start's CPU goes (bench/profile_cold.py): an unstripped release build of the function
# run once under valgrind's callgrind, against its own emulator behind the TLS front; prints the
# instructions by step and by crate.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

ensure_venv
command -v valgrind > /dev/null || ensure_debian_package valgrind
mkdir -p "$STATE"
echo "==> building the release binary with its symbols"
CARGO_PROFILE_RELEASE_STRIP=false cargo build --release --bin consultation-form
port="$(free_port)"
start_moto "$port" "$STATE/moto-profile.log"
trap 'kill "$MOTO_PID" 2>/dev/null || true' EXIT
use_emulator "$port"
"$VENV/bin/python" bench/profile_cold.py --binary target/release/consultation-form "$@"
