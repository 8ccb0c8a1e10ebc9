# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure logic of the day-2 playbooks (rollout, scale, restore): their input checks, the record that keeps a rollout's
image and a scale's count over the next deploy, and the point-in-time restore's window and instance name.

A rollout or a scale records what it set, and the inventory value it set it over, in an SSM parameter per service.
The deploy uses the recorded value while the inventory still holds the value it was set over: whichever changed
last wins. An inventory that moves on (a new image tag committed) takes over again. No AWS calls here.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from typing import Any

from ansible_collections.hasura_blog.aws.plugins.module_utils.lock import parse_iso

SERVICES = ("hasura", "nextjs")
# A Fargate service's desired count: ECS takes 0 and up; beyond this a typo is likelier than a need (ECS's default
# quota is 5000 tasks per service).
MAX_DESIRED_COUNT = 100
# RDS DB instance identifier: 1-63 letters, digits or hyphens, starting with a letter, no two hyphens in a row, not
# ending with one (CreateDBInstance, RestoreDBInstanceToPointInTime TargetDBInstanceIdentifier).
_IDENTIFIER = re.compile(r"^[a-z](?!.*--)[a-z0-9-]{0,62}(?<!-)$")
RESTORE_DOC = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PIT.html"


def service_errors(service: Any) -> list[str]:
    if service not in SERVICES:
        return [f"SERVICE is {service!r}; it must be one of {', '.join(SERVICES)}"]
    return []


def rollout_errors(service: Any, image: Any) -> list[str]:
    """What is wrong with ``make rollout SERVICE=... IMAGE=...``: each message names the input and the rule."""
    errors = service_errors(service)
    if not str(image or ""):
        errors.append("IMAGE is empty; give the image to roll out, e.g. IMAGE=hasura/graphql-engine:v2.48.6")
    else:
        # imported here: make status (tools/status.py) imports this module for effective(), and validation's import
        # is a twentieth of its run
        from ansible_collections.hasura_blog.aws.plugins.module_utils.validation import image_errors

        errors += image_errors(image, "IMAGE")
    return errors


def scale_errors(service: Any, count: Any) -> list[str]:
    """What is wrong with ``make scale SERVICE=... COUNT=...``."""
    errors = service_errors(service)
    text = str(count if count is not None else "").strip()
    if not text.isdigit() or int(text) > MAX_DESIRED_COUNT:
        errors.append(f"COUNT is {text!r}; it must be a whole number from 0 to {MAX_DESIRED_COUNT} (the desired count of tasks)")
    return errors


def restore_time(text: Any) -> datetime | str | None:
    """``latest``, or the UTC moment an ISO 8601 text with a time zone names; None when it is neither."""
    text = str(text or "").strip()
    if text == "latest":
        return "latest"
    if not re.search(r"(Z|[+-]\d\d:?\d\d)$", text):
        return None  # a time without a zone is ambiguous: refuse rather than guess
    moment = parse_iso(text)
    return moment.astimezone(timezone.utc) if moment else None


def restore_errors(time: Any, identifier: Any, now: datetime | None = None) -> list[str]:
    """What is wrong with ``make restore TIME=...`` before any AWS call: the time's form, and the name it gives."""
    moment = restore_time(time)
    if moment is None:
        return [f"TIME is {str(time or '')!r}; it must be latest or an ISO 8601 time with its zone, e.g. 2026-11-30T14:05:00Z"]
    errors = []
    if isinstance(moment, datetime) and moment > (now or datetime.now(timezone.utc)):
        errors.append(f"TIME {iso(moment)} is in the future")
    target = restore_identifier(str(identifier), moment, now)
    if not _IDENTIFIER.match(target):
        errors.append(f"the restored instance's name {target} is not a DB instance identifier (1-63 lower-case letters, "
                      "digits or hyphens, starting with a letter); shorten rds_identifier")
    return errors


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def restore_identifier(identifier: str, moment: datetime | str, now: datetime | None = None) -> str:
    """``<identifier>-restore-<YYYYMMDDHHMMSS>``: the restore point, or for ``latest`` the time of the request."""
    point = moment if isinstance(moment, datetime) else (now or datetime.now(timezone.utc))
    return f"{identifier}-restore-{point.astimezone(timezone.utc):%Y%m%d%H%M%S}"


def restorable_window(instance: dict[str, Any], now: datetime | None = None) -> dict[str, Any]:
    """The window a point-in-time restore of ``instance`` (rds_instance_info, snake_case) may name.

    It starts at the later of the instance's creation and now minus the backup retention, and ends at the latest
    restorable time (AWS: usually 5 minutes ago). ``open`` is False when automated backups are off (retention 0):
    then nothing can be restored to a point in time.
    """
    now = now or datetime.now(timezone.utc)
    retention = int(instance.get("backup_retention_period") or 0)
    created = _moment(instance.get("instance_create_time")) or now
    latest = _moment(instance.get("latest_restorable_time"))
    earliest = max(created, now - timedelta(days=retention))
    return {"open": retention > 0 and latest is not None and latest >= earliest,
            "earliest": iso(earliest), "latest": iso(latest) if latest else None}


def window_errors(time: Any, window: dict[str, Any], identifier: str) -> list[str]:
    """A restore time outside the instance's restorable window, named with the window."""
    moment = restore_time(time)
    if not window["open"]:
        return [f"the DB instance {identifier} has no restorable window: automated backups are off "
                f"(backup retention 0) or none has been taken yet ({RESTORE_DOC})"]
    if isinstance(moment, datetime) and not (_moment(window["earliest"]) <= moment <= _moment(window["latest"])):
        return [f"TIME {iso(moment)} is outside the restorable window of {identifier}: from {window['earliest']} "
                f"to {window['latest']} (UTC)"]
    return []


def _moment(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    return parse_iso(value) if value else None


def record(current: Any, **fields: Any) -> str:
    """The SSM parameter value after an operation: the service's record with ``fields`` (image and image_over, or
    desired_count and count_over) laid over it. ``current`` is the parameter's value, or empty."""
    return json.dumps({**decode(current), **fields}, sort_keys=True)


def decode(value: Any) -> dict[str, Any]:
    """A record as stored; {} for none or for a value that is not a record."""
    try:
        data = json.loads(value) if isinstance(value, str) else value
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def effective(inventory: Any, value: Any, field: str) -> Any:
    """The value the deploy uses for ``field`` (image, desired_count, or identifier: the database after a restore with
    REPOINT): the recorded one while the inventory still
    holds the value the operation set it over, else the inventory's. ``value`` is the parameter's value or a record."""
    data = decode(value)
    if field in data and str(data.get(f"{_over(field)}")) == str(inventory):
        return data[field]
    return inventory


def _over(field: str) -> str:
    return {"image": "image_over", "desired_count": "count_over", "identifier": "identifier_over"}[field]


def operation_errors(inputs: dict[str, Any], kind: str) -> list[str]:
    """The input checks of one day-2 playbook: ``kind`` rollout (service, image), scale (service, count) or restore
    (time, identifier)."""
    if kind == "rollout":
        return rollout_errors(inputs.get("service"), inputs.get("image"))
    if kind == "scale":
        return scale_errors(inputs.get("service"), inputs.get("count"))
    if kind == "restore":
        return restore_errors(inputs.get("time"), inputs.get("identifier"))
    raise ValueError(f"unknown operation {kind!r}: rollout, scale or restore")


def restore_plan(instance: dict[str, Any], time: Any, base: str | None = None, now: datetime | None = None) -> dict[str, Any]:
    """What a restore of ``instance`` (rds_instance_info, snake_case) to ``time`` does: the new instance's name (from
    ``base``, the inventory's identifier, so that a restore of a restored instance does not grow the name), the
    window, the restore point (an ISO 8601 time, or None for the latest restorable time), and the errors."""
    now = now or datetime.now(timezone.utc)
    identifier = instance["db_instance_identifier"]
    moment = restore_time(time)
    window = restorable_window(instance, now)
    target = restore_identifier(base or identifier, moment if moment is not None else now, now)
    name_errors = [] if _IDENTIFIER.match(target) else [
        f"the restored instance's name {target} is not a DB instance identifier (at most 63 characters)"]
    return {
        "source": identifier,
        "target": target,
        "window": window,
        "restore_time": iso(moment) if isinstance(moment, datetime) else None,
        "errors": window_errors(time, window, identifier) + name_errors,
    }
