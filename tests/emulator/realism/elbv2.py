"""ELBv2 behaviours of realistic mode: a load balancer takes minutes to provision, and outlives its deletion a while.

moto reports a new load balancer ``active`` on the first DescribeLoadBalancers, and once it is deleted nothing of
it remains. On AWS it is ``provisioning`` for a few minutes, and after DeleteLoadBalancer its target groups stay in
use and its network interfaces stay in its subnets and security groups for a while.
"""

from __future__ import annotations

from typing import Any
from unittest import mock

from moto.elbv2.exceptions import ResourceInUseError
from moto.elbv2.models import ELBv2Backend, FakeLoadBalancer, FakeTargetGroup

from tests.emulator import realism
from tests.emulator.patches import _started

STATE_DOC = "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_LoadBalancerState.html"
DELETE_TARGET_GROUP_DOC = "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DeleteTargetGroup.html"


def _alb_provisioning() -> list:
    """AWS: a new load balancer reports State.Code ``provisioning`` for a few minutes, then ``active``.
    https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_LoadBalancerState.html

    moto turns it ``active`` on the first DescribeLoadBalancers.
    """
    create_original = ELBv2Backend.create_load_balancer
    activate_original = FakeLoadBalancer.activate

    def create_load_balancer(self: ELBv2Backend, *args: Any, **kwargs: Any) -> FakeLoadBalancer:
        balancer = create_original(self, *args, **kwargs)
        balancer._realism_created = realism.now()
        return balancer

    def activate(self: FakeLoadBalancer) -> None:
        created = self.__dict__.get("_realism_created")
        if created is None or realism.elapsed(created, "alb_provisioning"):
            activate_original(self)

    return _started(
        mock.patch.object(ELBv2Backend, "create_load_balancer", create_load_balancer),
        mock.patch.object(FakeLoadBalancer, "activate", activate),
    )


def _forwarded_target_groups(backend: ELBv2Backend, balancer: FakeLoadBalancer) -> set[str]:
    """The ARNs of the target groups that the balancer's listeners and rules forward to."""
    return {arn for listener in balancer.listeners.values() for rule in listener.rules.values()
            for action in rule.actions for arn in backend._get_target_group_arns_from(action_data=action.data)}


def _alb_deletion_holds_target_groups() -> list:
    """AWS: for a while after DeleteLoadBalancer, DeleteTargetGroup of a target group that its listeners or rules
    forwarded to fails with ResourceInUse, and the balancer's network interfaces linger in its subnets and
    security groups (deleting those gives DependencyViolation).
    https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DeleteTargetGroup.html

    moto deletes the listeners with the balancer, so the target groups can be deleted at once.
    """
    delete_balancer_original = ELBv2Backend.delete_load_balancer
    delete_group_original = ELBv2Backend.delete_target_group

    def delete_load_balancer(self: ELBv2Backend, arn: str) -> None:
        balancer = self.load_balancers.get(arn)
        if balancer is not None:
            since = realism.now()
            for group_arn in _forwarded_target_groups(self, balancer):
                if group_arn in self.target_groups:
                    self.target_groups[group_arn]._realism_held_since = since
            realism.linger(balancer.name, vpc_id=balancer.vpc_id, subnet_ids=[s.id for s in balancer.subnets],
                           security_group_ids=balancer.security_groups or ())
        return delete_balancer_original(self, arn)

    def delete_target_group(self: ELBv2Backend, target_group_arn: str) -> FakeTargetGroup:
        group = self.target_groups.get(target_group_arn)
        held = group.__dict__.get("_realism_held_since") if group is not None else None
        if held is not None and not realism.elapsed(held, "alb_deleting"):
            raise ResourceInUseError(f"Target group '{target_group_arn}' is currently in use by a listener or a rule")
        return delete_group_original(self, target_group_arn)

    return _started(
        mock.patch.object(ELBv2Backend, "delete_load_balancer", delete_load_balancer),
        mock.patch.object(ELBv2Backend, "delete_target_group", delete_target_group),
    )


BEHAVIOURS: tuple[realism.Behaviour, ...] = (
    realism.Behaviour("alb_provisioning", "a new load balancer is provisioning for minutes before it is active",
                      STATE_DOC, _alb_provisioning),
    realism.Behaviour("alb_deletion_holds_target_groups", "after DeleteLoadBalancer its target groups stay in use "
                      "and its network interfaces linger", DELETE_TARGET_GROUP_DOC, _alb_deletion_holds_target_groups),
)
