"""What a set's log record says, computed from its timeline with the clocks given by hand."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bls.core.profile import Profile
from bls.core.timeline import SetTimeline
from bls.log import NullLog, SessionLog, read_session
from bls.log.records import session_id, set_from_timeline, speeds_used
from bls.profiles import Library

BERLIN_WINTER = timezone(timedelta(hours=1))
NOW = datetime(2026, 12, 1, 15, 0, 0, tzinfo=BERLIN_WINTER)


@pytest.fixture(scope="module")
def standard() -> Profile:
    return Library.discover().load("standard")


def test_a_set_starts_on_the_wall_clock_as_long_ago_as_on_the_session_clock(
        standard: Profile) -> None:
    timeline = SetTimeline.begin(1000.0, standard.motion, standard.length)
    now_s = timeline.rest_s + 2.0  # reported a little after it came to rest
    record = set_from_timeline(4, timeline, "Standard", now_s, NOW)
    expected = NOW - timedelta(seconds=now_s - 1000.0)
    assert record.started == expected.replace(microsecond=0).isoformat()
    assert record.started.endswith("+01:00")
    assert record.duration_s == pytest.approx(timeline.rest_s - 1000.0, abs=1e-3)
    assert (record.set_number, record.passes_done, record.passes_planned) == (4, 24, 24)
    assert (record.ended, record.profile, record.path) == ("completed", "Standard",
                                                           "horizontal")


def test_a_stopped_set_says_so_and_counts_the_passes_it_played(standard: Profile) -> None:
    timeline = SetTimeline.begin(0.0, standard.motion, standard.length).stopped(6.2)
    record = set_from_timeline(1, timeline, "Standard", timeline.rest_s, NOW)
    assert record.ended == "stopped"
    assert record.passes_done == timeline.passes_done(6.1) < 24
    assert record.duration_s == pytest.approx(timeline.rest_s, abs=1e-3) and \
        record.duration_s < 8.0


def test_every_speed_used_is_listed_in_order(standard: Profile) -> None:
    timeline = (SetTimeline.begin(0.0, standard.motion, standard.length)
                .with_speed(3.0, 1.5).with_speed(6.0, 1.5).with_speed(8.0, 0.8))
    assert speeds_used(timeline) == (standard.motion.speed_hz, 1.5, 0.8)
    changed_before_start = SetTimeline.begin(10.0, standard.motion, standard.length) \
        .with_speed(5.0, 1.2)
    assert speeds_used(changed_before_start) == (1.2,)


def test_a_session_id_sorts_by_start_time_and_names_no_one() -> None:
    earlier = session_id(NOW, "ab12")
    later = session_id(NOW + timedelta(seconds=1), "0000")
    assert earlier == "20261201-150000-ab12" and earlier < later
    with pytest.raises(ValueError):
        session_id(NOW, "Anna")


def test_the_sets_so_far_carry_their_ratings_for_the_trend(standard: Profile) -> None:
    for log in (SessionLog.open("run", wall_clock=lambda: NOW), NullLog()):
        for number, sud in ((1, 8), (2, None), (3, 4)):
            timeline = SetTimeline.begin(100.0 * number, standard.motion, standard.length)
            log.set_ended(number, timeline, "Standard", timeline.rest_s)
            if sud is not None:
                log.rate(number, sud=sud)
        log.rate(1, sud=7)
        assert [s.rating.sud for s in log.sets()] == [7, None, 4]
        log.close()


def test_whatever_a_profile_is_called_and_however_often_speed_changed_reads_back(
        standard: Profile) -> None:
    timeline = SetTimeline.begin(0.0, standard.motion, standard.length)
    for step in range(1, 1500):  # a held key: many small changes
        timeline = timeline.with_speed(step * 0.005, 0.5 + (step % 10) / 10)
    log = SessionLog.open("run", wall_clock=lambda: NOW)
    name = "bell\a and \ud800 " + "x" * 500
    log.set_ended(1, timeline, name, timeline.rest_s)
    log.close()
    assert log.take_problem() is None and log.path is not None
    (record,) = read_session(log.path).sets
    assert len(record.speeds_hz) == 1000
    assert record.speeds_hz[-1] == timeline.speed_hz
    assert record.profile.startswith("bell  and   x") and len(record.profile) == 200
