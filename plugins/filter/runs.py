# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters over plugins/module_utils/runs.py: which roles a partial run (--tags) runs, and which it looks up."""

from __future__ import annotations

DOCUMENTATION = r"""
name: roles_to_discover
short_description: The roles a partial run skips but needs the resources of
description:
  - Given the run's C(ansible_run_tags) and C(ansible_skip_tags), returns the roles of site.yml (in order) that the
    run skips but whose ids a role it runs needs. site.yml looks those resources up in AWS, read-only, by their tags
    and names, before the first write.
  - The same file provides C(roles_run) (the roles the run runs).
positional: skip_tags
options:
  _input:
    description: The run's tags, C(ansible_run_tags).
    type: list
    elements: str
    required: true
  skip_tags:
    description: The run's skipped tags, C(ansible_skip_tags).
    type: list
    elements: str
    default: []
"""

EXAMPLES = r"""
- name: Look up what the skipped roles made
  ansible.builtin.include_role:
    name: hasura_blog.aws.{{ item }}
    tasks_from: discover
  loop: "{{ ansible_run_tags | hasura_blog.aws.roles_to_discover(ansible_skip_tags) }}"
"""

RETURN = r"""
_value:
  description: Role names, without the collection prefix, in the order of site.yml.
  type: list
  elements: str
"""

from ansible_collections.hasura_blog.aws.plugins.module_utils.runs import roles_run, roles_to_discover


class FilterModule:
    def filters(self):
        return {"roles_to_discover": roles_to_discover, "roles_run": roles_run}
