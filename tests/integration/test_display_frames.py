"""Frame timing with hand-set times: predicted flips, late frames, whether vsync paces."""

from __future__ import annotations

import pytest

from bls.display.frames import FrameTimer

PERIOD = 1 / 60


def test_the_next_flip_is_the_next_refresh_on_the_last_flips_grid():
    timer = FrameTimer(PERIOD)
    assert timer.next_flip(10.0) == pytest.approx(10.0 + PERIOD)
    timer.flipped(10.0, 0.001)
    assert timer.next_flip(10.001) == pytest.approx(10.0 + PERIOD)
    # Drawing overran a refresh: the prediction moves to the next refresh, not "now + period".
    assert timer.next_flip(10.0 + 1.2 * PERIOD) == pytest.approx(10.0 + 2 * PERIOD)


def test_a_frame_shown_twice_counts_as_late_as_psychopy_counts_it():
    timer = FrameTimer(PERIOD)
    t = 0.0
    for _ in range(10):
        timer.flipped(t, 0.001)
        t += PERIOD
    t += PERIOD  # one refresh missed
    timer.flipped(t, 0.001)
    assert timer.late == 1
    stats = timer.stats()
    assert stats.frames == 11 and stats.late == 1
    assert "1 late" in stats.summary()


def test_flips_that_do_not_wait_for_the_display_are_noticed():
    timer = FrameTimer(PERIOD)
    assert timer.vsync_paces() is None
    for frame in range(40):
        timer.flipped(frame * 0.002, 0.001)
    assert timer.vsync_paces() is False
    paced = FrameTimer(PERIOD)
    for frame in range(40):
        paced.flipped(frame * PERIOD, 0.001)
    assert paced.vsync_paces() is True


def test_resync_forgets_the_last_flip_so_a_pause_is_not_late():
    timer = FrameTimer(PERIOD)
    timer.flipped(0.0, 0.001)
    timer.resync()
    timer.flipped(5.0, 0.001)
    assert timer.late == 0


def test_presents_that_make_many_frames_late_are_judged_once():
    slow = FrameTimer(PERIOD)
    t = 0.0
    verdicts = []
    while t < 4.0:
        slow.flipped(t, 0.0005, 2.5 * PERIOD)
        verdicts.append(slow.presents_too_slow())
        t += 2.5 * PERIOD  # every frame is late
    assert verdicts.count(True) == 1
    smooth = FrameTimer(PERIOD)
    t = 0.0
    while t < 4.0:
        smooth.flipped(t, 0.0005, 0.9 * PERIOD)
        assert not smooth.presents_too_slow()
        t += PERIOD
