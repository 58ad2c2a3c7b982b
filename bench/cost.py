#!/usr/bin/env python3
"""What the stack costs a month, from what it does: the AWS calls the function makes for one
request and for one scheduled run, counted in moto's recording, and their DynamoDB units computed
from the sizes of the items they touch (moto's ReturnConsumedCapacity is a constant).

It starts the release binary under a Lambda Runtime API against moto, posts REQUESTS requests (the
JSON sample, each with other content), then invokes the scheduled run twice (the first run of a
day, which does the daily checks, and an ordinary one), and prints per-request and per-run figures
and the monthly bill at 30, 300 and 3,000 requests a month, at the prices below (us-east-1,
on-demand, as published by AWS; check them against the price pages before you quote them).
Run with `make bench-cost`.
"""

import argparse
import json
import math
import os
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "bench"))

from cold_start import RuntimeApi, lambda_env  # noqa: E402
import local_aws  # noqa: E402

# USD, us-east-1.
PRICES = {
    "dynamodb_write_unit": 0.625 / 1e6,  # on-demand write request unit
    "dynamodb_read_unit": 0.125 / 1e6,  # on-demand read request unit
    "dynamodb_storage_gb": 0.25,  # per GB-month
    "dynamodb_pitr_gb": 0.20,  # continuous backups, per GB-month
    "lambda_request": 0.20 / 1e6,
    "lambda_gb_second": 0.0000166667,  # x86_64
    "api_request": 1.00 / 1e6,  # HTTP API
    "ses_message": 0.10 / 1000,
    "scheduler_invocation": 1.00 / 1e6,  # after 14 million free a month
    "secret_month": 0.40,
    "secrets_api_call": 0.05 / 10000,
    "kms_key_month": 1.00,
    "kms_request": 0.03 / 10000,
    "cloudwatch_alarm_month": 0.10,
    "cloudwatch_dashboard_month": 3.00,  # the first three of an account are free
    "logs_ingested_gb": 0.50,
}
RUNS_A_MONTH = 12 * 24 * 30  # every five minutes
WEBHOOK_RUNS_A_MONTH = 60 * 24 * 30  # the webhooks' run, every minute
MEMORY_GB = 256 / 1024
SECRETS = 3  # the hashing key, the follow-up key, the heartbeat key (plus Turnstile's when used)
ALARMS = 17  # the template's AWS::CloudWatch::Alarm resources
# Billed duration per invocation deployed (network to DynamoDB and SES included), from
# `make bench`'s warm figures rounded up generously: the function's own CPU is about 2.4 ms.
REQUEST_MS, RUN_MS = 120, 150
# The webhooks' run with nothing due is one Query: 20 ms billed, generously.
WEBHOOK_RUN_MS = 20
# What Lambda itself logs for each invocation (START, END, REPORT), with nothing of ours.
PLATFORM_LOG_BYTES = 400


def attribute_size(value):
    """DynamoDB's size of one attribute value (strings in UTF-8, numbers about a byte per two
    digits, one byte for booleans, lists and maps their contents plus 3 bytes)."""
    (kind, data), = value.items()
    if kind == "S":
        return len(data.encode())
    if kind == "N":
        return math.ceil(len(data.strip("-").replace(".", "")) / 2) + 1
    if kind == "BOOL" or kind == "NULL":
        return 1
    if kind == "B":
        return len(data)
    if kind in ("L",):
        return 3 + sum(attribute_size(v) + 1 for v in data)
    if kind in ("M",):
        return 3 + sum(len(k.encode()) + attribute_size(v) + 1 for k, v in data.items())
    if kind in ("SS", "NS"):
        return sum(len(str(v).encode()) for v in data)
    return 0


def item_size(item):
    return sum(len(name.encode()) + attribute_size(value) for name, value in (item or {}).items())


def write_units(size):
    return max(1, math.ceil(size / 1024))


def read_units(size, consistent=False):
    units = max(1, math.ceil(size / 4096))
    return units if consistent else units / 2


def body(entry):
    raw = entry.get("body") or ""
    if entry.get("body_encoded"):
        import base64
        raw = base64.b64decode(raw).decode("utf-8", "replace")
    try:
        return json.loads(raw) if raw.strip() else {}
    except ValueError:
        return {}


def units_of(calls, stored, index_items):
    """Write and read units of these calls; `stored` maps each pk to its item's size now, and
    `index_items` each index to the sizes of what a query of it reads (a projection)."""
    writes = reads = 0.0
    for operation, request in calls:
        def size_of(key_or_item):
            pk = (key_or_item or {}).get("pk", {}).get("S")
            return max(item_size(key_or_item), stored.get(pk, 0))
        if operation == "PutItem":
            writes += write_units(size_of(request.get("Item")))
        elif operation == "UpdateItem":
            writes += write_units(size_of(request.get("Key")))
        elif operation == "DeleteItem":
            writes += write_units(size_of(request.get("Key")))
        elif operation == "TransactWriteItems":
            for item in request.get("TransactItems", []):
                ((kind, part),) = item.items()
                if kind == "ConditionCheck":
                    reads += 2 * read_units(size_of(part.get("Key")), True)
                else:
                    writes += 2 * write_units(size_of(part.get("Item") or part.get("Key")))
        elif operation == "GetItem":
            reads += read_units(size_of(request.get("Key")), request.get("ConsistentRead", False))
        elif operation == "BatchGetItem":
            for wanted in request.get("RequestItems", {}).values():
                for key in wanted.get("Keys", []):
                    reads += read_units(size_of(key))
        elif operation == "Query":
            reads += read_units(sum(index_items.get(request.get("IndexName"), [0])))
    return writes, reads


def daytime_zone():
    """A time zone where it is daytime now, so the first run does the day's checks."""
    from datetime import datetime
    from zoneinfo import ZoneInfo
    for zone in ("UTC", "Asia/Tokyo", "Europe/Berlin", "America/New_York", "America/Los_Angeles", "Pacific/Auckland", "Asia/Kolkata"):
        if 9 <= datetime.now(ZoneInfo(zone)).hour < 20:
            return zone
    return "UTC"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", required=True)
    parser.add_argument("--recording", required=True)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    dynamodb, ses = local_aws.clients()
    ses.create_email_identity(EmailIdentity="forms@practice.test")
    table = f"cost-{int(time.time())}"
    local_aws.create_table(dynamodb, table)
    env = lambda_env({
        "TABLE_NAME": table, "NOTIFY_FROM": "forms@practice.test", "NOTIFY_TO": "intake@practice.test",
        "ALLOWED_ORIGINS": "https://www.practice.test,http://localhost:8080", "CLIENT_HASH_KEY": "b" * 40,
        "FOLLOW_UP_KEY": "f" * 40, "HEARTBEAT_KEY": "h" * 40, "HEARTBEAT_TO": "ops@practice.test",
        "RUST_LOG": "warn", "PRACTICE_TIMEZONE": daytime_zone(), "RATE_LIMIT_PER_HOUR": "1000",
    })
    sample = json.loads((ROOT / "events" / "json-submission.201.json").read_text())
    api = RuntimeApi()
    process = subprocess.Popen([args.binary], env={**env, "AWS_LAMBDA_RUNTIME_API": api.address},
                               stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        while api.first_poll is None:
            if process.poll() is not None:
                raise SystemExit("the function exited at init")
            time.sleep(0.001)
        start = os.path.getsize(args.recording)
        for n in range(args.requests):
            event = json.loads(json.dumps(sample))
            submitted = json.loads(event["body"])
            submitted["message"] = f"{submitted.get('message', '')} ({n})"
            submitted["email"] = f"person-{n}@example.com"
            event["body"] = json.dumps(submitted)
            event["requestContext"]["requestId"] = f"cost-{n}"
            _, answer = api.invoke(json.dumps(event))
            if answer.get("statusCode") != 201:
                raise SystemExit(f"request {n}: {answer}")
        time.sleep(0.3)
        after_requests = os.path.getsize(args.recording)
        runs = []
        for action in ("scheduled_run", "scheduled_run", "send_webhooks"):
            before = os.path.getsize(args.recording)
            api.invoke(json.dumps({"action": action}))
            time.sleep(0.3)
            runs.append((before, os.path.getsize(args.recording)))
    finally:
        process.kill()
        process.wait()
        api.close()

    scanned = dynamodb.scan(TableName=table, ConsistentRead=True)["Items"]
    stored = {i["pk"]["S"]: item_size(i) for i in scanned}
    requests = [i for i in scanned if i["pk"]["S"].startswith("request#")]
    request_writes, request_reads = units_of(function_calls_between(args.recording, start, after_requests), stored, {})
    n = args.requests
    ops = Counter(op for op, _ in function_calls_between(args.recording, start, after_requests))
    print(f"==> {n} requests: {sum(ops.values()) / n:.1f} AWS calls each ({', '.join(f'{k} {v / n:g}' for k, v in sorted(ops.items()))})")
    print(f"    per request: {request_writes / n:.2f} write units, {request_reads / n:.2f} read units; "
          f"stored request item {sum(stored[i['pk']['S']] for i in requests) / len(requests):.0f} bytes")
    figures = {"request_writes": request_writes / n, "request_reads": request_reads / n}
    labels = ("first run of the day (daily checks)", "an ordinary run", "the webhooks' one-minute run, nothing due")
    keys = ("daily_run", "run", "webhook_run")
    for label, key, (before, end) in zip(labels, keys, runs):
        calls = function_calls_between(args.recording, before, end)
        # An empty due-queue: the indexes hold nothing due, so each query reads next to nothing.
        writes, reads = units_of(calls, stored, {})
        ops = Counter(op for op, _ in calls)
        print(f"==> scheduled run, {label}: {len(calls)} calls ({', '.join(f'{k} {v}' for k, v in sorted(ops.items()))}); "
              f"{writes:.1f} write units, {reads:.1f} read units")
        figures[key] = (writes, reads)
    bill(figures, sum(stored.values()) / max(1, len(requests)))


def function_calls_between(recording, start, end):
    with open(recording) as f:
        f.seek(start)
        text = f.read(end - start)
    calls = []
    for line in text.splitlines():
        entry = json.loads(line)
        if "Credential=testing/" not in entry["headers"].get("Authorization", ""):
            continue
        target = entry["headers"].get("X-Amz-Target", "")
        if target:
            calls.append((target.split(".")[-1], body(entry)))
        elif entry["url"].endswith("/v2/email/outbound-emails"):
            calls.append(("SendEmail", body(entry)))
        else:
            calls.append((f"{entry['method']} {entry['url'].split('://')[-1].split('/', 1)[-1]}", {}))
    return calls


def bill(figures, bytes_per_request):
    p = PRICES
    run_writes, run_reads = figures["run"]
    daily_writes, daily_reads = figures["daily_run"]
    minute_writes, minute_reads = figures["webhook_run"]
    month_runs = RUNS_A_MONTH
    minute_runs = WEBHOOK_RUNS_A_MONTH
    print()
    print("| a month | 30 requests | 300 requests | 3,000 requests |")
    print("|---|---:|---:|---:|")
    rows = defaultdict(list)
    for volume in (30, 300, 3000):
        # Each request: its own units; and once the reminder, digest and weekly summary steps
        # touch it (counted as one more write and read each, generously).
        writes = volume * (figures["request_writes"] + 3) + (month_runs - 30) * run_writes + 30 * daily_writes + minute_runs * minute_writes
        reads = volume * (figures["request_reads"] + 3) + (month_runs - 30) * run_reads + 30 * daily_reads + minute_runs * minute_reads
        dynamo = writes * p["dynamodb_write_unit"] + reads * p["dynamodb_read_unit"]
        stored_gb = volume * 12 * bytes_per_request * 4 / 1e9  # a year kept, with the indexes' copies
        dynamo += stored_gb * (p["dynamodb_storage_gb"] + p["dynamodb_pitr_gb"])
        invocations = volume + month_runs + minute_runs + 30  # requests, runs, heartbeat probes
        lam = invocations * p["lambda_request"] + (volume * REQUEST_MS + month_runs * RUN_MS + minute_runs * WEBHOOK_RUN_MS) / 1000 * MEMORY_GB * p["lambda_gb_second"]
        api = (volume + 30) * p["api_request"]
        ses = (volume * 2 + 30 + 4 + 22) * p["ses_message"]  # staff email and a reminder, heartbeat, summaries, digests
        scheduler = 0.0  # 8,640 and 43,200 runs: within the 14 million free a month
        secrets = SECRETS * p["secret_month"] + (30 * 10) * p["secrets_api_call"]  # cold starts read them
        kms = p["kms_key_month"] + (volume * 4 + 3000) * p["kms_request"]
        cloudwatch = ALARMS * p["cloudwatch_alarm_month"] + p["cloudwatch_dashboard_month"] + ((volume + month_runs) * 2000 + minute_runs * PLATFORM_LOG_BYTES) / 1e9 * p["logs_ingested_gb"]
        total = dynamo + lam + api + ses + scheduler + secrets + kms + cloudwatch
        for name, value in (("DynamoDB (units, storage, PITR)", dynamo), ("Lambda", lam), ("API Gateway", api), ("SES", ses),
                            ("EventBridge Scheduler", scheduler), ("Secrets Manager", secrets), ("KMS", kms),
                            ("CloudWatch (alarms, dashboard, logs)", cloudwatch), ("**total**", total)):
            rows[name].append(value)
    for name, values in rows.items():
        print(f"| {name} | " + " | ".join(f"${v:,.2f}" for v in values) + " |")


if __name__ == "__main__":
    main()
