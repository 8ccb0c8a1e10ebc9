"""Bad input: one clear error before the first write, and nothing created.

All bad inputs run in one ansible-playbook run of site.yml, at -vvv: a temporary inventory adds one host per case to
the group hasura_blog, each with its own hasura_blog_env (so that no name, lock or tag collides) and its bad
variables as host variables, as `-e name=value` would give them (numbers as strings). Each host must fail with its
own message, change nothing, and print no secret; afterwards nothing of any case exists in the emulator.

The preflight checks (AZs the region offers, the task definitions rendered, ECR image tags) run in site.yml's
pre_tasks after validation, read-only and before the first write.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
import yaml

from tests.integration.conftest import ROOT, local_secrets, playbook_command

PROJECT = "hasura-blog"
# The ECR repository the image cases use: it holds the tag v1 and nothing else.
ECR_ACCOUNT = "123456789012"
ECR_REPOSITORY = "hasura-blog-it/nextjs"
ECR_IMAGE = f"{ECR_ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/{ECR_REPOSITORY}"
BAD_PASSWORD = "Bad/Pass@Word-1"  # RDS forbids / and @; it must never be printed
SECRETS = {"hasura_blog_db_password", "hasura_blog_admin_secret", "hasura_blog_jwt_key", "hasura_blog_nextauth_secret",
           "hasura_blog_registry_username", "hasura_blog_registry_password"}


@dataclass(frozen=True)
class Case:
    host: str
    variables: dict
    message: str
    preflight: bool = False  # fails in a preflight, after validation
    also: tuple[str, ...] = field(default=())  # more text its message must hold


CASES = [
    # The availability zones: in the region, at least two, distinct; offered by the region (preflight).
    Case("az-outside-region", {"hasura_blog_azs": ["us-east-1a", "us-west-2b"]},
         "hasura_blog_azs: us-west-2b is not an availability zone of us-east-1"),
    Case("az-single", {"hasura_blog_azs": ["us-east-1a"], "vpc_public_subnet_cidrs": ["10.0.0.0/24"],
                       "vpc_private_subnet_cidrs": ["10.0.10.0/24"], "nat_gateway_count": 1},
         "hasura_blog_azs is [us-east-1a]; it needs at least two availability zones"),
    Case("az-duplicate", {"hasura_blog_azs": ["us-east-1a", "us-east-1a"]},
         "hasura_blog_azs lists us-east-1a more than once"),
    Case("az-not-offered", {"hasura_blog_azs": ["us-east-1a", "us-east-1z"]},
         "hasura_blog_azs holds us-east-1z, which us-east-1 does not offer", preflight=True,
         also=("It offers us-east-1a, us-east-1b",)),
    Case("region-is-an-az", {"hasura_blog_aws_region": "us-east-1a"},
         "hasura_blog_aws_region is us-east-1a; it must be an AWS region code", also=("the region is us-east-1",)),
    # Names: hasura_blog_env of 11 characters makes a target group name of 33.
    Case("env-too-long", {"hasura_blog_env": "vtoolongenv"},
         "hasura_blog_env vtoolongenv is 11 characters; with hasura_blog_project hasura-blog (11 characters) it must "
         "be 1-10 characters", also=("hasura-blog-vtoolongenv-nextjs-tg", "AWS's 32 (ELBv2 CreateTargetGroup Name)")),
    # RDS.
    Case("windows-overlap", {"rds_backup_window": "04:30-05:30"},
         "rds_backup_window 04:30-05:30 (every day) overlaps rds_maintenance_window mon:04:00-mon:05:00"),
    Case("windows-overlap-week-wrap", {"rds_backup_window": "00:00-01:00", "rds_maintenance_window": "sun:23:30-mon:00:30"},
         "rds_backup_window 00:00-01:00 (every day) overlaps rds_maintenance_window sun:23:30-mon:00:30"),
    Case("backup-window-format", {"rds_backup_window": "3-4"}, "rds_backup_window 3-4 is not hh24:mi-hh24:mi"),
    Case("backup-retention-36", {"rds_backup_retention_days": "36"},
         "rds_backup_retention_days is 36; it must be 0-35 (RDS BackupRetentionPeriod)"),
    Case("storage-10", {"rds_allocated_storage": 10},
         "rds_allocated_storage is 10; it must be 20-65536 (RDS AllocatedStorage in GiB for gp3 storage"),
    Case("storage-max-below", {"rds_allocated_storage": "100", "rds_max_allocated_storage": "20"},
         "rds_max_allocated_storage is 20; with rds_allocated_storage 100 it must be 110-65536"),
    Case("engine-version-float", {"rds_engine_version": 15.1},
         "rds_engine_version is the number 15.1; quote it as a string"),
    Case("engine-version-retired", {"rds_engine_version": "15.4"},
         "rds_engine_version 15.4 is not offered for new PostgreSQL instances in us-east-1", preflight=True,
         also=("AWS offers 15.13, 15.14, 15.15",)),
    Case("master-username-reserved", {"rds_master_username": "user"}, "rds_master_username user is reserved"),
    Case("password-forbidden-char", {"hasura_blog_db_password": BAD_PASSWORD},
         'hasura_blog_db_password contains a character RDS forbids (/ " @ or space)'),
    Case("secrets-missing", {"hasura_blog_jwt_key": "", "hasura_blog_nextauth_secret": ""},
         "missing secrets: hasura_blog_jwt_key, hasura_blog_nextauth_secret. They belong in the vault-encrypted "
         "secrets/{env}.yml (or the file hasura_blog_secrets_file names): create it with make secrets ENV={env}"),
    # Types: a string where a number belongs, a list where a string belongs, a word where a number belongs.
    Case("type-string-for-number", {"rds_allocated_storage": "lots"},
         "rds_allocated_storage is the string 'lots'; it must be a whole number"),
    Case("type-list-for-string", {"rds_instance_class": ["db.t3.micro"]},
         "rds_instance_class is a list; it must be a string"),
    Case("type-word-for-number", {"nat_gateway_count": "two"},
         "nat_gateway_count is the string 'two'; it must be a whole number"),
    # Network.
    Case("nat-count-3", {"nat_gateway_count": 3},
         "nat_gateway_count is 3; it must be 1 (a single NAT gateway) or 2 (one per AZ)"),
    Case("subnet-outside-vpc", {"vpc_private_subnet_cidrs": ["10.0.10.0/24", "10.1.0.0/24"]},
         "vpc_private_subnet_cidrs: 10.1.0.0/24 is not inside the VPC CIDR 10.0.0.0/16"),
    Case("port-70000", {"security_groups_alb_ports": [80, 70000]},
         "security_groups_alb_ports: port 70000 is not a TCP port (1-65535)"),
    # Load balancer.
    Case("six-hasura-paths", {"alb_hasura_paths": ["/a", "/b", "/c", "/d", "/e", "/f"]},
         "alb_hasura_paths has 6 path patterns; it needs one to five"),
    Case("deregistration-delay", {"alb_deregistration_delay": "3601"},
         "alb_deregistration_delay is 3601; it must be 0-3600"),
    Case("prod-without-domain", {"alb_allow_plain_http": False},
         "hasura_blog_domain is not set, and alb_allow_plain_http is false: this environment serves HTTPS only"),
    Case("domain-outside-zone", {"hasura_blog_domain": "blog.example.com", "hasura_blog_hosted_zone": "example.org"},
         "hasura_blog_hosted_zone is 'example.org'; it must be the name of the Route53 hosted zone that holds blog.example.com"),
    # ECS.
    Case("log-retention-8", {"ecs_cluster_log_retention_days": "8"},
         "ecs_cluster_log_retention_days is 8; it must be one of 1, 3, 5, 7, 14"),
    Case("image-with-space", {"ecs_services_nextjs_image": "hasura-blog/nextjs: demo"},
         "ecs_services_nextjs_image 'hasura-blog/nextjs: demo' contains whitespace"),
    Case("min-healthy-150", {"ecs_services_minimum_healthy_percent": "150"},
         "ecs_services_minimum_healthy_percent is 150; it must be 0-100"),
    Case("deployment-no-room", {"ecs_services_maximum_percent": "100"},
         "ecs_services_maximum_percent 100 and ecs_services_minimum_healthy_percent 100 leave no room"),
    Case("cpu-memory-pair", {"ecs_services_cpu": "512", "ecs_services_memory": "8192"},
         "does not render: memory 8192 does not fit cpu 512 on Fargate", preflight=True,
         also=("ecs_services_cpu (512), ecs_services_memory (8192)",)),
    Case("ecr-tag-missing", {"ecs_services_nextjs_image": f"{ECR_IMAGE}:v2"},
         f"ecs_services_nextjs_image is {ECR_IMAGE}:v2, but the tag v2 is not in the ECR repository {ECR_REPOSITORY}",
         preflight=True),
]
# Each case gets its own environment, v01, v02, ... unless it sets hasura_blog_env.
ENVS = {case.host: case.variables.get("hasura_blog_env", f"v{index:02d}") for index, case in enumerate(CASES, 1)}
assert len(set(ENVS.values())) == len(ENVS)


def fatal_messages(output: str) -> dict[str, list[str]]:
    """host -> the msg of each of its failed tasks (the run prints results as JSON)."""
    decoder = json.JSONDecoder()
    messages: dict[str, list[str]] = {}
    for match in re.finditer(r"^fatal: \[([^\]]+)\]: FAILED! => ", output, re.MULTILINE):
        result, _end = decoder.raw_decode(output, match.end())
        messages.setdefault(match.group(1), []).append(str(result.get("msg", result)))
    return messages


def recap(output: str) -> dict[str, dict[str, int]]:
    """host -> its counts in the PLAY RECAP."""
    counts = {}
    for line in output.split("PLAY RECAP")[-1].splitlines():
        match = re.match(r"^(\S+)\s+:\s+(.*)$", line)
        if match:
            counts[match.group(1)] = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", match.group(2))}
    return counts


def leftovers(aws, envs: list[str]) -> list[str]:
    """Anything in the emulator that a run of one of these environments would have made."""
    prefixes = [f"{PROJECT}-{env}-" for env in envs]
    tag_filter = [{"Name": "tag:Environment", "Values": envs}]
    ec2 = aws("ec2")
    found = [f"VPC {v['VpcId']}" for v in ec2.describe_vpcs(Filters=tag_filter)["Vpcs"]]
    found += [f"subnet {s['SubnetId']}" for s in ec2.describe_subnets(Filters=tag_filter)["Subnets"]]
    found += [f"EIP {a['AllocationId']}" for a in ec2.describe_addresses(Filters=tag_filter)["Addresses"]]
    found += [f"NAT gateway {n['NatGatewayId']}" for n in ec2.describe_nat_gateways()["NatGateways"]
              if any(t["Key"] == "Environment" and t["Value"] in envs for t in n.get("Tags", []))]
    found += [f"security group {g['GroupName']}" for g in ec2.describe_security_groups()["SecurityGroups"]
              if g["GroupName"].startswith(tuple(prefixes))]
    found += [f"SSM parameter {p['Name']}" for p in aws("ssm").describe_parameters()["Parameters"]
              if any(f"/{env}/" in p["Name"] for env in envs)]
    found += [f"secret {s['Name']}" for s in aws("secretsmanager").list_secrets()["SecretList"]
              if s["Name"].startswith(tuple(f"{PROJECT}/{env}/" for env in envs))]
    found += [f"log group {g['logGroupName']}" for g in aws("logs").describe_log_groups()["logGroups"]
              if g["logGroupName"].startswith(tuple(f"/ecs/{PROJECT}-{env}/" for env in envs))]
    found += [f"cluster {arn}" for arn in aws("ecs").list_clusters()["clusterArns"]
              if arn.rsplit("/", 1)[-1].startswith(tuple(prefixes))]
    found += [f"task definition family {f}" for f in aws("ecs").list_task_definition_families()["families"]
              if f.startswith(tuple(prefixes))]
    found += [f"DB instance {d['DBInstanceIdentifier']}" for d in aws("rds").describe_db_instances()["DBInstances"]
              if d["DBInstanceIdentifier"].startswith(tuple(prefixes))]
    found += [f"DB subnet group {g['DBSubnetGroupName']}" for g in aws("rds").describe_db_subnet_groups()["DBSubnetGroups"]
              if g["DBSubnetGroupName"].startswith(tuple(prefixes))]
    found += [f"load balancer {lb['LoadBalancerName']}" for lb in aws("elbv2").describe_load_balancers()["LoadBalancers"]
              if lb["LoadBalancerName"].startswith(tuple(prefixes))]
    found += [f"target group {tg['TargetGroupName']}" for tg in aws("elbv2").describe_target_groups()["TargetGroups"]
              if tg["TargetGroupName"].startswith(tuple(prefixes))]
    found += [f"IAM role {r['RoleName']}" for r in aws("iam").list_roles()["Roles"]
              if r["RoleName"].startswith(tuple(prefixes))]
    return found


@pytest.fixture(scope="module")
def bad_run(port: int, aws, tmp_path_factory) -> Iterator[dict]:
    """One run of site.yml at -vvv with one host per case; its output, messages by host and recap by host."""
    directory = tmp_path_factory.mktemp("bad-input")
    ecr = aws("ecr")
    ecr.create_repository(repositoryName=ECR_REPOSITORY)
    ecr.put_image(repositoryName=ECR_REPOSITORY, imageTag="v1", imageManifest=json.dumps(
        {"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
         "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 2,
                    "digest": "sha256:" + "0" * 64}, "layers": []}))
    # Secrets come from the environment's secrets file (a vault in real life), not the inventory: each host gets the
    # local secrets with its case's changes.
    hosts = {}
    for case in CASES:
        secrets = {**local_secrets(), **{k: v for k, v in case.variables.items() if k in SECRETS}}
        (directory / f"{case.host}-secrets.yml").write_text(yaml.safe_dump(secrets))
        hosts[case.host] = {"ansible_connection": "local", "ansible_python_interpreter": sys.executable,
                            **{k: v for k, v in case.variables.items() if k not in SECRETS},
                            "hasura_blog_env": ENVS[case.host],
                            "hasura_blog_secrets_file": str(directory / f"{case.host}-secrets.yml")}
    inventory = directory / "inventory.yml"
    inventory.write_text(yaml.safe_dump({"hasura_blog": {"hosts": hosts}}, sort_keys=False))
    command, env = playbook_command(port, "site.yml", "-i", str(inventory), "--limit", ",".join(hosts), "-vvv",
                                    "--forks", "10")
    # The command sets hasura_blog_env and hasura_blog_secrets_file for every host with -e; here each host has its own.
    for variable in ("hasura_blog_env", "hasura_blog_secrets_file"):
        [at] = [i for i, arg in enumerate(command) if arg.startswith(f"{variable}=")]
        assert command[at - 1] == "-e", command
        del command[at - 1:at + 1]
    env["ANSIBLE_CALLBACK_RESULT_FORMAT"] = "json"
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    output = result.stdout + result.stderr
    (directory / "output.txt").write_text(output)
    yield {"rc": result.returncode, "output": output, "messages": fatal_messages(output), "recap": recap(output)}
    ecr.delete_repository(repositoryName=ECR_REPOSITORY, force=True)


@pytest.mark.parametrize("case", CASES, ids=[case.host for case in CASES])
def test_bad_input_fails_with_its_own_message_before_the_first_write(bad_run, case: Case) -> None:
    assert bad_run["rc"] != 0
    counts = bad_run["recap"].get(case.host)
    assert counts is not None, bad_run["output"][-3000:]
    assert counts["failed"] == 1 and counts["changed"] == 0, counts
    messages = bad_run["messages"].get(case.host, [])
    assert any(case.message.replace("{env}", ENVS[case.host]) in message for message in messages), messages
    for text in case.also:
        assert any(text in message for message in messages), messages


def test_each_preflight_case_passed_validation_first(bad_run) -> None:
    # A preflight failure comes from a preflight task, after every validate task of the host passed.
    for case in CASES:
        messages = " ".join(bad_run["messages"].get(case.host, []))
        assert ("Invalid " in messages and " settings: " in messages) is not case.preflight, (case.host, messages)


def test_no_secret_appears_in_the_output_at_any_verbosity(bad_run) -> None:
    output = bad_run["output"]
    assert "task path:" in output  # -vvv
    assert BAD_PASSWORD not in output
    for name, value in local_secrets().items():
        assert str(value) not in output, f"the value of {name} appears in the output"


def test_no_bad_input_created_anything(bad_run, aws) -> None:
    assert leftovers(aws, list(ENVS.values())) == []
