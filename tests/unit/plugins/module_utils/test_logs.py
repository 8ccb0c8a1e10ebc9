import pytest

from ansible_collections.hasura_blog.aws.plugins.module_utils.logs import (
    ELB_LOG_SERVICE,
    access_logs_bucket,
    access_logs_policy,
    bucket_name_errors,
)


def test_the_default_bucket_name_is_unique_per_account_and_region_and_valid() -> None:
    name = access_logs_bucket("hasura-blog-prod", "123456789012", "us-east-1")
    assert name == "hasura-blog-prod-alb-logs-123456789012-us-east-1"
    assert bucket_name_errors(name, "b") == []
    # The longest prefix (22 characters) in the longest region name still fits 63 characters.
    assert bucket_name_errors(access_logs_bucket("a" * 22, "123456789012", "ap-southeast-3"), "b") == []
    assert access_logs_bucket("hasura-blog-prod", "1", "us-east-1", "my-logs") == "my-logs"


@pytest.mark.parametrize("name", ["ab", "UPPER-case", "-starts-with-hyphen", "a..b", "192.168.1.1", "x" * 64,
                                  "xn--punycode", "ends-s3alias"[:-7] + "-s3alias"])
def test_bad_bucket_names(name: str) -> None:
    assert bucket_name_errors(name, "alb_access_logs_bucket")[0].startswith(f"alb_access_logs_bucket is {name!r}")


def test_the_policy_lets_the_elb_account_of_an_old_region_write_under_the_prefix() -> None:
    policy = access_logs_policy("logs", "alb/", "123456789012", "us-east-1")
    write, deny = policy["Statement"]
    assert write["Principal"] == {"AWS": "arn:aws:iam::127311923021:root"}
    assert write["Action"] == "s3:PutObject"
    assert write["Resource"] == "arn:aws:s3:::logs/alb/AWSLogs/123456789012/*"
    assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert deny["Resource"] == ["arn:aws:s3:::logs", "arn:aws:s3:::logs/*"]


def test_newer_regions_use_the_log_delivery_service_and_no_prefix_means_the_root() -> None:
    write = access_logs_policy("logs", "", "123456789012", "ap-southeast-5")["Statement"][0]
    assert write["Principal"] == {"Service": ELB_LOG_SERVICE}
    assert write["Resource"] == "arn:aws:s3:::logs/AWSLogs/123456789012/*"
    china = access_logs_policy("logs", "p", "1", "cn-north-1", "aws-cn")["Statement"][0]
    assert china["Principal"] == {"AWS": "arn:aws-cn:iam::638102146993:root"}


def test_the_emulator_accepts_what_the_role_writes_and_agrees_on_the_writers() -> None:
    """tests/emulator/patches.py checks a policy the way AWS does; it keeps its own list of writers."""
    from tests.emulator import patches
    import json

    for region, account in patches.ELB_LOG_ACCOUNTS.items():
        policy = json.dumps(access_logs_policy("logs", "alb", "123456789012", region))
        assert patches.access_logs_denial("logs", "alb", "123456789012", region, True, policy) is None, (region, account)
    policy = json.dumps(access_logs_policy("logs", "other", "123456789012", "us-east-1"))
    assert patches.access_logs_denial("logs", "alb", "123456789012", "us-east-1", True, policy)
