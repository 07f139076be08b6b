"""The session log: what happened set by set, kept only on this machine.

`records` is the pure part (values and their JSON lines), `store` the files (write as sets end,
read back), `csvfile` the export; `bls log` itself is `bls.commands.log`.
"""

from __future__ import annotations

from bls.log.readfile import LogFileError
from bls.log.records import Rating, RatingError, SessionRecord, SetRecord
from bls.log.store import Log, NullLog, SessionLog, open_log, read_session

__all__ = [
    "Log",
    "LogFileError",
    "NullLog",
    "Rating",
    "RatingError",
    "SessionLog",
    "SessionRecord",
    "SetRecord",
    "open_log",
    "read_session",
]
