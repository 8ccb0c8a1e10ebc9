# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure logic of the deploy_lock module: the lock record kept in the SSM parameter, the wording of what the module
says about a lock, and the steps of taking and releasing it over a Store. No AWS calls: the module gives a Store that
makes them."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, NamedTuple, Protocol

# What a failure tells the user to do about a lock that a dead run left behind: the collection's playbooks pass
# hasura_blog_break_lock to the module's break_lock.
BREAK_HINT = "re-run with -e hasura_blog_break_lock=true to take the lock over"
# A Standard-tier SSM parameter value holds at most 4 KB
# (https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html).
VALUE_MAX_BYTES = 4096
HOLDER_MAX_CHARS = 1000
# The length of the tokens the module generates (a uuid4 as text), to size a record before it is written.
TOKEN_CHARS = 36
# What a parameter whose value is not a lock record is said to be held by.
UNKNOWN_HOLDER = "an unknown holder (the parameter's value is not a deploy lock record)"


class Lock(NamedTuple):
    """A lock as read from the parameter. ``token`` is None when the value is not a lock record."""
    holder: str
    since: str
    token: str | None


def iso(moment: datetime) -> str:
    """A moment as UTC ISO 8601 to the second: 2026-11-30T09:00:00Z."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text: str) -> datetime | None:
    """The moment an ISO 8601 text names (a naive one taken as UTC), or None if it names none."""
    try:
        moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def encode(holder: str, since: datetime, token: str) -> str:
    """The parameter value of a lock: JSON with holder, since (UTC ISO 8601) and token."""
    return json.dumps({"holder": holder, "since": iso(since), "token": token}, sort_keys=True, ensure_ascii=False)


def decode(value: str | None, last_modified: datetime | None = None) -> Lock:
    """The lock a parameter value records. A value that is not a lock record (set by hand, or by something else)
    gives UNKNOWN_HOLDER, the parameter's last modification as ``since``, and no token, so that no run ever
    takes it for its own."""
    fallback = iso(last_modified) if last_modified else "an unknown time"
    try:
        record: Any = json.loads(value or "")
    except ValueError:
        record = None
    if not isinstance(record, dict) or not isinstance(record.get("token"), str) or not record["token"]:
        return Lock(UNKNOWN_HOLDER, fallback, None)
    holder = record.get("holder")
    since = record.get("since")
    return Lock(holder if isinstance(holder, str) and holder else "an unnamed holder",
                since if isinstance(since, str) and parse_iso(since) else fallback,
                record["token"])


def holder_error(holder: str) -> str | None:
    """Why ``holder`` cannot be recorded, or None."""
    if not holder.strip():
        return "holder must say who takes the lock, for example 'alice@laptop pid 1234'"
    if len(holder) > HOLDER_MAX_CHARS:
        return f"holder has {len(holder)} characters; at most {HOLDER_MAX_CHARS}"
    size = len(encode(holder, datetime.now(timezone.utc), "x" * TOKEN_CHARS).encode("utf-8"))
    if size > VALUE_MAX_BYTES:
        return f"holder makes the lock record {size} bytes long; an SSM parameter holds at most {VALUE_MAX_BYTES}"
    return None


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


def age_text(seconds: float) -> str:
    """How long ago something happened, in words: '45 seconds ago', '12 minutes ago', '3 hours 5 minutes ago',
    '2 days 4 hours ago'. A moment up to a minute in the future (clocks a little apart) is 'just now'."""
    if seconds < -60:
        return f"{age_text(-seconds)[:-4]} in the future (the clocks of the two machines differ)"
    whole = max(0, int(seconds))
    if whole < 1:
        return "just now"
    if whole < 60:
        return f"{_plural(whole, 'second')} ago"
    minutes, hours, days = whole // 60 % 60, whole // 3600 % 24, whole // 86400
    if whole < 3600:
        return f"{_plural(whole // 60, 'minute')} ago"
    if whole < 86400:
        return f"{_plural(hours, 'hour')}{' ' + _plural(minutes, 'minute') if minutes else ''} ago"
    return f"{_plural(days, 'day')}{' ' + _plural(hours, 'hour') if hours else ''} ago"


def age_seconds(since: str, now: datetime) -> float | None:
    """Seconds from ``since`` (ISO 8601) to ``now``, or None if ``since`` names no moment."""
    moment = parse_iso(since)
    return None if moment is None else (now - moment).total_seconds()


def _since_and_age(lock: Lock, now: datetime) -> str:
    seconds = age_seconds(lock.since, now)
    return f"since {lock.since}" + ("" if seconds is None else f" ({age_text(seconds)})")


def held_message(name: str, lock: Lock, now: datetime, hint: str = BREAK_HINT) -> str:
    """Why an acquisition fails: who holds the lock, since when, and what to do."""
    return (f"The deploy lock {name} is held by {lock.holder} {_since_and_age(lock, now)}. "
            f"Wait for that run to finish. If it is dead (killed), {hint}.")


def taken_over_warning(name: str, previous: Lock, now: datetime, check_mode: bool = False) -> str:
    """What break_lock did (or, in check mode, would do) to the previous holder."""
    if check_mode:
        return (f"Check mode: would take over the deploy lock {name} from {previous.holder}, who holds it "
                f"{_since_and_age(previous, now)}, because break_lock is set.")
    return (f"Took over the deploy lock {name} from {previous.holder}, who held it {_since_and_age(previous, now)}, "
            "because break_lock is set. If that run is still alive, it now runs unlocked: stop it.")


def would_fail_warning(name: str, lock: Lock, now: datetime) -> str:
    """What check mode says about a lock that another run holds (a real run would fail)."""
    return f"Check mode: a real run would fail. {held_message(name, lock, now)}"


def not_released_warning(name: str, lock: Lock, now: datetime) -> str:
    """Why a release left the lock in place: another run holds it."""
    return (f"Did not release the deploy lock {name}: it is held by {lock.holder} {_since_and_age(lock, now)}, "
            "not by this run (this run's lock was probably broken and taken over with break_lock).")


def release_action(current: Lock | None, token: str) -> str:
    """What a release does with the lock it finds: 'gone' (nothing to release), 'delete' (this run's lock),
    or 'keep' (another run's lock, or a parameter that is not a lock record: never deleted)."""
    if current is None:
        return "gone"
    return "delete" if current.token == token else "keep"


def acquire_action(current: Lock | None, token: str, break_lock: bool) -> str:
    """What an acquisition does with the lock it finds: 'create' (it is free), 'held' (it already holds this
    token: nothing to do), 'take over' (another holder, break_lock set) or 'fail' (another holder)."""
    if current is None:
        return "create"
    if current.token == token:
        return "held"
    return "take over" if break_lock else "fail"


class Store(Protocol):
    """The parameter that is the lock."""

    def read(self) -> Lock | None:
        """The lock in the parameter, or None if there is no parameter."""

    def create(self, value: str) -> bool:
        """Create the parameter with ``value`` unless it exists (atomically); False if it exists."""

    def delete(self) -> bool:
        """Delete the parameter; False if there was none."""


# Create, and at most one take-over; a lock released and taken again between two calls counts as one more try.
ATTEMPTS = 3


@dataclass
class Outcome:
    """What taking or releasing the lock did: the module's result, and its warnings and failure message."""
    changed: bool
    token: str | None
    holder: str | None
    since: str | None
    held_by_other: bool = False
    previous: Lock | None = None
    warnings: list[str] = field(default_factory=list)
    failure: str | None = None


def take(store: Store, name: str, holder: str, token: str, token_given: bool, break_lock: bool, now: datetime,
         check_mode: bool) -> Outcome:
    """Take the lock for ``holder`` with ``token`` (``token_given``: the caller's, else generated for this call).

    Every write is a create that fails if the parameter exists, so of concurrent callers exactly one gets the lock.
    A create that finds the parameter reads it: its own token means that an earlier, retried attempt of this call
    created it (or, with a given token, that this run holds it already); another holder means failure, or with
    ``break_lock`` one take-over (delete, then create again, so that a run racing for the freed lock can still win).
    """
    since = iso(now)
    ours = Outcome(changed=True, token=token, holder=holder, since=since)
    if check_mode:
        current = store.read()
        action = acquire_action(current, token, break_lock)
        if action == "create":
            return ours
        if action == "held":
            return Outcome(changed=False, token=token, holder=current.holder, since=current.since)
        if action == "fail":
            return Outcome(changed=False, token=None, holder=current.holder, since=current.since, held_by_other=True,
                           warnings=[would_fail_warning(name, current, now)])
        ours.previous, ours.warnings = current, [taken_over_warning(name, current, now, check_mode=True)]
        return ours

    value, previous = encode(holder, now, token), None
    for _attempt in range(ATTEMPTS):
        if store.create(value):
            if previous is not None:
                ours.previous, ours.warnings = previous, [taken_over_warning(name, previous, now)]
            return ours
        current = store.read()
        if current is None:
            continue  # released between the two calls: try again
        if current.token == token:
            created_now = not token_given or current.since == since
            return Outcome(changed=created_now, token=token, holder=current.holder, since=current.since)
        if acquire_action(current, token, break_lock and previous is None) == "fail":
            return Outcome(changed=False, token=None, holder=current.holder, since=current.since, held_by_other=True,
                           failure=held_message(name, current, now))
        store.delete()
        previous = current
    return Outcome(changed=False, token=None, holder=None, since=None,
                   failure=f"Could not take the deploy lock {name}: it was released and taken again while trying. "
                           "Run again.")


def release(store: Store, name: str, token: str, now: datetime, check_mode: bool) -> Outcome:
    """Release the lock if it holds ``token``. A lock that is gone is no change; another run's lock is left, with a
    warning."""
    current = store.read()
    action = release_action(current, token)
    if action == "gone":
        return Outcome(changed=False, token=token, holder=None, since=None)
    if action == "keep":
        return Outcome(changed=False, token=token, holder=current.holder, since=current.since, held_by_other=True,
                       warnings=[not_released_warning(name, current, now)])
    changed = True if check_mode else store.delete()
    return Outcome(changed=changed, token=token, holder=current.holder, since=current.since)
