"""hasura_blog.aws.ecs_task_definition against the emulator: render-only, check mode, diff, idempotence, absent."""


import pytest

FAMILY = "tdmodule-it"
TASK = {"hasura_blog.aws.ecs_task_definition": {
    "family": FAMILY,
    "state": "{{ state | default('present') }}",
    "cpu": "{{ cpu | default(512) }}",
    "memory": "{{ memory | default(1024) }}",
    "execution_role_arn": "arn:aws:iam::123456789012:role/exec",
    "render_only": "{{ render_only | default(false) }}",
    "containers": [{
        "name": "web",
        "image": "nginx:1.27",
        "port": 80,
        "environment": {"MODE": "{{ mode | default('a') }}"},
        "secrets": {"TOKEN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:x"},
    }],
}}


@pytest.fixture
def run(module_task):
    return module_task(TASK)


def active(aws) -> list:
    return aws("ecs").list_task_definitions(familyPrefix=FAMILY, status="ACTIVE")["taskDefinitionArns"]


def test_renders_offline_registers_only_a_changed_revision_and_deregisters_all(aws, run) -> None:
    closed = ["-e", "endpoint=http://127.0.0.1:9"]  # nothing listens there: any AWS call would fail
    rc, out, result = run("-e", "render_only=true", *closed)
    assert rc == 0, out
    assert result["request"]["containerDefinitions"][0]["secrets"][0]["name"] == "TOKEN"
    assert not result["changed"]

    rc, out, _result = run("-e", "cpu=512", "-e", "memory=8192", *closed)
    assert rc != 0 and "memory 8192 does not fit cpu 512 on Fargate" in out

    rc, out, result = run("--check")
    assert rc == 0 and result["changed"], out
    assert active(aws) == []

    rc, out, result = run()
    assert rc == 0 and result["changed"] and result["family_revision"] == f"{FAMILY}:1", out
    rc, out, result = run()
    assert rc == 0 and not result["changed"] and result["family_revision"] == f"{FAMILY}:1", out

    rc, out, result = run("-e", "mode=b", "--check", "--diff")
    assert rc == 0 and result["changed"], out
    assert "MODE" in out and '"value": "b"' in out.replace("'", '"')
    assert len(active(aws)) == 1

    rc, out, result = run("-e", "mode=b")
    assert rc == 0 and result["family_revision"] == f"{FAMILY}:2", out
    rc, out, result = run("-e", "state=absent")
    assert rc == 0 and result["changed"] and len(result["deregistered"]) == 2, out
    assert active(aws) == []
