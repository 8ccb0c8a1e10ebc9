"""The execution environment: `ansible-builder create` writes a build context that installs what the tests run, and
an EE that includes this collection gets boto3 and botocore from it, none of the development tools.

Offline, like the rest of the suite: the collection is built from this clone, and the galaxy stage of the build is
replayed with `ansible-galaxy collection install --offline`, the pinned amazon.aws, community.aws and
community.general being the ones the development lock's `ansible` package ships.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import ROOT

BIN = Path(sys.executable).parent
DEV_TOOLS = {"moto", "pytest", "pytest-xdist", "ansible-lint", "molecule", "cfn-lint", "flask", "ansible-builder"}


def run(*command: str, cwd: Path, collections: Path | None = None) -> subprocess.CompletedProcess:
    """Run a command in a temporary directory, without the clone's Ansible settings: its ansible.cfg would add
    collections/, where hasura_blog.aws is "installed" already."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANSIBLE_")}
    env["ANSIBLE_FORCE_COLOR"] = "0"
    if collections is not None:
        env["ANSIBLE_COLLECTIONS_PATH"] = str(collections)
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"{' '.join(command)}\n{result.stdout}{result.stderr}"
    return result


def lock() -> dict[str, str]:
    """The development lock, as {lower-case name: version}."""
    pins = {}
    for line in (ROOT / "requirements-dev.txt").read_text().splitlines():
        if match := re.match(r"^([A-Za-z0-9_.\[\]-]+)==(\S+)", line):
            pins[re.sub(r"\[.*\]", "", match[1]).lower()] = match[2]
    return pins


def runtime_requirements() -> list[str]:
    """meta/ee-requirements.txt without its comments."""
    lines = (ROOT / "meta" / "ee-requirements.txt").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def names(requirements: list[str]) -> set[str]:
    return {re.split(r"[\s<>=!~;\[#]", line.strip(), maxsplit=1)[0].lower() for line in requirements}


def shipped_collection(fqcn: str, missing_ok: bool = False) -> Path | None:
    """Where the development lock's `ansible` package installed a collection."""
    namespace, name = fqcn.split(".")
    for entry in sys.path:
        path = Path(entry) / "ansible_collections" / namespace / name
        if (path / "MANIFEST.json").exists():
            return path
    assert missing_ok, f"{fqcn} is not installed with the ansible package"
    return None


def used_collections() -> set[str]:
    """The collections, other than ours and ansible.builtin, that the roles, plugins and playbooks name. The AWX
    configuration (playbooks/awx/) runs from a workstation with the `ansible` package, not in the EE."""
    used = set()
    for path in [*ROOT.glob("roles/**/*.yml"), *ROOT.glob("plugins/**/*.py"), *ROOT.glob("playbooks/**/*.yml")]:
        if path.relative_to(ROOT).parts[:2] == ("playbooks", "awx"):
            continue
        # Overlapping, so that ansible_collections.amazon.aws.plugins yields amazon.aws; the names that are not
        # collections the `ansible` package ships (a variable's attributes) are dropped below.
        used |= {f"{namespace}.{name}" for namespace, name in
                 re.findall(r"(?=\b([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)\.[a-z_])", path.read_text())}
    return {fqcn for fqcn in used - {"hasura_blog.aws"} if shipped_collection(fqcn, missing_ok=True)}


def galaxy(context: Path) -> list[dict]:
    """The collections the image installs in its galaxy stage."""
    return yaml.safe_load((context / "_build" / "requirements.yml").read_text())["collections"]


def from_galaxy(context: Path) -> dict[str, str]:
    """{name: version} of the collections the image installs from Galaxy."""
    return {entry["name"]: entry["version"] for entry in galaxy(context) if entry.get("type", "galaxy") == "galaxy"}


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The collection built from this clone next to a copy of execution-environment.yml, as `ansible-galaxy
    collection build` leaves it in the clone, and the context `ansible-builder create` writes from them."""
    where = tmp_path_factory.mktemp("ee")
    built = run(str(BIN / "ansible-galaxy"), "collection", "build", str(ROOT), "--output-path", str(where), cwd=where)
    artifact = Path(re.search(r"Created collection for hasura_blog\.aws at (\S+\.tar\.gz)", built.stdout)[1])
    shutil.copy(ROOT / "execution-environment.yml", where)
    run(str(BIN / "ansible-builder"), "create", "--file", "execution-environment.yml", "--context", "context",
        "--output-filename", "Containerfile", cwd=where)
    return {"artifact": artifact, "context": where / "context"}


def test_containerfile_installs_the_pinned_python_ansible_core_and_runner(build: dict[str, Path]) -> None:
    containerfile = (build["context"] / "Containerfile").read_text()
    definition = yaml.safe_load((ROOT / "execution-environment.yml").read_text())
    pins = lock()

    assert definition["version"] == 3
    assert 'ARG EE_BASE_IMAGE="quay.io/centos/centos:stream9"' in containerfile
    assert 'ARG PYCMD="/usr/bin/python3.11"' in containerfile
    assert "RUN $PKGMGR install $PYPKG -y" in containerfile
    refs = re.search(r'^ARG ANSIBLE_INSTALL_REFS="(.*)"$', containerfile, re.M)[1].split()
    # The ansible-core the tests run; ansible-runner as the lock pins it where the lock has it.
    assert refs[0] == f"ansible-core=={pins['ansible-core']}"
    assert refs[1].startswith("ansible-runner==")
    if "ansible-runner" in pins:
        assert refs[1] == f"ansible-runner=={pins['ansible-runner']}"
    assert "RUN $PYCMD -m pip install --no-cache-dir $ANSIBLE_INSTALL_REFS" in containerfile
    assert re.search(r"^RUN .*ansible-galaxy collection install .*-r requirements\.yml "
                     r'--collections-path "/usr/share/ansible/collections"$', containerfile, re.M)
    # The builder stage adds the collections' own requirements (introspection) to ours, then installs them.
    assert "RUN $PYCMD /output/scripts/introspect.py introspect --user-pip=requirements.txt" in containerfile
    assert "RUN /output/scripts/assemble" in containerfile
    assert "RUN /output/scripts/check_ansible $PYCMD" in containerfile

    user_pins = (build["context"] / "_build" / "requirements.txt").read_text().split()
    assert user_pins == [f"boto3=={pins['boto3']}", f"botocore=={pins['botocore']}"]


def test_context_holds_this_collection_and_the_collections_the_tests_run(build: dict[str, Path]) -> None:
    definition = yaml.safe_load((ROOT / "execution-environment.yml").read_text())
    assert [entry["src"] for entry in definition["additional_build_files"]] == [build["artifact"].name], \
        "execution-environment.yml names the artifact of another version than galaxy.yml's"
    in_context = build["context"] / "_build" / "collections" / build["artifact"].name
    assert in_context.read_bytes() == build["artifact"].read_bytes()

    # The galaxy stage runs in /build, the context's _build/.
    assert {"name": f"collections/{build['artifact'].name}", "type": "file"} in galaxy(build["context"])
    pinned = from_galaxy(build["context"])
    assert set(pinned) == used_collections()
    for fqcn, version in pinned.items():
        manifest = yaml.safe_load((shipped_collection(fqcn) / "MANIFEST.json").read_text())
        assert version == manifest["collection_info"]["version"], fqcn


def test_an_ee_with_this_collection_gets_boto3_and_botocore_and_no_development_tool(
        build: dict[str, Path], tmp_path: Path) -> None:
    # The galaxy stage, offline: amazon.aws and the others at the pinned versions are the installed ones, so only
    # this collection is installed here, from the artifact, as in the image.
    collections = tmp_path / "collections"
    installed = run(str(BIN / "ansible-galaxy"), "collection", "install", "-r", "requirements.yml",
                    "--collections-path", str(collections), "--offline", cwd=build["context"] / "_build",
                    collections=collections)
    version = yaml.safe_load((ROOT / "galaxy.yml").read_text())["version"]
    assert f"hasura_blog.aws:{version} was installed successfully" in installed.stdout
    ours = collections / "ansible_collections" / "hasura_blog" / "aws"
    assert not (ours / "requirements-dev.txt").exists()
    for fqcn in from_galaxy(build["context"]):
        namespace, name = fqcn.split(".")
        (collections / "ansible_collections" / namespace).mkdir(exist_ok=True)
        (collections / "ansible_collections" / namespace / name).symlink_to(shipped_collection(fqcn))

    # The builder stage's introspection, with the definition's own pins as the image build passes them.
    python, system = tmp_path / "requirements.txt", tmp_path / "bindep.txt"
    run(str(BIN / "ansible-builder"), "introspect", "--sanitize", str(collections),
        "--user-pip", str(build["context"] / "_build" / "requirements.txt"),
        "--write-pip", str(python), "--write-bindep", str(system), cwd=tmp_path)
    requirements = python.read_text().splitlines()
    assert names(requirements) == {"boto3", "botocore"}
    assert not names(requirements) & DEV_TOOLS
    ours = [line.split("#")[0].strip() for line in requirements if line.endswith("# from collection hasura_blog.aws")]
    assert ours == runtime_requirements()
    # System packages: none of ours; amazon.aws and community.aws list only test-profile ones, which the image skips.
    packages = system.read_text().splitlines() if system.exists() else []
    assert not [line for line in packages if "hasura_blog.aws" in line or not re.search(r"\[test\b", line)]


def test_the_clone_introspects_to_the_runtime_requirements_not_the_development_lock(tmp_path: Path) -> None:
    # collections/ links hasura_blog.aws to this clone: what a tool reading the repository as a collection sees.
    output = tmp_path / "requirements.txt"
    run(str(BIN / "ansible-builder"), "introspect", "--sanitize", str(ROOT / "collections"), "--write-pip", str(output),
        cwd=tmp_path)
    assert names(output.read_text().splitlines()) == {"boto3", "botocore"}
    # Without meta/execution-environment.yml, introspection reads requirements.txt and bindep.txt at the root.
    assert not (ROOT / "requirements.txt").exists()
    assert not (ROOT / "bindep.txt").exists()
    assert {"moto", "pytest", "ansible-lint", "molecule", "ansible-builder"} <= set(lock())


def test_runtime_requirements_name_exactly_the_third_party_imports_of_the_plugins() -> None:
    imported = set()
    for path in (ROOT / "plugins").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    third_party = imported - set(sys.stdlib_module_names) - {"__future__", "ansible", "ansible_collections"}
    assert third_party == names(runtime_requirements()) == {"boto3", "botocore"}
    assert yaml.safe_load((ROOT / "meta" / "execution-environment.yml").read_text())["dependencies"] == {
        "python": "meta/ee-requirements.txt"}
