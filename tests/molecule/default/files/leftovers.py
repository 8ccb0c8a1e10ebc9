"""Read-only: what of one environment exists where no *_info module looks (ECS cluster, task definitions, secrets,
DB subnet group, DB parameter groups with the parameters set in them). Prints JSON. Usage: leftovers.py <endpoint> <region> <prefix> <secrets prefix>"""

import json
import sys

import boto3


def main(endpoint: str, region: str, prefix: str, secrets_prefix: str) -> dict:
    def client(service: str):
        return boto3.client(service, endpoint_url=endpoint or None, region_name=region)

    ecs, rds = client("ecs"), client("rds")
    clusters = ecs.describe_clusters(clusters=[f"{prefix}-cluster"])["clusters"]
    groups = [g["DBSubnetGroupName"] for g in rds.describe_db_subnet_groups()["DBSubnetGroups"]]
    return {
        "clusters": [c["clusterName"] for c in clusters if c["status"] != "INACTIVE"],
        "task_definitions": [arn for family in ("hasura", "nextjs") for arn in ecs.list_task_definitions(
            familyPrefix=f"{prefix}-{family}", status="ACTIVE")["taskDefinitionArns"]],
        "secrets": [s["Name"] for s in client("secretsmanager").list_secrets()["SecretList"]
                    if s["Name"].startswith(f"{secrets_prefix}/")],
        "db_subnet_groups": [g for g in groups if g.startswith(prefix)],
        "db_parameter_groups": {
            name: {p["ParameterName"]: p.get("ParameterValue") for p in rds.describe_db_parameters(
                DBParameterGroupName=name, Source="user")["Parameters"] if p.get("Source", "user") == "user"}
            for name in (g["DBParameterGroupName"] for g in rds.describe_db_parameter_groups()["DBParameterGroups"])
            if name.startswith(prefix)},
    }


if __name__ == "__main__":
    print(json.dumps(main(*sys.argv[1:5])))
