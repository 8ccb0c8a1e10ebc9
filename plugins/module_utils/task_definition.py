# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure logic of the ecs_task_definition module: render, validate, normalise, compare. No AWS calls."""

from __future__ import annotations

import re
from typing import Any

# Fargate's valid task sizes: CPU units -> the memory values (MiB) AWS accepts with them.
FARGATE_SIZES: dict[int, tuple[int, ...]] = {
    256: (512, 1024, 2048),
    512: tuple(range(1024, 4096 + 1, 1024)),
    1024: tuple(range(2048, 8192 + 1, 1024)),
    2048: tuple(range(4096, 16384 + 1, 1024)),
    4096: tuple(range(8192, 30720 + 1, 1024)),
    8192: tuple(range(16384, 61440 + 1, 4096)),
    16384: tuple(range(32768, 122880 + 1, 8192)),
}

# The keys render() can write, for the task and for each container: the only ones compared. One of them present on
# one side and absent on the other is a difference (a removed task role); every other key is AWS's (defaults such as
# enableFaultInjection or versionConsistency, metadata such as revision or registeredAt) and is ignored.
MANAGED_KEYS = (
    "family", "networkMode", "requiresCompatibilities", "cpu", "memory", "executionRoleArn", "taskRoleArn",
    "runtimePlatform", "containerDefinitions", "volumes",
)
MANAGED_CONTAINER_KEYS = (
    "name", "image", "repositoryCredentials", "essential", "portMappings", "environment", "secrets", "healthCheck",
    "logConfiguration", "readonlyRootFilesystem", "mountPoints",
)
_NAME = re.compile(r"^[A-Za-z0-9_-]{1,255}$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# arn:<partition>:secretsmanager:<region>:<account>:secret:<name>-<6 random characters>
_SECRET_ARN = re.compile(r"^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$")


class TaskDefinitionError(ValueError):
    """Invalid input, with a message meant for the user."""


def validate(spec: dict[str, Any]) -> list[str]:
    """Every problem with a compact task description, or an empty list."""
    errors: list[str] = []
    family = spec.get("family") or ""
    if not _NAME.match(family):
        errors.append(f"family {family!r} must be 1-255 letters, digits, hyphens or underscores")
    try:
        cpu, memory = int(spec.get("cpu")), int(spec.get("memory"))
    except (TypeError, ValueError):
        errors.append(f"cpu {spec.get('cpu')!r} and memory {spec.get('memory')!r} must be numbers")
    else:
        if cpu not in FARGATE_SIZES:
            errors.append(f"cpu {cpu} is not a Fargate size; use one of {sorted(FARGATE_SIZES)}")
        elif memory not in FARGATE_SIZES[cpu]:
            allowed = FARGATE_SIZES[cpu]
            errors.append(f"memory {memory} does not fit cpu {cpu} on Fargate; use {allowed[0]}-{allowed[-1]} "
                          f"in steps of {allowed[1] - allowed[0] if len(allowed) > 1 else allowed[0]}")
    if not spec.get("execution_role_arn"):
        errors.append("execution_role_arn is required (Fargate pulls images and writes logs with it)")
    containers = spec.get("containers") or []
    if not containers:
        errors.append("at least one container is required")
    names = [c.get("name") for c in containers]
    if len(set(names)) != len(names):
        errors.append(f"container names repeat: {names}")
    for container in containers:
        errors.extend(_container_errors(container))
    return errors


def _container_errors(container: dict[str, Any]) -> list[str]:
    name = container.get("name") or ""
    errors = [] if _NAME.match(name) else [f"container name {name!r} must be 1-255 letters, digits, hyphens or underscores"]
    if not container.get("image"):
        errors.append(f"container {name}: image is required")
    credentials = container.get("repository_credentials")
    if credentials and not _SECRET_ARN.match(str(credentials)):
        errors.append(f"container {name}: repository_credentials must be the ARN of a Secrets Manager secret "
                      "(arn:<partition>:secretsmanager:<region>:<account>:secret:<name>)")
    port = container.get("port")
    if port is not None and (isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535):
        errors.append(f"container {name}: port {port!r} is not a TCP port")
    environment = container.get("environment") or {}
    secrets = container.get("secrets") or {}
    for key in list(environment) + list(secrets):
        if not _ENV_NAME.match(str(key)):
            errors.append(f"container {name}: {key!r} is not a valid environment variable name")
    for key in sorted(set(environment) & set(secrets)):
        errors.append(f"container {name}: {key} is both an environment value and a secret")
    for key, value in secrets.items():
        if not str(value).startswith("arn:"):
            errors.append(f"container {name}: secret {key} must reference an ARN (valueFrom), not a value")
    health = container.get("health_check")
    if health is not None and not health.get("command"):
        errors.append(f"container {name}: a health check needs a command")
    log = container.get("log_group")
    if log and not container.get("log_region"):
        errors.append(f"container {name}: log_region is required with log_group")
    scratch = list(container.get("scratch") or [])
    for path in scratch:
        if not str(path).startswith("/") or str(path) == "/":
            errors.append(f"container {name}: scratch path {path!r} must be an absolute directory other than /")
    if len(set(scratch)) != len(scratch):
        errors.append(f"container {name}: scratch paths repeat: {scratch}")
    return errors


def _scratch_volumes(container: dict[str, Any]) -> list[tuple[str, str]]:
    """(volume name, path) of each writable scratch directory of a container: a task volume of Fargate's ephemeral
    storage mounted there, so that the root filesystem can be read-only."""
    return [(f"{container['name']}-scratch-{index}", str(path)) for index, path in enumerate(container.get("scratch") or [])]


def render(spec: dict[str, Any]) -> dict[str, Any]:
    """The RegisterTaskDefinition request for a compact task description. Raises TaskDefinitionError."""
    errors = validate(spec)
    if errors:
        raise TaskDefinitionError("; ".join(errors))
    request: dict[str, Any] = {
        "family": spec["family"],
        "networkMode": "awsvpc",
        "requiresCompatibilities": ["FARGATE"],
        "cpu": str(int(spec["cpu"])),
        "memory": str(int(spec["memory"])),
        "executionRoleArn": spec["execution_role_arn"],
        "runtimePlatform": {
            "cpuArchitecture": (spec.get("runtime_platform") or {}).get("cpu_architecture", "X86_64"),
            "operatingSystemFamily": (spec.get("runtime_platform") or {}).get("os_family", "LINUX"),
        },
        "containerDefinitions": [_render_container(c) for c in spec["containers"]],
    }
    if spec.get("task_role_arn"):
        request["taskRoleArn"] = spec["task_role_arn"]
    volumes = [{"name": volume} for container in spec["containers"] for volume, _path in _scratch_volumes(container)]
    if volumes:
        request["volumes"] = volumes
    return request


def _render_container(container: dict[str, Any]) -> dict[str, Any]:
    rendered: dict[str, Any] = {
        "name": container["name"],
        "image": container["image"],
        "essential": bool(container.get("essential", True)),
    }
    if container.get("repository_credentials"):
        rendered["repositoryCredentials"] = {"credentialsParameter": container["repository_credentials"]}
    if container.get("port") is not None:
        port = int(container["port"])
        rendered["portMappings"] = [{"containerPort": port, "hostPort": port, "protocol": "tcp"}]
    if container.get("environment"):
        rendered["environment"] = [{"name": k, "value": str(v)} for k, v in sorted(container["environment"].items())]
    if container.get("secrets"):
        rendered["secrets"] = [{"name": k, "valueFrom": str(v)} for k, v in sorted(container["secrets"].items())]
    health = container.get("health_check")
    if health:
        rendered["healthCheck"] = {
            "command": list(health["command"]),
            "interval": int(health.get("interval", 30)),
            "timeout": int(health.get("timeout", 5)),
            "retries": int(health.get("retries", 3)),
            "startPeriod": int(health.get("start_period", 0)),
        }
    if container.get("readonly_root_filesystem"):
        rendered["readonlyRootFilesystem"] = True
    if container.get("scratch"):
        rendered["mountPoints"] = [{"sourceVolume": volume, "containerPath": path, "readOnly": False}
                                   for volume, path in _scratch_volumes(container)]
    if container.get("log_group"):
        rendered["logConfiguration"] = {
            "logDriver": "awslogs",
            "options": {
                "awslogs-group": container["log_group"],
                "awslogs-region": container["log_region"],
                "awslogs-stream-prefix": container.get("log_stream_prefix", "ecs"),
            },
        }
    return rendered


def _is_empty(value: Any) -> bool:
    return value is None or value == [] or value == {}


def _strip(value: Any) -> Any:
    """A copy without empty values, recursively: AWS fills in [] and {} for what a request left out."""
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if not _is_empty(_strip(v))}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def _normalise_container(container: dict[str, Any]) -> dict[str, Any]:
    container = _strip({key: container[key] for key in MANAGED_CONTAINER_KEYS if key in container})
    container.setdefault("essential", True)
    for mapping in container.get("portMappings", []):
        mapping.setdefault("hostPort", mapping.get("containerPort"))
        mapping.setdefault("protocol", "tcp")
    for key in ("environment", "secrets"):
        if key in container:
            container[key] = sorted(container[key], key=lambda item: item["name"])
    if not container.get("readonlyRootFilesystem"):
        container.pop("readonlyRootFilesystem", None)  # false is AWS's default
    for mount in container.get("mountPoints", []):
        mount.setdefault("readOnly", False)
    if "mountPoints" in container:
        container["mountPoints"] = sorted(container["mountPoints"], key=lambda mount: mount["containerPath"])
    if "healthCheck" in container:
        health = {"interval": 30, "timeout": 5, "retries": 3, "startPeriod": 0}
        health.update(container["healthCheck"])
        container["healthCheck"] = health
    return container


def normalise(definition: dict[str, Any] | None) -> dict[str, Any] | None:
    """The managed keys of a described or rendered task definition, in one comparable shape.

    Keys outside MANAGED_KEYS and MANAGED_CONTAINER_KEYS are dropped, and so are empty values and the defaults AWS
    fills in for managed keys (essential, hostPort, protocol, health check timings); lists whose order AWS does not
    keep are sorted. None for no definition.
    """
    if not definition:
        return None
    result = _strip({key: definition[key] for key in MANAGED_KEYS if key in definition})
    result["containerDefinitions"] = sorted(
        (_normalise_container(c) for c in definition.get("containerDefinitions", [])), key=lambda c: c["name"])
    for key in ("cpu", "memory"):
        if key in result:
            result[key] = str(result[key])
    if "volumes" in result:
        result["volumes"] = sorted(result["volumes"], key=lambda volume: volume["name"])
    return result


def differs(rendered: dict[str, Any], current: dict[str, Any] | None) -> bool:
    """True when registering ``rendered`` would change what the latest ACTIVE revision ``current`` runs."""
    return normalise(rendered) != normalise(current)


def with_images(definition: dict[str, Any], images: dict[str, str]) -> dict[str, Any]:
    """The RegisterTaskDefinition request that registers a described revision again, with the images of ``images``
    (container name -> image) in place of its own: its managed keys as they are, AWS's own fields left to AWS. The
    deploy renders the same request from the inventory with that image, so it sees no difference.
    Raises TaskDefinitionError for a container the revision does not have."""
    containers = definition.get("containerDefinitions") or []
    unknown = sorted(set(images) - {c.get("name") for c in containers})
    if unknown:
        raise TaskDefinitionError(f"{definition.get('family')} has no container {', '.join(unknown)}")
    request = {key: definition[key] for key in MANAGED_KEYS if key in definition and key != "containerDefinitions"}
    request["containerDefinitions"] = [
        {**{key: c[key] for key in MANAGED_CONTAINER_KEYS if key in c}, **({"image": images[c["name"]]} if c["name"] in images else {})}
        for c in containers]
    return request


def family_revision(definition: dict[str, Any]) -> str:
    """``family:revision`` of a described task definition."""
    return f"{definition['family']}:{definition['revision']}"
