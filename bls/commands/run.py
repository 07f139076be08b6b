"""`bls run`: the live session. Picks a layout, opens the sound, and runs the one live loop.

Layouts: the office window (this module: full screen or a window, the HUD and the keys drawn on
the picture, the settings panel on S) and the console (`bls.console.layout`: a client view that
shows only the target, to share with --share, full screen on --client-display N, or a small
preview of the client's browser with --link, and the therapist's console window, which with
--link also shows the client link, its QR code and the client's status).
With vsync, SDL's renderer composes each frame from textures uploaded once; without it (or when
its presents make frames late), the plain window updates only the target's old and new areas.
No sound device: picture only, said once.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import pygame

from bls.audio import open_output
from bls.clock import Clock
from bls.console.office import OfficeSettings
from bls.core.profile import Profile
from bls.core.session import Session
from bls.display.window import DisplayError, TextureWindow, Window, open_live_window
from bls.live.client_view import ClientView
from bls.live.controls import Action, View
from bls.live.engine import Frame, LiveLoop, Observer
from bls.live.words import say
from bls.log import open_log
from bls.log.observer import LogObserver
from bls.options import RunOptions
from bls.paths import user_documents_dir
from bls.profiles import Library
from bls.settings import session_offset_s

if TYPE_CHECKING:
    from bls.console.commands import Rate
    from bls.console.layout import ConsoleLayout
    from bls.link.live import LinkObserver
    from bls.log.store import Log

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2
WINDOWED_SIZE_PX = (1280, 720)  # F from full screen when no --window was given


def run_command(options: RunOptions, profile: Profile) -> int:
    """Open the sound and the layout's windows, run sets until Esc; the exit code."""
    offset_s = session_offset_s(lambda line: sys.stderr.write(line + "\n"))
    clock = Clock()
    output = open_output(profile.audio, enabled=not options.no_audio, clock=clock)
    # The log first, so a layout that asks for ratings (the console) can be handed it.
    log = open_log(frontend_name(options), enabled=not options.no_log)
    layout: OfficeLayout | ConsoleLayout | None = None
    recorder: LogObserver | None = None
    link: LinkObserver | None = None
    session: Session | None = None
    try:
        try:
            layout = _open_layout(options, profile, log)
            profile = layout.adapt(profile)
        except DisplayError as error:
            sys.stderr.write(f"bls: {error}\n")
            return EXIT_USAGE
        except pygame.error as error:
            sys.stderr.write(f"bls: cannot open a window: {error}\n")
            return EXIT_FAILURE
        output.start()
        if output.problem:
            say(output.problem)
        library = Library.discover()
        say(log.take_problem() or log.describe())
        recorder = LogObserver(log, say)
        observers: list[Observer] = [recorder]
        start_lead_s = 0.0
        if options.link:
            from bls.link.live import open_link
            from bls.link.protocol import START_LEAD_S
            from bls.link.server import LinkError

            start_lead_s = START_LEAD_S
            try:
                link = open_link(options, output, clock, say)
            except LinkError as error:
                sys.stderr.write(f"bls: {error}\n")
                return error.exit_code
            observers.append(link)
            from bls.console.layout import ClientLink, ConsoleLayout

            if isinstance(layout, ConsoleLayout):  # the console shows the link and the client
                server = link.server
                layout.show_link(ClientLink(server.url or "", lambda: server.status))
        session = Session(profile)
        loop = LiveLoop(session, layout, output, clock, offset_s=offset_s,
                        profiles=[(lambda name=name: library.load(name))
                                  for name in library.names()[:9]],
                        autostart=options.autostart, exit_after_set=options.exit_after_set,
                        observers=observers,
                        # With the link, --autostart waits for a client page with its sound on,
                        # and every set starts a lead time after Space (see protocol.py).
                        start_gate=(lambda: link.ready) if link is not None else None,
                        start_lead_s=start_lead_s)
        if link is not None:
            link.published(session)  # the page gets the profile's look before the first set
        return loop.run()
    finally:
        if link is not None:
            link.server.stop()
        if recorder is not None and session is not None:
            recorder.quit(session, output.heard_time(clock.now()) - offset_s)
        log.close()
        output.close()
        if layout is not None:
            layout.close()
        pygame.quit()


def frontend_name(options: RunOptions) -> str:
    """Which front-end ran the session, as the session log records it."""
    if options.link:
        return "link"
    if options.client_display is not None:
        return "client-display"
    return "share" if options.share else "run"


def _open_layout(options: RunOptions, profile: Profile, log: Log
                 ) -> OfficeLayout | ConsoleLayout:
    if options.share or options.client_display is not None or options.link:
        from bls.console.layout import ConsoleLayout

        def rate(rating: Rate) -> str | None:
            return log.note_rating(rating.set_number, sud=rating.sud, voc=rating.voc,
                                   note=rating.note)

        return ConsoleLayout.open(options, profile, log_status=log.describe(), on_rate=rate,
                                  on_export=lambda: log.export_csv(user_documents_dir()))
    return OfficeLayout.open(options, profile)


class OfficeLayout:
    """One window, full screen or not: the target, with the HUD and the keys on the picture."""

    def __init__(self, window: Window | TextureWindow, profile: Profile,
                 windowed_size_px: tuple[int, int]) -> None:
        self.client = ClientView(window, profile)
        self._windowed_size_px = windowed_size_px
        self.settings = OfficeSettings(self.client)  # S between sets: the settings panel

    def connect(self, loop: LiveLoop) -> None:
        self.settings.connect(loop)

    @classmethod
    def open(cls, options: RunOptions, profile: Profile) -> OfficeLayout:
        window = open_live_window(size_px=options.window, display_index=options.display)
        return cls(window, profile, options.window or WINDOWED_SIZE_PX)

    def describe(self) -> str:
        window = self.client.window
        where = (f"full screen on display {window.display_index}" if window.fullscreen
                 else "window")
        width, height = window.size_px
        return f"{where} {width}x{height} at {window.refresh_hz:.0f} Hz"

    def adapt(self, profile: Profile) -> Profile:
        return profile

    def handle(self, event: pygame.event.Event, view: View, busy: bool) -> Action | bool | None:
        self.client.handle(event)
        return self.settings.handle(event, busy)

    def draw(self, frame: Frame, view: View) -> bool:
        help_lines = frame.help
        if frame.lr_word is not None:  # the check's words where the client can see them
            help_lines = (f"left/right check: {frame.lr_word or 'listen'}",)
        hud = frame.hud if view.hud else ()
        with_settings = self.settings.draw(frame, hud, help_lines)
        if with_settings is not None:
            return with_settings
        return self.client.draw(frame.position, frame.trail, hud, help_lines)

    def after_frame(self, frame: Frame, view: View) -> None:
        self.settings.after_frame(frame)

    def use_profile(self, profile: Profile) -> None:
        self.client.use_profile(profile)

    def reopen(self, *, vsync: bool, toggle_fullscreen: bool = False) -> None:
        """A new window rather than a changed one: without a window manager (or with a strict
        one) a resized window keeps its old place and would not cover the screen."""
        old = self.client.window
        fullscreen = old.fullscreen != toggle_fullscreen
        size = None if fullscreen else (self._windowed_size_px if toggle_fullscreen
                                        else old.size_px)
        old.close()
        self.client.use_window(open_live_window(size_px=size, display_index=old.display_index,
                                              vsync=vsync))

    def close(self) -> None:
        pass  # pygame.quit() closes the window with everything else
