"""Draw the target on a pygame Surface: anti-aliased, sub-pixel placed, touching only what moved.

Rules: a frame costs two small blits (erase the old target, draw the new one), never a full-screen
redraw; `draw_frame` returns the rectangles to pass to `pygame.display.update`. Shapes are drawn
from a signed distance (exact anti-aliasing) into sprites made once, one per quarter-pixel offset
on each axis, so motion is smooth without resampling at frame time. `placements` says which
sprite goes where, for presenting the same sprites as textures (`bls.display.textures`). No clock:
callers pass the position for the frame's flip time.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import NamedTuple

import numpy as np
import pygame

from bls.core.profile import Target
from bls.core.timeline import CENTRE, Point

SUBPIXEL_STEPS = 4  # sprite variants per pixel on each axis (quarter-pixel positioning)
TRAIL_PEAK_ALPHA = 0.55  # opacity of the newest trail copy; older ones fade towards 0
MIN_RADIUS_PX = 2.0


class Placement(NamedTuple):
    """One sprite on screen: its sub-pixel variant, its top-left pixel and its opacity."""

    sprite: tuple[int, int]
    left: int
    top: int
    alpha: int  # 0..255; 255 for the target, less for trail copies


def _coverage(shape: str, radius: float, side: int, centre_x: float, centre_y: float) -> np.ndarray:
    """Per-pixel coverage 0..1 of `shape` centred at (centre_x, centre_y), as a (side, side) array.

    Coverage is 0.5 - signed distance (clipped): an exact one-pixel anti-aliased edge.
    """
    centres = np.arange(side, dtype=np.float64) + 0.5
    dx = centres[:, None] - centre_x  # axis 0 is x, as in pygame.surfarray
    dy = centres[None, :] - centre_y
    if shape == "square":
        half_side = radius * 0.886  # same area as the circle of this radius
        distance = np.maximum(np.abs(dx), np.abs(dy)) - half_side
    elif shape == "diamond":
        distance = (np.abs(dx) + np.abs(dy) - radius * 1.12) / math.sqrt(2.0)
    elif shape == "ring":
        length = np.hypot(dx, dy)
        distance = np.maximum(length - radius, radius * 0.62 - length)
    else:  # circle
        distance = np.hypot(dx, dy) - radius
    return np.clip(0.5 - distance, 0.0, 1.0)


class TargetRenderer:
    """The target of one profile on a surface of one size. Make a new one on resize."""

    def __init__(self, target: Target, amplitude: float, size_px: tuple[int, int]) -> None:
        self.target = target
        self.amplitude = amplitude
        self.size_px = (int(size_px[0]), int(size_px[1]))
        self.background = pygame.Color(*target.background)
        self.radius_px = max(MIN_RADIUS_PX, target.size * self.size_px[1] / 2.0)
        self.problem: str | None = None  # one line when the target had to be simplified
        self._half = math.ceil(self.radius_px) + 2
        self._side = 2 * self._half + 1
        self._sprites = self._make_sprites()
        self._drawn: list[pygame.Rect] = []
        self._last: tuple[Point, tuple[Point, ...]] = (CENTRE, ())

    # -- geometry ---------------------------------------------------------------------------

    def to_pixels(self, position: Point) -> tuple[float, float]:
        """Normalised [-1, 1]² (y up) to the pixel centre, amplitude applied; keeps it on screen."""
        width, height = self.size_px
        reach_x = max(0.0, width / 2.0 - self.radius_px - 1.0) * self.amplitude
        reach_y = max(0.0, height / 2.0 - self.radius_px - 1.0) * self.amplitude
        return (width / 2.0 + position[0] * reach_x, height / 2.0 - position[1] * reach_y)

    def target_rect(self, position: Point) -> pygame.Rect:
        """The pixels the target may touch at `position` (its sprite box)."""
        x, y = self.to_pixels(position)
        left, top, _, _ = self._place(x, y)
        return pygame.Rect(left, top, self._side, self._side)

    def _place(self, x: float, y: float) -> tuple[int, int, int, int]:
        """Sprite top-left and sub-pixel variant for a target centred at pixel coordinate (x, y)."""
        steps = self._steps
        ix, iy = math.floor(x), math.floor(y)
        qx, qy = round((x - ix) * steps), round((y - iy) * steps)
        if qx == steps:
            ix, qx = ix + 1, 0
        if qy == steps:
            iy, qy = iy + 1, 0
        return ix - self._half, iy - self._half, qx, qy

    # -- sprites ----------------------------------------------------------------------------

    def _make_sprites(self) -> dict[tuple[int, int], pygame.Surface]:
        if self.target.shape == "image":
            image = self._load_image()
            if image is not None:
                self._steps = 1
                return {(0, 0): image}
        self._steps = SUBPIXEL_STEPS
        shape = "circle" if self.target.shape == "image" else self.target.shape
        sprites = {}
        for qx in range(SUBPIXEL_STEPS):
            for qy in range(SUBPIXEL_STEPS):
                coverage = _coverage(shape, self.radius_px, self._side,
                                     self._half + qx / SUBPIXEL_STEPS,
                                     self._half + qy / SUBPIXEL_STEPS)
                sprite = pygame.Surface((self._side, self._side), pygame.SRCALPHA, 32)
                sprite.fill((*self.target.color, 0))
                alpha = pygame.surfarray.pixels_alpha(sprite)
                alpha[:] = np.rint(coverage * 255.0).astype(np.uint8)
                del alpha  # release the surface lock
                sprites[(qx, qy)] = sprite
        return sprites

    def _load_image(self) -> pygame.Surface | None:
        path = self.target.image
        try:
            image = pygame.image.load(path) if path else None
        except (pygame.error, OSError, FileNotFoundError) as error:
            self.problem = f"target image {path}: {error}; showing a circle instead"
            return None
        if image is None:
            return None
        image = image.convert_alpha() if pygame.display.get_surface() else image
        diameter = 2.0 * self.radius_px
        scale = diameter / max(image.get_width(), image.get_height())
        scaled = pygame.transform.smoothscale(
            image, (max(1, round(image.get_width() * scale)),
                    max(1, round(image.get_height() * scale))))
        sprite = pygame.Surface((self._side, self._side), pygame.SRCALPHA, 32)
        sprite.blit(scaled, scaled.get_rect(center=(self._half + 0.5, self._half + 0.5)))
        return sprite

    def prepare(self, surface: pygame.Surface) -> None:
        """Convert the sprites to the surface's pixel format (faster blits on the display)."""
        if surface is pygame.display.get_surface():
            self._sprites = {key: sprite.convert_alpha() for key, sprite in self._sprites.items()}

    # -- drawing ----------------------------------------------------------------------------

    @property
    def sprites(self) -> Mapping[tuple[int, int], pygame.Surface]:
        """The sprites by sub-pixel variant (qx, qy), to upload as textures once."""
        return self._sprites

    def placements(self, position: Point, trail: Sequence[Point] = ()) -> list[Placement]:
        """What a frame shows, in drawing order: the trail (oldest, faintest first), then the
        target. The same list for every way of presenting, so they show the same picture."""
        count = len(trail)
        placed = []
        for index, point in enumerate(trail):
            alpha = round(255 * TRAIL_PEAK_ALPHA * (index + 1) / (count + 1))
            placed.append(self._placement(point, alpha))
        placed.append(self._placement(position, 255))
        return placed

    def _placement(self, position: Point, alpha: int) -> Placement:
        left, top, qx, qy = self._place(*self.to_pixels(position))
        return Placement((qx, qy), left, top, alpha)

    def _blit(self, surface: pygame.Surface, placed: Placement) -> pygame.Rect:
        sprite = self._sprites[placed.sprite]
        if placed.alpha != 255:
            sprite.set_alpha(placed.alpha)
            surface.blit(sprite, (placed.left, placed.top))
            sprite.set_alpha(255)
        else:
            surface.blit(sprite, (placed.left, placed.top))
        return pygame.Rect(placed.left, placed.top, self._side, self._side)

    def _draw(self, surface: pygame.Surface, position: Point,
              trail: Sequence[Point]) -> pygame.Rect:
        """Draw the trail (oldest first) and the target; return the area they cover."""
        covered = self.target_rect(position)
        for placed in self.placements(position, trail):
            covered.union_ip(self._blit(surface, placed))
        return covered.clip(surface.get_rect())

    def moved(self, position: Point, trail: Sequence[Point] = ()) -> bool:
        """Whether drawing at `position` would change the picture since the last frame."""
        return not self._drawn or self._last != (position, tuple(trail))

    def draw_frame(self, surface: pygame.Surface, position: Point,
                   trail: Sequence[Point] = ()) -> list[pygame.Rect]:
        """Erase the previous target, draw the new one; return the rects to update (old + new)."""
        for rect in self._drawn:
            surface.fill(self.background, rect)
        covered = self._draw(surface, position, trail)
        dirty = _merge([*self._drawn, covered])
        self._drawn = [covered]
        self._last = (position, tuple(trail))
        return dirty

    def draw_full(self, surface: pygame.Surface) -> None:
        """Background everywhere and the target where it was last drawn (centre at first)."""
        surface.fill(self.background)
        position, trail = self._last
        self._drawn = [self._draw(surface, position, trail)]


def _merge(rects: list[pygame.Rect]) -> list[pygame.Rect]:
    """Overlapping rects as one (fewer, larger updates are cheaper than many overlapping ones)."""
    merged: list[pygame.Rect] = []
    for rect in rects:
        if rect.width <= 0 or rect.height <= 0:
            continue
        for index, other in enumerate(merged):
            if other.colliderect(rect):
                merged[index] = other.union(rect)
                break
        else:
            merged.append(rect)
    return merged
