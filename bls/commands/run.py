"""`bls run`: the live session in the office. Full screen, Space starts a set, Esc quits.

Rules: one straight loop. Each frame is drawn for the predicted time of its flip, read on the
audio's clock (`output.heard_time(flip) - calibration offset`), so a late frame never changes
speed and the tone is heard as the target is seen at the end. Input is applied at the audio's
change time (see `bls.live.controls`). With vsync, SDL's renderer composes each frame from textures
uploaded once; without it (or when its presents make frames late), the plain window updates only
the target's old and new areas, plus the HUD when its text changes. No sound device: picture
only, said once.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import pygame

from bls.clock import Clock
from bls.live.controls import KEY_HELP, Action, Controller, Kind
from bls.core.profile import Profile
from bls.core.session import Session, SetEnded, trail_points
from bls.core.timeline import Point
from bls.display.frames import FrameTimer
from bls.display.hud import hud_corner
from bls.display.picture import make_picture
from bls.display.window import DisplayError, TextureWindow, Window, open_live_window
from bls.profiles import Library
from bls.settings import session_offset_s

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2
WINDOWED_SIZE_PX = (1280, 720)  # F from full screen when no --window was given
MESSAGE_S = 4.0  # a HUD message (why a key did nothing) shows this long
PROBLEM_CHECK_S = 1.0  # how often to ask the audio whether it is still well
FRAME_LOG_ENV = "BLS_FRAME_LOG"  # path: write one line per frame at exit (tests, measurement)


def say(line: str) -> None:
    """One line for the user on stdout (flushed: tests and logs read it as it happens)."""
    print(f"bls: {line}", flush=True)


def run_command(args: argparse.Namespace, profile: Profile) -> int:
    if getattr(args, "share", False):
        from bls.commands.share import run_share

        return run_share(args, profile)
    from bls.audio import open_output

    offset_s = session_offset_s(lambda line: sys.stderr.write(line + "\n"))
    clock = Clock()
    output = open_output(profile.audio, enabled=not args.no_audio, clock=clock)
    try:
        try:
            window = open_live_window(size_px=args.window, display_index=args.display)
        except DisplayError as error:
            sys.stderr.write(f"bls: {error}\n")
            return EXIT_USAGE
        except pygame.error as error:
            sys.stderr.write(f"bls: cannot open a window: {error}\n")
            return EXIT_FAILURE
        output.start()
        if output.problem:
            say(output.problem)
        if window.note:
            say(window.note)
        live = LiveSession(args, profile, window, output, clock, offset_s)
        return live.run()
    finally:
        output.close()
        pygame.quit()


@dataclass
class FrameRecord:
    flip_s: float  # wall clock (Clock.now) when the update returned
    shown_s: float  # timeline time the frame shows
    x: float
    y: float
    state: str
    set_number: int


class LiveSession:
    """The window, the target, the HUD and the loop that feeds them from the session."""

    def __init__(self, args: argparse.Namespace, profile: Profile, window: Window | TextureWindow,
                 output: object, clock: Clock, offset_s: float) -> None:
        self.args = args
        self.window = window
        self.output = output
        self.clock = clock
        self.offset_s = offset_s
        library = Library.discover()
        loaders: list[Callable[[], Profile]] = [
            (lambda name=name: library.load(name)) for name in library.names()[:9]]
        self.session = Session(profile)
        self.controller = Controller(self.session, output, clock.now,  # type: ignore[arg-type]
                                     profiles=loaders, on_profile=self._use_profile)
        self.timer = FrameTimer(window.period_s)
        self.paced = not window.vsync
        self.records: list[FrameRecord] | None = [] if os.environ.get(FRAME_LOG_ENV) else None
        self._problem_shown = getattr(output, "problem", None)
        self._next_problem_check = 0.0
        self._started_sets = 0
        self._speed_said = self.session.speed_hz
        self._profile_said = profile.key
        self._fullscreen_toggles = 0
        self._message_shown = ""
        self._message_until = 0.0
        self._build_picture()

    # -- picture ----------------------------------------------------------------------------

    def _build_picture(self) -> None:
        """Target and panels for the current window and profile, and a full redraw."""
        profile = self.session.profile
        self.picture = make_picture(self.window, profile.target, profile.motion.amplitude,
                                    hud_corner(profile.motion.path))
        if self.picture.target.problem:
            say(self.picture.target.problem)
        self._full_redraw = True

    def _reopen_window(self, size_px: tuple[int, int] | None, vsync: bool) -> None:
        """A new window rather than a changed one (see `_toggle_fullscreen`)."""
        if isinstance(self.window, TextureWindow):
            self.window.close()
        else:
            pygame.display.quit()
        self.window = open_live_window(size_px=size_px, display_index=self.window.display_index,
                                       vsync=vsync)
        self.timer.resync()
        self._build_picture()

    def _use_profile(self, profile: Profile) -> None:
        self._build_picture()

    def _toggle_fullscreen(self) -> None:
        going_full = not self.window.fullscreen
        size = None if going_full else (self.args.window or WINDOWED_SIZE_PX)
        # A new window rather than a resized one: without a window manager (or with a strict
        # one) a resized window keeps its old place and would not cover the screen.
        self._reopen_window(size, vsync=not self.paced)

    # -- the loop ---------------------------------------------------------------------------

    def run(self) -> int:
        output = self.output
        output.publish(self.session.timelines())  # type: ignore[attr-defined]
        if self.args.autostart:
            self.controller.apply(Action(Kind.TOGGLE))
        say(self._opening_line())
        try:
            while not self.controller.quit:
                ended = self._frame()
                if ended is not None and self.args.exit_after_set:
                    break
        finally:
            say(self.timer.stats().summary())
            self._write_frame_log()
        return EXIT_OK

    def _frame(self) -> SetEnded | None:
        clock, session, view = self.clock, self.session, self.controller.view
        for event in pygame.event.get():
            if event.type in (pygame.WINDOWEXPOSED, pygame.VIDEOEXPOSE):
                self._full_redraw = True
            elif event.type == pygame.RENDER_DEVICE_RESET:
                self._build_picture()  # the renderer lost its textures: upload them again
            self.controller.handle(event)
            if self.controller.quit:
                return None  # Esc: quit at once, without drawing another frame
        if view.message != self._message_shown:
            self._message_shown, self._message_until = view.message, clock.now() + MESSAGE_S
        elif view.message and clock.now() > self._message_until:
            view.message = self._message_shown = ""
        if view.fullscreen_toggles != self._fullscreen_toggles:
            self._fullscreen_toggles = view.fullscreen_toggles
            self._toggle_fullscreen()
        work_start = clock.now()
        flip_at = self.timer.next_flip(work_start)
        shown = self.output.heard_time(flip_at) - self.offset_s  # type: ignore[attr-defined]
        ended = session.tick(shown)
        self._report_sets(shown, ended)
        self._check_audio(work_start)

        position = session.position(shown)
        trail = self._trail(shown)
        help_lines = [f"{keys}:  {what}" for keys, what in KEY_HELP] if view.help else []
        word = view.lr_word(shown)
        if word is not None:  # the left/right check: its words where the client can see them
            help_lines = [f"left/right check: {word or 'listen'}"]
        elif view.lr_check:
            view.lr_check = ()
        changed = self.picture.draw(position, trail,
                                    self._hud_lines(shown) if view.hud else (), help_lines,
                                    full=self._full_redraw)
        self._full_redraw = False
        cost = clock.now() - work_start

        if not changed:
            # Nothing changed (the target at rest): no present, so no flip to time or judge.
            self.timer.resync()
            time.sleep(max(0.0, flip_at - clock.now()))
            return ended
        if self.paced:
            # No vsync to wait on: start the update so that it completes at the predicted flip.
            wait = flip_at - self.timer.present_estimate_s() - clock.now()
            if wait > 0:
                time.sleep(wait)
        present_start = clock.now()
        self.picture.present()
        flip_s = clock.now()
        self.timer.flipped(flip_s, cost, flip_s - present_start)
        if not self.paced and (self.timer.vsync_paces() is False
                               or self.timer.presents_too_slow()):
            self.paced = True
            late = self.timer.late
            say("vsync: flips do not wait for the display here; timing frames with the clock"
                if not late else f"vsync: {late} late frames with full-window presents; "
                "updating only what moves and timing frames with the clock")
            self._reopen_window(None if self.window.fullscreen else self.window.size_px,
                                vsync=False)
        if self.records is not None:
            self.records.append(FrameRecord(flip_s, shown, position[0], position[1],
                                            session.state(shown).value, session.set_number))
        return ended

    def _trail(self, shown: float) -> tuple[Point, ...]:
        return trail_points(self.session.position, shown, self.session.profile.target.trail_s)

    # -- words ------------------------------------------------------------------------------

    def _opening_line(self) -> str:
        window, profile = self.window, self.session.profile
        where = (f"full screen on display {window.display_index}" if window.fullscreen
                 else "window")
        timing = "vsync" if not self.paced else "clock-timed frames"
        backend = getattr(self.output, "backend", "none")
        latency = getattr(self.output, "latency_s", 0.0) * 1000
        sound = ("picture only" if backend == "none"
                 else f"sound {backend}, {latency:.0f} ms latency made up for")
        return (f"{profile.name}: {where} {window.size_px[0]}x{window.size_px[1]} at "
                f"{window.refresh_hz:.0f} Hz ({timing}); {sound}; "
                "Space starts a set, ? shows the keys, Esc quits")

    def _report_sets(self, shown: float, ended: SetEnded | None) -> None:
        session = self.session
        if session.profile.key != self._profile_said:
            self._profile_said = session.profile.key
            self._speed_said = session.speed_hz
            say(f"profile {session.profile.name}: {session.speed_hz:.2f} Hz, "
                f"{session.profile.length.describe()}")
        if session.speed_hz != self._speed_said:
            self._speed_said = session.speed_hz
            say(f"speed {session.speed_hz:.2f} Hz ({session.passes_per_minute:.0f} passes/min)")
        if session.set_number > self._started_sets and session.current is not None \
                and shown >= session.current.start_s:
            self._started_sets = session.set_number
            say(f"set {session.set_number} started: {session.total_passes(shown)} passes at "
                f"{session.current.speed_hz:.2f} Hz")
        if ended is not None:
            how = "stopped" if ended.stopped_by_hand else "done"
            say(f"set {ended.set_number} {how}: {ended.passes_done}/{ended.total_passes} passes, "
                f"{session.elapsed(shown):.1f} s")

    def _check_audio(self, now: float) -> None:
        if now < self._next_problem_check:
            return
        self._next_problem_check = now + PROBLEM_CHECK_S
        problem = getattr(self.output, "problem", None)
        if problem and problem != self._problem_shown:
            say(problem)
        self._problem_shown = problem

    def _hud_lines(self, shown: float) -> list[str]:
        session, view, output = self.session, self.controller.view, self.output
        profile = session.profile
        state = session.state(shown)
        minutes, seconds = divmod(int(session.elapsed(shown)), 60)
        if session.set_number == 0:
            progress = "idle: Space starts a set"
        else:
            progress = (f"set {session.set_number}  pass {session.passes_done(shown)}/"
                        f"{session.total_passes(shown)}  {minutes}:{seconds:02d}  {state.value}")
        problem = getattr(output, "problem", None)
        if problem:
            sound = "sound off"
        else:
            sound = (f"sound {getattr(output, 'backend', 'none')} "
                     f"{getattr(output, 'latency_s', 0.0) * 1000:.0f} ms"
                     f"{'  muted' if view.muted else ''}  volume {view.volume * 100:.0f}%")
        stats = self.timer
        lines = [
            f"{profile.name}  {session.speed_hz:.2f} Hz  {session.passes_per_minute:.0f} "
            "passes/min",
            progress,
            sound,
            f"late frames {stats.late}",
        ]
        if view.message:
            lines.append(view.message)
        return lines

    def _write_frame_log(self) -> None:
        path = os.environ.get(FRAME_LOG_ENV)
        if not path or self.records is None:
            return
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write("flip_s shown_s x y state set\n")
            for r in self.records:
                handle.write(f"{r.flip_s:.6f} {r.shown_s:.6f} {r.x:.6f} {r.y:.6f} {r.state} "
                             f"{r.set_number}\n")
