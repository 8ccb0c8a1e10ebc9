"""Every module, filter and role of the collection documents itself: ansible-doc renders each one."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ANSIBLE_DOC = str(Path(sys.executable).parent / "ansible-doc")
MODULES = sorted(p.stem for p in (ROOT / "plugins/modules").glob("*.py"))
FILTERS = ["network_layout_errors", "engine_version_to_request", "rollout_status", "error_text", "settings_errors", "roles_to_discover"]
ROLES = sorted(p.name for p in (ROOT / "roles").iterdir() if (p / "meta/argument_specs.yml").exists())


def ansible_doc(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_NOCOLOR="1")
    return subprocess.run([ANSIBLE_DOC, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False)


def test_every_role_of_site_yml_is_documented() -> None:
    assert ROLES == sorted(["vpc", "nat", "security_groups", "rds", "alb", "ecs_cluster", "ecs_services"])


@pytest.mark.parametrize("module", MODULES)
def test_module_documentation_renders(module: str) -> None:
    result = ansible_doc(f"hasura_blog.aws.{module}")
    assert result.returncode == 0, result.stderr
    assert "EXAMPLES" in result.stdout and "RETURN VALUES" in result.stdout, result.stdout[:500]


@pytest.mark.parametrize("name", FILTERS)
def test_filter_documentation_renders(name: str) -> None:
    result = ansible_doc("-t", "filter", f"hasura_blog.aws.{name}")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("role", ROLES)
def test_role_argument_specs_render(role: str) -> None:
    result = ansible_doc("-t", "role", f"hasura_blog.aws.{role}")
    assert result.returncode == 0, result.stderr
    assert "ENTRY POINT: *main*" in result.stdout
