"""Cost of the console (pygame-gui) to the loop that also draws the client view.

Run under a real X server (`DISPLAY=:N python -m bench.console_cost`). Opens the console window
and a hand-drawn control window (the baseline: text lines and eleven buttons drawn with
pygame.draw, as share mode's control window was before the console), and
times, in rounds that alternate the two, one redraw of each (wall time and this process's CPU
time, median over rounds) and the console's event handling of a mouse motion. The console redraws
at most 30 times a second while in use, so its share of a 60 Hz frame budget is
redraw time x 30 / 60 per frame on average, and its worst frame is one redraw. Prints JSON.
"""

from __future__ import annotations

import json
import os
import statistics
import time

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pygame

from bls.console.commands import ConsoleSnapshot, Rating
from bls.console.console import SIZE_PX, Console
from bls.console.gui import RedrawPace
from bls.display.fonts import ui_font
from bls.profiles import Library, sample_names

ROUNDS = 200
CONTROL_SIZE_PX = (560, 420)


def main() -> None:
    pygame.display.init()
    pygame.font.init()
    library = Library.discover()
    profile = library.load("standard")
    snapshot = ConsoleSnapshot(profile=profile, profile_names=tuple(library.names()),
                               speed_hz=1.0, state="idle", set_number=3, rest_after_set=3,
                               hud=("Standard  1.00 Hz", "set 3", "sound test"),
                               ratings=(Rating(1, 7), Rating(2, 5)))
    console_window = pygame.Window("console", SIZE_PX, position=(0, 0))
    console = Console(console_window, snapshot, sample_names=sample_names())
    control = pygame.Window("hand-drawn", CONTROL_SIZE_PX, position=(SIZE_PX[0] + 10, 0))
    font = ui_font(17)
    lines = ["Standard  1.00 Hz  120 passes/min", "set 3 pass 4/24", "sound test", "late 0"]
    labels = ["Start", "Slower", "Faster", *library.names()[:6], "L/R check", "Quit"]

    def redraw_console() -> None:
        console.pace = RedrawPace(console.clock)  # a redraw is due at once
        assert console.draw()

    def redraw_control(k: int) -> None:
        surface = control.get_surface()
        surface.fill((28, 30, 34))
        for row, line in enumerate([*lines[:-1], f"late {k}"]):
            surface.blit(font.render(line, True, (190, 196, 204)), (16, 14 + 24 * row))
        for index, label in enumerate(labels):
            rect = pygame.Rect(16 + (index % 4) * 132, 220 + (index // 4) * 52, 122, 42)
            pygame.draw.rect(surface, (52, 58, 68), rect, border_radius=6)
            image = font.render(label, True, (240, 240, 240))
            surface.blit(image, image.get_rect(center=rect.center))
        control.flip()

    motion = pygame.event.Event(pygame.MOUSEMOTION, pos=(200, 300), rel=(1, 0), buttons=(0, 0, 0),
                                window=console_window)
    times: dict[str, list[float]] = {"console_wall": [], "console_cpu": [], "control_wall": [],
                                     "control_cpu": [], "console_event_wall": []}
    for k in range(ROUNDS):
        pygame.event.pump()
        wall, cpu = time.perf_counter(), time.process_time()
        redraw_console()
        times["console_wall"].append(time.perf_counter() - wall)
        times["console_cpu"].append(time.process_time() - cpu)
        wall, cpu = time.perf_counter(), time.process_time()
        redraw_control(k)
        times["control_wall"].append(time.perf_counter() - wall)
        times["control_cpu"].append(time.process_time() - cpu)
        wall = time.perf_counter()
        console.handle(motion)
        times["console_event_wall"].append(time.perf_counter() - wall)
    result = {name: round(statistics.median(values) * 1000, 3) for name, values in times.items()}
    result["console_wall_p95"] = round(sorted(times["console_wall"])[int(ROUNDS * 0.95)] * 1000,
                                       3)
    result["unit"] = "ms"
    print(json.dumps(result))


if __name__ == "__main__":
    main()
