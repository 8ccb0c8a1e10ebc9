"""tools/inventory_vars.py (make status reads the inventory without Ansible) agrees with Ansible, or leaves it to Ansible.

Each case resolves hasura_blog_aws_connection and hasura_blog_status_target both ways: through tools/inventory_vars.py,
and through Ansible's own inventory and variable code (tools/status.py's inventory_settings, what make status ran
before). Inventories it does not know (host_vars, vault, other lookups, other groups) must come back as None, so that
make status asks Ansible; the host_vars case shows why: the value differs.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NAMES = {"connection": "hasura_blog_aws_connection", "target": "hasura_blog_status_target"}


def _tool(name: str):
    spec = importlib.util.spec_from_file_location(f"hasura_blog_tools_{name}", ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


inventory_vars = _tool("inventory_vars")
status = _tool("status")


def ansible(inventory: str | Path, extra_vars: list[str]) -> dict:
    """Ansible's answer, in a process of its own: in one process Ansible caches extra vars and vars files."""
    code = ("import json, sys; sys.path.insert(0, 'tools'); import status; "
            "print(json.dumps(status.inventory_settings(sys.argv[1], sys.argv[2:])))")
    run = subprocess.run([sys.executable, "-c", code, str(inventory), *extra_vars], cwd=ROOT, capture_output=True, text=True,
                         check=False)
    if run.returncode:
        raise RuntimeError(run.stderr[-3000:])
    return json.loads(run.stdout)


@pytest.fixture(autouse=True)
def _environment(monkeypatch):
    monkeypatch.chdir(ROOT)
    for name in ("AWS_ENDPOINT_URL", "AWS_EMULATOR_PORT", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "ANSIBLE_CONFIG") + inventory_vars.ANSIBLE_ENV:
        monkeypatch.delenv(name, raising=False)


CASES = [
    ("local", {}, []),
    ("local", {"AWS_EMULATOR_PORT": "4599", "AWS_ACCESS_KEY_ID": "id-from-env"}, []),
    ("local", {"AWS_ENDPOINT_URL": "http://emulator.example:5000"}, ["rds_identifier=restored-db alb_console_port=9090"]),
    ("dev", {}, []),
    ("dev", {}, ['{"hasura_blog_aws_region": "eu-west-1", "ecs_cluster_name": "shared"}']),
    ("prod", {}, ["hasura_blog_aws_endpoint_url=http://127.0.0.1:4570", "alb_name=edge"]),
    ("local", {}, ["hasura_blog_console=false"]),
    ("prod", {}, ["hasura_blog_console=yes"]),
]


@pytest.mark.parametrize(("env", "environ", "extra_vars"), CASES)
def test_the_quick_read_agrees_with_ansible(monkeypatch, env, environ, extra_vars) -> None:
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    quick = inventory_vars.settings(f"inventories/{env}", NAMES, extra_vars)
    assert quick is not None
    assert quick == ansible(f"inventories/{env}", extra_vars)
    assert quick["target"]["env"] == env


def test_what_the_emulator_settings_change_is_seen(monkeypatch) -> None:
    monkeypatch.setenv("AWS_EMULATOR_PORT", "4599")
    connection = inventory_vars.settings("inventories/local", NAMES, [])["connection"]
    assert connection["endpoint_url"] == "http://127.0.0.1:4599"
    assert "endpoint_url" not in inventory_vars.settings("inventories/prod", NAMES, [])["connection"]  # omit: boto3's chain


def _copy(tmp_path: Path, env: str = "dev") -> Path:
    target = tmp_path / env
    shutil.copytree(ROOT / "inventories" / env, target)
    return target


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text() + text)


def test_host_vars_are_left_to_ansible(tmp_path) -> None:
    inventory = _copy(tmp_path)
    (inventory / "host_vars").mkdir()
    (inventory / "host_vars" / "localhost.yml").write_text("alb_name: from-host-vars\n")
    assert inventory_vars.settings(str(inventory), NAMES, []) is None
    assert ansible(inventory, [])["target"]["load_balancer"] == "from-host-vars"


@pytest.mark.parametrize("change", [
    pytest.param(lambda inv: _append(inv / "group_vars" / "hasura_blog" / "main.yml",
                                     "alb_name: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  3132\n"), id="vault value"),
    pytest.param(lambda inv: _append(inv / "group_vars" / "hasura_blog" / "main.yml",
                                     "alb_name: \"{{ lookup('ansible.builtin.pipe', 'hostname') }}\"\n"), id="other lookup"),
    pytest.param(lambda inv: _append(inv / "group_vars" / "hasura_blog" / "main.yml",
                                     "alb_name: \"{{ 'x' | ansible.builtin.to_uuid }}\"\n"), id="ansible filter"),
    pytest.param(lambda inv: (inv / "group_vars" / "hasura_blog" / "vault.yml").write_text("$ANSIBLE_VAULT;1.1;AES256\n31\n"),
                 id="vault file"),
    pytest.param(lambda inv: (inv / "group_vars" / "webservers.yml").write_text("alb_name: other\n"), id="other group"),
    pytest.param(lambda inv: (inv / "inventory.ini").write_text("[hasura_blog]\nlocalhost\n"), id="another source"),
])
def test_what_only_ansible_reads_is_left_to_it(tmp_path, change) -> None:
    inventory = _copy(tmp_path)
    assert inventory_vars.settings(str(inventory), NAMES, []) is not None  # the copy itself is read
    change(inventory)
    assert inventory_vars.settings(str(inventory), NAMES, []) is None


@pytest.mark.parametrize("extra_vars", [["@vars.yml"], ["not a pair"]])
def test_extra_vars_it_cannot_parse_are_left_to_ansible(extra_vars) -> None:
    assert inventory_vars.settings("inventories/dev", NAMES, extra_vars) is None


def test_another_ansible_configuration_is_left_to_ansible(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("ANSIBLE_CONFIG", str(ROOT / "ansible.cfg"))  # the project's, as make bench names it
    assert inventory_vars.settings("inventories/dev", NAMES, []) is not None
    monkeypatch.setenv("ANSIBLE_CONFIG", str(tmp_path / "ansible.cfg"))
    assert inventory_vars.settings("inventories/dev", NAMES, []) is None
    monkeypatch.delenv("ANSIBLE_CONFIG")
    monkeypatch.chdir(tmp_path)  # another directory: another ansible.cfg
    assert inventory_vars.settings(str(ROOT / "inventories" / "dev"), NAMES, []) is None


def test_an_undefined_variable_is_left_to_ansible_and_its_error(tmp_path) -> None:
    inventory = _copy(tmp_path)
    _append(inventory / "group_vars" / "hasura_blog" / "main.yml", "hasura_blog_aws_region: \"{{ no_such_variable }}\"\n")
    assert inventory_vars.settings(str(inventory), NAMES, []) is None
    with pytest.raises(RuntimeError, match="no_such_variable"):
        ansible(inventory, [])


@pytest.mark.parametrize("name", ["ec2/2016-11-15/service-2", "ecs/2014-11-13/service-2", "endpoints", "_retry"])
def test_the_model_file_loader_reads_what_botocore_reads(name) -> None:
    import botocore
    from botocore.loaders import JSONFileLoader

    path = str(Path(botocore.__file__).parent / "data" / name)
    assert status.JSONFiles().exists(path) and JSONFileLoader().exists(path)
    assert status.JSONFiles().load_file(path) == JSONFileLoader().load_file(path)
    assert not status.JSONFiles().exists(path + "-missing") and status.JSONFiles().load_file(path + "-missing") is None


@pytest.mark.parametrize(("where", "text"), [
    ("group_vars/hasura_blog/main.yml", "hasura_blog_project: from-inventory-group\n"),  # above the playbooks' group_vars/all
    ("group_vars/all.yml", "hasura_blog_project: below-the-playbooks\nalb_console_port: 8181\n"),
    ("hosts.yml", "  vars:\n    hasura_blog_project: from-hosts-file\n    rds_identifier: from-hosts-file\n"),
])
def test_precedence_is_ansibles(tmp_path, where, text) -> None:
    inventory = _copy(tmp_path)
    if where == "hosts.yml":
        text = (inventory / where).read_text().replace("hasura_blog:\n", "hasura_blog:\n" + text, 1)
        (inventory / where).write_text(text)
    else:
        (inventory / where).write_text(((inventory / where).read_text() if (inventory / where).exists() else "") + text)
    quick = inventory_vars.settings(str(inventory), NAMES, [])
    assert quick is not None and quick == ansible(inventory, [])
