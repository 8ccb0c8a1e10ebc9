# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure logic over DescribeServices entries: which UpdateService fields of the ecs_service_settings module differ on a
service, and how far a service has rolled out a task definition. No AWS calls."""

from __future__ import annotations

from typing import Any


def desired_settings(deployment: dict[str, Any] | None, network: dict[str, Any] | None,
                     grace_period: int | None, task_definition: str | None = None,
                     desired_count: int | None = None) -> dict[str, Any]:
    """The module's options in the shape of UpdateService and DescribeServices. Options left unset are absent."""
    desired: dict[str, Any] = {}
    if task_definition:
        desired["taskDefinition"] = task_definition
    if desired_count is not None:
        desired["desiredCount"] = desired_count
    if deployment:
        config: dict[str, Any] = {}
        if deployment.get("minimum_healthy_percent") is not None:
            config["minimumHealthyPercent"] = deployment["minimum_healthy_percent"]
        if deployment.get("maximum_percent") is not None:
            config["maximumPercent"] = deployment["maximum_percent"]
        breaker = deployment.get("deployment_circuit_breaker")
        if breaker:
            config["deploymentCircuitBreaker"] = {"enable": breaker["enable"], "rollback": breaker["rollback"]}
        if config:
            desired["deploymentConfiguration"] = config
    if network:
        desired["networkConfiguration"] = {"awsvpcConfiguration": {
            "subnets": sorted(network["subnets"]),
            "securityGroups": sorted(network["security_groups"]),
            "assignPublicIp": "ENABLED" if network["assign_public_ip"] else "DISABLED",
        }}
    if grace_period is not None:
        desired["healthCheckGracePeriodSeconds"] = grace_period
    return desired


def _network(current: dict[str, Any]) -> dict[str, Any]:
    vpc = (current or {}).get("awsvpcConfiguration") or {}
    return {"awsvpcConfiguration": {
        "subnets": sorted(vpc.get("subnets") or []),
        "securityGroups": sorted(vpc.get("securityGroups") or []),
        "assignPublicIp": vpc.get("assignPublicIp") or "DISABLED",
    }}


def _overlay(have: Any, ours: Any) -> Any:
    """``ours`` laid over ``have``: dicts merged key by key at every depth, anything else replaced by ``ours``."""
    if isinstance(have, dict) and isinstance(ours, dict):
        return {**have, **{key: _overlay(have.get(key), value) for key, value in ours.items()}}
    return ours


def settings_to_update(desired: dict[str, Any], service: dict[str, Any]) -> dict[str, Any]:
    """The UpdateService fields of ``desired`` that differ from the service (one DescribeServices entry).

    Only what ``desired`` names is compared. The deployment configuration differs when one of the keys we set, at
    any depth, has another value; keys only AWS reports (the circuit breaker's resetOnHealthyTask and
    thresholdConfiguration, alarms, strategy, bake time) are not compared. It is sent whole, as UpdateService
    replaces it: the service's own fields are kept and ours are laid over them.
    """
    update: dict[str, Any] = {}
    if "taskDefinition" in desired and not _same_task_definition(service.get("taskDefinition") or "", desired["taskDefinition"]):
        update["taskDefinition"] = desired["taskDefinition"]
    if "desiredCount" in desired and service.get("desiredCount") != desired["desiredCount"]:
        update["desiredCount"] = desired["desiredCount"]
    if "deploymentConfiguration" in desired:
        have = service.get("deploymentConfiguration") or {}
        want = _overlay(have, desired["deploymentConfiguration"])
        if want != have:
            update["deploymentConfiguration"] = want
    if "networkConfiguration" in desired and _network(service.get("networkConfiguration")) != desired["networkConfiguration"]:
        update["networkConfiguration"] = desired["networkConfiguration"]
    if "healthCheckGracePeriodSeconds" in desired \
            and service.get("healthCheckGracePeriodSeconds") != desired["healthCheckGracePeriodSeconds"]:
        update["healthCheckGracePeriodSeconds"] = desired["healthCheckGracePeriodSeconds"]
    return update


def comparable(service: dict[str, Any]) -> dict[str, Any]:
    """The fields this module manages, as the diff shows them."""
    return {
        "deploymentConfiguration": service.get("deploymentConfiguration") or {},
        "networkConfiguration": _network(service.get("networkConfiguration")),
        "healthCheckGracePeriodSeconds": service.get("healthCheckGracePeriodSeconds"),
    }


def _family_revision(task_definition: str) -> str:
    """``family:revision`` of a task definition ARN; a ``family:revision`` as it is."""
    return task_definition.rsplit("/", 1)[-1]


def _same_task_definition(running: str, expected: str) -> bool:
    if running.startswith("arn:") and expected.startswith("arn:"):
        return running == expected
    return _family_revision(running) == _family_revision(expected)


def rollout_status(service: dict[str, Any], expected_task_definition: str) -> dict[str, Any]:
    """How far ``service`` (one DescribeServices entry, camelCase) has rolled out ``expected_task_definition``.

    ``expected_task_definition`` is a task definition ARN or ``family:revision``. Returns ``state``, ``reason``,
    ``running_task_definition`` (the PRIMARY deployment's ARN) and the PRIMARY deployment's ``running`` and
    ``desired`` task counts. ``state`` is:

    - ``FAILED`` when a deployment of the expected task definition has rolloutState FAILED (``reason`` is its
      rolloutStateReason), when the PRIMARY deployment runs another task definition (the circuit breaker rolled back
      by starting a new PRIMARY deployment of the last completed one, or someone else deployed), or when the service
      is no longer ACTIVE;
    - ``COMPLETED`` when the PRIMARY deployment, of the expected task definition, is the only deployment, runs as
      many tasks as it desires, and its rolloutState is COMPLETED (a deployment without rolloutState, of a service
      that does not report it, counts on the other three);
    - ``IN_PROGRESS`` otherwise.
    """
    deployments = service.get("deployments") or []
    primary = next((d for d in deployments if d.get("status") == "PRIMARY"), {})
    running_task_definition = primary.get("taskDefinition") or service.get("taskDefinition") or ""
    running, desired = primary.get("runningCount", 0), primary.get("desiredCount", 0)
    expected = _family_revision(expected_task_definition)

    def status(state: str, reason: str) -> dict[str, Any]:
        return {"state": state, "reason": reason, "running_task_definition": running_task_definition,
                "running": running, "desired": desired}

    if service.get("status", "ACTIVE") != "ACTIVE":
        return status("FAILED", f"the service is {service['status']}")
    failed = next((d for d in deployments if d.get("rolloutState") == "FAILED"
                   and _same_task_definition(d.get("taskDefinition", ""), expected_task_definition)), None)
    if failed:
        return status("FAILED", failed.get("rolloutStateReason") or f"deployment {failed.get('id')} of {expected} failed")
    if primary and not _same_task_definition(running_task_definition, expected_task_definition):
        return status("FAILED", f"{_family_revision(running_task_definition)} runs instead of {expected}: "
                                "the deployment was rolled back or replaced")
    progress = f"{running} of {desired} tasks of {expected} running"
    rolled_out = primary.get("rolloutState", "COMPLETED") == "COMPLETED"  # no rolloutState: judged on the rest
    if primary and rolled_out and len(deployments) == 1 and running == desired:
        return status("COMPLETED", primary.get("rolloutStateReason") or progress)
    return status("IN_PROGRESS", f"{progress}; {len(deployments)} deployment{'' if len(deployments) == 1 else 's'}")


def rollout_statuses(services: list[dict[str, Any]], expected: dict[str, str]) -> dict[str, dict[str, Any]]:
    """rollout_status() for each service name of ``expected`` (name -> task definition ARN or ``family:revision``).

    ``services`` are DescribeServices entries, as community.aws.ecs_service_info with ``details: true`` returns them.
    A service missing from them is IN_PROGRESS (DescribeServices is eventually consistent right after CreateService).
    """
    by_name = {service.get("serviceName"): service for service in services}
    return {
        name: rollout_status(by_name[name], task_definition) if name in by_name else {
            "state": "IN_PROGRESS", "reason": "DescribeServices did not return the service",
            "running_task_definition": "", "running": 0, "desired": 0}
        for name, task_definition in expected.items()
    }
