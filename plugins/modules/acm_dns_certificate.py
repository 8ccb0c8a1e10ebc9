#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: acm_dns_certificate
short_description: Request an ACM certificate validated through DNS, and delete the ones that are no longer used
version_added: 0.1.0
description:
  - With O(state=present), finds the ACM certificate of O(domain_name) that carries every tag of O(tags) and is
    issued or pending validation, or requests one with DNS validation. It then waits until ACM publishes the
    validation records (a few seconds after the request) and returns them, for amazon.aws.route53 to write.
    community.aws.acm_certificate only imports certificates.
  - It does not wait for the certificate to be issued; ACM issues it once the validation records resolve.
  - With O(state=absent), deletes every certificate that carries every tag of O(tags), of any domain, except
    O(keep). A certificate that a load balancer still uses (C(ResourceInUseException), which lasts a while after the
    listener or the load balancer is deleted) is retried until O(in_use_timeout).
author:
  - Hasura Blog platform team (@hasura-blog)
options:
  domain_name:
    description: The certificate's domain. Required with O(state=present).
    type: str
  tags:
    description: Tags that identify the certificate as this environment's; set on a new certificate.
    type: dict
    default: {}
  keep:
    description: With O(state=absent), ARNs of certificates not to delete.
    type: list
    elements: str
    default: []
  records_timeout:
    description: Seconds to wait for ACM to publish the validation records of a new certificate.
    type: int
    default: 300
  in_use_timeout:
    description: Seconds to retry deleting a certificate that a load balancer still uses.
    type: int
    default: 300
  poll_delay:
    description: Seconds between two looks while waiting.
    type: int
    default: 5
  state:
    description: Whether the certificate of O(domain_name) should exist, or the tagged certificates be deleted.
    type: str
    choices: [present, absent]
    default: present
notes:
  - Supports check mode.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Request the certificate of blog.example.com
  hasura_blog.aws.acm_dns_certificate:
    domain_name: blog.example.com
    tags:
      Project: hasura-blog
      Environment: prod
  register: certificate

- name: Write the validation records
  amazon.aws.route53:
    zone: example.com
    record: "{{ item.name }}"
    type: "{{ item.type }}"
    value: "{{ item.value }}"
    ttl: 300
    overwrite: true
  loop: "{{ certificate.validation_records }}"

- name: Delete this environment's other certificates
  hasura_blog.aws.acm_dns_certificate:
    tags:
      Project: hasura-blog
      Environment: prod
    keep: ["{{ certificate.certificate_arn }}"]
    state: absent
"""

RETURN = r"""
certificate_arn:
  description: The certificate's ARN (empty with O(state=absent), or in check mode before it is requested).
  returned: always
  type: str
  sample: arn:aws:acm:us-east-1:123456789012:certificate/0e0b3c2c-5b2a-4b7c-8a8e-0f5b8b8c9d10
status:
  description: The certificate's status (ISSUED, PENDING_VALIDATION), empty when there is none.
  returned: always
  type: str
validation_records:
  description: The DNS records that validate the certificate, each with C(name), C(type) and C(value).
  returned: always
  type: list
  elements: dict
deleted:
  description: ARNs of the certificates deleted (or, in check mode, to delete).
  returned: always
  type: list
  elements: str
"""

import time
import uuid

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    boto3_tag_list_to_ansible_dict,
)
from ansible_collections.hasura_blog.aws.plugins.module_utils.certificate import (
    USABLE_STATUSES,
    pick_certificate,
    tagged,
    validation_records,
)


@AWSRetry.jittered_backoff()
def _list_certificates(client, **kwargs):
    return client.get_paginator("list_certificates").paginate(**kwargs).build_full_result()["CertificateSummaryList"]


def _candidates(client, statuses=None):
    """Every certificate of the region (of the given statuses), each with its tags as a dict."""
    summaries = _list_certificates(client, **({"CertificateStatuses": list(statuses)} if statuses else {}))
    for summary in summaries:
        summary["DomainName"] = summary.get("DomainName", "")
        summary["Tags"] = boto3_tag_list_to_ansible_dict(
            client.list_tags_for_certificate(CertificateArn=summary["CertificateArn"], aws_retry=True).get("Tags", []))
    return summaries


def _present(module, client):
    params = module.params
    tags = {key: str(value) for key, value in params["tags"].items()}
    picked = pick_certificate(_candidates(client, USABLE_STATUSES), params["domain_name"], tags)["use"]
    changed = picked is None
    if picked is None:
        if module.check_mode:
            module.exit_json(changed=True, certificate_arn="", status="", validation_records=[], deleted=[])
        arn = client.request_certificate(
            DomainName=params["domain_name"], ValidationMethod="DNS",
            # One token per run: a request that botocore retries returns the same certificate. Not the same token
            # across runs: ACM keeps tokens an hour, and a certificate deleted since must not come back.
            IdempotencyToken=uuid.uuid4().hex,
            Tags=ansible_dict_to_boto3_tag_list(tags) if tags else [], aws_retry=True)["CertificateArn"]
    else:
        arn = picked["CertificateArn"]
    deadline = time.monotonic() + params["records_timeout"]
    while True:
        # A certificate just requested may not be describable for a moment (ResourceNotFoundException).
        try:
            description = client.describe_certificate(CertificateArn=arn, aws_retry=True)["Certificate"]
        except is_boto3_error_code("ResourceNotFoundException"):
            description = {}
        records = validation_records(description) if description else None
        if records is not None or description.get("Status") == "ISSUED":
            break
        if time.monotonic() > deadline:
            module.fail_json(msg=f"ACM published no DNS validation records for {arn} ({params['domain_name']}) within "
                                 f"{params['records_timeout']} seconds", certificate_arn=arn)
        time.sleep(params["poll_delay"])
    module.exit_json(changed=changed, certificate_arn=arn, status=description.get("Status", ""),
                     validation_records=records or [], deleted=[])


def _absent(module, client):
    params = module.params
    tags = {key: str(value) for key, value in params["tags"].items()}
    if not tags:
        module.fail_json(msg="tags are required with state=absent: they decide which certificates are deleted")
    ours = [cert["CertificateArn"] for cert in tagged(_candidates(client), tags) if cert["CertificateArn"] not in params["keep"]]
    if module.check_mode:
        module.exit_json(changed=bool(ours), certificate_arn="", status="", validation_records=[], deleted=ours)
    for arn in ours:
        deadline = time.monotonic() + params["in_use_timeout"]
        while True:
            try:
                client.delete_certificate(CertificateArn=arn, aws_retry=True)
                break
            except is_boto3_error_code("ResourceNotFoundException"):
                break
            except is_boto3_error_code("ResourceInUseException"):
                if time.monotonic() > deadline:
                    module.fail_json(msg=f"The certificate {arn} is still in use after {params['in_use_timeout']} seconds")
                time.sleep(params["poll_delay"])
    module.exit_json(changed=bool(ours), certificate_arn="", status="", validation_records=[], deleted=ours)


def main() -> None:
    module = AnsibleAWSModule(
        argument_spec=dict(
            domain_name=dict(type="str"),
            tags=dict(type="dict", default={}),
            keep=dict(type="list", elements="str", default=[]),
            records_timeout=dict(type="int", default=300),
            in_use_timeout=dict(type="int", default=300),
            poll_delay=dict(type="int", default=5),
            state=dict(type="str", choices=["present", "absent"], default="present"),
        ),
        required_if=[("state", "present", ["domain_name"])],
        supports_check_mode=True,
    )
    client = module.client("acm", retry_decorator=AWSRetry.jittered_backoff())
    try:
        if module.params["state"] == "present":
            _present(module, client)
        else:
            _absent(module, client)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as error:
        module.fail_json_aws(error, msg="Failed to manage the ACM certificate")


if __name__ == "__main__":
    main()
