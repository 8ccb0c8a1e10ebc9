"""hasura_blog.aws.ecs_task_definition against the emulator: render-only, check mode, diff, idempotence, absent."""

import json
from pathlib import Path

import pytest

FAMILY = "tdmodule-it"
PLAYBOOK = """
- hosts: hasura_blog
  gather_facts: false
  module_defaults:
    group/hasura_blog.aws.aws:
      region: us-east-1
      endpoint_url: "{{ endpoint | default(hasura_blog_aws_endpoint_url) }}"
      access_key: "{{ hasura_blog_aws_access_key }}"
      secret_key: "{{ hasura_blog_aws_secret_key }}"
  tasks:
    - block:
        - hasura_blog.aws.ecs_task_definition:
            family: %s
            state: "{{ state | default('present') }}"
            cpu: "{{ cpu | default(512) }}"
            memory: "{{ memory | default(1024) }}"
            execution_role_arn: arn:aws:iam::123456789012:role/exec
            render_only: "{{ render_only | default(false) }}"
            containers:
              - name: web
                image: nginx:1.27
                port: 80
                environment: {MODE: "{{ mode | default('a') }}"}
                secrets: {TOKEN: arn:aws:secretsmanager:us-east-1:123456789012:secret:x}
          register: result
      always:
        - ansible.builtin.copy:
            content: "{{ result | default({}) | to_json }}"
            dest: "{{ result_file }}"
            mode: "0600"
          check_mode: false
""" % FAMILY


@pytest.fixture
def run(tmp_path: Path, playbook):
    path = tmp_path / "td.yml"
    path.write_text(PLAYBOOK)

    result_file = tmp_path / "result.json"

    def go(*args: str):
        result_file.unlink(missing_ok=True)
        rc, out = playbook(str(path), "-e", f"result_file={result_file}", *args)
        return rc, out, json.loads(result_file.read_text()) if result_file.exists() else None
    return go


def active(aws) -> list:
    return aws("ecs").list_task_definitions(familyPrefix=FAMILY, status="ACTIVE")["taskDefinitionArns"]


def test_the_module_against_the_emulator(aws, run) -> None:
    closed = ["-e", "endpoint=http://127.0.0.1:9"]  # nothing listens there: any AWS call would fail
    rc, out, result = run("-e", "render_only=true", *closed)
    assert rc == 0, out
    assert result["request"]["containerDefinitions"][0]["secrets"][0]["name"] == "TOKEN"
    assert not result["changed"]

    rc, out, _ = run("-e", "cpu=512", "-e", "memory=8192", *closed)
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
