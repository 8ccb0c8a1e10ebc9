# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters over plugins/module_utils/database.py, for the rds role."""

from __future__ import annotations

DOCUMENTATION = r"""
name: engine_version_to_request
short_description: The RDS engine version to request without ever downgrading
description:
  - Returns the desired version for a new instance, or for one that runs an older version; returns the current
    version when the instance already runs the desired one or newer (after an automatic minor upgrade).
  - The same file provides C(allocated_storage_to_request) (never shrink an autoscaled volume),
    C(final_snapshot_identifier) (a unique name from a timestamp) and C(protected_resources).
positional: current
options:
  _input:
    description: The desired engine version.
    type: str
    required: true
  current:
    description: The version the instance runs, empty if it does not exist.
    type: str
"""

EXAMPLES = r"""
- name: Request a version
  ansible.builtin.debug:
    msg: "{{ '15.15' | hasura_blog.aws.engine_version_to_request('15.16') }}"  # 15.16
"""

RETURN = r"""
_value:
  description: The engine version to request.
  type: str
"""

from ansible_collections.hasura_blog.aws.plugins.module_utils.database import (
    allocated_storage_to_request,
    engine_version_to_request,
    final_snapshot_identifier,
    protected_resources,
)


class FilterModule:
    def filters(self):
        return {
            "engine_version_to_request": engine_version_to_request,
            "allocated_storage_to_request": allocated_storage_to_request,
            "final_snapshot_identifier": final_snapshot_identifier,
            "protected_resources": protected_resources,
        }
