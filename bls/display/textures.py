"""Present with SDL's renderer: the target's sprites and the panels as textures, with vsync.

Rules: a sprite is uploaded once (one texture per sub-pixel variant); a trail copy is a sprite
texture drawn with less alpha; a panel's text is uploaded only when it changed. A frame clears
to the background and draws a handful of textures, so the GPU (or SDL's software fallback)
composes it and nothing is redrawn pixel by pixel in Python. The back buffer is not kept between
presents, so every present draws the whole picture; at rest nothing is drawn or presented.
"""

from __future__ import annotations

from collections.abc import Sequence

import pygame
from pygame._sdl2.video import Renderer, Texture

from bls.core.profile import Target
from bls.core.timeline import Point
from bls.display.hud import HELP_ANCHOR, Panel
from bls.display.renderer import TargetRenderer
from bls.display.window import TextureWindow

BLENDMODE_BLEND = 1  # SDL_BLENDMODE_BLEND: the sprites' anti-aliased edges over the background


class TexturePanel:
    """A text panel as one texture, re-uploaded only when its text changes."""

    def __init__(self, panel: Panel, renderer: Renderer) -> None:
        self.panel = panel
        self.renderer = renderer
        self.texture: Texture | None = None
        self.rect = pygame.Rect(0, 0, 0, 0)

    def set_text(self, lines: Sequence[str]) -> bool:
        """Take the text; upload it if it changed. Returns whether it changed."""
        if not self.panel.set_text(lines):
            return False
        image = self.panel.image
        self.texture = None if image is None else Texture.from_surface(self.renderer, image)
        self.rect = self.panel.image_rect()
        return True

    def draw(self) -> None:
        if self.texture is not None:
            self.texture.draw(dstrect=self.rect)


class TexturePicture:
    """The target, its trail and the panels, composed by SDL's renderer at every present."""

    def __init__(self, window: TextureWindow, target: Target, amplitude: float,
                 hud_anchor: str) -> None:
        self.window = window
        self.renderer = window.renderer
        self.target = TargetRenderer(target, amplitude, window.size_px)
        self.background = (*target.background, 255)
        self._sprites: dict[tuple[int, int], Texture] = {}
        for key, sprite in self.target.sprites.items():
            texture = Texture.from_surface(self.renderer, sprite)
            texture.blend_mode = BLENDMODE_BLEND
            self._sprites[key] = texture
        self.hud = TexturePanel(Panel(window.size_px, hud_anchor, target.background),
                                self.renderer)
        self.help = TexturePanel(Panel(window.size_px, HELP_ANCHOR, target.background),
                                 self.renderer)
        self._shown: tuple[Point, tuple[Point, ...]] | None = None

    def draw(self, position: Point, trail: Sequence[Point], hud_lines: Sequence[str],
             help_lines: Sequence[str], *, full: bool = False) -> bool:
        """Compose the whole frame if anything changed (or `full`); True if there is anything
        to present."""
        shown = (position, tuple(trail))
        text_changed = self.hud.set_text(hud_lines) | self.help.set_text(help_lines)
        if not (full or text_changed or shown != self._shown):
            return False
        self._shown = shown
        renderer = self.renderer
        renderer.draw_color = self.background
        renderer.clear()
        for placed in self.target.placements(position, trail):
            texture = self._sprites[placed.sprite]
            texture.alpha = placed.alpha  # read when the copy is queued, so reset is safe
            texture.draw(dstrect=(placed.left, placed.top))
            texture.alpha = 255
        # Panels on top, as on the surface path: the target never covers the text.
        self.hud.draw()
        self.help.draw()
        return True

    def present(self) -> None:
        self.window.present()
