# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure checks of the roles' settings against what the AWS APIs accept. No AWS calls.

Every check returns a list of messages, empty when the input is valid. A message names the variable the user sets
(``names`` maps a role option to it, for example rds_master_password to hasura_blog_db_password), what the value
is, and what AWS accepts, with the API parameter it feeds:
"rds_backup_retention_days is 40; it must be 0-35 (RDS BackupRetentionPeriod)".

Messages about a secret (an option with ``no_log``) name the rule that failed and never contain the value.
docs/validation.md lists every rule with the AWS page it comes from.
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections.abc import Mapping
from typing import Any

from ansible_collections.hasura_blog.aws.plugins.module_utils.certificate import https_errors
from ansible_collections.hasura_blog.aws.plugins.module_utils.lock import parse_iso
from ansible_collections.hasura_blog.aws.plugins.module_utils.logs import bucket_name_errors
from ansible_collections.hasura_blog.aws.plugins.module_utils.secret_policy import admin_arn_errors
from ansible_collections.hasura_blog.aws.plugins.module_utils.tags import REQUIRED_TAGS
from ansible_collections.hasura_blog.aws.plugins.module_utils.task_definition import FARGATE_SIZES
from ansible_collections.hasura_blog.aws.plugins.module_utils.waf import waf_errors

# What a validate task passes for a variable that is not defined (query('ansible.builtin.vars', ..., default=...)).
UNDEFINED = "<undefined>"
_TRUE = {"yes", "on", "1", "true", "t", "y"}
_FALSE = {"no", "off", "0", "false", "f", "n"}

# ---------------------------------------------------------------------------------------------------------------
# The AWS API parameter each option feeds, shown in messages.
AWS_PARAMETERS = {
    "rds_storage_type": "RDS StorageType; io1 and io2 need provisioned IOPS, which the rds role does not set",
    "rds_backup_retention_days": "RDS BackupRetentionPeriod",
    "rds_ca_certificate_identifier": "RDS CACertificateIdentifier",
    "ecs_cluster_log_retention_days": "CloudWatch Logs PutRetentionPolicy retentionInDays",
    "ecs_cluster_container_insights": "ECS ClusterSetting containerInsights",
    "ecs_cluster_capacity_providers": "ECS PutClusterCapacityProviders capacityProviders",
    "ecs_services_cpu": "Fargate task CPU units",
    "rds_cloudwatch_logs_exports": "RDS EnableCloudwatchLogsExports for PostgreSQL",
    "vpc_state": "present or absent",
}

# CloudWatch Logs PutRetentionPolicy retentionInDays.
LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
                      3288, 3653)
# RDS CreateDBInstance AllocatedStorage for RDS for PostgreSQL, by StorageType (GiB).
STORAGE_RANGES = {"gp2": (20, 65536), "gp3": (20, 65536), "io1": (100, 65536), "io2": (100, 65536),
                  "standard": (5, 3072)}
# io1 and io2 need Iops (CreateDBInstance StorageType), which the rds role does not set.
STORAGE_TYPES = ("gp2", "gp3", "standard")
# The server CAs RDS offers (Using SSL/TLS to encrypt a connection to a DB instance); rds-ca-2019 expired in 2024.
RDS_CAS = ("rds-ca-rsa2048-g1", "rds-ca-rsa4096-g1", "rds-ca-ecc384-g1")
# CreateDBInstance EnableCloudwatchLogsExports for RDS for PostgreSQL. iam-db-auth-error needs IAM database
# authentication, which the rds role does not turn on.
POSTGRES_LOG_EXPORTS = ("postgresql", "upgrade")
CAPACITY_PROVIDERS = ("FARGATE", "FARGATE_SPOT")
# PostgreSQL's reserved key words (PostgreSQL documentation, Appendix C, "reserved"): not usable as names.
POSTGRES_RESERVED = frozenset("""
all analyse analyze and any array as asc asymmetric authorization binary both case cast check collate collation
column concurrently constraint create cross current_catalog current_date current_role current_schema current_time
current_timestamp current_user default deferrable desc distinct do else end except false fetch for foreign freeze
from full grant group having ilike in initially inner intersect into is isnull join lateral leading left like limit
localtime localtimestamp natural not notnull null offset on only or order outer overlaps placing primary references
returning right select session_user similar some symmetric system_user table tablesample then to trailing true union
unique user using variadic verbose when where window with
""".split())
# Roles RDS for PostgreSQL creates itself (Understanding PostgreSQL roles and permissions), and "public"; names
# starting with pg_ are reserved by PostgreSQL.
RDS_RESERVED_USERS = frozenset(("rdsadmin", "rdsrepladmin", "rds_superuser", "rds_replication", "rds_iam",
                                "rds_password", "rds_ad", "rdstopmgr", "public"))
# Databases that exist on every RDS for PostgreSQL instance.
RDS_EXISTING_DATABASES = frozenset(("rdsadmin", "template0", "template1"))

# Names the roles make from the prefix <project>-<env>, with the AWS limit each must stay within. The tightest one
# sets how long hasura_blog_project and hasura_blog_env may be together.
DERIVED_NAMES = (
    ("-nextjs-tg", 32, "ELBv2 CreateTargetGroup Name", "target group name"),
    ("-hasura-tg", 32, "ELBv2 CreateTargetGroup Name", "target group name"),
    ("-alb", 32, "ELBv2 CreateLoadBalancer Name", "load balancer name"),
    ("-postgres", 63, "RDS DBInstanceIdentifier", "DB instance identifier"),
    ("-ecs-execution", 64, "IAM CreateRole RoleName", "IAM role name"),
    ("-ecs-task", 64, "IAM CreateRole RoleName", "IAM role name"),
    ("-db-subnets", 255, "RDS DBSubnetGroupName", "DB subnet group name"),
    ("-cluster", 255, "ECS CreateCluster clusterName", "cluster name"),
    ("-hasura", 255, "ECS CreateService serviceName", "service name"),
    ("-nextjs", 255, "ECS CreateService serviceName", "service name"),
)
MAX_PREFIX = min(limit - len(suffix) for suffix, limit, *_others in DERIVED_NAMES)

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY = 24 * 60
_WEEK = 7 * _DAY
_HHMM = r"([01][0-9]|2[0-3]):([0-5][0-9])"
_BACKUP_WINDOW = re.compile(rf"^{_HHMM}-{_HHMM}$")
_MAINTENANCE_WINDOW = re.compile(rf"^([a-z]{{3}}):{_HHMM}-([a-z]{{3}}):{_HHMM}$")
_LOWER_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_REGION = re.compile(r"^[a-z]{2,4}(?:-[a-z]+)+-[0-9]+$")
_ELB_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$")
_RDS_IDENTIFIER = re.compile(r"^[A-Za-z](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,62}$")
_ECS_NAME = re.compile(r"^[A-Za-z0-9_-]{1,255}$")
_IAM_ROLE_NAME = re.compile(r"^[\w+=,.@-]{1,64}$")
_SECRET_NAME = re.compile(r"^[A-Za-z0-9/_+=.@-]{1,512}$")
_LOG_GROUP = re.compile(r"^[A-Za-z0-9_./#-]{1,512}$")
_TAG_TEXT = re.compile(r"^[\w\s.:/=+@-]*$", re.UNICODE)
_PATH_PATTERN = re.compile(r"^[A-Za-z0-9_\-.$/~\"'@:+&*?]{1,128}$")
_INSTANCE_CLASS = re.compile(r"^db\.[a-z][a-z0-9-]*\.[a-z0-9][a-z0-9.-]*$")
_ENGINE_VERSION = re.compile(r"^[0-9]+\.[0-9]+$")
_DB_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,62}$")
_DB_USER = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,15}$")
_HOST_NAME = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")
_IDS = {"vpc": r"vpc-[0-9a-f]{8,17}", "igw": r"igw-[0-9a-f]{8,17}", "subnet": r"subnet-[0-9a-f]{8,17}",
        "sg": r"sg-[0-9a-f]{8,17}"}
_IAM_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/[\w+=,.@/-]{1,64}$")
_TARGET_GROUP_ARN = re.compile(r"^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:[0-9]{12}:targetgroup/[A-Za-z0-9-]+/[0-9a-f]+$")
_URL = re.compile(r"^https?://[^\s/?#]+(?:[/?#]\S*)?$")

# Docker reference grammar (distribution/reference), as ECS passes the image to the container runtime.
_PATH_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_DOMAIN_COMPONENT = r"(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])"
_DOMAIN_RE = re.compile(rf"^(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*|\[[0-9A-Fa-f:]+\])(?::[0-9]+)?$")
_PATH_RE = re.compile(rf"^{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*$")
_TAG_RE = re.compile(r"^[\w][\w.-]{0,127}$")
# ECS: the only supported hash function is sha256, with exactly 64 hex characters.
_DIGEST_RE = re.compile(r"^sha256:[0-9a-fA-F]{64}$")
# <account>.dkr.ecr.<region>.amazonaws.com[.cn]/<repository>[:tag][@digest] (Amazon ECR private registry).
_ECR = re.compile(r"^(?P<registry_id>[0-9]{12})\.dkr\.ecr(?:-fips)?\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/"
                  r"(?P<repository>[^:@]+)(?::(?P<tag>[^@]+))?(?:@(?P<digest>.+))?$")


# ---------------------------------------------------------------------------------------------------------------
# Values as the roles see them: numbers and booleans may arrive as strings (-e name=value).

def as_int(value: Any) -> int | None:
    """The whole number a value stands for, also from a string ("20"); None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?[0-9]+\s*", value):
        return int(value)
    return None


def as_bool(value: Any) -> bool | None:
    """The boolean a value stands for, as Ansible reads it ("yes", "false", 1); None for anything else."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    return None


def show(value: Any) -> str:
    """A value as a message shows it: plain when it reads unambiguously, quoted otherwise."""
    if isinstance(value, str):
        return value if re.fullmatch(r"[\w./:@+=#,*?~$&'\"-]{1,100}", value) else repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(show(v) for v in value) + "]"
    return repr(value)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "a dict"
    if isinstance(value, (list, tuple)):
        return "a list"
    return f"a {type(value).__name__}"


class _Names:
    """Option name -> the variable the user sets (names), defaulting to the option itself."""

    def __init__(self, names: Mapping[str, str] | None) -> None:
        self._names = dict(names or {})

    def __call__(self, option: str) -> str:
        return self._names.get(option, option)


def setting_names(settings: Mapping[str, Any], sources: Mapping[str, str],
                  source_values: list[Any] | Mapping[str, Any]) -> dict[str, str]:
    """Which variable each option came from: the project-wide one its default reads, unless the option is overridden.

    ``sources`` maps options to the variables their defaults read (rds_master_password: hasura_blog_db_password);
    ``source_values`` holds those variables' values, in the order of ``sources`` (or by name).
    """
    if not isinstance(source_values, Mapping):
        source_values = dict(zip(sources.values(), source_values))
    names = {}
    for option, source in sources.items():
        value = source_values.get(source, UNDEFINED)
        mine = settings.get(option)
        # An option equal to its source came from it; an empty one whose source is not set did too (a missing secret).
        names[option] = source if (value != UNDEFINED and mine == value) or (value == UNDEFINED and mine in ("", None)) else option
    return names


# ---------------------------------------------------------------------------------------------------------------
# Types, required options and choices, from a role's meta/argument_specs.yml (its main entry point's options).

def argument_errors(options: Mapping[str, Mapping[str, Any]], values: Mapping[str, Any],
                    names: Mapping[str, str] | None = None) -> list[str]:
    """Options whose value does not have the type, or is not among the choices, that the argument spec gives.

    Stricter than Ansible's own check, which turns "a,b" into a list and 1.5 into "1.5" without telling: the roles
    use the variable itself, so a list must be a list, and a number where a string belongs (a YAML float such as
    15.10, read as 15.1) is refused. Values of ``no_log`` options never appear.
    """
    name = _Names(names)
    errors: list[str] = []
    for option, spec in options.items():
        value = values.get(option, UNDEFINED)
        if value is None or value == UNDEFINED:
            if spec.get("required"):
                errors.append(f"{name(option)} is not set; it is required")
            continue
        kind = spec.get("type", "str")
        problems = _type_errors(value, kind, spec.get("elements"), name(option), bool(spec.get("no_log")))
        if not problems and spec.get("choices"):
            problems = _choice_errors(value, kind, spec["choices"], name(option), AWS_PARAMETERS.get(option))
        errors.extend(problems)
    return errors


def _type_errors(value: Any, kind: str, elements: str | None, label: str, secret: bool) -> list[str]:
    shown = _kind(value) if secret else (f"the string {value!r}" if isinstance(value, str) else show(value))
    if kind == "int":
        return [] if as_int(value) is not None else [f"{label} is {shown}; it must be a whole number"]
    if kind == "bool":
        return [] if as_bool(value) is not None else [f"{label} is {shown}; it must be true or false"]
    if kind == "str":
        if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
            return []
        if isinstance(value, float):
            return [f"{label} is the number {shown}; quote it as a string (YAML reads 15.10 as the number 15.1)"]
        if isinstance(value, bool):
            return [f"{label} is the boolean {shown}; quote it as a string"]
        return [f"{label} is {_kind(value)}; it must be a string"]
    if kind == "list":
        if not isinstance(value, (list, tuple)):
            return [f"{label} is {_kind(value) if secret else show(value)}; it must be a list, for example [a, b] "
                    "(with -e, give JSON: -e '{\"" + label + "\": [\"a\", \"b\"]}')"]
        errors: list[str] = []
        for index, item in enumerate(value):
            errors.extend(_type_errors(item, elements or "raw", None, f"{label}[{index}]", secret))
        return errors
    if kind == "dict":
        return [] if isinstance(value, Mapping) else [f"{label} is {shown}; it must be a dict (key: value)"]
    return []


def _choice_errors(value: Any, kind: str, choices: list[Any], label: str, source: str | None) -> list[str]:
    converted = as_int(value) if kind == "int" else value
    if isinstance(value, (list, tuple)):
        bad = [v for v in value if v not in choices]
        if not bad:
            return []
        return [f"{label} holds {show(bad)}; each entry must be one of {', '.join(map(str, choices))}"
                + (f" ({source})" if source else "")]
    if converted in choices:
        return []
    return [f"{label} is {show(value)}; it must be one of {', '.join(map(str, choices))}"
            + (f" ({source})" if source else "")]


# ---------------------------------------------------------------------------------------------------------------
# Generic value checks.

def int_range_errors(value: Any, label: str, low: int, high: int | None, source: str) -> list[str]:
    """A whole number from ``low`` to ``high`` (no upper bound when None); strings of digits count as numbers."""
    allowed = f"{low}-{high}" if high is not None else f"at least {low}"
    number = as_int(value)
    if number is None:
        shown = repr(value) if isinstance(value, str) else show(value)
        return [f"{label} is {shown}; it must be a whole number, {allowed} ({source})"]
    if number < low or (high is not None and number > high):
        return [f"{label} is {number}; it must be {allowed} ({source})"]
    return []


def port_errors(values: Any, label: str, source: str) -> list[str]:
    """Each entry a TCP port, 1-65535, none twice."""
    values = values if isinstance(values, (list, tuple)) else [values]
    errors: list[str] = []
    for value in values:
        number = as_int(value)
        if number is None or not 1 <= number <= 65535:
            errors.append(f"{label}: port {show(value)} is not a TCP port (1-65535) ({source})")
    numbers = [as_int(v) for v in values]
    for port in sorted({p for p in numbers if p is not None and numbers.count(p) > 1}):
        errors.append(f"{label} lists port {port} more than once ({source} refuses a duplicate rule)")
    return errors


def _positive_delay(value: Any, label: str) -> list[str]:
    return int_range_errors(value, label, 1, None, "seconds between two looks; timeouts are divided by it")


def _timeout(value: Any, label: str) -> list[str]:
    return int_range_errors(value, label, 0, None, "seconds")


def tag_errors(tags: Any, label: str) -> list[str]:
    """The required tags, and AWS's tag limits: 50 tags with the Name tag the roles add, keys 1-128 and values
    0-256 characters of letters, digits, spaces and _ . : / = + - @, no key starting with aws:."""
    if not isinstance(tags, Mapping):
        return [f"{label} is {_kind(tags)}; it must be a dict of tags"]
    errors = [f"{label}: tag {key} is required on every resource (the roles find their resources by it)"
              for key in REQUIRED_TAGS if not str(tags.get(key) if tags.get(key) is not None else "")]
    if len(set(tags) | {"Name"}) > 50:
        errors.append(f"{label} has {len(tags)} tags; with the Name tag the roles add, AWS allows at most 50")
    for key, value in tags.items():
        key, value = str(key), "" if value is None else str(value)
        if not 1 <= len(key) <= 128 or not _TAG_TEXT.match(key):
            errors.append(f"{label}: tag key {show(key)} must be 1-128 letters, digits, spaces and _ . : / = + - @")
        if key.lower().startswith("aws:"):
            errors.append(f"{label}: tag key {show(key)} starts with aws:, which AWS reserves")
        if len(value) > 256 or not _TAG_TEXT.match(value):
            errors.append(f"{label}: the value of tag {key} must be 0-256 letters, digits, spaces and _ . : / = + - @")
    return errors


def cidr_errors(value: Any, label: str, low: int = 0, high: int = 32, source: str = "") -> list[str]:
    """An IPv4 CIDR block without host bits, with a prefix length from ``low`` to ``high``."""
    try:
        network = ipaddress.ip_network(str(value), strict=True)
    except ValueError as error:
        return [f"{label}: {show(value)} is not an IPv4 CIDR block ({error})"]
    if network.version != 4:
        return [f"{label}: {show(value)} is not an IPv4 CIDR block"]
    if not low <= network.prefixlen <= high:
        return [f"{label}: {value} must have a prefix length from /{low} to /{high}" + (f" ({source})" if source else "")]
    return []


def _id_errors(values: Any, kind: str, label: str) -> list[str]:
    values = values if isinstance(values, (list, tuple)) else [values]
    pattern = re.compile(f"^{_IDS[kind]}$")
    return [f"{label}: {show(v)} is not a {kind} id ({kind}-<hex>)" for v in values if v and not pattern.match(str(v))]


# ---------------------------------------------------------------------------------------------------------------
# Names.

def name_prefix_errors(project: Any, env: Any, prefix: Any = None) -> list[str]:
    """hasura_blog_project and hasura_blog_env: lowercase letters, digits and inner hyphens, short enough together
    that every name the roles make from "<project>-<env>" stays within its AWS limit (DERIVED_NAMES)."""
    errors: list[str] = []
    project, env = str(project), str(env)
    if not _LOWER_NAME.match(project) or not project[:1].isalpha():
        errors.append(f"hasura_blog_project is {show(project)}; it must be lowercase letters, digits and single inner "
                      "hyphens, starting with a letter (RDS DBInstanceIdentifier: first character a letter, no two "
                      "consecutive hyphens; RDS stores identifiers in lowercase)")
    if project == "internal" or project.startswith("internal-"):
        errors.append("hasura_blog_project must not be internal or start with internal-: the load balancer name "
                      "<project>-<env>-alb may not begin with internal- (ELBv2 CreateLoadBalancer Name)")
    if not _LOWER_NAME.match(env):
        errors.append(f"hasura_blog_env is {show(env)}; it must be lowercase letters, digits and single inner hyphens "
                      "(it is part of every resource name: RDS DBInstanceIdentifier allows no two consecutive "
                      "hyphens and stores identifiers in lowercase)")
    if errors:
        return errors
    derived = f"{project}-{env}"
    if prefix not in (None, UNDEFINED, "") and str(prefix) != derived:
        return _prefix_errors(str(prefix), "hasura_blog_name_prefix")
    if len(derived) <= MAX_PREFIX:
        return []
    suffix, limit, source, what = min(DERIVED_NAMES, key=lambda d: d[1] - len(d[0]))
    longest_env = MAX_PREFIX - len(project) - 1
    example = f"{derived}{suffix}"
    if longest_env < 1:
        return [f"hasura_blog_project {show(project)} is {len(project)} characters; it may be at most "
                f"{MAX_PREFIX - 2}, so that with a hasura_blog_env of 1 character the {what} {example} stays within "
                f"AWS's {limit} characters ({source})"]
    return [f"hasura_blog_env {show(env)} is {len(env)} characters; with hasura_blog_project {project} "
            f"({len(project)} characters) it must be 1-{longest_env} characters, so that the {what} {example} "
            f"({len(example)} characters) stays within AWS's {limit} ({source}). Resource names are "
            f"<project>-<env>-<component>, and <project>-<env> may be at most {MAX_PREFIX} characters"]


def _prefix_errors(prefix: str, label: str) -> list[str]:
    errors = []
    if not _LOWER_NAME.match(prefix) or not prefix[:1].isalpha():
        errors.append(f"{label} is {show(prefix)}; it must be lowercase letters, digits and single inner hyphens, "
                      "starting with a letter (RDS DBInstanceIdentifier)")
    if len(prefix) > MAX_PREFIX:
        suffix, limit, source, what = min(DERIVED_NAMES, key=lambda d: d[1] - len(d[0]))
        errors.append(f"{label} {prefix} is {len(prefix)} characters; it must be 1-{MAX_PREFIX}, so that the {what} "
                      f"{prefix}{suffix} stays within AWS's {limit} ({source})")
    return errors


def _made_name_errors(value: str, pattern: re.Pattern, limit: int, what: str, label: str, rule: str,
                      source: str) -> list[str]:
    """A name a role makes (or the user sets): within ``limit`` characters and matching ``pattern``."""
    if len(value) <= limit and pattern.match(value):
        return []
    return [f"the {what} {show(value)} (from {label}) is {len(value)} characters; AWS allows {rule} ({source})"]


def region_errors(region: Any, label: str = "hasura_blog_aws_region") -> list[str]:
    region = str(region)
    if _REGION.match(region):
        return []
    hint = f" ({region} looks like an availability zone; the region is {region[:-1]})" if _REGION.match(region[:-1]) else ""
    return [f"{label} is {show(region)}; it must be an AWS region code such as us-east-1 or eu-central-1{hint} "
            "(AWS Regions: <area>-<direction>-<number>)"]


def availability_zone_errors(azs: Any, region: Any, label: str) -> list[str]:
    """At least two distinct zones, each the region's name and one letter (us-east-1a)."""
    azs = list(azs) if isinstance(azs, (list, tuple)) else [azs]
    errors: list[str] = []
    if len(azs) < 2:
        errors.append(f"{label} is {show(azs)}; it needs at least two availability zones: an Application Load "
                      "Balancer needs subnets in two (ELBv2 CreateLoadBalancer Subnets), and so does the DB subnet "
                      "group (RDS CreateDBSubnetGroup)")
    for az in sorted({str(a) for a in azs if azs.count(a) > 1}):
        errors.append(f"{label} lists {az} more than once; each availability zone gets one public and one private subnet")
    pattern = re.compile(rf"^{re.escape(str(region))}[a-z]$")
    for az in azs:
        if not pattern.match(str(az)):
            errors.append(f"{label}: {show(az)} is not an availability zone of {region}; zones of a region are its "
                          f"name and one letter, such as {region}a (EC2 DescribeAvailabilityZones ZoneName)")
    return errors


# ---------------------------------------------------------------------------------------------------------------
# RDS windows.

def backup_window_minutes(window: str) -> tuple[int, int] | None:
    """(start, length) in minutes of a daily hh24:mi-hh24:mi window, which may cross midnight; None if malformed."""
    match = _BACKUP_WINDOW.match(str(window))
    if not match:
        return None
    start = int(match.group(1)) * 60 + int(match.group(2))
    end = int(match.group(3)) * 60 + int(match.group(4))
    return start, (end - start) % _DAY


def maintenance_window_minutes(window: str) -> tuple[int, int] | None:
    """(start, length) in minutes from Monday 00:00 of a weekly ddd:hh24:mi-ddd:hh24:mi window, which may cross
    the end of the week (sun to mon); None if malformed."""
    match = _MAINTENANCE_WINDOW.match(str(window))
    if not match or match.group(1) not in _DAYS or match.group(4) not in _DAYS:
        return None
    start = _DAYS.index(match.group(1)) * _DAY + int(match.group(2)) * 60 + int(match.group(3))
    end = _DAYS.index(match.group(4)) * _DAY + int(match.group(5)) * 60 + int(match.group(6))
    return start, (end - start) % _WEEK


def _spans(start: int, length: int, period: int) -> list[tuple[int, int]]:
    """[start, start + length) on a circle of ``period`` minutes, as plain intervals."""
    start %= period
    if start + length <= period:
        return [(start, start + length)]
    return [(start, period), (0, start + length - period)]


def windows_overlap(backup_window: str, maintenance_window: str) -> bool:
    """True when the daily backup window shares at least a minute with the weekly maintenance window.

    The backup window recurs every day, so each of its seven occurrences is compared with the maintenance window
    on the week's circle: a backup window may cross midnight (23:30-00:30), and a maintenance window may cross the
    end of the week (sun:23:30-mon:00:30). Windows that only touch (03:00-04:00 and mon:04:00-mon:05:00) do not
    overlap. Raises ValueError for a malformed window.
    """
    backup = backup_window_minutes(backup_window)
    maintenance = maintenance_window_minutes(maintenance_window)
    if backup is None or maintenance is None:
        raise ValueError(f"malformed window: {backup_window!r} or {maintenance_window!r}")
    weekly = _spans(*maintenance, _WEEK)
    for day in range(7):
        for b_start, b_end in _spans(day * _DAY + backup[0], backup[1], _WEEK):
            if any(max(b_start, m_start) < min(b_end, m_end) for m_start, m_end in weekly):
                return True
    return False


def rds_window_errors(backup: Any, maintenance: Any, names: Any = None) -> list[str]:
    name = names if callable(names) else _Names(names)
    errors: list[str] = []
    parsed_backup = backup_window_minutes(str(backup))
    if parsed_backup is None:
        errors.append(f"{name('rds_backup_window')} {show(backup)} is not hh24:mi-hh24:mi in UTC, such as 03:00-04:00 "
                      "(RDS PreferredBackupWindow)")
    elif parsed_backup[1] < 30:
        errors.append(f"{name('rds_backup_window')} {backup} is {parsed_backup[1]} minutes; it must be at least 30 "
                      "(RDS PreferredBackupWindow)")
    parsed_maintenance = maintenance_window_minutes(str(maintenance))
    if parsed_maintenance is None:
        errors.append(f"{name('rds_maintenance_window')} {show(maintenance)} is not ddd:hh24:mi-ddd:hh24:mi in UTC "
                      "with lowercase days mon, tue, wed, thu, fri, sat, sun, such as mon:04:00-mon:05:00 "
                      "(RDS PreferredMaintenanceWindow)")
    elif parsed_maintenance[1] < 30:
        errors.append(f"{name('rds_maintenance_window')} {maintenance} is {parsed_maintenance[1]} minutes; it must be "
                      "at least 30 (RDS PreferredMaintenanceWindow)")
    if not errors and windows_overlap(str(backup), str(maintenance)):
        errors.append(f"{name('rds_backup_window')} {backup} (every day) overlaps {name('rds_maintenance_window')} "
                      f"{maintenance}; they must not overlap, though they may touch (RDS PreferredBackupWindow, "
                      "PreferredMaintenanceWindow)")
    return errors


# ---------------------------------------------------------------------------------------------------------------
# Secrets: which rules a value breaks, never the value.

def password_rules(password: Any, label: str = "hasura_blog_db_password") -> list[str]:
    """The RDS for PostgreSQL master password rules that ``password`` breaks (RDS MasterUserPassword)."""
    password = "" if password in (None, UNDEFINED) else str(password)
    errors: list[str] = []
    if not 8 <= len(password) <= 128:
        errors.append(f"{label} has {len(password)} characters; RDS for PostgreSQL needs 8-128 (RDS MasterUserPassword)")
    if re.search(r"[/\"@ ]", password):
        errors.append(f"{label} contains a character RDS forbids (/ \" @ or space) (RDS MasterUserPassword)")
    if any(not 0x20 <= ord(c) <= 0x7E for c in password):
        errors.append(f"{label} contains a character that is not printable ASCII (RDS MasterUserPassword)")
    return errors


def missing_secrets(secrets: Mapping[str, Any], env: Any) -> list[str]:
    """One message naming every secret variable that is missing or empty, and where the vault keeps them."""
    missing = [name for name, value in secrets.items() if value in (None, "", UNDEFINED)]
    if not missing:
        return []
    env = env if env not in (None, "", UNDEFINED) else "<env>"
    return [f"missing secrets: {', '.join(missing)}. They belong in the vault-encrypted "
            f"secrets/{env}.yml (or the file hasura_blog_secrets_file names): create it with make secrets ENV={env} "
            f"(or add them with ansible-vault edit), and run with its vault id (--vault-id {env}@prompt)"]


def secret_length_errors(value: Any, label: str, low: int, why: str) -> list[str]:
    length = len(str(value)) if value not in (None, UNDEFINED) else 0
    return [] if length >= low else [f"{label} has {length} characters; it needs at least {low} ({why})"]


# ---------------------------------------------------------------------------------------------------------------
# Images.

def parse_image(image: str) -> dict[str, str] | None:
    """Split an image reference the way Docker normalises it: [domain/]path[:tag][@digest]. The first component is
    a registry domain when it holds a . or a : or is localhost; every path component is lowercase. None when the
    reference does not follow the grammar."""
    rest, _at, digest = image.partition("@")
    name, tag = rest, ""
    if ":" in rest.rsplit("/", 1)[-1]:
        name, tag = rest.rsplit(":", 1)
    domain, path = "", name
    first, slash, remainder = name.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost"):
        domain, path = first, remainder
    if domain and not _DOMAIN_RE.match(domain):
        return None
    if not _PATH_RE.match(path) or (tag and not _TAG_RE.match(tag)) or ("@" in image and not digest):
        return None
    if digest and not _DIGEST_RE.match(digest):
        return None
    return {"domain": domain, "path": path, "tag": tag, "digest": digest}


def image_errors(image: Any, label: str, pinned: bool = False) -> list[str]:
    """An image reference ECS can pull: [registry/]repository[:tag][@sha256:digest] (ECS ContainerDefinition image,
    Docker reference grammar): no whitespace, a lowercase repository, a tag of up to 128 of [A-Za-z0-9_.-]."""
    image = str(image)
    source = "ECS ContainerDefinition image; Docker reference [registry/]repository[:tag][@sha256:digest]"
    if not image:
        return [f"{label} is empty; it must name an image ({source})"]
    if re.search(r"\s", image):
        return [f"{label} {show(image)} contains whitespace; an image reference has none ({source})"]
    before_digest = image.split("@", 1)[0]
    if len(before_digest) > 255:
        return [f"{label} is {len(before_digest)} characters before any digest; ECS allows 255 ({source})"]
    parsed = parse_image(image)
    if parsed is None:
        return [f"{label} {show(image)} is not an image reference: the repository path is lowercase letters, digits "
                f"and separators (. _ __ -), a tag up to 128 of A-Z a-z 0-9 _ . -, a digest sha256:<64 hex> ({source})"]
    if pinned and not (parsed["tag"] or parsed["digest"]):
        return [f"{label} {image} must be pinned by a tag or a digest (repository:tag or repository@sha256:...)"]
    if pinned and parsed["tag"] == "latest" and not parsed["digest"]:
        return [f"{label} {image} is tagged latest, which moves; pin a version tag or a digest"]
    return []


def ecr_image(image: Any) -> dict[str, str] | None:
    """The registry id, region, repository and tag or digest of an image in an Amazon ECR private registry, or
    None for an image elsewhere (Docker Hub, ECR Public, ...)."""
    match = _ECR.match(str(image))
    if not match:
        return None
    return {key: match.group(key) or "" for key in ("registry_id", "region", "repository", "tag", "digest")}


def ecr_images(images: Mapping[str, Any]) -> list[dict[str, str]]:
    """For variable -> image, the images that are in ECR, each with its ``variable`` and ``image``."""
    found = []
    for variable, image in images.items():
        parsed = ecr_image(image)
        if parsed is not None:
            found.append({"variable": variable, "image": str(image), **parsed})
    return found


def health_check_errors(command: Any, label: str) -> list[str]:
    if not isinstance(command, (list, tuple)) or len(command) < 2 or command[0] not in ("CMD", "CMD-SHELL"):
        return [f"{label} is {show(command)}; it must be [CMD, <executable>, <args>...] or [CMD-SHELL, <command>] "
                "(ECS HealthCheck command)"]
    if any(not str(part).strip() for part in command[1:]):
        return [f"{label} has an empty argument (ECS HealthCheck command)"]
    return []


def deployment_errors(minimum: Any, maximum: Any, counts: Mapping[str, Any], names: Any = None) -> list[str]:
    """ECS DeploymentConfiguration: minimumHealthyPercent 0-100, maximumPercent at least 100, and room for a rolling
    deployment to start a new task: floor(count * maximum%) > ceil(count * minimum%)."""
    name = names if callable(names) else _Names(names)
    errors = (int_range_errors(minimum, name("ecs_services_minimum_healthy_percent"), 0, 100,
                               "ECS DeploymentConfiguration minimumHealthyPercent")
              + int_range_errors(maximum, name("ecs_services_maximum_percent"), 100, None,
                                 "ECS DeploymentConfiguration maximumPercent"))
    if errors:
        return errors
    low, high = as_int(minimum), as_int(maximum)
    for option, count in counts.items():
        tasks = as_int(count)
        if tasks and math.floor(tasks * high / 100) <= math.ceil(tasks * low / 100):
            errors.append(f"{name('ecs_services_maximum_percent')} {high} and {name('ecs_services_minimum_healthy_percent')} "
                          f"{low} leave no room to replace a task of {name(option)} {tasks}: a deployment may run at "
                          f"most floor({tasks} x {high}%) and must keep ceil({tasks} x {low}%) running, so it could "
                          "never start a new task (ECS DeploymentConfiguration)")
    return errors


# ---------------------------------------------------------------------------------------------------------------
# The checks of each role. ``s`` holds the role's options, already of the right type (argument_errors passed);
# ``context`` holds what the role derives or reads from the project: region, env, the names the role makes.

def project_errors(s: Mapping[str, Any], names: Mapping[str, str] | None = None,
                   context: Mapping[str, Any] | None = None) -> list[str]:
    """group_vars/all and the inventory: hasura_blog_project, hasura_blog_env, hasura_blog_aws_region, ..."""
    errors = argument_errors(PROJECT_OPTIONS, s)
    if errors:
        return errors
    errors += name_prefix_errors(s["hasura_blog_project"], s["hasura_blog_env"], s.get("hasura_blog_name_prefix"))
    errors += region_errors(s["hasura_blog_aws_region"])
    endpoint = s.get("hasura_blog_aws_endpoint_url", UNDEFINED)
    if endpoint not in (None, "", UNDEFINED) and not _URL.match(str(endpoint)):
        errors.append(f"hasura_blog_aws_endpoint_url is {show(endpoint)}; it must be an http:// or https:// URL")
    return errors


PROJECT_OPTIONS: dict[str, dict[str, Any]] = {
    "hasura_blog_project": {"type": "str", "required": True},
    "hasura_blog_env": {"type": "str", "required": True},
    "hasura_blog_aws_region": {"type": "str", "required": True},
    "hasura_blog_azs": {"type": "list", "elements": "str"},
    "hasura_blog_state": {"type": "str", "choices": ["present", "absent"]},
    "hasura_blog_tags": {"type": "dict", "required": True},
    "hasura_blog_name_prefix": {"type": "str"},
    "hasura_blog_poll_delay": {"type": "int"},
    "hasura_blog_aws_endpoint_url": {"type": "str"},
    "hasura_blog_destroy_protected": {"type": "bool"},
    "hasura_blog_console": {"type": "bool"},
}


def vpc_errors(s: Mapping[str, Any], names: Mapping[str, str] | None = None,
               context: Mapping[str, Any] | None = None) -> list[str]:
    name, context = _Names(names), context or {}
    region = context.get("region", "")
    errors = tag_errors(s["vpc_tags"], name("vpc_tags"))
    errors += cidr_errors(s["vpc_cidr"], name("vpc_cidr"), 16, 28, "VPC CIDR blocks: /16 to /28")
    azs = list(s["vpc_azs"])
    errors += availability_zone_errors(azs, region, name("vpc_azs"))
    vpc = None if cidr_errors(s["vpc_cidr"], "") else ipaddress.ip_network(str(s["vpc_cidr"]))
    subnets: list[tuple[str, str, ipaddress.IPv4Network]] = []
    for option in ("vpc_public_subnet_cidrs", "vpc_private_subnet_cidrs"):
        cidrs = list(s[option])
        if len(cidrs) != len(azs):
            errors.append(f"{name(option)} has {len(cidrs)} CIDRs for {len(azs)} availability zones in "
                          f"{name('vpc_azs')}; give one per zone, in the same order")
        for cidr in cidrs:
            problems = cidr_errors(cidr, name(option), 16, 28, "subnet CIDR blocks: /16 to /28")
            errors += problems
            if problems:
                continue
            network = ipaddress.ip_network(str(cidr))
            if vpc is not None and not network.subnet_of(vpc):
                errors.append(f"{name(option)}: {cidr} is not inside the VPC CIDR {s['vpc_cidr']} ({name('vpc_cidr')})")
            subnets.append((option, str(cidr), network))
    for index, (option_a, cidr_a, net_a) in enumerate(subnets):
        for option_b, cidr_b, net_b in subnets[index + 1:]:
            if net_a.overlaps(net_b):
                errors.append(f"subnets {cidr_a} ({name(option_a)}) and {cidr_b} ({name(option_b)}) overlap")
    if as_bool(s["vpc_dns_hostnames"]) and not as_bool(s["vpc_dns_support"]):
        errors.append(f"{name('vpc_dns_hostnames')} is true but {name('vpc_dns_support')} is false; AWS enables DNS "
                      "hostnames only with DNS support (EC2 ModifyVpcAttribute)")
    ports = s["vpc_public_ingress_ports"]
    errors += port_errors(ports, name("vpc_public_ingress_ports"), "EC2 CreateNetworkAclEntry PortRange")
    for port in sorted({as_int(p) for p in (ports if isinstance(ports, (list, tuple)) else [ports])} & {22, 3389}):
        errors.append(f"{name('vpc_public_ingress_ports')} lists port {port}: a network ACL that admits SSH or RDP from "
                      "anywhere is a finding (AWS Foundational Security Best Practices EC2.21), and nothing here listens on it")
    group = str(s.get("vpc_flow_logs_log_group", "/vpc/flow-logs"))
    if not _LOG_GROUP.match(group) or group.startswith("aws/"):
        errors.append(f"{name('vpc_flow_logs_log_group')} is {show(group)}; it must be 1-512 of A-Z a-z 0-9 _ - / . # and "
                      "not start with aws/ (CloudWatch Logs CreateLogGroup logGroupName)")
    if as_int(s.get("vpc_flow_logs_retention_days", 90)) not in LOG_RETENTION_DAYS:
        errors.append(f"{name('vpc_flow_logs_retention_days')} is {s['vpc_flow_logs_retention_days']}; it must be one of "
                      f"{', '.join(map(str, LOG_RETENTION_DAYS))} (CloudWatch Logs PutRetentionPolicy retentionInDays)")
    errors += _positive_delay(s["vpc_poll_delay"], name("vpc_poll_delay"))
    errors += _timeout(s["vpc_dependency_timeout"], name("vpc_dependency_timeout"))
    return errors


def nat_errors(s: Mapping[str, Any], names: Mapping[str, str] | None = None,
               context: Mapping[str, Any] | None = None) -> list[str]:
    name = _Names(names)
    errors = tag_errors(s["nat_tags"], name("nat_tags"))
    zones = len(s["nat_azs"])
    count = as_int(s["nat_gateway_count"])
    if count not in (1, zones):
        errors.append(f"{name('nat_gateway_count')} is {count}; it must be 1 (a single NAT gateway) or {zones} "
                      f"(one per AZ)")
    errors += _id_errors(s.get("nat_vpc_id"), "vpc", name("nat_vpc_id"))
    errors += _id_errors(s.get("nat_internet_gateway_id"), "igw", name("nat_internet_gateway_id"))
    errors += _id_errors(s.get("nat_public_subnet_ids") or [], "subnet", name("nat_public_subnet_ids"))
    errors += _id_errors(s.get("nat_private_subnet_ids") or [], "subnet", name("nat_private_subnet_ids"))
    errors += _timeout(s["nat_wait_timeout"], name("nat_wait_timeout"))
    errors += _positive_delay(s["nat_poll_delay"], name("nat_poll_delay"))
    return errors


# The ports the containers listen on (ecs_services vars/main.yml) and the PostgreSQL port the rds role keeps.
CONTAINER_PORTS = {"Next.js": 3000, "Hasura": 8080}
POSTGRES_PORT = 5432


def security_groups_errors(s: Mapping[str, Any], names: Mapping[str, str] | None = None,
                           context: Mapping[str, Any] | None = None) -> list[str]:
    name, context = _Names(names), context or {}
    errors = tag_errors(s["security_groups_tags"], name("security_groups_tags"))
    source = "EC2 AuthorizeSecurityGroupIngress FromPort/ToPort"
    errors += port_errors(s["security_groups_alb_ports"], name("security_groups_alb_ports"), source)
    errors += port_errors(s["security_groups_ecs_ports"], name("security_groups_ecs_ports"), source)
    errors += port_errors([s["security_groups_rds_port"]], name("security_groups_rds_port"), source)
    ecs_ports = [as_int(p) for p in s["security_groups_ecs_ports"]]
    for app, port in CONTAINER_PORTS.items():
        if port not in ecs_ports:
            errors.append(f"{name('security_groups_ecs_ports')} lacks {port}, the port the {app} containers listen on")
    if as_int(s["security_groups_rds_port"]) not in (None, POSTGRES_PORT):
        errors.append(f"{name('security_groups_rds_port')} is {s['security_groups_rds_port']}; the database listens on "
                      f"{POSTGRES_PORT} (the rds role keeps RDS for PostgreSQL's default port)")
    for cidr in s["security_groups_alb_cidrs"]:
        errors += cidr_errors(cidr, name("security_groups_alb_cidrs"), 0, 32, "EC2 IpRange CidrIp")
    for group in context.get("group_names", []):
        errors += _made_name_errors(str(group), re.compile(r"^(?!sg-)[A-Za-z0-9 ._\-:/()#,@\[\]+=&;{}!$*]{1,255}$"),
                                    255, "security group name", name("security_groups_name_prefix"),
                                    "1-255 characters, not starting with sg-", "EC2 CreateSecurityGroup GroupName")
    errors += _id_errors(s.get("security_groups_vpc_id"), "vpc", name("security_groups_vpc_id"))
    errors += _positive_delay(s["security_groups_poll_delay"], name("security_groups_poll_delay"))
    errors += _timeout(s["security_groups_dependency_timeout"], name("security_groups_dependency_timeout"))
    return errors


def rds_errors(s: Mapping[str, Any], names: Mapping[str, str] | None = None,
               context: Mapping[str, Any] | None = None) -> list[str]:
    name, context = _Names(names), context or {}
    errors = tag_errors(s["rds_tags"], name("rds_tags"))
    errors += admin_arn_errors(s.get("rds_secret_admins", []), name("rds_secret_admins"))
    identifier = str(s["rds_identifier"])
    errors += _made_name_errors(identifier, _RDS_IDENTIFIER, 63, "DB instance identifier", name("rds_identifier"),
                                "1-63 letters, digits and hyphens, starting with a letter, no two consecutive "
                                "hyphens, not ending with one", "RDS DBInstanceIdentifier")
    subnet_group = str(context.get("subnet_group_name", ""))
    if subnet_group:
        errors += _made_name_errors(subnet_group, re.compile(r"^(?!default$)[A-Za-z0-9._ -]{1,255}$"), 255,
                                    "DB subnet group name", name("rds_name_prefix"),
                                    "1-255 letters, digits, periods, underscores, spaces and hyphens, not default",
                                    "RDS CreateDBSubnetGroup DBSubnetGroupName")
    errors += _made_name_errors(str(s["rds_parameter_group_name"]),
                                re.compile(r"^(?!default)[A-Za-z](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,254}$"), 255,
                                "DB parameter group name", name("rds_parameter_group_name"),
                                "1-255 letters, digits and hyphens, starting with a letter, no two consecutive hyphens, "
                                "not ending with one, not starting with default", "RDS CreateDBParameterGroup DBParameterGroupName")
    version = str(s["rds_engine_version"])
    if not _ENGINE_VERSION.match(version):
        errors.append(f"{name('rds_engine_version')} is {show(version)}; it must be a PostgreSQL version MAJOR.MINOR "
                      "such as 15.15 (RDS EngineVersion; the preflight checks that AWS offers it)")
    if not _INSTANCE_CLASS.match(str(s["rds_instance_class"])):
        errors.append(f"{name('rds_instance_class')} is {show(s['rds_instance_class'])}; it must be a DB instance class "
                      "such as db.t3.micro or db.m6g.large (RDS DBInstanceClass: db.<family>.<size>)")
    storage_type = str(s["rds_storage_type"])
    if storage_type not in STORAGE_TYPES:
        reason = (" needs provisioned IOPS (RDS Iops), which the rds role does not set" if storage_type in STORAGE_RANGES
                  else " is not an RDS storage type")
        errors.append(f"{name('rds_storage_type')} {storage_type}{reason}; use one of {', '.join(STORAGE_TYPES)} "
                      "(RDS StorageType)")
    else:
        low, high = STORAGE_RANGES[storage_type]
        size_errors = int_range_errors(s["rds_allocated_storage"], name("rds_allocated_storage"), low, high,
                                       f"RDS AllocatedStorage in GiB for {storage_type} storage on RDS for PostgreSQL")
        errors += size_errors
        allocated, maximum = as_int(s["rds_allocated_storage"]), as_int(s["rds_max_allocated_storage"])
        least = -(-allocated * 11 // 10) if allocated is not None else low
        if not size_errors and (maximum is None or not least <= maximum <= high):
            errors.append(f"{name('rds_max_allocated_storage')} is {show(s['rds_max_allocated_storage'])}; with "
                          f"{name('rds_allocated_storage')} {allocated} it must be {least}-{high}: storage autoscaling "
                          f"needs a limit at least 10% above the allocated storage, within {storage_type}'s maximum "
                          "(RDS MaxAllocatedStorage)")
    errors += int_range_errors(s["rds_backup_retention_days"], name("rds_backup_retention_days"), 0, 35,
                               "RDS BackupRetentionPeriod")
    errors += rds_window_errors(s["rds_backup_window"], s["rds_maintenance_window"], name)
    exports = list(s["rds_cloudwatch_logs_exports"])
    for log in exports:
        if log not in POSTGRES_LOG_EXPORTS:
            reason = (" needs IAM database authentication, which the rds role does not turn on"
                      if log == "iam-db-auth-error" else " is not a log type of RDS for PostgreSQL")
            errors.append(f"{name('rds_cloudwatch_logs_exports')}: {show(log)}{reason}; use postgresql and/or upgrade "
                          "(RDS EnableCloudwatchLogsExports)")
    for log in sorted({log for log in exports if exports.count(log) > 1}):
        errors.append(f"{name('rds_cloudwatch_logs_exports')} lists {log} more than once")
    if s["rds_ca_certificate_identifier"] not in RDS_CAS:
        errors.append(f"{name('rds_ca_certificate_identifier')} is {show(s['rds_ca_certificate_identifier'])}; it must "
                      f"be one of {', '.join(RDS_CAS)} (RDS CACertificateIdentifier; rds-ca-2019 expired in 2024)")
    db_name = str(s["rds_db_name"])
    if not _DB_NAME.match(db_name):
        errors.append(f"{name('rds_db_name')} is {show(db_name)}; it must be 1-63 letters, digits and underscores, "
                      "starting with a letter (RDS DBName for PostgreSQL)")
    elif db_name.lower() in POSTGRES_RESERVED | RDS_EXISTING_DATABASES:
        errors.append(f"{name('rds_db_name')} {db_name} is a PostgreSQL reserved word or a database RDS keeps "
                      "(RDS DBName: can't be a word reserved by the engine)")
    user = str(s["rds_master_username"])
    if not _DB_USER.match(user):
        errors.append(f"{name('rds_master_username')} is {show(user)}; it must be 1-16 letters, digits and "
                      "underscores, starting with a letter (RDS MasterUsername)")
    elif user.lower() in POSTGRES_RESERVED | RDS_RESERVED_USERS or user.lower().startswith("pg_"):
        errors.append(f"{name('rds_master_username')} {user} is reserved: a PostgreSQL reserved word, a role RDS "
                      "creates (rdsadmin, rds_superuser, ...), public, or a pg_ name (RDS MasterUsername: can't be a "
                      "word reserved by the engine)")
    if s.get("rds_state", "present") == "present":
        password = s.get("rds_master_password")
        missing = missing_secrets({name("rds_master_password"): password}, context.get("env"))
        errors += missing or password_rules(password, name("rds_master_password"))
    secret_name = str(s["rds_master_password_secret"])
    if not _SECRET_NAME.match(secret_name):
        errors.append(f"{name('rds_master_password_secret')} is {show(secret_name)}; it must be 1-512 letters, digits "
                      "and / _ + = . @ - (Secrets Manager CreateSecret Name)")
    errors += _id_errors(s.get("rds_subnet_ids") or [], "subnet", name("rds_subnet_ids"))
    errors += _id_errors(s.get("rds_security_group_ids") or [], "sg", name("rds_security_group_ids"))
    errors += _timeout(s["rds_wait_timeout"], name("rds_wait_timeout"))
    errors += _positive_delay(s["rds_poll_delay"], name("rds_poll_delay"))
    return errors


def alb_errors(s: Mapping[str, Any], names: Mapping[str, str] | None = None,
               context: Mapping[str, Any] | None = None) -> list[str]:
    name, context = _Names(names), context or {}
    errors = tag_errors(s["alb_tags"], name("alb_tags"))
    rule = "1-32 letters, digits and hyphens, not starting or ending with a hyphen"
    alb_name = str(s["alb_name"])
    errors += _made_name_errors(alb_name, _ELB_NAME, 32, "load balancer name", name("alb_name"), rule,
                                "ELBv2 CreateLoadBalancer Name")
    if alb_name.startswith("internal-"):
        errors.append(f"{name('alb_name')} {alb_name} starts with internal-, which AWS reserves "
                      "(ELBv2 CreateLoadBalancer Name)")
    for group in context.get("target_group_names", []):
        errors += _made_name_errors(str(group), _ELB_NAME, 32, "target group name", name("alb_name_prefix"), rule,
                                    "ELBv2 CreateTargetGroup Name")
    ports = {option: s[option] for option in ("alb_http_port", "alb_console_port", "alb_nextjs_port", "alb_hasura_port")}
    for option, port in ports.items():
        errors += port_errors([port], name(option), "ELBv2 CreateListener/CreateTargetGroup Port")
    if as_int(ports["alb_http_port"]) == as_int(ports["alb_console_port"]):
        errors.append(f"{name('alb_http_port')} and {name('alb_console_port')} are both {ports['alb_http_port']}; "
                      "a load balancer has one listener per port (ELBv2 CreateListener: DuplicateListener)")
    paths = list(s["alb_hasura_paths"])
    if not 1 <= len(paths) <= 5:
        errors.append(f"{name('alb_hasura_paths')} has {len(paths)} path patterns; it needs one to five "
                      "(one ELBv2 path-pattern condition holds at most five values)")
    for path in paths:
        if not _PATH_PATTERN.match(str(path)) or not str(path).startswith("/"):
            errors.append(f"{name('alb_hasura_paths')}: {show(path)} must start with / and be up to 128 of "
                          "A-Z a-z 0-9 _ - . $ / ~ \" ' @ : + & and the wildcards * ? (ELBv2 PathPatternConditionConfig)")
    for option in ("alb_nextjs_health_check_path", "alb_hasura_health_check_path"):
        path = str(s[option])
        if not 1 <= len(path) <= 1024 or not path.startswith("/") or re.search(r"\s", path):
            errors.append(f"{name(option)} is {show(path)}; it must be a path of 1-1024 characters starting with / "
                          "(ELBv2 CreateTargetGroup HealthCheckPath)")
    errors += int_range_errors(s["alb_deregistration_delay"], name("alb_deregistration_delay"), 0, 3600,
                               "ELBv2 target group attribute deregistration_delay.timeout_seconds")
    bucket = str(s.get("alb_access_logs_bucket") or "")
    if bucket:
        errors += bucket_name_errors(bucket, name("alb_access_logs_bucket"))
    prefix = str(s.get("alb_access_logs_prefix") or "")
    if prefix.startswith("/") or prefix.endswith("/") or "AWSLogs" in prefix or len(prefix) > 512:
        errors.append(f"{name('alb_access_logs_prefix')} is {show(prefix)}; it must not start or end with / nor contain "
                      "AWSLogs (ELBv2 load balancer attribute access_logs.s3.prefix)")
    errors += int_range_errors(s.get("alb_access_logs_retention_days", 90), name("alb_access_logs_retention_days"), 1, None,
                               "S3 lifecycle rule Expiration Days")
    errors += waf_errors(s.get("alb_waf_managed_rule_groups", []), s.get("alb_waf_counted_rules", {}),
                         s.get("alb_waf_rate_limit", 2000),
                         {"groups": name("alb_waf_managed_rule_groups"), "counted": name("alb_waf_counted_rules"),
                          "rate_limit": name("alb_waf_rate_limit")})
    keys = ("domain", "hosted_zone", "certificate_arn", "https_port", "http_port", "console_port", "ssl_policy")
    https = {key: s.get(f"alb_{key}") for key in keys}
    https["allow_plain_http"] = bool(s.get("alb_allow_plain_http", True))
    https["ssl_policy"] = s.get("alb_ssl_policy", "ELBSecurityPolicy-TLS13-1-2-2021-06")
    errors += https_errors(https, {key: name(f"alb_{key}") for key in list(https)})
    errors += _id_errors(s.get("alb_vpc_id"), "vpc", name("alb_vpc_id"))
    errors += _id_errors(s.get("alb_subnet_ids") or [], "subnet", name("alb_subnet_ids"))
    errors += _id_errors(s.get("alb_security_group_ids") or [], "sg", name("alb_security_group_ids"))
    errors += _positive_delay(s["alb_poll_delay"], name("alb_poll_delay"))
    errors += _timeout(s["alb_dependency_timeout"], name("alb_dependency_timeout"))
    return errors


# The services of the ecs_services role: ecs_cluster makes one log group for each.
SERVICE_KEYS = ("hasura", "nextjs")


def ecs_cluster_errors(s: Mapping[str, Any], names: Mapping[str, str] | None = None,
                       context: Mapping[str, Any] | None = None) -> list[str]:
    name, context = _Names(names), context or {}
    errors = tag_errors(s["ecs_cluster_tags"], name("ecs_cluster_tags"))
    errors += _made_name_errors(str(s["ecs_cluster_name"]), _ECS_NAME, 255, "cluster name", name("ecs_cluster_name"),
                                "1-255 letters, digits, underscores and hyphens", "ECS CreateCluster clusterName")
    providers = list(s["ecs_cluster_capacity_providers"])
    if not providers:
        errors.append(f"{name('ecs_cluster_capacity_providers')} is empty; the default strategy needs one of FARGATE, "
                      "FARGATE_SPOT (ECS PutClusterCapacityProviders)")
    for provider in providers:
        if provider not in CAPACITY_PROVIDERS:
            errors.append(f"{name('ecs_cluster_capacity_providers')}: {show(provider)} is not FARGATE or FARGATE_SPOT "
                          "(ECS PutClusterCapacityProviders capacityProviders; the services run on Fargate)")
    for provider in sorted({p for p in providers if providers.count(p) > 1}):
        errors.append(f"{name('ecs_cluster_capacity_providers')} lists {provider} more than once")
    services = list(s["ecs_cluster_services"])
    for key in SERVICE_KEYS:
        if key not in services:
            errors.append(f"{name('ecs_cluster_services')} lacks {key}; the ecs_services role writes the {key} "
                          "service's logs to its log group")
    for service in sorted({v for v in services if services.count(v) > 1}):
        errors.append(f"{name('ecs_cluster_services')} lists {service} more than once")
    prefix = str(s["ecs_cluster_log_group_prefix"])
    if not prefix.startswith("/") or not _LOG_GROUP.match(prefix):
        errors.append(f"{name('ecs_cluster_log_group_prefix')} is {show(prefix)}; it must start with / and use only "
                      "A-Z a-z 0-9 _ - / . # (CloudWatch Logs CreateLogGroup logGroupName)")
    for group in context.get("log_group_names", []):
        group = str(group)
        if not _LOG_GROUP.match(group) or group.startswith("aws/"):
            errors.append(f"the log group name {show(group)} (from {name('ecs_cluster_log_group_prefix')} and "
                          f"{name('ecs_cluster_services')}) must be 1-512 of A-Z a-z 0-9 _ - / . # and not start with "
                          "aws/ (CloudWatch Logs CreateLogGroup logGroupName)")
    if as_int(s["ecs_cluster_log_retention_days"]) not in LOG_RETENTION_DAYS:
        errors.append(f"{name('ecs_cluster_log_retention_days')} is {s['ecs_cluster_log_retention_days']}; it must be "
                      f"one of {', '.join(map(str, LOG_RETENTION_DAYS))} (CloudWatch Logs PutRetentionPolicy "
                      "retentionInDays)")
    for role in context.get("role_names", []):
        errors += _made_name_errors(str(role), _IAM_ROLE_NAME, 64, "IAM role name", name("ecs_cluster_name_prefix"),
                                    "1-64 letters, digits and + = , . @ _ -", "IAM CreateRole RoleName")
    secrets_prefix = str(s["ecs_cluster_secrets_prefix"])
    if not _SECRET_NAME.match(secrets_prefix + "/x"):
        errors.append(f"{name('ecs_cluster_secrets_prefix')} is {show(secrets_prefix)}; it must be letters, digits "
                      "and / _ + = . @ - (Secrets Manager secret names)")
    errors += _positive_delay(s["ecs_cluster_poll_delay"], name("ecs_cluster_poll_delay"))
    errors += _timeout(s["ecs_cluster_service_linked_role_timeout"], name("ecs_cluster_service_linked_role_timeout"))
    errors += _timeout(s["ecs_cluster_dependency_timeout"], name("ecs_cluster_dependency_timeout"))
    return errors


# The vault secrets of the ecs_services role, with the minimum length each needs and why.
SECRET_MINIMUMS = {
    "ecs_services_admin_secret": (16, "the project's minimum for the Hasura admin secret"),
    "ecs_services_jwt_key": (32, "Hasura: an HS256 key must be at least 32 characters"),
    "ecs_services_nextauth_secret": (16, "the project's minimum for the NextAuth secret"),
}


def ecs_services_errors(s: Mapping[str, Any], names: Mapping[str, str] | None = None,
                        context: Mapping[str, Any] | None = None) -> list[str]:
    name, context = _Names(names), context or {}
    errors = tag_errors(s["ecs_services_tags"], name("ecs_services_tags"))
    errors += admin_arn_errors(s.get("ecs_services_secret_admins", []), name("ecs_services_secret_admins"))
    errors += region_errors(s["ecs_services_region"], name("ecs_services_region"))
    for option in ("ecs_services_hasura_scratch_paths", "ecs_services_nextjs_scratch_paths"):
        paths = [str(path) for path in (s[option] or [])]
        errors += [f"{name(option)}: {path!r} is not an absolute directory other than / (an ECS mount point's "
                   "containerPath)" for path in paths if not path.startswith("/") or path == "/"]
        errors += [f"{name(option)} lists {path} more than once" for path in sorted({p for p in paths if paths.count(p) > 1})]
    errors += _made_name_errors(str(s["ecs_services_cluster"]), _ECS_NAME, 255, "cluster name",
                                name("ecs_services_cluster"), "1-255 letters, digits, underscores and hyphens",
                                "ECS CreateService cluster")
    for service in context.get("service_names", []):
        errors += _made_name_errors(str(service), _ECS_NAME, 255, "service and task definition family name",
                                    name("ecs_services_name_prefix"), "1-255 letters, digits, underscores and hyphens",
                                    "ECS CreateService serviceName, RegisterTaskDefinition family")
    for secret in context.get("secret_names", []):
        if not _SECRET_NAME.match(str(secret)):
            errors.append(f"the secret name {show(secret)} (from {name('ecs_services_secrets_prefix')}) must be 1-512 "
                          "letters, digits and / _ + = . @ - (Secrets Manager CreateSecret Name)")
    cpu = as_int(s["ecs_services_cpu"])
    if cpu not in FARGATE_SIZES:
        errors.append(f"{name('ecs_services_cpu')} is {s['ecs_services_cpu']}; it must be one of "
                      f"{', '.join(map(str, FARGATE_SIZES))} CPU units (Fargate task CPU; the preflight checks that "
                      f"{name('ecs_services_memory')} fits it)")
    errors += int_range_errors(s["ecs_services_memory"], name("ecs_services_memory"), 512, 122880,
                               "Fargate task memory in MiB; the preflight checks that it fits the CPU")
    errors += image_errors(s["ecs_services_hasura_image"], name("ecs_services_hasura_image"), pinned=True)
    if not s.get("ecs_services_nextjs_image"):
        errors.append(f"{name('ecs_services_nextjs_image')} is empty; set the Next.js image in the inventory "
                      "(there is no public one)")
    else:
        errors += image_errors(s["ecs_services_nextjs_image"], name("ecs_services_nextjs_image"))
    for option in ("ecs_services_hasura_health_check", "ecs_services_nextjs_health_check"):
        if s.get(option) is not None:
            errors += health_check_errors(s[option], name(option))
    counts = {option: s[option] for option in ("ecs_services_hasura_desired_count", "ecs_services_nextjs_desired_count")}
    for option, count in counts.items():
        errors += int_range_errors(count, name(option), 0, None, "ECS CreateService desiredCount")
    errors += deployment_errors(s["ecs_services_minimum_healthy_percent"], s["ecs_services_maximum_percent"], counts, name)
    errors += int_range_errors(s["ecs_services_health_check_grace_period"], name("ecs_services_health_check_grace_period"),
                               0, 2147483647, "ECS CreateService healthCheckGracePeriodSeconds")
    if s.get("ecs_services_state", "present") == "present":
        secrets = {name(option): s.get(option) for option in (*SECRET_MINIMUMS, "ecs_services_db_password")}
        missing = missing_secrets(secrets, context.get("env"))
        errors += missing
        if not missing:
            for option, (low, why) in SECRET_MINIMUMS.items():
                errors += secret_length_errors(s[option], name(option), low, why)
            errors += password_rules(s["ecs_services_db_password"], name("ecs_services_db_password"))
    if bool(s.get("ecs_services_registry_username")) != bool(s.get("ecs_services_registry_password")):
        errors.append(f"set both {name('ecs_services_registry_username')} and {name('ecs_services_registry_password')} "
                      "in the vault, or neither (ECS repositoryCredentials needs both in one secret)")
    errors += _id_errors(s.get("ecs_services_subnet_ids") or [], "subnet", name("ecs_services_subnet_ids"))
    errors += _id_errors(s.get("ecs_services_security_group_ids") or [], "sg", name("ecs_services_security_group_ids"))
    for option in ("ecs_services_execution_role_arn", "ecs_services_task_role_arn"):
        if s.get(option) and not _IAM_ROLE_ARN.match(str(s[option])):
            errors.append(f"{name(option)} is {show(s[option])}; it must be an IAM role ARN "
                          "(arn:aws:iam::<account>:role/<name>)")
    errors += _database_errors(s, name)
    created = s.get("ecs_services_roles_created") or []
    if not isinstance(created, list) or any(parse_iso(c) is None for c in created):
        errors.append(f"{name('ecs_services_roles_created')} is {show(created)}; it must be a list of ISO 8601 times "
                      "(IAM CreateDate)")
    for key, arn in (s.get("ecs_services_target_group_arns") or {}).items():
        if not _TARGET_GROUP_ARN.match(str(arn)):
            errors.append(f"{name('ecs_services_target_group_arns')}.{key} is {show(arn)}; it must be a target group ARN")
    errors += _timeout(s["ecs_services_wait_timeout"], name("ecs_services_wait_timeout"))
    errors += _positive_delay(s["ecs_services_poll_delay"], name("ecs_services_poll_delay"))
    errors += _timeout(s["ecs_services_retry_timeout"], name("ecs_services_retry_timeout"))
    errors += _timeout(s["ecs_services_iam_propagation_seconds"], name("ecs_services_iam_propagation_seconds"))
    return errors


def _database_errors(s: Mapping[str, Any], name: _Names) -> list[str]:
    """The database of the URL, from the rds role's wait entry point (facts; checked when set)."""
    errors = []
    if s.get("ecs_services_db_address") and not _HOST_NAME.match(str(s["ecs_services_db_address"])):
        errors.append(f"{name('ecs_services_db_address')} is {show(s['ecs_services_db_address'])}; it must be a host "
                      "name (RDS Endpoint Address)")
    if s.get("ecs_services_db_port") not in (None, ""):
        errors += int_range_errors(s["ecs_services_db_port"], name("ecs_services_db_port"), 1150, 65535,
                                   "RDS Port for PostgreSQL")
    if s.get("ecs_services_db_name") and not _DB_NAME.match(str(s["ecs_services_db_name"])):
        errors.append(f"{name('ecs_services_db_name')} is {show(s['ecs_services_db_name'])}; it must be 1-63 letters, "
                      "digits and underscores, starting with a letter (RDS DBName for PostgreSQL)")
    if s.get("ecs_services_db_username") and not _DB_USER.match(str(s["ecs_services_db_username"])):
        errors.append(f"{name('ecs_services_db_username')} is {show(s['ecs_services_db_username'])}; it must be 1-16 "
                      "letters, digits and underscores, starting with a letter (RDS MasterUsername)")
    return errors


ROLE_CHECKS = {
    "project": project_errors,
    "vpc": vpc_errors,
    "nat": nat_errors,
    "security_groups": security_groups_errors,
    "rds": rds_errors,
    "alb": alb_errors,
    "ecs_cluster": ecs_cluster_errors,
    "ecs_services": ecs_services_errors,
}


def settings_errors(settings: Mapping[str, Any], role: str, names: Mapping[str, str] | None = None,
                    context: Mapping[str, Any] | None = None) -> list[str]:
    """Every problem with a role's settings (or, for role "project", the project-wide ones), or an empty list.

    Run it after argument_errors passed: it relies on the types being right. Variables passed as UNDEFINED count
    as not set.
    """
    settings = {k: v for k, v in settings.items() if v != UNDEFINED}
    try:
        return ROLE_CHECKS[role](settings, names, context)
    except KeyError as error:
        return [f"{_Names(names)(str(error.args[0]))} is not set"]


def role_errors(options: Mapping[str, Mapping[str, Any]], role: str, values: list[Any],
                sources: Mapping[str, str] | None = None, source_values: list[Any] | None = None,
                context: Mapping[str, Any] | None = None) -> list[str]:
    """argument_errors, and when the types are right settings_errors, of a role whose option values are ``values``
    (in the order of ``options``), with the labels setting_names gives. One call, so that a validate task templates
    the role's variables once."""
    settings = dict(zip(options, values))
    names = setting_names(settings, sources or {}, source_values or [])
    return argument_errors(options, settings, names) or settings_errors(settings, role, names, context)
