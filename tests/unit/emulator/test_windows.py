"""The overlap rule the RDS window patch restores: windows that only touch do not overlap."""

import pytest

from tests.emulator.patches import windows_overlap


@pytest.mark.parametrize(
    ("backup", "maintenance", "overlap"),
    [
        ("03:00-04:00", "mon:04:00-mon:05:00", False),  # the reference architecture: adjacent
        ("04:00-05:00", "mon:03:00-mon:04:00", False),  # adjacent the other way round
        ("03:00-04:01", "mon:04:00-mon:05:00", True),  # one minute into maintenance
        ("03:30-04:30", "mon:04:00-mon:05:00", True),
        ("04:15-04:45", "mon:04:00-mon:05:00", True),  # backup inside maintenance
        ("05:00-06:00", "mon:04:00-mon:05:00", False),
        ("23:30-00:30", "tue:00:00-tue:01:00", True),  # backup wraps midnight into maintenance
        ("23:00-00:00", "tue:00:00-tue:01:00", False),
        ("03:00-04:00", "sun:23:30-mon:03:30", True),  # maintenance wraps the week
        ("03:00-04:00", "sun:23:30-mon:03:00", False),
        ("10:00-11:00", "wed:09:00-thu:12:00", True),  # a long window covers a whole day's backup
    ],
)
def test_windows_overlap(backup: str, maintenance: str, overlap: bool) -> None:
    assert windows_overlap(backup, maintenance) is overlap
