"""The session: a series of sets, each idle → running → ending (glide home) → idle.

Rules: pure; every method takes the time it acts at (timeline time, the audio sample clock), and
nothing reads a clock. A change returns nothing and replaces the immutable `SetTimeline` it holds,
so the renderer and the audio, which read timelines at absolute times, never see a half change.
Speed chosen with the keys carries over to the next set; switching profile resets it.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from bls.core.profile import Profile
from bls.core.timeline import CENTRE, Point, SetTimeline, clamp_speed

SPEED_STEP_HZ = 0.1  # one press of Up/Down, in every front-end
SPEED_DECIMALS = 2  # speeds are kept on a 0.01 Hz grid, so repeated steps never drift
TRAIL_SPACING_S = 1 / 120  # copies this far apart in time overlap at share speeds: a solid streak
MAX_TRAIL_COPIES = 60


class State(enum.Enum):
    IDLE = "idle"  # target at rest in the centre
    RUNNING = "running"  # lead-in and passes
    ENDING = "ending"  # gliding back to the centre (set done or stopped)


@dataclass(frozen=True, slots=True)
class SetEnded:
    """A set came back to rest: what `tick` reports once per set."""

    set_number: int
    passes_done: int
    total_passes: int
    stopped_by_hand: bool
    rest_s: float
    timeline: SetTimeline  # the set as it ran (its speeds, its stop), for the session log


class Session:
    """The state machine of one run of the program. Drive it with explicit times."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.speed_hz = clamp_speed(profile.motion.speed_hz, profile.motion.max_speed_hz)
        self.set_number = 0
        self.current: SetTimeline | None = None
        self.previous: SetTimeline | None = None
        self._reported = 0  # sets whose end `tick` has reported

    # -- state ------------------------------------------------------------------------------

    def _active(self, t: float) -> SetTimeline | None:
        """The timeline that owns the target at t (a queued set starts after the previous one)."""
        if self.current is not None and t >= self.current.start_s:
            return self.current
        return self.previous

    def state(self, t: float) -> State:
        timeline = self._active(t)
        if timeline is None or t >= timeline.rest_s:
            return State.IDLE
        if timeline.is_running(t) or t < timeline.start_s:
            return State.RUNNING
        return State.ENDING

    def is_busy(self, t: float) -> bool:
        """A set is running or waiting to start: Space would stop it."""
        return self.state(t) is State.RUNNING or self.is_queued(t)

    def is_queued(self, t: float) -> bool:
        """A set was started while the last one was still gliding home; it waits for the rest."""
        return self.current is not None and t < self.current.start_s

    def position(self, t: float) -> Point:
        timeline = self._active(t)
        return CENTRE if timeline is None else timeline.position(t)

    def timelines(self) -> tuple[SetTimeline, ...]:
        """Every timeline that may still sound or move, oldest first (for audio.publish)."""
        return tuple(tl for tl in (self.previous, self.current) if tl is not None)

    # -- commands ---------------------------------------------------------------------------

    def start(self, t: float) -> bool:
        """Start a new set at t; while the last one glides home, it starts once that is at rest."""
        state = self.state(t)
        if state is State.RUNNING or self.is_queued(t):
            return False
        start_s = t
        if state is State.ENDING:
            active = self._active(t)
            assert active is not None
            start_s = active.rest_s
        self.previous = self.current
        self.current = SetTimeline.begin(start_s, self.profile.motion, self.profile.length,
                                         speed_hz=self.speed_hz)
        self.set_number += 1
        return True

    def stop(self, t: float) -> bool:
        """Stop at t: tones end at once and the target glides home; a queued set is dropped."""
        if self.is_queued(t):
            self.current, self.previous = self.previous, None
            self.set_number -= 1
            return True
        if self.state(t) is not State.RUNNING or self.current is None:
            return False
        self.current = self.current.stopped(t)
        return True

    def toggle(self, t: float) -> bool:
        """Space: stop a running (or queued) set, otherwise start one."""
        if self.state(t) is State.RUNNING or self.is_queued(t):
            return self.stop(t)
        return self.start(t)

    def change_speed(self, t: float, delta_hz: float) -> float:
        """Change speed by delta_hz from t on (phase-continuous, capped); returns the new speed."""
        speed = clamp_speed(round(self.speed_hz + delta_hz, SPEED_DECIMALS),
                            self.profile.motion.max_speed_hz)
        self.speed_hz = speed
        if self.current is not None and (self.state(t) is State.RUNNING or self.is_queued(t)):
            self.current = self.current.with_speed(t, speed)
        return speed

    def switch_profile(self, profile: Profile, t: float | None = None) -> bool:
        """Use another profile for the next set; only while idle (pass t to check)."""
        if t is not None and self.state(t) is not State.IDLE:
            return False
        self.profile = profile
        self.speed_hz = clamp_speed(profile.motion.speed_hz, profile.motion.max_speed_hz)
        return True

    def tick(self, t: float) -> SetEnded | None:
        """Report, once, a set that has come back to rest by t (for --exit-after-set and logs)."""
        timeline = self._active(t)
        if timeline is None or self._reported >= self.set_number or t < timeline.rest_s:
            return None
        if timeline is not self.current:
            return None
        self._reported = self.set_number
        return SetEnded(
            set_number=self.set_number,
            passes_done=timeline.passes_done(t),
            total_passes=timeline.total_passes(),
            stopped_by_hand=timeline.stop is not None,
            rest_s=timeline.rest_s,
            timeline=timeline,
        )

    # -- for the HUD ------------------------------------------------------------------------

    def passes_done(self, t: float) -> int:
        timeline = self._active(t)
        return 0 if timeline is None else timeline.passes_done(t)

    def total_passes(self, t: float | None = None) -> int:
        """N of the set on screen, or of the next set while idle (seconds: estimated)."""
        timeline = self._active(t) if t is not None else self.current
        if timeline is not None and (t is None or t < timeline.rest_s):
            return timeline.total_passes()
        length = self.profile.length
        if length.passes is not None:
            return length.passes
        assert length.seconds is not None
        return max(1, round(length.seconds * 2.0 * self.speed_hz))

    def elapsed(self, t: float) -> float:
        """Seconds since the set on screen started (held at its end once at rest)."""
        timeline = self._active(t)
        if timeline is None or t < timeline.start_s:
            return 0.0
        return min(t, timeline.rest_s) - timeline.start_s

    @property
    def passes_per_minute(self) -> float:
        return 120.0 * self.speed_hz


def trail_points(position: Callable[[float], Point], picture_t: float,
                 trail_s: float) -> tuple[Point, ...]:
    """Where the target was during the last `trail_s` seconds before `picture_t`, oldest first.

    `position` maps timeline time to a point (a Session's or a SetTimeline's `position`). Read at
    absolute times, never remembered from earlier frames, so the trail is the same whatever the
    frame rate, and it is empty while the target is at rest.
    """
    if trail_s <= 0.0:
        return ()
    count = min(MAX_TRAIL_COPIES, max(1, round(trail_s / TRAIL_SPACING_S)))
    step = trail_s / count
    here = position(picture_t)
    points = [position(picture_t - index * step) for index in range(count, 0, -1)]
    return tuple(point for point in points if point != here)
