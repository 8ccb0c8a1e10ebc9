"""RDS in realistic mode: a DB instance passes through AWS's transitional states, computed from timestamps.

moto creates an instance ``available`` with its endpoint, applies a modification at once, and forgets a deleted
instance at once. On AWS it is ``creating`` (without an endpoint) for minutes, then ``backing-up``; a modification
applied immediately makes it ``modifying``; a deleted one is ``deleting`` for minutes and still holds its subnet group
and its network interfaces.

A state is computed when it is read, from when its transition started (``realism.now()``) and the durations of
``realism.REAL_DURATIONS``; ``realism.advance`` moves every instance on. An instance whose deletion is over leaves
moto's ``databases`` at the next RDS request (until then the EC2 dependency checks still see it).
"""

from __future__ import annotations

from typing import Any
from unittest import mock

from moto.rds.exceptions import InvalidDBInstanceStateFault, RDSClientError
from moto.rds.models import DBInstance, RDSBackend

from tests.emulator import realism
from tests.emulator.patches import _started

STATUS_DOC = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/accessing-monitoring.html#Overview.DBInstance.Status"
MODIFY_DOC = "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBInstance.html"
DELETE_SUBNET_GROUP_DOC = "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBSubnetGroup.html"

NOT_AVAILABLE = "Database instance is not in available state."
# ModifyDBInstance parameters that change nothing about the instance by themselves.
NOT_A_CHANGE = {"db_instance_identifier", "apply_immediately", "allow_major_version_upgrade", "master_user_password",
                "deletion_protection"}
# A timeline: (since, [(state, duration name), ...], the state after the last step).
Timeline = tuple[float, list[tuple[str, str]], str]


def _set_timeline(instance: DBInstance, steps: list[tuple[str, str]], final: str) -> None:
    instance.__dict__["_realism_timeline"] = (realism.now(), steps, final)


def status(instance: DBInstance) -> str:
    """The instance's status now: where its timeline has got to, else what moto last set."""
    timeline: Timeline | None = instance.__dict__.get("_realism_timeline")
    if timeline is None:
        return instance.__dict__.get("_realism_status", instance.__dict__.get("status", "available"))
    since, steps, final = timeline
    spent = realism.now() - since
    for state, name in steps:
        if spent < realism.duration(name):
            return state
        spent -= realism.duration(name)
    return final


def _set_status(instance: DBInstance, value: str) -> None:
    """moto setting a status (stop, start, ...) ends any timeline."""
    instance.__dict__["_realism_status"] = value
    instance.__dict__.pop("_realism_timeline", None)


def _endpoint(original: property) -> property:
    def endpoint(instance: DBInstance) -> dict[str, Any] | None:
        return None if status(instance) == "creating" else original.fget(instance)

    return property(endpoint)


def purge(backend: RDSBackend) -> None:
    """Forget the instances whose deletion is over: DescribeDBInstances answers DBInstanceNotFound for them."""
    for identifier, instance in list(backend.databases.items()):
        if status(instance) == "deleted":
            del backend.databases[identifier]


def _current(instance: DBInstance, key: str) -> Any:
    try:
        return getattr(instance, key, None)
    except NotImplementedError:  # moto's write-only properties, such as db_subnet_group_name
        return None


def _changes(instance: DBInstance, db_kwargs: dict[str, Any]) -> bool:
    return any(value is not None and _current(instance, key) != value
               for key, value in db_kwargs.items() if key not in NOT_A_CHANGE)


def _subnet_group(instance: DBInstance) -> Any:
    return getattr(instance, "db_subnet_group", None)


def _instance_states() -> list:
    """AWS: CreateDBInstance answers ``creating``, without ``Endpoint``, for minutes (amazon.aws.rds_instance fails
    with KeyError 'Endpoint' on such an instance), then ``backing-up`` (the first automated backup), then
    ``available``. ModifyDBInstance of an instance that is creating or deleting fails with InvalidDBInstanceState
    ("Database instance is not in available state."); with ApplyImmediately a change makes it ``modifying``, a new
    master password ``resetting-master-credentials``. DeleteDBInstance: ``deleting`` for minutes, then
    DBInstanceNotFound; a second DeleteDBInstance meanwhile fails ("Instance X is already being deleted."), and the
    instance's network interfaces linger after it is gone. DeleteDBSubnetGroup of a group that an instance (even a
    deleting one) uses fails with InvalidDBSubnetGroupStateFault.
    https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/accessing-monitoring.html#Overview.DBInstance.Status,
    https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBInstance.html,
    https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBSubnetGroup.html

    moto: ``available`` with an endpoint at once, modifications without a state, deletion at once, and a subnet
    group can be deleted while in use. (Inferred: a DeletionProtection change alone does not make the instance
    ``modifying``; a modification without ApplyImmediately stays pending and changes no state.)
    """
    create_original = RDSBackend.create_db_instance
    describe_original = RDSBackend.describe_db_instances
    modify_original = RDSBackend.modify_db_instance
    delete_original = RDSBackend.delete_db_instance
    delete_group_original = RDSBackend.delete_subnet_group

    def create_db_instance(self: RDSBackend, db_kwargs: dict[str, Any]) -> DBInstance:
        purge(self)
        instance = create_original(self, db_kwargs)
        _set_timeline(instance, [("creating", "rds_creating"), ("backing-up", "rds_backing_up")], "available")
        return instance

    def describe_db_instances(self: RDSBackend, *args: Any, **kwargs: Any) -> list[DBInstance]:
        purge(self)
        return describe_original(self, *args, **kwargs)

    def modify_db_instance(self: RDSBackend, db_instance_identifier: str, db_kwargs: dict[str, Any]) -> DBInstance:
        instance = self.describe_db_instances(db_instance_identifier)[0]
        if status(instance) in ("creating", "deleting"):
            raise InvalidDBInstanceStateFault(NOT_AVAILABLE)
        changes = _changes(instance, db_kwargs)
        instance = modify_original(self, db_instance_identifier, db_kwargs)
        if db_kwargs.get("master_user_password"):
            _set_timeline(instance, [("resetting-master-credentials", "rds_modifying")], "available")
        elif db_kwargs.get("apply_immediately") and changes:
            _set_timeline(instance, [("modifying", "rds_modifying")], "available")
        return instance

    def delete_db_instance(self: RDSBackend, *args: Any, **kwargs: Any) -> DBInstance:
        purge(self)
        identifier = kwargs.get("db_instance_identifier") or args[0]
        if identifier in self.databases and status(self.databases[identifier]) == "deleting":
            raise InvalidDBInstanceStateFault(f"Instance {identifier} is already being deleted.")
        instance = delete_original(self, *args, **kwargs)
        self.databases[identifier] = instance  # moto forgets it at once; AWS shows it deleting
        _set_timeline(instance, [("deleting", "rds_deleting")], "deleted")
        group = _subnet_group(instance)
        realism.linger(identifier, vpc_id=getattr(group, "vpc_id", None),
                       subnet_ids=[subnet.id for subnet in getattr(group, "_subnets", [])],
                       security_group_ids=instance.vpc_security_group_ids or [],
                       since=realism.now() + realism.duration("rds_deleting"))
        return instance

    def delete_subnet_group(self: RDSBackend, subnet_name: str) -> Any:
        purge(self)
        users = [i.db_instance_identifier for i in self.databases.values()
                 if getattr(_subnet_group(i), "name", None) == subnet_name.lower()]
        if users:
            raise RDSClientError("InvalidDBSubnetGroupStateFault", f"Cannot delete the subnet group '{subnet_name}' "
                                 f"because at least one database instance: {users[0]} is still using it.")
        return delete_group_original(self, subnet_name)

    return _started(
        mock.patch.object(DBInstance, "status", property(status, _set_status), create=True),
        mock.patch.object(DBInstance, "endpoint", _endpoint(DBInstance.endpoint)),
        mock.patch.object(RDSBackend, "create_db_instance", create_db_instance),
        mock.patch.object(RDSBackend, "describe_db_instances", describe_db_instances),
        mock.patch.object(RDSBackend, "modify_db_instance", modify_db_instance),
        mock.patch.object(RDSBackend, "delete_db_instance", delete_db_instance),
        mock.patch.object(RDSBackend, "delete_subnet_group", delete_subnet_group),
    )


BEHAVIOURS: tuple[realism.Behaviour, ...] = (
    realism.Behaviour("rds_instance_states", "DB instances are creating (no endpoint), backing-up, modifying, "
                      "deleting; their subnet group stays in use until they are gone", STATUS_DOC, _instance_states),
)
