"""Open the window: full screen at desktop size on display N (no video-mode switch), or W x H.

Rules: ask for vsync; where the system does not give it, open a plain window surface, which
updates only the rectangles that changed, and say so in one line (`Window.note`). A bad display
number is the user's to fix (`DisplayError`, one line). BLS_VSYNC=0 in the environment skips
vsync (for measuring the two ways of presenting against each other). `open_window` gives a
surface (pygame's own vsync window uploads the whole surface at every update); `bls run` uses
`open_live_window`, whose vsync window is SDL's renderer, drawn with textures (`TextureWindow`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

import pygame
from pygame._sdl2.video import Renderer

from bls.display.sdl_present import gil_free_present

DEFAULT_REFRESH_HZ = 60.0
TITLE = "bls"


class DisplayError(Exception):
    """A display that cannot be used as asked, in one printable line."""


@dataclass
class Window:
    surface: pygame.Surface
    size_px: tuple[int, int]
    fullscreen: bool
    display_index: int
    vsync: bool  # the flip waits for the display (as far as pygame can tell)
    refresh_hz: float
    note: str | None = None  # one line to print when something fell back

    @property
    def period_s(self) -> float:
        return 1.0 / self.refresh_hz

    def present(self) -> None:
        """Show the whole surface (pictures that track what changed update less)."""
        pygame.display.flip()

    def close(self) -> None:
        """The display module's window goes with the display module (it is started again by the
        next window opened)."""
        pygame.display.quit()


@dataclass
class TextureWindow:
    """A window presented by SDL's renderer (GPU where there is one) with vsync: no surface."""

    sdl_window: pygame.Window
    renderer: Renderer
    size_px: tuple[int, int]
    fullscreen: bool
    display_index: int
    vsync: bool  # asked of the renderer; whether presents really wait, the frame timer tells
    refresh_hz: float
    note: str | None = None
    present_without_gil: Callable[[], None] | None = None  # see bls.display.sdl_present

    @property
    def period_s(self) -> float:
        return 1.0 / self.refresh_hz

    def present(self) -> None:
        """Show what was drawn. With vsync this waits for the display, so it lets the sound
        callback's thread run meanwhile wherever it can."""
        if self.present_without_gil is not None:
            self.present_without_gil()
        else:
            self.renderer.present()

    def close(self) -> None:
        self.sdl_window.destroy()


def display_count() -> int:
    return pygame.display.get_num_displays()


def refresh_rate(display_index: int) -> float:
    """The desktop refresh rate of a display, or 60 Hz when the system does not say."""
    try:
        rates = pygame.display.get_desktop_refresh_rates()
    except (pygame.error, AttributeError):
        return DEFAULT_REFRESH_HZ
    rate = rates[display_index] if display_index < len(rates) else 0
    return float(rate) if rate and rate > 0 else DEFAULT_REFRESH_HZ


INVISIBLE_DRIVERS = ("offscreen", "dummy")  # what SDL falls back to with no screen at all


def start_display(display_index: int) -> None:
    """Start pygame's display; DisplayError (one line) if there is no screen to show windows on
    or display `display_index` is not there. Without the first check SDL would draw into an
    invisible offscreen buffer and nobody would know."""
    # Window managers (and xdotool) find the window by its class: "bls", not "__main__.py".
    os.environ["SDL_VIDEO_X11_WMCLASS"] = "bls"  # pygame sets it to argv[0] on import
    pygame.display.init()
    driver = pygame.display.get_driver()
    if driver in INVISIBLE_DRIVERS and os.environ.get("SDL_VIDEODRIVER") != driver:
        raise DisplayError("no display found (is DISPLAY or WAYLAND_DISPLAY set?); "
                           "`bls tap` and `bls export-audio` work without a screen")
    count = display_count()
    if not 0 <= display_index < count:
        raise DisplayError(f"--display {display_index}: this computer has {count} display(s), "
                           f"numbered 0 to {count - 1}")


def open_window(*, size_px: tuple[int, int] | None, display_index: int = 0,
                vsync: bool = True, title: str = TITLE, position: tuple[int, int] | None = None,
                resizable: bool = False) -> Window:
    """Full screen (size_px None) or a window; vsync if the system gives it."""
    start_display(display_index)
    if position is not None:
        os.environ["SDL_VIDEO_WINDOW_POS"] = f"{position[0]},{position[1]}"
    else:
        os.environ.pop("SDL_VIDEO_WINDOW_POS", None)
    if os.environ.get("BLS_VSYNC") == "0":
        vsync = False
    fullscreen = size_px is None
    if fullscreen:
        # Desktop size: pygame then uses SDL's desktop full screen, with no mode switch.
        size = pygame.display.get_desktop_sizes()[display_index]
        flags = pygame.FULLSCREEN | pygame.NOFRAME
    else:
        assert size_px is not None
        size, flags = size_px, pygame.RESIZABLE if resizable else 0
    pygame.display.set_caption(title)
    note = None
    surface = None
    if vsync:
        os.environ.pop("SDL_FRAMEBUFFER_ACCELERATION", None)
        try:
            surface = pygame.display.set_mode(size, flags, display=display_index, vsync=1)
            if not pygame.display.is_vsync():
                note = "vsync: not available on this display; timing frames with the clock"
                surface = None
        except pygame.error as error:
            note = f"vsync: not available ({error}); timing frames with the clock"
    if surface is None:
        # Without vsync, the plain X11/Win32/Cocoa window surface updates only what changed.
        os.environ["SDL_FRAMEBUFFER_ACCELERATION"] = "0"
        surface = pygame.display.set_mode(size, flags, display=display_index, vsync=0)
    pygame.mouse.set_visible(not fullscreen)
    return Window(surface=surface, size_px=surface.get_size(), fullscreen=fullscreen,
                  display_index=display_index, vsync=note is None and vsync,
                  refresh_hz=refresh_rate(display_index), note=note)


def _undefined_position_on(display_index: int) -> tuple[int, int]:
    """SDL_WINDOWPOS_UNDEFINED_DISPLAY(n): let SDL place the window on display n, as set_mode
    does."""
    where = 0x1FFF0000 | display_index
    return where, where


def open_texture_window(*, size_px: tuple[int, int] | None, display_index: int = 0,
                        title: str = TITLE, position: tuple[int, int] | None = None,
                        resizable: bool = False) -> TextureWindow:
    """Full screen (size_px None) or a window, presented by SDL's renderer with vsync.

    Raises DisplayError for a display that is not there, pygame.error when there is no renderer.
    """
    start_display(display_index)
    fullscreen = size_px is None
    size = pygame.display.get_desktop_sizes()[display_index] if size_px is None else size_px
    where = position if position is not None else _undefined_position_on(display_index)
    sdl_window = pygame.Window(title, size, position=where, fullscreen_desktop=fullscreen,
                               borderless=fullscreen, resizable=resizable and not fullscreen)
    try:
        renderer = Renderer(sdl_window, vsync=True)
    except pygame.error:
        sdl_window.destroy()
        raise
    pygame.mouse.set_visible(not fullscreen)
    return TextureWindow(sdl_window=sdl_window, renderer=renderer,
                         size_px=renderer.get_viewport().size, fullscreen=fullscreen,
                         display_index=display_index, vsync=True,
                         refresh_hz=refresh_rate(display_index),
                         present_without_gil=gil_free_present(sdl_window))


def open_live_window(*, size_px: tuple[int, int] | None, display_index: int = 0,
                     vsync: bool = True, title: str = TITLE,
                     position: tuple[int, int] | None = None,
                     resizable: bool = False) -> Window | TextureWindow:
    """The window a live picture is drawn in: SDL's renderer with vsync, where there is one;
    else (or with vsync=False or BLS_VSYNC=0) the plain window surface, updated by dirty
    rectangles. `title`, `position` and `resizable` serve share mode's client view."""
    if vsync and os.environ.get("BLS_VSYNC") != "0":
        try:
            return open_texture_window(size_px=size_px, display_index=display_index,
                                       title=title, position=position, resizable=resizable)
        except pygame.error as error:
            window = open_window(size_px=size_px, display_index=display_index, vsync=False,
                                 title=title, position=position, resizable=resizable)
            window.note = f"vsync: no renderer ({error}); timing frames with the clock"
            return window
    return open_window(size_px=size_px, display_index=display_index, vsync=False, title=title,
                       position=position, resizable=resizable)
