"""The launcher: start is a no-op when running, and the port moves the endpoint of the local inventory."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.emulator.__main__ import answers, pid_file, running_pid

from .conftest import ROOT, emulator


def test_start_is_a_no_op_when_running(port: int, aws) -> None:
    # Once the emulator holds an RDS instance, moto's data.json answers 500: the health check must not use it.
    aws("rds").create_db_instance(DBInstanceIdentifier="launcher-it", Engine="postgres", DBInstanceClass="db.t3.micro",
                                  AllocatedStorage=20, MasterUsername="u", MasterUserPassword="not-a-secret-1")
    pid = running_pid(port)
    again = emulator("start", port=port)
    assert again.returncode == 0
    assert "already running" in again.stdout
    assert running_pid(port) == pid
    assert pid_file(port).exists()
    assert emulator("status", port=port).returncode == 0
    aws("rds").delete_db_instance(DBInstanceIdentifier="launcher-it", SkipFinalSnapshot=True)


def test_stop_then_start_on_a_new_port() -> None:
    from tests.emulator.__main__ import free_port

    other = free_port()
    assert not answers(other)
    assert emulator("start", port=other).returncode == 0
    try:
        assert answers(other)
    finally:
        assert emulator("stop", port=other).returncode == 0
    assert not answers(other)
    assert not pid_file(other).exists()
    assert "no emulator running" in emulator("stop", port=other).stdout


ANSIBLE = str(Path(sys.executable).parent / "ansible")


def test_only_the_port_moves_the_local_endpoint(port: int) -> None:
    result = subprocess.run(
        [ANSIBLE, "localhost", "-i", "inventories/local", "-m", "ansible.builtin.debug",
         "-a", "var=hasura_blog_aws_endpoint_url"],
        cwd=ROOT, capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", "AWS_EMULATOR_PORT": str(port),
                                                      "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg")}, check=False)
    assert re.search(rf"http://127\.0\.0\.1:{port}\b", result.stdout), result.stdout + result.stderr


@pytest.mark.parametrize("inventory", ["dev", "prod"])
def test_no_other_inventory_sets_an_endpoint(inventory: str) -> None:
    result = subprocess.run(
        [ANSIBLE, "localhost", "-i", f"inventories/{inventory}", "-m", "ansible.builtin.debug",
         "-a", "var=hasura_blog_aws_endpoint_url"],
        cwd=ROOT, capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg")},
        check=False)
    assert "'hasura_blog_aws_endpoint_url' is undefined" in result.stdout, result.stdout + result.stderr
