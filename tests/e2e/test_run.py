"""`bls run` for real: an X server, PulseAudio, keys sent with xdotool, pixels and sound checked.

The program's frame log (BLS_FRAME_LOG: flip wall time, timeline time shown, position) says where
the target was at every flip; screenshots taken between two clock readings must show it on that
side. Waits are polls with a deadline; nothing here checks speed (the benchmarks do).
"""

from __future__ import annotations

import itertools
import math
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from bls.display.renderer import TargetRenderer
from bls.profiles import Library
from tests.e2e.harness import (
    Recorder,
    find_tone_onsets,
    merged_env,
    require_tools,
    screenshot_window,
)

REPO = Path(__file__).resolve().parents[2]
WINDOW = (960, 540)
TARGET_RGB = (0x3A, 0xA0, 0xFF)  # the standard profile's colour
WAIT_S = 30.0  # upper bound for any one thing to happen (a loaded CI machine is slow)


@dataclass(frozen=True)
class Frame:
    flip_s: float
    shown_s: float
    x: float
    y: float
    state: str


class Bls:
    """`python -m bls run ...` as a child; its stdout lines arrive in a queue."""

    def __init__(self, env: Mapping[str, str], tmp_path: Path, *args: str,
                 vsync: bool = False) -> None:
        self.frame_log = tmp_path / "frames.log"
        # Without vsync the window is never replaced: on an X server whose vsync does not keep
        # up, bls swaps to a plain window after its first seconds, and a key sent at that moment
        # would be lost.
        env = merged_env(env, {"BLS_FRAME_LOG": str(self.frame_log),
                               "BLS_CONFIG_HOME": str(tmp_path / "config"),
                               **({} if vsync else {"BLS_VSYNC": "0"})})
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bls", "run", "--window", f"{WINDOW[0]}x{WINDOW[1]}", *args],
            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.env = env

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def wait_for(self, text: str, timeout_s: float = WAIT_S) -> str:
        """The first stdout line (from now on, or already seen) that contains `text`."""
        for line in self.lines:
            if text in line:
                return line
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                line = self._queue.get(timeout=0.05)
            except queue.Empty:
                continue
            if line is None:
                break
            self.lines.append(line)
            if text in line:
                return line
        stderr = self.proc.stderr.read() if self.proc.poll() is not None else ""
        raise AssertionError(f"no line with {text!r}; got {self.lines} {stderr}")

    def window_id(self) -> str:
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            found = subprocess.run(["xdotool", "search", "--classname", "^bls$"], env=self.env,
                                   capture_output=True, text=True)
            if found.returncode == 0 and found.stdout.split():
                return found.stdout.split()[0]
            time.sleep(0.05)
        raise AssertionError("the bls window did not appear")

    def screenshot(self) -> np.ndarray | None:
        """The bls window now (looked up afresh: the window may have been replaced), or None."""
        found = subprocess.run(["xdotool", "search", "--classname", "^bls$"], env=self.env,
                               capture_output=True, text=True)
        ids = found.stdout.split()
        if found.returncode != 0 or len(ids) != 1:
            return None
        try:
            return screenshot_window(self.env, ids[0])
        except (RuntimeError, subprocess.TimeoutExpired):  # closed, or the server stalled
            return None

    def wait_to_see(self, side: str) -> float:
        """Poll screenshots until the target is seen on `side`; its centre x in pixels."""
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            image = self.screenshot()
            seen = None if image is None else target_centre_x(image)
            if seen is not None and side_of(seen_x(seen)) == side:
                return seen
        raise AssertionError(f"the target was not seen on the {side} side")

    def key(self, name: str) -> None:
        """Focus the bls window, then press a key through XTEST (retried until focused).

        Two xdotool calls, not one chain: a chained `key` aims at the window, and when the
        press makes bls quit, the release goes to a window that is gone and the key stays down
        in the server (every later window would then see Escape held and quit at once).
        """
        deadline = time.monotonic() + WAIT_S
        while True:
            focused = subprocess.run(["xdotool", "search", "--classname", "^bls$",
                                      "windowfocus", "--sync"], env=self.env,
                                     capture_output=True, timeout=WAIT_S)
            if focused.returncode == 0:
                break
            assert time.monotonic() < deadline, f"could not focus bls: {focused.stderr!r}"
            time.sleep(0.05)
        subprocess.run(["xdotool", "key", name], env=self.env, check=True, capture_output=True,
                       timeout=WAIT_S)

    def finish(self, timeout_s: float = WAIT_S) -> int:
        code = self.proc.wait(timeout=timeout_s)
        self._reader.join(timeout=timeout_s)
        while True:
            try:
                line = self._queue.get_nowait()
            except queue.Empty:
                break
            if line is not None:
                self.lines.append(line)
        return code

    def frames(self) -> list[Frame]:
        rows = self.frame_log.read_text().splitlines()[1:]
        return [Frame(float(f[0]), float(f[1]), float(f[2]), float(f[3]), f[4])
                for f in (row.split() for row in rows)]

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def desktop(xserver: dict[str, str], pulse: dict[str, str]) -> dict[str, str]:
    require_tools("xdotool", "import")
    return merged_env(xserver, pulse)


def target_centre_x(image: np.ndarray) -> float | None:
    """Horizontal centre of the target's pixels in the window, in pixels."""
    close = np.all(np.abs(image.astype(int) - TARGET_RGB) < 40, axis=2)
    columns = np.flatnonzero(close.any(axis=0))
    if columns.size == 0:
        return None
    return (columns[0] + columns[-1] + 1) / 2


def expected_x_px(x: float) -> float:
    """Where the renderer puts the centre of a target at normalised x (the standard profile)."""
    import pygame  # only for the renderer's geometry; no window is opened

    profile = Library.discover().load("standard")
    if not pygame.get_init():
        pygame.init()
    renderer = TargetRenderer(profile.target, profile.motion.amplitude, WINDOW)
    return renderer.to_pixels((x, 0.0))[0]


def seen_x(centre_px: float) -> float:
    """The normalised x whose target the renderer draws at `centre_px` (inverse of
    expected_x_px, so amplitude and margins are counted the same way both ways)."""
    at_centre = expected_x_px(0.0)
    return (centre_px - at_centre) / (expected_x_px(1.0) - at_centre)


def side_of(x: float) -> str:
    return "left" if x < -0.2 else "right" if x > 0.2 else "centre"


def test_a_set_sweeps_with_alternating_tones_and_ends_at_rest_in_the_centre(desktop, pulse,
                                                                            tmp_path):
    passes = 6
    shots: list[tuple[float, float, np.ndarray]] = []
    with Recorder(pulse) as recording:
        bls = Bls(desktop, tmp_path, "--autostart", "--exit-after-set", "--passes", str(passes),
                  vsync=True)
        try:
            bls.window_id()
            bls.wait_for("set 1 started")
            while bls.proc.poll() is None and len(shots) < 40:
                before = time.perf_counter()
                image = bls.screenshot()
                if image is not None:
                    shots.append((before, time.perf_counter(), image))
            assert bls.finish() == 0
        finally:
            bls.kill()
    bls.wait_for(f"set 1 done: {passes}/{passes} passes")
    frames = bls.frames()

    # Pictures: each screenshot shows the target on the side the frame log says it was.
    checked = 0
    for before, after, image in shots:
        # On screen: the frames flipped while the picture was taken, the two before it (the
        # X server may show a flip a moment after the program's update call returns), and the
        # next one (the log stamps a frame when present() returns, which under emulated vsync
        # is up to a frame after its picture reached the X server).
        shown_before = [f.x for f in frames if f.flip_s < before][-2:]
        shown_next = [f.x for f in frames if f.flip_s > after][:1]
        during = (shown_before + [f.x for f in frames if before <= f.flip_s <= after]
                  + shown_next)
        sides = {side_of(x) for x in during}
        if len(sides) != 1 or sides == {"centre"}:
            continue  # the target crossed the middle while the picture was taken
        seen = target_centre_x(image)
        assert seen is not None
        assert side_of(seen_x(seen)) == sides.pop()
        assert expected_x_px(min(during)) - 2 <= seen <= expected_x_px(max(during)) + 2
        checked += 1
    assert checked >= 3

    # The set ends by itself with the target at rest in the centre.
    assert frames[-1].state == "idle"
    assert (frames[-1].x, frames[-1].y) == (0.0, 0.0)

    # Sound: one tone per pass, alternating, the first on the right (pass 0 ends right), and
    # spaced like the picture's arrivals at the ends.
    onsets = find_tone_onsets(recording.samples, recording.sample_rate_hz)
    sides = [side for _, side in onsets]
    assert len(onsets) == passes
    assert sides == ["right", "left"] * (passes // 2)
    arrivals = picture_arrivals(frames)
    assert [side for _, side in arrivals] == sides
    tone_gaps = np.diff([t for t, _ in onsets])
    picture_gaps = np.diff([t for t, _ in arrivals])
    # The first tones fade in (safety rule), which moves a threshold onset a little later.
    assert np.allclose(tone_gaps[1:], picture_gaps[1:], atol=0.02)


def picture_arrivals(frames: list[Frame]) -> list[tuple[float, str]]:
    """(timeline time, side) of each arrival of the target at an end, from the frame log."""
    found = []
    for a, b, c in zip(frames, frames[1:], frames[2:], strict=False):
        if abs(b.x) > 0.9 and (b.x - a.x) * (c.x - b.x) <= 0 and b.x != a.x:
            found.append((b.shown_s, "right" if b.x > 0 else "left"))
    # The first arrival is the lead-in reaching the left end: it plays no tone.
    return found[1:]


def test_space_starts_up_speeds_up_without_a_jump_and_escape_quits_at_once(desktop, tmp_path):
    bls = Bls(desktop, tmp_path, "--no-audio", "--passes", "12")
    try:
        bls.window_id()
        bls.wait_for("Space starts a set")
        bls.key("space")
        bls.wait_for("set 1 started: 12 passes at 1.00 Hz")
        for _ in range(3):
            bls.key("Up")
        bls.wait_for("speed 1.30 Hz")
        # Let it sweep: wait until the target has been seen at the left, then at the right.
        for side in ("left", "right"):
            bls.wait_to_see(side)
        bls.key("Escape")
        assert bls.finish() == 0
    finally:
        bls.kill()
    frames = [f for f in bls.frames() if f.state == "running"]
    assert len(frames) > 10
    # No jump: between two frames the target moves no further than the fastest speed allows.
    fastest_hz = 1.3
    for a, b in itertools.pairwise(frames):
        reach = 2 * math.pi * fastest_hz * (b.shown_s - a.shown_s)  # peak speed of sine easing
        assert abs(b.x - a.x) <= reach * 1.05 + 1e-6
    # Esc quit during the set: the log ends while the set was still running.
    assert bls.frames()[-1].state == "running"


def test_the_target_rests_in_the_centre_until_a_set_is_started(desktop, tmp_path):
    bls = Bls(desktop, tmp_path, "--no-audio")
    try:
        bls.window_id()
        bls.wait_for("Space starts a set")
        seen = bls.wait_to_see("centre")
        assert abs(seen - expected_x_px(0.0)) <= 1
        bls.key("q")
        assert bls.finish() == 0
    finally:
        bls.kill()


def test_a_display_that_does_not_exist_is_one_line_and_exit_code_2(desktop, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "bls", "run", "--display", "7", "--no-audio"], cwd=REPO,
        env=merged_env(desktop, {"BLS_CONFIG_HOME": str(tmp_path)}), capture_output=True,
        text=True, timeout=WAIT_S)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "--display 7" in result.stderr and "Traceback" not in result.stderr


def test_space_during_a_set_stops_the_tones_at_once_and_the_target_glides_home(desktop, pulse,
                                                                              tmp_path):
    with Recorder(pulse) as recording:
        bls = Bls(desktop, tmp_path, "--autostart", "--passes", "24")
        try:
            bls.window_id()
            bls.wait_for("set 1 started")
            # Let a few passes go by: wait until the target has been at the right, then left.
            for side in ("right", "left", "right"):
                bls.wait_to_see(side)
            bls.key("space")
            stopped = bls.wait_for("set 1 stopped")
            bls.key("Escape")
            assert bls.finish() == 0
        finally:
            bls.kill()
    done = int(stopped.split(": ")[2].split("/")[0])
    assert 2 <= done < 24
    onsets = find_tone_onsets(recording.samples, recording.sample_rate_hz)
    assert len(onsets) == done  # no tone after the stop
    frames = bls.frames()
    assert frames[-1].state == "idle" and (frames[-1].x, frames[-1].y) == (0.0, 0.0)
