"""The checks of the roles' settings against what the AWS APIs accept (plugins/module_utils/validation.py)."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from ansible_collections.hasura_blog.aws.plugins.module_utils.validation import (
    DERIVED_NAMES,
    MAX_PREFIX,
    UNDEFINED,
    argument_errors,
    as_bool,
    as_int,
    availability_zone_errors,
    backup_window_minutes,
    deployment_errors,
    ecr_image,
    ecr_images,
    health_check_errors,
    image_errors,
    maintenance_window_minutes,
    missing_secrets,
    name_prefix_errors,
    parse_image,
    password_rules,
    rds_window_errors,
    region_errors,
    role_errors,
    setting_names,
    settings_errors,
    tag_errors,
    windows_overlap,
)

ROOT = Path(__file__).resolve().parents[4]
TAGS = {"Project": "hasura-blog", "Environment": "dev", "ManagedBy": "ansible"}
SECRETS = {"ecs_services_admin_secret": "a" * 48, "ecs_services_jwt_key": "j" * 64,
           "ecs_services_nextauth_secret": "n" * 48, "ecs_services_db_password": "Passw0rd-for-rds"}

# Each role's settings as its defaults give them for hasura-blog-dev in us-east-1 (the reference architecture).
REFERENCE = {
    "project": {"hasura_blog_project": "hasura-blog", "hasura_blog_env": "dev", "hasura_blog_aws_region": "us-east-1",
                "hasura_blog_azs": ["us-east-1a", "us-east-1b"], "hasura_blog_state": "present",
                "hasura_blog_tags": TAGS, "hasura_blog_name_prefix": "hasura-blog-dev", "hasura_blog_poll_delay": UNDEFINED,
                "hasura_blog_aws_endpoint_url": UNDEFINED, "hasura_blog_destroy_protected": UNDEFINED,
                "hasura_blog_console": UNDEFINED},
    "vpc": {"vpc_state": "present", "vpc_name_prefix": "hasura-blog-dev", "vpc_tags": TAGS, "vpc_cidr": "10.0.0.0/16",
            "vpc_dns_hostnames": True, "vpc_dns_support": True, "vpc_azs": ["us-east-1a", "us-east-1b"],
            "vpc_public_subnet_cidrs": ["10.0.0.0/24", "10.0.1.0/24"],
            "vpc_private_subnet_cidrs": ["10.0.10.0/24", "10.0.11.0/24"], "vpc_poll_delay": 10,
            "vpc_dependency_timeout": 900, "vpc_default_security_group_closed": True, "vpc_network_acls": True,
            "vpc_public_ingress_ports": [80, 443, 8080], "vpc_flow_logs": False,
            "vpc_flow_logs_log_group": "/vpc/hasura-blog-dev/flow-logs", "vpc_flow_logs_retention_days": 90,
            "vpc_flow_logs_traffic_type": "ALL", "vpc_flow_logs_max_aggregation_interval": 600},
    "nat": {"nat_state": "present", "nat_name_prefix": "hasura-blog-dev", "nat_tags": TAGS, "nat_vpc_id": "",
            "nat_internet_gateway_id": "", "nat_public_subnet_ids": [], "nat_private_subnet_ids": [],
            "nat_azs": ["us-east-1a", "us-east-1b"], "nat_gateway_count": 2, "nat_wait": True, "nat_wait_timeout": 600,
            "nat_poll_delay": 10},
    "security_groups": {"security_groups_state": "present", "security_groups_name_prefix": "hasura-blog-dev",
                        "security_groups_tags": TAGS, "security_groups_vpc_id": "",
                        "security_groups_alb_ports": [80, 443, 8080], "security_groups_alb_cidrs": ["0.0.0.0/0"],
                        "security_groups_ecs_ports": [3000, 8080], "security_groups_rds_port": 5432,
                        "security_groups_poll_delay": 10, "security_groups_dependency_timeout": 900},
    "rds": {"rds_state": "present", "rds_name_prefix": "hasura-blog-dev", "rds_tags": TAGS, "rds_subnet_ids": [],
            "rds_security_group_ids": [], "rds_identifier": "hasura-blog-dev-postgres", "rds_engine_version": "15.15",
            "rds_auto_minor_version_upgrade": True, "rds_instance_class": "db.t3.micro", "rds_allocated_storage": 20,
            "rds_max_allocated_storage": 40, "rds_storage_type": "gp3", "rds_storage_encrypted": True,
            "rds_backup_retention_days": 7, "rds_backup_window": "03:00-04:00",
            "rds_maintenance_window": "mon:04:00-mon:05:00", "rds_cloudwatch_logs_exports": ["postgresql", "upgrade"],
            "rds_multi_az": False, "rds_copy_tags_to_snapshot": True, "rds_ca_certificate_identifier": "rds-ca-rsa2048-g1",
            "rds_force_ssl": True, "rds_parameter_group_name": "hasura-blog-dev-postgres15",
            "rds_db_name": "hasura", "rds_master_username": "hasura_admin", "rds_master_password": "Passw0rd-for-rds",
            "rds_master_password_secret": "hasura-blog/dev/db-master-password", "rds_deletion_protection": False,
            "rds_final_snapshot": False, "rds_destroy_protected": False, "rds_wait_timeout": 1800, "rds_poll_delay": 15,
            "rds_secret_policy": False, "rds_secret_admins": []},
    "alb": {"alb_state": "present", "alb_name_prefix": "hasura-blog-dev", "alb_tags": TAGS, "alb_vpc_id": "",
            "alb_subnet_ids": [], "alb_security_group_ids": [], "alb_name": "hasura-blog-dev-alb",
            "alb_drop_invalid_header_fields": True, "alb_deletion_protection": False, "alb_destroy_protected": False,
            "alb_http_port": 80, "alb_console": True, "alb_console_port": 8080, "alb_hasura_paths": ["/v1/*", "/v2/*", "/healthz"],
            "alb_deregistration_delay": 30, "alb_nextjs_port": 3000, "alb_nextjs_health_check_path": "/",
            "alb_hasura_port": 8080, "alb_hasura_health_check_path": "/healthz", "alb_poll_delay": 10,
            "alb_dependency_timeout": 300, "alb_access_logs": False, "alb_access_logs_bucket": "",
            "alb_access_logs_prefix": "alb", "alb_access_logs_retention_days": 90, "alb_access_logs_protected": False,
            "alb_waf": False, "alb_waf_managed_rule_groups": ["AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"],
            "alb_waf_counted_rules": {"AWSManagedRulesCommonRuleSet": ["SizeRestrictions_BODY"]}, "alb_waf_rate_limit": 2000,
            "alb_domain": "", "alb_hosted_zone": "", "alb_certificate_arn": "", "alb_allow_plain_http": True,
            "alb_https_port": 443, "alb_ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06", "alb_certificate_timeout": 1800},
    "ecs_cluster": {"ecs_cluster_state": "present", "ecs_cluster_name_prefix": "hasura-blog-dev", "ecs_cluster_tags": TAGS,
                    "ecs_cluster_name": "hasura-blog-dev-cluster", "ecs_cluster_container_insights": "enabled",
                    "ecs_cluster_capacity_providers": ["FARGATE", "FARGATE_SPOT"],
                    "ecs_cluster_log_group_prefix": "/ecs/hasura-blog-dev", "ecs_cluster_services": ["hasura", "nextjs"],
                    "ecs_cluster_log_retention_days": 7, "ecs_cluster_secrets_prefix": "hasura-blog/dev",
                    "ecs_cluster_poll_delay": 10, "ecs_cluster_service_linked_role_timeout": 120,
                    "ecs_cluster_dependency_timeout": 300, "ecs_cluster_trust_conditions": True},
    "ecs_services": {"ecs_services_state": "present", "ecs_services_name_prefix": "hasura-blog-dev",
                     "ecs_services_tags": TAGS, "ecs_services_region": "us-east-1",
                     "ecs_services_cluster": "hasura-blog-dev-cluster", "ecs_services_subnet_ids": [],
                     "ecs_services_security_group_ids": [], "ecs_services_target_group_arns": {},
                     "ecs_services_alb_dns_name": "", "ecs_services_public_url": "", "ecs_services_execution_role_arn": "",
                     "ecs_services_task_role_arn": "", "ecs_services_log_groups": {},
                     "ecs_services_db_address": "hasura-blog-dev-postgres.c1a2b3c4d5e6.eu-west-1.rds.amazonaws.com",
                     "ecs_services_db_port": 5432, "ecs_services_db_name": "hasura", "ecs_services_db_username": "hasura_admin",
                     "ecs_services_database_sslmode": "require", "ecs_services_readonly_root_filesystem": False,
                     "ecs_services_console": True, "ecs_services_secret_policy": False, "ecs_services_secret_admins": [],
                     "ecs_services_hasura_scratch_paths": ["/tmp"], "ecs_services_nextjs_scratch_paths": ["/tmp", "/app/.next/cache"],
                     "ecs_services_roles_created": ["2026-11-30T12:00:00+00:00", "2026-11-30T12:00:01.5+00:00"],
                     "ecs_services_secrets_prefix": "hasura-blog/dev", **SECRETS,
                     "ecs_services_registry_username": "", "ecs_services_registry_password": "",
                     "ecs_services_hasura_image": "hasura/graphql-engine:v2.48.5",
                     "ecs_services_hasura_health_check": ["CMD-SHELL", "curl -fsS http://localhost:8080/healthz || exit 1"],
                     "ecs_services_nextjs_image": "hasura-blog/nextjs:demo",
                     "ecs_services_nextjs_health_check": ["CMD-SHELL", "wget -q -O /dev/null http://localhost:3000/ || exit 1"],
                     "ecs_services_cpu": 512, "ecs_services_memory": 1024, "ecs_services_hasura_desired_count": 2,
                     "ecs_services_nextjs_desired_count": 2, "ecs_services_health_check_grace_period": 120,
                     "ecs_services_minimum_healthy_percent": 100, "ecs_services_maximum_percent": 200,
                     "ecs_services_wait_stable": True, "ecs_services_wait_timeout": 900, "ecs_services_poll_delay": 15,
                     "ecs_services_retry_timeout": 600, "ecs_services_iam_propagation_seconds": 15},
}
CONTEXT = {
    "project": {},
    "vpc": {"region": "us-east-1"},
    "nat": {},
    "security_groups": {"group_names": ["hasura-blog-dev-rds-sg", "hasura-blog-dev-ecs-sg", "hasura-blog-dev-alb-sg"]},
    "rds": {"env": "dev", "subnet_group_name": "hasura-blog-dev-db-subnets"},
    "alb": {"target_group_names": ["hasura-blog-dev-nextjs-tg", "hasura-blog-dev-hasura-tg"]},
    "ecs_cluster": {"role_names": ["hasura-blog-dev-ecs-execution", "hasura-blog-dev-ecs-task"],
                    "log_group_names": ["/ecs/hasura-blog-dev/hasura", "/ecs/hasura-blog-dev/nextjs"]},
    "ecs_services": {"env": "dev", "service_names": ["hasura-blog-dev-hasura", "hasura-blog-dev-nextjs"],
                     "secret_names": ["hasura-blog/dev/hasura-admin-secret", "hasura-blog/dev/jwt-key"]},
}


def errors_of(role: str, names: dict | None = None, **changes) -> list[str]:
    settings = copy.deepcopy(REFERENCE[role])
    settings.update(changes)
    return settings_errors(settings, role, names, CONTEXT[role])


def options_of(role: str) -> dict:
    return yaml.safe_load((ROOT / f"roles/{role}/meta/argument_specs.yml").read_text())["argument_specs"]["main"]["options"]


@pytest.mark.parametrize("role", sorted(REFERENCE))
def test_the_reference_architecture_is_valid(role: str) -> None:
    assert errors_of(role) == []


@pytest.mark.parametrize("role", sorted(set(REFERENCE) - {"project"}))
def test_reference_settings_have_the_types_of_the_argument_spec(role: str) -> None:
    options = options_of(role)
    assert sorted(options) == sorted(REFERENCE[role])  # every option of the role is covered here
    assert argument_errors(options, REFERENCE[role]) == []


def test_defaults_and_argument_specs_name_the_same_options() -> None:
    for role in set(REFERENCE) - {"project"}:
        defaults = yaml.safe_load((ROOT / f"roles/{role}/defaults/main.yml").read_text())
        assert sorted(defaults) == sorted(options_of(role)), role


# --- values that may arrive as strings ------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "number"), [
    (20, 20), ("20", 20), (" 7 ", 7), ("-1", -1), (20.0, 20), ("lots", None), ("2.5", None), (2.5, None),
    (True, None), (None, None), ([20], None), ("", None),
])
def test_as_int(value, number) -> None:
    assert as_int(value) == number


@pytest.mark.parametrize(("value", "boolean"), [
    (True, True), ("yes", True), ("True", True), (1, True), ("off", False), (0, False), ("maybe", None), ([], None),
])
def test_as_bool(value, boolean) -> None:
    assert as_bool(value) is boolean


# --- types, required options and choices ----------------------------------------------------------------------------

@pytest.mark.parametrize(("spec", "value", "message"), [
    ({"type": "int"}, "lots", "x is the string 'lots'; it must be a whole number"),
    ({"type": "int"}, [1], "x is [1]; it must be a whole number"),
    ({"type": "int"}, 1.5, "x is 1.5; it must be a whole number"),
    ({"type": "bool"}, "perhaps", "x is the string 'perhaps'; it must be true or false"),
    ({"type": "str"}, ["db.t3.micro"], "x is a list; it must be a string"),
    ({"type": "str"}, {"a": 1}, "x is a dict; it must be a string"),
    ({"type": "str"}, 15.1, "x is the number 15.1; quote it as a string"),
    ({"type": "str"}, True, "x is the boolean True; quote it as a string"),
    ({"type": "list", "elements": "str"}, "a,b", "x is a,b; it must be a list"),
    ({"type": "list", "elements": "int"}, [80, "http"], "x[1] is the string 'http'; it must be a whole number"),
    ({"type": "dict"}, "Project=x", "x is the string 'Project=x'; it must be a dict"),
    ({"type": "int", "choices": [1, 3, 5]}, "8", "x is 8; it must be one of 1, 3, 5"),
    ({"type": "list", "elements": "str", "choices": ["a", "b"]}, ["a", "c"], "x holds [c]; each entry must be one of a, b"),
    ({"type": "str", "required": True}, UNDEFINED, "x is not set; it is required"),
])
def test_argument_errors(spec: dict, value, message: str) -> None:
    [error] = argument_errors({"x": spec}, {"x": value})
    assert error.startswith(message), error


@pytest.mark.parametrize(("spec", "value"), [
    ({"type": "int"}, "20"), ({"type": "int"}, 20), ({"type": "bool"}, "yes"), ({"type": "str"}, 8080),
    ({"type": "list", "elements": "int"}, ["80", 443]), ({"type": "int", "choices": [1, 7]}, "7"),
    ({"type": "str"}, UNDEFINED), ({"type": "str"}, None),
])
def test_argument_errors_accepts_what_ansible_converts(spec: dict, value) -> None:
    assert argument_errors({"x": spec}, {"x": value}) == []


def test_argument_errors_never_show_a_secret() -> None:
    errors = argument_errors({"password": {"type": "str", "no_log": True}, "keys": {"type": "list", "no_log": True}},
                             {"password": ["hunter2-secret"], "keys": "hunter3-secret"})
    assert errors == ["password is a list; it must be a string",
                      "keys is a string; it must be a list, for example [a, b] "
                      "(with -e, give JSON: -e '{\"keys\": [\"a\", \"b\"]}')"]


def test_argument_errors_name_the_variable_the_user_sets() -> None:
    errors = argument_errors({"rds_master_password": {"type": "str", "no_log": True}}, {"rds_master_password": [1]},
                             {"rds_master_password": "hasura_blog_db_password"})
    assert errors == ["hasura_blog_db_password is a list; it must be a string"]


def test_setting_names() -> None:
    settings = {"rds_tags": TAGS, "rds_poll_delay": 5, "rds_master_password": "", "rds_state": "present"}
    sources = {"rds_tags": "hasura_blog_tags", "rds_poll_delay": "hasura_blog_poll_delay",
               "rds_master_password": "hasura_blog_db_password", "rds_state": "hasura_blog_state"}
    names = setting_names(settings, sources, [TAGS, 1, UNDEFINED, UNDEFINED])
    assert names == {"rds_tags": "hasura_blog_tags",  # the option is the project-wide value
                     "rds_poll_delay": "rds_poll_delay",  # the option is set on its own
                     "rds_master_password": "hasura_blog_db_password",  # empty because the vault lacks it
                     "rds_state": "rds_state"}


# --- names ----------------------------------------------------------------------------------------------------------

def test_the_longest_environment_name_is_10_characters_with_the_default_project() -> None:
    assert MAX_PREFIX == 22
    assert name_prefix_errors("hasura-blog", "a" * 10) == []
    [message] = name_prefix_errors("hasura-blog", "a" * 11)
    assert message.startswith(f"hasura_blog_env {'a' * 11} is 11 characters; with hasura_blog_project hasura-blog "
                              "(11 characters) it must be 1-10 characters")
    assert "hasura-blog-aaaaaaaaaaa-nextjs-tg (33 characters) stays within AWS's 32 (ELBv2 CreateTargetGroup Name)" in message


def test_a_project_too_long_for_any_environment_is_named() -> None:
    [message] = name_prefix_errors("p" * 21, "d")
    assert message.startswith(f"hasura_blog_project {'p' * 21} is 21 characters; it may be at most 20")


@pytest.mark.parametrize(("project", "env", "message"), [
    ("hasura-blog", "Dev", "hasura_blog_env is Dev; it must be lowercase letters"),
    ("hasura-blog", "dev--2", "hasura_blog_env is dev--2"),
    ("hasura-blog", "dev_2", "hasura_blog_env is dev_2"),
    ("hasura-blog", "", "hasura_blog_env is ''"),
    ("2blog", "dev", "hasura_blog_project is 2blog"),
    ("internal-blog", "dev", "must not be internal or start with internal-"),
])
def test_name_formats(project: str, env: str, message: str) -> None:
    assert any(message in error for error in name_prefix_errors(project, env))


def test_an_overridden_prefix_is_checked_itself() -> None:
    assert name_prefix_errors("hasura-blog", "dev", "my-own-prefix") == []
    [message] = name_prefix_errors("hasura-blog", "dev", "x" * 23)
    assert message.startswith(f"hasura_blog_name_prefix {'x' * 23} is 23 characters; it must be 1-22")


def test_derived_names_are_the_ones_the_roles_make() -> None:
    # DERIVED_NAMES sets the length limit; each suffix must be one the roles use.
    sources = " ".join(p.read_text() for p in ROOT.glob("roles/*/*/*.yml"))
    for suffix, *_others in DERIVED_NAMES:
        assert suffix in sources, suffix


@pytest.mark.parametrize(("region", "valid"), [
    ("us-east-1", True), ("eu-central-2", True), ("us-gov-west-1", True), ("ap-southeast-7", True),
    ("us-isob-east-1", True), ("us-east1", False), ("US-EAST-1", False), ("us-east-1a", False), ("", False),
])
def test_region_errors(region: str, valid: bool) -> None:
    assert (region_errors(region) == []) is valid


def test_a_region_that_is_an_availability_zone_gets_a_hint() -> None:
    [message] = region_errors("us-east-1a")
    assert "looks like an availability zone; the region is us-east-1" in message


@pytest.mark.parametrize(("azs", "message"), [
    (["us-east-1a"], "needs at least two availability zones"),
    (["us-east-1a", "us-east-1a"], "lists us-east-1a more than once"),
    (["us-east-1a", "us-west-2b"], "us-west-2b is not an availability zone of us-east-1"),
    (["us-east-1a", "us-east-1-bos-1a"], "us-east-1-bos-1a is not an availability zone of us-east-1"),
    (["us-east-1a", "use1-az1"], "use1-az1 is not an availability zone of us-east-1"),
])
def test_availability_zone_errors(azs: list, message: str) -> None:
    assert any(message in error for error in availability_zone_errors(azs, "us-east-1", "hasura_blog_azs"))


def test_three_zones_are_fine() -> None:
    assert availability_zone_errors(["us-east-1a", "us-east-1b", "us-east-1c"], "us-east-1", "vpc_azs") == []


# --- RDS windows ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("window", "parsed"), [
    ("03:00-04:00", (180, 60)), ("23:30-00:30", (1410, 60)), ("00:00-00:00", (0, 0)), ("3-4", None),
    ("24:00-01:00", None), ("03:60-04:00", None), (" 03:00-04:00", None),
])
def test_backup_window_minutes(window: str, parsed) -> None:
    assert backup_window_minutes(window) == parsed


@pytest.mark.parametrize(("window", "parsed"), [
    ("mon:04:00-mon:05:00", (240, 60)), ("sun:23:30-mon:00:30", (6 * 1440 + 1410, 60)),
    ("mon:00:00-sun:23:59", (0, 7 * 1440 - 1)), ("Mon:04:00-Mon:05:00", None), ("xyz:04:00-mon:05:00", None),
    ("mon:04:00", None),
])
def test_maintenance_window_minutes(window: str, parsed) -> None:
    assert maintenance_window_minutes(window) == parsed


@pytest.mark.parametrize(("backup", "maintenance", "overlap"), [
    ("03:00-04:00", "mon:04:00-mon:05:00", False),  # the reference architecture: adjacent
    ("04:00-05:00", "mon:03:00-mon:04:00", False),  # adjacent the other way round
    ("03:00-04:01", "mon:04:00-mon:05:00", True),  # one minute into maintenance
    ("04:15-04:45", "mon:04:00-mon:05:00", True),  # inside maintenance
    ("03:00-06:00", "wed:04:00-wed:05:00", True),  # maintenance inside backup, any day
    ("05:00-06:00", "mon:04:00-mon:05:00", False),
    ("23:30-00:30", "tue:00:00-tue:01:00", True),  # backup crosses midnight into maintenance
    ("23:00-00:00", "tue:00:00-tue:01:00", False),
    ("23:45-00:15", "mon:23:50-mon:23:55", True),  # maintenance inside the part before midnight
    ("03:00-04:00", "sun:23:30-mon:03:30", True),  # maintenance crosses the week, sun -> mon
    ("03:00-04:00", "sun:23:30-mon:03:00", False),
    ("00:00-01:00", "sun:23:30-mon:00:30", True),  # both wrap: Monday's backup in Sunday night's maintenance
    ("23:00-23:30", "sun:23:30-mon:00:30", False),
    ("10:00-11:00", "wed:09:00-thu:12:00", True),  # a long maintenance window covers a whole day's backup
    ("12:00-13:00", "mon:13:00-mon:12:00", True),  # maintenance of almost a week
])
def test_windows_overlap(backup: str, maintenance: str, overlap: bool) -> None:
    assert windows_overlap(backup, maintenance) is overlap


def test_windows_overlap_refuses_malformed_windows() -> None:
    with pytest.raises(ValueError):
        windows_overlap("3-4", "mon:04:00-mon:05:00")


@pytest.mark.parametrize(("backup", "maintenance", "message"), [
    ("3-4", "mon:04:00-mon:05:00", "rds_backup_window 3-4 is not hh24:mi-hh24:mi in UTC"),
    ("03:00-03:29", "mon:04:00-mon:05:00", "rds_backup_window 03:00-03:29 is 29 minutes; it must be at least 30"),
    ("03:00-03:00", "mon:04:00-mon:05:00", "is 0 minutes; it must be at least 30"),
    ("03:00-04:00", "Mon:04:00-Mon:05:00", "is not ddd:hh24:mi-ddd:hh24:mi in UTC with lowercase days"),
    ("03:00-04:00", "mon:04:00-mon:04:15", "rds_maintenance_window mon:04:00-mon:04:15 is 15 minutes"),
    ("04:30-05:30", "mon:04:00-mon:05:00",
     "rds_backup_window 04:30-05:30 (every day) overlaps rds_maintenance_window mon:04:00-mon:05:00"),
])
def test_rds_window_errors(backup: str, maintenance: str, message: str) -> None:
    assert any(message in error for error in rds_window_errors(backup, maintenance))


def test_thirty_minute_windows_are_enough() -> None:
    assert rds_window_errors("23:45-00:15", "sat:12:00-sat:12:30") == []


# --- secrets --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("password", "rule"), [
    ("short", "has 5 characters; RDS for PostgreSQL needs 8-128"),
    ("x" * 129, "has 129 characters"),
    ("with/slash-1", 'contains a character RDS forbids (/ " @ or space)'),
    ('with"quote-1', "contains a character RDS forbids"),
    ("with@at-sign", "contains a character RDS forbids"),
    ("with space-1", "contains a character RDS forbids"),
    ("ünïcödé-password", "contains a character that is not printable ASCII"),
    ("tab\there-password", "not printable ASCII"),
])
def test_password_rules_name_the_rule_and_never_the_value(password: str, rule: str) -> None:
    errors = password_rules(password)
    assert any(rule in error for error in errors), errors
    assert all(password not in error for error in errors)


@pytest.mark.parametrize("password", ["Passw0rd-for-rds", "it's~fine!#$%^&*()", "x" * 128, "12345678"])
def test_passwords_rds_accepts(password: str) -> None:
    assert password_rules(password) == []


def test_missing_secrets_are_all_named_with_where_to_put_them() -> None:
    [message] = missing_secrets({"hasura_blog_admin_secret": "", "hasura_blog_jwt_key": UNDEFINED,
                                 "hasura_blog_db_password": "set"}, "dev")
    assert message == ("missing secrets: hasura_blog_admin_secret, hasura_blog_jwt_key. They belong in the "
                       "vault-encrypted secrets/dev.yml (or the file hasura_blog_secrets_file names): create it with "
                       "make secrets ENV=dev (or add them with ansible-vault edit), and run with its vault id "
                       "(--vault-id dev@prompt)")
    assert missing_secrets({"hasura_blog_admin_secret": "x"}, "dev") == []


def test_secret_rules_of_the_services_never_show_a_value() -> None:
    names = {"ecs_services_jwt_key": "hasura_blog_jwt_key", "ecs_services_db_password": "hasura_blog_db_password"}
    errors = errors_of("ecs_services", names, ecs_services_jwt_key="short-key-123", ecs_services_db_password="a@b/c d")
    assert "hasura_blog_jwt_key has 13 characters; it needs at least 32 (Hasura: an HS256 key must be at least 32 characters)" in errors
    assert any(e.startswith("hasura_blog_db_password contains a character RDS forbids") for e in errors)
    assert not any("short-key-123" in e or "a@b/c d" in e for e in errors)


def test_a_torn_down_environment_needs_no_secrets() -> None:
    assert errors_of("rds", rds_state="absent", rds_master_password="") == []
    assert errors_of("ecs_services", ecs_services_state="absent", ecs_services_admin_secret="") == []


# --- images ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("image", [
    "hasura/graphql-engine:v2.48.5", "nginx:1.27", "nginx", "ghcr.io/org/app:1.0", "localhost:5000/a/b:c",
    "registry.example.com:8443/team/app_name__x:v1-rc.2", "a@sha256:" + "0" * 64,
    "123456789012.dkr.ecr.us-east-1.amazonaws.com/hasura-blog/nextjs:v1", "public.ecr.aws/nginx/nginx:stable",
])
def test_image_references_ecs_can_pull(image: str) -> None:
    assert image_errors(image, "img") == []


@pytest.mark.parametrize(("image", "message"), [
    ("hasura-blog/nextjs: demo", "img 'hasura-blog/nextjs: demo' contains whitespace"),
    ("hasura-blog/nextjs:demo\n", "contains whitespace"),
    ("Hasura/graphql-engine:v2", "is not an image reference"),
    ("app:v1:v2", "is not an image reference"),
    ("app:-v1", "is not an image reference"),
    ("app:" + "t" * 129, "is not an image reference"),
    ("app@sha256:123", "is not an image reference"),
    ("app@md5:" + "0" * 32, "is not an image reference"),
    ("/app:v1", "is not an image reference"),
    ("a" * 256, "is 256 characters before any digest; ECS allows 255"),
    ("", "img is empty"),
])
def test_image_references_ecs_refuses(image: str, message: str) -> None:
    assert any(message in error for error in image_errors(image, "img"))


@pytest.mark.parametrize(("image", "message"), [
    ("hasura/graphql-engine", "must be pinned by a tag or a digest"),
    ("hasura/graphql-engine:latest", "is tagged latest, which moves"),
])
def test_pinned_images(image: str, message: str) -> None:
    assert any(message in error for error in image_errors(image, "img", pinned=True))
    assert image_errors(image + "@sha256:" + "a" * 64, "img", pinned=True) == []


def test_parse_image() -> None:
    assert parse_image("localhost:5000/a/b:c") == {"domain": "localhost:5000", "path": "a/b", "tag": "c", "digest": ""}
    assert parse_image("hasura/graphql-engine:v2") == {
        "domain": "", "path": "hasura/graphql-engine", "tag": "v2", "digest": ""}


def test_ecr_images() -> None:
    assert ecr_image("123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app@sha256:" + "b" * 64) == {
        "registry_id": "123456789012", "region": "eu-west-1", "repository": "team/app", "tag": "",
        "digest": "sha256:" + "b" * 64}
    assert ecr_image("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/app:v1")["region"] == "cn-north-1"
    assert ecr_image("hasura/graphql-engine:v2.48.5") is None
    assert ecr_image("public.ecr.aws/nginx/nginx:stable") is None
    assert ecr_images({"a": "nginx:1", "b": "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1"}) == [
        {"variable": "b", "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1", "registry_id": "123456789012",
         "region": "us-east-1", "repository": "app", "tag": "v1", "digest": ""}]


@pytest.mark.parametrize(("command", "valid"), [
    (["CMD-SHELL", "curl -f http://localhost/ || exit 1"], True), (["CMD", "/bin/check", "--fast"], True),
    (["curl", "-f", "http://localhost/"], False), (["CMD-SHELL"], False), (["CMD", ""], False), ("CMD-SHELL true", False),
])
def test_health_check_errors(command, valid: bool) -> None:
    assert (health_check_errors(command, "hc") == []) is valid


# --- ECS deployments ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("minimum", "maximum", "count", "message"), [
    (100, 200, 2, None),
    (50, 100, 2, None),  # stops one task to make room
    (100, 150, 2, None),  # floor(2 x 150%) = 3 > ceil(2 x 100%) = 2: one new task at a time
    (100, 149, 2, "leave no room to replace a task of count 2"),  # floor(2.98) = 2
    (100, 100, 2, "leave no room"),
    (0, 100, 1, None),
    (100, 200, 0, None),
    (150, 200, 2, "ecs_services_minimum_healthy_percent is 150; it must be 0-100"),
    (100, 99, 2, "ecs_services_maximum_percent is 99; it must be at least 100"),
    ("100", "lots", 2, "ecs_services_maximum_percent is 'lots'; it must be a whole number"),
])
def test_deployment_errors(minimum, maximum, count, message) -> None:
    errors = deployment_errors(minimum, maximum, {"count": count})
    if message is None:
        assert errors == []
    else:
        assert any(message in error for error in errors), errors


# --- tags -----------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("tags", "message"), [
    ({"Project": "p", "Environment": "e"}, "tag ManagedBy is required on every resource"),
    ({**TAGS, "aws:owner": "me"}, "starts with aws:, which AWS reserves"),
    ({**TAGS, "k" * 129: "v"}, "must be 1-128 letters"),
    ({**TAGS, "Cost": "v" * 257}, "the value of tag Cost must be 0-256"),
    ({**TAGS, "Cost": "a|b"}, "the value of tag Cost must be 0-256"),
    ({**TAGS, **{f"T{i}": "x" for i in range(47)}}, "has 50 tags; with the Name tag the roles add, AWS allows at most 50"),
    ("Project=p", "is a string; it must be a dict of tags"),
])
def test_tag_errors(tags, message: str) -> None:
    assert any(message in error for error in tag_errors(tags, "hasura_blog_tags"))


def test_tags_within_the_limits() -> None:
    assert tag_errors({**TAGS, "Cost Center": "R+D 42", **{f"T{i}": "x" for i in range(45)}}, "t") == []


# --- each role: rules with their AWS limits -------------------------------------------------------------------------

@pytest.mark.parametrize(("role", "changes", "message"), [
    ("project", {"hasura_blog_env": "vtoolongenv", "hasura_blog_name_prefix": "hasura-blog-vtoolongenv"},
     "hasura_blog_env vtoolongenv is 11 characters"),
    ("project", {"hasura_blog_aws_region": "us-east1"}, "hasura_blog_aws_region is us-east1"),
    ("project", {"hasura_blog_aws_endpoint_url": "localhost:4566"}, "it must be an http:// or https:// URL"),
    ("project", {"hasura_blog_poll_delay": "soon"}, "hasura_blog_poll_delay is the string 'soon'"),
    ("project", {"hasura_blog_state": "gone"}, "hasura_blog_state is gone; it must be one of present, absent"),
    ("vpc", {"vpc_cidr": "10.0.0.0/8"}, "vpc_cidr: 10.0.0.0/8 must have a prefix length from /16 to /28"),
    ("vpc", {"vpc_cidr": "10.0.0.1/16"}, "is not an IPv4 CIDR block"),
    ("vpc", {"vpc_public_subnet_cidrs": ["10.0.0.0/24", "10.0.0.0/28"]},
     "subnets 10.0.0.0/24 (vpc_public_subnet_cidrs) and 10.0.0.0/28 (vpc_public_subnet_cidrs) overlap"),
    ("vpc", {"vpc_public_subnet_cidrs": ["10.0.0.0/24", "10.0.0.0/29"]}, "10.0.0.0/29 must have a prefix length from /16 to /28"),
    ("vpc", {"vpc_private_subnet_cidrs": ["10.0.10.0/24"]}, "vpc_private_subnet_cidrs has 1 CIDRs for 2 availability zones"),
    ("vpc", {"vpc_private_subnet_cidrs": ["10.0.10.0/24", "10.1.0.0/24"]}, "10.1.0.0/24 is not inside the VPC CIDR"),
    ("vpc", {"vpc_dns_support": False}, "AWS enables DNS hostnames only with DNS support (EC2 ModifyVpcAttribute)"),
    ("vpc", {"vpc_poll_delay": 0}, "vpc_poll_delay is 0; it must be at least 1"),
    ("vpc", {"vpc_public_ingress_ports": [80, 0]}, "vpc_public_ingress_ports: port 0 is not a TCP port (1-65535)"),
    ("vpc", {"vpc_public_ingress_ports": [80, 22]}, "lists port 22: a network ACL that admits SSH or RDP from anywhere"),
    ("alb", {"alb_access_logs_bucket": "Logs_Bucket"}, "alb_access_logs_bucket is 'Logs_Bucket'; a bucket name is 3-63"),
    ("alb", {"alb_access_logs_bucket": "my-logs"}, None),
    ("rds", {"rds_secret_admins": ["admins"]}, "rds_secret_admins: 'admins' is not an IAM role, user or root ARN"),
    ("ecs_services", {"ecs_services_secret_admins": ["arn:aws:iam::123456789012:role/ops/*"]}, None),
    ("alb", {"alb_waf_rate_limit": 5}, "alb_waf_rate_limit is 5; it must be 10-2000000000"),
    ("alb", {"alb_waf_counted_rules": {"AWSManagedRulesSQLiRuleSet": ["x"]}}, "which alb_waf_managed_rule_groups does not list"),
    ("alb", {"alb_access_logs_prefix": "/alb"}, "alb_access_logs_prefix is /alb; it must not start or end with /"),
    ("alb", {"alb_access_logs_prefix": "x/AWSLogs"}, "nor contain AWSLogs"),
    ("alb", {"alb_access_logs_retention_days": 0}, "alb_access_logs_retention_days is 0; it must be at least 1"),
    ("alb", {"alb_allow_plain_http": False}, "alb_domain is not set, and alb_allow_plain_http is false"),
    ("alb", {"alb_domain": "blog.example.com", "alb_hosted_zone": "example.com", "alb_allow_plain_http": False}, None),
    ("alb", {"alb_domain": "blog.example.com"}, "neither alb_hosted_zone"),
    ("alb", {"alb_domain": "blog.example.com", "alb_hosted_zone": "example.org"}, "alb_hosted_zone is 'example.org'"),
    ("alb", {"alb_hosted_zone": "example.com"}, "alb_hosted_zone is set but alb_domain is not"),
    ("alb", {"alb_domain": "*.example.com", "alb_hosted_zone": "example.com"}, "no wildcard"),
    ("alb", {"alb_domain": "blog.example.com", "alb_certificate_arn": "arn:aws:iam::123456789012:server-certificate/x"},
     "it must be an ACM certificate ARN"),
    ("alb", {"alb_domain": "blog.example.com", "alb_certificate_arn": "arn:aws:acm:us-east-1:123456789012:certificate/ab-12"}, None),
    ("alb", {"alb_domain": "blog.example.com", "alb_hosted_zone": "example.com", "alb_https_port": 8080},
     "alb_https_port is 8080, the same as another listener's port"),
    ("alb", {"alb_domain": "blog.example.com", "alb_hosted_zone": "example.com", "alb_ssl_policy": "TLS-1-2"},
     "alb_ssl_policy is 'TLS-1-2'"),
    ("vpc", {"vpc_flow_logs_retention_days": 10}, "vpc_flow_logs_retention_days is 10; it must be one of 1, 3, 5"),
    ("vpc", {"vpc_flow_logs_log_group": "/vpc/flow logs"}, "vpc_flow_logs_log_group is '/vpc/flow logs'; it must be 1-512"),
    ("rds", {"rds_parameter_group_name": "default.postgres15"}, "not starting with default"),
    ("rds", {"rds_parameter_group_name": "pg--15"}, "rds_parameter_group_name"),
    ("ecs_services", {"ecs_services_nextjs_scratch_paths": ["tmp"]}, "ecs_services_nextjs_scratch_paths: 'tmp' is not an absolute"),
    ("ecs_services", {"ecs_services_hasura_scratch_paths": ["/tmp", "/tmp"]}, "lists /tmp more than once"),
    ("nat", {"nat_gateway_count": 3}, "nat_gateway_count is 3; it must be 1 (a single NAT gateway) or 2 (one per AZ)"),
    ("nat", {"nat_vpc_id": "vpc_123"}, "nat_vpc_id: vpc_123 is not a vpc id"),
    ("security_groups", {"security_groups_alb_ports": [80, 70000]}, "security_groups_alb_ports: port 70000 is not a TCP port (1-65535)"),
    ("security_groups", {"security_groups_alb_ports": [80, 80]}, "lists port 80 more than once"),
    ("security_groups", {"security_groups_ecs_ports": [3000]}, "lacks 8080, the port the Hasura containers listen on"),
    ("security_groups", {"security_groups_rds_port": 5433}, "the database listens on 5432"),
    ("security_groups", {"security_groups_alb_cidrs": ["0.0.0.0"]}, None),  # a /32
    ("security_groups", {"security_groups_alb_cidrs": ["::/0"]}, "is not an IPv4 CIDR block"),
    ("rds", {"rds_backup_retention_days": 40}, "rds_backup_retention_days is 40; it must be 0-35 (RDS BackupRetentionPeriod)"),
    ("rds", {"rds_backup_retention_days": "36"}, "rds_backup_retention_days is 36; it must be 0-35"),
    ("rds", {"rds_allocated_storage": 10}, "rds_allocated_storage is 10; it must be 20-65536"),
    ("rds", {"rds_allocated_storage": 70000}, "rds_allocated_storage is 70000; it must be 20-65536"),
    ("rds", {"rds_storage_type": "standard", "rds_allocated_storage": 5, "rds_max_allocated_storage": 3073},
     "rds_max_allocated_storage is 3073; with rds_allocated_storage 5 it must be 6-3072"),
    ("rds", {"rds_max_allocated_storage": 21}, "rds_max_allocated_storage is 21; with rds_allocated_storage 20 it must be 22-65536"),
    ("rds", {"rds_allocated_storage": "100", "rds_max_allocated_storage": "110"}, None),
    ("rds", {"rds_storage_type": "io1"}, "rds_storage_type io1 needs provisioned IOPS (RDS Iops)"),
    ("rds", {"rds_engine_version": "15"}, "rds_engine_version is 15; it must be a PostgreSQL version MAJOR.MINOR"),
    ("rds", {"rds_instance_class": "t3.micro"}, "rds_instance_class is t3.micro; it must be a DB instance class"),
    ("rds", {"rds_instance_class": "db.r6g.2xlarge"}, None),
    ("rds", {"rds_cloudwatch_logs_exports": ["postgresql", "error"]}, "error is not a log type of RDS for PostgreSQL"),
    ("rds", {"rds_cloudwatch_logs_exports": ["iam-db-auth-error"]}, "needs IAM database authentication"),
    ("rds", {"rds_ca_certificate_identifier": "rds-ca-2019"}, "rds-ca-2019 expired in 2024"),
    ("rds", {"rds_db_name": "1st"}, "rds_db_name is 1st; it must be 1-63 letters"),
    ("rds", {"rds_db_name": "select"}, "rds_db_name select is a PostgreSQL reserved word"),
    ("rds", {"rds_db_name": "template1"}, "or a database RDS keeps"),
    ("rds", {"rds_master_username": "a_very_long_user_name"}, "it must be 1-16 letters"),
    ("rds", {"rds_master_username": "rdsadmin"}, "rds_master_username rdsadmin is reserved"),
    ("rds", {"rds_master_username": "pg_admin"}, "rds_master_username pg_admin is reserved"),
    ("rds", {"rds_master_username": "postgres"}, None),
    ("rds", {"rds_master_password": ""}, "missing secrets: rds_master_password."),
    ("rds", {"rds_identifier": "hasura--postgres"}, "the DB instance identifier hasura--postgres (from rds_identifier)"),
    ("rds", {"rds_master_password_secret": "db password"}, "Secrets Manager CreateSecret Name"),
    ("rds", {"rds_subnet_ids": ["subnet-12345678", "sub-1"]}, "rds_subnet_ids: sub-1 is not a subnet id"),
    ("alb", {"alb_name": "a" * 33}, "is 33 characters; AWS allows 1-32 letters"),
    ("alb", {"alb_name": "internal-app"}, "starts with internal-, which AWS reserves"),
    ("alb", {"alb_name": "-app"}, "AWS allows 1-32 letters, digits and hyphens, not starting or ending with a hyphen"),
    ("alb", {"alb_console_port": 80}, "alb_http_port and alb_console_port are both 80"),
    ("alb", {"alb_nextjs_port": 0}, "alb_nextjs_port: port 0 is not a TCP port"),
    ("alb", {"alb_hasura_paths": []}, "alb_hasura_paths has 0 path patterns; it needs one to five"),
    ("alb", {"alb_hasura_paths": ["v1/*"]}, "v1/* must start with /"),
    ("alb", {"alb_hasura_paths": ["/" + "a" * 128]}, "must start with / and be up to 128"),
    ("alb", {"alb_hasura_health_check_path": "healthz"}, "alb_hasura_health_check_path is healthz; it must be a path"),
    ("alb", {"alb_deregistration_delay": 3601}, "alb_deregistration_delay is 3601; it must be 0-3600"),
    ("ecs_cluster", {"ecs_cluster_capacity_providers": []}, "ecs_cluster_capacity_providers is empty"),
    ("ecs_cluster", {"ecs_cluster_capacity_providers": ["FARGATE", "EC2"]}, "EC2 is not FARGATE or FARGATE_SPOT"),
    ("ecs_cluster", {"ecs_cluster_capacity_providers": ["FARGATE", "FARGATE"]}, "lists FARGATE more than once"),
    ("ecs_cluster", {"ecs_cluster_services": ["hasura"]}, "ecs_cluster_services lacks nextjs"),
    ("ecs_cluster", {"ecs_cluster_log_group_prefix": "ecs/x"}, "it must start with / and use only"),
    ("ecs_cluster", {"ecs_cluster_log_retention_days": 8}, "ecs_cluster_log_retention_days is 8; it must be one of 1, 3, 5"),
    ("ecs_cluster", {"ecs_cluster_log_retention_days": "1096"}, None),
    ("ecs_cluster", {"ecs_cluster_name": "my cluster"}, "the cluster name 'my cluster' (from ecs_cluster_name)"),
    ("ecs_services", {"ecs_services_cpu": 300}, "ecs_services_cpu is 300; it must be one of 256, 512"),
    ("ecs_services", {"ecs_services_memory": 256}, "ecs_services_memory is 256; it must be 512-122880"),
    ("ecs_services", {"ecs_services_nextjs_image": ""}, "ecs_services_nextjs_image is empty"),
    ("ecs_services", {"ecs_services_nextjs_image": "hasura-blog/nextjs: demo"}, "contains whitespace"),
    ("ecs_services", {"ecs_services_hasura_image": "hasura/graphql-engine"}, "must be pinned by a tag or a digest"),
    ("ecs_services", {"ecs_services_hasura_health_check": ["curl", "x"]}, "ecs_services_hasura_health_check is [curl, x]"),
    ("ecs_services", {"ecs_services_nextjs_desired_count": -1}, "ecs_services_nextjs_desired_count is -1; it must be at least 0"),
    ("ecs_services", {"ecs_services_minimum_healthy_percent": "150"}, "ecs_services_minimum_healthy_percent is 150; it must be 0-100"),
    ("ecs_services", {"ecs_services_maximum_percent": 100}, "leave no room to replace a task"),
    ("ecs_services", {"ecs_services_health_check_grace_period": 2147483648}, "it must be 0-2147483647"),
    ("ecs_services", {"ecs_services_registry_username": "me"}, "set both ecs_services_registry_username and"),
    ("ecs_services", {"ecs_services_admin_secret": "", "ecs_services_db_password": ""},
     "missing secrets: ecs_services_admin_secret, ecs_services_db_password."),
    ("ecs_services", {"ecs_services_execution_role_arn": "exec-role"}, "it must be an IAM role ARN"),
    ("ecs_services", {"ecs_services_region": "useast1"}, "ecs_services_region is useast1"),
    ("ecs_services", {"ecs_services_db_address": "db host"}, "ecs_services_db_address is 'db host'; it must be a host name"),
    ("ecs_services", {"ecs_services_db_address": ""}, None),
    ("ecs_services", {"ecs_services_db_port": 80}, "ecs_services_db_port is 80; it must be 1150-65535"),
    ("ecs_services", {"ecs_services_db_name": "1blog"}, "ecs_services_db_name is 1blog; it must be 1-63 letters"),
    ("ecs_services", {"ecs_services_db_username": "hasura-admin"}, "ecs_services_db_username is hasura-admin; it must be"),
    ("ecs_services", {"ecs_services_roles_created": ["yesterday"]}, "ecs_services_roles_created is [yesterday]; it must be"),
    ("ecs_services", {"ecs_services_roles_created": []}, None),
])
def test_role_rules(role: str, changes: dict, message: str | None) -> None:
    errors = errors_of(role, **changes)
    if message is None:
        assert errors == []
    else:
        assert any(message in error for error in errors), errors


def test_messages_name_the_variable_the_user_sets() -> None:
    names = {"vpc_azs": "hasura_blog_azs", "vpc_tags": "hasura_blog_tags"}
    errors = errors_of("vpc", names, vpc_azs=["us-east-1a"], vpc_tags={},
                       vpc_public_subnet_cidrs=["10.0.0.0/24"], vpc_private_subnet_cidrs=["10.0.10.0/24"])
    assert errors[0] == "hasura_blog_tags: tag Project is required on every resource (the roles find their resources by it)"
    assert any(e.startswith("hasura_blog_azs is [us-east-1a]; it needs at least two availability zones") for e in errors)


def test_a_missing_setting_is_reported_not_raised() -> None:
    settings = copy.deepcopy(REFERENCE["alb"])
    del settings["alb_deregistration_delay"]
    assert settings_errors(settings, "alb", {}, CONTEXT["alb"]) == ["alb_deregistration_delay is not set"]


def test_role_errors_checks_types_first_then_values_with_the_labels_of_the_sources() -> None:
    options = options_of("rds")
    values = dict(REFERENCE["rds"], rds_master_password="", rds_backup_retention_days="40")
    sources = {"rds_master_password": "hasura_blog_db_password"}
    errors = role_errors(options, "rds", [values[o] for o in options], sources, [""], CONTEXT["rds"])
    assert any(e.startswith("missing secrets: hasura_blog_db_password. They belong in the vault-encrypted "
                            "secrets/dev.yml (or the file hasura_blog_secrets_file names)") for e in errors), errors
    assert "rds_backup_retention_days is 40; it must be 0-35 (RDS BackupRetentionPeriod)" in errors
    values["rds_allocated_storage"] = "lots"  # a type error hides the value checks, which rely on the types
    assert role_errors(options, "rds", [values[o] for o in options], sources, [""], CONTEXT["rds"]) == [
        "rds_allocated_storage is the string 'lots'; it must be a whole number"]
