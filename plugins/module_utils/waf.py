# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure logic for the load balancer's web ACL: its rules, in community.aws.wafv2_web_acl's form. No AWS calls."""

from __future__ import annotations

from typing import Any, Mapping

# What AWS WAF reports for a rate-based rule whose window is not given (seconds): set, so a re-run compares equal.
RATE_WINDOW_SECONDS = 300


def _visibility(metric: str) -> dict[str, Any]:
    return {"sampled_requests_enabled": True, "cloud_watch_metrics_enabled": True, "metric_name": metric}


def waf_rules(managed_groups: list[str], counted: Mapping[str, list[str]], rate_limit: int, metric_prefix: str) -> list[dict[str, Any]]:
    """The web ACL's rules: each AWS managed rule group in ``managed_groups`` (priority 10, 20, ...), with the rules
    ``counted`` names per group only counted, not blocked; then a per-IP rate limit of ``rate_limit`` requests in 5
    minutes that blocks (the last priority)."""
    rules: list[dict[str, Any]] = []
    for index, group in enumerate(managed_groups):
        statement: dict[str, Any] = {"vendor_name": "AWS", "name": group}
        if counted.get(group):
            statement["rule_action_overrides"] = [{"name": rule, "action_to_use": {"count": {}}}
                                                  for rule in counted[group]]
        rules.append({"name": f"aws-{group}", "priority": 10 * (index + 1), "override_action": {"none": {}},
                      "visibility_config": _visibility(f"{metric_prefix}-{group}"),
                      "statement": {"managed_rule_group_statement": statement}})
    rules.append({"name": "rate-limit-per-ip", "priority": 10 * (len(managed_groups) + 1), "action": {"block": {}},
                  "visibility_config": _visibility(f"{metric_prefix}-rate-limit"),
                  "statement": {"rate_based_statement": {"limit": int(rate_limit), "aggregate_key_type": "IP",
                                                         "evaluation_window_sec": RATE_WINDOW_SECONDS}}})
    return rules


def waf_errors(managed_groups: Any, counted: Any, rate_limit: Any, label: Mapping[str, str]) -> list[str]:
    """Problems with the web ACL's settings (``label``: option -> the name to show), or an empty list."""
    errors: list[str] = []
    groups = managed_groups if isinstance(managed_groups, list) else []
    if not isinstance(managed_groups, list) or not all(isinstance(g, str) and g.startswith("AWSManagedRules") for g in groups):
        errors.append(f"{label['groups']} must list AWS managed rule groups by name (AWSManagedRules...), as AWS WAF "
                      "ManagedRuleGroupStatement Name takes them")
    for group in sorted({g for g in groups if groups.count(g) > 1}):
        errors.append(f"{label['groups']} lists {group} more than once")
    if not isinstance(counted, Mapping):
        errors.append(f"{label['counted']} must map a rule group to the names of its rules that only count")
    else:
        for group in sorted(set(counted) - set(groups)):
            errors.append(f"{label['counted']} names {group}, which {label['groups']} does not list")
    try:
        limit = int(rate_limit)
    except (TypeError, ValueError):
        limit = -1
    if not 10 <= limit <= 2_000_000_000:
        errors.append(f"{label['rate_limit']} is {rate_limit}; it must be 10-2000000000 requests per IP in 5 minutes "
                      "(AWS WAF RateBasedStatement Limit)")
    return errors
