"""Run every benchmark and print one table in which each figure has a same-run baseline.

`python -m bench` (or `python bench/run.py`) from the repository root. Writes
bench/results/latest.json (a list of {name, value, unit, baseline, ratio}) and latest.md.
Figures that need a display run in child processes (SDL picks its video driver once per
process); the rest run here. Noise is handled with medians and by measuring each baseline
right next to its figure, never by comparing with numbers from another day.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):  # `python bench/run.py`: make `bench` and `bls` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.results import Result, markdown_table, write

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"
SIZES = ((1920, 1080), (3840, 2160))


def _child_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    env["PYGAME_HIDE_SUPPORT_PROMPT"] = "1"
    env.pop("SDL_FRAMEBUFFER_ACCELERATION", None)  # bls's window code decides this itself
    env.update(extra)
    return env


def _worker(module: str, *args: str, env: dict[str, str], timeout_s: float = 120) -> dict:
    result = subprocess.run([sys.executable, "-m", module, *args], env=env, cwd=ROOT,
                            capture_output=True, text=True, timeout=timeout_s)
    if result.returncode != 0:
        raise RuntimeError(f"{module} {' '.join(args)} failed: {result.stderr.strip()[-800:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- figures that need a display --------------------------------------------------------------


def frame_cost(quick: bool) -> list[Result]:
    from bench.xserver import xvfb

    rounds = "3" if quick else "5"
    results = []

    def measure(label: str, env: dict[str, str], server_pid: int = 0) -> None:
        for width, height in SIZES:
            for vsync in (True, False):
                args = ["--size", f"{width}x{height}", "--rounds", rounds,
                        "--server-pid", str(server_pid)]
                figure = _worker("bench.frame_cost", *args, *([] if vsync else ["--no-vsync"]),
                                 env=env)
                path = ("vsync path, SDL renderer + textures (bls's default)" if vsync
                        else "plain window path, dirty rects (bls without vsync)")
                if vsync and not figure["textures"]:
                    path = "vsync asked, no renderer: plain window path"
                elif vsync and not figure["paces"]:
                    path = ("vsync path, SDL renderer + textures, presents not paced (bls run "
                            "leaves it after 30 frames)")
                naive = "pygame's vsync window" if vsync else "the same window"
                results.append(Result.of(
                    f"frame cost, {label} {width}x{height}, {path}: bls vs naive loop on {naive}",
                    figure["bls_s"] * 1000, "ms CPU", figure["naive_s"] * 1000))

    measure("dummy", _child_env(SDL_VIDEODRIVER="dummy"))
    with xvfb(*SIZES[-1]) as server:
        if server is None:
            print("bench: Xvfb is not installed; skipping the X11 frame-cost figures",
                  file=sys.stderr)
        else:
            display, pid = server
            env = _child_env(DISPLAY=display, SDL_VIDEODRIVER="x11")
            env.pop("WAYLAND_DISPLAY", None)
            measure("Xvfb", env, pid)
    return results


def start_up(quick: bool) -> list[Result]:
    """Wall time from spawn to the first frame: `bls run` vs the smallest pygame program."""
    env = _child_env(SDL_VIDEODRIVER="dummy")
    runs = 3 if quick else 5

    def once(*args: str) -> float:
        started = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "bench.first_frame", *args], env=env,
                                cwd=ROOT, capture_output=True, timeout=60)
        if result.returncode != 0:
            raise RuntimeError(f"first_frame {args} exited {result.returncode}: "
                               f"{result.stderr.decode(errors='replace')[-800:]}")
        return time.perf_counter() - started

    once("--naive", "1920x1080")  # warm the file cache for both
    bls_times, naive_times = [], []
    for _ in range(runs):
        bls_times.append(once("run", "--window", "1920x1080", "--no-audio"))
        naive_times.append(once("--naive", "1920x1080"))
    return [Result.of("start-up to first frame, `bls run --window 1920x1080 --no-audio` "
                      "(dummy driver) vs a bare pygame window", statistics.median(bls_times),
                      "s", statistics.median(naive_times))]


def peak_memory(quick: bool) -> list[Result]:
    env = _child_env(SDL_VIDEODRIVER="dummy")
    passes = "100" if quick else "500"
    bls = _worker("bench.long_set", "bls", "--passes", passes, "--speed", "1.0", env=env,
                  timeout_s=300)
    naive = _worker("bench.long_set", "naive", "--frames", "600", env=env)
    minutes = bls["simulated_s"] / 60
    return [Result.of(f"peak RSS over a {passes}-pass set ({minutes:.1f} min simulated in "
                      f"{bls['wall_s']:.1f} s, speed keys every 5 s), 1920x1080: bls vs naive "
                      "loop", bls["peak_rss"] / 2**20, "MiB", naive["peak_rss"] / 2**20),
            Result.of("RSS growth in the second half of that set vs in its first half "
                      "(from 10 s in): a leak grows in both", bls["growth_late"] / 2**20, "MiB",
                      bls["growth_early"] / 2**20)]


# --- figures measured in this process ---------------------------------------------------------


def audio(quick: bool) -> list[Result]:
    from bench.audio_figures import callback_cost, drift, sync

    return [*callback_cost(10.0 if quick else 30.0), *sync(),
            *drift(minutes=15.0 if quick else 90.0)]


def export(quick: bool) -> list[Result]:
    from bench.export_speed import export_speed

    return export_speed(600.0 if quick else 3600.0)


GROUPS: dict[str, Callable[[bool], list[Result]]] = {
    "frames": frame_cost,
    "audio": audio,
    "export": export,
    "startup": start_up,
    "memory": peak_memory,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=GROUPS, action="append",
                        help="run only this group (repeatable)")
    parser.add_argument("--quick", action="store_true",
                        help="shorter runs, for checking that the bench works")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    results: list[Result] = []
    for name in args.only or list(GROUPS):
        group_started = time.perf_counter()
        print(f"bench: {name} ...", file=sys.stderr, flush=True)
        results += GROUPS[name](args.quick)
        print(f"bench: {name} took {time.perf_counter() - group_started:.1f} s", file=sys.stderr,
              flush=True)
    header = (f"bls bench, {time.strftime('%Y-%m-%d %H:%M')}, {platform.machine()}, "
              f"{os.cpu_count()} CPUs, Python {platform.python_version()}"
              f"{' (quick)' if args.quick else ''}; ratio = value / baseline; "
              f"{time.perf_counter() - started:.0f} s")
    json_path, md_path = write(results, args.out, header)
    print(header)
    print(markdown_table(results))
    print(f"\nwritten: {json_path} and {md_path.name}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
