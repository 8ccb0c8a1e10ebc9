# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters over plugins/module_utils/service.py: tell a finished rollout of an ECS service from a failed one."""

from __future__ import annotations

DOCUMENTATION = r"""
name: rollout_status
short_description: How far ECS services have rolled out their task definitions
description:
  - Returns, for each service name of O(expected), a dict with C(state), C(reason), C(running_task_definition)
    (the task definition ARN of the C(PRIMARY) deployment) and C(running) and C(desired) (its task counts).
  - C(state) is C(FAILED) when a deployment of the expected task definition has the rollout state C(FAILED)
    (C(reason) is its C(rolloutStateReason)), when the C(PRIMARY) deployment runs another task definition (the
    deployment circuit breaker rolls back by starting a new C(PRIMARY) deployment of the last completed one; C(reason)
    names the revision that runs instead), or when the service is no longer C(ACTIVE).
  - C(state) is C(COMPLETED) when the C(PRIMARY) deployment runs the expected task definition, is the only
    deployment, runs as many tasks as it desires and has the rollout state C(COMPLETED). Deployments without a rollout
    state (services that do not report one) are judged on the other conditions.
  - C(state) is C(IN_PROGRESS) otherwise, also for a service that DescribeServices did not return.
positional: expected
options:
  _input:
    description:
      - The C(services) that M(community.aws.ecs_service_info) returns with C(details=true), DescribeServices entries
        with their keys in camelCase as AWS sends them.
    type: list
    elements: dict
    required: true
  expected:
    description: Service name to the task definition it should run, as an ARN or as C(family:revision).
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Wait until the services finished or failed their rollout
  community.aws.ecs_service_info:
    cluster: hasura-blog-prod-cluster
    service: [hasura-blog-prod-hasura]
    details: true
    events: false
  register: hasura_services
  until: >-
    hasura_services.services | hasura_blog.aws.rollout_status(expected) | dict2items
    | map(attribute='value.state') | difference(['COMPLETED', 'FAILED']) == []
  retries: 40
  delay: 15
  vars:
    expected: {hasura-blog-prod-hasura: "hasura-blog-prod-hasura:8"}

- name: Fail with the reason of every service that did not complete
  ansible.builtin.assert:
    that: item.value.state == 'COMPLETED'
    fail_msg: "{{ item.key }}: {{ item.value.reason }}"
  loop: "{{ hasura_services.services | hasura_blog.aws.rollout_status(expected) | dict2items }}"
  loop_control:
    label: "{{ item.key }}"
  vars:
    expected: {hasura-blog-prod-hasura: "hasura-blog-prod-hasura:8"}
"""

RETURN = r"""
_value:
  description: Service name to its rollout status.
  type: dict
  sample:
    hasura-blog-prod-hasura:
      state: FAILED
      reason: "hasura-blog-prod-hasura:7 runs instead of hasura-blog-prod-hasura:8: the deployment was rolled back or replaced"
      running_task_definition: arn:aws:ecs:us-east-1:123456789012:task-definition/hasura-blog-prod-hasura:7
      running: 2
      desired: 2
"""

from ansible_collections.hasura_blog.aws.plugins.module_utils.service import rollout_statuses


class FilterModule:
    def filters(self):
        return {"rollout_status": rollout_statuses}
