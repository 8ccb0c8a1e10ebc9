"""The pure logic of ``make bench`` (bench/model.py) and the task-recording callback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from bench import model, run
from tests.emulator.realism import REAL_DURATIONS

ROOT = Path(__file__).resolve().parents[2]


def task(name: str, action: str, start: float, end: float | None, role: str | None = None, status: str | None = "ok",
         items: int = 0, retries: int = 0) -> dict:
    return {"name": name, "action": action, "role": role, "host": "localhost", "start": start, "end": end,
            "status": status, "items": items, "retries": retries}


# Medians and ratios


def test_median_ignores_what_was_not_measured() -> None:
    assert model.median([3.0, 1.0, 2.0]) == 2.0
    assert model.median([4.0, None, 1.0]) == 2.5
    assert model.median([None, None]) is None
    assert model.ratio(3.0, 2.0) == 1.5
    assert model.ratio(None, 2.0) is None and model.ratio(3.0, 0) is None


# The wait model


def test_waits_scale_the_real_durations_and_count_the_database_only_while_creating() -> None:
    waits = model.waits(0.5)
    assert waits == {"nat": REAL_DURATIONS["nat_gateway_pending"] / 2, "rds": REAL_DURATIONS["rds_creating"] / 2,
                     "alb": REAL_DURATIONS["alb_provisioning"] / 2, "service:hasura": REAL_DURATIONS["ecs_rollout"] / 2,
                     "service:nextjs": REAL_DURATIONS["ecs_rollout"] / 2}


def test_critical_path_is_the_longest_chain() -> None:
    needs = model.dependencies()
    length, path = model.critical_path({"nat": 90, "rds": 420, "alb": 150, "service:hasura": 180, "service:nextjs": 200}, needs)
    assert (length, path) == (620, ["vpc", "subnets", "rds", "service:nextjs"])
    length, path = model.critical_path({"nat": 500, "rds": 420, "alb": 150, "service:hasura": 180}, needs)
    assert (length, path[2]) == (680, "nat")


def test_critical_path_refuses_a_cycle() -> None:
    with pytest.raises(ValueError, match="cycle"):
        model.critical_path({"a": 1}, {"a": ("b",), "b": ("a",)})


def test_cold_model_at_real_scale() -> None:
    cold = model.cold_model(1.0)
    # NAT 90 + RDS 420 + ALB 150 + two rollouts of 180, against RDS then a rollout.
    assert cold["sum_of_waits_s"] == 90 + 420 + 150 + 2 * 180
    assert cold["critical_path_s"] == 420 + 180
    assert cold["critical_path"][:3] == ["vpc", "subnets", "rds"]
    assert model.cold_model(0.25)["critical_path_s"] == pytest.approx(150)


# Counting


def test_task_counts_count_aws_modules_that_ran_with_their_items_and_retries() -> None:
    tasks = [task("a", "amazon.aws.ec2_vpc_net", 0, 1), task("b", "community.aws.ecs_service", 1, 2, items=2),
             task("c", "hasura_blog.aws.deploy_lock", 2, 3, retries=3), task("d", "amazon.aws.rds_instance", 3, 3, status="skipped"),
             task("e", "ansible.builtin.set_fact", 3, 4), task("f", "amazon.aws.rds_instance_info", 4, None, status=None),
             task("g", "amazon.aws.ec2_eip", 5, 6, status="changed")]
    assert model.task_counts(tasks) == {"aws_tasks": 4, "aws_module_runs": 1 + 2 + 4 + 1, "tasks": 5}


def test_request_counts_split_reads_and_writes() -> None:
    requests = [{"service": "ec2", "action": "DescribeVpcs"}, {"service": "ssm", "action": "PutParameter"},
                {"service": "ssm", "action": "PutParameter"}, {"service": "sts", "action": "GetCallerIdentity"},
                {"service": "ssm", "action": "DeleteParameter"}]
    assert model.request_counts(requests) == {"requests": 5, "reads": 2, "writes": 3,
                                              "read_actions": {"ec2:DescribeVpcs": 1, "sts:GetCallerIdentity": 1},
                                              "write_actions": {"ssm:DeleteParameter": 1, "ssm:PutParameter": 2}}


def test_where_time_goes_sums_roles_and_ranks_tasks() -> None:
    tasks = [task("slow", "x", 10, 14, role="vpc"), task("quick", "x", 14, 15, role="vpc"), task("lock", "x", 15, 17),
             task("unfinished", "x", 17, None, status=None)]
    spent = model.where_time_goes(tasks, started_at=7.0, wall_s=12.0)
    assert spent["roles_s"] == {"vpc": 5.0, "(start)": 3.0, "(play)": 2.0, "(end)": 2.0}
    assert [item["name"] for item in spent["slowest_tasks"]] == ["slow", "lock", "quick"]


# Targets, table and baseline


def figures(**changes) -> dict:
    settled = {"wall_s": 20.0, "floor_s": 2.0, "aws_tasks": 40, "aws_module_runs": 50, "tasks": 90, "reads": 190, "writes": 0,
               "write_actions": {}}
    result = {"cold_deploy": {"time_scale": 0.25, "wall_s": 160.0, "critical_path_s": 150.0, "sum_of_waits_s": 255.0},
              "noop": dict(settled), "plan": dict(settled), "status": {"wall_s": None, "note": "not built yet"},
              "concurrent": {"one_s": 100.0, "three_s": 150.0, "mode": "default"}}
    for key, value in changes.items():
        result[key] = {**result[key], **value}
    return result


def test_target_rows_pass_and_fail_on_the_issue_targets() -> None:
    rows = {row.figure.split(":")[0].split(" (")[0]: row for row in model.target_rows(figures())}
    assert rows["Cold deploy, realistic mode"].passed is True          # 160 <= 1.15 * 150
    assert rows["Cold deploy, realistic mode"].measured == ("160.0 s = 1.07 × critical path (150.0 s) = 0.63 × sum of waits "
                                                            "(255.0 s, 1.70 × critical path)")
    assert rows["`make status`"].passed is None and "not built yet" in rows["`make status`"].measured
    assert rows["Three environments concurrently"].passed is True      # 1.5 <= 1.6
    # 40 AWS module tasks, but 90 tasks in all: the issue's count (97 before the benchmark) is every task.
    settled = {row.figure: row for row in model.target_rows(figures())}
    assert settled["No-op re-deploy: AWS module tasks"].passed is False
    lean = {row.figure: row for row in model.target_rows(figures(noop={"tasks": 45}))}
    assert lean["No-op re-deploy: AWS module tasks"].passed is True
    failing = model.target_rows(figures(cold_deploy={"wall_s": 200.0}, noop={"wall_s": 31.0, "aws_tasks": 97,
                                                                             "writes": 2, "write_actions": {"ssm:PutParameter": 2}},
                                        status={"wall_s": 7.0}, concurrent={"three_s": 170.0}))
    by_figure = {row.figure: row for row in failing}
    assert by_figure["Cold deploy, realistic mode (time scale 0.25)"].passed is False
    assert by_figure["No-op re-deploy: wall time"].passed is False                # 31 / 2 > 15
    assert by_figure["No-op re-deploy: AWS module tasks"].passed is False
    assert by_figure["No-op re-deploy: AWS module tasks"].measured == "97 (50 module runs; 90 tasks in all)"
    assert by_figure["No-op re-deploy: API requests"].passed is False
    assert "ssm:PutParameter × 2" in by_figure["No-op re-deploy: API requests"].measured
    assert by_figure["`make plan` on a deployed stack: wall time"].passed is True
    assert by_figure["`make status`: wall time"].passed is False                  # 7 > 0.1 * 31
    assert by_figure["Three environments concurrently (default mode)"].passed is False


def test_render_table_is_markdown_with_a_line_per_row() -> None:
    table = model.render_table([model.Row("a", "1 s", "≤ 2 s", True), model.Row("b", "3 s", "≤ 2 s", False),
                                model.Row("c", "not built yet", "≤ 1 s", None)])
    lines = table.splitlines()
    assert lines[:2] == ["| figure | measured | target | result |", "|---|---|---|---|"]
    assert lines[2:] == ["| a | 1 s | ≤ 2 s | pass |", "| b | 3 s | ≤ 2 s | **FAIL** |", "| c | not built yet | ≤ 1 s | n/a |"]


def test_counts_above_the_baseline_or_any_write_fail() -> None:
    baseline = {"noop": {"aws_tasks": 40, "reads": 190, "writes": 0}, "plan": {"aws_tasks": 30, "reads": 150, "writes": 0}}
    assert model.counts_of(figures()) == {"noop": {"tasks": 90, "aws_tasks": 40, "reads": 190, "writes": 0},
                                          "plan": {"tasks": 90, "aws_tasks": 40, "reads": 190, "writes": 0}}
    assert model.count_violations(baseline, baseline) == []
    lower = {"noop": {"aws_tasks": 39, "reads": 100, "writes": 0}, "plan": baseline["plan"]}
    assert model.count_violations(lower, baseline) == []
    higher = {"noop": {"aws_tasks": 41, "reads": 190, "writes": 2}, "plan": {"aws_tasks": 30, "reads": 151, "writes": 0}}
    assert model.count_violations(higher, baseline) == [
        "noop aws_tasks: 41, above the baseline's 40", "noop writes: 2, above the baseline's 0", "noop writes: 2, must be 0",
        "plan reads: 151, above the baseline's 150"]
    assert model.count_violations(higher, {}) == ["noop writes: 2, must be 0"]


# The timeline


def cold_deploy() -> tuple[list[dict], list[dict]]:
    """A cold deploy at time scale 0.1 (NAT 9 s, RDS 42 s, ALB 15 s, rollout 18 s) starting at t=1000."""
    tasks = [task("vpc : present | Create the VPC", "amazon.aws.ec2_vpc_net", 1000, 1002, role="vpc"),
             task("nat : present | Create the missing NAT gateways", "amazon.aws.ec2_vpc_nat_gateway", 1002, 1003, role="nat"),
             task("nat : present | Wait until every NAT gateway is available", "amazon.aws.ec2_vpc_nat_gateway_info", 1003, 1012, role="nat"),
             task("rds : present | Create or update the PostgreSQL instance", "amazon.aws.rds_instance", 1012, 1013, role="rds"),
             task("rds : present | skipped", "amazon.aws.rds_instance_info", 1013, 1013, role="rds", status="skipped"),
             task("alb : present | Create or update the load balancer", "amazon.aws.elb_application_lb", 1014, 1015, role="alb"),
             task("rds : wait | Wait until the instance serves connections", "amazon.aws.rds_instance_info", 1016, 1055, role="rds"),
             task("ecs_services : present | Create or update the services", "community.aws.ecs_service", 1055, 1057, role="ecs_services"),
             task("ecs_services : present | Wait until the services have rolled out", "community.aws.ecs_service_info", 1057, 1076,
                  role="ecs_services")]
    requests = [{"t": 1002.5, "service": "ec2", "action": "CreateNatGateway"},
                {"t": 1002.8, "service": "ec2", "action": "CreateNatGateway"},
                {"t": 1012.5, "service": "rds", "action": "CreateDBInstance"},
                {"t": 1014.5, "service": "elasticloadbalancing", "action": "CreateLoadBalancer"},
                {"t": 1055.5, "service": "ecs", "action": "CreateService"},
                {"t": 1056.5, "service": "ecs", "action": "CreateService"},
                {"t": 1056.6, "service": "ecs", "action": "DescribeServices"}]
    return tasks, requests


def test_timeline_lanes_follow_the_requests_the_model_and_the_waits() -> None:
    tasks, requests = cold_deploy()
    lanes = {lane.label: lane for lane in model.timeline_lanes(tasks, requests, 0.1)}
    assert list(lanes)[:7] == list(model.ROLES)
    assert [piece.start for piece in lanes["rds"].bars] == [12, 16]  # the skipped task has no bar
    nat = lanes["NAT gateways"]
    assert [(piece.kind, piece.start, piece.end) for piece in nat.bars] == [("transition", 2.5, pytest.approx(11.8)), ("wait", 3, 12)]
    assert lanes["Load balancer"].bars[0].end == pytest.approx(14.5 + 15)
    assert [piece.start for piece in lanes["ECS service 1"].bars] == [55.5, 57]
    assert lanes["ECS service 2"].bars[0].end == pytest.approx(56.5 + 18)
    critical = sorted(label for label, lane in lanes.items() if lane.critical)
    assert critical == ["DB instance", "ECS service 1", "vpc"]


def test_timeline_without_requests_has_only_role_lanes() -> None:
    tasks, _requests = cold_deploy()
    lanes = model.timeline_lanes(tasks, [], 0.1)
    assert [lane.label for lane in lanes] == list(model.ROLES)
    assert [lane.label for lane in lanes if lane.critical] == ["vpc"]


def test_render_svg_draws_a_bar_per_span_and_marks_the_critical_path() -> None:
    tasks, requests = cold_deploy()
    lanes = model.timeline_lanes(tasks, requests, 0.1)
    svg = model.render_svg(lanes, "Cold deploy <scale 0.1>")
    root = ET.fromstring(svg)  # well-formed, the title escaped
    namespace = {"svg": "http://www.w3.org/2000/svg"}
    bars = root.findall("svg:rect[@class]", namespace)
    assert len(bars) == sum(len(lane.bars) for lane in lanes)
    assert {piece.get("class") for piece in bars} == {"task", "transition", "wait"}
    critical_bars = [piece for piece in bars if piece.get("stroke") == model.CRITICAL]
    assert len(critical_bars) == sum(len(lane.bars) for lane in lanes if lane.critical)
    labels = {text.text: text.get("fill") for text in root.findall("svg:text", namespace)}
    assert labels["DB instance"] == model.CRITICAL and labels["NAT gateways"] == "black"
    assert "Cold deploy <scale 0.1>" in labels
    widest = max(float(piece.get("x")) + float(piece.get("width")) for piece in bars)
    assert widest == pytest.approx(1000 - 20, abs=0.2)  # the last bar ends at the right edge of the plot


# The callback, in a real playbook


def test_the_callback_records_modules_items_retries_and_skips(tmp_path: Path) -> None:
    playbook = tmp_path / "play.yml"
    playbook.write_text("""
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Loop
      ansible.builtin.debug: {msg: "{{ item }}"}
      loop: [1, 2, 3]
    - name: Retry
      ansible.builtin.shell: echo >> {counter}; test $(wc -l < {counter}) -ge 3
      register: tried
      until: tried.rc == 0
      retries: 5
      delay: 0
    - name: Skipped
      ansible.builtin.command: 'false'
      when: false
    - name: Changed
      ansible.builtin.command: 'true'
""".replace("{counter}", str(tmp_path / "counter")))
    tasks_file = tmp_path / "tasks.json"
    env = {**os.environ, "ANSIBLE_CALLBACK_PLUGINS": str(ROOT / "bench" / "callback_plugins"),
           "ANSIBLE_CALLBACKS_ENABLED": "bench_tasks", "BENCH_TASKS_FILE": str(tasks_file), "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg")}
    result = subprocess.run([str(Path(sys.executable).parent / "ansible-playbook"), "-i", "localhost,", "-c", "local",
                             "-e", f"ansible_python_interpreter={sys.executable}", str(playbook)],
                            cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    recorded = {entry["name"]: entry for entry in json.loads(tasks_file.read_text())}
    assert (recorded["Loop"]["action"], recorded["Loop"]["items"], recorded["Loop"]["status"]) == ("ansible.builtin.debug", 3, "ok")
    assert recorded["Retry"]["retries"] == 2
    assert recorded["Skipped"]["status"] == "skipped"
    assert recorded["Changed"]["status"] == "changed"
    assert all(entry["start"] <= entry["end"] for entry in recorded.values())


def test_the_playbook_command_is_the_users_with_the_environment_named() -> None:
    command = run.playbook_command(ROOT, "bench-a", "--check")
    assert command[1:4] == ["site.yml", "-i", "inventories/local"]
    assert "hasura_blog_env=bench-a" in command and command[-1] == "--check"
    env = run.playbook_env(run.Emulator(1234, "/tmp/x"), ROOT, Path("/tmp/x/tasks.json"))
    assert (env["AWS_ENDPOINT_URL"], env["AWS_EMULATOR_PORT"], env["ANSIBLE_CALLBACKS_ENABLED"]) == ("http://127.0.0.1:1234", "1234", "bench_tasks")


def test_summarise_takes_the_median_time_and_the_highest_count() -> None:
    def one(wall: float, reads: int, writes: int, status_s: float | None) -> dict:
        settled = {"wall_s": wall, "floor_s": 1.0, "aws_tasks": 40, "aws_module_runs": 54, "tasks": 90, "reads": reads,
                   "writes": writes, "write_actions": {"ssm:PutParameter": writes} if writes else {}, "time": {"wall": wall}}
        return {"cold_deploy": {"wall_s": wall * 3, "aws_tasks": 45}, "noop": dict(settled), "plan": dict(settled),
                "status": {"wall_s": status_s} if status_s else {"wall_s": None, "note": "not built yet"},
                "concurrent": {"one_s": wall, "three_s": 2 * wall, "mode": "default"}}
    figures = run.summarise([one(10, 100, 0, None), one(30, 120, 1, 2.0), one(20, 90, 0, 4.0)], 0.25)
    assert figures["cold_deploy"]["wall_s"] == 60 and figures["cold_deploy"]["critical_path_s"] == pytest.approx(150)
    assert (figures["noop"]["wall_s"], figures["noop"]["reads"], figures["noop"]["writes"]) == (20, 120, 1)
    assert figures["noop"]["write_actions"] == {"ssm:PutParameter": 1} and figures["noop"]["time"] == {"wall": 30}
    assert figures["status"] == {"wall_s": 3.0, "note": "not built yet"}
    assert (figures["concurrent"]["one_s"], figures["concurrent"]["three_s"]) == (20, 40)
