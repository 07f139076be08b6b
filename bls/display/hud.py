"""Small text panels for the therapist: the HUD in a corner the target never crosses, and the keys.

Rules: a panel re-renders its text only when the text changed; `draw` returns the rectangles to
update (its old and new area), and `image` is what the texture path uploads. The caller redraws a
panel whenever the target's rectangles touch it, so the target never leaves a hole in the text.
"""

from __future__ import annotations

from collections.abc import Sequence

import pygame

from bls.core.colors import RGB, relative_luminance
from bls.display.fonts import ui_font

# Corners off each path's route: diagonal-up runs bottom-left to top-right, diagonal-down
# top-left to bottom-right; every other path leaves all four corners free.
_HUD_CORNER = {"diagonal-down": "top-right"}
PADDING_PX = 8
HELP_ANCHOR = "bottom-centre"  # the keys overlay, on every kind of picture


def hud_corner(path: str) -> str:
    return _HUD_CORNER.get(path, "top-left")


def text_color(background: RGB) -> RGB:
    """Quiet grey that reads on the background without drawing the client's eye."""
    return (150, 160, 170) if relative_luminance(background) < 0.4 else (70, 70, 70)


class Panel:
    """Lines of text anchored to a corner (or the bottom centre) of a surface."""

    def __init__(self, size_px: tuple[int, int], anchor: str, background: RGB,
                 font_px: int | None = None) -> None:
        if not pygame.font.get_init():
            pygame.font.init()
        height = size_px[1]
        self.size_px = size_px
        self.anchor = anchor
        self.background = pygame.Color(*background)
        self.color = pygame.Color(*text_color(background))
        self.font = ui_font(font_px or max(11, height // 68))
        self.rect = pygame.Rect(0, 0, 0, 0)  # where the panel is drawn now (empty: nothing)
        self._lines: tuple[str, ...] = ()
        self._image: pygame.Surface | None = None

    def _render(self, lines: Sequence[str]) -> pygame.Surface:
        rendered = [self.font.render(line, True, self.color, self.background) for line in lines]
        width = max((r.get_width() for r in rendered), default=0) + 2 * PADDING_PX
        step = self.font.get_linesize()
        image = pygame.Surface((width, step * len(rendered) + 2 * PADDING_PX))
        image.fill(self.background)
        for index, line in enumerate(rendered):
            image.blit(line, (PADDING_PX, PADDING_PX + index * step))
        return image

    def _place(self, image: pygame.Surface) -> pygame.Rect:
        rect = image.get_rect()
        width, height = self.size_px
        if self.anchor == "top-left":
            rect.topleft = (0, 0)
        elif self.anchor == "top-right":
            rect.topright = (width, 0)
        elif self.anchor == "bottom-left":
            rect.bottomleft = (0, height)
        elif self.anchor == "bottom-right":
            rect.bottomright = (width, height)
        else:  # bottom-centre
            rect.midbottom = (width // 2, height - PADDING_PX)
        return rect

    def set_text(self, lines: Sequence[str]) -> bool:
        """Take `lines` as the text (empty: hide); render it only if it changed. Returns whether
        it changed. `image` and `image_rect` then say what to show and where."""
        lines = tuple(lines)
        if lines == self._lines:
            return False
        self._image = self._render(lines) if lines else None
        self._lines = lines
        return True

    @property
    def image(self) -> pygame.Surface | None:
        """The rendered text (opaque, on the background colour), or None when hidden."""
        return self._image

    def image_rect(self) -> pygame.Rect:
        """Where `image` goes on the surface (empty when hidden)."""
        return self._place(self._image) if self._image is not None else pygame.Rect(0, 0, 0, 0)

    def draw(self, surface: pygame.Surface, lines: Sequence[str],
             force: bool = False) -> list[pygame.Rect]:
        """Show `lines` (empty: hide). Returns the rects to update; [] if nothing changed."""
        old = self.rect.copy()
        if not self.set_text(lines) and not force:
            return []
        if old.width:
            surface.fill(self.background, old)
        if self._image is None:
            self.rect = pygame.Rect(0, 0, 0, 0)
            return [old] if old.width else []
        self.rect = self._place(self._image)
        surface.blit(self._image, self.rect)
        return [old.union(self.rect)] if old.width else [self.rect.copy()]

    def touches(self, rects: Sequence[pygame.Rect]) -> bool:
        return bool(self.rect.width) and self.rect.collidelist(list(rects)) >= 0
