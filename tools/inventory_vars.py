"""The variables of this project's own inventories, read without importing Ansible (which takes most of a second).

``settings(inventory, names, extra_vars, environ)`` resolves a few variables of the host in the group
``hasura_blog`` the way ``ansible-playbook site.yml -i <inventory>`` does, for the inventories this project ships:
a directory with ``hosts.yml``, ``group_vars/all`` and ``group_vars/hasura_blog``, next to the playbooks'
``group_vars/``, templated with Jinja2, ``lookup('ansible.builtin.env', ...)`` and the ``bool`` filter. For anything
else (host_vars, other groups or files, vault, other lookups or filters, an ``@file`` of extra vars, an error) it
returns None, and the caller asks Ansible itself. tests/unit/test_inventory_vars.py checks that both agree on every inventory.
"""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path
from typing import Any, Mapping

import jinja2
import yaml

ROOT = Path(__file__).resolve().parents[1]
GROUP = "hasura_blog"
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# One expression and nothing else: Ansible keeps its value's type (a dict, an int), as it does here.
SINGLE = re.compile(r"^\{\{(?P<expr>(?:(?!\{\{|\}\}).)*)\}\}$", re.DOTALL)
# Ansible settings that change how variables merge or what a play sees.
ANSIBLE_ENV = ("ANSIBLE_HASH_BEHAVIOUR", "ANSIBLE_VARS_PLUGINS", "ANSIBLE_VARS_ENABLED", "ANSIBLE_INVENTORY_PLUGINS",
               "ANSIBLE_INVENTORY_ENABLED", "ANSIBLE_PRECEDENCE")


class Unsupported(Exception):
    """Something only Ansible resolves."""


class _Omit:  # Ansible's omit placeholder: a dict key or list item templated to it is dropped
    pass


OMIT = _Omit()


def _load(path: Path) -> dict[str, Any]:
    text = path.read_text()
    if text.startswith("$ANSIBLE_VAULT"):
        raise Unsupported(f"{path} is vault-encrypted")
    try:
        data = yaml.load(text, Loader=LOADER)  # a tag such as !vault or !unsafe is an error here
    except yaml.YAMLError as error:
        raise Unsupported(f"{path}: {error}") from error
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise Unsupported(f"{path} is not a mapping")
    return data


def _group_vars(directory: Path, group: str) -> dict[str, Any]:
    """group_vars/<group>.yml or group_vars/<group>/*.yml, merged in file-name order (Ansible's order)."""
    merged: dict[str, Any] = {}
    single = [directory / f"{group}{ext}" for ext in ("", ".yml", ".yaml", ".json") if (directory / f"{group}{ext}").is_file()]
    files = single + (sorted(p for p in (directory / group).rglob("*") if p.is_file()) if (directory / group).is_dir() else [])
    for path in files:
        if path.suffix not in (".yml", ".yaml", ".json") and path.parent != directory:
            raise Unsupported(f"{path} has an extension Ansible's vars plugin may skip")
        merged.update(_load(path))
    return merged


def _inventory_layers(inventory: Path) -> tuple[dict, dict, dict, dict, dict]:
    """(all's vars, the group's vars, the host's vars) of hosts.yml, then group_vars/all and group_vars/<GROUP>."""
    if not inventory.is_dir():
        raise Unsupported(f"{inventory} is not a directory")
    expected = {"hosts.yml", "group_vars"}
    if {p.name for p in inventory.iterdir() if not p.name.startswith(".")} != expected:
        raise Unsupported(f"{inventory} holds more than {sorted(expected)}")
    hosts = _load(inventory / "hosts.yml")
    if set(hosts) - {"all", GROUP}:
        raise Unsupported("hosts.yml has groups other than all and " + GROUP)
    everyone = hosts.get("all") or {}
    group = hosts.get(GROUP) or (everyone.get("children") or {}).get(GROUP) or {}
    if set(everyone) - {"vars", "children"} or set(everyone.get("children") or {}) - {GROUP} or set(group) - {"hosts", "vars"}:
        raise Unsupported("hosts.yml is not a single group " + GROUP)
    members = group.get("hosts") or {}
    if len(members) != 1:
        raise Unsupported(f"the group {GROUP} has {len(members)} hosts")
    groups_dir = inventory / "group_vars"
    if {p.stem if p.is_file() else p.name for p in groups_dir.iterdir()} - {"all", GROUP}:
        raise Unsupported(f"{groups_dir} has vars of other groups")
    return (everyone.get("vars") or {}, group.get("vars") or {}, next(iter(members.values())) or {},
            _group_vars(groups_dir, "all"), _group_vars(groups_dir, GROUP))


def _extra_vars(extra_vars: list[str]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for item in extra_vars:
        text = item.strip()
        if text.startswith("@"):
            raise Unsupported("extra vars from a file")
        if text.startswith(("{", "[")):
            data = yaml.load(text, Loader=LOADER)
            if not isinstance(data, dict):
                raise Unsupported("extra vars that are not a mapping")
            merged.update(data)
            continue
        for token in shlex.split(text):
            name, equals, value = token.partition("=")
            if not equals or not name.isidentifier():
                raise Unsupported(f"extra vars {text!r}")
            merged[name] = value
    return merged


def layers(inventory: str, extra_vars: list[str], root: Path = ROOT) -> list[dict[str, Any]]:
    """Every source of variables, lowest precedence first (Ansible's documented order for these sources)."""
    all_file, group_file, host_file, all_inventory, group_inventory = _inventory_layers(Path(inventory))
    playbook = root / "group_vars"
    if playbook.is_dir() and {p.stem if p.is_file() else p.name for p in playbook.iterdir()} - {"all", GROUP}:
        raise Unsupported(f"{playbook} has vars of other groups")
    if (root / "host_vars").exists() or (Path(inventory) / "host_vars").exists():
        raise Unsupported("host_vars")
    # the inventory file's groups (all, then the group), group_vars/all (inventory, then playbook), group_vars/<group>
    # (inventory, then playbook), the inventory file's host, extra vars
    return [all_file, group_file, all_inventory, _group_vars(playbook, "all"), group_inventory, _group_vars(playbook, GROUP),
            host_file, _extra_vars(extra_vars)]


def _bool(value: Any) -> bool:
    """Ansible's bool filter, for the values it documents: yes/on/1/true and no/off/0/false, any case."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("yes", "on", "1", "true", "t", "y"):
        return True
    if text in ("no", "off", "0", "false", "f", "n", ""):
        return False
    raise Unsupported(f"bool of {value!r}")


def _lookup(environ: Mapping[str, str]):
    def lookup(name: str, *terms: str, **options: Any) -> Any:
        if name not in ("ansible.builtin.env", "env") or len(terms) != 1 or set(options) - {"default"}:
            raise Unsupported(f"lookup {name!r}")
        return environ.get(terms[0], options.get("default", ""))
    return lookup


class _Context(jinja2.runtime.Context):
    """Resolves each name the template does not set through the resolver (Jinja2's documented hook)."""

    def resolve_or_missing(self, key: str) -> Any:
        value = super().resolve_or_missing(key)
        if value is not jinja2.utils.missing:
            return value
        try:
            return self.environment.resolver.var(key)
        except KeyError:
            return jinja2.utils.missing


class Resolver:
    """Variables templated on demand, each from the highest layer that sets it (a dict replaces, as Ansible's default)."""

    def __init__(self, sources: list[dict[str, Any]], environ: Mapping[str, str]) -> None:
        self.raw: dict[str, Any] = {}
        for layer in sources:
            self.raw.update(layer)
        self.done: dict[str, Any] = {}
        self.busy: set[str] = set()
        self.env = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
        self.env.context_class = _Context
        self.env.resolver = self
        self.env.globals = {"lookup": _lookup(environ), "omit": OMIT}
        self.env.filters["bool"] = self.env.filters["ansible.builtin.bool"] = _bool

    def var(self, name: str) -> Any:
        if name not in self.done:
            if name not in self.raw:
                raise KeyError(name)
            if name in self.busy:
                raise Unsupported(f"{name} refers to itself")
            self.busy.add(name)
            try:
                self.done[name] = self.template(self.raw[name])
            finally:
                self.busy.discard(name)
        return self.done[name]

    def template(self, value: Any) -> Any:
        if isinstance(value, dict):
            items = ((self.template(k), self.template(v)) for k, v in value.items())
            return {k: v for k, v in items if v is not OMIT}
        if isinstance(value, list):
            return [item for item in (self.template(v) for v in value) if item is not OMIT]
        if not isinstance(value, str) or not any(mark in value for mark in ("{{", "{%", "{#")):
            return value
        try:
            single = SINGLE.match(value)
            if single:
                result = self.env.compile_expression(single.group("expr"), undefined_to_none=False)()
                if isinstance(result, jinja2.Undefined):
                    str(result)  # raises UndefinedError, as Ansible fails on it
                return result
            return self.env.from_string(value).render()
        except (jinja2.TemplateError, TypeError, ValueError) as error:
            raise Unsupported(f"templating {value!r}: {error}") from error


def settings(inventory: str, names: dict[str, str], extra_vars: list[str] | None = None,
             environ: Mapping[str, str] | None = None, root: Path = ROOT) -> dict[str, Any] | None:
    """``{key: value of the variable names[key]}`` for the inventory's host, or None when only Ansible can tell."""
    environ = os.environ if environ is None else environ
    # The project's ansible.cfg, named by ANSIBLE_CONFIG or found in the working directory, as Ansible looks for it.
    config = Path(environ["ANSIBLE_CONFIG"]) if environ.get("ANSIBLE_CONFIG") else Path.cwd() / "ansible.cfg"
    if any(name in environ for name in ANSIBLE_ENV) or config.resolve() != root / "ansible.cfg":
        return None
    try:
        resolver = Resolver(layers(inventory, list(extra_vars or []), root), environ)
        return {key: resolver.var(name) for key, name in names.items()}
    except (Unsupported, KeyError, OSError):
        return None
