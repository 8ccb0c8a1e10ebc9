from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from ansible_collections.hasura_blog.aws.plugins.module_utils.lock import (
    ATTEMPTS,
    UNKNOWN_HOLDER,
    Lock,
    acquire_action,
    age_seconds,
    age_text,
    decode,
    encode,
    held_message,
    holder_error,
    iso,
    not_released_warning,
    parse_iso,
    release,
    release_action,
    take,
    taken_over_warning,
    would_fail_warning,
)

NAME = "/hasura-blog/prod/deploy-lock"
SINCE = datetime(2026, 11, 30, 9, 0, 0, 123456, tzinfo=timezone.utc)
ALICE = Lock("alice@laptop pid 1234", "2026-11-30T09:00:00Z", "t-alice")


def test_iso_is_utc_to_the_second() -> None:
    assert iso(SINCE) == "2026-11-30T09:00:00Z"
    assert iso(datetime(2026, 11, 30, 10, 0, tzinfo=timezone(timedelta(hours=1)))) == "2026-11-30T09:00:00Z"
    assert iso(datetime(2026, 11, 30, 9, 0)) == "2026-11-30T09:00:00Z"  # naive: taken as UTC


@pytest.mark.parametrize("text, expected", [
    ("2026-11-30T09:00:00Z", datetime(2026, 11, 30, 9, tzinfo=timezone.utc)),
    ("2026-11-30T10:00:00+01:00", datetime(2026, 11, 30, 9, tzinfo=timezone.utc)),
    ("2026-11-30T09:00:00", datetime(2026, 11, 30, 9, tzinfo=timezone.utc)),
    ("yesterday", None),
    ("", None),
])
def test_parse_iso(text: str, expected: datetime | None) -> None:
    assert parse_iso(text) == expected


def test_encode_then_decode_gives_the_lock_back() -> None:
    value = encode("alice@laptop pid 1234", SINCE, "t-alice")
    assert json.loads(value) == {"holder": "alice@laptop pid 1234", "since": "2026-11-30T09:00:00Z", "token": "t-alice"}
    assert decode(value) == ALICE


def test_encode_keeps_any_holder_text() -> None:
    holder = 'AWX job 42 (admin) "quoted" ünïcode\nsecond line'
    assert decode(encode(holder, SINCE, "t")).holder == holder


LAST_MODIFIED = datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("value", [
    "not json", "", None, "[]", '"a string"', json.dumps({"holder": "x", "since": "2026-11-30T09:00:00Z"}),
    json.dumps({"holder": "x", "token": ""}), json.dumps({"holder": "x", "token": 7}),
])
def test_a_value_that_is_no_lock_record_is_held_by_an_unknown_holder_and_no_token(value) -> None:
    assert decode(value, LAST_MODIFIED) == Lock(UNKNOWN_HOLDER, "2026-11-30T08:00:00Z", None)
    assert decode(value).since == "an unknown time"


def test_a_record_without_holder_or_valid_since_falls_back() -> None:
    assert decode(json.dumps({"token": "t", "since": "soon"}), LAST_MODIFIED) == Lock(
        "an unnamed holder", "2026-11-30T08:00:00Z", "t")


@pytest.mark.parametrize("seconds, expected", [
    (-5, "just now"),
    (0, "just now"),
    (0.9, "just now"),
    (1, "1 second ago"),
    (45, "45 seconds ago"),
    (60, "1 minute ago"),
    (12 * 60 + 59, "12 minutes ago"),
    (3600, "1 hour ago"),
    (3 * 3600 + 5 * 60, "3 hours 5 minutes ago"),
    (2 * 3600 + 60, "2 hours 1 minute ago"),
    (86400, "1 day ago"),
    (2 * 86400 + 4 * 3600 + 59, "2 days 4 hours ago"),
    (400 * 86400, "400 days ago"),
    (-2 * 3600, "2 hours in the future (the clocks of the two machines differ)"),
])
def test_age_text(seconds: float, expected: str) -> None:
    assert age_text(seconds) == expected


def test_age_seconds() -> None:
    now = datetime(2026, 11, 30, 9, 12, tzinfo=timezone.utc)
    assert age_seconds("2026-11-30T09:00:00Z", now) == 720
    assert age_seconds("an unknown time", now) is None


def test_held_message_names_holder_since_age_and_what_to_do() -> None:
    now = datetime(2026, 11, 30, 9, 12, 30, tzinfo=timezone.utc)
    assert held_message(NAME, ALICE, now) == (
        "The deploy lock /hasura-blog/prod/deploy-lock is held by alice@laptop pid 1234 since 2026-11-30T09:00:00Z "
        "(12 minutes ago). Wait for that run to finish. If it is dead (killed), re-run with "
        "-e hasura_blog_break_lock=true to take the lock over.")


def test_held_message_without_a_known_time() -> None:
    lock = Lock(UNKNOWN_HOLDER, "an unknown time", None)
    message = held_message(NAME, lock, SINCE)
    assert f"is held by {UNKNOWN_HOLDER} since an unknown time. Wait" in message


def test_warnings_name_the_other_holder() -> None:
    now = datetime(2026, 11, 30, 11, 0, tzinfo=timezone.utc)
    taken = taken_over_warning(NAME, ALICE, now)
    assert taken.startswith(f"Took over the deploy lock {NAME} from alice@laptop pid 1234, who held it since "
                            "2026-11-30T09:00:00Z (2 hours ago), because break_lock is set.")
    assert "stop it" in taken
    assert taken_over_warning(NAME, ALICE, now, check_mode=True).startswith(
        f"Check mode: would take over the deploy lock {NAME} from alice@laptop pid 1234, who holds it since")
    held = held_message(NAME, ALICE, now)
    assert would_fail_warning(NAME, ALICE, now) == f"Check mode: a real run would fail. {held}"
    assert not_released_warning(NAME, ALICE, now).startswith(
        f"Did not release the deploy lock {NAME}: it is held by alice@laptop pid 1234 since 2026-11-30T09:00:00Z "
        "(2 hours ago), not by this run")


@pytest.mark.parametrize("current, token, expected", [
    (None, "t-alice", "gone"),
    (ALICE, "t-alice", "delete"),
    (ALICE, "t-bob", "keep"),
    (Lock(UNKNOWN_HOLDER, "an unknown time", None), "t-bob", "keep"),
])
def test_release_deletes_only_its_own_lock(current: Lock | None, token: str, expected: str) -> None:
    assert release_action(current, token) == expected


@pytest.mark.parametrize("current, token, break_lock, expected", [
    (None, "t-bob", False, "create"),
    (None, "t-bob", True, "create"),
    (ALICE, "t-alice", False, "held"),
    (ALICE, "t-alice", True, "held"),
    (ALICE, "t-bob", False, "fail"),
    (ALICE, "t-bob", True, "take over"),
    (Lock(UNKNOWN_HOLDER, "an unknown time", None), "t-bob", False, "fail"),
])
def test_acquire_takes_a_free_lock_keeps_its_own_and_breaks_another_only_when_told(
        current: Lock | None, token: str, break_lock: bool, expected: str) -> None:
    assert acquire_action(current, token, break_lock) == expected


@pytest.mark.parametrize("holder, error", [
    ("alice@laptop pid 1234", None),
    ("x" * 1000, None),
    ("x" * 1001, "holder has 1001 characters; at most 1000"),
    ("  ", "holder must say who takes the lock"),
    ("\U0001F512" * 1000, None),  # 4 bytes each: the record has exactly 4096
    ("\x01" * 1000, "holder makes the lock record 6096 bytes long; an SSM parameter holds at most 4096"),
])
def test_holder_error(holder: str, error: str | None) -> None:
    found = holder_error(holder)
    assert found == error if error is None else found.startswith(error)


def test_a_holder_that_passes_fits_a_standard_parameter() -> None:
    for holder in ("ü" * 1000, "\u20ac" * 1000, '"' * 1000, "\U0001F512" * 1000):
        assert holder_error(holder) is None
        assert len(encode(holder, SINCE, "0b7c6c3e-4a8e-4a52-9d0c-7f5b1f0c2e11").encode()) <= 4096


# ---------------------------------------------------------------------------------------------------------------
# take and release over a store that stands for the parameter


class FakeStore:
    """The parameter, in memory. ``interfere`` runs before each create: another run acting between two calls."""

    def __init__(self, value: str | None = None, interfere=None) -> None:
        self.value, self.interfere, self.writes = value, interfere or (lambda store: None), []

    def read(self) -> Lock | None:
        return None if self.value is None else decode(self.value, LAST_MODIFIED)

    def create(self, value: str) -> bool:
        self.interfere(self)
        if self.value is not None:
            return False
        self.writes.append("create")
        self.value = value
        return True

    def delete(self) -> bool:
        self.writes.append("delete")
        existed, self.value = self.value is not None, None
        return existed


NOW = datetime(2026, 11, 30, 9, 12, 30, tzinfo=timezone.utc)
ALICE_VALUE = encode(ALICE.holder, datetime(2026, 11, 30, 9, tzinfo=timezone.utc), ALICE.token)


def take_as_bob(store: FakeStore, *, token: str = "t-bob", token_given: bool = False, break_lock: bool = False,
                check_mode: bool = False):
    return take(store, NAME, "bob", token, token_given, break_lock, NOW, check_mode)


def test_take_a_free_lock() -> None:
    store = FakeStore()
    outcome = take_as_bob(store)
    assert (outcome.changed, outcome.token, outcome.holder) == (True, "t-bob", "bob")
    assert outcome.since == "2026-11-30T09:12:30Z"
    assert not outcome.failure and not outcome.warnings and not outcome.held_by_other
    assert store.read() == Lock("bob", "2026-11-30T09:12:30Z", "t-bob")


def test_take_a_held_lock_fails_and_writes_nothing() -> None:
    store = FakeStore(ALICE_VALUE)
    outcome = take_as_bob(store)
    assert outcome.failure == held_message(NAME, ALICE, NOW)
    assert (outcome.changed, outcome.token, outcome.holder, outcome.since, outcome.held_by_other) == (
        False, None, ALICE.holder, ALICE.since, True)
    assert store.writes == [] and store.read() == ALICE


def test_break_lock_deletes_the_held_lock_and_creates_its_own() -> None:
    store = FakeStore(ALICE_VALUE)
    outcome = take_as_bob(store, break_lock=True)
    assert outcome.changed and not outcome.failure and outcome.previous == ALICE
    assert outcome.warnings == [taken_over_warning(NAME, ALICE, NOW)]
    assert store.writes == ["delete", "create"] and store.read().token == "t-bob"


def test_break_lock_takes_over_once_only() -> None:
    """Between the take-over's delete and create, a third run takes the freed lock: it is alive, so it is named,
    not broken again."""
    carol = encode("carol", NOW, "t-carol")

    def carol_takes_it(store: FakeStore) -> None:
        if store.writes == ["delete"]:
            store.value = carol
    store = FakeStore(ALICE_VALUE, interfere=carol_takes_it)
    outcome = take_as_bob(store, break_lock=True)
    assert outcome.failure and outcome.failure.startswith(f"The deploy lock {NAME} is held by carol since")
    assert outcome.warnings == [] and store.writes == ["delete"] and store.read().token == "t-carol"


def test_a_create_that_finds_its_own_lock_succeeds() -> None:
    """A PutParameter that AWS applied but whose answer was lost is retried, and the retry finds the lock."""
    ours = encode("bob", NOW, "t-bob")

    def first_attempt_landed(store: FakeStore) -> None:
        store.value = ours
    outcome = take_as_bob(FakeStore(interfere=first_attempt_landed))
    assert outcome.changed and not outcome.failure and outcome.token == "t-bob"


def test_take_with_the_token_of_the_lock_is_no_change() -> None:
    store = FakeStore(encode("bob", datetime(2026, 11, 30, 9, tzinfo=timezone.utc), "t-bob"))
    outcome = take_as_bob(store, token_given=True)
    assert not outcome.changed and not outcome.failure
    assert (outcome.token, outcome.since) == ("t-bob", "2026-11-30T09:00:00Z")
    assert store.writes == []
    assert not take_as_bob(store, token_given=True, check_mode=True).changed


def test_a_lock_released_between_create_and_read_is_tried_again() -> None:
    store = FakeStore(ALICE_VALUE)
    read = store.read

    def alice_releases_first() -> Lock | None:
        if store.value == ALICE_VALUE:
            store.value = None  # Alice released between Bob's create and Bob's read
        return read()
    store.read = alice_releases_first
    outcome = take_as_bob(store)
    assert outcome.changed and not outcome.failure and store.writes == ["create"]
    assert store.value == encode("bob", NOW, "t-bob")


def test_a_lock_that_keeps_changing_hands_fails_after_a_few_attempts() -> None:
    store = FakeStore(ALICE_VALUE)
    store.read = lambda: None  # always gone again by the time it is read
    outcome = take_as_bob(store)
    assert outcome.failure == (f"Could not take the deploy lock {NAME}: it was released and taken again while trying. "
                               "Run again.")
    assert store.writes == [] and ATTEMPTS == 3


@pytest.mark.parametrize("value, break_lock, changed, held_by_other", [
    (None, False, True, False),
    (ALICE_VALUE, False, False, True),
    (ALICE_VALUE, True, True, False),
])
def test_check_mode_writes_nothing(value: str | None, break_lock: bool, changed: bool, held_by_other: bool) -> None:
    store = FakeStore(value)
    outcome = take_as_bob(store, break_lock=break_lock, check_mode=True)
    assert (outcome.changed, outcome.held_by_other, outcome.failure) == (changed, held_by_other, None)
    assert store.writes == [] and store.value == value
    if held_by_other:
        assert outcome.warnings == [would_fail_warning(NAME, ALICE, NOW)] and outcome.token is None
        assert (outcome.holder, outcome.since) == (ALICE.holder, ALICE.since)
    if break_lock:
        assert outcome.previous == ALICE and outcome.warnings[0].startswith("Check mode: would take over")


def test_release_deletes_only_the_lock_with_its_token() -> None:
    store = FakeStore(ALICE_VALUE)
    kept = release(store, NAME, "t-bob", NOW, check_mode=False)
    assert not kept.changed and kept.held_by_other and kept.holder == ALICE.holder
    assert kept.warnings == [not_released_warning(NAME, ALICE, NOW)] and store.writes == []
    assert release(store, NAME, "t-alice", NOW, check_mode=True).changed and store.writes == []
    released = release(store, NAME, "t-alice", NOW, check_mode=False)
    assert released.changed and (released.holder, released.since) == (ALICE.holder, ALICE.since)
    assert store.writes == ["delete"] and store.value is None
    gone = release(store, NAME, "t-alice", NOW, check_mode=False)
    assert not gone.changed and gone.holder is None and not gone.warnings and not gone.failure


def test_release_of_a_lock_deleted_meanwhile_is_no_change() -> None:
    store = FakeStore(ALICE_VALUE)
    store.delete = lambda: False  # gone between the read and the delete (ParameterNotFound)
    assert not release(store, NAME, "t-alice", NOW, check_mode=False).changed
