#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: ecs_cluster_settings
short_description: Set the settings (Container Insights) and tags of an existing ECS cluster
version_added: 0.1.0
description:
  - C(community.aws.ecs_cluster) creates clusters and their capacity providers but cannot set cluster settings
    such as C(containerInsights), nor tags. This module sets both on an existing cluster, and changes only what
    differs.
author:
  - Hasura Blog platform team (@hasura-blog)
options:
  cluster:
    description: The cluster name or ARN.
    type: str
    required: true
  settings:
    description: "Cluster settings, name to value, for example C({containerInsights: enabled})."
    type: dict
    default: {}
  tags:
    description: Tags on the cluster.
    type: dict
    default: {}
  purge_tags:
    description: Remove tags that O(tags) does not name.
    type: bool
    default: false
notes:
  - Supports check mode and diff mode.
  - Uses UpdateCluster, which takes the same settings as UpdateClusterSettings.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Turn on Container Insights and tag the cluster
  hasura_blog.aws.ecs_cluster_settings:
    cluster: hasura-blog-prod-cluster
    settings:
      containerInsights: enabled
    tags:
      Project: hasura-blog
      Environment: prod
"""

RETURN = r"""
settings:
  description: The cluster's settings after the change.
  returned: always
  type: list
  elements: dict
  sample: [{"name": "containerInsights", "value": "enabled"}]
tags:
  description: The cluster's tags after the change, as a dict.
  returned: always
  type: dict
capacity_providers:
  description: The cluster's capacity providers (read only).
  returned: always
  type: list
  elements: str
  sample: [FARGATE, FARGATE_SPOT]
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
from ansible_collections.hasura_blog.aws.plugins.module_utils.cluster import settings_to_update


def main() -> None:
    module = AnsibleAWSModule(
        argument_spec=dict(
            cluster=dict(type="str", required=True),
            settings=dict(type="dict", default={}),
            tags=dict(type="dict", default={}),
            purge_tags=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    client = module.client("ecs", retry_decorator=AWSRetry.jittered_backoff())
    name = module.params["cluster"]
    try:
        clusters = client.describe_clusters(clusters=[name], include=["SETTINGS", "TAGS"], aws_retry=True)["clusters"]
        cluster = next((c for c in clusters if c.get("status") != "INACTIVE"), None)
        if cluster is None:
            module.fail_json(msg=f"ECS cluster {name} does not exist")
        settings = settings_to_update(module.params["settings"], cluster.get("settings", []))
        current_tags = boto3_tag_list_to_ansible_dict(cluster.get("tags", []), "key", "value")
        to_set, to_remove = compare_aws_tags(current_tags, module.params["tags"], module.params["purge_tags"])
        to_set = {key: str(value) for key, value in to_set.items()}
        changed = bool(settings or to_set or to_remove)
        before = {"settings": cluster.get("settings", []), "tags": current_tags}
        after_tags = {**{k: v for k, v in current_tags.items() if k not in to_remove}, **to_set}
        after_settings = {s["name"]: s["value"] for s in before["settings"]}
        after_settings.update({s["name"]: s["value"] for s in settings})
        after = {"settings": [{"name": k, "value": v} for k, v in sorted(after_settings.items())], "tags": after_tags}
        if changed and not module.check_mode:
            if settings:
                client.update_cluster(cluster=cluster["clusterArn"], settings=settings, aws_retry=True)
            if to_set:
                client.tag_resource(resourceArn=cluster["clusterArn"], tags=ansible_dict_to_boto3_tag_list(to_set, "key", "value"),
                                    aws_retry=True)
            if to_remove:
                client.untag_resource(resourceArn=cluster["clusterArn"], tagKeys=to_remove, aws_retry=True)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as error:
        module.fail_json_aws(error, msg=f"Failed to update ECS cluster {name}")
    module.exit_json(changed=changed, settings=after["settings"], tags=after["tags"],
                     capacity_providers=cluster.get("capacityProviders", []), diff={"before": before, "after": after})


if __name__ == "__main__":
    main()
