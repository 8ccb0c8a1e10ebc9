# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure logic for the rds role: what to ask of an instance that may already exist. No AWS calls."""

from __future__ import annotations

import re
from typing import Any

_VERSION = re.compile(r"^\d+(\.\d+)*$")


def _parts(version: str) -> tuple[int, ...]:
    if not _VERSION.match(str(version)):
        raise ValueError(f"not a numeric engine version: {version!r}")
    return tuple(int(p) for p in str(version).split("."))


def engine_version_to_request(desired: str, current: str | None) -> str:
    """The engine version to pass to rds_instance.

    AWS applies minor upgrades in the maintenance window (auto_minor_version_upgrade), and forces them when a
    minor version is retired. Asking for the older configured version afterwards would be a downgrade, which
    AWS refuses. So an instance that runs the desired version or newer keeps its own; an older one is upgraded.
    """
    if not current:
        return desired
    return current if _parts(current) >= _parts(desired) else desired


def allocated_storage_to_request(desired: int, current: int | None) -> int:
    """Storage autoscaling grows a volume beyond its initial size; never ask AWS to shrink it back."""
    return max(int(desired), int(current or 0))


def final_snapshot_identifier(instance_identifier: str, timestamp: str) -> str:
    """A unique, valid snapshot name: the instance name and a UTC timestamp (letters, digits, hyphens; 255 max)."""
    stamp = re.sub(r"[^0-9]", "", timestamp)[:14]
    name = f"{instance_identifier}-final-{stamp}"
    return re.sub(r"-+", "-", name)[:255].rstrip("-")


def protected_resources(resources: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """The resources whose ``key`` (DeletionProtection, as the *_info modules return it) is on."""
    return [r for r in resources if r.get(key) in (True, "true")]
