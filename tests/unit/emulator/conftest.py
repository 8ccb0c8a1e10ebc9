"""Shared by the emulator tests: moto in process, with nothing of the caller's AWS setup leaking in."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.emulator import realism

# Variables that would point boto3 elsewhere, change its retries, or change what moto does.
LEAKING = ("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_RETRY_MODE", "AWS_MAX_ATTEMPTS", "MOTO_IAM_LOAD_MANAGED_POLICIES",
           "MOTO_ECS_SERVICE_RUNNING")


def isolate_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    """Test credentials, and none of the variables in LEAKING."""
    for name in LEAKING:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")


@pytest.fixture
def state() -> Iterator[realism.Realism]:
    """Realistic mode on, with default settings, for the test; the previous settings back after it."""
    previous = realism.STATE
    current = realism.Realism(enabled=True)
    realism.configure(current)
    yield current
    realism.configure(previous)
