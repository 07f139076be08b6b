"""What the live session says: its lines on stdout, the set reports and the HUD text.

Rules: one builder for each kind of text, shared by every layout (the office window puts the HUD
on the picture, share mode and the console put it in the therapist's window). Builders read the
session at a picture time passed in; nothing here draws or reads a clock.
"""

from __future__ import annotations

from dataclasses import dataclass

from bls.audio.output import Output
from bls.core.session import Session, SetEnded, State
from bls.live.controls import KEY_HELP, View


def say(line: str) -> None:
    """One line for the therapist on stdout (flushed: tests and logs read it as it happens)."""
    print(f"bls: {line}", flush=True)


def key_help_lines() -> list[str]:
    return [f"{keys}:  {what}" for keys, what in KEY_HELP]


def sound_line(output: Output, view: View) -> str:
    problem = output.problem
    if problem:
        return f"sound off: {problem}"
    if output.backend == "none":
        return "sound off (--no-audio)"
    return (f"sound {output.backend} {output.latency_s * 1000:.0f} ms"
            f"{'  muted' if view.muted else ''}  volume {view.volume * 100:.0f}%")


def progress_line(session: Session, t: float) -> str:
    state = session.state(t)
    if session.is_queued(t):
        return f"set {session.set_number} starts when the target is home"
    if state is State.IDLE:
        return f"at rest: Space starts a set of {session.total_passes()} passes"
    minutes, seconds = divmod(int(session.elapsed(t)), 60)
    doing = "running" if state is State.RUNNING else "gliding home"
    return (f"set {session.set_number}  pass {session.passes_done(t)}/"
            f"{session.total_passes(t)}  {minutes}:{seconds:02d}  {doing}")


def hud_lines(session: Session, t: float, output: Output, view: View, *, offset_s: float,
              late_frames: int, extra: tuple[str, ...] = ()) -> list[str]:
    """The therapist's HUD: profile and speed, progress, sound, calibration, late frames, then
    the layout's own lines and the latest message."""
    speed = session.speed_hz
    lines = [
        f"{session.profile.name}  {speed:.2f} Hz = {120 * speed:.0f} passes/min",
        progress_line(session, t),
        sound_line(output, view),
        f"calibration {round(offset_s * 1000)} ms (bls calibrate)",
        f"late frames {late_frames}",
        *extra,
    ]
    if view.message:
        lines.append(view.message)
    return lines


@dataclass
class SetReporter:
    """Says, once each, a profile switch, a speed change, a set starting on screen and a set
    back at rest."""

    session: Session
    _profile_key: str = ""
    _speed_hz: float = 0.0
    _started: int = 0

    def __post_init__(self) -> None:
        self._profile_key = self.session.profile.key
        self._speed_hz = self.session.speed_hz

    def report(self, t: float, ended: SetEnded | None) -> None:
        session = self.session
        if session.profile.key != self._profile_key:
            self._profile_key = session.profile.key
            self._speed_hz = session.speed_hz
            say(f"profile {session.profile.name}: {session.speed_hz:.2f} Hz, "
                f"{session.profile.length.describe()}")
        if session.speed_hz != self._speed_hz:
            self._speed_hz = session.speed_hz
            say(f"speed {session.speed_hz:.2f} Hz ({session.passes_per_minute:.0f} passes/min)")
        current = session.current
        if session.set_number > self._started and current is not None \
                and t >= current.start_s:
            self._started = session.set_number
            say(f"set {session.set_number} started: {session.total_passes(t)} passes at "
                f"{current.speed_hz:.2f} Hz")
        if ended is not None:
            how = "stopped" if ended.stopped_by_hand else "done"
            say(f"set {ended.set_number} {how}: {ended.passes_done}/{ended.total_passes} "
                f"passes, {session.elapsed(t):.1f} s")
