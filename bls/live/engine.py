"""The live session loop: the one loop under every picture front-end of `bls run`.

Rules: the loop owns the Session, the sound output, the input and the frame pacer. Each frame is
drawn for the predicted time of its flip, read on the audio's clock (`output.heard_time(flip) -
calibration offset`), so a late frame never changes speed and the tone is heard as the target is
seen at the end. Input becomes actions applied at the audio's change time (`bls.live.controls`).
A layout (the office window, share mode's client view and console) says what to draw and where;
it never paces, presents or keeps a loop of its own. Observers (the session log, the client
link) hear of every published change and every set that ends.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import pygame

from bls.audio.lr_check import LrStep
from bls.audio.output import Output
from bls.clock import Clock
from bls.core.profile import Profile
from bls.core.session import Session, SetEnded, trail_points
from bls.core.timeline import Point
from bls.display.pacer import FramePacer
from bls.live.client_view import ClientView
from bls.live.controls import Action, Controller, Kind, View
from bls.live.words import SetReporter, hud_lines, key_help_lines, say
from bls.settings import remember_last_profile

MESSAGE_S = 4.0  # a HUD message (why a key did nothing) shows this long
PROBLEM_CHECK_S = 1.0  # how often to ask the audio whether it is still well
FRAME_LOG_ENV = "BLS_FRAME_LOG"  # path: write one line per frame at exit (tests, measurement)


@dataclass(frozen=True, slots=True)
class Frame:
    """Everything one frame shows, for the picture time `t` of its flip."""

    t: float
    position: Point
    trail: tuple[Point, ...]
    hud: tuple[str, ...]  # the therapist's lines (the layout decides where, or whether)
    help: tuple[str, ...]  # the keys, while ? is on
    lr_word: str | None  # the left/right check's word ("" before its first beep), or None
    busy: bool  # a set is running or queued (Start reads Stop)


class Layout(Protocol):
    """A front-end's windows: where the target and the therapist's text go."""

    client: ClientView  # the timed window the client sees, and its picture

    def connect(self, loop: LiveLoop) -> None:
        """The loop this layout serves (its controller, session and output), once it exists:
        the console applies its commands through it."""
        ...
    def describe(self) -> str:
        """Where the picture is, for the opening line."""
        ...
    def adapt(self, profile: Profile) -> Profile:
        """A profile as this layout may use it (share mode caps the speed)."""
        ...
    def handle(self, event: pygame.event.Event, view: View, busy: bool) -> Action | bool | None:
        """A layout's own reading of an event: an Action, True when the layout used the event
        up, or None to leave it to the keys."""
        ...
    def draw(self, frame: Frame, view: View) -> bool:
        """Draw the timed picture; True if there is anything to present."""
        ...
    def after_frame(self, frame: Frame, view: View) -> None:
        """Update the therapist's own window, if any (not timed)."""
        ...
    def use_profile(self, profile: Profile) -> None: ...
    def reopen(self, *, vsync: bool, toggle_fullscreen: bool = False) -> None:
        """Open the timed window anew (without vsync, or toggled to or from full screen)."""
        ...
    def close(self) -> None: ...


class Observer(Protocol):
    """Hears of the session's changes (session log, client link); must not block."""

    def published(self, session: Session) -> None: ...
    def set_ended(self, ended: SetEnded, session: Session) -> None: ...
    def lr_check(self, plan: tuple[LrStep, ...]) -> None:
        """A left/right check was placed on the audio clock (the client link plays it too)."""
        ...


@dataclass
class FrameRecord:
    flip_s: float  # wall clock (Clock.now) when the present returned
    shown_s: float  # timeline time the frame shows
    x: float
    y: float
    state: str
    set_number: int


class LiveLoop:
    """Runs sets in a layout until Esc (or after the first set with `exit_after_set`)."""

    def __init__(self, session: Session, layout: Layout, output: Output, clock: Clock, *,
                 offset_s: float, profiles: Sequence[Callable[[], Profile]] = (),
                 autostart: bool = False, exit_after_set: bool = False,
                 start_gate: Callable[[], bool] | None = None,
                 observers: Sequence[Observer] = (), start_lead_s: float = 0.0) -> None:
        self.session = session
        self.layout = layout
        self.output = output
        self.clock = clock
        self.offset_s = offset_s
        self.exit_after_set = exit_after_set
        self.observers = tuple(observers)
        self._autostart = autostart
        self._start_gate = start_gate
        adapt = layout.adapt
        self.controller = Controller(
            session, output, clock.now,
            profiles=[(lambda load=load: adapt(load())) for load in profiles],
            on_profile=self._use_profile, on_publish=self._published,
            start_lead_s=start_lead_s, on_lr_check=self._lr_check_planned)
        window = layout.client.window
        self.pacer = FramePacer(clock, window.period_s, vsync=window.vsync)
        self.reporter = SetReporter(session)
        self.records: list[FrameRecord] | None = [] if os.environ.get(FRAME_LOG_ENV) else None
        self._problem_shown = output.problem
        self._next_problem_check = 0.0
        self._fullscreen_toggles = 0
        self._message_shown = ""
        self._message_until = 0.0
        self._shown_s = -math.inf  # the picture time of the last frame
        layout.connect(self)

    @property
    def view(self) -> View:
        return self.controller.view

    # -- the loop ---------------------------------------------------------------------------

    def run(self) -> int:
        """Run until quit; the exit code (0). The frame statistics line is said at the end."""
        self.output.publish(self.session.timelines())
        say(self._opening_line())
        try:
            while not self.controller.quit:
                self._start_if_asked()
                ended = self._frame()
                if ended is not None and self.exit_after_set:
                    break
        finally:
            say(self.pacer.stats().summary())
            self._write_frame_log()
        return 0

    def _start_if_asked(self) -> None:
        if self._autostart and (self._start_gate is None or self._start_gate()):
            self._autostart = False
            self.controller.apply(Action(Kind.TOGGLE))

    def _frame(self) -> SetEnded | None:
        session, view, output, layout = self.session, self.view, self.output, self.layout
        if not self._read_input():
            return None  # Esc: quit at once, without drawing another frame
        self._expire_message()
        if view.fullscreen_toggles != self._fullscreen_toggles:
            self._fullscreen_toggles = view.fullscreen_toggles
            layout.reopen(vsync=not self.pacer.paced, toggle_fullscreen=True)
            self._window_changed()

        flip_at = self.pacer.next_flip()
        # Picture time never runs backwards: when the sound device stalls (a sound server that
        # wakes up late, a Bluetooth hiccup) the audio clock snaps back by the stall, and the
        # target then holds still until the sound catches up instead of jumping back.
        shown = max(self._shown_s, output.heard_time(flip_at) - self.offset_s)
        self._shown_s = shown
        ended = session.tick(shown)
        self.reporter.report(shown, ended)
        if ended is not None:
            for observer in self.observers:
                observer.set_ended(ended, session)
        self._check_audio()
        frame = self._compose(shown)
        if layout.draw(frame, view):
            flip_s = self.pacer.show(layout.client.picture)
            if self.records is not None:
                self.records.append(FrameRecord(flip_s, shown, *frame.position,
                                                session.state(shown).value, session.set_number))
        else:
            self.pacer.rest()
        layout.after_frame(frame, view)
        fallback = self.pacer.vsync_fallback()
        if fallback is not None:
            say(fallback)
            layout.reopen(vsync=False)
            self._window_changed()
        return ended

    def _read_input(self) -> bool:
        """Apply every waiting event; False once the user quit."""
        busy = self._busy()
        for event in pygame.event.get():
            used = self.layout.handle(event, self.view, busy)
            if isinstance(used, Action):
                self.controller.apply(used)
            elif used is not True:
                self.controller.handle(event)
            if self.controller.quit:
                return False
        return True

    def _compose(self, shown: float) -> Frame:
        session, view = self.session, self.view
        word = view.lr_word(shown)
        if word is None and view.lr_check:
            view.lr_check = ()
        hud = hud_lines(session, shown, self.output, view, offset_s=self.offset_s,
                        late_frames=self.pacer.late)
        return Frame(
            t=shown,
            position=session.position(shown),
            trail=trail_points(session.position, shown, session.profile.target.trail_s),
            hud=tuple(hud),
            help=tuple(key_help_lines()) if view.help else (),
            lr_word=word,
            busy=self._busy(shown),
        )

    def _busy(self, t: float | None = None) -> bool:
        if t is None:
            t = self.output.heard_time(self.clock.now())
        return self.session.is_busy(t)

    # -- changes ----------------------------------------------------------------------------

    def _use_profile(self, profile: Profile) -> None:
        """A profile is in use (a key, the console, the settings panel): the layout's picture,
        the observers (the client link's page) and the next start of bls follow it."""
        self.layout.use_profile(profile)
        self._published()
        remember_last_profile(profile.key, say)

    def _lr_check_planned(self, plan: tuple[LrStep, ...]) -> None:
        for observer in self.observers:
            observer.lr_check(plan)

    def _published(self) -> None:
        for observer in self.observers:
            observer.published(self.session)

    def _window_changed(self) -> None:
        window = self.layout.client.window
        self.pacer.restart(window.period_s, vsync=window.vsync)

    def _expire_message(self) -> None:
        view, now = self.view, self.clock.now()
        if view.message != self._message_shown:
            self._message_shown, self._message_until = view.message, now + MESSAGE_S
        elif view.message and now > self._message_until:
            view.message = self._message_shown = ""

    def _check_audio(self) -> None:
        now = self.clock.now()
        if now < self._next_problem_check:
            return
        self._next_problem_check = now + PROBLEM_CHECK_S
        problem = self.output.problem
        if problem and problem != self._problem_shown:
            say(problem)
        self._problem_shown = problem

    # -- words ------------------------------------------------------------------------------

    def _opening_line(self) -> str:
        output = self.output
        timing = "clock-timed frames" if self.pacer.paced else "vsync"
        if output.backend == "none":
            sound = "picture only"
        else:
            sound = f"sound {output.backend}, {output.latency_s * 1000:.0f} ms latency made up for"
        return (f"{self.session.profile.name}: {self.layout.describe()} ({timing}); {sound}; "
                "Space starts a set, ? shows the keys, Esc quits")

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
