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


# Starting empty where an emulator ran before: start warns on stderr. Each test has its own run directory, so that a
# port used by an earlier test run does not count as a previous emulator.


def isolated(tmp_path: Path) -> dict[str, str]:
    return {"EMULATOR_RUN_DIR": str(tmp_path)}


def test_start_after_stop_warns_that_it_starts_empty(tmp_path: Path) -> None:
    from tests.emulator.__main__ import free_port

    other, env = free_port(), isolated(tmp_path)
    first = emulator("start", port=other, env=env)
    try:
        assert first.returncode == 0, first.stderr
        assert first.stderr == ""
        pid = re.search(r"pid (\d+)", first.stdout).group(1)
        again = emulator("start", port=other, env=env)
        assert again.returncode == 0 and "already running" in again.stdout and again.stderr == ""
        assert emulator("stop", port=other, env=env).returncode == 0
        second = emulator("start", port=other, env=env)
        assert second.returncode == 0, second.stderr
        assert re.fullmatch(
            rf"WARNING: The emulator on port {other} starts empty: the one started at [0-9-]+ [0-9:]+ \(pid {pid}\) is "
            r"gone \(stopped with make emulator-stop at [0-9-]+ [0-9:]+\), and everything deployed to it with it\. "
            rf"Run make deploy ENV=local AWS_EMULATOR_PORT={other} again to recreate the stack\.\n", second.stderr)
    finally:
        emulator("stop", port=other, env=env)


def test_start_after_a_kill_warns_that_the_last_one_was_not_stopped_cleanly(tmp_path: Path) -> None:
    import os
    import signal
    import time

    from tests.emulator.__main__ import free_port

    other, env = free_port(), isolated(tmp_path)

    def kill(signum: int) -> int:
        pid = int((tmp_path / f"emulator-{other}.pid").read_text())
        os.kill(pid, signum)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return pid
            time.sleep(0.1)
        raise AssertionError(f"the emulator (pid {pid}) still runs 15 s after signal {signum}")

    try:
        assert emulator("start", port=other, env=env).returncode == 0
        pid = kill(signal.SIGTERM)
        after_term = emulator("start", port=other, env=env)
        assert after_term.returncode == 0, after_term.stderr
        assert f"(pid {pid}) is gone (ended by SIGTERM (kill or a shutdown) at " in after_term.stderr

        pid = kill(signal.SIGKILL)
        after_kill = emulator("start", port=other, env=env)
        assert after_kill.returncode == 0, after_kill.stderr
        assert after_kill.stderr.startswith(f"WARNING: The emulator on port {other} starts empty: ")
        assert (f"(pid {pid}) is gone (no longer running: it was not stopped cleanly (killed, crashed, or the "
                f"machine restarted); its log is {tmp_path / f'emulator-{other}.log'})") in after_kill.stderr
    finally:
        emulator("stop", port=other, env=env)
