"""The order in which pytest-xdist hands out test files: the longest first.

``make unit`` runs each test file whole in one of two workers (``--dist loadfile``). Left to itself, xdist hands
out the files with the most tests first, which puts the one-test files that deploy a whole stack (several minutes
each) last, and one worker then runs the longest of them alone while the other is idle. Handing out the longest
first (``--no-loadscope-reorder`` keeps this order) lets the short files fill the gaps at the end.

``tests/durations.json`` holds the seconds each file took in a fresh-clone ``make test`` (``--store-durations``
writes them; only their order matters); a file that is not in it counts as instant. tests/unit/test_durations.py
checks that every integration test file is in it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

DURATIONS = Path(__file__).with_name("durations.json")
_measured: dict[str, float] = defaultdict(float)


def pytest_addoption(parser) -> None:
    parser.addoption("--store-durations", action="store_true",
                     help=f"write the seconds each test file took to {DURATIONS.relative_to(DURATIONS.parents[1])}")


def pytest_collection_modifyitems(config, items) -> None:
    seconds = json.loads(DURATIONS.read_text())
    items.sort(key=lambda item: -seconds.get(item.nodeid.split("::")[0], 0.0))  # stable: file order kept otherwise


def pytest_runtest_logreport(report) -> None:
    _measured[report.nodeid.split("::")[0]] += report.duration


def pytest_sessionfinish(session) -> None:
    # Only the process that saw every report: the xdist controller, or a run without xdist.
    if session.config.getoption("store_durations") and not hasattr(session.config, "workerinput"):
        DURATIONS.write_text(json.dumps(dict(sorted(_measured.items(), key=lambda kv: -kv[1])), indent=1) + "\n")
