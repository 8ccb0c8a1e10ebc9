#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: stack_status
short_description: Read the whole Hasura Blog environment in one process and report it
version_added: 0.2.0
description:
  - Reads, with read-only calls only, the VPC and NAT gateways (by the environment's tags), the load balancer and
    the health of its targets, the database, and each ECS service (running, desired and pending counts, task
    definition revision, rollout state and its last events).
  - Returns the report as data (RV(status)) and as text lines (RV(lines)). C(make status) runs the same code
    without Ansible (C(tools/status.py)); C(playbooks/status.yml) runs this module.
author:
  - Hasura Blog platform team (@hasura-blog)
options:
  env:
    description: The environment's name.
    type: str
    required: true
  tags:
    description: The tags that mark the environment's resources (Project, Environment, ManagedBy).
    type: dict
    required: true
  cluster:
    description: The ECS cluster.
    type: str
    required: true
  services:
    description: Service key -> ECS service name.
    type: dict
    required: true
  db_instance_identifier:
    description: The DB instance.
    type: str
    required: true
  db_record:
    description: The SSM parameter of the day-2 playbook restore; after a restore with REPOINT it names the instance in use.
    type: str
  load_balancer:
    description: The name of the Application Load Balancer.
    type: str
    required: true
  console_port:
    description: The listener port of the Hasura console; V(0) where the console is off (no console endpoint).
    type: int
    default: 8080
  domain:
    description: The domain the blog is served at with HTTPS; the endpoints are then C(https://<domain>/...). Empty
      for the load balancer's DNS name over HTTP.
    type: str
    default: ""
notes:
  - Supports check mode; it writes nothing in any mode.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Read the environment
  hasura_blog.aws.stack_status:
    env: prod
    tags: {Project: hasura-blog, Environment: prod, ManagedBy: ansible}
    cluster: hasura-blog-prod-cluster
    services: {hasura: hasura-blog-prod-hasura, nextjs: hasura-blog-prod-nextjs}
    db_instance_identifier: hasura-blog-prod-postgres
    load_balancer: hasura-blog-prod-alb
  register: status
"""

RETURN = r"""
status:
  description: What was found; a resource that does not exist is null.
  returned: always
  type: dict
  contains:
    environment:
      description: The environment.
      type: str
    vpc:
      description: The VPC's C(id) and C(cidr).
      type: dict
    nat_gateways:
      description: Each NAT gateway's C(id), C(state) and C(public_ip).
      type: list
      elements: dict
    endpoints:
      description: The URLs of the app, of the GraphQL API and of the console.
      type: dict
    load_balancer:
      description: The load balancer's C(name), C(dns_name) and C(state).
      type: dict
    database:
      description: The instance's C(identifier), C(status), C(engine), C(version), C(class), C(multi_az) and C(endpoint).
      type: dict
    services:
      description:
        - Per service key, C(running), C(desired), C(pending), C(task_definition), C(rollout_state), C(rollout_reason),
          C(deployments) and its last C(events).
      type: dict
    target_health:
      description: Per target group, how many targets are in each state.
      type: list
      elements: dict
lines:
  description: The report as text, a line each.
  returned: always
  type: list
  elements: str
"""

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.hasura_blog.aws.plugins.module_utils.status import collect, lines


def main() -> None:
    module = AnsibleAWSModule(
        argument_spec=dict(
            env=dict(type="str", required=True),
            tags=dict(type="dict", required=True),
            cluster=dict(type="str", required=True),
            services=dict(type="dict", required=True),
            db_instance_identifier=dict(type="str", required=True),
            db_record=dict(type="str"),
            load_balancer=dict(type="str", required=True),
            console_port=dict(type="int", default=8080),
            domain=dict(type="str", default=""),
        ),
        supports_check_mode=True,
    )
    retry = AWSRetry.jittered_backoff()
    try:
        status = collect(lambda service: module.client(service, retry_decorator=retry), module.params)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as error:
        module.fail_json_aws(error, msg="Failed to read the environment")
    module.exit_json(changed=False, status=status, lines=lines(status))


if __name__ == "__main__":
    main()
