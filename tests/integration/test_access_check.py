"""access_check through ansible-playbook, wired as site.yml wires its AWS modules (module_defaults from the
inventory's variables): one clear message for an unreachable endpoint, a region typo, missing credentials, a key the
emulator does not know and a wrong secret key; the caller's identity on success, in check mode too. The secret key
appears in no output, even at -vvv.

One emulator for the file, with IAM enforcement (moto's INITIAL_NO_AUTH_ACTION_COUNT, switched at run time through
POST /moto-api/reset-auth, as in deployer.py): off while the test user is created, then on, so that
every request must be signed by a key the emulator knows.
"""

from __future__ import annotations

import json
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tests.emulator.__main__ import free_port

from .conftest import ROOT, clients, playbook_command, started_emulator

SECRET = "wrong-secret-Zq8yN3vT0pXk5mR2sL9cH4dF7"
UNKNOWN_KEY = "AKIAUNKNOWNKEYZ9XY"
USER = "access-check-deployer"


@dataclass
class Run:
    rc: int
    output: str
    result: dict
    seconds: float


@dataclass
class Enforced:
    port: int
    key: str
    secret: str
    playbook: Path

    def run(self, *args: str, port: int | None = None, env: dict[str, str] | None = None) -> Run:
        """Run the check playbook against the emulator on ``port`` (default: this one) at -vvv."""
        command, environment = playbook_command(port or self.port, str(self.playbook), "-vvv", *args)
        environment.update(env or {})
        result_file = self.playbook.with_suffix(".json")
        result_file.unlink(missing_ok=True)
        started = time.monotonic()
        done = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, check=False)
        return Run(done.returncode, done.stdout + done.stderr,
                   json.loads(result_file.read_text()) if result_file.exists() else {}, time.monotonic() - started)

    def as_user(self, key: str, secret: str, *args: str, **kwargs) -> Run:
        return self.run("-e", f"hasura_blog_aws_access_key={key}", "-e", f"hasura_blog_aws_secret_key={secret}",
                        *args, **kwargs)


def enforce(port: int, on: bool) -> None:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/moto-api/reset-auth", method="POST",
                                     data=b"0" if on else b"inf", headers={"Content-Type": "text/plain"})
    with urllib.request.urlopen(request, timeout=30) as reply:
        assert reply.status == 200


def check_playbook(path: Path) -> Path:
    """The check as site.yml runs it: module_defaults from the inventory's variables, the result kept in a file."""
    path.write_text(yaml.safe_dump([{
        "name": "Check access",
        "hosts": "hasura_blog",
        "gather_facts": False,
        "module_defaults": {"group/hasura_blog.aws.aws": {
            "region": "{{ hasura_blog_aws_region }}",
            "endpoint_url": "{{ hasura_blog_aws_endpoint_url | default(omit) }}",
            "access_key": "{{ hasura_blog_aws_access_key | default(omit) }}",
            "secret_key": "{{ hasura_blog_aws_secret_key | default(omit) }}",
            "aws_config": {"retries": {"mode": "standard", "max_attempts": 10}},
        }},
        "tasks": [{"block": [{"name": "Check the AWS endpoint, region and credentials",
                              "hasura_blog.aws.access_check": {"inventory": "inventories/{{ hasura_blog_env }}"},
                              "register": "access"}],
                   "always": [{"name": "Keep the result", "check_mode": False,
                               "ansible.builtin.copy": {"content": "{{ access | default({}) | to_json }}",
                                                        "dest": str(path.with_suffix(".json")), "mode": "0600"}}]}],
    }], sort_keys=False))
    return path


@pytest.fixture(scope="module")
def emulator(tmp_path_factory) -> Iterator[Enforced]:
    for port in started_emulator():
        iam = clients(port)("iam")
        iam.create_user(UserName=USER)
        key = iam.create_access_key(UserName=USER)["AccessKey"]
        enforce(port, True)
        try:
            yield Enforced(port, key["AccessKeyId"], key["SecretAccessKey"],
                           check_playbook(tmp_path_factory.mktemp("access-check") / "check.yml"))
        finally:
            enforce(port, False)


def assert_no_secret(run: Run, *secrets: str) -> None:
    for secret in secrets:
        assert secret not in run.output, f"a secret appears in the output:\n{run.output[-3000:]}"


def test_caller_identity(emulator: Enforced) -> None:
    run = emulator.as_user(emulator.key, emulator.secret)
    assert run.rc == 0, run.output[-3000:]
    assert run.result["arn"] == f"arn:aws:iam::123456789012:user/{USER}"
    assert run.result["account"] == "123456789012"
    assert run.result["region"] == "us-east-1"
    assert run.result["endpoint"] == f"http://127.0.0.1:{emulator.port}"
    assert run.result["changed"] is False
    assert_no_secret(run, emulator.secret)


def test_check_mode_checks_too(emulator: Enforced) -> None:
    run = emulator.as_user(emulator.key, emulator.secret, "--check")
    assert run.rc == 0, run.output[-3000:]
    assert run.result["arn"].endswith(f":user/{USER}") and not run.result.get("skipped")


def test_unreachable_endpoint(emulator: Enforced) -> None:
    closed = free_port()
    run = emulator.as_user(emulator.key, SECRET, port=closed)
    assert run.rc != 0
    assert run.result["failure"] == "unreachable"
    assert run.result["msg"] == (
        f"Cannot reach the AWS endpoint http://127.0.0.1:{closed} (us-east-1): nothing answers there (connection "
        "refused, no route, or the name does not resolve). Check hasura_blog_aws_endpoint_url / AWS_ENDPOINT_URL, the "
        "network or proxy (HTTPS_PROXY, NO_PROXY); for the local inventory start the emulator with make emulator "
        f"AWS_EMULATOR_PORT={closed}.")
    # One retry, not the ten of aws_config: the whole playbook ends in seconds (a deploy task takes 18 s here).
    assert run.seconds < 20, run.seconds
    assert_no_secret(run, SECRET)


# Ansible masks every no_log value wherever it appears in a module's answer: the local inventory's dummy secret key
# must be no word of the hint (it was 'emulator': the hint read 'start the ******** with make ********').
def test_unreachable_emulator_with_the_local_inventorys_own_keys(emulator: Enforced) -> None:
    closed = free_port()
    run = emulator.run(port=closed)
    assert run.result["failure"] == "unreachable"
    assert run.result["msg"].endswith(f"start the emulator with make emulator AWS_EMULATOR_PORT={closed}."), \
        run.result["msg"]


@pytest.mark.parametrize("where", ["emulator", "closed port"])
def test_region_typo_is_caught_before_any_call(emulator: Enforced, where: str) -> None:
    # Against a closed port too: the region check makes no AWS call, so the port cannot matter.
    run = emulator.as_user(emulator.key, SECRET, "-e", "hasura_blog_aws_region=us-esat-1",
                           port=emulator.port if where == "emulator" else free_port())
    assert run.rc != 0
    assert run.result["failure"] == "region"
    assert run.result["msg"].startswith(
        "hasura_blog_aws_region 'us-esat-1' is not an AWS region (did you mean us-east-1? botocore ")
    assert "Set hasura_blog_aws_region in inventories/local/group_vars/hasura_blog/main.yml." in run.result["msg"]
    assert "XML" not in run.output
    assert_no_secret(run, SECRET)


def test_unknown_access_key(emulator: Enforced) -> None:
    run = emulator.as_user(UNKNOWN_KEY, SECRET)
    assert run.rc != 0
    assert run.result["failure"] == "bad_credentials" and run.result["error_code"] == "InvalidClientTokenId"
    assert run.result["msg"] == (
        f"AWS refused the credentials for access key ...Z9XY (from hasura_blog_aws_access_key) at "
        f"http://127.0.0.1:{emulator.port} (us-east-1): it does not know this key (InvalidClientTokenId; deleted, "
        "deactivated, mistyped, or of another partition). Set the right key in AWS_ACCESS_KEY_ID / "
        "AWS_SECRET_ACCESS_KEY, in AWS_PROFILE's profile, or in the AWX Amazon Web Services credential.")
    assert_no_secret(run, SECRET)


def test_wrong_secret_key(emulator: Enforced) -> None:
    run = emulator.as_user(emulator.key, SECRET)
    assert run.rc != 0
    assert run.result["failure"] == "bad_credentials" and run.result["error_code"] == "SignatureDoesNotMatch"
    assert run.result["msg"].startswith(f"AWS refused the credentials for access key ...{emulator.key[-4:]} ")
    assert "the secret key does not belong to this access key (SignatureDoesNotMatch)" in run.result["msg"]
    assert_no_secret(run, SECRET, emulator.secret)


def test_no_credentials(emulator: Enforced, tmp_path: Path) -> None:
    # Nothing from this machine's own AWS configuration, nor from an instance role.
    isolated = {"AWS_CONFIG_FILE": str(tmp_path / "config"), "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
                "AWS_EC2_METADATA_DISABLED": "true"}
    run = emulator.as_user("", "", env=isolated)
    assert run.rc != 0
    assert run.result["failure"] == "no_credentials"
    assert run.result["msg"].startswith("No AWS credentials found for us-east-1: set AWS_PROFILE ")

    run = emulator.as_user("", "", env={**isolated, "AWS_PROFILE": "no-such-profile"})
    assert run.result["failure"] == "no_credentials"
    assert run.result["msg"].startswith("The AWS profile 'no-such-profile' (from AWS_PROFILE or the profile option) ")
