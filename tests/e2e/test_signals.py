"""SIGTERM to a running bls, as a service manager, `kill` or a closed terminal sends it: the
sound fades out (no click), the terminal gets its echo back, no partial file is left, and the
exit code says which signal it was."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import termios
import time
from pathlib import Path

import numpy as np
import pytest

from tests.e2e.harness import Recorder, merged_env
from tests.e2e.test_tap_terminal import Terminal

REPO = Path(__file__).resolve().parents[2]
TIMEOUT_S = 20.0
# Two tones always overlap (0.5 s tones every 0.25 s, in both ears): the sound never pauses,
# so whenever the signal comes, the sound is at full level and must be faded, not cut.
SUSTAINED = """name = "Sustained"
extends = "base"
[motion]
speed = 2.0
[set]
seconds = 30
[audio]
tone = "sine"
duration = 0.5
volume = 1.0
crossfeed = 0.5
"""


def level_before_end(samples: np.ndarray, rate: int, from_ms: float, to_ms: float) -> float:
    """Peak level over [end - from_ms, end - to_ms), where `end` is the last audible sample."""
    loudest = np.abs(samples).max(axis=1)
    end = int(np.flatnonzero(loudest > 0.01)[-1])
    start, stop = end - round(from_ms * rate / 1000), end - round(to_ms * rate / 1000)
    return float(loudest[start:stop].max())


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_to_tap_fades_the_sound_restores_the_terminal_and_says_so(
        pulse: dict[str, str], tmp_path: Path, signum: int) -> None:
    profile = tmp_path / "sustained.toml"
    profile.write_text(SUSTAINED)
    env = merged_env(pulse, {"TERM": "xterm", "BLS_CONFIG_HOME": str(tmp_path / "config")})
    with Recorder(pulse, tail_s=0.5) as recording:
        terminal = Terminal([sys.executable, "-m", "bls", "tap", "-p", str(profile)], env)
        try:
            saved = termios.tcgetattr(terminal.master)
            terminal.wait_for(r"ready \| Space starts set 1/1")
            terminal.type(b" ")
            terminal.wait_for(r"set 1/1 \| pass 8/")  # past the set's fade-in: full level
            terminal.proc.send_signal(signum)
            assert terminal.proc.wait(timeout=TIMEOUT_S) == 128 + signum
            terminal.read()
            # Echo and line editing are back, as they were before bls started.
            assert termios.tcgetattr(terminal.master)[3] == saved[3]
        finally:
            terminal.close()
    name = signal.Signals(signum).name
    assert f"bls tap: stopped ({name}" in terminal.screen
    assert "Traceback" not in terminal.screen

    rate = recording.sample_rate_hz
    full = level_before_end(recording.samples, rate, 60, 40)
    last = level_before_end(recording.samples, rate, 1, 0)
    assert full > 0.3  # the sound was at full level until the fade began
    # A cut ends at full level; the 20 ms fade ends near silence.
    assert last < 0.25 * full, f"sound ends at {last:.3f} after {full:.3f}: a cut, not a fade"


def test_sigterm_to_export_leaves_no_partial_file_and_exits_143(tmp_path: Path) -> None:
    out = tmp_path / "long.wav"
    proc = subprocess.Popen(
        [sys.executable, "-m", "bls", "export-audio", str(out), "--seconds", "3600",
         "--sets", "3", "--pause", "0"],
        cwd=REPO, env=merged_env({"BLS_CONFIG_HOME": str(tmp_path / "config")}),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + TIMEOUT_S
        while not any(p.suffix == ".partial" for p in tmp_path.iterdir()):
            assert time.monotonic() < deadline and proc.poll() is None, "export never started"
            time.sleep(0.01)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=TIMEOUT_S)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 143
    assert err == "bls: stopped (SIGTERM)\n"
    assert list(tmp_path.iterdir()) == []  # neither the track nor a hidden partial file


def test_sigterm_to_a_live_session_exits_143_with_one_line(xserver: dict[str, str],
                                                            tmp_path: Path) -> None:
    env = merged_env(xserver, {"BLS_CONFIG_HOME": str(tmp_path / "config"), "BLS_VSYNC": "0"})
    proc = subprocess.Popen(
        [sys.executable, "-m", "bls", "run", "--window", "480x270", "--no-audio"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + TIMEOUT_S
        seen = b""
        while b"Space starts a set" not in seen:  # the window is up and bls waits for keys
            assert time.monotonic() < deadline and proc.poll() is None, seen
            if select.select([proc.stdout], [], [], 0.05)[0]:
                seen += os.read(proc.stdout.fileno(), 4096)  # unbuffered: no line left behind
        os.kill(proc.pid, signal.SIGTERM)
        _, err_bytes = proc.communicate(timeout=TIMEOUT_S)
        err = err_bytes.decode()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 143
    assert err.splitlines()[-1] == "bls: stopped (SIGTERM)" and "Traceback" not in err
