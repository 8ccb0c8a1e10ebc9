# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure logic for the secrets' resource policies: who may use a secret at all. No AWS calls."""

from __future__ import annotations

import re
from typing import Any

_ASSUMED_ROLE = re.compile(r"^arn:(?P<partition>[^:]+):sts::(?P<account>\d{12}):assumed-role/(?P<role>[^/]+)/[^/]+$")
_IAM_PRINCIPAL = re.compile(r"^arn:[^:]+:iam::\d{12}:(root|user/.+|role/.+)$")


def principal_arns(caller_arn: str) -> list[str]:
    """The ``aws:PrincipalArn`` values (with IAM wildcards) that the identity ``caller_arn`` (GetCallerIdentity's Arn)
    presents to a resource policy. An assumed role presents its role's ARN, whose path GetCallerIdentity does not
    show: both the pathless ARN and any path."""
    match = _ASSUMED_ROLE.match(caller_arn)
    if match:
        base = f"arn:{match['partition']}:iam::{match['account']}:role/"
        return [f"{base}{match['role']}", f"{base}*/{match['role']}"]
    if _IAM_PRINCIPAL.match(caller_arn):
        return [caller_arn]
    raise ValueError(f"{caller_arn} is not an IAM user, role session or root ARN")


def secret_policy(allowed: list[str], account: str, partition: str = "aws") -> dict[str, Any]:
    """A secret's resource policy that denies every Secrets Manager action to every principal but ``allowed``
    (``aws:PrincipalArn`` values, IAM wildcards allowed) and the account's root user, which keeps a way back in
    should every allowed role be deleted. It grants nothing: each principal still needs its own IAM permission."""
    principals = sorted(set(allowed) | {f"arn:{partition}:iam::{account}:root"})
    return {
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "OnlyTheTasksAndTheDeployers", "Effect": "Deny", "Principal": "*", "Action": "secretsmanager:*",
            "Resource": "*", "Condition": {"ArnNotLike": {"aws:PrincipalArn": principals}},
        }],
    }


def admin_arn_errors(arns: Any, label: str) -> list[str]:
    """Problems with a list of principal ARNs given in the inventory, or an empty list."""
    if not isinstance(arns, list):
        return [f"{label} must be a list of IAM role or user ARNs"]
    return [f"{label}: {arn!r} is not an IAM role, user or root ARN (arn:aws:iam::<account>:role/<name>)"
            for arn in arns if not isinstance(arn, str) or not _IAM_PRINCIPAL.match(arn.replace("*", "x"))]
