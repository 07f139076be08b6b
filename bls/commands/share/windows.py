"""Share mode's two windows: the client view and the therapist's controls, as a live layout.

Rules: the client view only ever holds the background colour and the target (with its trail): no
text, no cursor, no controls, so sharing that one window shows nothing else. It is drawn and
presented exactly as `bls run`'s window (SDL's renderer with vsync, or the plain window timed by
the clock), through the live loop's pacer. Everything a therapist reads or clicks is in the
control window, which is never meant to be shared and is redrawn only when its text changes.
"""

from __future__ import annotations

from collections.abc import Sequence

import pygame

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
from bls.core.profile import Profile
from bls.core.session import SPEED_STEP_HZ
from bls.display.fonts import ui_font
from bls.display.window import TextureWindow, Window, open_live_window, start_display
from bls.live.client_view import ClientView
from bls.live.controls import KEY_HELP, Action, Kind, View, action_for
from bls.live.engine import Frame
from bls.options import RunOptions
from bls.profiles import Library

CLIENT_TITLE = "bls client view - share this window"
CONTROL_TITLE = "bls controls - do not share"

# The control window's buttons as the live session's actions.
BUTTON_ACTIONS: dict[str, Action] = {
    "toggle": Action(Kind.TOGGLE),
    "faster": Action(Kind.SPEED, +SPEED_STEP_HZ),
    "slower": Action(Kind.SPEED, -SPEED_STEP_HZ),
    "lr_check": Action(Kind.LR_CHECK),
    "quit": Action(Kind.QUIT),
}
# Keys that mean something only with one full-screen window; in share mode they do nothing.
IGNORED_KINDS = (Kind.HUD, Kind.FULLSCREEN)
SHARE_HINTS = ("Keys work in either window. ? shows them all.",)


class ShareLayout:
    """The client view (timed, target only) and the control window (HUD and buttons)."""

    cap_note = f" (share mode: at most {SHARE_MAX_SPEED_HZ:g} Hz)"

    def __init__(self, client: Window | TextureWindow, control: ControlView, profile: Profile,
                 profile_names: Sequence[str]) -> None:
        self.client = ClientView(client, profile)
        self.control = control
        self.names = list(profile_names)
        self._hovered: str | None = None

    @classmethod
    def open(cls, options: RunOptions, profile: Profile) -> ShareLayout:
        start_display(options.display)
        pygame.font.init()
        sizes = pygame.display.get_desktop_sizes()
        screen = sizes[options.display] if options.display < len(sizes) else None
        client_size = options.window or CLIENT_SIZE_PX
        client_pos = client_window_position(client_size, screen)
        client = open_live_window(size_px=client_size, display_index=options.display,
                                  title=CLIENT_TITLE, position=client_pos, resizable=True)
        control = ControlView(CONTROL_SIZE_PX, control_window_position(
            client_pos, client_size, CONTROL_SIZE_PX, screen))
        return cls(client, control, for_sharing(profile), Library.discover().names())

    # -- the live loop's questions -----------------------------------------------------------

    def describe(self) -> str:
        width, height = self.client.window.size_px
        return (f"client window {width}x{height} ('{CLIENT_TITLE}'), controls in "
                f"'{CONTROL_TITLE}'; share only the client window; at "
                f"{self.client.window.refresh_hz:.0f} Hz")

    def adapt(self, profile: Profile) -> Profile:
        return for_sharing(profile)

    def handle(self, event: pygame.event.Event, view: View, busy: bool) -> Action | bool | None:
        window = getattr(event, "window", None)
        on_control = window is self.control.window
        kind = event.type
        if kind in (pygame.QUIT, pygame.WINDOWCLOSE):
            return Action(Kind.QUIT)
        if kind in (pygame.KEYDOWN, pygame.MOUSEWHEEL):
            action = action_for(event)
            return True if action is not None and action.kind in IGNORED_KINDS else None
        if kind == pygame.MOUSEBUTTONDOWN:
            if event.button == 1 and on_control:
                over = button_at(self._buttons(busy), event.pos)
                if over is not None:
                    return self._button_action(over.action)
            return True  # clicks are the buttons' job here, never start/stop on the client view
        if kind == pygame.MOUSEMOTION:
            # The shared window never shows the pointer; the control window always does.
            # (Motion as well as WINDOWENTER: a window that opens under the pointer gets no
            # enter event.)
            self._pointer_over(window)
            if on_control:
                over = button_at(self._buttons(busy), event.pos)
                self._hovered = over.action if over is not None else None
        elif kind == pygame.WINDOWENTER:
            self._pointer_over(window)
        elif kind == pygame.WINDOWLEAVE:
            pygame.mouse.set_visible(True)
            if on_control:
                self._hovered = None
        elif kind == pygame.WINDOWSIZECHANGED and not on_control:
            self.client.resized()
        elif not on_control:
            self.client.handle(event)
        return None

    def draw(self, frame: Frame, view: View) -> bool:
        return self.client.draw(frame.position, frame.trail)

    def after_frame(self, frame: Frame, view: View) -> None:
        if view.help:
            lines = [f"{keys}: {what}" for keys, what in KEY_HELP]
        elif frame.lr_word is not None:
            word = frame.lr_word
            lines = ["Left/right check: ask the client which ear hears the beeps",
                     f"now beeping: {word}" if word else "...", "Esc quits"]
        else:
            width, height = self.client.window.size_px
            lines = [*frame.hud,
                     f"Share only the window '{CLIENT_TITLE}' ({width}x{height}).",
                     *SHARE_HINTS]
        self.control.show(lines, self._buttons(frame.busy), self._hovered)

    def use_profile(self, profile: Profile) -> None:
        self.client.use_profile(profile)

    def reopen(self, *, vsync: bool, toggle_fullscreen: bool = False) -> None:
        """Without vsync (full screen does not apply here): the same size and place."""
        old = self.client.window
        position = old.sdl_window.position if isinstance(old, TextureWindow) else None
        if isinstance(old, TextureWindow):
            old.close()  # not the plain window: that would close the control window as well
        self.client.use_window(open_live_window(
            size_px=old.size_px, display_index=old.display_index, vsync=vsync,
            title=CLIENT_TITLE, position=position, resizable=True))

    def close(self) -> None:
        self.control.window.destroy()

    # -- inside -----------------------------------------------------------------------------

    def _buttons(self, busy: bool) -> tuple[Button, ...]:
        return control_buttons(self.control.size, self.names, busy)

    def _button_action(self, name: str) -> Action:
        if name.startswith("profile:"):
            return Action(Kind.PROFILE, int(name.split(":", 1)[1]))
        return BUTTON_ACTIONS[name]

    def _pointer_over(self, window: object) -> None:
        visible = window is self.control.window
        if pygame.mouse.get_visible() != visible:
            pygame.mouse.set_visible(visible)


class ControlView:
    """The therapist's window: HUD lines on top, buttons below."""

    def __init__(self, size: tuple[int, int], position: tuple[int, int] | None) -> None:
        where = position if position is not None else pygame.WINDOWPOS_UNDEFINED
        self.window = pygame.Window(CONTROL_TITLE, size, position=where)
        height = size[1]
        self.font = ui_font(max(15, height // 24))
        self.small = ui_font(max(12, height // 31))
        self._last: tuple[tuple[str, ...], tuple[Button, ...], str | None] | None = None

    @property
    def id(self) -> int:
        return self.window.id

    @property
    def size(self) -> tuple[int, int]:
        return self.window.size

    def show(self, lines: Sequence[str], buttons: Sequence[Button],
             hovered: str | None = None) -> None:
        """Redraw only when something changed (the control window is not timing-critical)."""
        state = (tuple(lines), tuple(buttons), hovered)
        if state == self._last:
            return
        self._last = state
        surface = self.window.get_surface()
        surface.fill((28, 30, 34))
        y = 14
        width = surface.get_width() - 32
        for index, line in enumerate(lines):
            font = self.font if index == 0 else self.small
            colour = (235, 235, 235) if index == 0 else (190, 196, 204)
            for piece in _wrap(font, line, width):
                image = font.render(piece, True, colour)
                surface.blit(image, (16, y))
                y += round(image.get_height() * 1.35)
        for button in buttons:
            rect = pygame.Rect(button.rect)
            fill = (70, 92, 120) if button.action == hovered else (52, 58, 68)
            pygame.draw.rect(surface, fill, rect, border_radius=6)
            pygame.draw.rect(surface, (96, 106, 120), rect, width=1, border_radius=6)
            label = self.small.render(button.label, True, (240, 240, 240))
            surface.blit(label, label.get_rect(center=rect.center))
        self.window.flip()


def _wrap(font: pygame.font.Font, line: str, width_px: int) -> list[str]:
    """The line broken at spaces into pieces no wider than `width_px` (a long word stays whole)."""
    pieces: list[str] = []
    current = ""
    for word in line.split(" "):
        candidate = f"{current} {word}" if current else word
        if current and font.size(candidate)[0] > width_px:
            pieces.append(current)
            current = word
        else:
            current = candidate
    pieces.append(current)
    return pieces
