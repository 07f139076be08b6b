"""The front-ends write the session log: each set that ends is one record, as it ends."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bls.clock import ManualClock
from bls.commands.run import frontend_name
from bls.commands.tap import TapProgram, run_loop
from bls.core.profile import Profile, SetLength
from bls.core.session import Session
from bls.log import NullLog, SessionLog, read_session
from bls.log.observer import LogObserver
from bls.log.store import list_logs
from bls.options import RunOptions
from bls.profiles import Library
from tests.unit.test_tap import RecordingOutput, ScriptedUI


@pytest.fixture
def tapping() -> Profile:
    profile = Library.discover().load("tapping")
    return replace(profile, length=SetLength(None, 4.0))


def test_tap_logs_each_set_as_it_ends_with_the_speed_it_ran_at(tapping: Profile) -> None:
    clock = ManualClock(0.0)
    ui = ScriptedUI(clock, keys=[(1.5, "up"), (1.6, "up")])
    log = SessionLog.open("tap")
    seen_after_first: list[int] = []

    def message(text: str) -> None:
        ui.lines.append(text)
        if text.startswith("pause") and log.path is not None:
            seen_after_first.append(len(read_session(log.path).sets))

    ui._write = message
    assert run_loop(TapProgram(tapping, 2, 3.0), RecordingOutput(clock), clock, ui,
                    autostart=True, log=log) == 0
    log.close()
    assert seen_after_first == [1]  # on disk before the pause began
    assert log.path is not None
    record = read_session(log.path)
    assert record.header.frontend == "tap"
    first, second = record.sets
    assert first.speeds_hz == (1.0, 1.1, 1.2) and second.speeds_hz == (1.2,)
    assert (first.ended, second.ended) == ("completed", "completed")
    assert first.passes_done == first.passes_planned
    assert first.profile == tapping.name


def test_tap_logs_a_set_stopped_with_space_as_stopped(tapping: Profile) -> None:
    clock = ManualClock(0.0)
    ui = ScriptedUI(clock, keys=[(2.0, "toggle"), (6.0, "quit")])
    log = SessionLog.open("tap")
    run_loop(TapProgram(tapping, 2, 1.0), RecordingOutput(clock), clock, ui, autostart=True,
             log=log)
    log.close()
    assert log.path is not None
    (only,) = read_session(log.path).sets
    assert only.ended == "stopped" and only.passes_done < only.passes_planned


def test_no_log_keeps_tap_from_writing_anything(tapping: Profile) -> None:
    clock = ManualClock(0.0)
    run_loop(TapProgram(tapping, 1, 0.0), RecordingOutput(clock), clock, ScriptedUI(clock),
             autostart=True, log=NullLog())
    assert list_logs() == ()


def test_the_live_loop_observer_records_the_set_the_session_reports(
        tapping: Profile) -> None:
    session = Session(tapping)
    log = SessionLog.open("run")
    said: list[str] = []
    observer = LogObserver(log, said.append)
    session.start(10.0)
    session.change_speed(11.0, 0.3)
    assert session.current is not None
    rest = session.current.rest_s
    assert session.tick(rest - 0.01) is None
    ended = session.tick(rest + 0.01)
    assert ended is not None
    observer.set_ended(ended, session)
    log.close()
    assert log.path is not None
    (record,) = read_session(log.path).sets
    assert record.speeds_hz == (1.0, 1.3)
    assert record.duration_s == pytest.approx(rest - 10.0, abs=1e-3)
    assert said == []


def test_a_log_problem_is_said_once_through_the_front_end(
        tapping: Profile, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BLS_DATA_HOME", "/proc/not-writable")
    log = SessionLog.open("run")
    said: list[str] = []
    observer = LogObserver(log, said.append)
    session = Session(tapping)
    for number in range(2):
        session.start(100.0 * number)
        assert session.current is not None
        ended = session.tick(session.current.rest_s)
        assert ended is not None
        observer.set_ended(ended, session)
    assert len(said) == 1 and said[0].startswith("session log: ")


@pytest.mark.parametrize(("options", "name"), [
    (RunOptions(), "run"), (RunOptions(share=True), "share"),
    (RunOptions(client_display=1), "client-display"), (RunOptions(link=True), "link"),
])
def test_the_log_names_the_front_end(options: RunOptions, name: str) -> None:
    assert frontend_name(options) == name


def test_quitting_tap_mid_set_logs_that_set_as_stopped(tapping: Profile) -> None:
    clock = ManualClock(0.0)
    ui = ScriptedUI(clock, keys=[(2.0, "quit")])
    log = SessionLog.open("tap")
    run_loop(TapProgram(tapping, 3, 1.0), RecordingOutput(clock), clock, ui, autostart=True,
             log=log)
    log.close()
    assert log.path is not None
    (only,) = read_session(log.path).sets
    assert only.ended == "stopped" and 0 < only.passes_done < only.passes_planned
    assert only.duration_s == pytest.approx(2.0, abs=0.1)


def test_quitting_logs_nothing_twice_and_nothing_for_a_set_not_yet_begun(
        tapping: Profile) -> None:
    session = Session(tapping)
    log = SessionLog.open("run")
    observer = LogObserver(log, print)
    session.start(0.0)
    assert session.current is not None
    rest = session.current.rest_s
    ended = session.tick(rest)
    assert ended is not None
    observer.set_ended(ended, session)
    observer.quit(session, rest + 1.0)  # set 1 was logged when it ended
    session.start(rest + 5.0)  # set 2 is placed for later...
    observer.quit(session, rest + 2.0)  # ...and the program quits before it begins
    log.close()
    assert log.path is not None
    assert [s.set_number for s in read_session(log.path).sets] == [1]


def test_a_console_rating_is_noted_or_gets_one_line_back(tapping: Profile) -> None:
    log = SessionLog.open("share")
    session = Session(tapping)
    session.start(0.0)
    assert session.current is not None
    log.set_ended(1, session.current, tapping.name, session.current.rest_s)
    assert log.note_rating(1, sud=4, voc=None, note="ok") is None
    assert log.note_rating(1, sud=12) == "SUD must be from 0 to 10, not 12"
    assert log.note_rating(2, sud=1) == "set 2 has not ended in this session"
    log.close()
    assert log.path is not None
    assert read_session(log.path).sets[0].rating.sud == 4
