"""Left/right check: beeps in the left ear only while "LEFT" is shown, then in the right ear.

`lr_check_plan` and `word_at` are pure (times are arguments); `schedule_lr_check` places the beeps
on an output's clock and returns at once, so the live session and tapping show the words as the
beeps are heard without stalling anything. `run_lr_check` waits for the words as well (`bls doctor
--lr`, which has nothing else to do). Headphones on backwards, a mono device or a swapped cable
are then obvious in three seconds.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from bls.audio.output import AudioOutput, Output
from bls.clock import Clock
from bls.core.profile import Audio
from bls.core.synth import SAMPLE_RATE, make_tone
from bls.core.timeline import Side

SIDE_S = 1.5  # each word is shown this long
BEEPS_PER_SIDE = 3
BEEP = Audio(tone="sine", frequency_hz=660.0, duration_s=0.25, volume=1.0, pan="hard",
             crossfeed=0.0)
LEAD_S = 0.1  # the first beep is handed to the output this long before it sounds
MONO_WARNING = ("warning: the sound device has one channel, so both ears hear every beep; "
                "left/right stimulation needs stereo headphones")
NO_SOUND = "no sound device: the left/right check needs sound"


@dataclass(frozen=True, slots=True)
class LrStep:
    """From `at_s` show `label`; beeps (on `side`, if any) start at `beep_times_s`."""

    at_s: float
    label: str
    side: Side | None
    beep_times_s: tuple[float, ...]


def lr_check_plan(start_s: float, *, side_s: float = SIDE_S,
                  beeps_per_side: int = BEEPS_PER_SIDE) -> tuple[LrStep, ...]:
    """LEFT for `side_s`, RIGHT for `side_s`, then an empty label (the check is over)."""
    interval_s = side_s / beeps_per_side
    steps = []
    sides: tuple[tuple[str, Side], ...] = (("LEFT", "left"), ("RIGHT", "right"))
    for index, (label, side) in enumerate(sides):
        at_s = start_s + index * side_s
        beeps = tuple(at_s + 0.1 * interval_s + k * interval_s for k in range(beeps_per_side))
        steps.append(LrStep(at_s, label, side, beeps))
    steps.append(LrStep(start_s + 2 * side_s, "", None, ()))
    return tuple(steps)


def beep_wave(rate: int = SAMPLE_RATE) -> np.ndarray:
    return make_tone(BEEP, rate)


def word_at(plan: Sequence[LrStep], t: float) -> str | None:
    """The check's word at time t ("" before its first beep), None when no check runs then."""
    if not plan or t >= plan[-1].at_s:
        return None
    shown = [step.label for step in plan if step.at_s <= t]
    return shown[-1] if shown else ""


def schedule_lr_check(output: Output, start_s: float) -> tuple[LrStep, ...]:
    """Place the check's beeps on the output from timeline time `start_s`; its plan."""
    plan = lr_check_plan(start_s)
    wave = beep_wave(output.sample_rate)
    for step in plan:
        for beep_s in step.beep_times_s:
            left = 1.0 if step.side == "left" else 0.0
            output.play(wave, beep_s, left=left, right=1.0 - left)
    return plan


def run_lr_check(output_or_none: AudioOutput | None, show: Callable[[str], None],
                 clock: Clock, *, sleep: Callable[[float], None] = time.sleep) -> None:
    """Play the check on a started (or startable) output; `show(word)` as each side is heard.

    Shows a warning first when the device has one channel, and only a one-line reason when
    there is no sound at all. Blocks for about three seconds; `sleep` is injectable for tests.
    """
    output = output_or_none
    if output is None or output.backend == "none":
        show(NO_SOUND)
        return
    output.start()
    if output.channels < 2:
        show(MONO_WARNING)
    plan = schedule_lr_check(output, output.change_time(clock.now()) + LEAD_S)
    for step in plan:
        while output.heard_time(clock.now()) < step.at_s:
            sleep(min(0.01, max(0.001, step.at_s - output.heard_time(clock.now()))))
        show(step.label)
