# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters over plugins/module_utils/network.py, so the roles validate input before any AWS call."""

from __future__ import annotations

# Each filter of this file is documented in plugins/filter/<filter name>.yml, as ansible-doc -t filter
# hasura_blog.aws.<filter name> reads it. This file has no DOCUMENTATION of its own: ansible-doc would show it for
# every filter of the file.

from ansible_collections.hasura_blog.aws.plugins.module_utils.network import (
    cidr_errors,
    layout_errors,
    network_acl_entries,
    reusable_eips,
    port_errors,
    subnet_plan,
)


class FilterModule:
    def filters(self):
        return {
            "network_layout_errors": layout_errors,
            "reusable_eips": reusable_eips,
            "cidr_errors": cidr_errors,
            "port_errors": port_errors,
            "subnet_plan": subnet_plan,
            "network_acl_entries": network_acl_entries,
        }
