#!/usr/bin/env bash
# Runs every test: the offline infrastructure checks (the real SAM transform among them), the Rust
# tests against a fresh AWS emulator (installs the Python tools into venvs if needed, starts moto on
# free ports of 127.0.0.1, creates the translated stack there for every condition combination,
# runs cargo test, holds every AWS call the suite made to the stack's IAM grants, and stops moto
# again), then the browser tests of the form in web/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

check_test_system
ensure_venv
bash scripts/check_infra.sh
# The region list of the practice's questions, against the ISO 3166 data pycountry keeps.
"$VENV/bin/python" scripts/regions.py check
# The parameters' reference (docs/parameters.md) is the template's.
"$VENV/bin/python" scripts/deploy_answers.py reference --check docs/parameters.md
# The build under test asks four of the practice's questions (the shipped file asks none).
export CONSULTATION_QUESTIONS=tests/fixtures/questions.toml
mkdir -p "$STATE"
port="$(free_port)"
start_moto "$port" "$STATE/moto-test.log" "$STATE/moto-test-recording.jsonl"
test_moto="$MOTO_PID"
# The emulated stacks get an emulator of their own: moto's data API (which the tests read sent mail
# from) fails once it holds a Lambda function, which it cannot inspect without Docker.
stack_port="$(free_port)"
start_moto "$stack_port" "$STATE/moto-stack.log" "$STATE/moto-stack-recording.jsonl"
stack_moto="$MOTO_PID"
trap 'kill "$test_moto" "$stack_moto" 2>/dev/null || true; wait "$test_moto" "$stack_moto" 2>/dev/null || true' EXIT
use_emulator "$port"
# Fail fast in tests that talk to a dead or missing endpoint on purpose.
export AWS_MAX_ATTEMPTS=2
export RUST_BACKTRACE=0
export CONSULTATION_TABLE_SPEC="$STATE/table-spec.json"
"$VENV/bin/python" scripts/local_aws.py table-spec > "$CONSULTATION_TABLE_SPEC"
export CONSULTATION_TEMPLATE_JSON="$STATE/template.json"
"$VENV/bin/python" scripts/local_aws.py template-json > "$CONSULTATION_TEMPLATE_JSON"

# The translated template (written by check_infra.sh), created in the emulator once for every
# combination of the conditions that change resources; tests/api/stack.rs runs the binary in each.
export CONSULTATION_TRANSLATED_JSON="$STATE/translated.json"
export CONSULTATION_STACKS="$STATE/stacks.json"
export CONSULTATION_STACK_ENDPOINT="http://127.0.0.1:$stack_port"
echo "==> the translated stack in moto's CloudFormation (127.0.0.1:$stack_port), every condition combination"
AWS_ENDPOINT_URL="$CONSULTATION_STACK_ENDPOINT" \
  "$VENV/bin/python" scripts/sam_stack.py create "$CONSULTATION_TRANSLATED_JSON" "$CONSULTATION_STACKS"

# What the stand-in for the SES v2 calls moto has no route for answers alone (tests/api/doctor.rs),
# recorded as moto records, for the IAM coverage check.
export CONSULTATION_STANDIN_RECORDING="$STATE/standin-recording.jsonl"
rm -f "$CONSULTATION_STANDIN_RECORDING"
touch "$CONSULTATION_STANDIN_RECORDING"

# The webhook receiver of the tests verifies each delivery with the Standard Webhooks library.
export CONSULTATION_PYTHON="$VENV/bin/python"

# The binary under a moved clock (the scheduled run days later, a lease run out).
CONSULTATION_FAKETIME_LIB="$(faketime_library)"
export CONSULTATION_FAKETIME_LIB

echo "==> cargo test (moto on 127.0.0.1:$port)"
cargo test --locked --all-targets "$@"

# Every AWS call the suite made as the function or the operator tool, held to the stack's grants.
echo "==> IAM coverage: every recorded call against the translated stack's policies"
"$VENV/bin/python" scripts/iam_coverage.py \
  --recording "$STATE/moto-test-recording.jsonl" --recording "$STATE/moto-stack-recording.jsonl" \
  --recording "$CONSULTATION_STANDIN_RECORDING" \
  --translated "$CONSULTATION_TRANSLATED_JSON" --stacks "$CONSULTATION_STACKS" \
  --report "$STATE/iam-coverage.txt"
kill "$test_moto" "$stack_moto" 2>/dev/null || true

# The website side and the staff console, in a real browser, against their own emulator.
bash scripts/browser_test.sh
