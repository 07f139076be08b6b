"""Share mode on a real X server: two windows, and the shared one holds only background and target.

The client window is read two ways: from screenshots of the screen cropped to the window, and
with ffmpeg's x11grab while the pointer is inside it (what a screen-share capture sees, pointer
included).
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from tests.e2e.harness import merged_env, require_tools, screenshot

CLIENT_TITLE = "bls client view - share this window"
CONTROL_TITLE = "bls console - do not share"
SHARE_BACKGROUND = (0, 0, 0)  # config/profiles/share.toml
SHARE_TARGET = (0xFF, 0xD8, 0x4A)
WINDOW_TIMEOUT_S = 20.0
EXIT_TIMEOUT_S = 10.0


@dataclass(frozen=True, slots=True)
class XWindow:
    id: int
    title: str
    width: int
    height: int
    x: int
    y: int


def x_windows(env: Mapping[str, str]) -> list[XWindow]:
    """Top-level named windows, from `xwininfo -root -tree`."""
    result = subprocess.run(["xwininfo", "-root", "-tree"], env=merged_env(env),
                            capture_output=True, text=True, check=False, timeout=10)
    if result.returncode != 0:  # a window went away while the tree was read: ask again later
        return []
    found = []
    pattern = re.compile(r'^\s+(0x[0-9a-f]+) "(.*)": \(.*\)\s+(\d+)x(\d+)\+-?\d+\+-?\d+'
                         r"\s+\+(-?\d+)\+(-?\d+)")
    for line in result.stdout.splitlines():
        match = pattern.match(line)
        if match:
            window_id, title, width, height, x, y = match.groups()
            found.append(XWindow(int(window_id, 16), title, int(width), int(height),
                                 int(x), int(y)))
    return found


def is_viewable(env: Mapping[str, str], window: XWindow) -> bool:
    """Mapped and on screen (a created but unmapped window cannot be read)."""
    result = subprocess.run(["xwininfo", "-id", hex(window.id)], env=merged_env(env),
                            capture_output=True, text=True, check=False, timeout=10)
    return "Map State: IsViewable" in result.stdout


def wait_for_windows(env: Mapping[str, str], titles: tuple[str, ...],
                     proc: subprocess.Popen[bytes]) -> dict[str, XWindow]:
    """Poll until a window with each title is mapped (or the program exits)."""
    deadline = time.monotonic() + WINDOW_TIMEOUT_S
    while True:
        windows = {w.title: w for w in x_windows(env)
                   if w.title in titles and is_viewable(env, w)}
        if len(windows) == len(titles):
            return windows
        if proc.poll() is not None:
            errors = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            raise AssertionError(f"bls exited with {proc.returncode} before its windows showed: "
                                 f"{errors}")
        if time.monotonic() > deadline:
            raise AssertionError(f"windows {titles} not shown; saw {sorted(windows)}")
        time.sleep(0.05)


@contextmanager
def running_share(env: Mapping[str, str], config_home: Path,
                  *options: str) -> Iterator[tuple[subprocess.Popen[bytes], dict[str, XWindow]]]:
    """`bls run --share OPTIONS`, stopped with Esc at the end."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "bls", "run", "--share", *options],
        env=merged_env(env, {"BLS_CONFIG_HOME": str(config_home),
                             "PYGAME_HIDE_SUPPORT_PROMPT": "1"}),
        cwd=Path(__file__).resolve().parents[2],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    windows: dict[str, XWindow] = {}
    try:
        windows = wait_for_windows(env, (CLIENT_TITLE, CONTROL_TITLE), proc)
        yield proc, windows
    finally:
        if proc.poll() is None:
            press_key(env, "Escape", windows.get(CONTROL_TITLE))
            try:
                proc.wait(timeout=EXIT_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def window_pixels(env: Mapping[str, str], window: XWindow) -> np.ndarray:
    """What the screen shows in the window's rectangle (read from the root window: `import`
    with a window id falls back to waiting for a mouse click when it briefly cannot find it)."""
    screen = screenshot(env)
    return screen[window.y: window.y + window.height, window.x: window.x + window.width]


def wait_for_image(env: Mapping[str, str], window: XWindow, ready: Callable[[np.ndarray], bool],
                   what: str) -> np.ndarray:
    """Poll screenshots of the window until `ready(image)`: a newly mapped window is blank
    until the program's first frame reaches it."""
    deadline = time.monotonic() + WINDOW_TIMEOUT_S
    while True:
        image = window_pixels(env, window)
        if ready(image):
            return image
        assert time.monotonic() < deadline, f"no {what} in {window.title!r}"
        time.sleep(0.05)


def press_key(env: Mapping[str, str], key: str, window: XWindow | None = None) -> None:
    """A real key press (XTEST), after giving the window with `window`'s title the focus.

    The window is looked up again by title: SDL may replace an X window just after it first
    maps it. Two xdotool calls, not one chain: a chained `key` aims at the window, and when the
    press makes bls quit, the release would go to a window that is gone and stay down.
    """
    deadline = time.monotonic() + WINDOW_TIMEOUT_S
    while window is not None:  # a window still being mapped or replaced: retry
        current = [w for w in x_windows(env) if w.title == window.title]
        focused = subprocess.run(["xdotool", "windowfocus", "--sync", hex(current[0].id)],
                                 env=merged_env(env), capture_output=True,
                                 timeout=10) if current else None
        if focused is not None and focused.returncode == 0:
            break
        assert time.monotonic() < deadline, f"cannot focus {window.title!r}"
        time.sleep(0.05)
    subprocess.run(["xdotool", "key", key], env=merged_env(env), check=True, timeout=10)


def move_pointer(env: Mapping[str, str], x: int, y: int) -> None:
    subprocess.run(["xdotool", "mousemove", "--sync", str(x), str(y)], env=merged_env(env),
                   check=True, timeout=10)


def capture_region(env: Mapping[str, str], window: XWindow, frames: int,
                   fps: int = 15) -> np.ndarray:
    """`frames` frames of the window's screen area as a screen-share tool grabs them (x11grab,
    cursor drawn), as (frames, H, W, 3) uint8."""
    command = [
        "ffmpeg", "-loglevel", "error", "-f", "x11grab", "-draw_mouse", "1",
        "-framerate", str(fps), "-video_size", f"{window.width}x{window.height}",
        "-i", f"{env['DISPLAY']}+{window.x},{window.y}",
        "-frames:v", str(frames), "-f", "rawvideo", "-pix_fmt", "rgb24", "-",
    ]  # fmt: skip
    result = subprocess.run(command, env=merged_env(env), capture_output=True, timeout=60,
                            check=True)
    size = window.width * window.height * 3
    count = len(result.stdout) // size
    return np.frombuffer(result.stdout[: count * size], dtype=np.uint8).reshape(
        count, window.height, window.width, 3)


def off_blend_pixels(image: np.ndarray, background: tuple[int, int, int],
                     target: tuple[int, int, int], tolerance: float = 6.0) -> np.ndarray:
    """Mask of pixels that are neither the background, the target, nor a blend of the two (the
    anti-aliased edge and the trail mix them along the line between the two colours)."""
    pixels = image.reshape(-1, 3).astype(np.float64)
    b = np.asarray(background, dtype=np.float64)
    direction = np.asarray(target, dtype=np.float64) - b
    share = np.clip((pixels - b) @ direction / (direction @ direction), 0.0, 1.0)
    nearest = b + share[:, None] * direction
    distance = np.max(np.abs(pixels - nearest), axis=1)
    return (distance > tolerance).reshape(image.shape[:2])


def target_mask(image: np.ndarray, background: tuple[int, int, int]) -> np.ndarray:
    return np.max(np.abs(image.astype(np.int16) - np.asarray(background, np.int16)), axis=2) > 24


def test_share_mode_opens_a_client_window_and_a_separate_control_window(
    xserver: dict[str, str], tmp_path: Path,
) -> None:
    require_tools("xwininfo", "xdotool", "import")
    with running_share(xserver, tmp_path, "--no-audio", "--autostart") as (proc, windows):
        client, control = windows[CLIENT_TITLE], windows[CONTROL_TITLE]
        assert (client.width, client.height) == (1280, 720)
        assert proc.poll() is None
        # Side by side, not on top of each other: sharing the one never shows the other.
        assert client.x + client.width <= control.x or control.x + control.width <= client.x
        # The HUD and buttons: many colours (anti-aliased text), not one flat fill.
        wait_for_image(xserver, control, lambda image: len(np.unique(image.reshape(-1, 3),
                                                                     axis=0)) > 8, "HUD text")
    assert proc.returncode == 0, proc.stderr.read().decode(errors="replace") if proc.stderr else ""


def test_the_client_window_shows_only_background_and_the_moving_target(
    xserver: dict[str, str], tmp_path: Path,
) -> None:
    require_tools("xwininfo", "xdotool", "import")
    with running_share(xserver, tmp_path, "--no-audio", "--autostart") as (_, windows):
        client = windows[CLIENT_TITLE]
        wait_for_image(xserver, client, lambda image: target_mask(image, SHARE_BACKGROUND).any(),
                       "target")
        centres = []
        for _shot in range(6):
            image = window_pixels(xserver, client)
            assert image.shape == (720, 1280, 3)
            stray = off_blend_pixels(image, SHARE_BACKGROUND, SHARE_TARGET)
            assert not stray.any(), f"{stray.sum()} pixels are neither background nor target"
            lit = target_mask(image, SHARE_BACKGROUND)
            assert lit.any(), "the target is on screen"
            centres.append(round(float(np.nonzero(lit)[1].mean())))
        assert len(set(centres)) > 1, "the target moves between screenshots"


def test_a_screen_share_capture_of_the_client_window_shows_no_pointer(
    xserver: dict[str, str], tmp_path: Path,
) -> None:
    require_tools("xwininfo", "xdotool", "ffmpeg")
    with running_share(xserver, tmp_path, "--no-audio", "--autostart") as (_, windows):
        client = windows[CLIENT_TITLE]
        wait_for_image(xserver, client, lambda image: target_mask(image, SHARE_BACKGROUND).any(),
                       "target")
        # The pointer comes in from outside and rests near a corner (off the target's path).
        move_pointer(xserver, 5, client.y + client.height + 40)
        move_pointer(xserver, client.x + 60, client.y + 60)
        move_pointer(xserver, client.x + 80, client.y + 70)
        frames = capture_region(xserver, client, frames=8)
        assert len(frames) >= 4
        for frame in frames:
            stray = off_blend_pixels(frame, SHARE_BACKGROUND, SHARE_TARGET, tolerance=12.0)
            assert not stray.any(), f"{stray.sum()} stray pixels (a pointer?) in the capture"
        corner = frames[-1][40:120, 40:140]
        assert not target_mask(corner, SHARE_BACKGROUND).any(), "no pointer drawn at the corner"

        # The same capture does show the pointer where bls leaves it visible: the control window.
        control = windows[CONTROL_TITLE]
        spot = XWindow(0, "pointer spot", 64, 64, control.x + 200, control.y + 260)
        move_pointer(xserver, spot.x + 20, spot.y + 20)
        seen = capture_region(xserver, spot, frames=1)[0]
        assert (seen.min(axis=2) > 200).any(), "a visible pointer shows up in the capture"


@pytest.mark.parametrize("key", ["space"])
def test_keys_in_the_client_window_stop_the_set(
    xserver: dict[str, str], tmp_path: Path, key: str,
) -> None:
    """The therapist may click the shared window by mistake: the keys still work there."""
    require_tools("xwininfo", "xdotool", "import")
    with running_share(xserver, tmp_path, "--no-audio", "--autostart") as (proc, windows):
        client = windows[CLIENT_TITLE]
        wait_for_image(xserver, client, lambda image: target_mask(image, SHARE_BACKGROUND).any(),
                       "target")
        move_pointer(xserver, client.x + client.width // 2, client.y + 40)
        press_key(xserver, key, client)
        deadline = time.monotonic() + WINDOW_TIMEOUT_S
        while True:  # stopped: the target glides home and rests in the centre
            image = window_pixels(xserver, client)
            columns = np.nonzero(target_mask(image, SHARE_BACKGROUND))[1]
            if columns.size and abs(columns.mean() - client.width / 2) < 2:
                break
            assert time.monotonic() < deadline, "the set did not stop"
            time.sleep(0.05)
        assert proc.poll() is None
