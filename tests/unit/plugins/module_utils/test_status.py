"""module_utils/status.py against moto in process, with the emulator's fidelity patches."""

from __future__ import annotations

import json

from ansible_collections.hasura_blog.aws.plugins.module_utils.status import collect, lines
from tests.unit.plugins.module_utils.conftest import REGION

TAGS = {"Project": "hasura-blog", "Environment": "st", "ManagedBy": "ansible"}
TARGET = {"env": "st", "tags": TAGS, "cluster": "hasura-blog-st-cluster",
          "services": {"hasura": "hasura-blog-st-hasura", "nextjs": "hasura-blog-st-nextjs"},
          "db_instance_identifier": "hasura-blog-st-postgres", "db_record": "/hasura-blog/st/operations/database",
          "load_balancer": "hasura-blog-st-alb", "console_port": 8080}


def deploy(aws) -> None:
    """A small copy of the stack: tagged VPC and NAT gateway, ALB with a target group, DB instance, two services."""
    ec2 = aws("ec2")
    spec = [{"ResourceType": kind, "Tags": [{"Key": k, "Value": v} for k, v in TAGS.items()]} for kind in ("vpc", "natgateway")]
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", TagSpecifications=spec[:1])["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{REGION}{az}")["Subnet"]["SubnetId"]
               for i, az in enumerate("ab")]
    eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    ec2.create_nat_gateway(SubnetId=subnets[0], AllocationId=eip, TagSpecifications=spec[1:])
    elbv2 = aws("elbv2")
    lb = elbv2.create_load_balancer(Name=TARGET["load_balancer"], Subnets=subnets)["LoadBalancers"][0]["LoadBalancerArn"]
    elbv2.create_target_group(Name="hasura-blog-st-hasura-tg", Protocol="HTTP", Port=8080, VpcId=vpc, TargetType="ip")
    group = elbv2.describe_target_groups(Names=["hasura-blog-st-hasura-tg"])["TargetGroups"][0]["TargetGroupArn"]
    elbv2.create_listener(LoadBalancerArn=lb, Protocol="HTTP", Port=80, DefaultActions=[{"Type": "forward", "TargetGroupArn": group}])
    elbv2.register_targets(TargetGroupArn=group, Targets=[{"Id": "10.0.0.10", "Port": 8080}])
    aws("rds").create_db_instance(DBInstanceIdentifier=TARGET["db_instance_identifier"], Engine="postgres", EngineVersion="15.15",
                                  DBInstanceClass="db.t3.micro", AllocatedStorage=20, MasterUsername="u", MasterUserPassword="p" * 12)
    ecs = aws("ecs")
    ecs.create_cluster(clusterName=TARGET["cluster"])
    ecs.register_task_definition(family="hasura-blog-st-hasura", containerDefinitions=[{"name": "hasura", "image": "h:1", "memory": 128}])
    ecs.create_service(cluster=TARGET["cluster"], serviceName="hasura-blog-st-hasura", taskDefinition="hasura-blog-st-hasura",
                       desiredCount=2, launchType="FARGATE")


def test_an_empty_account_reports_nothing_deployed(aws) -> None:
    status = collect(aws, TARGET)
    assert status == {"environment": "st", "vpc": None, "nat_gateways": [], "database": None, "load_balancer": None,
                      "target_health": [], "endpoints": {}, "services": {"hasura": None, "nextjs": None}}
    assert lines(status) == ["Environment st", "VPC: not deployed", "NAT gateways: none", "Load balancer: not deployed",
                             "Database: not deployed", "Service hasura: not deployed", "Service nextjs: not deployed"]


def test_a_deployed_stack_is_reported_whole(aws) -> None:
    deploy(aws)
    status = collect(aws, TARGET)
    json.dumps(status, default=str)  # --json prints it
    assert status["vpc"]["cidr"] == "10.0.0.0/16" and len(status["nat_gateways"]) == 1
    assert status["database"] | {"endpoint": None} == {"identifier": TARGET["db_instance_identifier"], "status": "available",
                                                       "engine": "postgres", "version": "15.15", "class": "db.t3.micro",
                                                       "multi_az": False, "endpoint": None}
    assert status["database"]["endpoint"].endswith(":5432")
    assert status["load_balancer"]["state"] == "active"
    assert status["endpoints"]["graphql"] == f"http://{status['load_balancer']['dns_name']}/v1/graphql"
    assert status["target_health"] == [{"target_group": "hasura-blog-st-hasura-tg", "port": 8080,
                                        "states": status["target_health"][0]["states"]}]
    assert sum(status["target_health"][0]["states"].values()) == 1
    hasura = status["services"]["hasura"]
    assert (hasura["running"], hasura["desired"], hasura["pending"], hasura["task_definition"], hasura["rollout_state"]) == (
        2, 2, 0, "hasura-blog-st-hasura:1", "COMPLETED")
    assert status["services"]["nextjs"] is None
    text = lines(status)
    assert "Service hasura: 2 running, 2 desired, 0 pending; hasura-blog-st-hasura:1, rollout COMPLETED" in text
    assert "Service nextjs: not deployed" in text
    assert any(line.startswith("Targets hasura-blog-st-hasura-tg (port 8080): 1 ") for line in text)
    assert status["endpoints"]["console"] == f"http://{status['load_balancer']['dns_name']}:8080/console"
    # Where the console is off (prod: hasura_blog_console false), the target names no port and no console is reported.
    assert set(collect(aws, {**TARGET, "console_port": 0})["endpoints"]) == {"app", "graphql"}
    https = collect(aws, {**TARGET, "domain": "blog.example.com"})["endpoints"]
    assert https["app"] == "https://blog.example.com/" and https["console"] == "https://blog.example.com:8080/console"


def test_after_a_restore_with_repoint_the_restored_instance_is_reported(aws) -> None:
    deploy(aws)
    aws("rds").create_db_instance(DBInstanceIdentifier="hasura-blog-st-postgres-restore-20261130140500", Engine="postgres",
                                  EngineVersion="15.15", DBInstanceClass="db.t3.micro", AllocatedStorage=20,
                                  MasterUsername="u", MasterUserPassword="p" * 12)
    aws("ssm").put_parameter(Name=TARGET["db_record"], Type="String", Value=json.dumps({
        "identifier": "hasura-blog-st-postgres-restore-20261130140500", "identifier_over": TARGET["db_instance_identifier"]}))
    assert collect(aws, TARGET)["database"]["identifier"] == "hasura-blog-st-postgres-restore-20261130140500"
    # The inventory moved on to another identifier: the record no longer applies.
    assert collect(aws, {**TARGET, "db_instance_identifier": "other"})["database"] is None
