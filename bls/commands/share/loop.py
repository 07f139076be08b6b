"""`bls run --share`: the live session drawn into two windows, one to share and one to control.

Straight-line shell code around the pure Session: read events from both windows, turn keys and
button clicks into session commands at the audio clock's change time, publish the timelines to the
sound, then draw the client view for the time its sound is heard (minus the user's calibration
offset) and the control window's HUD.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable

import pygame

from bls.audio import open_output
from bls.clock import Clock
from bls.live.controls import KEY_HELP, SPEED_STEP_HZ, Action, Controller, Kind, action_for
from bls.core.profile import Profile
from bls.core.session import (
    Session,
    SetEnded,
    State,
    trail_points,
)
from bls.display.frames import FrameTimer
from bls.display.window import DisplayError
from bls.profiles import Library
from bls.settings import session_offset_s
from bls.commands.share.layout import (
    CLIENT_SIZE_PX,
    CONTROL_SIZE_PX,
    SHARE_MAX_SPEED_HZ,
    Button,
    button_at,
    client_window_position,
    control_buttons,
    control_window_position,
    for_sharing,
)
from bls.commands.share.windows import ClientView, ControlView, open_display

FALLBACK_REFRESH_HZ = 60.0  # when the display does not say its refresh rate

# The control window's buttons as the live session's actions ("lr_check" is handled here).
BUTTON_ACTIONS: dict[str, Action] = {
    "toggle": Action(Kind.TOGGLE),
    "faster": Action(Kind.SPEED, +SPEED_STEP_HZ),
    "slower": Action(Kind.SPEED, -SPEED_STEP_HZ),
    "quit": Action(Kind.QUIT),
}
# Keys that mean something only with one full-screen window; in share mode they do nothing.
IGNORED_KINDS = (Kind.HUD, Kind.FULLSCREEN)




def run_share(args: argparse.Namespace, profile: Profile) -> int:
    """Open the client view and the control window and run sets until Esc; 0 on a normal end."""
    library = Library.discover()
    profile = for_sharing(profile)  # the cli picked `share` unless -p named another
    offset_s = session_offset_s(lambda line: sys.stderr.write(line + "\n"))
    clock = Clock()
    output = open_output(profile.audio, enabled=not getattr(args, "no_audio", False), clock=clock)
    try:
        # Not pygame.init(): the sound device is bls.audio's business.
        screen = open_display(getattr(args, "display", 0))
        pygame.font.init()
        return _loop(args, profile, library, clock, output, offset_s, screen)
    except DisplayError as error:
        sys.stderr.write(f"bls: {error}\n")
        return 2
    except pygame.error as error:
        sys.stderr.write(f"bls: cannot open the share windows: {error}\n")
        return 1
    finally:
        output.close()
        pygame.quit()


def _loop(args: argparse.Namespace, profile: Profile, library: Library, clock: Clock,
          output: object, offset_s: float, screen: tuple[int, int] | None) -> int:
    client_size: tuple[int, int] = tuple(args.window) if getattr(args, "window", None) \
        else CLIENT_SIZE_PX  # type: ignore[assignment]
    client_pos = client_window_position(client_size, screen)
    client = ClientView(profile, client_size, client_pos)
    control = ControlView(CONTROL_SIZE_PX, control_window_position(
        client_pos, client_size, CONTROL_SIZE_PX, screen))
    names = library.names()
    loaders: list[Callable[[], Profile]] = [
        (lambda name=name: for_sharing(library.load(name))) for name in names[:9]]
    session = Session(profile)
    in_use = [profile]

    def switched(chosen: Profile) -> None:
        in_use[0] = chosen
        client.use_profile(chosen)

    controller = Controller(session, output, clock.now,  # type: ignore[arg-type]
                            profiles=loaders, on_profile=switched)
    output.start()  # type: ignore[attr-defined]
    if output.problem:  # type: ignore[attr-defined]
        say(output.problem)  # type: ignore[attr-defined]
    if getattr(args, "autostart", False):
        controller.apply(Action(Kind.TOGGLE))
    output.publish(session.timelines())  # type: ignore[attr-defined]
    # Window surfaces do not wait for vsync: each frame is drawn for a predicted flip time on a
    # refresh-rate grid, and its update is started just before that time.
    timer = FrameTimer(1.0 / _refresh_hz(getattr(args, "display", 0)))
    hovered: str | None = None
    say(f"{profile.name}: client window {client_size[0]}x{client_size[1]} "
        f"('{client.window.title}'), controls in '{control.window.title}'; "
        "share only the client window; Space starts a set, Esc quits")
    reported = 0
    shown: tuple[object, ...] | None = None  # the client frame on screen (position, trail)
    while True:
        for event in pygame.event.get():
            window = getattr(event, "window", None)
            pressed: str | None = None
            if event.type in (pygame.QUIT, pygame.WINDOWCLOSE):
                return 0
            if event.type == pygame.KEYDOWN and event.key == pygame.K_l:
                pressed = "lr_check"
            elif event.type in (pygame.KEYDOWN, pygame.MOUSEWHEEL):
                action = action_for(event)  # clicks are the buttons' job here
                if action is not None and action.kind not in IGNORED_KINDS:
                    _apply(controller, action, session, clock, output)
            elif event.type == pygame.MOUSEBUTTONDOWN and event.button == 1 \
                    and window is control.window:
                over = button_at(_buttons(control, names, session, clock, output), event.pos)
                pressed = over.action if over is not None else None
            elif event.type == pygame.MOUSEMOTION:
                # The shared window never shows the pointer; the control window always does.
                # (Motion as well as WINDOWENTER: a window that opens under the pointer gets
                # no enter event.)
                if pygame.mouse.get_visible() != (window is not client.window):
                    pygame.mouse.set_visible(window is not client.window)
                if window is control.window:
                    over = button_at(_buttons(control, names, session, clock, output),
                                     event.pos)
                    hovered = over.action if over is not None else None
            elif event.type == pygame.WINDOWENTER:
                pygame.mouse.set_visible(window is not client.window)
            elif event.type == pygame.WINDOWLEAVE:
                pygame.mouse.set_visible(True)
                if window is control.window:
                    hovered = None
            elif event.type == pygame.WINDOWSIZECHANGED and window is client.window:
                client.resized()
                timer.resync()
            elif event.type == pygame.WINDOWEXPOSED and window is client.window:
                client.exposed()
            if pressed == "lr_check":
                try:
                    controller.view.message = _lr_check(session, output, clock, client, control)
                except _QuitNow:
                    return 0
                timer.resync()  # the check held the loop: the next frame is not "late"
            elif pressed is not None and pressed.startswith("profile:"):
                controller.apply(Action(Kind.PROFILE, int(pressed.split(":", 1)[1])))
            elif pressed is not None:
                _apply(controller, BUTTON_ACTIONS[pressed], session, clock, output)
            if controller.quit:
                return 0

        work_start = clock.now()
        flip_at = timer.next_flip(work_start)
        picture_t = output.heard_time(flip_at) - offset_s  # type: ignore[attr-defined]
        profile = in_use[0]
        frame = (session.position(picture_t),
                 trail_points(session.position, picture_t, profile.target.trail_s))
        wait = flip_at - timer.present_estimate_s() - clock.now()
        if frame == shown and client.current:
            # At rest nothing changes: present nothing, just keep the loop's beat.
            time.sleep(max(0.0, wait))
            timer.resync()
        else:
            client.draw(*frame)
            cost = clock.now() - work_start
            wait = flip_at - timer.present_estimate_s() - clock.now()
            if wait > 0:
                time.sleep(wait)
            present_start = clock.now()
            client.present()
            flip_s = clock.now()
            timer.flipped(flip_s, cost, flip_s - present_start)
            shown = frame

        ended = session.tick(picture_t)
        reported = _report_sets(session, picture_t, ended, reported)
        lines = ([f"{key}: {meaning}" for key, meaning in KEY_HELP]
                 if controller.view.help else
                 _hud_lines(session, profile, picture_t, output, offset_s, client,
                            controller.view.message, timer.late))
        control.show(lines, _buttons(control, names, session, clock, output), hovered)
        if ended is not None and getattr(args, "exit_after_set", False):
            return 0


def say(line: str) -> None:
    """One line for the therapist on stdout, as `bls run` prints them."""
    print(f"bls: {line}", flush=True)


def _refresh_hz(display_index: int) -> float:
    try:
        rates = pygame.display.get_desktop_refresh_rates()
    except (AttributeError, pygame.error):
        rates = []
    rate = rates[display_index] if 0 <= display_index < len(rates) else 0
    return float(rate) if rate and rate > 0 else FALLBACK_REFRESH_HZ


def _report_sets(session: Session, picture_t: float, ended: SetEnded | None,
                 reported: int) -> int:
    """Say when a set starts on screen and when it is back at rest; returns sets started."""
    current = session.current
    if session.set_number > reported and current is not None and picture_t >= current.start_s:
        reported = session.set_number
        say(f"set {reported} started: {session.total_passes(picture_t)} passes at "
            f"{current.speed_hz:.2f} Hz")
    if ended is not None:
        how = "stopped" if ended.stopped_by_hand else "done"
        say(f"set {ended.set_number} {how}: {ended.passes_done}/{ended.total_passes} passes")
    return reported


def _apply(controller: Controller, action: Action, session: Session, clock: Clock,
           output: object) -> None:
    before = session.speed_hz
    controller.view.message = ""
    controller.apply(action)
    if action.kind is Kind.SPEED and action.amount > 0 and session.speed_hz == before:
        controller.view.message = (f"{before:g} Hz is the most this profile allows "
                                   f"(share mode: at most {SHARE_MAX_SPEED_HZ:g} Hz)")


def _busy(session: Session, clock: Clock, output: object) -> bool:
    t = output.heard_time(clock.now())  # type: ignore[attr-defined]
    return session.state(t) is State.RUNNING or session.is_queued(t)


def _buttons(control: ControlView, names: list[str], session: Session, clock: Clock,
             output: object) -> tuple[Button, ...]:
    return control_buttons(control.size, names, _busy(session, clock, output))


class _QuitNow(Exception):
    """Esc (or a closed window) during the left/right check: quit at once."""


def _lr_check(session: Session, output: object, clock: Clock, client: ClientView,
              control: ControlView) -> str:
    """Beeps in the left ear, then the right, with LEFT / RIGHT in the control window only (the
    therapist asks the client which ear). Between sets only; Esc still quits at once."""
    if session.state(output.heard_time(clock.now())) is not State.IDLE:  # type: ignore[attr-defined]
        return "L/R check: stop the set first"
    from bls.audio.lr_check import run_lr_check

    shown = [""]
    notes: list[str] = []  # a warning or a reason (mono device, no sound): kept for the HUD

    def show(word: str) -> None:
        shown[0] = word
        if " " in word:
            notes.append(word)

    def wait(seconds: float) -> None:
        for event in pygame.event.get():
            quits = event.type in (pygame.QUIT, pygame.WINDOWCLOSE) or (
                event.type == pygame.KEYDOWN and event.key in (pygame.K_ESCAPE, pygame.K_q))
            if quits:
                raise _QuitNow
            if event.type == pygame.WINDOWEXPOSED and getattr(event, "window", None) \
                    is client.window:
                client.exposed()
        word = shown[0]
        control.show(["Left/right check: ask the client which ear hears the beeps",
                      f"now beeping: {word}" if word and " " not in word else word or "...",
                      "Esc quits"], ())
        time.sleep(seconds)

    run_lr_check(output, show, clock, sleep=wait)  # type: ignore[arg-type]
    return notes[-1] if notes else "L/R check done: left beeps, then right beeps"


def _hud_lines(session: Session, profile: Profile, picture_t: float, output: object,
               offset_s: float, client: ClientView, message: str, late: int) -> list[str]:
    state = session.state(picture_t)
    speed = session.speed_hz
    if state is State.RUNNING:
        where = (f"running: pass {session.passes_done(picture_t)} "
                 f"of {session.total_passes(picture_t)}")
    elif state is State.ENDING:
        where = "gliding home"
    else:
        where = f"at rest: Space starts a set of {session.total_passes()} passes"
    problem = output.problem  # type: ignore[attr-defined]
    latency_ms = round(output.latency_s * 1000)  # type: ignore[attr-defined]
    backend = output.backend  # type: ignore[attr-defined]
    if problem:
        sound = f"sound: {problem}"
    elif backend == "none":
        sound = "sound: off (--no-audio)"
    else:
        sound = f"sound: {backend}, {latency_ms} ms latency"
    calibration = f"calibration offset {round(offset_s * 1000)} ms (set with bls calibrate)"
    width, height = client.window.size
    lines = [
        f"{profile.name}: {speed:.2f} Hz = {120 * speed:.0f} passes/min",
        where,
        sound,
        calibration,
        f"Share only the window '{client.window.title}' ({width}x{height}).",
        "Keys work in either window. ? shows them all.",
        f"late frames {late}",
    ]
    if message:
        lines.append(message)
    return lines
