"""`bls tap`: auditory tapping in headphones from the terminal, no screen needed.

Tapping is the live Session with no picture: a pure `TapProgram` (time is an argument) runs the
Session's sets with cues and pauses between them; a thin loop feeds it the output's clock and a
user interface: plain lines when piped, a live status line with keys on a terminal. Each set is
placed `pause` after the last one is back at rest, the rule `plan_sets` follows, so an unchanged
guided sequence sounds exactly like `bls export-audio` with the same options.
"""

from __future__ import annotations

import os
import select
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Protocol, TextIO

from bls.audio import AudioOutput, open_output
from bls.audio.lr_check import LEAD_S as LR_LEAD_S
from bls.audio.lr_check import MONO_WARNING, LrStep, schedule_lr_check, word_at
from bls.audio.output import PICTURE_ONLY
from bls.clock import Clock
from bls.core.profile import Profile
from bls.core.session import SPEED_STEP_HZ, Session, SetEnded
from bls.core.synth import make_cue
from bls.core.timeline import SetTimeline
from bls.log import Log, NullLog, open_log
from bls.log.observer import LogObserver
from bls.options import TapOptions

CUE_LEVEL = 0.5  # the end-of-set cue, as a share of the tones' level: soft
CUE_LEAD_S = 0.3  # the cue is handed to the output this long before it sounds
CUE_S = 0.5  # length of make_cue's sound
LATENCY_S = 0.1  # tapping needs no quick reactions, and must never break up
TICK_S = 0.05  # how often the loop looks at the clock, the keys and the status line
EXIT_OK, EXIT_FAILURE = 0, 1
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


# -- the loop -----------------------------------------------------------------------------------


class TapUI(Protocol):
    def message(self, text: str) -> None: ...
    def failure(self, text: str) -> None:
        """A line on why tapping cannot go on (stderr)."""
        ...
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

    def failure(self, text: str) -> None:
        sys.stderr.write(text + "\n")

    def status(self, text: str) -> None:
        pass

    def wait(self, seconds: float) -> Sequence[str]:
        self._sleep(seconds)
        return ()


def run_loop(program: TapProgram, output: AudioOutput, clock: Clock, ui: TapUI, *,
             autostart: bool, log: Log | None = None) -> int:
    """Run until the program is done or the user quits. Returns the exit code."""
    cue = make_cue(output.sample_rate)
    recorder = LogObserver(log or NullLog(), ui.message)

    def apply(step: Step) -> None:
        if step.ended is not None:  # on disk before "set N done" is said
            recorder.set_ended(step.ended, program.session)
        for text in step.messages:
            ui.message(text)
        if step.publish is not None:
            output.publish(step.publish)
        if step.cue_at_s is not None:
            output.play(cue, step.cue_at_s, left=CUE_LEVEL, right=CUE_LEVEL)

    try:
        return _loop(program, output, clock, ui, apply, autostart=autostart)
    finally:  # q, Ctrl-C or a lost device: a set under way is logged as stopped
        recorder.quit(program.session, output.heard_time(clock.now()))


def _loop(program: TapProgram, output: AudioOutput, clock: Clock, ui: TapUI,
          apply: Callable[[Step], None], *, autostart: bool) -> int:
    check: tuple[LrStep, ...] = ()  # the left/right check under way, on the audio clock
    check_said: str | None = None
    if autostart:
        apply(program.begin(output.change_time(clock.now())))
    while True:
        now = clock.now()
        heard_s = output.heard_time(now)
        apply(program.tick(heard_s, output.change_time(now)))
        if check:
            word = word_at(check, heard_s)
            if word != check_said and word != "":
                ui.message(f"left/right check: {word}" if word else "left/right check: done")
                check_said = word
            if word is None:
                check, check_said = (), None
        if program.finished(heard_s):
            if output.underruns:
                ui.message(f"note: the sound broke up {output.underruns} time(s); close busy "
                           "programs for an even rhythm")
            return EXIT_OK
        problem = output.problem
        if problem is not None:
            ui.failure(f"bls tap: {problem.removesuffix(PICTURE_ONLY)}; tapping needs sound")
            return EXIT_FAILURE
        ui.status(program.status(heard_s))
        for key in ui.wait(TICK_S):
            change_s = output.change_time(clock.now())
            if key == "quit":
                ui.message(f"stopped during set {max(program.set_number, 1)}/{program.sets}"
                           if program.state in ("running", "stopping") else "quit")
                return EXIT_OK
            if key == "check" and program.state == "ready" and not check:
                # Before the first set: left ear, then right, so swapped headphones show.
                if output.channels < 2:
                    ui.message(MONO_WARNING)
                check = schedule_lr_check(output, change_s + LR_LEAD_S)
            elif key == "toggle" and not check:
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

    def __init__(self, fd: int, stream: TextIO | None = None) -> None:
        self._fd = fd
        self._out: TextIO = stream or sys.stdout
        self._shown = ""

    def _columns(self) -> int:
        try:
            columns = os.get_terminal_size(self._out.fileno()).columns
        except (OSError, AttributeError, ValueError):
            columns = 0
        return columns or 80  # a terminal that reports no size (0) is treated as 80 wide

    def message(self, text: str) -> None:
        self._out.write(f"\r\x1b[2K{text}\n")
        self._shown = ""
        self._out.flush()

    def failure(self, text: str) -> None:
        self.clear()
        self._shown = ""
        sys.stderr.write(text + "\n")

    def status(self, text: str) -> None:
        text = text[: max(10, self._columns() - 1)]
        if text != self._shown:
            self._out.write(f"\r\x1b[2K{text}")
            self._out.flush()
            self._shown = text

    def wait(self, seconds: float) -> Sequence[str]:
        readable, _, _ = select.select([self._fd], [], [], seconds)
        if not readable:
            return ()
        return parse_keys(os.read(self._fd, 64))

    def clear(self) -> None:
        self._out.write("\r\x1b[2K")
        self._out.flush()


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


def tap_command(options: TapOptions, profile: Profile, *,
                clock: Clock | None = None) -> int:
    clock = clock or Clock()
    output = open_output(profile.audio, clock=clock, latency_s=LATENCY_S)
    if output.backend == "none":
        sys.stderr.write(no_sound_message(output) + "\n")
        return EXIT_FAILURE
    program = TapProgram(profile, options.sets, options.pause_s)
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    print(f"sound: {output.backend}, {1000 * output.latency_s:.0f} ms output latency",
          flush=True)
    log = open_log("tap", enabled=not options.no_log)
    print(log.take_problem() or log.describe(), flush=True)
    terminal: TerminalUI | None = None
    try:
        output.start()
        if not interactive:
            return run_loop(program, output, clock, PlainUI(_print_now), autostart=True,
                            log=log)
        fd = sys.stdin.fileno()
        with cbreak(fd):
            terminal = TerminalUI(fd)
            pause = f", {options.pause_s:g} s pause" if options.sets > 1 else ""
            terminal.message(f"{profile.name}: {options.sets} set(s) of "
                             f"{profile.length.describe()}{pause}. Press L to check "
                             "left/right in your headphones, Space to start.")
            code = run_loop(program, output, clock, terminal, autostart=False, log=log)
            terminal.clear()
            return code
    except KeyboardInterrupt as stop:  # Ctrl-C, SIGTERM or SIGHUP (bls.signals)
        from bls import signals

        if terminal is not None:
            terminal.clear()
        sys.stderr.write(f"bls tap: {signals.describe(stop)}\n")
        return signals.exit_code(stop)
    finally:
        log.close()
        output.close()


def _print_now(text: str) -> None:
    print(text, flush=True)
