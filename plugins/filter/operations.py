# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters over plugins/module_utils/operations.py: the day-2 playbooks' input checks, restore plan and records."""

from __future__ import annotations

# Each filter of this file is documented in plugins/filter/<filter name>.yml, as ansible-doc -t filter
# hasura_blog.aws.<filter name> reads it. This file has no DOCUMENTATION of its own: ansible-doc would show it for
# every filter of the file.

from ansible_collections.hasura_blog.aws.plugins.module_utils.operations import effective, operation_errors, record, restore_plan


def operation_record(current, fields):
    return record(current, **fields)


class FilterModule:
    def filters(self):
        return {
            "operation_errors": operation_errors,
            "restore_plan": restore_plan,
            "operation_record": operation_record,
            "effective_value": effective,
        }
