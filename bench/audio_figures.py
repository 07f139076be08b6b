"""Audio figures, measured in this process: callback cost, tone-onset sync and clock drift.

The callback figures drive bls's real callback body (`AudioOutput._render`) without a device;
sync renders a whole set block by block and finds each tone in the samples; drift feeds the
sample clock the stamps of a simulated device whose crystal runs fast, for 90 minutes.
"""

from __future__ import annotations

import random
import time

import numpy as np

from bench.results import Result
from bls.audio.output import AudioOutput
from bls.clock import ManualClock
from bls.core.profile import SetLength, with_overrides
from bls.core.timeline import SetTimeline
from bls.profiles import DEFAULT_PROFILE, Library
from bls.sounds import voice_for

RATE_HZ = 48_000
BLOCK_FRAMES = 256
BUDGET_S = BLOCK_FRAMES / RATE_HZ  # 5.33 ms: a callback slower than this underruns


def _output(profile_name: str = DEFAULT_PROFILE, latency_s: float = 0.0,
            clock: ManualClock | None = None) -> tuple[AudioOutput, ManualClock, object]:
    profile = Library.discover().load(profile_name)
    clock = clock or ManualClock(100.0)
    output = AudioOutput(voice_for(profile.audio, RATE_HZ), clock=clock, rate=RATE_HZ,
                         latency_s=latency_s, backend="bench")
    output.start()  # the base class has no device: only the sample clock starts
    return output, clock, profile


def callback_cost(seconds_of_audio: float = 30.0) -> list[Result]:
    """Wall time of one 256-frame callback during a set at the top speed (most tones), for a
    synthesised tone (the default profile) and a sampled one (tapping)."""
    results = []
    for profile_name in (DEFAULT_PROFILE, "tapping"):
        output, clock, profile = _output(profile_name)
        fast = with_overrides(profile, speed_hz=2.0, passes=500)
        timeline = SetTimeline.begin(clock.now(), fast.motion, fast.length)  # type: ignore[attr-defined]
        output.publish([timeline])
        out = np.zeros((BLOCK_FRAMES, 2), dtype=np.float32)
        blocks = round(seconds_of_audio * RATE_HZ / BLOCK_FRAMES)
        costs = np.empty(blocks)
        for k in range(blocks):
            wall = clock.now() + k * BUDGET_S
            started = time.perf_counter_ns()
            output._render(out, wall, wall)
            costs[k] = (time.perf_counter_ns() - started) / 1e9
        tone = profile.audio.tone  # type: ignore[attr-defined]
        what = f"audio callback, 256 frames, {tone} tones at {timeline.speed_hz:g} Hz"
        results.append(Result.of(f"{what}: median vs real-time budget",
                                 float(np.median(costs)), "ms", BUDGET_S))
        results.append(Result.of(f"{what}: 99.9th percentile vs real-time budget",
                                 float(np.percentile(costs, 99.9)), "ms", BUDGET_S))
    return [Result.of(r.name, r.value * 1000, r.unit, r.baseline * 1000) for r in results]


def _onsets(channel: np.ndarray, wave: np.ndarray, expected: list[int],
            search: int = 1024) -> list[int]:
    """The sample where each tone starts: the best match of the tone's waveform near where it
    is expected (found in the samples, not taken from the synth's bookkeeping)."""
    found = []
    template = wave[: min(len(wave), 960)].astype(np.float64)
    for guess in expected:
        lo = max(0, guess - search)
        window = channel[lo: guess + search + len(template)].astype(np.float64)
        score = np.correlate(window, template, mode="valid")
        norms = np.sqrt(np.convolve(window ** 2, np.ones(len(template)), mode="valid")) + 1e-12
        found.append(lo + int(np.argmax(score / norms)))
    return found


def sync(passes: int = 48) -> list[Result]:
    """Worst gap between a tone's first sample and its edge-arrival time, over a set with a
    speed change in the middle, rendered in 256-frame callbacks. Baseline: a naive callback
    that starts a tone at the first block after its edge (the same detector finds both)."""
    output, clock, profile = _output()
    start = clock.now() + 0.1
    timeline = SetTimeline.begin(start, profile.motion, SetLength(passes, None))  # type: ignore[attr-defined]
    timeline = timeline.with_speed(start + 6.3, 1.7)
    output.publish([timeline])
    origin = output._synth.origin_s  # type: ignore[union-attr]
    total = round((timeline.rest_s - origin + 0.5) * RATE_HZ)
    rendered = np.zeros((total - total % BLOCK_FRAMES, 2), dtype=np.float32)
    for n0 in range(0, len(rendered), BLOCK_FRAMES):
        output._render(rendered[n0: n0 + BLOCK_FRAMES], 0.0, 0.0)
    events = timeline.events(start, timeline.rest_s)
    exact = [(e.time_s - origin) * RATE_HZ for e in events]
    sides = [0 if e.side == "left" else 1 for e in events]
    wave = output._voice.wave  # type: ignore[union-attr]

    naive = np.zeros_like(rendered)
    for edge, side in zip(exact, sides, strict=True):
        onset = int(np.ceil(edge / BLOCK_FRAMES)) * BLOCK_FRAMES
        naive[onset: onset + len(wave), side] += wave[: len(naive) - onset]

    def worst_ms(samples: np.ndarray) -> float:
        errors = []
        for side in (0, 1):
            mine = [i for i, s in enumerate(sides) if s == side]
            found = _onsets(samples[:, side], wave, [round(exact[i]) for i in mine])
            errors += [abs(f - exact[i]) for f, i in zip(found, mine, strict=True)]
        return max(errors) / RATE_HZ * 1000

    return [Result.of(f"sync: worst tone onset vs edge arrival over a {len(events)}-pass set "
                      "(bls vs naive block-start scheduling)", worst_ms(rendered), "ms",
                      worst_ms(naive))]


def drift(minutes: float = 90.0, device_ppm: float = 100.0, block_frames: int = 1024,
          latency_s: float = 0.04, frame_rate_hz: float = 10.0) -> list[Result]:
    """Picture-vs-sound error over a session on a device whose clock runs `device_ppm` fast.

    The device plays sample n at wall time start + latency + n / (rate (1 + ppm)); each callback
    stamps its DAC time with 0.5 ms of jitter. The picture asks `heard_time(wall)` between
    callbacks; the error is that minus the timeline time actually heard then. Baseline: a
    picture that runs on the wall clock from the start of the session.
    """
    clock = ManualClock(100.0)
    output, _, _ = _output(latency_s=latency_s, clock=clock)
    start_wall = clock.now()
    origin = output._synth.origin_s  # type: ignore[union-attr]
    device_rate = RATE_HZ * (1 + device_ppm * 1e-6)
    jitter = random.Random(5)
    out = np.zeros((block_frames, 2), dtype=np.float32)
    frame_step_s = 1.0 / frame_rate_hz
    next_frame = start_wall + 1.0  # let the first stamps settle
    worst_bls = worst_naive = 0.0
    end_wall = start_wall + minutes * 60
    n0 = 0
    while True:
        callback_wall = start_wall + n0 / device_rate
        if callback_wall > end_wall:
            break
        clock.t = callback_wall
        dac = callback_wall + latency_s + jitter.gauss(0.0, 0.0005)
        output._render(out, callback_wall, dac)
        n0 += block_frames
        next_callback = start_wall + n0 / device_rate
        while next_frame < next_callback:
            clock.t = next_frame
            truth = origin + (next_frame - start_wall - latency_s) * device_rate / RATE_HZ
            worst_bls = max(worst_bls, abs(output.heard_time(next_frame) - truth))
            worst_naive = max(worst_naive, abs(next_frame + (origin - start_wall - latency_s)
                                               - truth))
            next_frame += frame_step_s
    return [Result.of(f"drift: worst picture-vs-sound error over {minutes:.0f} min, device clock "
                      f"+{device_ppm:.0f} ppm (bls sample clock vs wall clock)",
                      worst_bls * 1000, "ms", worst_naive * 1000)]


if __name__ == "__main__":
    for result in (*callback_cost(5.0), *sync(), *drift(minutes=5.0)):
        print(result)
