"""hasura_blog.aws.deploy_lock against the emulator: acquire, a second acquire that fails naming the holder, break_lock,
release only with the right token, check mode, and a race of eight runs of which exactly one gets the lock.

Each test uses its own lock name, so the tests share the session's emulator and can run in any order.
"""

from __future__ import annotations

import json
import subprocess
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml
from botocore.exceptions import ClientError

from .conftest import ROOT, playbook_command

ALICE = "alice@laptop pid 1234"
BOB = "AWX job 42 (admin)"
TAGS = {"Project": "hasura-blog", "Environment": "it"}


def lock_name(test: str) -> str:
    return f"/hasura-blog/it-{test}/deploy-lock"


@pytest.fixture
def steps(tmp_path: Path, playbook):
    """Run the module once per step, in order, in one ansible-playbook (one Ansible start-up for all of them), and
    return (output, the steps' results). A step is the module's options (Jinja allowed: ``{{ step0.token }}`` is the
    token the first step returned), plus ``check: true`` for check mode. A failed step does not stop the others."""
    results_file = tmp_path / "steps.json"

    def run(*options: dict) -> tuple[str, list[dict]]:
        tasks = [{"name": f"Step {i}", "hasura_blog.aws.deploy_lock": {k: v for k, v in step.items() if k != "check"},
                  "check_mode": bool(step.get("check")), "register": f"step{i}", "ignore_errors": True}
                 for i, step in enumerate(options)]
        tasks.append({"ansible.builtin.copy": {"content": "{{ [%s] | to_json }}" % ", ".join(
            f"step{i}" for i in range(len(options))), "dest": str(results_file), "mode": "0600"}})
        path = tmp_path / "steps.yml"
        path.write_text(yaml.safe_dump([{
            "hosts": "hasura_blog",
            "gather_facts": False,
            "module_defaults": {"group/hasura_blog.aws.aws": {
                "region": "us-east-1", "endpoint_url": "{{ hasura_blog_aws_endpoint_url }}",
                "access_key": "{{ hasura_blog_aws_access_key }}", "secret_key": "{{ hasura_blog_aws_secret_key }}",
            }},
            "tasks": tasks,
        }], sort_keys=False))
        results_file.unlink(missing_ok=True)
        rc, out = playbook(str(path))
        assert rc == 0 and results_file.exists(), out
        return out, json.loads(results_file.read_text())
    return run


def stored(aws, name: str) -> dict | None:
    """The lock record in the parameter, or None if there is no parameter."""
    try:
        return json.loads(aws("ssm").get_parameter(Name=name)["Parameter"]["Value"])
    except ClientError as error:
        assert error.response["Error"]["Code"] == "ParameterNotFound"
        return None


def put_record(aws, name: str, holder: str, token: str, age: timedelta) -> str:
    """A lock of another run, taken ``age`` ago; returns its since."""
    since = (datetime.now(timezone.utc) - age).strftime("%Y-%m-%dT%H:%M:%SZ")
    aws("ssm").put_parameter(Name=name, Type="String", Overwrite=False,
                             Value=json.dumps({"holder": holder, "since": since, "token": token}))
    return since


def tags(aws, name: str) -> dict:
    listed = aws("ssm").list_tags_for_resource(ResourceType="Parameter", ResourceId=name)["TagList"]
    return {t["Key"]: t["Value"] for t in listed}


def test_acquire_records_the_holder_and_release_needs_the_token(aws, steps) -> None:
    name = lock_name("acquire")
    out, (taken,) = steps({"name": name, "holder": ALICE, "tags": TAGS})
    assert taken["changed"] and not taken.get("failed"), out
    assert (taken["name"], taken["holder"], taken["held_by_other"]) == (name, ALICE, False)
    assert stored(aws, name) == {"holder": ALICE, "since": taken["since"], "token": taken["token"]}
    since = datetime.fromisoformat(taken["since"].replace("Z", "+00:00"))
    assert timedelta(0) <= datetime.now(timezone.utc) - since < timedelta(minutes=1)
    assert tags(aws, name) == TAGS
    assert aws("ssm").get_parameter(Name=name)["Parameter"]["Type"] == "String"

    out, (wrong, right, again) = steps({"name": name, "state": "absent", "token": "not-the-token"},
                                       {"name": name, "state": "absent", "token": taken["token"]},
                                       {"name": name, "state": "absent", "token": taken["token"]})
    assert not wrong["changed"] and wrong["held_by_other"] and wrong["holder"] == ALICE, out
    assert f"Did not release the deploy lock {name}: it is held by {ALICE}" in wrong["warnings"][0]
    assert right["changed"] and right["holder"] == ALICE, out
    assert not again["changed"] and again["holder"] is None and not again.get("failed"), out
    assert stored(aws, name) is None


def test_a_second_acquire_fails_at_once_naming_the_holder(aws, steps) -> None:
    name = lock_name("held")
    since = put_record(aws, name, ALICE, "alice-token", timedelta(minutes=12, seconds=5))
    out, (bob, alice) = steps({"name": name, "holder": BOB},
                              # The run that holds the lock may take it again with its token: no change.
                              {"name": name, "holder": ALICE, "token": "alice-token"})
    assert bob["failed"], out
    assert bob["msg"] == (
        f"The deploy lock {name} is held by {ALICE} since {since} (12 minutes ago). Wait for that run to finish. "
        "If it is dead (killed), re-run with -e hasura_blog_break_lock=true to take the lock over.")
    assert (bob["holder"], bob["since"], bob["held_by_other"], bob["token"]) == (ALICE, since, True, None)
    assert bob["msg"] in out
    assert not alice.get("failed") and not alice["changed"], out
    assert (alice["token"], alice["since"]) == ("alice-token", since)
    assert stored(aws, name)["token"] == "alice-token"


def test_break_lock_takes_over_and_warns_naming_the_previous_holder(aws, steps) -> None:
    name = lock_name("break")
    since = put_record(aws, name, ALICE, "alice-token", timedelta(hours=3))
    out, (bob, released) = steps({"name": name, "holder": BOB, "break_lock": True, "tags": TAGS},
                                 # The run whose lock was broken ends and releases with its token: Bob's lock stays.
                                 {"name": name, "state": "absent", "token": "alice-token"})
    assert bob["changed"] and not bob.get("failed"), out
    assert bob["previous"] == {"holder": ALICE, "since": since}
    assert bob["warnings"][0].startswith(
        f"Took over the deploy lock {name} from {ALICE}, who held it since {since} (3 hours ago)")
    assert bob["token"] != "alice-token"
    assert not released["changed"] and released["holder"] == BOB, out
    assert stored(aws, name) == {"holder": BOB, "since": bob["since"], "token": bob["token"]}
    assert tags(aws, name) == TAGS


def test_a_parameter_that_is_not_a_lock_record_is_never_taken_for_one(aws, steps) -> None:
    name = lock_name("foreign")
    aws("ssm").put_parameter(Name=name, Type="String", Value="set by hand")
    out, (taken, released) = steps({"name": name, "holder": BOB}, {"name": name, "state": "absent", "token": "any"})
    assert taken["failed"], out
    assert "held by an unknown holder (the parameter's value is not a deploy lock record)" in taken["msg"]
    assert not released["changed"] and not released.get("failed"), out
    assert aws("ssm").get_parameter(Name=name)["Parameter"]["Value"] == "set by hand"


def test_check_mode_writes_nothing(aws, steps) -> None:
    free, held = lock_name("check-free"), lock_name("check-held")
    since = put_record(aws, held, ALICE, "alice-token", timedelta(minutes=5))
    out, (take_free, take_held, break_held, release_held) = steps(
        {"name": free, "holder": BOB, "check": True},
        {"name": held, "holder": BOB, "check": True},
        {"name": held, "holder": BOB, "break_lock": True, "check": True},
        {"name": held, "state": "absent", "token": "alice-token", "check": True})
    assert take_free["changed"] and take_free["holder"] == BOB and not take_free.get("failed"), out
    assert stored(aws, free) is None
    # Another run holds it: a plan does not fail, but says what a real run would say.
    assert not take_held["changed"] and not take_held.get("failed"), out
    assert (take_held["holder"], take_held["since"], take_held["held_by_other"], take_held["token"]) == (
        ALICE, since, True, None)
    assert take_held["warnings"] == [f"Check mode: a real run would fail. The deploy lock {held} is held by {ALICE} "
                                     f"since {since} (5 minutes ago). Wait for that run to finish. If it is dead "
                                     "(killed), re-run with -e hasura_blog_break_lock=true to take the lock over."]
    assert break_held["changed"] and break_held["previous"]["holder"] == ALICE, out
    assert release_held["changed"], out
    assert stored(aws, held)["token"] == "alice-token"
    assert len(aws("ssm").get_parameter_history(Name=held)["Parameters"]) == 1


RACERS = 8


def test_of_eight_concurrent_runs_exactly_one_gets_the_lock(aws, port: int, tmp_path: Path) -> None:
    """One ansible-playbook with eight hosts and eight forks: eight module processes take the same lock at once."""
    name = lock_name("race")
    inventory = tmp_path / "racers.yml"
    inventory.write_text(yaml.safe_dump({"racers": {
        "hosts": {f"racer{i}": {} for i in range(RACERS)},
        "vars": {"ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}"},
    }}))
    play = tmp_path / "race.yml"
    play.write_text(yaml.safe_dump([{
        "hosts": "racers",
        "gather_facts": False,
        "module_defaults": {"group/hasura_blog.aws.aws": {
            "region": "us-east-1", "endpoint_url": f"http://127.0.0.1:{port}",
            "access_key": "emulator", "secret_key": "emulator",
        }},
        "tasks": [{"block": [{"hasura_blog.aws.deploy_lock": {"name": name, "holder": "{{ inventory_hostname }}"},
                              "register": "result"}],
                   "always": [{"ansible.builtin.copy": {"content": "{{ result | to_json }}",
                                                        "dest": str(tmp_path / "{{ inventory_hostname }}.json"),
                                                        "mode": "0600"}}]}],
    }], sort_keys=False))
    command, env = playbook_command(port, str(play), "-i", str(inventory), "--forks", str(RACERS))
    finished = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    output = finished.stdout + finished.stderr
    results = {i: json.loads((tmp_path / f"racer{i}.json").read_text()) for i in range(RACERS)}

    winners = [i for i, r in results.items() if not r.get("failed")]
    assert len(winners) == 1, output
    winner = f"racer{winners[0]}"
    assert results[winners[0]]["changed"] and results[winners[0]]["holder"] == winner
    for i, result in results.items():
        if i != winners[0]:
            assert result["failed"] and f"The deploy lock {name} is held by {winner} since" in result["msg"], result
    assert stored(aws, name)["holder"] == winner
    assert len(aws("ssm").get_parameter_history(Name=name)["Parameters"]) == 1
    assert finished.returncode != 0


def test_concurrent_creates_through_the_api_have_one_winner(aws) -> None:
    """The atomic create the module relies on, raced harder than processes can: eight threads released at once by a
    barrier, over several rounds, against the emulator's threaded server."""
    ssm = [aws("ssm") for _racer in range(RACERS)]
    for round_ in range(10):
        name = f"/hasura-blog/it-api-race-{round_}/deploy-lock"
        barrier, outcomes = threading.Barrier(RACERS), []

        def create(i: int) -> None:
            barrier.wait()
            try:
                ssm[i].put_parameter(Name=name, Value=str(i), Type="String", Overwrite=False)
                outcomes.append("created")
            except ClientError as error:
                outcomes.append(error.response["Error"]["Code"])

        threads = [threading.Thread(target=create, args=(i,)) for i in range(RACERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert sorted(outcomes) == ["ParameterAlreadyExists"] * (RACERS - 1) + ["created"], outcomes
        assert len(ssm[0].get_parameter_history(Name=name)["Parameters"]) == 1
