"""Fidelity patches: where moto answers differently from AWS, restore what AWS does.

Each patch names the AWS behaviour it restores. The roles are written for AWS; these patches make the
emulator answer the way AWS would, so that the same roles work unchanged on both. Every patch has a test
in ``tests/unit/emulator/`` that fails without it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from unittest import mock

MINUTES_PER_DAY = 24 * 60
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HHMM = re.compile(r"^([0-9]{2}):([0-9]{2})$")


@dataclass(frozen=True)
class Patch:
    name: str
    restores: str
    apply: Callable[[], list]


def _started(*patchers) -> list:
    """Start the given mock patchers and return them, so that revert() can stop them."""
    for patcher in patchers:
        patcher.start()
    return list(patchers)


def _minutes(hhmm: str) -> int:
    match = _HHMM.match(hhmm)
    if not match:
        raise ValueError(f"not HH:MM: {hhmm!r}")
    return int(match.group(1)) * 60 + int(match.group(2))


def _week_minutes(day_hhmm: str) -> int:
    day, hhmm = day_hhmm[:3].lower(), day_hhmm[4:]
    return DAYS.index(day) * MINUTES_PER_DAY + _minutes(hhmm)


def _intervals(start: int, end: int, period: int) -> list[tuple[int, int]]:
    """Split a window that may wrap around the end of its period into plain intervals."""
    if end > start:
        return [(start, end)]
    return [(start, period), (0, end)]


def windows_overlap(backup_window: str, maintenance_window: str) -> bool:
    """True when a daily backup window shares time with a weekly maintenance window.

    Windows that only touch (03:00-04:00 and mon:04:00-mon:05:00) do not overlap, as in AWS.
    """
    b_start, b_end = (_minutes(p) for p in backup_window.split("-"))
    b_length = (b_end - b_start) % MINUTES_PER_DAY
    m_start, m_end = (_week_minutes(p) for p in (maintenance_window[:9], maintenance_window[10:]))
    maintenance = _intervals(m_start, m_end, MINUTES_PER_WEEK)
    for day in range(7):
        start = (day * MINUTES_PER_DAY + b_start) % MINUTES_PER_WEEK
        for bs, be in _intervals(start, (start + b_length) % MINUTES_PER_WEEK, MINUTES_PER_WEEK):
            if any(max(bs, ms) < min(be, me) for ms, me in maintenance):
                return True
    return False


def _load_iam_managed_policies() -> list:
    """AWS: every account sees the AWS managed policies (AmazonECSTaskExecutionRolePolicy, ...).

    moto leaves them out unless MOTO_IAM_LOAD_MANAGED_POLICIES is true.
    """
    return _started(mock.patch.dict(os.environ, {"MOTO_IAM_LOAD_MANAGED_POLICIES": "true"}))


def _adjacent_rds_windows() -> list:
    """AWS: a backup window may end exactly when the maintenance window starts (03:00-04:00 next to
    mon:04:00-mon:05:00). moto counts touching windows as overlapping and rejects them.

    The format and length checks stay moto's; only the overlap test is replaced by a strict one.
    """
    from moto.rds import models, utils

    original = utils.valid_preferred_maintenance_window

    def validate(maintenance_window, backup_window):
        message = original(maintenance_window, None)
        if message or not (maintenance_window and backup_window):
            return message
        if windows_overlap(backup_window, maintenance_window):
            return "The backup window and maintenance window must not overlap."
        return None

    return _started(mock.patch.object(models, "valid_preferred_maintenance_window", validate))


GP3_BASELINE_LIMIT_GB = 400
GP3_BASELINE_IOPS = 3000
GP3_BASELINE_THROUGHPUT = 125


def _gp3_baseline() -> list:
    """AWS: a gp3 volume under 400 GB reports its baseline, Iops 3000 and StorageThroughput 125.

    moto reports neither, and amazon.aws.rds_instance then fails on its second run (amazon.aws#2670).
    """
    from moto.rds.models import DBInstance

    def under_baseline_limit(instance) -> bool:
        return getattr(instance, "storage_type", None) == "gp3" and int(instance.allocated_storage or 0) < GP3_BASELINE_LIMIT_GB

    original_throughput = DBInstance.storage_throughput

    def get_iops(self):
        value = self.__dict__.get("_patched_iops")
        if value is None and under_baseline_limit(self):
            return GP3_BASELINE_IOPS
        return value

    def set_iops(self, value):
        self.__dict__["_patched_iops"] = value

    def get_throughput(self):
        value = original_throughput.fget(self)
        if value is None and under_baseline_limit(self):
            return GP3_BASELINE_THROUGHPUT
        return value

    return _started(
        mock.patch.object(DBInstance, "iops", property(get_iops, set_iops), create=True),
        mock.patch.object(DBInstance, "storage_throughput", property(get_throughput, original_throughput.fset)),
    )


def _nat_gateway_deletion_frees_eip() -> list:
    """AWS: deleting a NAT gateway disassociates its Elastic IP, which can then be reused or released.

    moto marks the gateway deleted but leaves the Elastic IP associated with it.
    """
    from moto.ec2.models.nat_gateways import NatGatewayBackend

    original = NatGatewayBackend.delete_nat_gateway

    def delete_nat_gateway(self, nat_gateway_id: str):
        gateway = original(self, nat_gateway_id)
        for address in gateway.address_set:
            for eip in self.address_by_allocation([address["allocationId"]]) if address.get("allocationId") else []:
                if eip.eni is gateway._eni:
                    self.disassociate_address(association_id=eip.association_id)
        return gateway

    return _started(mock.patch.object(NatGatewayBackend, "delete_nat_gateway", delete_nat_gateway))


def _nat_gateway_tag_filters() -> list:
    """AWS: DescribeNatGateways honours tag:<key> and tag-key filters.

    moto ignores them and answers every NAT gateway of the region, so a teardown that looks its gateways up by
    tag would delete other environments' gateways on the emulator.
    """
    from moto.ec2.models.nat_gateways import NatGatewayBackend
    from moto.ec2.utils import tag_filter_matches

    original = NatGatewayBackend.describe_nat_gateways

    def describe_nat_gateways(self, filters, nat_gateway_ids):
        gateways = original(self, filters, nat_gateway_ids)
        for name, values in (filters or {}).items():
            if name.startswith("tag:") or name == "tag-key":
                gateways = [g for g in gateways if tag_filter_matches(g, name, values)]
        return gateways

    return _started(mock.patch.object(NatGatewayBackend, "describe_nat_gateways", describe_nat_gateways))


# What DescribeLoadBalancerAttributes reports for a new Application Load Balancer on AWS.
ALB_DEFAULT_ATTRIBUTES = {
    "access_logs.s3.enabled": "false",
    "idle_timeout.timeout_seconds": "60",
    "client_keep_alive.seconds": "3600",
    "load_balancing.cross_zone.enabled": "true",
    "routing.http2.enabled": "true",
    "routing.http.desync_mitigation_mode": "defensive",
    "routing.http.drop_invalid_header_fields.enabled": "false",
    "routing.http.preserve_host_header.enabled": "false",
    "routing.http.x_amzn_tls_version_and_cipher_suite.enabled": "false",
    "routing.http.xff_client_port.enabled": "false",
    "routing.http.xff_header_processing.mode": "append",
    "waf.fail_open.enabled": "false",
}


def _alb_default_attributes() -> list:
    """AWS: an Application Load Balancer reports all its attributes, with their defaults, from creation on.

    moto reports only a few until they are set, and amazon.aws.elb_application_lb then fails with KeyError on
    routing_http_drop_invalid_header_fields_enabled. moto also reports cross-zone load balancing off, which an ALB
    cannot be.
    """
    from moto.elbv2.models import FakeLoadBalancer

    original = FakeLoadBalancer.__init__

    def __init__(self, *args, **kwargs):
        original(self, *args, **kwargs)
        if self.type == "application":
            self.attrs.update({k: v for k, v in ALB_DEFAULT_ATTRIBUTES.items() if k not in self.attrs or k.startswith("load_balancing.")})

    return _started(mock.patch.object(FakeLoadBalancer, "__init__", __init__))


# CreateService request fields that moto accepts but does not keep -> the Service attribute UpdateService sets.
ECS_SERVICE_CREATE_FIELDS = {
    "deploymentConfiguration": "deployment_configuration",
    "healthCheckGracePeriodSeconds": "health_check_grace_period_seconds",
    "enableExecuteCommand": "enable_execute_command",
}


def _ecs_create_service_keeps_settings() -> list:
    """AWS: a service keeps what CreateService was given: deploymentConfiguration (circuit breaker, minimum
    healthy and maximum percent), healthCheckGracePeriodSeconds and enableExecuteCommand (false when not given).

    moto drops all three on create (UpdateService keeps them) and reports enableExecuteCommand as null, so
    community.aws.ecs_service sees a difference and updates the service on every run.
    """
    from moto.ecs.responses import EC2ContainerServiceResponse

    original = EC2ContainerServiceResponse.create_service

    def create_service(self):
        result = original(self)
        service = result.result["service"]
        for field, attribute in ECS_SERVICE_CREATE_FIELDS.items():
            value = self._get_param(field)
            if value is not None:
                setattr(service, attribute, value)
        if getattr(service, "enable_execute_command", None) is None:
            service.enable_execute_command = False
        return result

    return _started(mock.patch.object(EC2ContainerServiceResponse, "create_service", create_service))


PATCHES: tuple[Patch, ...] = (
    Patch("iam_managed_policies", "AWS managed IAM policies exist in every account", _load_iam_managed_policies),
    Patch("rds_adjacent_windows", "adjacent RDS backup and maintenance windows are accepted", _adjacent_rds_windows),
    Patch("rds_gp3_baseline", "gp3 RDS volumes under 400 GB report baseline Iops and StorageThroughput", _gp3_baseline),
    Patch("nat_gateway_frees_eip", "a deleted NAT gateway leaves its Elastic IP unassociated", _nat_gateway_deletion_frees_eip),
    Patch("nat_gateway_tag_filters", "DescribeNatGateways filters by tags", _nat_gateway_tag_filters),
    Patch("alb_default_attributes", "a new ALB reports all its attributes with AWS's defaults", _alb_default_attributes),
    Patch("ecs_create_service_keeps_settings", "CreateService keeps the deployment configuration, grace period and ECS Exec",
          _ecs_create_service_keeps_settings),
)


def apply(skip: tuple[str, ...] = ()) -> list:
    """Apply every patch not named in ``skip``; return the patchers so a caller can stop them."""
    unknown = set(skip) - {p.name for p in PATCHES}
    if unknown:
        raise ValueError(f"unknown patches: {sorted(unknown)}")
    started: list = []
    for patch in PATCHES:
        if patch.name not in skip:
            started.extend(patch.apply())
    return started


def revert(patchers: list) -> None:
    for patcher in reversed(patchers):
        patcher.stop()
