"""docs/iam/deployer-policy.json against the emulator: an emulator with IAM enforcement, its users, and what a
deploy created, for tests that run the playbooks as an IAM user that holds the deployer policy and nothing else.

The emulator is started with IAM enforcement switchable at run time (moto's ``INITIAL_NO_AUTH_ACTION_COUNT``, through
``POST /moto-api/reset-auth``): while it is off, admin calls create the users, policies and access keys; while it is
on, every request must be signed by an IAM user's key and allowed by that user's policies.

What moto can and cannot enforce (moto/iam/access_control.py, measured on moto 5.2.5):
- It checks the action of every request against the user's Allow and Deny statements.
- It checks most actions against the resource ``*``: a statement scoped to ARNs never matches (only S3, SQS, STS
  AssumeRole and IAM calls that name an existing role are checked against a real ARN).
- It ignores conditions when no request context reaches it, which is the case for every action the playbooks call.
- It does not check what AWS authorizes besides the call itself: tag-on-create (ec2:CreateTags, ecs:TagResource,
  ...), iam:PassRole, iam:CreateServiceLinkedRole. sts:GetCallerIdentity is always allowed.

So the policy is tested in three parts:
(a) the playbooks run as a user holding a moto-evaluable form of the policy (``moto_evaluable``: the same statements
    and actions, resources widened to ``*``, conditions dropped); a denied action fails the test with its name (read
    from the emulator's record, also when the task has no_log). tests/integration/test_services.py deploys, plans,
    upgrades, rotates and tears down that way, from the command line and as AWX jobs;
(b) a user whose policy lacks ec2:CreateNatGateway is denied exactly that action, which shows enforcement is on
    (test_deployer_policy.py);
(c) the scoping, checked without moto (``scope_problems``): every resource ARN pattern of the policy, with IAM's
    wildcards, matches the ARNs of what the deploy created, none of them leaves one of our resources out, none matches
    a foreign name, and every resource a tag condition applies to carries the tag.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import boto3

ROOT = Path(__file__).resolve().parents[2]
POLICY_FILE = ROOT / "docs" / "iam" / "deployer-policy.json"
PROJECT = "hasura-blog"
REGION = "us-east-1"
# The README creates one managed policy per part (a managed policy holds at most 6,144 characters without
# whitespace): the statements whose Sid matches.
PARTS = {"network": r"^(ReadOnly|Ec2)", "services": r"^(Elb|Ecs|Ecr|Logs)", "edge": r"^Edge",
         "iam-data": r"^(Iam|Rds|Secrets|Ssm)"}
MANAGED_POLICY_MAX_CHARS = 6144
MISSING_ACTION = "ec2:CreateNatGateway"
# Resource kinds that a local deploy does not create, so no deployed ARN can match their patterns.
NOT_CREATED_LOCALLY = {
    "iam:service-linked-role": "AWS creates AWSServiceRoleFor{ECS,ElasticLoadBalancing,RDS} on first use; moto never",
    "rds:snapshot": "a final snapshot is taken on teardown only where rds_final_snapshot is set (prod)",
    "ssm:parameter": "the deploy lock exists only while a run holds it",
    "ecr:repository": "the preflight reads the tags of images in ECR; the deploy creates no repository",
    "wafv2:regional/managedruleset": "AWS owns the managed rule groups the web ACL uses; moto has none",
    "route53:hostedzone": "the domain's hosted zone is the organisation's: the deploy only writes records in it",
    "route53:change": "a change of records, not a resource the deploy keeps",
}
# moto reports the action it denies in this form, in the error message of every service.
DENIED_MESSAGE = re.compile(r"is not authorized to perform: ([a-z0-9-]+:[A-Za-z0-9]+)")

# The emulator process: the project's launcher (``serve``, every patch), plus a record of each action that IAM
# enforcement allowed or denied. Recording only observes: nothing moto answers changes.
SERVE = """
import sys
from moto.iam import access_control
port, record = sys.argv[1], sys.argv[2]
check = access_control.IAMRequestBase.check_action_permitted
def recorded(self, resource):
    try:
        check(self, resource)
    except Exception:
        with open(record, "a") as out:
            out.write("denied " + self._action + "\\n")
        raise
    with open(record, "a") as out:
        out.write("allowed " + self._action + "\\n")
access_control.IAMRequestBase.check_action_permitted = recorded
from tests.emulator.__main__ import main
sys.exit(main(["serve", "--port", port]))
"""


def policy() -> dict:
    return json.loads(POLICY_FILE.read_text())


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def actions(document: dict) -> set[str]:
    return {a for s in document["Statement"] for a in as_list(s["Action"])}


def part(document: dict, name: str) -> dict:
    return {"Version": document["Version"],
            "Statement": [s for s in document["Statement"] if re.match(PARTS[name], s["Sid"])]}


def moto_evaluable(document: dict, without: str | None = None) -> dict:
    """The same statements and actions, with what moto cannot evaluate taken out: resources widened to "*" and
    conditions dropped (moto would check a scoped statement against "*" and never match it)."""
    statements = []
    for s in document["Statement"]:
        kept = sorted(set(as_list(s["Action"])) - {without})
        if kept:
            statements.append({"Sid": s["Sid"], "Effect": s["Effect"], "Action": kept, "Resource": "*"})
    return {"Version": document["Version"], "Statement": statements}


def arn_matches(pattern: str, arn: str) -> bool:
    """IAM's wildcards in a Resource element: * is any run of characters (also / and :), ? is one character."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, arn, re.DOTALL) is not None


def kind(arn: str) -> str:
    """service:resource-type of an ARN or ARN pattern (the wildcards of our patterns come after the type)."""
    parts = arn.split(":", 5)
    service, resource = parts[2], parts[5]
    if service == "iam" and resource.startswith("role/aws-service-role/"):
        return "iam:service-linked-role"
    if service == "s3":
        return "s3:object" if "/" in resource else "s3:bucket"
    if service == "wafv2":
        return f"wafv2:{'/'.join(resource.split('/')[:2])}"
    return f"{service}:{re.match(r'(loadbalancer/app|listener/app|listener-rule/app|[a-z-]+)', resource).group(1)}"


def tag_condition(statement: dict, key: str) -> str | None:
    return statement.get("Condition", {}).get("StringEquals", {}).get(f"aws:{key}/Project")


# ---------------------------------------------------------------------------------------------------------------
# The emulator with IAM enforcement, the users, and the playbook runs


@dataclass
class Run:
    rc: int
    output: str
    seconds: float
    allowed: list[str]
    denied: list[str]

    def why(self, what: str) -> str:
        denied = sorted(set(self.denied) | set(DENIED_MESSAGE.findall(self.output)))
        return (f"{what} failed as the deployer (rc {self.rc}). Denied actions missing from "
                f"{POLICY_FILE.relative_to(ROOT)}: {', '.join(denied) or 'none (another failure)'}\n--- last lines ---\n"
                + "\n".join(self.output.splitlines()[-40:]))


@dataclass
class Emulator:
    port: int
    record: Path
    process: subprocess.Popen

    def enforce(self, on: bool) -> None:
        """IAM enforcement on (every request checked) or off (no request checked), through moto's reset-auth."""
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/moto-api/reset-auth", method="POST",
                                         data=b"0" if on else b"inf", headers={"Content-Type": "text/plain"})
        with urllib.request.urlopen(request, timeout=30) as reply:
            assert reply.status == 200

    def client(self, service: str, key: tuple[str, str] = ("emulator", "emulator")):
        return boto3.client(service, endpoint_url=f"http://127.0.0.1:{self.port}", region_name=REGION,
                            aws_access_key_id=key[0], aws_secret_access_key=key[1])

    def records(self) -> list[str]:
        return self.record.read_text().splitlines() if self.record.exists() else []


def start_emulator(run_dir: Path) -> Emulator:
    from tests.emulator.__main__ import answers, free_port

    port = free_port()
    record = run_dir / "iam-record.txt"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "INITIAL_NO_AUTH_ACTION_COUNT"}
    with open(run_dir / "emulator.log", "ab") as log:
        process = subprocess.Popen([sys.executable, "-c", SERVE, str(port), str(record)], cwd=ROOT, env=env,
                                   stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
    deadline = time.monotonic() + 90
    while not answers(port):
        assert process.poll() is None, f"the emulator exited; see {run_dir / 'emulator.log'}"
        assert time.monotonic() < deadline, f"the emulator did not answer; see {run_dir / 'emulator.log'}"
        time.sleep(0.3)
    return Emulator(port, record, process)


def stop_emulator(emulator: Emulator) -> None:
    if emulator.process.poll() is None:
        os.killpg(emulator.process.pid, signal.SIGTERM)
        try:
            emulator.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(emulator.process.pid, signal.SIGKILL)
            emulator.process.wait()


def create_user(emulator: Emulator, name: str, document: dict) -> tuple[str, str]:
    """An IAM user holding the parts of ``document`` as managed policies, as docs/iam/README.md sets it up."""
    iam = emulator.client("iam")
    iam.create_user(UserName=name)
    for part_name in PARTS:
        statements = part(document, part_name)
        if statements["Statement"]:
            arn = iam.create_policy(PolicyName=f"{name}-{part_name}",
                                    PolicyDocument=json.dumps(statements))["Policy"]["Arn"]
            iam.attach_user_policy(UserName=name, PolicyArn=arn)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return key["AccessKeyId"], key["SecretAccessKey"]


def run_playbook(emulator: Emulator, key: tuple[str, str], env_name: str, path: str, *args: str) -> Run:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ANSIBLE_"))}
    env.update(AWS_EMULATOR_PORT=str(emulator.port), ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_FORCE_COLOR="0",
               PATH=f"{Path(sys.executable).parent}:{env.get('PATH', '')}",
               # Anything that reads credentials from the environment instead of module_defaults gets the same user.
               AWS_ACCESS_KEY_ID=key[0], AWS_SECRET_ACCESS_KEY=key[1])
    before = len(emulator.records())
    started = time.monotonic()
    result = subprocess.run(
        [str(Path(sys.executable).parent / "ansible-playbook"), path, "-i", "inventories/local",
         "-e", f"hasura_blog_env={env_name}", "-e", f"hasura_blog_secrets_file={ROOT / 'secrets/local.yml'}",
         "-e", f"hasura_blog_aws_access_key={key[0]}",
         "-e", f"hasura_blog_aws_secret_key={key[1]}", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    seconds = time.monotonic() - started
    new = emulator.records()[before:]
    return Run(result.returncode, result.stdout + result.stderr, seconds,
               [line.split()[1] for line in new if line.startswith("allowed ")],
               [line.split()[1] for line in new if line.startswith("denied ")])


# ---------------------------------------------------------------------------------------------------------------
# What the deploy created, read back with enforcement off: ARN -> tags


def deployed(aws, env_name: str) -> dict[str, dict[str, str]]:
    """What environment ``env_name`` holds, ARN to tags, read with ``aws(service)`` clients that may read everything."""
    account = aws("sts").get_caller_identity()["Account"]
    prefix = f"{PROJECT}-{env_name}-"
    found: dict[str, dict[str, str]] = {}

    def tags(items, key="Key", value="Value") -> dict[str, str]:
        return {t[key]: t[value] for t in items or []}

    ec2 = aws("ec2")
    ours = [{"Name": "tag:Environment", "Values": [env_name]}]
    ec2_arn = f"arn:aws:ec2:{REGION}:{account}:"
    for item in ec2.describe_vpcs(Filters=ours)["Vpcs"]:
        found[f"{ec2_arn}vpc/{item['VpcId']}"] = tags(item.get("Tags"))
    for item in ec2.describe_subnets(Filters=ours)["Subnets"]:
        found[f"{ec2_arn}subnet/{item['SubnetId']}"] = tags(item.get("Tags"))
    for item in ec2.describe_internet_gateways(Filters=ours)["InternetGateways"]:
        found[f"{ec2_arn}internet-gateway/{item['InternetGatewayId']}"] = tags(item.get("Tags"))
    for item in ec2.describe_route_tables(Filters=ours)["RouteTables"]:
        found[f"{ec2_arn}route-table/{item['RouteTableId']}"] = tags(item.get("Tags"))
    groups = ec2.describe_security_groups(Filters=ours)["SecurityGroups"]
    for item in groups:
        found[f"{ec2_arn}security-group/{item['GroupId']}"] = tags(item.get("Tags"))
    if groups:
        rules = ec2.describe_security_group_rules(
            Filters=[{"Name": "group-id", "Values": [g["GroupId"] for g in groups]}])["SecurityGroupRules"]
        for item in rules:
            found[f"{ec2_arn}security-group-rule/{item['SecurityGroupRuleId']}"] = tags(item.get("Tags"))
    for item in ec2.describe_nat_gateways(Filters=ours)["NatGateways"]:
        if item["State"] in ("pending", "available"):
            found[f"{ec2_arn}natgateway/{item['NatGatewayId']}"] = tags(item.get("Tags"))
    for item in ec2.describe_addresses(Filters=ours)["Addresses"]:
        found[f"{ec2_arn}elastic-ip/{item['AllocationId']}"] = tags(item.get("Tags"))
    for item in ec2.describe_network_acls(Filters=ours)["NetworkAcls"]:
        found[f"{ec2_arn}network-acl/{item['NetworkAclId']}"] = tags(item.get("Tags"))
    vpc_ids = [arn.rsplit("/", 1)[1] for arn in found if arn.startswith(f"{ec2_arn}vpc/")]
    if vpc_ids:
        for item in ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": vpc_ids}])["FlowLogs"]:
            found[f"{ec2_arn}vpc-flow-log/{item['FlowLogId']}"] = tags(item.get("Tags"))

    elb = aws("elbv2")
    lb_arns = [lb["LoadBalancerArn"] for lb in elb.describe_load_balancers()["LoadBalancers"]
               if lb["LoadBalancerName"].startswith(prefix)]
    tg_arns = [tg["TargetGroupArn"] for tg in elb.describe_target_groups()["TargetGroups"]
               if tg["TargetGroupName"].startswith(prefix)]
    if lb_arns or tg_arns:
        for item in elb.describe_tags(ResourceArns=lb_arns + tg_arns)["TagDescriptions"]:
            found[item["ResourceArn"]] = tags(item["Tags"])
    for lb_arn in lb_arns:
        for listener in elb.describe_listeners(LoadBalancerArn=lb_arn)["Listeners"]:
            found[listener["ListenerArn"]] = {}
            for rule in elb.describe_rules(ListenerArn=listener["ListenerArn"])["Rules"]:
                found[rule["RuleArn"]] = {}

    ecs = aws("ecs")
    clusters = ecs.describe_clusters(clusters=[f"{prefix}cluster"])["clusters"]
    for cluster in [c for c in clusters if c["status"] == "ACTIVE"]:
        found[cluster["clusterArn"]] = {}
        services = ecs.list_services(cluster=cluster["clusterArn"])["serviceArns"]
        if services:
            for service in ecs.describe_services(cluster=cluster["clusterArn"], services=services)["services"]:
                if service["status"] == "ACTIVE":
                    found[service["serviceArn"]] = {}
    for family in ("hasura", "nextjs"):
        found.update(dict.fromkeys(ecs.list_task_definitions(familyPrefix=f"{prefix}{family}", status="ACTIVE")
                                   ["taskDefinitionArns"], {}))
    for arn in [a for a in found if a.startswith("arn:aws:ecs:")]:
        found[arn] = tags(ecs.list_tags_for_resource(resourceArn=arn)["tags"], "key", "value")

    rds = aws("rds")
    for item in rds.describe_db_instances()["DBInstances"]:
        if item["DBInstanceIdentifier"].startswith(prefix):
            found[item["DBInstanceArn"]] = tags(item.get("TagList"))
            for group in item.get("DBParameterGroups", []):
                arn = f"arn:aws:rds:{REGION}:{account}:pg:{group['DBParameterGroupName']}"
                found[arn] = tags(rds.list_tags_for_resource(ResourceName=arn)["TagList"]) \
                    if group["DBParameterGroupName"].startswith(prefix) else {}
            for group in item.get("OptionGroupMemberships", []):
                found[f"arn:aws:rds:{REGION}:{account}:og:{group['OptionGroupName']}"] = {}
    for item in rds.describe_db_subnet_groups()["DBSubnetGroups"]:
        if item["DBSubnetGroupName"].startswith(prefix):
            arn = item["DBSubnetGroupArn"]
            found[arn] = tags(rds.list_tags_for_resource(ResourceName=arn)["TagList"])

    iam = aws("iam")
    for role in iam.list_roles()["Roles"]:
        if role["RoleName"].startswith(prefix):
            found[role["Arn"]] = tags(iam.get_role(RoleName=role["RoleName"])["Role"].get("Tags"))

    logs = aws("logs")
    groups = [group for top in ("ecs", "vpc") for group in
              logs.describe_log_groups(logGroupNamePrefix=f"/{top}/{prefix[:-1]}/")["logGroups"]]
    for group in groups:
        group_tags = logs.list_tags_log_group(logGroupName=group["logGroupName"])["tags"]
        # AWS evaluates log-group actions against both forms: ...:log-group:NAME and ...:log-group:NAME:*
        found[f"arn:aws:logs:{REGION}:{account}:log-group:{group['logGroupName']}"] = group_tags
        found[f"arn:aws:logs:{REGION}:{account}:log-group:{group['logGroupName']}:*"] = group_tags

    wafv2 = aws("wafv2")
    for acl in wafv2.list_web_acls(Scope="REGIONAL")["WebACLs"]:
        if acl["Name"].startswith(prefix):
            found[acl["ARN"]] = tags(wafv2.list_tags_for_resource(ResourceARN=acl["ARN"])["TagInfoForResource"].get("TagList"))

    # The domain's ACM certificates (HTTPS), found by their tags as the alb role finds them.
    acm = aws("acm")
    for item in acm.list_certificates()["CertificateSummaryList"]:
        cert_tags = tags(acm.list_tags_for_certificate(CertificateArn=item["CertificateArn"]).get("Tags"))
        if cert_tags.get("Environment") == env_name:
            found[item["CertificateArn"]] = cert_tags

    # The access logs' bucket, and an object in it (what the teardown empties).
    s3 = aws("s3")
    for bucket in s3.list_buckets()["Buckets"]:
        if bucket["Name"].startswith(f"{prefix}alb-logs-"):
            found[f"arn:aws:s3:::{bucket['Name']}"] = tags(s3.get_bucket_tagging(Bucket=bucket["Name"]).get("TagSet"))
            for item in s3.list_objects_v2(Bucket=bucket["Name"]).get("Contents", []):
                found[f"arn:aws:s3:::{bucket['Name']}/{item['Key']}"] = {}

    secrets = aws("secretsmanager")
    for item in secrets.list_secrets()["SecretList"]:
        if item["Name"].startswith(f"{PROJECT}/{env_name}/"):
            found[item["ARN"]] = tags(item.get("Tags"))

    # The records of the day-2 playbooks (the deploy lock is released at the end of every run).
    ssm = aws("ssm")
    for item in ssm.describe_parameters(ParameterFilters=[{"Key": "Name", "Option": "BeginsWith",
                                                           "Values": [f"/{PROJECT}/{env_name}/"]}])["Parameters"]:
        found[f"arn:aws:ssm:{REGION}:{account}:parameter{item['Name']}"] = tags(
            ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId=item["Name"])["TagList"])
    return found


def foreign_arns(account: str, env: str) -> list[str]:
    """ARNs of things named like ours but not ours: no scoped pattern may match them."""
    return [
        f"arn:aws:iam::{account}:role/other-ecs-execution",
        # The deployer's own role, as docs/iam/README.md names it: outside the pattern, so it cannot adopt itself.
        f"arn:aws:iam::{account}:role/awx-{PROJECT}-deployer",
        f"arn:aws:iam::{account}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling",
        f"arn:aws:secretsmanager:{REGION}:{account}:secret:other/{env}/jwt-key-AbCdEf",
        f"arn:aws:secretsmanager:{REGION}:{account}:secret:{PROJECT}-{env}-jwt-key-AbCdEf",
        f"arn:aws:logs:{REGION}:{account}:log-group:/ecs/other-{env}/hasura",
        f"arn:aws:logs:{REGION}:{account}:log-group:/vpc/other-{env}/flow-logs",
        f"arn:aws:s3:::other-{env}-alb-logs-{account}-{REGION}",
        f"arn:aws:s3:::{PROJECT}-{env}-data",
        f"arn:aws:wafv2:{REGION}:{account}:regional/webacl/other-{env}-waf/0123",
        f"arn:aws:wafv2:{REGION}:{account}:regional/webacl/{PROJECT}-{env}-api/0123",
        f"arn:aws:iam::{account}:role/other-{env}-vpc-flow-logs",
        f"arn:aws:logs:{REGION}:{account}:log-group:/aws/lambda/{PROJECT}-{env}",
        f"arn:aws:rds:{REGION}:{account}:db:other-postgres",
        f"arn:aws:rds:{REGION}:{account}:subgrp:other-db-subnets",
        f"arn:aws:rds:{REGION}:{account}:pg:custom-postgres15",
        f"arn:aws:ecs:{REGION}:{account}:cluster/other-cluster",
        f"arn:aws:ecs:{REGION}:{account}:service/other-cluster/{PROJECT}-{env}-hasura",
        f"arn:aws:ecs:{REGION}:{account}:task-definition/other-hasura:1",
        f"arn:aws:elasticloadbalancing:{REGION}:{account}:loadbalancer/app/other-alb/0123456789abcdef",
        f"arn:aws:elasticloadbalancing:{REGION}:{account}:targetgroup/other-tg/0123456789abcdef",
        f"arn:aws:elasticloadbalancing:{REGION}:{account}:listener/app/other-alb/0123456789abcdef/0123456789abcdef",
    ]


# Patterns of what only the prod settings create (flow logs, access logs, WAF, HTTPS's certificate): a local deploy leaves them unmatched, and
# test_deployer_policy.py deploys them as the deployer and checks their scoping (scope_problems(..., settings="prod")).
PROD_ONLY_PATTERNS = ("arn:aws:ec2:*:*:vpc-flow-log/*", "arn:aws:logs:*:*:log-group:/vpc/hasura-blog-*",
                      "arn:aws:iam::*:role/hasura-blog-*-vpc-flow-logs", "arn:aws:s3:::hasura-blog-*-alb-logs-*",
                      "arn:aws:s3:::hasura-blog-*-alb-logs-*/*", "arn:aws:wafv2:*:*:regional/webacl/hasura-blog-*-waf/*",
                      "arn:aws:acm:*:*:certificate/*")
PROD_ONLY_KINDS = ("ec2:vpc-flow-log", "s3:bucket", "s3:object", "wafv2:regional/webacl", "acm:certificate")
# Statements that cover one of our resources of a kind on purpose, not all of them: the check that no statement
# leaves one of our resources of its kind out does not apply to them.
NARROW_STATEMENTS = {
    "IamPassOurRolesToVpcFlowLogsOnly": "passes the flow logs' role to VPC Flow Logs, and no other of our roles",
}

# Kinds of resource the deploy must have created for the scoping check to mean anything.
CREATED_KINDS = ("ec2:vpc", "ec2:subnet", "ec2:internet-gateway", "ec2:route-table", "ec2:security-group", "ec2:network-acl",
                 "ec2:natgateway", "ec2:elastic-ip", "elasticloadbalancing:loadbalancer/app",
                 "elasticloadbalancing:listener/app", "elasticloadbalancing:targetgroup", "ecs:cluster", "ecs:service",
                 "ecs:task-definition", "rds:db", "rds:subgrp", "rds:pg", "rds:og", "iam:role", "logs:log-group",
                 "secretsmanager:secret")


def scope_problems(arns: dict[str, dict[str, str]], account: str, env: str, settings: str = "local") -> list[str]:
    """What is wrong with the policy's resource scoping for the resources ``arns`` (ARN to tags) of a deploy with the
    ``settings`` of the local inventory (every pattern but PROD_ONLY_PATTERNS must match something), or of prod
    (the deploy of the vpc role with vpc_flow_logs: PROD_ONLY_PATTERNS must)."""
    kinds = {kind(arn) for arn in arns}
    expected_kinds = CREATED_KINDS if settings == "local" else PROD_ONLY_KINDS
    problems = [f"the deploy created no {expected}, or it could not be read back: {sorted(kinds)}"
                for expected in expected_kinds if expected not in kinds]
    scoped = [s for s in policy()["Statement"] if as_list(s["Resource"]) != ["*"]]
    for s in scoped:
        patterns = as_list(s["Resource"])
        for pattern in patterns:
            expected = pattern not in PROD_ONLY_PATTERNS if settings == "local" else pattern in PROD_ONLY_PATTERNS
            if expected and kind(pattern) not in NOT_CREATED_LOCALLY and not any(arn_matches(pattern, arn) for arn in arns):
                problems.append(f"{s['Sid']}: {pattern} matches nothing the deploy created")
        # None of our resources is left out by a statement that scopes its kind (unless it is narrow on purpose).
        for arn, tags in arns.items():
            same_kind = [p for p in patterns if kind(p) == kind(arn)]
            if same_kind and s["Sid"] not in NARROW_STATEMENTS and not any(arn_matches(p, arn) for p in same_kind):
                problems.append(f"{s['Sid']}: {arn} is ours but matches none of {same_kind}")
            # A statement with a ResourceTag condition applies to our resources only if they carry the tag.
            if any(arn_matches(p, arn) for p in patterns) and tag_condition(s, "ResourceTag"):
                if tags.get("Project") != tag_condition(s, "ResourceTag"):
                    problems.append(f"{s['Sid']}: {arn} lacks Project={PROJECT}; its tags: {tags}")
        for arn in foreign_arns(account, env):
            if any(arn_matches(p, arn) for p in patterns if kind(p) != "ec2:security-group-rule"):
                problems.append(f"{s['Sid']}: matches the foreign {arn}")
    return problems


def administrator(emulator: Emulator) -> tuple[str, str]:
    """A user allowed everything, for a test's own calls while enforcement is on."""
    return create_user(emulator, "administrator", {"Version": "2012-10-17", "Statement": [
        {"Sid": "IamEverything", "Effect": "Allow", "Action": "*", "Resource": "*"}]})


def denied_since(emulator: Emulator, mark: int) -> list[str]:
    """The actions IAM enforcement denied since ``mark`` (a length of ``emulator.records()``)."""
    return sorted({line.split()[1] for line in emulator.records()[mark:] if line.startswith("denied ")})
