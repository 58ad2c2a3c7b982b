#!/usr/bin/env bash
# The website side, tested in a real browser: serves web/ on http://localhost:<port> (a different
# origin from the function) and on a second, not allowed origin, runs the function under
# cargo-lambda's Runtime API against moto (the staff console on http://localhost, the form on
# 127.0.0.1), with Turnstile checked by a local stand-in
# (scripts/turnstile_standin.py), and drives headless Chromium (Debian's, through playwright-core).
# Installs Chromium with apt-get and the npm packages when they are missing.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

ensure_venv
ensure_debian_package chromium
(cd tests/browser && npm ci --no-audit --no-fund --silent)

mkdir -p "$STATE/screenshots"
moto_port="$(free_port)"
lambda_port="$(free_port)"
web_port="$(free_port)"
other_port="$(free_port)"
turnstile_port="$(free_port)"
PIDS=()
cleanup() {
  trap - EXIT INT TERM
  for pid in "${PIDS[@]}"; do
    pkill -TERM -P "$pid" 2>/dev/null || true
    kill "$pid" 2>/dev/null || true
  done
  kill "${MOTO_PID:-}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

start_moto "$moto_port" "$STATE/moto-browser.log"
use_emulator "$moto_port"
set -a
# shellcheck source=/dev/null
source "$ROOT/local.env"
TABLE_NAME="browser-$(date +%s)-$RANDOM"
ALLOWED_ORIGINS="http://localhost:$web_port"
THANK_YOU_URL="http://localhost:$web_port/thank-you.html"
# Turnstile on, against a local stand-in of Cloudflare's siteverify (its always-passing test key).
TURNSTILE_SECRET_KEY="1x0000000000000000000000000000000AA"
TURNSTILE_VERIFY_URL="http://127.0.0.1:$turnstile_port/siteverify"
# The hosted form's widget: the stand-in's script, which writes a token naming the page's host.
TURNSTILE_SITE_KEY="1x00000000000000000000AA"
TURNSTILE_SCRIPT_URL="http://127.0.0.1:$turnstile_port/turnstile/v0/api.js"
RUST_LOG=warn
# Every test posts from 127.0.0.1; the per-client limit is tested in tests/api/abuse.rs.
RATE_LIMIT_PER_HOUR=50
# The staff email's follow-up links point at this run's function.
PUBLIC_BASE_URL="http://127.0.0.1:$lambda_port/lambda-url/consultation-form"
# The staff console on its own host, as deployed: http://localhost (browsers allow passkeys there;
# WebAuthn refuses an IP address as relying party), the form staying on 127.0.0.1.
STAFF_BASE_URL="http://localhost:$lambda_port/lambda-url/consultation-form"
STAFF_RP_ID=localhost
STAFF_TABLE_NAME="$TABLE_NAME-staff"
ACCESS_LOG_TABLE_NAME="$TABLE_NAME-access-log"
set +a
"$VENV/bin/python" scripts/local_aws.py setup --table "$TABLE_NAME" --sender "$NOTIFY_FROM" > /dev/null

"$VENV/bin/python" scripts/turnstile_standin.py --port "$turnstile_port" > "$STATE/turnstile.log" 2>&1 &
PIDS+=($!)
# The practice's site: web/ as it ships, plus the pages the tests write (a builder's page that
# embeds the hosted form), served for real so the browser treats them as any site.
site="$STATE/site"
rm -rf "$site"
cp -r web "$site"
# As a practice writes them (make web-forms PRACTICE_PHONE=… PRACTICE_CONTACT_EMAIL=…): the test
# practice's phone and address, which the shipped files do not carry.
sed -i 's/data-practice-phone=""/data-practice-phone="(312) 555-0142"/; s/data-practice-email=""/data-practice-email="frontdesk@practice.test"/' \
  "$site/index.html" "$site/es/index.html"
"$VENV/bin/python" -m http.server --bind 127.0.0.1 --directory "$site" "$web_port" > "$STATE/web.log" 2>&1 &
PIDS+=($!)
"$VENV/bin/python" -m http.server --bind 127.0.0.1 --directory "$site" "$other_port" > "$STATE/web-other.log" 2>&1 &
PIDS+=($!)
# The operator tool, which the console's tests invite people with and read the access log by, and
# the function itself: built once and run under cargo-lambda's Runtime API (its function URLs and
# nothing else: cargo-lambda's own build would run the compiler under the moved clock).
cargo build --quiet --bin consultation-form --bin consultation-admin
"$VENV/bin/cargo-lambda" lambda watch --only-lambda-apis --invoke-address 127.0.0.1 --invoke-port "$lambda_port" \
  --disable-cors > "$STATE/lambda-browser.log" 2>&1 &
PIDS+=($!)
# The function's clock, which the console's idle-limit test moves (libfaketime, re-read at every
# call; the function alone runs under it).
faketime_file="$STATE/faketime-browser"
echo "+0" > "$faketime_file"
AWS_LAMBDA_FUNCTION_NAME=consultation-form AWS_LAMBDA_FUNCTION_VERSION=1 AWS_LAMBDA_FUNCTION_MEMORY_SIZE=256 \
  AWS_LAMBDA_RUNTIME_API="http://127.0.0.1:$lambda_port/.rt/consultation-form" \
  LD_PRELOAD="$(faketime_library)" FAKETIME_TIMESTAMP_FILE="$faketime_file" FAKETIME_NO_CACHE=1 \
  FAKETIME_DONT_FAKE_MONOTONIC=1 "$ROOT/target/debug/consultation-form" > "$STATE/function-browser.log" 2>&1 &
PIDS+=($!)

function_url="http://127.0.0.1:$lambda_port/lambda-url/consultation-form/consultations"
echo "==> waiting for the function at $function_url"
for _ in $(seq 1 600); do
  code="$(curl -s -o /dev/null -w '%{http_code}' -X OPTIONS -H "Origin: http://localhost:$web_port" "$function_url" || true)"
  [ "$code" = "204" ] && break
  sleep 1
done
[ "$code" = "204" ] || { echo "the function did not come up; see $STATE/function-browser.log" >&2; exit 1; }

echo "==> browser tests"
# UPDATE_SCREENSHOTS=1 writes the console's request page into docs/ as well.
docs_dir=""
[ "${UPDATE_SCREENSHOTS:-}" = "1" ] && docs_dir="$ROOT/docs"
FUNCTION_URL="$function_url" WEB_URL="http://localhost:$web_port" OTHER_URL="http://127.0.0.1:$other_port" \
  CONSOLE_URL="$STAFF_BASE_URL" ADMIN_COMMAND="$ROOT/target/debug/consultation-admin" FAKETIME_FILE="$faketime_file" \
  DOCS_DIR="$docs_dir" \
  SITE_DIR="$site" SCREENSHOTS="$STATE/screenshots" STATE_COMMAND="$VENV/bin/python $ROOT/scripts/local_aws.py state --table $TABLE_NAME" \
  node --test --test-concurrency=1 ${BROWSER_TESTS:-tests/browser/}
