"""What `bls run` shows in its window each frame: the target (with its trail) and the two panels.

Rules: `draw` composes a frame and says whether it differs from what is on screen (at rest it
does not, and nothing is presented); `present` shows it. On a plain window surface
(`SurfacePicture`) only the changed rectangles are drawn and updated; a panel is redrawn when the
target's rectangles touch it, so the target never leaves a hole in the text. Through SDL's
renderer, see `bls.display.textures`. Both draw the same sprites at the same places.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import pygame

from bls.core.profile import Target
from bls.core.timeline import Point
from bls.display.hud import HELP_ANCHOR, Panel
from bls.display.renderer import TargetRenderer
from bls.display.window import TextureWindow, Window


class Picture(Protocol):
    target: TargetRenderer

    def draw(self, position: Point, trail: Sequence[Point], hud_lines: Sequence[str],
             help_lines: Sequence[str], *, full: bool = False) -> bool: ...

    def present(self) -> None: ...


class SurfacePicture:
    """The plain window surface: erase and redraw what moved, update only those rectangles."""

    def __init__(self, window: Window, target: Target, amplitude: float, hud_anchor: str) -> None:
        self.surface = window.surface
        self.target = TargetRenderer(target, amplitude, window.size_px)
        self.target.prepare(self.surface)
        self.hud = Panel(window.size_px, hud_anchor, target.background)
        self.help = Panel(window.size_px, HELP_ANCHOR, target.background)
        self._rects: list[pygame.Rect] = []

    def draw(self, position: Point, trail: Sequence[Point], hud_lines: Sequence[str],
             help_lines: Sequence[str], *, full: bool = False) -> bool:
        """Draw what changed (everything when `full`); True if there is anything to present."""
        surface = self.surface
        if full:
            self.target.draw_full(surface)
            self.target.draw_frame(surface, position, trail)
            rects = [surface.get_rect()]
        elif self.target.moved(position, trail):
            rects = self.target.draw_frame(surface, position, trail)
        else:
            rects = []
        rects += self.hud.draw(surface, hud_lines, force=full or self.hud.touches(rects))
        rects += self.help.draw(surface, help_lines, force=full or self.help.touches(rects))
        self._rects = rects
        return bool(rects)

    def present(self) -> None:
        pygame.display.update(self._rects)


def make_picture(window: Window | TextureWindow, target: Target, amplitude: float,
                 hud_anchor: str) -> Picture:
    """The picture for this kind of window."""
    if isinstance(window, TextureWindow):
        from bls.display.textures import TexturePicture

        return TexturePicture(window, target, amplitude, hud_anchor)
    return SurfacePicture(window, target, amplitude, hud_anchor)
