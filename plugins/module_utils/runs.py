# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure logic about what a run of site.yml covers: which roles it runs under --tags / --skip-tags. No AWS calls."""

from __future__ import annotations

from collections.abc import Iterable

# site.yml's roles in order, each with the roles whose facts (ids, ARNs) it reads. ecs_services waits for the
# database through the rds role's wait entry point itself, by identifier.
NEEDS: dict[str, tuple[str, ...]] = {
    "vpc": (),
    "nat": ("vpc",),
    "security_groups": ("vpc",),
    "rds": ("vpc", "security_groups"),
    "alb": ("vpc", "security_groups"),
    "ecs_cluster": (),
    "ecs_services": ("vpc", "security_groups", "alb", "ecs_cluster"),
}


def roles_run(run_tags: Iterable[str], skip_tags: Iterable[str] = ()) -> list[str]:
    """The roles of site.yml that a run with these tags runs (each role is tagged with its name)."""
    run, skip = set(run_tags or ["all"]), set(skip_tags or [])
    return [role for role in NEEDS if ("all" in run or role in run) and role not in skip]


def roles_to_discover(run_tags: Iterable[str], skip_tags: Iterable[str] = ()) -> list[str]:
    """The roles a run skips but whose resources a role it runs needs: they are looked up in AWS instead, in order."""
    running = roles_run(run_tags, skip_tags)
    needed = {need for role in running for need in NEEDS[role]}
    return [role for role in NEEDS if role in needed and role not in running]
