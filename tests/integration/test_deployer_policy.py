"""docs/iam/deployer-policy.json: the document, and IAM enforcement in the emulator.

tests/integration/deployer.py says what moto enforces and how the policy is tested. Here: (b) a user whose policy
lacks ec2:CreateNatGateway is denied exactly that action, which shows enforcement is on, and a plan of an empty
account needs nothing else than the policy; the document's own rules. The deploy, plans, upgrade, rotation and
teardown as the deployer, and the scoping of the policy against what the deploy created, are in test_services.py.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from .deployer import (MANAGED_POLICY_MAX_CHARS, MISSING_ACTION, NARROW_STATEMENTS, PARTS, PROJECT, Run, actions, arn_matches, as_list,
                       create_user, deployed, kind, moto_evaluable, part, policy, run_playbook, scope_problems,
                       start_emulator, stop_emulator, tag_condition)

ENV = "iamtest"
DENIED_ENV = "iamdenied"
# The prod settings that make what a local deploy does not (flow logs, access logs, WAF, secret policies), as the deployer.
PROD_LOGS_ENV = "iamlogs"
ZONE = f"{PROD_LOGS_ENV}.example.com"
DOMAIN = f"blog.{ZONE}"


def records(emulator, zone: str) -> list[tuple[str, str]]:
    """The records of the zone other than its own SOA and NS, as (name, type)."""
    sets = emulator.client("route53").list_resource_record_sets(HostedZoneId=zone)["ResourceRecordSets"]
    return sorted((r["Name"], r["Type"]) for r in sets if r["Type"] not in ("SOA", "NS"))


@dataclass
class Results:
    runs: dict[str, Run] = field(default_factory=dict)
    # What those settings created (ARN to tags), and what was left after their teardown.
    prod_logs: dict[str, dict[str, str]] = field(default_factory=dict)
    prod_logs_left: dict[str, dict[str, str]] = field(default_factory=dict)
    zone: str = ""
    records: list[tuple[str, str]] = field(default_factory=list)
    records_left: list[tuple[str, str]] = field(default_factory=list)
    account: str = ""


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> Iterator[Results]:
    """One emulator with IAM enforcement: a partial deploy denied one action, and a plan of an empty account."""
    emulator = start_emulator(tmp_path_factory.mktemp("deployer-policy"))
    try:
        document = policy()
        out = Results()
        # The policy as written, created too: moto validates its syntax (ARNs, condition operators), not its scope.
        create_user(emulator, "deployer-as-written", document)
        deployer = create_user(emulator, "deployer", moto_evaluable(document))
        lacking = create_user(emulator, "deployer-lacking", moto_evaluable(document, without=MISSING_ACTION))
        out.zone = emulator.client("route53").create_hosted_zone(Name=ZONE, CallerReference="deployer-policy")["HostedZone"]["Id"]
        emulator.enforce(True)
        out.runs["denied"] = run_playbook(emulator, lacking, DENIED_ENV, "site.yml", "--tags", "vpc,nat")
        out.runs["plan of an empty account"] = run_playbook(emulator, deployer, ENV, "site.yml", "--check", "--diff")
        # The prod settings that make what a local deploy does not: flow logs, the load balancer's access logs, WAF,
        # secret policies, and HTTPS (a certificate and records in the domain's zone, which exists before the deploy).
        prod_logs = ("--tags", "vpc,security_groups,rds,alb", "-e", "vpc_flow_logs=true", "-e", "alb_access_logs=true",
                     "-e", "alb_waf=true", "-e", "hasura_blog_secret_policies=true", "-e", f"hasura_blog_domain={DOMAIN}",
                     "-e", f"hasura_blog_hosted_zone={ZONE}", "-e", "alb_allow_plain_http=false")
        out.runs["prod's logs"] = run_playbook(emulator, deployer, PROD_LOGS_ENV, "site.yml", *prod_logs)
        emulator.enforce(False)
        out.account = emulator.client("sts").get_caller_identity()["Account"]
        # What the load balancer would have written: the teardown must empty the bucket first.
        bucket = f"{PROJECT}-{PROD_LOGS_ENV}-alb-logs-{out.account}-us-east-1"
        if out.runs["prod's logs"].rc == 0:
            emulator.client("s3").put_object(Bucket=bucket, Key=f"alb/AWSLogs/{out.account}/elasticloadbalancing/log.gz",
                                             Body=b"x")
        out.prod_logs = deployed(emulator.client, PROD_LOGS_ENV)
        out.records = records(emulator, out.zone)
        emulator.enforce(True)
        out.runs["teardown of prod's logs"] = run_playbook(emulator, deployer, PROD_LOGS_ENV, "playbooks/teardown.yml", *prod_logs)
        emulator.enforce(False)
        out.prod_logs_left = deployed(emulator.client, PROD_LOGS_ENV)
        out.records_left = records(emulator, out.zone)
        summary = {name: {"rc": run.rc, "seconds": round(run.seconds, 1), "actions": sorted(set(run.allowed)),
                          "denied": sorted(set(run.denied))} for name, run in out.runs.items()}
        print("\nactions per run under IAM enforcement:\n" + json.dumps(summary, indent=1))
        yield out
    finally:
        stop_emulator(emulator)


# ---------------------------------------------------------------------------------------------------------------
# The document itself


def test_policy_is_well_formed_and_fits_the_managed_policies_of_the_readme() -> None:
    document = policy()
    assert document["Version"] == "2012-10-17"
    sids = [s.get("Sid") for s in document["Statement"]]
    assert all(sids) and len(set(sids)) == len(sids), f"every statement needs a unique Sid: {sids}"
    for s in document["Statement"]:
        assert s["Effect"] == "Allow" and "NotAction" not in s and "NotResource" not in s, s["Sid"]
        for action in as_list(s["Action"]):
            assert action != "*" and not action.endswith(":*"), f"{s['Sid']} allows every action: {action}"
            assert re.fullmatch(r"[a-z0-9-]+:[A-Za-z0-9]+", action), f"{s['Sid']}: no wildcards in actions: {action}"
        resources = as_list(s["Resource"])
        if "*" in resources:
            assert resources == ["*"] and "WithoutResourceLevelPermissions" in s["Sid"], (
                f"{s['Sid']}: '*' only for actions without resource-level permissions, and the Sid says so")
        else:
            assert all(r.startswith("arn:aws:") for r in resources), s["Sid"]
        for key in ("ResourceTag", "RequestTag"):
            assert tag_condition(s, key) in (None, PROJECT), s["Sid"]
    # Each statement in exactly one part, each part within AWS's size of a managed policy.
    for s in document["Statement"]:
        assert sum(bool(re.match(rx, s["Sid"])) for rx in PARTS.values()) == 1, f"{s['Sid']} is in no part or in two"
    for name in PARTS:
        size = len(json.dumps(part(document, name), separators=(",", ":")))
        assert size <= MANAGED_POLICY_MAX_CHARS, f"part {name} has {size} characters; split it"


def test_the_narrow_statements_exist_and_cover_one_of_our_roles() -> None:
    """NARROW_STATEMENTS (exempt from the check that a statement leaves none of our resources of its kind out) names
    only statements of the policy, each scoped to the resources it names."""
    statements = {s["Sid"]: s for s in policy()["Statement"]}
    assert set(NARROW_STATEMENTS) <= set(statements)
    assert as_list(statements["IamPassOurRolesToVpcFlowLogsOnly"]["Resource"]) == [f"arn:aws:iam::*:role/{PROJECT}-*-vpc-flow-logs"]


def test_pass_role_and_service_linked_roles_are_limited() -> None:
    statements = policy()["Statement"]
    passing = [s for s in statements if "iam:PassRole" in as_list(s["Action"])]
    # Each passes our roles to one service only: the tasks' roles to ECS tasks, the flow logs' role to VPC Flow Logs.
    passed_to = {"ecs-tasks.amazonaws.com": f"arn:aws:iam::*:role/{PROJECT}-*",
                 "vpc-flow-logs.amazonaws.com": f"arn:aws:iam::*:role/{PROJECT}-*-vpc-flow-logs"}
    assert sorted(s["Condition"]["StringEquals"]["iam:PassedToService"] for s in passing) == sorted(passed_to)
    for statement in passing:
        service = statement["Condition"]["StringEquals"]["iam:PassedToService"]
        assert statement["Condition"] == {"StringEquals": {"iam:PassedToService": service, "aws:ResourceTag/Project": PROJECT}}
        assert as_list(statement["Resource"]) == [passed_to[service]]
    linked = [s for s in statements if "iam:CreateServiceLinkedRole" in as_list(s["Action"])]
    services = {"ecs.amazonaws.com", "elasticloadbalancing.amazonaws.com", "rds.amazonaws.com"}
    assert linked and all(set(s["Condition"]["StringEquals"]["iam:AWSServiceName"]) == services for s in linked)
    assert all(kind(r) == "iam:service-linked-role" for s in linked for r in as_list(s["Resource"]))


def test_moto_evaluable_form_keeps_every_action() -> None:
    document = policy()
    widened = moto_evaluable(document)
    assert actions(widened) == actions(document)
    assert all(s["Resource"] == "*" and "Condition" not in s for s in widened["Statement"])
    assert actions(moto_evaluable(document, without=MISSING_ACTION)) == actions(document) - {MISSING_ACTION}


def test_arn_wildcards_follow_iam() -> None:
    assert arn_matches("arn:aws:ecs:*:*:service/hasura-blog-*/hasura-blog-*",
                       "arn:aws:ecs:us-east-1:1:service/hasura-blog-x-cluster/hasura-blog-x-hasura")
    assert arn_matches("arn:aws:rds:*:*:db:hasura-blog-?", "arn:aws:rds:eu-west-1:1:db:hasura-blog-a")
    assert not arn_matches("arn:aws:rds:*:*:db:hasura-blog-?", "arn:aws:rds:eu-west-1:1:db:hasura-blog-ab")
    assert not arn_matches("arn:aws:rds:*:*:db:hasura-blog.*", "arn:aws:rds:eu-west-1:1:db:hasura-blogX")
    assert not arn_matches("arn:aws:iam::*:role/hasura-blog-*", "arn:aws:iam::1:role/Hasura-blog-x")


# ---------------------------------------------------------------------------------------------------------------
# Against the emulator with IAM enforced


def test_enforcement_denies_an_action_the_policy_lacks(results: Results) -> None:
    run = results.runs["denied"]
    assert run.rc != 0, "a deploy without ec2:CreateNatGateway succeeded: IAM enforcement is off"
    assert set(run.denied) == {MISSING_ACTION}, run.why("the deploy without ec2:CreateNatGateway")
    assert f"not authorized to perform: {MISSING_ACTION}" in run.output, run.output[-3000:]
    assert "ec2:CreateVpc" in run.allowed and "ec2:AllocateAddress" in run.allowed


def test_plan_of_an_empty_account_needs_nothing_else(results: Results) -> None:
    run = results.runs["plan of an empty account"]
    assert run.rc == 0 and not run.denied, run.why("site.yml --check --diff of an empty account")
    assert run.allowed, "no request was checked: was enforcement on?"


def test_the_logs_of_prod_need_nothing_else_and_are_scoped(results: Results) -> None:
    """The prod settings vpc_flow_logs, alb_access_logs, alb_waf and hasura_blog_secret_policies (the database's
    secret), deployed and torn down as the deployer: no denial, the
    policy's patterns for what they make match it (and nothing foreign), and the teardown leaves nothing."""
    for name in ("prod's logs", "teardown of prod's logs"):
        run = results.runs[name]
        assert run.rc == 0 and not run.denied, run.why(name)
    assert {"ec2:CreateFlowLogs", "s3:CreateBucket", "s3:PutBucketPolicy", "wafv2:CreateWebACL",
            "wafv2:AssociateWebACL", "secretsmanager:PutResourcePolicy", "acm:RequestCertificate",
            "route53:ChangeResourceRecordSets"} <= set(results.runs["prod's logs"].allowed)
    assert {"ec2:DeleteFlowLogs", "s3:DeleteObject", "s3:DeleteBucket", "wafv2:DeleteWebACL", "acm:DeleteCertificate"} <= \
        set(results.runs["teardown of prod's logs"].allowed)
    kinds = sorted({kind(arn) for arn in results.prod_logs})
    assert {"ec2:vpc", "ec2:vpc-flow-log", "iam:role", "logs:log-group", "s3:bucket", "s3:object",
            "wafv2:regional/webacl", "acm:certificate"} <= set(kinds), kinds
    assert scope_problems(results.prod_logs, results.account, PROD_LOGS_ENV, settings="prod") == []
    assert results.prod_logs_left == {}
    # HTTPS wrote the domain's alias record and the certificate's validation record; the teardown deleted both.
    assert sorted(kind for _name, kind in results.records) == ["A", "CNAME"], results.records
    assert (DOMAIN + ".", "A") in results.records
    assert results.records_left == []
