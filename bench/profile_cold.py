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
    ("the configuration (Config::from_lookup)", "consultation_form::config::Config::read"),
    ("the catalogues (Catalogues::load)", "consultation_form::catalogues::Catalogues::load"),
    ("the SDK's configuration", "consultation_form::aws::load_sdk_config"),
    ("the warm-up (two TLS handshakes)", "consultation_form::app::warm_up::"),
    ("the request (http::handle)", "consultation_form::http::handle"),
    ("  reading the body", "consultation_form::intake::read_body"),
    ("  the field rules", "consultation_form::domain::request::"),
    ("  the phone number", "consultation_form::domain::phone::"),
    ("  storing it", "consultation_form::store::intake::"),
    ("  the staff email (render and send)", "consultation_form::delivery::Delivery::send_staff_email"),
    ("  rendering it", "consultation_form::notify::render"),
)


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
        ["callgrind_annotate", "--inclusive=yes", "--threshold=100", str(out_file)],
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
        ["callgrind_annotate", "--inclusive=no", "--threshold=100", str(out_file)],
        capture_output=True, text=True, check=True).stdout
    by_crate = collections.Counter()
    for line in exclusive.splitlines():
        match = re.match(r"\s*([\d,]+) \(\s*[\d.]+%\)\s+(.*)$", line)
        if not match or "PROGRAM TOTALS" in match.group(2):
            continue
        name = match.group(2).split(":", 1)[-1] if ":" in match.group(2).split("::")[0] else match.group(2)
        crate = re.split(r"::|<| ", name.lstrip("<"), maxsplit=1)[0] or "?"
        by_crate[crate] += int(match.group(1).replace(",", ""))
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
