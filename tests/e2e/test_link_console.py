"""`bls run --link` for real: the console shows the client link, a QR code a phone can read, and the
client's status, which follows a real browser (Debian's chromium, on an X server of its own, as
the client's device) opening the link and tapping; Copy link reaches another program's paste; the
console's Start reaches the page.

Checked from outside: screenshots of the therapist's screen (the QR code read back module by
module and compared with the link printed on stdout; the status line's colour, which differs per
status) and of the client's screen.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np

from bls.console.qr import MIN_MODULE_PX, QUIET_ZONE_MODULES, qr_modules
from tests.e2e.browser import chromium, open_and_tap
from tests.e2e.harness import (
    merged_env,
    require_tools,
    running_xvfb,
    screenshot,
)
from tests.e2e.test_link import share_profile, target_x
from tests.e2e.test_share import (
    XWindow,
    off_blend_pixels,
    press_key,
    wait_for_windows,
    window_pixels,
)

ROOT = Path(__file__).resolve().parents[2]
PREVIEW_TITLE = "bls preview - the client sees this in their browser"
CONSOLE_TITLE = "bls console - do not share"
SHARE_BACKGROUND, SHARE_TARGET = (0, 0, 0), (0xFF, 0xD8, 0x4A)  # config/profiles/share.toml
# The status line's text colours (bls/console/gui.py): plain while waiting or connected, "#ok"
# once the client's sound is on, "#error" after the page went away.
PLAIN, OK, ERROR = (0xE6, 0xE8, 0xEC), (0x96, 0xDC, 0xA0), (0xFF, 0x96, 0x8C)
TIMEOUT_S = 30.0
SCREENSHOT_ENV = "BLS_TEST_SCREENSHOTS"  # a folder: the console's screenshots are kept there


def link_layout() -> dict[str, tuple[int, int, int, int]]:
    result = subprocess.run([sys.executable, "-m", "tests.e2e.console_layout", "--link"],
                            cwd=ROOT, capture_output=True, text=True, check=True, timeout=60)
    return {name: (x, y, w, h) for name, (x, y, w, h) in json.loads(result.stdout).items()}


def crop(image: np.ndarray, window: XWindow, rect: tuple[int, int, int, int]) -> np.ndarray:
    x, y, width, height = rect
    return image[window.y + y: window.y + y + height, window.x + x: window.x + x + width]


def read_qr(picture: np.ndarray) -> tuple[tuple[bool, ...], ...] | None:
    """The modules of the QR code drawn in `picture` (a light square with a quiet zone), read at
    each module's centre; None while no whole code is there. Asserts the drawing rules."""
    white = np.all(picture >= 250, axis=2)
    rows, columns = np.flatnonzero(white.any(axis=1)), np.flatnonzero(white.any(axis=0))
    if rows.size == 0:
        return None
    top, left = rows[0], columns[0]
    side = rows[-1] - top + 1
    if side < 50 or columns[-1] - left + 1 != side:
        return None
    code = picture[top: top + side, left: left + side]
    dark = np.all(code <= 5, axis=2)
    # The first dark row is the finder pattern's top edge, QUIET_ZONE_MODULES modules in.
    first_dark = int(np.flatnonzero(dark.any(axis=1))[0])
    assert first_dark % QUIET_ZONE_MODULES == 0
    module_px = first_dark // QUIET_ZONE_MODULES
    assert module_px >= MIN_MODULE_PX
    count, remainder = divmod(side, module_px)
    assert remainder == 0
    centres = np.arange(count) * module_px + module_px // 2
    grid = dark[np.ix_(centres, centres)]
    quiet = QUIET_ZONE_MODULES
    assert not grid[:quiet].any() and not grid[-quiet:].any()  # the quiet zone is all light
    assert not grid[:, :quiet].any() and not grid[:, -quiet:].any()
    # Every module is one flat colour: the code is sharp, not scaled.
    blocks = dark.reshape(count, module_px, count, module_px)
    assert np.all(blocks.all(axis=(1, 3)) | ~blocks.any(axis=(1, 3)))
    inner = grid[quiet:-quiet, quiet:-quiet]
    return tuple(tuple(bool(module) for module in row) for row in inner)


def status_colour(image: np.ndarray, console: XWindow,
                  layout: dict[str, tuple[int, int, int, int]]) -> tuple[int, int, int] | None:
    """Which of the status colours the status line's text is drawn in (its glyphs' cores)."""
    line = crop(image, console, layout["status:0"]).reshape(-1, 3).astype(int)
    counts = {colour: int((np.abs(line - colour).max(axis=1) <= 12).sum())
              for colour in (PLAIN, OK, ERROR)}
    best = max(counts, key=lambda colour: counts[colour])
    return best if counts[best] >= 20 else None


def click(env: Mapping[str, str], window: XWindow, rect: tuple[int, int, int, int]) -> None:
    x, y, width, height = rect
    subprocess.run(["xdotool", "mousemove", str(window.x + x + width // 2),
                    str(window.y + y + height // 2), "click", "1"],
                   env=merged_env(env), check=True, timeout=10)


def clipboard_text(env: Mapping[str, str]) -> str:
    """What another program on the display gets when it pastes."""
    code = ("import pygame; pygame.display.init(); pygame.Window('paste', (8, 8)); "
            "print(pygame.scrap.get_text(), end='')")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=merged_env(env, {"PYGAME_HIDE_SUPPORT_PROMPT": "1"}),
                            timeout=20, check=True)
    return result.stdout


def wait_for(env: Mapping[str, str], check: Callable[[np.ndarray], bool],
             what: str) -> np.ndarray:
    deadline = time.monotonic() + TIMEOUT_S
    while True:
        image = screenshot(env)
        if check(image):
            return image
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def keep(image: np.ndarray, window: XWindow, name: str, tmp_path: Path) -> None:
    """Save the console's picture (PNG) in the test's folder, and in $BLS_TEST_SCREENSHOTS."""
    import pygame

    part = np.ascontiguousarray(image[window.y: window.y + window.height,
                                      window.x: window.x + window.width])
    path = tmp_path / f"{name}.png"
    pygame.image.save(pygame.surfarray.make_surface(part.swapaxes(0, 1)), str(path))
    folder = os.environ.get(SCREENSHOT_ENV)
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(folder) / path.name)


def test_the_console_shows_the_link_as_a_qr_code_and_follows_the_client(
        xserver: dict[str, str], pulse: dict[str, str], tmp_path: Path) -> None:
    require_tools("xwininfo", "xdotool", "import", "chromium", "chromedriver", "Xvfb")
    layout = link_layout()
    env = merged_env(xserver, pulse, {"BLS_CONFIG_HOME": str(tmp_path / "config"),
                                      "PYGAME_HIDE_SUPPORT_PROMPT": "1"})
    bls = subprocess.Popen([sys.executable, "-m", "bls", "run", "--link", "--no-audio"],
                           env=env, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
    console: XWindow | None = None
    try:
        assert bls.stdout is not None
        line = b""
        while not line.startswith(b"client link: "):
            line = bls.stdout.readline()
            assert line, f"bls exited: {bls.wait()}"
        url = line.decode().strip().removeprefix("client link: ")
        windows = wait_for_windows(xserver, (PREVIEW_TITLE, CONSOLE_TITLE), bls)
        console, preview = windows[CONSOLE_TITLE], windows[PREVIEW_TITLE]
        assert preview.x + preview.width <= console.x  # side by side

        # Before any page: the QR code of the printed link, and "waiting".
        image = wait_for(xserver, lambda shot: read_qr(crop(shot, console, layout["qr"]))
                         is not None, "the QR code")
        assert read_qr(crop(image, console, layout["qr"])) == qr_modules(url)
        assert status_colour(image, console, layout) == PLAIN
        keep(image, console, "console-waiting", tmp_path)
        # Copy link: another program on the desktop (the call's chat) can paste the link.
        click(xserver, console, layout["copy"])
        deadline = time.monotonic() + TIMEOUT_S
        while (pasted := clipboard_text(xserver)) != url and time.monotonic() < deadline:
            time.sleep(0.1)
        assert pasted == url
        # The preview holds the client's picture only: background and target, no words.
        assert not off_blend_pixels(window_pixels(xserver, preview), SHARE_BACKGROUND,
                                    SHARE_TARGET).any()

        with running_xvfb() as client_screen:
            client_env = merged_env(client_screen, pulse)
            with chromium(client_env) as driver:
                open_and_tap(driver, url)
                image = wait_for(xserver, lambda shot: status_colour(shot, console, layout)
                                 == OK, "the status to say the client is ready")
                keep(image, console, "console-client-ready", tmp_path)

                # The console's Start reaches the page: the client's target leaves the centre.
                click(xserver, console, layout["toggle"])
                profile = share_profile(24)
                wait_for(client_env, lambda shot: abs(target_x(shot, profile) or 0.0) > 0.5,
                         "the set to move the target on the client's page")
            # The browser closed: the console says so, in the warning colour.
            image = wait_for(xserver, lambda shot: status_colour(shot, console, layout)
                             == ERROR, "the status to say the client went away")
            keep(image, console, "console-client-gone", tmp_path)
    finally:
        if bls.poll() is None:
            press_key(xserver, "Escape", console)
            try:
                bls.wait(timeout=10)
            except subprocess.TimeoutExpired:
                bls.kill()
                bls.wait()
    out, err = bls.communicate()
    assert bls.returncode == 0, err.decode(errors="replace")
    said = out.decode()
    assert "client page ready: sound on" in said
    assert "client page disconnected" in said

