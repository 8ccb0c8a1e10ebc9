#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: ecr_image_info
short_description: Tell whether image tags or digests exist in an Amazon ECR repository
version_added: 0.1.0
description:
  - Looks up images of an Amazon ECR private repository by tag or digest (C(ecr:DescribeImages)), and reports which
    exist and which do not. Read-only.
  - amazon.aws and community.aws 10.x have no module that describes ECR images (C(community.aws.ecs_ecr) manages
    repositories only); the ecs_services preflight uses this one to refuse, before the first write, an image that ECS
    could not pull.
  - Images outside Amazon ECR (Docker Hub, ECR Public, other registries) cannot be looked up through the AWS API.
author:
  - Hasura Blog platform team (@hasura-blog)
options:
  repository_name:
    description: The repository, for example V(hasura-blog/nextjs).
    type: str
    required: true
  registry_id:
    description: The AWS account id of the registry; by default the caller's.
    type: str
  image_ids:
    description: The images to look up, each by O(image_ids[].image_tag), O(image_ids[].image_digest) or both.
    type: list
    elements: dict
    required: true
    suboptions:
      image_tag:
        description: The tag.
        type: str
      image_digest:
        description: The digest, C(sha256:<64 hex characters>).
        type: str
notes:
  - Supports check mode; it changes nothing.
  - Needs C(ecr:DescribeImages) on the repository.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Look up a tag
  hasura_blog.aws.ecr_image_info:
    registry_id: "123456789012"
    repository_name: hasura-blog/nextjs
    image_ids:
      - image_tag: v1.4.2
    region: eu-west-1
  register: found

- name: Refuse a tag that does not exist
  ansible.builtin.assert:
    that: found.missing | length == 0
"""

RETURN = r"""
repository_exists:
  description: Whether the repository exists. When it does not, every image is in RV(missing).
  returned: always
  type: bool
images:
  description: The images found, as DescribeImages describes them (snake_case keys).
  returned: always
  type: list
  elements: dict
  sample: [{"image_digest": "sha256:...", "image_tags": ["v1.4.2"], "repository_name": "hasura-blog/nextjs"}]
missing:
  description: The requested image ids that do not exist.
  returned: always
  type: list
  elements: dict
  sample: [{"image_tag": "v1.4.3", "image_digest": null}]
"""

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry


def _image_id(requested: dict) -> dict:
    return {key: requested[option] for option, key in (("image_tag", "imageTag"), ("image_digest", "imageDigest"))
            if requested.get(option)}


def main() -> None:
    module = AnsibleAWSModule(
        argument_spec=dict(
            repository_name=dict(type="str", required=True),
            registry_id=dict(type="str"),
            image_ids=dict(type="list", elements="dict", required=True, options=dict(
                image_tag=dict(type="str"),
                image_digest=dict(type="str"),
            )),
        ),
        supports_check_mode=True,
    )
    requested = module.params["image_ids"]
    if any(not _image_id(image) for image in requested):
        module.fail_json(msg="each entry of image_ids needs image_tag or image_digest")
    client = module.client("ecr", retry_decorator=AWSRetry.jittered_backoff())
    registry = {"registryId": module.params["registry_id"]} if module.params["registry_id"] else {}
    repository = module.params["repository_name"]
    images: list[dict] = []
    missing: list[dict] = []
    repository_exists = True
    for image in requested:
        try:
            details = client.describe_images(repositoryName=repository, imageIds=[_image_id(image)], aws_retry=True,
                                             **registry)["imageDetails"]
        except is_boto3_error_code("ImageNotFoundException"):
            missing.append(image)
            continue
        except is_boto3_error_code("RepositoryNotFoundException"):
            repository_exists, missing = False, list(requested)
            break
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as error:  # pylint: disable=duplicate-except
            module.fail_json_aws(error, msg=f"Failed to describe images of the ECR repository {repository}")
        images.extend(camel_dict_to_snake_dict(detail) for detail in details)
    module.exit_json(changed=False, repository_exists=repository_exists, images=images, missing=missing)


if __name__ == "__main__":
    main()
