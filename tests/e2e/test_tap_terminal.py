"""`bls tap` on a terminal (a pseudo-terminal here): status line, Space, Up, q, and a clean exit.

The keys are typed into the pty as a person would; the recording checks that Space really
started the tones and that q stopped them.
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

from tests.e2e.harness import Recorder, find_tone_onsets, merged_env

REPO = Path(__file__).resolve().parents[2]
TIMEOUT_S = 20.0


class Terminal:
    """A child process on a pseudo-terminal; `screen` is everything it has written so far."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.master, slave = os.openpty()
        # 30 rows x 160 columns, so the whole status line fits.
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 160, 0, 0))
        self.proc = subprocess.Popen(args, cwd=REPO, env=env, stdin=slave, stdout=slave,
                                     stderr=slave, start_new_session=True)
        os.close(slave)
        self.screen = ""

    def read(self, timeout_s: float = 0.05) -> None:
        while select.select([self.master], [], [], timeout_s)[0]:
            try:
                chunk = os.read(self.master, 4096)
            except OSError:  # the child closed the terminal
                return
            if not chunk:
                return
            self.screen += chunk.decode(errors="replace")
            timeout_s = 0.0

    def wait_for(self, pattern: str) -> re.Match[str]:
        deadline = time.monotonic() + TIMEOUT_S
        while time.monotonic() < deadline:
            self.read()
            match = re.search(pattern, self.screen)
            if match:
                return match
            if self.proc.poll() is not None:
                self.read()
                break
        raise AssertionError(f"no {pattern!r} on the terminal:\n{self.screen}")

    def type(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=TIMEOUT_S)
        os.close(self.master)


def test_tap_on_a_terminal_starts_with_space_speeds_up_and_quits_with_q(
        pulse: dict[str, str]) -> None:
    env = merged_env(pulse, {"TERM": "xterm"})
    with Recorder(pulse, tail_s=0.5) as recording:
        terminal = Terminal([sys.executable, "-m", "bls", "tap", "-p", "tapping",
                             "--seconds", "30"], env)
        try:
            saved = termios.tcgetattr(terminal.master)
            terminal.wait_for(r"ready \| Space starts set 1/1 \| 1\.00 Hz = 120 passes/min")
            terminal.type(b" ")
            terminal.wait_for(r"set 1/1 \| pass 3/59 \| 0:2\d left \| 1\.00 Hz")
            terminal.type(b"\x1b[A")  # Up
            terminal.wait_for(r"pass 5/\d+ \| 0:\d\d left \| 1\.10 Hz = 132 passes/min")
            terminal.type(b"q")
            terminal.wait_for(r"stopped during set 1/1")
            assert terminal.proc.wait(timeout=TIMEOUT_S) == 0
            # The terminal is back in its own mode (echo and line editing on).
            assert termios.tcgetattr(terminal.master)[3] == saved[3]
        finally:
            terminal.close()
    assert "Traceback" not in terminal.screen

    onsets = find_tone_onsets(recording.samples, recording.sample_rate_hz)
    sides = [side for _, side in onsets]
    assert len(onsets) >= 5
    assert sides[:4] == ["right", "left", "right", "left"]
    # After q the sound stops: nothing in the last half second (the recorder's tail).
    tail = recording.samples[-recording.sample_rate_hz // 2:]
    assert abs(tail).max() < 0.01
