"""Read-only: the cluster's settings, and what each container variable of the two services holds, resolved from
Secrets Manager and compared with the vault's secrets and the DB instance.

Prints JSON with no secret value: {"cluster": {settings, capacity_providers, tags}, "problems": [rule, ...]}, where
each problem names a rule that a variable breaks. Usage: containers.py <endpoint> <region> <prefix>, with the vault's
secrets as JSON on stdin: {"admin_secret", "jwt_key", "nextauth_secret", "db_password"}.
"""

import json
import sys
from urllib.parse import unquote, urlsplit

import boto3


def problems(hasura: dict, nextjs: dict, vault: dict, db: dict) -> list[str]:
    """The rules that the containers' variables break; the messages name variables, never values."""
    found = []

    def check(ok: bool, rule: str) -> None:
        if not ok:
            found.append(rule)

    try:
        jwt = json.loads(hasura.get("HASURA_GRAPHQL_JWT_SECRET", ""))
    except ValueError:
        jwt = None
    check(jwt == {"type": "HS256", "key": vault["jwt_key"]},
          'Hasura HASURA_GRAPHQL_JWT_SECRET is not {"type": "HS256", "key": <the vault\'s hasura_blog_jwt_key>}')
    check(nextjs.get("JWT_SECRET") == vault["jwt_key"], "Next.js JWT_SECRET is not the vault's hasura_blog_jwt_key")
    for name, container in (("Hasura", hasura), ("Next.js", nextjs)):
        check(container.get("HASURA_GRAPHQL_ADMIN_SECRET") == vault["admin_secret"],
              f"{name} HASURA_GRAPHQL_ADMIN_SECRET is not the vault's hasura_blog_admin_secret")
    check(nextjs.get("NEXTAUTH_SECRET") == vault["nextauth_secret"],
          "Next.js NEXTAUTH_SECRET is not the vault's hasura_blog_nextauth_secret")
    url = urlsplit(hasura.get("HASURA_GRAPHQL_DATABASE_URL", ""))
    endpoint = db.get("Endpoint", {})
    check(url.scheme == "postgres", "Hasura HASURA_GRAPHQL_DATABASE_URL is not a postgres:// URL")
    check(url.username == db["MasterUsername"], "the database URL's user is not the instance's master user")
    check(unquote(url.password or "") == vault["db_password"], "the database URL's password is not the vault's")
    check(url.hostname == endpoint.get("Address"), "the database URL's host is not the instance's endpoint")
    check(url.port == endpoint.get("Port"), "the database URL's port is not the instance's")
    check(url.path == f"/{db.get('DBName')}", "the database URL's database is not the instance's")
    check(url.query == "sslmode=require", "the database URL does not ask for TLS (sslmode=require)")
    return found


def main(endpoint: str, region: str, prefix: str, vault: dict) -> dict:
    def client(service: str):
        return boto3.client(service, endpoint_url=endpoint or None, region_name=region)

    ecs, secrets = client("ecs"), client("secretsmanager")
    cluster = ecs.describe_clusters(clusters=[f"{prefix}-cluster"], include=["SETTINGS", "TAGS"])["clusters"][0]
    db = client("rds").describe_db_instances(DBInstanceIdentifier=f"{prefix}-postgres")["DBInstances"][0]
    containers = {}
    for key in ("hasura", "nextjs"):
        service = ecs.describe_services(cluster=cluster["clusterArn"], services=[f"{prefix}-{key}"])["services"][0]
        container = ecs.describe_task_definition(taskDefinition=service["taskDefinition"])["taskDefinition"][
            "containerDefinitions"][0]
        values = {e["name"]: e["value"] for e in container.get("environment", [])}
        values.update({s["name"]: secrets.get_secret_value(SecretId=s["valueFrom"])["SecretString"]
                       for s in container.get("secrets", [])})
        containers[key] = values
    return {
        "cluster": {"settings": cluster.get("settings", []), "capacity_providers": cluster.get("capacityProviders", []),
                    "tags": {t["key"]: t["value"] for t in cluster.get("tags", [])}},
        "problems": problems(containers["hasura"], containers["nextjs"], vault, db),
    }


if __name__ == "__main__":
    print(json.dumps(main(*sys.argv[1:4], json.load(sys.stdin))))
