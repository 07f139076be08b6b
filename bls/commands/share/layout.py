"""Share mode, the pure part: the speed cap, the trail, and the control window's buttons.

No pygame, no clock: rectangles are plain tuples and times are arguments, so tests drive all of it
by hand. The shell (`bls.commands.share.windows`) draws what these functions describe.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from bls.core.profile import Profile

# A 15-30 fps screen-share capture cannot show faster motion as motion: at 1 Hz the target already
# moves about 2.5 of its own widths between two frames of a 15 fps capture, mid-sweep.
SHARE_MAX_SPEED_HZ = 1.0
CLIENT_SIZE_PX = (1280, 720)
CONTROL_SIZE_PX = (560, 420)

Rect = tuple[int, int, int, int]  # left, top, width, height


def for_sharing(profile: Profile) -> Profile:
    """The profile with its speeds capped at SHARE_MAX_SPEED_HZ (any profile may be shared)."""
    motion = profile.motion
    cap = min(motion.max_speed_hz, SHARE_MAX_SPEED_HZ)
    if motion.speed_hz <= cap and motion.max_speed_hz <= cap:
        return profile
    return replace(profile, motion=replace(motion, speed_hz=min(motion.speed_hz, cap),
                                           max_speed_hz=cap))


def client_window_position(client_size: tuple[int, int],
                           screen_size: tuple[int, int] | None) -> tuple[int, int] | None:
    """Top-left corner for the client window: left of centre, leaving room for the controls."""
    if screen_size is None:
        return None
    width, height = screen_size
    x = max(0, min(40, width - client_size[0]))
    y = max(0, (height - client_size[1]) // 2)
    return x, y


def control_window_position(client_pos: tuple[int, int] | None, client_size: tuple[int, int],
                            control_size: tuple[int, int],
                            screen_size: tuple[int, int] | None) -> tuple[int, int] | None:
    """Beside the client window when it fits on the screen, so the two never overlap."""
    if client_pos is None or screen_size is None:
        return None
    right = client_pos[0] + client_size[0] + 16
    if right + control_size[0] <= screen_size[0]:
        return right, client_pos[1]
    return max(0, screen_size[0] - control_size[0]), 0


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    action: str  # "toggle", "slower", "faster", "lr_check", "quit" or "profile:<0-based index>"
    rect: Rect


def control_buttons(size: tuple[int, int], profile_names: Sequence[str],
                    running: bool) -> tuple[Button, ...]:
    """The buttons of the control window, laid out in rows under the HUD text."""
    width, height = size
    margin, gap = 16, 10
    row_h = max(32, height // 11)
    top = height - margin - 3 * row_h - 2 * gap
    usable = width - 2 * margin

    def row(y: int, items: Sequence[tuple[str, str]]) -> list[Button]:
        if not items:
            return []
        each = (usable - gap * (len(items) - 1)) // len(items)
        return [Button(label, action, (margin + i * (each + gap), y, each, row_h))
                for i, (label, action) in enumerate(items)]

    first = [("Stop  (Space)" if running else "Start  (Space)", "toggle"),
             ("Slower  (Down)", "slower"), ("Faster  (Up)", "faster")]
    names = list(profile_names)[:9]
    profiles = [(f"{i + 1} {name}", f"profile:{i}") for i, name in enumerate(names)]
    third = [("L/R check  (L)", "lr_check"), ("Quit  (Esc)", "quit")]
    return (*row(top, first), *row(top + row_h + gap, profiles),
            *row(top + 2 * (row_h + gap), third))


def button_at(buttons: Sequence[Button], point: tuple[int, int]) -> Button | None:
    x, y = point
    for button in buttons:
        left, top, width, height = button.rect
        if left <= x < left + width and top <= y < top + height:
            return button
    return None
