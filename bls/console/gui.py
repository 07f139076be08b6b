"""pygame-gui set up for a window that is not pygame's main display: theme and pointer.

Rules: one `Manager` per window (or per overlay surface). pygame-gui reads the pointer with
`pygame.mouse.get_pos()`, which SDL gives relative to whichever window has the mouse; with two
windows open that would light up console buttons while the pointer is over the client view, so
`Manager` takes the pointer from the events of its own window instead (`pointer_at`).
"""

from __future__ import annotations

import math

import pygame
import pygame_gui

from bls.clock import Clock

MAX_DRAW_HZ = 30.0  # while the therapist uses a panel
INTERACTION_S = 1.5  # after the last input, keep redrawing (hover, cursor) for this long
BACKGROUND = (28, 30, 34)
TEXT = (230, 232, 236)
QUIET_TEXT = (170, 178, 188)
ERROR_TEXT = (255, 150, 140)
OK_TEXT = (150, 220, 160)

THEME: dict[str, object] = {
    "defaults": {
        "colours": {
            "normal_bg": "#343a44",
            "hovered_bg": "#46607c",
            "active_bg": "#2f4f70",
            "selected_bg": "#2f6f9f",
            "dark_bg": "#1c1e22",
            "normal_text": "#e6e8ec",
            "hovered_text": "#ffffff",
            "selected_text": "#ffffff",
            "normal_border": "#5a6470",
            "hovered_border": "#8aa0b8",
            "text_cursor": "#ffffff",
        },
        "font": {"name": "noto_sans", "size": "15"},
    },
    "label": {"colours": {"dark_bg": "#00000000", "normal_text": "#e6e8ec"},
              "misc": {"text_horiz_alignment": "left"}},
    "#hud_title": {"font": {"name": "noto_sans", "size": "20", "bold": "1"}},
    "#quiet": {"colours": {"normal_text": "#aab2bc"}},
    "#error": {"colours": {"normal_text": "#ff968c"}},
    "#ok": {"colours": {"normal_text": "#96dca0"}},
    "#section": {"font": {"name": "noto_sans", "size": "16", "bold": "1"}},
    "#rate_chosen": {"colours": {"normal_bg": "#2f6f9f", "normal_border": "#ffffff"}},
    "panel": {"colours": {"dark_bg": "#23262b"}},
}


class Manager(pygame_gui.UIManager):
    """A UIManager that takes the pointer position from its own window's events."""

    def __init__(self, size: tuple[int, int]) -> None:
        super().__init__(size, THEME, enable_live_theme_updates=False)
        self._pointer = (-1, -1)

    def pointer_at(self, position: tuple[int, int] | None) -> None:
        """The pointer is at `position` in this window, or not over it (None)."""
        self._pointer = position if position is not None else (-1, -1)

    @property
    def pointer_inside(self) -> bool:
        return self._pointer != (-1, -1)

    def _update_mouse_position(self) -> None:
        self.mouse_position = self.calculate_scaled_mouse_position(self._pointer)


def solid(size: tuple[int, int], color: tuple[int, int, int]) -> pygame.Surface:
    surface = pygame.Surface(size)
    surface.fill(color)
    return surface


class RedrawPace:
    """When a pygame-gui surface is worth drawing again: after a change (`dirty`), or while the
    therapist is at it (hover, a blinking cursor), and never more often than asked."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.dirty = True
        self._last_input_s = -math.inf
        self._last_draw_s = -math.inf
        self._last_update_s = clock.now()

    def touched(self) -> None:
        """The therapist pressed, typed or pointed: redraw now and for a moment after."""
        self._last_input_s = self.clock.now()
        self.dirty = True

    def due(self, busy: bool, max_hz: float = MAX_DRAW_HZ) -> float | None:
        """None when no draw is due; otherwise the seconds to advance the manager by, and the
        draw counts as done. `busy`: a text box has the keyboard or a menu is open."""
        now = self.clock.now()
        interacting = busy or now - self._last_input_s < INTERACTION_S
        if not (self.dirty or interacting) or now - self._last_draw_s < 1.0 / max_hz:
            return None
        elapsed = max(0.0, now - self._last_update_s)
        self._last_update_s = self._last_draw_s = now
        self.dirty = False
        return elapsed
