"""Bad input: one clear error before any AWS call, and nothing created."""

import json

import pytest

ENV = "invalid-it"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"nat_gateway_count": 3}, "nat_gateway_count is 3; it must be 1 (a single NAT gateway) or 2 (one per AZ)"),
        ({"vpc_private_subnet_cidrs": ["10.0.10.0/24", "10.1.0.0/24"]}, "10.1.0.0/24 is not inside the VPC CIDR"),
        ({"security_groups_alb_ports": [80, 70000]}, "port 70000 is not a TCP port"),
        ({"rds_backup_window": "3-4"}, "rds_backup_window 3-4 is not hh24:mi-hh24:mi"),
        ({"alb_hasura_paths": ["/a", "/b", "/c", "/d", "/e", "/f"]}, "alb_hasura_paths needs one to five path patterns"),
    ],
)
def test_bad_input_fails_before_any_aws_call(aws, playbook, extra: dict, message: str) -> None:
    rc, out = playbook("site.yml", "-e", json.dumps(extra), env_name=ENV)
    assert rc != 0
    assert message in out
    assert "changed=0" in out.split("PLAY RECAP")[-1]
    assert aws("ec2").describe_vpcs(Filters=[{"Name": "tag:Environment", "Values": [ENV]}])["Vpcs"] == []


# `-e name=value` gives strings: numbers are compared as numbers ("20" >= "100" as strings).
@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["rds_allocated_storage=100", "rds_max_allocated_storage=20"], "rds_max_allocated_storage (20) is below rds_allocated_storage (100)"),
        (["ecs_services_minimum_healthy_percent=150"], "minimum healthy percent must be at most 100"),
    ],
)
def test_numbers_given_as_key_value_extra_vars(aws, playbook, extra: list, message: str) -> None:
    rc, out = playbook("site.yml", *[arg for value in extra for arg in ("-e", value)], env_name=ENV)
    assert rc != 0
    assert message in out
    assert "changed=0" in out.split("PLAY RECAP")[-1]
    assert aws("ec2").describe_vpcs(Filters=[{"Name": "tag:Environment", "Values": [ENV]}])["Vpcs"] == []


def test_an_engine_version_aws_no_longer_offers_fails_before_the_first_write(aws, playbook) -> None:
    # 15.4 (the reference's version) is retired: AWS no longer creates instances with it.
    rc, out = playbook("site.yml", "-e", "rds_engine_version=15.4", env_name=ENV)
    assert rc != 0
    assert "rds_engine_version 15.4 is not offered for new PostgreSQL instances in us-east-1" in out
    assert "AWS offers 15.13, 15.14, 15.15" in out
    assert "changed=0" in out.split("PLAY RECAP")[-1]
    assert aws("ec2").describe_vpcs(Filters=[{"Name": "tag:Environment", "Values": [ENV]}])["Vpcs"] == []
