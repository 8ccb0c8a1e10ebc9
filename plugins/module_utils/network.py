# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure logic for the network layout: validation and the subnet plan. No AWS calls."""

from __future__ import annotations

import ipaddress
from typing import Any

TIERS = ("public", "private")


def _network(value: Any, what: str, errors: list[str]) -> ipaddress.IPv4Network | None:
    try:
        network = ipaddress.ip_network(str(value), strict=True)
    except ValueError as exc:
        errors.append(f"{what} {value!r} is not a valid CIDR block ({exc})")
        return None
    if network.version != 4:
        errors.append(f"{what} {value!r} is not an IPv4 CIDR block")
        return None
    return network


def layout_errors(vpc_cidr: str, azs: list[str], public: list[str], private: list[str]) -> list[str]:
    """Return every problem with a VPC layout, or an empty list when it is valid."""
    errors: list[str] = []
    vpc = _network(vpc_cidr, "VPC CIDR", errors)
    if vpc is not None and not 16 <= vpc.prefixlen <= 28:
        errors.append(f"VPC CIDR {vpc_cidr} must have a prefix between /16 and /28 (AWS limit)")
    if not azs:
        errors.append("at least one availability zone is required")
    if len(set(azs)) != len(azs):
        errors.append(f"availability zones repeat: {azs}")
    subnets: list[tuple[str, ipaddress.IPv4Network]] = []
    for tier, cidrs in zip(TIERS, (public, private)):
        if len(cidrs) != len(azs):
            errors.append(f"{len(cidrs)} {tier} subnet CIDRs for {len(azs)} availability zones; give one per zone")
        for cidr in cidrs:
            network = _network(cidr, f"{tier} subnet", errors)
            if network is None:
                continue
            if vpc is not None and not network.subnet_of(vpc):
                errors.append(f"{tier} subnet {cidr} is not inside the VPC CIDR {vpc_cidr}")
            subnets.append((cidr, network))
    for i, (cidr_a, net_a) in enumerate(subnets):
        for cidr_b, net_b in subnets[i + 1:]:
            if net_a.overlaps(net_b):
                errors.append(f"subnets {cidr_a} and {cidr_b} overlap")
    return errors


def subnet_plan(azs: list[str], public: list[str], private: list[str]) -> list[dict[str, Any]]:
    """One entry per subnet: tier, CIDR, zone and the zone's index, public subnets first."""
    return [
        {"tier": tier, "cidr": cidr, "az": az, "index": index}
        for tier, cidrs in zip(TIERS, (public, private))
        for index, (az, cidr) in enumerate(zip(azs, cidrs))
    ]


def reusable_eips(subnets: list[str], eip_names: dict[str, str], addresses: list[dict[str, Any]]) -> dict[str, str]:
    """Map each subnet to the allocation id of an unassociated Elastic IP named for it, where one exists.

    ``eip_names`` maps subnet ids to the Name tag their NAT gateway's Elastic IP carries; ``addresses`` are
    ec2_eip_info results, already filtered to this environment's tags.
    """
    unused = {(a.get("tags") or {}).get("Name"): a["allocation_id"] for a in addresses if not a.get("association_id")}
    return {subnet: unused[eip_names[subnet]] for subnet in subnets if eip_names.get(subnet) in unused}


def cidr_errors(cidrs: list[str], what: str = "CIDR") -> list[str]:
    """Errors for entries that are not IPv4 CIDR blocks."""
    errors: list[str] = []
    for cidr in cidrs:
        _network(cidr, what, errors)
    return errors


def port_errors(ports: list[Any], what: str = "port") -> list[str]:
    """Errors for entries that are not TCP ports (1-65535)."""
    return [f"{what} {port!r} is not a TCP port (1-65535)" for port in ports
            if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535]


# TCP ports a tier admits from anywhere as return traffic: 1024-65535, the range NAT gateways and Linux pick for their
# outgoing connections, less 3389 (AWS Foundational Security Best Practices EC2.21: no network ACL admits 22 or 3389
# from 0.0.0.0/0).
RETURN_TRAFFIC = ((1024, 3388), (3390, 65535))


def network_acl_entries(tier: str, vpc_cidr: str, public_ports: list[Any]) -> dict[str, list[list[Any]]]:
    """The ingress and egress entries of a tier's network ACL, in amazon.aws.ec2_vpc_nacl's form:
    [rule number, protocol, allow or deny, CIDR, ICMP type, ICMP code, from port, to port].

    Each tier admits everything from inside the VPC, and TCP return traffic (RETURN_TRAFFIC) from anywhere. The public
    tier also admits ``public_ports`` (the load balancer's listeners) from anywhere. Egress is open: the security
    groups decide what leaves, and a NACL cannot tell a reply from a new connection."""
    if tier not in ("public", "private"):
        raise ValueError(f"tier must be public or private, not {tier!r}")
    ingress: list[list[Any]] = []
    if tier == "public":
        for number, port in enumerate(sorted({int(port) for port in public_ports})):
            ingress.append([100 + 10 * number, "tcp", "allow", "0.0.0.0/0", None, None, port, port])
    ingress.append([200, "all", "allow", str(vpc_cidr), None, None, 0, 0])
    for number, (low, high) in enumerate(RETURN_TRAFFIC):
        ingress.append([300 + 10 * number, "tcp", "allow", "0.0.0.0/0", None, None, low, high])
    return {"ingress": ingress, "egress": [[100, "all", "allow", "0.0.0.0/0", None, None, 0, 0]]}


# The fields of a flow log that its settings fix: AWS cannot modify a flow log, so one that differs in any of them is
# replaced (deleted, then created: AWS refuses a second flow log of a resource to the same destination).
FLOW_LOG_FIELDS = {
    "TrafficType": "traffic_type",
    "DeliverLogsPermissionArn": "deliver_logs_permission_arn",
    "MaxAggregationInterval": "max_aggregation_interval",
}


def flow_log_plan(existing: list[dict[str, Any]], log_group: str, desired: dict[str, Any] | None) -> dict[str, Any]:
    """What to do with a resource's flow logs to CloudWatch Logs group ``log_group``, from DescribeFlowLogs'
    ``existing`` flow logs of the resource and the ``desired`` settings (None: there should be none).

    Only flow logs to ``log_group`` are ours; others (other destinations, other groups) are left alone. Returns
    ``keep`` (the id of one that matches, or None), ``create`` (whether a new one is needed) and ``delete`` (ids)."""
    ours = sorted((log for log in existing if log.get("LogDestinationType", "cloud-watch-logs") == "cloud-watch-logs"
                   and log.get("LogGroupName") == log_group), key=lambda log: log["FlowLogId"])
    if desired is None:
        return {"keep": None, "create": False, "delete": [log["FlowLogId"] for log in ours]}
    matching = [log for log in ours if all(log.get(field) == desired[key] for field, key in FLOW_LOG_FIELDS.items())]
    keep = matching[0]["FlowLogId"] if matching else None
    return {"keep": keep, "create": keep is None, "delete": [log["FlowLogId"] for log in ours if log["FlowLogId"] != keep]}
