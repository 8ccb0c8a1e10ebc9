import pytest

from ansible_collections.hasura_blog.aws.plugins.module_utils.database import (
    allocated_storage_to_request,
    engine_version_to_request,
    final_snapshot_identifier,
    protected_resources,
)


@pytest.mark.parametrize(
    ("desired", "current", "expected"),
    [
        ("15.15", None, "15.15"),  # new instance
        ("15.15", "", "15.15"),
        ("15.15", "15.15", "15.15"),
        ("15.15", "15.16", "15.16"),  # AWS upgraded it: keep, never downgrade
        ("15.15", "15.9", "15.15"),  # 15.9 < 15.15 numerically, not as text
        ("15.15", "15.100", "15.100"),
        ("16.4", "15.15", "16.4"),  # a deliberate major upgrade
    ],
)
def test_engine_version_to_request(desired: str, current: str, expected: str) -> None:
    assert engine_version_to_request(desired, current) == expected


def test_engine_version_rejects_garbage() -> None:
    with pytest.raises(ValueError, match="not a numeric engine version"):
        engine_version_to_request("15.x", "15.15")


@pytest.mark.parametrize(("desired", "current", "expected"), [(20, None, 20), (20, 20, 20), (20, 27, 27), (30, 27, 30)])
def test_allocated_storage_to_request(desired: int, current: int, expected: int) -> None:
    assert allocated_storage_to_request(desired, current) == expected


def test_final_snapshot_identifier_is_unique_per_second_and_valid() -> None:
    name = final_snapshot_identifier("hasura-blog-prod-postgres", "2026-11-26T11:22:33Z")
    assert name == "hasura-blog-prod-postgres-final-20261126112233"
    assert final_snapshot_identifier("x", "2026-11-26T11:22:34Z") != final_snapshot_identifier("x", "2026-11-26T11:22:33Z")


def test_protected_resources() -> None:
    resources = [{"id": 1, "deletion_protection": True}, {"id": 2, "deletion_protection": False}, {"id": 3}]
    assert protected_resources(resources, "deletion_protection") == [{"id": 1, "deletion_protection": True}]
