"""`bls log`: list, show, export (CSV) and delete the session logs kept on this machine.

Rules: an id may be given in full or by a unique beginning; every failure is one line on stderr
(exit 2 for an unknown id, an existing CSV file, a refused delete or a file that is not a log);
a skipped line in a log is a warning on stderr, never a failure. Delete asks on a terminal.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from bls.log.csvfile import CsvExportError, write_csv
from bls.log.readfile import LogFileError
from bls.log.records import SessionRecord, SetRecord
from bls.log.store import UnknownLogError, find_log, list_logs, log_id, read_session, sessions_dir

EXIT_OK, EXIT_USAGE = 0, 2


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`bls log ...` under the main parser's subcommands."""
    log = commands.add_parser("log", help="list, show, export or delete session logs")
    actions = log.add_subparsers(dest="log_action", metavar="ACTION",
                                 parser_class=type(log))
    actions.add_parser("list", help="every session: id, date, sets, first and last SUD")
    show = actions.add_parser("show", help="one session, set by set")
    show.add_argument("id", metavar="ID", help="session id (or its unique beginning)")
    export = actions.add_parser("export", help="one session as CSV, a row per set")
    export.add_argument("id", metavar="ID")
    export.add_argument("--csv", type=Path, required=True, metavar="OUT.csv")
    export.add_argument("--force", action="store_true", help="overwrite OUT.csv if it exists")
    delete = actions.add_parser("delete", help="delete one session's log")
    delete.add_argument("id", metavar="ID")
    delete.add_argument("--yes", action="store_true", help="do not ask")


def log_command(args: argparse.Namespace, *, ask: Callable[[str], str] = input,
                interactive: bool | None = None) -> int:
    try:
        action = args.log_action or "list"
        if action == "list":
            return _list()
        path = find_log(args.id)
        if action == "delete":
            if interactive is None:
                interactive = sys.stdin.isatty() and sys.stdout.isatty()
            return _delete(path, yes=args.yes, interactive=interactive, ask=ask)
        session = read_session(path)
        _warn(session)
        if action == "show":
            print(format_session(session))
            return EXIT_OK
        written = write_csv(session, args.csv, force=args.force)
        print(f"{written}: {len(session.sets)} set(s) of session {session.session_id}")
        return EXIT_OK
    except (UnknownLogError, LogFileError, CsvExportError) as error:
        sys.stderr.write(f"bls log: {error}\n")
        return EXIT_USAGE


def _warn(session: SessionRecord) -> None:
    for warning in session.warnings:
        sys.stderr.write(f"bls log: warning: {warning}\n")


def _date(iso: str) -> str:
    return datetime.fromisoformat(iso).strftime("%Y-%m-%d %H:%M")


def _list() -> int:
    logs = list_logs()
    if not logs:
        print(f"no session logs yet (they are kept in {sessions_dir()})")
        return EXIT_OK
    print(f"{'id':22} {'date':16} {'sets':>4}  {'first SUD':>9} {'last SUD':>8}")
    for path in logs:
        try:
            session = read_session(path)
        except LogFileError as error:
            print(f"{log_id(path):22} unreadable: {str(error).removeprefix(f'{path}: ')}")
            continue
        _warn(session)
        suds = session.suds()
        first, last = (str(suds[0]), str(suds[-1])) if suds else ("-", "-")
        print(f"{session.session_id:22} {_date(session.header.started):16} "
              f"{len(session.sets):>4}  {first:>9} {last:>8}")
    return EXIT_OK


def _speeds(record: SetRecord) -> str:
    return "->".join(f"{s:g}" for s in record.speeds_hz)


def _length(duration_s: float) -> str:
    if duration_s < 60:
        return f"{duration_s:.1f} s"
    minutes, seconds = divmod(round(duration_s), 60)
    return f"{minutes}:{seconds:02d}"


def format_session(session: SessionRecord) -> str:
    """The `bls log show` text: a line about the session, then one row per set."""
    header = session.header
    lines = [f"session {header.session_id}: started {header.started}, bls {header.bls_version} "
             f"({header.frontend}), {len(session.sets)} set(s)"]
    if not session.sets:
        return "\n".join(lines)
    speed_width = max(8, *(len(_speeds(record)) for record in session.sets))
    lines.append(f"{'set':>3}  {'start':8} {'length':>7} {'passes':>7}  "
                 f"{'speed Hz':{speed_width}} {'profile':12} {'path':13} {'ended':9} "
                 f"{'SUD':>3} {'VOC':>3}  note")
    for record in session.sets:
        rating = record.rating
        start = datetime.fromisoformat(record.started).strftime("%H:%M:%S")
        lines.append(
            f"{record.set_number:>3}  {start:8} {_length(record.duration_s):>7} "
            f"{f'{record.passes_done}/{record.passes_planned}':>7}  "
            f"{_speeds(record):{speed_width}} {record.profile[:12]:12} {record.path[:13]:13} "
            f"{record.ended:9} {'-' if rating.sud is None else rating.sud:>3} "
            f"{'-' if rating.voc is None else rating.voc:>3}  {rating.note}".rstrip())
    return "\n".join(lines)


def _delete(path: Path, *, yes: bool, interactive: bool, ask: Callable[[str], str]) -> int:
    if not yes:
        if not interactive:
            sys.stderr.write("bls log: delete asks first and there is no terminal to ask on; "
                             "add --yes to delete without asking\n")
            return EXIT_USAGE
        try:
            answer = ask(f"delete the session log {log_id(path)} ({path})? [y/N] ")
        except EOFError:
            answer = ""
        if answer.strip().lower() not in ("y", "yes"):
            print("kept")
            return EXIT_OK
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    except OSError as error:
        sys.stderr.write(f"bls log: cannot delete {path} ({error.strerror or error})\n")
        return 1
    print(f"deleted {path}")
    return EXIT_OK
