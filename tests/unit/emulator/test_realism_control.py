"""The realism middleware: the control endpoint, and throttling and 5xx faults that botocore retries as it does on
AWS. The fault tests run a real moto server (in a thread) behind the middleware and talk to it with boto3; the last
test starts the real launcher in realistic mode."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from werkzeug.test import Client

from tests.emulator import realism
from tests.emulator.__main__ import free_port
from tests.emulator.realism.middleware import FAULTS, RealismMiddleware

REGION = "us-east-1"
ROOT = Path(__file__).resolve().parents[3]

# One cheap read per service, and the protocol its errors come in.
CALLS: dict[str, tuple[str, Callable]] = {
    "ec2": ("ec2", lambda c: c.describe_vpcs()),
    "iam": ("query", lambda c: c.list_roles()),
    "rds": ("query", lambda c: c.describe_db_instances()),
    "elbv2": ("query", lambda c: c.describe_load_balancers()),
    "sts": ("query", lambda c: c.get_caller_identity()),
    "ecs": ("json", lambda c: c.list_clusters()),
    "secretsmanager": ("json", lambda c: c.list_secrets()),
    "logs": ("json", lambda c: c.describe_log_groups()),
}


def ok(app_environ: dict, start_response: Callable) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"moto"]


@dataclass
class Emulator:
    url: str
    middleware: RealismMiddleware

    def client(self, service: str, **retries: object):
        config = Config(retries=retries) if retries else None
        return boto3.client(service, region_name=REGION, endpoint_url=self.url, config=config)


@pytest.fixture
def emulator(served_moto: tuple[str, RealismMiddleware]) -> Emulator:
    return Emulator(*served_moto)


def post(client: Client, body: object) -> tuple[int, dict]:
    reply = client.post(realism.CONTROL_PATH, data=json.dumps(body), content_type="application/json")
    return reply.status_code, reply.get_json()


# The control endpoint


def test_control_answers_the_snapshot_and_the_fault_count(state: realism.Realism) -> None:
    reply = Client(RealismMiddleware(ok, behaviours_applied=True)).get(realism.CONTROL_PATH)
    assert reply.status_code == 200
    assert reply.get_json() == {**realism.snapshot(), "faults_injected": 0}
    assert reply.get_json()["enabled"] is True


def test_control_updates_durations_rate_and_clock(state: realism.Realism) -> None:
    client = Client(RealismMiddleware(ok, behaviours_applied=True))
    status, snapshot = post(client, {"durations": {"nat_gateway_pending": 5}, "fault_rate": 0.25, "advance": 1000})
    assert status == 200
    assert snapshot["durations"]["nat_gateway_pending"] == 5
    assert (snapshot["fault_rate"], snapshot["offset"], snapshot["faults_injected"]) == (0.25, 1000, 0)
    assert realism.duration("nat_gateway_pending") == 5


@pytest.mark.parametrize("body, message", [
    ({"no_such_key": 1}, "unknown keys"),
    ({"durations": {"no_such_duration": 1}}, "unknown duration"),
    ([1, 2], "JSON object"),
    ("{not json", "not JSON"),
], ids=["unknown-key", "unknown-duration", "not-an-object", "not-json"])
def test_control_refuses_wrong_requests(state: realism.Realism, body: object, message: str) -> None:
    client = Client(RealismMiddleware(ok, behaviours_applied=True))
    data = body if isinstance(body, str) else json.dumps(body)
    reply = client.post(realism.CONTROL_PATH, data=data, content_type="application/json")
    assert reply.status_code == 400
    assert message in reply.get_json()["message"]


def test_instant_mode_refuses_to_turn_realism_on(state: realism.Realism) -> None:
    state.enabled = False
    client = Client(RealismMiddleware(ok, behaviours_applied=False))
    status, answer = post(client, {"enabled": True})
    assert status == 400 and "AWS_EMULATOR_REALISM=1" in answer["message"]
    assert realism.STATE.enabled is False
    assert post(client, {"advance": 5})[0] == 200


def test_requests_pass_through_to_moto(state: realism.Realism) -> None:
    reply = Client(RealismMiddleware(ok, behaviours_applied=True)).get("/moto-api/")
    assert (reply.status_code, reply.data) == (200, b"moto")


# Faults


@pytest.mark.parametrize("service", sorted(CALLS))
def test_faults_come_in_the_service_protocol(emulator: Emulator, state: realism.Realism, service: str) -> None:
    kind, call = CALLS[service]
    state.fault_rate = 1.0
    client = emulator.client(service, mode="legacy", total_max_attempts=1)
    seen = []
    for _fault in FAULTS[kind]:
        with pytest.raises(ClientError) as refused:
            call(client)
        response = refused.value.response
        seen.append((response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"], response["Error"]["Message"]))
    assert seen == list(FAULTS[kind])
    assert emulator.middleware.faults_injected == len(FAULTS[kind])
    throttling = {"ec2": "RequestLimitExceeded", "query": "Throttling", "json": "ThrottlingException"}[kind]
    assert [code for _status, code, _message in seen].count(throttling) == 2


@pytest.mark.parametrize("mode", ["legacy", "standard"])
@pytest.mark.parametrize("service", sorted(CALLS))
def test_botocore_retries_every_fault(emulator: Emulator, state: realism.Realism, service: str, mode: str) -> None:
    kind, call = CALLS[service]
    state.fault_rate = 1.0
    with pytest.raises(ClientError) as refused:
        call(emulator.client(service, mode=mode, total_max_attempts=len(FAULTS[kind]) + 1))
    # Each of the faults in turn was retried; only the attempts ran out.
    assert refused.value.response["ResponseMetadata"]["RetryAttempts"] == len(FAULTS[kind])
    state.fault_rate = 0.0
    call(emulator.client(service))


def test_a_default_client_rides_out_half_of_the_calls_failing(emulator: Emulator, state: realism.Realism) -> None:
    # botocore's default (standard mode) makes 3 attempts, so 1 call in 8 would still fail at this rate; the seed
    # picks a run of 16 calls that all get through, 12 of their attempts faulted.
    state.fault_rate = 0.5
    state.rng.seed(20261169)
    retried = 0
    for service, (_operation, call) in sorted(CALLS.items()):
        client = emulator.client(service)
        for _attempt in range(2):
            metadata = call(client)["ResponseMetadata"]
            assert metadata["HTTPStatusCode"] == 200
            retried += metadata["RetryAttempts"]
    assert retried == emulator.middleware.faults_injected >= 10


def test_no_faults_at_rate_zero_or_in_instant_mode(emulator: Emulator, state: realism.Realism) -> None:
    for enabled, rate in ((True, 0.0), (False, 1.0)):
        state.enabled, state.fault_rate = enabled, rate
        for service, (_operation, call) in CALLS.items():
            call(emulator.client(service, mode="legacy", total_max_attempts=1))
    assert emulator.middleware.faults_injected == 0


def test_moto_api_and_control_endpoint_never_fault(emulator: Emulator, state: realism.Realism) -> None:
    state.fault_rate = 1.0
    with urllib.request.urlopen(f"{emulator.url}/moto-api/") as reply:
        assert reply.status == 200
    with urllib.request.urlopen(urllib.request.Request(f"{emulator.url}/moto-api/reset", method="POST")) as reply:
        assert reply.status == 200
    with urllib.request.urlopen(f"{emulator.url}{realism.CONTROL_PATH}") as reply:
        assert json.load(reply)["faults_injected"] == 0


# The launcher


def launcher(command: str, port: int, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tests.emulator", command, "--port", str(port)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=90, check=False)


def test_launcher_serves_realistic_mode(tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {name: value for name, value in os.environ.items() if not name.startswith(("AWS_", "MOTO_"))}
    env.update(AWS_EMULATOR_REALISM="1", AWS_EMULATOR_TIME_SCALE="1", EMULATOR_RUN_DIR=str(tmp_path),
               AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing")
    started = launcher("start", port, env)
    assert started.returncode == 0, started.stderr + (tmp_path / f"emulator-{port}.log").read_text()
    try:
        status = launcher("status", port, env)
        assert status.returncode == 0
        snapshot = json.loads(status.stdout.strip().splitlines()[-1])
        assert (snapshot["enabled"], snapshot["durations"]["nat_gateway_pending"], snapshot["faults_injected"]) == (True, 90, 0)

        ec2 = boto3.client("ec2", region_name=REGION, endpoint_url=url, aws_access_key_id="testing",
                           aws_secret_access_key="testing")
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24")["Subnet"]["SubnetId"]
        allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
        gateway = ec2.create_nat_gateway(SubnetId=subnet, AllocationId=allocation)["NatGateway"]["NatGatewayId"]

        def state() -> str:
            return ec2.describe_nat_gateways(NatGatewayIds=[gateway])["NatGateways"][0]["State"]

        assert state() == "pending"
        request = urllib.request.Request(f"{url}{realism.CONTROL_PATH}", data=json.dumps({"advance": 1000}).encode(),
                                         headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(request) as reply:
            assert json.load(reply)["offset"] == 1000
        assert state() == "available"
    finally:
        assert launcher("stop", port, env).returncode == 0
    assert launcher("status", port, env).returncode == 1
