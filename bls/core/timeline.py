"""The timeline of one set: where the target is, and when each tone sounds, as functions of time.

Rules: time is always an argument (seconds on the session clock); nothing here reads a clock and
every value is immutable. A speed change or a stop returns a new `SetTimeline` whose position is
continuous at that moment, so the target never jumps. The renderer and the synthesizer both read
the same timeline at absolute times, so picture and sound agree by construction.

Model. The set is a series of passes on a "pass phase" p: the lead-in from the centre is pass -1,
the passes of the set are 0 .. N-1, and the glide back to the centre is pass N. Each pass takes
T = 1 / (2 · speed) + dwell seconds: the sweep first, then the rest at the end it arrived at.
A pass's tone sounds when it arrives (start of the rest); the lead-in and the glide play none.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Literal

from bls.core.profile import MAX_SPEED_HZ, MIN_SPEED_HZ, Motion, SetLength

Side = Literal["left", "right"]
Point = tuple[float, float]
CENTRE: Point = (0.0, 0.0)
STOP_GLIDE_MAX_S = 1.5  # a stopped set is back at the centre within this


@dataclass(frozen=True, slots=True)
class EdgeEvent:
    """The target arrives at an end: one tone, on that side."""

    time_s: float
    side: Side
    pass_index: int  # 0-based pass of the set that ends here


@dataclass(frozen=True, slots=True)
class Segment:
    """From `start_s` on, the pass phase advances at one pass per pass time of `speed_hz`."""

    start_s: float
    phase: float
    speed_hz: float


@dataclass(frozen=True, slots=True)
class Stop:
    """A set stopped by hand: from `start_s` the target glides from `origin` to the centre."""

    start_s: float
    origin: Point
    velocity: Point  # per second, so the glide leaves without a kink
    duration_s: float


ROUNDING_S = 1e-6  # far above float rounding of times, far below a sample (21 us)


def clamp_speed(speed_hz: float, max_speed_hz: float = MAX_SPEED_HZ) -> float:
    return min(max(speed_hz, MIN_SPEED_HZ), max_speed_hz, MAX_SPEED_HZ)


def side_of_pass(pass_index: int) -> Side:
    """Even passes sweep from the left end to the right end."""
    return "right" if pass_index % 2 == 0 else "left"


def sweep_point(path: str, pass_index: int, progress: float) -> Point:
    """Point on `path` at eased progress 0..1 through pass `pass_index` (x right, y up)."""
    forward = pass_index % 2 == 0
    if path in ("circle", "figure-eight"):
        # Top half left→right, then bottom half right→left: one loop per cycle.
        angle = math.pi * (1.0 - progress) if forward else -math.pi * progress
        x = math.cos(angle)
        y = math.sin(angle) if path == "circle" else 0.5 * math.sin(2.0 * angle)
        return (x, y)
    s = -1.0 + 2.0 * progress if forward else 1.0 - 2.0 * progress
    if path == "horizontal":
        return (s, 0.0)
    if path == "vertical":
        return (0.0, s)
    if path == "diagonal-up":
        return (s, s)
    if path == "diagonal-down":
        return (s, -s)
    raise ValueError(f"unknown path {path!r}")


def _ease(progress: float, easing: str) -> float:
    if easing == "linear":
        return progress
    return 0.5 - 0.5 * math.cos(math.pi * progress)


def _smooth(progress: float) -> float:
    return 0.5 - 0.5 * math.cos(math.pi * progress)


@dataclass(frozen=True, slots=True)
class SetTimeline:
    """One set, from rest at the centre through its passes and back to rest."""

    start_s: float
    path: str
    easing: str
    dwell_s: float
    length: SetLength
    segments: tuple[Segment, ...]
    max_speed_hz: float = MAX_SPEED_HZ
    stop: Stop | None = None

    @classmethod
    def begin(cls, start_s: float, motion: Motion, length: SetLength,
              speed_hz: float | None = None) -> SetTimeline:
        """A set that leaves the centre at `start_s` (lead-in first, then pass 0)."""
        speed = clamp_speed(motion.speed_hz if speed_hz is None else speed_hz,
                            motion.max_speed_hz)
        return cls(start_s=start_s, path=motion.path, easing=motion.easing,
                   dwell_s=motion.dwell_s, length=length,
                   segments=(Segment(start_s, -1.0, speed),), max_speed_hz=motion.max_speed_hz)

    # -- pass phase ---------------------------------------------------------------------------

    def pass_time_s(self, speed_hz: float) -> float:
        return 0.5 / speed_hz + self.dwell_s

    def _sweep_share(self, speed_hz: float) -> float:
        """Share of a pass spent moving (the rest is the dwell at the end)."""
        return (0.5 / speed_hz) / self.pass_time_s(speed_hz)

    def _segment_at(self, t: float) -> Segment:
        current = self.segments[0]
        for segment in self.segments[1:]:
            if segment.start_s > t:
                break
            current = segment
        return current

    def phase(self, t: float) -> float:
        """Pass phase at t: -1 at the start; k + share-of-pass during pass k."""
        if t <= self.start_s:
            return -1.0
        segment = self._segment_at(t)
        return segment.phase + (t - segment.start_s) / self.pass_time_s(segment.speed_hz)

    def speed_at(self, t: float) -> float:
        return self._segment_at(t).speed_hz

    @property
    def speed_hz(self) -> float:
        """The speed of the newest segment (what the HUD shows)."""
        return self.segments[-1].speed_hz

    def total_passes(self) -> int:
        """N: fixed by `passes`, or for `seconds` the pass in progress when time is up finishes."""
        if self.length.passes is not None:
            return self.length.passes
        assert self.length.seconds is not None
        return max(1, math.ceil(self.phase(self.start_s + self.length.seconds) - 1e-9))

    # -- changes (each returns a new timeline) ----------------------------------------------

    def with_speed(self, t: float, speed_hz: float) -> SetTimeline:
        """The same set, at a new speed from t on; the target continues from where it is."""
        speed = clamp_speed(speed_hz, self.max_speed_hz)
        if t <= self.start_s:
            return replace(self, segments=(Segment(self.start_s, -1.0, speed),))
        if self.stop is not None and t >= self.stop.start_s:
            return self
        old = self._segment_at(t)
        if speed == old.speed_hz:
            return self
        p = self.phase(t)
        k = math.floor(p)
        within = p - k
        old_share, new_share = self._sweep_share(old.speed_hz), self._sweep_share(speed)
        if within < old_share:  # moving: keep the same progress through the sweep
            new_phase = k + within / old_share * new_share
        else:  # resting at an end: keep the seconds already rested
            rested_s = (within - old_share) * self.pass_time_s(old.speed_hz)
            rested_share = rested_s / self.pass_time_s(speed)
            new_phase = k + min(new_share + rested_share, math.nextafter(1, 0))
        kept = tuple(s for s in self.segments if s.start_s < t)
        return replace(self, segments=(*kept, Segment(t, new_phase, speed)))

    def stopped(self, t: float) -> SetTimeline:
        """Stop by hand at t: no more tones; the target glides from where it is to the centre."""
        if self.stop is not None or t >= self.rest_s or self.phase(t) >= self.total_passes():
            return self  # already stopping, gliding home or at rest
        if t <= self.start_s:
            return replace(self, stop=Stop(t, CENTRE, (0.0, 0.0), 0.0))
        step = 1e-4
        here, before = self.position(t), self.position(t - step)
        velocity = ((here[0] - before[0]) / step, (here[1] - before[1]) / step)
        sweep_s = 0.5 / self.speed_at(t)
        return replace(self, stop=Stop(t, here, velocity, min(sweep_s, STOP_GLIDE_MAX_S)))

    # -- reading ----------------------------------------------------------------------------

    @property
    def rest_s(self) -> float:
        """When the target is back at rest in the centre (given the changes made so far)."""
        if self.stop is not None:
            return self.stop.start_s + self.stop.duration_s
        n = self.total_passes()
        bounds = [s.start_s for s in self.segments[1:]] + [math.inf]
        for segment, segment_end in zip(self.segments, bounds, strict=True):
            # The glide's sweep ends at phase N + share, under the segment in force then.
            glide_end = n + self._sweep_share(segment.speed_hz)
            t = segment.start_s + (glide_end - segment.phase) * self.pass_time_s(segment.speed_hz)
            if t < segment_end:
                return max(t, segment.start_s)
        raise AssertionError("unreachable: the last segment never ends")

    def is_running(self, t: float) -> bool:
        """True while passes are under way (not before, not while gliding home, not after)."""
        if t < self.start_s or (self.stop is not None and t >= self.stop.start_s):
            return False
        return self.phase(t) < self.total_passes()

    def position(self, t: float) -> Point:
        """Where the target is at t, in [-1, 1]² (x right, y up), before amplitude scaling."""
        if self.stop is not None and t >= self.stop.start_s:
            return self._stop_glide(t, self.stop)
        p = self.phase(t)
        if p <= -1.0:
            return CENTRE
        n = self.total_passes()
        k = math.floor(p)
        share = self._sweep_share(self.speed_at(t))
        progress = min((p - k) / share, 1.0)
        if k < 0:  # lead-in: centre to the start of pass 0
            start = sweep_point(self.path, 0, 0.0)
            e = _smooth(progress)
            return (start[0] * e, start[1] * e)
        if k >= n:  # glide home from the end of the last pass
            if k > n:
                return CENTRE
            end = sweep_point(self.path, n - 1, 1.0)
            e = 1.0 - _smooth(progress)
            return (end[0] * e, end[1] * e)
        return sweep_point(self.path, k, _ease(progress, self.easing))

    def _stop_glide(self, t: float, stop: Stop) -> Point:
        if stop.duration_s <= 0.0 or t >= stop.start_s + stop.duration_s:
            return CENTRE
        u = (t - stop.start_s) / stop.duration_s
        # Cubic Hermite from (origin, velocity) to (centre, at rest).
        h_origin = 2 * u**3 - 3 * u**2 + 1
        h_velocity = (u**3 - 2 * u**2 + u) * stop.duration_s
        x, y = (max(-1.0, min(1.0, o * h_origin + v * h_velocity))
                for o, v in zip(stop.origin, stop.velocity, strict=True))
        return (x, y)

    def passes_done(self, t: float) -> int:
        """How many passes have arrived (and sounded) by time t."""
        if self.stop is not None:
            t = min(t, math.nextafter(self.stop.start_s, -math.inf))
        p = self.phase(t)
        done = math.floor(p - self._sweep_share(self.speed_at(t))) + 1
        return max(0, min(done, self.total_passes()))

    def events(self, t_from: float, t_to: float) -> tuple[EdgeEvent, ...]:
        """The tones of this set with t_from <= time < t_to, in order.

        Each pass's tone belongs to exactly one segment, chosen by phase (the segment whose
        phase range holds the pass's arrival), not by comparing computed times: a speed change
        at the very moment of an arrival would otherwise let both segments sound it.
        """
        n = self.total_passes()
        if self.stop is not None:
            t_to = min(t_to, self.stop.start_s)
        found: list[EdgeEvent] = []
        for index, segment in enumerate(self.segments):
            if segment.start_s >= t_to:
                break
            following = self.segments[index + 1] if index + 1 < len(self.segments) else None
            if following is not None and following.start_s + ROUNDING_S < t_from:
                continue  # over before the window (its arrivals are a rounding error at most late)
            share = self._sweep_share(segment.speed_hz)
            pass_s = self.pass_time_s(segment.speed_hz)
            k = max(0, math.ceil(segment.phase - share))  # first arrival at or after its start
            if t_from > segment.start_s:  # skip arrivals before the window (one early: safe)
                k = max(k, math.floor(segment.phase + (t_from - segment.start_s) / pass_s - share))
            while k < n:
                if following is not None and \
                        k + self._sweep_share(following.speed_hz) >= following.phase:
                    break  # this arrival, and every later one, is the next segment's
                time_s = segment.start_s + (k + share - segment.phase) * pass_s
                if time_s >= t_to:
                    break
                if time_s >= t_from:
                    found.append(EdgeEvent(time_s, side_of_pass(k), k))
                k += 1
        return tuple(found)
