"""The Galaxy artifact: what `ansible-galaxy collection build` ships, galaxy-importer's verdict on it, and the
collection installed from it, used by FQCN with nothing of this repository on the collections path."""

from __future__ import annotations

import fnmatch
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
import yaml

from .conftest import ROOT

BIN = Path(sys.executable).parent
ROLES = sorted(path.name for path in (ROOT / "roles").iterdir() if (path / "tasks").is_dir())


def is_playbook(path: Path) -> bool:
    plays = yaml.safe_load(path.read_text())
    return isinstance(plays, list) and all(isinstance(play, dict) and (
        "hosts" in play or "import_playbook" in play or "ansible.builtin.import_playbook" in play) for play in plays)


# Playbooks run by FQCN from the installed collection: hasura_blog.aws.<dir>.<name> is playbooks/<dir>/<name>.yml.
PLAYBOOKS = sorted(".".join(path.relative_to(ROOT / "playbooks").with_suffix("").parts)
                   for path in (ROOT / "playbooks").rglob("*.yml")
                   if "group_vars" not in path.parts and is_playbook(path))

# What the artifact must not hold: the environments and their secrets, the files that run the clone in place, the
# development lock, the tests and their emulator.
FORBIDDEN = ["inventories/*", "secrets/*", "*vault-password*", "*vault_password*", "tests/*", "collections/*",
             "Makefile", "ansible.cfg", "site.yml", "pytest.ini", "requirements*.txt", "requirements*.in",
             ".venv/*", ".run/*", ".ci/*", ".ansible/*", ".ansible-lint", ".gitignore", "changelogs/fragments/*",
             "*/__pycache__/*", "*.pyc"]


def run(*command: str | Path, cwd: Path, env: dict[str, str] | None = None,
        timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True,
                          check=False, timeout=timeout)


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without the Makefile's ANSIBLE_CONFIG and ANSIBLE_COLLECTIONS_PATH, which point at this
    repository, and without AWS settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "AWS_", "GALAXY_IMPORTER_"))}
    env.update(PATH=f"{BIN}:{env.get('PATH', '')}", ANSIBLE_FORCE_COLOR="0", ANSIBLE_NOCOLOR="1", **extra)
    return env


@pytest.fixture(scope="module")
def artifact(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("build")
    built = run(BIN / "ansible-galaxy", "collection", "build", "--output-path", output, ROOT, cwd=output,
                env=clean_env())
    assert built.returncode == 0, built.stdout + built.stderr
    version = yaml.safe_load((ROOT / "galaxy.yml").read_text())["version"]
    path = output / f"hasura_blog-aws-{version}.tar.gz"
    assert path.is_file(), built.stdout
    return path


@pytest.fixture(scope="module")
def members(artifact: Path) -> dict[str, tarfile.TarInfo]:
    with tarfile.open(artifact) as tar:
        return {member.name.removeprefix("./"): member for member in tar.getmembers()}


@pytest.fixture(scope="module")
def installed(artifact: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """The artifact installed into an empty collections path; the directory to run in and its environment.

    amazon.aws and community.aws come from the ``ansible`` package (site-packages), as in an execution environment
    built from it; --offline checks the dependency ranges of galaxy.yml against them without Galaxy.
    """
    home = tmp_path_factory.mktemp("installed")
    (home / "ansible.cfg").write_text("[defaults]\n")
    env = clean_env(ANSIBLE_CONFIG=str(home / "ansible.cfg"), ANSIBLE_COLLECTIONS_PATH=str(home / "collections"))
    result = run(BIN / "ansible-galaxy", "collection", "install", "--offline", "-p", home / "collections", artifact,
                 cwd=home, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (home / "collections/ansible_collections/hasura_blog/aws/MANIFEST.json").is_file()
    return home, env


def test_the_artifact_leaves_out_environments_secrets_and_development_files(members: dict[str, tarfile.TarInfo]):
    shipped = [name for name in members if any(fnmatch.fnmatch(name, pattern) for pattern in FORBIDDEN)]
    assert shipped == []


def test_the_artifact_holds_no_vault_encrypted_file(artifact: Path):
    with tarfile.open(artifact) as tar:
        encrypted = [member.name for member in tar.getmembers()
                     if member.isfile() and tar.extractfile(member).read(14) == b"$ANSIBLE_VAULT"]
    assert encrypted == []


def test_the_artifact_holds_license_changelog_readmes_playbooks_and_the_shared_group_vars(
        members: dict[str, tarfile.TarInfo]):
    expected = ["LICENSE", "README.md", "CHANGELOG.rst", "changelogs/changelog.yaml", "MANIFEST.json", "FILES.json",
                "meta/runtime.yml", "group_vars/all/main.yml"]
    expected += [f"roles/{role}/{path}" for role in ROLES for path in ("README.md", "meta/argument_specs.yml")]
    expected += [f"playbooks/{name.replace('.', '/')}.yml" for name in PLAYBOOKS]
    assert [path for path in expected if path not in members] == []
    # The playbooks find the shared group_vars/ through this link, also in the installed collection.
    assert members["playbooks/group_vars"].issym() and members["playbooks/group_vars"].linkname == "../group_vars"


def test_the_license_is_the_one_galaxy_yml_names(members: dict[str, tarfile.TarInfo], artifact: Path):
    with tarfile.open(artifact) as tar:
        manifest = json.load(tar.extractfile("MANIFEST.json"))
        license_text = tar.extractfile("LICENSE").read().decode()
    assert manifest["collection_info"]["license"] == ["GPL-3.0-or-later"]
    assert license_text.lstrip().startswith("GNU GENERAL PUBLIC LICENSE\n                       Version 3, 29 June 2007")


def test_galaxy_importer_accepts_the_artifact(artifact: Path, tmp_path: Path):
    # As Galaxy imports it, minus what needs a network or containers: ansible-test runs in `make sanity`, and
    # ansible-lint runs offline.
    config = tmp_path / "galaxy-importer.cfg"
    config.write_text("[galaxy-importer]\nrun_ansible_test = False\nansible_test_local_image = False\n"
                      "run_ansible_lint = True\noffline_ansible_lint = True\nrun_ansible_doc = True\n"
                      "check_changelog = True\n"
                      f"ansible_local_tmp = {tmp_path / 'ansible-tmp'}\ntmp_root_dir = {tmp_path}\n")
    result = run(sys.executable, "-m", "galaxy_importer.main", "--print-result", artifact, cwd=tmp_path,
                 env=clean_env(GALAXY_IMPORTER_CONFIG=str(config), HOME=str(tmp_path)), timeout=600)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    problems = [line for line in output.splitlines() if line.startswith(("ERROR", "WARNING"))]
    assert problems == [], output
    imported = json.loads((tmp_path / "importer_result.json").read_text())
    roles = sorted(item["name"] for item in imported["contents"] if item["content_type"] == "role")
    assert roles == ROLES
    assert all(item["readme_html"] for item in imported["docs_blob"]["contents"] if item["content_type"] == "role")


def test_the_installed_collection_documents_its_roles(installed: tuple[Path, dict[str, str]]):
    home, env = installed
    result = run(BIN / "ansible-doc", "-t", "role", "--json", "hasura_blog.aws.vpc", cwd=home, env=env)
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)["hasura_blog.aws.vpc"]
    assert doc["path"].startswith(str(home / "collections")), doc["path"]
    assert {"main", "preflight"} <= set(doc["entry_points"])
    assert all(entry["description"] for entry in doc["entry_points"].values())
    assert "vpc_cidr" in doc["entry_points"]["main"]["options"]


@pytest.mark.parametrize("name", PLAYBOOKS)
def test_the_installed_playbooks_pass_a_syntax_check_by_fqcn(installed: tuple[Path, dict[str, str]], name: str):
    home, env = installed
    result = run(BIN / "ansible-playbook", "--syntax-check", "-i", "localhost,", f"hasura_blog.aws.{name}",
                 cwd=home, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
