"""Jobs of the job templates of playbooks/awx/configure.yml, prepared and run the way AWX runs them.

AWX (ansible/awx awx/main/tasks/jobs.py, awx/main/models/inventory.py; awx-plugins credentials/injectors.py) runs
a job with ansible-runner on a private data directory that it lays out like this, and so does ``Job``:

- ``project/``: the project's checkout copied with ``shutil.copytree(..., ignore=ignore_patterns('.git'),
  symlinks=True)`` (RunProjectUpdate.make_local_copy); collections/ansible_collections/hasura_blog/aws stays a link.
- ``inventory/hosts``: not the repository's inventory but what AWX stored when it synced the inventory source
  (``ansible-inventory -i project/<source_path> --list --export``, no vault password), replayed by
  Inventory.get_script_data(hostvars=True, towervars=True) as an executable script that prints JSON.
- ``env/extravars``: the job template's extra vars, the survey answers and awx_meta_vars(), written by
  awx.main.utils.safe_yaml.safe_dump: everything but the template's own top-level extra vars is ``!unsafe``.
- ``env/cmdline``: ``--check``, ``-u root``, ``--diff``, ``--vault-id <id>@prompt`` (RunJob.build_args).
- ``env/settings``: the job timeout; runner's own output suppressed.
- the environment (``envvars``) and the prompt answers (``passwords``) are not files: AWX hands them to runner as
  arguments with ``suppress_env_files=True``, so that no secret is written to disk. The "Amazon Web Services"
  credential adds AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; a Vault credential with vault id <id> adds
  ``--vault-id <id>@prompt`` and the answer to the prompt ``Vault password \\(<id>\\):\\s*?$``.

AWX sets no ANSIBLE_VAULT_IDENTITY_LIST: the project's ansible.cfg (vault_identity_list = local@...) still applies
in AWX. So that it cannot be what decrypts, this environment's secrets file is encrypted with its own vault id and
a password that only the Vault credential holds, and a job without that credential must fail.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import ansible_runner
import yaml
from ansible.parsing.vault import VaultLib, VaultSecret

from .conftest import ROOT, local_secrets

BIN = Path(sys.executable).parent
# What .gitignore keeps out of a checkout, and .git, which AWX leaves out of the job's copy.
NOT_IN_A_CHECKOUT = (".git", ".venv", ".run", "__pycache__", ".pytest_cache", ".ansible", "*.tar.gz", "*.retry")
# awx/settings/defaults.py: the ANSIBLE_* settings every job gets.
AWX_SETTINGS_ENV = {"ANSIBLE_HOST_KEY_CHECKING": "False", "ANSIBLE_PARAMIKO_RECORD_HOST_KEYS": "False",
                    "ANSIBLE_FORCE_COLOR": "True", "ANSIBLE_INVENTORY_UNPARSED_FAILED": "True"}
# RunJob.get_password_prompts: every prompt AWX answers, with '' where the job has no such password.
BECOME_METHODS = ("sudo", "su", "pbrun", "pfexec", "dzdo", "pmrun", "runas", "enable", "doas", "ksu", "machinectl",
                  "sesu")


def checkout(destination: Path, env_name: str, vault_password: str) -> Path:
    """The project as AWX copies it into a job, with environment ``env_name``'s secrets as `make secrets` would add
    them: local's values, under vault id ``env_name``, with a password that only the Vault credential holds."""
    project = destination / "project"
    shutil.copytree(ROOT, project, symlinks=True, ignore=shutil.ignore_patterns(*NOT_IN_A_CHECKOUT))
    assert (project / "collections/ansible_collections/hasura_blog/aws").is_symlink()
    plain = yaml.safe_dump(local_secrets()).encode()
    vault = VaultLib([(env_name, VaultSecret(vault_password.encode()))])
    (project / "secrets" / f"{env_name}.yml").write_bytes(vault.encrypt(plain, vault_id=env_name))
    return project


def stored_inventory(project: Path, workdir: Path) -> dict:
    """What an inventory sync of inventories/local stores, replayed as AWX replays it (get_script_data)."""
    # RunInventoryUpdate.build_args: ansible-inventory --list --export -i <source> --playbook-dir <source>, run in
    # the project. Without any vault password: an inventory source takes no vault credential.
    config = workdir / "ansible.cfg"
    config.write_text("\n".join(line for line in (project / "ansible.cfg").read_text().splitlines()
                                if not line.startswith("vault_identity_list")))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ANSIBLE_"))}
    env.update(ANSIBLE_CONFIG=str(config), ANSIBLE_INVENTORY_UNPARSED_FAILED="True")
    source = project / "inventories/local"
    sync = subprocess.run([str(BIN / "ansible-inventory"), "--list", "--export", "-i", str(source),
                           "--playbook-dir", str(source)], cwd=project, env=env, capture_output=True, text=True,
                          check=False, timeout=120)
    assert sync.returncode == 0, sync.stderr
    exported = json.loads(sync.stdout)
    # What AWX would store in its database: no secret, encrypted or not.
    assert "$ANSIBLE_VAULT" not in sync.stdout
    assert [value for value in local_secrets().values() if value in sync.stdout] == []
    return script_data(exported)


def script_data(exported: dict) -> dict:
    """Inventory.get_script_data(hostvars=True, towervars=True) of an inventory that imported ``exported``.

    The import (awx.main.utils.mem_inventory.dict_to_mem_data) keeps group variables on their groups, host variables
    on their hosts and the variables of "all" as the inventory's; the replay adds AWX's remote_*_id/enabled.
    """
    groups = {name: group for name, group in exported.items() if name not in ("_meta", "all", "ungrouped")}
    hostvars = exported.get("_meta", {}).get("hostvars", {})
    hosts = sorted(set(hostvars) | {h for group in exported.values() if isinstance(group, dict)
                                    for h in group.get("hosts", [])})
    grouped = {h for group in groups.values() for h in group.get("hosts", [])}
    data: dict = {"all": {"hosts": [h for h in hosts if h not in grouped], "children": sorted(groups)}}
    if exported.get("all", {}).get("vars"):
        data["all"]["vars"] = exported["all"]["vars"]
    for name, group in groups.items():
        data[name] = {key: group[key] for key in ("hosts", "children", "vars") if group.get(key)}
    data["_meta"] = {"hostvars": {}}
    for number, host in enumerate(hosts, start=1):
        data["_meta"]["hostvars"][host] = {**hostvars.get(host, {}), "remote_host_enabled": "true",
                                           "remote_host_id": number, "remote_tower_enabled": "true",
                                           "remote_tower_id": number}
    return data


def safe_dump(extra_vars: dict, safe: dict) -> str:
    """awx.main.utils.safe_yaml.safe_dump: keys and values not set by the job template itself become !unsafe."""
    class Unsafe(yaml.SafeDumper):
        def represent_data(self, data):
            if isinstance(data, str):
                return self.represent_scalar("!unsafe", data)
            return super().represent_data(data)

    return "".join(yaml.dump_all([{key: value}], None, default_flow_style=False,
                                 Dumper=yaml.SafeDumper if key in safe and safe[key] == value else Unsafe)
                   for key, value in extra_vars.items())


class Job:
    """One job of a job template, prepared and run as awx.main.tasks.jobs.RunJob does."""

    number = 0

    def __init__(self, base: Path, project: Path, inventory: dict, port: int, *, env_name: str, name: str,
                 playbook: str, aws_credential: tuple[str, str] | None = None, job_type: str = "run",
                 diff_mode: bool = False, vault: tuple[str, str] | None = None, survey: dict | None = None) -> None:
        Job.number += 1
        self.id, self.name, self.playbook, self.events = Job.number, name, playbook, []
        # The job template's "Amazon Web Services" credential: an access key and its secret.
        self.aws_access_key, self.aws_secret_key = aws_credential or ("AKIAAWXJOBTEST", secrets.token_urlsafe(30))
        # BaseTask.build_private_data_dir: awx_<id>_*, with inventory/ and env/; the project copied in.
        self.dir = base / f"awx_{self.id}_job"
        for sub in ("inventory", "env"):
            (self.dir / sub).mkdir(parents=True, mode=0o700)
        shutil.copytree(project, self.dir / "project", symlinks=True)
        # RunJob.build_env creates cp/ for SSH control sockets.
        (self.dir / "cp").mkdir(mode=0o700)

        # BaseTask.write_inventory_file
        hosts = self.dir / "inventory" / "hosts"
        hosts.write_text("#! /usr/bin/env python3\n# -*- coding: utf-8 -*-\nprint(%r)\n" % json.dumps(inventory))
        hosts.chmod(0o700)

        # RunJob.build_extra_vars_file: the template's extra vars, the survey answers, then awx_meta_vars().
        template_vars = {"hasura_blog_env": env_name}
        meta = {f"{prefix}_{key}": value for prefix in ("awx", "tower") for key, value in {
            "job_id": self.id, "job_launch_type": "manual", "user_id": 1, "user_name": "admin",
            "user_email": "", "user_first_name": "", "user_last_name": "", "inventory_id": 1,
            "inventory_name": f"Hasura Blog {env_name}", "project_revision": "0" * 40, "project_scm_branch": "main",
            "job_template_id": self.id, "job_template_name": name}.items()}
        extra_vars = {**template_vars, **(survey or {}), **meta}
        (self.dir / "env" / "extravars").write_text(safe_dump(extra_vars, template_vars))

        # RunJob.build_passwords / build_args / get_password_prompts
        passwords = {f"vault_password.{vault[0]}": vault[1]} if vault else {}
        args = (["--check"] if job_type == "check" else []) + ["-u", "root"] + (["--diff"] if diff_mode else [])
        for key in passwords:
            args += ["--vault-id", f"{key.split('.', 1)[1]}@prompt"]
        (self.dir / "env" / "cmdline").write_text(" ".join(shlex.quote(a) for a in args))
        prompts = {r"Enter passphrase for .*:\s*?$": "ssh_key_unlock", r"Bad passphrase, try again for .*:\s*?$": ""}
        for method in BECOME_METHODS:
            prompts[r"%s password.*:\s*?$" % method] = "become_password"
            prompts[r"%s password.*:\s*?$" % method.upper()] = "become_password"
        prompts.update({r"BECOME password.*:\s*?$": "become_password", r"SSH password:\s*?$": "ssh_password",
                        r"Password:\s*?$": "ssh_password", r"Vault password:\s*?$": "vault_password"})
        prompts.update({r"Vault password \({}\):\s*?$".format(key.split(".", 1)[1]): key for key in passwords})
        self.passwords = {prompt: passwords.get(key, "") or "" for prompt, key in prompts.items()}

        # BaseTask.build_env + RunJob.build_env; the credential's injector; AWX_TASK_ENV for the emulator's port.
        # /runner, the private data directory inside the execution environment, is self.dir here.
        env = {**AWX_SETTINGS_ENV, "AWX_PRIVATE_DATA_DIR": str(self.dir), "JOB_ID": str(self.id),
               "INVENTORY_ID": "1", "PROJECT_REVISION": "0" * 40, "ANSIBLE_RETRY_FILES_ENABLED": "False",
               "MAX_EVENT_RES": "700000", "AWX_HOST": "https://awx.example.com",
               "ANSIBLE_SSH_CONTROL_PATH_DIR": str(self.dir / "cp")}
        env.update(collection_paths(self.dir))
        env.update(AWS_ACCESS_KEY_ID=self.aws_access_key, AWS_SECRET_ACCESS_KEY=self.aws_secret_key)
        env.update(AWS_EMULATOR_PORT=str(port), PATH=f"{BIN}:{os.environ.get('PATH', '')}")
        self.envvars = env

        # The settings file AWX writes; the template's timeout.
        (self.dir / "env" / "settings").write_text(json.dumps(
            {"job_timeout": 900, "suppress_ansible_output": True, "suppress_output_file": True}))

    def run(self) -> Job:
        def event_handler(event: dict) -> bool:
            self.events.append(event)
            return False  # AWX keeps events in its database, not in the artifacts directory

        started = time.monotonic()
        self.result = ansible_runner.interface.run(
            ident=self.id, private_data_dir=str(self.dir), playbook=self.playbook,
            inventory=str(self.dir / "inventory" / "hosts"), passwords=self.passwords, suppress_env_files=True,
            envvars=self.envvars, fact_cache_type="", event_handler=event_handler)
        self.seconds = time.monotonic() - started
        print(f"{self.name}: {self.result.status} in {self.seconds:.0f} s, {self.stats}")
        return self

    @property
    def status(self) -> str:
        return self.result.status

    @property
    def stats(self) -> dict[str, int]:
        """The play recap, from the playbook_on_stats event (AWX's host_status_counts come from it)."""
        recap = [e["event_data"] for e in self.events if e.get("event") == "playbook_on_stats"]
        if not recap:
            return {}
        return {kind: sum((recap[-1].get(kind) or {}).values())
                for kind in ("ok", "changed", "failures", "dark", "skipped", "rescued", "ignored")}

    @property
    def failed_tasks(self) -> list[str]:
        return [e["event_data"]["task"] for e in self.events if e.get("event") == "runner_on_failed"
                and not e["event_data"].get("ignore_errors")]

    @property
    def stdout(self) -> str:
        return re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(e.get("stdout", "") for e in self.events))

    def secrets_in_events(self, values: list[str]) -> list[str]:
        """Which of ``values`` (or the AWS secret key) is in an event AWX would store, or in the job's artifacts.

        Runner's artifacts/<id>/command holds the job's environment, so the AWS key is searched for in events only.
        """
        events = json.dumps(self.events)
        found = [f"{value[:3]}... in an event" for value in [*values, self.aws_secret_key] if value in events]
        artifacts = self.dir / "artifacts"
        for path in artifacts.rglob("*"):
            if path.is_file():
                text = path.read_text(errors="replace")
                found += [f"{value[:3]}... in {path.relative_to(artifacts)}" for value in values if value in text]
        return found


def collection_paths(private_data_dir: Path) -> dict[str, str]:
    """RunJob.build_env: the collections and roles paths, from the project's ansible.cfg, behind requirements_*."""
    from configparser import ConfigParser

    parser = ConfigParser()
    parser.read(private_data_dir / "project" / "ansible.cfg")
    config = parser["defaults"] if "defaults" in parser else {}
    paths = {}
    for key, setting, folder, default in (
            ("ANSIBLE_COLLECTIONS_PATHS", "collections_paths", "requirements_collections",
             "~/.ansible/collections:/usr/share/ansible/collections"),
            ("ANSIBLE_ROLES_PATH", "roles_path", "requirements_roles",
             "~/.ansible/roles:/usr/share/ansible/roles:/etc/ansible/roles"),
            ("ANSIBLE_COLLECTIONS_PATH", "collections_path", "requirements_collections",
             "~/.ansible/collections:/usr/share/ansible/collections")):
        found = default.split(":")
        if setting in config:
            for path in config[setting].split(":"):
                if path not in found:
                    found = [config[setting]] + found
        paths[key] = ":".join([str(private_data_dir / folder)] + found)
    return paths
