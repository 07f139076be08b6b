"""The two-monitor X server the two-screen office tests run on: SDL must see two displays."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.e2e.harness import merged_env, screenshot

PROBE = """
import json, pygame
pygame.display.init()
print(json.dumps({"sizes": pygame.display.get_desktop_sizes()}))
"""


def test_sdl_sees_two_displays_side_by_side(two_monitors: dict[str, str]) -> None:
    result = subprocess.run([sys.executable, "-c", PROBE], env=merged_env(two_monitors),
                            capture_output=True, text=True, timeout=60, check=True)
    facts = json.loads(result.stdout.strip().splitlines()[-1])
    assert facts["sizes"] == [[1280, 720], [1280, 720]]
    assert screenshot(two_monitors).shape == (720, 2560, 3)
