"""The trail keeps motion readable in a 15 fps screen-share capture.

At 1 Hz the target crosses a 1280-pixel window in half a second; a 15 fps capture sees it every
67 ms, up to about two target widths apart, so the client sees it hop. With the share profile's
0.12 s trail each captured frame holds a streak that reaches back to where the previous captured
frame showed the target: the picture is continuous again.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np

from tests.e2e.harness import require_tools
from tests.e2e.test_share import (
    CLIENT_TITLE,
    SHARE_BACKGROUND,
    capture_region,
    running_share,
    target_mask,
)

CAPTURE_FPS = 15
CAPTURE_FRAMES = 60


def hops(frames: np.ndarray) -> tuple[int, int]:
    """(pairs of successive captured frames with empty space between the two pictures of the
    target, pairs compared): a hop is what the eye reads as a jump, not as motion."""
    spans = []
    for frame in frames:
        columns = np.nonzero(target_mask(frame, SHARE_BACKGROUND).any(axis=0))[0]
        spans.append((columns.min(), columns.max()) if columns.size else None)
    pairs = [(a, b) for a, b in itertools.pairwise(spans) if a and b and a != b]
    gaps = [max(a[0], b[0]) - min(a[1], b[1]) for a, b in pairs]
    return sum(1 for gap in gaps if gap > 0), len(pairs)


def capture(xserver: dict[str, str], home: Path, trail_s: float) -> np.ndarray:
    (home / "profiles").mkdir(parents=True)
    (home / "profiles" / "sharing.toml").write_text(
        f'name = "Sharing"\nextends = "share"\n[motion]\nspeed = 1.0\n[set]\npasses = 100\n'
        f"[target]\ntrail = {trail_s}\n", encoding="utf-8")
    with running_share(xserver, home, "-p", "sharing", "--no-audio", "--autostart") as (_, w):
        return capture_region(xserver, w[CLIENT_TITLE], CAPTURE_FRAMES, fps=CAPTURE_FPS)


def test_with_the_trail_a_15_fps_capture_shows_motion_instead_of_hops(
    xserver: dict[str, str], tmp_path: Path,
) -> None:
    require_tools("xwininfo", "xdotool", "ffmpeg")
    without_hops, without_pairs = hops(capture(xserver, tmp_path / "plain", 0.0))
    with_hops, with_pairs = hops(capture(xserver, tmp_path / "trail", 0.12))
    print(f"15 fps capture at 1 Hz: hops without trail {without_hops}/{without_pairs}, "
          f"with a 0.12 s trail {with_hops}/{with_pairs}")
    assert without_pairs > 10 and with_pairs > 10
    assert without_hops > 0, "without a trail the target hops between captured frames"
    assert with_hops < without_hops
