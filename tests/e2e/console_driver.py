"""A stand-in engine for console tests: opens the console alone and applies its commands.

Run as `python -m tests.e2e.console_driver COMMANDS.jsonl`. Each command the console emits is
appended to the file as one JSON line ({"command": name, ...fields}); Toggle starts and ends a
set at once (so the rating strip opens), UseProfile/SetSpeed/ChooseProfile/Rate update what the
console is shown, SaveProfile writes the profile with `bls.console.save`, Quit exits 0.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

import pygame

from bls.console.commands import (
    ChooseProfile,
    ConsoleSnapshot,
    Quit,
    Rate,
    Rating,
    SaveProfile,
    SetSpeed,
    Speed,
    Toggle,
    UseProfile,
)
from bls.console.console import SIZE_PX, TITLE, Console
from bls.console.form import hex_color
from bls.console.save import SaveError, save_profile
from bls.profiles import Library, sample_names


def describe(command: object) -> dict[str, object]:
    fields: dict[str, object] = {"command": type(command).__name__}
    if isinstance(command, UseProfile):
        profile = command.profile
        fields.update(color=hex_color(profile.target.color), path=profile.motion.path,
                      tone=profile.audio.tone)
    elif dataclasses.is_dataclass(command) and not isinstance(command, type):
        for item in dataclasses.fields(command):
            value = getattr(command, item.name)
            if isinstance(value, int | float | str | bool | None):
                fields[item.name] = value
    return fields


def main(out: Path) -> int:
    library = Library.discover()
    profile = library.load("standard")
    snapshot = ConsoleSnapshot(profile=profile, profile_names=tuple(library.names()),
                               speed_hz=profile.motion.speed_hz,
                               log_status="session log: off (--no-log)")
    pygame.display.init()
    pygame.font.init()
    window = pygame.Window(TITLE, SIZE_PX, position=(0, 0))
    console = Console(window, snapshot, sample_names=sample_names())
    print("console ready", flush=True)
    clock = pygame.time.Clock()
    with out.open("a", encoding="utf-8") as log:
        while True:
            for event in pygame.event.get():
                for command in console.handle(event):
                    log.write(json.dumps(describe(command)) + "\n")
                    log.flush()
                    if isinstance(command, Quit):
                        return 0
                    snapshot = apply(snapshot, command, library)
            console.show(snapshot)
            console.draw()
            clock.tick(120)


def apply(snapshot: ConsoleSnapshot, command: object, library: Library) -> ConsoleSnapshot:
    replace = dataclasses.replace
    if isinstance(command, Toggle):
        number = snapshot.set_number + 1
        return replace(snapshot, set_number=number, rest_after_set=number)
    if isinstance(command, Speed | SetSpeed):
        speed = command.speed_hz if isinstance(command, SetSpeed) \
            else snapshot.speed_hz + command.delta_hz
        return replace(snapshot, speed_hz=round(speed, 2))
    if isinstance(command, UseProfile):
        return replace(snapshot, profile=command.profile)
    if isinstance(command, ChooseProfile):
        profile = library.load(command.name)
        return replace(snapshot, profile=profile, speed_hz=profile.motion.speed_hz)
    if isinstance(command, Rate):
        kept = tuple(r for r in snapshot.ratings if r.set_number != command.set_number)
        rating = Rating(command.set_number, command.sud, command.voc, command.note)
        ratings = tuple(sorted((*kept, rating), key=lambda r: r.set_number))
        return replace(snapshot, ratings=ratings)
    if isinstance(command, SaveProfile):
        try:
            path = save_profile(snapshot.profile, command.name, overwrite=command.overwrite)
        except SaveError as error:
            return replace(snapshot, notice=f"not saved: {error}")
        return replace(snapshot, notice=f"saved as {path.stem}",
                       profile_names=tuple(library.names()))
    return snapshot


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
