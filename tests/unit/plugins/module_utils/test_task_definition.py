import copy

import pytest

from ansible_collections.hasura_blog.aws.plugins.module_utils.task_definition import (
    TaskDefinitionError,
    differs,
    family_revision,
    normalise,
    render,
    validate,
    with_images,
)
from tests.unit.plugins.module_utils.fixtures.recorded import botocore_example, load, unknown_fields

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


# DescribeTaskDefinition of the revision registered for spec(), as AWS answers it (see the fixture's description).
DESCRIBED = load("describe_task_definition")["response"]["taskDefinition"]
REGISTRY_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:hasura-blog/dockerhub-Gh1jK2"


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
def test_task_input_aws_would_refuse_raises_a_named_error(overrides: dict, message: str) -> None:
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
def test_container_input_aws_would_refuse_is_reported(change: dict, message: str) -> None:
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


def test_fixture_fields_exist_in_the_botocore_model() -> None:
    assert unknown_fields(load("describe_task_definition")["response"], "DescribeTaskDefinitionResponse") == []


def test_the_revision_as_aws_describes_it_is_not_a_difference() -> None:
    """AWS answers enableFaultInjection false, versionConsistency and more that the request never set."""
    assert not differs(render(spec()), DESCRIBED)


AWS_ADDED = sorted(set(DESCRIBED) - set(render(spec())))
AWS_ADDED_TO_CONTAINER = sorted(set(DESCRIBED["containerDefinitions"][0]) - set(render(spec())["containerDefinitions"][0]))


@pytest.mark.parametrize("key", AWS_ADDED)
def test_a_field_aws_adds_to_the_task_is_not_a_difference(key: str) -> None:
    request = render(spec())
    assert not differs(request, {**request, key: DESCRIBED[key]})


@pytest.mark.parametrize("key", AWS_ADDED_TO_CONTAINER)
def test_a_field_aws_adds_to_a_container_is_not_a_difference(key: str) -> None:
    request = render(spec())
    current = copy.deepcopy(request)
    current["containerDefinitions"][0][key] = DESCRIBED["containerDefinitions"][0][key]
    assert not differs(request, current)


@pytest.mark.parametrize("mutate", [
    lambda s: s.update(task_role_arn=None),
    lambda s: s["containers"][0].pop("health_check"),
    lambda s: s["containers"][0].pop("port"),
    lambda s: s["containers"][0].update(secrets={}),
    lambda s: s["containers"][0].update(environment={}),
    lambda s: s["containers"][0].pop("log_group"),
])
def test_a_managed_setting_removed_from_the_spec_is_a_difference(mutate) -> None:
    changed = spec()
    mutate(changed)
    assert differs(render(changed), DESCRIBED)


def test_only_the_keys_the_renderer_manages_are_compared() -> None:
    """botocore's DescribeTaskDefinition example: an EC2 task with links, container memory and cpu 10."""
    example = normalise(botocore_example("DescribeTaskDefinition")["taskDefinition"])
    assert set(example) == {"family", "containerDefinitions"}
    assert [set(c) for c in example["containerDefinitions"]] == [
        {"name", "image", "essential", "environment"}, {"name", "image", "essential", "portMappings"}]


def test_repository_credentials_are_rendered_as_a_reference() -> None:
    containers = [dict(spec()["containers"][0], repository_credentials=REGISTRY_ARN)]
    container = render(spec(containers=containers))["containerDefinitions"][0]
    assert container["repositoryCredentials"] == {"credentialsParameter": REGISTRY_ARN}
    assert "repositoryCredentials" not in render(spec())["containerDefinitions"][0]


@pytest.mark.parametrize(("arn", "ok"), [
    (REGISTRY_ARN, True),
    ("arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:dockerhub-AbCdEf", True),
    ("arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:team/dockerhub-AbCdEf", True),
    ("hasura-blog/dockerhub", False),
    ("arn:aws:ssm:us-east-1:123456789012:parameter/dockerhub", False),
    ("arn:aws:secretsmanager:us-east-1:123456789012:dockerhub-AbCdEf", False),
    ("arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", False),
    ('{"username": "hasura", "password": "hunter2"}', False),
])
def test_repository_credentials_must_be_a_secrets_manager_arn(arn: str, ok: bool) -> None:
    containers = [dict(spec()["containers"][0], repository_credentials=arn)]
    errors = [e for e in validate(spec(containers=containers)) if "repository_credentials" in e]
    assert (errors == []) is ok, errors


def test_repository_credentials_are_a_managed_key() -> None:
    with_credentials = spec(containers=[dict(spec()["containers"][0], repository_credentials=REGISTRY_ARN)])
    current = copy.deepcopy(DESCRIBED)
    current["containerDefinitions"][0]["repositoryCredentials"] = {"credentialsParameter": REGISTRY_ARN}
    assert not differs(render(with_credentials), current)
    assert differs(render(spec()), current)  # removed
    assert differs(render(with_credentials), DESCRIBED)  # added


def test_a_copy_with_a_new_image_differs_only_in_that_image_and_registers_what_the_spec_renders() -> None:
    request = render(spec())
    name = request["containerDefinitions"][0]["name"]
    copy_request = with_images(described(request), {name: "hasura/graphql-engine:v9.9.9"})
    assert differs(copy_request, described(request))
    # The deploy renders the same request from the inventory with that image: no difference, so no revision.
    renamed = spec()
    renamed["containers"][0]["image"] = "hasura/graphql-engine:v9.9.9"
    assert not differs(render(renamed), described(copy_request))
    # AWS's own fields (revision, status, registeredAt, ...) are not in the request.
    assert set(copy_request) <= {"family", "networkMode", "requiresCompatibilities", "cpu", "memory", "executionRoleArn",
                                 "taskRoleArn", "runtimePlatform", "containerDefinitions", "volumes"}


def test_a_copy_of_a_read_only_revision_keeps_its_scratch_volumes() -> None:
    """make rollout registers a copy: without its volumes and mount points the new image could not write anywhere."""
    hardened = spec()
    hardened["containers"][0].update(readonly_root_filesystem=True, scratch=["/tmp"])
    request = render(hardened)
    current = {**described(request), "volumes": request["volumes"]}
    current["containerDefinitions"][0]["mountPoints"] = request["containerDefinitions"][0]["mountPoints"]
    copy_request = with_images(current, {"hasura": "hasura/graphql-engine:v9.9.9"})
    assert copy_request["volumes"] == [{"name": "hasura-scratch-0"}]
    assert copy_request["containerDefinitions"][0]["readonlyRootFilesystem"] is True
    assert copy_request["containerDefinitions"][0]["mountPoints"][0]["containerPath"] == "/tmp"


def test_a_copy_of_the_same_image_is_no_difference() -> None:
    request = render(spec())
    current = described(request)
    assert not differs(with_images(current, {}), current)


def test_a_copy_for_a_container_the_revision_lacks_is_an_error() -> None:
    with pytest.raises(TaskDefinitionError, match="has no container web"):
        with_images(described(render(spec())), {"web": "nginx:1"})


def test_a_read_only_root_filesystem_with_scratch_directories_renders_and_compares() -> None:
    hardened = spec()
    hardened["containers"][0].update(readonly_root_filesystem=True, scratch=["/tmp", "/var/cache/app"])
    request = render(hardened)
    assert request["volumes"] == [{"name": "hasura-scratch-0"}, {"name": "hasura-scratch-1"}]
    container = request["containerDefinitions"][0]
    assert container["readonlyRootFilesystem"] is True
    assert container["mountPoints"] == [
        {"sourceVolume": "hasura-scratch-0", "containerPath": "/tmp", "readOnly": False},
        {"sourceVolume": "hasura-scratch-1", "containerPath": "/var/cache/app", "readOnly": False}]
    # As AWS describes it: a Fargate volume with an empty host, mount points in any order, readOnly left out.
    current = described(request)
    current["volumes"] = [{"name": volume["name"], "host": {}} for volume in reversed(request["volumes"])]
    current["containerDefinitions"][0]["mountPoints"] = [
        {"sourceVolume": m["sourceVolume"], "containerPath": m["containerPath"]} for m in reversed(container["mountPoints"])]
    assert not differs(request, current)
    assert differs(render(spec()), current)  # turning it off is a change
    assert differs(request, described(render(spec())))  # and so is turning it on


def test_without_a_read_only_root_nothing_new_is_rendered() -> None:
    request = render(spec())
    assert "volumes" not in request
    assert not {"readonlyRootFilesystem", "mountPoints"} & set(request["containerDefinitions"][0])
    explicit = described(request)
    explicit["containerDefinitions"][0]["readonlyRootFilesystem"] = False  # AWS's default, described
    assert not differs(request, explicit)


@pytest.mark.parametrize(("scratch", "message"), [
    (["tmp"], "scratch path 'tmp' must be an absolute directory other than /"),
    (["/"], "scratch path '/' must be an absolute directory"),
    (["/tmp", "/tmp"], "scratch paths repeat"),
])
def test_scratch_paths_aws_or_the_container_would_refuse_are_reported(scratch: list, message: str) -> None:
    broken = spec()
    broken["containers"][0]["scratch"] = scratch
    assert any(message in error for error in validate(broken)), validate(broken)
