"""Every module, filter and role of the collection documents itself: ansible-doc renders each one."""

import importlib
import inspect
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
ANSIBLE_DOC = str(Path(sys.executable).parent / "ansible-doc")
COLLECTION = "hasura_blog.aws"
MODULES = sorted(p.stem for p in (ROOT / "plugins/modules").glob("*.py"))
ROLES = sorted(p.name for p in (ROOT / "roles").iterdir() if (p / "meta/argument_specs.yml").exists())
FILTER_DIR = ROOT / "plugins/filter"
FILTER_FILES = sorted(p.stem for p in FILTER_DIR.glob("*.py") if p.name != "__init__.py")
# pytest.ini puts collections/ on the path, where ansible_collections/hasura_blog/aws links back to the repository.
FILTER_MODULES = {
    stem: importlib.import_module(f"ansible_collections.hasura_blog.aws.plugins.filter.{stem}") for stem in FILTER_FILES
}
# (file, filter name, function), as ansible-core loads them: FilterModule().filters() of each plugins/filter/*.py.
FILTER_DEFINITIONS = [
    (stem, name, function)
    for stem, module in FILTER_MODULES.items()
    for name, function in module.FilterModule().filters().items()
]
FILTERS = {name: function for _stem, name, function in FILTER_DEFINITIONS}
FILTER_NAMES = sorted(FILTERS)


def ansible_doc(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_NOCOLOR="1")
    return subprocess.run([ANSIBLE_DOC, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False)


def filter_doc(name: str) -> dict:
    """plugins/filter/<name>.yml: the DOCUMENTATION, EXAMPLES and RETURN of one filter."""
    return yaml.safe_load((FILTER_DIR / f"{name}.yml").read_text())


def _tasks_roles(tasks: list | None, base: Path = ROOT / "playbooks") -> list[str]:
    """The roles that import_role tasks import, in blocks too, and in the task files that include_tasks and
    import_tasks name (relative to ``base``, the playbook's directory)."""
    roles: list[str] = []
    for task in tasks or []:
        for section in ("block", "rescue", "always"):
            roles += _tasks_roles(task.get(section), base)
        for action in ("ansible.builtin.include_tasks", "ansible.builtin.import_tasks"):
            if action in task:
                included = task[action]["file"] if isinstance(task[action], dict) else task[action]
                roles += _tasks_roles(yaml.safe_load((base / included).read_text()), base)
        for action in ("ansible.builtin.import_role", "ansible.legacy.import_role", "import_role"):
            if action in task:
                roles.append(task[action]["name"])
    return roles


def imported_roles(playbook: Path) -> list[str]:
    """The roles a playbook imports (play roles: and import_role tasks, through import_playbook), in order."""
    roles: list[str] = []
    for play in yaml.safe_load(playbook.read_text()):
        for action in ("ansible.builtin.import_playbook", "import_playbook"):
            if action in play:
                roles += imported_roles(playbook.parent / play[action])
        for role in play.get("roles") or []:
            roles.append(role if isinstance(role, str) else role.get("role", role.get("name")))
        for section in ("pre_tasks", "tasks", "post_tasks", "handlers"):
            roles += _tasks_roles(play.get(section), playbook.parent)
    return [role.removeprefix(f"{COLLECTION}.") for role in roles]


def test_the_roles_with_argument_specs_are_the_roles_site_yml_imports() -> None:
    site_roles = imported_roles(ROOT / "playbooks/site.yml")
    assert site_roles, "playbooks/site.yml imports no role"
    assert len(site_roles) == len(set(site_roles)), f"site.yml imports a role twice: {site_roles}"
    assert ROLES == sorted(site_roles)


@pytest.mark.parametrize("module", MODULES)
def test_module_documentation_renders(module: str) -> None:
    result = ansible_doc(f"{COLLECTION}.{module}")
    assert result.returncode == 0, result.stderr
    assert "EXAMPLES" in result.stdout and "RETURN VALUES" in result.stdout, result.stdout[:500]


def test_each_filter_is_defined_once() -> None:
    assert FILTER_DEFINITIONS, "plugins/filter defines no filter"
    files = {}
    for stem, name, _function in FILTER_DEFINITIONS:
        files.setdefault(name, []).append(f"{stem}.py")
    assert {name: found for name, found in files.items() if len(found) > 1} == {}


def test_each_filter_has_a_doc_file_and_each_doc_file_a_filter() -> None:
    assert sorted(p.stem for p in FILTER_DIR.glob("*.yml")) == FILTER_NAMES


@pytest.mark.parametrize("stem", FILTER_FILES)
def test_filter_files_leave_documentation_to_the_doc_files(stem: str) -> None:
    # ansible-doc shows a DOCUMENTATION of the .py file for every filter the file defines, instead of its own .yml.
    documented = [key for key in ("DOCUMENTATION", "EXAMPLES", "RETURN") if hasattr(FILTER_MODULES[stem], key)]
    assert documented == [], f"plugins/filter/{stem}.py has {documented}"


@pytest.mark.parametrize("name", FILTER_NAMES)
def test_filter_documentation_matches_the_function(name: str) -> None:
    doc = filter_doc(name)
    assert sorted(doc) == ["DOCUMENTATION", "EXAMPLES", "RETURN"]
    documentation = doc["DOCUMENTATION"]
    assert documentation["name"] == name
    assert documentation["short_description"] and documentation["description"]
    assert "_value" in doc["RETURN"]
    assert f"{COLLECTION}.{name}" in doc["EXAMPLES"]
    yaml.safe_load(doc["EXAMPLES"])

    options = dict(documentation["options"])
    assert options.pop("_input").get("required") is True
    parameters = [
        p for p in list(inspect.signature(FILTERS[name]).parameters.values())[1:]
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    ]
    assert sorted(options) == sorted(p.name for p in parameters)
    positional = [p.name for p in parameters if p.kind != p.KEYWORD_ONLY]
    documented_positional = [n.strip() for n in documentation.get("positional", "").split(",") if n.strip()]
    assert documented_positional == positional
    for parameter in parameters:
        option = options[parameter.name]
        required = parameter.default is inspect.Parameter.empty
        assert bool(option.get("required")) == required, parameter.name
        if not required:
            default = parameter.default
            assert option.get("default") == (list(default) if isinstance(default, tuple) else default), parameter.name


@pytest.mark.parametrize("name", FILTER_NAMES)
def test_filter_documentation_renders(name: str) -> None:
    result = ansible_doc("-t", "filter", f"{COLLECTION}.{name}")
    assert result.returncode == 0, result.stderr
    assert f"{COLLECTION}.{name}" in result.stdout.splitlines()[0], result.stdout[:500]
    # The documentation shown is this filter's own, not that of another filter of the same file.
    assert re.search(rf"^NAME: {name}$", result.stdout, re.MULTILINE), result.stdout[:500]
    examples = result.stdout.partition("\nEXAMPLES:")[2]
    assert f"{COLLECTION}.{name}" in examples and "RETURN VALUES:" in examples, result.stdout[-1000:]


def test_every_filter_is_listed_with_its_short_description() -> None:
    result = ansible_doc("-t", "filter", "-l", "--json", COLLECTION)
    assert result.returncode == 0 and not result.stderr, result.stderr
    listed = json.loads(result.stdout)
    assert listed == {
        f"{COLLECTION}.{name}": filter_doc(name)["DOCUMENTATION"]["short_description"] for name in FILTER_NAMES
    }


@pytest.mark.parametrize("role", ROLES)
def test_role_argument_specs_render(role: str) -> None:
    result = ansible_doc("-t", "role", f"{COLLECTION}.{role}")
    assert result.returncode == 0, result.stderr
    assert "ENTRY POINT: *main*" in result.stdout
