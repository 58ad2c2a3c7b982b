# Shared shell functions for scripts/dev.sh and scripts/test.sh. Source it; do not run it.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
STATE="$ROOT/.local"

# ensure_python_env DIR REQUIREMENTS: creates the venv DIR and installs REQUIREMENTS into it, again
# only when that file changes.
ensure_python_env() {
  local dir="$1" requirements="$2"
  local stamp="$dir/.requirements.sha256"
  local wanted
  wanted="$(sha256sum "$requirements" | cut -d' ' -f1)"
  if [ ! -x "$dir/bin/python" ]; then
    echo "==> creating $dir"
    python3 -m venv "$dir"
  fi
  if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
    echo "==> installing $(basename "$requirements" .txt) tools into $(basename "$dir")"
    "$dir/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
    echo "$wanted" > "$stamp"
  fi
}

# The tools of local runs and tests (moto, cargo-lambda, cfn-lint) in ./.venv, put on PATH.
ensure_venv() {
  ensure_python_env "$VENV" "$ROOT/requirements/dev.txt"
  export PATH="$VENV/bin:$PATH"
}

# A TCP port that is free on 127.0.0.1 right now.
free_port() {
  "$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start_moto PORT LOGFILE [RECORDING_FILE]: starts moto (scripts/moto_server.py: one request at a
# time, so its DynamoDB transactions are atomic like the real ones) on 127.0.0.1:PORT and waits until
# it answers.
# Sets MOTO_PID. With a recording file, every request is recorded (tests read Reply-To from it).
start_moto() {
  local port="$1" log="$2" recording="${3:-}"
  if [ -n "$recording" ]; then
    : > "$recording"
    MOTO_ENABLE_RECORDING=true MOTO_RECORDER_FILEPATH="$recording" MOTO_PORT="$port" \
      "$VENV/bin/python" "$ROOT/scripts/moto_server.py" --port "$port" > "$log" 2>&1 &
  else
    MOTO_PORT="$port" "$VENV/bin/python" "$ROOT/scripts/moto_server.py" --port "$port" > "$log" 2>&1 &
  fi
  MOTO_PID=$!
  for _ in $(seq 1 100); do
    if curl -fsS "http://127.0.0.1:$port/moto-api/" > /dev/null 2>&1; then
      if [ -n "$recording" ]; then
        curl -fsS -X POST "http://127.0.0.1:$port/moto-api/recorder/start-recording" > /dev/null
      fi
      return 0
    fi
    if ! kill -0 "$MOTO_PID" 2>/dev/null; then
      echo "moto failed to start; see $log" >&2
      return 1
    fi
    sleep 0.2
  done
  echo "moto did not answer on port $port; see $log" >&2
  return 1
}

# Points the AWS SDKs at the emulator on PORT with throw-away credentials.
use_emulator() {
  export AWS_ENDPOINT_URL="http://127.0.0.1:$1"
  export AWS_REGION=us-east-1
  export AWS_ACCESS_KEY_ID=testing
  export AWS_SECRET_ACCESS_KEY=testing
  unset AWS_PROFILE AWS_SESSION_TOKEN
  export AWS_EC2_METADATA_DISABLED=true
}

# ensure_debian_package PACKAGE [COMMAND]: installs Debian's PACKAGE with apt-get (as root, or with
# sudo) unless COMMAND (default: PACKAGE) is already on PATH.
ensure_debian_package() {
  local package="$1" command="${2:-$1}"
  if ! command -v "$command" > /dev/null; then
    echo "==> installing $package (Debian package)" >&2
    local sudo=""
    if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$package" > /dev/null
  fi
}

# The libfaketime library the tests preload to move a binary's clock (tests/api/clock_moved.rs).
faketime_library() {
  ensure_debian_package faketime
  dpkg -L libfaketime | grep -m1 'libfaketimeMT.so.1$'
}

# Stops at once, with one line naming what is missing, where `make test` cannot run: it needs
# Linux with Debian's packages (libfaketime and Chromium come from apt-get; dpkg finds the
# library), Rust, Python 3.11+ with venv, and Node 20+ with npm (the browser tests).
check_test_system() {
  local missing=()
  [ "$(uname -s)" = Linux ] || missing+=("Linux (this is $(uname -s))")
  local tool
  for tool in cargo python3 node npm dpkg; do
    command -v "$tool" > /dev/null || missing+=("$tool")
  done
  if ! command -v faketime > /dev/null || ! command -v chromium > /dev/null; then
    command -v apt-get > /dev/null || missing+=("apt-get (to install faketime and chromium)")
  fi
  python3 -c 'import sys, venv; sys.exit(sys.version_info < (3, 11))' 2> /dev/null \
    || missing+=("Python 3.11 or newer with venv")
  node -e 'process.exit(Number(process.versions.node.split(".")[0]) < 20 ? 1 : 0)' 2> /dev/null \
    || missing+=("Node 20 or newer")
  # A first build, the venv and the browser tests' packages take about 6 GB (measured on a clean
  # clone); running out half-way says less than saying so now.
  if [ ! -d "$ROOT/target/debug" ]; then
    local free_gb
    free_gb=$(($(df -Pk "$ROOT" | awk 'NR == 2 { print $4 }') / 1024 / 1024))
    ((free_gb >= 6)) || missing+=("6 GB free disk for the first build (${free_gb} GB free)")
  fi
  if ((${#missing[@]})); then
    echo "make test runs on Debian or Ubuntu (x86_64) with Rust, Python 3.11+ and Node 20+; missing: ${missing[*]}" >&2
    exit 1
  fi
}
