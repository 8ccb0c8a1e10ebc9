"""Realistic mode for RDS, ECS, Secrets Manager and IAM. Every test runs twice, over the fidelity patches with realistic
mode on: "realistic" with the behaviour it tests applied (AWS's behaviour), "moto" without it (moto's), so that each
fails without its behaviour. Time moves with realism.advance(); the durations below are long enough that wall time
spent by a test does not matter."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from tests.unit.emulator.conftest import isolate_aws
from tests.emulator import patches, realism
from tests.emulator.realism import ecs, iam, rds, secretsmanager

REGION = "us-east-1"
DURATIONS = {"rds_creating": 100, "rds_backing_up": 20, "rds_modifying": 30, "rds_deleting": 50, "ecs_rollout": 60,
             "ecs_draining": 40, "ecs_service_linked_role": 10, "secret_deletion": 30, "eni_linger": 120,
             "iam_propagation": 10, "ecs_scaling": 30}
BEHAVIOURS = {b.name: b for b in rds.BEHAVIOURS + ecs.BEHAVIOURS + secretsmanager.BEHAVIOURS + iam.BEHAVIOURS}
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
BREAKER = {"deploymentCircuitBreaker": {"enable": True, "rollback": True}, "maximumPercent": 200, "minimumHealthyPercent": 100}


@contextlib.contextmanager
def emulator(monkeypatch: pytest.MonkeyPatch, behaviours: tuple[str, ...] = (), enabled: bool = True) -> Iterator[None]:
    """moto in process with the fidelity patches, realistic mode configured with DURATIONS and these behaviours."""
    isolate_aws(monkeypatch)
    previous, lingering = realism.STATE, list(realism.LINGERING)
    realism.configure(realism.Realism(enabled=enabled, durations=dict(DURATIONS)))
    started = patches.apply(skip=("iam_managed_policies",))  # not needed here, and it costs a second per test
    try:
        for name in behaviours:
            started.extend(BEHAVIOURS[name].apply())
        with mock_aws():
            yield
    finally:
        patches.revert(started)
        realism.configure(previous)
        realism.LINGERING[:] = lingering


@pytest.fixture(params=["realistic", "moto"])
def realistic(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., bool]]:
    """``realistic(*behaviours)`` applies them in the "realistic" run and returns whether it did."""
    with contextlib.ExitStack() as stack:
        def use(*names: str) -> bool:
            stack.enter_context(emulator(monkeypatch, names if request.param == "realistic" else ()))
            return request.param == "realistic"

        yield use


def client(service: str):
    return boto3.client(service, region_name=REGION)


def error(call: Callable[[], object]) -> dict:
    with pytest.raises(ClientError) as raised:
        call()
    return raised.value.response["Error"]


# -- RDS ----------------------------------------------------------------------------------------------------------------

def network() -> tuple[str, list[str], str]:
    ec2 = client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{REGION}{az}")["Subnet"]["SubnetId"]
               for i, az in enumerate("ab")]
    group = ec2.create_security_group(GroupName="db", Description="db", VpcId=vpc)["GroupId"]
    return vpc, subnets, group


def create_postgres(rds_client, **overrides) -> dict:
    params = dict(DBInstanceIdentifier="db", Engine="postgres", EngineVersion="15.15", DBInstanceClass="db.t3.micro",
                  AllocatedStorage=20, StorageType="gp3", MasterUsername="hasura", MasterUserPassword="not-a-real-password")
    return rds_client.create_db_instance(**{**params, **overrides})["DBInstance"]


def described(rds_client) -> dict:
    return rds_client.describe_db_instances(DBInstanceIdentifier="db")["DBInstances"][0]


def test_rds_instance_is_creating_without_endpoint_then_backing_up(realistic) -> None:
    is_realistic = realistic("rds_instance_states")
    rds_client = client("rds")
    created = create_postgres(rds_client)
    if is_realistic:
        assert created["DBInstanceStatus"] == "creating" and "Endpoint" not in created
        assert described(rds_client)["DBInstanceStatus"] == "creating" and "Endpoint" not in described(rds_client)
        refused = error(lambda: rds_client.modify_db_instance(DBInstanceIdentifier="db", AllocatedStorage=30,
                                                              ApplyImmediately=True))
        assert refused == {"Type": "Sender", "Code": "InvalidDBInstanceState",
                           "Message": "Database instance is not in available state."}
        realism.advance(100)
        assert described(rds_client)["DBInstanceStatus"] == "backing-up"
        assert described(rds_client)["Endpoint"]["Port"] == 5432
        realism.advance(20)
    else:
        assert created["DBInstanceStatus"] == "available" and created["Endpoint"]["Port"] == 5432
    assert described(rds_client)["DBInstanceStatus"] == "available"


def test_rds_modification_applied_immediately_makes_the_instance_modifying(realistic) -> None:
    is_realistic = realistic("rds_instance_states")
    rds_client = client("rds")
    create_postgres(rds_client)
    realism.advance(120)
    modified = rds_client.modify_db_instance(DBInstanceIdentifier="db", AllocatedStorage=30, ApplyImmediately=True)
    assert modified["DBInstance"]["DBInstanceStatus"] == ("modifying" if is_realistic else "available")
    realism.advance(30)
    assert described(rds_client)["DBInstanceStatus"] == "available"
    unchanged = rds_client.modify_db_instance(DBInstanceIdentifier="db", AllocatedStorage=30, ApplyImmediately=True)
    assert unchanged["DBInstance"]["DBInstanceStatus"] == "available"
    password = rds_client.modify_db_instance(DBInstanceIdentifier="db", MasterUserPassword="another-password",
                                             ApplyImmediately=True)
    assert password["DBInstance"]["DBInstanceStatus"] == ("resetting-master-credentials" if is_realistic else "available")
    realism.advance(30)
    assert described(rds_client)["DBInstanceStatus"] == "available"


def test_rds_deleted_instance_is_deleting_and_holds_its_subnet_group(realistic) -> None:
    is_realistic = realistic("rds_instance_states")
    _vpc, subnets, group = network()
    rds_client = client("rds")
    rds_client.create_db_subnet_group(DBSubnetGroupName="db-subnets", DBSubnetGroupDescription="db", SubnetIds=subnets)
    create_postgres(rds_client, DBSubnetGroupName="db-subnets", VpcSecurityGroupIds=[group])
    realism.advance(120)
    deleted = rds_client.delete_db_instance(DBInstanceIdentifier="db", SkipFinalSnapshot=True)["DBInstance"]
    assert deleted["DBInstanceStatus"] == "deleting"
    if is_realistic:
        assert described(rds_client)["DBInstanceStatus"] == "deleting"
        again = error(lambda: rds_client.delete_db_instance(DBInstanceIdentifier="db", SkipFinalSnapshot=True))
        assert (again["Code"], again["Message"]) == ("InvalidDBInstanceState", "Instance db is already being deleted.")
        in_use = error(lambda: rds_client.delete_db_subnet_group(DBSubnetGroupName="db-subnets"))
        assert in_use["Code"] == "InvalidDBSubnetGroupStateFault"
        assert in_use["Message"] == ("Cannot delete the subnet group 'db-subnets' because at least one database "
                                     "instance: db is still using it.")
        realism.advance(50)
    assert error(lambda: described(rds_client))["Code"] == "DBInstanceNotFound"
    rds_client.delete_db_subnet_group(DBSubnetGroupName="db-subnets")
    # The instance's network interfaces outlive it.
    assert realism.lingering(subnet_id=subnets[1]) == (["db"] if is_realistic else [])
    assert realism.lingering(security_group_id=group) == (["db"] if is_realistic else [])
    realism.advance(120)
    assert realism.lingering(subnet_id=subnets[1]) == []


def test_rds_subnet_group_of_an_instance_cannot_be_deleted(realistic) -> None:
    is_realistic = realistic("rds_instance_states")
    _vpc, subnets, _group = network()
    rds_client = client("rds")
    rds_client.create_db_subnet_group(DBSubnetGroupName="db-subnets", DBSubnetGroupDescription="db", SubnetIds=subnets)
    create_postgres(rds_client, DBSubnetGroupName="db-subnets")
    if is_realistic:
        refused = error(lambda: rds_client.delete_db_subnet_group(DBSubnetGroupName="db-subnets"))
        assert refused["Code"] == "InvalidDBSubnetGroupStateFault"
    else:
        rds_client.delete_db_subnet_group(DBSubnetGroupName="db-subnets")


# -- ECS ----------------------------------------------------------------------------------------------------------------

def register(ecs_client, image: str, **extra) -> str:
    return ecs_client.register_task_definition(family="f", containerDefinitions=[{"name": "x", "image": image, "memory": 128}],
                                               **extra)["taskDefinition"]["taskDefinitionArn"]


def service(ecs_client) -> dict:
    return ecs_client.describe_services(cluster="c", services=["s"])["services"][0]


def rollouts(ecs_client) -> list[tuple[str, str, str]]:
    return [(d["status"], d["taskDefinition"], d["rolloutState"]) for d in service(ecs_client)["deployments"]]


def test_deployments_take_ecs_rollout_in_realistic_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fidelity patch ecs_deployments_complete composes with realistic mode: a deployment is IN_PROGRESS, with
    its tasks pending and the old deployment ACTIVE, until duration('ecs_rollout') has passed."""
    with emulator(monkeypatch):
        ecs_client = client("ecs")
        ecs_client.create_cluster(clusterName="c")
        first, second = register(ecs_client, "nginx:1"), register(ecs_client, "nginx:2")
        ecs_client.create_service(cluster="c", serviceName="s", taskDefinition="f:1", desiredCount=2, launchType="FARGATE")
        assert rollouts(ecs_client) == [("PRIMARY", first, "IN_PROGRESS")]
        assert (service(ecs_client)["runningCount"], service(ecs_client)["pendingCount"]) == (0, 2)
        realism.advance(60)
        assert rollouts(ecs_client) == [("PRIMARY", first, "COMPLETED")]
        assert (service(ecs_client)["runningCount"], service(ecs_client)["pendingCount"]) == (2, 0)
        ecs_client.update_service(cluster="c", service="s", taskDefinition="f:2")
        assert rollouts(ecs_client) == [("PRIMARY", second, "IN_PROGRESS"), ("ACTIVE", first, "COMPLETED")]
        assert (service(ecs_client)["runningCount"], service(ecs_client)["pendingCount"]) == (2, 2)
        realism.advance(60)
        assert rollouts(ecs_client) == [("PRIMARY", second, "COMPLETED")]
    with emulator(monkeypatch, enabled=False):
        ecs_client = client("ecs")
        ecs_client.create_cluster(clusterName="c")
        first = register(ecs_client, "nginx:1")
        ecs_client.create_service(cluster="c", serviceName="s", taskDefinition="f:1", desiredCount=2, launchType="FARGATE")
        assert rollouts(ecs_client) == [("PRIMARY", first, "COMPLETED")]


def test_ecs_failed_rollout_rolls_back_to_the_last_completed_deployment(realistic) -> None:
    is_realistic = realistic("ecs_deployments")
    ecs_client = client("ecs")
    ecs_client.create_cluster(clusterName="c")
    first, second = register(ecs_client, "nginx:1"), register(ecs_client, "nginx:does-not-start")
    ecs_client.create_service(cluster="c", serviceName="s", taskDefinition="f:1", desiredCount=2, launchType="FARGATE",
                              deploymentConfiguration=BREAKER)
    realism.advance(60)
    completed = service(ecs_client)["deployments"][0]
    assert (completed["taskDefinition"], completed["rolloutState"]) == (first, "COMPLETED")
    realism.update({"fail_rollouts": ["s"]})
    ecs_client.update_service(cluster="c", service="s", taskDefinition="f:2")
    assert rollouts(ecs_client) == [("PRIMARY", second, "IN_PROGRESS"), ("ACTIVE", first, "COMPLETED")]
    realism.advance(60)
    if not is_realistic:
        assert rollouts(ecs_client) == [("PRIMARY", second, "COMPLETED")]
        assert service(ecs_client)["taskDefinition"] == second
        return
    rolling_back, failed = service(ecs_client)["deployments"]
    assert (rolling_back["status"], rolling_back["taskDefinition"]) == ("PRIMARY", first)
    assert rolling_back["rolloutState"] == "IN_PROGRESS"
    assert rolling_back["rolloutStateReason"] == f"ECS deployment circuit breaker: rolling back to deploymentId {completed['id']}."
    assert (failed["status"], failed["taskDefinition"], failed["rolloutState"]) == ("ACTIVE", second, "FAILED")
    assert failed["rolloutStateReason"] == "ECS deployment circuit breaker: tasks failed to start."
    assert (failed["runningCount"], failed["failedTasks"]) == (0, 2)
    assert service(ecs_client)["taskDefinition"] == first
    assert [e["message"] for e in service(ecs_client)["events"]] == [
        f"(service s) rolling back to deployment {completed['id']}.",
        f"(service s) (deployment {failed['id']}) deployment failed: tasks failed to start."]
    realism.advance(60)
    assert rollouts(ecs_client) == [("PRIMARY", first, "COMPLETED")]
    assert (service(ecs_client)["runningCount"], service(ecs_client)["taskDefinition"]) == (2, first)


def test_ecs_a_new_desired_count_is_reached_after_a_while(realistic) -> None:
    is_realistic = realistic("ecs_scaling")
    ecs_client = client("ecs")
    ecs_client.create_cluster(clusterName="c")
    first = register(ecs_client, "nginx:1")
    ecs_client.create_service(cluster="c", serviceName="s", taskDefinition="f:1", desiredCount=2, launchType="FARGATE")
    realism.advance(60)
    ecs_client.update_service(cluster="c", service="s", desiredCount=3)
    counts = (service(ecs_client)["runningCount"], service(ecs_client)["pendingCount"], service(ecs_client)["desiredCount"])
    assert counts == ((2, 1, 3) if is_realistic else (3, 0, 3))
    primary = service(ecs_client)["deployments"][0]
    assert (primary["taskDefinition"], primary["rolloutState"], primary["desiredCount"]) == (first, "COMPLETED", 3)
    assert primary["runningCount"] == (2 if is_realistic else 3)
    realism.advance(30)
    assert (service(ecs_client)["runningCount"], service(ecs_client)["pendingCount"]) == (3, 0)
    if is_realistic:
        assert service(ecs_client)["events"][0]["message"] == "(service s) has reached a steady state."
        ecs_client.update_service(cluster="c", service="s", desiredCount=1)  # scaling in: the tasks stop after a while
        assert (service(ecs_client)["runningCount"], service(ecs_client)["desiredCount"]) == (3, 1)
        realism.advance(30)
        assert (service(ecs_client)["runningCount"], service(ecs_client)["pendingCount"]) == (1, 0)


def test_ecs_tasks_cannot_assume_a_role_iam_has_not_propagated(realistic) -> None:
    is_realistic = realistic("ecs_deployments", "iam_role_clock")
    role = client("iam").create_role(RoleName="execution", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    ecs_client = client("ecs")
    ecs_client.create_cluster(clusterName="c")
    definition = register(ecs_client, "nginx:1", executionRoleArn=role)
    ecs_client.create_service(cluster="c", serviceName="s", taskDefinition="f:1", desiredCount=1, launchType="FARGATE",
                              deploymentConfiguration=BREAKER)
    realism.advance(60)
    if not is_realistic:
        assert rollouts(ecs_client) == [("PRIMARY", definition, "COMPLETED")]
        return
    # The first deployment has no completed one before it to roll back to: it is FAILED and stays PRIMARY.
    assert rollouts(ecs_client) == [("PRIMARY", definition, "FAILED")]
    assert service(ecs_client)["runningCount"] == 0
    assert service(ecs_client)["events"][-1]["message"] == (
        f"(service s) failed to launch a task with (error ECS was unable to assume the role '{role}' that was provided "
        "for this task. Please verify that the role being passed has the proper trust relationship and permissions "
        "and that your IAM user has permissions to pass this role.).")
    # Once IAM has propagated the role, a new deployment starts its tasks.
    ecs_client.update_service(cluster="c", service="s", forceNewDeployment=True)
    assert rollouts(ecs_client) == [("PRIMARY", definition, "IN_PROGRESS")]  # the failed one ran no task: gone
    realism.advance(60)
    assert rollouts(ecs_client) == [("PRIMARY", definition, "COMPLETED")]
    assert service(ecs_client)["runningCount"] == 1


def test_ecs_failed_rollout_without_circuit_breaker_stays_in_progress(realistic) -> None:
    is_realistic = realistic("ecs_deployments")
    ecs_client = client("ecs")
    ecs_client.create_cluster(clusterName="c")
    definition = register(ecs_client, "nginx:does-not-start")
    realism.update({"fail_rollouts": ["s"]})
    ecs_client.create_service(cluster="c", serviceName="s", taskDefinition="f:1", desiredCount=2, launchType="FARGATE")
    realism.advance(600)
    assert rollouts(ecs_client) == [("PRIMARY", definition, "IN_PROGRESS" if is_realistic else "COMPLETED")]
    assert service(ecs_client)["deployments"][0]["failedTasks"] == (2 if is_realistic else 0)


def awsvpc_service(ecs_client) -> tuple[list[str], str]:
    _vpc, subnets, group = network()
    ecs_client.create_cluster(clusterName="c")
    register(ecs_client, "nginx:1", networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512")
    ecs_client.create_service(cluster="c", serviceName="s", taskDefinition="f:1", desiredCount=2, launchType="FARGATE",
                              networkConfiguration={"awsvpcConfiguration": {"subnets": subnets, "securityGroups": [group]}})
    return subnets, group


def test_ecs_deleted_service_drains_before_it_is_inactive(realistic) -> None:
    is_realistic = realistic("ecs_service_draining")
    ecs_client = client("ecs")
    subnets, group = awsvpc_service(ecs_client)
    deleted = ecs_client.delete_service(cluster="c", service="s", force=True)["service"]
    assert deleted["status"] == ("DRAINING" if is_realistic else "INACTIVE")
    if is_realistic:
        assert service(ecs_client)["status"] == "DRAINING"
        assert error(lambda: ecs_client.update_service(cluster="c", service="s", desiredCount=1)) == {
            "Code": "ServiceNotActiveException", "Message": "Service was not ACTIVE."}
        assert error(lambda: ecs_client.create_service(cluster="c", serviceName="s", taskDefinition="f:1", desiredCount=1)) == {
            "Code": "InvalidParameterException", "Message": "Unable to Start a service that is still Draining."}
        assert error(lambda: ecs_client.delete_cluster(cluster="c")) == {
            "Code": "ClusterContainsServicesException", "Message": "The Cluster cannot be deleted while Services are active."}
        realism.advance(40)
        assert service(ecs_client)["status"] == "INACTIVE"
        inactive = error(lambda: ecs_client.update_service(cluster="c", service="s", desiredCount=1))
        assert inactive["Code"] == "ServiceNotActiveException"
    else:
        ecs_client.update_service(cluster="c", service="s", desiredCount=1)  # moto updates an inactive service
    # The tasks' network interfaces outlive the service.
    assert realism.lingering(subnet_id=subnets[0]) == (["s"] if is_realistic else [])
    assert realism.lingering(security_group_id=group) == (["s"] if is_realistic else [])
    assert ecs_client.delete_cluster(cluster="c")["cluster"]["status"] == "INACTIVE"


def test_ecs_cluster_with_an_active_service_cannot_be_deleted(realistic) -> None:
    is_realistic = realistic("ecs_service_draining")
    ecs_client = client("ecs")
    ecs_client.create_cluster(clusterName="c")
    register(ecs_client, "nginx:1")
    ecs_client.create_service(cluster="c", serviceName="s", taskDefinition="f:1", desiredCount=0)
    if is_realistic:
        assert error(lambda: ecs_client.delete_cluster(cluster="c"))["Code"] == "ClusterContainsServicesException"
        ecs_client.delete_service(cluster="c", service="s")  # no tasks: INACTIVE at once
        assert service(ecs_client)["status"] == "INACTIVE"
    assert ecs_client.delete_cluster(cluster="c")["cluster"]["status"] == "INACTIVE"


def test_ecs_cluster_with_capacity_providers_waits_for_the_service_linked_role(realistic) -> None:
    is_realistic = realistic("ecs_service_linked_role")
    ecs_client, iam_client = client("ecs"), client("iam")

    def create() -> dict:
        return ecs_client.create_cluster(clusterName="c", capacityProviders=["FARGATE", "FARGATE_SPOT"],
                                         defaultCapacityProviderStrategy=[{"capacityProvider": "FARGATE", "weight": 1}])

    if is_realistic:
        refused = error(create)
        assert refused == {"Code": "InvalidParameterException", "Message": "Unable to assume the service linked role. "
                           "Please verify that the ECS service linked role exists."}
        role = iam_client.get_role(RoleName="AWSServiceRoleForECS")["Role"]
        assert role["Path"] == "/aws-service-role/ecs.amazonaws.com/"
        assert error(create)["Code"] == "InvalidParameterException"
        ecs_client.create_cluster(clusterName="plain")  # without capacity providers the role is not needed
        realism.advance(10)
    else:
        assert error(lambda: iam_client.get_role(RoleName="AWSServiceRoleForECS"))["Code"] == "NoSuchEntity"
    assert create()["cluster"]["capacityProviders"] == ["FARGATE", "FARGATE_SPOT"]


def test_ecs_answers_carry_the_fields_aws_returns(realistic) -> None:
    is_realistic = realistic("ecs_response_fields")
    ecs_client = client("ecs")
    ecs_client.create_cluster(clusterName="c")
    containers = [{"name": "x", "image": "nginx", "memory": 128}]
    registered = ecs_client.register_task_definition(family="f", containerDefinitions=containers)
    injecting = ecs_client.register_task_definition(family="g", containerDefinitions=containers, enableFaultInjection=True)
    described_definition = ecs_client.describe_task_definition(taskDefinition="f:1")["taskDefinition"]
    created = ecs_client.create_service(cluster="c", serviceName="s", taskDefinition="f:1", desiredCount=1,
                                        launchType="FARGATE",
                                        deploymentConfiguration={"deploymentCircuitBreaker": {"enable": True, "rollback": True}})
    answer = service(ecs_client)
    assert answer["deploymentController"] == {"type": "ECS"}  # moto returns it already
    if not is_realistic:
        assert "enableFaultInjection" not in registered["taskDefinition"]
        assert "enableFaultInjection" not in injecting["taskDefinition"]
        assert {"platformFamily", "availabilityZoneRebalancing"}.isdisjoint(answer)
        assert answer["deploymentConfiguration"] == {"deploymentCircuitBreaker": {"enable": True, "rollback": True}}
        return
    assert registered["taskDefinition"]["enableFaultInjection"] is False
    assert described_definition["enableFaultInjection"] is False
    assert injecting["taskDefinition"]["enableFaultInjection"] is True
    configuration = {"deploymentCircuitBreaker": {"enable": True, "rollback": True, "resetOnHealthyTask": True,
                                                  "thresholdConfiguration": {"type": "BOUNDED_PERCENT", "value": 50}},
                     "maximumPercent": 200, "minimumHealthyPercent": 100, "strategy": "ROLLING"}
    for reply in (created["service"], answer):
        assert reply["deploymentConfiguration"] == configuration
        assert (reply["platformFamily"], reply["availabilityZoneRebalancing"]) == ("Linux", "ENABLED")
        assert reply["deployments"][0]["platformFamily"] == "Linux"
    updated = ecs_client.update_service(cluster="c", service="s", availabilityZoneRebalancing="DISABLED")["service"]
    assert updated["availabilityZoneRebalancing"] == service(ecs_client)["availabilityZoneRebalancing"] == "DISABLED"


# -- Secrets Manager, IAM -------------------------------------------------------------------------------------------------

def test_secret_name_is_blocked_for_a_while_after_deletion_without_recovery(realistic) -> None:
    is_realistic = realistic("secret_name_blocked_after_deletion")
    secrets = client("secretsmanager")
    secrets.create_secret(Name="app/db-password", SecretString="one")
    secrets.delete_secret(SecretId="app/db-password", ForceDeleteWithoutRecovery=True)
    if is_realistic:
        assert error(lambda: secrets.create_secret(Name="app/db-password", SecretString="two")) == {
            "Code": "InvalidRequestException",
            "Message": "You can't create this secret because a secret with this name is already scheduled for deletion."}
        secrets.create_secret(Name="app/other", SecretString="two")  # other names are free
        realism.advance(30)
    assert secrets.create_secret(Name="app/db-password", SecretString="two")["Name"] == "app/db-password"


def test_iam_role_age_follows_the_emulator_clock(realistic) -> None:
    is_realistic = realistic("iam_role_clock")
    realism.advance(1000)
    arn = client("iam").create_role(RoleName="execution", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    age = iam.role_age("123456789012", arn)
    assert age is not None and (age < 5 if is_realistic else age >= 1000)
    assert iam.role_age("123456789012", "execution") == pytest.approx(age, abs=5)
    assert iam.role_age("123456789012", "arn:aws:iam::123456789012:role/missing") is None


def test_every_behaviour_names_its_aws_documentation() -> None:
    every = {b.name for b in realism.behaviours()}
    for behaviour in BEHAVIOURS.values():
        assert behaviour.name in every
        assert behaviour.source.startswith("https://docs.aws.amazon.com/")
        assert behaviour.apply.__doc__ and "https://docs.aws.amazon.com/" in behaviour.apply.__doc__
