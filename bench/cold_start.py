#!/usr/bin/env python3
"""Cold start and footprint of the function, side by side with a bare lambda_http hello-world.

Builds both with `cargo lambda build --release --output-format zip` (x86_64), then, under a Lambda
Runtime API served by this script on 127.0.0.1:
- starts each binary N times: init (process start -> first poll for an event), first invocation,
  peak RSS;
- runs 1000 warm invocations: p50 and p99;
- runs 10,000 warm invocations of the function and compares its RSS at 1,000 and at 10,000;
and prints the figures, the function's as ratios to the hello-world's, and the zip sizes.
The function talks to moto (started here) like `make dev`. Run with `make bench`.
"""

import argparse
import json
import os
import queue
import shutil
import statistics
import subprocess
import sys
import threading
import time
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
OUT = ROOT / ".local" / "bench"


class RuntimeApi:
    """Just enough of the Lambda Runtime API: next, response, error."""

    def __init__(self):
        self.events = queue.Queue()
        self.responses = {}
        self.answered = threading.Condition()
        self.first_poll = None
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                if self.path.endswith("/invocation/next"):
                    if api.first_poll is None:
                        api.first_poll = time.perf_counter()
                    request_id, body = api.events.get()
                    data = body.encode()
                    self.send_response(200)
                    self.send_header("Lambda-Runtime-Aws-Request-Id", request_id)
                    self.send_header("Lambda-Runtime-Deadline-Ms", str(int(time.time() * 1000) + 20000))
                    self.send_header("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:123456789012:function:bench")
                    self.send_header("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                else:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                parts = self.path.split("/")
                if "invocation" in parts:
                    request_id = parts[parts.index("invocation") + 1]
                    with api.answered:
                        api.responses[request_id] = (time.perf_counter(), body)
                        api.answered.notify_all()
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.address = f"127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.counter = 0

    def invoke(self, event):
        """Hands out one event and waits for its response; returns (seconds, response)."""
        self.counter += 1
        request_id = f"bench-{self.counter}"
        started = time.perf_counter()
        self.events.put((request_id, event))
        with self.answered:
            while request_id not in self.responses:
                if not self.answered.wait(timeout=30):
                    raise RuntimeError(f"no response to {request_id}")
            answered_at, body = self.responses.pop(request_id)
        return answered_at - started, json.loads(body or b"null")

    def close(self):
        self.server.shutdown()


def rss_kib(pid, field):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def lambda_env(extra):
    env = {k: v for k, v in os.environ.items() if k.startswith("AWS_") or k in ("PATH", "HOME")}
    env.update({
        "AWS_LAMBDA_FUNCTION_NAME": "bench",
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
        "AWS_LAMBDA_LOG_GROUP_NAME": "/bench",
        "AWS_LAMBDA_LOG_STREAM_NAME": "bench",
    })
    env.update(extra)
    return env


def cold_start(binary, env, event):
    api = RuntimeApi()
    started = time.perf_counter()
    process = subprocess.Popen([str(binary)], env={**env, "AWS_LAMBDA_RUNTIME_API": api.address},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while api.first_poll is None:
            if process.poll() is not None:
                raise RuntimeError(f"{binary} exited at init")
            time.sleep(0.0002)
        init = api.first_poll - started
        first, response = api.invoke(event)
        peak = rss_kib(process.pid, "VmHWM")
        return init, first, peak, response
    finally:
        process.kill()
        process.wait()
        api.close()


def warm(binary, env, events, count, rss_at=()):
    api = RuntimeApi()
    process = subprocess.Popen([str(binary)], env={**env, "AWS_LAMBDA_RUNTIME_API": api.address},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        api.invoke(events[0])
        times, rss = [], {}
        for n in range(1, count + 1):
            seconds, _ = api.invoke(events[n % len(events)])
            times.append(seconds)
            if n in rss_at:
                rss[n] = rss_kib(process.pid, "VmRSS")
        return times, rss, rss_kib(process.pid, "VmHWM")
    finally:
        process.kill()
        process.wait()
        api.close()


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def build(venv_bin):
    cargo_lambda = [str(venv_bin / "cargo-lambda"), "lambda", "build", "--release", "--output-format", "zip"]
    subprocess.run(cargo_lambda + ["--bin", "consultation-form"], cwd=ROOT, check=True)
    subprocess.run(cargo_lambda + ["--bin", "bench-hello"], cwd=ROOT, check=True)
    OUT.mkdir(parents=True, exist_ok=True)
    binaries = {}
    for name, built in (("consultation-form", "consultation-form"), ("hello", "bench-hello")):
        archive = ROOT / "target" / "lambda" / built / "bootstrap.zip"
        target = OUT / name
        with zipfile.ZipFile(archive) as z, z.open("bootstrap") as src, open(target, "wb") as dst:
            shutil.copyfileobj(src, dst)
        target.chmod(0o755)
        binaries[name] = (target, archive.stat().st_size)
    return binaries


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=20)
    parser.add_argument("--warm", type=int, default=1000)
    parser.add_argument("--soak", type=int, default=10000)
    args = parser.parse_args()
    venv_bin = ROOT / ".venv" / "bin"
    binaries = build(venv_bin)

    import local_aws  # noqa: E402  (needs AWS_ENDPOINT_URL, set by the caller)
    table = f"bench-{int(time.time())}"
    dynamodb, ses = local_aws.clients()
    local_aws.create_table(dynamodb, table)
    ses.create_email_identity(EmailIdentity="forms@practice.test")
    config = {}
    for line in (ROOT / "local.env").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, value = line.split("=", 1)
            config[key.strip()] = value.strip()
    config.update({"TABLE_NAME": table, "RATE_LIMIT_PER_HOUR": "1000000", "RUST_LOG": "warn"})
    function_env = lambda_env(config)
    hello_env = lambda_env({})

    samples = [p.read_text() for p in sorted((ROOT / "events").glob("*.json"))]
    submission = json.loads((ROOT / "events" / "json-submission.201.json").read_text())

    def fresh_submission(n):
        event = json.loads(json.dumps(submission))
        body = json.loads(event["body"])
        body["message"] = f"benchmark request {time.time_ns()} {n}"
        event["body"] = json.dumps(body)
        return json.dumps(event)

    hello_event = (ROOT / "events" / "wrong-method.405.json").read_text()

    results = {}
    for name, binary_name, env, make_event in (
        ("hello", "hello", hello_env, lambda n: hello_event),
        ("consultation-form", "consultation-form", function_env, fresh_submission),
        ("no warm-up", "consultation-form", {**function_env, "WARM_CONNECTIONS": "false"}, fresh_submission),
    ):
        binary, zip_size = binaries[binary_name]
        inits, firsts, peaks = [], [], []
        for n in range(args.starts):
            init, first, peak, response = cold_start(binary, env, make_event(n))
            inits.append(init)
            firsts.append(first)
            peaks.append(peak)
        warm_events = [make_event(f"warm-{n}") for n in range(args.warm + 1)]
        times, _, warm_peak = warm(binary, env, warm_events, args.warm)
        results[name] = {
            "binary_bytes": binary.stat().st_size,
            "zip_bytes": zip_size,
            "init_ms": statistics.median(inits) * 1000,
            "first_ms": statistics.median(firsts) * 1000,
            "peak_rss_kib": statistics.median(peaks),
            "warm_p50_ms": percentile(times, 50) * 1000,
            "warm_p99_ms": percentile(times, 99) * 1000,
            "warm_peak_rss_kib": warm_peak,
        }
    _, rss, _ = warm(binaries["consultation-form"][0], function_env, samples, args.soak,
                     rss_at=(1000, args.soak))
    results["consultation-form"]["rss_at_1000_kib"] = rss.get(1000)
    results["consultation-form"][f"rss_at_{args.soak}_kib"] = rss.get(args.soak)

    ours, bare = results["consultation-form"], results["hello"]
    print(f"\n{'figure':<28}{'consultation-form':>20}{'hello-world':>14}{'ratio':>8}")
    for key, label in (
        ("init_ms", "init (median ms)"),
        ("first_ms", "first invocation (ms)"),
        ("warm_p50_ms", "warm p50 (ms)"),
        ("warm_p99_ms", "warm p99 (ms)"),
        ("peak_rss_kib", "peak RSS, cold (KiB)"),
        ("warm_peak_rss_kib", "peak RSS, warm (KiB)"),
        ("binary_bytes", "binary (bytes)"),
        ("zip_bytes", "zip (bytes)"),
    ):
        print(f"{label:<28}{ours[key]:>20.1f}{bare[key]:>14.1f}{ours[key] / bare[key]:>8.2f}")
    cold = results["no warm-up"]
    print(f"without warm-up (WARM_CONNECTIONS=false): init {cold['init_ms']:.1f} ms, "
          f"first invocation {cold['first_ms']:.1f} ms")
    print(f"RSS after 1,000 / {args.soak:,} warm invocations: "
          f"{ours['rss_at_1000_kib']} / {ours[f'rss_at_{args.soak}_kib']} KiB")
    print(f"({args.starts} cold starts each; first invocation of the function stores a request in moto)")
    (OUT / "results.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
