"""The whole stack in one environment, deployed from the command line and by AWX jobs, as an IAM user that holds the
deployer policy and nothing else: the deploy lock, no secret in -vvv output nor in AWX's events, idempotent re-runs,
drift, duplicates, an image upgrade, a password rotation and the teardown. Every playbook run and job must need no
action beyond docs/iam/deployer-policy.json (tests/integration/deployer.py), and the policy's resource scoping must fit
what the deploy created."""

import json
import os
import re
import secrets as tokens
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from . import awx, deployer
from .conftest import ROOT, changed, environment_resources, local_secrets, playbook_command, playbook_runner

ENV = "svc-it"
PREFIX = f"hasura-blog-{ENV}"


def active_revisions(ecs, family: str) -> list[str]:
    return ecs.list_task_definitions(familyPrefix=family, status="ACTIVE")["taskDefinitionArns"]


def service_settings(ecs, cluster: str, name: str) -> dict:
    service = ecs.describe_services(cluster=cluster, services=[name])["services"][0]
    vpc = service["networkConfiguration"]["awsvpcConfiguration"]
    return {"minimum": service["deploymentConfiguration"]["minimumHealthyPercent"],
            "network": {**vpc, "subnets": sorted(vpc["subnets"]), "securityGroups": sorted(vpc["securityGroups"])}}


def deployment(ecs, cluster: str, name: str) -> str:
    """The id of the service's primary deployment: a new one means new tasks."""
    service = ecs.describe_services(cluster=cluster, services=[name])["services"][0]
    return next(d["id"] for d in service["deployments"] if d["status"] == "PRIMARY")


def task_status(output: str, task: str) -> str:
    """ok, changed, skipping... of the first host line after the task's banner."""
    match = re.search(re.escape(task) + r"\] \**\n(\w+):", output)
    assert match, f"task {task!r} not in the output"
    return match.group(1)


@pytest.fixture(scope="module")
def iam(tmp_path_factory) -> Iterator[tuple[deployer.Emulator, tuple[str, str], tuple[str, str]]]:
    """This file's emulator, with IAM enforcement on: (emulator, the deployer's key, an administrator's key)."""
    emulator = deployer.start_emulator(tmp_path_factory.mktemp("iam"))
    try:
        key = deployer.create_user(emulator, "deployer", deployer.moto_evaluable(deployer.policy()))
        admin = deployer.administrator(emulator)
        emulator.enforce(True)
        yield emulator, key, admin
    finally:
        deployer.stop_emulator(emulator)


@pytest.fixture(scope="module")
def port(iam) -> int:
    return iam[0].port


@pytest.fixture(scope="module")
def aws(iam):
    """boto3 clients of the administrator: the test's own reads and the changes made by hand."""
    emulator, _key, admin = iam
    return lambda service: emulator.client(service, admin)


@pytest.fixture(scope="module")
def as_deployer(iam) -> list[str]:
    """ansible-playbook arguments that make every AWS call of a run with the deployer's key."""
    _emulator, (key, secret), _admin = iam
    return ["-e", f"hasura_blog_aws_access_key={key}", "-e", f"hasura_blog_aws_secret_key={secret}"]


@pytest.fixture(scope="module")
def playbook(port: int, as_deployer: list[str]):
    run = playbook_runner(port)
    return lambda path, *args, env_name="local": run(path, *as_deployer, *args, env_name=env_name)


def concurrently(port: int, *runs: list[str]) -> list[tuple[int, str]]:
    """Start one site.yml run per argument list at the same moment; return each (rc, output)."""
    started = []
    for args in runs:
        command, env = playbook_command(port, "site.yml", *args, env_name=ENV)
        output = tempfile.TemporaryFile("w+")
        started.append((subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT), output))
    results = []
    for process, output in started:
        rc = process.wait(timeout=900)
        output.seek(0)
        results.append((rc, output.read()))
        output.close()
    return results


def ours(aws) -> dict[str, list[str]]:
    """The NAT gateways, Elastic IPs, load balancers and target groups that carry this environment's tags."""
    ec2, elbv2 = aws("ec2"), aws("elbv2")
    env = [{"Name": "tag:Environment", "Values": [ENV]}]
    tagged = {d["ResourceArn"] for arns in (
        [lb["LoadBalancerArn"] for lb in elbv2.describe_load_balancers()["LoadBalancers"]],
        [tg["TargetGroupArn"] for tg in elbv2.describe_target_groups()["TargetGroups"]]) if arns
        for d in elbv2.describe_tags(ResourceArns=arns)["TagDescriptions"] if {"Key": "Environment", "Value": ENV} in d["Tags"]}
    return {
        "nat_gateways": [n["NatGatewayId"] for n in ec2.describe_nat_gateways(Filter=env)["NatGateways"]
                         if n["State"] in ("pending", "available")],
        "elastic_ips": [a["AllocationId"] for a in ec2.describe_addresses(Filters=env)["Addresses"]],
        "load_balancers": [lb["LoadBalancerName"] for lb in elbv2.describe_load_balancers()["LoadBalancers"]
                           if lb["LoadBalancerArn"] in tagged],
        "target_groups": [tg["TargetGroupName"] for tg in elbv2.describe_target_groups()["TargetGroups"]
                          if tg["TargetGroupArn"] in tagged],
    }


def make_duplicates(aws) -> list[str]:
    """What an old bug or a hand could leave: a second NAT gateway and a spare Elastic IP, a load balancer and a
    target group, all with this environment's tags. Returns their ids and names."""
    ec2, elbv2 = aws("ec2"), aws("elbv2")
    tags = [{"Key": "Project", "Value": "hasura-blog"}, {"Key": "Environment", "Value": ENV}, {"Key": "ManagedBy", "Value": "ansible"}]
    public = sorted((s for s in ec2.describe_subnets(Filters=[{"Name": "tag:Environment", "Values": [ENV]},
                                                              {"Name": "tag:Tier", "Values": ["public"]}])["Subnets"]),
                    key=lambda s: s["AvailabilityZone"])
    eips = [ec2.allocate_address(Domain="vpc", TagSpecifications=[{"ResourceType": "elastic-ip", "Tags": tags}])["AllocationId"]
            for _eip in range(2)]
    nat = ec2.create_nat_gateway(SubnetId=public[0]["SubnetId"], AllocationId=eips[0], TagSpecifications=[
        {"ResourceType": "natgateway", "Tags": tags}])["NatGateway"]["NatGatewayId"]
    elbv2.create_load_balancer(Name=f"{PREFIX}-old", Subnets=[s["SubnetId"] for s in public], Tags=tags)
    elbv2.create_target_group(Name=f"{PREFIX}-old-tg", Protocol="HTTP", Port=80, VpcId=public[0]["VpcId"],
                              TargetType="ip", Tags=tags)
    return [f"NAT gateway {nat}", f"Elastic IP {eips[0]}", f"Elastic IP {eips[1]}", f"load balancer {PREFIX}-old",
            f"target group {PREFIX}-old-tg"]


def reported_duplicates(output: str) -> list[str]:
    """What the DUPLICATE messages of a run name (the callback wraps long messages over lines)."""
    flat = " ".join(output.split())
    return sorted(name for names in re.findall(r"DUPLICATE: (.+?) carry the tags", flat) for name in names.split(", "))


@pytest.fixture(scope="module")
def vault_password() -> str:
    return tokens.token_urlsafe(24)


@pytest.fixture(scope="module")
def project(tmp_path_factory, vault_password: str) -> Path:
    return awx.checkout(tmp_path_factory.mktemp("scm"), ENV, vault_password)


@pytest.fixture(scope="module")
def stored_inventory(project: Path, tmp_path_factory) -> dict:
    return awx.stored_inventory(project, tmp_path_factory.mktemp("sync"))


def test_deploy_upgrade_and_teardown_from_the_command_line_and_as_awx_jobs_as_the_deployer(
        iam, port, aws, playbook, as_deployer, project: Path, stored_inventory: dict, vault_password: str,
        tmp_path: Path, monkeypatch) -> None:
    ecs, secretsmanager = aws("ecs"), aws("secretsmanager")
    secrets = local_secrets()
    emulator, deployer_key, _admin = iam
    mark = [0]

    def needed_nothing_else(what: str) -> None:
        """IAM enforcement denied the deployer nothing since the last call (also in no_log tasks)."""
        denied, mark[0] = deployer.denied_since(emulator, mark[0]), len(emulator.records())
        assert denied == [], f"{what} as the deployer was denied {', '.join(denied)}: missing from {deployer.POLICY_FILE}"

    # An AWX job's environment is the execution environment's, not this shell's (make exports ANSIBLE_CONFIG).
    for name in [n for n in os.environ if n.startswith(("ANSIBLE_", "AWS_"))]:
        monkeypatch.delenv(name)
    never_seen = list(secrets.values()) + [vault_password]
    credential = (ENV, vault_password)
    keep_lock = {"hasura_blog_break_lock": "false"}

    def job(name: str, playbook: str, **template) -> awx.Job:
        """A job of the template ``name`` (playbooks/awx/configure.yml); no secret reaches what AWX stores."""
        done = awx.Job(tmp_path, project, stored_inventory, port, env_name=ENV, name=f"Hasura Blog {ENV} {name}",
                       playbook=playbook, aws_credential=deployer_key, **template).run()
        assert done.events, done.name
        assert done.secrets_in_events(never_seen) == [], done.name
        return done

    # Two operators deploy the new environment at the same moment: one takes the deploy lock, the other fails at once
    # naming it, and nothing exists twice.
    holders = ["operator-one", "operator-two"]
    runs = concurrently(port, *[[*as_deployer, "-vvv", "-e", f"hasura_blog_lock_holder={holder}"] for holder in holders])
    won = [index for index, (rc, _output) in enumerate(runs) if rc == 0]
    assert len(won) == 1, [out[out.find("fatal:"):][:3000] for _rc, out in runs]
    out, lost = runs[won[0]][1], runs[1 - won[0]][1]
    assert f"/hasura-blog/{ENV}/deploy-lock is held by {holders[won[0]]} since" in lost, lost[-3000:]
    assert {kind: len(names) for kind, names in ours(aws).items()} == \
        {"nat_gateways": 2, "elastic_ips": 2, "load_balancers": 1, "target_groups": 2}
    # The lock was released at the end.
    with pytest.raises(aws("ssm").exceptions.ParameterNotFound):
        aws("ssm").get_parameter(Name=f"/hasura-blog/{ENV}/deploy-lock")
    # No secret value, nor the JWT JSON or the database URL built from them, reaches the output at -vvv.
    for value in secrets.values():
        assert value not in out and value not in lost
    # Secrets reach the containers only as references; the task definitions hold no value.
    for family in (f"{PREFIX}-hasura", f"{PREFIX}-nextjs"):
        definition = json.dumps(ecs.describe_task_definition(taskDefinition=family)["taskDefinition"])
        for value in secrets.values():
            assert value not in definition
    jwt = json.loads(secretsmanager.get_secret_value(SecretId=f"hasura-blog/{ENV}/hasura-jwt-secret")["SecretString"])
    assert jwt == {"type": "HS256", "key": secrets["hasura_blog_jwt_key"]}
    assert secretsmanager.get_secret_value(SecretId=f"hasura-blog/{ENV}/jwt-key")["SecretString"] == secrets["hasura_blog_jwt_key"]
    url = secretsmanager.get_secret_value(SecretId=f"hasura-blog/{ENV}/hasura-database-url")["SecretString"]
    assert re.fullmatch(rf"postgres://hasura_admin:[^@/]+@{PREFIX}-postgres\..+:5432/hasura\?sslmode=require", url), "unexpected URL shape"
    needed_nothing_else("the deploy")
    # The policy's resource patterns fit what the deploy created, and no foreign name (read before any duplicate).
    account = aws("sts").get_caller_identity()["Account"]
    assert deployer.scope_problems(deployer.deployed(aws, ENV), account, ENV) == []

    # The deploy job template re-runs it. The project's ansible.cfg holds vault id local: without the environment's
    # Vault credential nothing decrypts, and the job says which credential is missing before any AWS call.
    deployed = environment_resources(aws, ENV)
    no_vault = job("deploy", "site.yml", survey=keep_lock)
    assert no_vault.status == "failed", no_vault.stdout
    # Loading is no_log (its result would hold the secrets); the next task says why, naming the Vault credential.
    assert no_vault.failed_tasks == ["Stop when the secrets file cannot be decrypted"], no_vault.stdout
    assert f"give the vault password of vault id {ENV}" in no_vault.stdout
    assert f"in AWX a Vault credential with vault id {ENV} on the job template" in " ".join(no_vault.stdout.split())
    deploy = job("deploy", "site.yml", vault=credential, survey=keep_lock)
    assert deploy.status == "successful", deploy.stdout
    assert deploy.stats["failures"] == deploy.stats["dark"] == 0 and deploy.stats["changed"] == 0, deploy.stats
    assert environment_resources(aws, ENV) == deployed
    assert len(active_revisions(ecs, f"{PREFIX}-hasura")) == 1
    # Nothing on disk holds the environment or the prompt answers (AWX's suppress_env_files).
    assert sorted(p.name for p in (deploy.dir / "env").iterdir()) == ["cmdline", "extravars", "settings"]
    needed_nothing_else("the deploy job, with the AWS credential of the deployer")

    # Resources with this environment's tags beyond its inventory: plans and deploys report them and leave them (the
    # routes keep the first NAT gateway); the teardown at the end removes them.
    duplicates = make_duplicates(aws)
    before = ours(aws)

    # Drift made outside Ansible, in what community.aws.ecs_service does not compare: the deployment configuration
    # and the security groups. A plan reports it and changes nothing; a deploy puts the inventory's values back.
    cluster, name = f"{PREFIX}-cluster", f"{PREFIX}-hasura"
    groups = {g["GroupName"]: g["GroupId"] for g in aws("ec2").describe_security_groups(
        Filters=[{"Name": "group-name", "Values": [f"{PREFIX}-ecs-sg", f"{PREFIX}-alb-sg"]}])["SecurityGroups"]}
    deployed = service_settings(ecs, cluster, name)
    ecs.update_service(cluster=cluster, service=name, deploymentConfiguration={
        "minimumHealthyPercent": 50, "maximumPercent": 200, "deploymentCircuitBreaker": {"enable": True, "rollback": True}},
        networkConfiguration={"awsvpcConfiguration": {**deployed["network"], "securityGroups": sorted(groups.values())}})
    drifted = service_settings(ecs, cluster, name)
    assert drifted["minimum"] == 50 and len(drifted["network"]["securityGroups"]) == 2
    # The plan job template (check mode, diff) reports both and writes nothing.
    existing = environment_resources(aws, ENV)
    plan = job("plan", "site.yml", job_type="check", diff_mode=True, vault=credential)
    assert plan.status == "successful", plan.stdout
    assert plan.stats["failures"] == 0 and plan.stats["changed"] == 1, plan.stats
    assert service_settings(ecs, cluster, name) == drifted
    assert environment_resources(aws, ENV) == existing
    assert reported_duplicates(plan.stdout) == sorted(duplicates), plan.stdout[-3000:]
    needed_nothing_else("the plan job of the deployed stack")
    rc, out = playbook("site.yml", env_name=ENV)
    assert rc == 0 and changed(out) == 1, out[-3000:]
    assert service_settings(ecs, cluster, name) == deployed
    assert reported_duplicates(out) == sorted(duplicates), out[-3000:]
    assert ours(aws) == before
    assert deployed["minimum"] == 100 and deployed["network"]["securityGroups"] == [groups[f"{PREFIX}-ecs-sg"]]
    needed_nothing_else("the deploy that puts back what drifted")

    # An image upgrade and a new minimum healthy percent in one run of the ecs_services role alone (--tags): it looks
    # up the network, groups, target groups and roles the other roles made, and the services get both.
    rc, out = playbook("site.yml", "--tags", "ecs_services", "-e", "ecs_services_hasura_image=hasura/graphql-engine:v2.48.6",
                       "-e", "ecs_services_minimum_healthy_percent=50", env_name=ENV)
    assert rc == 0, out[-3000:]
    assert "Would " not in out and "TASK [hasura_blog.aws.vpc : present" not in out, out[-3000:]
    assert all(service_settings(ecs, cluster, f"{PREFIX}-{key}")["minimum"] == 50 for key in ("hasura", "nextjs"))
    hasura = active_revisions(ecs, f"{PREFIX}-hasura")
    assert len(hasura) == 2
    assert len(active_revisions(ecs, f"{PREFIX}-nextjs")) == 1
    service = ecs.describe_services(cluster=f"{PREFIX}-cluster", services=[f"{PREFIX}-hasura"])["services"][0]
    assert service["taskDefinition"].endswith(f"{PREFIX}-hasura:{hasura[-1].rsplit(':', 1)[1]}")
    current = ecs.describe_task_definition(taskDefinition=f"{PREFIX}-hasura")["taskDefinition"]
    assert current["containerDefinitions"][0]["image"] == "hasura/graphql-engine:v2.48.6"
    needed_nothing_else("the upgrade of the services alone (--tags ecs_services)")

    # Rotation of the database password in the vault (here -e, over the vault): RDS gets it, the database URL secret
    # changes, and Hasura, which reads that secret, rolls to new tasks; Next.js, which does not, is left alone.
    upgraded = ["-e", "ecs_services_hasura_image=hasura/graphql-engine:v2.48.6", "-e", "ecs_services_minimum_healthy_percent=50"]
    rotated = "Rotated-Passw0rd-" + secrets["hasura_blog_db_password"][:8]
    before = {key: deployment(ecs, cluster, f"{PREFIX}-{key}") for key in ("hasura", "nextjs")}
    # (The roles a rotation touches, alone: the others' ids are looked up.) The full re-run below changes nothing.
    rc, out = playbook("site.yml", "--tags", "rds,ecs_services", *upgraded, "-e", f"hasura_blog_db_password={rotated}",
                       env_name=ENV)
    assert rc == 0, out[-3000:]
    assert rotated not in out and secrets["hasura_blog_db_password"] not in out
    assert task_status(out, "rds : present | Create or update the PostgreSQL instance") == "changed"
    assert secretsmanager.get_secret_value(SecretId=f"hasura-blog/{ENV}/db-master-password")["SecretString"] == rotated
    url = secretsmanager.get_secret_value(SecretId=f"hasura-blog/{ENV}/hasura-database-url")["SecretString"]
    assert f"hasura_admin:{rotated}@" in url
    assert deployment(ecs, cluster, f"{PREFIX}-hasura") != before["hasura"]
    assert deployment(ecs, cluster, f"{PREFIX}-nextjs") == before["nextjs"]
    assert len(active_revisions(ecs, f"{PREFIX}-hasura")) == 2, "a rotation needs no new task definition"
    needed_nothing_else("the password rotation")

    # The day-2 job templates, as the deployer: a rollout and a scale of Next.js, a restore of the database to a new
    # instance, and the status report. The re-run after them changes nothing: it keeps the image and the count.
    rollout = job("rollout", "playbooks/rollout.yml", survey={
        "hasura_blog_service": "nextjs", "hasura_blog_image": "ghcr.io/example/hasura-blog-nextjs:1.1", **keep_lock})
    assert rollout.status == "successful" and rollout.stats["changed"] == 3, rollout.stdout
    scale = job("scale", "playbooks/scale.yml", survey={"hasura_blog_service": "nextjs", "hasura_blog_count": 1, **keep_lock})
    assert scale.status == "successful" and scale.stats["changed"] == 2, scale.stdout
    nextjs = ecs.describe_services(cluster=cluster, services=[f"{PREFIX}-nextjs"])["services"][0]
    assert nextjs["desiredCount"] == 1 and nextjs["taskDefinition"].endswith(f"{PREFIX}-nextjs:2")
    restore = job("restore", "playbooks/restore.yml", survey={
        "hasura_blog_restore_time": "latest", "hasura_blog_repoint": "false", **keep_lock})
    assert restore.status == "successful", restore.stdout
    restored = [d["DBInstanceIdentifier"] for d in aws("rds").describe_db_instances()["DBInstances"]
                if d["DBInstanceIdentifier"].startswith(f"{PREFIX}-postgres-restore-")]
    assert len(restored) == 1, restored
    report = job("status", "playbooks/status.yml")
    assert report.status == "successful" and report.stats["changed"] == 0, report.stdout
    flat = " ".join(report.stdout.split())
    assert f"Service nextjs: 1 running, 1 desired, 0 pending; {PREFIX}-nextjs:2, rollout COMPLETED" in flat, report.stdout
    assert f"Database {PREFIX}-postgres available" in flat, report.stdout
    needed_nothing_else("the day-2 jobs rollout, scale, restore and status")
    rc, out = playbook("site.yml", *upgraded, "-e", f"hasura_blog_db_password={rotated}", env_name=ENV)
    assert rc == 0 and changed(out) == 0, out[-3000:]
    assert ecs.describe_services(cluster=cluster, services=[f"{PREFIX}-nextjs"])["services"][0]["desiredCount"] == 1
    needed_nothing_else("the re-run after the rotation and the day-2 jobs")

    # The destroy job template: the operator types the environment's name back. An answer of the right length (the
    # survey checks that much) naming another environment stops the teardown before its first AWS call.
    existing = environment_resources(aws, ENV)
    wrong = job("destroy", "playbooks/teardown.yml", vault=credential,
                survey={"hasura_blog_confirm_env": "svc-is", "hasura_blog_destroy_protected": "false", **keep_lock})
    assert wrong.status == "failed", wrong.stdout
    assert wrong.failed_tasks == ["Refuse a teardown confirmed for another environment"], wrong.stdout
    assert environment_resources(aws, ENV) == existing
    destroy = job("destroy", "playbooks/teardown.yml", vault=credential,
                  survey={"hasura_blog_confirm_env": ENV, "hasura_blog_destroy_protected": "false", **keep_lock})
    assert destroy.status == "successful", destroy.stdout
    assert destroy.stats["failures"] == 0 and destroy.stats["changed"] > 0, destroy.stats
    needed_nothing_else("the destroy job")
    assert deployer.deployed(aws, ENV) == {}  # the restored instance and the day-2 records too
    assert not any(environment_resources(aws, ENV).values()), environment_resources(aws, ENV)
    assert [c for c in ecs.describe_clusters(clusters=[f"{PREFIX}-cluster"])["clusters"] if c["status"] == "ACTIVE"] == []
    assert active_revisions(ecs, f"{PREFIX}-hasura") == []
    assert [s for s in secretsmanager.list_secrets()["SecretList"] if s["Name"].startswith(f"hasura-blog/{ENV}/")] == []
    assert [r for r in aws("iam").list_roles()["Roles"] if r["RoleName"].startswith(PREFIX)] == []
    assert aws("logs").describe_log_groups(logGroupNamePrefix=f"/ecs/{PREFIX}/")["logGroups"] == []
    assert ours(aws) == {"nat_gateways": [], "elastic_ips": [], "load_balancers": [], "target_groups": []}
