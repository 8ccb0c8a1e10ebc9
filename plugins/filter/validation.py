# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters over plugins/module_utils/validation.py: each role's tasks/validate.yml checks its settings against what
the AWS APIs accept before the first AWS call."""

from __future__ import annotations

DOCUMENTATION = r"""
name: settings_errors
short_description: Problems with a role's settings, checked against what the AWS APIs accept
description:
  - Returns a list of messages, empty when the settings are valid. Each message names the variable the user sets, the
    value and the range, format or choices the AWS API parameter it feeds accepts, for example
    C(rds_backup_retention_days is 40; it must be 0-35 (RDS BackupRetentionPeriod)).
  - Messages about secrets name the rule that failed, never the value.
  - Run it after C(argument_errors) found nothing; it relies on the types being right.
  - "The same file provides C(role_errors) (what each role's tasks/validate.yml calls: C(argument_errors), then
    C(settings_errors), in one call; positional: role, values, sources, source_values, context), C(argument_errors)
    (types, required options and choices from a role's argument spec, with short messages; positional: values,
    names), C(setting_names) (which variable each option came from: the
    project-wide one its default reads, unless the option is overridden), C(windows_overlap) (whether a daily RDS
    backup window overlaps a weekly maintenance window), C(password_rules) (the RDS master password rules a value
    breaks), C(missing_secrets) (one message naming every missing vault secret), C(image_errors) and C(ecr_images)
    (the images of a variable -> image dict that are in an Amazon ECR private registry, parsed)."
  - docs/validation.md lists every rule with the AWS documentation it comes from.
positional: role, names, context
options:
  _input:
    description: The role's settings, option name to value; V(<undefined>) stands for a variable that is not set.
    type: dict
    required: true
  role:
    description: The role, or V(project) for the project-wide variables of C(group_vars/all) and the inventory.
    type: str
    required: true
    choices: [project, vpc, nat, security_groups, rds, alb, ecs_cluster, ecs_services]
  names:
    description: Option name to the variable the user sets, for messages (from C(setting_names)).
    type: dict
  context:
    description:
      - What the role derives or reads from the project, for cross-field rules.
      - C(region) and C(env), and the names the role makes from its prefix (C(target_group_names),
        C(subnet_group_name), C(role_names), C(log_group_names), C(service_names), C(secret_names), C(group_names)).
    type: dict
"""

EXAMPLES = r"""
- name: Check the database settings
  ansible.builtin.assert:
    that: errors | length == 0
    fail_msg: "Invalid rds settings: {{ errors | join('; ') }}"
    quiet: true
  vars:
    errors: >-
      {{ {'rds_backup_retention_days': 40, 'rds_backup_window': '03:00-04:00'}
         | hasura_blog.aws.settings_errors('rds', {}, {'env': 'dev'}) }}

- name: Tell whether the windows overlap
  ansible.builtin.debug:
    msg: "{{ '23:30-00:30' | hasura_blog.aws.windows_overlap('tue:00:00-tue:01:00') }}"  # true
"""

RETURN = r"""
_value:
  description: Messages, one per problem; empty when the settings are valid.
  type: list
  elements: str
"""

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
