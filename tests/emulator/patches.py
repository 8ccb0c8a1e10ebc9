"""Fidelity patches: where moto answers differently from AWS, restore what AWS does.

Each patch names the AWS behaviour it restores. The roles are written for AWS; these patches make the
emulator answer the way AWS would, so that the same roles work unchanged on both. Every patch has a test
in ``tests/unit/emulator/`` that fails without it.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from unittest import mock

from tests.emulator import realism

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


# Where a deployment's rollout started, on the emulator's clock (realism.now()); not part of AWS's answer.
ECS_STARTED = "_started"
# Why a deployment's tasks fail to start, set by realistic mode; such a deployment never completes here.
ECS_FAILS = "_fails"


def ecs_rollout_failure(backend: Any, service: Any, deployment: dict) -> str | None:
    """Why the tasks of a deployment that starts now will fail to start, or None: here they always start.

    Realistic mode replaces this (tests.emulator.realism.ecs) to fail rollouts on request or with new IAM roles.
    """
    return None


def _ecs_begin(backend: Any, service: Any, deployment: dict) -> None:
    deployment[ECS_STARTED] = realism.now()
    reason = ecs_rollout_failure(backend, service, deployment)
    if reason:
        deployment[ECS_FAILS] = reason


def start_ecs_deployment(backend: Any, service: Any) -> dict:
    """Start a new PRIMARY deployment of the service's task definition. The previous deployments that still have
    running tasks stay, ACTIVE; the others are gone (AWS: ACTIVE means "still has running tasks")."""
    from moto.core.utils import utcnow
    from moto.moto_api._internal import mock_random

    previous = next((d for d in service.deployments if d["status"] == "PRIMARY"), {})
    service.deployments[:] = [d for d in service.deployments if d["runningCount"] > 0]
    for deployment in service.deployments:
        if deployment["status"] == "PRIMARY":
            deployment["status"] = "ACTIVE"
    identifier = f"ecs-svc/{mock_random.randint(10**18, 10**19 - 1)}"
    now = utcnow()
    deployment = {key: value for key, value in previous.items() if not key.startswith("_")}
    deployment.update(id=identifier, status="PRIMARY", taskDefinition=service.task_definition,
                      desiredCount=service.desired_count, pendingCount=service.desired_count, runningCount=0,
                      failedTasks=0, createdAt=now, updatedAt=now, rolloutState="IN_PROGRESS",
                      rolloutStateReason=f"ECS deployment {identifier} in progress.")
    if service.network_configuration:
        deployment["networkConfiguration"] = service.network_configuration
    service.deployments.insert(0, deployment)
    _ecs_begin(backend, service, deployment)
    return deployment


def _ecs_set_counts(backend: Any, service: Any, running: int, pending: int) -> None:
    """Set the service's task counts, and the cluster's by the same difference (moto keeps both)."""
    cluster = backend.clusters.get(service.cluster_name)
    if cluster is not None:
        backend.update_cluster_resources(cluster, running - service.running_count, task_state="RUNNING")
        backend.update_cluster_resources(cluster, pending - service.pending_count, task_state="PENDING")
    service.running_count, service.pending_count = running, pending


def settle_ecs_service(backend: Any, service: Any) -> None:
    """Bring an ACTIVE service's deployments up to the emulator's clock.

    A PRIMARY deployment whose tasks start (no ECS_FAILS) is COMPLETED once duration('ecs_rollout') has passed since
    it started (at once unless realistic mode is on): runningCount == desiredCount, and the older deployments are gone.
    The service counts the tasks of all its deployments. Realistic mode wraps this to fail deployments.
    """
    from moto.core.utils import utcnow

    if service.status != "ACTIVE" or not service.deployments:
        return
    with realism.STATE.lock:
        primary = next((d for d in service.deployments if d["status"] == "PRIMARY"), None)
        if primary is None:
            return
        primary["desiredCount"] = service.desired_count
        due = realism.elapsed(primary.get(ECS_STARTED, float("-inf")), "ecs_rollout")
        if primary["rolloutState"] == "IN_PROGRESS" and not primary.get(ECS_FAILS) and due:
            primary.update(rolloutState="COMPLETED", rolloutStateReason=f"ECS deployment {primary['id']} completed.",
                           updatedAt=utcnow())
            service.deployments[:] = [primary]
        if primary["rolloutState"] == "COMPLETED":
            primary.update(runningCount=service.desired_count, pendingCount=0)
        _ecs_set_counts(backend, service, sum(d["runningCount"] for d in service.deployments),
                        sum(d["pendingCount"] for d in service.deployments))


def _ecs_deployments_complete() -> list:
    """AWS: a deployment whose tasks start reaches rolloutState COMPLETED, with runningCount == desiredCount, and
    the deployments it replaced are gone. CreateService starts a deployment; so does UpdateService with a new task
    definition or forceNewDeployment (the service then reports the task definition's full ARN).
    https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Deployment.html,
    https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html

    moto reports rolloutState IN_PROGRESS with runningCount 0 forever (unless MOTO_ECS_SERVICE_RUNNING is set),
    keeps the first deployment's task definition after UpdateService, and stores the task definition as given.
    Here a deployment completes once duration('ecs_rollout') has passed: at once, unless realistic mode is on.
    """
    from moto.ecs.models import EC2ContainerServiceBackend

    backend_class = EC2ContainerServiceBackend
    create_original = backend_class.create_service
    update_original = backend_class.update_service
    describe_original = backend_class.describe_services
    delete_original = backend_class.delete_service

    def create_service(self: Any, *args: Any, **kwargs: Any) -> Any:
        service = create_original(self, *args, **kwargs)
        if service.deployments:
            _ecs_begin(self, service, service.deployments[0])
        settle_ecs_service(self, service)
        return service

    def update_service(self: Any, service_properties: dict) -> Any:
        current = self._get_service(service_properties.get("cluster", "default"), service_properties["service"].split("/")[-1])
        settle_ecs_service(self, current)
        before = current.task_definition
        force = service_properties.pop("force_new_deployment", False)  # moto would rewrite the PRIMARY deployment
        service = update_original(self, service_properties)
        if service.task_definition:
            service.task_definition = self.describe_task_definition(service.task_definition).arn
        if service.deployments and (force or service.task_definition != before):
            start_ecs_deployment(self, service)
        settle_ecs_service(self, service)
        return service

    def describe_services(self: Any, *args: Any, **kwargs: Any) -> tuple[list, list]:
        services, failures = describe_original(self, *args, **kwargs)
        for service in services:
            settle_ecs_service(self, service)
        return services, failures

    def delete_service(self: Any, cluster_name: str, service_name: str, force: bool) -> Any:
        settle_ecs_service(self, self._get_service(cluster_name, service_name))
        return delete_original(self, cluster_name, service_name, force)

    return _started(
        mock.patch.object(backend_class, "create_service", create_service),
        mock.patch.object(backend_class, "update_service", update_service),
        mock.patch.object(backend_class, "describe_services", describe_services),
        mock.patch.object(backend_class, "delete_service", delete_service),
    )


# PostgreSQL versions that RDS offers for new instances (2026): the minors of 15, 16 and 17 that are still in
# standard support. From May 2026 RDS no longer creates instances on 15.9-15.12, 16.5-16.8 or 17.1-17.4 (their
# end of standard support is 31 May 2026; older minors were retired before). Sources: "Release calendars for
# Amazon RDS for PostgreSQL" and "Amazon RDS for PostgreSQL updates":
# https://docs.aws.amazon.com/AmazonRDS/latest/PostgreSQLReleaseNotes/postgresql-release-calendar.html
# https://docs.aws.amazon.com/AmazonRDS/latest/PostgreSQLReleaseNotes/postgresql-versions.html
RDS_POSTGRES_VERSIONS = ("15.13", "15.14", "15.15", "16.9", "16.10", "16.11", "17.5", "17.6", "17.7")


def _major(version: str) -> str:
    return version.split(".")[0]


def _order(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def rds_engine_versions(engine: str | None, version: str | None, default_only: bool) -> list[dict]:
    """What DescribeDBEngineVersions answers for these filters (postgres only; other engines: none).

    A version without a dot ("15") stands for its major version. The default of a major version is its newest
    minor, and the engine's default is the newest version offered (inferred: AWS documents that a default exists,
    not which one it is).
    """
    if engine not in (None, "postgres"):
        return []
    versions = [v for v in RDS_POSTGRES_VERSIONS
                if not version or v == version or ("." not in version and _major(v) == version)]
    if default_only and versions:
        versions = [max(versions, key=_order)]
    return [{
        "Engine": "postgres",
        "MajorEngineVersion": _major(v),
        "EngineVersion": v,
        "DBParameterGroupFamily": f"postgres{_major(v)}",
        "DBEngineDescription": "PostgreSQL",
        "DBEngineVersionDescription": f"PostgreSQL {v}-R1",
        "Status": "available",
        "ExportableLogTypes": ["postgresql", "upgrade"],
        "SupportsLogExportsToCloudwatchLogs": True,
        "SupportsReadReplica": True,
        "ValidUpgradeTarget": [{"Engine": "postgres", "EngineVersion": t, "Description": f"PostgreSQL {t}-R1",
                                "AutoUpgrade": False, "IsMajorVersionUpgrade": False}
                               for t in RDS_POSTGRES_VERSIONS if _major(t) == _major(v) and _order(t) > _order(v)],
    } for v in versions]


def _rds_engine_versions() -> list:
    """AWS: DescribeDBEngineVersions lists the engine versions RDS offers for new instances; a role can check its
    pinned PostgreSQL version read-only. https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeDBEngineVersions.html

    moto 5.2.5 does not implement the action: NotImplementedError in process, HTTP 500 from the server.
    Here it answers RDS_POSTGRES_VERSIONS (see there for the AWS sources).
    """
    from moto.core.responses import ActionResult
    from moto.rds.responses import RDSResponse

    def describe_db_engine_versions(self) -> ActionResult:
        found = rds_engine_versions(self.params.get("Engine"), self.params.get("EngineVersion"),
                                    bool(self.params.get("DefaultOnly")))
        return ActionResult({"DBEngineVersions": found})

    return _started(mock.patch.object(RDSResponse, "describe_db_engine_versions", describe_db_engine_versions, create=True))


# The engine default parameters a new PostgreSQL DB parameter group starts with, as DescribeDBParameters lists them:
# only those the roles set (rds.force_ssl), not the whole list of several hundred. rds.force_ssl is off by default
# up to PostgreSQL 15 and on from 16. https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/PostgreSQL.Concepts.General.SSL.html
def postgres_engine_defaults(family: str | None) -> dict[str, dict[str, Any]]:
    match = re.fullmatch(r"postgres([0-9]+)", family or "")
    if not match:
        return {}
    return {"rds.force_ssl": {
        "ParameterName": "rds.force_ssl", "ParameterValue": "1" if int(match.group(1)) >= 16 else "0",
        "Description": "Force SSL connections.", "Source": "engine-default", "ApplyType": "dynamic",
        "DataType": "boolean", "AllowedValues": "0,1", "IsModifiable": True, "ApplyMethod": "pending-reboot",
    }}


def _rds_parameter_groups() -> list:
    """AWS: a new DB parameter group lists its family's engine default parameters (DescribeDBParameters), and a
    modified one reports Source "user"; DescribeDBParameterGroups of a name that does not exist fails with
    DBParameterGroupNotFound. https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeDBParameterGroups.html

    moto 5.2.5 starts every group empty, so amazon.aws.rds_instance_param_group reports a parameter it sets as
    unknown and never sets it; and it answers an unknown name with an empty list, on which that module fails with
    IndexError. Here a postgres group starts with postgres_engine_defaults, and an unknown name is an error.
    """
    from moto.rds.exceptions import DBParameterGroupNotFoundError
    from moto.rds.models import DBParameterGroup, RDSBackend

    init_original = DBParameterGroup.__init__
    update_original = DBParameterGroup.update_parameters
    describe_original = RDSBackend.describe_db_parameter_groups

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        init_original(self, *args, **kwargs)
        for name, parameter in postgres_engine_defaults(self.family).items():
            self.parameters[name].update(parameter)

    def update_parameters(self: Any, new_parameters: Any) -> None:
        new_parameters = list(new_parameters)
        update_original(self, new_parameters)
        for parameter in new_parameters:
            self.parameters[parameter["ParameterName"]]["Source"] = "user"

    def describe_db_parameter_groups(self: Any, kwargs: dict[str, Any]) -> list:
        found = describe_original(self, kwargs)
        if kwargs.get("db_parameter_group_name") and not found:
            raise DBParameterGroupNotFoundError(kwargs["db_parameter_group_name"])
        return found

    return _started(mock.patch.object(DBParameterGroup, "__init__", init),
                    mock.patch.object(DBParameterGroup, "update_parameters", update_parameters),
                    mock.patch.object(RDSBackend, "describe_db_parameter_groups", describe_db_parameter_groups))


def _ssm_create_parameter_atomic() -> list:
    """AWS: PutParameter without Overwrite creates the parameter only if none of that name exists, and otherwise fails
    with ParameterAlreadyExists, so of concurrent creates of one name exactly one succeeds (hasura_blog.aws.deploy_lock
    relies on it). https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html

    moto looks for an existing parameter and appends the new one in two steps, without a lock, and the emulator serves
    requests on threads: two creates that interleave both succeed, and both callers believe they hold the lock.
    Here the writes to parameters (PutParameter, DeleteParameter, DeleteParameters) run one at a time.
    """
    import threading

    from moto.ssm.models import SimpleSystemManagerBackend

    lock = threading.RLock()

    def serialised(original):
        def write(self, *args, **kwargs):
            with lock:
                return original(self, *args, **kwargs)
        return write

    backend = SimpleSystemManagerBackend
    return _started(*(mock.patch.object(backend, name, serialised(getattr(backend, name)))
                      for name in ("put_parameter", "delete_parameter", "delete_parameters")))


def _ecs_latest_active_task_definition() -> list:
    """AWS: DescribeTaskDefinition of a family without a revision describes the family's latest ACTIVE revision, and
    fails with ClientException ("Unable to describe task definition.") when the family has none; a deregistered
    (INACTIVE) revision is still described when it is named with its revision.
    https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeTaskDefinition.html

    moto describes the family's last revision, INACTIVE or not: after a deregistration, a comparison with "the latest"
    revision compares with one that no service can run.
    """
    from moto.ecs.exceptions import TaskDefinitionNotFoundException
    from moto.ecs.models import EC2ContainerServiceBackend

    original = EC2ContainerServiceBackend.describe_task_definition

    def describe_task_definition(self: Any, task_definition_str: str) -> Any:
        name = task_definition_str.split("/")[-1]
        if ":" in name:
            return original(self, task_definition_str)
        active = [revision for revision, definition in self.task_definitions.get(name, {}).items() if definition.status == "ACTIVE"]
        if not active:
            raise TaskDefinitionNotFoundException()
        return self.task_definitions[name][max(active)]

    return _started(mock.patch.object(EC2ContainerServiceBackend, "describe_task_definition", describe_task_definition))


# Who writes an Application Load Balancer's access logs, per region: the Elastic Load Balancing account of the regions
# opened before August 2022, the log delivery service elsewhere.
# https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
ELB_LOG_ACCOUNTS = {"us-east-1": "127311923021", "us-east-2": "033677994240", "us-west-1": "027434742980",
                    "us-west-2": "797873946194", "eu-west-1": "156460612806", "eu-central-1": "054676820928"}
ELB_LOG_SERVICE = "logdelivery.elasticloadbalancing.amazonaws.com"


def access_logs_denial(bucket: str, prefix: str, account: str, region: str, exists: bool, policy: str | None) -> str | None:
    """Why AWS refuses to turn on an ALB's access logs to ``bucket``/``prefix``, or None: the bucket must exist and
    its policy must allow s3:PutObject on <bucket>/<prefix>/AWSLogs/<account>/ to the region's writer (ELB's
    account, or the log delivery service), as AWS checks by writing a test object."""
    if not exists:
        return f"The specified bucket does not exist: {bucket}"
    key = f"arn:aws:s3:::{bucket}/{prefix + '/' if prefix else ''}AWSLogs/{account}/test"
    writers = {f"arn:aws:iam::{ELB_LOG_ACCOUNTS[region]}:root", ELB_LOG_ACCOUNTS[region]} if region in ELB_LOG_ACCOUNTS else set()
    statements = json.loads(policy).get("Statement", []) if policy else []
    for statement in statements if isinstance(statements, list) else [statements]:
        principal = statement.get("Principal") or {}
        names = set()
        for kind in ("AWS", "Service"):
            value = principal.get(kind, []) if isinstance(principal, dict) else []
            names |= set([value] if isinstance(value, str) else value)
        actions = statement.get("Action", [])
        actions = [actions] if isinstance(actions, str) else actions
        resources = statement.get("Resource", [])
        resources = [resources] if isinstance(resources, str) else resources
        if (statement.get("Effect") == "Allow" and names & (writers | {ELB_LOG_SERVICE})
                and any(fnmatch.fnmatchcase("s3:PutObject", action) for action in actions)
                and any(fnmatch.fnmatchcase(key, resource) for resource in resources)):
            return None
    return f"Access Denied for bucket: {bucket}. Please check S3bucket permission"


def _alb_access_logs_bucket_check() -> list:
    """AWS: ModifyLoadBalancerAttributes with access_logs.s3.enabled=true fails (InvalidConfigurationRequest) unless the
    bucket exists and its policy lets the region's log writer put objects under <prefix>/AWSLogs/<account>/.

    moto accepts any bucket name, so a role that turns logging on before the bucket and its policy are right passed.
    """
    from moto.elbv2.exceptions import InvalidConfigurationRequest
    from moto.elbv2.models import ELBv2Backend
    from moto.s3.models import s3_backends

    original = ELBv2Backend.modify_load_balancer_attributes

    def modify_load_balancer_attributes(self: Any, arn: str, attrs: dict[str, Any]) -> Any:
        merged = {**(self.load_balancers[arn].attrs if arn in self.load_balancers else {}), **attrs}
        if str(merged.get("access_logs.s3.enabled", "false")).lower() == "true":
            bucket_name = merged.get("access_logs.s3.bucket", "")
            bucket = s3_backends[self.account_id]["aws"].buckets.get(bucket_name)
            policy = bucket.policy.decode() if bucket is not None and isinstance(bucket.policy, bytes) else getattr(bucket, "policy", None)
            denial = access_logs_denial(bucket_name, merged.get("access_logs.s3.prefix", ""), self.account_id,
                                        self.region_name, bucket is not None, policy)
            if denial:
                raise InvalidConfigurationRequest(denial)
        return original(self, arn, attrs)

    return _started(mock.patch.object(ELBv2Backend, "modify_load_balancer_attributes", modify_load_balancer_attributes))


# The IAM action AWS authorizes an S3 bucket request with, where moto's ACTION_MAP names another (or none: an
# unlisted subresource counts as its method's default, GET ?encryption as ListBucket, PUT ?ownershipControls as
# CreateBucket). https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html
S3_BUCKET_ACTIONS = {
    "HEAD": {"DEFAULT": "ListBucket"},
    "GET": {"encryption": "GetEncryptionConfiguration", "ownershipControls": "GetBucketOwnershipControls",
            "publicAccessBlock": "GetBucketPublicAccessBlock", "public_access_block": "GetBucketPublicAccessBlock",
            "requestPayment": "GetBucketRequestPayment", "object-lock": "GetBucketObjectLockConfiguration",
            "inventory": "GetInventoryConfiguration"},
    "PUT": {"encryption": "PutEncryptionConfiguration", "ownershipControls": "PutBucketOwnershipControls",
            "publicAccessBlock": "PutBucketPublicAccessBlock", "public_access_block": "PutBucketPublicAccessBlock",
            "requestPayment": "PutBucketRequestPayment", "object-lock": "PutBucketObjectLockConfiguration",
            "inventory": "PutInventoryConfiguration"},
    "DELETE": {"encryption": "PutEncryptionConfiguration", "ownershipControls": "PutBucketOwnershipControls",
               "publicAccessBlock": "PutBucketPublicAccessBlock", "public_access_block": "PutBucketPublicAccessBlock",
               "inventory": "PutInventoryConfiguration"},
}


def _s3_iam_action_names() -> list:
    """AWS: an S3 bucket request is authorized with the IAM action S3's documentation names for it (HeadBucket with
    s3:ListBucket, GetBucketEncryption with s3:GetEncryptionConfiguration, PutPublicAccessBlock with
    s3:PutBucketPublicAccessBlock, ...), so a policy that grants those actions lets the request through.

    moto, with IAM enforcement on, checks some bucket requests against names that are not IAM actions (s3:HeadBucket,
    s3:GetPublicAccessBlock) or against the wrong action: a deployer policy written for AWS was denied there.
    """
    from moto.s3.responses import ACTION_MAP

    return _started(*(mock.patch.dict(ACTION_MAP["BUCKET"][method], names) for method, names in S3_BUCKET_ACTIONS.items()))


def without_insecure_transport_denials(policy: str) -> str:
    """The bucket policy without its statements that deny only requests made without TLS (a Bool condition on
    aws:SecureTransport false and nothing else): they never match a request an SDK sends to AWS."""
    document = json.loads(policy)
    statements = document.get("Statement", [])
    statements = statements if isinstance(statements, list) else [statements]

    def insecure_only(statement: dict) -> bool:
        condition = statement.get("Condition") or {}
        return (statement.get("Effect") == "Deny" and list(condition) == ["Bool"]
                and {key.lower(): str(value).lower() for key, value in condition["Bool"].items()} == {"aws:securetransport": "false"})

    return json.dumps({**document, "Statement": [st for st in statements if not insecure_only(st)]})


def _s3_requests_are_tls() -> list:
    """AWS: an SDK request reaches S3 over TLS, so a bucket policy that denies requests without TLS
    (aws:SecureTransport false, FSBP S3.5) lets it through.

    moto evaluates bucket policies without their conditions, so such a statement denied every object request (403),
    and the emulator listens on plain HTTP. Here those statements are left out of the evaluation, as a TLS request
    never matches them.
    """
    from moto.s3.models import FakeBucket

    original = FakeBucket.get_permission

    def get_permission(self: Any, action: str, resource: str) -> Any:
        if self.policy is None:
            return original(self, action, resource)
        kept = self.policy
        try:
            self.policy = without_insecure_transport_denials(self.policy.decode()).encode()
            return original(self, action, resource)
        finally:
            self.policy = kept

    return _started(mock.patch.object(FakeBucket, "get_permission", get_permission))


def _wafv2_resources_for_web_acl() -> list:
    """AWS: ListResourcesForWebACL lists the load balancers a regional web ACL protects; deleting a load balancer
    ends its association; DeleteWebACL of a web ACL that still protects one is refused (WAFAssociatedItemException).
    https://docs.aws.amazon.com/waf/latest/APIReference/API_ListResourcesForWebACL.html

    moto 5.2.5 does not implement ListResourcesForWebACL (HTTP 500 from the server, so community.aws.wafv2_resources
    fails), keeps the association of a deleted load balancer, and deletes an associated web ACL.
    """
    from moto.core.exceptions import JsonRESTError
    from moto.elbv2.models import elbv2_backends
    from moto.wafv2.models import WAFV2Backend
    from moto.wafv2.responses import WAFV2Response

    def existing(backend: Any, arns: list[str]) -> list[str]:
        balancers = elbv2_backends[backend.account_id][backend.region_name].load_balancers \
            if backend.region_name in elbv2_backends[backend.account_id] else {}
        return [arn for arn in arns if ":elasticloadbalancing:" not in arn or arn in balancers]

    def list_resources_for_web_acl(self: Any) -> Any:
        body = json.loads(self.body)
        acl = self.wafv2_backend.get_web_acl(body["WebACLArn"], None, None)
        return 200, {"Content-Type": "application/json"}, json.dumps(
            {"ResourceArns": existing(self.wafv2_backend, acl.associated_resources)})

    original_delete = WAFV2Backend.delete_web_acl

    def delete_web_acl(self: Any, name: str, scope: str, _id: str, lock_token: str) -> None:
        for acl in self.wacls.values():
            if acl.name == name and acl.id == _id and existing(self, acl.associated_resources):
                raise JsonRESTError("WAFAssociatedItemException",
                                    "AWS WAF couldn't perform the operation because your resource is being used by another "
                                    "resource or it's associated with another resource.")
        return original_delete(self, name, scope, _id, lock_token)

    return _started(mock.patch.object(WAFV2Response, "list_resources_for_web_acl", list_resources_for_web_acl, create=True),
                    mock.patch.object(WAFV2Backend, "delete_web_acl", delete_web_acl))


def _sts_caller_is_an_iam_user() -> list:
    """AWS: GetCallerIdentity's Arn is an IAM user's (arn:aws:iam::<account>:user/<name>), a role session's
    (arn:aws:sts::<account>:assumed-role/<role>/<session>) or the root user's: what a resource policy's
    aws:PrincipalArn is built from.

    moto answers the keys of no IAM user (the emulator's dummy keys) with arn:aws:sts::<account>:user/moto, a form AWS
    never returns. Here that identity is the IAM user moto of the account.
    """
    from moto.sts.models import STSBackend

    original = STSBackend.get_caller_identity

    def get_caller_identity(self: Any, access_key_id: str, region: str) -> Any:
        user_id, arn, account = original(self, access_key_id, region)
        return user_id, re.sub(r"^arn:([^:]+):sts::(\d{12}):user/", r"arn:\1:iam::\2:user/", arn), account

    return _started(mock.patch.object(STSBackend, "get_caller_identity", get_caller_identity))


def resolves(account: str, name: str, kind: str, value: str) -> bool:
    """Whether a public hosted zone of the emulator's Route53 holds the record ``name`` of type ``kind`` with
    ``value``: what ACM finds when it looks the validation record up in DNS (names compare without case or the
    trailing dot)."""
    from moto.route53.models import route53_backends

    def norm(text: str) -> str:
        return text.rstrip(".").lower()

    for zone in route53_backends[account]["global"].zones.values():
        if zone.private_zone or not (norm(name) == norm(zone.name) or norm(name).endswith("." + norm(zone.name))):
            continue
        for record in zone.rrsets:
            if norm(record.name) == norm(name) and record.type == kind and \
                    any(norm(str(item)) == norm(value) for item in record.records or []):
                return True
    return False


# Certificate ARN -> when the load balancer that used it was deleted (a now() value): ACM counts it in use a while.
RELEASED_CERTIFICATES: dict[str, float] = {}


def _acm_dns_validation() -> list:
    """AWS: ACM publishes a DNS-validated certificate's validation records a few seconds after RequestCertificate, and
    issues the certificate only once every record resolves (minutes later); until then it is PENDING_VALIDATION.
    ELBv2 refuses a listener with a certificate that is not issued (UnsupportedCertificate). DescribeCertificate's
    InUseBy lists the load balancers whose listeners use it, and DeleteCertificate of a certificate in use fails
    (ResourceInUseException), also for a while after the load balancer is deleted.
    https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html
    https://docs.aws.amazon.com/acm/latest/APIReference/API_DeleteCertificate.html

    A listener modified from HTTPS to HTTP drops its certificates and TLS policy.

    moto issues every requested certificate 60 s after the request whatever DNS holds, describes its records at once,
    accepts any certificate that exists on a listener, keeps the certificates of a listener modified to HTTP, never
    clears InUseBy and deletes a certificate in use. The
    times come from realistic mode (acm_records_pending, acm_validating, alb_deleting); in the instant mode they are 0.
    """
    from moto import settings
    from moto.acm.models import AWSCertificateManagerBackend, CertBundle
    from moto.core.exceptions import JsonRESTError
    from moto.elbv2.exceptions import ELBClientError
    from moto.elbv2.models import ELBv2Backend, elbv2_backends

    original_describe = CertBundle.describe
    original_get = AWSCertificateManagerBackend.get_certificate
    original_delete = AWSCertificateManagerBackend.delete_certificate
    original_request = AWSCertificateManagerBackend.request_certificate
    original_create_listener = ELBv2Backend.create_listener
    original_modify_listener = ELBv2Backend.modify_listener
    original_delete_balancer = ELBv2Backend.delete_load_balancer

    def users(backend: Any, arn: str) -> list[str]:
        elbv2 = elbv2_backends[backend.account_id][backend.region_name] if backend.region_name in elbv2_backends[backend.account_id] else None
        using = sorted({balancer.arn for balancer in (elbv2.load_balancers.values() if elbv2 else [])
                        for listener in balancer.listeners.values() if arn in (listener.certificates or [])})
        released = RELEASED_CERTIFICATES.get(arn)
        return using or (["(a deleted load balancer)"] if released is not None and not realism.elapsed(released, "alb_deleting") else [])

    def request_certificate(self: Any, *args: Any, **kwargs: Any) -> str:
        arn = original_request(self, *args, **kwargs)
        certificate = self._certificates[arn]
        certificate.__dict__.setdefault("_requested", realism.now())
        return arn

    def get_certificate(self: Any, arn: str) -> Any:
        certificate = original_get(self, arn)
        certificate.in_use_by = users(self, arn)
        requested = certificate.__dict__.get("_requested")
        if requested is not None and certificate.status == "PENDING_VALIDATION":
            records = [option["ResourceRecord"] for option in original_describe(certificate)["Certificate"]["DomainValidationOptions"]]
            if realism.elapsed(requested, "acm_records_pending") and all(
                    resolves(self.account_id, record["Name"], record["Type"], record["Value"]) for record in records):
                certificate.__dict__.setdefault("_resolved", realism.now())
                if realism.elapsed(certificate.__dict__["_resolved"], "acm_validating"):
                    certificate.status = "ISSUED"
        return certificate

    def describe(self: Any) -> dict[str, Any]:
        result = original_describe(self)
        requested = self.__dict__.get("_requested")
        if requested is not None and not realism.elapsed(requested, "acm_records_pending"):
            for option in result["Certificate"].get("DomainValidationOptions", []):
                option.pop("ResourceRecord", None)
        return result

    def delete_certificate(self: Any, arn: str) -> None:
        if arn in self._certificates and users(self, arn):
            raise JsonRESTError("ResourceInUseException", f"Certificate {arn} in use by {', '.join(users(self, arn))}")
        return original_delete(self, arn)

    def check_issued(backend: Any, arns: list[str]) -> None:
        from moto.acm.models import acm_backends

        for arn in arns:
            if ":acm:" not in arn:
                continue
            acm = acm_backends[backend.account_id][backend.region_name]
            if arn in acm._certificates and acm.get_certificate(arn).status != "ISSUED":
                raise ELBClientError("UnsupportedCertificate", f"The certificate '{arn}' must have a fully-qualified domain "
                                                               "name, a supported signature, and a supported key size.")

    def create_listener(self: Any, load_balancer_arn: str, protocol: str, port: str, ssl_policy: str,
                        certificate: str | None, *args: Any, **kwargs: Any) -> Any:
        check_issued(self, [certificate] if certificate else [])
        return original_create_listener(self, load_balancer_arn, protocol, port, ssl_policy, certificate, *args, **kwargs)

    def modify_listener(self: Any, arn: str, port: str | None = None, protocol: str | None = None,
                        ssl_policy: str | None = None, certificates: list[dict[str, Any]] | None = None,
                        actions: list[dict[str, Any]] | None = None) -> Any:
        check_issued(self, [cert["CertificateArn"] for cert in certificates or []])
        listener = original_modify_listener(self, arn, port, protocol, ssl_policy, certificates, actions)
        if listener.protocol in ("HTTP", "TCP", "UDP", "TCP_UDP"):
            # A listener modified to a protocol without TLS holds no certificate and no TLS policy any more.
            listener.certificate, listener.certificates, listener.ssl_policy = None, [], None
        return listener

    def delete_load_balancer(self: Any, arn: str) -> None:
        balancer = self.load_balancers.get(arn)
        since = realism.now()
        for listener in balancer.listeners.values() if balancer is not None else []:
            for certificate in listener.certificates or []:
                RELEASED_CERTIFICATES[certificate] = since
        return original_delete_balancer(self, arn)

    return _started(
        mock.patch.object(settings, "ACM_VALIDATION_WAIT", 10 ** 9),
        mock.patch.object(CertBundle, "describe", describe),
        mock.patch.object(AWSCertificateManagerBackend, "request_certificate", request_certificate),
        mock.patch.object(AWSCertificateManagerBackend, "get_certificate", get_certificate),
        mock.patch.object(AWSCertificateManagerBackend, "delete_certificate", delete_certificate),
        mock.patch.object(ELBv2Backend, "create_listener", create_listener),
        mock.patch.object(ELBv2Backend, "modify_listener", modify_listener),
        mock.patch.object(ELBv2Backend, "delete_load_balancer", delete_load_balancer),
    )


def _route53_signatures() -> list:
    """AWS: a Route53 request that SigV4 signs correctly is authenticated, also when it has no body (every GET and
    DELETE: ListHostedZones, ListResourceRecordSets, GetChange).

    moto's server, with IAM enforcement on, recomputes the signature of a bodiless Route53 request over the request's
    headers as if they were its form data, so every such request by a user failed with HTTP 403 and an empty error
    code. Here a request without a body is signed over an empty payload, as the SDK signed it.
    """
    from moto.iam.access_control import IAMRequestBase

    original = IAMRequestBase._create_aws_request

    def create_aws_request(self: Any) -> Any:
        if self._service == "route53" and not self._body:
            kept = self._data
            try:
                self._data = b""
                return original(self)
            finally:
                self._data = kept
        return original(self)

    return _started(mock.patch.object(IAMRequestBase, "_create_aws_request", create_aws_request))


PATCHES: tuple[Patch, ...] = (
    Patch("iam_managed_policies", "AWS managed IAM policies exist in every account", _load_iam_managed_policies),
    Patch("rds_adjacent_windows", "adjacent RDS backup and maintenance windows are accepted", _adjacent_rds_windows),
    Patch("rds_gp3_baseline", "gp3 RDS volumes under 400 GB report baseline Iops and StorageThroughput", _gp3_baseline),
    Patch("nat_gateway_frees_eip", "a deleted NAT gateway leaves its Elastic IP unassociated", _nat_gateway_deletion_frees_eip),
    Patch("nat_gateway_tag_filters", "DescribeNatGateways filters by tags", _nat_gateway_tag_filters),
    Patch("alb_default_attributes", "a new ALB reports all its attributes with AWS's defaults", _alb_default_attributes),
    Patch("s3_iam_action_names", "S3 bucket requests are authorized with the IAM actions AWS documents", _s3_iam_action_names),
    Patch("s3_requests_are_tls", "a bucket policy that denies requests without TLS lets SDK requests through",
          _s3_requests_are_tls),
    Patch("wafv2_resources_for_web_acl", "ListResourcesForWebACL lists the load balancers a web ACL protects",
          _wafv2_resources_for_web_acl),
    Patch("sts_caller_is_an_iam_user", "GetCallerIdentity names an IAM user, a role session or root, never sts:...:user/",
          _sts_caller_is_an_iam_user),
    Patch("route53_signatures", "a correctly signed Route53 request without a body is authenticated", _route53_signatures),
    Patch("acm_dns_validation", "ACM issues a certificate once its DNS validation records resolve; one in use is not deleted",
          _acm_dns_validation),
    Patch("alb_access_logs_bucket_check", "ALB access logs need a bucket whose policy lets the region's log writer put objects",
          _alb_access_logs_bucket_check),
    Patch("ecs_create_service_keeps_settings", "CreateService keeps the deployment configuration, grace period and ECS Exec",
          _ecs_create_service_keeps_settings),
    Patch("ecs_deployments_complete", "a deployment whose tasks start completes, with runningCount == desiredCount",
          _ecs_deployments_complete),
    Patch("ecs_latest_active_task_definition", "a family without a revision names its latest ACTIVE revision",
          _ecs_latest_active_task_definition),
    Patch("rds_engine_versions", "DescribeDBEngineVersions lists the PostgreSQL versions RDS offers", _rds_engine_versions),
    Patch("rds_parameter_groups", "a DB parameter group lists its engine defaults; an unknown one is DBParameterGroupNotFound",
          _rds_parameter_groups),
    Patch("ssm_create_parameter_atomic", "of concurrent PutParameter without overwrite for one name, exactly one succeeds",
          _ssm_create_parameter_atomic),
)


def start_named(items, skip: tuple[str, ...], kind: str) -> list:
    """Start every item (a Patch or a realism Behaviour) not named in ``skip``; return their patchers."""
    unknown = set(skip) - {item.name for item in items}
    if unknown:
        raise ValueError(f"unknown {kind}: {sorted(unknown)}")
    started: list = []
    for item in items:
        if item.name not in skip:
            started.extend(item.apply())
    return started


def apply(skip: tuple[str, ...] = ()) -> list:
    """Apply every patch not named in ``skip``; return the patchers so a caller can stop them."""
    return start_named(PATCHES, skip, "patches")


def revert(patchers: list) -> None:
    for patcher in reversed(patchers):
        patcher.stop()
