#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: rds_instance_restore
short_description: Restore an RDS DB instance to a point in time, as a new tagged instance
version_added: 0.2.0
description:
  - Calls RestoreDBInstanceToPointInTime once, unless the target instance exists (then it reports no change). It
    does not wait; the rds role's C(wait) entry point does.
  - C(amazon.aws.rds_instance) with C(creation_source=instance) passes its O(tags) to this API as a dictionary
    (amazon.aws 10.1 converts them to the list the API needs only for CreateDBInstance, CreateDBInstanceReadReplica
    and RestoreDBInstanceFromDBSnapshot), so botocore refuses every restore that is tagged. An untagged instance cannot be created
    under a policy that requires the project's tags at creation, and the roles refuse to manage it.
author:
  - Hasura Blog platform team (@hasura-blog)
options:
  source_db_instance_identifier:
    description: The instance to restore.
    type: str
    required: true
  target_db_instance_identifier:
    description: The new instance.
    type: str
    required: true
  restore_time:
    description: The point in time, ISO 8601 UTC. Without it, the latest restorable time.
    type: str
  db_instance_class: {description: The instance class., type: str, required: true}
  db_subnet_group_name: {description: The DB subnet group., type: str, required: true}
  vpc_security_group_ids: {description: The VPC security groups., type: list, elements: str, required: true}
  db_parameter_group_name: {description: The DB parameter group., type: str}
  storage_type: {description: The storage type., type: str}
  max_allocated_storage: {description: The storage autoscaling limit in GiB., type: int}
  multi_az: {description: Multi-AZ., type: bool, default: false}
  copy_tags_to_snapshot: {description: Copy the tags to snapshots., type: bool, default: true}
  deletion_protection: {description: Deletion protection., type: bool, default: false}
  tags: {description: The tags of the new instance., type: dict, default: {}}
notes:
  - Supports check mode. The new instance is never publicly accessible.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Restore the database as it was at 14:05 UTC
  hasura_blog.aws.rds_instance_restore:
    source_db_instance_identifier: hasura-blog-prod-postgres
    target_db_instance_identifier: hasura-blog-prod-postgres-restore-20261130140500
    restore_time: "2026-11-30T14:05:00Z"
    db_instance_class: db.t3.micro
    db_subnet_group_name: hasura-blog-prod-db-subnets
    vpc_security_group_ids: [sg-0123456789abcdef0]
    tags: {Project: hasura-blog, Environment: prod, ManagedBy: ansible}
"""

RETURN = r"""
instance:
  description: The new instance's identifier and status (C(creating) right after the restore).
  returned: unless in check mode for a new instance
  type: dict
  sample: {db_instance_identifier: hasura-blog-prod-postgres-restore-20261130140500, db_instance_status: creating}
"""

from datetime import datetime

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list


def request(params: dict) -> dict:
    """The RestoreDBInstanceToPointInTime request of the module's options."""
    result = {
        "SourceDBInstanceIdentifier": params["source_db_instance_identifier"],
        "TargetDBInstanceIdentifier": params["target_db_instance_identifier"],
        "DBInstanceClass": params["db_instance_class"],
        "DBSubnetGroupName": params["db_subnet_group_name"],
        "VpcSecurityGroupIds": params["vpc_security_group_ids"],
        "MultiAZ": params["multi_az"],
        "PubliclyAccessible": False,
        "CopyTagsToSnapshot": params["copy_tags_to_snapshot"],
        "DeletionProtection": params["deletion_protection"],
        "Tags": ansible_dict_to_boto3_tag_list({key: str(value) for key, value in params["tags"].items()}),
    }
    if params["restore_time"]:
        result["RestoreTime"] = datetime.fromisoformat(params["restore_time"].replace("Z", "+00:00"))
    else:
        result["UseLatestRestorableTime"] = True
    for option, key in (("db_parameter_group_name", "DBParameterGroupName"), ("storage_type", "StorageType"),
                        ("max_allocated_storage", "MaxAllocatedStorage")):
        if params[option]:
            result[key] = params[option]
    return result


def main() -> None:
    module = AnsibleAWSModule(
        argument_spec=dict(
            source_db_instance_identifier=dict(type="str", required=True),
            target_db_instance_identifier=dict(type="str", required=True),
            restore_time=dict(type="str"),
            db_instance_class=dict(type="str", required=True),
            db_subnet_group_name=dict(type="str", required=True),
            vpc_security_group_ids=dict(type="list", elements="str", required=True),
            db_parameter_group_name=dict(type="str"),
            storage_type=dict(type="str"),
            max_allocated_storage=dict(type="int"),
            multi_az=dict(type="bool", default=False),
            copy_tags_to_snapshot=dict(type="bool", default=True),
            deletion_protection=dict(type="bool", default=False),
            tags=dict(type="dict", default={}),
        ),
        supports_check_mode=True,
    )
    client = module.client("rds", retry_decorator=AWSRetry.jittered_backoff())
    target = module.params["target_db_instance_identifier"]
    try:
        try:
            existing = client.describe_db_instances(DBInstanceIdentifier=target, aws_retry=True)["DBInstances"][0]
        except is_boto3_error_code("DBInstanceNotFound"):
            existing = None
        if existing is not None:
            module.exit_json(changed=False, instance={"db_instance_identifier": target, "db_instance_status": existing["DBInstanceStatus"]})
        if module.check_mode:
            module.exit_json(changed=True)
        created = client.restore_db_instance_to_point_in_time(aws_retry=True, **request(module.params))["DBInstance"]
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as error:
        module.fail_json_aws(error, msg=f"Failed to restore {module.params['source_db_instance_identifier']} to {target}")
    module.exit_json(changed=True, instance={"db_instance_identifier": target, "db_instance_status": created["DBInstanceStatus"]})


if __name__ == "__main__":
    main()
