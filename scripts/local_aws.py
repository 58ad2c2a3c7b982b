#!/usr/bin/env python3
"""Local AWS helpers for the emulator (moto): create the table from infra/template.yaml, verify the
sender identity, and show what was stored and which emails were sent.

Run with the project's venv: .venv/bin/python scripts/local_aws.py <command> --help
The endpoint comes from AWS_ENDPOINT_URL (e.g. http://127.0.0.1:5005).
"""

import argparse
import json
import os
import sys
import urllib.request
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "infra" / "template.yaml"
TABLE_RESOURCE = "ConsultationsTable"
# The staff console's two tables, made beside the requests' (`<table>-staff`, `<table>-access-log`).
CONSOLE_TABLES = {"StaffTable": "-staff", "AccessLogTable": "-access-log"}


class CfnLoader(yaml.SafeLoader):
    """Reads CloudFormation YAML, keeping short-form tags (!Ref, !Sub, ...) as plain mappings."""


def _tag(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    name = suffix if suffix in ("Ref", "Condition") else f"Fn::{suffix}"
    return {name: value}


CfnLoader.add_multi_constructor("!", _tag)


def load_template():
    """The template as plain data, short-form tags turned into their long form ({"Ref": ...})."""
    return yaml.load(TEMPLATE.read_text(), Loader=CfnLoader)


def table_spec(resource=TABLE_RESOURCE):
    """A table's keys, indexes and TTL attribute, as declared once in the template."""
    template = load_template()
    props = template["Resources"][resource]["Properties"]
    spec = {
        "AttributeDefinitions": props["AttributeDefinitions"],
        "KeySchema": props["KeySchema"],
        "TimeToLiveAttribute": props["TimeToLiveSpecification"]["AttributeName"],
    }
    if props.get("GlobalSecondaryIndexes"):
        spec["GlobalSecondaryIndexes"] = [
            {k: v for k, v in gsi.items() if k in ("IndexName", "KeySchema", "Projection")}
            for gsi in props["GlobalSecondaryIndexes"]
        ]
    return spec


def boto3_client(service):
    """A client of the emulator at AWS_ENDPOINT_URL."""
    import boto3

    region = os.environ.get("AWS_REGION", "us-east-1")
    endpoint = os.environ.get("AWS_ENDPOINT_URL")
    if not endpoint:
        sys.exit("AWS_ENDPOINT_URL is not set: point it at the emulator")
    return boto3.client(service, region_name=region, endpoint_url=endpoint)


def clients():
    return boto3_client("dynamodb"), boto3_client("sesv2")


def create_table(dynamodb, name, resource=TABLE_RESOURCE):
    spec = table_spec(resource)
    existing = dynamodb.list_tables().get("TableNames", [])
    if name not in existing:
        args = {
            "TableName": name,
            "AttributeDefinitions": spec["AttributeDefinitions"],
            "KeySchema": spec["KeySchema"],
            "BillingMode": "PAY_PER_REQUEST",
        }
        if "GlobalSecondaryIndexes" in spec:
            args["GlobalSecondaryIndexes"] = spec["GlobalSecondaryIndexes"]
        dynamodb.create_table(**args)
    dynamodb.update_time_to_live(
        TableName=name,
        TimeToLiveSpecification={"Enabled": True, "AttributeName": spec["TimeToLiveAttribute"]},
    )


def cmd_table_spec(args):
    """Every table's spec by its logical id (the tests create their own tables from it)."""
    specs = {name: table_spec(name) for name in [TABLE_RESOURCE, *CONSOLE_TABLES]}
    json.dump(specs, sys.stdout, indent=2)
    print()


def cmd_template_json(args):
    json.dump(load_template(), sys.stdout, indent=2)
    print()


def cmd_setup(args):
    dynamodb, ses = clients()
    create_table(dynamodb, args.table)
    for resource, suffix in CONSOLE_TABLES.items():
        create_table(dynamodb, args.table + suffix, resource)
    verified = [i["IdentityName"] for i in ses.list_email_identities().get("EmailIdentities", [])]
    if args.sender not in verified:
        ses.create_email_identity(EmailIdentity=args.sender)
    print(f"table {args.table} ready; sender {args.sender} verified")


def moto_data():
    endpoint = os.environ["AWS_ENDPOINT_URL"].rstrip("/")
    with urllib.request.urlopen(f"{endpoint}/moto-api/data.json", timeout=10) as response:
        return json.load(response)


def stored_items(table):
    dynamodb, _ = clients()
    items = []
    kwargs = {"TableName": table, "ConsistentRead": True}
    while True:
        page = dynamodb.scan(**kwargs)
        items.extend(page.get("Items", []))
        if "LastEvaluatedKey" not in page:
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    plain = [{k: next(iter(v.values())) for k, v in item.items()} for item in items]
    plain.sort(key=lambda i: i.get("pk", ""))
    return plain


def cmd_state(args):
    """Stored requests (apart: those held for review) and sent emails as one JSON document (for the
    browser tests)."""
    items = [i for i in stored_items(args.table) if i.get("pk", "").startswith("request#")]
    requests = [i for i in items if not i.get("held_as_spam")]
    held = [i for i in items if i.get("held_as_spam")]
    emails = moto_data().get("ses", {}).get("Message", [])
    json.dump({"requests": requests, "held": held, "emails": emails}, sys.stdout, ensure_ascii=False)
    print()


def cmd_show(args):
    plain = stored_items(args.table)
    print(f"== {len(plain)} item(s) in {args.table}")
    for item in plain:
        print(json.dumps(item, indent=2, ensure_ascii=False))
    messages = moto_data().get("ses", {}).get("Message", [])
    print(f"== {len(messages)} email(s) sent")
    for message in messages:
        print(json.dumps(message, indent=2, ensure_ascii=False))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("table-spec", help="print the table declaration from infra/template.yaml as JSON")
    sub.add_parser("template-json", help="print infra/template.yaml as JSON (for the template tests)")
    setup = sub.add_parser("setup", help="create the table and verify the sender in the emulator")
    setup.add_argument("--table", required=True)
    setup.add_argument("--sender", required=True)
    show = sub.add_parser("show", help="print stored items and sent emails")
    show.add_argument("--table", required=True)
    state = sub.add_parser("state", help="print stored requests and sent emails as JSON")
    state.add_argument("--table", required=True)
    args = parser.parse_args()
    {
        "table-spec": cmd_table_spec,
        "template-json": cmd_template_json,
        "setup": cmd_setup,
        "show": cmd_show,
        "state": cmd_state,
    }[args.command](args)


if __name__ == "__main__":
    main()
