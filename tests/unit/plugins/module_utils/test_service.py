import pytest

from ansible_collections.hasura_blog.aws.plugins.module_utils.service import comparable, desired_settings, settings_to_update

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
