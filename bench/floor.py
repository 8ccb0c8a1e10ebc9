"""The floor of a no-op re-deploy: one Python process that reads the whole stack of an environment with boto3.

    python -m bench.floor <env> [--endpoint URL]

It reads what ``site.yml`` manages (network, NAT gateways and Elastic IPs, security groups, database and its subnet
group, load balancer with listeners, rules, target groups and target health, cluster, services and task definitions,
secrets, IAM roles, log groups) and prints how many resources it found as one JSON line. ``bench.run`` times it from
process start to exit: interpreter start and the boto3 import included, as they are in every Ansible module.
"""

from __future__ import annotations

import argparse
import json
import os

import boto3


def read_stack(env: str, endpoint: str | None, region: str = "us-east-1") -> dict[str, int]:
    """Read every resource of the environment ``env``; return how many of each kind were found."""
    session = boto3.session.Session(region_name=region, aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID", "emulator"),
                                    aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY", "emulator"))

    def client(service: str):
        return session.client(service, endpoint_url=endpoint)

    prefix = f"hasura-blog-{env}"
    ours = [{"Name": "tag:Environment", "Values": [env]}]
    ec2, rds, elbv2, ecs = client("ec2"), client("rds"), client("elbv2"), client("ecs")
    found: dict[str, int] = {}
    vpcs = ec2.describe_vpcs(Filters=ours)["Vpcs"]
    found["vpcs"] = len(vpcs)
    vpc_filter = [{"Name": "vpc-id", "Values": [vpc["VpcId"] for vpc in vpcs] or ["none"]}]
    found["subnets"] = len(ec2.describe_subnets(Filters=vpc_filter)["Subnets"])
    found["internet_gateways"] = len(ec2.describe_internet_gateways(Filters=ours)["InternetGateways"])
    found["route_tables"] = len(ec2.describe_route_tables(Filters=vpc_filter)["RouteTables"])
    found["nat_gateways"] = len(ec2.describe_nat_gateways(Filter=vpc_filter)["NatGateways"])
    found["elastic_ips"] = len(ec2.describe_addresses(Filters=ours)["Addresses"])
    found["security_groups"] = len(ec2.describe_security_groups(Filters=vpc_filter)["SecurityGroups"])

    instances = [db for db in rds.describe_db_instances()["DBInstances"] if db["DBInstanceIdentifier"].startswith(prefix)]
    found["db_instances"] = len(instances)
    found["db_subnet_groups"] = len([group for group in rds.describe_db_subnet_groups()["DBSubnetGroups"]
                                     if group["DBSubnetGroupName"].startswith(prefix)])

    balancers = [lb for lb in elbv2.describe_load_balancers()["LoadBalancers"] if lb["LoadBalancerName"].startswith(prefix)]
    found["load_balancers"] = len(balancers)
    found["listeners"] = found["rules"] = 0
    for balancer in balancers:
        elbv2.describe_load_balancer_attributes(LoadBalancerArn=balancer["LoadBalancerArn"])
        for listener in elbv2.describe_listeners(LoadBalancerArn=balancer["LoadBalancerArn"])["Listeners"]:
            found["listeners"] += 1
            found["rules"] += len(elbv2.describe_rules(ListenerArn=listener["ListenerArn"])["Rules"])
    groups = [group for group in elbv2.describe_target_groups()["TargetGroups"] if group["TargetGroupName"].startswith(prefix)]
    found["target_groups"] = len(groups)
    for group in groups:
        elbv2.describe_target_health(TargetGroupArn=group["TargetGroupArn"])
    if balancers or groups:
        elbv2.describe_tags(ResourceArns=[lb["LoadBalancerArn"] for lb in balancers] + [g["TargetGroupArn"] for g in groups])

    cluster = f"{prefix}-cluster"
    found["clusters"] = len(ecs.describe_clusters(clusters=[cluster])["clusters"])
    services = ecs.describe_services(cluster=cluster, services=[f"{prefix}-hasura", f"{prefix}-nextjs"])["services"]
    found["services"] = len(services)
    for service in services:
        ecs.describe_task_definition(taskDefinition=service["taskDefinition"])
    found["task_definitions"] = len(services)

    found["secrets"] = len([secret for secret in client("secretsmanager").list_secrets()["SecretList"]
                            if secret["Name"].startswith(f"hasura-blog/{env}/")])
    found["iam_roles"] = len([role for role in client("iam").list_roles()["Roles"] if role["RoleName"].startswith(prefix)])
    found["log_groups"] = len(client("logs").describe_log_groups(logGroupNamePrefix=f"/ecs/{prefix}/")["logGroups"])
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.floor", description=__doc__.splitlines()[0])
    parser.add_argument("env")
    parser.add_argument("--endpoint", default=os.environ.get("AWS_ENDPOINT_URL"))
    args = parser.parse_args(argv)
    print(json.dumps(read_stack(args.env, args.endpoint)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
