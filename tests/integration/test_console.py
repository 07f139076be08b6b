"""The console on SDL's dummy video driver: input events in, commands out, as the therapist would
use it (keys, typing into the settings, the rating strip, saving a profile)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pygame
import pygame_gui
import pytest

from bls.clock import ManualClock
from bls.console import form
from bls.console.commands import (
    ConsoleSnapshot,
    ExportCsv,
    Key,
    Quit,
    Rate,
    Rating,
    SaveProfile,
    SetSpeed,
    Speed,
    Toggle,
    UseProfile,
)
from bls.console.console import SIZE_PX, Console
from bls.console.save import save_profile
from bls.core.profile import Profile
from bls.profiles import Library


@pytest.fixture
def console(dummy_video: None, standard: Profile, tmp_path: Path,
            monkeypatch: pytest.MonkeyPatch) -> Iterator[Console]:
    monkeypatch.setenv("BLS_CONFIG_HOME", str(tmp_path / "config"))  # never the user's profiles
    window = pygame.Window("console", SIZE_PX)
    snapshot = ConsoleSnapshot(profile=standard, profile_names=tuple(Library.discover().names()),
                               speed_hz=standard.motion.speed_hz)
    yield Console(window, snapshot, clock=ManualClock())
    window.destroy()


def key(console: Console, name: str, character: str = "") -> list[object]:
    code = pygame.key.key_code(name)
    event = pygame.event.Event(pygame.KEYDOWN, key=code, mod=0, unicode=character,
                               scancode=0, window=console.window)
    return list(console.handle(event))


def type_into(console: Console, entry: pygame_gui.elements.UITextEntryLine, text: str
              ) -> list[object]:
    """Click into `entry`, replace its text, press Enter; the commands the console gave."""
    commands = click(console, entry.rect.center)
    entry.set_text("")
    for character in text:
        commands += console.handle(pygame.event.Event(pygame.TEXTINPUT, text=character,
                                                      window=console.window))
    commands += key(console, "return", "\r")
    commands += console.handle(pygame.event.Event(pygame.KEYUP, key=pygame.K_RETURN, mod=0,
                                                  unicode="\r", scancode=0,
                                                  window=console.window))
    return commands + pending(console)


def click(console: Console, position: tuple[int, int]) -> list[object]:
    commands: list[object] = []
    for kind in (pygame.MOUSEMOTION, pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP):
        fields = {"pos": position, "window": console.window}
        if kind == pygame.MOUSEMOTION:
            fields |= {"rel": (0, 0), "buttons": (0, 0, 0)}
        else:
            fields |= {"button": 1}
        commands += console.handle(pygame.event.Event(kind, fields))
        console.manager.update(0.01)
    return commands + pending(console)


def pending(console: Console) -> list[object]:
    """The widgets' own events (posted to pygame's queue), handled as the engine would."""
    commands: list[object] = []
    for _ in range(5):  # a widget's event can lead to another (a dialog's button, then the dialog)
        for event in pygame.event.get():
            commands += console.handle(event)
    return commands


def ended_set(console: Console, number: int, ratings: tuple[Rating, ...] = ()) -> None:
    console.show(replace(console.snapshot, state="idle", set_number=number,
                         rest_after_set=number, ratings=ratings))


def test_keys_in_the_console_are_the_office_keys(console: Console) -> None:
    assert key(console, "space", " ") == [Toggle()]
    assert key(console, "up") == [Speed(+0.1)]
    assert key(console, "down") == [Speed(-0.1)]
    assert key(console, "escape") == [Quit()]
    passed = key(console, "m", "m")
    assert len(passed) == 1 and isinstance(passed[0], Key)  # mute: the engine's key


def test_after_a_set_one_digit_rates_it_and_n_skips(console: Console) -> None:
    assert isinstance(key(console, "4", "4")[0], Key)  # no set ended yet: 4 is a profile key
    ended_set(console, 1)
    assert console.strip.visible
    assert key(console, "4", "4") == [Rate(1, 4)]
    assert key(console, "t", "t") == [Rate(1, 10)]  # T is SUD 10
    assert key(console, "n", "n") == []
    assert not console.strip.visible
    assert isinstance(key(console, "4", "4")[0], Key)


def test_voc_when_asked_follows_the_sud_and_a_note_is_kept(console: Console) -> None:
    ended_set(console, 2)
    console.voc_box.set_state(True)
    console.handle(pygame.event.Event(pygame_gui.UI_CHECK_BOX_CHECKED,
                                      ui_element=console.voc_box))
    assert key(console, "3", "3") == [Rate(2, 3, None)]
    assert key(console, "9", "9") == []  # not a VOC: nothing changes
    assert key(console, "6", "6") == [Rate(2, 3, 6)]
    commands = type_into(console, console.note, "calmer, image faded")
    assert commands[-1] == Rate(2, 3, 6, "calmer, image faded")


def test_the_strip_closes_when_the_next_set_starts_and_the_chart_follows(console: Console
                                                                        ) -> None:
    ended_set(console, 1, (Rating(1, 6),))
    console.show(replace(console.snapshot, state="running", set_number=2, rest_after_set=None))
    assert not console.strip.visible
    before = pygame.image.tobytes(console.chart.image, "RGB")
    ended_set(console, 2, (Rating(1, 6), Rating(2, 3)))
    assert pygame.image.tobytes(console.chart.image, "RGB") != before


def test_the_export_button_asks_for_this_session_as_csv(console: Console) -> None:
    assert click(console, console.export.rect.center) == [ExportCsv()]


def test_a_colour_typed_in_the_settings_is_used_from_the_next_set(console: Console) -> None:
    entry = console.settings._entries["target.color"]
    commands = type_into(console, entry, "gold")
    used = [c for c in commands if isinstance(c, UseProfile)]
    assert len(used) == 1 and used[0].profile.target.color == (255, 215, 0)
    assert entry.get_text() == "#ffd700"


def test_a_typed_speed_applies_at_once(console: Console) -> None:
    commands = type_into(console, console.settings._entries["motion.speed"], "0.6")
    assert SetSpeed(0.6) in commands


@pytest.mark.parametrize(
    ("name", "text", "words"),
    [("motion.speed", "2.5", "Speed: 2.5 is out of range; allowed: 0.05 to 2 Hz"),
     ("target.color", "blurple", "Target colour: 'blurple' is not a colour"),
     ("set.passes", "0", "out of range; allowed: 1 to 500 passes"),
     ("audio.volume", "loud", "is not a number")],
)
def test_a_bad_entry_is_refused_on_screen_and_changes_nothing(
    console: Console, name: str, text: str, words: str
) -> None:
    before = form.text_of(console.snapshot.profile, name)
    commands = type_into(console, console.settings._entries[name], text)
    assert not [c for c in commands if isinstance(c, UseProfile | SetSpeed)]
    assert words in console.settings.message.text
    assert console.settings._entries[name].get_text() == before


def test_save_as_profile_refuses_a_built_in_and_asks_before_replacing(console: Console) -> None:
    settings = console.settings
    assert not [c for c in type_into(console, settings.name_entry, "Standard")
                if isinstance(c, SaveProfile)]
    assert "'standard' is a built-in profile" in settings.message.text

    assert SaveProfile("Calm gold") in type_into(console, settings.name_entry, "Calm gold")
    assert key(console, "space", " ") == [Toggle()]  # Enter saved; Space starts the next set

    save_profile(console.snapshot.profile, "Calm gold")
    commands = type_into(console, settings.name_entry, "calm gold")
    assert not [c for c in commands if isinstance(c, SaveProfile)]
    dialog = settings._confirm
    assert dialog is not None
    commands = click(console, dialog.confirm_button.rect.center)
    assert SaveProfile("calm gold", overwrite=True) in commands


def test_the_console_redraws_only_when_something_changed(console: Console) -> None:
    clock = console.clock
    assert isinstance(clock, ManualClock)
    assert console.draw()
    clock.advance(5.0)
    assert not console.draw()
    console.show(replace(console.snapshot, hud=("Standard  1.00 Hz", "late frames 3")))
    assert console.draw()
    key(console, "up")
    clock.advance(0.01)
    assert not console.draw()  # at most 30 redraws a second while in use
    clock.advance(0.05)
    assert console.draw()
