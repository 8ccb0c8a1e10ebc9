#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: ecs_task_definition
short_description: Register a Fargate task definition only when something really changed
version_added: 0.1.0
description:
  - Renders a complete RegisterTaskDefinition request from a compact description of a Fargate task and its
    containers, and validates it (Fargate CPU and memory pairs, ports, secret and registry credential references)
    before any AWS call.
  - Compares the rendered definition with the latest C(ACTIVE) revision of the family and registers a new revision
    only when something differs. Only the fields this module renders are compared, whether present or absent on
    either side (a removed O(task_role_arn) is a change); fields AWS adds on its own (C(enableFaultInjection),
    C(versionConsistency), C(requiresAttributes), empty lists, ...) are ignored. Unlike
    C(community.aws.ecs_taskdefinition), a changed environment value, secret reference, size or role is a change.
  - With O(render_only=true) it makes no AWS call and returns the request it would send.
  - With O(state=absent) it deregisters every C(ACTIVE) revision of the family, or only O(revision).
author:
  - Hasura Blog platform team (@hasura-blog)
options:
  family:
    description: The task definition family.
    type: str
    required: true
  state:
    description: C(present) registers when needed; C(absent) deregisters every active revision.
    type: str
    choices: [present, absent]
    default: present
  cpu:
    description: Task CPU units (256, 512, 1024, 2048, 4096, 8192 or 16384).
    type: int
  memory:
    description: Task memory in MiB; must fit O(cpu) on Fargate.
    type: int
  execution_role_arn:
    description: The role ECS uses to pull images, write logs and read the secrets.
    type: str
  task_role_arn:
    description: The role the containers run with.
    type: str
  runtime_platform:
    description: CPU architecture and operating system.
    type: dict
    default: {}
    suboptions:
      cpu_architecture:
        description: C(X86_64) or C(ARM64).
        type: str
        choices: [X86_64, ARM64]
        default: X86_64
      os_family:
        description: The operating system family.
        type: str
        default: LINUX
  containers:
    description: The containers.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: Container name.
        type: str
        required: true
      image:
        description: Image, pinned by tag or digest.
        type: str
        required: true
      repository_credentials:
        description:
          - The ARN of a Secrets Manager secret with the C(username) and C(password) of a private registry, for
            example Docker Hub, whose anonymous pulls are rate limited per IP address (all tasks behind one NAT
            gateway share its limit). Rendered as C(repositoryCredentials.credentialsParameter).
          - Only the ARN is sent; the module never reads the secret. ECS reads it with O(execution_role_arn) when a
            task starts, so that role needs C(secretsmanager:GetSecretValue) on it (and C(kms:Decrypt) for a
            customer managed key).
          - Must be a full ARN, C(arn:<partition>:secretsmanager:<region>:<account>:secret:<name>).
        type: str
      port:
        description: The TCP port the container listens on.
        type: int
      essential:
        description: Whether the task stops when this container stops.
        type: bool
        default: true
      environment:
        description: Plain environment values. Never put secrets here; use O(containers[].secrets).
        type: dict
        default: {}
      secrets:
        description: Environment variables read from Secrets Manager or SSM at start, name to ARN (C(valueFrom)).
        type: dict
        default: {}
      health_check:
        description: The container health check.
        type: dict
        suboptions:
          command:
            description: The command, for example V(["CMD-SHELL", "curl -f http://localhost:8080/healthz || exit 1"]).
            type: list
            elements: str
            required: true
          interval:
            description: Seconds between checks.
            type: int
            default: 30
          timeout:
            description: Seconds before a check fails.
            type: int
            default: 5
          retries:
            description: Failures before the container is unhealthy.
            type: int
            default: 3
          start_period:
            description: Seconds of grace after start.
            type: int
            default: 0
      readonly_root_filesystem:
        description:
          - Mount the container's root filesystem read-only (C(readonlyRootFilesystem)). Give the directories the image
            writes to in O(containers[].scratch).
        type: bool
        default: false
      scratch:
        description:
          - Absolute paths of writable directories, each a task volume on Fargate's ephemeral storage
            (C(<container>-scratch-<n>)), mounted read-write; they start empty with every task.
        type: list
        elements: str
        default: []
      log_group:
        description: CloudWatch log group for the awslogs driver.
        type: str
      log_region:
        description: Region of O(containers[].log_group).
        type: str
      log_stream_prefix:
        description: Log stream prefix.
        type: str
        default: ecs
  tags:
    description: Tags on a newly registered revision.
    type: dict
    default: {}
  render_only:
    description: Render and validate only, with no AWS call.
    type: bool
    default: false
  revision:
    description:
      - With O(state=absent), deregister only this revision of O(family).
      - The day-2 playbook C(rollout) deregisters the revision of a failed rollout with it.
    type: int
  copy_from:
    description:
      - Instead of rendering, register this revision (C(family:revision) or ARN) again with the images of
        O(images), as the day-2 playbook C(rollout) does. The comparison with the latest C(ACTIVE) revision of
        O(family) is the same, so a copy that changes nothing registers nothing.
      - Mutually exclusive with O(containers); O(cpu), O(memory) and the roles are the copied revision's.
    type: str
  images:
    description: With O(copy_from), container name -> the image it runs in the new revision.
    type: dict
    default: {}
notes:
  - Supports check mode and diff mode. The diff shows the normalised latest revision against the rendered one.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Register the Hasura task definition when it changed
  hasura_blog.aws.ecs_task_definition:
    family: hasura-blog-prod-hasura
    cpu: 512
    memory: 1024
    execution_role_arn: "{{ ecs_cluster_execution_role_arn }}"
    task_role_arn: "{{ ecs_cluster_task_role_arn }}"
    containers:
      - name: hasura
        image: hasura/graphql-engine:v2.48.5
        # Authenticated Docker Hub pulls; the secret holds {"username": "...", "password": "..."}.
        repository_credentials: "{{ dockerhub_secret_arn }}"
        port: 8080
        environment:
          HASURA_GRAPHQL_ENABLE_CONSOLE: "true"
        secrets:
          HASURA_GRAPHQL_ADMIN_SECRET: "{{ admin_secret_arn }}"
        health_check:
          command: [CMD-SHELL, "curl -f http://localhost:8080/healthz || exit 1"]
        log_group: /ecs/hasura-blog-prod/hasura
        log_region: us-east-1
  register: hasura_task

- name: Show the request without calling AWS
  hasura_blog.aws.ecs_task_definition:
    family: hasura-blog-prod-hasura
    cpu: 256
    memory: 512
    execution_role_arn: arn:aws:iam::123456789012:role/exec
    containers:
      - name: web
        image: nginx:1.27
    render_only: true
"""

RETURN = r"""
family_revision:
  description: C(family:revision) of the revision that is now the latest active one (empty in check mode for a new one).
  returned: when state is present and not render_only
  type: str
  sample: hasura-blog-prod-hasura:4
arn:
  description: The ARN of that revision.
  returned: when state is present and not render_only
  type: str
revision:
  description: The revision number.
  returned: when state is present and not render_only
  type: int
request:
  description: The rendered RegisterTaskDefinition request.
  returned: when state is present
  type: dict
deregistered:
  description: The ARNs deregistered.
  returned: when state is absent
  type: list
  elements: str
"""

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.hasura_blog.aws.plugins.module_utils.task_definition import (
    TaskDefinitionError,
    differs,
    family_revision,
    normalise,
    render,
    with_images,
)


def _spec(params: dict) -> dict:
    return {
        "family": params["family"],
        "cpu": params["cpu"],
        "memory": params["memory"],
        "execution_role_arn": params["execution_role_arn"],
        "task_role_arn": params["task_role_arn"],
        "runtime_platform": params["runtime_platform"],
        "containers": params["containers"],
    }


def latest_active(client, family: str) -> dict | None:
    try:
        return client.describe_task_definition(taskDefinition=family, aws_retry=True)["taskDefinition"]
    except is_boto3_error_code(["ClientException", "InvalidParameterException"]):
        return None  # the family has no active revision


def copied(module: AnsibleAWSModule) -> dict:
    """The request of copy_from with the given images, for the same family."""
    client = module.client("ecs", retry_decorator=AWSRetry.jittered_backoff())
    try:
        source = client.describe_task_definition(taskDefinition=module.params["copy_from"], aws_retry=True)["taskDefinition"]
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as error:
        module.fail_json_aws(error, msg=f"Failed to read task definition {module.params['copy_from']}")
    return {**with_images(source, module.params["images"]), "family": module.params["family"]}


def present(module: AnsibleAWSModule, request: dict) -> None:
    client = module.client("ecs", retry_decorator=AWSRetry.jittered_backoff())
    current = latest_active(client, request["family"])
    diff = {"before": normalise(current) or {}, "after": normalise(request)}
    if not differs(request, current):
        module.exit_json(changed=False, family_revision=family_revision(current), arn=current["taskDefinitionArn"],
                         revision=current["revision"], request=request, diff=diff)
    if module.check_mode:
        module.exit_json(changed=True, family_revision="", arn="", revision=0, request=request, diff=diff)
    tags = ansible_dict_to_boto3_tag_list({k: str(v) for k, v in module.params["tags"].items()}, "key", "value")
    registered = client.register_task_definition(aws_retry=True, **request, **({"tags": tags} if tags else {}))
    definition = registered["taskDefinition"]
    module.exit_json(changed=True, family_revision=family_revision(definition), arn=definition["taskDefinitionArn"],
                     revision=definition["revision"], request=request, diff=diff)


def absent(module: AnsibleAWSModule) -> None:
    client = module.client("ecs", retry_decorator=AWSRetry.jittered_backoff())
    if module.params["revision"]:
        one = f"{module.params['family']}:{module.params['revision']}"
        try:
            arn = client.describe_task_definition(taskDefinition=one, aws_retry=True)["taskDefinition"]
        except is_boto3_error_code(["ClientException", "InvalidParameterException"]):
            arn = None
        arns = [arn["taskDefinitionArn"]] if arn and arn.get("status") == "ACTIVE" else []
        if arns and not module.check_mode:
            client.deregister_task_definition(taskDefinition=arns[0], aws_retry=True)
        module.exit_json(changed=bool(arns), deregistered=arns)
    paginator = client.get_paginator("list_task_definitions")
    arns = [arn for page in paginator.paginate(familyPrefix=module.params["family"], status="ACTIVE")
            for arn in page["taskDefinitionArns"]
            if arn.rsplit("/", 1)[-1].rsplit(":", 1)[0] == module.params["family"]]
    if arns and not module.check_mode:
        for arn in arns:
            client.deregister_task_definition(taskDefinition=arn, aws_retry=True)
    module.exit_json(changed=bool(arns), deregistered=arns)


def main() -> None:
    module = AnsibleAWSModule(
        argument_spec=dict(
            family=dict(type="str", required=True),
            state=dict(type="str", choices=["present", "absent"], default="present"),
            cpu=dict(type="int"),
            memory=dict(type="int"),
            execution_role_arn=dict(type="str"),
            task_role_arn=dict(type="str"),
            runtime_platform=dict(type="dict", default={}, options=dict(
                cpu_architecture=dict(type="str", choices=["X86_64", "ARM64"], default="X86_64"),
                os_family=dict(type="str", default="LINUX"),
            )),
            containers=dict(type="list", elements="dict", default=[], options=dict(
                name=dict(type="str", required=True),
                image=dict(type="str", required=True),
                repository_credentials=dict(type="str"),
                port=dict(type="int"),
                essential=dict(type="bool", default=True),
                environment=dict(type="dict", default={}),
                secrets=dict(type="dict", default={}, no_log=False),
                health_check=dict(type="dict", options=dict(
                    command=dict(type="list", elements="str", required=True),
                    interval=dict(type="int", default=30),
                    timeout=dict(type="int", default=5),
                    retries=dict(type="int", default=3),
                    start_period=dict(type="int", default=0),
                )),
                readonly_root_filesystem=dict(type="bool", default=False),
                scratch=dict(type="list", elements="str", default=[]),
                log_group=dict(type="str"),
                log_region=dict(type="str"),
                log_stream_prefix=dict(type="str", default="ecs"),
            )),
            tags=dict(type="dict", default={}),
            render_only=dict(type="bool", default=False),
            copy_from=dict(type="str"),
            revision=dict(type="int"),
            images=dict(type="dict", default={}),
        ),
        mutually_exclusive=[("copy_from", "containers")],
        supports_check_mode=True,
    )
    if module.params["state"] == "absent":
        absent(module)
    missing = [name for name in ("cpu", "memory", "execution_role_arn", "containers") if not module.params[name]]
    if missing and not module.params["copy_from"]:
        module.fail_json(msg=f"state is present but all of the following are missing: {', '.join(missing)}")
    try:
        request = copied(module) if module.params["copy_from"] else render(_spec(module.params))
    except TaskDefinitionError as error:
        module.fail_json(msg=f"Invalid task definition: {error}")
    if module.params["render_only"]:
        module.exit_json(changed=False, request=request)
    try:
        present(module, request)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as error:
        module.fail_json_aws(error, msg=f"Failed to register task definition {module.params['family']}")


if __name__ == "__main__":
    main()
