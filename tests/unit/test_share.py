"""Share mode's pure part: speed cap, trail and where the client window and the console go."""

from __future__ import annotations

import pytest

from bls.cli import build_parser, load_profile
from bls.console.console import NARROW_SIZE_PX as CONSOLE_SIZE_PX
from bls.console.sharing import (
    CLIENT_SIZE_PX,
    SHARE_MAX_SPEED_HZ,
    client_window_position,
    control_window_position,
    for_sharing,
)
from bls.core.profile import Profile
from bls.core.session import trail_points
from bls.core.timeline import CENTRE, SetTimeline
from bls.profiles import Library


def test_the_share_profile_stays_at_or_under_1_hz_and_has_a_large_target_and_a_trail() -> None:
    share = Library.discover().load("share")
    standard = Library.discover().load("standard")
    assert share.motion.speed_hz <= SHARE_MAX_SPEED_HZ
    assert share.motion.max_speed_hz <= SHARE_MAX_SPEED_HZ
    assert share.target.size > standard.target.size
    assert 0 < share.target.trail_s <= 0.5


def test_any_profile_is_capped_at_1_hz_when_shared() -> None:
    fast = for_sharing(Library.discover().load("fast"))
    assert fast.motion.speed_hz == SHARE_MAX_SPEED_HZ
    assert fast.motion.max_speed_hz == SHARE_MAX_SPEED_HZ
    slow = Library.discover().load("slow")
    assert for_sharing(slow).motion.speed_hz == slow.motion.speed_hz


def test_bls_run_share_uses_the_share_profile_unless_one_is_named() -> None:
    def chosen(*argv: str) -> Profile:
        profile = load_profile(build_parser().parse_args(["run", *argv]))
        assert isinstance(profile, Profile)
        return profile

    assert chosen("--share").key == "share"
    assert chosen().key == "standard"
    assert chosen("--share", "-p", "standard").key == "standard"  # named: kept, capped at 1 Hz
    assert for_sharing(chosen("--share", "-p", "standard")).motion.max_speed_hz <= 1.0
    assert chosen("--share", "--passes", "40").length.passes == 40


def _timeline() -> SetTimeline:
    profile = for_sharing(Library.discover().load("share"))
    return SetTimeline.begin(0.0, profile.motion, profile.length)


def test_the_trail_follows_the_path_behind_the_target_oldest_first() -> None:
    timeline = _timeline()
    t = 0.94  # the middle of pass 0 at 0.8 Hz (after a 0.625 s lead-in)
    trail = trail_points(timeline.position, t, 0.12)
    assert len(trail) > 5
    here = timeline.position(t)
    distances = [abs(point[0] - here[0]) for point in trail]
    assert distances == sorted(distances, reverse=True)  # oldest (farthest) first
    assert trail[0] == pytest.approx(timeline.position(t - 0.12))


def test_the_trail_is_the_same_whatever_the_frame_rate_and_empty_at_rest() -> None:
    timeline = _timeline()
    assert trail_points(timeline.position, 1.3, 0.12) == trail_points(timeline.position, 1.3, 0.12)
    assert trail_points(lambda t: CENTRE, 5.0, 0.12) == ()
    assert trail_points(timeline.position, 1.3, 0.0) == ()


@pytest.mark.parametrize("screen", [(1920, 1080), (2560, 1440)])
def test_the_two_windows_sit_side_by_side_when_the_screen_is_wide_enough(
    screen: tuple[int, int],
) -> None:
    client_pos = client_window_position(CLIENT_SIZE_PX, screen)
    control_pos = control_window_position(client_pos, CLIENT_SIZE_PX, CONSOLE_SIZE_PX, screen)
    assert client_pos is not None and control_pos is not None
    assert control_pos[0] >= client_pos[0] + CLIENT_SIZE_PX[0]
    assert control_pos[0] + CONSOLE_SIZE_PX[0] <= screen[0]
    assert client_pos[1] + CLIENT_SIZE_PX[1] <= screen[1]


def test_on_a_small_screen_the_controls_stay_on_screen() -> None:
    screen = (1366, 768)
    client_pos = client_window_position(CLIENT_SIZE_PX, screen)
    control_pos = control_window_position(client_pos, CLIENT_SIZE_PX, CONSOLE_SIZE_PX, screen)
    assert control_pos is not None
    assert 0 <= control_pos[0] and control_pos[0] + CONSOLE_SIZE_PX[0] <= screen[0]
