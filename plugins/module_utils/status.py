# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What ``make status`` and playbooks/status.yml report: the whole environment, read in one process.

``collect`` makes the reads (read-only calls only, about a dozen) through a ``client(service)`` callable; ``lines``
renders what it found as text. Both the module hasura_blog.aws.stack_status and tools/status.py use them.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any, Callable

from ansible_collections.hasura_blog.aws.plugins.module_utils.operations import effective

# How many service events ("the last deployment events") each service shows, newest first.
EVENTS = 5


def _tag_filters(tags: dict[str, str]) -> list[dict[str, Any]]:
    return [{"Name": f"tag:{key}", "Values": [value]} for key, value in sorted(tags.items())]


def _error_code(error: Exception) -> str:
    return str(getattr(error, "response", {}).get("Error", {}).get("Code", type(error).__name__))


def _text(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def collect(client: Callable[[str], Any], target: dict[str, Any]) -> dict[str, Any]:
    """Read the environment ``target`` names: ``env``, ``tags``, ``cluster``, ``services`` (key -> name),
    ``db_instance_identifier``, ``db_record`` (the SSM parameter of the day-2 playbook restore: after a restore with
    REPOINT the environment uses the restored instance), ``load_balancer`` and ``console_port``.

    The reads of each service run in a thread of their own as soon as its client is built (clients are built one
    after the other: botocore's sessions are not thread-safe, its clients are), so the run waits about as long as its
    slowest chain of reads rather than their sum."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        network = pool.submit(_network, client("ec2"), _tag_filters(target["tags"]))
        database = pool.submit(_database_of, client("ssm"), client("rds"), target)
        balancer = pool.submit(_load_balancer, client("elbv2"), target["load_balancer"])
        services = pool.submit(_services, client("ecs"), target["cluster"], target["services"])
        status: dict[str, Any] = {"environment": target["env"], **network.result(), "database": database.result()}
        status["load_balancer"], status["target_health"] = balancer.result()
        status["services"] = services.result()
    dns = (status["load_balancer"] or {}).get("dns_name")
    # With HTTPS (a domain), users reach the blog at the domain; else at the load balancer's DNS name.
    base = f"https://{target['domain']}" if target.get("domain") else f"http://{dns}"
    status["endpoints"] = {
        "app": f"{base}/", "graphql": f"{base}/v1/graphql",
        **({"console": f"{base}:{target.get('console_port', 8080)}/console"} if target.get("console_port", 8080) else {}),
    } if dns else {}
    return status


def _network(ec2: Any, filters: list[dict[str, Any]]) -> dict[str, Any]:
    vpcs = ec2.describe_vpcs(Filters=filters)["Vpcs"]
    gateways = sorted(
        ({"id": n["NatGatewayId"], "state": n["State"], "public_ip": next(
            (a.get("PublicIp") for a in n.get("NatGatewayAddresses", []) if a.get("PublicIp")), None)}
         for n in ec2.describe_nat_gateways(Filters=filters)["NatGateways"] if n["State"] in ("pending", "available")),
        key=lambda n: n["id"])
    return {"vpc": {"id": vpcs[0]["VpcId"], "cidr": vpcs[0]["CidrBlock"]} if vpcs else None, "nat_gateways": gateways}


def _database_of(ssm: Any, rds: Any, target: dict[str, Any]) -> dict[str, Any] | None:
    return _database(rds, effective(target["db_instance_identifier"], _parameter(ssm, target.get("db_record")), "identifier"))


def _parameter(ssm: Any, name: str | None) -> str:
    if not name:
        return ""
    try:
        return ssm.get_parameter(Name=name)["Parameter"]["Value"]
    except Exception as error:
        if _error_code(error) == "ParameterNotFound":
            return ""
        raise


def _database(rds: Any, identifier: str) -> dict[str, Any] | None:
    try:
        instance = rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]
    except Exception as error:  # botocore's ClientError; the module_utils import no botocore
        if _error_code(error) == "DBInstanceNotFound":
            return None
        raise
    endpoint = instance.get("Endpoint") or {}
    return {"identifier": identifier, "status": instance["DBInstanceStatus"], "engine": instance.get("Engine"),
            "version": instance.get("EngineVersion"), "class": instance.get("DBInstanceClass"),
            "multi_az": instance.get("MultiAZ"), "endpoint": f"{endpoint['Address']}:{endpoint['Port']}" if endpoint else None}


def _load_balancer(elbv2: Any, name: str) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    try:
        balancer = elbv2.describe_load_balancers(Names=[name])["LoadBalancers"][0]
    except Exception as error:
        if _error_code(error) == "LoadBalancerNotFound":
            return None, []
        raise
    health = []
    for group in sorted(elbv2.describe_target_groups(LoadBalancerArn=balancer["LoadBalancerArn"])["TargetGroups"],
                        key=lambda g: g["TargetGroupName"]):
        states: dict[str, int] = {}
        for target in elbv2.describe_target_health(TargetGroupArn=group["TargetGroupArn"])["TargetHealthDescriptions"]:
            state = target["TargetHealth"]["State"]
            states[state] = states.get(state, 0) + 1
        health.append({"target_group": group["TargetGroupName"], "port": group.get("Port"), "states": dict(sorted(states.items()))})
    return {"name": name, "dns_name": balancer["DNSName"], "state": balancer["State"]["Code"]}, health


def _services(ecs: Any, cluster: str, names: dict[str, str]) -> dict[str, Any]:
    try:
        found = ecs.describe_services(cluster=cluster, services=list(names.values()))["services"]
    except Exception as error:
        if _error_code(error) == "ClusterNotFoundException":
            found = []
        else:
            raise
    by_name = {s["serviceName"]: s for s in found if s.get("status") == "ACTIVE"}
    services: dict[str, Any] = {}
    for key, name in names.items():
        service = by_name.get(name)
        if service is None:
            services[key] = None
            continue
        primary = next((d for d in service.get("deployments", []) if d.get("status") == "PRIMARY"), {})
        services[key] = {
            "name": name,
            "running": service.get("runningCount", 0), "desired": service.get("desiredCount", 0),
            "pending": service.get("pendingCount", 0),
            "task_definition": (service.get("taskDefinition") or "").rsplit("/", 1)[-1],
            "rollout_state": primary.get("rolloutState"), "rollout_reason": primary.get("rolloutStateReason"),
            "deployments": len(service.get("deployments", [])),
            "events": [{"at": _text(e.get("createdAt")), "message": e.get("message")} for e in service.get("events", [])[:EVENTS]],
        }
    return services


def lines(status: dict[str, Any]) -> list[str]:
    """The report, a line each: endpoints, database, services, target health, then the last events."""
    out = [f"Environment {status['environment']}"]
    vpc = status.get("vpc")
    out.append(f"VPC {vpc['id']} {vpc['cidr']}" if vpc else "VPC: not deployed")
    nats = status.get("nat_gateways") or []
    out.append("NAT gateways " + ", ".join(f"{n['id']} {n['state']} {n['public_ip'] or ''}".rstrip() for n in nats)
               if nats else "NAT gateways: none")
    for key, url in (status.get("endpoints") or {}).items():
        out.append(f"{key.capitalize():<8} {url}")
    balancer = status.get("load_balancer")
    out.append(f"Load balancer {balancer['name']} {balancer['state']}" if balancer else "Load balancer: not deployed")
    db = status.get("database")
    out.append(f"Database {db['identifier']} {db['status']}, {db['engine']} {db['version']}, {db['class']}, "
               f"endpoint {db['endpoint'] or '(none yet)'}" if db else "Database: not deployed")
    for key, service in (status.get("services") or {}).items():
        if service is None:
            out.append(f"Service {key}: not deployed")
            continue
        out.append(f"Service {key}: {service['running']} running, {service['desired']} desired, {service['pending']} pending; "
                   f"{service['task_definition']}, rollout {service['rollout_state'] or 'unknown'}"
                   + (f" ({service['deployments']} deployments)" if service["deployments"] > 1 else ""))
    for group in status.get("target_health") or []:
        states = ", ".join(f"{count} {state}" for state, count in group["states"].items()) or "no targets"
        out.append(f"Targets {group['target_group']} (port {group['port']}): {states}")
    for key, service in (status.get("services") or {}).items():
        for event in (service or {}).get("events", []):
            out.append(f"Event {key} {event['at']}: {event['message']}")
    return out
