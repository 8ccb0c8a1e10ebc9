import pytest

from ansible_collections.hasura_blog.aws.plugins.module_utils.secret_policy import (
    admin_arn_errors,
    principal_arns,
    secret_policy,
)


def test_an_assumed_role_presents_its_role_with_or_without_a_path() -> None:
    assert principal_arns("arn:aws:sts::123456789012:assumed-role/awx-hasura-blog-deployer/awx-job-42") == [
        "arn:aws:iam::123456789012:role/awx-hasura-blog-deployer", "arn:aws:iam::123456789012:role/*/awx-hasura-blog-deployer"]
    assert principal_arns("arn:aws:iam::123456789012:user/ci") == ["arn:aws:iam::123456789012:user/ci"]
    assert principal_arns("arn:aws-cn:iam::123456789012:root") == ["arn:aws-cn:iam::123456789012:root"]
    with pytest.raises(ValueError):
        principal_arns("arn:aws:sts::123456789012:federated-user/bob")


def test_the_policy_denies_all_but_the_allowed_and_the_root_user() -> None:
    policy = secret_policy(["arn:aws:iam::123456789012:role/exec", "arn:aws:iam::123456789012:role/exec"], "123456789012")
    (statement,) = policy["Statement"]
    assert statement["Effect"] == "Deny" and statement["Principal"] == "*" and statement["Action"] == "secretsmanager:*"
    assert statement["Condition"] == {"ArnNotLike": {"aws:PrincipalArn": [
        "arn:aws:iam::123456789012:role/exec", "arn:aws:iam::123456789012:root"]}}


def test_admin_arns_are_checked() -> None:
    assert admin_arn_errors(["arn:aws:iam::123456789012:role/admins/*"], "x") == []
    assert "is not an IAM role, user or root ARN" in admin_arn_errors(["admin"], "x")[0]
    assert admin_arn_errors("arn:aws:iam::123456789012:role/a", "x") == ["x must be a list of IAM role or user ARNs"]
