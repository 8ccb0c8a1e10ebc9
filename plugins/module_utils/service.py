# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure logic of the ecs_service_settings module: which UpdateService fields differ on a service. No AWS calls."""

from __future__ import annotations

from typing import Any


def desired_settings(deployment: dict[str, Any] | None, network: dict[str, Any] | None,
                     grace_period: int | None) -> dict[str, Any]:
    """The module's options in the shape of UpdateService and DescribeServices. Options left unset are absent."""
    desired: dict[str, Any] = {}
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


def settings_to_update(desired: dict[str, Any], service: dict[str, Any]) -> dict[str, Any]:
    """The UpdateService fields of ``desired`` that differ from the service (one DescribeServices entry).

    Only what ``desired`` names is compared. A deployment configuration is sent whole: the service's own
    fields (alarms, strategy, bake time) are kept and ours are laid over them, as UpdateService replaces it.
    """
    update: dict[str, Any] = {}
    if "deploymentConfiguration" in desired:
        have = service.get("deploymentConfiguration") or {}
        want = {**have, **desired["deploymentConfiguration"]}
        if any(have.get(key) != value for key, value in desired["deploymentConfiguration"].items()):
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
