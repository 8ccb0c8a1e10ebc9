#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vpc_flow_log
short_description: Send a VPC's flow logs to a CloudWatch Logs group
version_added: 0.1.0
description:
  - Creates, keeps or deletes the flow log of a VPC (or subnet or network interface) that delivers to one
    CloudWatch Logs group. Neither amazon.aws nor community.aws has a module for flow logs.
  - AWS cannot modify a flow log. One to the same log group that differs in O(traffic_type),
    O(deliver_logs_permission_arn) or O(max_aggregation_interval) is replaced. The old one is deleted first, as AWS
    refuses a second flow log of the same resource to the same destination (C(FlowLogAlreadyExists)), so the log has a
    gap of a few seconds. Flow logs to other destinations are left alone.
author:
  - Hasura Blog platform team (@hasura-blog)
options:
  resource_id:
    description: The VPC (C(vpc-...)), subnet (C(subnet-...)) or network interface (C(eni-...)) to log.
    type: str
    required: true
  log_group_name:
    description: The CloudWatch Logs group the flow log delivers to. It identifies the flow log.
    type: str
    required: true
  deliver_logs_permission_arn:
    description: The IAM role that VPC Flow Logs assumes to write to the group. Required with O(state=present).
    type: str
  traffic_type:
    description: Which traffic to log.
    type: str
    choices: [ACCEPT, REJECT, ALL]
    default: ALL
  max_aggregation_interval:
    description: Seconds over which a flow record gathers packets.
    type: int
    choices: [60, 600]
    default: 600
  tags:
    description: Tags on the flow log.
    type: dict
    default: {}
  state:
    description: Whether the flow log should exist.
    type: str
    choices: [present, absent]
    default: present
notes:
  - Supports check mode and diff mode.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Log every flow of the VPC to CloudWatch Logs
  hasura_blog.aws.vpc_flow_log:
    resource_id: vpc-0123456789abcdef0
    log_group_name: /hasura-blog/prod/vpc-flow-logs
    deliver_logs_permission_arn: arn:aws:iam::123456789012:role/hasura-blog-prod-vpc-flow-logs
    tags:
      Project: hasura-blog
      Environment: prod
"""

RETURN = r"""
flow_log_id:
  description: The id of the flow log (empty when there is none, or in check mode before it is created).
  returned: always
  type: str
  sample: fl-0123456789abcdef0
replaced:
  description: Ids of flow logs to the same group that were deleted (replaced, duplicates, or O(state=absent)).
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
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    boto3_tag_list_to_ansible_dict,
    compare_aws_tags,
)
from ansible_collections.hasura_blog.aws.plugins.module_utils.network import flow_log_plan


def _resource_type(resource_id: str) -> str:
    return {"vpc": "VPC", "subnet": "Subnet", "eni": "NetworkInterface"}.get(resource_id.split("-", 1)[0], "VPC")


def main() -> None:
    module = AnsibleAWSModule(
        argument_spec=dict(
            resource_id=dict(type="str", required=True),
            log_group_name=dict(type="str", required=True),
            deliver_logs_permission_arn=dict(type="str"),
            traffic_type=dict(type="str", choices=["ACCEPT", "REJECT", "ALL"], default="ALL"),
            max_aggregation_interval=dict(type="int", choices=[60, 600], default=600),
            tags=dict(type="dict", default={}),
            state=dict(type="str", choices=["present", "absent"], default="present"),
        ),
        required_if=[("state", "present", ["deliver_logs_permission_arn"])],
        supports_check_mode=True,
    )
    params = module.params
    client = module.client("ec2", retry_decorator=AWSRetry.jittered_backoff())
    resource, group = params["resource_id"], params["log_group_name"]
    desired = None if params["state"] == "absent" else {key: params[key] for key in (
        "traffic_type", "deliver_logs_permission_arn", "max_aggregation_interval")}
    try:
        existing = client.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [resource]}], aws_retry=True)["FlowLogs"]
        plan = flow_log_plan(existing, group, desired)
        kept = next((log for log in existing if log["FlowLogId"] == plan["keep"]), None)
        tags = {key: str(value) for key, value in params["tags"].items()}
        to_set, to_remove = compare_aws_tags(boto3_tag_list_to_ansible_dict(kept.get("Tags", [])), tags, True) if kept else ({}, [])
        changed = bool(plan["create"] or plan["delete"] or to_set or to_remove)
        flow_log_id = plan["keep"] or ""
        if changed and not module.check_mode:
            if plan["delete"]:
                client.delete_flow_logs(FlowLogIds=plan["delete"], aws_retry=True)
            if plan["create"]:
                created = client.create_flow_logs(
                    ResourceIds=[resource], ResourceType=_resource_type(resource), TrafficType=params["traffic_type"],
                    LogDestinationType="cloud-watch-logs", LogGroupName=group,
                    DeliverLogsPermissionArn=params["deliver_logs_permission_arn"],
                    MaxAggregationInterval=params["max_aggregation_interval"],
                    TagSpecifications=[{"ResourceType": "vpc-flow-log", "Tags": ansible_dict_to_boto3_tag_list(tags)}] if tags else [],
                    aws_retry=True)
                if created.get("Unsuccessful"):
                    error = created["Unsuccessful"][0].get("Error", {})
                    module.fail_json(msg=f"Failed to create the flow log of {resource} to {group}: {error.get('Code')}: {error.get('Message')}")
                flow_log_id = created["FlowLogIds"][0]
            if to_set:
                client.create_tags(Resources=[flow_log_id], Tags=ansible_dict_to_boto3_tag_list(to_set), aws_retry=True)
            if to_remove:
                client.delete_tags(Resources=[flow_log_id], Tags=[{"Key": key} for key in to_remove], aws_retry=True)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as error:
        module.fail_json_aws(error, msg=f"Failed to manage the flow log of {resource} to {group}")
    before = sorted(log["FlowLogId"] for log in existing if log["FlowLogId"] in plan["delete"] + [plan["keep"]])
    module.exit_json(changed=changed, flow_log_id=flow_log_id, replaced=plan["delete"],
                     diff={"before": {"flow_logs": before, "tags": boto3_tag_list_to_ansible_dict(kept.get("Tags", [])) if kept else {}},
                           "after": {"flow_logs": [flow_log_id or "(new)"] if desired else [], "tags": tags if desired else {}}})


if __name__ == "__main__":
    main()
