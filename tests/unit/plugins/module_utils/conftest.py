"""Fixtures of the module_utils tests that read AWS: moto in process, with the emulator's fidelity patches."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

from tests.emulator import patches
from tests.unit.emulator.conftest import isolate_aws

REGION = "us-east-1"


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator:
    """``client(service)`` of an empty moto account in ``REGION``."""
    isolate_aws(monkeypatch)
    started = patches.apply(skip=("iam_managed_policies",))
    try:
        with mock_aws():
            yield lambda service: boto3.client(service, region_name=REGION)
    finally:
        patches.revert(started)
