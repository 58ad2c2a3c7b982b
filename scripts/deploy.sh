#!/usr/bin/env bash
# Builds the function with the project's own tools and deploys the stack: `sam build` (a release
# build through cargo-lambda, x86_64), then the handful of values a practice must give, asked with
# what each is for and kept in .deploy/answers.json (SET="Name=value ..." sets any other
# parameter, kept too), what changes since the last deploy, and `sam deploy` with them and
# infra/samconfig.toml (which shows the change set and asks before applying it). Needs AWS
# credentials for the deploy step only. Extra arguments go to `sam deploy`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

ensure_venv
ensure_python_env "$ROOT/.venv-sam" "$ROOT/requirements/sam.txt"
# cargo-lambda runs `zig` from its own venv: that venv must come first on PATH, because the SAM
# venv's python3 has no ziglang and `sam build` would fail with "Zig is not installed".
export PATH="$VENV/bin:$PATH"
export SAM_CLI_TELEMETRY=0

cd "$ROOT/infra"
echo "==> sam build (x86_64, release)"
SAM_CLI_BETA_RUST_CARGO_LAMBDA=1 "$ROOT/.venv-sam/bin/sam" build --beta-features
if [ "${BUILD_ONLY:-0}" = "1" ]; then
  echo "built: infra/.aws-sam/build (BUILD_ONLY=1: not deploying)"
  exit 0
fi
answers="$ROOT/.deploy/answers.json"
echo "==> what the stack needs from you (Enter keeps the value in brackets)"
# shellcheck disable=SC2086
"$VENV/bin/python" "$ROOT/scripts/deploy_answers.py" ask --answers "$answers" ${SET:+--set $SET}
mapfile -t overrides < <("$VENV/bin/python" "$ROOT/scripts/deploy_answers.py" overrides --answers "$answers")
echo "==> sam deploy"
"$ROOT/.venv-sam/bin/sam" deploy --parameter-overrides "${overrides[@]}" "$@"
