#!/usr/bin/env python3
"""Cold start and footprint of the function, side by side with a bare lambda_http hello-world.

Builds both with `cargo lambda build --release --output-format zip` (x86_64), then, under a Lambda
Runtime API served by this script on 127.0.0.1:
- starts each binary N times: init (process start -> first poll for an event), first invocation,
  CPU time and peak RSS;
- runs 1000 warm invocations: p50, p99 and CPU time per invocation;
- runs 10,000 warm invocations of the function and compares its RSS at 1,000 and at 10,000;
and prints the figures, the function's as ratios to the hello-world's, and the zip sizes.
The function talks to moto over TLS (bench/tls_front.py), so its first call pays a handshake as on
Lambda. `--compare` also builds and measures the alternatives: opt-level 3 and "z", rustls on aws-lc-rs
instead of ring, and aws-lc-rs with its CPU-jitter entropy. Run with `make bench`.
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
from urllib.parse import urlparse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "bench"))
OUT = ROOT / ".local" / "bench"

# How each build differs from the shipped one (Cargo.toml's release profile, default features).
SHIPPED = "shipped"
VARIANTS = {
    SHIPPED: {"args": [], "env": {}},
    "opt-level 3": {"args": [], "env": {"CARGO_PROFILE_RELEASE_OPT_LEVEL": "3"}},
    "opt-level z": {"args": [], "env": {"CARGO_PROFILE_RELEASE_OPT_LEVEL": "z"}},
    "aws-lc": {"args": ["--no-default-features", "--features", "tls-aws-lc"], "env": {}},
    # .cargo/config.toml sets it to 1 for every build; the process environment wins over [env].
    "aws-lc with jitter": {"args": ["--no-default-features", "--features", "tls-aws-lc"],
                           "env": {"AWS_LC_SYS_NO_JITTER_ENTROPY": "0"}},
}


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
            # Headers and body go out in two writes; with Nagle's algorithm the second waits for
            # the client's delayed ACK (40 ms), which would be measured as the function's time.
            disable_nagle_algorithm = True

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

        class Server(ThreadingHTTPServer):
            def handle_error(self, request, client_address):
                # A binary killed while it waits for its next event resets its connection: expected.
                if not isinstance(sys.exc_info()[1], ConnectionError):
                    super().handle_error(request, client_address)

        self.server = Server(("127.0.0.1", 0), Handler)
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


def cpu_ns(pid):
    """CPU time of every live thread of the process (schedstat: nanoseconds on a CPU)."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except (FileNotFoundError, ProcessLookupError, IndexError):
            pass
    return total


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


def expect_success(response, what):
    status = (response or {}).get("statusCode")
    if status not in (200, 201, 303, 405):
        raise RuntimeError(f"{what} answered {status}: {response}")


def log_of(binary):
    return binary.with_suffix(binary.suffix + ".log")


def spawn(binary, env, api):
    """Starts the binary under `api`; its output goes to a log next to it (RUST_LOG=warn keeps it short)."""
    with open(log_of(binary), "ab") as log:
        return subprocess.Popen([str(binary)], env={**env, "AWS_LAMBDA_RUNTIME_API": api.address},
                                stdout=log, stderr=subprocess.STDOUT)


def cold_start(binary, env, event):
    api = RuntimeApi()
    started = time.perf_counter()
    process = spawn(binary, env, api)
    try:
        while api.first_poll is None:
            if process.poll() is not None:
                raise RuntimeError(f"{binary} exited at init; its output is in {log_of(binary)}")
            time.sleep(0.0002)
        init = api.first_poll - started
        init_cpu = cpu_ns(process.pid)
        first, response = api.invoke(event)
        expect_success(response, binary.name)
        return {"init": init, "init_cpu": init_cpu, "first": first,
                "first_cpu": cpu_ns(process.pid) - init_cpu, "peak": rss_kib(process.pid, "VmHWM")}
    finally:
        process.kill()
        process.wait()
        api.close()


# moto copies the whole table for every transaction, so a growing table would make the emulator,
# not the function, the thing measured: the table is emptied this often (outside the timing).
CLEAR_EVERY = 20


def warm(binary, env, events, count, rss_at=(), after_each=None):
    """Runs `count` warm invocations; `after_each` runs every CLEAR_EVERY of them, outside the timing."""
    api = RuntimeApi()
    process = spawn(binary, env, api)
    try:
        api.invoke(events[0])
        times, rss = [], {}
        cpu = 0
        for n in range(1, count + 1):
            before = cpu_ns(process.pid)
            seconds, response = api.invoke(events[n % len(events)])
            cpu += cpu_ns(process.pid) - before
            if n == 1:
                expect_success(response, binary.name)
            times.append(seconds)
            if n in rss_at:
                rss[n] = rss_kib(process.pid, "VmRSS")
            if after_each and n % CLEAR_EVERY == 0:
                after_each()
        cpu_per_call = cpu / count
        return times, rss, rss_kib(process.pid, "VmHWM"), cpu_per_call
    finally:
        process.kill()
        process.wait()
        api.close()


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def build(binary, variant, source=ROOT):
    """Builds one binary as one variant (from `source`, a checkout); returns (path of a copy of the
    binary, zip size)."""
    settings = VARIANTS.get(variant, VARIANTS[SHIPPED])
    command = [str(ROOT / ".venv" / "bin" / "cargo-lambda"), "lambda", "build", "--release",
               "--output-format", "zip", "--bin", binary, *settings["args"]]
    print(f"==> building {binary} ({variant})", flush=True)
    started = time.perf_counter()
    # One target directory for every checkout: the dependencies are built once.
    env = {**os.environ, **settings["env"], "CARGO_TARGET_DIR": str(ROOT / "target")}
    subprocess.run(command, cwd=source, check=True, env=env)
    print(f"    built in {time.perf_counter() - started:.0f} s", flush=True)
    archive = ROOT / "target" / "lambda" / binary / "bootstrap.zip"
    target = OUT / "bin" / f"{binary}.{variant.replace(' ', '-').replace(',', '')}"
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(archive) as z, z.open("bootstrap") as src, open(target, "wb") as dst:
        shutil.copyfileobj(src, dst)
    target.chmod(0o755)
    return target, archive.stat().st_size


def summarize(binary, zip_size, cold, warm_run=None):
    figures = {
        "binary_bytes": binary.stat().st_size,
        "zip_bytes": zip_size,
        "init_ms": statistics.median(c["init"] for c in cold) * 1000,
        "init_cpu_ms": statistics.median(c["init_cpu"] for c in cold) / 1e6,
        "first_ms": statistics.median(c["first"] for c in cold) * 1000,
        "first_cpu_ms": statistics.median(c["first_cpu"] for c in cold) / 1e6,
        "cold_total_ms": statistics.median(c["init"] + c["first"] for c in cold) * 1000,
        # Process start to first answer, all threads: what a small Lambda's share of a vCPU pays.
        "cold_cpu_ms": statistics.median(c["init_cpu"] + c["first_cpu"] for c in cold) / 1e6,
        "peak_rss_kib": statistics.median(c["peak"] for c in cold),
    }
    if warm_run:
        times, _, warm_peak, cpu_per_call = warm_run
        figures.update({
            "warm_p50_ms": percentile(times, 50) * 1000,
            "warm_p99_ms": percentile(times, 99) * 1000,
            "warm_cpu_us": cpu_per_call / 1000,
            "warm_peak_rss_kib": warm_peak,
        })
    return figures


ROWS = (
    ("init_ms", "init (median ms)"),
    ("init_cpu_ms", "init CPU (ms)"),
    ("first_ms", "first invocation (ms)"),
    ("first_cpu_ms", "first invocation CPU (ms)"),
    ("cold_total_ms", "init + first (ms)"),
    ("cold_cpu_ms", "cold-path CPU (ms)"),
    ("warm_p50_ms", "warm p50 (ms)"),
    ("warm_p99_ms", "warm p99 (ms)"),
    ("warm_cpu_us", "warm CPU per call (us)"),
    ("peak_rss_kib", "peak RSS, cold (KiB)"),
    ("warm_peak_rss_kib", "peak RSS, warm (KiB)"),
    ("binary_bytes", "binary (bytes)"),
    ("zip_bytes", "zip (bytes)"),
)


def print_ratios(ours, bare):
    print(f"\n{'figure':<28}{'consultation-form':>20}{'hello-world':>14}{'ratio':>8}")
    for key, label in ROWS:
        if key in ours and key in bare:
            ratio = ours[key] / bare[key] if bare[key] else float("nan")
            print(f"{label:<28}{ours[key]:>20.1f}{bare[key]:>14.1f}{ratio:>8.2f}")


def print_variants(results, hello):
    names = list(results)
    print(f"\n{'build (warm-up on)':<28}" + "".join(f"{n:>19}" for n in names))
    for key, label in ROWS:
        if all(key in results[n] for n in names):
            print(f"{label:<28}" + "".join(f"{results[n][key]:>19.1f}" for n in names))
    for key, label in (("init_ms", "init ratio to hello"), ("peak_rss_kib", "RSS ratio to hello")):
        print(f"{label:<28}" + "".join(f"{results[n][key] / hello[key]:>19.2f}" for n in names))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=20)
    parser.add_argument("--warm", type=int, default=1000)
    parser.add_argument("--soak", type=int, default=10000)
    parser.add_argument("--baseline", metavar="REVISION",
                        help="also build the function at this git revision and measure it in the same "
                             "run (before and after, side by side)")
    parser.add_argument("--compare", action="store_true",
                        help="also build and measure opt-level 3 and z, aws-lc, and aws-lc with jitter entropy")
    args = parser.parse_args()
    if args.starts < 1 or args.warm < 1 or args.soak < 1000:
        parser.error("--starts and --warm must be at least 1, --soak at least 1000")

    hello = build("bench-hello", SHIPPED)
    baseline = None
    if args.baseline:
        revision = subprocess.run(["git", "rev-parse", "--short", args.baseline], cwd=ROOT, check=True,
                                  capture_output=True, text=True).stdout.strip()
        tree = OUT / f"source-{revision}"
        if not tree.exists():
            tree.mkdir(parents=True)
            archive = subprocess.run(["git", "archive", revision], cwd=ROOT, check=True,
                                     capture_output=True).stdout
            subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
        baseline = (revision, *build("consultation-form", f"at {revision}", source=tree))
    shipped_binary, shipped_zip = build("consultation-form", SHIPPED)

    import local_aws  # noqa: E402  (needs AWS_ENDPOINT_URL, set by the caller)
    from tls_front import TlsFront  # noqa: E402

    front = TlsFront(urlparse(os.environ["AWS_ENDPOINT_URL"]).port, OUT / "tls")
    table = f"bench-{int(time.time())}"
    dynamodb, ses = local_aws.clients()
    local_aws.create_table(dynamodb, table)
    ses.create_email_identity(EmailIdentity="forms@practice.test")
    config = {}
    for line in (ROOT / "local.env").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, value = line.split("=", 1)
            config[key.strip()] = value.strip()
    config.update({"TABLE_NAME": table, "RATE_LIMIT_PER_HOUR": "100000", "RUST_LOG": "warn",
                   "AWS_ENDPOINT_URL": front.url, "AWS_CA_BUNDLE": str(front.ca_bundle)})
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

    def clear_table():
        for page in dynamodb.get_paginator("scan").paginate(TableName=table, ProjectionExpression="pk"):
            for item in page["Items"]:
                dynamodb.delete_item(TableName=table, Key={"pk": item["pk"]})

    def run(binary, zip_size, env, make_event, with_warm, cleanup=None):
        cold = []
        for n in range(args.starts):
            cold.append(cold_start(binary, env, make_event(n)))
            if cleanup:
                cleanup()
        warm_run = None
        if with_warm:
            warm_events = [make_event(f"warm-{n}") for n in range(args.warm + 1)]
            warm_run = warm(binary, env, warm_events, args.warm, after_each=cleanup)
        return summarize(binary, zip_size, cold, warm_run)

    results = {"hello": run(*hello, hello_env, lambda n: hello_event, True)}
    results["consultation-form"] = run(shipped_binary, shipped_zip, function_env, fresh_submission, True,
                                       clear_table)
    if baseline:
        revision, binary, zip_size = baseline
        results[f"at {revision}"] = run(binary, zip_size, function_env, fresh_submission, True, clear_table)
    # The async runtime: the shipped one runs on the main thread alone (RUNTIME_WORKERS=0).
    results["multi-thread runtime"] = run(shipped_binary, shipped_zip, {**function_env, "RUNTIME_WORKERS": "2"},
                                          fresh_submission, True, clear_table)
    results["no warm-up"] = run(shipped_binary, shipped_zip, {**function_env, "WARM_CONNECTIONS": "false"},
                                fresh_submission, False, clear_table)
    # Secrets by ARN, as deployed: the keys read from Secrets Manager at init (current and previous
    # versions, four reads at once) instead of given in the environment.
    secrets = local_aws.boto3_client("secretsmanager")

    def secret_arn(name, versions):
        arn = secrets.create_secret(Name=f"{name}-{time.time_ns()}", SecretString=versions[0])["ARN"]
        for value in versions[1:]:
            secrets.put_secret_value(SecretId=arn, SecretString=value)
        return arn

    by_arn = {k: v for k, v in function_env.items() if k not in ("CLIENT_HASH_KEY", "FOLLOW_UP_KEY")}
    by_arn["CLIENT_HASH_KEY_ARN"] = secret_arn("bench-client-hash-key", ["a" * 48, "b" * 48])
    by_arn["FOLLOW_UP_KEY_ARN"] = secret_arn("bench-follow-up-key", ["c" * 48, "d" * 48])
    results["secrets by ARN"] = run(shipped_binary, shipped_zip, by_arn, fresh_submission, False, clear_table)

    # The soak: every sample event in turn (each outcome the function has), and a new submission
    # (stored and emailed) between each two.
    soak_events = [fresh_submission(f"soak-{n}") if n % 2 else samples[(n // 2) % len(samples)]
                   for n in range(args.soak + 1)]
    _, rss, _, _ = warm(shipped_binary, function_env, soak_events, args.soak, rss_at=(1000, args.soak),
                        after_each=clear_table)
    ours, bare = results["consultation-form"], results["hello"]
    ours["rss_at_1000_kib"] = rss.get(1000)
    ours[f"rss_at_{args.soak}_kib"] = rss.get(args.soak)

    print_ratios(ours, bare)
    cold = results["no warm-up"]
    print(f"without warm-up (WARM_CONNECTIONS=false): init {cold['init_ms']:.1f} ms "
          f"({cold['init_ms'] / bare['init_ms']:.2f}x the hello-world's), "
          f"first invocation {cold['first_ms']:.1f} ms, init + first {cold['cold_total_ms']:.1f} ms, "
          f"cold-path CPU {cold['cold_cpu_ms']:.1f} ms")
    plain, arns = results["consultation-form"], results["secrets by ARN"]
    print(f"secrets by ARN (CLIENT_HASH_KEY_ARN, FOLLOW_UP_KEY_ARN): init {arns['init_ms']:.1f} ms "
          f"(plain variables: {plain['init_ms']:.1f} ms), init CPU {arns['init_cpu_ms']:.1f} ms "
          f"(plain: {plain['init_cpu_ms']:.1f} ms), cold-path CPU {arns['cold_cpu_ms']:.1f} ms")
    threads = results["multi-thread runtime"]
    print(f"multi-thread runtime (RUNTIME_WORKERS=2): warm CPU per call {threads['warm_cpu_us']:.1f} us, "
          f"cold-path CPU {threads['cold_cpu_ms']:.1f} ms, init {threads['init_ms']:.1f} ms, "
          f"peak RSS {threads['peak_rss_kib']} KiB")
    print(f"RSS after 1,000 / {args.soak:,} warm invocations: "
          f"{ours['rss_at_1000_kib']} / {ours[f'rss_at_{args.soak}_kib']} KiB")
    if baseline:
        before = results[f"at {baseline[0]}"]
        print(f"\nbefore and after, one run ({baseline[0]} / this checkout / hello-world):")
        for key, label in ROWS:
            if key in before and key in ours:
                print(f"  {label:<28}{before[key]:>12.1f}{ours[key]:>12.1f}{bare.get(key, float('nan')):>12.1f}")
        print(f"  {'cold-path CPU, x hello':<28}{before['cold_cpu_ms'] / bare['cold_cpu_ms']:>12.2f}"
              f"{ours['cold_cpu_ms'] / bare['cold_cpu_ms']:>12.2f}")
    (OUT / "results.json").write_text(json.dumps(results, indent=2))

    if args.compare:
        # One variant at a time, each printed as soon as it is measured: a build can take minutes.
        variant_results = {SHIPPED: ours}
        for variant in (v for v in VARIANTS if v != SHIPPED):
            binary, zip_size = build("consultation-form", variant)
            variant_results[variant] = run(binary, zip_size, function_env, fresh_submission, True, clear_table)
            print_variants(variant_results, bare)
            results["variants"] = variant_results
            (OUT / "results.json").write_text(json.dumps(results, indent=2))
    print(f"({args.starts} cold starts each, medians; the function's first invocation stores a request "
          f"in moto behind a local TLS front; CPU = time on a CPU summed over threads)")


if __name__ == "__main__":
    main()
