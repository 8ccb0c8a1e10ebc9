"""The WSGI middleware in front of moto: the realism control endpoint, AWS's throttling and server errors, and the
request log. The launcher installs it in default and realistic mode alike.

- ``GET /_emulator/realism`` answers ``realism.snapshot()`` plus ``faults_injected``; ``POST`` with a JSON object
  applies ``realism.update()`` and answers the same (400 with the message when the request is wrong).
- AWS throttles API calls and now and then answers 5xx; the SDKs retry both. With a ``fault_rate``, this share of
  the AWS API requests is answered here without reaching moto, in the protocol of the service the request is
  signed for, in turn: throttling, an internal error (500), throttling, unavailable (503). botocore's retry handler
  (``botocore/data/_retry.json``, legacy mode; standard mode retries the same) retries every one of them.
  https://docs.aws.amazon.com/AWSEC2/latest/APIReference/throttling.html,
  https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html
- ``GET /_emulator/requests`` answers the request log: every AWS API request that reached moto (so not the faults
  answered here), with its service and action; ``DELETE`` empties it. See ``tests/emulator/requests_log.py``.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from tests.emulator import realism
from tests.emulator.requests_log import PATH as REQUESTS_PATH
from tests.emulator.requests_log import RequestLog, action_of

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict, StartResponse], Iterable[bytes]]

# The SigV4 credential scope names the service: Credential=AKID/20260101/us-east-1/ec2/aws4_request.
_SCOPE = re.compile(r"Credential=[^/,\s]+/[^/]+/[^/]+/([^/]+)/aws4_request")
_NOT_AWS = ("/moto-api/", "/_emulator/")

# (HTTP status, code, message) per protocol, in the order faults are given out.
FAULTS: dict[str, tuple[tuple[int, str, str], ...]] = {
    "ec2": (
        (503, "RequestLimitExceeded", "Request limit exceeded."),
        (500, "InternalError", "An internal error has occurred."),
        (503, "RequestLimitExceeded", "Request limit exceeded."),
        (503, "Unavailable", "The server is overloaded and can't handle the request."),
    ),
    "query": (
        (400, "Throttling", "Rate exceeded"),
        (500, "InternalFailure", "The request processing has failed because of an unknown error, exception or failure."),
        (400, "Throttling", "Rate exceeded"),
        (503, "ServiceUnavailable", "The request has failed due to a temporary failure of the server."),
    ),
    "json": (
        (400, "ThrottlingException", "Rate exceeded"),
        (500, "InternalFailure", "The request processing has failed because of an unknown error, exception or failure."),
        (400, "ThrottlingException", "Rate exceeded"),
        (503, "ServiceUnavailable", "The request has failed due to a temporary failure of the server."),
    ),
}


def signing_service(environ: dict) -> str | None:
    """The service an AWS request is signed for, from its Authorization header (as moto tells services apart)."""
    match = _SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
    return match.group(1) if match else None


def protocol(environ: dict) -> str | None:
    """``ec2``, ``query`` or ``json`` for an AWS API request of those protocols; None for anything else
    (REST services, the moto API, the control endpoint), which never gets a fault."""
    path = environ.get("PATH_INFO", "")
    service = signing_service(environ)
    if service is None or path.startswith(_NOT_AWS):
        return None
    content_type = environ.get("CONTENT_TYPE", "")
    if service == "ec2":
        return "ec2"
    if "HTTP_X_AMZ_TARGET" in environ or content_type.startswith("application/x-amz-json"):
        return "json"
    if content_type.startswith("application/x-www-form-urlencoded"):
        return "query"
    return None


def fault_response(kind: str, status: int, code: str, message: str) -> tuple[str, list[tuple[str, str]], bytes]:
    """An AWS error of this protocol: status line, headers and body, as botocore parses them."""
    request_id = str(uuid.uuid4())
    if kind == "ec2":
        body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>{code}</Code>'
                f"<Message>{message}</Message></Error></Errors><RequestID>{request_id}</RequestID></Response>")
        content_type = "text/xml;charset=UTF-8"
    elif kind == "query":
        side = "Sender" if status < 500 else "Receiver"
        body = (f"<ErrorResponse><Error><Type>{side}</Type><Code>{code}</Code><Message>{message}</Message></Error>"
                f"<RequestId>{request_id}</RequestId></ErrorResponse>")
        content_type = "text/xml"
    else:
        body = json.dumps({"__type": code, "message": message})
        content_type = "application/x-amz-json-1.1"
    phrase = {400: "Bad Request", 500: "Internal Server Error", 503: "Service Unavailable"}[status]
    encoded = body.encode()
    headers = [("Content-Type", content_type), ("Content-Length", str(len(encoded))), ("x-amzn-RequestId", request_id)]
    return f"{status} {phrase}", headers, encoded


def _read_body(environ: dict) -> bytes:
    """Read the request body, so that a kept-alive connection carries no leftovers into the next request."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    return environ["wsgi.input"].read(length) if length > 0 else b""


class RealismMiddleware:
    """Wraps moto's DomainDispatcherApplication. ``behaviours_applied`` tells whether the emulator was started in
    realistic mode; without it, turning realism on at run time is refused, since no behaviour is in place."""

    def __init__(self, app: WSGIApp, *, behaviours_applied: bool) -> None:
        self.app = app
        self.behaviours_applied = behaviours_applied
        self.faults_injected = 0
        self.requests = RequestLog()
        self._lock = threading.Lock()

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == realism.CONTROL_PATH:
            return self._control(environ, start_response)
        if environ.get("PATH_INFO") == REQUESTS_PATH:
            return self._requests(environ, start_response)
        kind = protocol(environ)
        if kind is not None and realism.inject_fault():
            with self._lock:
                status, code, message = FAULTS[kind][self.faults_injected % len(FAULTS[kind])]
                self.faults_injected += 1
            _read_body(environ)
            status_line, headers, body = fault_response(kind, status, code, message)
            start_response(status_line, headers)
            return [body]
        service = signing_service(environ)
        if service is not None and not environ.get("PATH_INFO", "").startswith(_NOT_AWS):
            self.requests.record(service, action_of(environ))
        return self.app(environ, start_response)

    def snapshot(self) -> dict[str, Any]:
        return {**realism.snapshot(), "faults_injected": self.faults_injected}

    def _control(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        if method == "GET":
            return _json(start_response, 200, self.snapshot())
        if method != "POST":
            return _json(start_response, 405, {"message": "use GET or POST"})
        try:
            payload = json.loads(_read_body(environ) or b"{}")
        except ValueError as error:
            return _json(start_response, 400, {"message": f"the body is not JSON: {error}"})
        if not isinstance(payload, dict):
            return _json(start_response, 400, {"message": "the body must be a JSON object"})
        if payload.get("enabled") and not self.behaviours_applied:
            return _json(start_response, 400, {"message": "the emulator was started without AWS_EMULATOR_REALISM=1, "
                                                          "so no behaviour is in place; restart it in realistic mode"})
        try:
            realism.update(payload)
        except (ValueError, TypeError) as error:
            return _json(start_response, 400, {"message": str(error)})
        return _json(start_response, 200, self.snapshot())

    def _requests(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        if method == "GET":
            return _json(start_response, 200, self.requests.snapshot())
        if method == "DELETE":
            self.requests.clear()
            return _json(start_response, 200, self.requests.snapshot())
        return _json(start_response, 405, {"message": "use GET or DELETE"})


def _json(start_response: StartResponse, status: int, document: dict[str, Any]) -> list[bytes]:
    body = json.dumps(document).encode()
    phrase = {200: "OK", 400: "Bad Request", 405: "Method Not Allowed"}[status]
    start_response(f"{status} {phrase}", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
