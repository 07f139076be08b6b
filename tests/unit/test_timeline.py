"""The timeline: what a viewer sees (no jumps, the right side at the right time) and hears."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bls.core.profile import PATHS, Motion, SetLength
from bls.core.timeline import CENTRE, SetTimeline, side_of_pass


def motion(speed: float = 1.0, path: str = "horizontal", easing: str = "sine",
           dwell: float = 0.0, max_speed: float = 2.0) -> Motion:
    return Motion(path=path, speed_hz=speed, max_speed_hz=max_speed, easing=easing,
                  dwell_s=dwell, amplitude=0.9)


def begin(passes: int | None = 24, seconds: float | None = None, start: float = 10.0,
          **kwargs: object) -> SetTimeline:
    return SetTimeline.begin(start, motion(**kwargs), SetLength(passes, seconds))  # type: ignore[arg-type]


def distance(a: tuple[float, float], b: tuple[float, float]) -> float:
    return math.hypot(a[0] - b[0], a[1] - b[1])


def test_a_set_of_n_passes_plays_exactly_n_tones_alternating_from_the_right() -> None:
    timeline = begin(passes=24)
    events = timeline.events(0.0, 1000.0)
    assert len(events) == 24
    assert [e.side for e in events] == ["right", "left"] * 12
    gaps = {round(b.time_s - a.time_s, 9) for a, b in itertools.pairwise(events)}
    assert gaps == {0.5}  # 1 Hz: one pass every half second
    assert events[0].time_s == pytest.approx(11.0)  # lead-in from the centre plays no tone


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("easing", ["sine", "linear"])
def test_at_each_tone_the_target_is_at_that_end(path: str, easing: str) -> None:
    timeline = begin(passes=6, path=path, easing=easing, dwell=0.1)
    # The start of the sweep (left, bottom for vertical paths) is the left ear's end.
    left_end = timeline.position(10.0 + 0.5)  # end of the lead-in
    for event in timeline.events(0, 100):
        here = timeline.position(event.time_s)
        expected = left_end if event.side == "left" else (-left_end[0], -left_end[1])
        if path in ("circle", "figure-eight", "horizontal"):
            expected = (-1.0, 0.0) if event.side == "left" else (1.0, 0.0)
        assert here == pytest.approx(expected, abs=1e-9)


def test_the_set_starts_and_ends_at_rest_in_the_centre() -> None:
    timeline = begin(passes=4)
    assert timeline.position(9.0) == CENTRE
    assert timeline.position(10.0) == CENTRE
    assert timeline.position(timeline.rest_s) == pytest.approx(CENTRE, abs=1e-9)
    assert timeline.position(timeline.rest_s + 50) == CENTRE
    # Leaving and arriving at rest: the first and last few ms barely move.
    assert distance(timeline.position(10.01), CENTRE) < 0.002
    assert distance(timeline.position(timeline.rest_s - 0.01), CENTRE) < 0.002
    assert not timeline.is_running(timeline.rest_s - 0.1)


def test_sine_motion_is_symmetric_about_the_centre() -> None:
    timeline = begin(passes=8)
    for t in [11.05, 11.2, 11.33, 12.4]:
        forward = timeline.position(t)
        back = timeline.position(t + 0.5)  # the next pass mirrors this one
        assert forward[0] == pytest.approx(-back[0], abs=1e-9)


def test_pass_count_follows_the_tones() -> None:
    timeline = begin(passes=10)
    events = timeline.events(0, 100)
    for event in events:
        assert timeline.passes_done(event.time_s) == event.pass_index + 1
        assert timeline.passes_done(event.time_s - 1e-6) == event.pass_index
    assert timeline.passes_done(1000) == 10


def test_a_timed_set_finishes_the_pass_in_progress() -> None:
    timeline = begin(passes=None, seconds=5.2)  # lead-in 0.5 s, then passes every 0.5 s
    events = timeline.events(0, 100)
    assert len(events) == 10  # pass 9 is under way at 5.2 s and finishes at 15.5 s
    assert events[-1].time_s == pytest.approx(15.5)


def test_dwell_rests_at_each_end_and_slows_the_passes() -> None:
    timeline = begin(passes=4, dwell=0.25)
    events = timeline.events(0, 100)
    assert events[1].time_s - events[0].time_s == pytest.approx(0.75)
    assert timeline.position(events[0].time_s + 0.2) == pytest.approx((1.0, 0.0))


speeds = st.floats(min_value=0.05, max_value=2.0)


@settings(max_examples=300, deadline=None)
@given(first=speeds, second=speeds, change_at=st.floats(min_value=0.0, max_value=40.0),
       path=st.sampled_from(PATHS), easing=st.sampled_from(["sine", "linear"]),
       dwell=st.sampled_from([0.0, 0.2]))
def test_a_speed_change_never_makes_the_target_jump(first: float, second: float,
                                                     change_at: float, path: str,
                                                     easing: str, dwell: float) -> None:
    before = begin(passes=30, speed=first, path=path, easing=easing, dwell=dwell)
    t = 10.0 + change_at
    after = before.with_speed(t, second)
    assert after.position(t) == pytest.approx(before.position(t), abs=1e-9)
    # Just after the change the target is a tiny step away: no jump at the next frame either.
    # Fastest any path moves (figure-eight, sine easing) is under 15 units/s per Hz.
    top_speed = 15 * max(first, second)
    assert distance(after.position(t + 1e-4), after.position(t)) <= top_speed * 1e-4 * 1.01
    # Tones before the change are untouched; the set still plays all its passes.
    assert before.events(0, t) == after.events(0, t)
    assert len(after.events(0, 10_000)) == 30


@settings(max_examples=200, deadline=None)
@given(speed=speeds, stop_after=st.floats(min_value=0.0, max_value=30.0),
       path=st.sampled_from(PATHS))
def test_a_stop_glides_home_from_where_the_target_is(speed: float, stop_after: float,
                                                     path: str) -> None:
    running = begin(passes=500, speed=speed, path=path)
    t = 10.0 + stop_after
    stopped = running.stopped(t)
    assert stopped.position(t) == pytest.approx(running.position(t), abs=1e-9)
    assert stopped.events(t, math.inf) == ()
    assert not stopped.is_running(t)
    assert stopped.rest_s <= t + 1.5
    assert stopped.position(stopped.rest_s) == pytest.approx(CENTRE, abs=1e-9)
    for k in range(1, 50):
        x, y = stopped.position(t + k * 0.03)
        assert -1.0 <= x <= 1.0 and -1.0 <= y <= 1.0


@settings(max_examples=200, deadline=None)
@given(speed=speeds, windows=st.lists(st.floats(min_value=0.001, max_value=3.0), min_size=1,
                                      max_size=40))
def test_events_of_adjacent_windows_add_up_to_the_whole(speed: float,
                                                        windows: list[float]) -> None:
    timeline = begin(passes=20, speed=speed).with_speed(13.0, 2.0 - speed + 0.05)
    t, pieces = 0.0, []
    for width in windows:
        pieces.extend(timeline.events(t, t + width))
        t += width
    assert tuple(pieces) == timeline.events(0.0, t)


def test_speed_is_capped_by_the_safety_limit_and_the_profile() -> None:
    assert begin(speed=5.0).speed_hz == 2.0
    capped = SetTimeline.begin(0, motion(speed=0.8, max_speed=1.0), SetLength(24, None))
    assert capped.with_speed(2.0, 1.9).speed_hz == 1.0


def test_sides_alternate_starting_right() -> None:
    assert [side_of_pass(k) for k in range(4)] == ["right", "left", "right", "left"]


def test_a_speed_change_at_the_moment_of_an_arrival_sounds_that_tone_once() -> None:
    # At 0.05 Hz the first pass arrives at t = 30 s (a hair over 0.05 Hz puts the rounding on the
    # edge); a speed change just then must not let the old and the new speed both sound it.
    # Found by the property test above.
    before = begin(passes=30, speed=0.05000000000000001, path="horizontal", easing="sine",
                   dwell=0.0)
    after = before.with_speed(30.0, 1.0)
    passes = [event.pass_index for event in after.events(0, 10_000)]
    assert passes == list(range(30))
    # Split into the audio's blocks at the change, the tone still sounds once.
    split = after.events(0, 30.0) + after.events(30.0, 10_000)
    assert [event.pass_index for event in split] == list(range(30))
