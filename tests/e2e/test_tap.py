"""`bls tap` through PulseAudio, heard on the null sink's monitor: the rhythm a client hears.

Tolerances are for recording jitter: these tests identify the rhythm (sides, spacing, counts,
pauses), they are not a timing benchmark.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from bls.core.profile import SetLength
from bls.core.program import plan_sets
from bls.profiles import Library
from tests.e2e.harness import Recorder, find_tone_onsets, merged_env

REPO = Path(__file__).resolve().parents[2]
TOLERANCE_S = 0.015
SETS, PAUSE_S, SECONDS = 2, 2.0, 4.0
ATTEMPTS = 3


def classify(stereo: np.ndarray, rate: int) -> list[tuple[float, str]]:
    """Onsets as (time, "left" | "right" | "both"): the end-of-set cue sounds in both ears."""
    found = []
    for onset_s, side in find_tone_onsets(stereo, rate):
        start = round(onset_s * rate)
        energy = (stereo[start: start + round(0.05 * rate)].astype(np.float64) ** 2).sum(axis=0)
        left_share = energy[0] / max(energy.sum(), 1e-12)
        found.append((onset_s, "both" if 0.2 < left_share < 0.8 else side))
    return found


def run_tap(pulse: dict[str, str]) -> tuple[subprocess.CompletedProcess[str],
                                            list[tuple[float, str]]]:
    with Recorder(pulse) as recording:
        result = subprocess.run(
            [sys.executable, "-m", "bls", "tap", "-p", "tapping", "--sets", str(SETS),
             "--pause", f"{PAUSE_S:g}", "--seconds", f"{SECONDS:g}"],
            cwd=REPO, env=merged_env(pulse), capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result, classify(recording.samples, recording.sample_rate_hz)


def schedule_mismatch(heard: list[tuple[float, str]],
                      expected: list[tuple[float, str]]) -> str | None:
    """Why the heard sounds are not the planned ones (sides, times relative to the first)."""
    if [side for _, side in heard] != [side for _, side in expected]:
        return f"sides differ: expected {expected}, heard {heard}"
    for (heard_s, _), (expected_s, _) in zip(heard, expected, strict=True):
        error_s = (heard_s - heard[0][0]) - (expected_s - expected[0][0])
        if abs(error_s) > TOLERANCE_S:
            return f"sound at {expected_s:.3f} s heard {error_s * 1000:+.1f} ms off: {heard}"
    return None


def test_tap_plays_sets_of_alternating_tones_with_a_cue_and_a_pause(
        pulse: dict[str, str]) -> None:
    profile = Library.discover().load("tapping")
    plan = plan_sets(replace(profile, length=SetLength(None, SECONDS)), SETS, PAUSE_S)
    # Each set's tones (one per pass, alternating sides), then its cue in both ears at rest.
    expected = sorted([(event.time_s, event.side) for timeline in plan
                       for event in timeline.events(timeline.start_s, timeline.rest_s)]
                      + [(timeline.rest_s, "both") for timeline in plan])
    # A starved sound server (a busy CI machine) can insert silence, which shifts every later
    # sound; a scheduling bug would show on every attempt.
    for _attempt in range(ATTEMPTS):
        result, heard = run_tap(pulse)
        mismatch = schedule_mismatch(heard, expected)
        if mismatch is None and "the sound broke up" not in result.stdout:
            break
    assert mismatch is None, mismatch
    assert result.stdout.startswith("sound: ")

    passes = [len(timeline.events(timeline.start_s, timeline.rest_s)) for timeline in plan]
    assert f"set 1 done: {passes[0]} passes" in result.stdout
    assert f"pause {PAUSE_S:g} s" in result.stdout
    tones = [(t, side) for t, side in heard if side != "both"]
    assert len(tones) == sum(passes)
    assert tones[0][1] == "right"  # pass 0 sweeps from the left end to the right end
    spacing = np.diff([t for t, _ in tones[: passes[0]]])
    assert spacing == pytest.approx(0.5, abs=TOLERANCE_S)  # 1 Hz: two passes a second
    # Between the sets: the glide home, the pause, and the next set's lead-in and first pass.
    gap = tones[passes[0]][0] - tones[passes[0] - 1][0]
    assert gap > PAUSE_S + 1.0


def _has_sound_card() -> bool:
    cards = Path("/proc/asound/cards")
    return cards.is_file() and "no soundcards" not in cards.read_text()


@pytest.mark.skipif(_has_sound_card(), reason="a real sound card would still play")
def test_tap_without_a_sound_server_says_so_in_one_line(tmp_path: Path) -> None:
    env = merged_env({"PULSE_SERVER": f"unix:{tmp_path}/no-such-socket",
                      "XDG_RUNTIME_DIR": str(tmp_path), "SDL_AUDIODRIVER": "pulseaudio"})
    result = subprocess.run([sys.executable, "-m", "bls", "tap", "--seconds", "2"], cwd=REPO,
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("bls tap: no sound device")
    assert "tapping needs sound" in last_line
    assert "Traceback" not in result.stderr
