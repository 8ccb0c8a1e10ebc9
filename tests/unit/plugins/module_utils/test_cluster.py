from ansible_collections.hasura_blog.aws.plugins.module_utils.cluster import settings_to_update, tags_to_update


def test_settings_to_update() -> None:
    assert settings_to_update({"containerInsights": "enabled"}, []) == [{"name": "containerInsights", "value": "enabled"}]
    assert settings_to_update({"containerInsights": "enabled"}, [{"name": "containerInsights", "value": "disabled"}]) \
        == [{"name": "containerInsights", "value": "enabled"}]
    assert settings_to_update({"containerInsights": "enabled"}, [{"name": "containerInsights", "value": "enabled"}]) == []


def test_tags_to_update() -> None:
    current = [{"key": "Project", "value": "p"}, {"key": "Old", "value": "x"}]
    assert tags_to_update({"Project": "p", "Environment": "dev"}, current, purge=True) == (
        [{"key": "Environment", "value": "dev"}], ["Old"])
    assert tags_to_update({"Project": "p"}, current, purge=False) == ([], [])
    assert tags_to_update({}, [], purge=True) == ([], [])
