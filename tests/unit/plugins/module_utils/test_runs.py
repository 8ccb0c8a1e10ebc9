"""Which roles a partial run runs, and which it must look up instead."""

import pytest

from ansible_collections.hasura_blog.aws.plugins.module_utils.runs import NEEDS, roles_run, roles_to_discover


def test_a_full_run_runs_every_role_and_looks_up_nothing() -> None:
    assert roles_run(["all"]) == list(NEEDS)
    assert roles_to_discover(["all"]) == []
    assert roles_to_discover([]) == []


@pytest.mark.parametrize(("tags", "skip", "expected"), [
    (["ecs_services"], [], ["vpc", "security_groups", "alb", "ecs_cluster"]),
    (["rds"], [], ["vpc", "security_groups"]),
    (["vpc"], [], []),
    (["vpc", "nat"], [], []),
    (["ecs_cluster"], [], []),
    (["all"], ["vpc"], ["vpc"]),
    (["all"], ["alb", "ecs_cluster"], ["alb", "ecs_cluster"]),
    (["alb", "security_groups", "vpc"], [], []),
])
def test_a_partial_run_looks_up_what_its_roles_need(tags, skip, expected) -> None:
    assert roles_to_discover(tags, skip) == expected


def test_tags_that_name_no_role_run_none() -> None:
    assert roles_run(["always"]) == []
    assert roles_to_discover(["never"]) == []
