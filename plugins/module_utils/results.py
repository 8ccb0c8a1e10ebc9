# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure logic over Ansible task results. No AWS calls."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

# Where a failed task's result carries the error: msg for modules that catch it, module_stderr and exception for
# an uncaught botocore error (a traceback), error.code/message for AnsibleAWSModule.fail_json_aws.
_TEXT_KEYS = ("msg", "module_stderr", "module_stdout", "exception")


def error_text(result: dict[str, Any] | None) -> str:
    """Everything a failed task's result says about its error, as one string; empty for a success."""
    if not result or not result.get("failed"):
        return ""
    parts = [str(result.get(key) or "") for key in _TEXT_KEYS]
    error = result.get("error") or {}
    if isinstance(error, dict):
        parts += [str(error.get("code") or ""), str(error.get("message") or "")]
    return "\n".join(part for part in parts if part)


def seconds_since(timestamp: str | datetime, now: datetime | None = None) -> float:
    """Seconds from an ISO 8601 timestamp (as AWS modules return dates) to now, both in UTC."""
    then = timestamp if isinstance(timestamp, datetime) else datetime.fromisoformat(str(timestamp))
    if then.tzinfo is None:
        then = then.replace(tzinfo=timezone.utc)
    return ((now or datetime.now(timezone.utc)) - then).total_seconds()
