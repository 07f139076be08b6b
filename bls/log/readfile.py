"""Read a log file the careful way: a regular file, of bounded size, split into lines as bytes.

Rules: one entry point, `read_lines`; every failure is `LogFileError` with one line naming the
file and why. Lines are decoded one by one (UTF-8, strict) by the caller, so a line cut off
mid-character by a crash spoils only itself. Opening never blocks (a FIFO is refused).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bls.tomlfile import TomlFileError, read_bytes

MAX_LOG_BYTES = 4 * 1024 * 1024  # ~10,000 sets; a real session is a few kilobytes


class LogFileError(ValueError):
    """A file that cannot be read as a bls session log (one line: the file and why)."""


@dataclass(frozen=True, slots=True)
class RawLines:
    """Complete lines (each ended by a newline, newline removed) and any cut-off tail."""

    lines: tuple[bytes, ...]
    tail: bytes  # bytes after the last newline: a line whose writing was cut off


def read_lines(path: Path, max_bytes: int = MAX_LOG_BYTES) -> RawLines:
    try:
        data = read_bytes(path, max_bytes=max_bytes)
    except TomlFileError as error:  # the one careful reading path, shared with TOML files
        raise LogFileError(str(error)) from None
    *lines, tail = data.split(b"\n")
    return RawLines(lines=tuple(lines), tail=tail)
