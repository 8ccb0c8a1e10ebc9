"""An environment that does not exist fails loudly, with a non-zero exit, for every playbook and make target."""

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from .conftest import ROOT

PLAYBOOKS = ["site.yml", "playbooks/teardown.yml", "playbooks/secrets.yml"]
BIN = Path(sys.executable).parent


def run(*command: str) -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ANSIBLE_", "MAKE"))}
    env.update(ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_FORCE_COLOR="0", PATH=f"{BIN}:{env.get('PATH', '')}",
               # Nothing may reach an AWS endpoint: a run that got that far would fail differently.
               AWS_ENDPOINT_URL="http://127.0.0.1:9", AWS_EMULATOR_PORT="9")
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=300)
    return result.returncode, result.stdout + result.stderr


def in_parallel(commands: list[list[str]]) -> list[tuple[int, str]]:
    with ThreadPoolExecutor(len(commands)) as pool:
        return list(pool.map(lambda command: run(*command), commands))


@pytest.mark.parametrize("target", ["deploy", "plan", "destroy", "secrets"])
def test_make_refuses_an_unknown_environment(target: str) -> None:
    rc, out = run("make", "--no-print-directory", target, "ENV=prdo")
    assert rc != 0
    assert "ENV=prdo has no inventory (inventories/prdo/hosts.yml). The environments are: dev local prod" in out


def test_every_playbook_refuses_a_mistyped_inventory() -> None:
    results = in_parallel([[str(BIN / "ansible-playbook"), path, "-i", "inventories/prdo"] for path in PLAYBOOKS])
    for path, (rc, out) in zip(PLAYBOOKS, results):
        assert rc != 0, f"{path}: {out}"
        assert "Unable to parse" in out and "inventories/prdo" in out, f"{path}: {out}"
        assert "No inventory was parsed" in out, f"{path}: {out}"


def test_every_playbook_refuses_an_inventory_without_hasura_blog_hosts(tmp_path: Path) -> None:
    # The environment's hosts under another group name: the hasura_blog group is empty.
    inventory = tmp_path / "hosts.yml"
    inventory.write_text("webservers:\n  hosts:\n    localhost:\n      ansible_connection: local\n")
    results = in_parallel([[str(BIN / "ansible-playbook"), path, "-i", str(inventory)] for path in PLAYBOOKS])
    for path, (rc, out) in zip(PLAYBOOKS, results):
        assert rc != 0, f"{path}: {out}"
        assert f"The inventory {inventory} has no host in the group hasura_blog" in out, f"{path}: {out}"


def test_a_partial_run_of_an_environment_that_was_never_deployed_fails_clearly(aws, playbook) -> None:
    # Before: the role found none of the ids earlier roles set, printed "Would create ..." and exited 0.
    rc, out = playbook("site.yml", "--tags", "ecs_services", env_name="never-made")
    assert rc != 0
    assert "This run skips the vpc role (--tags or --skip-tags) but needs the VPC hasura-blog-never-made-vpc" in out
    assert "Deploy the whole stack first (make deploy ENV=never-made), or add the tag vpc." in out
    assert "Would " not in out
    assert "changed=0" in out.split("PLAY RECAP")[-1]
    assert [arn for arn in aws("ecs").list_clusters()["clusterArns"] if "never-made" in arn] == []
    assert [s for s in aws("secretsmanager").list_secrets()["SecretList"] if "never-made" in s["Name"]] == []
    assert [p for p in aws("ssm").describe_parameters()["Parameters"] if "never-made" in p["Name"]] == []
    assert aws("ec2").describe_vpcs(Filters=[{"Name": "tag:Environment", "Values": ["never-made"]}])["Vpcs"] == []
