"""The console on a real two-monitor X server, used through XTEST (xdotool) as a therapist would:
choose a SUD after a set, change the target's colour, save the settings as a profile.

The console runs here under a stand-in engine (`tests.e2e.console_driver`) that records every
command it gets, so each interaction is checked three ways: the command, the pixels on screen and
the files written.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import numpy as np
import pytest

from tests.e2e.harness import merged_env, require_tools, screenshot
from tests.e2e.test_share import XWindow, press_key, wait_for_windows

ROOT = Path(__file__).resolve().parents[2]
CONSOLE_TITLE = "bls console - do not share"
CHOSEN_BUTTON = (0x2F, 0x6F, 0x9F)  # "#rate_chosen" in bls/console/gui.py
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


def commands(path: Path) -> list[dict[str, object]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


@pytest.fixture
def console(two_monitors: dict[str, str], tmp_path: Path
            ) -> Iterator[tuple[XWindow, Path, Path]]:
    require_tools("xdotool", "xwininfo", "import")
    record = tmp_path / "commands.jsonl"
    config_home = tmp_path / "config"
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.e2e.console_driver", str(record)],
        env=merged_env(two_monitors, {"BLS_CONFIG_HOME": str(config_home),
                                      "PYGAME_HIDE_SUPPORT_PROMPT": "1"}),
        cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        window = wait_for_windows(two_monitors, (CONSOLE_TITLE,), proc)[CONSOLE_TITLE]
        yield window, record, config_home
        press_key(two_monitors, "Escape", window)
        assert proc.wait(timeout=TIMEOUT_S) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_a_sud_a_colour_and_a_saved_profile_through_the_console(
    two_monitors: dict[str, str], console: tuple[XWindow, Path, Path]
) -> None:
    window, record, config_home = console
    env = two_monitors
    where = layout()
    assert window.x + window.width <= 1280, "the console opens on display 0"

    # A set ends: the rating strip asks for a SUD; one key answers it.
    press_key(env, "space", window)
    wait_until(lambda: {"command": "Toggle"} in commands(record), "Toggle")
    press_key(env, "7", window)
    wait_until(lambda: commands(record)[-1] == {"command": "Rate", "set_number": 1, "sud": 7,
                                                "voc": None, "note": ""}, "Rate SUD 7")
    # Read the buttons beside their digit, where only the fill colour is.
    seven, six = (where[f"sud:{n}"] for n in (7, 6))
    wait_until(lambda: pixel(env, window, (seven[0] - 11, seven[1] + 8)) == CHOSEN_BUTTON,
               "the 7 button shown as chosen")
    assert pixel(env, window, (six[0] - 11, six[1] + 8)) != CHOSEN_BUTTON

    # A colour typed by name: the command carries it, the swatch shows it.
    click(env, window, where["field:target.color"])
    type_text(env, "gold")
    wait_until(lambda: commands(record)[-1].get("color") == "#ffd700", "UseProfile gold")
    wait_until(lambda: pixel(env, window, where["swatch:target.color"]) == (255, 215, 0),
               "a gold swatch")

    # A colour that is not one: refused, nothing sent, the swatch stays gold.
    sent = len(commands(record))
    click(env, window, where["field:target.color"])
    type_text(env, "blurple")
    time.sleep(0.5)  # the console would answer within a frame; give it many
    assert len(commands(record)) == sent
    assert pixel(env, window, where["swatch:target.color"]) == (255, 215, 0)

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

    image = screenshot(env)
    console_pixels = image[window.y:window.y + window.height, window.x:window.x + window.width]
    assert np.any(np.all(console_pixels == (255, 215, 0), axis=-1))
