"""The left/right check: beeps in the left ear only while LEFT is shown, then the right ear."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest

from bls.audio import NullOutput
from bls.audio.lr_check import MONO_WARNING, NO_SOUND, lr_check_plan, run_lr_check
from bls.clock import ManualClock
from tests.unit.test_audio_output import RATE, BlockDevice


def test_the_plan_shows_left_then_right_with_beeps_inside_each_word() -> None:
    plan = lr_check_plan(10.0)
    assert [step.label for step in plan] == ["LEFT", "RIGHT", ""]
    assert [step.side for step in plan] == ["left", "right", None]
    for step, after in pairwise(plan):
        assert after.at_s - step.at_s == pytest.approx(1.5)
        assert all(step.at_s <= t < after.at_s - 0.25 for t in step.beep_times_s)
        assert len(step.beep_times_s) == 3


def test_while_left_is_shown_only_the_left_ear_hears_a_beep() -> None:
    clock = ManualClock(20.0)
    device = BlockDevice(clock)
    blocks: list[np.ndarray] = []
    shown: list[tuple[str, int]] = []  # (word, sample index heard when it was shown)

    def sleep(seconds: float) -> None:
        clock.advance(seconds)
        blocks.append(device.pull(max(1, round(seconds * RATE))))

    def show(word: str) -> None:
        shown.append((word, round((device.heard_time(clock.now()) - origin) * RATE)))

    device.start()
    origin = device.change_time(clock.now())
    run_lr_check(device, show, clock, sleep=sleep)
    audio = np.concatenate(blocks)
    assert [word for word, _ in shown] == ["LEFT", "RIGHT", ""]
    (_, left_at), (_, right_at), (_, end_at) = shown
    left_part, right_part = audio[left_at:right_at], audio[right_at:end_at]
    assert np.abs(left_part[:, 0]).max() > 0.05 and np.abs(left_part[:, 1]).max() == 0.0
    assert np.abs(right_part[:, 1]).max() > 0.05 and np.abs(right_part[:, 0]).max() == 0.0
    assert np.abs(audio[:left_at]).max() == 0.0  # nothing before LEFT is shown


def test_a_one_channel_device_gets_a_warning_first() -> None:
    clock = ManualClock(0.0)
    device = BlockDevice(clock)
    device.channels = 1
    shown: list[str] = []
    run_lr_check(device, shown.append, clock, sleep=clock.advance)
    assert shown == [MONO_WARNING, "LEFT", "RIGHT", ""]


def test_without_sound_it_says_why_and_returns() -> None:
    clock = ManualClock(0.0)
    for output in (None, NullOutput("no sound device")):
        shown: list[str] = []
        run_lr_check(output, shown.append, clock, sleep=clock.advance)
        assert shown == [NO_SOUND]
