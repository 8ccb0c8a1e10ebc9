# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters over plugins/module_utils/network.py, so the roles validate input before any AWS call."""

from __future__ import annotations

DOCUMENTATION = r"""
name: network_layout_errors
short_description: Problems with a VPC layout
description:
  - Returns a list of messages, empty when the VPC CIDR, zones and subnet CIDRs fit together.
  - The same file provides C(missing_tags) (required tags that are absent), C(subnet_plan)
    (one entry per subnet with C(tier), C(cidr), C(az) and C(index)) and C(tag_filters) (EC2 describe filters
    on the C(Project), C(Environment) and C(ManagedBy) tags) C(without_tags) (the resources that lack one of
    those tags) and C(reusable_eips) (unassociated Elastic IPs to reuse, by subnet), C(cidr_errors) and C(port_errors).
positional: azs, public, private
options:
  _input:
    description: The VPC CIDR.
    type: str
    required: true
  azs:
    description: Availability zones.
    type: list
    elements: str
    required: true
  public:
    description: Public subnet CIDRs, one per zone.
    type: list
    elements: str
    required: true
  private:
    description: Private subnet CIDRs, one per zone.
    type: list
    elements: str
    required: true
"""

EXAMPLES = r"""
- name: Check the layout
  ansible.builtin.assert:
    that: (vpc_cidr | hasura_blog.aws.network_layout_errors(vpc_azs, public, private)) == []
"""

RETURN = r"""
_value:
  description: Messages, one per problem.
  type: list
  elements: str
"""

from ansible_collections.hasura_blog.aws.plugins.module_utils.network import (
    cidr_errors,
    layout_errors,
    reusable_eips,
    missing_tags,
    port_errors,
    subnet_plan,
    tag_filters,
    without_tags,
)


class FilterModule:
    def filters(self):
        return {
            "network_layout_errors": layout_errors,
            "reusable_eips": reusable_eips,
            "missing_tags": missing_tags,
            "cidr_errors": cidr_errors,
            "port_errors": port_errors,
            "subnet_plan": subnet_plan,
            "tag_filters": tag_filters,
            "without_tags": without_tags,
        }
