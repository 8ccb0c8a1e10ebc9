"""``make bench``: how long the playbooks take against the emulator, and how many tasks and API requests they make.

    .venv/bin/python -m bench.run [--runs 3] [--out bench/results.json] [--time-scale 1] [--update-baseline]

Each run starts its own emulators on free ports (state in a temporary EMULATOR_RUN_DIR) and runs the playbooks as
users do (``ansible-playbook site.yml -i inventories/local``, the environment of ``make deploy``), with the callback
bench/callback_plugins/bench_tasks.py recording each task, and the emulator's request log (GET /_emulator/requests)
counting API requests. A run measures, in this order:

1. a cold deploy of ``local`` in realistic mode, against the model of its waits (bench/model.py: the sum of the
   waits, which a strictly sequential playbook pays, and the critical path); the median run draws bench/timeline.svg;
2. on that stack once it is deployed, a no-op re-deploy, ``site.yml --check --diff`` (what ``make plan`` runs), the
   floor (bench/floor.py: one Python process that reads the whole stack with boto3) and ``tools/status.py``
   (``make status``; "not built yet" while the file does not exist);
3. a cold deploy of ``bench-a`` alone, and of ``bench-a``, ``bench-b`` and ``bench-c`` at the same time, each on a
   fresh emulator (``--concurrent-mode``, default mode by default).

Each figure is the median of the runs. It prints a Markdown table (figure, measured, target, pass/fail) and the
no-op re-deploy's slowest roles and tasks, and writes the figures, every run's raw figures and the machine to
``--out``.

Exit status: 1 when a task or request count of the no-op re-deploy or the plan rises above bench/baseline.json, or
when either writes anything (``--update-baseline`` rewrites the baseline from this run's counts instead); 2 when a
playbook fails. The timing targets are reported pass/fail in the table but never fail the run: timings depend on the
machine and its load, counts do not.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

from bench import model

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
BIN = Path(sys.executable).parent

# The time scale of the cold deploy: 1, the real-AWS durations of the emulator's realistic mode (a NAT gateway 90 s,
# the database 420 s, the load balancer 150 s, a service's rollout 180 s; the critical path 600 s), so that the waits
# stand to the playbook's own work (about 80 s of tasks on this machine before and between them) as they do on AWS. At
# 0.25 the same 80 s made 1.5 × a critical path of 150 s: a figure of Ansible's CPU time, not of how the playbook
# overlaps the waits. --time-scale 0.25 gives a quicker run (about 4 minutes a cold deploy instead of 11).
TIME_SCALE = 1.0
CONCURRENT_ENVS = ("bench-a", "bench-b", "bench-c")


@dataclass
class Emulator:
    port: int
    run_dir: str

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def requests(self) -> list[dict[str, Any]]:
        with urllib.request.urlopen(f"{self.url}/_emulator/requests", timeout=30) as reply:
            return json.load(reply)["requests"]

    def clear_requests(self) -> None:
        urllib.request.urlopen(urllib.request.Request(f"{self.url}/_emulator/requests", method="DELETE"), timeout=30).close()


@contextmanager
def emulator(realistic: bool, time_scale: float = TIME_SCALE) -> Iterator[Emulator]:
    """An emulator of this repository on a free port with its own run directory, in realistic mode (no faults) or
    not; stopped on exit."""
    launcher = [sys.executable, "-m", "tests.emulator"]
    with tempfile.TemporaryDirectory(prefix="bench-emulator-") as run_dir:
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env["EMULATOR_RUN_DIR"] = run_dir
        if realistic:
            env.update(AWS_EMULATOR_REALISM="1", AWS_EMULATOR_TIME_SCALE=str(time_scale))
        port = int(subprocess.run([*launcher, "free-port"], cwd=ROOT, capture_output=True, text=True, check=True).stdout)
        started = subprocess.run([*launcher, "start", "--port", str(port)], cwd=ROOT, env=env, capture_output=True, text=True,
                                 check=False)
        if started.returncode != 0:
            raise SystemExit(f"the emulator did not start: {started.stdout}{started.stderr}")
        try:
            yield Emulator(port, run_dir)
        finally:
            subprocess.run([*launcher, "stop", "--port", str(port)], cwd=ROOT, env=env, capture_output=True, check=False)


@dataclass
class Run:
    """One ansible-playbook (or other) process: its wall time, exit status, output, and the tasks it recorded."""
    command: list[str]
    wall_s: float
    returncode: int
    output: str
    tasks: list[dict[str, Any]] = field(default_factory=list)
    started_at: float = 0.0  # epoch seconds


def playbook_env(emu: Emulator, project: Path, tasks_file: Path) -> dict[str, str]:
    """The environment of ``make deploy ENV=local`` (as tests/integration/conftest.py's playbook_command builds it),
    with the benchmark's callback added."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ANSIBLE_"))}
    env.update(AWS_EMULATOR_PORT=str(emu.port), AWS_ENDPOINT_URL=emu.url, ANSIBLE_CONFIG=str(project / "ansible.cfg"),
               ANSIBLE_COLLECTIONS_PATH=str(project / "collections"), ANSIBLE_FORCE_COLOR="0",
               PATH=f"{BIN}:{env.get('PATH', '')}", ANSIBLE_CALLBACK_PLUGINS=str(BENCH / "callback_plugins"),
               ANSIBLE_CALLBACKS_ENABLED="bench_tasks", BENCH_TASKS_FILE=str(tasks_file))
    return env


def playbook_command(project: Path, env_name: str, *args: str) -> list[str]:
    return [str(BIN / "ansible-playbook"), "site.yml", "-i", "inventories/local", "-e", f"hasura_blog_env={env_name}",
            "-e", f"hasura_blog_secrets_file={project / 'secrets/local.yml'}", *args]


def start_playbook(emu: Emulator, project: Path, env_name: str, *args: str) -> tuple[subprocess.Popen, Path, float, float]:
    tasks_file = Path(emu.run_dir) / f"tasks-{env_name}-{time.monotonic_ns()}.json"
    started_at, started = time.time(), time.monotonic()
    process = subprocess.Popen(playbook_command(project, env_name, *args), cwd=project, env=playbook_env(emu, project, tasks_file),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return process, tasks_file, started, started_at


def finish_playbook(process: subprocess.Popen, tasks_file: Path, started: float, started_at: float) -> Run:
    output = process.communicate()[0]
    wall = time.monotonic() - started
    tasks = json.loads(tasks_file.read_text()) if tasks_file.exists() else []
    run = Run(process.args, wall, process.returncode, output, tasks, started_at)
    if run.returncode != 0:
        print(output[-5000:], file=sys.stderr)
        print(f"\n{' '.join(process.args)} failed ({run.returncode}); the benchmark measures working playbooks.", file=sys.stderr)
        raise SystemExit(2)
    return run


def playbook(emu: Emulator, project: Path, env_name: str, *args: str) -> Run:
    return finish_playbook(*start_playbook(emu, project, env_name, *args))


def timed(command: list[str], env: dict[str, str], cwd: Path) -> Run:
    started = time.monotonic()
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    return Run(command, time.monotonic() - started, result.returncode, result.stdout + result.stderr)


def floor(emu: Emulator, env_name: str) -> float:
    """Seconds of one Python process that reads the whole stack with boto3 (bench/floor.py), start to exit."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    run = timed([sys.executable, "-m", "bench.floor", env_name, "--endpoint", emu.url], env, ROOT)
    if run.returncode != 0:
        raise SystemExit(f"bench/floor.py failed: {run.output}")
    return run.wall_s


def status(emu: Emulator, project: Path) -> dict[str, Any]:
    """Seconds of ``tools/status.py -i inventories/local`` (what ``make status`` runs), or a note that it is not there."""
    script = project / "tools" / "status.py"
    if not script.exists():
        return {"wall_s": None, "note": "not built yet (no tools/status.py)"}
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ANSIBLE_"))}
    env.update(AWS_ENDPOINT_URL=emu.url, AWS_EMULATOR_PORT=str(emu.port), ANSIBLE_CONFIG=str(project / "ansible.cfg"),
               ANSIBLE_COLLECTIONS_PATH=str(project / "collections"), PATH=f"{BIN}:{env.get('PATH', '')}")
    run = timed([sys.executable, str(script), "-i", "inventories/local"], env, project)
    if run.returncode != 0:
        return {"wall_s": None, "note": f"tools/status.py failed ({run.returncode})", "output": run.output[-2000:]}
    return {"wall_s": run.wall_s}


def settled_run_figures(run: Run, requests: list[dict[str, Any]], floor_s: float) -> dict[str, Any]:
    """The figures of a run on a deployed stack: wall, tasks, requests, the floor, and where the time went."""
    return {"wall_s": run.wall_s, "floor_s": floor_s, **model.task_counts(run.tasks), **model.request_counts(requests),
            "time": model.where_time_goes(run.tasks, run.started_at, run.wall_s)}


def one_run(project: Path, time_scale: float, concurrent_mode: str, number: int) -> dict[str, Any]:
    """Every figure, once."""
    print(f"run {number}: cold deploy in realistic mode (time scale {time_scale})", file=sys.stderr, flush=True)
    with emulator(True, time_scale) as emu:
        cold = playbook(emu, project, "local")
        cold_requests = emu.requests()
        settled: dict[str, Any] = {}
        for key, args in (("noop", ()), ("plan", ("--check", "--diff"))):
            print(f"run {number}: {key}", file=sys.stderr, flush=True)
            emu.clear_requests()
            done = playbook(emu, project, "local", *args)
            requests = emu.requests()
            settled[key] = settled_run_figures(done, requests, floor(emu, "local"))
        print(f"run {number}: status", file=sys.stderr, flush=True)
        status_figure = status(emu, project)
    realistic = concurrent_mode == "realistic"
    print(f"run {number}: one environment alone ({concurrent_mode} mode)", file=sys.stderr, flush=True)
    with emulator(realistic, time_scale) as emu:
        one = playbook(emu, project, CONCURRENT_ENVS[0]).wall_s
    print(f"run {number}: three environments concurrently", file=sys.stderr, flush=True)
    with emulator(realistic, time_scale) as emu:
        started = time.monotonic()
        processes = [start_playbook(emu, project, name) for name in CONCURRENT_ENVS]
        for process in processes:
            finish_playbook(*process)
        three = time.monotonic() - started
    return {"cold_deploy": {"wall_s": cold.wall_s, **model.task_counts(cold.tasks), "tasks": cold.tasks,
                            "requests": cold_requests},
            **settled, "status": status_figure, "concurrent": {"one_s": one, "three_s": three, "mode": concurrent_mode}}


def summarise(runs: list[dict[str, Any]], time_scale: float) -> dict[str, Any]:
    """The medians of the times; the highest of the counts (a count that rises in any run fails against the
    baseline), with the write actions and the time per role of the run that wrote most."""
    cold_model = model.cold_model(time_scale)
    figures: dict[str, Any] = {"cold_deploy": {**cold_model, "wall_s": model.median(run["cold_deploy"]["wall_s"] for run in runs),
                                               "aws_tasks": max(run["cold_deploy"]["aws_tasks"] for run in runs)}}
    for key in ("noop", "plan"):
        most = max((run[key] for run in runs), key=lambda figure: figure["writes"])
        figures[key] = {**most, "wall_s": model.median(run[key]["wall_s"] for run in runs),
                        "floor_s": model.median(run[key]["floor_s"] for run in runs),
                        **{name: max(run[key][name] for run in runs) for name in ("aws_tasks", "aws_module_runs", "tasks", "reads", "writes")}}
    statuses = [run["status"] for run in runs]
    figures["status"] = {"wall_s": model.median(status.get("wall_s") for status in statuses),
                         "note": next((status["note"] for status in statuses if status.get("note")), None)}
    figures["concurrent"] = {"one_s": model.median(run["concurrent"]["one_s"] for run in runs),
                             "three_s": model.median(run["concurrent"]["three_s"] for run in runs),
                             "mode": runs[0]["concurrent"]["mode"]}
    return figures


def machine(project: Path) -> dict[str, Any]:
    memory_kb = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal:")), 0) if Path("/proc/meminfo").exists() else 0
    commit = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=project, capture_output=True, text=True,
                            check=False).stdout.strip()
    return {"cores": os.cpu_count(), "memory_gb": round(memory_kb / 1024 / 1024, 1), "python": platform.python_version(),
            "ansible_core": metadata.version("ansible-core"), "boto3": metadata.version("boto3"), "moto": metadata.version("moto"),
            "platform": platform.platform(), "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "project": str(project), "commit": commit or None}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n", maxsplit=1)[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="each figure is the median of this many runs (default 3)")
    parser.add_argument("--out", type=Path, default=BENCH / "results.json")
    parser.add_argument("--svg", type=Path, default=BENCH / "timeline.svg", help="the cold deploy's timeline")
    parser.add_argument("--baseline", type=Path, default=BENCH / "baseline.json")
    parser.add_argument("--update-baseline", action="store_true", help="write this run's counts to the baseline")
    parser.add_argument("--time-scale", type=float, default=TIME_SCALE, help=f"realistic mode's time scale (default {TIME_SCALE})")
    parser.add_argument("--concurrent-mode", choices=["default", "realistic"], default="default",
                        help="the emulator mode of the three-environment figure (default: default)")
    parser.add_argument("--project", type=Path, default=ROOT,
                        help="the clone whose playbooks are measured (default: this one); the emulator is always this one's")
    args = parser.parse_args(argv)
    project = args.project.resolve()
    started = time.monotonic()
    runs = [one_run(project, args.time_scale, args.concurrent_mode, number) for number in range(1, args.runs + 1)]
    figures = summarise(runs, args.time_scale)

    # The timeline of the run whose cold deploy took the median time.
    middle = sorted(runs, key=lambda run: run["cold_deploy"]["wall_s"])[len(runs) // 2]["cold_deploy"]
    lanes = model.timeline_lanes(middle["tasks"], middle["requests"], args.time_scale)
    title = (f"Cold deploy in realistic mode (time scale {args.time_scale}): {middle['wall_s']:.0f} s; "
             f"critical path {figures['cold_deploy']['critical_path_s']:.0f} s, sum of waits {figures['cold_deploy']['sum_of_waits_s']:.0f} s")
    args.svg.write_text(model.render_svg(lanes, title))

    rows = model.target_rows(figures)
    counts = model.counts_of(figures)
    if args.update_baseline:
        args.baseline.write_text(json.dumps(counts, indent=1) + "\n")
        problems = model.count_violations(counts, counts)  # only writes can fail now
    else:
        baseline = json.loads(args.baseline.read_text()) if args.baseline.exists() else {}
        problems = model.count_violations(counts, baseline)
    raw = [{**run, "cold_deploy": {k: v for k, v in run["cold_deploy"].items() if k not in ("tasks", "requests")}} for run in runs]
    args.out.write_text(json.dumps({
        "machine": machine(project), "runs": args.runs, "seconds": round(time.monotonic() - started, 1),
        "figures": figures, "table": [row.__dict__ for row in rows], "counts": counts, "problems": problems,
        "raw_runs": raw}, indent=1) + "\n")

    print(model.render_table(rows))
    noop_time = figures["noop"]["time"]
    print("\nNo-op re-deploy, seconds per role: " + ", ".join(f"{role} {seconds}" for role, seconds in noop_time["roles_s"].items()))
    print("Slowest tasks: " + "; ".join(f"{task['name']} {task['seconds']} s" for task in noop_time["slowest_tasks"][:5]))
    print(f"\n{args.runs} run(s) in {time.monotonic() - started:.0f} s; results in {args.out}, timeline in {args.svg}")
    for problem in problems:
        print(f"FAIL: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
