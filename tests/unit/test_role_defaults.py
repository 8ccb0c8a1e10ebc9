"""The defaults that meta/argument_specs.yml documents (and ansible-doc shows) are the ones defaults/main.yml sets."""

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
ROLES = sorted(p.name for p in (ROOT / "roles").iterdir() if (p / "meta/argument_specs.yml").exists())
# A default that reads a project-wide variable: "{{ hasura_blog_poll_delay | default(10) }}" documents 10.
FALLBACK = re.compile(r"^\{\{\s*hasura_blog_[a-z_]+\s*\|\s*default\((?P<value>[^()~]*)\)\s*\}\}$")


def documented_and_set(role: str) -> list[tuple[str, object, object]]:
    options = yaml.safe_load((ROOT / f"roles/{role}/meta/argument_specs.yml").read_text())["argument_specs"]["main"]["options"]
    defaults = yaml.safe_load((ROOT / f"roles/{role}/defaults/main.yml").read_text())
    pairs = []
    for name, value in defaults.items():
        assert name in options, f"{role}: {name} is set in defaults/main.yml but not documented"
        if options[name].get("no_log"):
            continue  # a secret: its value comes from the vault, and documenting one would be wrong
        if isinstance(value, str) and "{{" in value:
            fallback = FALLBACK.match(value)
            if not fallback:
                continue  # derived from other variables (names, other roles' facts): nothing literal to compare
            value = yaml.safe_load(fallback.group("value"))
        assert "default" in options[name], f"{role}: {name} defaults to {value!r} but argument_specs has no default"
        pairs.append((name, options[name]["default"], value))
    return pairs


@pytest.mark.parametrize("role", ROLES)
def test_documented_defaults_are_the_role_defaults(role: str) -> None:
    pairs = documented_and_set(role)
    assert pairs, f"{role}: no default compared"
    for name, documented, value in pairs:
        assert documented == value, f"{role}: {name} is documented as {documented!r} but defaults to {value!r}"
