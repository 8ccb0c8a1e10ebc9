#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: deploy_lock
short_description: Take or release a deploy lock kept in an SSM parameter
version_added: 0.1.0
description:
  - A per-environment lock, so that two runs that change the same environment (two operators, or AWX and a laptop)
    cannot run at once. The lock is an SSM Parameter Store parameter; while it exists, the environment is locked.
  - O(state=present) takes the lock. It creates the parameter with PutParameter without overwrite, which AWS does
    for exactly one of any number of concurrent callers; the others get C(ParameterAlreadyExists). The value records
    who holds the lock (O(holder)), since when (UTC), and a random token that the module generates.
  - When another run holds the lock, the module fails at once with a message that names the holder, since when, and
    how long ago, and returns RV(holder) and RV(since) of that lock.
  - With O(break_lock=true) it takes over a lock that another run holds (for a stale lock, left by a run that was
    killed), and warns, naming the previous holder. It deletes that lock and creates its own, again without
    overwrite, so that of several runs that race for a lock just broken only one gets it.
  - O(state=absent) releases the lock, only if it holds O(token). It never deletes a lock of another run; it warns
    and leaves it. A lock that is gone already is fine (no change).
author:
  - Hasura Blog platform team (@hasura-blog)
options:
  name:
    description:
      - The name of the SSM parameter that is the lock, for example C(/hasura-blog/prod/deploy-lock).
    type: str
    required: true
  state:
    description:
      - V(present) takes the lock, V(absent) releases it.
    type: str
    choices: [present, absent]
    default: present
  holder:
    description:
      - Who takes the lock, in words that tell another operator whom to ask, for example C(alice@laptop pid 1234)
        or C(AWX job 42 by admin). Recorded in the lock and named in the failure of any other run.
      - At most 1000 characters. Required with O(state=present).
    type: str
  token:
    description:
      - With O(state=absent), the token that O(state=present) returned (RV(token)). Only a lock that holds this token
        is released.
      - With O(state=present), optional. If the lock already holds this token, the module reports no change (the run
        holds it already); if the lock is free, it is taken with this token. Without it, the module generates one.
    type: str
  break_lock:
    description:
      - With O(state=present), take the lock over when another run holds it, instead of failing.
      - Only for a lock whose run is dead (killed, or its machine gone). A run that is still alive keeps going
        without a lock.
    type: bool
    default: false
  tags:
    description:
      - Tags on the parameter, set when the lock is taken.
    type: dict
    default: {}
notes:
  - Supports check mode. In check mode nothing is written. O(state=present) reports a change when it would take the
    lock, and when another run holds it, it does not fail but warns with the message a real run would fail with, and
    returns RV(held_by_other=true) with that run's RV(holder) and RV(since).
  - A plan (check mode of a whole playbook) needs no lock, so the collection's playbooks call this module only in
    real runs.
  - The lock is a String parameter of the Standard tier (free). Its value holds no secret.
  - IAM permissions on the parameter C(arn:aws:ssm:REGION:ACCOUNT:parameter/NAME) (without the leading C(/) of
    O(name)) - C(ssm:PutParameter), C(ssm:GetParameter), C(ssm:DeleteParameter), and C(ssm:AddTagsToResource) when
    O(tags) is not empty.
  - Throttling and C(TooManyUpdates) (concurrent writes of one parameter) are retried. If a retried PutParameter finds
    the lock that its own first attempt created, the module recognises its token and succeeds.
  - Two runs that break the same lock at the same moment can both succeed (SSM has no conditional delete). Break a
    lock only when its run is dead, and only once.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Change the environment under its deploy lock, and release it also on failure
  block:
    - name: Take the deploy lock
      hasura_blog.aws.deploy_lock:
        name: /hasura-blog/prod/deploy-lock
        holder: "{{ lookup('ansible.builtin.env', 'USER') }} running site.yml"
        break_lock: "{{ hasura_blog_break_lock | default(false) | bool }}"
        tags:
          Project: hasura-blog
          Environment: prod
      register: deploy_lock

    - name: Deploy
      ansible.builtin.include_role:
        name: hasura_blog.aws.vpc
  always:
    - name: Release the deploy lock
      hasura_blog.aws.deploy_lock:
        name: /hasura-blog/prod/deploy-lock
        state: absent
        token: "{{ deploy_lock.token }}"
      when: deploy_lock.token | default(none) is not none
"""

RETURN = r"""
name:
  description: The name of the lock parameter.
  returned: always
  type: str
  sample: /hasura-blog/prod/deploy-lock
token:
  description:
    - With O(state=present), the token of the lock this run holds (or would hold, in check mode); pass it to
      O(state=absent). Null when another run holds the lock.
    - With O(state=absent), the token given.
  returned: always
  type: str
  sample: 0b7c6c3e-4a8e-4a52-9d0c-7f5b1f0c2e11
holder:
  description:
    - The holder of the lock the module took, or found held by another run (also in the failure result), or
      released. Null when there was no lock to release.
  returned: always
  type: str
  sample: alice@laptop pid 1234
since:
  description: Since when that lock is held, UTC ISO 8601. Null when there was no lock to release.
  returned: always
  type: str
  sample: "2026-11-30T09:00:00Z"
held_by_other:
  description:
    - True when another run holds the lock and the module left it - in the failure result of O(state=present), in
      check mode, and after a release that found another run's lock.
  returned: always
  type: bool
previous:
  description: The lock that O(break_lock) took over (or would take over, in check mode).
  returned: when a lock was taken over
  type: dict
  contains:
    holder:
      description: Its holder.
      type: str
    since:
      description: Since when it was held, UTC ISO 8601.
      type: str
"""

import uuid
from datetime import datetime, timezone
from typing import Any

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.hasura_blog.aws.plugins.module_utils.lock import Lock, decode, holder_error, release, take

DESCRIPTION = "Deploy lock (hasura_blog.aws.deploy_lock). Delete it by hand only if the run that holds it is dead."


class ParameterStore:
    """The lock's SSM parameter (lock.Store)."""

    def __init__(self, client, name: str, tags: dict) -> None:
        self.client, self.name, self.tags = client, name, tags

    def read(self) -> Lock | None:
        try:
            parameter = self.client.get_parameter(Name=self.name, aws_retry=True)["Parameter"]
        except is_boto3_error_code("ParameterNotFound"):
            return None
        return decode(parameter.get("Value"), parameter.get("LastModifiedDate"))

    def create(self, value: str) -> bool:
        request: dict[str, Any] = dict(Name=self.name, Value=value, Type="String", Tier="Standard",
                                       Description=DESCRIPTION, Overwrite=False)
        if self.tags:
            request["Tags"] = ansible_dict_to_boto3_tag_list({k: str(v) for k, v in self.tags.items()})
        try:
            self.client.put_parameter(aws_retry=True, **request)
        except is_boto3_error_code("ParameterAlreadyExists"):
            return False
        return True

    def delete(self) -> bool:
        try:
            self.client.delete_parameter(Name=self.name, aws_retry=True)
        except is_boto3_error_code("ParameterNotFound"):
            return False
        return True


def main() -> None:
    module = AnsibleAWSModule(
        argument_spec=dict(
            name=dict(type="str", required=True),
            state=dict(type="str", choices=["present", "absent"], default="present"),
            holder=dict(type="str"),
            token=dict(type="str", no_log=False),
            break_lock=dict(type="bool", default=False),
            tags=dict(type="dict", default={}),
        ),
        required_if=[("state", "present", ["holder"]), ("state", "absent", ["token"])],
        supports_check_mode=True,
    )
    name, state, token = module.params["name"], module.params["state"], module.params["token"]
    if state == "present" and holder_error(module.params["holder"]):
        module.fail_json(msg=f"Cannot take the deploy lock {name}: {holder_error(module.params['holder'])}")
    # TooManyUpdates: AWS's answer to concurrent writes of one parameter, as in a race for the lock.
    client = module.client("ssm", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=["TooManyUpdates"]))
    store, now = ParameterStore(client, name, module.params["tags"]), datetime.now(timezone.utc)
    try:
        if state == "present":
            outcome = take(store, name, module.params["holder"], token or str(uuid.uuid4()), token is not None,
                           module.params["break_lock"], now, module.check_mode)
        else:
            outcome = release(store, name, token, now, module.check_mode)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as error:
        verb = "take" if state == "present" else "release"
        module.fail_json_aws(error, msg=f"Failed to {verb} the deploy lock {name}")
    for warning in outcome.warnings:
        # AnsibleModule's own warn: AnsibleAWSModule.warn (amazon.aws 10.1.2) also passes its warnings to exit_json,
        # which ansible-core 2.19 reports as a deprecation on every run.
        module._module.warn(warning)
    result = dict(name=name, token=outcome.token, holder=outcome.holder, since=outcome.since,
                  held_by_other=outcome.held_by_other, changed=outcome.changed)
    if outcome.previous:
        result["previous"] = dict(holder=outcome.previous.holder, since=outcome.previous.since)
    if outcome.failure:
        module.fail_json(msg=outcome.failure, **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
