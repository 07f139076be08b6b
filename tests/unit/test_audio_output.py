"""The live audio engine without a device: what it renders, how it ramps, the clock it keeps."""

from __future__ import annotations

import builtins
import math
from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bls.audio import NO_DEVICE, NullOutput, open_output
from bls.audio.output import DEVICE_STOPPED, AudioOutput
from bls.audio.sample_clock import SampleClock, Stamp
from bls.clock import ManualClock
from bls.core.profile import Audio, Motion, SetLength
from bls.core.synth import MIN_RAMP_S, VOLUME_CEILING, Synth, Voice
from bls.core.timeline import SetTimeline

RATE = 48_000
AUDIO = Audio(tone="sine", frequency_hz=300.0, duration_s=0.06, volume=1.0, pan="hard",
              crossfeed=0.0)
MOTION = Motion(path="horizontal", speed_hz=1.0, max_speed_hz=2.0, easing="sine", dwell_s=0.0,
                amplitude=0.9)
LATENCY_S = 0.03


class BlockDevice(AudioOutput):
    """An output whose 'device' is the test: it asks for blocks by hand, like a callback would."""

    def __init__(self, clock: ManualClock, voice: Voice | None = None) -> None:
        super().__init__(voice or Voice.from_audio(AUDIO, RATE), clock=clock, rate=RATE,
                         latency_s=LATENCY_S, backend="test")
        self.clock = clock

    def pull(self, frames: int) -> np.ndarray:
        """One callback at the clock's current time."""
        out = np.full((frames, 2), np.nan, dtype=np.float32)
        now = self.clock.now()
        self._render(out, now, now + self.latency_s)
        return out


def started(start_s: float = 100.0) -> tuple[BlockDevice, ManualClock]:
    clock = ManualClock(start_s)
    device = BlockDevice(clock)
    device.start()
    return device, clock


# -- NullOutput and open_output ------------------------------------------------------------------


def test_null_output_keeps_wall_clock_time() -> None:
    output = NullOutput("no sound device")
    for wall_s in (0.0, 12.5, 5400.25):
        assert output.heard_time(wall_s) == wall_s
        assert output.change_time(wall_s) == wall_s
    output.start()
    output.publish(())
    output.set_volume(0.3)
    output.set_muted(True)
    output.close()
    assert output.backend == "none"
    assert output.problem == "no sound device"


def test_no_audio_is_silent_without_a_problem() -> None:
    output = open_output(AUDIO, enabled=False)
    assert isinstance(output, NullOutput)
    assert output.problem is None


def _failing_import(monkeypatch: pytest.MonkeyPatch, broken: dict[str, BaseException]) -> None:
    real_import = builtins.__import__

    def fake_import(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.split(".")[0] in broken:
            raise broken[name.split(".")[0]]
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)


def test_without_portaudio_the_output_is_silent_and_says_so_in_one_line(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # What importing sounddevice does when libportaudio2 is not installed.
    _failing_import(monkeypatch, {"sounddevice": OSError("PortAudio library not found")})
    output = open_output(AUDIO, prefer="portaudio")
    assert isinstance(output, NullOutput)
    assert output.problem == NO_DEVICE
    assert "\n" not in output.problem
    assert output.reasons == ("PortAudio: PortAudio library not found",)
    assert output.heard_time(3.0) == 3.0


def test_with_no_backend_at_all_open_output_still_returns(
        monkeypatch: pytest.MonkeyPatch) -> None:
    _failing_import(monkeypatch, {"sounddevice": OSError("PortAudio library not found"),
                                  "pygame": ImportError("No module named 'pygame'")})
    output = open_output(AUDIO)
    assert isinstance(output, NullOutput)
    assert output.problem is not None and "no sound device" in output.problem
    assert len(output.reasons) == 2


def test_prefer_none_gives_a_silent_output_without_a_problem() -> None:
    output = open_output(AUDIO, prefer="none")
    assert isinstance(output, NullOutput) and output.problem is None


# -- the callback -------------------------------------------------------------------------------


def test_blocks_of_any_size_render_exactly_what_the_synth_renders() -> None:
    device, clock = started()
    origin = device.change_time(clock.now())
    timelines = (SetTimeline.begin(origin + 0.1, MOTION, SetLength(6, None)),)
    device.publish(timelines)
    sizes = [480, 1, 1024, 333, 4096, 64] * 30
    rendered = np.concatenate([device.pull(n) for n in sizes])
    expected = Synth(Voice.from_audio(AUDIO, RATE), RATE, origin_s=origin).render(
        0, sum(sizes), timelines)
    assert np.abs(rendered).max() > 0.1  # tones were heard, not just silence
    np.testing.assert_array_equal(rendered, expected)


def test_a_published_set_sounds_at_its_tone_times_left_and_right() -> None:
    device, clock = started()
    start = device.change_time(clock.now())
    timeline = SetTimeline.begin(start, MOTION, SetLength(4, None))
    device.publish((timeline,))
    audio = np.concatenate([device.pull(480) for _ in range(int(4 * RATE / 480))])
    for event in timeline.events(start, start + 4):
        n = round((event.time_s - start) * RATE)
        near, far = (0, 1) if event.side == "left" else (1, 0)
        burst = audio[n: n + round(0.05 * RATE)]
        assert np.abs(burst[:, near]).max() > 0.05
        assert np.abs(burst[:, far]).max() == 0.0
        assert np.abs(audio[n - 10: n]).max() == 0.0  # silent just before its sample


def _steady_tone(device: BlockDevice, seconds: float) -> None:
    """A constant-level sound in both ears, so the output shows the gain itself."""
    device.play(np.ones(round(seconds * RATE), dtype=np.float32),
                device.change_time(device.clock.now()))


def _gain_curve(blocks: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(blocks)[:, 0] / VOLUME_CEILING


def test_muting_and_unmuting_ramp_over_at_least_5_ms() -> None:
    device, _clock = started()
    _steady_tone(device, 2.0)
    blocks = [device.pull(256) for _ in range(20)]
    device.set_muted(True)
    blocks += [device.pull(256) for _ in range(20)]
    device.set_muted(False)
    blocks += [device.pull(100) for _ in range(50)]
    gain = _gain_curve(blocks)
    ramp_samples = MIN_RAMP_S * RATE
    # A raised cosine over 5 ms never changes faster than this per sample.
    assert np.abs(np.diff(gain)).max() <= math.pi / 2 / ramp_samples
    assert gain[:20 * 256].min() == pytest.approx(1.0)
    assert gain[40 * 256 - 1] == 0.0  # muted by the end of the block run
    assert gain[-1] == pytest.approx(1.0)
    falling = np.flatnonzero((gain[20 * 256: 40 * 256] < 0.999) & (gain[20 * 256: 40 * 256] > 0))
    assert len(falling) >= ramp_samples - 2


def test_volume_changes_ramp_and_stay_under_the_ceiling() -> None:
    device, _clock = started()
    _steady_tone(device, 2.0)
    blocks = [device.pull(512) for _ in range(5)]
    device.set_volume(0.25)
    blocks += [device.pull(512) for _ in range(5)]
    device.set_volume(7.0)  # clamped to 1
    blocks += [device.pull(512) for _ in range(5)]
    gain = _gain_curve(blocks)
    assert np.abs(np.diff(gain)).max() <= math.pi / 2 / (MIN_RAMP_S * RATE)
    assert gain[9 * 512] == pytest.approx(0.25)
    assert gain.max() <= 1.0 + 1e-6


def test_a_profile_switch_changes_the_tone_of_later_sets() -> None:
    device, clock = started()
    start = device.change_time(clock.now())
    device.set_voice(Voice.from_audio(replace(AUDIO, frequency_hz=600.0), RATE))
    device.publish((SetTimeline.begin(start, MOTION, SetLength(2, None)),))
    audio = np.concatenate([device.pull(480) for _ in range(200)])
    tone = audio[:, 0] if np.abs(audio[:, 0]).max() > 0 else audio[:, 1]
    loud = tone[np.flatnonzero(np.abs(tone) > 0)[0]:][: round(0.04 * RATE)]
    crossings = np.count_nonzero(np.diff(np.sign(loud)) != 0)
    assert crossings / 0.04 / 2 == pytest.approx(600, rel=0.1)


# -- the clock ----------------------------------------------------------------------------------


def test_change_time_is_never_inside_what_was_rendered() -> None:
    device, clock = started()
    for _ in range(50):
        device.pull(480)
        clock.advance(0.01)
        rendered_until = device._sample_clock.origin_s + device._frames / RATE  # type: ignore
        assert device.change_time(clock.now()) >= rendered_until
        assert device.change_time(clock.now()) > device.heard_time(clock.now())


def test_timeline_time_starts_near_the_wall_clock() -> None:
    device, clock = started(start_s=250.0)
    assert device.heard_time(clock.now()) == pytest.approx(250.0, abs=0.1)
    device.pull(480)
    assert device.heard_time(clock.now()) == pytest.approx(250.0, abs=0.1)


def test_a_lost_device_reports_once_and_time_goes_on_with_the_wall_clock() -> None:
    device, clock = started()
    for _ in range(100):
        device.pull(480)
        clock.advance(0.01)
    assert device.problem is None
    before = device.heard_time(clock.now())
    clock.advance(5.0)  # no callbacks any more
    assert device.problem == DEVICE_STOPPED
    assert device.heard_time(clock.now()) == pytest.approx(before + 5.0)
    assert device.change_time(clock.now()) >= device.heard_time(clock.now())


def _simulate(sample_clock: SampleClock, *, drift: float, jitter_s: float, block: int,
              frames_at: list[float], latency_s: float = 0.02, seed: int = 7) -> list[float]:
    """heard_time at each wall time in `frames_at`, minus the true heard time.

    The device's sample clock runs (1 + drift) times as fast as the wall clock; each callback
    comes up to `jitter_s` late and assumes its block is heard `latency_s` after it ran.
    """
    rng = np.random.default_rng(seed)
    rate = sample_clock.rate
    ear_start = sample_clock.origin_s  # sample 0 reaches the ear at this wall time

    def ear_time(n: int) -> float:
        return ear_start + n / (rate * (1 + drift))

    errors = []
    for wall_s in frames_at:
        # The last callback that has run by wall_s (callbacks run latency_s before the ear).
        k = math.floor((wall_s + latency_s - ear_start) * rate * (1 + drift) / block)
        late = float(rng.uniform(0, jitter_s))
        if ear_time(k * block) - latency_s + late > wall_s:
            k -= 1  # this one has not run yet
        callback_s = ear_time(k * block) - latency_s + late
        sample_clock.update(Stamp(k * block, (k + 1) * block, block, callback_s,
                                  callback_s + latency_s))
        true_heard = sample_clock.origin_s + (wall_s - ear_start) * (1 + drift)
        errors.append(sample_clock.heard_time(wall_s) - true_heard)
    return errors


def test_heard_time_follows_the_sample_clock_over_a_90_minute_session() -> None:
    sample_clock = SampleClock(origin_s=1000.0, rate=RATE)
    frames_at = list(1000.0 + np.arange(0.5, 90 * 60, 0.1))
    errors = _simulate(sample_clock, drift=80e-6, jitter_s=0.003, block=480, frames_at=frames_at)
    # Without following the sample clock the error would grow to 80 ppm x 90 min = 0.43 s.
    assert max(abs(e) for e in errors[100:]) < 0.003


def test_heard_time_is_smooth_frame_to_frame_despite_callback_jitter() -> None:
    sample_clock = SampleClock(origin_s=0.0, rate=RATE)
    frame_s = 1 / 60
    frames_at = list(np.arange(0.5, 30.0, frame_s))
    errors = _simulate(sample_clock, drift=0.0, jitter_s=0.004, block=1024, frames_at=frames_at)
    steps = np.diff(np.array(errors[120:]))
    # Raw callback stamps jump by up to 4 ms; the picture would shake with them.
    assert np.abs(steps).max() < 0.0005


@settings(max_examples=60, deadline=None)
@given(sizes=st.lists(st.integers(64, 2048), min_size=1, max_size=12),
       change_at_s=st.floats(0.0, 2.5), new_speed=st.floats(0.3, 2.0))
def test_a_change_published_at_change_time_sounds_exactly_as_the_new_timeline(
        sizes: list[int], change_at_s: float, new_speed: float) -> None:
    """Whatever the block sizes, and whenever the key is pressed: what is heard is the changed
    set, as if it had been published from the start (no tone cut, doubled or misplaced)."""
    device, clock = started()
    start = device.change_time(clock.now())
    timeline = SetTimeline.begin(start, replace(MOTION, speed_hz=1.5), SetLength(None, 2.0))
    device.publish((timeline,))
    blocks, changed, index = [], False, 0
    while sum(len(b) for b in blocks) < 3 * RATE:
        if not changed and clock.now() >= start + change_at_s:
            timeline = timeline.with_speed(device.change_time(clock.now()), new_speed)
            device.publish((timeline,))
            changed = True
        frames = sizes[index % len(sizes)]
        index += 1
        blocks.append(device.pull(frames))
        clock.advance(frames / RATE)
    rendered = np.concatenate(blocks)
    expected = Synth(Voice.from_audio(AUDIO, RATE), RATE, origin_s=start).render(
        0, len(rendered), (timeline,))
    np.testing.assert_array_equal(rendered, expected)
