"""Worker: peak memory of `bls run` over a long set, on a simulated clock, as fast as it goes.

`python -m bench.long_set bls --passes 500` runs bls's own live loop (`bls.live.engine.LiveLoop`
with the office layout) in a 1920x1080 window: the frame pacer's waits advance a simulated clock
to each next refresh, and the audio callback body renders
every block up to the time shown, as a device would. The speed keys are pressed every few
seconds. `python -m bench.long_set naive --frames N` runs the naive loop in the same window
size. Prints one JSON object: the peak RSS (ru_maxrss) and the RSS growth in each half of the
set.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import numpy as np
import pygame

from bls.core.profile import with_overrides
from bls.profiles import DEFAULT_PROFILE, Library

SIZE_PX = (1920, 1080)
FRAME_S = 1 / 60
BLOCK_FRAMES = 256
SPEED_KEY_EVERY_S = 5.0


def rss_bytes() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def peak_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def run_bls(passes: int, speed_hz: float) -> dict[str, float]:
    from bls.audio.output import AudioOutput
    from bls.clock import ManualClock
    from bls.commands.run import OfficeLayout
    from bls.core.session import Session
    from bls.display.pacer import FramePacer
    from bls.display.window import open_window
    from bls.live.controls import Action, Kind
    from bls.live.engine import LiveLoop
    from bls.sounds import voice_for

    profile = with_overrides(Library.discover().load(DEFAULT_PROFILE), speed_hz=speed_hz,
                             passes=passes, seconds=None)
    clock = ManualClock(1000.0)

    class DeviceOnTheClock(AudioOutput):
        """The callback runs for every block due by the time the picture asks about."""

        def heard_time(self, wall_s: float) -> float:
            origin = self._started_wall_s or 0.0
            while origin + self._frames / self.sample_rate < wall_s + self.latency_s:
                callback_wall = origin + self._frames / self.sample_rate
                self._render(self._block, callback_wall, callback_wall + self.latency_s)
            return super().heard_time(wall_s)

    output = DeviceOnTheClock(voice_for(profile.audio, 48_000), clock=clock, latency_s=0.04,
                              backend="simulated")
    output._block = np.zeros((BLOCK_FRAMES, 2), dtype=np.float32)  # type: ignore[attr-defined]
    window = open_window(size_px=SIZE_PX, vsync=False)
    output.start()
    frames = [0]
    rss_at: dict[str, int] = {}
    expected_frames = round((passes / (2 * speed_hz) + 2.0) / FRAME_S)  # the set, lead-in, glide

    class Accelerated(LiveLoop):
        def _frame(self):  # type: ignore[no-untyped-def]
            frames[0] += 1
            if frames[0] == round(10 / FRAME_S):
                rss_at["early"] = rss_bytes()
            if frames[0] == (round(10 / FRAME_S) + expected_frames) // 2:
                rss_at["middle"] = rss_bytes()
            if frames[0] % round(SPEED_KEY_EVERY_S / FRAME_S) == 0:
                step = 0.1 if (frames[0] // round(SPEED_KEY_EVERY_S / FRAME_S)) % 2 else -0.1
                self.controller.apply(Action(Kind.SPEED, step))
            return super()._frame()

    live = Accelerated(Session(profile), OfficeLayout(window, profile, SIZE_PX), output, clock,
                       offset_s=0.0, autostart=True, exit_after_set=True)
    # Clock-timed frames whose waits move the simulated clock: one refresh per frame.
    live.pacer = FramePacer(clock, FRAME_S, vsync=False, sleep=clock.advance)
    started = time.perf_counter()
    live.run()
    output.close()
    return {"frames": frames[0], "simulated_s": frames[0] * FRAME_S,
            "wall_s": time.perf_counter() - started, "peak_rss": peak_rss_bytes(),
            "growth_early": rss_at["middle"] - rss_at["early"],
            "growth_late": rss_bytes() - rss_at["middle"]}


def run_naive(frames: int) -> dict[str, float]:
    pygame.display.init()
    screen = pygame.display.set_mode(SIZE_PX)
    width, height = SIZE_PX
    rss_early = 0
    for k in range(frames):
        screen.fill((16, 20, 24))
        x = width / 2 + 0.9 * width / 2 * np.sin(k * FRAME_S * np.pi)
        pygame.draw.circle(screen, (58, 160, 255), (round(x), height // 2), height // 40)
        pygame.display.flip()
        pygame.event.pump()
        if k == frames // 10:
            rss_early = rss_bytes()
    return {"frames": frames, "peak_rss": peak_rss_bytes(), "growth": rss_bytes() - rss_early}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("which", choices=("bls", "naive"))
    parser.add_argument("--passes", type=int, default=500)
    parser.add_argument("--speed", type=float, default=1.0)
    parser.add_argument("--frames", type=int, default=600)
    args = parser.parse_args()
    result = run_bls(args.passes, args.speed) if args.which == "bls" else run_naive(args.frames)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
