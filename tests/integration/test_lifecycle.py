"""The whole lifecycle on the emulator in realistic mode, with throttling and 5xx answers injected.

AWS is slow and eventually consistent: resources pass through transitional states, deleted things linger, new
roles cannot be assumed at once, and calls are throttled. This test meets all of it, as a user would:
deploy runs killed at three points (after the NAT gateways, while the database is creating, while the services
are being created), a re-run and a plan while the database is still creating, a converging re-run, a settled
re-run that changes nothing, the day-2 operations (a rollout that the circuit breaker fails, a rollout, a scale, a
point-in-time restore that the environment moves to, status), a teardown, an immediate redeploy, a second teardown,
and nothing left.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
import sys
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.emulator.requests_log import classify

from .conftest import (ROOT, changed, clients, environment_resources, local_secrets, playbook_command, playbook_runner,
                       started_emulator)

ENV = "life-it"
PREFIX = f"hasura-blog-{ENV}"
SERVICES = (f"{PREFIX}-hasura", f"{PREFIX}-nextjs")
# The roles wait until new task roles are this old (the emulator's IAM propagation is 20 s).
IAM = ("-e", "ecs_services_iam_propagation_seconds=25")
# A run after a killed one takes over the lock the killed one left (hasura_blog_break_lock).
BREAK = ("-e", "hasura_blog_break_lock=true")
# Seconds. The database stays creating, then backing-up, and a deleted secret's name stays held, until the test
# lets them go on. New roles cannot be assumed for 20 s: a deploy that does not wait for that fails its rollouts.
DURATIONS = {
    "nat_gateway_pending": 3, "nat_gateway_deleting": 3,
    "rds_creating": 3600, "rds_backing_up": 3600, "rds_modifying": 2, "rds_deleting": 4,
    "alb_provisioning": 4, "alb_deleting": 3,
    "ecs_rollout": 3, "ecs_scaling": 3, "ecs_draining": 4, "ecs_service_linked_role": 3,
    "secret_deletion": 3600, "eni_linger": 5, "iam_propagation": 20,
}
REALISM = {
    "AWS_EMULATOR_REALISM": "1",
    "AWS_EMULATOR_DURATIONS": ",".join(f"{name}={seconds}" for name, seconds in DURATIONS.items()),
    "AWS_EMULATOR_FAULT_RATE": "0.03",
    "AWS_EMULATOR_FAULT_SEED": "11",
}


@pytest.fixture(scope="module")
def realistic() -> Iterator[int]:
    yield from started_emulator(REALISM)


def control(port: int, **payload) -> dict:
    """POST to the emulator's realism control endpoint; return its snapshot."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}/_emulator/realism", data=json.dumps(payload).encode(),
                                     method="POST" if payload else "GET", headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as reply:
        return json.load(reply)


def process_tree(root: int) -> list[int]:
    """``root`` and every process descended from it (Ansible runs modules in their own sessions)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parents[int(entry)] = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        tree += frontier
    return tree


def kill_tree(root: int) -> None:
    """SIGKILL a run and everything it started, as when the controller dies (an OOM kill, a lost AWX node)."""
    for pid in process_tree(root):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def watched_run(port: int, path: str, *args: str, kill_when: Callable[[str], bool], timeout: float = 900,
                ) -> tuple[int | None, str]:
    """Run a playbook, calling ``kill_when(output so far)`` as it runs; when it holds, kill the run with everything it
    started. Returns (rc, output), rc None when killed."""
    command, env = playbook_command(port, path, *args, env_name=ENV)
    env["PYTHONUNBUFFERED"] = "1"  # each task banner reaches the test when it is printed
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True)
    reader.start()
    deadline = time.monotonic() + timeout
    killed = False
    while process.poll() is None:
        if time.monotonic() > deadline or kill_when("".join(lines)):
            kill_tree(process.pid)
            killed = True
            break
        time.sleep(0.2)
    process.wait()
    reader.join(5)
    if killed:
        # A request that was on its way when the run died still completes, as it would on AWS.
        time.sleep(2)
    return (None if killed else process.returncode), "".join(lines)


def killed_run(port: int, *args: str, when: Callable[[str], bool]) -> str:
    """Run site.yml and kill it as soon as ``when(output so far)`` holds; fail if it ended before that."""
    rc, out = watched_run(port, "site.yml", *args, kill_when=when)
    assert rc is None, f"the run ended (rc {rc}) before the kill point:\n{out[-3000:]}"
    return out


def retried(output: str, task: str) -> bool:
    """True when the output shows a retry of the task (``until``): "FAILED - RETRYING: [host]: <task> (n retries left)"."""
    return any(line.startswith("FAILED - RETRYING") and task in line for line in output.splitlines())


def banner(task: str) -> Callable[[str], bool]:
    return lambda output: f"TASK [{task}" in output


def resources(aws) -> dict[str, list[str]]:
    return environment_resources(aws, ENV)


def aws_requests(port: int) -> int:
    """How many AWS API requests have reached the emulator (its request log)."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_emulator/requests", timeout=10) as reply:
        return json.load(reply)["total"]


def writes_during(port: int, run: Callable[[], str]) -> tuple[str, list[str]]:
    """``run()``'s output, and the API actions that changed something (the emulator's request log) while it ran."""
    urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}/_emulator/requests", method="DELETE"),
                           timeout=10).close()
    out = run()
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_emulator/requests", timeout=10) as reply:
        requests = json.load(reply)["requests"]
    return out, [f"{r['service']}:{r['action']}" for r in requests if classify(r["action"]) == "write"]


def status(port: int) -> dict:
    """make status ENV=... FORMAT=json, as a user runs it: one process, JSON on stdout."""
    command, env = playbook_command(port, "site.yml", env_name=ENV)
    env["ANSIBLE_CONFIG"] = str(ROOT / "ansible.cfg")
    result = subprocess.run([str(Path(sys.executable).parent / "python"), "tools/status.py", "-i", "inventories/local", "--json",
                             "-e", f"hasura_blog_env={ENV}"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def day2(port: int, aws, playbook) -> None:
    """make rollout, scale, status and restore on a settled stack in realistic mode (rollouts and scaling take
    time, the circuit breaker rolls back, the restored database is created before it serves)."""
    ecs, ssm, rds = aws("ecs"), aws("ssm"), aws("rds")
    hasura, cluster = SERVICES[0], f"{PREFIX}-cluster"

    def ok(rc: int, out: str) -> str:
        assert rc == 0, out[-4000:]
        return out

    def revisions() -> list[str]:
        return ecs.list_task_definitions(familyPrefix=hasura, status="ACTIVE")["taskDefinitionArns"]

    def running() -> str:
        return ecs.describe_services(cluster=cluster, services=[hasura])["services"][0]["taskDefinition"].rsplit("/", 1)[1]

    def record(name: str) -> dict:
        try:
            return json.loads(ssm.get_parameter(Name=f"/hasura-blog/{ENV}/operations/{name}")["Parameter"]["Value"])
        except ssm.exceptions.ParameterNotFound:
            return {}

    # Bad input: one clear error naming the input, before any AWS call.
    before = aws_requests(port)
    for path, args, message in (
            ("playbooks/rollout.yml", ("-e", "hasura_blog_service=web", "-e", "hasura_blog_image=nginx:1"),
             "SERVICE is 'web'; it must be one of hasura, nextjs"),
            ("playbooks/scale.yml", ("-e", "hasura_blog_service=hasura", "-e", "hasura_blog_count=-1"),
             "COUNT is '-1'; it must be a whole number from 0 to 100"),
            ("playbooks/restore.yml", ("-e", "hasura_blog_restore_time=2026-11-30T14:05:00"),
             "it must be latest or an ISO 8601 time with its zone")):
        rc, out = playbook(path, *args, env_name=ENV)
        assert rc != 0 and message in " ".join(out.split()), out[-3000:]
    assert aws_requests(port) == before, "a day-2 playbook called AWS before it refused its input"

    # A plan of a rollout writes nothing.
    image = ("-e", "hasura_blog_service=hasura", "-e", "hasura_blog_image=hasura/graphql-engine:v2.48.6")
    before = [running(), len(revisions())]
    ok(*playbook("playbooks/rollout.yml", *image, "--check", env_name=ENV))
    assert [running(), len(revisions())] == before == [f"{hasura}:1", 1] and record("hasura") == {}
    # The rollout: exactly one new revision, rolled out to COMPLETED (the run waits through IN_PROGRESS), recorded.
    out = ok(*playbook("playbooks/rollout.yml", *image, env_name=ENV))
    assert len(revisions()) == 2 and running() == f"{hasura}:2", out[-3000:]
    assert retried(out, "Wait until the services have rolled out"), "the rollout did not wait in realistic mode"
    assert ecs.describe_task_definition(taskDefinition=running())["taskDefinition"]["containerDefinitions"][0]["image"] \
        == "hasura/graphql-engine:v2.48.6"
    assert record("hasura") == {"image": "hasura/graphql-engine:v2.48.6", "image_over": "hasura/graphql-engine:v2.48.5"}
    assert changed(ok(*playbook("playbooks/rollout.yml", *image, env_name=ENV))) == 0
    # A rollout that the circuit breaker fails: non-zero, with ECS's reason and the revision that runs instead. The
    # revision that failed is deregistered and nothing is recorded: the next deploy keeps what runs.
    control(port, fail_rollouts=[hasura])
    rc, out = playbook("playbooks/rollout.yml", "-e", "hasura_blog_service=hasura", "-e",
                       "hasura_blog_image=hasura/graphql-engine:v2.48.7", env_name=ENV)
    flat = " ".join(out.split())
    assert rc != 0, out[-4000:]
    assert f"The service {hasura} did not roll out {hasura}:3: FAILED, ECS deployment circuit breaker: tasks failed to start." in flat
    assert f"It runs {hasura}:2" in flat and f"The revision {hasura}:3 is deregistered" in flat, out[-4000:]
    assert running() == f"{hasura}:2" and len(revisions()) == 2
    assert record("hasura")["image"] == "hasura/graphql-engine:v2.48.6"
    # The scale: the run waits until three tasks run (realistic mode starts them over a while), and records it.
    count = ("-e", "hasura_blog_service=hasura", "-e", "hasura_blog_count=3")
    ok(*playbook("playbooks/scale.yml", *count, "--check", env_name=ENV))
    assert ecs.describe_services(cluster=cluster, services=[hasura])["services"][0]["desiredCount"] == 2
    out = ok(*playbook("playbooks/scale.yml", *count, env_name=ENV))
    assert retried(out, "Wait until the services have rolled out"), "the scale did not wait for its tasks"
    assert record("hasura")["desired_count"] == 3
    # make status: one process; the counts, the revision and the rollout state of each service, the database.
    report = status(port)
    assert report["services"]["hasura"] | {"events": []} == {
        "name": hasura, "running": 3, "desired": 3, "pending": 0, "task_definition": f"{hasura}:2",
        "rollout_state": "COMPLETED", "rollout_reason": report["services"]["hasura"]["rollout_reason"], "deployments": 1,
        "events": []}
    assert report["services"]["hasura"]["events"][0]["message"] == f"(service {hasura}) has reached a steady state."
    assert report["database"]["identifier"] == f"{PREFIX}-postgres" and report["database"]["version"] == "15.15"
    assert report["endpoints"]["app"].startswith("http://") and len(report["nat_gateways"]) == 2
    # The next deploy keeps the rollout's image and the scale's count: nothing changes.
    out = ok(*playbook("site.yml", env_name=ENV))
    assert changed(out) == 0 and running() == f"{hasura}:2", out[-4000:]

    # A point-in-time restore: a time outside the window fails naming it, and creates nothing.
    source = rds.describe_db_instances(DBInstanceIdentifier=f"{PREFIX}-postgres")["DBInstances"][0]
    rc, out = playbook("playbooks/restore.yml", "-e", "hasura_blog_restore_time=2020-01-01T00:00:00Z", env_name=ENV)
    assert rc != 0 and "is outside the restorable window of" in " ".join(out.split()), out[-3000:]
    assert len(rds.describe_db_instances()["DBInstances"]) == 1
    # With REPOINT: a new instance with the source's settings, Hasura's database URL points at it, Hasura rolls.
    point = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 2))
    target = f"{PREFIX}-postgres-restore-{point.replace('-', '').replace(':', '').replace('T', '').rstrip('Z')}"
    deployment = ecs.describe_services(cluster=cluster, services=[hasura])["services"][0]["deployments"][0]["id"]
    out = ok(*playbook("playbooks/restore.yml", "-e", f"hasura_blog_restore_time={point}", "-e", "hasura_blog_repoint=true",
                       env_name=ENV))
    restored = rds.describe_db_instances(DBInstanceIdentifier=target)["DBInstances"][0]
    for key in ("DBInstanceClass", "StorageEncrypted", "MultiAZ", "StorageType"):
        assert restored[key] == source[key], key
    assert restored["DBSubnetGroup"]["DBSubnetGroupName"] == source["DBSubnetGroup"]["DBSubnetGroupName"]
    assert [g["VpcSecurityGroupId"] for g in restored["VpcSecurityGroups"]] == [g["VpcSecurityGroupId"] for g in source["VpcSecurityGroups"]]
    assert [g["DBParameterGroupName"] for g in restored["DBParameterGroups"]] == [g["DBParameterGroupName"] for g in source["DBParameterGroups"]]
    assert {t["Key"]: t["Value"] for t in restored["TagList"]} | {"Name": "", "RestoredFrom": "", "RestoreTime": ""} \
        == {t["Key"]: t["Value"] for t in source["TagList"]} | {"Name": "", "RestoredFrom": "", "RestoreTime": ""}
    url = aws("secretsmanager").get_secret_value(SecretId=f"hasura-blog/{ENV}/hasura-database-url")["SecretString"]
    assert f"@{restored['Endpoint']['Address']}:5432/" in url
    assert ecs.describe_services(cluster=cluster, services=[hasura])["services"][0]["deployments"][0]["id"] != deployment
    assert rds.describe_db_instances(DBInstanceIdentifier=f"{PREFIX}-postgres")["DBInstances"][0]["DBInstanceStatus"] \
        in ("available", "backing-up"), "the old instance was touched"
    assert status(port)["database"]["identifier"] == target
    # The same restore again changes nothing; the next deploy keeps the restored database.
    assert changed(ok(*playbook("playbooks/restore.yml", "-e", f"hasura_blog_restore_time={point}", "-e", "hasura_blog_repoint=true",
                                env_name=ENV))) == 0
    out = ok(*playbook("site.yml", env_name=ENV))
    assert aws("secretsmanager").get_secret_value(SecretId=f"hasura-blog/{ENV}/hasura-database-url")["SecretString"] == url
    control(port, fail_rollouts=[])


def test_lifecycle_in_realistic_mode(realistic: int) -> None:
    port, aws, playbook = realistic, clients(realistic), playbook_runner(realistic)
    ecs, rds = aws("ecs"), aws("rds")

    def ok(rc: int, out: str) -> str:
        assert rc == 0, out[-4000:]
        return out

    # 1. A first deploy in a new account, killed right after the NAT gateways are up. The re-run finds them.
    killed_run(port, when=banner("hasura_blog.aws.nat : present | Route the public subnets"))
    assert len(resources(aws)["nat_gateways"]) == 2
    #    The killed run still holds the deploy lock: the next run stops before any write, naming it, until it is told
    #    to break the lock. The runs after a kill below do so.
    before = resources(aws)
    rc, out = playbook("site.yml", env_name=ENV)
    assert rc != 0 and f"The deploy lock /hasura-blog/{ENV}/deploy-lock is held by" in out, out[-3000:]
    assert resources(aws) == before

    # 2. Killed again right after the database creation started: it is creating, with no endpoint. Its password secret
    #    was stored before, so the next run does not take the vault's password for a rotation.
    killed_run(port, *BREAK, when=banner("hasura_blog.aws.rds : present | Report an instance that is still being created"))
    creating = rds.describe_db_instances(DBInstanceIdentifier=f"{PREFIX}-postgres")["DBInstances"][0]
    assert creating["DBInstanceStatus"] == "creating" and "Endpoint" not in creating
    assert aws("secretsmanager").get_secret_value(SecretId=f"hasura-blog/{ENV}/db-master-password")["SecretString"] \
        == local_secrets()["hasura_blog_db_password"]

    # 3. A plan while it is creating: no crash (amazon.aws rds_instance raised KeyError 'Endpoint'), nothing written.
    before = resources(aws)
    out = ok(*playbook("site.yml", "--check", "--diff", env_name=ENV))
    assert "is still being created" in out
    assert resources(aws) == before

    # 4. A re-run while it is still creating gets to the services and waits for the database, which then comes up
    #    (and stays backing-up, which serves connections). The run is killed while the services are being created.
    def services_being_created(output: str) -> bool:
        if "rds : wait | Wait until the instance serves connections" in output \
                and control(port)["durations"]["rds_creating"]:
            control(port, durations={"rds_creating": 0})
        return "Create or update the services" in output and bool(resources(aws)["services"])

    out = killed_run(port, *IAM, *BREAK, when=services_being_created)
    # A new account: the first CreateCluster failed until the ECS service-linked role could be assumed, and was retried.
    assert retried(out, "Create the cluster with its capacity providers"), out[-4000:]
    assert rds.describe_db_instances(DBInstanceIdentifier=f"{PREFIX}-postgres")["DBInstances"][0]["DBInstanceStatus"] \
        == "backing-up"

    # 5. The re-run converges; 6. a settled re-run changes nothing and registers no revision.
    ok(*playbook("site.yml", *IAM, *BREAK, env_name=ENV))
    settled = resources(aws)
    expected = {"vpcs": 1, "subnets": 4, "nat_gateways": 2, "elastic_ips": 2, "security_groups": 3, "db_instances": 1,
                "load_balancers": 1, "target_groups": 2, "services": 2, "task_definitions": 2, "secrets": 6, "roles": 2,
                "log_groups": 2}
    assert {kind: len(ids) for kind, ids in settled.items()} == expected, settled
    #    Every role in full (the fast path off) changes nothing; then the fast path skips every role, with no deploy
    #    lock: no write at all, in a deploy or in a plan.
    out = ok(*playbook("site.yml", "-e", "hasura_blog_fast_path=false", env_name=ENV))
    assert changed(out) == 0, out[-4000:]
    assert resources(aws) == settled
    for name in SERVICES:
        service = ecs.describe_services(cluster=f"{PREFIX}-cluster", services=[name])["services"][0]
        assert [d["rolloutState"] for d in service["deployments"]] == ["COMPLETED"]
    for args in ((), ("--check", "--diff")):
        out, writes = writes_during(port, lambda args=args: ok(*playbook("site.yml", *args, env_name=ENV)))
        assert changed(out) == 0 and writes == [], (writes, out[-4000:])
        assert "Take the deploy lock" not in out and "present | " not in out, out[-4000:]

    # 6b. Drift made by hand, which no setting shows: a rule revoked, a service scaled, a secret overwritten, a route
    #     deleted. The fast path sees each, and the roles that own them repair it; then no write again.
    ec2, secrets = aws("ec2"), aws("secretsmanager")
    alb_sg = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": [f"{PREFIX}-alb-sg"]}])["SecurityGroups"][0]
    ec2.revoke_security_group_ingress(GroupId=alb_sg["GroupId"], IpPermissions=alb_sg["IpPermissions"][:1])
    desired = ecs.describe_services(cluster=f"{PREFIX}-cluster", services=[SERVICES[1]])["services"][0]["desiredCount"]
    ecs.update_service(cluster=f"{PREFIX}-cluster", service=SERVICES[1], desiredCount=desired + 1)
    admin = f"hasura-blog/{ENV}/hasura-admin-secret"
    kept = secrets.get_secret_value(SecretId=admin)["SecretString"]
    secrets.put_secret_value(SecretId=admin, SecretString="overwritten-by-hand")
    private = ec2.describe_route_tables(Filters=[{"Name": "tag:Name", "Values": [f"{PREFIX}-private-rt-*"]}])["RouteTables"][0]
    ec2.delete_route(RouteTableId=private["RouteTableId"], DestinationCidrBlock="0.0.0.0/0")
    out = ok(*playbook("site.yml", env_name=ENV))
    assert changed(out) >= 4, out[-4000:]

    def rules(group: dict) -> list[str]:
        return sorted(json.dumps(rule, sort_keys=True) for rule in group["IpPermissions"])

    assert rules(ec2.describe_security_groups(GroupIds=[alb_sg["GroupId"]])["SecurityGroups"][0]) == rules(alb_sg)
    assert ecs.describe_services(cluster=f"{PREFIX}-cluster", services=[SERVICES[1]])["services"][0]["desiredCount"] == desired
    assert secrets.get_secret_value(SecretId=admin)["SecretString"] == kept
    assert any(route.get("DestinationCidrBlock") == "0.0.0.0/0" and route.get("NatGatewayId") for route in
               ec2.describe_route_tables(RouteTableIds=[private["RouteTableId"]])["RouteTables"][0]["Routes"])
    assert "overwritten-by-hand" not in out and kept not in out
    out, writes = writes_during(port, lambda: ok(*playbook("site.yml", env_name=ENV)))
    assert changed(out) == 0 and writes == [], (writes, out[-4000:])

    # Day-2 operations on the settled stack, as make rollout / scale / status / restore run them.
    day2(port, aws, playbook)

    # 7. Teardown while services drain, network interfaces linger and the NAT gateways delete; 8. an immediate
    #    redeploy (secret names still blocked); 9. teardown again; 10. nothing left.
    ok(*playbook("playbooks/teardown.yml", env_name=ENV))
    assert not any(resources(aws).values()), resources(aws)
    #    This time with registry credentials in the vault (here -e): they become a secret that each container pulls with.
    registry = {"hasura_blog_registry_username": "blog-puller", "hasura_blog_registry_password": "Registry-Token-0123456789"}

    # The teardown deleted the secrets without recovery: their names are held. Once the redeploy has met that and
    # retried, the hold ends.
    def release_secret_names(output: str) -> bool:
        if retried(output, "Store the master password in Secrets Manager") and control(port)["durations"]["secret_deletion"]:
            control(port, durations={"secret_deletion": 0})
        return False

    rc, out = watched_run(port, "site.yml", *IAM, *[a for k, v in registry.items() for a in ("-e", f"{k}={v}")],
                          kill_when=release_secret_names)
    ok(rc, out)
    assert control(port)["durations"]["secret_deletion"] == 0, "the redeploy never met a held secret name"
    assert registry["hasura_blog_registry_password"] not in out
    assert {kind: len(ids) for kind, ids in resources(aws).items()} == {**expected, "secrets": 7}
    credentials = aws("secretsmanager").describe_secret(SecretId=f"hasura-blog/{ENV}/registry-credentials")["ARN"]
    assert json.loads(aws("secretsmanager").get_secret_value(SecretId=credentials)["SecretString"]) \
        == {"username": "blog-puller", "password": registry["hasura_blog_registry_password"]}
    for name in SERVICES:
        container = ecs.describe_task_definition(taskDefinition=name)["taskDefinition"]["containerDefinitions"][0]
        assert container["repositoryCredentials"] == {"credentialsParameter": credentials}
    ok(*playbook("playbooks/teardown.yml", env_name=ENV))
    assert not any(resources(aws).values()), resources(aws)
    assert control(port)["faults_injected"] > 0
