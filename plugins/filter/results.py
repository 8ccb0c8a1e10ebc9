# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters over plugins/module_utils/results.py: decide whether a failed AWS call is worth a retry."""

from __future__ import annotations

# Each filter of this file is documented in plugins/filter/<filter name>.yml, as ansible-doc -t filter
# hasura_blog.aws.<filter name> reads it. This file has no DOCUMENTATION of its own: ansible-doc would show it for
# every filter of the file.

from ansible_collections.hasura_blog.aws.plugins.module_utils.results import error_text, seconds_since


class FilterModule:
    def filters(self):
        return {"error_text": error_text, "seconds_since": seconds_since}
