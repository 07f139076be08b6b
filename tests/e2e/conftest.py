"""Fixtures for end-to-end tests: one Xvfb and one private PulseAudio per test session.

Each fixture yields a dict of environment variables; pass `merged_env(xserver, pulse)` as a
subprocess's env. A missing server binary skips the test, or fails it when BLS_REQUIRE_E2E=1.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.harness import require_tools, running_pulseaudio, running_xvfb
from tests.e2e.xorg import running_xorg_two_monitors

E2E_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Session-wide hook: it sees every collected item, so pick out the ones in this folder.
    for item in items:
        if E2E_DIR in item.path.resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def xserver() -> Iterator[dict[str, str]]:
    """{"DISPLAY": ":N"} of a 1920x1080x24 Xvfb with a black root window."""
    require_tools("Xvfb", "import")
    with running_xvfb() as env:
        yield env


@pytest.fixture(scope="session")
def pulse() -> Iterator[dict[str, str]]:
    """Client variables of a private PulseAudio whose default sink is the null sink bls_test."""
    require_tools("pulseaudio", "pactl", "parec", "paplay")
    with running_pulseaudio() as env:
        yield env


@pytest.fixture(scope="session")
def two_monitors() -> Iterator[dict[str, str]]:
    """{"DISPLAY": ":N"} of an X.Org server (dummy driver) with two 1280x720 monitors side by
    side: display 0 at x 0, display 1 at x 1280."""
    require_tools("Xorg", "xrandr", "import")
    with running_xorg_two_monitors() as env:
        yield env
