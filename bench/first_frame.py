"""Worker: start a program and stop it the moment it first puts a frame on the screen.

`python -m bench.first_frame run --window 1920x1080 --no-audio` starts `bls run ...`;
`python -m bench.first_frame --naive 1920x1080` starts the smallest pygame program that opens a
window and shows one frame. The first `pygame.display.update` or `flip`, or the first present of
SDL's renderer (bls's vsync window), ends the process at once (os._exit), so the parent's wall
time from spawn to exit is start-up to first frame.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pygame


def _first_frame(*args: object, **kwargs: object) -> None:
    sys.stdout.flush()
    os._exit(0)


def _catch_renderer_presents() -> None:
    """Replace SDL's Renderer class (before bls imports it) with one whose present ends here."""
    from pygame._sdl2 import video

    class FirstFrameRenderer(video.Renderer):  # type: ignore[misc, name-defined]
        def present(self) -> None:
            _first_frame()

    video.Renderer = FirstFrameRenderer  # type: ignore[misc]


def main() -> int:
    pygame.display.update = _first_frame
    pygame.display.flip = _first_frame
    _catch_renderer_presents()
    if sys.argv[1:2] == ["--naive"]:
        width, height = (int(part) for part in sys.argv[2].split("x"))
        pygame.display.init()
        screen = pygame.display.set_mode((width, height))
        screen.fill((16, 20, 24))
        pygame.draw.circle(screen, (58, 160, 255), (width // 2, height // 2), height // 40)
        pygame.display.flip()
    else:
        from bls.cli import main as bls_main

        bls_main(sys.argv[1:])
    return 3  # never showed a frame


if __name__ == "__main__":
    raise SystemExit(main())
