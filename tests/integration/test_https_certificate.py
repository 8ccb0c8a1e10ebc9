"""HTTPS with a certificate made elsewhere (hasura_blog_certificate_arn, and no hosted zone): the listeners use it, no
certificate is requested and no DNS record written, a full re-run changes nothing, and the teardown leaves it. The
path through a hosted zone (a requested, DNS-validated certificate) is the prod-like molecule scenario's, and the
deployer's (test_deployer_policy.py)."""

import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from .conftest import changed

ENV = "certit"
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


def test_an_imported_certificate_is_used_and_left_alone(aws, playbook) -> None:
    acm, elbv2 = aws("acm"), aws("elbv2")
    body, key = self_signed(DOMAIN)
    arn = acm.import_certificate(Certificate=body, PrivateKey=key)["CertificateArn"]
    https = ("-e", f"hasura_blog_domain={DOMAIN}", "-e", f"hasura_blog_certificate_arn={arn}")
    try:
        rc, out = playbook("site.yml", "--tags", "vpc,security_groups,alb", *https, env_name=ENV)
        assert rc == 0, out
        balancer = elbv2.describe_load_balancers(Names=[f"hasura-blog-{ENV}-alb"])["LoadBalancers"][0]["LoadBalancerArn"]
        listeners = {l["Port"]: l for l in elbv2.describe_listeners(LoadBalancerArn=balancer)["Listeners"]}
        assert sorted(listeners) == [80, 443, 8080]
        for port in (443, 8080):
            assert listeners[port]["Protocol"] == "HTTPS"
            assert [c["CertificateArn"] for c in listeners[port]["Certificates"]] == [arn]
        assert listeners[80]["DefaultActions"][0]["Type"] == "redirect"
        rules = elbv2.describe_rules(ListenerArn=listeners[80]["ListenerArn"])["Rules"]
        assert [r for r in rules if not r["IsDefault"]] == []
        # Nothing requested: the imported certificate is the only one.
        assert [c["CertificateArn"] for c in acm.list_certificates()["CertificateSummaryList"]] == [arn]
        assert f"App            https://{DOMAIN}/" in out

        rc, out = playbook("site.yml", "--tags", "vpc,security_groups,alb", *https, "-e", "hasura_blog_fast_path=false",
                           env_name=ENV)
        assert rc == 0 and changed(out) == 0, out

        rc, out = playbook("playbooks/teardown.yml", *https, env_name=ENV)
        assert rc == 0, out
        assert [lb for lb in elbv2.describe_load_balancers()["LoadBalancers"] if ENV in lb["LoadBalancerName"]] == []
        assert acm.describe_certificate(CertificateArn=arn)["Certificate"]["Status"] == "ISSUED"
    finally:
        acm.delete_certificate(CertificateArn=arn)
