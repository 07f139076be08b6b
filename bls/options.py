"""What the command line asked for, as frozen values: the CLI builds them, commands read them.

Rules: no argparse past `bls.cli`; every option a command reads is a typed field here, with the
default the CLI documents.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# Guided sequences (bls tap) and tracks (bls export-audio): more sets than this is surely a
# typo, and a pause longer than an hour is not a pause between sets. Both are refused at once.
MAX_SETS = 1000
MAX_PAUSE_S = 3600.0


class UsageError(Exception):
    """Bad usage the user can fix; printed as one line, exit code 2."""


@dataclass(frozen=True, slots=True)
class RunOptions:
    """`bls run`."""

    window: tuple[int, int] | None = None  # None: full screen
    display: int = 0
    no_audio: bool = False
    no_log: bool = False
    autostart: bool = False
    exit_after_set: bool = False
    share: bool = False
    client_display: int | None = None
    link: bool = False
    host: str = "127.0.0.1"
    port: int = 0  # 0: any free port
    cert: Path | None = None
    key: Path | None = None


@dataclass(frozen=True, slots=True)
class TapOptions:
    """`bls tap`."""

    sets: int = 1
    pause_s: float = 20.0
    no_log: bool = False


@dataclass(frozen=True, slots=True)
class ExportOptions:
    """`bls export-audio`."""

    out: Path
    sets: int = 1
    pause_s: float = 20.0
    force: bool = False


@dataclass(frozen=True, slots=True)
class DoctorOptions:
    """`bls doctor`."""

    lr: bool = False  # only the left/right check


@dataclass(frozen=True, slots=True)
class CalibrateOptions:
    """`bls calibrate`."""

    window: tuple[int, int] | None = None
