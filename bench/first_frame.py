"""Worker: start a program and stop it the moment it first puts a frame on the screen.

`python -m bench.first_frame run --window 1920x1080 --no-audio` starts `bls run ...`;
`python -m bench.first_frame --naive 1920x1080` starts the smallest pygame program that opens a
window and shows one frame. The first `pygame.display.update` or `flip`, or the first present of
bls's vsync window (SDL's renderer), ends the process at once (os._exit), so the parent's wall
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
    """bls's vsync window presents through `TextureWindow.present`: end there too."""
    from bls.display.window import TextureWindow

    TextureWindow.present = _first_frame  # type: ignore[method-assign, assignment]


def main() -> int:
    pygame.display.update = _first_frame
    pygame.display.flip = _first_frame
    if sys.argv[1:2] == ["--naive"]:
        width, height = (int(part) for part in sys.argv[2].split("x"))
        pygame.display.init()
        screen = pygame.display.set_mode((width, height))
        screen.fill((16, 20, 24))
        pygame.draw.circle(screen, (58, 160, 255), (width // 2, height // 2), height // 40)
        pygame.display.flip()
    else:
        _catch_renderer_presents()
        from bls.cli import main as bls_main

        bls_main(sys.argv[1:])
    return 3  # never showed a frame


if __name__ == "__main__":
    raise SystemExit(main())
