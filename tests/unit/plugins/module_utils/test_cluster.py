from ansible_collections.hasura_blog.aws.plugins.module_utils.cluster import settings_to_update


def test_settings_to_update() -> None:
    assert settings_to_update({"containerInsights": "enabled"}, []) == [{"name": "containerInsights", "value": "enabled"}]
    assert settings_to_update({"containerInsights": "enabled"}, [{"name": "containerInsights", "value": "disabled"}]) \
        == [{"name": "containerInsights", "value": "enabled"}]
    assert settings_to_update({"containerInsights": "enabled"}, [{"name": "containerInsights", "value": "enabled"}]) == []
