import json
from datetime import datetime, timedelta, timezone

import pytest

from ansible_collections.hasura_blog.aws.plugins.filter.operations import FilterModule
from ansible_collections.hasura_blog.aws.plugins.module_utils.operations import (
    decode,
    effective,
    operation_errors,
    record,
    restorable_window,
    restore_identifier,
    restore_plan,
    restore_time,
)

NOW = datetime(2026, 11, 30, 16, 0, 0, tzinfo=timezone.utc)
INSTANCE = {
    "db_instance_identifier": "hasura-blog-prod-postgres",
    "backup_retention_period": 7,
    "instance_create_time": "2026-11-01T10:00:00+00:00",
    "latest_restorable_time": "2026-11-30T15:55:00+00:00",
}


def test_filters_are_exported() -> None:
    assert sorted(FilterModule().filters()) == ["effective_value", "operation_errors", "operation_record", "restore_plan"]


@pytest.mark.parametrize("inputs, kind, expected", [
    ({"service": "hasura", "image": "hasura/graphql-engine:v2.48.6"}, "rollout", []),
    ({"service": "nextjs", "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/blog:1.2"}, "rollout", []),
    ({"service": "web", "image": "nginx:1"}, "rollout", ["SERVICE is 'web'; it must be one of hasura, nextjs"]),
    ({"service": "hasura", "image": ""}, "rollout",
     ["IMAGE is empty; give the image to roll out, e.g. IMAGE=hasura/graphql-engine:v2.48.6"]),
    ({"service": "hasura", "count": "3"}, "scale", []),
    ({"service": "hasura", "count": 0}, "scale", []),
    ({"service": "", "count": "-1"}, "scale", ["SERVICE is ''; it must be one of hasura, nextjs",
                                               "COUNT is '-1'; it must be a whole number from 0 to 100 (the desired count of tasks)"]),
    ({"service": "hasura", "count": "101"}, "scale",
     ["COUNT is '101'; it must be a whole number from 0 to 100 (the desired count of tasks)"]),
    ({"service": "hasura", "count": "two"}, "scale",
     ["COUNT is 'two'; it must be a whole number from 0 to 100 (the desired count of tasks)"]),
])
def test_operation_errors_name_the_input(inputs, kind, expected) -> None:
    assert operation_errors(inputs, kind) == expected


def test_a_bad_image_is_refused_naming_image() -> None:
    errors = operation_errors({"service": "hasura", "image": "Hasura/Graphql Engine"}, "rollout")
    assert len(errors) == 1 and errors[0].startswith("IMAGE ")


@pytest.mark.parametrize("text, expected", [
    ("latest", "latest"),
    ("2026-11-30T14:05:00Z", datetime(2026, 11, 30, 14, 5, tzinfo=timezone.utc)),
    ("2026-11-30T15:05:00+01:00", datetime(2026, 11, 30, 14, 5, tzinfo=timezone.utc)),
    ("2026-11-30T14:05:00", None),  # no zone: ambiguous
    ("yesterday", None),
    ("", None),
])
def test_restore_time(text, expected) -> None:
    assert restore_time(text) == expected


def test_restore_errors() -> None:
    assert operation_errors({"time": "latest", "identifier": "hasura-blog-prod-postgres"}, "restore") == []
    assert operation_errors({"time": "2026-11-30T14:05:00", "identifier": "db"}, "restore") == [
        "TIME is '2026-11-30T14:05:00'; it must be latest or an ISO 8601 time with its zone, e.g. 2026-11-30T14:05:00Z"]
    future = (datetime.now(timezone.utc) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert operation_errors({"time": future, "identifier": "db"}, "restore") == [f"TIME {future} is in the future"]
    long_name = "a" * 50
    assert "shorten rds_identifier" in operation_errors({"time": "latest", "identifier": long_name}, "restore")[0]
    with pytest.raises(ValueError):
        operation_errors({}, "reboot")


def test_restore_identifier_is_the_restore_point_or_now() -> None:
    point = datetime(2026, 11, 30, 14, 5, 9, tzinfo=timezone.utc)
    assert restore_identifier("db", point) == "db-restore-20261130140509"
    assert restore_identifier("db", "latest", NOW) == "db-restore-20261130160000"


def test_the_window_starts_at_the_retention_or_the_creation_and_ends_at_the_latest_restorable_time() -> None:
    assert restorable_window(INSTANCE, NOW) == {"open": True, "earliest": "2026-11-23T16:00:00Z", "latest": "2026-11-30T15:55:00Z"}
    young = {**INSTANCE, "instance_create_time": datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)}
    assert restorable_window(young, NOW)["earliest"] == "2026-11-30T12:00:00Z"
    assert restorable_window({**INSTANCE, "backup_retention_period": 0}, NOW)["open"] is False
    assert restorable_window({**INSTANCE, "latest_restorable_time": None}, NOW) == {
        "open": False, "earliest": "2026-11-23T16:00:00Z", "latest": None}


@pytest.mark.parametrize("time, errors", [
    ("latest", []),
    ("2026-11-30T14:05:00Z", []),
    ("2026-11-23T16:00:00Z", []),
    ("2026-11-23T15:59:59Z", ["TIME 2026-11-23T15:59:59Z is outside the restorable window of hasura-blog-prod-postgres: "
                              "from 2026-11-23T16:00:00Z to 2026-11-30T15:55:00Z (UTC)"]),
    ("2026-11-30T15:58:00Z", ["TIME 2026-11-30T15:58:00Z is outside the restorable window of hasura-blog-prod-postgres: "
                              "from 2026-11-23T16:00:00Z to 2026-11-30T15:55:00Z (UTC)"]),
])
def test_restore_plan_names_the_window(time, errors) -> None:
    plan = restore_plan(INSTANCE, time, now=NOW)
    assert plan["errors"] == errors
    assert plan["source"] == "hasura-blog-prod-postgres"
    assert plan["restore_time"] == (None if time == "latest" else time)
    assert plan["target"] == "hasura-blog-prod-postgres-restore-" + (
        "20261130160000" if time == "latest" else time.replace("-", "").replace(":", "").replace("T", "").rstrip("Z"))


def test_restore_plan_without_backups() -> None:
    plan = restore_plan({**INSTANCE, "backup_retention_period": 0}, "latest", now=NOW)
    assert plan["errors"] and "automated backups are off" in plan["errors"][0]


def test_a_record_keeps_the_other_operation() -> None:
    rolled = record("", image="hasura/graphql-engine:v2.48.6", image_over="hasura/graphql-engine:v2.48.5")
    scaled = record(rolled, desired_count=3, count_over=2)
    assert json.loads(scaled) == {"image": "hasura/graphql-engine:v2.48.6", "image_over": "hasura/graphql-engine:v2.48.5",
                                  "desired_count": 3, "count_over": 2}
    assert decode("not json") == {} and decode(None) == {} and decode("[1]") == {}


def test_the_recorded_value_holds_until_the_inventory_moves_on() -> None:
    stored = record("", image="app:2", image_over="app:1", desired_count=3, count_over=2)
    assert effective("app:1", stored, "image") == "app:2"
    assert effective("app:3", stored, "image") == "app:3"  # the inventory changed since the rollout: it wins
    assert effective(2, stored, "desired_count") == 3
    assert effective("2", stored, "desired_count") == 3
    assert effective(4, stored, "desired_count") == 4
    assert effective("app:1", "", "image") == "app:1"
    assert effective(2, record("", image="app:2", image_over="app:1"), "desired_count") == 2


def test_a_restore_of_a_restored_instance_is_named_from_the_inventory_identifier() -> None:
    restored = {**INSTANCE, "db_instance_identifier": "hasura-blog-prod-postgres-restore-20261130140500"}
    plan = restore_plan(restored, "latest", "hasura-blog-prod-postgres", now=NOW)
    assert plan["source"] == restored["db_instance_identifier"]
    assert plan["target"] == "hasura-blog-prod-postgres-restore-20261130160000"
