from ansible_collections.hasura_blog.aws.plugins.module_utils.tags import (
    missing_tags,
    tag_filters,
    with_tags,
    without_tags,
)

TAGS = {"Project": "hasura-blog", "Environment": "dev", "ManagedBy": "ansible", "Name": "ignored"}
OURS = {"id": "a", "tags": {"Project": "hasura-blog", "Environment": "dev", "ManagedBy": "ansible", "Name": "n"}}
OTHER_ENV = {"id": "b", "tags": {"Project": "hasura-blog", "Environment": "prod", "ManagedBy": "ansible"}}
UNTAGGED = {"id": "c", "tags": {}}
NO_TAGS_KEY = {"id": "d"}
ALSO_OURS = {"id": "e", "tags": {"Project": "hasura-blog", "Environment": "dev", "ManagedBy": "ansible"}}


def test_missing_tags() -> None:
    assert missing_tags({"Project": "p", "Environment": "e", "ManagedBy": "ansible", "Extra": "x"}) == []
    assert missing_tags({"Project": "p", "Environment": ""}) == [
        "tag Environment is required on every resource",
        "tag ManagedBy is required on every resource",
    ]


def test_tag_filters_use_only_the_identifying_tags() -> None:
    tags = {"Project": "hasura-blog", "Environment": "dev", "ManagedBy": "ansible", "Name": "x", "Owner": "me"}
    assert tag_filters(tags, **{"vpc-id": "vpc-1"}) == {
        "tag:Project": "hasura-blog",
        "tag:Environment": "dev",
        "tag:ManagedBy": "ansible",
        "vpc-id": "vpc-1",
    }


def test_without_tags_finds_resources_of_others() -> None:
    assert without_tags([OURS, OTHER_ENV, UNTAGGED, NO_TAGS_KEY, ALSO_OURS], TAGS) == [OTHER_ENV, UNTAGGED, NO_TAGS_KEY]


def test_with_tags_keeps_only_ours_in_order() -> None:
    assert with_tags([OURS, OTHER_ENV, UNTAGGED, NO_TAGS_KEY, ALSO_OURS], TAGS) == [OURS, ALSO_OURS]
    assert with_tags([], TAGS) == []


def test_with_and_without_tags_split_the_resources() -> None:
    resources = [OURS, OTHER_ENV, UNTAGGED, NO_TAGS_KEY, ALSO_OURS]
    for tags in (TAGS, {"Project": "hasura-blog"}, {}):
        kept, rest = with_tags(resources, tags), without_tags(resources, tags)
        assert sorted(r["id"] for r in kept + rest) == sorted(r["id"] for r in resources)
        assert not [r for r in kept if r in rest]
    # Only the tags given are compared: without an Environment tag, every hasura-blog resource is ours.
    assert with_tags(resources, {"Project": "hasura-blog"}) == [OURS, OTHER_ENV, ALSO_OURS]
