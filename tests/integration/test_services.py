"""The whole stack in one environment: no secret in -vvv output, idempotent re-run, image upgrade = one revision."""

import json
import re

from .conftest import changed, local_secrets

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


def test_deploy_upgrade_and_teardown_of_the_services(aws, playbook) -> None:
    ecs, secretsmanager = aws("ecs"), aws("secretsmanager")
    secrets = local_secrets()
    rc, out = playbook("site.yml", "-vvv", env_name=ENV)
    assert rc == 0, out[-3000:]
    # No secret value, nor the JWT JSON or the database URL built from them, reaches the output at -vvv.
    for value in secrets.values():
        assert value not in out
    # Secrets reach the containers only as references; the task definitions hold no value.
    for family in (f"{PREFIX}-hasura", f"{PREFIX}-nextjs"):
        definition = json.dumps(ecs.describe_task_definition(taskDefinition=family)["taskDefinition"])
        for value in secrets.values():
            assert value not in definition
    jwt = json.loads(secretsmanager.get_secret_value(SecretId=f"hasura-blog/{ENV}/hasura-jwt-secret")["SecretString"])
    assert jwt == {"type": "HS256", "key": secrets["hasura_blog_jwt_key"]}
    assert secretsmanager.get_secret_value(SecretId=f"hasura-blog/{ENV}/jwt-key")["SecretString"] == secrets["hasura_blog_jwt_key"]
    url = secretsmanager.get_secret_value(SecretId=f"hasura-blog/{ENV}/hasura-database-url")["SecretString"]
    assert re.fullmatch(rf"postgres://hasura_admin:[^@/]+@{PREFIX}-postgres\..+:5432/hasura", url), "unexpected URL shape"

    rc, out = playbook("site.yml", env_name=ENV)
    assert rc == 0 and changed(out) == 0, out[-3000:]
    assert len(active_revisions(ecs, f"{PREFIX}-hasura")) == 1

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
    rc, out = playbook("site.yml", "--check", "--diff", env_name=ENV)
    assert rc == 0 and changed(out) == 1, out[-3000:]
    assert service_settings(ecs, cluster, name) == drifted
    rc, out = playbook("site.yml", env_name=ENV)
    assert rc == 0 and changed(out) == 1, out[-3000:]
    assert service_settings(ecs, cluster, name) == deployed
    assert deployed["minimum"] == 100 and deployed["network"]["securityGroups"] == [groups[f"{PREFIX}-ecs-sg"]]

    # An image upgrade and a new minimum healthy percent in one run: the service gets both.
    rc, out = playbook("site.yml", "-e", "ecs_services_hasura_image=hasura/graphql-engine:v2.48.6",
                       "-e", "ecs_services_minimum_healthy_percent=50", env_name=ENV)
    assert rc == 0, out[-3000:]
    assert all(service_settings(ecs, cluster, f"{PREFIX}-{key}")["minimum"] == 50 for key in ("hasura", "nextjs"))
    hasura = active_revisions(ecs, f"{PREFIX}-hasura")
    assert len(hasura) == 2
    assert len(active_revisions(ecs, f"{PREFIX}-nextjs")) == 1
    service = ecs.describe_services(cluster=f"{PREFIX}-cluster", services=[f"{PREFIX}-hasura"])["services"][0]
    assert service["taskDefinition"].endswith(f"{PREFIX}-hasura:{hasura[-1].rsplit(':', 1)[1]}")
    current = ecs.describe_task_definition(taskDefinition=f"{PREFIX}-hasura")["taskDefinition"]
    assert current["containerDefinitions"][0]["image"] == "hasura/graphql-engine:v2.48.6"

    # Rotation of the database password in the vault (here -e, over the vault): RDS gets it, the database URL secret
    # changes, and Hasura, which reads that secret, rolls to new tasks; Next.js, which does not, is left alone.
    upgraded = ["-e", "ecs_services_hasura_image=hasura/graphql-engine:v2.48.6", "-e", "ecs_services_minimum_healthy_percent=50"]
    rotated = "Rotated-Passw0rd-" + secrets["hasura_blog_db_password"][:8]
    before = {key: deployment(ecs, cluster, f"{PREFIX}-{key}") for key in ("hasura", "nextjs")}
    rc, out = playbook("site.yml", *upgraded, "-e", f"hasura_blog_db_password={rotated}", env_name=ENV)
    assert rc == 0, out[-3000:]
    assert rotated not in out and secrets["hasura_blog_db_password"] not in out
    assert task_status(out, "rds : present | Create or update the PostgreSQL instance") == "changed"
    assert secretsmanager.get_secret_value(SecretId=f"hasura-blog/{ENV}/db-master-password")["SecretString"] == rotated
    url = secretsmanager.get_secret_value(SecretId=f"hasura-blog/{ENV}/hasura-database-url")["SecretString"]
    assert f"hasura_admin:{rotated}@" in url
    assert deployment(ecs, cluster, f"{PREFIX}-hasura") != before["hasura"]
    assert deployment(ecs, cluster, f"{PREFIX}-nextjs") == before["nextjs"]
    assert len(active_revisions(ecs, f"{PREFIX}-hasura")) == 2, "a rotation needs no new task definition"
    rc, out = playbook("site.yml", *upgraded, "-e", f"hasura_blog_db_password={rotated}", env_name=ENV)
    assert rc == 0 and changed(out) == 0, out[-3000:]

    rc, out = playbook("playbooks/teardown.yml", env_name=ENV)
    assert rc == 0, out[-3000:]
    assert [c for c in ecs.describe_clusters(clusters=[f"{PREFIX}-cluster"])["clusters"] if c["status"] == "ACTIVE"] == []
    assert active_revisions(ecs, f"{PREFIX}-hasura") == []
    assert [s for s in secretsmanager.list_secrets()["SecretList"] if s["Name"].startswith(f"hasura-blog/{ENV}/")] == []
    assert [r for r in aws("iam").list_roles()["Roles"] if r["RoleName"].startswith(PREFIX)] == []
    assert aws("logs").describe_log_groups(logGroupNamePrefix=f"/ecs/{PREFIX}/")["logGroups"] == []
