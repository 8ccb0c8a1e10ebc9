"""Integration tests: the real playbooks against the project's emulator, started on a free port."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def emulator(*args: str, port: int) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tests.emulator", *args, "--port", str(port)],
                          cwd=ROOT, capture_output=True, text=True, check=False)


@pytest.fixture(scope="session")
def port() -> Iterator[int]:
    from tests.emulator.__main__ import free_port

    number = free_port()
    started = emulator("start", port=number)
    assert started.returncode == 0, started.stderr
    yield number
    emulator("stop", port=number)


@pytest.fixture(scope="session")
def aws(port: int):
    def client(service: str):
        return boto3.client(service, endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                            aws_access_key_id="emulator", aws_secret_access_key="emulator")
    return client


@pytest.fixture(scope="session")
def playbook(port: int):
    """Run a playbook against inventories/local with only AWS_EMULATOR_PORT set; return (rc, output)."""
    def run(path: str, *args: str, env_name: str = "local") -> tuple[int, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ANSIBLE_"))}
        env.update(AWS_EMULATOR_PORT=str(port), ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_FORCE_COLOR="0",
                   PATH=f"{Path(sys.executable).parent}:{env.get('PATH', '')}")
        result = subprocess.run([str(Path(sys.executable).parent / "ansible-playbook"), path, "-i", "inventories/local",
                                 "-e", f"hasura_blog_env={env_name}", *args],
                                cwd=ROOT, env=env, capture_output=True, text=True, check=False)
        return result.returncode, result.stdout + result.stderr
    return run


def changed(output: str) -> int:
    """The changed= count of the last PLAY RECAP in an ansible-playbook output."""
    return int(re.search(r"changed=(\d+)", output.split("PLAY RECAP")[-1]).group(1))


def local_secrets() -> dict:
    """The local environment's demo-only secrets, read from its vault file the way ansible-vault would."""
    view = subprocess.run(
        [str(Path(sys.executable).parent / "ansible-vault"), "view", "--vault-id",
         "local@inventories/local/vault-password.txt", "inventories/local/group_vars/hasura_blog/vault.yml"],
        cwd=ROOT, capture_output=True, text=True, check=True)
    return yaml.safe_load(view.stdout)
