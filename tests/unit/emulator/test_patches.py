"""Each fidelity patch restores an AWS behaviour. Every test runs twice: with the patch the emulator behaves
like AWS; without it, like unpatched moto. The second half proves the first would fail without the patch, and
fails itself once moto fixes the behaviour, so that the patch can be removed."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from moto import mock_aws

from tests.unit.emulator.conftest import isolate_aws
from tests.emulator import patches

REGION = "us-east-1"
EXECUTION_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"


@pytest.fixture(params=[True, False], ids=["patched", "moto"])
def patched(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[bool]:
    isolate_aws(monkeypatch)
    started = patches.apply() if request.param else []
    try:
        with mock_aws():
            yield request.param
    finally:
        patches.revert(started)


def create_postgres(rds, **overrides) -> dict:
    params = dict(
        DBInstanceIdentifier="db",
        Engine="postgres",
        EngineVersion="15.10",
        DBInstanceClass="db.t3.micro",
        AllocatedStorage=20,
        StorageType="gp3",
        MasterUsername="hasura",
        MasterUserPassword="not-a-real-password",
    )
    params.update(overrides)
    return rds.create_db_instance(**params)["DBInstance"]


def test_iam_managed_policies_exist(patched: bool) -> None:
    iam = boto3.client("iam", region_name=REGION)
    if patched:
        assert iam.get_policy(PolicyArn=EXECUTION_POLICY)["Policy"]["PolicyName"] == "AmazonECSTaskExecutionRolePolicy"
    else:
        with pytest.raises(ClientError, match="NoSuchEntity"):
            iam.get_policy(PolicyArn=EXECUTION_POLICY)


def test_adjacent_backup_and_maintenance_windows(patched: bool) -> None:
    rds = boto3.client("rds", region_name=REGION)
    windows = dict(PreferredBackupWindow="03:00-04:00", PreferredMaintenanceWindow="mon:04:00-mon:05:00")
    if patched:
        instance = create_postgres(rds, **windows)
        assert instance["PreferredBackupWindow"] == "03:00-04:00"
        assert instance["PreferredMaintenanceWindow"] == "mon:04:00-mon:05:00"
        modified = rds.modify_db_instance(DBInstanceIdentifier="db", ApplyImmediately=True, **windows)["DBInstance"]
        assert modified["PreferredMaintenanceWindow"] == "mon:04:00-mon:05:00"
    else:
        with pytest.raises(ClientError, match="must not overlap"):
            create_postgres(rds, **windows)


def test_overlapping_windows_still_rejected(patched: bool) -> None:
    rds = boto3.client("rds", region_name=REGION)
    with pytest.raises(ClientError, match="must not overlap"):
        create_postgres(rds, PreferredBackupWindow="03:30-04:30", PreferredMaintenanceWindow="mon:04:00-mon:05:00")


def test_gp3_reports_baseline_iops_and_throughput(patched: bool) -> None:
    rds = boto3.client("rds", region_name=REGION)
    create_postgres(rds)
    described = rds.describe_db_instances(DBInstanceIdentifier="db")["DBInstances"][0]
    if patched:
        assert (described["Iops"], described["StorageThroughput"]) == (3000, 125)
    else:
        assert "Iops" not in described
        assert "StorageThroughput" not in described


def test_baseline_only_for_gp3_under_400_gb(patched: bool) -> None:
    rds = boto3.client("rds", region_name=REGION)
    create_postgres(rds, DBInstanceIdentifier="gp2", StorageType="gp2")
    create_postgres(rds, DBInstanceIdentifier="big", AllocatedStorage=500, Iops=12000, StorageThroughput=500)
    gp2 = rds.describe_db_instances(DBInstanceIdentifier="gp2")["DBInstances"][0]
    big = rds.describe_db_instances(DBInstanceIdentifier="big")["DBInstances"][0]
    assert "Iops" not in gp2
    assert (big["Iops"], big["StorageThroughput"]) == (12000, 500)


def test_deleted_nat_gateway_frees_its_eip(patched: bool) -> None:
    ec2 = boto3.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24")["Subnet"]["SubnetId"]
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    gateway = ec2.create_nat_gateway(SubnetId=subnet, AllocationId=allocation)["NatGateway"]["NatGatewayId"]
    assert ec2.describe_addresses(AllocationIds=[allocation])["Addresses"][0].get("AssociationId")
    ec2.delete_nat_gateway(NatGatewayId=gateway)
    association = ec2.describe_addresses(AllocationIds=[allocation])["Addresses"][0].get("AssociationId")
    if patched:
        assert association is None
        ec2.release_address(AllocationId=allocation)
        assert ec2.describe_addresses()["Addresses"] == []
    else:
        assert association is not None


def test_nat_gateways_filter_by_tags(patched: bool) -> None:
    ec2 = boto3.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24")["Subnet"]["SubnetId"]
    for env in ("dev", "prod"):
        allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
        ec2.create_nat_gateway(SubnetId=subnet, AllocationId=allocation, TagSpecifications=[
            {"ResourceType": "natgateway", "Tags": [{"Key": "Environment", "Value": env}]}])
    found = ec2.describe_nat_gateways(Filter=[{"Name": "tag:Environment", "Values": ["dev"]}])["NatGateways"]
    tagged = ec2.describe_nat_gateways(Filter=[{"Name": "tag-key", "Values": ["Environment"]}])["NatGateways"]
    assert len(tagged) == 2
    if patched:
        assert [t["Value"] for g in found for t in g["Tags"]] == ["dev"]
    else:
        assert len(found) == 2


def test_alb_reports_default_attributes(patched: bool) -> None:
    ec2 = boto3.client("ec2", region_name=REGION)
    elbv2 = boto3.client("elbv2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{REGION}{az}")["Subnet"]["SubnetId"]
               for i, az in enumerate("ab")]
    arn = elbv2.create_load_balancer(Name="alb", Subnets=subnets)["LoadBalancers"][0]["LoadBalancerArn"]
    attributes = {a["Key"]: a["Value"] for a in elbv2.describe_load_balancer_attributes(LoadBalancerArn=arn)["Attributes"]}
    if patched:
        assert attributes["routing.http.drop_invalid_header_fields.enabled"] == "false"
        assert attributes["load_balancing.cross_zone.enabled"] == "true"
        assert attributes["idle_timeout.timeout_seconds"] == "60"
        elbv2.modify_load_balancer_attributes(LoadBalancerArn=arn, Attributes=[
            {"Key": "routing.http.drop_invalid_header_fields.enabled", "Value": "true"}])
        attributes = {a["Key"]: a["Value"] for a in elbv2.describe_load_balancer_attributes(LoadBalancerArn=arn)["Attributes"]}
        assert attributes["routing.http.drop_invalid_header_fields.enabled"] == "true"
    else:
        assert "routing.http.drop_invalid_header_fields.enabled" not in attributes
        assert attributes["load_balancing.cross_zone.enabled"] == "false"


def test_alb_access_logs_need_a_bucket_that_lets_elb_write(patched: bool) -> None:
    ec2, elbv2 = (boto3.client(service, region_name=REGION) for service in ("ec2", "elbv2"))
    # moto in process answers S3's virtual-hosted addresses 404 (the roles reach the server, where both work).
    s3 = boto3.client("s3", region_name=REGION, config=Config(s3={"addressing_style": "path"}))
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{REGION}{az}")["Subnet"]["SubnetId"]
               for i, az in enumerate("ab")]
    arn = elbv2.create_load_balancer(Name="alb", Subnets=subnets)["LoadBalancers"][0]["LoadBalancerArn"]
    account = boto3.client("sts", region_name=REGION).get_caller_identity()["Account"]

    def turn_on(bucket: str) -> None:
        elbv2.modify_load_balancer_attributes(LoadBalancerArn=arn, Attributes=[
            {"Key": "access_logs.s3.enabled", "Value": "true"}, {"Key": "access_logs.s3.bucket", "Value": bucket},
            {"Key": "access_logs.s3.prefix", "Value": "alb"}])

    s3.create_bucket(Bucket="logs")
    writer = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{patches.ELB_LOG_ACCOUNTS[REGION]}:root"},
              "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::logs/alb/AWSLogs/{account}/*"}
    if patched:
        for bucket, policy in (("missing", None), ("logs", None), ("logs", {**writer, "Resource": "arn:aws:s3:::logs/other/*"}),
                               ("logs", {**writer, "Principal": {"AWS": "arn:aws:iam::111122223333:root"}})):
            if policy:
                s3.put_bucket_policy(Bucket="logs", Policy=json.dumps({"Version": "2012-10-17", "Statement": [policy]}))
            with pytest.raises(ClientError) as refused:
                turn_on(bucket)
            assert refused.value.response["Error"]["Code"] == "InvalidConfigurationRequest"
            assert bucket in refused.value.response["Error"]["Message"]
    else:
        turn_on("missing")  # moto accepts a bucket that does not exist
    for principal in ({"AWS": f"arn:aws:iam::{patches.ELB_LOG_ACCOUNTS[REGION]}:root"}, {"Service": patches.ELB_LOG_SERVICE}):
        s3.put_bucket_policy(Bucket="logs", Policy=json.dumps({"Version": "2012-10-17", "Statement": [{**writer, "Principal": principal}]}))
        turn_on("logs")
    attributes = {a["Key"]: a["Value"] for a in elbv2.describe_load_balancer_attributes(LoadBalancerArn=arn)["Attributes"]}
    assert attributes["access_logs.s3.enabled"] == "true" and attributes["access_logs.s3.bucket"] == "logs"


@pytest.mark.parametrize(("method", "query", "aws", "moto"), [
    ("HEAD", {}, "ListBucket", "HeadBucket"),
    ("GET", {"encryption": [""]}, "GetEncryptionConfiguration", "ListBucket"),
    ("PUT", {"ownershipControls": [""]}, "PutBucketOwnershipControls", "CreateBucket"),
    ("PUT", {"publicAccessBlock": [""]}, "PutBucketPublicAccessBlock", "CreateBucket"),
    ("GET", {"tagging": [""]}, "GetBucketTagging", "GetBucketTagging"),  # already right: left alone
])
def test_s3_bucket_requests_are_authorized_with_the_iam_action(
        patched: bool, method: str, query: dict, aws: str, moto: str) -> None:
    from moto.s3.responses import S3Response

    response = S3Response.__new__(S3Response)
    response.data = {}
    response._set_action("BUCKET", method, query)  # pylint: disable=protected-access
    assert response.data["Action"] == (aws if patched else moto)


def test_a_tls_only_bucket_policy_lets_sdk_requests_through(patched: bool) -> None:
    s3 = boto3.client("s3", region_name=REGION, config=Config(s3={"addressing_style": "path"}))
    s3.create_bucket(Bucket="logs")
    tls_only = {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": ["arn:aws:s3:::logs", "arn:aws:s3:::logs/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
    s3.put_bucket_policy(Bucket="logs", Policy=json.dumps({"Version": "2012-10-17", "Statement": [tls_only]}))
    if patched:
        s3.put_object(Bucket="logs", Key="a", Body=b"x")
        assert s3.get_object(Bucket="logs", Key="a")["Body"].read() == b"x"
    else:
        with pytest.raises(ClientError) as denied:
            s3.put_object(Bucket="logs", Key="a", Body=b"x")
        assert denied.value.response["Error"]["Code"] in ("403", "AccessDenied")
    # A denial without that condition still denies.
    everyone = {**tls_only, "Condition": {}}
    del everyone["Condition"]
    s3.put_bucket_policy(Bucket="logs", Policy=json.dumps({"Version": "2012-10-17", "Statement": [everyone]}))
    with pytest.raises(ClientError):
        s3.put_object(Bucket="logs", Key="b", Body=b"x")


def test_wafv2_lists_the_load_balancers_a_web_acl_protects(patched: bool) -> None:
    ec2, elbv2, wafv2 = (boto3.client(service, region_name=REGION) for service in ("ec2", "elbv2", "wafv2"))
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{REGION}{az}")["Subnet"]["SubnetId"]
               for i, az in enumerate("ab")]
    alb = elbv2.create_load_balancer(Name="alb", Subnets=subnets)["LoadBalancers"][0]["LoadBalancerArn"]
    visibility = {"SampledRequestsEnabled": False, "CloudWatchMetricsEnabled": False, "MetricName": "acl"}
    acl = wafv2.create_web_acl(Name="acl", Scope="REGIONAL", DefaultAction={"Allow": {}}, VisibilityConfig=visibility)["Summary"]
    wafv2.associate_web_acl(WebACLArn=acl["ARN"], ResourceArn=alb)
    if not patched:
        with pytest.raises(Exception):  # moto: not implemented
            wafv2.list_resources_for_web_acl(WebACLArn=acl["ARN"])
        return
    assert wafv2.list_resources_for_web_acl(WebACLArn=acl["ARN"])["ResourceArns"] == [alb]
    with pytest.raises(ClientError) as refused:
        wafv2.delete_web_acl(Name="acl", Scope="REGIONAL", Id=acl["Id"], LockToken=acl["LockToken"])
    assert refused.value.response["Error"]["Code"] == "WAFAssociatedItemException"
    elbv2.delete_load_balancer(LoadBalancerArn=alb)
    assert wafv2.list_resources_for_web_acl(WebACLArn=acl["ARN"])["ResourceArns"] == []
    wafv2.delete_web_acl(Name="acl", Scope="REGIONAL", Id=acl["Id"], LockToken=acl["LockToken"])


def test_the_caller_of_dummy_keys_is_an_iam_user(patched: bool) -> None:
    sts, iam = boto3.client("sts", region_name=REGION), boto3.client("iam", region_name=REGION)
    arn = sts.get_caller_identity()["Arn"]
    assert arn == ("arn:aws:iam::123456789012:user/moto" if patched else "arn:aws:sts::123456789012:user/moto")
    # The identities AWS itself returns are left as they are: a real IAM user's, and a role session's.
    iam.create_user(UserName="ci")
    key = iam.create_access_key(UserName="ci")["AccessKey"]
    as_ci = boto3.client("sts", region_name=REGION, aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
    assert as_ci.get_caller_identity()["Arn"] == "arn:aws:iam::123456789012:user/ci"
    role = iam.create_role(RoleName="deployer", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    session = sts.assume_role(RoleArn=role, RoleSessionName="awx")["Credentials"]
    as_role = boto3.client("sts", region_name=REGION, aws_access_key_id=session["AccessKeyId"],
                           aws_secret_access_key=session["SecretAccessKey"], aws_session_token=session["SessionToken"])
    assert as_role.get_caller_identity()["Arn"] == "arn:aws:sts::123456789012:assumed-role/deployer/awx"


def test_ecs_create_service_keeps_its_settings(patched: bool) -> None:
    ecs = boto3.client("ecs", region_name=REGION)
    ecs.create_cluster(clusterName="c")
    ecs.register_task_definition(family="f", containerDefinitions=[{"name": "x", "image": "nginx:1.27", "memory": 128}])
    deployment = {"deploymentCircuitBreaker": {"enable": True, "rollback": True}, "maximumPercent": 200,
                  "minimumHealthyPercent": 100}
    ecs.create_service(cluster="c", serviceName="s", taskDefinition="f:1", desiredCount=1,
                       deploymentConfiguration=deployment, healthCheckGracePeriodSeconds=120)
    service = ecs.describe_services(cluster="c", services=["s"])["services"][0]
    if patched:
        assert service["deploymentConfiguration"] == deployment
        assert service["healthCheckGracePeriodSeconds"] == 120
        assert service["enableExecuteCommand"] is False
    else:
        assert "deploymentConfiguration" not in service
        assert "healthCheckGracePeriodSeconds" not in service
        assert service.get("enableExecuteCommand") is None


def test_ecs_deployments_complete(patched: bool) -> None:
    ecs = boto3.client("ecs", region_name=REGION)
    ecs.create_cluster(clusterName="c")
    first, second = (ecs.register_task_definition(family="f", containerDefinitions=[
        {"name": "x", "image": f"nginx:1.2{i}", "memory": 128}])["taskDefinition"]["taskDefinitionArn"] for i in (7, 8))
    ecs.create_service(cluster="c", serviceName="s", taskDefinition="f:1", desiredCount=2, launchType="FARGATE")
    service = ecs.describe_services(cluster="c", services=["s"])["services"][0]
    if not patched:
        assert [(d["rolloutState"], d["runningCount"]) for d in service["deployments"]] == [("IN_PROGRESS", 0)]
        assert service["runningCount"] == 0
        updated = ecs.update_service(cluster="c", service="s", taskDefinition="f:2")["service"]
        assert updated["taskDefinition"] == "f:2" and updated["deployments"][0]["taskDefinition"] == first
        return
    (deployment,) = service["deployments"]
    assert (deployment["status"], deployment["rolloutState"], deployment["runningCount"], deployment["pendingCount"]) == (
        "PRIMARY", "COMPLETED", 2, 0)
    assert (service["runningCount"], service["pendingCount"]) == (2, 0)
    updated = ecs.update_service(cluster="c", service="s", taskDefinition="f:2")["service"]
    (rolled,) = updated["deployments"]
    assert updated["taskDefinition"] == rolled["taskDefinition"] == second
    assert rolled["id"] != deployment["id"] and rolled["rolloutState"] == "COMPLETED"
    forced = ecs.update_service(cluster="c", service="s", forceNewDeployment=True, desiredCount=3)["service"]
    (new,) = forced["deployments"]
    assert new["id"] != rolled["id"] and (new["taskDefinition"], new["runningCount"], forced["runningCount"]) == (second, 3, 3)
    scaled = ecs.update_service(cluster="c", service="s", desiredCount=1)["service"]
    assert [d["id"] for d in scaled["deployments"]] == [new["id"]] and scaled["deployments"][0]["runningCount"] == 1


def test_ecs_a_family_names_its_latest_active_revision(patched: bool) -> None:
    ecs = boto3.client("ecs", region_name=REGION)
    for tag in ("1.26", "1.27", "1.28"):
        ecs.register_task_definition(family="f", containerDefinitions=[{"name": "x", "image": f"nginx:{tag}", "memory": 128}])
    ecs.deregister_task_definition(taskDefinition="f:3")
    latest = ecs.describe_task_definition(taskDefinition="f")["taskDefinition"]
    assert (latest["revision"], latest["status"]) == ((2, "ACTIVE") if patched else (3, "INACTIVE"))
    assert ecs.describe_task_definition(taskDefinition="f:3")["taskDefinition"]["status"] == "INACTIVE"
    # A new revision still counts on from the highest, INACTIVE or not.
    assert ecs.register_task_definition(family="f", containerDefinitions=[
        {"name": "x", "image": "nginx:1.29", "memory": 128}])["taskDefinition"]["revision"] == 4
    for revision in (1, 2, 4):
        ecs.deregister_task_definition(taskDefinition=f"f:{revision}")
    if patched:
        with pytest.raises(ClientError, match="Unable to describe task definition"):
            ecs.describe_task_definition(taskDefinition="f")


def test_rds_engine_versions(patched: bool) -> None:
    rds = boto3.client("rds", region_name=REGION)
    if not patched:
        with pytest.raises(NotImplementedError):
            rds.describe_db_engine_versions(Engine="postgres", EngineVersion="15.15")
        return
    (pinned,) = rds.describe_db_engine_versions(Engine="postgres", EngineVersion="15.15")["DBEngineVersions"]
    assert (pinned["EngineVersion"], pinned["Status"], pinned["DBParameterGroupFamily"]) == ("15.15", "available", "postgres15")
    assert rds.describe_db_engine_versions(Engine="postgres", EngineVersion="15.12")["DBEngineVersions"] == []
    offered = [v["EngineVersion"] for v in rds.describe_db_engine_versions(Engine="postgres")["DBEngineVersions"]]
    assert offered == list(patches.RDS_POSTGRES_VERSIONS) and {"15.13", "15.14", "15.15"} <= set(offered)
    default = rds.describe_db_engine_versions(Engine="postgres", EngineVersion="15", DefaultOnly=True)["DBEngineVersions"]
    assert [v["EngineVersion"] for v in default] == ["15.15"]
    assert [t["EngineVersion"] for t in rds.describe_db_engine_versions(Engine="postgres", EngineVersion="15.13")[
        "DBEngineVersions"][0]["ValidUpgradeTarget"]] == ["15.14", "15.15"]


def test_rds_parameter_groups_start_with_engine_defaults_and_unknown_ones_are_errors(patched: bool) -> None:
    rds = boto3.client("rds", region_name=REGION)
    rds.create_db_parameter_group(DBParameterGroupName="pg15", DBParameterGroupFamily="postgres15", Description="d")
    listed = {p["ParameterName"]: p for p in rds.describe_db_parameters(DBParameterGroupName="pg15")["Parameters"]}
    if not patched:
        assert listed == {}
        assert rds.describe_db_parameter_groups(DBParameterGroupName="missing")["DBParameterGroups"] == []
        return
    assert (listed["rds.force_ssl"]["ParameterValue"], listed["rds.force_ssl"]["ApplyType"],
            listed["rds.force_ssl"]["Source"]) == ("0", "dynamic", "engine-default")
    rds.modify_db_parameter_group(DBParameterGroupName="pg15", Parameters=[
        {"ParameterName": "rds.force_ssl", "ParameterValue": "1", "ApplyMethod": "immediate"}])
    (forced,) = [p for p in rds.describe_db_parameters(DBParameterGroupName="pg15")["Parameters"]
                 if p["ParameterName"] == "rds.force_ssl"]
    assert (forced["ParameterValue"], forced["Source"]) == ("1", "user")
    rds.create_db_parameter_group(DBParameterGroupName="pg16", DBParameterGroupFamily="postgres16", Description="d")
    assert [p["ParameterValue"] for p in rds.describe_db_parameters(DBParameterGroupName="pg16")["Parameters"]] == ["1"]
    with pytest.raises(ClientError, match="DBParameterGroupNotFound"):
        rds.describe_db_parameter_groups(DBParameterGroupName="missing")


def test_concurrent_creates_of_one_ssm_parameter(patched: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two PutParameter without overwrite for one name; the second arrives while the first is between its check for an
    existing parameter and its write (moto's put_parameter calls utcnow() there)."""
    from moto.ssm import models

    ssm = boto3.client("ssm", region_name=REGION)
    first_inside, second_inside = threading.Event(), threading.Event()
    utcnow = models.utcnow

    def interleaving_utcnow():
        if not first_inside.is_set():
            first_inside.set()
            # Without the patch the second create gets here too, and both go on; with it, the second waits for the first.
            second_inside.wait(timeout=0.5)
        else:
            second_inside.set()
        return utcnow()

    monkeypatch.setattr(models, "utcnow", interleaving_utcnow)
    # Keyed by caller: the threads record their outcomes after the responses return, in whichever order they run.
    outcomes: dict[str, str] = {}

    def create(value: str) -> None:
        try:
            ssm.put_parameter(Name="/hasura-blog/test/deploy-lock", Value=value, Type="String", Overwrite=False)
            outcomes[value] = "created"
        except ClientError as error:
            outcomes[value] = error.response["Error"]["Code"]

    first = threading.Thread(target=create, args=("first",))
    first.start()
    assert first_inside.wait(timeout=10)
    second = threading.Thread(target=create, args=("second",))
    second.start()
    first.join(timeout=10)
    second.join(timeout=10)
    history = ssm.get_parameter_history(Name="/hasura-blog/test/deploy-lock")["Parameters"]
    if patched:
        assert outcomes == {"first": "created", "second": "ParameterAlreadyExists"}
        assert [(p["Version"], p["Value"]) for p in history] == [(1, "first")]
    else:
        assert outcomes == {"first": "created", "second": "created"}
        assert [p["Version"] for p in history] == [1, 1]


def test_unknown_patch_names_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown patches"):
        patches.apply(skip=("no_such_patch",))


def test_acm_issues_a_certificate_once_its_dns_records_resolve(patched: bool) -> None:
    ec2, elbv2, acm, route53 = (boto3.client(service, region_name=REGION) for service in ("ec2", "elbv2", "acm", "route53"))
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{REGION}{az}")["Subnet"]["SubnetId"]
               for i, az in enumerate("ab")]
    alb = elbv2.create_load_balancer(Name="alb", Subnets=subnets)["LoadBalancers"][0]["LoadBalancerArn"]
    group = elbv2.create_target_group(Name="tg", Protocol="HTTP", Port=80, VpcId=vpc, TargetType="ip")["TargetGroups"][0]["TargetGroupArn"]
    zone = route53.create_hosted_zone(Name="example.com", CallerReference="ref")["HostedZone"]["Id"]
    arn = acm.request_certificate(DomainName="blog.example.com", ValidationMethod="DNS")["CertificateArn"]
    record = acm.describe_certificate(CertificateArn=arn)["Certificate"]["DomainValidationOptions"][0]["ResourceRecord"]
    listener = {"LoadBalancerArn": alb, "Protocol": "HTTPS", "Port": 443, "Certificates": [{"CertificateArn": arn}],
                "DefaultActions": [{"Type": "forward", "TargetGroupArn": group}]}
    if not patched:
        # moto: a listener takes the pending certificate, and a certificate in use is deleted.
        elbv2.create_listener(**listener)
        acm.delete_certificate(CertificateArn=arn)
        return
    with pytest.raises(ClientError) as refused:
        elbv2.create_listener(**listener)
    assert refused.value.response["Error"]["Code"] == "UnsupportedCertificate"
    assert acm.describe_certificate(CertificateArn=arn)["Certificate"]["Status"] == "PENDING_VALIDATION"
    route53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": [{"Action": "UPSERT", "ResourceRecordSet": {
        "Name": record["Name"], "Type": "CNAME", "TTL": 300, "ResourceRecords": [{"Value": record["Value"]}]}}]})
    assert acm.describe_certificate(CertificateArn=arn)["Certificate"]["Status"] == "ISSUED"
    created = elbv2.create_listener(**listener)["Listeners"][0]["ListenerArn"]
    assert acm.describe_certificate(CertificateArn=arn)["Certificate"]["InUseBy"] == [alb]
    with pytest.raises(ClientError) as in_use:
        acm.delete_certificate(CertificateArn=arn)
    assert in_use.value.response["Error"]["Code"] == "ResourceInUseException"
    # A listener turned into plain HTTP holds the certificate no more.
    elbv2.modify_listener(ListenerArn=created, Protocol="HTTP", Port=80)
    assert "Certificates" not in elbv2.describe_listeners(ListenerArns=[created])["Listeners"][0]
    assert acm.describe_certificate(CertificateArn=arn)["Certificate"]["InUseBy"] == []
    elbv2.modify_listener(ListenerArn=created, Protocol="HTTPS", Port=443, Certificates=[{"CertificateArn": arn}])
    elbv2.delete_load_balancer(LoadBalancerArn=alb)
    assert acm.describe_certificate(CertificateArn=arn)["Certificate"]["InUseBy"] == []
    acm.delete_certificate(CertificateArn=arn)


def test_acm_validation_takes_realistic_mode_times(monkeypatch: pytest.MonkeyPatch) -> None:
    """In realistic mode the records appear after acm_records_pending, the certificate is issued acm_validating after
    they resolve, and it stays in use alb_deleting after its load balancer is deleted."""
    from tests.emulator import realism

    isolate_aws(monkeypatch)
    previous = realism.STATE
    realism.configure(realism.Realism(enabled=True, durations={"acm_records_pending": 10, "acm_validating": 60, "alb_deleting": 30}))
    started = patches.apply(skip=("iam_managed_policies",))
    try:
        with mock_aws():
            ec2, elbv2, acm, route53 = (boto3.client(s, region_name=REGION) for s in ("ec2", "elbv2", "acm", "route53"))
            arn = acm.request_certificate(DomainName="blog.example.com", ValidationMethod="DNS")["CertificateArn"]
            assert "ResourceRecord" not in acm.describe_certificate(CertificateArn=arn)["Certificate"]["DomainValidationOptions"][0]
            realism.advance(11)
            record = acm.describe_certificate(CertificateArn=arn)["Certificate"]["DomainValidationOptions"][0]["ResourceRecord"]
            zone = route53.create_hosted_zone(Name="example.com.", CallerReference="ref")["HostedZone"]["Id"]
            route53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": [{"Action": "UPSERT", "ResourceRecordSet": {
                "Name": record["Name"], "Type": "CNAME", "TTL": 300, "ResourceRecords": [{"Value": record["Value"]}]}}]})
            assert acm.describe_certificate(CertificateArn=arn)["Certificate"]["Status"] == "PENDING_VALIDATION"
            realism.advance(61)
            assert acm.describe_certificate(CertificateArn=arn)["Certificate"]["Status"] == "ISSUED"
            vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
            subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{REGION}{az}")["Subnet"]["SubnetId"]
                       for i, az in enumerate("ab")]
            alb = elbv2.create_load_balancer(Name="alb", Subnets=subnets)["LoadBalancers"][0]["LoadBalancerArn"]
            group = elbv2.create_target_group(Name="tg", Protocol="HTTP", Port=80, VpcId=vpc, TargetType="ip")["TargetGroups"][0]["TargetGroupArn"]
            elbv2.create_listener(LoadBalancerArn=alb, Protocol="HTTPS", Port=443, Certificates=[{"CertificateArn": arn}],
                                  DefaultActions=[{"Type": "forward", "TargetGroupArn": group}])
            elbv2.delete_load_balancer(LoadBalancerArn=alb)
            with pytest.raises(ClientError, match="ResourceInUseException"):
                acm.delete_certificate(CertificateArn=arn)
            realism.advance(31)
            acm.delete_certificate(CertificateArn=arn)
    finally:
        patches.revert(started)
        realism.configure(previous)
        patches.RELEASED_CERTIFICATES.clear()


@pytest.mark.parametrize("signed_right", [True, False], ids=["patched", "moto"])
def test_route53_requests_of_a_user_are_authenticated_under_iam_enforcement(signed_right: bool,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the emulator's server shows it (moto in-process builds the request otherwise), so a server is started."""
    import socket

    import requests
    from moto.server import ThreadedMotoServer

    isolate_aws(monkeypatch)
    started = patches.start_named([p for p in patches.PATCHES if p.name == "route53_signatures"], (), "patches") if signed_right else []
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    try:
        iam = boto3.client("iam", endpoint_url=endpoint, region_name=REGION)
        iam.create_user(UserName="dns")
        iam.put_user_policy(UserName="dns", PolicyName="dns", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["route53:CreateHostedZone", "route53:ListHostedZones"], "Resource": "*"}]}))
        key = iam.create_access_key(UserName="dns")["AccessKey"]
        requests.post(f"{endpoint}/moto-api/reset-auth", data=b"0", timeout=10)
        route53 = boto3.client("route53", endpoint_url=endpoint, region_name=REGION, aws_access_key_id=key["AccessKeyId"],
                               aws_secret_access_key=key["SecretAccessKey"])
        route53.create_hosted_zone(Name="example.com", CallerReference="ref")  # has a body: fine either way
        if signed_right:
            assert [zone["Name"] for zone in route53.list_hosted_zones()["HostedZones"]] == ["example.com."]
        else:
            with pytest.raises(ClientError) as refused:
                route53.list_hosted_zones()
            assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    finally:
        # Enforcement off again and the backends empty (the server shares this process's moto state), for the next test.
        requests.post(f"{endpoint}/moto-api/reset-auth", data=b"inf", timeout=10)
        requests.post(f"{endpoint}/moto-api/reset", timeout=10)
        server.stop()
        patches.revert(started)
