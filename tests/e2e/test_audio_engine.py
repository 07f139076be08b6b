"""The live audio engine through PulseAudio: tones land left and right exactly as published.

A child process opens the output (PortAudio, or SDL's callback), publishes a set, changes its
speed mid-set at `change_time`, and reports the planned tones; the null sink's monitor must hold
the same sides at the same relative times.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.harness import Recorder, find_tone_onsets, merged_env

REPO = Path(__file__).resolve().parents[2]
TOLERANCE_S = 0.015
ATTEMPTS = 3

PLAYER = r"""
import json, sys, time
from bls.audio import open_output
from bls.clock import Clock
from bls.core.profile import SetLength
from bls.core.timeline import SetTimeline
from bls.profiles import Library

profile = Library.discover().load("standard")
clock = Clock()
output = open_output(profile.audio, clock=clock, prefer=sys.argv[1])
if output.backend == "none":
    sys.exit(f"no output: {output.problem} {getattr(output, 'reasons', '')}")
output.start()

def wait_until(timeline_s):
    while output.heard_time(clock.now()) < timeline_s:
        time.sleep(0.005)

start = output.change_time(clock.now()) + 0.2
timeline = SetTimeline.begin(start, profile.motion, SetLength(10, None), speed_hz=1.5)
output.publish((timeline,))
fourth = timeline.events(start, timeline.rest_s)[3]
wait_until(fourth.time_s + 0.05)
timeline = timeline.with_speed(output.change_time(clock.now()), 1.0)
output.publish((timeline,))
wait_until(timeline.rest_s + 0.3)
events = timeline.events(start, timeline.rest_s)
print(json.dumps({"backend": output.backend, "latency_s": output.latency_s,
                  "underruns": output.underruns, "problem": output.problem,
                  "tones": [[e.time_s - start, e.side] for e in events]}))
output.close()
"""


def schedule_mismatch(planned: list[tuple[float, str]],
                      heard: list[tuple[float, str]]) -> str | None:
    """Why the heard tones are not the planned ones (sides, times relative to the first)."""
    if [side for _, side in heard] != [side for _, side in planned]:
        return f"sides differ: planned {planned}, heard {heard}"
    first_heard, first_planned = heard[0][0], planned[0][0]
    for (heard_s, _), (planned_s, _) in zip(heard, planned, strict=True):
        error_s = (heard_s - first_heard) - (planned_s - first_planned)
        if abs(error_s) > TOLERANCE_S:
            return f"tone at {planned_s:.3f} s heard {error_s * 1000:+.1f} ms off: {heard}"
    return None


@pytest.mark.parametrize("backend", ["portaudio", "sdl"])
def test_published_tones_are_heard_on_their_side_at_their_times(
        pulse: dict[str, str], backend: str) -> None:
    # A starved sound server (a busy CI machine) can insert silence that no callback sees, which
    # shifts every later tone; a schedule bug would show on every attempt.
    for _attempt in range(ATTEMPTS):
        with Recorder(pulse) as recording:
            result = subprocess.run([sys.executable, "-c", PLAYER, backend], cwd=REPO,
                                    env=merged_env(pulse), capture_output=True, text=True,
                                    timeout=60)
        assert result.returncode == 0, result.stderr
        report = json.loads(result.stdout)
        assert report["problem"] is None
        planned = [(float(t), side) for t, side in report["tones"]]
        heard = find_tone_onsets(recording.samples, recording.sample_rate_hz)
        mismatch = schedule_mismatch(planned, heard)
        if mismatch is None and report["underruns"] == 0:
            break
    assert mismatch is None, mismatch
    assert len(planned) == 10
    assert [side for _, side in planned[:4]] == ["right", "left", "right", "left"]
    # The speed change is heard: 1.5 Hz (1/3 s between tones), then 1 Hz (1/2 s).
    assert heard[1][0] - heard[0][0] == pytest.approx(1 / 3, abs=TOLERANCE_S)
    assert heard[-1][0] - heard[-2][0] == pytest.approx(0.5, abs=TOLERANCE_S)


LR_CHECK = r"""
import sys
from bls.audio import open_output
from bls.audio.lr_check import run_lr_check
from bls.clock import Clock
from bls.profiles import Library

clock = Clock()
output = open_output(Library.discover().load("standard").audio, clock=clock)
if output.backend == "none":
    sys.exit(f"no output: {output.problem}")
run_lr_check(output, lambda word: print(word or "-", flush=True), clock)
output.close()
"""


def test_the_left_right_check_beeps_left_while_left_is_shown_then_right(
        pulse: dict[str, str]) -> None:
    with Recorder(pulse) as recording:
        result = subprocess.run([sys.executable, "-c", LR_CHECK], cwd=REPO,
                                env=merged_env(pulse), capture_output=True, text=True,
                                timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["LEFT", "RIGHT", "-"]
    heard = find_tone_onsets(recording.samples, recording.sample_rate_hz)
    assert [side for _, side in heard] == ["left"] * 3 + ["right"] * 3
    rate = recording.sample_rate_hz
    for onset_s, side in heard:
        burst = recording.samples[round(onset_s * rate): round((onset_s + 0.2) * rate)]
        other = 1 if side == "left" else 0
        assert abs(burst[:, other]).max() < 0.001  # nothing at all in the other ear
    assert heard[3][0] - heard[0][0] == pytest.approx(1.5, abs=TOLERANCE_S)
