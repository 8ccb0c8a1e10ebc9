# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters over plugins/module_utils/tags.py: find this project's resources by their tags, and only those."""

from __future__ import annotations

# Each filter of this file is documented in plugins/filter/<filter name>.yml, as ansible-doc -t filter
# hasura_blog.aws.<filter name> reads it. This file has no DOCUMENTATION of its own: ansible-doc would show it for
# every filter of the file.

from ansible_collections.hasura_blog.aws.plugins.module_utils.tags import (
    missing_tags,
    tag_filters,
    with_tags,
    without_tags,
)


class FilterModule:
    def filters(self):
        return {
            "missing_tags": missing_tags,
            "tag_filters": tag_filters,
            "with_tags": with_tags,
            "without_tags": without_tags,
        }
