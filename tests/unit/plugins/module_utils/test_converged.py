"""module_utils/converged.py: the digest of the fast path, and its readers against moto in process (with the
emulator's fidelity patches). The playbook-level behaviour (a no-op re-deploy makes no write, drift is repaired) is
tested on the emulator in tests/integration/test_lifecycle.py."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from ansible_collections.hasura_blog.aws.plugins.module_utils import converged
from tests.unit.plugins.module_utils.conftest import REGION

TAGS = {"Project": "hasura-blog", "Environment": "cv", "ManagedBy": "ansible"}


# The digest


def test_normalize_drops_what_changes_by_itself_and_orders_lists() -> None:
    when = datetime(2026, 11, 30, tzinfo=timezone.utc)
    value = {"DBInstanceStatus": "backing-up", "Tags": [{"Key": "b"}, {"Key": "a"}], "CreatedTime": when,
             "services": [{"runningCount": 1, "events": ["x"], "desiredCount": 2}]}
    assert converged.normalize(value) == {"Tags": [{"Key": "a"}, {"Key": "b"}], "CreatedTime": when.isoformat(),
                                          "services": [{"desiredCount": 2}]}


def test_the_digest_ignores_order_and_volatile_fields_but_not_settings() -> None:
    state = {"groups": [{"GroupId": "sg-1", "IpPermissions": [{"FromPort": 80}, {"FromPort": 443}]}]}
    reordered = {"groups": [{"IpPermissions": [{"FromPort": 443}, {"FromPort": 80}], "GroupId": "sg-1", "State": "x"}]}
    base = converged.digest({"vpc_cidr": "10.0.0.0/16"}, state, "code")
    assert converged.digest({"vpc_cidr": "10.0.0.0/16"}, reordered, "code") == base
    assert converged.digest({"vpc_cidr": "10.1.0.0/16"}, state, "code") != base
    assert converged.digest({"vpc_cidr": "10.0.0.0/16"}, {"groups": [{"GroupId": "sg-1", "IpPermissions": [{"FromPort": 80}]}]},
                            "code") != base
    assert converged.digest({"vpc_cidr": "10.0.0.0/16"}, state, "new code") != base


def test_the_code_digest_changes_with_any_file() -> None:
    files = [("roles/vpc/tasks/present.yml", b"a"), ("plugins/modules/x.py", b"b")]
    assert converged.code_digest(files) == converged.code_digest(list(reversed(files)))
    assert converged.code_digest(files) != converged.code_digest([files[0], ("plugins/modules/x.py", b"c")])
    assert converged.code_digest(files) != converged.code_digest(files[:1])


def test_decide_names_why_a_role_runs() -> None:
    assert converged.decide(None, "d", True) == (False, "no record of a converged run")
    assert converged.decide({"digest": "other", "facts": {}}, "d", True)[0] is False
    assert converged.decide({"digest": "d", "facts": {}}, "d", False) == (
        False, "a secret in Secrets Manager differs from the vault's value")
    assert converged.decide({"digest": "d", "facts": {}}, "d", True) == (True, "as the last converged run left it")


def test_a_record_round_trips_and_anything_else_is_no_record() -> None:
    value = converged.record_value("d", {"vpc_id": "vpc-1", "vpc_subnets": [{"id": "subnet-1"}]})
    assert converged.parse_record(value) == {"digest": "d", "facts": {"vpc_id": "vpc-1", "vpc_subnets": [{"id": "subnet-1"}]}}
    for broken in (None, "", "not json", json.dumps(["d"]), json.dumps({"digest": "d"}), json.dumps({"facts": {}})):
        assert converged.parse_record(broken) is None


def test_secrets_never_enter_the_record() -> None:
    # The record holds the digest and the facts only: what the action plugin is given as secrets is compared, in
    # memory, and neither hashed nor written (plugins/action/converged.py).
    assert set(json.loads(converged.record_value("d", {"rds_username": "hasura"}))) == {"digest", "facts"}


# The readers, against moto


def vpc_with_subnets(aws) -> tuple[str, list[str]]:
    ec2 = aws("ec2")
    tags = [{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "hasura-blog-cv-vpc"}]}]
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", TagSpecifications=tags)["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{REGION}{az}")["Subnet"]["SubnetId"]
               for i, az in enumerate("ab")]
    return vpc, subnets


def test_the_vpc_reader_sees_a_changed_dns_attribute_and_a_deleted_subnet(aws) -> None:
    vpc, subnets = vpc_with_subnets(aws)
    where = {"name": "hasura-blog-cv-vpc", "cidr": "10.0.0.0/16"}
    first = converged.read("vpc", aws, where)
    assert [v["VpcId"] for v in first["vpcs"]] == [vpc] and len(first["subnets"]) == 2
    assert converged.digest({}, converged.read("vpc", aws, where)) == converged.digest({}, first)
    aws("ec2").modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    second = converged.read("vpc", aws, where)
    assert converged.digest({}, second) != converged.digest({}, first)
    aws("ec2").delete_subnet(SubnetId=subnets[1])
    assert len(converged.read("vpc", aws, where)["subnets"]) == 1


def test_the_vpc_reader_sees_a_rule_added_to_a_network_acl_or_the_default_group(aws) -> None:
    vpc, _subnets = vpc_with_subnets(aws)
    ec2, where = aws("ec2"), {"name": "hasura-blog-cv-vpc", "cidr": "10.0.0.0/16"}
    acl = ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
    first = converged.digest({}, converged.read("vpc", aws, where))
    ec2.create_network_acl_entry(NetworkAclId=acl, RuleNumber=150, Protocol="6", RuleAction="allow", Egress=False,
                                 CidrBlock="0.0.0.0/0", PortRange={"From": 22, "To": 22})
    second = converged.digest({}, converged.read("vpc", aws, where))
    assert second != first
    default = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc]},
                                                    {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"][0]
    ec2.authorize_security_group_ingress(GroupId=default["GroupId"], IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    third = converged.digest({}, converged.read("vpc", aws, where))
    assert third != second
    # A flow log made by hand (or left behind by a run with vpc_flow_logs on) is drift too.
    ec2.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC", TrafficType="ALL", LogDestinationType="cloud-watch-logs",
                         LogGroupName="/by/hand", DeliverLogsPermissionArn="arn:aws:iam::123456789012:role/by-hand")
    assert converged.digest({}, converged.read("vpc", aws, where)) != third


def test_a_missing_stack_reads_as_empty_not_as_an_error(aws) -> None:
    assert converged.read("vpc", aws, {"name": "none", "cidr": "10.0.0.0/16"}) == {"vpcs": [], "roles": {}, "log_groups": {}}
    rds = converged.read("rds", aws, {"identifier": "none", "subnet_group": "none", "secrets": ["none"],
                                      "usable_statuses": ["available"]})
    assert rds == {"instances": None, "usable": [], "subnet_groups": None, "secrets": {"none": None}}
    alb = converged.read("alb", aws, {"load_balancer": "none", "target_groups": ["none-tg"]})
    assert alb == {"load_balancers": [], "target_groups": []}
    cluster = converged.read("ecs_cluster", aws, {"cluster": "none", "roles": ["none"], "log_groups": ["/ecs/none"]})
    assert cluster == {"clusters": [], "roles": {"none": None}, "log_groups": {"/ecs/none": []}}
    services = converged.read("ecs_services", aws, {"cluster": "none", "services": ["a"], "secrets": []})
    assert services["services"] == [] and services["latest"] == {"a": []}


def test_the_nat_reader_leaves_out_gateways_being_deleted(aws) -> None:
    vpc, subnets = vpc_with_subnets(aws)
    ec2 = aws("ec2")
    eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    gateway = ec2.create_nat_gateway(SubnetId=subnets[0], AllocationId=eip)["NatGateway"]["NatGatewayId"]
    where = {"vpc_id": vpc, "tags": TAGS}
    assert [g["NatGatewayId"] for g in converged.read("nat", aws, where)["nat_gateways"]] == [gateway]
    ec2.delete_nat_gateway(NatGatewayId=gateway)
    assert converged.read("nat", aws, where)["nat_gateways"] == []


def test_the_security_group_reader_sees_a_revoked_rule(aws) -> None:
    vpc = vpc_with_subnets(aws)[0]
    ec2 = aws("ec2")
    group = ec2.create_security_group(GroupName="hasura-blog-cv-alb-sg", Description="alb", VpcId=vpc)["GroupId"]
    rule = [{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=rule)
    before = converged.digest({}, converged.read("security_groups", aws, {"vpc_id": vpc}))
    ec2.revoke_security_group_ingress(GroupId=group, IpPermissions=rule)
    assert converged.digest({}, converged.read("security_groups", aws, {"vpc_id": vpc})) != before


def test_the_services_reader_sees_a_scale_and_a_new_revision(aws) -> None:
    ecs = aws("ecs")
    ecs.create_cluster(clusterName="hasura-blog-cv-cluster")
    ecs.register_task_definition(family="hasura-blog-cv-nextjs", containerDefinitions=[{"name": "n", "image": "n:1", "memory": 128}])
    ecs.create_service(cluster="hasura-blog-cv-cluster", serviceName="hasura-blog-cv-nextjs",
                       taskDefinition="hasura-blog-cv-nextjs", desiredCount=1, launchType="FARGATE")
    where = {"cluster": "hasura-blog-cv-cluster", "services": ["hasura-blog-cv-nextjs"], "secrets": []}
    first = converged.read("ecs_services", aws, where)
    assert first["task_definitions"]["hasura-blog-cv-nextjs"]["taskDefinition"]["revision"] == 1
    assert converged.digest({}, converged.read("ecs_services", aws, where)) == converged.digest({}, first)
    ecs.update_service(cluster="hasura-blog-cv-cluster", service="hasura-blog-cv-nextjs", desiredCount=3)
    scaled = converged.read("ecs_services", aws, where)
    assert converged.digest({}, scaled) != converged.digest({}, first)
    ecs.register_task_definition(family="hasura-blog-cv-nextjs", containerDefinitions=[{"name": "n", "image": "n:2", "memory": 128}])
    assert converged.digest({}, converged.read("ecs_services", aws, where)) != converged.digest({}, scaled)


def test_the_rds_reader_reads_the_password_secret_metadata_not_its_value(aws) -> None:
    aws("secretsmanager").create_secret(Name="hasura-blog/cv/db-master-password", SecretString="s3cret-value")
    state = converged.read("rds", aws, {"identifier": "none", "subnet_group": "none", "usable_statuses": [],
                                        "secrets": ["hasura-blog/cv/db-master-password"]})
    assert state["secrets"]["hasura-blog/cv/db-master-password"]["Name"] == "hasura-blog/cv/db-master-password"
    assert "s3cret-value" not in json.dumps(state, default=str)


def test_the_alb_reader_sees_a_load_balancer_with_the_environments_tags_but_not_anothers(aws) -> None:
    vpc, subnets = vpc_with_subnets(aws)
    elbv2 = aws("elbv2")
    elbv2.create_load_balancer(Name="hasura-blog-cv-alb", Subnets=subnets)
    elbv2.create_load_balancer(Name="someone-elses", Subnets=subnets, Tags=[{"Key": "Environment", "Value": "other"}])
    where = {"load_balancer": "hasura-blog-cv-alb", "target_groups": ["hasura-blog-cv-hasura-tg"], "tags": TAGS}
    first = converged.read("alb", aws, where)
    assert [lb["LoadBalancerName"] for lb in first["load_balancers"]] == ["hasura-blog-cv-alb"]
    # A duplicate that an old run or a hand left, with this environment's tags: the role reports it, so it runs.
    elbv2.create_load_balancer(Name="hasura-blog-cv-old", Subnets=subnets, Tags=[{"Key": k, "Value": v} for k, v in TAGS.items()])
    second = converged.read("alb", aws, where)
    assert sorted(lb["LoadBalancerName"] for lb in second["load_balancers"]) == ["hasura-blog-cv-alb", "hasura-blog-cv-old"]
    assert converged.digest({}, second) != converged.digest({}, first)
