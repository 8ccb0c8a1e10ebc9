# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters over plugins/module_utils/runs.py: which roles a partial run (--tags) runs, and which it looks up."""

from __future__ import annotations

# Each filter of this file is documented in plugins/filter/<filter name>.yml, as ansible-doc -t filter
# hasura_blog.aws.<filter name> reads it. This file has no DOCUMENTATION of its own: ansible-doc would show it for
# every filter of the file.

from ansible_collections.hasura_blog.aws.plugins.module_utils.runs import roles_run, roles_to_discover


class FilterModule:
    def filters(self):
        return {"roles_to_discover": roles_to_discover, "roles_run": roles_run}
