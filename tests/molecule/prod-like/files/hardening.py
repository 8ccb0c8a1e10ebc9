"""Read-only: the prod hardening of one environment, as AWS describes it (flow logs, access logs, WAF, the console,
read-only root filesystems, TLS to the database, deletion protection), or what of it is left after a teardown.
Prints JSON. Usage: hardening.py <endpoint> <region> <prefix> <domain> <zone> [leftovers]"""

import json
import sys

import boto3
from botocore.exceptions import ClientError


def _or_none(call):
    try:
        return call()
    except ClientError:
        return None


def zone_records(client, zone: str) -> list:
    """The records of the public hosted zone ``zone`` (name, type, and values or alias target), [] without the zone."""
    route53 = client("route53")
    zones = [z for z in route53.list_hosted_zones_by_name(DNSName=zone)["HostedZones"] if z["Name"] == zone.rstrip(".") + "."]
    if not zones:
        return []
    sets = route53.list_resource_record_sets(HostedZoneId=zones[0]["Id"])["ResourceRecordSets"]
    return [{"name": r["Name"], "type": r["Type"], "values": [v["Value"] for v in r.get("ResourceRecords", [])],
             "alias": r.get("AliasTarget", {}).get("DNSName")} for r in sets]


def https(client, balancer: dict, domain: str, zone: str) -> dict:
    """The HTTPS listeners, their certificates, and the domain's records."""
    elbv2, acm = client("elbv2"), client("acm")
    listeners = elbv2.describe_listeners(LoadBalancerArn=balancer["LoadBalancerArn"])["Listeners"]
    certificates = {}
    for listener in listeners:
        for certificate in listener.get("Certificates", []):
            description = acm.describe_certificate(CertificateArn=certificate["CertificateArn"])["Certificate"]
            certificates[certificate["CertificateArn"]] = {
                "domain": description["DomainName"], "status": description["Status"],
                "validation": [o["ResourceRecord"]["Name"] for o in description.get("DomainValidationOptions", [])]}
    return {
        "listeners": {str(l["Port"]): {"protocol": l["Protocol"], "ssl_policy": l.get("SslPolicy"),
                                       "certificates": [c["CertificateArn"] for c in l.get("Certificates", [])],
                                       "default_actions": l["DefaultActions"],
                                       "rules": [r["Conditions"] for r in elbv2.describe_rules(ListenerArn=l["ListenerArn"])["Rules"]
                                                 if not r["IsDefault"]]} for l in listeners},
        "certificates": certificates,
        "records": zone_records(client, zone),
        "dns_name": balancer["DNSName"],
    }


def deployed(client, prefix: str, domain: str, zone: str) -> dict:
    ec2, elbv2, s3, wafv2, ecs, rds = (client(s) for s in ("ec2", "elbv2", "s3", "wafv2", "ecs", "rds"))
    vpc = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [f"{prefix}-vpc"]}])["Vpcs"][0]["VpcId"]
    flow_logs = ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [vpc]}])["FlowLogs"]
    group = client("logs").describe_log_groups(logGroupNamePrefix=f"/vpc/{prefix}/flow-logs")["logGroups"]
    role = client("iam").get_role(RoleName=f"{prefix}-vpc-flow-logs")["Role"]
    balancer = elbv2.describe_load_balancers(Names=[f"{prefix}-alb"])["LoadBalancers"][0]
    attributes = {a["Key"]: a["Value"] for a in elbv2.describe_load_balancer_attributes(
        LoadBalancerArn=balancer["LoadBalancerArn"])["Attributes"]}
    bucket = attributes.get("access_logs.s3.bucket", "")
    acl = (wafv2.get_web_acl_for_resource(ResourceArn=balancer["LoadBalancerArn"]).get("WebACL") or {})
    groups = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": [f"{prefix}-alb-sg"]}])["SecurityGroups"]
    acls = ec2.describe_network_acls(Filters=[{"Name": "tag:Name", "Values": [f"{prefix}-public-nacl"]}])["NetworkAcls"]
    containers = {}
    for service in ecs.describe_services(cluster=f"{prefix}-cluster", services=[f"{prefix}-hasura", f"{prefix}-nextjs"])["services"]:
        definition = ecs.describe_task_definition(taskDefinition=service["taskDefinition"])["taskDefinition"]
        for container in definition["containerDefinitions"]:
            containers[container["name"]] = {
                "readonly_root_filesystem": container.get("readonlyRootFilesystem", False),
                "environment": {e["name"]: e["value"] for e in container.get("environment", [])},
                "mount_points": [m["containerPath"] for m in container.get("mountPoints", [])]}
    secretsmanager = client("secretsmanager")
    secret_policies = {}
    for secret in secretsmanager.list_secrets()["SecretList"]:
        if secret["Name"].startswith("/".join(prefix.rsplit("-", 1)) + "/"):  # hasura-blog-prod: hasura-blog/prod/
            policy = json.loads(secretsmanager.get_resource_policy(SecretId=secret["Name"]).get("ResourcePolicy") or "null")
            secret_policies[secret["Name"].rsplit("/", 1)[1]] = [
                {"effect": st["Effect"], "principals": st.get("Condition", {}).get("ArnNotLike", {}).get("aws:PrincipalArn")}
                for st in (policy or {}).get("Statement", [])]
    instance = rds.describe_db_instances(DBInstanceIdentifier=f"{prefix}-postgres")["DBInstances"][0]
    parameter_group = instance["DBParameterGroups"][0]["DBParameterGroupName"]
    return {
        "https": https(client, balancer, domain, zone),
        "flow_logs": [{"log_group": f.get("LogGroupName"), "traffic_type": f["TrafficType"],
                       "role": f.get("DeliverLogsPermissionArn", "").rsplit("/", 1)[-1]} for f in flow_logs],
        "flow_log_retention": [g.get("retentionInDays") for g in group],
        "flow_log_role_trust": role["AssumeRolePolicyDocument"]["Statement"][0],
        "access_logs": {"enabled": attributes.get("access_logs.s3.enabled"), "bucket": bucket,
                        "prefix": attributes.get("access_logs.s3.prefix")},
        "bucket": {
            "public_access_block": s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"],
            "encryption": [r["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] for r in s3.get_bucket_encryption(
                Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]],
            "expiration_days": [r["Expiration"]["Days"] for r in s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]],
            "policy": json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"]),
            "ownership": [r["ObjectOwnership"] for r in s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"]],
        } if bucket else None,
        "web_acl": {"name": acl.get("Name"), "default_action": list(acl.get("DefaultAction", {})),
                    "rules": {r["Name"]: r["Statement"] for r in acl.get("Rules", [])}} if acl else None,
        "listener_ports": sorted(l["Port"] for l in elbv2.describe_listeners(LoadBalancerArn=balancer["LoadBalancerArn"])["Listeners"]),
        "alb_deletion_protection": attributes.get("deletion_protection.enabled"),
        "alb_group_ports": sorted(p.get("FromPort") for g in groups for p in g["IpPermissions"]),
        "public_acl_ports": sorted({e["PortRange"]["From"] for a in acls for e in a["Entries"]
                                    if not e["Egress"] and e.get("CidrBlock") == "0.0.0.0/0" and e.get("PortRange")
                                    and e["PortRange"]["From"] == e["PortRange"]["To"]}),
        "containers": containers,
        "secret_policies": secret_policies,
        "db_deletion_protection": instance["DeletionProtection"],
        "db_force_ssl": [p.get("ParameterValue") for p in rds.describe_db_parameters(
            DBParameterGroupName=parameter_group, Source="user")["Parameters"] if p["ParameterName"] == "rds.force_ssl"],
    }


def leftovers(client, prefix: str, domain: str, zone: str) -> dict:
    """What only the prod settings make, after a teardown; and the final snapshots it took."""
    s3, wafv2 = client("s3"), client("wafv2")
    return {
        "certificates": [c["CertificateArn"] for c in client("acm").list_certificates(Includes={})["CertificateSummaryList"]
                         if c.get("DomainName") == domain],
        "records": [r for r in zone_records(client, zone) if r["type"] not in ("SOA", "NS")],
        "flow_logs": [f["FlowLogId"] for f in client("ec2").describe_flow_logs()["FlowLogs"]
                      if f.get("LogGroupName", "").startswith(f"/vpc/{prefix}/")],
        "flow_log_groups": [g["logGroupName"] for g in client("logs").describe_log_groups(
            logGroupNamePrefix=f"/vpc/{prefix}/")["logGroups"]],
        "flow_log_role": _or_none(lambda: client("iam").get_role(RoleName=f"{prefix}-vpc-flow-logs")["Role"]["RoleName"]),
        "buckets": [b["Name"] for b in s3.list_buckets()["Buckets"] if b["Name"].startswith(f"{prefix}-alb-logs-")],
        "web_acls": [a["Name"] for a in wafv2.list_web_acls(Scope="REGIONAL")["WebACLs"] if a["Name"].startswith(prefix)],
        "final_snapshots": [s["DBSnapshotIdentifier"] for s in client("rds").describe_db_snapshots(
            SnapshotType="manual")["DBSnapshots"] if s["DBSnapshotIdentifier"].startswith(f"{prefix}-postgres-final")],
    }


if __name__ == "__main__":
    endpoint, region, prefix, domain, zone = sys.argv[1:6]

    def client(service: str):
        return boto3.client(service, endpoint_url=endpoint or None, region_name=region)

    read = leftovers if sys.argv[6:] == ["leftovers"] else deployed
    print(json.dumps(read(client, prefix, domain, zone), default=str))
