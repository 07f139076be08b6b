"""Guided tapping, the pure part: a sequence of the Session's sets with pauses and cues.

Rules: pure (times are arguments; no clock, no sound device, no terminal). `TapProgram` answers
each input and each tick with a `Step` (lines to show, timelines to publish, a cue to sound, a
set that ended), and the command's loop (`bls.commands.tap`) carries it out. Each set is placed
`pause` after the last one is back at rest, the rule `plan_sets` follows, so an unchanged guided
sequence sounds exactly like `bls export-audio` with the same options.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bls.core.profile import Profile
from bls.core.session import Session, SetEnded
from bls.core.timeline import SetTimeline

CUE_LEAD_S = 0.3  # the cue is handed to the output this long before it sounds
CUE_S = 0.5  # length of make_cue's sound
KEYS_HELP = "Space start/stop, Up/Down speed, q quit"


@dataclass(frozen=True, slots=True)
class Step:
    """What the program wants done after an input: lines to show, sets to play, a cue to sound."""

    messages: tuple[str, ...] = ()
    publish: tuple[SetTimeline, ...] | None = None
    cue_at_s: float | None = None
    ended: SetEnded | None = None  # a set came back to rest (for the session log)


def _clock_text(seconds: float) -> str:
    whole = max(0, round(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


class TapProgram:
    """Guided tapping on the one set state machine: `sets` sets of a `Session` with pauses
    between them and a soft cue at the end of each.

    The sequence is ready (waiting for Space), in a set, in a pause (the next set is already
    placed on the Session, queued), or done; the set itself runs, glides home and rests as
    `Session` says. Times are timeline times: `heard_s` (what the ear hears now) decides what
    to say; `change_s` (the earliest time not yet rendered) is when a key's change takes effect.
    """

    def __init__(self, profile: Profile, sets: int, pause_s: float) -> None:
        self.session = Session(profile)
        self.sets = sets
        self.pause_s = pause_s
        self.phase = "ready"  # ready | set | pause | done
        self.ends_at_s: float | None = None  # when the last sound is over (phase "done")
        self._cue_given = False

    @property
    def profile(self) -> Profile:
        return self.session.profile

    @property
    def speed_hz(self) -> float:
        return self.session.speed_hz

    @property
    def set_number(self) -> int:
        """1-based number of the current (or last, or next while pausing) set."""
        return self.session.set_number

    @property
    def current(self) -> SetTimeline | None:
        return self.session.current

    @property
    def state(self) -> str:
        """ready, running, stopping (gliding home after Space), pause or done."""
        if self.phase == "set":
            current = self.session.current
            return "stopping" if current is not None and current.stop is not None else "running"
        return self.phase

    # -- inputs -----------------------------------------------------------------------------

    def begin(self, change_s: float) -> Step:
        """Start the next set at `change_s` (the first one, or one after a stop or pause)."""
        if self.phase in ("set", "done"):
            return Step()
        if self.phase == "pause":
            self.session.stop(change_s)  # the queued set is dropped: it starts now instead
        self.session.start(change_s)
        return self._started()

    def toggle(self, change_s: float) -> Step:
        """Space: start when ready or pausing, stop while running."""
        if self.state == "running":
            return self.stop(change_s)
        return self.begin(change_s)

    def stop(self, change_s: float) -> Step:
        if self.state != "running" or not self.session.stop(change_s):
            return Step()  # not running, or already gliding home: the set ends by itself
        return Step(publish=self.session.timelines())

    def change_speed(self, change_s: float, delta_hz: float) -> Step:
        """Up/Down: phase-continuous while running; while pausing, the speed of the next set."""
        before = self.session.speed_hz
        if self.session.change_speed(change_s, delta_hz) == before:
            return Step()
        if self.phase in ("set", "pause"):
            return Step(publish=self.session.timelines())
        return Step()

    def tick(self, heard_s: float, change_s: float) -> Step:
        """Time passed: give the cue, end sets, end pauses."""
        current = self.session.current
        if self.phase == "set" and current is not None:
            if current.stop is None and not self._cue_given \
                    and change_s >= current.rest_s - CUE_LEAD_S:
                self._cue_given = True
                cue = Step(cue_at_s=max(current.rest_s, change_s))
                return self._merge(cue, self.tick(heard_s, change_s))
            ended = self.session.tick(heard_s)
            if ended is not None and ended.stopped_by_hand:
                return replace(self._finish(f"set {ended.set_number} stopped after "
                                            f"{ended.passes_done} passes", guided=False),
                               ended=ended)
            if ended is not None:
                return replace(self._finish(f"set {ended.set_number} done: "
                                            f"{ended.total_passes} passes"),
                               ended=ended)
        if self.phase == "pause" and current is not None and heard_s >= current.start_s:
            return self._started()
        return Step()

    def finished(self, heard_s: float) -> bool:
        return self.phase == "done" and self.ends_at_s is not None and heard_s >= self.ends_at_s

    # -- reading ----------------------------------------------------------------------------

    def status(self, heard_s: float) -> str:
        """The live status line."""
        speed = f"{self.speed_hz:.2f} Hz = {120 * self.speed_hz:.0f} passes/min"
        current = self.session.current
        state = self.state
        if state == "running" and current is not None:
            passes = current.passes_done(heard_s)
            left = _clock_text(current.rest_s - heard_s)
            return (f"set {self.set_number}/{self.sets} | pass {passes}/"
                    f"{current.total_passes()} | {left} left | {speed} | {KEYS_HELP}")
        if state == "stopping":
            return f"set {self.set_number}/{self.sets} stopping | {speed}"
        if state == "pause" and current is not None:
            left = _clock_text(current.start_s - heard_s)
            return (f"pause | set {self.set_number}/{self.sets} in {left} | {speed} | "
                    "Space start now, Up/Down speed, q quit")
        if state == "done":
            return ""  # the last cue rings out; "done" was already said
        return (f"ready | Space starts set {self.set_number + 1}/{self.sets} | {speed} | "
                f"L left/right check, {KEYS_HELP}")

    # -- inside -----------------------------------------------------------------------------

    def _started(self) -> Step:
        current = self.session.current
        assert current is not None
        self.phase = "set"
        self._cue_given = False
        speed = current.speed_hz
        message = (f"set {self.set_number}/{self.sets}: {self.profile.length.describe()} at "
                   f"{speed:g} Hz ({120 * speed:g} passes/min)")
        return Step((message,), publish=self.session.timelines())

    def _finish(self, message: str, *, guided: bool = True) -> Step:
        current = self.session.current
        assert current is not None
        messages = [message]
        if self.set_number >= self.sets:
            self.phase = "done"
            self.ends_at_s = current.rest_s + (CUE_S if guided else 0.0)
            messages.append(f"done: {self.set_number} of {self.sets} sets")
            return Step(tuple(messages))
        if not guided:  # stopped by hand: wait for Space
            self.phase = "ready"
            return Step(tuple(messages))
        # The next set is placed now, by the same rule as `bls export-audio` (plan_sets):
        # `pause_s` after this one is back at rest.
        self.phase = "pause"
        self.session.start(current.rest_s + self.pause_s)
        if self.pause_s > 0:
            messages.append(f"pause {self.pause_s:g} s")
        return Step(tuple(messages), publish=self.session.timelines())

    @staticmethod
    def _merge(first: Step, second: Step) -> Step:
        return Step(first.messages + second.messages,
                    second.publish if second.publish is not None else first.publish,
                    first.cue_at_s if first.cue_at_s is not None else second.cue_at_s,
                    first.ended or second.ended)
