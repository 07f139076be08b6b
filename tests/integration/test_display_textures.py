"""The vsync path: SDL's renderer with textures shows what the plain surface path shows.

Real pygame-ce windows and renderers under SDL's dummy video driver (its software renderer); the
picture is read back from the renderer before it is presented.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pygame
import pytest

from bls.display.picture import SurfacePicture, make_picture
from bls.display.textures import TexturePicture
from bls.display.window import (
    DisplayError,
    TextureWindow,
    Window,
    open_live_window,
    open_texture_window,
)

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("dummy_video")]
SIZE = (640, 360)
HUD = ["Standard  1.00 Hz  120 passes/min", "set 1  pass 3/24  0:02  running"]


@pytest.fixture
def texture_window():
    window = open_texture_window(size_px=SIZE)
    yield window
    window.close()


def rgb_of(surface: pygame.Surface) -> np.ndarray:
    """(H, W, 3) ints."""
    return pygame.surfarray.array3d(surface).swapaxes(0, 1).astype(int)


def on_screen(window: TextureWindow) -> np.ndarray:
    return rgb_of(window.renderer.to_surface())


def surface_path_picture(standard, position, trail=(), hud=(), target=None) -> np.ndarray:
    """What the plain window path draws for the same frame, on an off-screen surface."""
    surface = pygame.Surface(SIZE)
    window = Window(surface=surface, size_px=SIZE, fullscreen=False, display_index=0,
                    vsync=False, refresh_hz=60.0)
    picture = SurfacePicture(window, target or standard.target, standard.motion.amplitude,
                             "top-left")
    picture.draw(position, trail, hud, (), full=True)
    return rgb_of(surface)


def target_mask(image: np.ndarray, background) -> np.ndarray:
    return np.any(np.abs(image - np.array(background)) > 8, axis=2)


def test_the_textures_show_the_same_picture_as_the_surface_path(standard, texture_window):
    picture = TexturePicture(texture_window, standard.target, standard.motion.amplitude,
                             "top-left")
    for position in [(-1.0, 0.0), (0.013, 0.0), (0.5, 0.0), (1.0, 0.0)]:
        assert picture.draw(position, (), HUD, ())
        seen = on_screen(texture_window)
        expected = surface_path_picture(standard, position, hud=HUD)
        # Same sprites at the same pixels: only blending may round differently.
        assert np.abs(seen - expected).max() <= 3
        _, xs = np.nonzero(target_mask(seen[100:], standard.target.background))
        want_x, _ = picture.target.to_pixels(position)
        assert abs((xs.min() + xs.max() + 1) / 2 - want_x) <= 1.0
        picture.present()


def test_the_trail_fades_behind_the_target_as_on_the_surface_path(standard, texture_window):
    target = replace(standard.target, trail_s=0.12)
    picture = TexturePicture(texture_window, target, 0.9, "top-left")
    trail = [(-0.5, 0.0), (-0.4, 0.0), (-0.3, 0.0)]
    picture.draw((-0.2, 0.0), trail, (), ())
    seen = on_screen(texture_window)
    oldest = picture.target.to_pixels(trail[0])
    newest = picture.target.to_pixels((-0.2, 0.0))
    blue_old = seen[round(oldest[1]), round(oldest[0]), 2]
    blue_new = seen[round(newest[1]), round(newest[0]), 2]
    assert target.background[2] < blue_old < blue_new
    expected = surface_path_picture(standard, (-0.2, 0.0), trail, target=target)
    assert np.abs(seen - expected).max() <= 3


def test_at_rest_nothing_is_drawn_and_text_changes_are_drawn(standard, texture_window):
    picture = TexturePicture(texture_window, standard.target, standard.motion.amplitude,
                             "top-left")
    assert picture.draw((0.0, 0.0), (), HUD, (), full=True)
    picture.present()
    assert not picture.draw((0.0, 0.0), (), HUD, ())  # nothing changed: nothing to present
    assert picture.draw((0.0, 0.0), (), HUD, (), full=True)  # exposed: draw it all again
    picture.present()
    uploaded = picture.hud.texture
    assert picture.draw((0.1, 0.0), (), HUD, ())
    assert picture.hud.texture is uploaded  # the same text is not uploaded again
    assert picture.draw((0.1, 0.0), (), [*HUD[:1], "set 1  pass 4/24  0:03  running"], ())
    assert picture.hud.texture is not uploaded
    # The keys panel appears on top, at the bottom centre.
    assert picture.draw((0.1, 0.0), (), HUD, ["Space:  start or stop a set"])
    rect = picture.help.rect
    assert rect.width and rect.bottom <= SIZE[1] and abs(rect.centerx - SIZE[0] // 2) <= 1
    text = on_screen(texture_window)[rect.top:rect.bottom, rect.left:rect.right]
    assert target_mask(text, standard.target.background).any()


def test_the_live_window_is_the_renderer_unless_vsync_is_switched_off(monkeypatch, standard):
    monkeypatch.delenv("BLS_VSYNC", raising=False)
    window = open_live_window(size_px=SIZE)
    assert isinstance(window, TextureWindow) and window.vsync and window.size_px == SIZE
    assert isinstance(make_picture(window, standard.target, 0.9, "top-left"), TexturePicture)
    window.close()
    monkeypatch.setenv("BLS_VSYNC", "0")
    plain = open_live_window(size_px=SIZE)
    assert isinstance(plain, Window) and not plain.vsync
    assert isinstance(make_picture(plain, standard.target, 0.9, "top-left"), SurfacePicture)
    pygame.display.quit()
    pygame.display.init()


def test_a_display_that_is_not_there_is_one_line():
    with pytest.raises(DisplayError, match="--display 5"):
        open_texture_window(size_px=SIZE, display_index=5)


def test_presents_go_through_pygames_own_sdl_so_the_sound_thread_can_run(texture_window):
    # pygame's Renderer.present holds Python's GIL through the whole vsync wait, which starves
    # the audio callback; bls presents through the same SDL with the GIL released.
    assert texture_window.present_without_gil is not None
    renderer = texture_window.renderer
    renderer.draw_color = (200, 10, 10, 255)
    renderer.clear()
    texture_window.present()
    assert tuple(renderer.to_surface().get_at((5, 5)))[:3] == (200, 10, 10)
