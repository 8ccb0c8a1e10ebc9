"""Realistic mode of the emulator: AWS's time, transitional states, eventual consistency and faults.

moto answers at once and keeps no time. AWS does not: resources pass through transitional states for minutes,
deleted things linger, IAM is eventually consistent, and calls are throttled. With ``AWS_EMULATOR_REALISM=1`` the
launcher applies the behaviours listed in ``BEHAVIOURS`` on top of the fidelity patches, so that the roles meet
what they meet on AWS, only faster.

Configuration (environment of the emulator process, read once; the control endpoint changes it at run time):

- ``AWS_EMULATOR_REALISM``: ``1`` turns realistic mode on.
- ``AWS_EMULATOR_TIME_SCALE``: every real-AWS duration of ``REAL_DURATIONS`` is multiplied by it (default 0.05:
  an RDS instance is ``creating`` for 21 s instead of 7 min).
- ``AWS_EMULATOR_DURATIONS``: ``name=seconds,...`` sets single durations in (unscaled) seconds.
- ``AWS_EMULATOR_FAULT_RATE``: the share of AWS API requests answered with a throttling error or a 5xx (default 0).
- ``AWS_EMULATOR_FAULT_SEED``: seeds the fault injection, for reproducible runs.

Control endpoint (``/_emulator/realism`` on the emulator's port): ``GET`` returns ``snapshot()``; ``POST`` with a JSON
object calls ``update()``: ``{"durations": {...}, "time_scale": x, "fault_rate": x, "advance": seconds,
"fail_rollouts": ["<service name>", ...]}``.

Behaviour modules read time only through ``now()`` and ``duration()``, so that ``advance`` moves every resource on.
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# Typical durations on real AWS, in seconds, before scaling. Each names the state it times.
REAL_DURATIONS: dict[str, float] = {
    "nat_gateway_pending": 90,        # CreateNatGateway: pending -> available, 1-2 min
    "nat_gateway_deleting": 60,       # DeleteNatGateway: deleting -> deleted; the Elastic IP stays associated
    "rds_creating": 420,              # db.t3.micro: creating (no Endpoint), 5-10 min
    "rds_backing_up": 60,             # the first automated backup right after creation
    "rds_modifying": 60,              # ModifyDBInstance with ApplyImmediately
    "rds_deleting": 240,              # DeleteDBInstance: deleting, then DBInstanceNotFound
    "alb_provisioning": 150,          # CreateLoadBalancer: provisioning -> active, 2-3 min
    "ecs_rollout": 180,               # a deployment: IN_PROGRESS -> COMPLETED (or FAILED) with its tasks
    "ecs_scaling": 60,                # a new desired count: tasks PENDING -> RUNNING (or stopping) within a deployment
    "ecs_draining": 60,               # DeleteService: DRAINING until its tasks have stopped, then INACTIVE
    "ecs_service_linked_role": 10,    # AWSServiceRoleForECS is usable this long after it is created
    "secret_deletion": 30,            # DeleteSecret(ForceDeleteWithoutRecovery) completes asynchronously
    "eni_linger": 120,                # network interfaces of a deleted ALB, NAT gateway, DB or task
    "alb_deleting": 30,               # DeleteLoadBalancer returned, its target groups are still in use
    "iam_propagation": 10,            # a new IAM role cannot be assumed by a service yet
    "acm_records_pending": 10,        # RequestCertificate: DescribeCertificate has no validation records yet
    "acm_validating": 120,            # the validation records resolve: PENDING_VALIDATION -> ISSUED, minutes
}
DEFAULT_TIME_SCALE = 0.05
CONTROL_PATH = "/_emulator/realism"


@dataclass
class Realism:
    enabled: bool = False
    time_scale: float = DEFAULT_TIME_SCALE
    durations: dict[str, float] = field(default_factory=dict)  # explicit overrides, in seconds
    fault_rate: float = 0.0
    offset: float = 0.0                                          # seconds added to the clock by "advance"
    fail_rollouts: list[str] = field(default_factory=list)       # service names whose next rollout fails
    rng: random.Random = field(default_factory=random.Random)
    lock: threading.RLock = field(default_factory=threading.RLock)


def _parse_durations(text: str) -> dict[str, float]:
    durations: dict[str, float] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, _equals, seconds = item.partition("=")
        if name not in REAL_DURATIONS:
            raise ValueError(f"unknown duration {name!r} in AWS_EMULATOR_DURATIONS; known: {sorted(REAL_DURATIONS)}")
        durations[name] = float(seconds)
    return durations


def from_environment(environ: dict[str, str] | None = None) -> Realism:
    env = os.environ if environ is None else environ
    state = Realism(
        enabled=env.get("AWS_EMULATOR_REALISM", "").lower() in ("1", "true", "yes", "on"),
        time_scale=float(env.get("AWS_EMULATOR_TIME_SCALE") or DEFAULT_TIME_SCALE),
        durations=_parse_durations(env.get("AWS_EMULATOR_DURATIONS", "")),
        fault_rate=float(env.get("AWS_EMULATOR_FAULT_RATE") or 0),
    )
    if env.get("AWS_EMULATOR_FAULT_SEED"):
        state.rng.seed(int(env["AWS_EMULATOR_FAULT_SEED"]))
    return state


STATE = from_environment({})


def configure(state: Realism) -> None:
    """Replace the process-wide configuration (the launcher at start, tests in-process)."""
    global STATE
    STATE = state


def now() -> float:
    """The emulator's clock, in epoch seconds: wall time plus what ``advance`` added."""
    return time.time() + STATE.offset


def duration(name: str) -> float:
    """How long the named transition lasts now, in seconds (0 when realistic mode is off)."""
    if not STATE.enabled:
        return 0.0
    if name in STATE.durations:
        return STATE.durations[name]
    return REAL_DURATIONS[name] * STATE.time_scale


def elapsed(since: float, name: str) -> bool:
    """True once the named transition that started at ``since`` (a ``now()`` value) is over."""
    return now() - since >= duration(name)


def advance(seconds: float) -> None:
    with STATE.lock:
        STATE.offset += float(seconds)


def take_rollout_failure(service_name: str) -> bool:
    """True (once) when a test asked that the next rollout of this service fail."""
    with STATE.lock:
        if service_name in STATE.fail_rollouts:
            STATE.fail_rollouts.remove(service_name)
            return True
    return False


def inject_fault() -> bool:
    """True for the share ``fault_rate`` of requests."""
    with STATE.lock:
        return STATE.enabled and STATE.fault_rate > 0 and STATE.rng.random() < STATE.fault_rate


@dataclass(frozen=True)
class Lingering:
    """The network interfaces of a deleted owner (an ALB, NAT gateway, DB instance or Fargate task)."""
    owner: str
    since: float
    vpc_id: str | None
    subnet_ids: frozenset[str]
    security_group_ids: frozenset[str]


LINGERING: list[Lingering] = []


def linger(owner: str, *, vpc_id: str | None = None, subnet_ids=(), security_group_ids=(),
           since: float | None = None) -> None:
    """Record that ``owner`` is gone (since ``since``, a ``now()`` value, by default now) but its network interfaces
    stay for ``duration('eni_linger')``. A state worked out lazily passes the moment it switched, not when it was seen."""
    if STATE.enabled:
        with STATE.lock:
            LINGERING.append(Lingering(owner, now() if since is None else since, vpc_id, frozenset(subnet_ids),
                                       frozenset(security_group_ids)))


def lingering(*, vpc_id: str | None = None, subnet_id: str | None = None, security_group_id: str | None = None) -> list[str]:
    """The owners whose lingering network interfaces still hold this VPC, subnet or security group."""
    with STATE.lock:
        live = [item for item in LINGERING if not elapsed(item.since, "eni_linger")]
        LINGERING[:] = live
    return [item.owner for item in live
            if (vpc_id and item.vpc_id == vpc_id) or (subnet_id and subnet_id in item.subnet_ids)
            or (security_group_id and security_group_id in item.security_group_ids)]


def update(payload: dict[str, Any]) -> dict[str, Any]:
    """Apply a control request; return the new snapshot. Unknown keys or durations are a ValueError."""
    known = {"enabled", "durations", "time_scale", "fault_rate", "advance", "fail_rollouts"}
    unknown = set(payload) - known
    if unknown:
        raise ValueError(f"unknown keys {sorted(unknown)}; known: {sorted(known)}")
    with STATE.lock:
        if "enabled" in payload:
            STATE.enabled = bool(payload["enabled"])
        for name, seconds in (payload.get("durations") or {}).items():
            if name not in REAL_DURATIONS:
                raise ValueError(f"unknown duration {name!r}; known: {sorted(REAL_DURATIONS)}")
            STATE.durations[name] = float(seconds)
        if "time_scale" in payload:
            STATE.time_scale = float(payload["time_scale"])
        if "fault_rate" in payload:
            STATE.fault_rate = float(payload["fault_rate"])
        STATE.fail_rollouts.extend(payload.get("fail_rollouts") or [])
        if payload.get("advance"):
            STATE.offset += float(payload["advance"])
    return snapshot()


def snapshot() -> dict[str, Any]:
    return {
        "enabled": STATE.enabled,
        "time_scale": STATE.time_scale,
        "durations": {name: duration(name) for name in REAL_DURATIONS},
        "fault_rate": STATE.fault_rate,
        "offset": STATE.offset,
        "fail_rollouts": list(STATE.fail_rollouts),
    }


@dataclass(frozen=True)
class Behaviour:
    """One AWS behaviour that realistic mode restores, with the AWS documentation it follows."""
    name: str
    restores: str
    source: str
    apply: Callable[[], list]


def behaviours() -> tuple[Behaviour, ...]:
    """Every behaviour, from the modules of this package (imported here so that moto loads only when serving)."""
    from tests.emulator.realism import ec2, ecs, elbv2, iam, rds, secretsmanager

    return ec2.BEHAVIOURS + elbv2.BEHAVIOURS + rds.BEHAVIOURS + ecs.BEHAVIOURS + secretsmanager.BEHAVIOURS + iam.BEHAVIOURS


def apply(skip: tuple[str, ...] = ()) -> list:
    """Start every behaviour not named in ``skip``; return the patchers (stop them with patches.revert)."""
    from tests.emulator.patches import start_named

    return start_named(behaviours(), skip, "behaviours")
