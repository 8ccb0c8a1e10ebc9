"""ECS in realistic mode: deployments that fail and roll back, services that drain, the service-linked role, and
the fields AWS returns that moto leaves out.

Deployments themselves come from the fidelity patch ``ecs_deployments_complete`` (tests/emulator/patches.py): a new
PRIMARY deployment on CreateService and on UpdateService with a new task definition or forceNewDeployment, COMPLETED
once duration('ecs_rollout') has passed. The behaviour ``ecs_deployments`` builds on it (it replaces the patch's hooks
``ecs_rollout_failure`` and ``settle_ecs_service``): a deployment whose tasks cannot start FAILS instead, and ECS
rolls back. States are computed from timestamps (``realism.now()``) whenever a service is read.
"""

from __future__ import annotations

from typing import Any
from unittest import mock

from moto.core.utils import utcnow
from moto.ecs.exceptions import ECSException, InvalidParameterException
from moto.ecs.models import Cluster, EC2ContainerServiceBackend, Service, TaskDefinition
from moto.ecs.responses import EC2ContainerServiceResponse
from moto.moto_api._internal import mock_random

from tests.emulator import patches, realism
from tests.emulator.patches import _started
from tests.emulator.realism import iam

CIRCUIT_BREAKER_DOC = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-circuit-breaker.html"
DELETE_SERVICE_DOC = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeleteService.html"
SERVICE_LINKED_ROLE_DOC = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using-service-linked-roles.html"
SERVICE_DOC = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Service.html"

CIRCUIT_BREAKER_FAILED = "ECS deployment circuit breaker: tasks failed to start."
ROLLING_BACK = "ECS deployment circuit breaker: rolling back to deploymentId {}."
TASKS_FAILED = "tasks failed to start"
ROLE_NOT_ASSUMED = ("ECS was unable to assume the role '{}' that was provided for this task. Please verify that the "
                    "role being passed has the proper trust relationship and permissions and that your IAM user has "
                    "permissions to pass this role.")
CLUSTER_CONTAINS_SERVICES = "The Cluster cannot be deleted while Services are active."
STILL_DRAINING = "Unable to Start a service that is still Draining."
NOT_ACTIVE = "Service was not ACTIVE."
LINKED_ROLE_NOT_ASSUMED = "Unable to assume the service linked role. Please verify that the ECS service linked role exists."
ECS_PRINCIPAL = "ecs.amazonaws.com"
ECS_LINKED_ROLE = "AWSServiceRoleForECS"
LIVE = ("ACTIVE", "DRAINING")


def add_event(service: Service, message: str) -> None:
    """A service event, newest first, as DescribeServices lists them (at most 100)."""
    event = {"id": str(mock_random.uuid4()), "createdAt": utcnow(), "message": f"(service {service.name}) {message}"}
    service.events.insert(0, event)
    del service.events[100:]


# -- ecs_deployments -------------------------------------------------------------------------------------------------

def _young_role(backend: EC2ContainerServiceBackend, task_definition: TaskDefinition) -> str | None:
    """The execution or task role of the task definition that IAM has not propagated yet, if any."""
    for arn in (getattr(task_definition, "execution_role_arn", None), getattr(task_definition, "task_role_arn", None)):
        age = iam.role_age(backend.account_id, arn, backend.partition) if arn else None
        if age is not None and age < realism.duration("iam_propagation"):
            return arn
    return None


def rollout_failure(backend: EC2ContainerServiceBackend, service: Service, deployment: dict) -> str | None:
    """Why the tasks of a deployment that starts now will not start: a test asked for it, or a role is too new."""
    asked = realism.take_rollout_failure(service.name)
    task_definition = deployment.get("taskDefinition")
    role = _young_role(backend, backend.describe_task_definition(task_definition)) if task_definition else None
    if role:
        add_event(service, f"failed to launch a task with (error {ROLE_NOT_ASSUMED.format(role)}).")
        return ROLE_NOT_ASSUMED.format(role)
    return TASKS_FAILED if asked else None


def _fail(service: Service, deployment: dict) -> None:
    """The tasks of a PRIMARY deployment did not start: with the circuit breaker the deployment FAILS, and with its
    rollback ECS deploys the last COMPLETED deployment's task definition again."""
    deployment.update(_failed=True, failedTasks=deployment["desiredCount"], runningCount=0, pendingCount=0)
    breaker = (getattr(service, "deployment_configuration", None) or {}).get("deploymentCircuitBreaker") or {}
    if not breaker.get("enable"):
        return  # without the circuit breaker ECS keeps trying: the deployment stays IN_PROGRESS
    deployment.update(rolloutState="FAILED", rolloutStateReason=CIRCUIT_BREAKER_FAILED, updatedAt=utcnow())
    add_event(service, f"(deployment {deployment['id']}) deployment failed: {TASKS_FAILED}.")
    previous = next((d for d in service.deployments if d["status"] == "ACTIVE" and d["rolloutState"] == "COMPLETED"), None)
    if not (breaker.get("rollback") and previous):
        return
    identifier = f"ecs-svc/{mock_random.randint(10**18, 10**19 - 1)}"
    running = previous["runningCount"]  # the old tasks still run: the rollback deployment takes them over
    rollback = {key: value for key, value in previous.items() if not key.startswith("_")}
    rollback.update(id=identifier, status="PRIMARY", desiredCount=service.desired_count, runningCount=running,
                    pendingCount=max(service.desired_count - running, 0), failedTasks=0, createdAt=utcnow(),
                    updatedAt=utcnow(), rolloutState="IN_PROGRESS", rolloutStateReason=ROLLING_BACK.format(previous["id"]))
    rollback[patches.ECS_STARTED] = deployment[patches.ECS_STARTED] + realism.duration("ecs_rollout")
    deployment["status"] = "ACTIVE"
    service.deployments[:] = [rollback, deployment]
    service.task_definition = previous["taskDefinition"]
    add_event(service, f"rolling back to deployment {previous['id']}.")


def _deployments() -> list:
    """AWS: a deployment whose tasks fail to start does not complete. With the deployment circuit breaker it turns
    FAILED ("ECS deployment circuit breaker: tasks failed to start.") and launches no more tasks; with its rollback,
    and a COMPLETED deployment before it, ECS starts a new PRIMARY deployment of that deployment's task definition
    ("ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/..."), the service's taskDefinition goes back
    to it, and the failed deployment stays ACTIVE until the rollback completes. Without the circuit breaker the
    deployment stays IN_PROGRESS. Tasks fail to start here when a test asked for it (``fail_rollouts``), or when the
    task definition's execution or task role is younger than duration('iam_propagation') at the deployment's start:
    the service event then reads "failed to launch a task with (error ECS was unable to assume the role ...)".
    https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-circuit-breaker.html,
    https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Deployment.html

    moto: every deployment stays IN_PROGRESS (the fidelity patch completes them all), none fails, no events.
    (Inferred: the old deployment's running tasks carry over to the rollback deployment, which replaces it.)
    """
    settle_original = patches.settle_ecs_service

    def settle(backend: EC2ContainerServiceBackend, service: Service) -> None:
        if service.status == "ACTIVE":
            with realism.STATE.lock:
                for deployment in list(service.deployments):
                    if (deployment["status"] == "PRIMARY" and deployment.get(patches.ECS_FAILS)
                            and deployment["rolloutState"] == "IN_PROGRESS" and not deployment.get("_failed")
                            and realism.elapsed(deployment[patches.ECS_STARTED], "ecs_rollout")):
                        _fail(service, deployment)
        settle_original(backend, service)

    return _started(
        mock.patch.object(patches, "ecs_rollout_failure", rollout_failure),
        mock.patch.object(patches, "settle_ecs_service", settle),
    )


# -- ecs_scaling -----------------------------------------------------------------------------------------------------

SCALING_DOC = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-configure-auto-scaling.html"
SCALE_SINCE, SCALE_FROM = "_scale_since", "_scale_from"


def _scaling() -> list:
    """AWS: a new desiredCount without a new deployment changes the PRIMARY deployment's desiredCount at once; its
    tasks start (PENDING, then RUNNING) or stop over the next minute or so, and the service then reports "has
    reached a steady state." The deployment stays COMPLETED. Here runningCount stays at what ran before until
    duration('ecs_scaling') has passed; the missing tasks are PENDING meanwhile.
    https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html,
    https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-event-messages-list.html

    moto (with the fidelity patch): the count is reached at once.
    (Inferred: one duration for starting and for stopping tasks.)
    """
    update_original = EC2ContainerServiceBackend.update_service
    settle_original = patches.settle_ecs_service

    def update_service(self: EC2ContainerServiceBackend, service_properties: dict[str, Any]) -> Service:
        current = self._get_service(service_properties.get("cluster", "default"), service_properties["service"].split("/")[-1])
        patches.settle_ecs_service(self, current)
        primary = next((d for d in current.deployments if d["status"] == "PRIMARY"), None)
        running, before = current.running_count, current.desired_count
        service = update_original(self, service_properties)
        after = next((d for d in service.deployments if d["status"] == "PRIMARY"), None)
        if primary is not None and after is primary and service.desired_count != before and primary["rolloutState"] == "COMPLETED":
            primary[SCALE_SINCE], primary[SCALE_FROM] = realism.now(), running
            patches.settle_ecs_service(self, service)
        return service

    def settle(backend: EC2ContainerServiceBackend, service: Service) -> None:
        settle_original(backend, service)
        primary = next((d for d in service.deployments if d["status"] == "PRIMARY"), None)
        if service.status != "ACTIVE" or primary is None or SCALE_SINCE not in primary:
            return
        with realism.STATE.lock:
            if realism.elapsed(primary[SCALE_SINCE], "ecs_scaling"):
                del primary[SCALE_SINCE], primary[SCALE_FROM]
                add_event(service, "has reached a steady state.")
                return
            running = min(primary[SCALE_FROM], service.desired_count) if service.desired_count > primary[SCALE_FROM] \
                else primary[SCALE_FROM]
            primary.update(runningCount=running, pendingCount=max(service.desired_count - running, 0))
            patches._ecs_set_counts(backend, service, running, primary["pendingCount"])

    return _started(
        mock.patch.object(EC2ContainerServiceBackend, "update_service", update_service),
        mock.patch.object(patches, "settle_ecs_service", settle),
    )


# -- ecs_service_draining --------------------------------------------------------------------------------------------

def service_status(service: Service) -> str:
    """DRAINING for duration('ecs_draining') after DeleteService, then what moto set (INACTIVE)."""
    since = service.__dict__.get("_realism_draining")
    if since is not None and not realism.elapsed(since, "ecs_draining"):
        return "DRAINING"
    return service.__dict__.get("_realism_status", service.__dict__.get("status", "ACTIVE"))


def _set_service_status(service: Service, value: str) -> None:
    service.__dict__["_realism_status"] = value


def _subnet_vpc(backend: EC2ContainerServiceBackend, subnet_ids: list[str]) -> str | None:
    from moto.ec2.models import ec2_backends

    try:
        return ec2_backends[backend.account_id][backend.region_name].get_subnet(subnet_ids[0]).vpc_id
    except Exception:  # an unknown subnet: moto validated it at create time, or it is gone
        return None


def _service_draining() -> list:
    """AWS: a deleted service is DRAINING until its tasks have stopped, then INACTIVE; its tasks' network interfaces
    linger a while after that. While it drains, CreateService of that name fails with InvalidParameterException
    ("Unable to Start a service that is still Draining."); UpdateService of a service that is not ACTIVE fails with
    ServiceNotActiveException ("Service was not ACTIVE."); DeleteCluster fails with ClusterContainsServicesException
    ("The Cluster cannot be deleted while Services are active.") while the cluster has an ACTIVE or DRAINING service.
    https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeleteService.html,
    https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeleteCluster.html,
    https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html

    moto: INACTIVE at once; it updates inactive services, and deletes a cluster whatever services it has.
    """
    delete_original = EC2ContainerServiceBackend.delete_service
    create_original = EC2ContainerServiceBackend.create_service
    update_original = EC2ContainerServiceBackend.update_service
    delete_cluster_original = EC2ContainerServiceBackend.delete_cluster

    def delete_service(self: EC2ContainerServiceBackend, cluster_name: str, service_name: str, force: bool) -> Service:
        before = self._get_service(cluster_name, service_name)
        patches.settle_ecs_service(self, before)
        running = before.status == "ACTIVE" and before.running_count + before.pending_count > 0
        service = delete_original(self, cluster_name, service_name, force)
        if running:
            service._realism_draining = realism.now()
            awsvpc = (service.network_configuration or {}).get("awsvpcConfiguration") or {}
            subnets = list(awsvpc.get("subnets") or [])
            realism.linger(service.name, vpc_id=_subnet_vpc(self, subnets) if subnets else None, subnet_ids=subnets,
                           security_group_ids=awsvpc.get("securityGroups") or [],
                           since=realism.now() + realism.duration("ecs_draining"))
        return service

    def create_service(self: EC2ContainerServiceBackend, cluster_str: str, service_name: str, *args: Any,
                       **kwargs: Any) -> Service:
        existing = self.services.get(f"{self._get_cluster(cluster_str).name}:{service_name}")
        if existing is not None and existing.status == "DRAINING":
            raise InvalidParameterException(STILL_DRAINING)
        return create_original(self, cluster_str, service_name, *args, **kwargs)

    def update_service(self: EC2ContainerServiceBackend, service_properties: dict[str, Any]) -> Service:
        service = self._get_service(service_properties.get("cluster", "default"), service_properties["service"].split("/")[-1])
        if service.status != "ACTIVE":
            raise ECSException("ServiceNotActiveException", NOT_ACTIVE)
        return update_original(self, service_properties)

    def delete_cluster(self: EC2ContainerServiceBackend, cluster_str: str) -> Cluster:
        cluster = self._get_cluster(cluster_str)
        if any(s.cluster_name == cluster.name and s.status in LIVE for s in self.services.values()):
            raise ECSException("ClusterContainsServicesException", CLUSTER_CONTAINS_SERVICES)
        return delete_cluster_original(self, cluster_str)

    return _started(
        mock.patch.object(Service, "status", property(service_status, _set_service_status), create=True),
        mock.patch.object(EC2ContainerServiceBackend, "delete_service", delete_service),
        mock.patch.object(EC2ContainerServiceBackend, "create_service", create_service),
        mock.patch.object(EC2ContainerServiceBackend, "update_service", update_service),
        mock.patch.object(EC2ContainerServiceBackend, "delete_cluster", delete_cluster),
    )


# -- ecs_service_linked_role -----------------------------------------------------------------------------------------

def _service_linked_role() -> list:
    """AWS: ECS creates its service-linked role AWSServiceRoleForECS on first use. CreateCluster with capacity
    providers fails with InvalidParameterException ("Unable to assume the service linked role. Please verify that
    the ECS service linked role exists.") until that role exists and IAM has propagated it; a retry a few seconds
    later works. https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using-service-linked-roles.html

    moto creates the cluster and no role. Here a missing role is created (as AWS does), and the call fails while
    the role is younger than duration('ecs_service_linked_role').
    """
    original = EC2ContainerServiceBackend.create_cluster

    def create_cluster(self: EC2ContainerServiceBackend, cluster_name: str, tags: Any = None, cluster_settings: Any = None,
                       configuration: Any = None, capacity_providers: Any = None,
                       default_capacity_provider_strategy: Any = None, **kwargs: Any) -> Cluster:
        if capacity_providers or default_capacity_provider_strategy:
            role = iam.service_linked_role(self.account_id, ECS_PRINCIPAL, self.partition)
            if role is None:
                iam.create_service_linked_role(self.account_id, ECS_PRINCIPAL, ECS_LINKED_ROLE,
                                               "Role to enable Amazon ECS to manage your cluster.", self.partition)
                raise InvalidParameterException(LINKED_ROLE_NOT_ASSUMED)
            if realism.now() - iam.created(role) < realism.duration("ecs_service_linked_role"):
                raise InvalidParameterException(LINKED_ROLE_NOT_ASSUMED)
        return original(self, cluster_name, tags, cluster_settings, configuration, capacity_providers,
                        default_capacity_provider_strategy, **kwargs)

    return _started(mock.patch.object(EC2ContainerServiceBackend, "create_cluster", create_cluster))


# -- ecs_response_fields ---------------------------------------------------------------------------------------------

# DeploymentConfiguration of a rolling-update REPLICA service, with the defaults the ECS API reference documents.
DEPLOYMENT_DEFAULTS = {"maximumPercent": 200, "minimumHealthyPercent": 100, "strategy": "ROLLING"}
CIRCUIT_BREAKER_DEFAULTS = {"enable": False, "rollback": False, "resetOnHealthyTask": True,
                            "thresholdConfiguration": {"type": "BOUNDED_PERCENT", "value": 50}}


def complete_fields(service: Service) -> None:
    """Fill in what DescribeServices returns on AWS and moto leaves out (see _response_fields)."""
    if service.launch_type == "FARGATE":
        service.platform_family = service.__dict__.get("platform_family") or "Linux"
        for deployment in service.deployments:
            if deployment.get("platformFamily") in (None, "FARGATE"):
                deployment["platformFamily"] = service.platform_family
    if service.scheduling_strategy == "REPLICA" and (service.deployment_controller or {}).get("type", "ECS") == "ECS":
        configuration = {**DEPLOYMENT_DEFAULTS, **(getattr(service, "deployment_configuration", None) or {})}
        configuration["deploymentCircuitBreaker"] = {**CIRCUIT_BREAKER_DEFAULTS,
                                                     **(configuration.get("deploymentCircuitBreaker") or {})}
        service.deployment_configuration = configuration


def _response_fields() -> list:
    """AWS returns fields that moto leaves out, with their documented defaults:
    - DescribeTaskDefinition / RegisterTaskDefinition: ``enableFaultInjection`` false unless set.
    - DescribeServices (and the service in Create/Update/DeleteService answers): ``platformFamily`` for Fargate
      (``Linux``; moto reports ``FARGATE`` in deployments), ``availabilityZoneRebalancing`` (ENABLED for a service
      created without it; UpdateService keeps it), and a rolling-update service's ``deploymentConfiguration`` with
      ``strategy`` ROLLING, maximumPercent 200, minimumHealthyPercent 100 and the circuit breaker's defaults
      (enable/rollback false, resetOnHealthyTask true, thresholdConfiguration BOUNDED_PERCENT 50).
      ``deploymentController`` {type: ECS} moto returns already.
    https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Service.html,
    https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentConfiguration.html,
    https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentCircuitBreaker.html,
    https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_TaskDefinition.html

    Inferred from the documented defaults (botocore's model of ECS), not from a recorded AWS answer: that AWS returns
    resetOnHealthyTask and thresholdConfiguration when they were never set, that ``Linux`` is the platform family
    of a Fargate service without a runtimePlatform, and that availabilityZoneRebalancing is ENABLED only for REPLICA
    services (the docs: when the service is compatible).
    """
    register_original = EC2ContainerServiceResponse.register_task_definition
    create_original = EC2ContainerServiceResponse.create_service
    backend_methods = {name: getattr(EC2ContainerServiceBackend, name)
                       for name in ("create_service", "update_service", "describe_services", "delete_service")}

    def register_task_definition(self: EC2ContainerServiceResponse) -> Any:
        result = register_original(self)
        result.result["taskDefinition"].enable_fault_injection = bool(self._get_param("enableFaultInjection"))
        return result

    def create_service(self: EC2ContainerServiceResponse) -> Any:
        result = create_original(self)
        service = result.result["service"]
        given = self._get_param("availabilityZoneRebalancing")
        if given or service.scheduling_strategy == "REPLICA":
            service.availability_zone_rebalancing = given or "ENABLED"
        complete_fields(service)  # again: the fidelity patch sets the given deploymentConfiguration after the backend
        return result

    def completing(name: str) -> Any:
        method = backend_methods[name]

        def wrapper(self: EC2ContainerServiceBackend, *args: Any, **kwargs: Any) -> Any:
            result = method(self, *args, **kwargs)
            for service in result[0] if name == "describe_services" else [result]:
                complete_fields(service)
            return result

        return wrapper

    return _started(
        mock.patch.object(TaskDefinition, "enable_fault_injection", False, create=True),
        mock.patch.object(EC2ContainerServiceResponse, "register_task_definition", register_task_definition),
        mock.patch.object(EC2ContainerServiceResponse, "create_service", create_service),
        *(mock.patch.object(EC2ContainerServiceBackend, name, completing(name)) for name in backend_methods),
    )


BEHAVIOURS: tuple[realism.Behaviour, ...] = (
    realism.Behaviour("ecs_deployments", "a deployment whose tasks fail to start FAILS and rolls back (circuit "
                      "breaker); new IAM roles fail tasks until propagated", CIRCUIT_BREAKER_DOC, _deployments),
    realism.Behaviour("ecs_scaling", "a new desired count is reached after a while, its tasks pending meanwhile, then "
                      "the service reaches a steady state", SCALING_DOC, _scaling),
    realism.Behaviour("ecs_service_draining", "a deleted service is DRAINING, holding its name and its cluster, "
                      "then INACTIVE", DELETE_SERVICE_DOC, _service_draining),
    realism.Behaviour("ecs_service_linked_role", "CreateCluster with capacity providers fails until "
                      "AWSServiceRoleForECS exists and has propagated", SERVICE_LINKED_ROLE_DOC, _service_linked_role),
    realism.Behaviour("ecs_response_fields", "task definitions and services carry the fields AWS returns with their "
                      "defaults (enableFaultInjection, platformFamily, availabilityZoneRebalancing, deployment "
                      "strategy and circuit breaker)", SERVICE_DOC, _response_fields),
)
