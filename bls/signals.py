"""SIGTERM and SIGHUP end bls the way Ctrl-C does, so every command has one way to stop.

Rules: `handled()` is entered once, by `cli.main`, in the main thread. The first SIGTERM or
SIGHUP raises `Interrupted` (a KeyboardInterrupt carrying the signal number) wherever the main
thread is, so each command's Ctrl-C path runs: sound fades out, the terminal is restored, partial
files are removed. Later SIGTERM/SIGHUP while that cleanup runs are ignored, so the fade-out is
not cut; Ctrl-C still interrupts. A signal ignored when bls started (`nohup`) stays ignored.
Exit code after a signal: 128 + its number (130 SIGINT, 129 SIGHUP, 143 SIGTERM).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

_HANDLED = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))
_received: list[int] = []  # the signals raised since `handled()` was entered


class Interrupted(KeyboardInterrupt):
    """Raised in the main thread when SIGTERM or SIGHUP arrives."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise(signum: int, _frame: FrameType | None) -> None:
    if _received:
        return  # already stopping: let the cleanup finish
    _received.append(signum)
    raise Interrupted(signum)


@contextmanager
def handled() -> Iterator[None]:
    """SIGTERM and SIGHUP raise `Interrupted` inside the block; the old handlers come back after.
    Outside the main thread (where Python cannot set handlers) it does nothing."""
    _received.clear()
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {number: signal.getsignal(number) for number in _HANDLED}
    for number, handler in previous.items():
        if handler is not signal.SIG_IGN:
            signal.signal(number, _raise)
    try:
        yield
    finally:
        for number, handler in previous.items():
            if handler is not None:
                signal.signal(number, handler)


def received() -> int | None:
    """The SIGTERM/SIGHUP number that has stopped bls, if one has."""
    return _received[0] if _received else None


def signal_number(interrupt: BaseException) -> int:
    return getattr(interrupt, "signum", signal.SIGINT)


def exit_code(interrupt: BaseException) -> int:
    """128 + the signal's number: 130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP."""
    return 128 + int(signal_number(interrupt))


def describe(interrupt: BaseException) -> str:
    """What stopped bls, for its last line: "stopped (Ctrl-C)", "stopped (SIGTERM)"..."""
    number = signal_number(interrupt)
    if number == signal.SIGINT:
        return "stopped (Ctrl-C)"
    if number == getattr(signal, "SIGHUP", None):
        return "stopped (SIGHUP: the terminal was closed)"
    return f"stopped ({signal.Signals(number).name})"
