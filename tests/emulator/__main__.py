"""The local AWS emulator: a moto server with the fidelity patches of ``patches.py``.

    python -m tests.emulator start  [--port N]   start in the background, wait until it answers (no-op if running)
    python -m tests.emulator stop   [--port N]   stop it (no-op if not running)
    python -m tests.emulator status [--port N]   exit 0 if it answers; print its realism settings as one JSON line
    python -m tests.emulator serve  [--port N]   run in the foreground (what ``start`` runs)
    python -m tests.emulator free-port           print a free TCP port on 127.0.0.1

The port defaults to $AWS_EMULATOR_PORT, else 4566. State lives in .run/emulator-<port>.{pid,log}, and
.run/emulator-<port>.last.json remembers the last emulator that answered on the port and how it ended: ``start``
warns on stderr when it starts an empty emulator where one ran before (stopped, killed or crashed), since everything
deployed to that one is gone.
With AWS_EMULATOR_REALISM=1 in its environment the emulator starts in realistic mode (see tests/emulator/realism):
AWS's transitional states, lingering dependencies and throttling. GET/POST /_emulator/realism shows and changes it.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parents[2]
RUN_DIR = Path(os.environ.get("EMULATOR_RUN_DIR", ROOT / ".run"))
START_TIMEOUT_S = 60


def default_port() -> int:
    return int(os.environ.get("AWS_EMULATOR_PORT") or 4566)


def pid_file(port: int) -> Path:
    return RUN_DIR / f"emulator-{port}.pid"


def log_file(port: int) -> Path:
    return RUN_DIR / f"emulator-{port}.log"


def last_file(port: int) -> Path:
    return RUN_DIR / f"emulator-{port}.last.json"


def now() -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S")


def last_run(port: int) -> dict | None:
    """The last emulator that answered on ``port``: {"pid", "started", and "ended"/"ended_by" once it ended cleanly}."""
    try:
        record = json.loads(last_file(port).read_text())
    except (FileNotFoundError, ValueError):
        record = None
    if isinstance(record, dict) and "pid" in record:
        return record
    try:  # A pid file left by a launcher from before last.json: that emulator ended without stop.
        pid = int(pid_file(port).read_text().strip())
        return {"pid": pid, "started": time.strftime("%Y-%m-%d %H:%M:%S",
                                                     time.localtime(pid_file(port).stat().st_mtime))}
    except (FileNotFoundError, ValueError):
        return None


def record_run(port: int, record: dict) -> None:
    RUN_DIR.mkdir(parents=True, exist_ok=True)
    partial = last_file(port).with_suffix(f".{os.getpid()}.tmp")
    partial.write_text(json.dumps(record) + "\n")
    os.replace(partial, last_file(port))


def record_end(port: int, pid: int, ended_by: str, replace: bool = False) -> None:
    """Note that the emulator ``pid`` on ``port`` ended cleanly (keeping an earlier note unless ``replace``), unless
    the record is of another emulator."""
    record = last_run(port)
    if record and record.get("pid") == pid and (replace or not record.get("ended")):
        record_run(port, {**record, "ended": now(), "ended_by": ended_by})


def empty_start_warning(port: int, previous: dict, log: Path | None = None) -> str:
    """What ``start`` says on stderr when it starts an empty emulator where ``previous`` had answered."""
    if previous.get("ended"):
        how = f"{previous.get('ended_by', 'stopped')} at {previous['ended']}"
    else:
        how = ("no longer running: it was not stopped cleanly (killed, crashed, or the machine restarted)"
               + (f"; its log is {log}" if log else ""))
    deploy = "make deploy ENV=local" + ("" if port == 4566 else f" AWS_EMULATOR_PORT={port}")
    return (f"WARNING: The emulator on port {port} starts empty: the one started at {previous.get('started', '?')} "
            f"(pid {previous.get('pid', '?')}) is gone ({how}), and everything deployed to it with it. "
            f"Run {deploy} again to recreate the stack.")


def answers(port: int) -> bool:
    # The dashboard page is static. /moto-api/data.json serialises every model and answers 500 once an RDS
    # instance exists, so it cannot tell whether the server is up.
    try:
        with urllib.request.urlopen(f"http://{HOST}:{port}/moto-api/", timeout=2) as reply:
            return reply.status == 200
    except (OSError, urllib.error.URLError):
        return False


def running_pid(port: int) -> int | None:
    try:
        pid = int(pid_file(port).read_text().strip())
        os.kill(pid, 0)
        return pid
    except (FileNotFoundError, ValueError, ProcessLookupError, PermissionError):
        return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start(port: int) -> int:
    pid = running_pid(port)
    if pid:
        if answers(port):
            print(f"emulator already running on http://{HOST}:{port} (pid {pid})")
            return 0
        print(f"emulator process {pid} runs but does not answer on port {port}; see {log_file(port)}", file=sys.stderr)
        return 1
    if answers(port):
        print(f"port {port} already answers, but not as this project's emulator; set AWS_EMULATOR_PORT", file=sys.stderr)
        return 1
    previous = last_run(port)
    if previous:
        print(empty_start_warning(port, previous, log_file(port)), file=sys.stderr)
    RUN_DIR.mkdir(parents=True, exist_ok=True)
    with open(log_file(port), "ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.emulator", "serve", "--port", str(port)],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
        )
    pid_file(port).write_text(f"{process.pid}\n")
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pid_file(port).unlink(missing_ok=True)
            print(f"emulator exited with {process.returncode}; see {log_file(port)}", file=sys.stderr)
            return 1
        if answers(port):
            record_run(port, {"pid": process.pid, "started": now()})
            print(f"emulator running on http://{HOST}:{port} (pid {process.pid}, log {log_file(port)})")
            return 0
        time.sleep(0.2)
    stop(port)
    print(f"emulator did not answer within {START_TIMEOUT_S}s; see {log_file(port)}", file=sys.stderr)
    return 1


def stop(port: int) -> int:
    pid = running_pid(port)
    if pid:
        os.kill(pid, signal.SIGTERM)
        for _attempt in range(50):
            if running_pid(port) is None:
                break
            time.sleep(0.1)
        else:
            os.kill(pid, signal.SIGKILL)
        record_end(port, pid, "stopped with make emulator-stop", replace=True)
        print(f"emulator on port {port} stopped (pid {pid})")
    else:
        print(f"no emulator running on port {port}")
    pid_file(port).unlink(missing_ok=True)
    return 0


def realism_snapshot(port: int) -> dict | None:
    """What GET /_emulator/realism answers, or None if the emulator does not answer it."""
    try:
        with urllib.request.urlopen(f"http://{HOST}:{port}/_emulator/realism", timeout=2) as reply:
            return json.load(reply)
    except (OSError, urllib.error.URLError, ValueError):
        return None


def serve(port: int, skip: tuple[str, ...], skip_behaviours: tuple[str, ...] = ()) -> int:
    """Run moto's server as moto.server.main does, with the fidelity patches, the realism behaviours when
    AWS_EMULATOR_REALISM=1, and the realism middleware (control endpoint, fault injection) in front."""
    from tests.emulator import patches, realism

    state = realism.from_environment()
    realism.configure(state)
    patches.apply(skip)
    if state.enabled:
        realism.apply(skip_behaviours)
        print(f"realistic mode: {json.dumps(realism.snapshot())}", flush=True)
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import run_simple

    from tests.emulator.realism.middleware import RealismMiddleware

    os.environ.setdefault("MOTO_PORT", str(port))

    def end(signum: int, _frame) -> None:
        # Recorded for start's warning; stop() then records that it was make emulator-stop that sent the signal.
        record_end(port, os.getpid(), f"ended by {signal.Signals(signum).name} (kill or a shutdown)")
        sys.exit(0)

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, end)
    app = DomainDispatcherApplication(create_backend_app)
    app.debug = True  # type: ignore[attr-defined]
    run_simple(HOST, port, RealismMiddleware(app, behaviours_applied=state.enabled), threaded=True,
               request_handler=MotoRequestHandler)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.emulator", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["start", "stop", "status", "serve", "free-port"])
    parser.add_argument("--port", type=int, default=None)
    parser.add_argument("--skip-patch", action="append", default=[], help="serve without this patch (tests only)")
    parser.add_argument("--skip-behaviour", action="append", default=[],
                        help="serve realistic mode without this behaviour (tests only)")
    args = parser.parse_args(argv)
    port = args.port or default_port()
    if args.command == "start":
        return start(port)
    if args.command == "stop":
        return stop(port)
    if args.command == "status":
        if not answers(port):
            return 1
        snapshot = realism_snapshot(port)
        if snapshot is not None:
            print(json.dumps(snapshot))
        return 0
    if args.command == "serve":
        return serve(port, tuple(args.skip_patch), tuple(args.skip_behaviour))
    print(free_port())
    return 0


if __name__ == "__main__":
    sys.exit(main())
