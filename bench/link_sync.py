"""Sound against picture as a client sees and hears it: the client link next to a screen share.

`python -m bench.link_sync` (about 6 minutes; needs Xvfb, PulseAudio, ffmpeg, chromium and
chromedriver) runs one long set with `bls run --link` and its page in chromium, then the same set
in `bls run --share`'s client window, on the same private X server and PulseAudio. Each run is
recorded by one ffmpeg with two inputs, so both carry the same wall clock: x11grab films a strip
of the screen through the target's path at 120 fps, and the null sink's monitor is recorded. The
turns of the target at each end (a parabola fitted to its first-shown positions near the end) are
paired with the tone onsets on that side; the offset is tone minus turn (positive: the sound is
late). Printed, and written to bench/results/link_sync.{json,md}.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bls.profiles import Library  # noqa: E402
from tests.e2e.browser import chromium, open_and_tap  # noqa: E402
from tests.e2e.harness import (  # noqa: E402
    NULL_SINK,
    find_tone_onsets,
    merged_env,
    running_pulseaudio,
    running_xvfb,
)

RATE = 48_000
STRIP_Y = 540  # the target's path: the middle of a 1920x1080 page and of share's client window
STRIP_H = 8
FPS = 120
SHARE_COLUMNS = (40, 1320)  # share mode's 1280x720 client window on a 1920x1080 screen
FADE_IN_SKIP = 4  # the first tones fade in: their threshold onsets come late
RESULTS = ROOT / "bench" / "results"


@dataclass(frozen=True, slots=True)
class Capture:
    frames: np.ndarray  # (n, STRIP_H, width, 3)
    frame_s: np.ndarray  # wall time of each grab
    audio: np.ndarray  # (samples, 2) float
    audio_start_s: float  # wall time of sample 0
    audio_rate: float  # samples per wall second (fitted)


class Recording:
    """ffmpeg filming the strip and recording the sink, both stamped with the wall clock."""

    def __init__(self, env: dict[str, str], workdir: Path, width: int = 1920) -> None:
        self.workdir, self.width = workdir, width
        display = env["DISPLAY"]
        self.proc = subprocess.Popen(
            ["ffmpeg", "-hide_banner", "-loglevel", "info", "-copyts",
             "-f", "x11grab", "-framerate", str(FPS), "-video_size", f"{width}x{STRIP_H}",
             "-draw_mouse", "0", "-i", f"{display}+0,{STRIP_Y - STRIP_H // 2}",
             "-f", "pulse", "-sample_rate", str(RATE), "-channels", "2",
             "-fragment_size", "1920", "-i", f"{NULL_SINK}.monitor",
             "-map", "0:v", "-vf", "showinfo", "-fps_mode", "passthrough", "-f", "rawvideo",
             "-pix_fmt", "rgb24", "-y", str(workdir / "video.rgb"),
             "-map", "1:a", "-af", "ashowinfo", "-f", "s16le", "-y", str(workdir / "audio.s16")],
            env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
            stderr=(workdir / "ffmpeg.log").open("wb"))
        deadline = time.monotonic() + 15
        while "ashowinfo" not in (workdir / "ffmpeg.log").read_text(errors="replace"):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError("ffmpeg did not start recording")
            time.sleep(0.05)

    def finish(self) -> Capture:
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"q")
        self.proc.stdin.close()
        self.proc.wait(timeout=60)
        log = (self.workdir / "ffmpeg.log").read_text(errors="replace")
        video_pts = [int(m) for m in re.findall(r"Parsed_showinfo_\d+ @ \S+\] n:\s*\d+ pts:(\d+)",
                                               log)]
        packets = [(int(p), int(n)) for p, n in re.findall(
            r"ashowinfo_\d+ @ \S+\] n:\d+ pts:(\d+) .*?nb_samples:(\d+)", log)]
        raw = (self.workdir / "video.rgb").read_bytes()
        frame_bytes = STRIP_H * self.width * 3
        count = min(len(raw) // frame_bytes, len(video_pts))
        frames = np.frombuffer(raw[: count * frame_bytes], dtype=np.uint8).reshape(
            count, STRIP_H, self.width, 3)
        pcm = np.fromfile(self.workdir / "audio.s16", dtype="<i2")
        audio = pcm[: len(pcm) // 2 * 2].reshape(-1, 2).astype(np.float32) / 32768.0
        # Packet stamps jitter; the samples are continuous: fit wall time = a + n / rate.
        starts = np.cumsum([0] + [n for _, n in packets[:-1]])
        stamps = np.array([p for p, _ in packets], dtype=np.float64) / RATE
        slope, intercept = np.polyfit(starts, stamps, 1)
        residual = stamps - (intercept + slope * starts)
        keep = np.abs(residual - np.median(residual)) < 0.02
        slope, intercept = np.polyfit(starts[keep], stamps[keep], 1)
        return Capture(frames, np.array(video_pts[:count], dtype=np.float64) / 1e6, audio,
                       float(intercept), float(1.0 / slope))


def target_columns(frames: np.ndarray, color: tuple[int, int, int],
                   columns: tuple[int, int]) -> np.ndarray:
    """Horizontal centre of the target in each frame (pixels; NaN where it is not seen)."""
    strip = frames[:, :, columns[0]:columns[1], :].astype(np.int16)
    close = np.all(np.abs(strip - np.array(color, dtype=np.int16)) < 40, axis=3).any(axis=1)
    centres = np.full(len(frames), np.nan)
    for index, row in enumerate(close):
        found = np.flatnonzero(row)
        if found.size:
            centres[index] = columns[0] + (found[0] + found[-1] + 1) / 2
    return centres


def turns(times: np.ndarray, x: np.ndarray, fit_px: float = 30.0) -> list[tuple[float, str]]:
    """(wall time, side) of each turn at an end: a parabola through the positions shown first
    (a repeated frame is the same picture grabbed again) within `fit_px` of the extreme."""
    fresh = np.concatenate([[True], np.diff(x) != 0]) & ~np.isnan(x)
    t, x = times[fresh], x[fresh]
    centre = (np.nanmax(x) + np.nanmin(x)) / 2
    reach = (np.nanmax(x) - np.nanmin(x)) / 2
    found = []
    far = np.abs(x - centre) > 0.8 * reach
    index = 0
    while index < len(x):
        if not far[index]:
            index += 1
            continue
        end = index
        while end < len(x) and far[end] and np.sign(x[end] - centre) == np.sign(x[index] - centre):
            end += 1
        side = "right" if x[index] > centre else "left"
        seg_t, seg_x = t[index:end], np.abs(x[index:end] - centre)
        near = seg_x >= seg_x.max() - fit_px
        if near.sum() >= 4:
            a, b, _ = np.polyfit(seg_t[near] - seg_t[near][0], seg_x[near], 2)
            if a < 0:
                found.append((float(seg_t[near][0] - b / (2 * a)), side))
        index = end
    return found


def offsets(capture: Capture, color: tuple[int, int, int],
            columns: tuple[int, int]) -> tuple[np.ndarray, np.ndarray, int, int]:
    """(turn times, tone - turn offsets in s) for paired tones; and counts of turns and tones."""
    x = target_columns(capture.frames, color, columns)
    picture = turns(capture.frame_s, x)
    tones = [(capture.audio_start_s + sample_s * RATE / capture.audio_rate, side)
             for sample_s, side in find_tone_onsets(capture.audio, RATE)]
    paired_t, paired = [], []
    for tone_s, side in tones[FADE_IN_SKIP:]:
        near = [(abs(tone_s - turn_s), turn_s) for turn_s, turn_side in picture
                if turn_side == side and abs(tone_s - turn_s) < 0.2]
        if near:
            turn_s = min(near)[1]
            paired_t.append(turn_s)
            paired.append(tone_s - turn_s)
    return np.array(paired_t), np.array(paired), len(picture), len(tones)


def summary(name: str, turn_s: np.ndarray, offset_s: np.ndarray, n_turns: int,
            n_tones: int) -> dict[str, object]:
    minutes = (turn_s - turn_s[0]) / 60.0
    slope = float(np.polyfit(minutes, offset_s * 1000, 1)[0]) if len(turn_s) > 2 else math.nan
    return {"name": name, "pairs": len(offset_s), "turns": n_turns, "tones": n_tones,
            "minutes": float(minutes[-1]) if len(minutes) else 0.0,
            "median_ms": float(np.median(offset_s) * 1000), "sd_ms": float(np.std(offset_s) * 1000),
            "p95_abs_ms": float(np.percentile(np.abs(offset_s - np.median(offset_s)), 95) * 1000),
            "drift_ms_per_min": slope,
            "series": [[round(float(m), 4), round(float(o) * 1000, 2)]
                       for m, o in zip(minutes, offset_s, strict=True)]}


def measure_link(env: dict[str, str], profile_file: Path, passes: int,
                 workdir: Path) -> dict[str, object]:
    """`bls run --link` (silent itself: the client's device is the one heard) and chromium."""
    bls = subprocess.Popen(
        [sys.executable, "-m", "bls", "run", "--link", "--no-audio", "-p", str(profile_file),
         "--autostart", "--exit-after-set", "--passes", str(passes), "--no-log"],
        env={**env, "BLS_CONFIG_HOME": str(workdir / "config")}, cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert bls.stdout is not None
        line = ""
        while not line.startswith("client link: "):
            line = bls.stdout.readline()
            if not line:
                raise RuntimeError(f"bls run --link exited: {bls.communicate()[1].strip()}")
        with chromium(env) as driver:
            recording = Recording(env, workdir)
            open_and_tap(driver, line.split(": ", 1)[1].strip())
            _, errors = bls.communicate(timeout=600)
            capture = recording.finish()
    finally:
        if bls.poll() is None:
            bls.kill()
    if bls.returncode != 0:
        raise RuntimeError(f"bls run --link failed: {errors.strip()}")
    profile = Library.discover().load(str(profile_file))
    return summary("bls run --link (chromium page)",
                   *offsets(capture, profile.target.color, (0, 1920)))


def measure_share(env: dict[str, str], profile_file: Path, passes: int,
                  workdir: Path) -> dict[str, object]:
    recording = Recording(env, workdir)
    result = subprocess.run(
        [sys.executable, "-m", "bls", "run", "--share", "-p", str(profile_file), "--autostart",
         "--exit-after-set", "--passes", str(passes)],
        env={**env, "BLS_CONFIG_HOME": str(workdir / "config")}, cwd=ROOT,
        capture_output=True, text=True, timeout=600, check=False)
    capture = recording.finish()
    if result.returncode != 0:
        raise RuntimeError(f"bls run --share failed: {result.stderr.strip()}")
    profile = Library.discover().load(str(profile_file))
    return summary("bls run --share (client window)",
                   *offsets(capture, profile.target.color, SHARE_COLUMNS))


def table(rows: Sequence[dict[str, object]]) -> str:
    lines = ["| run | tone - turn, median | SD | 95% within | drift | pairs | minutes |",
             "|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['name']} | {r['median_ms']:+.1f} ms | {r['sd_ms']:.1f} ms | "
                     f"±{r['p95_abs_ms']:.1f} ms | {r['drift_ms_per_min']:+.2f} ms/min | "
                     f"{r['pairs']} of {r['tones']} tones | {r['minutes']:.1f} |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.link_sync")
    parser.add_argument("--minutes", type=float, default=2.2)
    parser.add_argument("--skip-share", action="store_true")
    args = parser.parse_args(argv)
    base = Library.discover().load("share")
    passes = math.ceil(args.minutes * 60 * 2 * base.motion.speed_hz)
    rows = []
    with tempfile.TemporaryDirectory(prefix="bls-link-sync-") as folder:
        workdir = Path(folder)
        profile_file = workdir / "measure.toml"
        # No trail: the turn is read from the target itself (the trail follows it).
        profile_file.write_text('name = "Measure"\nextends = "share"\n[target]\ntrail = 0.0\n')
        with running_xvfb() as xserver, running_pulseaudio() as pulse:
            env = merged_env(xserver, pulse)
            (workdir / "link").mkdir()
            rows.append(measure_link(env, profile_file, passes, workdir / "link"))
            print(table(rows[-1:]), flush=True)
            if not args.skip_share:
                (workdir / "share").mkdir()
                rows.append(measure_share(env, profile_file, passes, workdir / "share"))
    text = table(rows)
    print(text)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "link_sync.json").write_text(json.dumps(rows, indent=1) + "\n")
    (RESULTS / "link_sync.md").write_text(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
