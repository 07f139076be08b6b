"""Stereo tone synthesis from timelines: sample n of the output is a pure function of n.

Rules: no clock, no I/O, no audio library. `Synth.render_into` fills a caller's preallocated block
for samples [n0, n0 + frames); the tone of each edge arrival starts at its exact sample, so
rendering in blocks of any size gives the same samples as one block. Every tone is shaped by
raised-cosine ramps of at least `MIN_RAMP_S`, and nothing ever leaves above `VOLUME_CEILING`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bls.core.profile import Audio
from bls.core.timeline import EdgeEvent, SetTimeline

SAMPLE_RATE = 48_000
VOLUME_CEILING = 0.5  # peak amplitude, about -6 dBFS: no setting or sum of tones passes it
MIN_RAMP_S = 0.005
FADE_IN_PASSES = 4  # the first tones of a set rise to full level over this many passes
_NOISE_SEED = 20_240_607


def raised_cosine_ramps(wave: np.ndarray, rate: int, ramp_s: float = MIN_RAMP_S) -> np.ndarray:
    """`wave` with raised-cosine fade-in and fade-out of `ramp_s` (clamped to half its length)."""
    n = min(max(1, round(ramp_s * rate)), len(wave) // 2)
    shaped = wave.astype(np.float32, copy=True)
    ramp = (0.5 - 0.5 * np.cos(np.pi * (np.arange(n) + 0.5) / n)).astype(np.float32)
    shaped[:n] *= ramp
    shaped[len(shaped) - n:] *= ramp[::-1]
    return shaped


def make_tone(audio: Audio, rate: int, sample: np.ndarray | None = None) -> np.ndarray:
    """The mono waveform of one tone, peak 1.0 before volume, ramped on and off.

    `sample` is the mono waveform of a named sound (read by the shell from assets/sounds).
    """
    if audio.tone in ("sine", "click", "noise"):
        duration_s = max(audio.duration_s, 4 * MIN_RAMP_S)
        t = np.arange(round(duration_s * rate)) / rate
        if audio.tone == "sine":
            wave = np.sin(2 * np.pi * audio.frequency_hz * t)
        elif audio.tone == "click":
            # A short knock: a decaying partial pair, softened by the ramps.
            decay = np.exp(-t / 0.008)
            wave = decay * (np.sin(2 * np.pi * audio.frequency_hz * 2 * t)
                            + 0.5 * np.sin(2 * np.pi * audio.frequency_hz * 3.1 * t))
        else:
            rng = np.random.default_rng(_NOISE_SEED)
            wave = rng.standard_normal(len(t))
            # Soften the hiss: one-pole low-pass around 2 kHz.
            alpha = 1 - math.exp(-2 * math.pi * 2000 / rate)
            for i in range(1, len(wave)):
                wave[i] = wave[i - 1] + alpha * (wave[i] - wave[i - 1])
        ramp_s = MIN_RAMP_S if audio.tone == "click" else max(MIN_RAMP_S, 0.2 * duration_s)
    else:
        if sample is None:
            raise ValueError(f"tone {audio.tone!r} needs its sample waveform")
        wave = np.asarray(sample, dtype=np.float64)
        ramp_s = MIN_RAMP_S
    wave = raised_cosine_ramps(np.asarray(wave, dtype=np.float32), rate, ramp_s)
    peak = float(np.max(np.abs(wave))) or 1.0
    return (wave / peak).astype(np.float32)


def make_cue(rate: int) -> np.ndarray:
    """A soft two-note cue for the end of a set in tapping mode (mono, peak 1)."""
    t = np.arange(round(0.5 * rate)) / rate
    first = np.sin(2 * np.pi * 523.25 * t) * np.exp(-t / 0.15) * (t < 0.25)
    second = np.sin(2 * np.pi * 392.0 * t) * np.exp(-(t - 0.25).clip(0) / 0.15) * (t >= 0.25)
    wave = raised_cosine_ramps((first + second).astype(np.float32), rate, 0.01)
    return wave / float(np.max(np.abs(wave)))


def fade_in_gain(pass_index: int) -> float:
    """Level of the tone ending pass k: rises over the first passes so a set never starts loud."""
    if pass_index >= FADE_IN_PASSES - 1:
        return 1.0
    return math.sin(0.5 * math.pi * (pass_index + 1) / FADE_IN_PASSES) ** 2


def equal_power(x: float) -> tuple[float, float]:
    """(left, right) gains for a position x in [-1, 1]; x = -1 is all left."""
    angle = (min(max(x, -1.0), 1.0) + 1.0) * math.pi / 4
    return math.cos(angle), math.sin(angle)


@dataclass(frozen=True, slots=True)
class Voice:
    """How tones sound: the waveform and its level and placement."""

    wave: np.ndarray  # mono, peak 1
    volume: float  # 0..1, share of the ceiling
    pan: str  # "hard" or "follow"
    crossfeed: float

    @classmethod
    def from_audio(cls, audio: Audio, rate: int, sample: np.ndarray | None = None) -> Voice:
        return cls(make_tone(audio, rate, sample), audio.volume, audio.pan, audio.crossfeed)


class Synth:
    """Renders the tones of one or more set timelines into stereo float32 blocks.

    Sample n sounds at time `origin_s + n / rate` on the timelines' clock. Scratch buffers are made
    once for `max_frames`, so `render_into` allocates nothing per block on the hard-pan path.
    """

    def __init__(self, voice: Voice, rate: int = SAMPLE_RATE, *, origin_s: float = 0.0,
                 max_frames: int = 8192) -> None:
        self.voice = voice
        self.rate = rate
        self.origin_s = origin_s
        self.gain = VOLUME_CEILING * min(max(voice.volume, 0.0), 1.0)
        self._scratch = np.zeros(max(max_frames, len(voice.wave)), dtype=np.float32)
        self._scratch_channel = np.zeros_like(self._scratch)

    def sample_of(self, time_s: float) -> int:
        """The sample at which something at `time_s` on the timeline clock starts."""
        return round((time_s - self.origin_s) * self.rate)

    def time_of(self, sample: int) -> float:
        return self.origin_s + sample / self.rate

    def events_for_block(self, timelines: Sequence[SetTimeline], n0: int,
                         frames: int) -> list[EdgeEvent]:
        """Edge events whose tones sound somewhere in [n0, n0 + frames)."""
        tone_s = len(self.voice.wave) / self.rate
        t_from = self.time_of(n0) - tone_s - 1.0 / self.rate
        t_to = self.time_of(n0 + frames) + 1.0 / self.rate
        found = []
        for timeline in timelines:
            for event in timeline.events(t_from, t_to):
                onset = self.sample_of(event.time_s)
                if onset < n0 + frames and onset + len(self.voice.wave) > n0:
                    found.append(event)
        return found

    def render_into(self, out: np.ndarray, n0: int, timelines: Sequence[SetTimeline],
                    volume_scale: float = 1.0) -> list[EdgeEvent]:
        """Fill `out` (frames x 2, float32) with samples [n0, n0 + frames). Returns the events
        that sounded in it. `volume_scale` (0..1) is the live volume keys' share."""
        frames = out.shape[0]
        out.fill(0.0)
        events = self.events_for_block(timelines, n0, frames)
        wave = self.voice.wave
        for event in events:
            onset = self.sample_of(event.time_s)
            level = self.gain * min(max(volume_scale, 0.0), 1.0) * fade_in_gain(event.pass_index)
            if self.voice.pan == "follow":
                lo, hi = max(n0, onset), min(n0 + frames, onset + len(wave))
                chunk = self._scratch[: hi - lo]
                np.multiply(wave[lo - onset: hi - onset], level, out=chunk)
                left_curve, right_curve = self._follow_curves(timelines, lo, hi)
                out[lo - n0: hi - n0, 0] += chunk * left_curve
                out[lo - n0: hi - n0, 1] += chunk * right_curve
            else:
                left, right = self._hard_gains(event)
                self.add_wave(out, n0, wave, onset, level * left, level * right)
        np.clip(out, -VOLUME_CEILING, VOLUME_CEILING, out=out)
        return events

    def add_wave(self, out: np.ndarray, n0: int, wave: np.ndarray, onset: int, left: float,
                 right: float) -> None:
        """Add the part of mono `wave` (starting at sample `onset`) that falls in the block
        [n0, n0 + len(out)), at amplitude `left` / `right` in each ear. No allocation."""
        lo, hi = max(n0, onset), min(n0 + out.shape[0], onset + len(wave))
        if lo >= hi:
            return
        piece = wave[lo - onset: hi - onset]
        if hi - lo > len(self._scratch_channel):  # a block larger than planned: rare, allocates
            self._scratch_channel = np.zeros(hi - lo, dtype=np.float32)
        chunk = self._scratch_channel[: hi - lo]
        for channel, amplitude in ((0, left), (1, right)):
            if amplitude:
                np.multiply(piece, amplitude, out=chunk)
                out[lo - n0: hi - n0, channel] += chunk

    def render(self, n0: int, frames: int, timelines: Sequence[SetTimeline],
               volume_scale: float = 1.0) -> np.ndarray:
        out = np.zeros((frames, 2), dtype=np.float32)
        self.render_into(out, n0, timelines, volume_scale)
        return out

    def _hard_gains(self, event: EdgeEvent) -> tuple[float, float]:
        feed = self.voice.crossfeed
        near, far = 1.0 - feed, feed
        # Equal loudness whatever the crossfeed: scale so near² + far² = 1.
        norm = 1.0 / math.hypot(near, far)
        near, far = near * norm, far * norm
        return (near, far) if event.side == "left" else (far, near)

    def _follow_curves(self, timelines: Sequence[SetTimeline], lo: int,
                       hi: int) -> tuple[np.ndarray, np.ndarray]:
        """Per-sample equal-power gains following the target's x over samples [lo, hi)."""
        step = 64  # knots on absolute multiples of 64 samples: the same for any block split
        knots = np.arange(lo - lo % step, hi + step, step)
        xs = np.array([self._x_at(timelines, self.time_of(int(k))) for k in knots])
        x = np.interp(np.arange(lo, hi), knots, xs)
        angle = (np.clip(x, -1, 1) + 1) * (np.pi / 4)
        feed = self.voice.crossfeed
        left, right = np.cos(angle), np.sin(angle)
        return ((1 - feed) * left + feed * right).astype(np.float32), (
            (1 - feed) * right + feed * left).astype(np.float32)

    @staticmethod
    def _x_at(timelines: Sequence[SetTimeline], t: float) -> float:
        for timeline in reversed(timelines):
            if timeline.start_s <= t:
                return timeline.position(t)[0]
        return 0.0
