"""Integration tests: the real playbooks against the project's emulator, started on a free port."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import boto3
from botocore.config import Config
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def emulator(*args: str, port: int, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tests.emulator", *args, "--port", str(port)],
                          cwd=ROOT, capture_output=True, text=True, check=False,
                          env=None if env is None else {**os.environ, **env})


def started_emulator(env: dict[str, str] | None = None) -> Iterator[int]:
    """Start an emulator on a free port (with ``env`` added to its environment), yield the port, stop it."""
    from tests.emulator.__main__ import free_port

    number = free_port()
    started = emulator("start", port=number, env=env)
    assert started.returncode == 0, started.stderr
    yield number
    emulator("stop", port=number)


# The test's own reads retry up to 10 attempts. Realistic mode answers a share of all requests with a throttling error
# or a 5xx, the test's too; botocore's default (standard mode, 3 attempts) lets about 1 read in 37,000 fail three times
# in a row at test_lifecycle's 3 %, which failed that test once in a ListSecrets. The roles' retries are what it tests.
TEST_RETRIES = Config(retries={"mode": "standard", "max_attempts": 10})


def clients(port: int):
    """boto3 clients for the emulator on ``port``: ``clients(port)("ec2")``."""
    def client(service: str):
        return boto3.client(service, endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                            aws_access_key_id="emulator", aws_secret_access_key="emulator", config=TEST_RETRIES)
    return client


def playbook_command(port: int, path: str, *args: str, env_name: str = "local") -> tuple[list[str], dict[str, str]]:
    """The ansible-playbook command line and environment for a run against inventories/local on ``port``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ANSIBLE_"))}
    env.update(AWS_EMULATOR_PORT=str(port), ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_FORCE_COLOR="0",
               PATH=f"{Path(sys.executable).parent}:{env.get('PATH', '')}")
    # Every test environment is a variant of local, with local's secrets (secrets/<env>.yml by default).
    command = [str(Path(sys.executable).parent / "ansible-playbook"), path, "-i", "inventories/local",
               "-e", f"hasura_blog_env={env_name}", "-e", f"hasura_blog_secrets_file={ROOT / 'secrets/local.yml'}", *args]
    return command, env


def playbook_runner(port: int):
    """Run a playbook against inventories/local with only AWS_EMULATOR_PORT set; return (rc, output)."""
    def run(path: str, *args: str, env_name: str = "local") -> tuple[int, str]:
        command, env = playbook_command(port, path, *args, env_name=env_name)
        result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
        return result.returncode, result.stdout + result.stderr
    return run


@pytest.fixture(scope="session")
def port() -> Iterator[int]:
    yield from started_emulator()


@pytest.fixture(scope="session")
def aws(port: int):
    return clients(port)


@pytest.fixture(scope="session")
def playbook(port: int):
    return playbook_runner(port)


@pytest.fixture
def module_task(tmp_path: Path, playbook):
    """Run one task of a module of ours against the emulator; return (rc, output, the task's result or None).

    ``module_task(task)`` gives a runner for ``task`` (a dict: module name to options, Jinja allowed); the runner
    takes extra ansible-playbook arguments. ``-e endpoint=...`` points the task elsewhere than the emulator.
    """
    result_file = tmp_path / "result.json"

    def runner(task: dict):
        path = tmp_path / "task.yml"
        path.write_text(yaml.safe_dump([{
            "hosts": "hasura_blog",
            "gather_facts": False,
            "module_defaults": {"group/hasura_blog.aws.aws": {
                "region": "us-east-1",
                "endpoint_url": "{{ endpoint | default(hasura_blog_aws_endpoint_url) }}",
                "access_key": "{{ hasura_blog_aws_access_key }}",
                "secret_key": "{{ hasura_blog_aws_secret_key }}",
            }},
            "tasks": [{
                "block": [{**task, "register": "result"}],
                # The result is written even when the task fails, so a test can read its message.
                "always": [{"ansible.builtin.copy": {"content": "{{ result | default({}) | to_json }}",
                                                     "dest": str(result_file), "mode": "0600"},
                            "check_mode": False}],
            }],
        }], sort_keys=False))

        def go(*args: str) -> tuple[int, str, dict | None]:
            result_file.unlink(missing_ok=True)
            rc, out = playbook(str(path), *args)
            return rc, out, json.loads(result_file.read_text()) if result_file.exists() else None
        return go
    return runner


def inventory_settings(env: str, directory: Path) -> list[str]:
    """inventories/<env>'s own settings layered over the local environment (its endpoint): extra ``-i`` arguments, so
    that a test exercises what the inventory sets rather than ``-e`` copies of it."""
    inventory = directory / f"{env}-settings"
    (inventory / "group_vars").mkdir(parents=True)
    (inventory / "hosts.yml").write_text((ROOT / f"inventories/{env}/hosts.yml").read_text())
    (inventory / "group_vars" / "hasura_blog").symlink_to(ROOT / f"inventories/{env}/group_vars/hasura_blog")
    return ["-i", str(inventory)]


def changed(output: str) -> int:
    """The changed= count of the last PLAY RECAP in an ansible-playbook output."""
    return int(re.search(r"changed=(\d+)", output.split("PLAY RECAP")[-1]).group(1))


def local_secrets() -> dict:
    """The local environment's demo-only secrets, read from its vault file the way ansible-vault would."""
    view = subprocess.run(
        [str(Path(sys.executable).parent / "ansible-vault"), "view", "--vault-id",
         "local@secrets/local-vault-password.txt", "secrets/local.yml"],
        cwd=ROOT, capture_output=True, text=True, check=True)
    return yaml.safe_load(view.stdout)


def environment_resources(aws, env: str) -> dict[str, list[str]]:
    """Everything of environment ``env`` that a duplicate or a leftover would show in, by kind."""
    prefix = f"hasura-blog-{env}"
    names = [f"{prefix}-{service}" for service in ("hasura", "nextjs")]
    ec2, elbv2, ecs = aws("ec2"), aws("elbv2"), aws("ecs")
    ours = [{"Name": "tag:Environment", "Values": [env]}]
    balancers = [lb for lb in elbv2.describe_load_balancers()["LoadBalancers"] if lb["LoadBalancerName"].startswith(prefix)]
    try:
        services = ecs.describe_services(cluster=f"{prefix}-cluster", services=names)["services"]
    except ecs.exceptions.ClusterNotFoundException:
        services = []
    return {
        "vpcs": [v["VpcId"] for v in ec2.describe_vpcs(Filters=ours)["Vpcs"]],
        "subnets": [s["SubnetId"] for s in ec2.describe_subnets(Filters=ours)["Subnets"]],
        "nat_gateways": [n["NatGatewayId"] for n in ec2.describe_nat_gateways(Filter=ours)["NatGateways"]
                         if n["State"] not in ("deleted", "deleting", "failed")],
        "elastic_ips": [a["AllocationId"] for a in ec2.describe_addresses(Filters=ours)["Addresses"]],
        "security_groups": [g["GroupId"] for g in ec2.describe_security_groups(Filters=ours)["SecurityGroups"]],
        "db_instances": [d["DBInstanceIdentifier"] for d in aws("rds").describe_db_instances()["DBInstances"]
                         if d["DBInstanceIdentifier"].startswith(prefix)],
        "load_balancers": [lb["LoadBalancerArn"] for lb in balancers],
        "target_groups": [t["TargetGroupArn"] for t in elbv2.describe_target_groups()["TargetGroups"]
                          if t["TargetGroupName"].startswith(prefix)],
        "services": [s["serviceArn"] for s in services if s["status"] == "ACTIVE"],
        "task_definitions": [arn for family in names
                             for arn in ecs.list_task_definitions(familyPrefix=family, status="ACTIVE")["taskDefinitionArns"]],
        "secrets": [s["Name"] for s in aws("secretsmanager").list_secrets()["SecretList"]
                    if s["Name"].startswith(f"hasura-blog/{env}/")],
        "roles": [r["RoleName"] for r in aws("iam").list_roles()["Roles"] if r["RoleName"].startswith(prefix)],
        "log_groups": [g["logGroupName"] for g in aws("logs").describe_log_groups(logGroupNamePrefix=f"/ecs/{prefix}/")["logGroups"]],
    }
