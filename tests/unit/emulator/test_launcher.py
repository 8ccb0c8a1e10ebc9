"""The launcher's memory of the last emulator on a port, and the warning when a new one starts empty."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.emulator import __main__ as launcher


@pytest.fixture(autouse=True)
def run_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(launcher, "RUN_DIR", tmp_path)
    return tmp_path


def test_a_fresh_port_has_no_last_run() -> None:
    assert launcher.last_run(4566) is None


def test_a_clean_end_is_recorded_once_and_stop_has_the_last_word() -> None:
    launcher.record_run(4566, {"pid": 10, "started": "2026-11-30 09:00:00"})
    assert launcher.last_run(4566) == {"pid": 10, "started": "2026-11-30 09:00:00"}
    launcher.record_end(4566, 10, "ended by SIGTERM (kill or a shutdown)")
    launcher.record_end(4566, 10, "ended by SIGINT (kill or a shutdown)")
    assert launcher.last_run(4566)["ended_by"] == "ended by SIGTERM (kill or a shutdown)"
    launcher.record_end(4566, 10, "stopped with make emulator-stop", replace=True)
    assert launcher.last_run(4566)["ended_by"] == "stopped with make emulator-stop"


def test_the_end_of_another_emulator_is_not_recorded() -> None:
    launcher.record_run(4566, {"pid": 10, "started": "2026-11-30 09:00:00"})
    launcher.record_end(4566, 11, "stopped with make emulator-stop", replace=True)
    assert "ended" not in launcher.last_run(4566)


def test_a_pid_file_of_an_older_launcher_counts_as_a_run_that_did_not_end_cleanly(run_dir: Path) -> None:
    (run_dir / "emulator-4566.pid").write_text("1234\n")
    previous = launcher.last_run(4566)
    assert previous["pid"] == 1234 and "ended" not in previous


def test_a_garbled_record_is_ignored(run_dir: Path) -> None:
    (run_dir / "emulator-4566.last.json").write_text("{not json")
    assert launcher.last_run(4566) is None
    (run_dir / "emulator-4566.last.json").write_text(json.dumps(["pid"]))
    assert launcher.last_run(4566) is None


def test_warning_after_a_stop() -> None:
    previous = {"pid": 10, "started": "2026-11-30 09:00:00", "ended": "2026-11-30 10:00:00",
                "ended_by": "stopped with make emulator-stop"}
    assert launcher.empty_start_warning(4566, previous) == (
        "WARNING: The emulator on port 4566 starts empty: the one started at 2026-11-30 09:00:00 (pid 10) is gone "
        "(stopped with make emulator-stop at 2026-11-30 10:00:00), and everything deployed to it with it. "
        "Run make deploy ENV=local again to recreate the stack.")


def test_warning_after_a_kill_names_the_log_and_the_port() -> None:
    previous = {"pid": 10, "started": "2026-11-30 09:00:00"}
    assert launcher.empty_start_warning(4570, previous, Path(".run/emulator-4570.log")) == (
        "WARNING: The emulator on port 4570 starts empty: the one started at 2026-11-30 09:00:00 (pid 10) is gone "
        "(no longer running: it was not stopped cleanly (killed, crashed, or the machine restarted); its log is "
        ".run/emulator-4570.log), and everything deployed to it with it. "
        "Run make deploy ENV=local AWS_EMULATOR_PORT=4570 again to recreate the stack.")
