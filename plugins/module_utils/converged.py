# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fast path of a re-run: is a role's part of the stack as its last converged run left it?

After a role converges, it records a digest of its settings and of what AWS then describes of its resources (SSM
parameter ``/<project>/<env>/converged/<role>``), with the facts it set for later roles. A re-run reads the same
resources (``read``: describe calls only, about a dozen for the biggest role, in one process), and when the digest is
the same, and every secret in Secrets Manager still holds the vault's value, the role would change nothing: the run
sets the recorded facts and skips the role's tasks. Anything else (a changed setting, drift made by hand, a resource
gone, a new version of the role's code) runs the role as usual.

What is left out of the digest changes without a change of ours: statuses, counts, events, deployments other than
what the service runs, timestamps of access. Secrets never enter it: they are compared, in memory, with Secrets
Manager's values.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any, Callable, Iterable, Mapping

from ansible_collections.hasura_blog.aws.plugins.module_utils.logs import access_logs_bucket

ROLES = ("vpc", "nat", "security_groups", "rds", "alb", "ecs_cluster", "ecs_services")

# Keys (at any depth) whose values change by themselves: states that the roles wait through, counts, events, access
# times. None of them is something a role sets.
VOLATILE = frozenset({
    "ResponseMetadata", "DBInstanceStatus", "LatestRestorableTime", "StatusInfos", "PendingModifiedValues",
    "events", "runningCount", "pendingCount", "runningTasksCount", "pendingTasksCount", "activeServicesCount",
    "registeredContainerInstancesCount", "statistics", "attachmentsStatus", "attachments",
    "LastAccessedDate", "LastChangedDate", "VersionIdsToStages", "NextRotationDate", "RoleLastUsed",
    "storedBytes", "metricFilterCount", "AvailableIpAddressCount", "State", "status",
    "DeliverLogsStatus", "DeliverLogsErrorMessage",
})

Client = Callable[[str], Any]


def normalize(value: Any) -> Any:
    """``value`` without the VOLATILE keys, with datetimes as text and lists in a canonical order (AWS lists the same
    resources in any order)."""
    if isinstance(value, Mapping):
        return {str(key): normalize(item) for key, item in value.items() if key not in VOLATILE}
    if isinstance(value, (list, tuple)):
        items = [normalize(item) for item in value]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True, default=str))
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def digest(inputs: Mapping[str, Any], state: Mapping[str, Any], code: str = "") -> str:
    """The digest of a role's settings, what AWS describes of its resources, and its code (``code_digest``)."""
    text = json.dumps({"inputs": normalize(inputs), "state": normalize(state), "code": code}, sort_keys=True,
                      default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def code_digest(files: Iterable[tuple[str, bytes]]) -> str:
    """The digest of (relative path, content) pairs: the role's files and the collection's plugins. A new version of
    the code runs every role once, even where nothing else changed."""
    hashed = hashlib.sha256()
    for path, content in sorted(files):
        hashed.update(path.encode() + b"\0" + hashlib.sha256(content).digest())
    return hashed.hexdigest()


def decide(recorded: Mapping[str, Any] | None, current: str, secrets_match: bool) -> tuple[bool, str]:
    """Whether the role is converged, and why (or why not), from the record (None: none) and the current digest."""
    if recorded is None:
        return False, "no record of a converged run"
    if recorded.get("digest") != current:
        return False, "the settings, the resources or the role's code differ from the last converged run"
    if not secrets_match:
        return False, "a secret in Secrets Manager differs from the vault's value"
    return True, "as the last converged run left it"


def record_value(current: str, facts: Mapping[str, Any]) -> str:
    """The SSM parameter's value: the digest and the facts the role set."""
    return json.dumps({"digest": current, "facts": facts}, sort_keys=True, separators=(",", ":"), default=str)


def parse_record(value: str | None) -> dict[str, Any] | None:
    """The record in ``value``; None when there is none or it is not a record (then the role runs)."""
    try:
        record = json.loads(value) if value else None
    except ValueError:
        return None
    return record if isinstance(record, dict) and "digest" in record and isinstance(record.get("facts"), dict) else None


# Reading the resources. Each reader takes ``client(service)`` and ``where`` (the role's names and ids of its
# resources) and returns what AWS describes of them. Missing resources read as empty, so that they differ.


def _error_code(error: Exception) -> str:
    return str(getattr(error, "response", {}).get("Error", {}).get("Code", ""))


def _or_none(call: Callable[[], Any], *missing: str) -> Any:
    try:
        return call()
    except Exception as error:  # pylint: disable=broad-exception-caught
        if _error_code(error) in missing:
            return None
        raise


def _tag_filters(tags: Mapping[str, str]) -> list[dict[str, Any]]:
    return [{"Name": f"tag:{key}", "Values": [value]} for key, value in sorted(tags.items())]


def read_vpc(client: Client, where: Mapping[str, Any]) -> dict[str, Any]:
    ec2 = client("ec2")
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [where["name"]]},
                                      {"Name": "cidr-block", "Values": [where["cidr"]]}])["Vpcs"]
    state: dict[str, Any] = {"vpcs": vpcs}
    for vpc in vpcs:
        vpc_id = vpc["VpcId"]
        vpc["DnsAttributes"] = {
            attribute: ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute=attribute)
            for attribute in ("enableDnsHostnames", "enableDnsSupport")}
        state.setdefault("subnets", []).extend(
            ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"])
        state.setdefault("internet_gateways", []).extend(ec2.describe_internet_gateways(
            Filters=[{"Name": "attachment.vpc-id", "Values": [vpc_id]}])["InternetGateways"])
        state.setdefault("network_acls", []).extend(
            ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["NetworkAcls"])
        state.setdefault("default_security_groups", []).extend(ec2.describe_security_groups(
            Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"])
        # Read whether flow logs are on or off: one made by hand, or left behind, differs either way.
        state.setdefault("flow_logs", []).extend(
            ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [vpc_id]}])["FlowLogs"])
    state["roles"] = _roles(client, where.get("roles", []))
    state["log_groups"] = _log_groups(client, where.get("log_groups", []))
    return state


def read_nat(client: Client, where: Mapping[str, Any]) -> dict[str, Any]:
    ec2 = client("ec2")
    in_vpc = [{"Name": "vpc-id", "Values": [where["vpc_id"]]}]
    gateways = ec2.describe_nat_gateways(Filters=in_vpc)["NatGateways"]
    return {
        # A gateway being deleted or failed is not one of ours any more; pending and available ones both are.
        "nat_gateways": [{**gateway, "Ready": gateway["State"] == "available"} for gateway in gateways
                         if gateway["State"] in ("pending", "available")],
        "addresses": ec2.describe_addresses(Filters=_tag_filters(where["tags"]))["Addresses"],
        "route_tables": ec2.describe_route_tables(Filters=in_vpc)["RouteTables"],
    }


def read_security_groups(client: Client, where: Mapping[str, Any]) -> dict[str, Any]:
    ec2 = client("ec2")
    return {"security_groups": ec2.describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [where["vpc_id"]]}])["SecurityGroups"]}


def _roles(client: Client, names: Iterable[str]) -> dict[str, Any]:
    """IAM roles by name (None: missing), with their inline and attached policies."""
    roles: dict[str, Any] = {}
    names = list(names)
    iam = client("iam") if names else None  # no client (and no request) for a role with no IAM role to read
    for name in names:
        role = _or_none(lambda name=name: iam.get_role(RoleName=name)["Role"], "NoSuchEntity")
        if role is not None:
            role["InlinePolicies"] = {policy: iam.get_role_policy(RoleName=name, PolicyName=policy)["PolicyDocument"]
                                      for policy in iam.list_role_policies(RoleName=name)["PolicyNames"]}
            role["AttachedPolicies"] = iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]
        roles[name] = role
    return roles


def _log_groups(client: Client, names: Iterable[str]) -> dict[str, Any]:
    """CloudWatch Logs groups by name (an empty list: missing), with their tags."""
    groups: dict[str, Any] = {}
    names = list(names)
    logs = client("logs") if names else None
    for name in names:
        found = logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
        groups[name] = [group for group in found if group["logGroupName"] == name]
        for group in groups[name]:
            group["tags"] = logs.list_tags_log_group(logGroupName=name).get("tags", {})
    return groups


def _secrets(client: Client, names: Iterable[str], policies: bool = False) -> dict[str, Any]:
    """Each secret's description (None: missing), and its resource policy where the role sets policies."""
    secrets = client("secretsmanager")
    found = {name: _or_none(lambda name=name: secrets.describe_secret(SecretId=name), "ResourceNotFoundException")
             for name in names}
    for name, secret in found.items():
        if secret is not None and policies:
            secret["ResourcePolicy"] = json.loads(secrets.get_resource_policy(SecretId=name).get("ResourcePolicy") or "null")
    return found


def read_rds(client: Client, where: Mapping[str, Any]) -> dict[str, Any]:
    rds = client("rds")
    instances = _or_none(lambda: rds.describe_db_instances(DBInstanceIdentifier=where["identifier"])["DBInstances"],
                         "DBInstanceNotFound", "DBInstanceNotFoundFault")
    groups = _or_none(lambda: rds.describe_db_subnet_groups(DBSubnetGroupName=where["subnet_group"])["DBSubnetGroups"],
                      "DBSubnetGroupNotFoundFault")
    # An instance that does not serve connections (stopped, failed) is not converged, whatever else it describes.
    usable = [instance.get("DBInstanceStatus") in where.get("usable_statuses", ()) for instance in instances or []]
    state = {"instances": instances, "usable": usable, "subnet_groups": groups,
             "secrets": _secrets(client, where["secrets"], where.get("secret_policies", False))}
    if where.get("parameter_group"):  # the parameters set in the instance's own group (Source user), such as rds.force_ssl
        state["parameters"] = _or_none(lambda: [
            parameter for page in rds.get_paginator("describe_db_parameters").paginate(
                DBParameterGroupName=where["parameter_group"], Source="user") for parameter in page["Parameters"]],
            "DBParameterGroupNotFound")
    return state


def read_alb(client: Client, where: Mapping[str, Any]) -> dict[str, Any]:
    """The inventory's load balancer and target groups, and any others with the environment's tags (``tags``), which
    the role reports as duplicates."""
    elbv2 = client("elbv2")
    balancers = [lb for page in elbv2.get_paginator("describe_load_balancers").paginate() for lb in page["LoadBalancers"]]
    groups = [tg for page in elbv2.get_paginator("describe_target_groups").paginate() for tg in page["TargetGroups"]]
    arns = [lb["LoadBalancerArn"] for lb in balancers] + [tg["TargetGroupArn"] for tg in groups]
    tags: dict[str, dict[str, str]] = {}
    for start in range(0, len(arns), 20):
        for description in elbv2.describe_tags(ResourceArns=arns[start:start + 20])["TagDescriptions"]:
            tags[description["ResourceArn"]] = {tag["Key"]: tag["Value"] for tag in description.get("Tags", [])}

    wanted_tags = dict(where.get("tags") or {})

    def ours(arn: str, name: str, names: Iterable[str]) -> bool:
        return name in names or bool(wanted_tags) and all(tags.get(arn, {}).get(key) == value
                                                          for key, value in wanted_tags.items())

    balancers = [lb for lb in balancers if ours(lb["LoadBalancerArn"], lb["LoadBalancerName"], [where["load_balancer"]])]
    groups = [tg for tg in groups if ours(tg["TargetGroupArn"], tg["TargetGroupName"], where["target_groups"])]
    for balancer in balancers:
        arn = balancer["LoadBalancerArn"]
        balancer["Tags"] = tags.get(arn, {})
        balancer["Attributes"] = elbv2.describe_load_balancer_attributes(LoadBalancerArn=arn)["Attributes"]
        balancer["Listeners"] = elbv2.describe_listeners(LoadBalancerArn=arn)["Listeners"]
        for listener in balancer["Listeners"]:
            listener["Rules"] = elbv2.describe_rules(ListenerArn=listener["ListenerArn"])["Rules"]
    for group in groups:
        group["Tags"] = tags.get(group["TargetGroupArn"], {})
        group["Attributes"] = elbv2.describe_target_group_attributes(TargetGroupArn=group["TargetGroupArn"])["Attributes"]
    state: dict[str, Any] = {"load_balancers": balancers, "target_groups": groups}
    if where.get("waf"):
        state["web_acl"] = _web_acl(client, where["waf"], [lb["LoadBalancerArn"] for lb in balancers])
    if where.get("access_logs"):
        state["access_logs_bucket"] = _access_logs_bucket(client, where["access_logs"])
    if where.get("https"):
        state["https"] = _https(client, where["https"], balancers)
    return state


def _https(client: Client, where: Mapping[str, Any], balancers: list[dict[str, Any]]) -> dict[str, Any]:
    """The certificates the listeners use (their domain and status), and, with a hosted zone, the domain's alias
    record and the certificates' validation records in it."""
    acm = client("acm")
    arns = sorted({cert["CertificateArn"] for lb in balancers for listener in lb.get("Listeners", [])
                   for cert in listener.get("Certificates", [])})
    certificates = {}
    for arn in arns:
        description = _or_none(lambda arn=arn: acm.describe_certificate(CertificateArn=arn)["Certificate"],
                               "ResourceNotFoundException") or {}
        certificates[arn] = {"DomainName": description.get("DomainName"), "Status": description.get("Status"),
                             "Records": sorted(option["ResourceRecord"]["Name"] for option in
                                               description.get("DomainValidationOptions", []) if option.get("ResourceRecord"))}
    state: dict[str, Any] = {"certificates": certificates}
    if where.get("zone"):
        route53 = client("route53")
        zone_name = where["zone"].rstrip(".").lower() + "."
        zones = route53.list_hosted_zones_by_name(DNSName=zone_name, MaxItems="10")["HostedZones"]
        zone = next((z for z in zones if z["Name"].lower() == zone_name and not z.get("Config", {}).get("PrivateZone")), None)
        wanted = [(where["domain"], "A")] + [(name, "CNAME") for cert in certificates.values() for name in cert["Records"]]
        records = {}
        for name, kind in wanted if zone else []:
            name = name.rstrip(".").lower() + "."
            found = route53.list_resource_record_sets(HostedZoneId=zone["Id"], StartRecordName=name, StartRecordType=kind,
                                                      MaxItems="1")["ResourceRecordSets"]
            records[f"{name} {kind}"] = [record for record in found if record["Name"].lower() == name and record["Type"] == kind]
        state["zone"] = {"Id": zone and zone["Id"], "Records": records}
    return state


def _web_acl(client: Client, name: str, balancers: list[str]) -> dict[str, Any] | None:
    """The regional web ACL ``name`` with its tags, and the web ACL of each load balancer; None when it is missing."""
    wafv2 = client("wafv2")
    summary = next((acl for acl in wafv2.list_web_acls(Scope="REGIONAL", Limit=100)["WebACLs"] if acl["Name"] == name), None)
    if summary is None:
        return None
    acl = wafv2.get_web_acl(Name=name, Scope="REGIONAL", Id=summary["Id"])
    acl.pop("ResponseMetadata", None)
    acl["Tags"] = wafv2.list_tags_for_resource(ResourceARN=summary["ARN"]).get("TagInfoForResource", {}).get("TagList", [])
    acl["ProtectedBalancers"] = {arn: (wafv2.get_web_acl_for_resource(ResourceArn=arn).get("WebACL") or {}).get("ARN")
                                 for arn in balancers}
    return acl


# What the alb role sets on the access logs' bucket: each read, and the error S3 answers when it is not set.
_BUCKET_READS = {
    "Policy": ("get_bucket_policy", "NoSuchBucketPolicy"),
    "Encryption": ("get_bucket_encryption", "ServerSideEncryptionConfigurationNotFoundError"),
    "PublicAccessBlock": ("get_public_access_block", "NoSuchPublicAccessBlockConfiguration"),
    "Lifecycle": ("get_bucket_lifecycle_configuration", "NoSuchLifecycleConfiguration"),
    "Tagging": ("get_bucket_tagging", "NoSuchTagSet"),
    "OwnershipControls": ("get_bucket_ownership_controls", "OwnershipControlsNotFoundError"),
}


def _access_logs_bucket(client: Client, where: Mapping[str, Any]) -> dict[str, Any] | None:
    """The access logs' bucket and what the role sets on it; None when it does not exist."""
    name = where.get("bucket") or access_logs_bucket(where["name_prefix"], client("sts").get_caller_identity()["Account"],
                                                     where["region"])
    s3 = client("s3")
    if _or_none(lambda: s3.head_bucket(Bucket=name), "404", "NoSuchBucket", "403") is None:
        return None
    bucket: dict[str, Any] = {"Name": name}
    for key, (read, missing) in _BUCKET_READS.items():
        answer = _or_none(lambda read=read: getattr(s3, read)(Bucket=name), missing) or {}
        answer.pop("ResponseMetadata", None)
        bucket[key] = answer
    return bucket


def read_ecs_cluster(client: Client, where: Mapping[str, Any]) -> dict[str, Any]:
    clusters = client("ecs").describe_clusters(clusters=[where["cluster"]], include=["SETTINGS", "TAGS", "CONFIGURATIONS"])
    return {"clusters": [cluster for cluster in clusters["clusters"] if cluster.get("status") == "ACTIVE"],
            "roles": _roles(client, where["roles"]), "log_groups": _log_groups(client, where["log_groups"])}


def read_ecs_services(client: Client, where: Mapping[str, Any]) -> dict[str, Any]:
    ecs = client("ecs")
    services = _or_none(lambda: ecs.describe_services(cluster=where["cluster"], services=list(where["services"]),
                                                      include=["TAGS"]), "ClusterNotFoundException") or {}
    state: dict[str, Any] = {"services": [], "task_definitions": {},
                             "secrets": _secrets(client, where["secrets"], where.get("secret_policies", False))}
    for service in services.get("services", []):
        if service.get("status") != "ACTIVE":
            continue
        # What the service runs: its primary deployment, and whether that has rolled out.
        primary = [{"taskDefinition": deployment.get("taskDefinition"), "desiredCount": deployment.get("desiredCount"),
                    "rolloutState": deployment.get("rolloutState")}
                   for deployment in service.get("deployments", []) if deployment.get("status") == "PRIMARY"]
        state["services"].append({**service, "primary": primary})
        definition = ecs.describe_task_definition(taskDefinition=service["taskDefinition"], include=["TAGS"])
        definition["taskDefinition"].pop("registeredAt", None)
        state["task_definitions"][service["serviceName"]] = definition
    for family in where["services"]:
        # A revision registered since (by hand, or a rollout that failed before it recorded anything).
        latest = ecs.list_task_definitions(familyPrefix=family, status="ACTIVE", sort="DESC", maxResults=1)
        state.setdefault("latest", {})[family] = latest["taskDefinitionArns"]
    return state


READERS: dict[str, Callable[[Client, Mapping[str, Any]], dict[str, Any]]] = {
    "vpc": read_vpc, "nat": read_nat, "security_groups": read_security_groups, "rds": read_rds, "alb": read_alb,
    "ecs_cluster": read_ecs_cluster, "ecs_services": read_ecs_services,
}


def read(role: str, client: Client, where: Mapping[str, Any]) -> dict[str, Any]:
    """What AWS describes of ``role``'s resources, found by ``where``."""
    return READERS[role](client, where)
