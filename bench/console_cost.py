"""Cost of the console (pygame-gui) to the loop that also draws the client view.

Run under a real X server (`DISPLAY=:N python -m bench.console_cost`). Opens the console window
and the share mode's hand-drawn control window (the baseline: what the console replaces), and
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

from bls.commands.share.layout import CONTROL_SIZE_PX, control_buttons
from bls.commands.share.windows import ControlView
from bls.console.commands import ConsoleSnapshot, Rating
from bls.console.console import SIZE_PX, Console
from bls.profiles import Library, sample_names

ROUNDS = 200


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
    control = ControlView(CONTROL_SIZE_PX, (SIZE_PX[0] + 10, 0))
    names = library.names()
    lines = ["Standard  1.00 Hz  120 passes/min", "set 3 pass 4/24", "sound test", "late 0"]

    def redraw_console() -> None:
        console._dirty = True
        console._last_draw_s = -1e9
        assert console.draw()

    def redraw_control(k: int) -> None:
        control.show([*lines[:-1], f"late {k}"], control_buttons(CONTROL_SIZE_PX, names, False))

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
