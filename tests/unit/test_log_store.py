"""The session log on disk: private, appended as sets end, read back whatever happened to it."""

from __future__ import annotations

import csv
import json
import os
import stat
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bls.core.profile import Profile
from bls.core.timeline import SetTimeline
from bls.log import LogFileError, NullLog, RatingError, SessionLog, read_session
from bls.log.csvfile import COLUMNS, CsvExportError, write_csv
from bls.log.store import list_logs, sessions_dir
from bls.profiles import Library

OFFSET = timezone(timedelta(hours=1))


@pytest.fixture(scope="module")
def standard() -> Profile:
    return Library.discover().load("standard")


def fixed_clock(start: datetime = datetime(2026, 12, 1, 14, 30, 12, tzinfo=OFFSET)
                ) -> Callable[[], datetime]:
    return lambda: start


def ended_set(profile: Profile, start_s: float, *, stop_at_s: float | None = None,
              speed_change: tuple[float, float] | None = None) -> SetTimeline:
    timeline = SetTimeline.begin(start_s, profile.motion, profile.length)
    if speed_change is not None:
        timeline = timeline.with_speed(*speed_change)
    if stop_at_s is not None:
        timeline = timeline.stopped(stop_at_s)
    return timeline


def three_sets(log: SessionLog, profile: Profile) -> None:
    first = ended_set(profile, 0.0, speed_change=(5.0, 1.4))
    log.set_ended(1, first, profile.name, first.rest_s)
    log.rate(1, sud=7, note="tight chest")
    second = ended_set(profile, 100.0, stop_at_s=106.0)
    log.set_ended(2, second, profile.name, second.rest_s + 0.5)
    log.rate(2, sud=5, voc=3)
    third = ended_set(profile, 200.0)
    log.set_ended(3, third, profile.name, third.rest_s)
    log.rate(3, sud=2, voc=6, note="lighter, «calmer» — ok")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# -- where and how the file is written ------------------------------------------------------


def test_the_folder_is_0700_and_the_file_0600_even_with_an_open_umask(
        standard: Profile) -> None:
    old = os.umask(0)
    try:
        log = SessionLog.open("run")
        three_sets(log, standard)
        log.close()
    finally:
        os.umask(old)
    assert log.path is not None and log.path.parent == sessions_dir()
    assert mode(sessions_dir()) == 0o700
    assert mode(log.path) == 0o600


def test_a_folder_found_open_to_others_is_tightened(standard: Profile) -> None:
    sessions_dir().mkdir(parents=True)
    os.chmod(sessions_dir(), 0o755)
    SessionLog.open("tap").close()
    assert mode(sessions_dir()) == 0o700


def test_a_session_without_sets_leaves_no_file() -> None:
    log = SessionLog.open("run")
    log.close()
    assert list_logs() == ()


def test_each_set_is_on_disk_for_another_process_before_set_ended_returns(
        standard: Profile, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd))[1])
    log = SessionLog.open("run")
    timeline = ended_set(standard, 0.0)
    log.set_ended(1, timeline, standard.name, timeline.rest_s)
    assert log.path is not None
    code = ("import sys; from pathlib import Path; from bls.log import read_session; "
            "r = read_session(Path(sys.argv[1])); print(len(r.sets), r.sets[0].passes_done)")
    seen = subprocess.run([sys.executable, "-c", code, str(log.path)], capture_output=True,
                          text=True, check=True)
    assert seen.stdout.split() == ["1", str(standard.length.passes)]
    assert synced, "the set was not flushed to the disk"
    log.close()


def test_the_log_holds_what_happened_set_by_set(standard: Profile) -> None:
    log = SessionLog.open("share", wall_clock=fixed_clock())
    three_sets(log, standard)
    log.close()
    assert log.path is not None
    record = read_session(log.path)
    assert record.warnings == ()
    assert record.header.frontend == "share"
    assert record.header.started == "2026-12-01T14:30:12+01:00"
    assert record.session_id.startswith("20261201-143012-")
    first, second, third = record.sets
    assert first.speeds_hz == (standard.motion.speed_hz, 1.4)
    assert (first.passes_done, first.passes_planned, first.ended) == (24, 24, "completed")
    assert second.ended == "stopped" and 0 < second.passes_done < 24
    assert second.duration_s == pytest.approx(ended_set(standard, 100.0, stop_at_s=106.0)
                                              .rest_s - 100.0, abs=1e-3)
    assert (third.rating.sud, third.rating.voc) == (2, 6)
    assert third.rating.note == "lighter, «calmer» — ok"
    assert record.suds() == (7, 5, 2)
    # set 2 started 106 s (plus its glide) before "now", on the wall clock
    assert datetime.fromisoformat(second.started).utcoffset() == timedelta(hours=1)


def test_a_newer_rating_for_a_set_replaces_the_older(standard: Profile) -> None:
    log = SessionLog.open("run")
    timeline = ended_set(standard, 0.0)
    log.set_ended(1, timeline, standard.name, timeline.rest_s)
    log.rate(1, sud=8, voc=2, note="first thought")
    log.rate(1, sud=6)
    log.close()
    assert log.path is not None
    rating = read_session(log.path).sets[0].rating
    assert (rating.sud, rating.voc, rating.note) == (6, None, "")


def test_no_line_has_a_field_for_who_the_client_is(standard: Profile) -> None:
    log = SessionLog.open("link")
    three_sets(log, standard)
    log.close()
    assert log.path is not None
    keys: dict[str, set[str]] = {}
    for line in log.path.read_text(encoding="utf-8").splitlines():
        fields = json.loads(line)
        keys.setdefault(fields["type"], set()).update(fields)
    assert keys == {
        "session": {"type", "format", "version", "id", "started", "bls", "frontend"},
        "set": {"type", "set", "started", "duration_s", "passes_planned", "passes_done",
                "speeds_hz", "profile", "path", "ended"},
        "rating": {"type", "set", "sud", "voc", "note"},
    }
    assert log.path.name.removesuffix(".jsonl") == read_session(log.path).session_id


# -- ratings --------------------------------------------------------------------------------


@pytest.mark.parametrize(("values", "message"), [
    ({"sud": 11}, "SUD must be from 0 to 10, not 11"),
    ({"sud": -1}, "SUD must be from 0 to 10, not -1"),
    ({"sud": 4.5}, "SUD must be a whole number from 0 to 10, not 4.5"),
    ({"sud": True}, "SUD must be a whole number from 0 to 10, not True"),
    ({"voc": 0}, "VOC must be from 1 to 7, not 0"),
    ({"voc": 8}, "VOC must be from 1 to 7, not 8"),
    ({"note": "x" * 201}, "the note is 201 characters; at most 200"),
    ({"note": "two\nlines"}, "the note must be one line of text"),
])
def test_a_rating_out_of_range_is_refused_with_one_line_and_nothing_written(
        standard: Profile, values: dict[str, object], message: str) -> None:
    for log in (SessionLog.open("run"), NullLog()):
        timeline = ended_set(standard, 0.0)
        log.set_ended(1, timeline, standard.name, timeline.rest_s)
        with pytest.raises(RatingError) as caught:
            log.rate(1, **values)  # type: ignore[arg-type]
        assert isinstance(caught.value, ValueError)
        assert str(caught.value).startswith(message) and "\n" not in str(caught.value)
        log.close()
        if log.path is not None:
            assert [s.rating.sud for s in read_session(log.path).sets] == [None]


def test_the_ends_of_each_range_are_accepted(standard: Profile) -> None:
    log = SessionLog.open("run")
    timeline = ended_set(standard, 0.0)
    log.set_ended(1, timeline, standard.name, timeline.rest_s)
    for sud, voc in ((0, 1), (10, 7)):
        log.rate(1, sud=sud, voc=voc, note="n" * 200)
    log.close()


def test_a_set_that_has_not_ended_cannot_be_rated() -> None:
    with pytest.raises(RatingError, match="set 2 has not ended"):
        SessionLog.open("run").rate(2, sud=3)


def test_no_log_writes_nothing(standard: Profile) -> None:
    log = NullLog()
    three_sets(log, standard)  # type: ignore[arg-type]
    log.close()
    assert not sessions_dir().exists()
    assert log.describe() == "session log: off (--no-log)"


# -- a session that meets trouble goes on ---------------------------------------------------


def test_a_disk_full_write_is_one_problem_and_the_next_sets_are_still_logged(
        standard: Profile, monkeypatch: pytest.MonkeyPatch) -> None:
    log = SessionLog.open("run")
    timeline = ended_set(standard, 0.0)
    log.set_ended(1, timeline, standard.name, timeline.rest_s)
    real_write = os.write

    def half_then_full(fd: int, data: bytes) -> int:
        if len(data) > 8:  # part of the line gets out, then the disk is full
            real_write(fd, bytes(data[: len(data) // 2]))
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", half_then_full)
    log.set_ended(2, timeline, standard.name, timeline.rest_s)  # does not raise
    problem = log.take_problem()
    assert problem is not None and "No space left on device" in problem
    assert "\n" not in problem
    log.set_ended(2, timeline, standard.name, timeline.rest_s)
    assert log.take_problem() is None  # shown once
    monkeypatch.setattr(os, "write", real_write)
    log.set_ended(3, timeline, standard.name, timeline.rest_s)
    log.close()
    assert log.path is not None
    record = read_session(log.path)
    assert [s.set_number for s in record.sets] == [1, 3]
    # each failed attempt left half a line; each is skipped on its own
    assert [w.split(":")[0].split()[-1] for w in record.warnings] == ["3", "4"]


def test_a_log_folder_removed_mid_session_is_a_problem_not_a_crash(
        standard: Profile) -> None:
    import shutil

    log = SessionLog.open("run")
    timeline = ended_set(standard, 0.0)
    log.set_ended(1, timeline, standard.name, timeline.rest_s)
    shutil.rmtree(sessions_dir())
    log.set_ended(2, timeline, standard.name, timeline.rest_s)
    log.rate(2, sud=3)
    problem = log.take_problem()
    assert problem is not None and "deleted while in use" in problem
    log.close()


def test_a_data_folder_that_is_a_file_is_a_problem_at_open(
        standard: Profile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("BLS_DATA_HOME", str(blocker))
    log = SessionLog.open("run")
    assert log.problem is not None and str(blocker) in log.problem
    timeline = ended_set(standard, 0.0)
    log.set_ended(1, timeline, standard.name, timeline.rest_s)
    log.rate(1, sud=1)
    log.close()


# -- reading back -----------------------------------------------------------------------------


def written_log(profile: Profile) -> Path:
    log = SessionLog.open("tap", wall_clock=fixed_clock())
    three_sets(log, profile)
    log.close()
    assert log.path is not None
    return log.path


@pytest.mark.parametrize("cut", [1, 10, 40])
def test_a_cut_off_last_line_is_skipped_with_a_warning(standard: Profile, cut: int) -> None:
    path = written_log(standard)
    data = path.read_bytes()
    path.write_bytes(data[:-cut])  # the rating of set 3 was being written
    record = read_session(path)
    assert [s.set_number for s in record.sets] == [1, 2, 3]
    assert record.sets[2].rating.sud is None
    assert len(record.warnings) == 1 and "cut off" in record.warnings[0]


def test_a_line_cut_mid_character_spoils_only_itself(standard: Profile) -> None:
    path = written_log(standard)
    data = path.read_bytes()
    path.write_bytes(data[: data.index("«".encode()) + 1])  # half of a 2-byte character
    record = read_session(path)
    assert len(record.sets) == 3 and len(record.warnings) == 1


@pytest.mark.parametrize(("content", "reason"), [
    (b"", "empty"),
    (b"name,sud\nAnna,7\n", "not a bls session log"),
    (b'{"type": "session", "format": "bls-session-log", "version": 9}\n', "newer bls"),
    (b"\xff\xfe\x00", "not UTF-8"),
    (b'{"type":"session","format":"bls-ses', "cut off while its first line was written"),
])
def test_a_file_that_is_not_a_log_is_one_clear_error(tmp_path: Path, content: bytes,
                                                      reason: str) -> None:
    path = tmp_path / "20261201-143012-abcd.jsonl"
    path.write_bytes(content)
    with pytest.raises(LogFileError) as caught:
        read_session(path)
    assert reason in str(caught.value) and str(path) in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_folder_or_fifo_in_place_of_a_log_is_refused_without_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.jsonl"
    os.mkfifo(fifo)
    with pytest.raises(LogFileError, match="is a FIFO"):
        read_session(fifo)
    with pytest.raises(LogFileError, match="is a folder"):
        read_session(tmp_path)


def test_a_huge_file_is_refused_before_it_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    with path.open("wb") as out:
        out.truncate(5 * 1024 * 1024)
    with pytest.raises(LogFileError, match="is larger than 4096 KB"):
        read_session(path)


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=2000))
def test_random_bytes_are_a_log_or_one_error_type(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "random.jsonl"
    path.write_bytes(data)
    try:
        read_session(path)
    except LogFileError as error:
        assert "\n" not in str(error)


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_a_damaged_real_log_is_a_log_or_one_error_type(tmp_path: Path, standard: Profile,
                                                       data: st.DataObject) -> None:
    source = tmp_path / "source.jsonl"
    if not source.exists():
        log = SessionLog.open("run", folder=tmp_path / "made")
        three_sets(log, standard)
        log.close()
        assert log.path is not None
        source.write_bytes(log.path.read_bytes())
    original = bytearray(source.read_bytes())
    for _ in range(data.draw(st.integers(0, 4))):
        at = data.draw(st.integers(0, len(original) - 1))
        original[at] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(original)))
    path = tmp_path / "damaged.jsonl"
    path.write_bytes(bytes(original[:cut]))
    try:
        record = read_session(path)
    except LogFileError as error:
        assert "\n" not in str(error)
    else:
        assert len(record.sets) <= 3


# -- CSV --------------------------------------------------------------------------------------


def test_csv_export_round_trips_every_field(standard: Profile, tmp_path: Path) -> None:
    record = read_session(written_log(standard))
    out = write_csv(record, tmp_path / "session.csv")
    assert mode(out) == 0o600
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == COLUMNS
    assert len(rows) == len(record.sets)
    for row, s in zip(rows, record.sets, strict=True):
        assert row["session"] == record.session_id
        assert row["session_started"] == record.header.started
        assert row["frontend"] == "tap"
        assert int(row["set"]) == s.set_number
        assert row["started"] == s.started
        assert float(row["duration_s"]) == s.duration_s
        assert int(row["passes_planned"]) == s.passes_planned
        assert int(row["passes_done"]) == s.passes_done
        assert tuple(float(v) for v in row["speeds_hz"].split()) == s.speeds_hz
        assert (row["profile"], row["path"], row["ended"]) == (s.profile, s.path, s.ended)
        assert row["sud"] == ("" if s.rating.sud is None else str(s.rating.sud))
        assert row["voc"] == ("" if s.rating.voc is None else str(s.rating.voc))
        assert row["note"] == s.rating.note


def test_csv_export_keeps_an_existing_file_unless_forced(standard: Profile,
                                                         tmp_path: Path) -> None:
    record = read_session(written_log(standard))
    out = tmp_path / "session.csv"
    out.write_text("mine")
    with pytest.raises(CsvExportError, match="exists; add --force"):
        write_csv(record, out)
    assert out.read_text() == "mine"
    write_csv(record, out, force=True)
    assert out.read_text(encoding="utf-8").startswith("session,")
    assert [p.name for p in tmp_path.iterdir()] == ["session.csv"]  # no temporary left


def test_the_console_export_writes_this_session_into_a_new_file_each_time(
        standard: Profile, tmp_path: Path) -> None:
    log = SessionLog.open("share", folder=tmp_path / "logs", wall_clock=fixed_clock())
    documents = tmp_path / "Documents"
    assert log.export_csv(documents) == "not exported: no set has ended yet"
    three_sets(log, standard)
    first = log.export_csv(documents)
    second = log.export_csv(documents)
    session = log.header.session_id
    assert first == f"exported to Documents: bls-session-{session}.csv"
    assert second == f"exported to Documents: bls-session-{session}-2.csv"
    with (documents / f"bls-session-{session}.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["sud"] for row in rows] == ["7", "5", "2"]
    assert mode(documents / f"bls-session-{session}-2.csv") == 0o600
    assert NullLog().export_csv(documents) == "not exported: the session log is off (--no-log)"


def test_the_log_imports_neither_pygame_nor_sounddevice() -> None:
    code = ("import sys, bls.log, bls.log.observer, bls.log.csvfile, bls.commands.log\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('pygame', 'sounddevice', '_sounddevice')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"
