# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure logic of the ecs_cluster_settings module: what to change on a cluster. No AWS calls."""

from __future__ import annotations

from typing import Any


def settings_to_update(desired: dict[str, str], current: list[dict[str, str]]) -> list[dict[str, str]]:
    """The UpdateCluster settings that differ from the cluster's (DescribeClusters with include=SETTINGS)."""
    have = {s["name"]: s["value"] for s in current or []}
    return [{"name": name, "value": str(value)} for name, value in sorted(desired.items()) if have.get(name) != str(value)]


def tags_to_update(desired: dict[str, Any], current: list[dict[str, str]], purge: bool) -> tuple[list[dict[str, str]], list[str]]:
    """(tags to set, keys to remove) to bring the ECS tag list ``current`` to ``desired``."""
    have = {t["key"]: t["value"] for t in current or []}
    to_set = [{"key": k, "value": str(v)} for k, v in sorted(desired.items()) if have.get(k) != str(v)]
    to_remove = sorted(k for k in have if k not in desired) if purge else []
    return to_set, to_remove
