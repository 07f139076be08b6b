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
ATTEMPTS = 2


def classify(stereo: np.ndarray, rate: int) -> list[tuple[float, str]]:
    """Onsets as (time, "left" | "right" | "both"): the end-of-set cue sounds in both ears."""
    found = []
    for onset_s, side in find_tone_onsets(stereo, rate):
        start = round(onset_s * rate)
        energy = (stereo[start: start + round(0.05 * rate)].astype(np.float64) ** 2).sum(axis=0)
        left_share = energy[0] / max(energy.sum(), 1e-12)
        found.append((onset_s, "both" if 0.2 < left_share < 0.8 else side))
    return found


def test_tap_plays_sets_of_alternating_tones_with_a_cue_and_a_pause(
        pulse: dict[str, str]) -> None:
    for _attempt in range(ATTEMPTS):
        with Recorder(pulse) as recording:
            result = subprocess.run(
                [sys.executable, "-m", "bls", "tap", "-p", "tapping", "--sets", str(SETS),
                 "--pause", f"{PAUSE_S:g}", "--seconds", f"{SECONDS:g}"],
                cwd=REPO, env=merged_env(pulse), capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        if "the sound broke up" not in result.stdout:
            break  # an underrun shifts later tones: on a busy machine, try once more
    assert "the sound broke up" not in result.stdout, result.stdout
    assert result.stdout.startswith("sound: ")

    profile = Library.discover().load("tapping")
    plan = plan_sets(replace(profile, length=SetLength(None, SECONDS)), SETS, PAUSE_S)
    expected = [timeline.events(timeline.start_s, timeline.rest_s) for timeline in plan]
    passes = [len(events) for events in expected]
    assert f"set 1 done: {passes[0]} passes" in result.stdout
    assert f"pause {PAUSE_S:g} s" in result.stdout

    heard = classify(recording.samples, recording.sample_rate_hz)
    tones = [(t, side) for t, side in heard if side != "both"]
    cues = [t for t, side in heard if side == "both"]
    assert len(tones) == sum(passes), heard
    assert len(cues) == SETS, heard

    # Split the tones into sets and compare each with the plan, relative to set 1's first tone.
    first_heard, first_planned = tones[0][0], expected[0][0].time_s
    planned = [event for events in expected for event in events]
    for (heard_s, side), event in zip(tones, planned, strict=True):
        assert side == event.side
        assert heard_s - first_heard == pytest.approx(event.time_s - first_planned,
                                                      abs=TOLERANCE_S)
    spacing = np.diff([t for t, _ in tones[: passes[0]]])
    assert spacing == pytest.approx(0.5, abs=TOLERANCE_S)  # 1 Hz: two passes a second
    # The cue comes as each set is back at rest; then the pause, then the next set's lead-in.
    for cue_s, timeline in zip(cues, plan, strict=True):
        assert cue_s - first_heard == pytest.approx(timeline.rest_s - first_planned,
                                                    abs=TOLERANCE_S)
    gap = tones[passes[0]][0] - tones[passes[0] - 1][0]
    assert gap == pytest.approx(expected[1][0].time_s - expected[0][-1].time_s, abs=TOLERANCE_S)
    assert gap > PAUSE_S


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
