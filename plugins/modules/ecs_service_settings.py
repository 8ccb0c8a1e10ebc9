#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: ecs_service_settings
short_description: Keep the deployment configuration, network configuration and grace period of an ECS service
version_added: 0.1.0
description:
  - C(community.aws.ecs_service) creates services, but on an existing service it compares only the task
    definition, desired count, load balancers, grace period, propagated tags, tags and ECS Exec. A change to
    the deployment configuration (circuit breaker, minimum healthy and maximum percent) or to the subnets,
    security groups or public IP of the service is not seen, so it is never applied.
  - This module compares those fields of an existing service and sends one UpdateService with the ones that
    differ. Fields it is not given are neither compared nor changed.
author:
  - Hasura Blog platform team (@hasura-blog)
options:
  cluster:
    description: The cluster name or ARN.
    type: str
    required: true
  service:
    description: The service name or ARN. The service must exist.
    type: str
    required: true
  deployment_configuration:
    description:
      - The deployment configuration. Only the fields named here are compared, at every depth; the fields of the
        service's configuration not named here are kept, also inside the circuit breaker (C(resetOnHealthyTask),
        C(thresholdConfiguration)), and so are C(alarms), C(strategy) and C(bakeTimeInMinutes).
    type: dict
    suboptions:
      minimum_healthy_percent:
        description: Lower limit, in percent of the desired count, of running tasks during a deployment.
        type: int
      maximum_percent:
        description: Upper limit, in percent of the desired count, of running tasks during a deployment.
        type: int
      deployment_circuit_breaker:
        description: The deployment circuit breaker.
        type: dict
        suboptions:
          enable:
            description: Stop a deployment whose tasks fail to start or become healthy.
            type: bool
            required: true
          rollback:
            description: Roll a stopped deployment back to the last completed one.
            type: bool
            required: true
  network_configuration:
    description: The awsvpc network configuration. The order of subnets and security groups does not matter.
    type: dict
    suboptions:
      subnets:
        description: Subnet IDs of the tasks.
        type: list
        elements: str
        required: true
      security_groups:
        description: Security group IDs of the tasks.
        type: list
        elements: str
        required: true
      assign_public_ip:
        description: Give the tasks public IP addresses.
        type: bool
        default: false
  health_check_grace_period_seconds:
    description: Seconds during which the service ignores failing load balancer health checks of a new task.
    type: int
  task_definition:
    description:
      - The task definition to run, C(family:revision) or its ARN. A different one starts a new deployment.
      - The day-2 playbook C(rollout) uses it.
    type: str
  desired_count:
    description:
      - The number of tasks to run. The day-2 playbook C(scale) uses it.
    type: int
  force_new_deployment:
    description:
      - Start a new deployment of the same task definition, so that new tasks read the secrets again. Always a
        change when true.
    type: bool
    default: false
notes:
  - Supports check mode and diff mode.
  - On AWS a change of the network configuration starts a new deployment of the service.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Apply a new deployment configuration and security group to a service
  hasura_blog.aws.ecs_service_settings:
    cluster: hasura-blog-prod-cluster
    service: hasura-blog-prod-hasura
    deployment_configuration:
      minimum_healthy_percent: 50
      maximum_percent: 200
      deployment_circuit_breaker:
        enable: true
        rollback: true
    network_configuration:
      subnets: [subnet-0a1b2c3d, subnet-4e5f6a7b]
      security_groups: [sg-0123456789abcdef0]
    health_check_grace_period_seconds: 120
"""

RETURN = r"""
service:
  description: The managed fields of the service after the change (after the planned change in check mode).
  returned: always
  type: dict
  contains:
    deploymentConfiguration:
      description: The deployment configuration.
      type: dict
      sample: {"minimumHealthyPercent": 100, "maximumPercent": 200,
               "deploymentCircuitBreaker": {"enable": true, "rollback": true}}
    networkConfiguration:
      description: The network configuration, subnets and security groups sorted.
      type: dict
    healthCheckGracePeriodSeconds:
      description: The health check grace period.
      type: int
    taskDefinition:
      description: The task definition, C(family:revision); only when I(task_definition) is given.
      type: str
    desiredCount:
      description: The desired count; only when I(desired_count) is given.
      type: int
task_definition:
  description: The task definition the service runs (after the update), C(family:revision).
  returned: always
  type: str
  sample: hasura-blog-prod-hasura:4
updated:
  description: The names of the UpdateService fields that were (or in check mode would be) sent.
  returned: always
  type: list
  elements: str
  sample: [deploymentConfiguration]
"""

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.hasura_blog.aws.plugins.module_utils.service import comparable, desired_settings, settings_to_update


def main() -> None:
    module = AnsibleAWSModule(
        argument_spec=dict(
            cluster=dict(type="str", required=True),
            service=dict(type="str", required=True),
            deployment_configuration=dict(type="dict", options=dict(
                minimum_healthy_percent=dict(type="int"),
                maximum_percent=dict(type="int"),
                deployment_circuit_breaker=dict(type="dict", options=dict(
                    enable=dict(type="bool", required=True),
                    rollback=dict(type="bool", required=True),
                )),
            )),
            network_configuration=dict(type="dict", options=dict(
                subnets=dict(type="list", elements="str", required=True),
                security_groups=dict(type="list", elements="str", required=True),
                assign_public_ip=dict(type="bool", default=False),
            )),
            health_check_grace_period_seconds=dict(type="int"),
            task_definition=dict(type="str"),
            desired_count=dict(type="int"),
            force_new_deployment=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    client = module.client("ecs", retry_decorator=AWSRetry.jittered_backoff())
    cluster, name = module.params["cluster"], module.params["service"]
    desired = desired_settings(module.params["deployment_configuration"], module.params["network_configuration"],
                               module.params["health_check_grace_period_seconds"], module.params["task_definition"],
                               module.params["desired_count"])
    try:
        services = client.describe_services(cluster=cluster, services=[name], aws_retry=True)["services"]
        service = next((s for s in services if s.get("status") == "ACTIVE"), None)
        if service is None:
            module.fail_json(msg=f"ECS service {name} does not exist in cluster {cluster}")
        update = settings_to_update(desired, service)
        if module.params["force_new_deployment"]:
            update["forceNewDeployment"] = True
        before = shown(service, desired)
        after = shown({**service, **update}, desired)
        if update and not module.check_mode:
            service = client.update_service(cluster=cluster, service=name, aws_retry=True, **update)["service"]
            after = shown(service, desired)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as error:
        module.fail_json_aws(error, msg=f"Failed to update ECS service {name} in cluster {cluster}")
    module.exit_json(changed=bool(update), service=after, updated=sorted(update), diff={"before": before, "after": after},
                     task_definition=(service.get("taskDefinition") or "").rsplit("/", 1)[-1])


def shown(service: dict, desired: dict) -> dict:
    """What the diff and the result show: the managed fields, and the task definition and count when given."""
    extra = {key: service.get(key) for key in ("taskDefinition", "desiredCount") if key in desired}
    if "taskDefinition" in extra:
        extra["taskDefinition"] = (extra["taskDefinition"] or "").rsplit("/", 1)[-1]
    return {**comparable(service), **extra}


if __name__ == "__main__":
    main()
