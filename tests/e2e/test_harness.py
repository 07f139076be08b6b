"""The end-to-end harness itself works: screenshots see what X draws, recordings hear L and R."""

from __future__ import annotations

import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest

from tests.e2e.harness import (
    SCREEN_SIZE,
    Recorder,
    find_tone_onsets,
    merged_env,
    require_tools,
    screenshot,
)

RATE_HZ = 48_000


def write_stereo_bursts(path: Path, bursts: list[tuple[float, str]], length_s: float) -> None:
    """A 16-bit stereo WAV with a 60 ms, 1 kHz ramped burst at each (start_s, side)."""
    burst_frames = round(0.060 * RATE_HZ)
    ramp_frames = round(0.005 * RATE_HZ)
    t_s = np.arange(burst_frames) / RATE_HZ
    burst = 0.5 * np.sin(2 * np.pi * 1000.0 * t_s)
    ramp = 0.5 - 0.5 * np.cos(np.pi * np.arange(ramp_frames) / ramp_frames)
    burst[:ramp_frames] *= ramp
    burst[-ramp_frames:] *= ramp[::-1]

    stereo = np.zeros((round(length_s * RATE_HZ), 2))
    for start_s, side in bursts:
        start = round(start_s * RATE_HZ)
        stereo[start : start + burst_frames, 0 if side == "left" else 1] = burst
    with wave.open(str(path), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(RATE_HZ)
        out.writeframes(np.round(stereo * 32767).astype("<i2").tobytes())


def test_screenshot_shows_black_root_then_the_colour_xsetroot_paints(
    xserver: dict[str, str],
) -> None:
    require_tools("xsetroot")
    width, height = SCREEN_SIZE

    fresh = screenshot(xserver)
    assert fresh.shape == (height, width, 3)
    assert fresh.dtype == np.uint8
    assert fresh.max() <= 16, "a fresh Xvfb with -br should be black"

    env = merged_env(xserver)
    try:
        subprocess.run(["xsetroot", "-solid", "#ff0000"], env=env, check=True)
        red = screenshot(xserver)
    finally:
        subprocess.run(["xsetroot", "-solid", "#000000"], env=env, check=True)

    assert red.shape == (height, width, 3)
    assert (red[..., 0] >= 240).all()
    assert (red[..., 1:] <= 16).all()


def test_recording_hears_a_left_burst_then_a_right_burst_half_a_second_later(
    pulse: dict[str, str], tmp_path: Path
) -> None:
    wav = tmp_path / "left_then_right.wav"
    write_stereo_bursts(wav, [(0.2, "left"), (0.7, "right")], length_s=1.0)

    with Recorder(pulse) as recording:
        # paplay returns once the sink has played the whole file.
        subprocess.run(["paplay", str(wav)], env=merged_env(pulse), check=True, timeout=30)

    onsets = find_tone_onsets(recording.samples, recording.sample_rate_hz)
    assert [side for _, side in onsets] == ["left", "right"]
    (left_s, _), (right_s, _) = onsets
    assert right_s - left_s == pytest.approx(0.5, abs=0.020)


def test_find_tone_onsets_merges_close_bursts_and_picks_the_louder_side() -> None:
    rate = 1000
    stereo = np.zeros((2000, 2), dtype=np.float32)
    stereo[100:150, 0] = 0.5  # left burst ...
    stereo[180:220, 0] = 0.5  # ... with a 30 ms gap: same burst
    stereo[1000:1100, 1] = 0.5  # right burst
    stereo[1000:1100, 0] = 0.1  # with some crossfeed on the left

    assert find_tone_onsets(stereo, rate) == [(0.1, "left"), (1.0, "right")]
