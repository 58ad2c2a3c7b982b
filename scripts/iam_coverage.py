#!/usr/bin/env python3
"""Every grant measured, not asserted: each AWS call the integration suite made as the function or
as the operator tool, translated into IAM terms and evaluated against the emulated stack's policies.

    iam_coverage.py --recording moto-recording.jsonl --translated translated.json \\
        --stacks stacks.json [--report FILE]

The recording is moto's (every request it received). Who made a call is its access key: `testing`
is the function (the in-process app and the binary), `front-desk` and `records` the operator tool
under FrontDeskPolicy and RecordsPolicy; the tests' own calls (`harness`, `stack-setup`) are not
held to anything. An unknown key, service or operation fails the run: nothing goes unjudged.

The translation (e.g. TransactWriteItems is the PutItem/UpdateItem inside it on the table; a Query
on an index is the index's ARN; SendEmail is the sender identity and the configuration set) is
checked against policy_sentry's IAM catalogue (the action exists; the ARN has a format the action
takes). The evaluator is ours and small, for exactly what the template uses: Allow and Deny,
ARN wildcards, `ForAllValues:StringLike` on `dynamodb:LeadingKeys`, `StringEquals`; any other
condition fails the run. moto's own enforcement cannot do this: it matches DynamoDB and SES
resources as `*` and uses SDK operation names.

Fails on any denied call; reports every granted (statement, action, resource) the suite never
exercised, which must be justified in the template (`Metadata: UnexercisedGrants: {Sid: why}` on
the role or policy); and, to show the check can fail, removes each exercised statement in turn and
requires some call to be denied without it.
"""

import argparse
import base64
import fnmatch
import json
import re
import sys
from collections import Counter, defaultdict

# Each access key the suite signs with, and the policies its principal holds (an operator who runs
# `doctor --send-test` holds both of the operator tool's: the checks are the front desk's, the test
# record the records policy's).
PRINCIPALS = {
    "testing": ("FunctionRole",),
    "front-desk": ("FrontDeskPolicy",),
    "records": ("RecordsPolicy",),
    "front-desk-and-records": ("FrontDeskPolicy", "RecordsPolicy"),
}
POLICIES = sorted({name for names in PRINCIPALS.values() for name in names})
NOT_JUDGED = {"harness", "stack-setup"}
# The stack whose policies are evaluated: every optional part on, so every grant exists.
EVALUATED = ("UseCustomDomain", "UseSenderDomain", "UseTurnstile", "UseReplyTracking", "UseStaffDomain")
SECRET_PREFIXES = {
    "client-hash-key-": "ClientHashKeySecret",
    "follow-up-key-": "FollowUpKeySecret",
    "turnstile-secret-": "TurnstileSecret",
    "heartbeat-key-": "HeartbeatKeySecret",
}
SES_ROUTES = [
    ("POST", re.compile(r"^/v2/email/outbound-emails$"), "SendEmail"),
    ("GET", re.compile(r"^/v2/email/identities/([^/?]+)$"), "GetEmailIdentity"),
    ("GET", re.compile(r"^/v2/email/account$"), "GetAccount"),
    ("GET", re.compile(r"^/v2/email/suppression/addresses/([^/?]+)$"), "GetSuppressedDestination"),
    ("GET", re.compile(r"^/v2/email/configuration-sets/([^/?]+)/event-destinations$"), "GetConfigurationSetEventDestinations"),
    ("GET", re.compile(r"^/2015-03-31/functions/([^/?]+)/configuration$"), "GetFunctionConfiguration"),
    ("GET", re.compile(r"^/schedules/([^/?]+)$"), "GetSchedule"),
]
# Services that speak AWS's query protocol: the operation is the form body's Action.
QUERY_PROTOCOL = {"cloudformation", "sns", "ses", "sts"}


class Unjudged(Exception):
    pass


def body_of(entry):
    raw = entry.get("body") or ""
    data = base64.b64decode(raw) if entry.get("body_encoded") else raw.encode()
    if not data.strip():
        return {}
    try:
        return json.loads(data)
    except ValueError:
        # A query-protocol call: a form body (Action=DescribeStacks&StackName=...).
        from urllib.parse import parse_qs
        return {k: v[0] for k, v in parse_qs(data.decode()).items()}


def access_key(headers):
    auth = headers.get("Authorization") or headers.get("authorization") or ""
    match = re.search(r"Credential=([^/]+)/[^/]+/[^/]+/([^/]+)/aws4_request", auth)
    return (match.group(1), match.group(2)) if match else (None, None)


class Stack:
    """The evaluated stack's ARNs, and how a recorded resource name maps onto them."""

    def __init__(self, record):
        env = record["environment"]
        self.region, self.account = "us-east-1", "123456789012"
        self.table = f"arn:aws:dynamodb:{self.region}:{self.account}:table/{env['TABLE_NAME']}"
        self.tables = {
            "ConsultationsTable": self.table,
            "StaffTable": f"arn:aws:dynamodb:{self.region}:{self.account}:table/{env['STAFF_TABLE_NAME']}",
            "AccessLogTable": f"arn:aws:dynamodb:{self.region}:{self.account}:table/{env['ACCESS_LOG_TABLE_NAME']}",
        }
        self.identity = f"arn:aws:ses:{self.region}:{self.account}:identity/{record['made']['SenderIdentity']}"
        self.configuration_set = f"arn:aws:ses:{self.region}:{self.account}:configuration-set/{env['SES_CONFIGURATION_SET']}"
        self.name = record["stack"]
        self.stack_id = record["stack_id"]
        self.outputs = record["outputs"]
        self.topic = record["parameters"].get("ExistingAlarmTopicArn", "")
        self.secrets = {
            "ClientHashKeySecret": env["CLIENT_HASH_KEY_ARN"],
            "FollowUpKeySecret": env["FOLLOW_UP_KEY_ARN"],
            "TurnstileSecret": env["TURNSTILE_SECRET_KEY_ARN"],
            "HeartbeatKeySecret": env["HEARTBEAT_KEY_ARN"],
        }

    def table_of(self, name):
        """The stack's table a call's TableName stands for: the tests make their own tables,
        named like the stack's (`…-staff`, `…-access-log` beside the requests'), and each emulated
        stack names its own (`<stack>-StaffTable-<id>`)."""
        name = name or ""
        if name.endswith("-access-log") or "-AccessLogTable-" in name or name == self.tables["AccessLogTable"].rsplit("/", 1)[-1]:
            return self.tables["AccessLogTable"]
        if name.endswith("-staff") or "-StaffTable-" in name or name == self.tables["StaffTable"].rsplit("/", 1)[-1]:
            return self.tables["StaffTable"]
        return self.table

    def secret(self, secret_id):
        name = secret_id.split(":secret:")[-1]
        # A webhook endpoint's secret, which the operator tool names `<stack>/webhooks/<id>`: the
        # tests' tool runs without a stack (`consultation-form/…`), judged as the stack's own.
        if "/webhooks/" in name:
            rest = name.split("/webhooks/", 1)[1]
            return f"arn:aws:secretsmanager:{self.region}:{self.account}:secret:{self.name}/webhooks/{rest}"
        for prefix, logical in SECRET_PREFIXES.items():
            if name.startswith(prefix):
                return self.secrets[logical]
        raise Unjudged(f"a secret the template does not hold: {secret_id}")


def key_of(item):
    pk = (item or {}).get("pk", {})
    return pk.get("S") if isinstance(pk, dict) else None


def translate(service, operation, body, stack):
    """(IAM action, resource ARN, context) for each authorisation one call needs."""
    if service == "dynamodb":
        table = stack.table_of(body.get("TableName"))
        if operation == "TransactWriteItems":
            kinds = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem", "ConditionCheck": "ConditionCheckItem"}
            out = []
            for item in body["TransactItems"]:
                ((kind, request),) = item.items()
                key = key_of(request.get("Item") or request.get("Key"))
                out.append((f"dynamodb:{kinds[kind]}", stack.table_of(request.get("TableName")), {"dynamodb:LeadingKeys": [key]}))
            return out
        if operation in ("GetItem", "PutItem", "UpdateItem", "DeleteItem"):
            key = key_of(body.get("Item") or body.get("Key"))
            return [(f"dynamodb:{operation}", table, {"dynamodb:LeadingKeys": [key]})]
        if operation == "BatchGetItem":
            ((name, wanted),) = body["RequestItems"].items()
            return [("dynamodb:BatchGetItem", stack.table_of(name), {"dynamodb:LeadingKeys": [key_of(k)]}) for k in wanted["Keys"]]
        if operation in ("Query", "Scan"):
            index = body.get("IndexName")
            return [(f"dynamodb:{operation}", f"{table}/index/{index}" if index else table, {})]
        if operation == "DescribeTable":
            return [("dynamodb:DescribeTable", table, {})]
    if service == "secretsmanager" and operation in ("GetSecretValue", "DescribeSecret", "DeleteSecret"):
        return [(f"secretsmanager:{operation}", stack.secret(body["SecretId"]), {})]
    if service == "secretsmanager" and operation == "CreateSecret":
        # IAM names the secret to be made by its name and a wildcard for the suffix.
        return [("secretsmanager:CreateSecret", stack.secret(body["Name"]) + "-??????", {})]
    if service == "dynamodb" and operation in ("DescribeContinuousBackups", "DescribeTimeToLive"):
        return [(f"dynamodb:{operation}", stack.table_of(body.get("TableName")), {})]
    if service == "cloudformation" and operation == "DescribeStacks":
        if body.get("StackName") not in (stack.name, stack.stack_id):
            raise Unjudged(f"DescribeStacks of another stack: {body.get('StackName')}")
        return [("cloudformation:DescribeStacks", stack.stack_id, {})]
    if service == "lambda" and operation == "GetFunctionConfiguration":
        name = body["_path"][0]
        return [("lambda:GetFunctionConfiguration", f"arn:aws:lambda:{stack.region}:{stack.account}:function:{name}", {})]
    if service == "scheduler" and operation == "GetSchedule":
        name = body["_path"][0]
        return [("scheduler:GetSchedule", f"arn:aws:scheduler:{stack.region}:{stack.account}:schedule/default/{name}", {})]
    if service == "sns" and operation == "ListSubscriptionsByTopic":
        return [("sns:ListSubscriptionsByTopic", body["TopicArn"], {})]
    if service == "ses" and operation in ("GetAccount", "GetSuppressedDestination", "DescribeActiveReceiptRuleSet"):
        return [(f"ses:{operation}", "*", {})]
    if service == "ses" and operation == "GetConfigurationSetEventDestinations":
        name = body["_path"][0]
        return [("ses:GetConfigurationSetEventDestinations", f"arn:aws:ses:{stack.region}:{stack.account}:configuration-set/{name}", {})]
    if service == "ses" and operation == "SendEmail":
        out = [("ses:SendEmail", stack.identity, {})]
        if body.get("ConfigurationSetName"):
            out.append(("ses:SendEmail", stack.configuration_set, {}))
        return out
    if service == "ses" and operation == "GetEmailIdentity":
        # The function asks only about its own sender identity (its warm-up), which the tests
        # configure as an address of their own, as they send from one (SendEmail, above): the
        # stack's identity. The operator tool's doctor asks about any identity by name.
        name = (body.get("_path") or [None])[0]
        if body.get("_principal") == "FunctionRole" or not name:
            return [("ses:GetEmailIdentity", stack.identity, {})]
        return [("ses:GetEmailIdentity", f"arn:aws:ses:{stack.region}:{stack.account}:identity/{name}", {})]
    if service == "acm" and operation == "DescribeCertificate":
        return [("acm:DescribeCertificate", body["CertificateArn"], {})]
    if service == "sts" and operation == "GetCallerIdentity":
        # Needs no permission: any credentials may ask who they are (the access log's operator).
        return []
    raise Unjudged(f"no IAM translation for {service} {operation}")


def recorded_calls(paths, stack):
    """(principal, service, operation, authorisations) for each judged call; counts of the rest."""
    calls, ignored = [], Counter()
    lines = []
    for path in paths:
        with open(path) as recording:
            lines += recording.readlines()
    for line in lines:
        entry = json.loads(line)
        key, scope = access_key(entry["headers"])
        if key is None:
            ignored["unsigned (moto's own API)"] += 1
            continue
        if key in NOT_JUDGED:
            ignored[f"{key} (the tests' own calls)"] += 1
            continue
        if key not in PRINCIPALS:
            raise Unjudged(f"a call signed with an unknown access key {key!r}: whose is it?")
        target = entry["headers"].get("X-Amz-Target", "")
        body = body_of(entry)
        if target:
            operation = target.split(".")[-1]
        elif scope in QUERY_PROTOCOL and "Action" in body:
            operation = body["Action"]
        else:
            path_only = entry["url"].split("://", 1)[-1].split("/", 1)[-1]
            path_only = "/" + path_only.split("?")[0]
            routed = next(((op, rx.match(path_only)) for m, rx, op in SES_ROUTES if m == entry["method"] and rx.match(path_only)), None)
            if routed is None:
                raise Unjudged(f"{scope} {entry['method']} {path_only}: operation not known")
            operation, match = routed
            from urllib.parse import unquote
            body = dict(body, _path=[unquote(g) for g in match.groups()])
        body = dict(body, _principal="+".join(PRINCIPALS[key])) if isinstance(body, dict) else body
        calls.append((PRINCIPALS[key], scope, operation, translate(scope, operation, body, stack)))
    return calls, ignored


def listify(value):
    return value if isinstance(value, list) else [value]


def condition_holds(condition, context):
    for operator, tests in (condition or {}).items():
        for key, wanted in tests.items():
            wanted = listify(wanted)
            if operator == "ForAllValues:StringLike":
                values = context.get(key)
                if values is None:
                    raise Unjudged(f"condition key {key} is not known for this call")
                if not all(v is not None and any(fnmatch.fnmatchcase(v, w) for w in wanted) for v in values):
                    return False
            elif operator == "StringEquals":
                if key not in context:
                    # kms:ViaService and its like are set by the service calling KMS for the caller:
                    # never by a call the emulator sees.
                    return False
                if context[key] not in wanted:
                    return False
            else:
                raise Unjudged(f"condition operator {operator} is not evaluated here")
    return True


def matches(statement, action, resource, context):
    actions = [a.lower() for a in listify(statement.get("Action", []))]
    if not any(fnmatch.fnmatchcase(action.lower(), a) for a in actions):
        return False
    if not any(fnmatch.fnmatchcase(resource, r) for r in listify(statement.get("Resource", []))):
        return False
    return condition_holds(statement.get("Condition"), context)


def decide(statements, action, resource, context):
    """The Allow statements that grant it, or None when it is denied (no Allow, or a Deny)."""
    if any(s["Effect"] == "Deny" and matches(s, action, resource, context) for s in statements):
        return None
    granting = [s for s in statements if s["Effect"] == "Allow" and matches(s, action, resource, context)]
    return granting or None


def catalogue_problems(policies, calls):
    """What policy_sentry's IAM catalogue says is wrong with an action or an ARN we use."""
    from policy_sentry.querying.actions import get_action_data

    formats = {}

    def arn_formats(action):
        if action not in formats:
            service, name = action.split(":")
            data = get_action_data(service, name) or {}
            formats[action] = [d["resource_arn_format"] for d in data.get(service, [])]
        return formats[action]

    def fits(action, arn):
        if arn == "*":
            # Actions that take no resource (ses:GetAccount): IAM requires "*" for them.
            return arn_formats(action) == ["*"] or "*" in arn_formats(action)
        if "*" in arn:
            # A wildcard stands for ARNs of many shapes (a log group's `:*` covers its streams):
            # only its service is checked.
            return arn.split(":")[2] == action.split(":")[0]
        for fmt in arn_formats(action):
            if fmt == "*":
                continue
            pattern = re.escape(fmt)
            pattern = re.sub(r"\\\$\\\{(Partition|Region|Account)\\\}", "[^:]*", pattern)
            pattern = re.sub(r"\\\$\\\{[A-Za-z]+\\\}", ".+", pattern)
            if re.fullmatch(pattern, arn):
                return True
        return False

    problems = []
    for name, document in policies.items():
        for statement in document["Statement"]:
            for action in listify(statement["Action"]):
                if not arn_formats(action):
                    problems.append(f"{name}/{statement.get('Sid')}: {action} is no IAM action")
                    continue
                for arn in listify(statement["Resource"]):
                    if not fits(action, arn):
                        problems.append(f"{name}/{statement.get('Sid')}: {action} does not take {arn}")
    for _, _, _, needs in calls:
        for action, arn, _ in needs:
            if not arn_formats(action):
                problems.append(f"translation: {action} is no IAM action")
            elif not fits(action, arn):
                problems.append(f"translation: {action} does not take {arn}")
    return sorted(set(problems))


def evaluate_all(policies, calls):
    denied, used = [], set()
    for held, service, operation, needs in calls:
        for action, resource, context in needs:
            # Allowed when any of the principal's policies grants it; credited to the first.
            for principal in held:
                granting = decide(policies[principal]["Statement"], action, resource, context)
                if granting is not None:
                    for s in granting:
                        used.add((principal, s.get("Sid"), action.lower(), resource))
                    break
            else:
                denied.append(("+".join(held), f"{service} {operation}", action, resource, context))
    return denied, used


def unexercised(policies, used):
    """Granted (principal, Sid, action, resource) that no call used."""
    out = []
    for principal, document in policies.items():
        for s in document["Statement"]:
            for action in listify(s["Action"]):
                for resource in listify(s["Resource"]):
                    hit = any(
                        p == principal and sid == s.get("Sid") and fnmatch.fnmatchcase(a, action.lower()) and fnmatch.fnmatchcase(r, resource)
                        for p, sid, a, r in used
                    )
                    if not hit:
                        out.append((principal, s.get("Sid"), action, resource))
    return out


def cloudformation_arns(document):
    """The policy with its ARNs as CloudFormation resolves them: a log group's `Arn` attribute ends
    in `:*` (covering its streams), which moto leaves out."""
    for statement in document["Statement"]:
        statement["Resource"] = [
            r + ":*" if re.search(r":log-group:[^:]+$", r) else r for r in listify(statement["Resource"])
        ]
    return document


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recording", required=True, action="append", help="moto's recording; more than one may be given")
    parser.add_argument("--translated", required=True)
    parser.add_argument("--stacks", required=True)
    parser.add_argument("--report")
    args = parser.parse_args()
    with open(args.translated) as f:
        translated = json.load(f)
    with open(args.stacks) as f:
        stacks = json.load(f)["stacks"]
    record = next(s for s in stacks if all(c in s["conditions"] for c in EVALUATED) and "CreateAlarmTopic" not in s["conditions"])
    stack = Stack(record)
    policies = {name: cloudformation_arns(record["policies"][name]) for name in POLICIES}
    lines = [f"Evaluated against stack {record['stack']} ({', '.join(record['conditions'])})", ""]
    try:
        calls, ignored = recorded_calls(args.recording, stack)
    except Unjudged as problem:
        sys.exit(f"IAM coverage: {problem}")

    lines.append("Recorded calls and their IAM translation:")
    table = Counter(("+".join(p), f"{svc} {op}", a, r.replace(stack.table, "<table>")) for p, svc, op, needs in calls for a, r, _ in needs)
    for (principal, call, action, resource), count in sorted(table.items()):
        lines.append(f"  {principal:<16} {call:<32} {count:>5}x  {action} on {resource}")
    lines.append("Not judged: " + ", ".join(f"{k}: {v}" for k, v in sorted(ignored.items())))

    problems = catalogue_problems(policies, calls)
    denied, used = evaluate_all(policies, calls)
    justified = {}
    for name in POLICIES:
        for sid, why in (translated["Resources"][name].get("Metadata", {}).get("UnexercisedGrants") or {}).items():
            justified[(name, sid)] = why
    unused = unexercised(policies, used)
    unjustified = [u for u in unused if (u[0], u[1]) not in justified]
    stale = sorted(k for k in justified if not any((u[0], u[1]) == k for u in unused))

    # Could this check fail? Without any one statement the suite used, some call must be denied.
    blind = []
    for principal in POLICIES:
        for sid in sorted({sid for p, sid, _, _ in used if p == principal}):
            reduced = dict(policies)
            reduced[principal] = {"Statement": [s for s in policies[principal]["Statement"] if s.get("Sid") != sid]}
            if not evaluate_all(reduced, calls)[0]:
                blind.append(f"{principal}/{sid}")

    lines += ["", f"Denied calls: {len(denied)}"]
    lines += [f"  {p}: {call} needs {a} on {r} {c or ''}" for p, call, a, r, c in denied]
    lines += ["", f"Granted and never exercised: {len(unused)} ({len(unjustified)} without a reason in the template)"]
    for principal, sid, action, resource in unused:
        why = justified.get((principal, sid), "NOT JUSTIFIED")
        lines.append(f"  {principal}/{sid}: {action} on {resource}: {why}")
    lines += ["", f"IAM catalogue (policy_sentry) problems: {len(problems)}"] + [f"  {p}" for p in problems]
    lines += [f"Justifications for grants that are exercised after all: {stale}" if stale else ""]
    lines += [f"Statements whose removal no call notices: {blind}" if blind else "Every exercised statement is needed: removing any one denies a call."]
    report = "\n".join(lines)
    if args.report:
        with open(args.report, "w") as out:
            out.write(report + "\n")
    print(report)
    failed = denied or unjustified or problems or stale or blind
    print(f"IAM coverage: {len(calls)} calls, {len(denied)} denied, {len(unjustified)} unjustified unused grants, {len(problems)} catalogue problems")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
