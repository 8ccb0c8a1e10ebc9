"""Shared by the emulator tests: moto in process, with nothing of the caller's AWS setup leaking in."""

from __future__ import annotations

import pytest

# Variables that would point boto3 elsewhere, change its retries, or change what moto does.
LEAKING = ("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_RETRY_MODE", "AWS_MAX_ATTEMPTS", "MOTO_IAM_LOAD_MANAGED_POLICIES",
           "MOTO_ECS_SERVICE_RUNNING")


def isolate_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    """Test credentials, and none of the variables in LEAKING."""
    for name in LEAKING:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
