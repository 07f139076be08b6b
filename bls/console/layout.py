"""The console as a layout of the live loop: the client view (target only) and the console window.

Three ways to open it: `share` (`bls run --share`: a client window to share, the console beside
it on the same screen), `client_display` (`bls run --client-display N`: the client view full
screen on display N at its own resolution, the console on the first other display) and `link`
(`bls run --link`: the client watches in their browser; a small preview of their picture and the
console with the client link's column: the link, its QR code and the client's status).

Rules: the client view only ever holds the background and the target; every word and widget is
in the console (the link's token above all: the preview must be safe to show or share). The
console's commands go through the loop's Controller where a key would (start, stop, speed,
check, quit); a profile from the console is used at once while the target rests and from the
end of the set otherwise. Ratings go to the session log through `on_rate`. The console is
redrawn after the frame has been presented, never before it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pygame

from bls.console.apply import CONSOLE_IGNORED_KINDS, CommandApplier
from bls.console.commands import ConsoleSnapshot, Rate
from bls.console.console import LINK_SIZE_PX, NARROW_SIZE_PX, SIZE_PX, TITLE, Console
from bls.console.sharing import (
    CLIENT_SIZE_PX,
    client_window_position,
    control_window_position,
    for_sharing,
)
from bls.core.profile import Profile
from bls.core.session import State
from bls.display.window import (
    DisplayError,
    TextureWindow,
    Window,
    open_live_window,
    start_display,
)
from bls.link.status import LinkStatus
from bls.live.client_view import ClientView
from bls.live.controls import Action, Kind, View, action_for
from bls.options import RunOptions
from bls.profiles import sample_names

if TYPE_CHECKING:
    from bls.live.engine import Frame, LiveLoop

CLIENT_TITLE = "bls client view - share this window"
CLIENT_DISPLAY_TITLE = "bls client view"
PREVIEW_TITLE = "bls preview - the client sees this in their browser"
PREVIEW_SIZE_PX = (640, 360)
_CENTRED_ON_DISPLAY = 0x2FFF0000  # SDL_WINDOWPOS_CENTERED_DISPLAY(n) is this | n


def short_log_status(text: str) -> str:
    """The log's own line, with a file path cut to the log's id (the HUD line is narrow)."""
    prefix = "session log: "
    rest = text.removeprefix(prefix)
    if text.startswith(prefix) and (rest.startswith("/") or ":\\" in rest):
        return f"{prefix}on ({Path(rest).stem}; bls log list)"
    return text


def displays_line(sizes: Sequence[tuple[int, int]]) -> str:
    return ", ".join(f"{index}: {w}x{h}" for index, (w, h) in enumerate(sizes))


def console_display(client_display: int, sizes: Sequence[tuple[int, int]]) -> int:
    """The display the console goes on: the first one that is not the client's; DisplayError
    (one line listing the displays) when there is no such display or no second one."""
    if not 0 <= client_display < len(sizes):
        raise DisplayError(f"--client-display {client_display}: no such display; displays: "
                           f"{displays_line(sizes)}")
    others = [index for index in range(len(sizes)) if index != client_display]
    if not others:
        raise DisplayError(f"--client-display {client_display} needs a second display for the "
                           f"console; this computer has one: {displays_line(sizes)}")
    return others[0]


@dataclass(frozen=True, slots=True)
class ClientLink:
    """The client link as the console shows it: the URL and where to read the page's status
    (`LinkServer.status`: a whole value, read once per frame without waiting)."""

    url: str
    status: Callable[[], LinkStatus]


class ConsoleLayout:
    """The client view (timed, target only) and the therapist's console."""

    def __init__(self, client: Window | TextureWindow, console_window: pygame.Window,
                 profile: Profile, *, share: bool, log_status: str,
                 on_rate: Callable[[Rate], str | None] | None = None,
                 link: bool = False) -> None:
        self.client = ClientView(client, profile)
        self.share = share
        self.link = link
        self.log_status = short_log_status(log_status)
        self.commands = CommandApplier(self.adapt, on_rate)
        self.client_link: ClientLink | None = None
        self.console = Console(console_window, self._snapshot_before_start(profile),
                               sample_names=sample_names(), link=link)

    # -- opening ------------------------------------------------------------------------------

    @classmethod
    def open(cls, options: RunOptions, profile: Profile, *, log_status: str,
             on_rate: Callable[[Rate], str | None] | None = None,
             on_export: Callable[[], str] | None = None) -> ConsoleLayout:
        """`on_rate` notes a rating in the session log (a problem, or None); `on_export` writes
        the session as CSV (the line to show)."""
        if options.client_display is not None:
            layout = cls._open_client_display(options, profile, log_status, on_rate)
        elif options.link:
            layout = cls._open_link(options, profile, log_status, on_rate)
        else:
            layout = cls._open_share(options, profile, log_status, on_rate)
        layout.commands.on_export = on_export
        return layout

    @classmethod
    def _open_share(cls, options: RunOptions, profile: Profile, log_status: str,
                    on_rate: Callable[[Rate], str | None] | None) -> ConsoleLayout:
        start_display(options.display)
        pygame.font.init()
        sizes = pygame.display.get_desktop_sizes()
        screen = sizes[options.display] if options.display < len(sizes) else None
        client_size = options.window or CLIENT_SIZE_PX
        client_pos = client_window_position(client_size, screen)
        client = open_live_window(size_px=client_size, display_index=options.display,
                                  title=CLIENT_TITLE, position=client_pos, resizable=True)
        width, height = NARROW_SIZE_PX
        if screen is not None:
            height = min(height, screen[1])
        where = control_window_position(client_pos, client_size, (width, height), screen)
        console = pygame.Window(TITLE, (width, height),
                                position=where if where is not None else (0, 0))
        return cls(client, console, for_sharing(profile), share=True, log_status=log_status,
                   on_rate=on_rate)

    @classmethod
    def _open_client_display(cls, options: RunOptions, profile: Profile, log_status: str,
                             on_rate: Callable[[Rate], str | None] | None) -> ConsoleLayout:
        assert options.client_display is not None
        start_display(0)
        pygame.font.init()
        sizes = pygame.display.get_desktop_sizes()
        other = console_display(options.client_display, sizes)
        client = open_live_window(size_px=None, display_index=options.client_display,
                                  title=CLIENT_DISPLAY_TITLE)
        width, height = sizes[other]
        size = (min(SIZE_PX[0], width), min(SIZE_PX[1], height))
        centred = _CENTRED_ON_DISPLAY | other
        console = pygame.Window(TITLE, size, position=(centred, centred))
        return cls(client, console, profile, share=False, log_status=log_status,
                   on_rate=on_rate)

    @classmethod
    def _open_link(cls, options: RunOptions, profile: Profile, log_status: str,
                   on_rate: Callable[[Rate], str | None] | None) -> ConsoleLayout:
        """The preview and the console side by side, tops level, both on the screen."""
        start_display(options.display)
        pygame.font.init()
        sizes = pygame.display.get_desktop_sizes()
        screen = sizes[options.display] if options.display < len(sizes) else None
        width, height = LINK_SIZE_PX
        if screen is not None:
            height = min(height, screen[1])
        preview_size = options.window or PREVIEW_SIZE_PX
        preview_pos = None
        if screen is not None:
            preview_pos = (max(0, min(40, screen[0] - preview_size[0])),
                           max(0, (screen[1] - height) // 2))
        client = open_live_window(size_px=preview_size, display_index=options.display,
                                  title=PREVIEW_TITLE, position=preview_pos, resizable=True)
        where = control_window_position(preview_pos, preview_size, (width, height), screen)
        console = pygame.Window(TITLE, (width, height),
                                position=where if where is not None else (0, 0))
        return cls(client, console, profile, share=False, log_status=log_status,
                   on_rate=on_rate, link=True)

    def show_link(self, link: ClientLink) -> None:
        """The client link is served: the console shows it from the next frame on."""
        self.client_link = link

    def connect(self, loop: LiveLoop) -> None:
        """The loop this layout serves: its controller applies the console's commands."""
        self.commands.connect(loop)

    # -- the live loop's questions ------------------------------------------------------------

    def describe(self) -> str:
        width, height = self.client.window.size_px
        if self.link:
            return (f"client preview {width}x{height} ('{PREVIEW_TITLE}'), the console with the "
                    f"client link in '{TITLE}'; at {self.client.window.refresh_hz:.0f} Hz")
        if self.share:
            return (f"client window {width}x{height} ('{CLIENT_TITLE}'), the console in "
                    f"'{TITLE}'; share only the client window; at "
                    f"{self.client.window.refresh_hz:.0f} Hz")
        return (f"client view full screen on display {self.client.window.display_index} "
                f"{width}x{height} at {self.client.window.refresh_hz:.0f} Hz, the console in "
                f"'{TITLE}'")

    def adapt(self, profile: Profile) -> Profile:
        return for_sharing(profile) if self.share else profile

    def handle(self, event: pygame.event.Event, view: View, busy: bool) -> Action | bool | None:
        if self.console.owns(event):
            for command in self.console.handle(event):
                self.commands.apply(command)
            return True
        window = getattr(event, "window", None)
        kind = event.type
        if kind in (pygame.QUIT, pygame.WINDOWCLOSE):
            return Action(Kind.QUIT)
        if kind == pygame.KEYDOWN:
            rating = self.console.rating_key(event)  # a SUD typed with the client view focused
            if rating is not None:
                for command in rating:
                    self.commands.apply(command)
                return True
        if kind in (pygame.KEYDOWN, pygame.MOUSEWHEEL):
            action = action_for(event)
            return True if action is not None and action.kind in CONSOLE_IGNORED_KINDS else None
        if kind == pygame.MOUSEBUTTONDOWN:
            return True  # never start or stop a set by a click on the client's picture
        if kind in (pygame.MOUSEMOTION, pygame.WINDOWENTER):
            # The client view never shows the pointer (motion as well as enter: a window that
            # opens under the pointer gets no enter event).
            if pygame.mouse.get_visible():
                pygame.mouse.set_visible(False)
        elif kind == pygame.WINDOWLEAVE:
            pygame.mouse.set_visible(True)
        elif kind == pygame.WINDOWSIZECHANGED and window is not None:
            self.client.resized()
        else:
            self.client.handle(event)
        return None

    def draw(self, frame: Frame, view: View) -> bool:
        return self.client.draw(frame.position, frame.trail)

    def after_frame(self, frame: Frame, view: View) -> None:
        if not pygame.mouse.get_visible() and self.console.pointer_inside():
            pygame.mouse.set_visible(True)
        if self.commands.loop is not None:
            self.commands.after_frame(frame.t)
            self.console.show(self._snapshot(frame, view))
        self.console.draw()

    def use_profile(self, profile: Profile) -> None:
        self.client.use_profile(profile)

    def reopen(self, *, vsync: bool, toggle_fullscreen: bool = False) -> None:
        """Without vsync (full screen stays as it is): the same size and place."""
        old = self.client.window
        if self.share or self.link:
            position = old.sdl_window.position if isinstance(old, TextureWindow) else None
            size: tuple[int, int] | None = old.size_px
            title = PREVIEW_TITLE if self.link else CLIENT_TITLE
        else:
            position, size, title = None, None, CLIENT_DISPLAY_TITLE
        if isinstance(old, TextureWindow):
            old.close()  # not the plain window: that would close the console as well
        self.client.use_window(open_live_window(
            size_px=size, display_index=old.display_index, vsync=vsync, title=title,
            position=position, resizable=self.share or self.link))

    def close(self) -> None:
        self.console.window.destroy()

    # -- what the console shows ---------------------------------------------------------------

    def _snapshot_before_start(self, profile: Profile) -> ConsoleSnapshot:
        return ConsoleSnapshot(profile=self.adapt(profile), profile_names=self.commands.names,
                               speed_hz=profile.motion.speed_hz, log_status=self.log_status)

    def _snapshot(self, frame: Frame, view: View) -> ConsoleSnapshot:
        loop = self.commands.loop
        assert loop is not None
        session = loop.session
        state = session.state(frame.t)
        if frame.lr_word is not None:
            hud: tuple[str, ...] = (
                "Left/right check: ask the client which ear hears the beeps",
                f"now beeping: {frame.lr_word}" if frame.lr_word else "...", "Esc quits")
        else:
            hud = frame.hud
        profile = self.commands.next_profile()
        assert profile is not None
        resting = state is State.IDLE and not frame.busy
        link = self.client_link
        return ConsoleSnapshot(
            profile=profile,
            profile_names=self.commands.names,
            speed_hz=session.speed_hz,
            hud=hud,
            state=state.value,
            set_number=session.set_number,
            rest_after_set=session.set_number if resting and session.set_number else None,
            ratings=self.commands.rating_list(),
            log_status=self.log_status,
            notice=self.commands.notice,
            link_url=link.url if link is not None else "",
            link_status=link.status() if link is not None else None,
        )
