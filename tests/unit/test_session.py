"""The session state machine, driven by hand-set times: what the therapist sees happen."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bls.core.profile import MAX_SPEED_HZ, SetLength
from bls.core.session import Session, State
from bls.core.timeline import CENTRE
from bls.profiles import Library


@pytest.fixture(scope="module")
def standard():
    profile = Library.discover().load("standard")
    return replace(profile, length=SetLength(passes=6, seconds=None))


def test_a_new_session_is_idle_with_the_target_at_rest_in_the_centre(standard):
    session = Session(standard)
    assert session.state(0.0) is State.IDLE
    assert session.position(5.0) == CENTRE
    assert session.set_number == 0
    assert session.timelines() == ()


def test_a_set_runs_its_passes_then_glides_home_and_is_idle_again(standard):
    session = Session(standard)
    assert session.start(10.0)
    timeline = session.current
    assert session.set_number == 1
    assert session.state(10.5) is State.RUNNING
    last_tone = timeline.events(10.0, 100.0)[-1].time_s
    assert len(timeline.events(10.0, 100.0)) == 6
    assert session.state(last_tone + 0.01) is State.ENDING
    assert session.state(timeline.rest_s) is State.IDLE
    assert session.position(timeline.rest_s) == CENTRE
    assert session.passes_done(timeline.rest_s + 5) == 6


def test_tick_reports_the_end_of_a_set_once(standard):
    session = Session(standard)
    session.start(0.0)
    rest = session.current.rest_s
    assert session.tick(rest - 0.01) is None
    ended = session.tick(rest)
    assert ended is not None and ended.set_number == 1 and ended.passes_done == 6
    assert not ended.stopped_by_hand
    assert session.tick(rest + 1.0) is None


def test_a_manual_stop_ends_the_tones_at_once_and_glides_home(standard):
    session = Session(standard)
    session.start(0.0)
    assert session.toggle(1.3)
    assert session.state(1.3) is State.ENDING
    assert session.current.events(1.3, 100.0) == ()
    rest = session.current.rest_s
    assert rest <= 1.3 + 1.5
    assert session.position(rest) == CENTRE
    ended = session.tick(rest)
    assert ended is not None and ended.stopped_by_hand


def test_the_next_set_starts_fresh(standard):
    session = Session(standard)
    session.start(0.0)
    session.stop(1.3)
    rest = session.current.rest_s
    assert session.start(rest + 2.0)
    assert session.set_number == 2
    assert session.passes_done(rest + 2.0) == 0
    assert session.elapsed(rest + 3.0) == pytest.approx(1.0)
    assert len(session.current.events(0.0, 1e9)) == 6


def test_space_while_gliding_home_queues_the_next_set_after_the_rest(standard):
    session = Session(standard)
    session.start(0.0)
    session.stop(1.3)
    rest = session.current.rest_s
    assert session.toggle(1.4)
    assert session.is_queued(1.4)
    assert session.state(1.4) is State.ENDING
    assert session.current.start_s == rest
    assert session.state(rest + 0.1) is State.RUNNING
    assert len(session.timelines()) == 2
    # A second press before it starts takes the queued set back.
    session2 = Session(standard)
    session2.start(0.0)
    session2.stop(1.3)
    session2.toggle(1.4)
    assert session2.toggle(1.5)
    assert session2.set_number == 1 and not session2.is_queued(1.5)


def test_start_while_running_does_nothing(standard):
    session = Session(standard)
    session.start(0.0)
    first = session.current
    assert not session.start(0.5)
    assert session.current is first


def test_a_speed_change_during_a_set_moves_the_target_without_a_jump(standard):
    session = Session(standard)
    session.start(0.0)
    t = 1.37
    before = session.position(t)
    new_speed = session.change_speed(t, +0.1)
    assert new_speed == pytest.approx(standard.motion.speed_hz + 0.1)
    assert session.current.speed_hz == pytest.approx(new_speed)
    after = session.position(t)
    assert math.dist(before, after) < 1e-9
    assert session.passes_per_minute == pytest.approx(120 * new_speed)


def test_speed_is_capped_and_carries_over_to_the_next_set(standard):
    session = Session(standard)
    for _ in range(50):
        session.change_speed(0.0, +0.1)
    assert session.speed_hz == pytest.approx(min(MAX_SPEED_HZ, standard.motion.max_speed_hz))
    session.start(1.0)
    assert session.current.speed_hz == pytest.approx(session.speed_hz)


def test_profiles_switch_only_while_idle(standard):
    slow = Library.discover().load("slow")
    session = Session(standard)
    session.start(0.0)
    assert not session.switch_profile(slow, 0.5)
    assert session.profile is standard
    session.stop(0.5)
    rest = session.current.rest_s
    assert session.switch_profile(slow, rest)
    assert session.speed_hz == pytest.approx(slow.motion.speed_hz)
    assert session.total_passes(rest) == slow.length.passes


@settings(max_examples=60, deadline=None)
@given(stop_at=st.floats(0.0, 8.0), look_at=st.floats(0.0, 12.0))
def test_stopping_at_any_moment_brings_the_target_home_within_the_glide(standard, stop_at,
                                                                       look_at):
    session = Session(standard)
    session.start(0.0)
    session.stop(stop_at)
    x, y = session.position(look_at)
    assert -1.0 <= x <= 1.0 and -1.0 <= y <= 1.0
    assert session.position(session.current.rest_s + 0.001) == CENTRE
    assert session.state(session.current.rest_s) is State.IDLE
