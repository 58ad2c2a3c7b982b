#!/usr/bin/env python3
"""The answers `make deploy` gives the stack: the handful a practice must give, asked one by one
with what each is for, kept between deploys (so running it again changes a setting and says what
changes); every other parameter keeps the template's default unless set on purpose.

    deploy_answers.py ask --answers FILE [--set NAME=VALUE ...]   # asks, says what changes, keeps
    deploy_answers.py overrides --answers FILE                    # NAME=VALUE lines for sam deploy
    deploy_answers.py reference [--check FILE]                    # the parameters' reference table

Each answer is checked against the template's own rules for it (AllowedPattern, AllowedValues, a
number's bounds), and a time zone against the IANA database, before anything is deployed.
"""

import argparse
import json
import os
import re
import sys
import zoneinfo
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import local_aws  # noqa: E402

# What a practice must give, in the order asked, each in one line.
ASKED = [
    ("AllowedOrigins", "the website's own origins, comma-separated, e.g. https://www.example-therapy.com: only they may post the form or frame it"),
    ("NotifyFrom", "the address staff emails come from, e.g. forms@example-therapy.com (on the sender domain)"),
    ("NotifyTo", "the staff addresses that get each request, comma-separated"),
    ("SenderDomain", "the practice's mail domain, verified in SES with DKIM (empty: only the NotifyFrom address, for trying it out)"),
    ("AlarmEmail", "who hears when something goes wrong (a request not emailed, the form quiet, a bounce)"),
    ("PracticeTimezone", "the practice's time zone (IANA name, e.g. America/Chicago): business hours and times in emails"),
    ("PracticePhone", "the practice's phone, shown to a person when sending fails, e.g. (312) 555-0100"),
]
# Asked, and may stay empty.
MAY_BE_EMPTY = {"SenderDomain", "PracticePhone"}
# Asked, and never empty (the alarm address: unless alarms go to a topic of the practice's).
REQUIRED = {"AllowedOrigins", "NotifyFrom", "NotifyTo", "AlarmEmail"}


def parameters():
    return local_aws.load_template()["Parameters"]


def valid(name, value, rules, answers=None):
    """None when `value` is acceptable for the parameter, else why not."""
    if value == "" and name in REQUIRED:
        if name == "AlarmEmail" and (answers or {}).get("ExistingAlarmTopicArn"):
            return None
        return "required"
    if name == "PracticeTimezone":
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return "not an IANA time zone name (like America/Chicago)"
    if value == "" and name in MAY_BE_EMPTY:
        return None
    if value == "" and "Default" not in rules:
        return "required"
    if rules.get("Type") == "Number" and value != "":
        try:
            number = float(value)
        except ValueError:
            return "a number"
        low, high = rules.get("MinValue"), rules.get("MaxValue")
        if (low is not None and number < float(low)) or (high is not None and number > float(high)):
            return f"a number from {low} to {high}"
    allowed = rules.get("AllowedValues")
    if allowed and value not in [str(v) for v in allowed]:
        return f"one of {', '.join(str(v) for v in allowed)}"
    pattern = rules.get("AllowedPattern")
    if pattern and value and not re.fullmatch(pattern, value):
        return rules.get("ConstraintDescription", f"does not match {pattern}")
    return None


def load(path):
    try:
        return json.loads(Path(path).read_text())
    except FileNotFoundError:
        return {}


def save(path, answers):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(answers, indent=2, sort_keys=True) + "\n")
    os.chmod(path, 0o600)


def cmd_ask(args):
    params = parameters()
    before = load(args.answers)
    answers = dict(before)
    for name, why in ASKED:
        rules = params[name]
        current = answers.get(name, str(rules.get("Default", "")))
        while True:
            shown = f" [{current}]" if current else ""
            print(f"{name}: {why}{shown}", file=sys.stderr)
            line = sys.stdin.readline()
            if line == "":
                raise SystemExit(f"deploy: no answer for {name}")
            value = line.strip() or current
            problem = valid(name, value, rules, answers)
            if problem is None:
                answers[name] = value
                break
            print(f"  {name}: {problem}", file=sys.stderr)
    for setting in args.set or []:
        name, _, value = setting.partition("=")
        if name not in params:
            raise SystemExit(f"deploy: the template has no parameter {name}")
        problem = valid(name, value, params[name])
        if problem:
            raise SystemExit(f"deploy: {name}: {problem}")
        answers[name] = value
    changes = [(n, before.get(n), answers[n]) for n in sorted(answers) if before.get(n) != answers[n]]
    if not before:
        print("first deploy: every other parameter keeps its default (docs/parameters.md)")
    elif changes:
        print("what changes:")
        for name, old, new in changes:
            print(f"  {name}: {old if old is not None else '(default)'} -> {new}")
    else:
        print("nothing changes in the answers")
    save(args.answers, answers)


def cmd_overrides(args):
    for name, value in sorted(load(args.answers).items()):
        print(f"{name}={value}")


def reference():
    asked = dict(ASKED)
    lines = [
        "| parameter | asked by `make deploy` | default | what it is |",
        "|---|---|---|---|",
    ]
    for name, rules in parameters().items():
        default = rules.get("Default")
        shown = "—" if default is None else (f"`{default}`" if str(default) != "" else "empty")
        description = " ".join(str(rules.get("Description", "")).split()).replace("|", "\\|")
        lines.append(f"| `{name}` | {'yes' if name in asked else ''} | {shown} | {description} |")
    return "\n".join(lines) + "\n"


BEGIN, END = "<!-- parameters: begin -->\n", "<!-- parameters: end -->\n"


def cmd_reference(args):
    table = reference()
    if not args.check:
        print(table, end="")
        return
    text = Path(args.check).read_text()
    if BEGIN not in text or END not in text:
        raise SystemExit(f"{args.check}: no {BEGIN.strip()} … {END.strip()} block")
    current = text.split(BEGIN, 1)[1].split(END, 1)[0]
    if current != table:
        if args.write:
            Path(args.check).write_text(text.split(BEGIN, 1)[0] + BEGIN + table + END + text.split(END, 1)[1])
            print(f"{args.check}: the parameters' table rewritten from the template")
            return
        raise SystemExit(f"{args.check}: the parameters' table is not the template's: run "
                         f"`python scripts/deploy_answers.py reference --check {args.check} --write`")
    print(f"{args.check}: the parameters' table is the template's ({table.count(chr(10)) - 2} parameters)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    ask = sub.add_parser("ask")
    ask.add_argument("--answers", required=True)
    ask.add_argument("--set", nargs="*")
    ask.set_defaults(run=cmd_ask)
    overrides = sub.add_parser("overrides")
    overrides.add_argument("--answers", required=True)
    overrides.set_defaults(run=cmd_overrides)
    ref = sub.add_parser("reference")
    ref.add_argument("--check")
    ref.add_argument("--write", action="store_true")
    ref.set_defaults(run=cmd_reference)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
