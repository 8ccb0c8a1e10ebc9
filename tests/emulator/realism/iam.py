"""IAM in realistic mode: how old a role is, on the emulator's clock.

IAM is eventually consistent: a role that was just created cannot be assumed by a service yet. The effects show in
other services (ECS tasks fail to start with a new execution role, ECS cannot use its new service-linked role); they
ask this module how old a role is. moto's ``CreateDate`` is wall time and ``realism.advance`` does not move it, so
this behaviour also notes each role's creation on the emulator's clock (``CreateDate`` itself stays wall time: an
Ansible controller compares it with its own clock).
"""

from __future__ import annotations

import datetime
from typing import Any
from unittest import mock

from moto.iam.models import IAMBackend, Role, iam_backends

from tests.emulator import realism
from tests.emulator.patches import _started

EVENTUAL_CONSISTENCY_DOC = "https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency"
SERVICE_LINKED_ROLE_DOC = "https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html"


def backend(account_id: str, partition: str = "aws") -> IAMBackend:
    return iam_backends[account_id][partition]


def created(role: Role) -> float:
    """When the role was created, on the emulator's clock (wall time for a role made without this behaviour)."""
    stamped = role.__dict__.get("_realism_created")
    if stamped is not None:
        return stamped
    return role.create_date.replace(tzinfo=datetime.timezone.utc).timestamp()


def find_role(account_id: str, name_or_arn: str, partition: str = "aws") -> Role | None:
    """The role a task definition names, by ARN or by name (ECS accepts both); None if there is none."""
    name = name_or_arn.rsplit("/", 1)[-1]
    for role in backend(account_id, partition).get_roles():
        if role.arn == name_or_arn or role.name == name:
            return role
    return None


def role_age(account_id: str, name_or_arn: str, partition: str = "aws") -> float | None:
    """Seconds since the role was created, on the emulator's clock; None if there is no such role."""
    role = find_role(account_id, name_or_arn, partition)
    return None if role is None else realism.now() - created(role)


def service_linked_role(account_id: str, service_principal: str, partition: str = "aws") -> Role | None:
    """The service-linked role of a service (path /aws-service-role/<principal>/), whatever moto named it."""
    path = f"/aws-service-role/{service_principal}/"
    return next((r for r in backend(account_id, partition).get_roles() if r.path == path), None)


def create_service_linked_role(account_id: str, service_principal: str, role_name: str, description: str,
                               partition: str = "aws") -> Role:
    """Create a service-linked role as AWS names it (moto's CreateServiceLinkedRole would call ECS's
    ``AWSServiceRoleForecs``). https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html"""
    trust = ('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", '
             f'"Principal": {{"Service": "{service_principal}"}}}}]}}')
    return backend(account_id, partition).create_role(
        role_name, trust, f"/aws-service-role/{service_principal}/", permissions_boundary=None,
        description=description, tags=[], max_session_duration="3600", linked_service=service_principal)


def _role_clock() -> list:
    """AWS: IAM is eventually consistent; a new role is not usable by a service for a while.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency

    moto stamps roles with wall time only. This notes each new role's creation on the emulator's clock, so that
    ``role_age`` (and the IAM propagation that ECS behaviours derive from it) follows ``realism.advance``.
    """
    original = IAMBackend.create_role

    def create_role(self: IAMBackend, *args: Any, **kwargs: Any) -> Role:
        role = original(self, *args, **kwargs)
        role._realism_created = realism.now()
        return role

    return _started(mock.patch.object(IAMBackend, "create_role", create_role))


BEHAVIOURS: tuple[realism.Behaviour, ...] = (
    realism.Behaviour("iam_role_clock", "a new IAM role's age (its propagation) is measured on the emulator's clock",
                      EVENTUAL_CONSISTENCY_DOC, _role_clock),
)
