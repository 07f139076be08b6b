"""Share mode's two windows (pygame-ce `Window`): the client view and the therapist's controls.

Rules: the client view only ever holds the background colour and the target (with its trail): no
text, no cursor, no controls, so sharing that one window shows nothing else. Everything a
therapist reads or clicks is in the control window, which is never meant to be shared.
"""

from __future__ import annotations

from collections.abc import Sequence

import pygame

from bls.core.profile import Profile
from bls.core.timeline import Point
from bls.display.renderer import TargetRenderer
from bls.display.window import start_display
from bls.commands.share.layout import Button

CLIENT_TITLE = "bls client view - share this window"
CONTROL_TITLE = "bls controls - do not share"


def open_display(display_index: int) -> tuple[int, int] | None:
    """Start pygame's display (DisplayError if there is no screen or no such screen); the size
    of screen `display_index`, None if it does not say."""
    start_display(display_index)
    sizes = pygame.display.get_desktop_sizes()
    return sizes[display_index] if display_index < len(sizes) else None


class ClientView:
    """The window to share: background and target, nothing else."""

    def __init__(self, profile: Profile, size: tuple[int, int],
                 position: tuple[int, int] | None) -> None:
        where = position if position is not None else pygame.WINDOWPOS_CENTERED
        self.window = pygame.Window(CLIENT_TITLE, size, position=where, resizable=True)
        self.window.minimum_size = (320, 180)
        self.profile = profile
        self.current = False  # False after a redraw from scratch, until a frame is presented
        self.renderer = self._make_renderer()

    @property
    def id(self) -> int:
        return self.window.id

    def _make_renderer(self) -> TargetRenderer:
        surface = self.window.get_surface()
        renderer = TargetRenderer(self.profile.target, self.profile.motion.amplitude,
                                  surface.get_size())
        renderer.draw_full(surface)
        self.window.flip()
        self.current = False
        return renderer

    def use_profile(self, profile: Profile) -> None:
        self.profile = profile
        self.renderer = self._make_renderer()

    def resized(self) -> None:
        """The window changed size: a new renderer for the new size, drawn whole."""
        self.renderer = self._make_renderer()

    def exposed(self) -> None:
        self.renderer.draw_full(self.window.get_surface())
        self.window.flip()

    def draw(self, position: Point, trail: Sequence[Point]) -> None:
        """Draw the next frame into the window's surface; `present` shows it."""
        self.renderer.draw_frame(self.window.get_surface(), position, trail)

    def present(self) -> None:
        self.window.flip()
        self.current = True


class ControlView:
    """The therapist's window: HUD lines on top, buttons below."""

    def __init__(self, size: tuple[int, int], position: tuple[int, int] | None) -> None:
        where = position if position is not None else pygame.WINDOWPOS_UNDEFINED
        self.window = pygame.Window(CONTROL_TITLE, size, position=where)
        height = size[1]
        self.font = pygame.font.Font(None, max(20, height // 17))
        self.small = pygame.font.Font(None, max(17, height // 22))
        self._last: tuple[tuple[str, ...], tuple[Button, ...], str | None] | None = None

    @property
    def id(self) -> int:
        return self.window.id

    @property
    def size(self) -> tuple[int, int]:
        return self.window.size

    def show(self, lines: Sequence[str], buttons: Sequence[Button],
             hovered: str | None = None) -> None:
        """Redraw only when something changed (the control window is not timing-critical)."""
        state = (tuple(lines), tuple(buttons), hovered)
        if state == self._last:
            return
        self._last = state
        surface = self.window.get_surface()
        surface.fill((28, 30, 34))
        y = 14
        width = surface.get_width() - 32
        for index, line in enumerate(lines):
            font = self.font if index == 0 else self.small
            colour = (235, 235, 235) if index == 0 else (190, 196, 204)
            for piece in _wrap(font, line, width):
                image = font.render(piece, True, colour)
                surface.blit(image, (16, y))
                y += round(image.get_height() * 1.35)
        for button in buttons:
            rect = pygame.Rect(button.rect)
            fill = (70, 92, 120) if button.action == hovered else (52, 58, 68)
            pygame.draw.rect(surface, fill, rect, border_radius=6)
            pygame.draw.rect(surface, (96, 106, 120), rect, width=1, border_radius=6)
            label = self.small.render(button.label, True, (240, 240, 240))
            surface.blit(label, label.get_rect(center=rect.center))
        self.window.flip()


def _wrap(font: pygame.font.Font, line: str, width_px: int) -> list[str]:
    """The line broken at spaces into pieces no wider than `width_px` (a long word stays whole)."""
    pieces: list[str] = []
    current = ""
    for word in line.split(" "):
        candidate = f"{current} {word}" if current else word
        if current and font.size(candidate)[0] > width_px:
            pieces.append(current)
            current = word
        else:
            current = candidate
    pieces.append(current)
    return pieces
