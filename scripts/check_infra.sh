#!/usr/bin/env bash
# Offline checks of infra/template.yaml: cfn-lint and checkov on the SAM source, the real SAM
# transform (`sam validate` without --lint, which `sam deploy` runs too), a template it must refuse,
# and cfn-lint and checkov again on the translated template (.local/translated.json, which the
# tests read and create in the emulator). With SAM_BUILD=1 also `sam build` (a release build of the
# function through cargo-lambda, x86_64). Nothing here talks to AWS.
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

# Fake credentials and a region keep the SAM CLI from looking for any; it makes no AWS call here.
sam() {
  SAM_CLI_TELEMETRY=0 AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=offline AWS_SECRET_ACCESS_KEY=offline \
    "$ROOT/.venv-sam/bin/sam" "$@"
}
mkdir -p "$STATE"
# infra/samconfig.toml sets `lint = true` for validate, which would turn it back into cfn-lint alone.
no_config="$STATE/empty-samconfig.toml"
: > "$no_config"

echo "==> sam validate (the real SAM transform, as sam deploy runs it)"
sam validate -t infra/template.yaml --config-file "$no_config" --region us-east-1

echo "==> sam validate refuses the custom domain as Domain: !If (so the check above can fail)"
"$VENV/bin/python" scripts/sam_stack.py old-domain-shape "$STATE/old-domain-shape.json"
if refused="$(sam validate -t "$STATE/old-domain-shape.json" --config-file "$no_config" --region us-east-1 2>&1)"; then
  echo "the SAM transform accepted the shape it refuses on deploy: this check cannot fail" >&2
  exit 1
fi
case "$refused" in
  *"Custom Domains only works if both DomainName and CertificateArn are provided"*) echo "refused, as on deploy" ;;
  *) echo "refused for another reason than expected:" >&2; echo "$refused" >&2; exit 1 ;;
esac

echo "==> sam validate --lint"
sam validate --lint -t infra/template.yaml

echo "==> the translated template (aws-sam-translator, offline): cfn-lint and checkov"
"$VENV/bin/python" scripts/sam_stack.py translate "$STATE/translated.json"
"$VENV/bin/cfn-lint" "$STATE/translated.json"
"$ROOT/.venv-checkov/bin/checkov" -f "$STATE/translated.json" --framework cloudformation \
  --skip-download --compact --quiet

if [ "${SAM_BUILD:-0}" = "1" ]; then
  echo "==> sam build (x86_64)"
  SAM_CLI_BETA_RUST_CARGO_LAMBDA=1 sam build -t infra/template.yaml --build-dir "$ROOT/target/sam" \
    --beta-features
fi
