"""Where tapping talks to the person: plain lines when piped, a live status line and keys on a
terminal (cbreak mode, restored on any exit).

Rules: `parse_keys` is pure (raw terminal bytes to key names); the UIs only write lines and
wait for keys, the tapping loop decides what they mean.
"""

from __future__ import annotations

import os
import select
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Protocol, TextIO


class TapUI(Protocol):
    def message(self, text: str) -> None: ...
    def failure(self, text: str) -> None:
        """A line on why tapping cannot go on (stderr)."""
        ...
    def status(self, text: str) -> None: ...
    def wait(self, seconds: float) -> Sequence[str]:
        """Wait up to `seconds`; return the keys pressed ("toggle", "up", "down", "quit")."""
        ...


class PlainUI:
    """Piped output: one line per event, no status line, no keys."""

    def __init__(self, write: Callable[[str], None] = print,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._write = write
        self._sleep = sleep

    def message(self, text: str) -> None:
        self._write(text)

    def failure(self, text: str) -> None:
        sys.stderr.write(text + "\n")

    def status(self, text: str) -> None:
        pass

    def wait(self, seconds: float) -> Sequence[str]:
        self._sleep(seconds)
        return ()


def parse_keys(data: bytes) -> list[str]:
    """Key names from raw terminal bytes: Space, arrows (both cursor modes), q, Esc, +/-."""
    keys: list[str] = []
    i = 0
    while i < len(data):
        byte = data[i: i + 1]
        if byte == b"\x1b":
            if data[i + 1: i + 2] in (b"[", b"O") and i + 2 < len(data):
                code = data[i + 2: i + 3]
                keys += {b"A": ["up"], b"B": ["down"]}.get(code, [])
                i += 3
                continue
            keys.append("quit")  # Esc on its own
        elif byte == b" ":
            keys.append("toggle")
        elif byte in (b"q", b"Q"):
            keys.append("quit")
        elif byte in (b"l", b"L"):
            keys.append("check")
        elif byte in (b"+", b"="):
            keys.append("up")
        elif byte == b"-":
            keys.append("down")
        i += 1
    return keys


class TerminalUI:
    """A live status line redrawn in place, messages above it, keys read in cbreak mode."""

    def __init__(self, fd: int, stream: TextIO | None = None) -> None:
        self._fd = fd
        self._out: TextIO = stream or sys.stdout
        self._shown = ""

    def _columns(self) -> int:
        try:
            columns = os.get_terminal_size(self._out.fileno()).columns
        except (OSError, AttributeError, ValueError):
            columns = 0
        return columns or 80  # a terminal that reports no size (0) is treated as 80 wide

    def message(self, text: str) -> None:
        self._out.write(f"\r\x1b[2K{text}\n")
        self._shown = ""
        self._out.flush()

    def failure(self, text: str) -> None:
        self.clear()
        self._shown = ""
        sys.stderr.write(text + "\n")

    def status(self, text: str) -> None:
        text = text[: max(10, self._columns() - 1)]
        if text != self._shown:
            self._out.write(f"\r\x1b[2K{text}")
            self._out.flush()
            self._shown = text

    def wait(self, seconds: float) -> Sequence[str]:
        readable, _, _ = select.select([self._fd], [], [], seconds)
        if not readable:
            return ()
        return parse_keys(os.read(self._fd, 64))

    def clear(self) -> None:
        self._out.write("\r\x1b[2K")
        self._out.flush()


@contextmanager
def cbreak(fd: int) -> Iterator[None]:
    """Keys arrive one by one without echo; the terminal is restored on any exit."""
    import termios
    import tty

    saved = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd)
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
