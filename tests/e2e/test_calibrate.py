"""Calibration end to end: `bls calibrate` saves what the keys chose, and a saved offset moves the
heard tones relative to the seen picture by exactly that much.

Picture and sound are captured together by one ffmpeg (x11grab + the null sink's monitor, both
stamped with the wall clock), as a screen-share or screen recorder would see and hear the session.
The target moves at constant speed, so the moment it reaches an end is where the line fits of two
sweeps meet; each tone's onset is compared with the nearest arrival on its side.
"""

from __future__ import annotations

import itertools
import stat
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pytest

from bls.settings import Settings, load_settings, save_settings
from tests.e2e.harness import NULL_SINK, SAMPLE_RATE_HZ, find_tone_onsets, merged_env, require_tools
from tests.e2e.test_share import (
    CLIENT_TITLE,
    XWindow,
    press_key,
    running_share,
    wait_for_windows,
)

REPO = Path(__file__).resolve().parents[2]
CAPTURE_S = 8
STRIP_HEIGHT_PX = 40
# Constant speed (linear), 0.5 Hz: one arrival per second, each a sharp corner in x(t).
ALIGNMENT_PROFILE = """\
name = "Alignment"
extends = "share"
[motion]
speed = 0.5
easing = "linear"
[set]
passes = 60
[target]
trail = 0.0
[audio]
tone = "click"
"""


def config_home(root: Path, offset_s: float) -> Path:
    home = root / f"offset_{round(offset_s * 1000)}"
    (home / "profiles").mkdir(parents=True)
    (home / "profiles" / "alignment.toml").write_text(ALIGNMENT_PROFILE, encoding="utf-8")
    save_settings(Settings().with_offset(offset_s), home / "settings.toml")
    return home


def capture_picture_and_sound(env: Mapping[str, str], window: XWindow, out: Path) -> None:
    """CAPTURE_S seconds of a strip across the window's middle and of the sink's monitor, with
    the wall-clock time stamps of both kept (-copyts) at full precision."""
    y = window.y + window.height // 2 - STRIP_HEIGHT_PX // 2
    command = [
        "ffmpeg", "-loglevel", "error", "-y", "-copyts",
        "-thread_queue_size", "512", "-f", "x11grab", "-draw_mouse", "0", "-framerate", "30",
        "-video_size", f"{window.width}x{STRIP_HEIGHT_PX}", "-t", str(CAPTURE_S),
        "-i", f"{env['DISPLAY']}+{window.x},{y}",
        "-thread_queue_size", "512", "-f", "pulse", "-fragment_size", "1920",
        "-sample_rate", str(SAMPLE_RATE_HZ), "-channels", "2", "-t", str(CAPTURE_S),
        "-i", f"{NULL_SINK}.monitor",
        "-fps_mode", "passthrough", "-enc_time_base:v", "-1", "-c:v", "rawvideo",
        "-pix_fmt", "rgb24", "-c:a", "pcm_s16le", str(out),
    ]  # fmt: skip
    subprocess.run(command, env=merged_env(env), check=True, capture_output=True,
                   timeout=CAPTURE_S + 60)


def _packets(path: Path, stream: str) -> tuple[np.ndarray, np.ndarray]:
    """(pts in s, size in bytes) of each packet of one stream ("v" or "a")."""
    result = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", stream, "-show_entries",
         "packet=pts_time,size", "-of", "csv=p=0", str(path)],
        capture_output=True, text=True, check=True, timeout=60)
    rows = [line.split(",") for line in result.stdout.split()]
    return (np.array([float(row[0]) for row in rows]), np.array([int(row[1]) for row in rows]))


def _decode(path: Path, stream: int, output_format: list[str]) -> bytes:
    return subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-map", f"0:{stream}",
                           *output_format, "-"], capture_output=True, check=True,
                          timeout=60).stdout


def arrivals(path: Path, width: int) -> list[tuple[float, str]]:
    """(wall time, side) of each moment the target reaches an end, from the captured strip."""
    times, _ = _packets(path, "v")
    raw = _decode(path, 0, ["-f", "rawvideo", "-pix_fmt", "rgb24"])
    frames = np.frombuffer(raw, np.uint8).reshape(-1, STRIP_HEIGHT_PX, width, 3)
    count = min(len(frames), len(times))
    centres = []
    for frame in frames[:count]:
        columns = np.nonzero((frame.max(axis=2) > 60).any(axis=0))[0]
        centres.append((columns.min() + columns.max()) / 2 if columns.size else np.nan)
    x, t = np.array(centres), times[:count]
    seen = ~np.isnan(x)
    x, t = x[seen], t[seen]
    low, high = np.percentile(x, 2), np.percentile(x, 98)
    # Frames well inside the sweep, grouped into runs going one way: one line fit per sweep.
    inner = (x > low + 0.15 * (high - low)) & (x < high - 0.15 * (high - low))
    direction = np.sign(np.gradient(x, t))
    sweeps: list[list[int]] = []
    run: list[int] = []
    for index in range(len(t)):
        continues = run and direction[index] == direction[run[-1]] and t[index] - t[run[-1]] < 0.2
        if inner[index] and (not run or continues):
            run.append(index)
            continue
        if len(run) >= 6:
            sweeps.append(run)
        run = [index] if inner[index] else []
    if len(run) >= 6:
        sweeps.append(run)
    fits = [(np.polyfit(t[s], x[s], 1), direction[s[0]]) for s in sweeps]
    found = []
    for (first, first_way), (second, second_way) in itertools.pairwise(fits):
        if first_way != second_way:
            meet = (second[1] - first[1]) / (first[0] - second[0])
            found.append((float(meet), "right" if first_way > 0 else "left"))
    return found


def tone_onsets(path: Path) -> list[tuple[float, str]]:
    """(wall time, side) of each tone in the captured sound."""
    times, sizes = _packets(path, "a")
    pcm = np.frombuffer(_decode(path, 1, ["-f", "s16le"]), "<i2").reshape(-1, 2)
    starts = np.concatenate([[0], np.cumsum(sizes // 4)])
    found = []
    for onset_s, side in find_tone_onsets(pcm.astype(np.float32) / 32768.0, SAMPLE_RATE_HZ):
        sample = round(onset_s * SAMPLE_RATE_HZ)
        packet = int(np.searchsorted(starts, sample, side="right") - 1)
        found.append((float(times[packet] + (sample - starts[packet]) / SAMPLE_RATE_HZ), side))
    return found


def sound_minus_picture_s(env: Mapping[str, str], home: Path, out: Path) -> list[float]:
    """For each arrival of the target at an end: tone onset minus arrival, in seconds."""
    with running_share(env, home, "-p", "alignment", "--autostart") as (_, windows):
        client = windows[CLIENT_TITLE]
        capture_picture_and_sound(env, client, out)
    tones = tone_onsets(out)
    lags = []
    for arrived_s, side in arrivals(out, client.width):
        near = [t for t, s in tones if s == side and abs(t - arrived_s) < 0.45]
        if near:
            lags.append(near[0] - arrived_s)
    return lags


def warm_up(env: Mapping[str, str], root: Path) -> None:
    """One measurement thrown away first: on a freshly started sound server the first stream and
    the first recording settle their latency while they run (measured: tones 40-90 ms early in
    that run only, then within a few ms of each other run after run)."""
    sound_minus_picture_s(env, config_home(root, 0.0), root / "warm-up.nut")


@pytest.mark.parametrize("offset_s", [0.200])
def test_a_saved_offset_delays_the_picture_against_the_sound_by_that_much(
    xserver: dict[str, str], pulse: dict[str, str], tmp_path: Path, offset_s: float,
) -> None:
    require_tools("ffmpeg", "ffprobe", "xwininfo", "xdotool")
    env = {**xserver, **pulse}
    warm_up(env, tmp_path / "warm-up")
    lags = {}
    for offset in (0.0, offset_s):
        lags[offset] = sound_minus_picture_s(env, config_home(tmp_path, offset),
                                             tmp_path / f"capture_{round(offset * 1000)}.nut")
        assert len(lags[offset]) >= 4, f"offset {offset}: too few arrivals matched a tone"
    shift = float(np.median(lags[0.0]) - np.median(lags[offset_s]))
    print(f"sound minus picture, median: {np.median(lags[0.0]) * 1000:.1f} ms at offset 0, "
          f"{np.median(lags[offset_s]) * 1000:.1f} ms at {offset_s * 1000:g} ms; "
          f"shift {shift * 1000:.1f} ms")
    # The picture waits `offset_s` longer, so each tone now comes that much earlier against it.
    # Within a run the arrivals agree to a few ms; from run to run the sound path through
    # PulseAudio settles up to about 20 ms differently, and a 30 fps capture frame is 33 ms.
    assert shift == pytest.approx(offset_s, abs=0.030), (
        f"tones moved {shift * 1000:.1f} ms against the picture; lags (ms) at 0: "
        f"{np.round(np.array(lags[0.0]) * 1000, 1)}, at {offset_s * 1000:g}: "
        f"{np.round(np.array(lags[offset_s]) * 1000, 1)}")


def start_calibrate(env: Mapping[str, str], config_home: Path) -> subprocess.Popen[bytes]:
    """`bls calibrate` on the test display and sound server, saving into `config_home`."""
    return subprocess.Popen(
        [sys.executable, "-m", "bls", "calibrate"],
        env=merged_env(env, {"BLS_CONFIG_HOME": str(config_home),
                             "PYGAME_HIDE_SUPPORT_PROMPT": "1"}),
        cwd=REPO, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_calibrate_saves_the_offset_chosen_with_the_arrow_keys(
    xserver: dict[str, str], pulse: dict[str, str], tmp_path: Path,
) -> None:
    """A Bluetooth headset 150 ms late: six Shift+Left (25 ms each), then Enter."""
    require_tools("xwininfo", "xdotool")
    env = {**xserver, **pulse}
    proc = start_calibrate(env, tmp_path)
    try:
        window = wait_for_windows(env, ("bls calibrate",), proc)["bls calibrate"]
        for _ in range(6):
            press_key(env, "shift+Left", window)
        press_key(env, "Right")
        press_key(env, "Left")
        press_key(env, "Return")
        stdout, stderr = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, stderr.decode(errors="replace")
    assert b"150 ms" in stdout
    path = tmp_path / "settings.toml"
    assert load_settings(path).audio_offset_s == pytest.approx(0.150)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_calibrate_leaves_the_saved_offset_alone_on_escape(
    xserver: dict[str, str], pulse: dict[str, str], tmp_path: Path,
) -> None:
    require_tools("xwininfo", "xdotool")
    env = {**xserver, **pulse}
    save_settings(Settings().with_offset(0.080), tmp_path / "settings.toml")
    proc = start_calibrate(env, tmp_path)
    try:
        window = wait_for_windows(env, ("bls calibrate",), proc)["bls calibrate"]
        press_key(env, "Left", window)
        press_key(env, "Escape")
        proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0
    assert load_settings(tmp_path / "settings.toml").audio_offset_s == pytest.approx(0.080)
