"""The session log on disk: one JSON Lines file per session in the user data folder.

Rules: the folder is 0700 and each file 0600 (created so, and tightened if found looser); every
record is appended and flushed to the disk (fsync) before `set_ended`/`rate` return, so a killed
process loses at most the set in progress. A failing write never stops a session: it becomes
`problem`, a line the front-end shows once. The file is created when the first set ends, so a
session without sets leaves nothing behind. Call a log from one thread (the session loop).
"""

from __future__ import annotations

import os
import re
import secrets
import stat
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from bls import __version__
from bls.core.timeline import SetTimeline
from bls.log.csvfile import CsvExportError, export_to_folder
from bls.log.readfile import LogFileError, read_lines
from bls.log.records import (
    FRONTENDS,
    ID_PATTERN,
    Rating,
    RatingError,
    RecordError,
    SessionHeader,
    SessionRecord,
    SetRecord,
    checked_rating,
    decode_line,
    header_line,
    local_iso,
    parse_header,
    parse_rating,
    parse_set,
    rating_line,
    session_id,
    set_from_timeline,
    set_line,
)
from bls.paths import user_data_dir

SUFFIX = ".jsonl"
FOLDER_MODE = 0o700
FILE_MODE = 0o600
_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
WallClock = Callable[[], datetime]


def sessions_dir() -> Path:
    return user_data_dir() / "sessions"


def _local_now() -> datetime:
    return datetime.now().astimezone()


def ensure_folder(folder: Path) -> None:
    """Create the folder 0700 (its parents as the system makes them), or tighten it to 0700."""
    folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    mode = folder.stat().st_mode
    if not stat.S_ISDIR(mode):
        raise NotADirectoryError(f"{folder} is not a folder")
    if stat.S_IMODE(mode) != FOLDER_MODE:
        os.chmod(folder, FOLDER_MODE)


class Log:
    """What every log offers the front-ends; `NullLog` is this with nothing written."""

    enabled = False
    path: Path | None = None

    def __init__(self) -> None:
        self.problem: str | None = None  # the newest failure, as one line
        self._problem_shown = False
        self._sets: dict[int, SetRecord] = {}  # this session's sets, ratings merged in

    def describe(self) -> str:
        """What the console says about the log, e.g. 'session log: off (--no-log)'."""
        return "session log: off (--no-log)"

    def take_problem(self) -> str | None:
        """The first failure, once (the front-end shows it); None otherwise."""
        if self.problem is None or self._problem_shown:
            return None
        self._problem_shown = True
        return self.problem

    def set_ended(self, set_number: int, timeline: SetTimeline, profile: str,
                  now_s: float) -> SetRecord | None:
        """Record a set that is back at rest by `now_s` (the session clock of `timeline`).

        Never raises: whatever goes wrong becomes `problem`, and the session goes on.
        """
        try:
            record = set_from_timeline(set_number, timeline, profile, now_s, self._now())
        except Exception as error:  # a running session must not end over its log
            self._fail(f"cannot record set {set_number}", error)
            return None
        self.write_set(record)
        return record

    def write_set(self, record: SetRecord) -> None:
        self._sets[record.set_number] = record
        self._append(set_line(record))

    def sets(self) -> tuple[SetRecord, ...]:
        """This session's sets so far with their ratings (for the SUD trend), log on or off."""
        return tuple(self._sets[n] for n in sorted(self._sets))

    def export_csv(self, folder: Path) -> str:
        """Export this session as it is on disk to a new CSV file in `folder`; one line saying
        where it went, or why not (the console's Export button)."""
        return "not exported: the session log is off (--no-log)"

    def rate(self, set_number: int, sud: int | None = None, voc: int | None = None,
             note: str | None = None) -> Rating:
        """Rate an ended set (replacing an earlier rating); RatingError if out of range."""
        rating = checked_rating(sud, voc, note)
        if set_number not in self._sets:
            raise RatingError(f"set {set_number} has not ended in this session")
        self._sets[set_number] = replace(self._sets[set_number], rating=rating)
        self._append(rating_line(set_number, rating))
        return rating

    def note_rating(self, set_number: int, sud: int | None = None, voc: int | None = None,
                    note: str | None = None) -> str | None:
        """`rate` for a console: None when noted, else the one line to show (an entry out of
        range, or a problem writing the log)."""
        try:
            self.rate(set_number, sud=sud, voc=voc, note=note)
        except RatingError as error:
            return str(error)
        return self.take_problem()

    def close(self) -> None:
        pass

    def __enter__(self) -> Log:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _now(self) -> datetime:
        return _local_now()

    def _fail(self, what: str, error: BaseException) -> None:
        reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
        self.problem = f"session log: {what} ({reason}); the session goes on"

    def _append(self, line: bytes) -> None:
        pass


class NullLog(Log):
    """--no-log: checks ratings like the real log and writes nothing anywhere."""


class SessionLog(Log):
    """The log of this session. Build with `SessionLog.open(frontend)`."""

    enabled = True

    def __init__(self, path: Path, header: SessionHeader, wall_clock: WallClock) -> None:
        super().__init__()
        self.path = path
        self.header = header
        self._wall_clock = wall_clock
        self._fd: int | None = None
        self._closed = False
        self._broken = False  # the last write may have left a partial line

    @classmethod
    def open(cls, frontend: str, *, folder: Path | None = None,
             wall_clock: WallClock = _local_now) -> SessionLog:
        """The log for a new session of `frontend` (run, share, client-display, tap, link).

        The folder is made (0700) at once, so a problem with it shows before the first set.
        """
        if frontend not in FRONTENDS:
            raise ValueError(f"unknown front-end {frontend!r}; one of {', '.join(FRONTENDS)}")
        folder = sessions_dir() if folder is None else folder
        started = wall_clock()
        header = SessionHeader(session_id(started, secrets.token_hex(2)), local_iso(started),
                               __version__, frontend)
        log = cls(folder / f"{header.session_id}{SUFFIX}", header, wall_clock)
        try:
            ensure_folder(folder)
        except OSError as error:
            log._fail(f"cannot use the folder {folder}", error)
        return log

    def describe(self) -> str:
        return f"session log: {self.path}"

    def export_csv(self, folder: Path) -> str:
        if not self.path.exists():
            return "not exported: no set has ended yet"
        try:
            out = export_to_folder(read_session(self.path), folder)
        except (LogFileError, CsvExportError) as error:
            return f"not exported: {error}"
        return f"exported to {out.parent.name}: {out.name}"  # the console's line is narrow

    def close(self) -> None:
        self._closed = True
        if self._fd is not None:
            fd, self._fd = self._fd, None
            try:
                os.close(fd)
            except OSError:
                pass

    def _now(self) -> datetime:
        return self._wall_clock()

    def _create(self) -> int:
        """The file, made 0600 (a random id that exists already is drawn again)."""
        assert self.path is not None
        ensure_folder(self.path.parent)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND | _O_CLOEXEC
        for _ in range(20):
            try:
                fd = os.open(self.path, flags, FILE_MODE)
                break
            except FileExistsError:
                started = datetime.fromisoformat(self.header.started)
                self.header = replace(self.header,
                                      session_id=session_id(started, secrets.token_hex(2)))
                self.path = self.path.with_name(f"{self.header.session_id}{SUFFIX}")
        else:
            raise FileExistsError(f"no free name for a new log in {self.path.parent}")
        try:
            if hasattr(os, "fchmod"):  # not on Windows before Python 3.13
                os.fchmod(fd, FILE_MODE)
            _write_all(fd, header_line(self.header))
        except OSError:
            os.close(fd)  # no half-written header left behind: the next set tries afresh
            self.path.unlink(missing_ok=True)
            raise
        _fsync_folder(self.path.parent)
        return fd

    def _append(self, line: bytes) -> None:
        if self._closed:
            return
        try:
            if self._fd is None:
                self._fd = self._create()
            elif os.fstat(self._fd).st_nlink == 0:
                self.problem = (f"session log: {self.path} was deleted while in use; "
                                "this session is no longer logged")
                self.close()
                return
            # After a failed write, end any partial line first: it stays one bad line.
            _write_all(self._fd, b"\n" + line if self._broken else line)
            os.fsync(self._fd)
            self._broken = False
        except OSError as error:
            self._broken = self._fd is not None
            self._fail(f"cannot write {self.path}", error)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _fsync_folder(folder: Path) -> None:
    """Make the new file's name durable too (not possible on every system: best effort)."""
    try:
        fd = os.open(folder, os.O_RDONLY | _O_CLOEXEC)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def open_log(frontend: str, *, enabled: bool = True) -> Log:
    """A SessionLog, or a NullLog for --no-log."""
    return SessionLog.open(frontend) if enabled else NullLog()


# -- reading --------------------------------------------------------------------------------


def read_session(path: Path) -> SessionRecord:
    """A log as written; a cut-off or damaged line is skipped and named in `warnings`.

    A file that is not a bls session log raises LogFileError (one line).
    """
    raw = read_lines(path)
    warnings: list[str] = []
    lines = list(enumerate(raw.lines, start=1))
    if raw.tail.strip():
        lines.append((len(raw.lines) + 1, raw.tail))
    if not lines:
        raise LogFileError(f"{path}: empty, not a bls session log")
    if not raw.lines and raw.tail.startswith(b'{"type":"session"'):
        raise LogFileError(f"{path}: cut off while its first line was written; it holds no "
                           "sets")
    try:
        header = parse_header(decode_line(lines[0][1].decode("utf-8")))
    except (UnicodeDecodeError, RecordError) as error:
        reason = "not UTF-8 text" if isinstance(error, UnicodeDecodeError) else str(error)
        raise LogFileError(f"{path}: not a bls session log ({reason})") from None
    sets: dict[int, SetRecord] = {}
    for number, data in lines[1:]:
        where = f"{path.name} line {number}"
        if number > len(raw.lines):
            warnings.append(f"{where}: cut off (its writing was interrupted); "
                            "skipped")
            continue
        if not data.strip():
            continue  # a blank line ends a partial write; see SessionLog._append
        try:
            fields = decode_line(data.decode("utf-8"))
            kind = fields.get("type")
            if kind == "set":
                record = parse_set(fields)
                if record.set_number in sets:
                    raise RecordError(f"set {record.set_number} appears twice")
                sets[record.set_number] = record
            elif kind == "rating":
                set_number, rating = parse_rating(fields)
                if set_number not in sets:
                    raise RecordError(f"a rating for set {set_number}, which is not logged")
                sets[set_number] = replace(sets[set_number], rating=rating)
            else:
                raise RecordError(f"unknown record type {str(kind)[:20]!r}")
        except UnicodeDecodeError:
            warnings.append(f"{where}: not UTF-8 text; skipped")
        except RecordError as error:
            warnings.append(f"{where}: {error}; skipped")
    ordered = tuple(sets[n] for n in sorted(sets))
    return SessionRecord(header=header, sets=ordered, warnings=tuple(warnings))


_FILE_NAME = re.compile(rf"({ID_PATTERN.pattern}){re.escape(SUFFIX)}")


def list_logs(folder: Path | None = None) -> tuple[Path, ...]:
    """The log files in the folder, oldest first (ids sort by start time)."""
    folder = sessions_dir() if folder is None else folder
    try:
        names = sorted(entry.name for entry in os.scandir(folder)
                       if _FILE_NAME.fullmatch(entry.name))
    except FileNotFoundError:
        return ()
    except OSError as error:
        raise LogFileError(f"{folder}: cannot list ({error.strerror or error})") from None
    return tuple(folder / name for name in names)


def log_id(path: Path) -> str:
    return path.name.removesuffix(SUFFIX)


class UnknownLogError(LookupError):
    """No log (or more than one) has the id the user gave; one line."""


def find_log(id_or_prefix: str, folder: Path | None = None) -> Path:
    """The one log whose id is, or starts with, `id_or_prefix`."""
    logs = list_logs(folder)
    exact = [p for p in logs if log_id(p) == id_or_prefix]
    matches = exact or [p for p in logs if id_or_prefix and log_id(p).startswith(id_or_prefix)]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise UnknownLogError(f"no session log with id {id_or_prefix!r}; "
                              "`bls log list` shows the ids")
    shown = ", ".join(log_id(p) for p in matches[:3]) + (", ..." if len(matches) > 3 else "")
    raise UnknownLogError(f"{id_or_prefix!r} matches {len(matches)} session logs ({shown}); "
                          "give more of the id")
