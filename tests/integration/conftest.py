"""Shared fixtures for integration tests: real pygame-ce on SDL's dummy video driver."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pygame
import pytest

from bls.core.profile import Profile
from bls.profiles import Library


@pytest.fixture(scope="module")
def dummy_video() -> Iterator[None]:
    # Put the environment back afterwards: end-to-end tests in the same run start programs
    # with a copy of it, and SDL_VIDEODRIVER=dummy would give them no windows at all.
    saved = dict(os.environ)
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    pygame.display.init()
    pygame.font.init()
    yield
    pygame.quit()
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture(scope="module")
def standard() -> Profile:
    return Library.discover().load("standard")
