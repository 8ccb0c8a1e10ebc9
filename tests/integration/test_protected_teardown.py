"""prod's own inventory settings: the teardown refuses protected resources unless confirmed, and deletes nothing first."""

import re
from pathlib import Path

import yaml

from .conftest import ROOT, changed, inventory_settings, local_secrets

ENV = "prot-it"


def test_teardown_refuses_protected_resources_without_confirmation(aws, playbook, tmp_path: Path) -> None:
    rds, elbv2, ec2 = aws("rds"), aws("elbv2"), aws("ec2")
    settings = yaml.safe_load((ROOT / "inventories/prod/group_vars/hasura_blog/main.yml").read_text())
    assert settings["rds_deletion_protection"] is settings["alb_deletion_protection"] is settings["rds_final_snapshot"] is True
    prod = inventory_settings("prod", tmp_path)
    rc, out = playbook("site.yml", "--tags", "vpc,security_groups,rds,alb", *prod, "-vvv", env_name=ENV)
    assert rc == 0, out
    assert local_secrets()["hasura_blog_db_password"] not in out
    db = rds.describe_db_instances(DBInstanceIdentifier=f"hasura-blog-{ENV}-postgres")["DBInstances"][0]
    assert db["DeletionProtection"] is True
    alb_arn = elbv2.describe_load_balancers(Names=[f"hasura-blog-{ENV}-alb"])["LoadBalancers"][0]["LoadBalancerArn"]

    rc, out = playbook("playbooks/teardown.yml", *prod, env_name=ENV)
    assert rc != 0
    assert "has deletion protection. Nothing was deleted." in out
    assert changed(out) == 0
    # Nothing is lost: database, load balancer, target groups, groups and VPC are all still there.
    assert rds.describe_db_instances(DBInstanceIdentifier=f"hasura-blog-{ENV}-postgres")["DBInstances"]
    assert elbv2.describe_load_balancers(LoadBalancerArns=[alb_arn])["LoadBalancers"]
    assert len(elbv2.describe_target_groups(LoadBalancerArn=alb_arn)["TargetGroups"]) == 2
    assert ec2.describe_vpcs(Filters=[{"Name": "tag:Environment", "Values": [ENV]}])["Vpcs"]

    rc, out = playbook("playbooks/teardown.yml", *prod, "-e", "hasura_blog_destroy_protected=true", env_name=ENV)
    assert rc == 0, out
    assert [d for d in rds.describe_db_instances()["DBInstances"] if ENV in d["DBInstanceIdentifier"]] == []
    assert [lb for lb in elbv2.describe_load_balancers()["LoadBalancers"] if ENV in lb["LoadBalancerName"]] == []
    assert [t for t in elbv2.describe_target_groups()["TargetGroups"] if ENV in t["TargetGroupName"]] == []
    assert ec2.describe_vpcs(Filters=[{"Name": "tag:Environment", "Values": [ENV]}])["Vpcs"] == []
    snapshots = [s["DBSnapshotIdentifier"] for s in rds.describe_db_snapshots()["DBSnapshots"]]
    assert [s for s in snapshots if re.fullmatch(rf"hasura-blog-{ENV}-postgres-final-\d{{14}}", s)], snapshots

    rc, out = playbook("playbooks/teardown.yml", *prod, env_name=ENV)
    assert rc == 0, out
    assert changed(out) == 0
