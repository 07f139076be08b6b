"""The one typeface of bls's text: DejaVu Sans, shipped in assets/fonts, at any pixel size.

pygame's built-in font (freesansbold) renders with uneven letter spacing at HUD sizes
("Stand ard"); DejaVu Sans is hinted for small sizes and reads cleanly. Fonts are made once per
size asked for (never cached: fonts die with `pygame.quit()`, and a session may reopen its
windows). If the file is missing (a broken install), pygame's own font is used rather than failing.
"""

from __future__ import annotations

import pygame

from bls import paths

FONT_FILE = "DejaVuSans.ttf"


def ui_font(size_px: int) -> pygame.font.Font:
    if not pygame.font.get_init():
        pygame.font.init()
    path = paths.data_dir() / "assets" / "fonts" / FONT_FILE
    try:
        return pygame.font.Font(path, size_px)
    except (OSError, pygame.error):
        return pygame.font.Font(None, round(size_px * 1.35))
