"""The emulator's request log: every AWS API request that reached moto, with its service and action.

``make bench`` counts the API requests of a playbook run from it (reads and writes), so that a re-run that changes
nothing can be shown to write nothing. The realism middleware (installed in default and realistic mode alike) records
each request it passes on to moto; requests it answers itself are not recorded: the throttling and 5xx faults of
realistic mode (``faults_injected`` of ``GET /_emulator/realism`` counts those), the moto API (``/moto-api/``) and the
control endpoints (``/_emulator/``). A request the SDK retries after a fault is therefore counted once, when it reaches
moto, and so is every retry that reaches it after an error moto itself answered.

- ``GET /_emulator/requests`` answers ``{"total", "reads", "writes", "dropped", "requests": [{"t", "service",
  "action", "kind"}, ...]}``: ``t`` in epoch seconds, ``kind`` is ``read`` or ``write`` (``classify``).
- ``DELETE /_emulator/requests`` empties it.

The service is the one the request is signed for (the SigV4 credential scope); the action is the part after the dot
of ``X-Amz-Target`` (JSON protocols: ecs, secretsmanager, ssm, logs, ...) or the ``Action`` parameter of the query
string or form body (query protocols: ec2, rds, elbv2, iam, sts). A REST request (no such header or parameter) is
recorded as ``"<METHOD> <path>"``.
"""

from __future__ import annotations

import io
import threading
import time
from collections import deque
from typing import Any
from urllib.parse import parse_qs

PATH = "/_emulator/requests"
MAX_ENTRIES = 200_000  # about 40 MB at most; a cold deploy makes about a thousand requests

# Reads by the start of their name, and the few reads whose name says nothing.
READ_PREFIXES = ("Describe", "Get", "List", "BatchGet", "Lookup", "Search")
READ_ACTIONS = frozenset({"Query", "Scan", "FilterLogEvents"})
READ_METHODS = ("GET ", "HEAD ")  # REST requests, recorded as "<METHOD> <path>"


def classify(action: str) -> str:
    """``read`` for an API action that changes nothing on AWS, ``write`` for any other (and for an unknown one).

    >>> classify("DescribeNatGateways"), classify("GetCallerIdentity"), classify("PutParameter")
    ('read', 'read', 'write')
    """
    if action.startswith(READ_METHODS) or action in READ_ACTIONS:
        return "read"
    for prefix in READ_PREFIXES:
        # The prefix must end a word: "Describe" + "Vpcs", not "Getaway".
        if action.startswith(prefix) and (len(action) == len(prefix) or action[len(prefix)].isupper()):
            return "read"
    return "write"


def buffer_body(environ: dict) -> bytes:
    """Read the request body and put it back as a fresh stream, so that moto reads it whole after us."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    body = environ["wsgi.input"].read(length) if length > 0 else b""
    environ["wsgi.input"] = io.BytesIO(body)
    return body


def action_of(environ: dict) -> str:
    """The API action of a WSGI request (the body of a form request is read and replaced, see ``buffer_body``)."""
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    if target:
        return target.rpartition(".")[2]
    query = parse_qs(environ.get("QUERY_STRING", ""))
    if "Action" in query:
        return query["Action"][0]
    if environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded"):
        form = parse_qs(buffer_body(environ).decode("utf-8", "replace"))
        if "Action" in form:
            return form["Action"][0]
    return f"{environ.get('REQUEST_METHOD', 'GET')} {environ.get('PATH_INFO', '/')}"


class RequestLog:
    """The requests recorded since the last ``clear``, oldest first (at most ``MAX_ENTRIES``; ``dropped`` counts
    the older ones let go). Thread-safe: the server answers each request in a thread of its own."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._entries: deque[dict[str, Any]] = deque(maxlen=max_entries)
        self._dropped = 0
        self._lock = threading.Lock()

    def record(self, service: str, action: str, t: float | None = None) -> None:
        entry = {"t": time.time() if t is None else t, "service": service, "action": action, "kind": classify(action)}
        with self._lock:
            if len(self._entries) == self._entries.maxlen:
                self._dropped += 1
            self._entries.append(entry)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._dropped = 0

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            entries = list(self._entries)
            dropped = self._dropped
        reads = sum(1 for entry in entries if entry["kind"] == "read")
        return {"total": len(entries), "reads": reads, "writes": len(entries) - reads, "dropped": dropped,
                "requests": entries}
