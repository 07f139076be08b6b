"""The synth: what a listener hears: the right ear at the right sample, no clicks, not loud."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bls.core.profile import Audio, Motion, SetLength
from bls.core.synth import MIN_RAMP_S, VOLUME_CEILING, Synth, Voice, fade_in_gain, make_tone
from bls.core.timeline import SetTimeline
from bls.profiles import Library
from bls.sounds import voice_for

RATE = 48_000
AUDIO = Audio(tone="sine", frequency_hz=300.0, duration_s=0.06, volume=1.0, pan="hard",
              crossfeed=0.0)
MOTION = Motion(path="horizontal", speed_hz=1.0, max_speed_hz=2.0, easing="sine", dwell_s=0.0,
                amplitude=0.9)


def one_set(passes: int = 8, speed: float = 1.0) -> SetTimeline:
    return SetTimeline.begin(0.0, replace(MOTION, speed_hz=speed), SetLength(passes, None))


def onsets(channel: np.ndarray, gap: int = 2000) -> list[int]:
    loud = np.flatnonzero(np.abs(channel) > 1e-6)
    if loud.size == 0:
        return []
    return [int(s) for s in loud[np.insert(np.diff(loud) > gap, 0, True)]]


def render(timeline: SetTimeline, audio: Audio = AUDIO, seconds: float = 6.0) -> np.ndarray:
    synth = Synth(Voice.from_audio(audio, RATE), RATE)
    return synth.render(0, int(seconds * RATE), [timeline])


def test_each_tone_starts_at_its_exact_sample_in_the_ear_of_its_side() -> None:
    timeline = one_set(passes=8)
    out = render(timeline)
    events = timeline.events(0, 100)
    right = [round(e.time_s * RATE) for e in events if e.side == "right"]
    left = [round(e.time_s * RATE) for e in events if e.side == "left"]
    assert len(onsets(out[:, 1])) == len(right) and len(onsets(out[:, 0])) == len(left)
    for channel, starts in ((1, right), (0, left)):
        for start in starts:
            # Silent up to the event's sample, sounding within the ramp's first samples.
            assert not np.any(out[start - 2000: start, channel])
            assert np.any(out[start: start + 8, channel])
    assert right[0] == RATE  # 1 Hz: lead-in 0.5 s, first pass ends at 1.0 s


def test_hard_pan_without_crossfeed_leaves_the_other_ear_silent() -> None:
    timeline = one_set(passes=2)
    out = render(timeline, seconds=2.2)
    first_tone = slice(RATE, RATE + int(0.06 * RATE))
    assert np.max(np.abs(out[first_tone, 1])) > 0.01  # quiet: the first tone of the fade-in
    assert np.max(np.abs(out[first_tone, 0])) == 0.0


def test_crossfeed_puts_a_little_of_each_tone_in_the_other_ear() -> None:
    out = render(one_set(passes=1), replace(AUDIO, crossfeed=0.2), seconds=1.2)
    near, far = np.max(np.abs(out[:, 1])), np.max(np.abs(out[:, 0]))
    assert 0.15 < far / near < 0.35


def test_follow_pan_is_loudest_on_the_side_the_target_is() -> None:
    out = render(one_set(passes=2), replace(AUDIO, pan="follow", duration_s=0.3), seconds=2)
    first_tone = out[RATE: RATE + int(0.1 * RATE)]
    assert np.max(np.abs(first_tone[:, 1])) > 3 * np.max(np.abs(first_tone[:, 0]))


@pytest.mark.parametrize("tone", ["sine", "click", "noise", "woodblock", "chime"])
def test_no_tone_clicks_on_or_off(tone: str) -> None:
    audio = replace(AUDIO, tone=tone)
    wave = voice_for(audio, RATE).wave
    ramp = int(MIN_RAMP_S * RATE)
    # A raised-cosine ramp of 5 ms limits the first step to well under 1% of full scale.
    assert abs(wave[0]) < 0.01 and abs(wave[-1]) < 0.01
    # Over the first 1 ms the level stays below the ramp's envelope (about 10%).
    assert np.max(np.abs(wave[: ramp // 5])) < 0.11
    assert np.max(np.abs(wave[-(ramp // 5):])) < 0.11


def test_no_step_between_samples_is_larger_than_the_ramp_allows() -> None:
    out = render(one_set(passes=8), replace(AUDIO, frequency_hz=2000.0))
    # A 2 kHz sine at the ceiling moves at most 2π·f/rate·ceiling per sample.
    limit = 2 * np.pi * 2000 / RATE * VOLUME_CEILING * 1.001
    assert np.max(np.abs(np.diff(out, axis=0))) <= limit


def test_no_setting_gets_past_the_volume_ceiling() -> None:
    loud = replace(AUDIO, volume=1.0, duration_s=0.5, crossfeed=0.5)
    out = render(one_set(passes=40, speed=2.0), loud, seconds=12)
    assert np.max(np.abs(out)) <= VOLUME_CEILING
    synth = Synth(Voice.from_audio(loud, RATE), RATE)
    louder = synth.render(0, RATE * 3, [one_set(passes=4, speed=2.0)], volume_scale=50.0)
    assert np.max(np.abs(louder)) <= VOLUME_CEILING


def test_a_set_fades_in_over_its_first_passes() -> None:
    out = render(one_set(passes=6), seconds=5)
    starts = sorted(onsets(out[:, 0]) + onsets(out[:, 1]))
    peaks = [float(np.max(np.abs(out[s: s + 2880]))) for s in starts]
    assert peaks[0] < peaks[1] < peaks[2] < peaks[3]
    assert peaks[3] == pytest.approx(peaks[4], rel=1e-3)
    assert [fade_in_gain(k) for k in range(6)][3:] == [1.0, 1.0, 1.0]


@settings(max_examples=60, deadline=None)
@given(cuts=st.lists(st.integers(min_value=1, max_value=9000), min_size=1, max_size=30),
       pan=st.sampled_from(["hard", "follow"]))
def test_blocks_of_any_size_give_the_same_samples_as_one_block(cuts: list[int], pan: str) -> None:
    timeline = one_set(passes=30, speed=1.7).with_speed(3.3, 0.6)
    synth = Synth(Voice.from_audio(replace(AUDIO, pan=pan), RATE), RATE, max_frames=9000)
    total = sum(cuts)
    whole = synth.render(RATE // 2, total, [timeline])
    pieces, n = [], RATE // 2
    for size in cuts:
        pieces.append(synth.render(n, size, [timeline]))
        n += size
    assert np.array_equal(np.concatenate(pieces), whole)


def test_every_builtin_profile_has_a_voice() -> None:
    library = Library.discover()
    for name in library.names():
        wave = voice_for(library.load(name).audio, RATE).wave
        assert 0.02 * RATE <= len(wave) <= 1.0 * RATE
        assert np.max(np.abs(wave)) == pytest.approx(1.0)


def test_tone_length_follows_duration() -> None:
    assert len(make_tone(replace(AUDIO, duration_s=0.1), RATE)) == 4800
