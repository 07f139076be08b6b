"""`bls tap`: auditory tapping in headphones from the terminal, no screen needed.

A pure `TapProgram` (time is an argument) runs sets, cues and pauses; a thin loop feeds it the
output's clock and a user interface: plain lines when piped, a live status line with keys on a
terminal. Sets are placed with `plan_sets` from each set's end, so an unchanged guided sequence
sounds exactly like `bls export-audio` with the same options.
"""

from __future__ import annotations

import argparse
import os
import select
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Protocol

from bls.audio import AudioOutput, open_output
from bls.audio.lr_check import run_lr_check
from bls.audio.output import PICTURE_ONLY
from bls.clock import Clock
from bls.core.profile import MIN_SPEED_HZ, Profile
from bls.core.program import plan_sets
from bls.core.synth import make_cue
from bls.core.timeline import SetTimeline, clamp_speed

SPEED_STEP_HZ = 0.1
CUE_LEVEL = 0.5  # the end-of-set cue, as a share of the tones' level: soft
CUE_LEAD_S = 0.3  # the cue is handed to the output this long before it sounds
CUE_S = 0.5  # length of make_cue's sound
LATENCY_S = 0.1  # tapping needs no quick reactions, and must never break up
TICK_S = 0.05  # how often the loop looks at the clock, the keys and the status line
EXIT_OK, EXIT_FAILURE, EXIT_INTERRUPTED = 0, 1, 130
KEYS_HELP = "Space start/stop, Up/Down speed, q quit"


@dataclass(frozen=True, slots=True)
class Step:
    """What the program wants done after an input: lines to show, sets to play, a cue to sound."""

    messages: tuple[str, ...] = ()
    publish: tuple[SetTimeline, ...] | None = None
    cue_at_s: float | None = None


def _clock_text(seconds: float) -> str:
    whole = max(0, round(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


class TapProgram:
    """Sets with pauses between them. States: ready, running, stopping, pause, done.

    Times are timeline times: `heard_s` (what the ear hears now) decides what to say; `change_s`
    (the earliest time not yet rendered) is when a key's change takes effect.
    """

    def __init__(self, profile: Profile, sets: int, pause_s: float) -> None:
        self.profile = profile
        self.sets = sets
        self.pause_s = pause_s
        self.speed_hz = profile.motion.speed_hz
        self.state = "ready"
        self.set_number = 0  # 1-based number of the current (or last) set
        self.current: SetTimeline | None = None
        self.previous: SetTimeline | None = None
        self.upcoming: SetTimeline | None = None  # the next set, placed while pausing
        self.ends_at_s: float | None = None  # when the last sound is over (state "done")
        self._cue_given = False

    # -- inputs -----------------------------------------------------------------------------

    def begin(self, change_s: float) -> Step:
        """Start the next set at `change_s` (the first one, or one after a stop or pause)."""
        if self.state in ("running", "stopping", "done"):
            return Step()
        self.upcoming = self._plan(change_s)
        return self._start_upcoming()

    def toggle(self, change_s: float) -> Step:
        """Space: start when ready or pausing, stop while running."""
        if self.state == "running":
            return self.stop(change_s)
        return self.begin(change_s)

    def stop(self, change_s: float) -> Step:
        if self.state != "running" or self.current is None:
            return Step()
        stopped = self.current.stopped(change_s)
        if stopped is self.current:  # already gliding home: the set ends by itself
            return Step()
        self.current = stopped
        self.state = "stopping"
        return Step(publish=self._window())

    def change_speed(self, change_s: float, delta_hz: float) -> Step:
        """Up/Down: phase-continuous while running; otherwise the speed of the next set."""
        speed = clamp_speed(round(self.speed_hz + delta_hz, 2), self.profile.motion.max_speed_hz)
        speed = max(speed, MIN_SPEED_HZ)
        if speed == self.speed_hz:
            return Step()
        self.speed_hz = speed
        if self.state == "running" and self.current is not None:
            self.current = self.current.with_speed(change_s, speed)
            return Step(publish=self._window())
        if self.state == "pause" and self.upcoming is not None:
            self.upcoming = self._plan(self.upcoming.start_s)
            return Step(publish=self._window())
        return Step()

    def tick(self, heard_s: float, change_s: float) -> Step:
        """Time passed: give the cue, end sets, end pauses, start the next set."""
        if self.state == "running" and self.current is not None:
            current = self.current
            if not self._cue_given and change_s >= current.rest_s - CUE_LEAD_S:
                self._cue_given = True
                cue = Step(cue_at_s=max(current.rest_s, change_s))
                return self._merge(cue, self.tick(heard_s, change_s))
            if heard_s >= current.rest_s:
                return self._finish(f"set {self.set_number} done: "
                                    f"{current.total_passes()} passes")
        if self.state == "stopping" and self.current is not None:
            if heard_s >= self.current.rest_s:
                done = self.current.passes_done(heard_s)
                return self._finish(f"set {self.set_number} stopped after {done} passes",
                                    guided=False)
        if self.state == "pause" and self.upcoming is not None:
            if heard_s >= self.upcoming.start_s:
                return self._start_upcoming()
        return Step()

    def finished(self, heard_s: float) -> bool:
        return self.state == "done" and self.ends_at_s is not None and heard_s >= self.ends_at_s

    # -- reading ----------------------------------------------------------------------------

    def status(self, heard_s: float) -> str:
        """The live status line."""
        speed = f"{self.speed_hz:.2f} Hz = {120 * self.speed_hz:.0f} passes/min"
        if self.state == "running" and self.current is not None:
            current = self.current
            passes = current.passes_done(heard_s)
            left = _clock_text(current.rest_s - heard_s)
            return (f"set {self.set_number}/{self.sets} | pass {passes}/"
                    f"{current.total_passes()} | {left} left | {speed} | {KEYS_HELP}")
        if self.state == "stopping":
            return f"set {self.set_number}/{self.sets} stopping | {speed}"
        if self.state == "pause" and self.upcoming is not None:
            left = _clock_text(self.upcoming.start_s - heard_s)
            return (f"pause | set {self.set_number + 1}/{self.sets} in {left} | {speed} | "
                    "Space start now, Up/Down speed, q quit")
        if self.state == "done":
            return ""  # the last cue rings out; "done" was already said
        return (f"ready | Space starts set {self.set_number + 1}/{self.sets} | {speed} | "
                f"L left/right check, {KEYS_HELP}")

    # -- inside -----------------------------------------------------------------------------

    def _plan(self, start_s: float) -> SetTimeline:
        """The next set at `start_s`, placed by the same rule as `bls export-audio`."""
        motion = replace(self.profile.motion, speed_hz=self.speed_hz)
        remaining = self.sets - self.set_number
        return plan_sets(replace(self.profile, motion=motion), remaining, self.pause_s,
                         start_s=start_s)[0]

    def _window(self) -> tuple[SetTimeline, ...]:
        """The sets the output renders: the previous one may still ring out."""
        return tuple(t for t in (self.previous, self.current, self.upcoming) if t is not None)

    def _start_upcoming(self) -> Step:
        assert self.upcoming is not None
        self.previous, self.current, self.upcoming = self.current, self.upcoming, None
        self.set_number += 1
        self.state = "running"
        self._cue_given = False
        speed = self.current.speed_hz
        message = (f"set {self.set_number}/{self.sets}: {self.profile.length.describe()} at "
                   f"{speed:g} Hz ({120 * speed:g} passes/min)")
        return Step((message,), publish=self._window())

    def _finish(self, message: str, *, guided: bool = True) -> Step:
        assert self.current is not None
        messages = [message]
        if self.set_number >= self.sets:
            self.state = "done"
            self.ends_at_s = self.current.rest_s + (CUE_S if guided else 0.0)
            messages.append(f"done: {self.set_number} of {self.sets} sets")
            return Step(tuple(messages))
        if not guided:  # stopped by hand: wait for Space
            self.state = "ready"
            return Step(tuple(messages))
        self.state = "pause"
        self.upcoming = self._plan(self.current.rest_s + self.pause_s)
        if self.pause_s > 0:
            messages.append(f"pause {self.pause_s:g} s")
        return Step(tuple(messages), publish=self._window())

    @staticmethod
    def _merge(first: Step, second: Step) -> Step:
        return Step(first.messages + second.messages,
                    second.publish if second.publish is not None else first.publish,
                    first.cue_at_s if first.cue_at_s is not None else second.cue_at_s)


# -- the loop -----------------------------------------------------------------------------------


class TapUI(Protocol):
    def message(self, text: str) -> None: ...
    def status(self, text: str) -> None: ...
    def wait(self, seconds: float) -> Sequence[str]:
        """Wait up to `seconds`; return the keys pressed ("toggle", "up", "down", "quit")."""
        ...


class PlainUI:
    """Piped output: one line per event, no status line, no keys."""

    def __init__(self, write: Callable[[str], None] = print,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._write = write
        self._sleep = sleep

    def message(self, text: str) -> None:
        self._write(text)

    def status(self, text: str) -> None:
        pass

    def wait(self, seconds: float) -> Sequence[str]:
        self._sleep(seconds)
        return ()


def run_loop(program: TapProgram, output: AudioOutput, clock: Clock, ui: TapUI, *,
             autostart: bool) -> int:
    """Run until the program is done or the user quits. Returns the exit code."""
    cue = make_cue(output.sample_rate)

    def apply(step: Step) -> None:
        for text in step.messages:
            ui.message(text)
        if step.publish is not None:
            output.publish(step.publish)
        if step.cue_at_s is not None:
            output.play(cue, step.cue_at_s, left=CUE_LEVEL, right=CUE_LEVEL)

    if autostart:
        apply(program.begin(output.change_time(clock.now())))
    while True:
        now = clock.now()
        heard_s = output.heard_time(now)
        apply(program.tick(heard_s, output.change_time(now)))
        if program.finished(heard_s):
            if output.underruns:
                ui.message(f"note: the sound broke up {output.underruns} time(s); close busy "
                           "programs for an even rhythm")
            return EXIT_OK
        problem = output.problem
        if problem is not None:
            ui.message(f"bls tap: {problem.removesuffix(PICTURE_ONLY)}; tapping needs sound")
            return EXIT_FAILURE
        ui.status(program.status(heard_s))
        for key in ui.wait(TICK_S):
            change_s = output.change_time(clock.now())
            if key == "quit":
                ui.message(f"stopped during set {max(program.set_number, 1)}/{program.sets}"
                           if program.state in ("running", "stopping") else "quit")
                return EXIT_OK
            if key == "check" and program.state == "ready":
                # Before the first set: left ear, then right, so swapped headphones show.
                run_lr_check(output, lambda word: ui.message(
                    f"left/right check: {word}" if word else "left/right check: done"), clock,
                    sleep=ui.wait)
            elif key == "toggle":
                apply(program.toggle(change_s))
            elif key in ("up", "down"):
                delta = SPEED_STEP_HZ if key == "up" else -SPEED_STEP_HZ
                apply(program.change_speed(change_s, delta))


# -- the terminal -------------------------------------------------------------------------------


def parse_keys(data: bytes) -> list[str]:
    """Key names from raw terminal bytes: Space, arrows (both cursor modes), q, Esc, +/-."""
    keys: list[str] = []
    i = 0
    while i < len(data):
        byte = data[i: i + 1]
        if byte == b"\x1b":
            if data[i + 1: i + 2] in (b"[", b"O") and i + 2 < len(data):
                code = data[i + 2: i + 3]
                keys += {b"A": ["up"], b"B": ["down"]}.get(code, [])
                i += 3
                continue
            keys.append("quit")  # Esc on its own
        elif byte == b" ":
            keys.append("toggle")
        elif byte in (b"q", b"Q"):
            keys.append("quit")
        elif byte in (b"l", b"L"):
            keys.append("check")
        elif byte in (b"+", b"="):
            keys.append("up")
        elif byte == b"-":
            keys.append("down")
        i += 1
    return keys


class TerminalUI:
    """A live status line redrawn in place, messages above it, keys read in cbreak mode."""

    def __init__(self, fd: int, stream: object = None) -> None:
        self._fd = fd
        self._out = stream or sys.stdout
        self._shown = ""

    def _columns(self) -> int:
        try:
            columns = os.get_terminal_size(self._out.fileno()).columns  # type: ignore[attr-defined]
        except (OSError, AttributeError, ValueError):
            columns = 0
        return columns or 80  # a terminal that reports no size (0) is treated as 80 wide

    def message(self, text: str) -> None:
        self._out.write(f"\r\x1b[2K{text}\n")  # type: ignore[attr-defined]
        self._shown = ""
        self._out.flush()  # type: ignore[attr-defined]

    def status(self, text: str) -> None:
        text = text[: max(10, self._columns() - 1)]
        if text != self._shown:
            self._out.write(f"\r\x1b[2K{text}")  # type: ignore[attr-defined]
            self._out.flush()  # type: ignore[attr-defined]
            self._shown = text

    def wait(self, seconds: float) -> Sequence[str]:
        readable, _, _ = select.select([self._fd], [], [], seconds)
        if not readable:
            return ()
        return parse_keys(os.read(self._fd, 64))

    def clear(self) -> None:
        self._out.write("\r\x1b[2K")  # type: ignore[attr-defined]
        self._out.flush()  # type: ignore[attr-defined]


@contextmanager
def cbreak(fd: int) -> Iterator[None]:
    """Keys arrive one by one without echo; the terminal is restored on any exit."""
    import termios
    import tty

    saved = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd)
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


# -- the command --------------------------------------------------------------------------------


def no_sound_message(output: AudioOutput) -> str:
    reasons = getattr(output, "reasons", ())
    detail = f" ({'; '.join(reasons)})" if reasons else ""
    return (f"bls tap: no sound device{detail}: tapping needs sound "
            "(install libportaudio2 / check PulseAudio)")


def tap_command(args: argparse.Namespace, profile: Profile, *,
                clock: Clock | None = None) -> int:
    clock = clock or Clock()
    output = open_output(profile.audio, clock=clock, latency_s=LATENCY_S)
    if output.backend == "none":
        sys.stderr.write(no_sound_message(output) + "\n")
        return EXIT_FAILURE
    program = TapProgram(profile, args.sets, args.pause)
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    print(f"sound: {output.backend}, {1000 * output.latency_s:.0f} ms output latency",
          flush=True)
    terminal: TerminalUI | None = None
    try:
        output.start()
        if not interactive:
            return run_loop(program, output, clock, PlainUI(_print_now), autostart=True)
        fd = sys.stdin.fileno()
        with cbreak(fd):
            terminal = TerminalUI(fd)
            pause = f", {args.pause:g} s pause" if args.sets > 1 else ""
            terminal.message(f"{profile.name}: {args.sets} set(s) of "
                             f"{profile.length.describe()}{pause}. Press L to check "
                             "left/right in your headphones, Space to start.")
            code = run_loop(program, output, clock, terminal, autostart=False)
            terminal.clear()
            return code
    except KeyboardInterrupt as stop:  # Ctrl-C, SIGTERM or SIGHUP (bls.signals)
        from bls import signals

        if terminal is not None:
            terminal.clear()
        sys.stderr.write(f"bls tap: {signals.describe(stop)}\n")
        return signals.exit_code(stop)
    finally:
        output.close()


def _print_now(text: str) -> None:
    print(text, flush=True)
