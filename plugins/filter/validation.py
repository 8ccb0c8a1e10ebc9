# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters over plugins/module_utils/validation.py: each role's tasks/validate.yml checks its settings against what
the AWS APIs accept before the first AWS call."""

from __future__ import annotations

# Each filter of this file is documented in plugins/filter/<filter name>.yml, as ansible-doc -t filter
# hasura_blog.aws.<filter name> reads it. This file has no DOCUMENTATION of its own: ansible-doc would show it for
# every filter of the file.

from ansible_collections.hasura_blog.aws.plugins.module_utils.validation import (
    argument_errors,
    ecr_images,
    image_errors,
    missing_secrets,
    password_rules,
    role_errors,
    setting_names,
    settings_errors,
    windows_overlap,
)


class FilterModule:
    def filters(self):
        return {
            "settings_errors": settings_errors,
            "argument_errors": argument_errors,
            "role_errors": role_errors,
            "setting_names": setting_names,
            "windows_overlap": windows_overlap,
            "password_rules": password_rules,
            "missing_secrets": missing_secrets,
            "image_errors": image_errors,
            "ecr_images": ecr_images,
        }
