import copy

import pytest

from ansible_collections.hasura_blog.aws.plugins.filter.service import FilterModule
from ansible_collections.hasura_blog.aws.plugins.module_utils.service import (
    comparable,
    desired_settings,
    rollout_status,
    settings_to_update,
)
from tests.unit.plugins.module_utils.fixtures.recorded import botocore_example, load, unknown_fields

DEPLOYMENT = {"minimum_healthy_percent": 100, "maximum_percent": 200, "deployment_circuit_breaker": {"enable": True, "rollback": True}}
NETWORK = {"subnets": ["subnet-b", "subnet-a"], "security_groups": ["sg-1"], "assign_public_ip": False}
DESIRED = desired_settings(DEPLOYMENT, NETWORK, 120)
# What DescribeServices reports for a service that matches DESIRED, with fields AWS adds on its own.
SERVICE = {
    "status": "ACTIVE",
    "deploymentConfiguration": {"minimumHealthyPercent": 100, "maximumPercent": 200, "strategy": "ROLLING",
                                "deploymentCircuitBreaker": {"enable": True, "rollback": True}},
    "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-a", "subnet-b"], "securityGroups": ["sg-1"],
                                                     "assignPublicIp": "DISABLED"}},
    "healthCheckGracePeriodSeconds": 120,
}


def test_desired_settings_in_the_api_shape() -> None:
    assert DESIRED == {
        "deploymentConfiguration": {"minimumHealthyPercent": 100, "maximumPercent": 200,
                                    "deploymentCircuitBreaker": {"enable": True, "rollback": True}},
        "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-a", "subnet-b"], "securityGroups": ["sg-1"],
                                                         "assignPublicIp": "DISABLED"}},
        "healthCheckGracePeriodSeconds": 120,
    }
    assert desired_settings(None, None, None) == {}
    assert desired_settings({"maximum_percent": 150, "minimum_healthy_percent": None, "deployment_circuit_breaker": None}, None, None) \
        == {"deploymentConfiguration": {"maximumPercent": 150}}


def test_a_matching_service_needs_no_update() -> None:
    assert settings_to_update(DESIRED, SERVICE) == {}


@pytest.mark.parametrize(("change", "field"), [
    ({"minimumHealthyPercent": 50}, "deploymentConfiguration"),
    ({"maximumPercent": 150}, "deploymentConfiguration"),
    ({"deploymentCircuitBreaker": {"enable": False, "rollback": False}}, "deploymentConfiguration"),
])
def test_a_changed_deployment_configuration_is_sent_whole(change: dict, field: str) -> None:
    service = {**SERVICE, "deploymentConfiguration": {**SERVICE["deploymentConfiguration"], **change}}
    update = settings_to_update(DESIRED, service)
    assert list(update) == [field]
    # The service's own fields are kept; ours win.
    assert update[field] == {**SERVICE["deploymentConfiguration"]}


@pytest.mark.parametrize("vpc", [
    {"subnets": ["subnet-a"], "securityGroups": ["sg-1"], "assignPublicIp": "DISABLED"},
    {"subnets": ["subnet-a", "subnet-b"], "securityGroups": ["sg-2"], "assignPublicIp": "DISABLED"},
    {"subnets": ["subnet-a", "subnet-b"], "securityGroups": ["sg-1", "sg-2"], "assignPublicIp": "DISABLED"},
    {"subnets": ["subnet-a", "subnet-b"], "securityGroups": ["sg-1"], "assignPublicIp": "ENABLED"},
])
def test_a_changed_network_is_sent(vpc: dict) -> None:
    update = settings_to_update(DESIRED, {**SERVICE, "networkConfiguration": {"awsvpcConfiguration": vpc}})
    assert update == {"networkConfiguration": DESIRED["networkConfiguration"]}


def test_order_of_subnets_and_groups_does_not_matter() -> None:
    service = {**SERVICE, "networkConfiguration": {"awsvpcConfiguration": {
        "subnets": ["subnet-b", "subnet-a"], "securityGroups": ["sg-1"], "assignPublicIp": "DISABLED"}}}
    assert settings_to_update(DESIRED, service) == {}


def test_grace_period_and_missing_fields() -> None:
    assert settings_to_update(DESIRED, {**SERVICE, "healthCheckGracePeriodSeconds": 0}) == {"healthCheckGracePeriodSeconds": 120}
    # A service that reports nothing (as a fresh one may) gets everything.
    assert set(settings_to_update(DESIRED, {"status": "ACTIVE"})) == set(DESIRED)
    # Nothing named, nothing compared.
    assert settings_to_update({}, {"status": "ACTIVE"}) == {}


def test_comparable_shows_the_managed_fields_only() -> None:
    assert comparable({**SERVICE, "desiredCount": 2}) == {key: SERVICE[key] for key in DESIRED}


# DescribeServices entries as AWS answers them (see the fixture's description).
FIXTURE = load("describe_services")
EXPECTED = "hasura-blog-prod-hasura:8"
EXPECTED_ARN = "arn:aws:ecs:us-east-1:123456789012:task-definition/hasura-blog-prod-hasura:8"
PREVIOUS_ARN = "arn:aws:ecs:us-east-1:123456789012:task-definition/hasura-blog-prod-hasura:7"


def scenario(name: str) -> dict:
    return copy.deepcopy({**FIXTURE["service"], **FIXTURE["scenarios"][name]})


# The role's settings for the service of the fixture.
AWS_DESIRED = desired_settings(DEPLOYMENT, {"subnets": ["subnet-0a1b2c3d4e5f6a7b8", "subnet-0b2c3d4e5f6a7b8c9"],
                                            "security_groups": ["sg-0123456789abcdef0"], "assign_public_ip": False}, 120)


@pytest.mark.parametrize("name", sorted(FIXTURE["scenarios"]))
def test_fixture_fields_exist_in_the_botocore_model(name: str) -> None:
    assert unknown_fields(scenario(name), "Service") == []


def test_a_service_as_aws_describes_it_needs_no_update() -> None:
    """AWS adds resetOnHealthyTask and thresholdConfiguration to the circuit breaker, and strategy, alarms, bake time."""
    assert settings_to_update(AWS_DESIRED, scenario("completed")) == {}


def test_a_changed_circuit_breaker_keeps_the_fields_aws_added() -> None:
    service = scenario("failed_without_rollback")  # rollback false
    have = service["deploymentConfiguration"]
    assert settings_to_update(AWS_DESIRED, service) == {"deploymentConfiguration": {
        **have, "deploymentCircuitBreaker": {**have["deploymentCircuitBreaker"], "rollback": True}}}


@pytest.mark.parametrize("expected", [EXPECTED, EXPECTED_ARN])
@pytest.mark.parametrize(("name", "state", "reason"), [
    ("completed", "COMPLETED", "ECS deployment ecs-svc/8123456789012345678 completed."),
    ("fresh_service_starting", "IN_PROGRESS", "0 of 2 tasks of hasura-blog-prod-hasura:8 running"),
    ("replacing_previous_revision", "IN_PROGRESS", "2 deployments"),
    ("rollback_in_progress", "FAILED", "ECS deployment circuit breaker: tasks failed to start."),
    ("rolled_back", "FAILED", "hasura-blog-prod-hasura:7 runs instead of hasura-blog-prod-hasura:8"),
    ("failed_without_rollback", "FAILED", "ECS deployment circuit breaker: tasks failed to start."),
    ("legacy_steady", "COMPLETED", "2 of 2 tasks of hasura-blog-prod-hasura:8 running"),
    ("legacy_replacing", "IN_PROGRESS", "2 deployments"),
])
def test_rollout_status(name: str, state: str, reason: str, expected: str) -> None:
    status = rollout_status(scenario(name), expected)
    assert status["state"] == state
    assert reason in status["reason"]


def test_rollout_status_reports_what_runs() -> None:
    assert rollout_status(scenario("rolled_back"), EXPECTED) == {
        "state": "FAILED", "running_task_definition": PREVIOUS_ARN, "running": 2, "desired": 2,
        "reason": "hasura-blog-prod-hasura:7 runs instead of hasura-blog-prod-hasura:8: the deployment was rolled back "
                  "or replaced"}
    status = rollout_status(scenario("replacing_previous_revision"), EXPECTED)
    assert (status["running_task_definition"], status["running"], status["desired"]) == (EXPECTED_ARN, 1, 2)


def test_rollout_status_compares_whole_revisions() -> None:
    assert rollout_status(scenario("completed"), "hasura-blog-prod-hasura:80")["state"] == "FAILED"
    assert rollout_status(scenario("completed"), "other-hasura-blog-prod-hasura:8")["state"] == "FAILED"


def test_rollout_status_of_the_botocore_example() -> None:
    """A service without rollout states whose one task is not placed yet, then placed."""
    service = botocore_example("DescribeServices")["services"][0]
    assert rollout_status(service, "hello_world:6")["state"] == "IN_PROGRESS"
    service["deployments"][0]["runningCount"] = 1
    assert rollout_status(service, "hello_world:6")["state"] == "COMPLETED"


def test_rollout_status_of_a_deleted_service() -> None:
    status = rollout_status({**scenario("completed"), "status": "DRAINING"}, EXPECTED)
    assert (status["state"], status["reason"]) == ("FAILED", "the service is DRAINING")


def test_rollout_status_filter_reports_every_expected_service() -> None:
    """The filter reads community.aws.ecs_service_info's services (camelCase) and maps service names to statuses."""
    app = {**scenario("replacing_previous_revision"), "serviceName": "hasura-blog-prod-app"}
    statuses = FilterModule().filters()["rollout_status"](
        [scenario("completed"), app],
        {"hasura-blog-prod-hasura": EXPECTED, "hasura-blog-prod-app": EXPECTED_ARN, "hasura-blog-prod-new": "new:1"})
    assert {name: status["state"] for name, status in statuses.items()} == {
        "hasura-blog-prod-hasura": "COMPLETED", "hasura-blog-prod-app": "IN_PROGRESS", "hasura-blog-prod-new": "IN_PROGRESS"}
    assert statuses["hasura-blog-prod-new"]["reason"] == "DescribeServices did not return the service"


def test_a_task_definition_and_a_count_are_compared_only_when_given() -> None:
    service = {**SERVICE, "taskDefinition": "arn:aws:ecs:us-east-1:123456789012:task-definition/blog-hasura:2", "desiredCount": 2}
    assert settings_to_update(desired_settings(None, None, None, "blog-hasura:2", 2), service) == {}
    assert settings_to_update(desired_settings(None, None, None, "blog-hasura:3", None), service) == {"taskDefinition": "blog-hasura:3"}
    assert settings_to_update(desired_settings(None, None, None, None, 3), service) == {"desiredCount": 3}
    assert settings_to_update(desired_settings(None, None, None, None, 0), service) == {"desiredCount": 0}
    assert "taskDefinition" not in desired_settings(None, None, None) and "desiredCount" not in desired_settings(None, None, None)
