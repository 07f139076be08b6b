"""Share mode, the pure part: the speed cap and where the client window and the console go.

No pygame: sizes and places are plain tuples, so tests drive all of it by hand. The console's
layout (`bls.console.layout`) opens the windows these functions place.
"""

from __future__ import annotations

from dataclasses import replace

from bls.core.profile import Profile

# A 15-30 fps screen-share capture cannot show faster motion as motion: at 1 Hz the target already
# moves about 2.5 of its own widths between two frames of a 15 fps capture, mid-sweep.
SHARE_MAX_SPEED_HZ = 1.0
CLIENT_SIZE_PX = (1280, 720)



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
