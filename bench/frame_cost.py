"""Worker: CPU time per frame of what `bls run` draws and presents, against the naive loop.

Run by bench/run.py in a fresh process per video driver, size and path (SDL picks its driver
once). Each path is bls's own code, as `bls run --window WxH` runs it (`bls.display.picture`):

- vsync path (bls's default): `open_live_window` gives SDL's renderer with vsync; a frame is
  `TexturePicture.draw` (clear, the target's texture, the HUD's texture) and its present.
- plain path (no vsync, or bls's fallback): the plain window surface; a frame is
  `SurfacePicture.draw` (erase and draw the target, the HUD when its text changes) and
  `pygame.display.update` of those rectangles.

Both draw the HUD with text that changes once a second, as in a set. The naive loop is the
same on both: `screen.fill`, `pygame.draw.circle`, `pygame.display.flip`, on the window
`open_window` gives (on the vsync path pygame's vsync window, a second window shown in turn
with bls's, the other one hidden). bls and the naive loop alternate in rounds, so machine noise
hits both alike. CPU time is this process's (every thread: a software GL renderer draws in
threads), plus the X server's when --server-pid is given (under X11 the copy to the screen
happens in the server). Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import time
import warnings
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pygame

from bench.results import median
from bls.core.timeline import SetTimeline
from bls.profiles import DEFAULT_PROFILE, Library

FRAME_RATE_HZ = 60
WARM_UP_FRAMES = 5  # after a window is shown again, before a batch is timed


def server_cpu_s(pid: int | None) -> float:
    """CPU seconds used so far by every thread of process `pid` (ns resolution, schedstat)."""
    if not pid:
        return 0.0
    total_ns = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        total_ns += int((task / "schedstat").read_text().split()[0])
    return total_ns / 1e9


def hud_lines(k: int) -> list[str]:
    """HUD text like a set's: the clock and pass count change about once a second."""
    seconds = k // FRAME_RATE_HZ
    return ["Standard  1.00 Hz  120 passes/min",
            f"set 1  pass {seconds * 2}/24  {seconds // 60}:{seconds % 60:02d}  running",
            "sound portaudio 40 ms  volume 100%", "late frames 0"]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", required=True)
    parser.add_argument("--server-pid", type=int, default=0)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--batch-s", type=float, default=0.15)
    parser.add_argument("--no-vsync", action="store_true",
                        help="the plain window, as bls uses it when vsync is off or too slow")
    args = parser.parse_args()
    width, height = (int(part) for part in args.size.split("x"))

    profile = Library.discover().load(DEFAULT_PROFILE)
    timeline = SetTimeline.begin(0.0, profile.motion, profile.length)
    positions = [timeline.position(k / FRAME_RATE_HZ) for k in range(FRAME_RATE_HZ * 20)]

    from bls.display.hud import hud_corner
    from bls.display.picture import make_picture
    from bls.display.window import TextureWindow, open_live_window, open_window

    size = (width, height)
    bls_window = open_live_window(size_px=size, vsync=not args.no_vsync)
    textures = isinstance(bls_window, TextureWindow)
    picture = make_picture(bls_window, profile.target, profile.motion.amplitude,
                           hud_corner(profile.motion.path))
    if textures:
        naive_window = open_window(size_px=size, vsync=True)
        with warnings.catch_warnings():  # deprecated for drawing, but it can hide the window
            warnings.simplefilter("ignore", DeprecationWarning)
            shown_windows = (bls_window.sdl_window, pygame.Window.from_display_module())
    else:
        naive_window = bls_window
        shown_windows = ()
    screen = naive_window.surface
    background, color = profile.target.background, profile.target.color
    radius = round(picture.target.radius_px)

    def naive_frame(k: int) -> None:
        screen.fill(background)
        x, y = picture.target.to_pixels(positions[k % len(positions)])
        pygame.draw.circle(screen, color, (round(x), round(y)), radius)
        pygame.display.flip()

    intervals: list[float] = []
    last_present = [0.0]

    def bls_frame(k: int) -> None:
        if picture.draw(positions[k % len(positions)], (), hud_lines(k), ()):
            picture.present()
        now = time.perf_counter()
        if last_present[0]:
            intervals.append(now - last_present[0])
        last_present[0] = now

    def show(which: int) -> None:
        """Only window `which` (0: bls's, 1: the naive loop's) is on screen."""
        if shown_windows:
            shown_windows[which].show()
            shown_windows[1 - which].hide()

    def batch(frame: Callable[[int], None], start_k: int) -> tuple[float, int]:
        """Per-frame CPU seconds over a batch lasting at least `batch_s` of wall time."""
        last_present[0] = 0.0
        for k in range(start_k, start_k + WARM_UP_FRAMES):
            frame(k)
            pygame.event.pump()
        start_k += WARM_UP_FRAMES
        wall0, cpu0 = time.perf_counter(), time.process_time() + server_cpu_s(args.server_pid)
        k = start_k
        while True:
            for _ in range(5):
                frame(k)
                k += 1
            pygame.event.pump()
            if time.perf_counter() - wall0 >= args.batch_s and k - start_k >= 10:
                break
        cpu = time.process_time() + server_cpu_s(args.server_pid) - cpu0
        return cpu / (k - start_k), k

    naive_costs, bls_costs = [], []
    k = 0
    for round_index in range(args.rounds + 1):
        show(1)
        naive_cost, k = batch(naive_frame, k)
        show(0)
        picture.draw(positions[k % len(positions)], (), hud_lines(k), (), full=True)
        picture.present()
        bls_cost, k = batch(bls_frame, k)
        if round_index:  # the first round warms caches and the X server up
            naive_costs.append(naive_cost)
            bls_costs.append(bls_cost)
    # As bls.commands.run decides: flips that come faster than the refresh are not paced by vsync.
    paces = median(intervals[-60:]) > 0.8 * bls_window.period_s
    print(json.dumps({"driver": pygame.display.get_driver(), "textures": textures,
                      "vsync": bls_window.vsync, "paces": paces,
                      "present_without_gil": textures and bool(
                          bls_window.present_without_gil),  # type: ignore[union-attr]
                      "bls_s": median(bls_costs), "naive_s": median(naive_costs),
                      "rounds": args.rounds}))
    pygame.display.quit()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
