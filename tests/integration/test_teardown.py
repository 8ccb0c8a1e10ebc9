"""Teardown: twice is fine, a partial deployment is fine, and it never touches what lacks our tags."""

import json

from .conftest import changed, inventory_settings

ENV = "tdown-it"


def test_teardown_of_a_partial_deployment_spares_foreign_resources(aws, playbook, tmp_path) -> None:
    ec2 = aws("ec2")
    # Someone else's VPC with the same CIDR and Name, and one of ours in another environment: neither may go.
    foreign = ec2.create_vpc(CidrBlock="10.0.0.0/16", TagSpecifications=[{
        "ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": f"hasura-blog-{ENV}-vpc"}]}])["Vpc"]["VpcId"]
    foreign_eip = ec2.allocate_address(Domain="vpc", TagSpecifications=[{
        "ResourceType": "elastic-ip", "Tags": [{"Key": "Name", "Value": f"hasura-blog-{ENV}-nat-eip-us-east-1a"},
                                               {"Key": "Project", "Value": "hasura-blog"}]}])["AllocationId"]
    rc, out = playbook("site.yml", "--tags", "vpc", env_name=ENV)
    assert rc != 0
    assert f"VPC {foreign} is named hasura-blog-{ENV}-vpc but lacks the tags" in out
    assert ec2.describe_vpcs(VpcIds=[foreign])["Vpcs"][0]["Tags"] == [{"Key": "Name", "Value": f"hasura-blog-{ENV}-vpc"}]
    ec2.create_tags(Resources=[foreign], Tags=[{"Key": "Name", "Value": "someone-else"}])

    rc, out = playbook("site.yml", "--tags", "vpc", env_name="other-env")
    assert rc == 0, out

    # A lock left by a killed run stops the deploy, naming its holder, before anything is written; it is taken over
    # only when asked (hasura_blog_break_lock), and released at the end.
    ssm, lock = aws("ssm"), f"/hasura-blog/{ENV}/deploy-lock"
    ssm.put_parameter(Name=lock, Type="String", Value=json.dumps(
        {"holder": "killed-run@ci-7", "since": "2026-11-30T06:00:00Z", "token": "0" * 36}))
    rc, out = playbook("site.yml", "--tags", "vpc,nat", env_name=ENV)
    assert rc != 0
    assert f"The deploy lock {lock} is held by killed-run@ci-7 since 2026-11-30T06:00:00Z" in out, out[-3000:]
    assert "hasura_blog_break_lock=true" in out
    assert changed(out) == 0
    assert ec2.describe_vpcs(Filters=[{"Name": "tag:Environment", "Values": [ENV]}])["Vpcs"] == []
    rc, out = playbook("site.yml", "--tags", "vpc,nat", "-e", "hasura_blog_break_lock=true", env_name=ENV)
    assert rc == 0, out
    assert "killed-run@ci-7" in out
    assert ssm.get_parameters(Names=[lock])["Parameters"] == []
    ours = ec2.describe_vpcs(Filters=[{"Name": "tag:Environment", "Values": [ENV]}])["Vpcs"]
    assert len(ours) == 1

    # An interrupted run: a gateway gone, its Elastic IP left unassociated. The re-run reuses that Elastic IP.
    ours_filter = [{"Name": "tag:Environment", "Values": [ENV]}]
    eips = sorted(a["AllocationId"] for a in ec2.describe_addresses(Filters=ours_filter)["Addresses"])
    assert len(eips) == 2
    gone = ec2.describe_nat_gateways(Filter=ours_filter)["NatGateways"][0]
    ec2.delete_nat_gateway(NatGatewayId=gone["NatGatewayId"])
    rc, out = playbook("site.yml", "--tags", "vpc,nat", env_name=ENV)
    assert rc == 0, out
    assert sorted(a["AllocationId"] for a in ec2.describe_addresses(Filters=ours_filter)["Addresses"]) == eips
    live = [n for n in ec2.describe_nat_gateways(Filter=ours_filter)["NatGateways"] if n["State"] == "available"]
    assert sorted(n["SubnetId"] for n in live) == sorted({gone["SubnetId"]} | {n["SubnetId"] for n in live})
    assert len(live) == 2
    rc, out = playbook("site.yml", "--tags", "vpc,nat", env_name=ENV)
    assert rc == 0 and changed(out) == 0, out

    # From one NAT gateway per AZ to a single one, as the dev inventory sets it: the other goes, with its Elastic IP,
    # and both AZs route to it.
    rc, out = playbook("site.yml", "--tags", "vpc,nat", *inventory_settings("dev", tmp_path), env_name=ENV)
    assert rc == 0, out
    live = [n for n in ec2.describe_nat_gateways(Filter=ours_filter)["NatGateways"] if n["State"] == "available"]
    assert len(live) == 1
    assert len(ec2.describe_addresses(Filters=ours_filter)["Addresses"]) == 1
    private = [t for t in ec2.describe_route_tables(Filters=ours_filter)["RouteTables"]
               if "-private-rt-" in {x["Key"]: x["Value"] for x in t["Tags"]}["Name"]]
    assert [r.get("NatGatewayId") for t in private for r in t["Routes"] if r["DestinationCidrBlock"] == "0.0.0.0/0"] \
        == [live[0]["NatGatewayId"]] * 2

    rc, out = playbook("playbooks/teardown.yml", env_name=ENV)
    assert rc == 0, out
    assert changed(out) > 0
    rc, again = playbook("playbooks/teardown.yml", env_name=ENV)
    assert rc == 0, again
    assert changed(again) == 0

    assert ec2.describe_vpcs(Filters=[{"Name": "tag:Environment", "Values": [ENV]}])["Vpcs"] == []
    assert ec2.describe_addresses(Filters=[{"Name": "tag:Environment", "Values": [ENV]}])["Addresses"] == []
    live = [n for n in ec2.describe_nat_gateways()["NatGateways"] if n["State"] != "deleted"
            and {"Key": "Environment", "Value": ENV} in n.get("Tags", [])]
    assert live == []
    remaining = {v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]}
    assert foreign in remaining
    assert len(ec2.describe_vpcs(Filters=[{"Name": "tag:Environment", "Values": ["other-env"]}])["Vpcs"]) == 1
    assert [a["AllocationId"] for a in ec2.describe_addresses()["Addresses"]] == [foreign_eip]


def test_teardown_of_nothing_changes_nothing(playbook) -> None:
    rc, out = playbook("playbooks/teardown.yml", env_name="never-deployed")
    assert rc == 0, out
    assert changed(out) == 0
