# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters over plugins/module_utils/database.py, for the rds role."""

from __future__ import annotations

# Each filter of this file is documented in plugins/filter/<filter name>.yml, as ansible-doc -t filter
# hasura_blog.aws.<filter name> reads it. This file has no DOCUMENTATION of its own: ansible-doc would show it for
# every filter of the file.

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
