"""The two-screen office for real: `bls run --client-display 1` on an X server with two monitors,
the console used through XTEST (xdotool) as a therapist would: a set, a SUD after it, the target's
colour changed, the settings saved as a profile. Checked in screenshots and in the files written.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import numpy as np
import pytest

from tests.e2e.harness import merged_env, require_tools, screenshot
from tests.e2e.test_share import (
    XWindow,
    off_blend_pixels,
    press_key,
    target_mask,
    wait_for_windows,
    window_pixels,
)

ROOT = Path(__file__).resolve().parents[2]
CONSOLE_TITLE = "bls console - do not share"
CLIENT_TITLE = "bls client view"
CHOSEN_BUTTON = (0x2F, 0x6F, 0x9F)  # "#rate_chosen" in bls/console/gui.py
BUTTON, HOVERED_BUTTON = (0x34, 0x3A, 0x44), (0x46, 0x60, 0x7C)
SUD_POINT = (255, 215, 90)  # the trend chart's points (bls/console/console.py)
BACKGROUND, TARGET, GOLD = (0x10, 0x14, 0x18), (0x3A, 0xA0, 0xFF), (255, 215, 0)
TOMATO = (255, 99, 71)
TIMEOUT_S = 20.0


def layout() -> dict[str, tuple[int, int]]:
    result = subprocess.run([sys.executable, "-m", "tests.e2e.console_layout"], cwd=ROOT,
                            capture_output=True, text=True, check=True, timeout=60)
    return {name: (x, y) for name, (x, y) in json.loads(result.stdout).items()}


def xdotool(env: Mapping[str, str], *args: str) -> None:
    subprocess.run(["xdotool", *args], env=merged_env(env), check=True, timeout=10)


def click(env: Mapping[str, str], window: XWindow, at: tuple[int, int]) -> None:
    xdotool(env, "mousemove", str(window.x + at[0]), str(window.y + at[1]))
    xdotool(env, "click", "1")


def type_text(env: Mapping[str, str], text: str) -> None:
    xdotool(env, "key", "ctrl+a")
    xdotool(env, "type", "--delay", "40", text)
    xdotool(env, "key", "Return")


def pixel(env: Mapping[str, str], window: XWindow, at: tuple[int, int]) -> tuple[int, ...]:
    image = screenshot(env)
    return tuple(int(v) for v in image[window.y + at[1], window.x + at[0]])


def wait_until(check: object, what: str) -> None:
    assert callable(check)
    deadline = time.monotonic() + TIMEOUT_S
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def beside(at: tuple[int, int]) -> tuple[int, int]:
    """A point on a rating button's fill, off its digit."""
    return at[0] - 11, at[1] + 8


@pytest.fixture
def office(two_monitors: dict[str, str], tmp_path: Path
           ) -> Iterator[tuple[XWindow, XWindow, Path]]:
    """`bls run --client-display 1 --no-audio`: (client view, console, config folder)."""
    require_tools("xdotool", "xwininfo", "import")
    config_home = tmp_path / "config"
    proc = subprocess.Popen(
        [sys.executable, "-m", "bls", "run", "--client-display", "1", "--no-audio",
         "--passes", "2"],
        env=merged_env(two_monitors, {"BLS_CONFIG_HOME": str(config_home),
                                      "BLS_DATA_HOME": str(tmp_path / "data"),
                                      "PYGAME_HIDE_SUPPORT_PROMPT": "1"}),
        cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        windows = wait_for_windows(two_monitors, (CLIENT_TITLE, CONSOLE_TITLE), proc)
        yield windows[CLIENT_TITLE], windows[CONSOLE_TITLE], config_home
        press_key(two_monitors, "Escape", windows[CONSOLE_TITLE])
        assert proc.wait(timeout=TIMEOUT_S) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_the_client_view_fills_display_1_with_only_background_and_target(
    two_monitors: dict[str, str], office: tuple[XWindow, XWindow, Path]
) -> None:
    client, console, _ = office
    assert (client.x, client.y, client.width, client.height) == (1280, 0, 1280, 720)
    assert console.x + console.width <= 1280, "the console is on display 0"
    wait_until(lambda: target_mask(window_pixels(two_monitors, client), BACKGROUND).any(),
               "the target at rest")
    image = window_pixels(two_monitors, client)
    stray = off_blend_pixels(image, BACKGROUND, TARGET)
    assert not stray.any(), f"{stray.sum()} pixels are neither background nor target"
    # The console holds the words: many colours (anti-aliased text), not one flat fill.
    words = window_pixels(two_monitors, console)
    assert len(np.unique(words.reshape(-1, 3), axis=0)) > 8


def test_a_sud_a_colour_and_a_saved_profile_through_the_console(
    two_monitors: dict[str, str], office: tuple[XWindow, XWindow, Path]
) -> None:
    client, window, config_home = office
    env = two_monitors
    where = layout()

    # A set of two passes runs and ends: the rating strip asks for a SUD; one key answers.
    press_key(env, "space", window)
    seven, six = (where[f"sud:{n}"] for n in (7, 6))
    wait_until(lambda: pixel(env, window, beside(seven)) in (BUTTON, HOVERED_BUTTON),
               "the rating strip after the set")
    press_key(env, "7", window)
    wait_until(lambda: pixel(env, window, beside(seven)) == CHOSEN_BUTTON,
               "the 7 button shown as chosen")
    assert pixel(env, window, beside(six)) != CHOSEN_BUTTON
    # The SUD is in this session's log, as `bls log list` shows it.
    data_home = config_home.parent / "data"

    def logged_suds() -> str:
        listed = subprocess.run([sys.executable, "-m", "bls", "log", "list"], cwd=ROOT,
                                capture_output=True, text=True, timeout=60,
                                env=merged_env({"BLS_DATA_HOME": str(data_home)}))
        return listed.stdout.strip().splitlines()[-1] if listed.returncode == 0 else ""

    wait_until(lambda: logged_suds().split()[-2:] == ["7", "7"], "SUD 7 in the session log")
    wait_until(lambda: bool(np.all(window_pixels(env, window) == SUD_POINT, axis=-1).any()),
               "the SUD on the trend chart")

    # Export CSV: one click puts this session, SUD included, in the Documents folder.
    documents = Path(os.environ["BLS_DOCUMENTS_HOME"])
    click(env, window, where["export"])
    wait_until(lambda: any(documents.glob("bls-session-*.csv")), "the exported CSV")
    exported = next(documents.glob("bls-session-*.csv"))
    with exported.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(row["set"], row["sud"], row["ended"]) for row in rows] == [("1", "7", "completed")]

    # A colour typed by name: the swatch and the client's target turn gold at once (at rest).
    click(env, window, where["field:target.color"])
    type_text(env, "gold")
    wait_until(lambda: pixel(env, window, where["swatch:target.color"]) == GOLD, "a gold swatch")
    wait_until(lambda: pixel(env, client, (640, 360)) == GOLD, "a gold target at rest")

    # A colour that is not one: refused on screen, the target stays gold.
    click(env, window, where["field:target.color"])
    type_text(env, "blurple")
    time.sleep(0.5)  # the console answers within a frame; give it many
    assert pixel(env, client, (640, 360)) == GOLD
    assert pixel(env, window, where["swatch:target.color"]) == GOLD

    # Save as profile: a file bls accepts, with the colour in it.
    click(env, window, where["save_name"])
    type_text(env, "Calm gold")
    saved = config_home / "profiles" / "calm-gold.toml"
    wait_until(saved.exists, "the saved profile")
    assert 'color = "#ffd700"' in saved.read_text()
    check = subprocess.run([sys.executable, "-m", "bls", "profiles", "check", str(saved)],
                           cwd=ROOT, capture_output=True, text=True, timeout=60,
                           env=merged_env({"BLS_CONFIG_HOME": str(config_home)}))
    assert check.returncode == 0, check.stderr
    settings = (config_home / "settings.toml").read_text()
    assert 'last_profile = "calm-gold"' in settings


def test_one_display_only_is_refused_with_the_displays_listed(
    xserver: dict[str, str], tmp_path: Path
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bls", "run", "--client-display", "1", "--no-audio"],
        env=merged_env(xserver, {"BLS_CONFIG_HOME": str(tmp_path / "config"),
                                 "BLS_DATA_HOME": str(tmp_path / "data"),
                                 "PYGAME_HIDE_SUPPORT_PROMPT": "1"}),
        cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "0: 1920x1080" in lines[0], result.stderr


def test_the_office_settings_panel_opens_with_s_and_changes_the_next_set(
    xserver: dict[str, str], tmp_path: Path
) -> None:
    """One screen: S opens the settings over the picture between sets, a colour typed there is
    the target's at once (it rests), Esc closes the panel (the picture is whole again) and a
    second Esc quits."""
    require_tools("xdotool", "xwininfo", "import")
    result = subprocess.run([sys.executable, "-m", "tests.e2e.console_layout", "--overlay",
                             "1280x720"], cwd=ROOT, capture_output=True, text=True, check=True,
                            timeout=60)
    colour_field = json.loads(result.stdout)["field:target.color"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "bls", "run", "--window", "1280x720", "--no-audio",
         "-p", "standard"],
        env=merged_env(xserver, {"BLS_CONFIG_HOME": str(tmp_path / "config"),
                                 "BLS_DATA_HOME": str(tmp_path / "data"),
                                 "PYGAME_HIDE_SUPPORT_PROMPT": "1"}),
        cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        window = wait_for_windows(xserver, ("bls",), proc)["bls"]
        centre = (window.width // 2, window.height // 2)
        wait_until(lambda: pixel(xserver, window, centre) == TARGET, "the target at rest")
        panel_spot = (colour_field[0] - 200, colour_field[1])  # a label's row, left of the field
        before = pixel(xserver, window, panel_spot)

        press_key(xserver, "s", window)
        wait_until(lambda: pixel(xserver, window, panel_spot) != before, "the settings panel")
        click(xserver, window, (colour_field[0], colour_field[1]))
        type_text(xserver, "tomato")
        press_key(xserver, "Escape", window)
        wait_until(lambda: pixel(xserver, window, panel_spot) == before, "the panel closed")
        wait_until(lambda: pixel(xserver, window, centre) == TOMATO, "a tomato target")
        assert proc.poll() is None, "Esc closed the panel, it did not quit"

        press_key(xserver, "Escape", window)
        assert proc.wait(timeout=TIMEOUT_S) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
