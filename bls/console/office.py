"""The office layout's settings panel: S between sets opens it over the picture.

Rules: the office layout asks `handle` first for every event and `draw` before its own picture;
both do nothing until S is first pressed (the widget library is loaded then, so `bls run` starts
as fast as before). While the panel is open the picture is composed whole under it whenever the
panel changed (the target rests, so no frame is late for it); when it closes the picture is drawn
whole once more. The panel's commands go through the same `CommandApplier` as the console's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from bls.display.window import TextureWindow
from bls.live.client_view import ClientView

if TYPE_CHECKING:
    from bls.console.apply import CommandApplier
    from bls.console.overlay import SettingsOverlay
    from bls.live.engine import Frame, LiveLoop

OPEN_KEY = pygame.K_s


class OfficeSettings:
    """The overlay and its commands for one office window (`client`)."""

    def __init__(self, client: ClientView) -> None:
        self.client = client
        self.loop: LiveLoop | None = None
        self.overlay: SettingsOverlay | None = None
        self.commands: CommandApplier | None = None

    def connect(self, loop: LiveLoop) -> None:
        self.loop = loop

    @property
    def is_open(self) -> bool:
        return self.overlay is not None and self.overlay.is_open

    def handle(self, event: pygame.event.Event, busy: bool) -> bool | None:
        """True when the panel used the event up; None to leave it to the keys."""
        if self.is_open:
            assert self.overlay is not None and self.commands is not None
            used, commands = self.overlay.handle(event)
            for command in commands:
                self.commands.apply(command)
            if not self.overlay.is_open:
                self._closed()
            return True if used else None
        if event.type == pygame.KEYDOWN and event.key == OPEN_KEY and not busy \
                and self.loop is not None:
            self._open()
            return True
        return None

    def draw(self, frame: Frame, hud: tuple[str, ...], help_lines: tuple[str, ...]
             ) -> bool | None:
        """With the panel open: compose the picture and the panel if the panel changed, and
        say whether to present; None when the panel is closed (the layout draws as ever)."""
        if not self.is_open:
            return None
        assert self.overlay is not None
        if not self.overlay.render():
            return False
        client = self.client
        client.handle(pygame.event.Event(pygame.WINDOWEXPOSED))  # compose the whole picture
        client.draw(frame.position, frame.trail, hud, help_lines)
        window = client.window
        if isinstance(window, TextureWindow):
            from pygame._sdl2.video import Texture

            Texture.from_surface(window.renderer, self.overlay.surface).draw(
                dstrect=self.overlay.rect)
        else:
            window.surface.blit(self.overlay.surface, self.overlay.rect)
        return True

    def after_frame(self, frame: Frame) -> None:
        if self.commands is None:
            return
        self.commands.after_frame(frame.t)
        if self.overlay is not None and self.overlay.is_open:
            profile = self.commands.next_profile()
            if profile is not None:
                self.overlay.show(profile, self.commands.notice)

    def _open(self) -> None:
        from bls.console.apply import CommandApplier
        from bls.console.overlay import SettingsOverlay
        from bls.profiles import sample_names

        assert self.loop is not None
        if self.commands is None:
            self.commands = CommandApplier(lambda profile: profile)
            self.commands.connect(self.loop)
        profile = self.commands.next_profile()
        assert profile is not None
        if self.overlay is None or self.overlay.rect.size[0] > self.client.window.size_px[0]:
            self.overlay = SettingsOverlay(self.client.window.size_px, profile, sample_names())
        self.commands.notice = ""
        self.overlay.open(profile)

    def _closed(self) -> None:
        pygame.mouse.set_visible(not self.client.window.fullscreen)
        self.client.handle(pygame.event.Event(pygame.WINDOWEXPOSED))  # the panel's area anew
