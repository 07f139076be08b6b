"""The console's client link block on SDL's dummy driver: the QR code as drawn (module for module
segno's code, with its quiet zone, sharp and big enough for a phone), the status words as the
server's status changes, the link copied and never edited."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pygame
import pytest

from bls.clock import ManualClock
from bls.console.commands import ConsoleSnapshot, Toggle
from bls.console.console import LINK_SIZE_PX, Console
from bls.console.link_block import STARTING
from bls.console.qr import (
    DARK,
    LIGHT,
    MIN_MODULE_PX,
    QUIET_ZONE_MODULES,
    qr_modules,
    qr_surface,
)
from bls.core.profile import Profile
from bls.link.status import LinkStatus, status_words
from bls.profiles import Library

URL = "http://127.0.0.1:18000/3q2-7wEVL9aU6mbmxgHh4w/"
LAN_URL = "https://therapy-room-laptop.local:8443/3q2-7wEVL9aU6mbmxgHh4w/"


def pixels(surface: pygame.Surface) -> np.ndarray:
    return pygame.surfarray.array3d(surface).swapaxes(0, 1)  # (rows, columns, rgb)


@pytest.mark.parametrize("url", [URL, LAN_URL])
@pytest.mark.parametrize("max_side_px", [120, 300])
def test_the_drawn_code_is_segnos_code_module_for_module_with_its_quiet_zone(
        dummy_video: None, url: str, max_side_px: int) -> None:
    modules = qr_modules(url)
    count = len(modules)
    assert count >= 21 and count % 4 == 1  # a regular QR code (versions 1-40), not a micro one
    image = pixels(qr_surface(url, max_side_px))
    side = count + 2 * QUIET_ZONE_MODULES
    assert image.shape[0] == image.shape[1] and image.shape[0] % side == 0
    module_px = image.shape[0] // side
    assert module_px >= MIN_MODULE_PX
    assert image.shape[0] <= max(max_side_px, side * MIN_MODULE_PX)
    # Every module is a flat square of one colour, and the colour is segno's.
    blocks = image.reshape(side, module_px, side, module_px, 3)
    first = blocks[:, :1, :, :1]
    assert (blocks == first).all()
    dark = np.all(first[:, 0, :, 0] == DARK, axis=2)
    light = np.all(first[:, 0, :, 0] == LIGHT, axis=2)
    assert (dark | light).all()
    quiet = QUIET_ZONE_MODULES
    assert light[:quiet].all() and light[-quiet:].all()
    assert light[:, :quiet].all() and light[:, -quiet:].all()
    assert tuple(tuple(bool(m) for m in row) for row in dark[quiet:-quiet, quiet:-quiet]) \
        == modules


@pytest.fixture
def console(dummy_video: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
            ) -> Iterator[Console]:
    monkeypatch.setenv("BLS_CONFIG_HOME", str(tmp_path / "config"))
    profile: Profile = Library.discover().load("share")
    window = pygame.Window("console", LINK_SIZE_PX)
    snapshot = ConsoleSnapshot(profile=profile, profile_names=tuple(Library.discover().names()),
                               speed_hz=profile.motion.speed_hz)
    yield Console(window, snapshot, clock=ManualClock(), link=True)
    window.destroy()


def show(console: Console, url: str, status: LinkStatus | None) -> None:
    console.show(replace(console.snapshot, link_url=url, link_status=status))


def test_the_status_words_follow_the_server_from_waiting_to_ready_and_back(
        console: Console) -> None:
    block = console.link
    assert block is not None
    assert block.words() == STARTING  # the server is not serving yet
    steps = [LinkStatus(), LinkStatus(pages=1), LinkStatus(pages=1, ready=True),
             LinkStatus(last_disconnect_s=5.0), LinkStatus(pages=1, ready=True,
                                                           last_disconnect_s=5.0)]
    for status in steps:
        show(console, URL, status)
        assert block.words() == status_words(status)
    assert block.entry.get_text() == URL


def test_the_qr_code_in_the_console_is_the_links(console: Console) -> None:
    block = console.link
    assert block is not None
    show(console, URL, LinkStatus())
    console.draw()
    shown = pixels(console.window.get_surface())
    x, y = block.qr_rect.topleft
    expected = pixels(qr_surface(URL, block.qr_rect.width))
    height, width = expected.shape[:2]
    assert (shown[y:y + height, x:x + width] == expected).all()


def event(console: Console, kind: int, **fields: object) -> list[object]:
    return list(console.handle(pygame.event.Event(kind, window=console.window, **fields)))


def click(console: Console, at: tuple[int, int]) -> list[object]:
    commands = event(console, pygame.MOUSEMOTION, pos=at, rel=(0, 0), buttons=(0, 0, 0))
    for kind in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP):
        commands += event(console, kind, pos=at, button=1)
        console.manager.update(0.01)
    for posted in pygame.event.get():
        commands += console.handle(posted)
    return commands


def test_copy_link_puts_the_link_on_the_clipboard(console: Console) -> None:
    block = console.link
    assert block is not None
    show(console, URL, LinkStatus())
    pygame.scrap.put_text("something else")
    assert click(console, block.copy.rect.center) == []
    assert pygame.scrap.get_text() == URL
    assert block.copied.text == "copied"


def test_the_link_can_be_selected_but_not_changed_and_space_still_starts_a_set(
        console: Console) -> None:
    block = console.link
    assert block is not None
    show(console, URL, LinkStatus())
    click(console, block.entry.rect.center)
    assert block.typing
    for character in "oops":
        console.handle(pygame.event.Event(pygame.TEXTINPUT, text=character,
                                          window=console.window))
    for posted in pygame.event.get():
        console.handle(posted)
    assert block.entry.get_text() == URL
    click(console, (console.window.size[0] - 20, console.window.size[1] - 20))  # away from it
    assert not block.typing
    space = pygame.event.Event(pygame.KEYDOWN, key=pygame.K_SPACE, mod=0, unicode=" ",
                               scancode=0, window=console.window)
    assert console.handle(space) == [Toggle()]


def test_without_the_link_the_console_has_no_link_block(dummy_video: None) -> None:
    profile = Library.discover().load("standard")
    window = pygame.Window("console", (560, 900))
    try:
        console = Console(window, ConsoleSnapshot(profile=profile, profile_names=("standard",),
                                                  speed_hz=1.0))
        assert console.link is None
    finally:
        window.destroy()
