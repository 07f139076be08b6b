"""What a session log holds, as frozen values, and how each value becomes one line of JSON.

Rules: pure (no files, no clock: times and ids are arguments). A log is JSON Lines: a header,
then one line per set as it ends, then rating lines; a newer rating for a set replaces the older.
There is no field for a client's name or identity, and `parse_*` accept only the known fields.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from bls.core.timeline import SetTimeline

FORMAT = "bls-session-log"
VERSION = 1
FRONTENDS = ("run", "share", "client-display", "tap", "link")
ENDINGS = ("completed", "stopped")
SUD_RANGE = (0, 10)
VOC_RANGE = (1, 7)
NOTE_MAX_CHARS = 200
ID_PATTERN = re.compile(r"\d{8}-\d{6}-[0-9a-f]{4,8}")
MAX_LINE_CHARS = 64 * 1024  # a set line is well under 1 kB unless its speed changed a lot
MAX_SETS = 10_000
MAX_SPEEDS = 1000  # speeds kept per set: the first ones and the last
MAX_NAME_CHARS = 200


class RatingError(ValueError):
    """A SUD, VOC or note out of range: one line the console can show as it is."""


class RecordError(ValueError):
    """One line of a log is not a record bls writes (the reader skips it or rejects the file)."""


@dataclass(frozen=True, slots=True)
class Rating:
    """What the therapist noted after a set; every part is optional."""

    sud: int | None = None  # subjective units of distress, 0-10
    voc: int | None = None  # validity of cognition, 1-7
    note: str = ""


@dataclass(frozen=True, slots=True)
class SetRecord:
    """One set as it ended, with its rating (if any) merged in by the reader."""

    set_number: int
    started: str  # local time, ISO 8601 with the UTC offset
    duration_s: float  # leaving the centre to being back at rest
    passes_planned: int
    passes_done: int
    speeds_hz: tuple[float, ...]  # every speed used, in order
    profile: str
    path: str
    ended: str  # "completed" or "stopped"
    rating: Rating = Rating()


@dataclass(frozen=True, slots=True)
class SessionHeader:
    session_id: str
    started: str  # local time, ISO 8601 with the UTC offset
    bls_version: str
    frontend: str


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """A whole log as read back; `warnings` name lines that were skipped (e.g. cut off)."""

    header: SessionHeader
    sets: tuple[SetRecord, ...]
    warnings: tuple[str, ...] = ()

    @property
    def session_id(self) -> str:
        return self.header.session_id

    def suds(self) -> tuple[int, ...]:
        """The SUDs entered, in set order (sets without one are left out)."""
        return tuple(s.rating.sud for s in self.sets if s.rating.sud is not None)


# -- building records (the writer's side) -----------------------------------------------------


def local_iso(moment: datetime) -> str:
    """ISO 8601 to the second with the UTC offset, e.g. 2026-12-01T14:30:12+01:00."""
    if moment.tzinfo is None:
        raise ValueError("a log time needs its UTC offset (use datetime.now().astimezone())")
    return moment.isoformat(timespec="seconds")


def session_id(started: datetime, token: str) -> str:
    """Sortable and says nothing about anyone: local start time and a few random hex digits."""
    text = f"{started:%Y%m%d-%H%M%S}-{token}"
    if not ID_PATTERN.fullmatch(text):
        raise ValueError(f"bad session id {text!r}")
    return text


def speeds_used(timeline: SetTimeline) -> tuple[float, ...]:
    """The speeds of the set's segments in order, a repeated speed counted once."""
    speeds: list[float] = []
    for segment in timeline.segments:
        if not speeds or speeds[-1] != segment.speed_hz:
            speeds.append(round(segment.speed_hz, 4))
    if len(speeds) > MAX_SPEEDS:
        speeds = [*speeds[: MAX_SPEEDS - 1], speeds[-1]]
    return tuple(speeds)


def plain_text(text: str, max_chars: int = MAX_NAME_CHARS) -> str:
    """A name as the log can hold it: control codes become spaces, at most `max_chars`."""
    cleaned = "".join(" " if unicodedata.category(ch) in ("Cc", "Cs") else ch for ch in text)
    return cleaned[:max_chars]


def set_from_timeline(set_number: int, timeline: SetTimeline, profile: str, now_s: float,
                      now_local: datetime) -> SetRecord:
    """The record of a set that is back at rest by `now_s` (session clock) = `now_local`.

    Its wall-clock start is `now_local` less the session-clock time since the set began.
    """
    end_s = min(now_s, timeline.rest_s)
    started = now_local.timestamp() - (now_s - timeline.start_s)
    return SetRecord(
        set_number=set_number,
        started=local_iso(datetime.fromtimestamp(started, tz=now_local.tzinfo)),
        duration_s=round(max(0.0, end_s - timeline.start_s), 3),
        passes_planned=timeline.total_passes(),
        passes_done=timeline.passes_done(end_s),
        speeds_hz=speeds_used(timeline),
        profile=plain_text(profile),
        path=plain_text(timeline.path),
        ended="stopped" if timeline.stop is not None else "completed",
    )


def checked_rating(sud: object = None, voc: object = None, note: object = None) -> Rating:
    """A Rating, or RatingError naming the first value that is out of range."""
    scores: list[int | None] = []
    for name, value, (low, high) in (("SUD", sud, SUD_RANGE), ("VOC", voc, VOC_RANGE)):
        if value is None:
            scores.append(None)
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            raise RatingError(f"{name} must be a whole number from {low} to {high}, "
                              f"not {value!r}")
        if not low <= value <= high:
            raise RatingError(f"{name} must be from {low} to {high}, not {value}")
        scores.append(value)
    text = "" if note is None else note
    if not isinstance(text, str):
        raise RatingError(f"the note must be text, not {type(text).__name__}")
    text = text.strip()
    if len(text) > NOTE_MAX_CHARS:
        raise RatingError(f"the note is {len(text)} characters; at most {NOTE_MAX_CHARS}")
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in text):
        raise RatingError("the note must be one line of text (no line breaks or control codes)")
    return Rating(sud=scores[0], voc=scores[1], note=text)


# -- lines ------------------------------------------------------------------------------------


def _line(fields: dict[str, Any]) -> bytes:
    return (json.dumps(fields, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
            + "\n").encode("utf-8")


def header_line(header: SessionHeader) -> bytes:
    return _line({"type": "session", "format": FORMAT, "version": VERSION,
                  "id": header.session_id, "started": header.started,
                  "bls": header.bls_version, "frontend": header.frontend})


def set_line(record: SetRecord) -> bytes:
    return _line({"type": "set", "set": record.set_number, "started": record.started,
                  "duration_s": record.duration_s, "passes_planned": record.passes_planned,
                  "passes_done": record.passes_done, "speeds_hz": list(record.speeds_hz),
                  "profile": record.profile, "path": record.path, "ended": record.ended})


def rating_line(set_number: int, rating: Rating) -> bytes:
    return _line({"type": "rating", "set": set_number, "sud": rating.sud, "voc": rating.voc,
                  "note": rating.note})


# -- parsing (the reader's side) --------------------------------------------------------------


def _reject_constant(name: str) -> float:
    raise RecordError(f"{name} is not a number")


def decode_line(text: str) -> dict[str, Any]:
    """One line → its JSON object, or RecordError (never another exception)."""
    if len(text) > MAX_LINE_CHARS:
        raise RecordError(f"line of {len(text)} characters, longer than any bls writes")
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as error:
        raise RecordError(f"not JSON ({str(error).splitlines()[0][:80]})") from None
    if not isinstance(value, dict):
        raise RecordError("not a JSON object")
    return value


def _get(fields: dict[str, Any], key: str, kind: type | tuple[type, ...]) -> Any:
    value = fields.get(key)
    if (isinstance(value, bool) and kind is not bool) or not isinstance(value, kind):
        raise RecordError(f"{key!r} is missing or of the wrong type")
    return value


def _int(fields: dict[str, Any], key: str, low: int, high: int) -> int:
    value = _get(fields, key, int)
    if not low <= value <= high:
        raise RecordError(f"{key!r} = {value} is out of range {low}-{high}")
    return int(value)


def _number(fields: dict[str, Any], key: str, low: float, high: float) -> float:
    value = float(_get(fields, key, (int, float)))
    if not (math.isfinite(value) and low <= value <= high):
        raise RecordError(f"{key!r} = {value} is out of range {low:g}-{high:g}")
    return value


def _text(fields: dict[str, Any], key: str, max_chars: int = 100) -> str:
    value = _get(fields, key, str)
    if len(value) > max_chars:
        raise RecordError(f"{key!r} is longer than {max_chars} characters")
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in value):
        raise RecordError(f"{key!r} holds control codes")
    return str(value)


def _time(fields: dict[str, Any], key: str) -> str:
    value = _text(fields, key, 40)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise RecordError(f"{key!r} = {value!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise RecordError(f"{key!r} = {value!r} has no UTC offset")
    return value


def parse_header(fields: dict[str, Any]) -> SessionHeader:
    if fields.get("type") != "session" or fields.get("format") != FORMAT:
        raise RecordError("the first line is not a bls session log header")
    version = fields.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version > VERSION:
        raise RecordError(f"written by a newer bls (log format {version}; this bls reads "
                          f"{VERSION})")
    _int(fields, "version", 1, VERSION)
    session = _text(fields, "id", 40)
    if not ID_PATTERN.fullmatch(session):
        raise RecordError(f"'id' = {session!r} is not a session id")
    return SessionHeader(session_id=session, started=_time(fields, "started"),
                         bls_version=_text(fields, "bls", 40),
                         frontend=_text(fields, "frontend", 40))


def parse_set(fields: dict[str, Any]) -> SetRecord:
    speeds = _get(fields, "speeds_hz", list)
    if not 1 <= len(speeds) <= MAX_SPEEDS:
        raise RecordError(f"'speeds_hz' must list 1 to {MAX_SPEEDS} speeds")
    speeds_hz = tuple(_number({"speed": s}, "speed", 0.0, 100.0) for s in speeds)
    ended = _text(fields, "ended", 20)
    if ended not in ENDINGS:
        raise RecordError(f"'ended' = {ended!r} is not one of {', '.join(ENDINGS)}")
    return SetRecord(
        set_number=_int(fields, "set", 1, MAX_SETS),
        started=_time(fields, "started"),
        duration_s=_number(fields, "duration_s", 0.0, 7 * 86400.0),
        passes_planned=_int(fields, "passes_planned", 0, 10**7),
        passes_done=_int(fields, "passes_done", 0, 10**7),
        speeds_hz=speeds_hz,
        profile=_text(fields, "profile", MAX_NAME_CHARS),
        path=_text(fields, "path", MAX_NAME_CHARS),
        ended=ended,
    )


def parse_rating(fields: dict[str, Any]) -> tuple[int, Rating]:
    set_number = _int(fields, "set", 1, MAX_SETS)
    note = fields.get("note")
    try:
        rating = checked_rating(fields.get("sud"), fields.get("voc"),
                                "" if note is None else note)
    except RatingError as error:
        raise RecordError(str(error)) from None
    return set_number, rating


def merge_rating(record: SetRecord, rating: Rating) -> SetRecord:
    return replace(record, rating=rating)
