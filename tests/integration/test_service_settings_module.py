"""hasura_blog.aws.ecs_service_settings against the emulator: check mode, diff, apply, idempotence, clear errors.

The tests share one service and run in file order: check mode first, on the service as created.
"""

import json
import re

import pytest

CLUSTER, SERVICE = "svcsettings-it", "svcsettings-it-web"
TASK = {"hasura_blog.aws.ecs_service_settings": {
    "cluster": CLUSTER,
    "service": "{{ service | default('%s') }}" % SERVICE,
    "deployment_configuration": {
        "minimum_healthy_percent": "{{ minimum | default(100) }}",
        "maximum_percent": 200,
        "deployment_circuit_breaker": {"enable": True, "rollback": True},
    },
    "network_configuration": {"subnets": "{{ subnets }}", "security_groups": "{{ group_ids }}"},
    "health_check_grace_period_seconds": 120,
}}


@pytest.fixture(scope="module")
def network(aws) -> dict:
    """A service as community.aws.ecs_service would leave it, deployed with other settings than the module's."""
    ec2, ecs = aws("ec2"), aws("ecs")
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.9.{i}.0/24")["Subnet"]["SubnetId"] for i in (1, 2)]
    groups = [ec2.create_security_group(VpcId=vpc, GroupName=f"{CLUSTER}-{i}", Description="test")["GroupId"] for i in (1, 2)]
    ecs.create_cluster(clusterName=CLUSTER)
    ecs.register_task_definition(family=SERVICE, networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256",
                                 memory="512", containerDefinitions=[{"name": "web", "image": "nginx:1.27"}])
    ecs.create_service(cluster=CLUSTER, serviceName=SERVICE, taskDefinition=SERVICE, desiredCount=1, launchType="FARGATE",
                       deploymentConfiguration={"minimumHealthyPercent": 50, "maximumPercent": 200},
                       networkConfiguration={"awsvpcConfiguration": {"subnets": subnets[:1], "securityGroups": groups[:1]}})
    return {"subnets": subnets, "groups": groups}


@pytest.fixture
def run(module_task, network):
    go = module_task(TASK)
    subnets_and_groups = json.dumps({"subnets": network["subnets"], "group_ids": network["groups"][1:]})
    return lambda *args: go("-e", subnets_and_groups, *args)


def described(aws) -> dict:
    return aws("ecs").describe_services(cluster=CLUSTER, services=[SERVICE])["services"][0]


def test_check_mode_and_diff_change_nothing(aws, run) -> None:
    before = described(aws)
    rc, out, result = run("--check", "--diff")
    assert rc == 0, out[-2000:]
    assert result["changed"] and result["updated"] == ["deploymentConfiguration", "healthCheckGracePeriodSeconds",
                                                       "networkConfiguration"]
    # The diff shows the old and the new value.
    assert re.search(r"^-\s+minimumHealthyPercent: 50$", out, re.M) and re.search(r"^\+\s+minimumHealthyPercent: 100$", out, re.M)
    after = described(aws)
    assert after["deploymentConfiguration"] == before["deploymentConfiguration"]
    assert after["networkConfiguration"] == before["networkConfiguration"]


def test_applies_the_settings_once_then_reports_no_change_and_updates_only_what_differs(aws, run, network) -> None:
    rc, out, result = run()
    assert rc == 0 and result["changed"], out[-2000:]
    service = described(aws)
    assert service["deploymentConfiguration"]["minimumHealthyPercent"] == 100
    assert service["deploymentConfiguration"]["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}
    assert sorted(service["networkConfiguration"]["awsvpcConfiguration"]["subnets"]) == sorted(network["subnets"])
    assert service["networkConfiguration"]["awsvpcConfiguration"]["securityGroups"] == network["groups"][1:]
    assert service["healthCheckGracePeriodSeconds"] == 120
    rc, out, result = run()
    assert rc == 0 and not result["changed"] and result["updated"] == [], out[-2000:]

    rc, out, result = run("-e", "minimum=50")
    assert rc == 0 and result["updated"] == ["deploymentConfiguration"], out[-2000:]
    assert described(aws)["deploymentConfiguration"]["minimumHealthyPercent"] == 50


def test_a_missing_service_is_a_clear_error(run) -> None:
    rc, out, result = run("-e", "service=no-such-service")
    assert rc != 0
    assert f"ECS service no-such-service does not exist in cluster {CLUSTER}" in out
