"""One precedence: an environment's setting wins from the CLI and from an inventory as AWX imports and replays it.

AWX imports an inventory with `ansible-inventory --list --export` (no vault password: an inventory source takes no
vault credential) and, for each job, replays what it stored as a generated inventory script. Those variables rank
as inventory-file variables, below the group_vars/ next to the playbook; from the CLI, the inventory directory's
group_vars/ rank above it. So the top-level group_vars/ must hold nothing an environment overrides.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import ROOT, local_secrets

BIN = Path(sys.executable).parent
# What the probe prints, one line per variable: as the roles would read them.
PROBED = ["hasura_blog_aws_region", "hasura_blog_project", "hasura_blog_name_prefix", "nat_gateway_count", "vpc_azs"]


# The project's ansible.cfg without its vault identity: no vault password at all, as an AWX inventory sync has.
NO_VAULT_CONFIG = "\n".join(line for line in (ROOT / "ansible.cfg").read_text().splitlines()
                            if not line.startswith("vault_identity_list"))


def run(*command: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    config = Path(os.environ.get("TMPDIR", "/tmp")) / f"precedence-{os.getpid()}.cfg"
    config.write_text(NO_VAULT_CONFIG.replace("./collections", str(ROOT / "collections")))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ANSIBLE_"))}
    env.update(ANSIBLE_CONFIG=str(config), ANSIBLE_FORCE_COLOR="0")
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=300)


def export(inventory: Path) -> dict:
    result = run(str(BIN / "ansible-inventory"), "-i", str(inventory), "--list", "--export")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("env", ["local", "dev", "prod"])
def test_every_inventory_exports_without_a_vault_password_and_without_secrets(env: str) -> None:
    exported = json.dumps(export(ROOT / "inventories" / env))
    assert "$ANSIBLE_VAULT" not in exported
    for value in local_secrets().values():
        assert value not in exported


@pytest.fixture(scope="module")
def probe(tmp_path_factory) -> Path:
    """A playbook next to the project's group_vars/, as site.yml is, that writes what the roles would read."""
    directory = tmp_path_factory.mktemp("probe")
    (directory / "group_vars").symlink_to(ROOT / "group_vars")
    values = "{" + ", ".join(f"'{name}': {name}" for name in PROBED) + "}"
    (directory / "probe.yml").write_text(yaml.safe_dump([{
        "hosts": "hasura_blog", "gather_facts": False,
        "tasks": [
            # The roles' defaults (vpc_azs, nat_gateway_count) without running any of their tasks.
            {"ansible.builtin.import_role": {"name": "hasura_blog.aws.vpc"}, "when": False},
            {"ansible.builtin.import_role": {"name": "hasura_blog.aws.nat"}, "when": False},
            {"ansible.builtin.copy": {"content": "{{ " + values + " | to_json }}", "dest": "{{ probe_output }}",
                                      "mode": "0600"}},
        ],
    }], sort_keys=False))
    return directory / "probe.yml"


def probed(probe: Path, inventory: Path) -> dict:
    output = probe.parent / "output.json"
    output.unlink(missing_ok=True)
    result = run(str(BIN / "ansible-playbook"), str(probe), "-i", str(inventory), "-e", f"probe_output={output}",
                 cwd=probe.parent)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(output.read_text())


def test_an_environments_override_wins_from_the_cli_and_from_an_awx_export(probe: Path, tmp_path: Path) -> None:
    # prod with its own region and AZs, and a single NAT gateway (role default: 2).
    inventory = tmp_path / "inventories" / "prod"
    (inventory / "group_vars" / "hasura_blog").mkdir(parents=True)
    (inventory / "hosts.yml").write_text((ROOT / "inventories/prod/hosts.yml").read_text())
    settings = yaml.safe_load((ROOT / "inventories/prod/group_vars/hasura_blog/main.yml").read_text())
    settings.update(hasura_blog_aws_region="eu-west-1", nat_gateway_count=1)
    (inventory / "group_vars" / "hasura_blog" / "main.yml").write_text(yaml.safe_dump(settings))
    expected = {"hasura_blog_aws_region": "eu-west-1", "hasura_blog_project": "hasura-blog",
                "hasura_blog_name_prefix": "hasura-blog-prod", "nat_gateway_count": 1,
                "vpc_azs": ["eu-west-1a", "eu-west-1b"]}

    assert probed(probe, inventory) == expected

    # AWX: the export is stored, then replayed for the job as an inventory script in the job's private data dir.
    replay = tmp_path / "awx" / "inventory" / "hosts"
    replay.parent.mkdir(parents=True)
    replay.write_text("#!/bin/sh\ncat <<'EOF'\n" + json.dumps(export(inventory)) + "\nEOF\n")
    replay.chmod(0o755)
    assert probed(probe, replay) == expected


def security_table() -> dict[str, dict[str, object]]:
    """README, Security: variable -> {env: value} of each row of the controls table."""
    text = (ROOT / "README.md").read_text()
    section = text[text.index("## Security\n"):]
    rows: dict[str, dict[str, object]] = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 6 and cells[1].startswith("`") and cells[2].startswith("`"):
            rows[cells[1].strip("`")] = {env: yaml.safe_load(value.strip("`")) for env, value in zip(("local", "dev", "prod"), cells[2:5])}
    return rows


def test_the_security_settings_of_each_environment_are_the_readmes(tmp_path: Path) -> None:
    table = security_table()
    assert len(table) >= 6 and "ecs_services_readonly_root_filesystem" in table
    (tmp_path / "group_vars").symlink_to(ROOT / "group_vars")
    values = "{" + ", ".join(f"'{name}': {name}" for name in table) + "}"
    roles = sorted({name.split("_")[0] if not name.startswith(("ecs_cluster", "ecs_services")) else "_".join(name.split("_")[:2])
                    for name in table})
    (tmp_path / "probe.yml").write_text(yaml.safe_dump([{
        "hosts": "hasura_blog", "gather_facts": False,
        "tasks": [{"ansible.builtin.import_role": {"name": f"hasura_blog.aws.{role}"}, "when": False} for role in roles] + [
            {"ansible.builtin.copy": {"content": "{{ " + values + " | to_json }}", "dest": "{{ probe_output }}", "mode": "0600"}}],
    }], sort_keys=False))
    for env in ("local", "dev", "prod"):
        seen = probed(tmp_path / "probe.yml", ROOT / "inventories" / env)
        assert seen == {name: by_env[env] for name, by_env in table.items()}, env
