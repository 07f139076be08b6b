"""Read a log file the careful way: a regular file, of bounded size, split into lines as bytes.

Rules: one entry point, `read_lines`; every failure is `LogFileError` with one line naming the
file and why. Lines are decoded one by one (UTF-8, strict) by the caller, so a line cut off
mid-character by a crash spoils only itself. Opening never blocks (a FIFO is refused).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

MAX_LOG_BYTES = 4 * 1024 * 1024  # ~10,000 sets; a real session is a few kilobytes
_O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # not on Windows, which has no FIFOs to block on
_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


class LogFileError(ValueError):
    """A file that cannot be read as a bls session log (one line: the file and why)."""


@dataclass(frozen=True, slots=True)
class RawLines:
    """Complete lines (each ended by a newline, newline removed) and any cut-off tail."""

    lines: tuple[bytes, ...]
    tail: bytes  # bytes after the last newline: a line whose writing was cut off


def read_lines(path: Path, max_bytes: int = MAX_LOG_BYTES) -> RawLines:
    try:
        fd = os.open(path, os.O_RDONLY | _O_NONBLOCK | _O_CLOEXEC)
    except OSError as error:
        raise LogFileError(f"{path}: cannot open ({error.strerror or error})") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise LogFileError(f"{path}: not a regular file")
        chunks: list[bytes] = []
        size = 0
        while size <= max_bytes:
            chunk = os.read(fd, min(1 << 16, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as error:
        raise LogFileError(f"{path}: cannot read ({error.strerror or error})") from None
    finally:
        os.close(fd)
    if size > max_bytes:
        raise LogFileError(f"{path}: larger than {max_bytes // (1024 * 1024)} MB, "
                           "too large to be a bls session log")
    data = b"".join(chunks)
    *lines, tail = data.split(b"\n")
    return RawLines(lines=tuple(lines), tail=tail)
