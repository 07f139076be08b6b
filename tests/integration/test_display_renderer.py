"""The renderer and HUD on real pygame surfaces (SDL's dummy video driver: no window needed)."""

from __future__ import annotations

import numpy as np
import pygame
import pytest

from bls.core.profile import SHAPES
from bls.display.hud import Panel, hud_corner
from bls.display.renderer import TargetRenderer

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("dummy_video")]
SIZE = (640, 360)


def target_pixels(surface: pygame.Surface, background) -> np.ndarray:
    """Mask (H, W) of pixels that differ from the background."""
    rgb = pygame.surfarray.array3d(surface).swapaxes(0, 1).astype(int)
    return np.any(np.abs(rgb - np.array(background)) > 8, axis=2)


def centre_of(mask: np.ndarray) -> tuple[float, float]:
    ys, xs = np.nonzero(mask)
    return ((xs.min() + xs.max() + 1) / 2, (ys.min() + ys.max() + 1) / 2)


def test_the_target_is_drawn_where_to_pixels_says_and_stays_whole_at_the_ends(standard):
    surface = pygame.Surface(SIZE)
    renderer = TargetRenderer(standard.target, 1.0, SIZE)
    renderer.draw_full(surface)
    for position in [(-1.0, 0.0), (0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (-1.0, -1.0), (0.3, -0.2)]:
        renderer.draw_frame(surface, position)
        mask = target_pixels(surface, standard.target.background)
        x, y = centre_of(mask)
        want_x, want_y = renderer.to_pixels(position)
        assert abs(x - want_x) <= 1.0 and abs(y - want_y) <= 1.0
        ys, xs = np.nonzero(mask)
        assert xs.min() > 0 and ys.min() > 0 and xs.max() < SIZE[0] - 1 and ys.max() < SIZE[1] - 1


def test_each_frame_erases_the_old_target_and_updates_only_small_rects(standard):
    surface = pygame.Surface(SIZE)
    renderer = TargetRenderer(standard.target, standard.motion.amplitude, SIZE)
    renderer.draw_full(surface)
    renderer.draw_frame(surface, (-0.8, 0.0))
    rects = renderer.draw_frame(surface, (0.8, 0.0))
    mask = target_pixels(surface, standard.target.background)
    x, _ = centre_of(mask)
    assert abs(x - renderer.to_pixels((0.8, 0.0))[0]) <= 1.0  # only one target on screen
    area = sum(r.width * r.height for r in rects)
    assert area < 0.05 * SIZE[0] * SIZE[1]
    old, new = renderer.target_rect((-0.8, 0.0)), renderer.target_rect((0.8, 0.0))
    assert any(r.contains(old) for r in rects) and any(r.contains(new) for r in rects)


def test_the_edge_is_anti_aliased_and_quarter_pixel_moves_change_the_picture(standard):
    surface = pygame.Surface(SIZE)
    renderer = TargetRenderer(standard.target, standard.motion.amplitude, SIZE)
    renderer.draw_full(surface)
    renderer.draw_frame(surface, (0.0, 0.0))
    first = pygame.surfarray.array3d(surface).copy()
    blue = first[..., 2]
    background_blue, target_blue = standard.target.background[2], standard.target.color[2]
    partial = np.logical_and(blue > background_blue + 10, blue < target_blue - 10)
    assert partial.sum() > 10  # edge pixels between background and target colour
    step = 0.25 / renderer.to_pixels((1.0, 0.0))[0] * 2  # about a quarter pixel, normalised
    renderer.draw_frame(surface, (step, 0.0))
    assert not np.array_equal(first, pygame.surfarray.array3d(surface))


@pytest.mark.parametrize("shape", [s for s in SHAPES if s != "image"])
def test_every_shape_draws(standard, shape):
    from dataclasses import replace

    target = replace(standard.target, shape=shape)
    surface = pygame.Surface(SIZE)
    renderer = TargetRenderer(target, 0.9, SIZE)
    renderer.draw_full(surface)
    assert target_pixels(surface, target.background).sum() > 50


def test_a_missing_image_falls_back_to_a_circle_with_one_line(standard):
    from dataclasses import replace

    target = replace(standard.target, shape="image", image="/nonexistent/target.png")
    renderer = TargetRenderer(target, 0.9, SIZE)
    assert renderer.problem is not None and "circle" in renderer.problem
    surface = pygame.Surface(SIZE)
    renderer.draw_full(surface)
    assert target_pixels(surface, target.background).sum() > 50


def test_the_trail_fades_behind_the_target(standard):
    surface = pygame.Surface(SIZE)
    renderer = TargetRenderer(standard.target, 0.9, SIZE)
    renderer.draw_full(surface)
    trail = [(-0.5, 0.0), (-0.4, 0.0), (-0.3, 0.0)]
    rects = renderer.draw_frame(surface, (-0.2, 0.0), trail)
    oldest = renderer.to_pixels(trail[0])
    newest = renderer.to_pixels((-0.2, 0.0))
    colour_old = surface.get_at((round(oldest[0]), round(oldest[1])))
    colour_new = surface.get_at((round(newest[0]), round(newest[1])))
    assert colour_old.b < colour_new.b
    assert any(r.collidepoint(oldest) for r in rects)


def test_the_hud_sits_in_a_corner_off_the_path_and_redraws_only_on_change(standard):
    surface = pygame.Surface(SIZE)
    renderer = TargetRenderer(standard.target, standard.motion.amplitude, SIZE)
    renderer.draw_full(surface)
    hud = Panel(SIZE, hud_corner("horizontal"), standard.target.background)
    rects = hud.draw(surface, ["Standard  1.00 Hz", "set 1  pass 3/24"])
    assert rects and hud.rect.topleft == (0, 0)
    path = renderer.target_rect((-1.0, 0.0)).union(renderer.target_rect((1.0, 0.0)))
    assert not hud.rect.colliderect(path)
    assert hud.draw(surface, ["Standard  1.00 Hz", "set 1  pass 3/24"]) == []
    assert hud.draw(surface, []) != [] and hud.rect.width == 0


def test_diagonal_paths_keep_the_hud_out_of_their_corners():
    assert hud_corner("diagonal-up") == "top-left"  # runs bottom-left to top-right
    assert hud_corner("diagonal-down") == "top-right"  # runs top-left to bottom-right
