# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters over plugins/module_utils/results.py: decide whether a failed AWS call is worth a retry."""

from __future__ import annotations

DOCUMENTATION = r"""
name: error_text
short_description: Everything a failed task result says about its error
description:
  - Returns the message, the error code and message of a botocore error, and the traceback of a module that did
    not catch it, as one string; an empty string for a task that did not fail.
  - The roles retry a call while this text names a transient AWS condition, for example a secret name that a
    deletion still holds, and fail at once otherwise.
  - In C(until), ansible-core 2.19 shows only the results of modules that catch their errors (C(msg), C(error));
    the text of an uncaught error (a traceback) is there only after the last try.
  - The same file provides C(seconds_since) (the age of an ISO 8601 timestamp that an AWS module returned).
options:
  _input:
    description: A registered task result.
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Retry while a deletion still holds the secret's name
  community.aws.secretsmanager_secret:
    name: demo/secret
    secret: "{{ value }}"
    state: present
  register: secret
  until: secret is succeeded or 'scheduled for deletion' not in secret | hasura_blog.aws.error_text
  retries: 12
  delay: 10
  no_log: true
"""

RETURN = r"""
_value:
  description: The error's text, empty for a success.
  type: str
"""

from ansible_collections.hasura_blog.aws.plugins.module_utils.results import error_text, seconds_since


class FilterModule:
    def filters(self):
        return {"error_text": error_text, "seconds_since": seconds_since}
