"""Make docs/console.png and docs/two-screens.png: the console after three rated sets.

Starts an X.Org server with two 1280x720 monitors (as the end-to-end tests do), runs
`bls run --client-display 1 --no-audio --passes 2` with empty user folders, and uses it through
XTEST as a therapist would: three sets with a SUD of 7, 5 and 3 after them, the target's colour
set to gold, the settings saved as the profile "Calm gold". Then it takes the screenshots.
Needs Xorg with the dummy driver, xrandr, xdotool, xwininfo and ImageMagick.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e.harness import merged_env, screenshot  # noqa: E402
from tests.e2e.test_console import (  # noqa: E402
    BUTTON,
    CHOSEN_BUTTON,
    CLIENT_TITLE,
    CONSOLE_TITLE,
    GOLD,
    HOVERED_BUTTON,
    beside,
    click,
    layout,
    pixel,
    type_text,
    wait_until,
)
from tests.e2e.test_share import press_key, wait_for_windows  # noqa: E402
from tests.e2e.xorg import running_xorg_two_monitors  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    args = parser.parse_args()
    where = layout()
    with running_xorg_two_monitors() as env, tempfile.TemporaryDirectory() as home:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bls", "run", "--client-display", "1", "--no-audio",
             "--passes", "2"],
            env=merged_env(env, {"BLS_CONFIG_HOME": f"{home}/config",
                                 "BLS_DATA_HOME": f"{home}/data",
                                 "PYGAME_HIDE_SUPPORT_PROMPT": "1"}),
            cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE)
        try:
            windows = wait_for_windows(env, (CLIENT_TITLE, CONSOLE_TITLE), proc)
            console = windows[CONSOLE_TITLE]
            for sud in (7, 5, 3):
                button = beside(where[f"sud:{sud}"])
                press_key(env, "space", console)
                # Look seldom while the set runs: each screenshot costs the X server a lot, and
                # the HUD in the picture counts late frames.
                time.sleep(2.5)
                while pixel(env, console, button) not in (BUTTON, HOVERED_BUTTON):
                    time.sleep(0.5)
                press_key(env, str(sud), console)
                wait_until(lambda b=button: pixel(env, console, b) == CHOSEN_BUTTON, "the SUD")
            click(env, console, where["field:target.color"])
            type_text(env, "gold")
            wait_until(lambda: pixel(env, console, where["swatch:target.color"]) == GOLD,
                       "the gold swatch")
            click(env, console, where["save_name"])
            type_text(env, "Calm gold")
            wait_until(lambda: (Path(home) / "config/profiles/calm-gold.toml").exists(),
                       "the saved profile")
            click(env, console, (console.width // 2, 8))  # the pointer off the widgets
            time.sleep(2.0)  # hover effects fade, the console settles
            image = screenshot(env)
            _save_png(image[console.y:console.y + console.height,
                            console.x:console.x + console.width], args.out / "console.png")
            _save_png(image, args.out / "two-screens.png")
            press_key(env, "Escape", console)
            proc.wait(timeout=20)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    print(json.dumps({"console": str(args.out / "console.png"),
                      "two_screens": str(args.out / "two-screens.png")}))
    return 0


def _save_png(pixels: object, path: Path) -> None:
    import numpy as np
    import pygame

    array = np.asarray(pixels)
    surface = pygame.image.frombytes(array.tobytes(), (array.shape[1], array.shape[0]), "RGB")
    pygame.image.save(surface, str(path))


if __name__ == "__main__":
    sys.exit(main())
