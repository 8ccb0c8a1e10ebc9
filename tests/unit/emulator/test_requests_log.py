"""The emulator's request log (tests/emulator/requests_log.py): which action each AWS request is, whether it reads or
writes, and that the middleware records the requests that reach moto, and only those, in default and realistic mode."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from werkzeug.test import Client

from tests.emulator import realism
from tests.emulator.__main__ import free_port
from tests.emulator.realism.middleware import RealismMiddleware
from tests.emulator.requests_log import PATH, RequestLog, action_of, classify

ROOT = Path(__file__).resolve().parents[3]
SIGNED = "AWS4-HMAC-SHA256 Credential=emulator/20260101/us-east-1/{}/aws4_request, SignedHeaders=host, Signature=x"


# Classification


@pytest.mark.parametrize("action", [
    "DescribeVpcs", "DescribeNatGateways", "DescribeDBInstances", "DescribeTargetHealth", "GetCallerIdentity",
    "GetParameter", "GetSecretValue", "ListTagsForResource", "ListSecrets", "BatchGetSecretValue",
    "LookupEvents", "Describe", "Query", "FilterLogEvents", "GET /2015-03-31/functions", "HEAD /bucket",
])
def test_reads(action: str) -> None:
    assert classify(action) == "read"


@pytest.mark.parametrize("action", [
    "CreateVpc", "CreateNatGateway", "ModifyDBInstance", "PutParameter", "DeleteParameter", "RegisterTaskDefinition",
    "UpdateService", "TagResource", "AuthorizeSecurityGroupIngress", "PutRetentionPolicy", "AssumeRole",
    "Getaway", "Listen", "Describer", "POST /2015-03-31/functions", "PUT /bucket", "",
])
def test_writes(action: str) -> None:
    assert classify(action) == "write"


# The action of a request


def test_action_of_a_json_request_is_the_target_after_the_dot() -> None:
    environ = {"HTTP_X_AMZ_TARGET": "AmazonEC2ContainerServiceV20141113.DescribeServices",
               "CONTENT_TYPE": "application/x-amz-json-1.1", "wsgi.input": io.BytesIO(b"{}"), "CONTENT_LENGTH": "2"}
    assert action_of(environ) == "DescribeServices"
    assert environ["wsgi.input"].read() == b"{}"  # a JSON body is left alone


def test_action_of_a_form_request_leaves_the_body_for_moto() -> None:
    body = b"Action=CreateVpc&Version=2016-11-15&CidrBlock=10.0.0.0%2F16"
    environ = {"CONTENT_TYPE": "application/x-www-form-urlencoded; charset=utf-8", "CONTENT_LENGTH": str(len(body)),
               "wsgi.input": io.BytesIO(body), "REQUEST_METHOD": "POST"}
    assert action_of(environ) == "CreateVpc"
    assert environ["wsgi.input"].read() == body


def test_action_of_a_query_string_and_of_a_rest_request() -> None:
    assert action_of({"QUERY_STRING": "Action=DescribeRegions&Version=2016-11-15"}) == "DescribeRegions"
    assert action_of({"REQUEST_METHOD": "PUT", "PATH_INFO": "/bucket/key", "wsgi.input": io.BytesIO()}) == "PUT /bucket/key"


def test_the_log_counts_reads_and_writes_and_clears() -> None:
    log = RequestLog(max_entries=3)
    for action in ("CreateVpc", "DescribeVpcs", "DescribeSubnets", "DeleteVpc"):
        log.record("ec2", action, t=1.0)
    snapshot = log.snapshot()
    assert (snapshot["total"], snapshot["reads"], snapshot["writes"], snapshot["dropped"]) == (3, 2, 1, 1)
    assert [entry["action"] for entry in snapshot["requests"]] == ["DescribeVpcs", "DescribeSubnets", "DeleteVpc"]
    assert snapshot["requests"][0] == {"t": 1.0, "service": "ec2", "action": "DescribeVpcs", "kind": "read"}
    log.clear()
    assert log.snapshot() == {"total": 0, "reads": 0, "writes": 0, "dropped": 0, "requests": []}


# The middleware


def echo(environ: dict, start_response) -> list[bytes]:
    """A stand-in for moto that answers with the body it received."""
    body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [body]


def test_the_middleware_records_signed_requests_only(state: realism.Realism) -> None:
    middleware = RealismMiddleware(echo, behaviours_applied=True)
    client = Client(middleware)
    reply = client.post("/", data="Action=DescribeVpcs&Version=2016-11-15", headers={"Authorization": SIGNED.format("ec2")},
                        content_type="application/x-www-form-urlencoded")
    assert reply.data == b"Action=DescribeVpcs&Version=2016-11-15"  # what moto gets is the whole body
    client.post("/", data="{}", content_type="application/x-amz-json-1.1",
                headers={"Authorization": SIGNED.format("ecs"), "X-Amz-Target": "AmazonEC2ContainerServiceV20141113.CreateService"})
    client.get("/moto-api/", headers={"Authorization": SIGNED.format("ec2")})
    client.get(realism.CONTROL_PATH)
    client.get("/unsigned")
    logged = client.get(PATH).get_json()
    assert [(entry["service"], entry["action"], entry["kind"]) for entry in logged["requests"]] == [
        ("ec2", "DescribeVpcs", "read"), ("ecs", "CreateService", "write")]
    assert (logged["reads"], logged["writes"]) == (1, 1)
    assert client.delete(PATH).get_json()["total"] == 0
    assert client.get(PATH).get_json()["requests"] == []
    assert client.put(PATH).status_code == 405


def test_moto_answers_behind_the_log_and_faults_are_not_counted(served_moto, state: realism.Realism) -> None:
    url, middleware = served_moto

    def client(service: str, attempts: int = 3):
        return boto3.client(service, region_name="us-east-1", endpoint_url=url,
                            config=Config(retries={"mode": "standard", "total_max_attempts": attempts}))

    vpc = client("ec2").create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]  # moto parsed the form body we read first
    assert vpc["CidrBlock"] == "10.9.0.0/16"
    client("ecs").list_clusters()
    client("sts").get_caller_identity()
    state.fault_rate = 1.0
    with pytest.raises(ClientError):
        client("rds", attempts=2).describe_db_instances()
    state.fault_rate = 0.0
    logged = middleware.requests.snapshot()
    assert [(entry["service"], entry["action"]) for entry in logged["requests"]] == [
        ("ec2", "CreateVpc"), ("ecs", "ListClusters"), ("sts", "GetCallerIdentity")]
    assert (logged["reads"], logged["writes"], middleware.faults_injected) == (2, 1, 2)


def test_the_launcher_logs_requests_in_default_mode(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(EMULATOR_RUN_DIR=str(tmp_path), AWS_ACCESS_KEY_ID="emulator", AWS_SECRET_ACCESS_KEY="emulator")
    launcher = [sys.executable, "-m", "tests.emulator"]
    started = subprocess.run([*launcher, "start", "--port", str(port)], cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert started.returncode == 0, started.stderr
    try:
        url = f"http://127.0.0.1:{port}"
        with urllib.request.urlopen(f"{url}/_emulator/realism") as reply:
            assert json.load(reply)["enabled"] is False
        boto3.client("ec2", region_name="us-east-1", endpoint_url=url, aws_access_key_id="emulator",
                     aws_secret_access_key="emulator").describe_vpcs()
        with urllib.request.urlopen(f"{url}{PATH}") as reply:
            logged = json.load(reply)
        assert [(entry["service"], entry["action"], entry["kind"]) for entry in logged["requests"]] == [("ec2", "DescribeVpcs", "read")]
    finally:
        subprocess.run([*launcher, "stop", "--port", str(port)], cwd=ROOT, env=env, capture_output=True, check=False)
