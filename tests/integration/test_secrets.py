"""playbooks/secrets.yml: strong values, vault-encrypted for the environment, never overwritten, never logged."""

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml
from ansible.parsing.vault import VaultLib, VaultSecret

from .conftest import ROOT

PASSWORD = "ci-only-vault-password"


def run(inventory: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ANSIBLE_"))}
    env.update(ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_FORCE_COLOR="0")
    return subprocess.run([str(Path(sys.executable).parent / "ansible-playbook"), "playbooks/secrets.yml", "-i",
                           str(inventory), "-e", f"secrets_vault_password={PASSWORD}", "-vvv", *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, check=False)


def test_secrets_file_is_generated_encrypted_and_never_overwritten(tmp_path: Path) -> None:
    inventory = tmp_path / "inventories" / "ci"
    (inventory / "group_vars" / "hasura_blog").mkdir(parents=True)
    (inventory / "hosts.yml").write_text((ROOT / "inventories/local/hosts.yml").read_text())
    # Outside the inventory (AWX imports inventories without a vault password), where the inventory says.
    vault_file = tmp_path / "secrets" / "ci.yml"
    vault_file.parent.mkdir()
    (inventory / "group_vars" / "hasura_blog" / "main.yml").write_text(
        f"hasura_blog_env: ci\nhasura_blog_secrets_file: {vault_file}\n")

    first = run(inventory)
    assert first.returncode == 0, first.stdout + first.stderr
    ciphertext = vault_file.read_text()
    assert ciphertext.startswith("$ANSIBLE_VAULT;1.2;AES256;ci\n")
    assert oct(vault_file.stat().st_mode & 0o777) == "0o600"

    secrets = yaml.safe_load(VaultLib([("ci", VaultSecret(PASSWORD.encode()))]).decrypt(ciphertext))
    assert set(secrets) == {"hasura_blog_db_password", "hasura_blog_admin_secret", "hasura_blog_jwt_key",
                            "hasura_blog_nextauth_secret"}
    assert len(secrets["hasura_blog_db_password"]) == 32
    assert not re.search(r'[/"@ ]', secrets["hasura_blog_db_password"])
    assert len(secrets["hasura_blog_jwt_key"].encode()) >= 32
    assert len(set(secrets.values())) == 4
    for value in secrets.values():
        assert value not in ciphertext
        assert value not in first.stdout + first.stderr

    password_file = tmp_path / "vault-password"
    password_file.write_text(PASSWORD)
    second = run(inventory, "--vault-id", f"ci@{password_file}")
    assert second.returncode != 0
    assert "exists. It holds the secrets this environment runs with" in second.stdout + second.stderr
    assert vault_file.read_text() == ciphertext
    assert not (ROOT / "secrets" / "ci.yml").exists()
