"""tests/durations.json orders the test files for xdist (tests/conftest.py): every integration file must be in it,
or a new file that deploys a stack would be handed out last and run alone at the end."""

import json
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def test_every_integration_file_has_a_measured_duration() -> None:
    listed = json.loads((TESTS / "durations.json").read_text())
    files = sorted(str(p.relative_to(TESTS.parent)) for p in (TESTS / "integration").glob("test_*.py"))
    assert [f for f in files if f not in listed] == []
    assert [f for f in listed if not (TESTS.parent / f).is_file()] == [], "durations of files that no longer exist"
    assert all(isinstance(s, (int, float)) and s >= 0 for s in listed.values())
