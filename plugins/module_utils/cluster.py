# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure logic of the ecs_cluster_settings module: which settings to change on a cluster. No AWS calls.

Its tags are compared with amazon.aws's tagging helpers (compare_aws_tags).
"""

from __future__ import annotations


def settings_to_update(desired: dict[str, str], current: list[dict[str, str]]) -> list[dict[str, str]]:
    """The UpdateCluster settings that differ from the cluster's (DescribeClusters with include=SETTINGS)."""
    have = {s["name"]: s["value"] for s in current or []}
    return [{"name": name, "value": str(value)} for name, value in sorted(desired.items()) if have.get(name) != str(value)]
