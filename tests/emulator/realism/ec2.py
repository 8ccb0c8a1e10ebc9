"""EC2 behaviours of realistic mode: NAT gateway states, and the dependencies that stop a network being torn down.

moto creates a NAT gateway ``available`` and deletes it at once, and lets a security group, subnet or VPC be deleted
while something still uses it. AWS does neither; these behaviours restore what AWS does.
"""

from __future__ import annotations

from typing import Any
from unittest import mock

from moto.ec2.exceptions import DependencyViolationError, EC2ClientError
from moto.ec2.models.elastic_ip_addresses import ElasticAddressBackend
from moto.ec2.models.internet_gateways import InternetGatewayBackend
from moto.ec2.models.nat_gateways import NatGateway, NatGatewayBackend
from moto.ec2.models.security_groups import SecurityGroupBackend
from moto.ec2.models.subnets import SubnetBackend
from moto.ec2.models.vpcs import VPCBackend

from tests.emulator import realism
from tests.emulator.patches import _started

NAT_GATEWAY_DOC = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_NatGateway.html"
DEPENDENCY_DOC = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html"
LIVE_ECS_SERVICE = ("ACTIVE", "DRAINING")

# ElasticAddressBackend.disassociate_address as moto has it, for the transition to "deleted" (which must not be
# refused by the patched DisassociateAddress).
_disassociate = ElasticAddressBackend.disassociate_address


def _settle_gateway(backend: Any, gateway: NatGateway) -> None:
    """Move one NAT gateway on to the state its timestamps say it has reached by realism.now()."""
    created = gateway.__dict__.get("_realism_created")
    if gateway.state == "pending" and created is not None and realism.elapsed(created, "nat_gateway_pending"):
        gateway.state = "available"
    deleting = gateway.__dict__.get("_realism_deleting")
    if gateway.state == "deleting" and deleting is not None and realism.elapsed(deleting, "nat_gateway_deleting"):
        gateway.state = "deleted"
        for eip in list(backend.addresses):
            if eip.eni is not None and eip.eni is gateway._eni:
                _disassociate(backend, association_id=eip.association_id)
        realism.linger(gateway.id, vpc_id=gateway.vpc_id, subnet_ids=[gateway.subnet_id],
                       since=deleting + realism.duration("nat_gateway_deleting"))


def settle(backend: Any) -> None:
    """Bring every NAT gateway of this EC2 backend up to date (states are computed lazily, from timestamps)."""
    with realism.STATE.lock:
        for gateway in list(getattr(backend, "nat_gateways", {}).values()):
            _settle_gateway(backend, gateway)


def _settling(method: Any) -> Any:
    """Wrap a backend method so that the NAT gateways are settled before it runs."""
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        settle(self)
        return method(self, *args, **kwargs)

    return wrapper


def _nat_gateway_holding(backend: Any, eip: Any) -> NatGateway | None:
    """The NAT gateway, not yet deleted, whose network interface this Elastic IP is associated with."""
    for gateway in backend.nat_gateways.values():
        if gateway.state != "deleted" and eip.eni is not None and eip.eni is gateway._eni:
            return gateway
    return None


def _address(backend: Any, public_ip: str | None, allocation_id: str | None, association_id: str | None = None) -> Any:
    """The Elastic IP a request names (moto raises its own not-found errors)."""
    if public_ip:
        return backend.address_by_ip([public_ip])[0]
    if allocation_id:
        return backend.address_by_allocation([allocation_id])[0]
    if association_id:
        return backend.address_by_association([association_id])[0]
    return None


def _nat_gateway_states() -> list:
    """AWS: a new NAT gateway is ``pending`` for a minute or two before it is ``available``; a deleted one is
    ``deleting`` for about a minute before it is ``deleted``, and until then it keeps its Elastic IP: ReleaseAddress
    answers InvalidIPAddress.InUse and DisassociateAddress AuthFailure (the address is managed by the gateway).
    Once ``deleted``, the address is disassociated and the gateway's network interface lingers a while longer.
    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_NatGateway.html,
    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ReleaseAddress.html

    moto creates the gateway ``available`` and deletes it at once. The fidelity patch ``nat_gateway_frees_eip``
    disassociates the address on DeleteNatGateway; this behaviour replaces that delete (it does not call through),
    so that the address is freed at the transition to ``deleted`` instead.
    """
    create_original = NatGatewayBackend.create_nat_gateway
    delete_original = NatGatewayBackend.delete_nat_gateway
    release_original = ElasticAddressBackend.release_address
    disassociate_original = ElasticAddressBackend.disassociate_address

    def create_nat_gateway(self: Any, *args: Any, **kwargs: Any) -> NatGateway:
        gateway = create_original(self, *args, **kwargs)
        gateway.state, gateway._realism_created = "pending", realism.now()
        settle(self)
        return gateway

    def delete_nat_gateway(self: Any, nat_gateway_id: str) -> NatGateway:
        gateway = self.nat_gateways.get(nat_gateway_id)
        if gateway is None:
            return delete_original(self, nat_gateway_id)
        settle(self)
        if gateway.state not in ("deleting", "deleted"):
            gateway.state, gateway._realism_deleting = "deleting", realism.now()
            settle(self)
        return gateway

    def release_address(self: Any, address: str | None = None, allocation_id: str | None = None) -> None:
        settle(self)
        eip = _address(self, address, allocation_id)
        if eip is not None and _nat_gateway_holding(self, eip):
            raise EC2ClientError("InvalidIPAddress.InUse", f"Address {eip.public_ip} is in use.")
        return release_original(self, address=address, allocation_id=allocation_id)

    def disassociate_address(self: Any, address: str | None = None, association_id: str | None = None) -> None:
        settle(self)
        eip = _address(self, address, None, association_id)
        if eip is not None and _nat_gateway_holding(self, eip):
            raise EC2ClientError("AuthFailure", "You do not have permission to access the specified resource.")
        return disassociate_original(self, address=address, association_id=association_id)

    return _started(
        mock.patch.object(NatGatewayBackend, "create_nat_gateway", create_nat_gateway),
        mock.patch.object(NatGatewayBackend, "delete_nat_gateway", delete_nat_gateway),
        mock.patch.object(NatGatewayBackend, "describe_nat_gateways", _settling(NatGatewayBackend.describe_nat_gateways)),
        mock.patch.object(ElasticAddressBackend, "describe_addresses", _settling(ElasticAddressBackend.describe_addresses)),
        mock.patch.object(ElasticAddressBackend, "release_address", release_address),
        mock.patch.object(ElasticAddressBackend, "disassociate_address", disassociate_address),
    )


def _subnet_vpc(backend: Any, subnet_id: str) -> str | None:
    for subnets in backend.subnets.values():
        if subnet_id in subnets:
            return subnets[subnet_id].vpc_id
    return None


def users(backend: Any, *, vpc_id: str | None = None, subnet_id: str | None = None,
          group_id: str | None = None) -> list[str]:
    """Who still has network interfaces in this VPC, subnet or security group: live NAT gateways, load balancers,
    DB instances, awsvpc ECS services, then the owners whose interfaces linger after they were deleted."""
    from moto.ecs.models import ecs_backends
    from moto.elbv2.models import elbv2_backends
    from moto.rds.models import rds_backends

    def uses(vpcs: set, subnets: Any, groups: Any) -> bool:
        return bool((vpc_id and vpc_id in vpcs) or (subnet_id and subnet_id in subnets) or (group_id and group_id in groups))

    account, region = backend.account_id, backend.region_name
    settle(backend)
    found = [g.id for g in backend.nat_gateways.values() if g.state != "deleted" and uses({g.vpc_id}, {g.subnet_id}, ())]
    for lb in elbv2_backends[account][region].load_balancers.values():
        if uses({lb.vpc_id}, {s.id for s in lb.subnets}, lb.security_groups or ()):
            found.append(lb.name)
    for db in rds_backends[account][region].databases.values():
        subnet_group = getattr(db, "db_subnet_group", None)
        subnets = {s.id for s in subnet_group._subnets} if subnet_group else set()
        if uses({subnet_group.vpc_id} if subnet_group else set(), subnets, db.vpc_security_group_ids or ()):
            found.append(db.db_instance_identifier)
    for service in ecs_backends[account][region].services.values():
        awsvpc = (service.network_configuration or {}).get("awsvpcConfiguration") or {}
        if service.status in LIVE_ECS_SERVICE and awsvpc:
            subnets = set(awsvpc.get("subnets") or ())
            if uses({_subnet_vpc(backend, s) for s in subnets}, subnets, awsvpc.get("securityGroups") or ()):
                found.append(service.name)
    return found + realism.lingering(vpc_id=vpc_id, subnet_id=subnet_id, security_group_id=group_id)


def _referencing_groups(backend: Any, group_id: str) -> list[str]:
    """The other security groups whose rules name this group as their source or destination."""
    return [group.id for groups in backend.groups.values() for group in groups.values() if group.id != group_id
            and any(rule.source_group.get("GroupId") == group_id for rule in group.ingress_rules + group.egress_rules)]


def _mapped_public_addresses(backend: Any, vpc_id: str) -> bool:
    """Whether the VPC still maps public addresses: associated Elastic IPs, a public NAT gateway not yet deleted,
    an internet-facing load balancer, or the lingering interfaces of a deleted owner."""
    from moto.elbv2.models import elbv2_backends

    settle(backend)
    if any(eip.eni is not None and getattr(eip.eni.subnet, "vpc_id", None) == vpc_id for eip in backend.addresses):
        return True
    if any(g.vpc_id == vpc_id and g.state != "deleted" and g.connectivity_type != "private"
           for g in backend.nat_gateways.values()):
        return True
    if any(lb.vpc_id == vpc_id and lb.scheme == "internet-facing"
           for lb in elbv2_backends[backend.account_id][backend.region_name].load_balancers.values()):
        return True
    return bool(realism.lingering(vpc_id=vpc_id))


def _dependency_violations() -> list:
    """AWS: a security group, subnet or VPC that is still in use cannot be deleted (DependencyViolation), and an
    internet gateway cannot be detached while its VPC maps public addresses. In use means: a NAT gateway not yet
    deleted, a load balancer, a DB instance or an awsvpc ECS service has network interfaces there, another security
    group's rules reference the group, or the interfaces of a deleted owner still linger. A VPC also needs its
    internet gateway detached and its non-default security groups deleted first.
    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html,
    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteSecurityGroup.html,
    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteSubnet.html,
    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteVpc.html

    moto refuses only a VPC that still has subnets, route tables or a VPN gateway, and an attached internet gateway's
    deletion; it deletes everything else however much it is in use.
    """
    delete_group_original = SecurityGroupBackend.delete_security_group
    delete_subnet_original = SubnetBackend.delete_subnet
    delete_vpc_original = VPCBackend.delete_vpc
    detach_original = InternetGatewayBackend.detach_internet_gateway

    def delete_security_group(self: Any, name: str | None = None, group_id: str | None = None) -> None:
        group = self.get_security_group_by_name_or_id(group_id or name)
        if group is not None and not group.is_default:  # moto's DeleteVpc deletes the default group itself
            if users(self, group_id=group.id) or _referencing_groups(self, group.id):
                raise DependencyViolationError(f"resource {group.id} has a dependent object")
        return delete_group_original(self, name=name, group_id=group_id)

    def delete_subnet(self: Any, subnet_id: str) -> Any:
        if users(self, subnet_id=subnet_id):
            raise DependencyViolationError(f"The subnet '{subnet_id}' has dependencies and cannot be deleted.")
        return delete_subnet_original(self, subnet_id)

    def delete_vpc(self: Any, vpc_id: str) -> Any:
        attached = any(igw.vpc is not None and igw.vpc.id == vpc_id for igw in self.internet_gateways.values())
        groups = [g for g in self.groups.get(vpc_id, {}).values() if not g.is_default]
        if vpc_id in self.vpcs and (users(self, vpc_id=vpc_id) or attached or groups):
            raise DependencyViolationError(f"The vpc '{vpc_id}' has dependencies and cannot be deleted.")
        return delete_vpc_original(self, vpc_id)

    def detach_internet_gateway(self: Any, internet_gateway_id: str, vpc_id: str) -> None:
        igw = self.get_internet_gateway(internet_gateway_id)
        if igw.vpc is not None and igw.vpc.id == vpc_id and _mapped_public_addresses(self, vpc_id):
            raise DependencyViolationError(f"Network {vpc_id} has some mapped public address(es). "
                                           "Please unmap those public address(es) before detaching the gateway.")
        return detach_original(self, internet_gateway_id, vpc_id)

    return _started(
        mock.patch.object(SecurityGroupBackend, "delete_security_group", delete_security_group),
        mock.patch.object(SubnetBackend, "delete_subnet", delete_subnet),
        mock.patch.object(VPCBackend, "delete_vpc", delete_vpc),
        mock.patch.object(InternetGatewayBackend, "detach_internet_gateway", detach_internet_gateway),
    )


BEHAVIOURS: tuple[realism.Behaviour, ...] = (
    realism.Behaviour("nat_gateway_states", "NAT gateways are pending, then available; deleting, then deleted, "
                      "holding their Elastic IP until then", NAT_GATEWAY_DOC, _nat_gateway_states),
    realism.Behaviour("dependency_violations", "security groups, subnets and VPCs in use cannot be deleted, nor the "
                      "internet gateway detached while public addresses are mapped", DEPENDENCY_DOC, _dependency_violations),
)
