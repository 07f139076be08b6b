"""A session log as CSV: one row per set with every field, for a spreadsheet or the client file.

Rules: the file appears whole or not at all (written to a 0600 temporary file beside it, flushed,
then moved into place); an existing file is kept unless `force`; failures are `CsvExportError`.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from bls.log.records import SessionRecord, SetRecord

COLUMNS = ("session", "session_started", "frontend", "set", "started", "duration_s",
           "passes_planned", "passes_done", "speeds_hz", "profile", "path", "ended", "sud",
           "voc", "note")
SPEED_SEPARATOR = " "


class CsvExportError(ValueError):
    """The CSV file cannot be written (exists, bad folder, disk full): one line."""


def set_row(session: SessionRecord, record: SetRecord) -> dict[str, str]:
    rating = record.rating
    return {
        "session": session.session_id,
        "session_started": session.header.started,
        "frontend": session.header.frontend,
        "set": str(record.set_number),
        "started": record.started,
        "duration_s": repr(record.duration_s),
        "passes_planned": str(record.passes_planned),
        "passes_done": str(record.passes_done),
        "speeds_hz": SPEED_SEPARATOR.join(repr(s) for s in record.speeds_hz),
        "profile": record.profile,
        "path": record.path,
        "ended": record.ended,
        "sud": "" if rating.sud is None else str(rating.sud),
        "voc": "" if rating.voc is None else str(rating.voc),
        "note": rating.note,
    }


def to_csv(session: SessionRecord) -> str:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for record in session.sets:
        writer.writerow(set_row(session, record))
    return out.getvalue()


def write_csv(session: SessionRecord, out: Path, *, force: bool = False) -> Path:
    """Write the CSV to `out` (never over an existing file unless `force`)."""
    if out.is_dir():
        raise CsvExportError(f"{out} is a folder; give a file name such as session.csv")
    if out.exists() and not force:
        raise CsvExportError(f"{out} exists; add --force to overwrite it")
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise CsvExportError(f"{folder}: no such folder")
    data = to_csv(session).encode("utf-8")
    temporary = folder / f".{out.name}.{os.getpid()}.tmp"
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0),
                     0o600)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        if force:
            os.replace(temporary, out)
        else:
            _move_if_absent(temporary, out)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        if isinstance(error, FileExistsError) and error.filename == str(out):
            raise CsvExportError(f"{out} exists; add --force to overwrite it") from None
        raise CsvExportError(f"cannot write {out} ({error.strerror or error})") from None
    return out


def export_to_folder(session: SessionRecord, folder: Path) -> Path:
    """Write the session's CSV into `folder` as bls-session-<id>.csv, or -2, -3 ... beside an
    earlier export: never over a file (the console's one-click export)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CsvExportError(f"cannot use the folder {folder} ({error.strerror or error})"
                             ) from None
    stem = f"bls-session-{session.header.session_id}"
    for number in range(1, 1000):
        out = folder / (f"{stem}.csv" if number == 1 else f"{stem}-{number}.csv")
        if out.exists():
            continue
        try:
            return write_csv(session, out)
        except CsvExportError:
            if out.exists():
                continue  # another export took the name meanwhile
            raise
    raise CsvExportError(f"{folder} holds 999 exports of this session already")


def _move_if_absent(temporary: Path, out: Path) -> None:
    """Move into place unless `out` appeared meanwhile (a hard link fails if it exists)."""
    try:
        os.link(temporary, out)
    except FileExistsError:
        raise FileExistsError(17, "exists", str(out)) from None
    except OSError:  # a file system without hard links: check, then move
        if out.exists():
            raise FileExistsError(17, "exists", str(out)) from None
        os.replace(temporary, out)
        return
    temporary.unlink()
