"""Shared by the emulator tests: moto in process, with nothing of the caller's AWS setup leaking in."""

from __future__ import annotations

import threading
import types
import urllib.request
from collections.abc import Iterator

import botocore.endpoint
import pytest
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import make_server

from tests.emulator import realism
from tests.emulator.realism.middleware import RealismMiddleware

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


@pytest.fixture
def served_moto(state: realism.Realism, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, RealismMiddleware]]:
    """moto in process behind the realism middleware, served on a free port: (its URL, the middleware). Reset after."""
    isolate_aws(monkeypatch)
    # botocore sleeps between retries (up to seconds); the retries themselves are what is tested.
    monkeypatch.setattr(botocore.endpoint, "time", types.SimpleNamespace(sleep=lambda seconds: None))
    middleware = RealismMiddleware(DomainDispatcherApplication(create_backend_app), behaviours_applied=True)
    server = make_server("127.0.0.1", 0, middleware, threaded=True, request_handler=MotoRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield url, middleware
    finally:
        urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST")).close()
        server.shutdown()
        thread.join()
