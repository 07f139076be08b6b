"""Worker: CPU time per frame of bls's renderer against the naive loop, in one process.

Run by bench/run.py in a fresh process per video driver and size (SDL picks its driver once).
The window is opened by bls's own `open_window`, as `bls run --window WxH` opens it. Both loops
draw the same positions on the same window and alternate in rounds, so machine noise
hits both alike. CPU time is this process's, plus the X server's when --server-pid is given
(under X11 the copy to the screen happens in the server). Prints one JSON object.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import time
from pathlib import Path

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pygame

from bench.results import median
from bls.core.timeline import SetTimeline
from bls.profiles import DEFAULT_PROFILE, Library

FRAME_RATE_HZ = 60


def server_cpu_s(pid: int | None) -> float:
    """CPU seconds used so far by every thread of process `pid` (ns resolution, schedstat)."""
    if not pid:
        return 0.0
    total_ns = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        total_ns += int((task / "schedstat").read_text().split()[0])
    return total_ns / 1e9


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", required=True)
    parser.add_argument("--server-pid", type=int, default=0)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--batch-s", type=float, default=0.15)
    parser.add_argument("--no-vsync", action="store_true",
                        help="open the window as bls does when vsync is not available")
    args = parser.parse_args()
    width, height = (int(part) for part in args.size.split("x"))

    profile = Library.discover().load(DEFAULT_PROFILE)
    timeline = SetTimeline.begin(0.0, profile.motion, profile.length)
    positions = [timeline.position(k / FRAME_RATE_HZ) for k in range(FRAME_RATE_HZ * 20)]

    from bls.display.renderer import TargetRenderer
    from bls.display.window import open_window

    window = open_window(size_px=(width, height), vsync=not args.no_vsync)
    screen = window.surface

    renderer = TargetRenderer(profile.target, profile.motion.amplitude, (width, height))
    renderer.prepare(screen)
    background, color = profile.target.background, profile.target.color
    radius = round(renderer.radius_px)

    def naive_frame(k: int) -> None:
        screen.fill(background)
        x, y = renderer.to_pixels(positions[k % len(positions)])
        pygame.draw.circle(screen, color, (round(x), round(y)), radius)
        pygame.display.flip()

    update_done: list[float] = []

    def bls_frame(k: int) -> None:
        pygame.display.update(renderer.draw_frame(screen, positions[k % len(positions)]))
        update_done.append(time.perf_counter())

    def batch(frame: object, start_k: int) -> tuple[float, int]:
        """Per-frame CPU seconds over a batch lasting at least `batch_s` of wall time."""
        draw = frame  # type: ignore[assignment]
        wall0, cpu0 = time.perf_counter(), time.process_time() + server_cpu_s(args.server_pid)
        k = start_k
        while True:
            for _ in range(5):
                draw(k)  # type: ignore[operator]
                k += 1
            pygame.event.pump()
            if time.perf_counter() - wall0 >= args.batch_s and k - start_k >= 10:
                break
        cpu = time.process_time() + server_cpu_s(args.server_pid) - cpu0
        return cpu / (k - start_k), k

    naive_costs, bls_costs = [], []
    k = 0
    for round_index in range(args.rounds + 1):
        naive_cost, k = batch(naive_frame, k)
        renderer.draw_full(screen)
        pygame.display.flip()
        bls_cost, k = batch(bls_frame, k)
        if round_index:  # the first round warms caches and the X server up
            naive_costs.append(naive_cost)
            bls_costs.append(bls_cost)
    intervals = [b - a for a, b in itertools.pairwise(update_done[-60:])]
    # As bls.app decides: flips that come faster than the refresh are not paced by vsync.
    paces = median(intervals) > 0.8 * window.period_s
    print(json.dumps({"driver": pygame.display.get_driver(), "vsync": window.vsync,
                      "paces": paces,
                      "bls_s": median(bls_costs),
                      "naive_s": median(naive_costs), "rounds": args.rounds}))
    pygame.display.quit()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
