# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters over plugins/module_utils/waf.py: the rules of the load balancer's web ACL."""

from __future__ import annotations

# Each filter of this file is documented in plugins/filter/<filter name>.yml (see plugins/filter/network.py).

from ansible_collections.hasura_blog.aws.plugins.module_utils.waf import waf_rules


class FilterModule:
    def filters(self):
        return {"waf_rules": waf_rules}
