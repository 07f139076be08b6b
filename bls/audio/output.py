"""The audio output every backend shares: what the callback renders, and the clock it keeps.

Rules for the callback (`_render`): fill the block and do nothing else - no I/O, locks, prints or
array allocation; state it reads is swapped in whole by the main thread (one reference assignment
is atomic in CPython); what goes wrong becomes a flag that `problem` reports later. Timeline time
is the sample clock: sample n sounds at `origin_s + n / rate`, with the origin chosen at start so
that timeline time is about `clock.now()`. If the device stops, time goes on with the wall clock,
so the picture never stops with it.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from bls.audio.gain import GainRamp
from bls.audio.sample_clock import SampleClock, Stamp
from bls.clock import Clock
from bls.core.synth import SAMPLE_RATE, VOLUME_CEILING, Synth, Voice
from bls.core.timeline import SetTimeline

MAX_FRAMES = 16_384  # buffers are made for blocks up to this; a larger block still works
FIRST_CALLBACK_S = 5.0  # no callback this long after start: the device is not playing
# No callback this long (beyond the latency): the device stopped. Not less: a lazy sink (an idle
# PulseAudio null sink) pauses callbacks for up to 2 s and plays on.
STALL_S = 3.0
CLOSE_WAIT_S = 0.15  # close() waits at most this (plus twice the latency) for the fade-out
CLOSE_MARGIN_S = 0.01  # and this much past the fade's end, for latency the device does not report
PICTURE_ONLY = ": going on with the picture only"
DEVICE_STOPPED = f"sound device stopped{PICTURE_ONLY}"


@dataclass(frozen=True, slots=True)
class OneShot:
    """A sound that is not a pass tone (a cue, a left/right check tone), placed at a sample."""

    onset: int
    wave: np.ndarray  # mono, peak 1
    left: float  # amplitude in each ear, as a share of the ceiling times the profile volume
    right: float

    @property
    def end(self) -> int:
        return self.onset + len(self.wave)


class Output(Protocol):
    """What the live shell uses of a sound output: every `AudioOutput` (a device or the silent
    `NullOutput`) is one, and tests may pass their own."""

    backend: str  # "portaudio", "sdl" or "none"
    sample_rate: int
    latency_s: float
    channels: int
    underruns: int

    @property
    def problem(self) -> str | None: ...
    def publish(self, timelines: Sequence[SetTimeline]) -> None: ...
    def set_voice(self, voice: Voice) -> None: ...
    def set_volume(self, share: float) -> None: ...
    def set_muted(self, muted: bool) -> None: ...
    def play(self, wave: np.ndarray, at_s: float, *, left: float = 1.0,
             right: float = 1.0) -> None: ...
    def heard_time(self, wall_s: float) -> float: ...
    def change_time(self, wall_s: float) -> float: ...
    def start(self) -> None: ...
    def close(self) -> None: ...


class AudioOutput:
    """Base of all outputs. Subclasses open a device and call `_render` from its callback."""

    backend: str = "none"
    sample_rate: int = SAMPLE_RATE
    underruns: int = 0
    latency_s: float = 0.0
    channels: int = 2  # output channels of the device (1: a left/right check is meaningless)

    def __init__(self, voice: Voice | None, *, clock: Clock | None = None,
                 rate: int = SAMPLE_RATE, latency_s: float = 0.0, channels: int = 2,
                 backend: str = "none", max_frames: int = MAX_FRAMES) -> None:
        self.backend = backend
        self.sample_rate = rate
        self.latency_s = latency_s
        self.channels = channels
        self.underruns = 0
        self._problem: str | None = None
        self._failure: str | None = None  # set from the callback or the stream's own thread
        self._clock = clock or Clock()
        self._voice = voice
        self._max_frames = max_frames
        self._synth: Synth | None = None
        self._sample_clock: SampleClock | None = None
        self._timelines: tuple[SetTimeline, ...] = ()
        self._sounds: tuple[OneShot, ...] = ()
        self._volume = 1.0
        self._muted = False
        self._closing = False
        self._closed = False
        self._ramp = GainRamp(rate, max_frames)
        self._frames = 0  # samples rendered so far (written by the callback only)
        self._stamp: Stamp | None = None
        self._started_wall_s: float | None = None

    # -- state the session sets -------------------------------------------------------------

    @property
    def problem(self) -> str | None:
        """One line on why sound is degraded or gone, or None while all is well."""
        if self._problem is not None:
            return self._problem
        if self._failure is not None:
            return self._failure
        if self._stalled(self._clock.now()):
            return DEVICE_STOPPED
        return None

    @problem.setter
    def problem(self, value: str | None) -> None:
        self._problem = value

    def publish(self, timelines: Sequence[SetTimeline]) -> None:
        """The sets the callback renders from now on (include the previous one: its last tone
        may still be ringing)."""
        self._timelines = tuple(timelines)

    def set_voice(self, voice: Voice) -> None:
        """A new tone (profile switch while idle)."""
        self._voice = voice
        if self._synth is not None:
            self._synth = self._make_synth(voice, self._synth.origin_s)

    def set_volume(self, share: float) -> None:
        """The live volume keys' share (0..1) of the profile's volume, ramped in the callback."""
        self._volume = min(max(float(share), 0.0), 1.0)

    def set_muted(self, muted: bool) -> None:
        self._muted = bool(muted)

    @property
    def volume(self) -> float:
        return self._volume

    @property
    def muted(self) -> bool:
        return self._muted

    def play(self, wave: np.ndarray, at_s: float, *, left: float = 1.0,
             right: float = 1.0) -> None:
        """Play a mono sound (peak 1) at timeline time `at_s`, at `left`/`right` shares of the
        profile's level. Sounds already over are dropped from the list the callback reads."""
        if self._synth is None:
            return
        onset = self._synth.sample_of(at_s)
        rendered = self._frames
        kept = tuple(s for s in self._sounds if s.end > rendered)
        shot = OneShot(onset, np.asarray(wave, dtype=np.float32),
                       min(max(left, 0.0), 1.0), min(max(right, 0.0), 1.0))
        self._sounds = (*kept, shot)

    # -- clock ------------------------------------------------------------------------------

    def heard_time(self, wall_s: float) -> float:
        """Timeline time whose sound reaches the ear at wall time `wall_s` (clock.now() units)."""
        sample_clock = self._sample_clock
        if sample_clock is None:
            return wall_s
        sample_clock.update(self._stamp)
        return sample_clock.heard_time(wall_s)

    def change_time(self, wall_s: float) -> float:
        """Earliest timeline time not yet rendered (with one block to spare for a callback that
        runs while the caller publishes): changes made at this time are heard as they are seen."""
        heard = self.heard_time(wall_s)
        sample_clock = self._sample_clock
        if sample_clock is None:
            return heard
        last = sample_clock.last
        if last is None:
            return max(heard, sample_clock.origin_s)
        spare = sample_clock.origin_s + (last.n_end + last.frames) / self.sample_rate
        return max(heard, spare)

    # -- life cycle -------------------------------------------------------------------------

    def start(self) -> None:
        """Start playing silence; sample 0 is heard at about timeline time clock.now()."""
        if self._synth is not None or self._voice is None:
            return
        now = self._clock.now()
        origin = now + self.latency_s
        self._sample_clock = SampleClock(origin, self.sample_rate)
        self._synth = self._make_synth(self._voice, origin)
        self._started_wall_s = now
        try:
            self._start_stream()
        except Exception as error:  # a device that opened but will not run
            self._failure = f"sound device failed to start ({_one_line(error)}){PICTURE_ONLY}"

    def close(self) -> None:
        """Fade out (20 ms) and release the device; blocks about the latency plus 30 ms."""
        if self._closed:
            return
        playing = self._failure is None and not self._stalled(self._clock.now())
        self._closing = True
        synth = self._synth
        if synth is not None and playing:
            stamp = self._stamp
            block = stamp.frames if stamp is not None else 0
            # The ramp starts with the next block; stop the device once its end has been heard,
            # so what is cut off is silence (stopping drops what is still buffered).
            fade_end_s = synth.time_of(self._frames + block + self._ramp.ramp_frames)
            deadline = time.monotonic() + CLOSE_WAIT_S + 2 * self.latency_s
            while (self.heard_time(self._clock.now()) < fade_end_s + CLOSE_MARGIN_S
                   and time.monotonic() < deadline):
                time.sleep(0.002)
        self._closed = True
        try:
            self._stop_stream()
        except Exception:  # closing a lost device may fail; there is nothing left to do
            pass

    def __enter__(self) -> AudioOutput:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- for backends -----------------------------------------------------------------------

    def _start_stream(self) -> None:
        """Start the device's callbacks (backends override)."""

    def _stop_stream(self) -> None:
        """Stop and release the device (backends override)."""

    def _make_synth(self, voice: Voice, origin_s: float) -> Synth:
        return Synth(voice, self.sample_rate, origin_s=origin_s, max_frames=self._max_frames)

    def _render(self, out: np.ndarray, callback_wall_s: float, dac_wall_s: float) -> None:
        """The callback body: fill `out` (frames x 2, float32) with the next samples."""
        n0 = self._frames
        frames = out.shape[0]
        self._stamp = Stamp(n0, n0 + frames, frames, callback_wall_s, dac_wall_s)
        synth = self._synth
        if synth is None:
            out.fill(0.0)
            self._frames = n0 + frames
            return
        target = 0.0 if (self._muted or self._closing) else self._volume
        steady = self._ramp.steady(n0, target)
        scale = target if steady else 1.0
        synth.render_into(out, n0, self._timelines, scale)
        sounds = self._sounds
        if sounds:
            level = scale * synth.gain
            for sound in sounds:
                synth.add_wave(out, n0, sound.wave, sound.onset, level * sound.left,
                               level * sound.right)
            np.clip(out, -VOLUME_CEILING, VOLUME_CEILING, out=out)
        if not steady:
            self._ramp.apply(out, n0, target)
        self._frames = n0 + frames

    def _fail(self, message: str) -> None:
        """Called from the device's thread: remember the failure for `problem`."""
        if not self._closing:
            self._failure = message

    def _stalled(self, now_s: float) -> bool:
        if self._started_wall_s is None or self._closing:
            return False
        stamp = self._stamp
        if stamp is None:
            return now_s - self._started_wall_s > FIRST_CALLBACK_S + self.latency_s
        return now_s - stamp.callback_wall_s > STALL_S + self.latency_s


class NullOutput(AudioOutput):
    """No sound: time is the wall clock. `problem` says why (None when the user chose it)."""

    def __init__(self, problem: str | None = None, *, clock: Clock | None = None,
                 reasons: Sequence[str] = ()) -> None:
        super().__init__(None, clock=clock, backend="none", max_frames=1)
        self._problem = problem
        self.reasons = tuple(reasons)  # what each backend said, for `bls doctor`

    @property
    def problem(self) -> str | None:
        return self._problem

    @problem.setter
    def problem(self, value: str | None) -> None:
        self._problem = value

    def heard_time(self, wall_s: float) -> float:
        return wall_s

    def change_time(self, wall_s: float) -> float:
        return wall_s

    def start(self) -> None:
        pass

    def close(self) -> None:
        self._closed = True


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 120 else text[:117] + "..."
