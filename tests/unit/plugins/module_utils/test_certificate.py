from ansible_collections.hasura_blog.aws.plugins.module_utils.certificate import (
    in_zone,
    pick_certificate,
    tagged,
    validation_records,
)

TAGS = {"Project": "hasura-blog", "Environment": "prod"}


def cert(arn: str, domain: str = "blog.example.com", status: str = "ISSUED", created: str = "2026-01-01", **tags: str) -> dict:
    return {"CertificateArn": arn, "DomainName": domain, "Status": status, "CreatedAt": created, "Tags": {**TAGS, **tags}}


def test_pick_prefers_issued_then_newest_and_only_ours() -> None:
    foreign = {**cert("foreign"), "Tags": {"Project": "other"}}
    picked = pick_certificate([cert("pending", status="PENDING_VALIDATION", created="2026-03-01"), cert("old"),
                               cert("new", created="2026-02-01"), foreign], "BLOG.example.com", TAGS)
    assert picked["use"]["CertificateArn"] == "new"
    assert sorted(c["CertificateArn"] for c in picked["others"]) == ["old", "pending"]


def test_pick_never_uses_a_failed_certificate_or_another_domain() -> None:
    picked = pick_certificate([cert("failed", status="FAILED"), cert("other", domain="www.example.com")], "blog.example.com", TAGS)
    assert picked["use"] is None
    assert sorted(c["CertificateArn"] for c in picked["others"]) == ["failed", "other"]


def test_validation_records_wait_for_every_domain() -> None:
    record = {"Name": "_x.blog.example.com.", "Type": "CNAME", "Value": "_y.acm-validations.aws."}
    assert validation_records({"DomainValidationOptions": [{"DomainName": "blog.example.com", "ValidationMethod": "DNS"}]}) is None
    assert validation_records({}) is None
    both = {"DomainValidationOptions": [{"ValidationMethod": "DNS", "ResourceRecord": record},
                                        {"ValidationMethod": "DNS", "ResourceRecord": record}]}
    assert validation_records(both) == [{"name": "_x.blog.example.com.", "type": "CNAME", "value": "_y.acm-validations.aws."}]


def test_in_zone() -> None:
    assert in_zone("blog.example.com", "example.com.") and in_zone("example.com", "Example.com")
    assert not in_zone("blog.badexample.com", "example.com")


def test_tagged_keeps_only_certificates_with_every_tag() -> None:
    foreign = {**cert("foreign"), "Tags": {"Project": "hasura-blog", "Environment": "dev"}}
    assert [c["CertificateArn"] for c in tagged([cert("a", domain="old.example.com", status="FAILED"), foreign], TAGS)] == ["a"]
