"""A private Xvfb for the frame-cost figures under X11, big enough for a 3840x2160 window."""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager

STARTUP_TIMEOUT_S = 15.0


@contextmanager
def xvfb(width: int = 3840, height: int = 2160) -> Iterator[tuple[str, int] | None]:
    """Yield (DISPLAY, pid) of a fresh Xvfb, or None when Xvfb is not installed.

    Xvfb writes its display number to -displayfd once it accepts connections: that is the
    readiness signal, so there is no fixed sleep.
    """
    if shutil.which("Xvfb") is None:
        yield None
        return
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", f"{width}x{height}x24",
         "-nolisten", "tcp", "-noreset"],
        pass_fds=(write_fd,), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    os.close(write_fd)
    try:
        received = b""
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not received.endswith(b"\n"):
            remaining = deadline - time.monotonic()
            readable, _, _ = select.select([read_fd], [], [], max(0.0, remaining))
            if not readable:
                raise RuntimeError("Xvfb did not start in time")
            chunk = os.read(read_fd, 64)
            if not chunk:
                raise RuntimeError(f"Xvfb exited with {proc.wait()}")
            received += chunk
        yield f":{int(received)}", proc.pid
    finally:
        os.close(read_fd)
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
