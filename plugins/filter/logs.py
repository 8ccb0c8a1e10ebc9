# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters over plugins/module_utils/logs.py: the load balancer's access-log bucket, its name and its policy."""

from __future__ import annotations

# Each filter of this file is documented in plugins/filter/<filter name>.yml (see plugins/filter/network.py).

from ansible_collections.hasura_blog.aws.plugins.module_utils.logs import access_logs_bucket, access_logs_policy


class FilterModule:
    def filters(self):
        return {
            "access_logs_bucket": access_logs_bucket,
            "access_logs_policy": access_logs_policy,
        }
