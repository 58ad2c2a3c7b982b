#!/usr/bin/env python3
"""The template as a deploy sees it, offline: the SAM transform, and the translated stack created in
the emulator (moto's CloudFormation) once for every combination of the conditions that change
resources.

    sam_stack.py translate OUT.json          the real SAM transform (aws-sam-translator), as
                                             `sam deploy` runs it, with a practice's parameters
    sam_stack.py old-domain-shape OUT.json   the template with the custom domain written as the
                                             `Domain: !If` SAM refuses (proves the check can fail)
    sam_stack.py create TRANSLATED OUT.json  one stack per combination; writes, for each, the
                                             function's environment as the stack resolved it

The endpoint comes from AWS_ENDPOINT_URL. moto's CloudFormation silently skips some resource types;
`create` lists them for every stack, creates what the function needs directly (its secrets, the SES
identity and configuration set) and says which environment values it substituted. A skipped
resource is never counted as checked, and a skipped type outside MOTO_SKIPS fails the run.
"""

import argparse
import ast
import copy
import io
import itertools
import json
import os
import sys
import time
import zipfile

from local_aws import load_template

REGION = "us-east-1"
CODE_BUCKET = "consultation-form-code"
CODE_KEY = "consultation-form.zip"

# What a practice gives `sam deploy --guided`; the combinations below add the optional parts.
PRACTICE = {
    "AllowedOrigins": "https://www.practice.example",
    "NotifyFrom": "forms@practice.example",
    "PracticeTimezone": "America/New_York",
    "BusinessHours": "Mon-Fri 09:00-17:00",
    # Every address the stack sends to beyond staff, so doctor checks each.
    "EscalateTo": "owner@practice.example",
    "NotifyFallbackTo": "office@practice.example",
    # Nothing listens on the discard port: with Turnstile on, the verifier is "unreachable" and the
    # request is kept unverified, as the contract says, without any call leaving the machine.
    "TurnstileVerifyUrl": "http://127.0.0.1:9/siteverify",
}

# The conditions that change which resources exist, and the parameters that turn each on.
CONDITIONS = {
    "UseCustomDomain": {
        "CustomDomainName": "forms.practice.example",
        "CustomDomainCertificateArn": f"arn:aws:acm:{REGION}:123456789012:certificate/0b8e9d41-1c2f-4f3e-9a57-6d2a1c0e7f11",
    },
    "UseSenderDomain": {"SenderDomain": "practice.example"},
    # ExistingAlarmTopicArn: a topic made first; with no AlarmEmail, the heartbeat's own address.
    "UseExistingAlarmTopic": {"HeartbeatTo": "heartbeat@practice.example"},
    "UseTurnstile": {},  # TurnstileSecretArn: a secret made first
    "UseReplyTracking": {"ReplyTrackingDomain": "replies.practice.example"},
    "UseStaffDomain": {
        "StaffDomainName": "staff.practice.example",
        "StaffDomainCertificateArn": f"arn:aws:acm:{REGION}:123456789012:certificate/5c1d7a22-3b4e-4f60-8a71-9e2b3c4d5f60",
    },
}

# Resource types moto's CloudFormation does not create (it logs "No Moto CloudFormation support").
MOTO_SKIPS = {
    "AWS::ApiGatewayV2::Api",
    "AWS::ApiGatewayV2::ApiMapping",
    "AWS::ApiGatewayV2::DomainName",
    "AWS::ApiGatewayV2::Integration",
    "AWS::ApiGatewayV2::Route",
    "AWS::ApiGatewayV2::Stage",
    "AWS::CloudWatch::Alarm",
    "AWS::Logs::MetricFilter",
    "AWS::SES::ConfigurationSet",
    "AWS::SES::ConfigurationSetEventDestination",
    "AWS::SES::EmailIdentity",
    "AWS::SES::ReceiptRule",
    "AWS::SES::ReceiptRuleSet",
    "AWS::SNS::Subscription",
    "AWS::SQS::QueuePolicy",
    "AWS::Scheduler::Schedule",
    "AWS::SecretsManager::Secret",
}


def translate(template):
    """The CloudFormation template `sam deploy` would create, from the SAM template."""
    os.environ.setdefault("AWS_DEFAULT_REGION", REGION)
    from samtranslator.translator.transform import transform

    class NoManagedPolicies:
        # The template names no AWS managed policy, so the loader has nothing to look up.
        def load(self):
            return {}

    source = copy.deepcopy(template)
    # As `sam validate` does: the local code folder becomes the S3 object `sam deploy` uploads.
    for resource in source["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Function":
            resource["Properties"]["CodeUri"] = f"s3://{CODE_BUCKET}/{CODE_KEY}"
    return transform(source, {}, NoManagedPolicies())


def cmd_translate(args):
    translated = translate(load_template())
    with open(args.out, "w") as out:
        json.dump(translated, out, indent=1)
    print(f"translated: {len(translated['Resources'])} resources -> {args.out}")


def cmd_old_domain_shape(args):
    template = load_template()
    resources = template["Resources"]
    for name in ("CustomDomain", "CustomDomainMapping"):
        del resources[name]
    del template["Outputs"]["CustomDomainTarget"]
    resources["HttpApi"]["Properties"]["Domain"] = {
        "Fn::If": [
            "UseCustomDomain",
            {
                "DomainName": {"Ref": "CustomDomainName"},
                "CertificateArn": {"Ref": "CustomDomainCertificateArn"},
                "EndpointConfiguration": "REGIONAL",
            },
            {"Ref": "AWS::NoValue"},
        ]
    }
    with open(args.out, "w") as out:
        json.dump(template, out, indent=1)


def as_document(document):
    """A policy document as moto hands it back: a dict, JSON text, or (inline policies made by its
    CloudFormation) the text of a Python dict."""
    if isinstance(document, dict):
        return document
    try:
        return json.loads(document)
    except json.JSONDecodeError:
        return ast.literal_eval(document)


def evaluate(condition, conditions, params):
    """A condition of the forms the template uses (Equals, Not, And, Or, Condition, Ref)."""
    if isinstance(condition, dict):
        ((fn, arg),) = condition.items()
        if fn == "Fn::Equals":
            a, b = (evaluate(x, conditions, params) for x in arg)
            return str(a) == str(b)
        if fn == "Fn::Not":
            return not evaluate(arg[0], conditions, params)
        if fn == "Fn::And":
            return all(evaluate(x, conditions, params) for x in arg)
        if fn == "Fn::Or":
            return any(evaluate(x, conditions, params) for x in arg)
        if fn == "Condition":
            return evaluate(conditions[arg], conditions, params)
        if fn == "Ref":
            return params[arg]
        raise ValueError(f"condition function {fn} not understood")
    return condition


def parameter_values(template, given):
    values = {name: str(p.get("Default", "")) for name, p in template["Parameters"].items()}
    values.update(given)
    return values


def true_conditions(template, params):
    conditions = template.get("Conditions", {})
    return {name for name, c in conditions.items() if evaluate(c, conditions, params)}


def expected_resources(template, params):
    """The resources CloudFormation creates with these parameters."""
    on = true_conditions(template, params)
    return {
        name: r["Type"]
        for name, r in template["Resources"].items()
        if "Condition" not in r or r["Condition"] in on
    }


class Emulator:
    def __init__(self, endpoint):
        import boto3

        kwargs = {
            "endpoint_url": endpoint,
            "region_name": REGION,
            # Calls made to set the stage, kept apart from the function's in the IAM coverage.
            "aws_access_key_id": "stack-setup",
            "aws_secret_access_key": "stack-setup",
        }
        self.client = lambda service: boto3.client(service, **kwargs)
        self.cfn = self.client("cloudformation")

    def upload_code(self):
        s3 = self.client("s3")
        s3.create_bucket(Bucket=CODE_BUCKET)
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as z:
            # moto never runs it: the tests run the real binary with the function's environment.
            z.writestr("bootstrap", "#!/bin/sh\nexit 1\n")
        s3.put_object(Bucket=CODE_BUCKET, Key=CODE_KEY, Body=archive.getvalue())

    def secret(self, name, versions):
        """A secret with `versions` values, the last one current (so AWSPREVIOUS exists too)."""
        sm = self.client("secretsmanager")
        arn = sm.create_secret(Name=name, SecretString=versions[0])["ARN"]
        for value in versions[1:]:
            sm.put_secret_value(SecretId=arn, SecretString=value)
        return arn

    def create_stack(self, name, translated, params):
        self.cfn.create_stack(
            StackName=name,
            TemplateBody=json.dumps(translated),
            Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in params.items()],
            Capabilities=["CAPABILITY_IAM"],
        )
        for _ in range(100):
            stack = self.cfn.describe_stacks(StackName=name)["Stacks"][0]
            if not stack["StackStatus"].endswith("IN_PROGRESS"):
                return stack
            time.sleep(0.1)
        raise SystemExit(f"{name}: still {stack['StackStatus']}")

    def policies(self, created):
        """Every IAM policy document of the stack as moto resolved it (references, conditions),
        by the logical id of its role (inline policies, merged) or managed policy."""
        iam = self.client("iam")
        documents = {}
        for name, resource in created.items():
            if resource["ResourceType"] == "AWS::IAM::Role":
                role = resource["PhysicalResourceId"]
                statements = []
                for policy in iam.list_role_policies(RoleName=role)["PolicyNames"]:
                    statements += as_document(iam.get_role_policy(RoleName=role, PolicyName=policy)["PolicyDocument"])["Statement"]
                documents[name] = {"Version": "2012-10-17", "Statement": statements}
            elif resource["ResourceType"] == "AWS::IAM::ManagedPolicy":
                arn = resource["PhysicalResourceId"]
                version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
                documents[name] = as_document(iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"])
        return documents

    def created(self, name):
        summaries = self.cfn.list_stack_resources(StackName=name)["StackResourceSummaries"]
        return {
            r["LogicalResourceId"]: r
            for r in summaries
            if r.get("LogicalResourceId") and r["ResourceStatus"] == "CREATE_COMPLETE"
        }


def create_combination(emulator, translated, on, run):
    label = "-".join(c.removeprefix("Use") for c in on) or "Defaults"
    stack = f"{label.lower()}-{run}"
    # Its own staff address, so the tests tell its email from the others' (a local part is at most
    # 64 characters, so not the stack's whole name).
    staff = f"intake-{''.join(c[3:5].lower() for c in on) or 'none'}-{run}@practice.example"
    given = dict(PRACTICE, NotifyTo=staff, AlarmEmail="ops@practice.example")
    for condition in on:
        given.update(CONDITIONS[condition])
    if "UseExistingAlarmTopic" in on:
        sns = emulator.client("sns")
        given["ExistingAlarmTopicArn"] = sns.create_topic(Name=f"oncall-{stack}")["TopicArn"]
        given["AlarmEmail"] = ""
    if "UseTurnstile" in on:
        given["TurnstileSecretArn"] = emulator.secret(f"turnstile-secret-{stack}", ["0x4AAAAAAA-previous", "0x4AAAAAAA-current"])
    # What moto skips and the function needs, made directly; every reference to it in the stack
    # is given the made value, as CloudFormation would have resolved it.
    made = {
        "ClientHashKeySecret": emulator.secret(f"client-hash-key-{stack}", ["k" * 48, "c" * 48]),
        "FollowUpKeySecret": emulator.secret(f"follow-up-key-{stack}", ["p" * 48, "f" * 48]),
        "HeartbeatKeySecret": emulator.secret(f"heartbeat-key-{stack}", ["h" * 48, "b" * 48]),
        "SesConfigurationSet": f"{stack}-events",
        # The console's API (moto makes no ApiGatewayV2 API): an id of API Gateway's shape.
        "StaffApi": f"st{run[-8:]}",
        "SenderIdentity": given.get("SenderDomain") or given["NotifyFrom"],
    }
    ses = emulator.client("sesv2")
    ses.create_configuration_set(ConfigurationSetName=made["SesConfigurationSet"])
    ses.create_email_identity(EmailIdentity=made["SenderIdentity"])
    staged = substitute_refs(translated, made)
    # An output built from a resource moto skips cannot be resolved by moto: left out here, listed.
    skipped_types = {n for n, r in translated["Resources"].items() if r["Type"] in MOTO_SKIPS}
    unchecked_outputs = sorted(n for n, o in staged["Outputs"].items() if references(o["Value"]) & skipped_types)
    for name in unchecked_outputs:
        del staged["Outputs"][name]

    params = parameter_values(translated, given)
    expected = expected_resources(translated, params)
    result = emulator.create_stack(stack, staged, given)
    if result["StackStatus"] != "CREATE_COMPLETE":
        raise SystemExit(f"{stack}: {result['StackStatus']}: {result.get('StackStatusReason')}")
    created = emulator.created(stack)
    unexpected = set(created) - set(expected)
    if unexpected:
        raise SystemExit(f"{stack}: created resources whose condition is false: {sorted(unexpected)}")
    skipped = {n: t for n, t in expected.items() if n not in created}
    unknown = {t for t in skipped.values() if t not in MOTO_SKIPS}
    if unknown:
        raise SystemExit(f"{stack}: moto did not create {sorted(unknown)}, which it is expected to create")

    function = created["ConsultationFunction"]["PhysicalResourceId"]
    lambdas = emulator.client("lambda")
    env = lambdas.get_function_configuration(FunctionName=function)["Environment"]["Variables"]
    # moto's /moto-api/data.json (which the tests read sent mail from) fails on a Lambda function
    # it cannot inspect without Docker: its environment read, the function itself is not needed.
    lambdas.delete_function(FunctionName=function)
    env = {k: str(v) for k, v in env.items()}
    for variable, value in env.items():
        if "${" in value or "{{resolve:" in value or value in translated["Resources"]:
            raise SystemExit(f"{stack}: {variable} is left unresolved: {value}")
    declared = translated["Resources"]["ConsultationFunction"]["Properties"]["Environment"]["Variables"]
    substituted = {
        variable: f"{expression['Ref']} ({skipped[expression['Ref']]}, skipped by moto): made directly"
        for variable, expression in declared.items()
        if isinstance(expression, dict) and expression.get("Ref") in made
    }
    outputs = {o["OutputKey"]: o["OutputValue"] for o in result.get("Outputs", [])}
    policies = emulator.policies(created)
    return {
        "stack": stack,
        "stack_id": result["StackId"],
        "conditions": sorted(true_conditions(translated, params)),
        "parameters": given,
        "created": sorted(created),
        "skipped": {n: t for n, t in sorted(skipped.items())},
        "substituted": substituted,
        "environment": env,
        "outputs": outputs,
        "staff": staff,
        "made": made,
        "unchecked_outputs": unchecked_outputs,
        "policies": policies,
    }


def substitute_refs(template, values):
    """A copy of the template with every `Ref` to one of `values`' logical ids, and every `${id}`
    in a `Fn::Sub`, replaced by its value."""

    def walk(node):
        if isinstance(node, dict):
            if set(node) == {"Ref"} and node["Ref"] in values:
                return values[node["Ref"]]
            if set(node) == {"Fn::Sub"} and isinstance(node["Fn::Sub"], str):
                text = node["Fn::Sub"]
                for name, value in values.items():
                    text = text.replace("${" + name + "}", value)
                return {"Fn::Sub": text}
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return walk(template)


def references(node):
    """The logical ids an expression refers to (Ref, GetAtt, and ${...} in Sub)."""
    found = set()
    if isinstance(node, dict):
        for fn, arg in node.items():
            if fn == "Ref" and isinstance(arg, str):
                found.add(arg)
            elif fn == "Fn::GetAtt":
                found.add(arg[0] if isinstance(arg, list) else arg.split(".")[0])
            elif fn == "Fn::Sub":
                text = arg[0] if isinstance(arg, list) else arg
                found.update(part.split("}")[0].split(".")[0] for part in text.split("${")[1:])
                if isinstance(arg, list):
                    found |= references(arg[1])
            else:
                found |= references(arg)
    elif isinstance(node, list):
        for item in node:
            found |= references(item)
    return found


def cmd_create(args):
    with open(args.translated) as f:
        translated = json.load(f)
    endpoint = os.environ.get("AWS_ENDPOINT_URL")
    if not endpoint:
        sys.exit("AWS_ENDPOINT_URL is not set: point it at the emulator")
    emulator = Emulator(endpoint)
    emulator.upload_code()
    run = str(int(time.time() * 1000) % 10**9)
    stacks = []
    names = list(CONDITIONS)
    for flags in itertools.product([False, True], repeat=len(names)):
        on = [n for n, f in zip(names, flags) if f]
        started = time.monotonic()
        record = create_combination(emulator, translated, on, run)
        stacks.append(record)
        print(
            f"stack {record['stack']}: {len(record['created'])} created, "
            f"{len(record['skipped'])} skipped by moto ({time.monotonic() - started:.1f} s)"
        )
    skipped_types = sorted({t for s in stacks for t in s["skipped"].values()})
    print("moto skipped (not checked here): " + ", ".join(skipped_types))
    with open(args.out, "w") as out:
        json.dump({"stacks": stacks, "skipped_types": skipped_types}, out, indent=1)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("translate", help="run the SAM transform offline")
    p.add_argument("out")
    p = sub.add_parser("old-domain-shape", help="write the template with the refused Domain: !If shape")
    p.add_argument("out")
    p = sub.add_parser("create", help="create the translated stack for every condition combination")
    p.add_argument("translated")
    p.add_argument("out")
    args = parser.parse_args()
    {"translate": cmd_translate, "old-domain-shape": cmd_old_domain_shape, "create": cmd_create}[args.command](args)


if __name__ == "__main__":
    main()
