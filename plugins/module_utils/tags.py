# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure logic for this project's tags: which are required, how to find and how to tell apart resources by them.

Every resource carries Project, Environment and ManagedBy. They are what the roles find resources by, and what keeps
them from changing or deleting a resource of another project or environment. No AWS calls.
"""

from __future__ import annotations

from typing import Any

REQUIRED_TAGS = ("Project", "Environment", "ManagedBy")


def _identifying(tags: dict[str, Any]) -> dict[str, Any]:
    """The required tags among ``tags``, with their values."""
    return {key: tags[key] for key in REQUIRED_TAGS if key in (tags or {})}


def missing_tags(tags: dict[str, Any]) -> list[str]:
    """Errors for required tags that are missing or empty."""
    return [f"tag {key} is required on every resource" for key in REQUIRED_TAGS if not str((tags or {}).get(key) or "")]


def tag_filters(tags: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """EC2 describe filters that match only resources carrying this project's required tags."""
    filters = {f"tag:{key}": value for key, value in _identifying(tags).items()}
    filters.update(extra)
    return filters


def without_tags(resources: list[dict[str, Any]], tags: dict[str, Any]) -> list[dict[str, Any]]:
    """The resources (as returned by the *_info modules, with a ``tags`` dict) that lack one of the required tags."""
    return [r for r in resources if not _carries(r, _identifying(tags))]


def with_tags(resources: list[dict[str, Any]], tags: dict[str, Any]) -> list[dict[str, Any]]:
    """The resources (as returned by the *_info modules, with a ``tags`` dict) that carry every required tag of
    ``tags`` with its value: this project's and environment's, in their order."""
    return [r for r in resources if _carries(r, _identifying(tags))]


def _carries(resource: dict[str, Any], wanted: dict[str, Any]) -> bool:
    return all((resource.get("tags") or {}).get(key) == value for key, value in wanted.items())
