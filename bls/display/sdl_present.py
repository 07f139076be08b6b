"""SDL_RenderPresent with Python's GIL released, so the sound callback runs while a present waits.

pygame-ce's `Renderer.present` holds the GIL for the whole call, which with vsync is most of a
refresh period: the audio callback (another thread, Python code) would then get one chance per
frame and the sound would starve. ctypes releases the GIL around a foreign call, so the present
is made through the SDL library pygame itself loaded. Rules: use it only when that library knows
the window (the same SDL, not another copy); otherwise return None and the caller keeps
`Renderer.present`.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pygame


def _loaded_sdl_paths() -> Iterator[str]:
    """SDL2 libraries mapped into this process (Linux), then pygame's copy, then the system's."""
    maps = Path("/proc/self/maps")
    if maps.exists():
        for line in maps.read_text().splitlines():
            fields = line.split(maxsplit=5)  # address perms offset device inode [path]
            name = os.path.basename(path := fields[5] if len(fields) == 6 else "")
            if name.startswith("libSDL2") and name[len("libSDL2"):][:1] in ("-", "."):
                yield path
    package = Path(pygame.__file__).parent
    for folder in (package, package / ".dylibs", package.parent / "pygame_ce.libs",
                   package.parent / "pygame.libs"):
        if folder.is_dir():
            for candidate in sorted(folder.iterdir()):
                name = candidate.name
                if name.startswith(("SDL2.", "libSDL2-", "libSDL2.")):
                    yield str(candidate)
    found = ctypes.util.find_library("SDL2")
    if found:
        yield found


def gil_free_present(window: pygame.Window) -> Callable[[], None] | None:
    """A function that presents `window`'s renderer without the GIL, or None."""
    if sys.platform == "emscripten":
        return None
    for path in dict.fromkeys(_loaded_sdl_paths()):
        try:
            sdl = ctypes.CDLL(path)
            get_window = sdl.SDL_GetWindowFromID
            get_renderer = sdl.SDL_GetRenderer
            render_present = sdl.SDL_RenderPresent
        except (OSError, AttributeError):
            continue
        get_window.argtypes, get_window.restype = [ctypes.c_uint32], ctypes.c_void_p
        get_renderer.argtypes, get_renderer.restype = [ctypes.c_void_p], ctypes.c_void_p
        sdl_window = get_window(window.id)
        renderer = get_renderer(sdl_window) if sdl_window else None
        if not renderer:
            continue  # another copy of SDL, which does not know pygame's window
        render_present.argtypes, render_present.restype = [ctypes.c_void_p], None
        pointer = ctypes.c_void_p(renderer)
        return lambda: render_present(pointer)
    return None
