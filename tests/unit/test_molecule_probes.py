"""The molecule scenario's read-only probe of the containers' variables (tests/molecule/default/files/containers.py):
each mutation a review found escaping the suite must be reported, by rule, without the value."""

import importlib.util
import json
from pathlib import Path

import pytest

PROBE = Path(__file__).resolve().parents[1] / "molecule/default/files/containers.py"
spec = importlib.util.spec_from_file_location("containers_probe", PROBE)
containers = importlib.util.module_from_spec(spec)
spec.loader.exec_module(containers)

VAULT = {"admin_secret": "Admin-Secret-0123456789", "jwt_key": "k" * 40, "nextauth_secret": "Nextauth-0123456789",
         "db_password": "Pass/word:1@x"}
DB = {"MasterUsername": "hasura_admin", "DBName": "hasura",
      "Endpoint": {"Address": "hasura-blog-local-postgres.abc.us-east-1.rds.amazonaws.com", "Port": 5432}}
HASURA = {"HASURA_GRAPHQL_ADMIN_SECRET": VAULT["admin_secret"],
          "HASURA_GRAPHQL_JWT_SECRET": json.dumps({"type": "HS256", "key": VAULT["jwt_key"]}),
          "HASURA_GRAPHQL_DATABASE_URL": "postgres://hasura_admin:Pass%2Fword%3A1%40x@"
                                         "hasura-blog-local-postgres.abc.us-east-1.rds.amazonaws.com:5432/hasura?sslmode=require"}
NEXTJS = {"HASURA_GRAPHQL_ADMIN_SECRET": VAULT["admin_secret"], "JWT_SECRET": VAULT["jwt_key"],
          "NEXTAUTH_SECRET": VAULT["nextauth_secret"]}


def test_the_deployed_form_breaks_no_rule() -> None:
    assert containers.problems(HASURA, NEXTJS, VAULT, DB) == []


@pytest.mark.parametrize(("hasura", "nextjs", "rule"), [
    ({"HASURA_GRAPHQL_JWT_SECRET": VAULT["jwt_key"]}, {}, "Hasura HASURA_GRAPHQL_JWT_SECRET is not"),
    ({"HASURA_GRAPHQL_JWT_SECRET": json.dumps({"type": "HS512", "key": VAULT["jwt_key"]})}, {}, "HASURA_GRAPHQL_JWT_SECRET"),
    ({}, {"JWT_SECRET": json.dumps({"type": "HS256", "key": VAULT["jwt_key"]})}, "Next.js JWT_SECRET is not"),
    ({}, {"HASURA_GRAPHQL_ADMIN_SECRET": VAULT["nextauth_secret"]}, "Next.js HASURA_GRAPHQL_ADMIN_SECRET is not"),
    ({"HASURA_GRAPHQL_ADMIN_SECRET": "other"}, {}, "Hasura HASURA_GRAPHQL_ADMIN_SECRET is not"),
    ({}, {"NEXTAUTH_SECRET": VAULT["admin_secret"]}, "Next.js NEXTAUTH_SECRET is not"),
    ({"HASURA_GRAPHQL_DATABASE_URL": HASURA["HASURA_GRAPHQL_DATABASE_URL"].replace("hasura_admin:", "postgres:")}, {},
     "the database URL's user"),
    ({"HASURA_GRAPHQL_DATABASE_URL": HASURA["HASURA_GRAPHQL_DATABASE_URL"].replace(":5432/", ":5433/")}, {},
     "the database URL's port"),
    ({"HASURA_GRAPHQL_DATABASE_URL": HASURA["HASURA_GRAPHQL_DATABASE_URL"].replace(":5432/hasura", ":5432/postgres")}, {},
     "the database URL's database"),
    ({"HASURA_GRAPHQL_DATABASE_URL": HASURA["HASURA_GRAPHQL_DATABASE_URL"].replace("-postgres.abc", "-postgres.xyz")},
     {}, "the database URL's host"),
    ({"HASURA_GRAPHQL_DATABASE_URL": HASURA["HASURA_GRAPHQL_DATABASE_URL"].replace("Pass%2F", "Pass%2E")}, {},
     "the database URL's password"),
    ({"HASURA_GRAPHQL_DATABASE_URL": HASURA["HASURA_GRAPHQL_DATABASE_URL"].replace("?sslmode=require", "")}, {},
     "does not ask for TLS"),
])
def test_a_wrong_variable_is_reported_by_rule_without_its_value(hasura: dict, nextjs: dict, rule: str) -> None:
    found = containers.problems({**HASURA, **hasura}, {**NEXTJS, **nextjs}, VAULT, DB)
    assert len(found) == 1 and rule in found[0], found
    assert not [value for value in VAULT.values() if value in found[0]]
