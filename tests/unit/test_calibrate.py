"""Calibration: 5 ms steps, clamped; one flash per click, on the click's side; the save sticks."""

from __future__ import annotations

import itertools
import stat

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bls.commands.calibrate import (
    FLASH_S,
    calibration_timeline,
    describe_offset,
    flash_at,
    stepped_offset,
    steps_for_key,
)
from bls.settings import MAX_OFFSET_S, Settings, load_settings, save_settings, settings_path


def test_each_arrow_press_moves_the_offset_by_5_ms() -> None:
    offset = 0.0
    for _ in range(30):  # a Bluetooth headset: 150 ms in 30 presses of Left
        offset = stepped_offset(offset, steps_for_key("left"))
    assert offset == pytest.approx(0.150)
    assert stepped_offset(offset, steps_for_key("right")) == pytest.approx(0.145)


def test_shift_moves_the_offset_by_25_ms() -> None:
    assert stepped_offset(0.0, steps_for_key("left", coarse=True)) == pytest.approx(0.025)
    assert stepped_offset(0.0, steps_for_key("right", coarse=True)) == pytest.approx(-0.025)


def test_other_keys_do_not_move_the_offset() -> None:
    assert stepped_offset(0.120, steps_for_key("up")) == pytest.approx(0.120)


@given(st.floats(-MAX_OFFSET_S, MAX_OFFSET_S), st.integers(-500, 500))
def test_the_offset_stays_within_the_limit_on_whole_milliseconds(start: float, steps: int) -> None:
    offset = stepped_offset(start, steps)
    assert -MAX_OFFSET_S <= offset <= MAX_OFFSET_S
    assert offset * 1000 == pytest.approx(round(offset * 1000))


def test_the_offset_is_described_in_words() -> None:
    assert "waits 150 ms" in describe_offset(0.150)
    assert "ahead" in describe_offset(-0.020)
    assert "no correction" in describe_offset(0.0)


def test_a_flash_shows_on_the_side_of_each_click_and_only_just_after_it() -> None:
    timeline = calibration_timeline(start_s=10.0, amplitude=0.9)
    clicks = timeline.events(10.0, 20.0)
    assert len(clicks) >= 8
    gaps = [b.time_s - a.time_s for a, b in itertools.pairwise(clicks)]
    assert gaps == pytest.approx([1.0] * len(gaps))  # one flash a second: far below 3 per second
    for click in clicks:
        assert flash_at(timeline, click.time_s - 0.001) is None
        shown = flash_at(timeline, click.time_s + 0.001)
        assert shown is not None and shown.side == click.side and shown.strength == 1.0
        assert flash_at(timeline, click.time_s + FLASH_S + 0.001) is None


def test_clicks_alternate_left_and_right() -> None:
    sides = [e.side for e in calibration_timeline(0.0, 0.9).events(0.0, 6.0)]
    assert sides[:4] in (["right", "left", "right", "left"], ["left", "right", "left", "right"])


def test_a_saved_offset_is_what_the_next_session_loads_and_the_file_is_private() -> None:
    chosen = stepped_offset(0.0, 36)  # 180 ms
    path = save_settings(Settings().with_offset(chosen))
    assert path == settings_path()
    assert load_settings().audio_offset_s == pytest.approx(0.180)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
