from ansible_collections.hasura_blog.aws.plugins.module_utils.waf import waf_errors, waf_rules

GROUPS = ["AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"]
LABEL = {"groups": "alb_waf_managed_rule_groups", "counted": "alb_waf_counted_rules", "rate_limit": "alb_waf_rate_limit"}


def test_managed_groups_come_first_then_the_rate_limit() -> None:
    rules = waf_rules(GROUPS, {"AWSManagedRulesCommonRuleSet": ["SizeRestrictions_BODY"]}, 2000, "acl")
    assert [(r["name"], r["priority"]) for r in rules] == [
        ("aws-AWSManagedRulesCommonRuleSet", 10), ("aws-AWSManagedRulesKnownBadInputsRuleSet", 20), ("rate-limit-per-ip", 30)]
    common, bad_inputs, rate = rules
    assert common["override_action"] == {"none": {}} and "action" not in common
    assert common["statement"]["managed_rule_group_statement"]["rule_action_overrides"] == [
        {"name": "SizeRestrictions_BODY", "action_to_use": {"count": {}}}]
    assert "rule_action_overrides" not in bad_inputs["statement"]["managed_rule_group_statement"]
    assert rate["action"] == {"block": {}}
    assert rate["statement"]["rate_based_statement"] == {"limit": 2000, "aggregate_key_type": "IP", "evaluation_window_sec": 300}
    assert all(r["visibility_config"]["cloud_watch_metrics_enabled"] for r in rules)
    assert len({r["visibility_config"]["metric_name"] for r in rules}) == 3


def test_errors() -> None:
    assert waf_errors(GROUPS, {}, 2000, LABEL) == []
    assert "AWS WAF RateBasedStatement Limit" in waf_errors(GROUPS, {}, 5, LABEL)[0]
    assert "alb_waf_rate_limit is many" in waf_errors(GROUPS, {}, "many", LABEL)[0]
    assert "names AWSManagedRulesSQLiRuleSet, which alb_waf_managed_rule_groups does not list" in \
        waf_errors(GROUPS, {"AWSManagedRulesSQLiRuleSet": ["x"]}, 2000, LABEL)[0]
    assert "more than once" in waf_errors(GROUPS + GROUPS[:1], {}, 2000, LABEL)[0]
    assert "AWSManagedRules" in waf_errors(["MyRules"], {}, 2000, LABEL)[0]
