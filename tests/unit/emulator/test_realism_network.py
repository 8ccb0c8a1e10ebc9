"""Each network behaviour of realistic mode restores an AWS behaviour. Every test runs twice: with the behaviour
("realistic") the emulator does what AWS does; without it ("moto", with the fidelity patches as served) it does what
moto does. The second half proves the first would fail without the behaviour."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from tests.unit.emulator.conftest import isolate_aws
from tests.emulator import patches, realism
from tests.emulator.realism import ec2 as ec2_behaviours
from tests.emulator.realism import elbv2 as elbv2_behaviours

REGION = "us-east-1"
DURATIONS = {"nat_gateway_pending": 60, "nat_gateway_deleting": 60, "alb_provisioning": 60, "alb_deleting": 30,
             "eni_linger": 120}


def with_behaviour(name: str) -> pytest.MarkDecorator:
    """Run the test with the named behaviour applied ("realistic") and without it ("moto")."""
    return pytest.mark.parametrize("realistic", [pytest.param(name, id="realistic"), pytest.param(None, id="moto")],
                                   indirect=True)


@pytest.fixture
def realistic(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[bool]:
    isolate_aws(monkeypatch)
    previous = realism.STATE
    realism.configure(realism.Realism(enabled=True, durations=dict(DURATIONS)))
    realism.LINGERING.clear()
    started = patches.apply(skip=("iam_managed_policies",))  # as served, less the slow loading of IAM policies
    try:
        if request.param:
            [behaviour] = [b for b in ec2_behaviours.BEHAVIOURS + elbv2_behaviours.BEHAVIOURS if b.name == request.param]
            started += behaviour.apply()
        with mock_aws():
            yield bool(request.param)
    finally:
        patches.revert(started)
        realism.configure(previous)
        realism.LINGERING.clear()


def error(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = excinfo.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def network(ec2, subnets: int = 1) -> tuple[str, list[str]]:
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    ids = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{REGION}{'abc'[i]}")["Subnet"]["SubnetId"]
           for i in range(subnets)]
    return vpc, ids


def nat_gateway(ec2, subnet: str) -> tuple[str, str]:
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    return ec2.create_nat_gateway(SubnetId=subnet, AllocationId=allocation)["NatGateway"]["NatGatewayId"], allocation


def state(ec2, gateway: str) -> str:
    return ec2.describe_nat_gateways(NatGatewayIds=[gateway])["NatGateways"][0]["State"]


def load_balancer(ec2, elbv2, vpc: str, subnets: list[str], scheme: str = "internet-facing") -> tuple[str, str]:
    group = ec2.create_security_group(GroupName="alb", Description="alb", VpcId=vpc)["GroupId"]
    arn = elbv2.create_load_balancer(Name="alb", Subnets=subnets, SecurityGroups=[group], Scheme=scheme)["LoadBalancers"][0]["LoadBalancerArn"]
    return arn, group


# nat_gateway_states


@with_behaviour("nat_gateway_states")
def test_nat_gateway_is_pending_then_available(realistic: bool) -> None:
    ec2 = boto3.client("ec2", region_name=REGION)
    _vpc, (subnet,) = network(ec2)
    gateway, _allocation = nat_gateway(ec2, subnet)
    if realistic:
        assert state(ec2, gateway) == "pending"
        pending = ec2.describe_nat_gateways(Filter=[{"Name": "state", "Values": ["pending"]}])["NatGateways"]
        assert [g["NatGatewayId"] for g in pending] == [gateway]
        realism.advance(59)
        assert state(ec2, gateway) == "pending"
        realism.advance(2)
    assert state(ec2, gateway) == "available"


@with_behaviour("nat_gateway_states")
def test_deleting_nat_gateway_holds_its_elastic_ip(realistic: bool) -> None:
    ec2 = boto3.client("ec2", region_name=REGION)
    _vpc, (subnet,) = network(ec2)
    gateway, allocation = nat_gateway(ec2, subnet)
    realism.advance(61)
    association = ec2.describe_addresses(AllocationIds=[allocation])["Addresses"][0]["AssociationId"]
    ec2.delete_nat_gateway(NatGatewayId=gateway)
    if realistic:
        assert state(ec2, gateway) == "deleting"
        assert ec2.describe_addresses(AllocationIds=[allocation])["Addresses"][0].get("AssociationId") == association
        with pytest.raises(ClientError) as released:
            ec2.release_address(AllocationId=allocation)
        assert error(released) == ("InvalidIPAddress.InUse", 400)
        with pytest.raises(ClientError, match="AuthFailure"):
            ec2.disassociate_address(AssociationId=association)
        realism.advance(61)
    assert state(ec2, gateway) == "deleted"
    assert "AssociationId" not in ec2.describe_addresses(AllocationIds=[allocation])["Addresses"][0]
    ec2.release_address(AllocationId=allocation)
    assert ec2.describe_addresses()["Addresses"] == []


@with_behaviour("nat_gateway_states")
def test_deleted_nat_gateway_interface_lingers(realistic: bool) -> None:
    ec2 = boto3.client("ec2", region_name=REGION)
    vpc, (subnet,) = network(ec2)
    gateway, _allocation = nat_gateway(ec2, subnet)
    ec2.delete_nat_gateway(NatGatewayId=gateway)
    if realistic:
        assert realism.lingering(subnet_id=subnet) == []  # still deleting: the gateway itself holds the subnet
        realism.advance(110)  # deleted after 60 s, first seen deleted now, at 110 s
        assert state(ec2, gateway) == "deleted"
        assert realism.lingering(subnet_id=subnet) == realism.lingering(vpc_id=vpc) == [gateway]
        realism.advance(71)  # the interface lingers 120 s from when the gateway was deleted (60 s), not from 110 s
        assert realism.lingering(subnet_id=subnet) == []
    else:
        assert realism.lingering(subnet_id=subnet) == []


# dependency_violations


def assert_held(ec2, group: str, subnet: str) -> None:
    """AWS refuses to delete a security group and a subnet that something still uses."""
    with pytest.raises(ClientError, match="DependencyViolation"):
        ec2.delete_security_group(GroupId=group)
    with pytest.raises(ClientError, match="DependencyViolation"):
        ec2.delete_subnet(SubnetId=subnet)


@with_behaviour("dependency_violations")
def test_referenced_security_group_cannot_be_deleted(realistic: bool) -> None:
    ec2 = boto3.client("ec2", region_name=REGION)
    vpc, _subnets = network(ec2)
    db = ec2.create_security_group(GroupName="db", Description="db", VpcId=vpc)["GroupId"]
    app = ec2.create_security_group(GroupName="app", Description="app", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=db, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "UserIdGroupPairs": [{"GroupId": app}]}])
    if realistic:
        with pytest.raises(ClientError) as refused:
            ec2.delete_security_group(GroupId=app)
        assert error(refused) == ("DependencyViolation", 400)
        assert refused.value.response["Error"]["Message"] == f"resource {app} has a dependent object"
        ec2.delete_security_group(GroupId=db)
    ec2.delete_security_group(GroupId=app)


@with_behaviour("dependency_violations")
def test_subnet_of_a_nat_gateway_cannot_be_deleted(realistic: bool) -> None:
    ec2 = boto3.client("ec2", region_name=REGION)
    _vpc, (subnet,) = network(ec2)
    nat_gateway(ec2, subnet)
    if realistic:
        with pytest.raises(ClientError) as refused:
            ec2.delete_subnet(SubnetId=subnet)
        assert error(refused) == ("DependencyViolation", 400)
        assert refused.value.response["Error"]["Message"] == f"The subnet '{subnet}' has dependencies and cannot be deleted."
    else:
        ec2.delete_subnet(SubnetId=subnet)


@with_behaviour("dependency_violations")
def test_subnets_and_group_of_a_load_balancer_cannot_be_deleted(realistic: bool) -> None:
    ec2 = boto3.client("ec2", region_name=REGION)
    elbv2 = boto3.client("elbv2", region_name=REGION)
    vpc, subnets = network(ec2, 2)
    arn, group = load_balancer(ec2, elbv2, vpc, subnets)
    if realistic:
        assert_held(ec2, group, subnets[0])
        elbv2.delete_load_balancer(LoadBalancerArn=arn)  # without alb_deletion_holds_target_groups nothing lingers
    ec2.delete_security_group(GroupId=group)
    ec2.delete_subnet(SubnetId=subnets[0])


@with_behaviour("dependency_violations")
def test_subnets_and_group_of_a_db_instance_cannot_be_deleted(realistic: bool) -> None:
    ec2 = boto3.client("ec2", region_name=REGION)
    rds = boto3.client("rds", region_name=REGION)
    vpc, subnets = network(ec2, 2)
    group = ec2.create_security_group(GroupName="db", Description="db", VpcId=vpc)["GroupId"]
    rds.create_db_subnet_group(DBSubnetGroupName="db", DBSubnetGroupDescription="db", SubnetIds=subnets)
    rds.create_db_instance(DBInstanceIdentifier="db", Engine="postgres", DBInstanceClass="db.t3.micro",
                           AllocatedStorage=20, MasterUsername="hasura", MasterUserPassword="not-a-real-password",
                           DBSubnetGroupName="db", VpcSecurityGroupIds=[group])
    if realistic:
        assert_held(ec2, group, subnets[1])
        rds.delete_db_instance(DBInstanceIdentifier="db", SkipFinalSnapshot=True)
    ec2.delete_security_group(GroupId=group)
    ec2.delete_subnet(SubnetId=subnets[1])


@with_behaviour("dependency_violations")
def test_group_of_an_ecs_service_cannot_be_deleted(realistic: bool) -> None:
    ec2 = boto3.client("ec2", region_name=REGION)
    ecs = boto3.client("ecs", region_name=REGION)
    vpc, subnets = network(ec2)
    group = ec2.create_security_group(GroupName="app", Description="app", VpcId=vpc)["GroupId"]
    ecs.create_cluster(clusterName="c")
    ecs.register_task_definition(family="f", networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256",
                                 memory="512", containerDefinitions=[{"name": "x", "image": "nginx:1.27"}])
    ecs.create_service(cluster="c", serviceName="s", taskDefinition="f:1", desiredCount=1, launchType="FARGATE",
                       networkConfiguration={"awsvpcConfiguration": {"subnets": subnets, "securityGroups": [group]}})
    if realistic:
        assert_held(ec2, group, subnets[0])
        ecs.delete_service(cluster="c", service="s", force=True)  # INACTIVE in moto (DRAINING is the ecs module's)
    ec2.delete_security_group(GroupId=group)
    ec2.delete_subnet(SubnetId=subnets[0])


@with_behaviour("dependency_violations")
def test_lingering_interfaces_hold_subnet_group_and_vpc(realistic: bool) -> None:
    ec2 = boto3.client("ec2", region_name=REGION)
    vpc, (subnet,) = network(ec2)
    group = ec2.create_security_group(GroupName="app", Description="app", VpcId=vpc)["GroupId"]
    realism.linger("deleted-owner", vpc_id=vpc, subnet_ids=[subnet], security_group_ids=[group])
    if realistic:
        for delete in (lambda: ec2.delete_security_group(GroupId=group), lambda: ec2.delete_subnet(SubnetId=subnet)):
            with pytest.raises(ClientError, match="DependencyViolation"):
                delete()
        realism.advance(121)
    ec2.delete_security_group(GroupId=group)
    ec2.delete_subnet(SubnetId=subnet)
    ec2.delete_vpc(VpcId=vpc)


@with_behaviour("dependency_violations")
def test_vpc_with_gateway_or_groups_cannot_be_deleted(realistic: bool) -> None:
    ec2 = boto3.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    group = ec2.create_security_group(GroupName="app", Description="app", VpcId=vpc)["GroupId"]
    if realistic:
        with pytest.raises(ClientError) as refused:
            ec2.delete_vpc(VpcId=vpc)
        assert error(refused) == ("DependencyViolation", 400)
        assert refused.value.response["Error"]["Message"] == f"The vpc '{vpc}' has dependencies and cannot be deleted."
        ec2.detach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
        with pytest.raises(ClientError, match="DependencyViolation"):
            ec2.delete_vpc(VpcId=vpc)
        ec2.delete_security_group(GroupId=group)
    ec2.delete_vpc(VpcId=vpc)


@pytest.mark.parametrize("holder", ["elastic_ip", "nat_gateway", "internet_facing_alb"])
@with_behaviour("dependency_violations")
def test_gateway_cannot_be_detached_while_public_addresses_are_mapped(realistic: bool, holder: str) -> None:
    ec2 = boto3.client("ec2", region_name=REGION)
    elbv2 = boto3.client("elbv2", region_name=REGION)
    vpc, subnets = network(ec2, 2)
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    if holder == "elastic_ip":
        eni = ec2.create_network_interface(SubnetId=subnets[0])["NetworkInterface"]["NetworkInterfaceId"]
        ec2.associate_address(AllocationId=ec2.allocate_address(Domain="vpc")["AllocationId"], NetworkInterfaceId=eni)
    elif holder == "nat_gateway":
        nat_gateway(ec2, subnets[0])
    else:
        load_balancer(ec2, elbv2, vpc, subnets)
    if realistic:
        with pytest.raises(ClientError) as refused:
            ec2.detach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
        assert error(refused) == ("DependencyViolation", 400)
        assert refused.value.response["Error"]["Message"].startswith(f"Network {vpc} has some mapped public address(es).")
    else:
        ec2.detach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)


@with_behaviour("dependency_violations")
def test_gateway_of_an_internal_alb_can_be_detached(realistic: bool) -> None:
    ec2 = boto3.client("ec2", region_name=REGION)
    elbv2 = boto3.client("elbv2", region_name=REGION)
    vpc, subnets = network(ec2, 2)
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    load_balancer(ec2, elbv2, vpc, subnets, scheme="internal")
    ec2.detach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)


# alb_provisioning


@with_behaviour("alb_provisioning")
def test_load_balancer_is_provisioning_then_active(realistic: bool) -> None:
    ec2 = boto3.client("ec2", region_name=REGION)
    elbv2 = boto3.client("elbv2", region_name=REGION)
    vpc, subnets = network(ec2, 2)
    arn, _group = load_balancer(ec2, elbv2, vpc, subnets)

    def code() -> str:
        return elbv2.describe_load_balancers(LoadBalancerArns=[arn])["LoadBalancers"][0]["State"]["Code"]

    if realistic:
        assert code() == "provisioning"
        assert elbv2.describe_load_balancers(Names=["alb"])["LoadBalancers"][0]["State"]["Code"] == "provisioning"
        realism.advance(61)
    assert code() == "active"


# alb_deletion_holds_target_groups


@with_behaviour("alb_deletion_holds_target_groups")
def test_deleted_load_balancer_holds_its_target_groups(realistic: bool) -> None:
    ec2 = boto3.client("ec2", region_name=REGION)
    elbv2 = boto3.client("elbv2", region_name=REGION)
    vpc, subnets = network(ec2, 2)
    arn, group = load_balancer(ec2, elbv2, vpc, subnets)
    forwarded, spare = (elbv2.create_target_group(Name=name, Protocol="HTTP", Port=8080, VpcId=vpc, TargetType="ip")
                        ["TargetGroups"][0]["TargetGroupArn"] for name in ("app", "spare"))
    elbv2.create_listener(LoadBalancerArn=arn, Protocol="HTTP", Port=80,
                          DefaultActions=[{"Type": "forward", "TargetGroupArn": forwarded}])
    elbv2.delete_load_balancer(LoadBalancerArn=arn)
    elbv2.delete_target_group(TargetGroupArn=spare)
    if realistic:
        with pytest.raises(ClientError) as refused:
            elbv2.delete_target_group(TargetGroupArn=forwarded)
        assert error(refused) == ("ResourceInUse", 400)
        assert refused.value.response["Error"]["Message"] == (
            f"Target group '{forwarded}' is currently in use by a listener or a rule")
        assert realism.lingering(subnet_id=subnets[1]) == realism.lingering(security_group_id=group) == ["alb"]
        realism.advance(31)
    else:
        assert realism.lingering(subnet_id=subnets[1]) == []
    elbv2.delete_target_group(TargetGroupArn=forwarded)


def test_behaviours_name_their_aws_source() -> None:
    for behaviour in ec2_behaviours.BEHAVIOURS + elbv2_behaviours.BEHAVIOURS:
        assert behaviour.source.startswith("https://docs.aws.amazon.com/")
        assert behaviour.source in (behaviour.apply.__doc__ or "")


def test_network_teardown_with_every_behaviour(monkeypatch: pytest.MonkeyPatch) -> None:
    """All behaviours together, as the launcher applies them: a teardown in the right order still meets
    DependencyViolation until the NAT gateway is deleted and the interfaces of the gateway and the ALB are gone."""
    isolate_aws(monkeypatch)
    previous = realism.STATE
    realism.configure(realism.Realism(enabled=True, durations=dict(DURATIONS)))
    realism.LINGERING.clear()
    started = patches.apply(skip=("iam_managed_policies",)) + realism.apply()
    try:
        with mock_aws():
            ec2 = boto3.client("ec2", region_name=REGION)
            elbv2 = boto3.client("elbv2", region_name=REGION)
            vpc, subnets = network(ec2, 2)
            igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
            ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
            gateway, allocation = nat_gateway(ec2, subnets[0])
            arn, group = load_balancer(ec2, elbv2, vpc, subnets)
            realism.advance(61)
            ec2.delete_nat_gateway(NatGatewayId=gateway)
            elbv2.delete_load_balancer(LoadBalancerArn=arn)
            assert state(ec2, gateway) == "deleting"
            for refused in (lambda: ec2.release_address(AllocationId=allocation),
                            lambda: ec2.detach_internet_gateway(InternetGatewayId=igw, VpcId=vpc),
                            lambda: ec2.delete_security_group(GroupId=group),
                            lambda: ec2.delete_subnet(SubnetId=subnets[0])):
                with pytest.raises(ClientError, match="InvalidIPAddress.InUse|DependencyViolation"):
                    refused()
            realism.advance(61)
            assert state(ec2, gateway) == "deleted"
            ec2.release_address(AllocationId=allocation)
            with pytest.raises(ClientError, match="DependencyViolation"):
                ec2.delete_subnet(SubnetId=subnets[0])  # the interfaces of the gateway and the ALB linger
            realism.advance(121)
            ec2.detach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
            ec2.delete_internet_gateway(InternetGatewayId=igw)
            ec2.delete_security_group(GroupId=group)
            for subnet in subnets:
                ec2.delete_subnet(SubnetId=subnet)
            ec2.delete_vpc(VpcId=vpc)
    finally:
        patches.revert(started)
        realism.configure(previous)
        realism.LINGERING.clear()
