"""Teardown: twice is fine, a partial deployment is fine, and it never touches what lacks our tags.

The partial deployment also carries HTTPS with a certificate made elsewhere (hasura_blog_certificate_arn, and no
hosted zone): the listeners use it, no certificate is requested and no DNS record written, a full re-run changes
nothing, and the teardown leaves it. The path through a hosted zone (a requested, DNS-validated certificate) is the
prod-like molecule scenario's, and the deployer's (test_deployer_policy.py)."""

import datetime
import json

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from .conftest import changed, inventory_settings

ENV = "tdown-it"
DOMAIN = f"blog.{ENV}.example.com"


def self_signed(domain: str) -> tuple[bytes, bytes]:
    """A certificate for ``domain`` and its key, as an organisation would import one (PEM)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, domain)])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
                   .not_valid_after(now + datetime.timedelta(days=90))
                   .add_extension(x509.SubjectAlternativeName([x509.DNSName(domain)]), critical=False)
                   .sign(key, hashes.SHA256()))
    return (certificate.public_bytes(serialization.Encoding.PEM),
            key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                              serialization.NoEncryption()))


def assert_https_with(aws, arn: str, out: str) -> None:
    """The imported certificate serves 443 and the console's 8080, 80 redirects, and nothing else was requested."""
    acm, elbv2 = aws("acm"), aws("elbv2")
    balancer = elbv2.describe_load_balancers(Names=[f"hasura-blog-{ENV}-alb"])["LoadBalancers"][0]["LoadBalancerArn"]
    listeners = {l["Port"]: l for l in elbv2.describe_listeners(LoadBalancerArn=balancer)["Listeners"]}
    assert sorted(listeners) == [80, 443, 8080]
    for port in (443, 8080):
        assert listeners[port]["Protocol"] == "HTTPS"
        assert [c["CertificateArn"] for c in listeners[port]["Certificates"]] == [arn]
    assert listeners[80]["DefaultActions"][0]["Type"] == "redirect"
    rules = elbv2.describe_rules(ListenerArn=listeners[80]["ListenerArn"])["Rules"]
    assert [r for r in rules if not r["IsDefault"]] == []
    assert [c["CertificateArn"] for c in acm.list_certificates()["CertificateSummaryList"]] == [arn]
    assert f"App            https://{DOMAIN}/" in out


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
    # and both AZs route to it. The same run adds the load balancer, with HTTPS on an imported certificate.
    acm, elbv2 = aws("acm"), aws("elbv2")
    body, key = self_signed(DOMAIN)
    arn = acm.import_certificate(Certificate=body, PrivateKey=key)["CertificateArn"]
    https = ("-e", f"hasura_blog_domain={DOMAIN}", "-e", f"hasura_blog_certificate_arn={arn}")
    dev = inventory_settings("dev", tmp_path)
    rc, out = playbook("site.yml", "--tags", "vpc,nat,security_groups,alb", *dev, *https, env_name=ENV)
    assert rc == 0, out
    assert_https_with(aws, arn, out)
    live = [n for n in ec2.describe_nat_gateways(Filter=ours_filter)["NatGateways"] if n["State"] == "available"]
    assert len(live) == 1
    assert len(ec2.describe_addresses(Filters=ours_filter)["Addresses"]) == 1
    private = [t for t in ec2.describe_route_tables(Filters=ours_filter)["RouteTables"]
               if "-private-rt-" in {x["Key"]: x["Value"] for x in t["Tags"]}["Name"]]
    assert [r.get("NatGatewayId") for t in private for r in t["Routes"] if r["DestinationCidrBlock"] == "0.0.0.0/0"] \
        == [live[0]["NatGatewayId"]] * 2
    rc, out = playbook("site.yml", "--tags", "vpc,nat,security_groups,alb", *dev, *https,
                       "-e", "hasura_blog_fast_path=false", env_name=ENV)
    assert rc == 0 and changed(out) == 0, out

    rc, out = playbook("playbooks/teardown.yml", *https, env_name=ENV)
    assert rc == 0, out
    assert changed(out) > 0
    assert [lb for lb in elbv2.describe_load_balancers()["LoadBalancers"] if ENV in lb["LoadBalancerName"]] == []
    assert acm.describe_certificate(CertificateArn=arn)["Certificate"]["Status"] == "ISSUED"
    acm.delete_certificate(CertificateArn=arn)
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
