# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters over plugins/module_utils/secret_policy.py: the secrets' resource policies."""

from __future__ import annotations

# Each filter of this file is documented in plugins/filter/<filter name>.yml (see plugins/filter/network.py).

from ansible_collections.hasura_blog.aws.plugins.module_utils.secret_policy import principal_arns, secret_policy


class FilterModule:
    def filters(self):
        return {"principal_arns": principal_arns, "secret_policy": secret_policy}
