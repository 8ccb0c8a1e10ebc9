#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: access_check
short_description: Check the AWS region, endpoint and credentials before the first AWS call, with one clear message
version_added: 0.1.0
description:
  - Checks that the region is one that botocore knows (no AWS call), then calls C(sts:GetCallerIdentity), which
    needs no IAM permission.
  - A failure gets one message that says what is wrong, with the endpoint or region and what to check. An
    unreachable endpoint, a missing profile or missing credentials, an access key that AWS does not know, a secret
    key that does not match, an expired session, a clock that is off, a region that is not enabled for the account,
    and an endpoint that does not answer like AWS (for example the URL of another service) each have their own.
  - When the chosen region refuses the key as unknown and no endpoint is set, the check asks the partition's home
    region (us-east-1, cn-north-1, us-gov-west-1) once more, to tell a region that is not enabled for the account
    from a key that AWS does not know.
  - Messages show the last 4 characters of the access key id only, never a secret key or session token.
author:
  - Hasura Blog platform team (@hasura-blog)
options:
  inventory:
    description:
      - The inventory directory that messages tell the user to edit, for example V(inventories/prod).
    type: str
    default: inventories/<env>
notes:
  - Read-only. Supports check mode, and runs in check mode as in a real run.
  - Makes at most one connection attempt and one retry, with a 5 s connect timeout and a 15 s read timeout,
    whatever O(aws_config) asks for retries and timeouts, so that an unreachable endpoint fails within seconds.
  - Set the connection options once per play with C(module_defaults) for the group C(hasura_blog.aws.aws).
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Check the AWS endpoint, region and credentials before any other AWS call
  hasura_blog.aws.access_check:
    inventory: "inventories/{{ hasura_blog_env }}"

- name: Print who deploys where
  hasura_blog.aws.access_check: {}
  register: access
- name: Show the caller
  ansible.builtin.debug:
    msg: "{{ access.arn }} in account {{ access.account }}, {{ access.region }} at {{ access.endpoint }}"
"""

RETURN = r"""
account:
  description: The AWS account id of the credentials.
  returned: success
  type: str
  sample: "123456789012"
arn:
  description: The ARN of the caller (IAM user, assumed role session or root).
  returned: success
  type: str
  sample: arn:aws:sts::123456789012:assumed-role/awx-hasura-blog-deployer/awx
user_id:
  description: The unique id of the caller, as GetCallerIdentity reports it.
  returned: success
  type: str
  sample: AROAEXAMPLEID:awx
region:
  description: The region checked.
  returned: always
  type: str
  sample: us-east-1
endpoint:
  description: The STS endpoint URL that was called.
  returned: success
  type: str
  sample: https://sts.us-east-1.amazonaws.com
failure:
  description:
    - On failure, what kind it is; C(msg) says what to do.
    - One of V(region), V(endpoint_url), V(unreachable), V(not_aws), V(no_credentials), V(bad_credentials),
      V(expired), V(clock), V(region_not_enabled), V(other).
  returned: failure
  type: str
  sample: unreachable
error_code:
  description: The error code of the AWS answer, when there was one.
  returned: failure
  type: str
  sample: InvalidClientTokenId
"""

import os
from dataclasses import replace

try:
    import boto3
    import botocore
    import botocore.config
    import botocore.loaders
    import botocore.parsers
    import botocore.regions
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import get_aws_connection_info
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.hasura_blog.aws.plugins.module_utils.access import (
    UNKNOWN_KEY_CODES,
    Failure,
    Target,
    classify,
    home_region,
    redact,
    region_not_enabled,
    region_problem,
)

# One retry at most, and short timeouts: the check must fail in seconds where a deploy task would retry for a minute.
PROBE_CONFIG = {"retries": {"mode": "standard", "total_max_attempts": 2}, "connect_timeout": 5, "read_timeout": 15}
CREDENTIAL_SOURCES = {
    "shared-credentials-file": "~/.aws/credentials",
    "config-file": "~/.aws/config",
    "sso": "SSO profile",
    "assume-role": "role assumed by the profile",
    "assume-role-with-web-identity": "web identity",
    "custom-process": "credential_process",
    "container-role": "container role",
    "iam-role": "EC2 instance role",
}


def known_regions() -> dict[str, list[str]]:
    """partition -> the regions where botocore knows an STS or EC2 endpoint (read from botocore's data, no call)."""
    resolver = botocore.regions.EndpointResolver(botocore.loaders.create_loader().load_data("endpoints"))
    return {p: sorted(set(resolver.get_available_endpoints("sts", p)) | set(resolver.get_available_endpoints("ec2", p)))
            for p in resolver.get_available_partitions()}


def credentials(session, access_key: str | None, profile: str | None) -> tuple[str | None, str, list[str | None]]:
    """(access key id, where it comes from, secrets to keep out of messages) of the credentials the call will use."""
    if access_key:
        from_env = access_key in (os.environ.get("AWS_ACCESS_KEY_ID"), os.environ.get("AWS_ACCESS_KEY"))
        return access_key, "from AWS_ACCESS_KEY_ID" if from_env else "from hasura_blog_aws_access_key", []
    found = session.get_credentials()
    if found is None:
        return None, "", []
    frozen = found.get_frozen_credentials()
    source = CREDENTIAL_SOURCES.get(found.method, found.method)
    return frozen.access_key, f"from {source}" + (f" {profile}" if profile else ""), [frozen.secret_key, frozen.token]


def check(module: AnsibleAWSModule) -> dict:
    region, endpoint_url, params = get_aws_connection_info(module)
    inventory = module.params["inventory"]
    problem = region_problem(region, known_regions(), botocore.__version__, inventory)
    if problem:
        module.fail_json(msg=problem.msg, failure=problem.kind, region=region)
    profile = params.pop("profile_name", None)
    config = (params.pop("aws_config", None) or botocore.config.Config()).merge(botocore.config.Config(**PROBE_CONFIG))
    custom = bool(endpoint_url or os.environ.get("AWS_ENDPOINT_URL") or os.environ.get("AWS_ENDPOINT_URL_STS"))
    target = Target(region, endpoint_url or "", custom_endpoint=custom, access_key=params.get("aws_access_key_id"),
                    profile=profile, inventory=inventory)
    secrets = [params.get("aws_secret_access_key"), params.get("aws_session_token")]
    session = None
    try:
        session = boto3.session.Session(profile_name=profile)
        client = session.client("sts", region_name=region, endpoint_url=endpoint_url, config=config, **params)
        target = replace(target, endpoint=client.meta.endpoint_url)
        key, source, more_secrets = credentials(session, target.access_key, profile)
        secrets += more_secrets
        target = replace(target, access_key=key, credential_source=source)
        identity = client.get_caller_identity()
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError, botocore.parsers.ResponseParserError,
            ValueError) as error:
        failure = classify(error, target)
        code = ((getattr(error, "response", None) or {}).get("Error") or {}).get("Code", "")
        if code in UNKNOWN_KEY_CODES and not custom and session is not None:
            failure = in_home_region(session, target, config, params) or failure
        module.fail_json(msg=redact(failure.msg, secrets), failure=failure.kind, region=region,
                         **({"error_code": code} if code else {}))
    return dict(changed=False, account=identity["Account"], arn=identity["Arn"], user_id=identity["UserId"],
                region=region, endpoint=target.endpoint)


def in_home_region(session, target: Target, config, params: dict) -> Failure | None:
    """The region-not-enabled failure if the partition's home region accepts the key that ``target.region`` refused."""
    try:
        home = home_region(target.region, session.get_partition_for_region(target.region))
        if home is None:
            return None
        account = session.client("sts", region_name=home, config=config, **params).get_caller_identity()["Account"]
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError, AttributeError):
        return None  # botocore too old to name the partition, or the home region refuses the key too
    return region_not_enabled(target, account)


def main() -> None:
    module = AnsibleAWSModule(
        argument_spec=dict(inventory=dict(type="str", default="inventories/<env>")),
        supports_check_mode=True,
    )
    module.exit_json(**check(module))


if __name__ == "__main__":
    main()
