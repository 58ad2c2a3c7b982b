#!/usr/bin/env python3
"""Where a cold start's CPU goes: one cold start of the release binary (init, then one form post,
stored and emailed through the TLS front, as `make bench` does) under `valgrind --tool=callgrind`,
and its instructions by the function's own parts and by crate. valgrind counts instructions, not
seconds: the figures repeat whatever else the machine is doing. Run with `make bench-profile`
(after a release build: `make bench` makes one).
"""

import argparse
import collections
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "bench"))
OUT = ROOT / ".local" / "bench"

from cold_start import RuntimeApi, expect_success, lambda_env  # noqa: E402

# The function's own steps, by a symbol their functions carry (inclusive instructions).
STEPS = (
    ("the configuration (Config::read)", "consultation_form::config::Config::read"),
    ("  its email checks (validator)", "consultation_form::config::vars::email_address"),
    ("the two SDK clients (DynamoDB, SES)", "aws_sdk_dynamodb::client::Client::new"),
    ("  (SES's, the same again)", "aws_sdk_sesv2::client::Client::new"),
    ("the trust roots, read for each client (PEM)", "rustls_pki_types::pem::read"),
    ("TLS handshakes (the warm-up's two)", "RustTlsConnector<R>::handle_direct_connection"),
    ("the request (http::answer)", "consultation_form::http::answer"),
    ("  the phone number", "consultation_form::domain::phone::PhoneNumber::parse"),
    ("    the home region's metadata", "consultation_form::domain::phone::metadata::database"),
    ("  storing it (one transaction)", "Store>::insert_request"),
    ("  the staff email (render, send, record)", "consultation_form::delivery::Delivery::notify_staff"),
)


def crate_of(entry):
    """The crate (or library) of one callgrind_annotate line: `file:function [object]`."""
    location, _, obj = entry.partition(" [")
    path, _, function = location.partition(":")
    if "libc.so" in obj or "ld-linux" in obj or path.startswith("./"):
        return "libc and the loader"
    registry = re.search(r"registry/src/[^/]+/([A-Za-z0-9_-]+?)-\d", path)
    if registry:
        return registry.group(1)
    name = function.lstrip("<")
    return name.split("::", 1)[0] if "::" in name else name


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=str(ROOT / "target" / "lambda" / "consultation-form" / "bootstrap"))
    args = parser.parse_args()
    binary = Path(args.binary)
    if not binary.exists():
        parser.error(f"{binary} is not built: run `make bench` (or cargo lambda build --release) first")

    import local_aws  # noqa: E402  (needs AWS_ENDPOINT_URL, set by the caller)
    from tls_front import TlsFront  # noqa: E402

    front = TlsFront(urlparse(os.environ["AWS_ENDPOINT_URL"]).port, OUT / "tls")
    table = f"profile-{int(time.time())}"
    dynamodb, ses = local_aws.clients()
    local_aws.create_table(dynamodb, table)
    ses.create_email_identity(EmailIdentity="forms@practice.test")
    config = {}
    for line in (ROOT / "local.env").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, value = line.split("=", 1)
            config[key.strip()] = value.strip()
    config.update({"TABLE_NAME": table, "RUST_LOG": "warn", "AWS_ENDPOINT_URL": front.url,
                   "AWS_CA_BUNDLE": str(front.ca_bundle)})
    env = lambda_env(config)
    event = (ROOT / "events" / "json-submission.201.json").read_text()

    OUT.mkdir(parents=True, exist_ok=True)
    out_file = OUT / "callgrind.out"
    api = RuntimeApi()
    process = subprocess.Popen(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out_file}", str(binary)],
        env={**env, "AWS_LAMBDA_RUNTIME_API": api.address},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        # valgrind is slow: init takes seconds under it.
        deadline = time.time() + 120
        while api.first_poll is None:
            if process.poll() is not None or time.time() > deadline:
                raise RuntimeError("the binary did not start under valgrind")
            time.sleep(0.05)
        _, response = api.invoke(event)
        expect_success(response, "the function")
    finally:
        # callgrind writes its file when the process ends; SIGTERM lets it.
        process.terminate()
        process.wait(timeout=60)
        api.close()

    annotated = subprocess.run(
        ["callgrind_annotate", "--auto=no", "--inclusive=yes", "--threshold=100", str(out_file)],
        capture_output=True, text=True, check=True).stdout
    inclusive = collections.OrderedDict()
    total = None
    for line in annotated.splitlines():
        match = re.match(r"\s*([\d,]+) \(\s*[\d.]+%\)\s+(.*)$", line)
        if not match:
            continue
        count = int(match.group(1).replace(",", ""))
        name = match.group(2)
        if "PROGRAM TOTALS" in name:
            total = count
            continue
        inclusive.setdefault(name, count)
    exclusive = subprocess.run(
        ["callgrind_annotate", "--auto=no", "--inclusive=no", "--threshold=100", str(out_file)],
        capture_output=True, text=True, check=True).stdout
    by_crate = collections.Counter()
    for line in exclusive.splitlines():
        match = re.match(r"\s*([\d,]+) \(\s*[\d.]+%\)\s+(.*)$", line)
        if not match or "PROGRAM TOTALS" in match.group(2):
            continue
        by_crate[crate_of(match.group(2))] += int(match.group(1).replace(",", ""))
    if total is None:
        total = sum(by_crate.values())
    print(f"\none cold start (init + one form post, stored and emailed): {total / 1e6:.1f} million "
          "instructions in user space")
    for label, symbol in STEPS:
        counts = [count for name, count in inclusive.items() if symbol in name]
        if counts:
            print(f"  {label:<44}{max(counts) / 1e6:>8.2f} M  ({100 * max(counts) / total:4.1f} %)")
    print("\nby crate (exclusive instructions, the top 15):")
    for crate, count in by_crate.most_common(15):
        print(f"  {crate:<44}{count / 1e6:>8.2f} M  ({100 * count / total:4.1f} %)")
    print(f"\ncallgrind's file: {out_file} (callgrind_annotate --inclusive=yes {out_file})")


if __name__ == "__main__":
    main()
