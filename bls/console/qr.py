"""A QR code of the client link, drawn for the console from segno's module matrix.

Rules: the code is a regular QR (never a micro QR, which phones read badly) at error level M,
with its full quiet zone of 4 light modules, and every module a square of whole pixels, at
least MIN_MODULE_PX wide, so a phone held up to the screen can read it.
"""

from __future__ import annotations

import pygame
import segno

QUIET_ZONE_MODULES = 4
MIN_MODULE_PX = 3
DARK = (0, 0, 0)
LIGHT = (255, 255, 255)


def qr_modules(text: str) -> tuple[tuple[bool, ...], ...]:
    """The code's modules, row by row, True for dark; no quiet zone."""
    code = segno.make(text, error="m", micro=False)
    return tuple(tuple(bool(module) for module in row) for row in code.matrix)


def qr_module_px(modules: int, max_side_px: int) -> int:
    """The largest whole module size that fits `modules` plus the quiet zone in max_side_px,
    never under MIN_MODULE_PX."""
    return max(MIN_MODULE_PX, max_side_px // (modules + 2 * QUIET_ZONE_MODULES))


def qr_surface(text: str, max_side_px: int) -> pygame.Surface:
    """The QR code of `text`, dark on light with its quiet zone, as large as fits max_side_px."""
    modules = qr_modules(text)
    module_px = qr_module_px(len(modules), max_side_px)
    side_px = (len(modules) + 2 * QUIET_ZONE_MODULES) * module_px
    surface = pygame.Surface((side_px, side_px))
    surface.fill(LIGHT)
    for row, line in enumerate(modules):
        top = (row + QUIET_ZONE_MODULES) * module_px
        for column, dark in enumerate(line):
            if dark:
                left = (column + QUIET_ZONE_MODULES) * module_px
                surface.fill(DARK, (left, top, module_px, module_px))
    return surface
