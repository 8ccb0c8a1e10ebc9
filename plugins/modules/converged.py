#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

# The documentation of the action plugin plugins/action/converged.py, which runs in the controller and has no module
# code of its own (as ansible.builtin.set_fact).

from __future__ import annotations

DOCUMENTATION = r"""
module: converged
short_description: Compare a role's settings and resources with its last converged run, or record that run
version_added: 0.1.0
description:
  - The fast path of a re-run of C(hasura_blog.aws.site). Each role calls it first with O(state=compare), and skips its
    tasks when nothing differs from its last converged run; at its end it calls it with O(state=record).
  - It reads the role's resources with describe calls only (for example the VPC, its DNS attributes, subnets and internet
    gateway for the vpc role), in the controller's process, and hashes what they describe, less what changes by itself
    (statuses, counts, events, access times), with O(inputs), O(where) and the role's code (its files and the
    collection's plugins). O(state=record) writes that digest and O(facts) to the SSM parameter O(record) (only when
    they differ from what it holds); O(state=compare) reads it back.
  - The role is converged when the digests are equal and every secret of O(secrets_var) holds that value in Secrets
    Manager. Secrets are compared in memory and never enter the digest or the record.
  - It never reports a change; O(state=record) writes nothing in check mode.
  - An action plugin, run in the controller's process, it takes the connection options of the module_defaults group
    C(hasura_blog.aws.aws).
author:
  - Hasura Blog platform team (@hasura-blog)
options:
  role:
    description:
      - The role, one of V(vpc), V(nat), V(security_groups), V(rds), V(alb), V(ecs_cluster), V(ecs_services).
    type: str
    required: true
  record:
    description:
      - The SSM parameter that keeps the record, for example C(/hasura-blog/prod/converged/vpc).
    type: str
    required: true
  state:
    description:
      - V(compare) reads the record and reports RV(converged); V(record) writes it; V(absent) deletes it (the first step
        of the role's teardown).
    type: str
    choices: [compare, record, absent]
    default: compare
  where:
    description:
      - Where the role's resources are, as the role's reader expects (names, the VPC id, the secrets' names). Required
        unless O(state=absent).
    type: dict
  inputs:
    description:
      - The role's settings, not secret. Part of the digest, never recorded as such.
    type: dict
    default: {}
  secrets_var:
    description:
      - The name of a variable that holds a dict of Secrets Manager secret id to the value it should hold, for example
        C(rds__converged_secrets). The values are compared in memory, never recorded, hashed or returned; as they are
        not arguments of the task, no callback prints them and the task needs no C(no_log).
    type: str
  facts:
    description:
      - With O(state=record), the facts the role set for later roles; RV(facts) of the next O(state=compare).
    type: dict
    default: {}
  region:
    description: The AWS region.
    type: str
  endpoint_url:
    description: The AWS endpoint, for the local emulator.
    type: str
  access_key:
    description: The AWS access key; else boto3's chain (environment, profile, instance role).
    type: str
  secret_key:
    description: The AWS secret key.
    type: str
  session_token:
    description: The AWS session token.
    type: str
  profile:
    description: The AWS profile.
    type: str
  aws_config:
    description: botocore configuration, for example the retries.
    type: dict
notes:
  - Drift outside the readers' view (for example a change to a resource the role does not read back) is not seen;
    C(-e hasura_blog_fast_path=false) runs every role in full, and records again.
"""

EXAMPLES = r"""
- name: Compare the settings and resources with the last converged run
  hasura_blog.aws.converged:
    role: vpc
    record: /hasura-blog/dev/converged/vpc
    where: {name: hasura-blog-dev-vpc, cidr: 10.0.0.0/16}
    inputs: {vpc_cidr: 10.0.0.0/16}
  register: vpc__converged

- name: Record this converged run for the fast path of the next
  hasura_blog.aws.converged:
    role: vpc
    record: /hasura-blog/dev/converged/vpc
    where: {name: hasura-blog-dev-vpc, cidr: 10.0.0.0/16}
    inputs: {vpc_cidr: 10.0.0.0/16}
    facts: {vpc_id: vpc-0123456789abcdef0}
    state: record
"""

RETURN = r"""
converged:
  description: Whether the role's settings and resources are as its last converged run left them (always true for O(state=record)).
  returned: always
  type: bool
reason:
  description: Why the role is converged or not, for example C(no record of a converged run).
  returned: with O(state=compare)
  type: str
facts:
  description: The facts recorded by the last converged run when RV(converged); else empty.
  returned: always
  type: dict
deleted:
  description: Whether O(state=absent) deleted the record (false when there was none, or in check mode).
  returned: with O(state=absent)
  type: bool
recorded:
  description: Whether O(state=record) wrote the record (false when it held this run's already, or in check mode).
  returned: with O(state=record)
  type: bool
"""
