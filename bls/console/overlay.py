"""The settings panel over the office picture, between sets, for the therapist with one screen.

Rules: S opens it while the target rests; S or Esc closes it (Esc here closes the panel, it does
not quit). While it is open the pointer shows, clicks never reach the picture, and typing goes to
the panel; a key the panel does not use (Space to start a set) closes it and goes to the live
loop. The panel draws into its own surface, only when something changed and at most 30 times a
second; the layout puts that surface over the picture it composes.
"""

from __future__ import annotations

import pygame

from bls.clock import Clock
from bls.console.commands import Command
from bls.console.gui import BACKGROUND, Manager, RedrawPace
from bls.console.settings_panel import SettingsPanel
from bls.core.profile import Profile

KEY = pygame.K_s
SIZE_PX = (540, 600)
MARGIN_PX = 20
_POINTER_EVENTS = (pygame.MOUSEMOTION, pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP,
                   pygame.MOUSEWHEEL)


class SettingsOverlay:
    """The settings panel, centred on a window of `window_size` pixels."""

    def __init__(self, window_size: tuple[int, int], profile: Profile,
                 sample_names: tuple[str, ...] = (), clock: Clock | None = None) -> None:
        width = min(SIZE_PX[0], window_size[0] - 2 * MARGIN_PX)
        height = min(SIZE_PX[1], window_size[1] - 2 * MARGIN_PX)
        self.rect = pygame.Rect(0, 0, width, height)
        self.rect.center = (window_size[0] // 2, window_size[1] // 2)
        self.clock = clock or Clock()
        self._format_window = _convert_format()
        self.manager = Manager(self.rect.size)
        self.settings = SettingsPanel(self.manager, pygame.Rect((0, 0), self.rect.size), profile,
                                      sample_names)
        self.surface = pygame.Surface(self.rect.size)
        self.is_open = False
        self.pace = RedrawPace(self.clock)

    def open(self, profile: Profile, notice: str = "") -> None:
        self.settings.show_profile(profile)
        self.settings.say(notice or "S or Esc closes this panel", ok=True)
        self.is_open = True
        self.pace.dirty = True
        pygame.mouse.set_visible(True)

    def close(self) -> None:
        self.manager.set_focus_set(None)
        self.is_open = False

    def show(self, profile: Profile, notice: str) -> None:
        """Follow the profile in use and the last notice (saved, refused)."""
        self.settings.show_profile(profile)
        if notice and notice != self.settings.message.text:
            self.settings.say(notice, ok=not notice.startswith("not "))
            self.pace.dirty = True

    def handle(self, event: pygame.event.Event) -> tuple[bool, list[Command]]:
        """(whether the panel used the event up, the commands it gives)."""
        element = getattr(event, "ui_element", None)
        if element is not None:
            if getattr(element, "ui_manager", None) is not self.manager:
                return False, []
            self.pace.dirty = True
            self.manager.process_events(event)
            return True, self.settings.handle(event)
        if event.type == pygame.KEYDOWN:
            self._touched()
            if event.key == pygame.K_ESCAPE or (event.key == KEY and not self.settings.typing):
                self.close()
                return True, []
            if not self.settings.typing:
                self.close()  # Space and the other keys: the panel makes way for the session
                return False, []
            self.manager.process_events(event)
            return True, self.settings.handle(event)
        if event.type in (pygame.KEYUP, pygame.TEXTINPUT, pygame.TEXTEDITING):
            self._touched()
            self.manager.process_events(event)
            return True, []
        if event.type in _POINTER_EVENTS:
            self._touched()
            moved = event.dict.copy()
            if "pos" in moved:
                x, y = moved["pos"]
                moved["pos"] = (x - self.rect.left, y - self.rect.top)
                self.manager.pointer_at(moved["pos"])
            inner = pygame.event.Event(event.type, moved)
            self.manager.process_events(inner)
            return True, self.settings.handle(inner)  # clicks never reach the picture
        return False, []

    def _touched(self) -> None:
        self.pace.touched()

    def render(self) -> bool:
        """Draw the panel into `surface` if it changed (at most MAX_DRAW_HZ while in use);
        returns whether it did."""
        elapsed = self.pace.due(self.settings.typing or self.settings.expanded)
        if elapsed is None:
            return False
        self.manager.update(elapsed)
        self.surface.fill(BACKGROUND)
        self.manager.draw_ui(self.surface)
        return True



def _convert_format() -> pygame.Window | None:
    """pygame-gui converts its images to the display's pixel format, which pygame takes from a
    window surface. A window drawn by SDL's renderer has none (asking for one would break its
    renderer), so a hidden 1x1 window gives the format; it is kept while the panel lives."""
    try:
        pygame.Surface((1, 1)).convert_alpha()
        return None
    except pygame.error:
        window = pygame.Window("", (1, 1), hidden=True)
        window.get_surface()
        return window
