"""The client's picture in every layout: one timed window and the picture drawn in it.

Rules: the window is opened by `open_live_window` (SDL's renderer with vsync, or the plain window
timed by the clock), so every layout draws and presents the client's target the same way. A new
profile, a lost renderer or a new window makes a new picture, drawn whole at the next frame.
"""

from __future__ import annotations

from collections.abc import Sequence

import pygame

from bls.core.profile import Profile
from bls.core.timeline import Point
from bls.display.hud import hud_corner
from bls.display.picture import Picture, make_picture
from bls.display.window import TextureWindow, Window
from bls.live.words import say


class ClientView:
    """The target (and, where the layout wants it, the therapist's text) in the timed window."""

    def __init__(self, window: Window | TextureWindow, profile: Profile) -> None:
        self.window = window
        self.profile = profile
        self.picture: Picture = self._make_picture()
        self._full = True
        if window.note:
            say(window.note)

    def _make_picture(self) -> Picture:
        profile = self.profile
        picture = make_picture(self.window, profile.target, profile.motion.amplitude,
                               hud_corner(profile.motion.path))
        if picture.target.problem:
            say(picture.target.problem)
        self._full = True
        return picture

    def use_profile(self, profile: Profile) -> None:
        self.profile = profile
        self.picture = self._make_picture()

    def use_window(self, window: Window | TextureWindow) -> None:
        """A new window (reopened, or resized: the same window with a new size)."""
        self.window = window
        self.picture = self._make_picture()

    def resized(self) -> None:
        window = self.window
        if isinstance(window, TextureWindow):
            window.size_px = window.renderer.get_viewport().size
        else:
            window.surface = pygame.display.get_surface()
            window.size_px = window.surface.get_size()
        self.picture = self._make_picture()

    def handle(self, event: pygame.event.Event) -> None:
        """Events that ask for the picture again: uncovered, or the renderer lost its
        textures."""
        if event.type in (pygame.WINDOWEXPOSED, pygame.VIDEOEXPOSE):
            self._full = True
        elif event.type == pygame.RENDER_DEVICE_RESET:
            self.picture = self._make_picture()

    def draw(self, position: Point, trail: Sequence[Point], hud_lines: Sequence[str] = (),
             help_lines: Sequence[str] = ()) -> bool:
        """Draw the frame; True if there is anything to present."""
        changed = self.picture.draw(position, trail, hud_lines, help_lines, full=self._full)
        self._full = False
        return changed
