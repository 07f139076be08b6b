"""Where the console's widgets are, for tests that click them: `python -m tests.e2e.console_layout`
builds the console on SDL's dummy driver (the layout depends only on the window size) and prints
{name: [x, y]} of widget centres in window coordinates, as JSON. With `--overlay WxH`: the office
settings panel's fields on a window of that size. With `--link`: the console of `bls run --link`,
with the client link block's rectangles as [x, y, width, height] (`status:N`, `qr`)."""

from __future__ import annotations

import json
import os
import sys

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pygame

from bls.console.commands import ConsoleSnapshot
from bls.console.console import LINK_SIZE_PX, SIZE_PX, Console
from bls.profiles import Library


def main() -> None:
    pygame.display.init()
    pygame.font.init()
    library = Library.discover()
    profile = library.load("standard")
    if sys.argv[1:2] == ["--overlay"]:
        from bls.console.overlay import SettingsOverlay

        width, height = (int(n) for n in sys.argv[2].split("x"))
        pygame.Window("layout", (width, height)).get_surface()
        overlay = SettingsOverlay((width, height), profile)
        left, top = overlay.rect.topleft
        entries = overlay.settings._entries
        print(json.dumps({f"field:{name}": [entry.rect.centerx + left, entry.rect.centery + top]
                          for name, entry in entries.items()}))
        return
    if sys.argv[1:2] == ["--link"]:
        console = Console(pygame.Window("layout", LINK_SIZE_PX),
                          ConsoleSnapshot(profile=profile, profile_names=tuple(library.names()),
                                          speed_hz=profile.motion.speed_hz), link=True)
        assert console.link is not None
        rects = {f"status:{i}": label.rect for i, label in enumerate(console.link.status_lines)}
        rects |= {"qr": console.link.qr_rect, "toggle": console.toggle.rect,
                  "copy": console.link.copy.rect}
        print(json.dumps({name: list(rect) for name, rect in rects.items()}))
        return
    console = Console(pygame.Window("layout", SIZE_PX),
                      ConsoleSnapshot(profile=profile, profile_names=tuple(library.names()),
                                      speed_hz=profile.motion.speed_hz))
    settings = console.settings
    centres = {f"field:{name}": entry.rect.center for name, entry in settings._entries.items()}
    centres |= {f"menu:{name}": menu.rect.center for name, menu in settings._menus.items()}
    centres |= {f"swatch:{name}": image.rect.center for name, image in settings._swatches.items()}
    centres |= {f"sud:{value}": button.rect.center
                for value, button in enumerate(console.sud_buttons)}
    centres |= {"save_name": settings.name_entry.rect.center,
                "save_button": settings.save_button.rect.center,
                "toggle": console.toggle.rect.center, "note": console.note.rect.center,
                "chart": console.chart.rect.center, "export": console.export.rect.center}
    print(json.dumps({name: list(centre) for name, centre in centres.items()}))


if __name__ == "__main__":
    main()
