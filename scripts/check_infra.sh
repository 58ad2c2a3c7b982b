#!/usr/bin/env bash
# Offline checks of infra/template.yaml: cfn-lint, checkov and `sam validate --lint`; with
# SAM_BUILD=1 also `sam build` (a release build of the function through cargo-lambda, x86_64).
# Nothing here talks to AWS.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

ensure_venv
ensure_python_env "$ROOT/.venv-checkov" "$ROOT/requirements/checkov.txt"
ensure_python_env "$ROOT/.venv-sam" "$ROOT/requirements/sam.txt"

echo "==> cfn-lint infra/template.yaml"
"$VENV/bin/cfn-lint" infra/template.yaml

echo "==> checkov -f infra/template.yaml --skip-download"
"$ROOT/.venv-checkov/bin/checkov" -f infra/template.yaml --skip-download --compact --quiet

echo "==> sam validate --lint"
# Fake credentials and a region keep the SAM CLI from looking for any; it makes no AWS call here.
SAM_CLI_TELEMETRY=0 AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=offline AWS_SECRET_ACCESS_KEY=offline \
  "$ROOT/.venv-sam/bin/sam" validate --lint -t infra/template.yaml

if [ "${SAM_BUILD:-0}" = "1" ]; then
  echo "==> sam build (x86_64)"
  SAM_CLI_TELEMETRY=0 SAM_CLI_BETA_RUST_CARGO_LAMBDA=1 \
    "$ROOT/.venv-sam/bin/sam" build -t infra/template.yaml --build-dir "$ROOT/target/sam" \
    --beta-features
fi
