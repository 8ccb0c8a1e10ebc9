# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Records every task of a playbook run for ``make bench``: name, module, role, start and end, and what came of it.

Enabled by the benchmark only: ANSIBLE_CALLBACK_PLUGINS=bench/callback_plugins, ANSIBLE_CALLBACKS_ENABLED=bench_tasks,
and BENCH_TASKS_FILE=<path>, where it writes a JSON list at the end of the run, one object per task and host:
``{"name", "action", "role", "start", "end", "status", "items", "retries"}``. ``action`` is the module as the task
names it (the roles name every module by FQCN); ``status`` is ok, changed, failed, skipped or unreachable (None when
no result came, e.g. a run that was killed); ``items`` counts loop items, ``retries`` the attempts an ``until`` repeated.
Times are epoch seconds.
"""

from __future__ import annotations

import json
import os
import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
    name: bench_tasks
    type: aggregate
    short_description: records each task's module, start and end for the benchmark
    description: Writes a JSON list of the run's tasks to the file named by BENCH_TASKS_FILE.
    requirements: [enabled with ANSIBLE_CALLBACKS_ENABLED=bench_tasks]
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "bench_tasks"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self) -> None:
        super().__init__()
        self.records: list[dict] = []
        self.open: dict[tuple[str, str], dict] = {}  # (task uuid, host) -> its record
        self.started: dict[str, tuple[float, object]] = {}  # task uuid -> (start, task)

    def v2_playbook_on_task_start(self, task, is_conditional) -> None:
        self.started[task._uuid] = (time.time(), task)

    def v2_playbook_on_handler_task_start(self, task) -> None:
        self.started[task._uuid] = (time.time(), task)

    def _record(self, result) -> dict:
        task, host = result._task, result._host.get_name()
        key = (task._uuid, host)
        if key not in self.open:
            start, _task = self.started.get(task._uuid, (time.time(), task))
            role = task._role.get_name(include_role_fqcn=False) if task._role else None
            record = {"name": task.get_name(), "action": task.action, "role": role, "host": host, "start": start,
                      "end": None, "status": None, "items": 0, "retries": 0}
            self.open[key] = record
            self.records.append(record)
        return self.open[key]

    def _end(self, result, status: str) -> None:
        record = self._record(result)
        del self.open[(result._task._uuid, record["host"])]  # a task that runs again gets a record of its own
        record["end"] = time.time()
        record["status"] = "changed" if status == "ok" and result._result.get("changed") else status

    def v2_runner_on_ok(self, result) -> None:
        self._end(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False) -> None:
        self._end(result, "failed")

    def v2_runner_on_skipped(self, result) -> None:
        self._end(result, "skipped")

    def v2_runner_on_unreachable(self, result) -> None:
        self._end(result, "unreachable")

    def v2_runner_item_on_ok(self, result) -> None:
        self._record(result)["items"] += 1

    def v2_runner_item_on_failed(self, result) -> None:
        self._record(result)["items"] += 1

    def v2_runner_item_on_skipped(self, result) -> None:
        self._record(result)["items"] += 1

    def v2_runner_retry(self, result) -> None:
        self._record(result)["retries"] += 1

    def v2_playbook_on_stats(self, stats) -> None:
        path = os.environ.get("BENCH_TASKS_FILE")
        if path:
            with open(path, "w", encoding="utf-8") as handle:
                json.dump(self.records, handle, indent=1)
