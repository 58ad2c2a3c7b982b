#!/usr/bin/env python3
"""The scheduled run at a year's scale: does one five-minute run cost the same with 10, 1,000 and
10,000 stored requests?

For each size it fills a fresh table in moto (with BatchWriteItem: moto copies the whole table for
every transaction) with a year of history as a practice accumulates it: requests answered by email
(still `new`, their reminder and escalation long sent), some followed up by a link, some held as
spam, a few whose staff email is still pending (not due yet). Then it starts the release binary
under a Lambda Runtime API and invokes the scheduled run twice: with nothing due, and after one
request whose reminder is due was added. For each run it prints the AWS calls the function made
(counted in moto's recording, by operation) and the function's CPU time; it checks that the run
with one due request sent exactly that reminder.

moto's index queries read the whole table, so its wall time describes moto, not DynamoDB: the calls
and the function's own CPU time are the figures. Run with `make bench-schedule`
(`ARGS="--sizes 10,1000"` for fewer).
"""

import argparse
import json
import os
import random
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "bench"))

from cold_start import RuntimeApi, cpu_ns, lambda_env  # noqa: E402
import local_aws  # noqa: E402

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SCHEDULED = json.dumps({"action": "scheduled_run"})


def ulid(at):
    """A ULID for a time, as the function makes them (48 bits of milliseconds, 80 random)."""
    value = (int(at.timestamp() * 1000) << 80) | random.getrandbits(80)
    return "".join(CROCKFORD[(value >> shift) & 31] for shift in range(125, -1, -5))


def rfc3339(at):
    return at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


def request_item(at, kind, now):
    """One stored request of a year of history, with the attributes the function writes."""
    rid = ulid(at)
    item = {
        "pk": {"S": f"request#{rid}"},
        "id": {"S": rid},
        "received_at": {"S": rfc3339(at)},
        "received_day": {"S": at.strftime("%Y-%m-%d")},
        "name": {"S": "Sam Example"},
        "email": {"S": f"person-{rid.lower()}@example.com"},
        "preferred_contact": {"S": "email"},
        "message": {"S": "I would like to talk to someone about anxiety."},
        "expires_at": {"N": str(int((at + timedelta(days=365)).timestamp()))},
        "consent_version": {"S": "1"},
        "consented_at": {"S": rfc3339(at)},
        "urgent": {"BOOL": False},
        "email_hash": {"S": f"{random.getrandbits(128):032x}"},
        "public_base_url": {"S": "https://forms.practice.example"},
    }
    if kind == "spam":
        item.update({"notify_status": {"S": "held"}, "held_as_spam": {"BOOL": True}})
        return item
    item.update({
        "notify_status": {"S": "sent"},
        "notify_attempts": {"N": "1"},
        "follow_up": {"S": "new"},
        "follow_up_at": {"S": rfc3339(at)},
    })
    if kind == "answered_by_email":
        # Nobody clicked a link: still `new`, both reminders sent long ago.
        item.update({
            "follow_up_open": {"S": "new"},
            "reminded_at": {"S": rfc3339(at + timedelta(hours=4))},
            "escalated_at": {"S": rfc3339(at + timedelta(hours=8))},
        })
    elif kind == "contacted":
        item.update({
            "follow_up": {"S": "contacted"},
            "first_contact_at": {"S": rfc3339(at + timedelta(hours=2))},
        })
    elif kind == "pending":
        # SES refused it a minute ago: the next attempt is not due yet.
        item.update({
            "notify_status": {"S": "pending"},
            "retry_queue": {"S": "pending"},
            "next_attempt_at": {"N": str(int((now + timedelta(minutes=4)).timestamp() * 1000))},
            "follow_up_open": {"S": "new"},
            "reminder_queue": {"S": "due"},
            "reminder_due_at": {"N": str(int((now + timedelta(hours=4)).timestamp() * 1000))},
            "reminder_stage": {"S": "staff"},
        })
    elif kind == "due":
        # Received this morning and nobody has answered: its reminder is due now.
        item.update({
            "follow_up_open": {"S": "new"},
            "reminder_queue": {"S": "due"},
            "reminder_due_at": {"N": str(int((now - timedelta(minutes=1)).timestamp() * 1000))},
            "reminder_stage": {"S": "staff"},
        })
    return item


def fill(dynamodb, table, size, now):
    """`size` requests over the past year: 62% answered by email, 30% contacted by a link, 8% held
    as spam; and three whose staff email SES refused a minute ago (pending, not due yet)."""
    kinds = ["answered_by_email"] * 62 + ["contacted"] * 30 + ["spam"] * 8
    items = [request_item(now - timedelta(minutes=n + 1), "pending", now) for n in range(3)]
    for n in range(size):
        at = now - timedelta(days=365) * (n + 1) / (size + 1) - timedelta(hours=1)
        items.append(request_item(at, kinds[n % len(kinds)], now))
    for start in range(0, len(items), 25):
        batch = {table: [{"PutRequest": {"Item": item}} for item in items[start:start + 25]]}
        while batch:
            batch = dynamodb.batch_write_item(RequestItems=batch).get("UnprocessedItems") or None


def recorded_calls(recording, start):
    """The function's AWS calls in the recording after byte `start`, by operation."""
    calls = Counter()
    with open(recording) as f:
        f.seek(start)
        for line in f:
            entry = json.loads(line)
            auth = entry["headers"].get("Authorization", "")
            if "Credential=testing/" not in auth:
                continue
            target = entry["headers"].get("X-Amz-Target", "")
            name = target.split(".")[-1] if target else f"SES {entry['method']} {entry['url'].split('/v2/email/')[-1].split('/')[0]}"
            calls[name] += 1
    return calls


def scheduled_run(binary, env, recording):
    api = RuntimeApi()
    process = subprocess.Popen([str(binary)], env={**env, "AWS_LAMBDA_RUNTIME_API": api.address},
                               stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        while api.first_poll is None:
            if process.poll() is not None:
                raise RuntimeError("the function exited at init")
            time.sleep(0.001)
        start = os.path.getsize(recording)
        before = cpu_ns(process.pid)
        seconds, answer = api.invoke(SCHEDULED)
        cpu = cpu_ns(process.pid) - before
        time.sleep(0.2)  # the recording is appended after moto answers
        return answer, recorded_calls(recording, start), cpu / 1e6, seconds * 1000
    finally:
        process.kill()
        process.wait()
        api.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", required=True, help="the function's release binary")
    parser.add_argument("--recording", required=True, help="moto's recording file")
    parser.add_argument("--sizes", default="10,1000,10000")
    args = parser.parse_args()
    dynamodb, ses = local_aws.clients()
    ses.create_email_identity(EmailIdentity="forms@practice.test")
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        table = f"schedule-{size}-{int(time.time())}"
        local_aws.create_table(dynamodb, table)
        staff = f"intake-{size}@practice.test"
        now = datetime.now(timezone.utc)
        started = time.perf_counter()
        fill(dynamodb, table, size, now)
        print(f"==> {size:,} stored requests written in {time.perf_counter() - started:.0f} s", flush=True)
        env = lambda_env({
            "TABLE_NAME": table, "NOTIFY_FROM": "forms@practice.test", "NOTIFY_TO": staff,
            "ALLOWED_ORIGINS": "https://www.practice.test", "CLIENT_HASH_KEY": "b" * 40,
            "FOLLOW_UP_KEY": "f" * 40, "RUST_LOG": "warn",
            # Every day open, so the due request is due whatever day the bench runs.
            "BUSINESS_HOURS": "Mon-Sun 00:00-23:59", "PRACTICE_TIMEZONE": "UTC",
        })
        for case in ("nothing due", "one due"):
            if case == "one due":
                dynamodb.put_item(TableName=table, Item=request_item(now - timedelta(hours=6), "due", now))
            answer, calls, cpu_ms, wall_ms = scheduled_run(Path(args.binary), env, args.recording)
            reminders = answer.get("reminders", {})
            expected = 1 if case == "one due" else 0
            if reminders.get("reminded") != expected:
                raise SystemExit(f"{size} / {case}: expected {expected} reminder, the run said {answer}")
            rows.append((size, case, calls, cpu_ms, wall_ms))
            total = sum(calls.values())
            detail = ", ".join(f"{op} {n}" for op, n in sorted(calls.items()))
            print(f"{size:>6,} {case:<12} {total:>3} calls ({detail}); function CPU {cpu_ms:.1f} ms; "
                  f"wall {wall_ms:.0f} ms (moto)", flush=True)
    shapes = {(case, tuple(sorted(calls.items()))) for _, case, calls, _, _ in rows}
    flat = len(shapes) == len({case for _, case, _, _, _ in rows})
    print("calls the same for every size: " + ("yes" if flat else "NO"))
    sys.exit(0 if flat else 1)


if __name__ == "__main__":
    main()
