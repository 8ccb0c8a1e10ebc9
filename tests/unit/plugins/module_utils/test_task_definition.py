import copy

import pytest

from ansible_collections.hasura_blog.aws.plugins.module_utils.task_definition import (
    TaskDefinitionError,
    differs,
    family_revision,
    normalise,
    render,
    validate,
)

SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:hasura-blog/local/admin-secret-AbCdEf"


def spec(**overrides):
    base = {
        "family": "hasura-blog-local-hasura",
        "cpu": 512,
        "memory": 1024,
        "execution_role_arn": "arn:aws:iam::123456789012:role/exec",
        "task_role_arn": "arn:aws:iam::123456789012:role/task",
        "containers": [{
            "name": "hasura",
            "image": "hasura/graphql-engine:v2.48.5",
            "port": 8080,
            "environment": {"HASURA_GRAPHQL_ENABLE_CONSOLE": "true", "HASURA_GRAPHQL_DEV_MODE": "false"},
            "secrets": {"HASURA_GRAPHQL_ADMIN_SECRET": SECRET_ARN},
            "health_check": {"command": ["CMD-SHELL", "curl -f http://localhost:8080/healthz || exit 1"], "start_period": 60},
            "log_group": "/ecs/hasura-blog-local/hasura",
            "log_region": "us-east-1",
        }],
    }
    base.update(overrides)
    return base


def described(request: dict, revision: int = 3) -> dict:
    """What DescribeTaskDefinition answers for a registered request: AWS's defaults and metadata added."""
    result = copy.deepcopy(request)
    result.update(taskDefinitionArn=f"arn:aws:ecs:us-east-1:123456789012:task-definition/{request['family']}:{revision}",
                  revision=revision, status="ACTIVE", compatibilities=["EC2", "FARGATE"], volumes=[],
                  placementConstraints=[], requiresAttributes=[{"name": "ecs.capability.secrets.asm.environment-variables"}],
                  registeredAt="2026-11-26T10:00:00Z", registeredBy="arn:aws:iam::123456789012:root")
    for container in result["containerDefinitions"]:
        container.update(cpu=0, mountPoints=[], volumesFrom=[], systemControls=[])
        container["environment"] = list(reversed(container.get("environment", [])))
    return result


def test_render_builds_a_complete_fargate_request() -> None:
    request = render(spec())
    assert request["requiresCompatibilities"] == ["FARGATE"]
    assert request["networkMode"] == "awsvpc"
    assert (request["cpu"], request["memory"]) == ("512", "1024")
    assert request["runtimePlatform"] == {"cpuArchitecture": "X86_64", "operatingSystemFamily": "LINUX"}
    container = request["containerDefinitions"][0]
    assert container["portMappings"] == [{"containerPort": 8080, "hostPort": 8080, "protocol": "tcp"}]
    assert container["environment"] == [{"name": "HASURA_GRAPHQL_DEV_MODE", "value": "false"},
                                        {"name": "HASURA_GRAPHQL_ENABLE_CONSOLE", "value": "true"}]
    assert container["secrets"] == [{"name": "HASURA_GRAPHQL_ADMIN_SECRET", "valueFrom": SECRET_ARN}]
    assert container["healthCheck"]["startPeriod"] == 60
    assert container["logConfiguration"] == {"logDriver": "awslogs", "options": {
        "awslogs-group": "/ecs/hasura-blog-local/hasura", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "ecs"}}


@pytest.mark.parametrize(("cpu", "memory", "ok"), [
    (256, 512, True), (256, 4096, False), (512, 1024, True), (512, 512, False), (1024, 8192, True),
    (1024, 9216, False), (4096, 30720, True), (8192, 20480, True), (8192, 18432, False), (300, 1024, False),
])
def test_fargate_sizes(cpu: int, memory: int, ok: bool) -> None:
    errors = validate(spec(cpu=cpu, memory=memory))
    assert (errors == []) is ok, errors


@pytest.mark.parametrize(("overrides", "message"), [
    ({"family": "bad name"}, "family 'bad name'"),
    ({"execution_role_arn": ""}, "execution_role_arn is required"),
    ({"containers": []}, "at least one container"),
    ({"cpu": "lots"}, "must be numbers"),
])
def test_bad_task_input(overrides: dict, message: str) -> None:
    with pytest.raises(TaskDefinitionError, match=message):
        render(spec(**overrides))


@pytest.mark.parametrize(("change", "message"), [
    ({"image": ""}, "image is required"),
    ({"port": 70000}, "port 70000 is not a TCP port"),
    ({"secrets": {"X": "plain-text-value"}}, "must reference an ARN"),
    ({"environment": {"A": "1"}, "secrets": {"A": SECRET_ARN}}, "A is both an environment value and a secret"),
    ({"environment": {"1BAD": "x"}}, "'1BAD' is not a valid environment variable name"),
    ({"health_check": {"interval": 5}}, "a health check needs a command"),
    ({"log_region": None}, "log_region is required"),
])
def test_bad_container_input(change: dict, message: str) -> None:
    containers = [dict(spec()["containers"][0], **change)]
    assert any(message in e for e in validate(spec(containers=containers)))


def test_a_registered_revision_with_aws_defaults_is_not_a_difference() -> None:
    request = render(spec())
    assert not differs(request, described(request))


@pytest.mark.parametrize("mutate", [
    lambda s: s["containers"][0]["environment"].update(HASURA_GRAPHQL_DEV_MODE="true"),
    lambda s: s["containers"][0]["secrets"].update(HASURA_GRAPHQL_ADMIN_SECRET=SECRET_ARN + "x"),
    lambda s: s.update(cpu=1024, memory=2048),
    lambda s: s.update(execution_role_arn="arn:aws:iam::123456789012:role/other"),
    lambda s: s["containers"][0].update(image="hasura/graphql-engine:v2.48.6"),
    lambda s: s["containers"][0]["health_check"].update(retries=5),
    lambda s: s["containers"][0].update(port=8081),
    lambda s: s["containers"][0].update(log_group="/ecs/other"),
])
def test_every_real_change_is_a_difference(mutate) -> None:
    """community.aws.ecs_taskdefinition misses most of these: equal-length lists compare equal there."""
    current = described(render(spec()))
    changed = spec()
    mutate(changed)
    assert differs(render(changed), current)


def test_no_current_revision_is_a_difference() -> None:
    assert differs(render(spec()), None)
    assert normalise(None) is None


def test_family_revision() -> None:
    assert family_revision(described(render(spec()), revision=7)) == "hasura-blog-local-hasura:7"
