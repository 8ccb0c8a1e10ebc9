# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run ``ansible-test sanity`` on this collection with no container and no download from ci-files.testing.ansible.com.

- ansible-test bootstraps pip into each sanity test's virtual environment with a get-pip.py that it downloads once
  and caches as ~/.ansible/test/cache/get_pip_<version>.py. tests/sanity/get_pip.py is put there instead, unless a
  bootstrap script is cached already. The tests' own pinned tools (pylint, pycodestyle, yamllint, voluptuous, ...)
  come from the package index pip is configured with, and stay cached in ~/.ansible/test/venv.
- ansible-test finds a collection's dependencies only next to it, in the same ansible_collections directory. This
  builds one in .run/sanity/ with links to this repository and to the collections of galaxy.yml's dependencies that
  the ``ansible`` package installed (amazon.aws for the modules' doc fragments and module_utils).
- It runs ansible-test with the Python that runs this script, leaves tests/output/ (ansible-test's scratch space)
  behind only with --keep-output, and exits with ansible-test's status. Other arguments go to ``ansible-test sanity``.

Usage: python tests/sanity/run.py [--keep-output] [ansible-test sanity arguments, e.g. --test pep8]
"""

from __future__ import annotations

import os
import pathlib
import re
import shutil
import subprocess
import sys
import sysconfig

import ansible_test
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
STAND_IN = pathlib.Path(__file__).with_name("get_pip.py")
# The stand-in's first words: a cached copy of an older stand-in is replaced, a real get-pip.py is kept.
MARKER = "A stand-in for get-pip.py"


def pip_version() -> str:
    """The pip version that ansible-test bootstraps into its sanity virtual environments."""
    source = pathlib.Path(ansible_test.__file__).parent.joinpath("_internal", "python_requirements.py").read_text()
    match = re.search(r"default_packages = dict\(\s*pip='([^']+)'", source)
    if not match:
        raise SystemExit("Cannot find the pip version of ansible-test's bootstrap in python_requirements.py")
    return match.group(1)


def install_bootstrap() -> None:
    """Put the stand-in where ansible-test looks for its cached get-pip.py."""
    cached = pathlib.Path.home() / ".ansible" / "test" / "cache" / f"get_pip_{pip_version().replace('.', '_')}.py"
    if cached.exists() and MARKER not in cached.read_text(errors="replace"):
        return
    cached.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(STAND_IN, cached)


def link(path: pathlib.Path, target: pathlib.Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_symlink() or path.exists():
        path.unlink()
    path.symlink_to(target, target_is_directory=True)


def collection_root() -> pathlib.Path:
    """.run/sanity/ansible_collections with this collection and its installed dependencies; this one's path."""
    galaxy = yaml.safe_load((ROOT / "galaxy.yml").read_text())
    installed = pathlib.Path(sysconfig.get_paths()["purelib"]) / "ansible_collections"
    root = ROOT / ".run" / "sanity" / "ansible_collections"
    if root.exists():
        shutil.rmtree(root)
    this = root / galaxy["namespace"] / galaxy["name"]
    link(this, ROOT)
    for dependency in galaxy.get("dependencies") or {}:
        namespace, name = dependency.split(".")
        if (installed / namespace / name).is_dir():
            link(root / namespace / name, installed / namespace / name)
    return this


def main() -> int:
    arguments = sys.argv[1:]
    keep_output = "--keep-output" in arguments
    arguments = [argument for argument in arguments if argument != "--keep-output"]
    install_bootstrap()
    content = collection_root()
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    command = [str(pathlib.Path(sys.executable).parent / "ansible-test"), "sanity", "--python", python, "--color", "no",
               *arguments]
    env = {**os.environ, "ANSIBLE_TEST_CONTENT_ROOT": str(content),
           "PATH": f"{pathlib.Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    try:
        return subprocess.run(command, cwd=content, env=env, check=False).returncode
    finally:
        if not keep_output:
            shutil.rmtree(ROOT / "tests" / "output", ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
