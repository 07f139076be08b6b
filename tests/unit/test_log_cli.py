"""`bls log`: what a therapist sees when listing, showing, exporting and deleting session logs."""

from __future__ import annotations

import argparse
import csv
import stat
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from bls.cli import main
from bls.commands.log import log_command
from bls.core.profile import Profile
from bls.core.timeline import SetTimeline
from bls.log import SessionLog
from bls.log.store import list_logs
from bls.profiles import Library

OFFSET = timezone(timedelta(hours=-5))


@pytest.fixture(scope="module")
def standard() -> Profile:
    return Library.discover().load("standard")


def make_log(profile: Profile, minute: int, suds: list[int | None],
             *, stop_second: bool = False) -> str:
    started = datetime(2026, 11, 30, 9, minute, 0, tzinfo=OFFSET)
    log = SessionLog.open("run", wall_clock=lambda: started)
    for number, sud in enumerate(suds, start=1):
        timeline = SetTimeline.begin(100.0 * number, profile.motion, profile.length)
        if stop_second and number == 2:
            timeline = timeline.stopped(100.0 * number + 5)
        log.set_ended(number, timeline, profile.name, timeline.rest_s)
        if sud is not None:
            log.rate(number, sud=sud, note=f"after set {number}")
    log.close()
    return log.header.session_id


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["log", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_list_shows_each_session_with_its_sets_and_first_and_last_sud(
        standard: Profile, capsys: pytest.CaptureFixture[str]) -> None:
    first = make_log(standard, 5, [8, 6, 3])
    second = make_log(standard, 40, [None, None])
    code, out, err = run(capsys, "list")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].split() == ["id", "date", "sets", "first", "SUD", "last", "SUD"]
    assert lines[1].split() == [first, "2026-11-30", "09:05", "3", "8", "3"]
    assert lines[2].split() == [second, "2026-11-30", "09:40", "2", "-", "-"]
    assert main(["log"]) == 0 and capsys.readouterr().out == out  # list is the default


def test_list_with_no_logs_says_where_they_would_be(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "list")
    assert code == 0 and out.startswith("no session logs yet") and "sessions" in out


def test_list_names_an_unreadable_file_and_goes_on(
        standard: Profile, capsys: pytest.CaptureFixture[str]) -> None:
    good = make_log(standard, 5, [4])
    broken = list_logs()[0].with_name("20261130-080000-beef.jsonl")
    broken.write_bytes(b"\x00\x01 not a log")
    code, out, _ = run(capsys, "list")
    assert code == 0
    assert "20261130-080000-beef   unreadable: not a bls session log" in out
    assert good in out


def test_show_prints_a_row_per_set(standard: Profile,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    session = make_log(standard, 5, [7, 5], stop_second=True)
    code, out, err = run(capsys, "show", session[:-2])  # a unique beginning is enough
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].startswith(f"session {session}: started 2026-11-30T09:05:00-05:00")
    assert "2 set(s)" in lines[0]
    row1, row2 = lines[2].split(), lines[3].split()
    assert row1[0] == "1" and "24/24" in row1 and "completed" in row1
    assert row1[-5:] == ["7", "-", "after", "set", "1"]
    assert row2[0] == "2" and "stopped" in row2 and "5" in row2
    assert "Standard" in row1 and "horizontal" in row1


def test_show_of_a_cut_off_log_warns_and_shows_the_rest(
        standard: Profile, capsys: pytest.CaptureFixture[str]) -> None:
    session = make_log(standard, 5, [7, 5])
    path = list_logs()[0]
    path.write_bytes(path.read_bytes()[:-7])
    code, out, err = run(capsys, "show", session)
    assert code == 0
    assert err.count("\n") == 1 and err.startswith("bls log: warning: ") and "cut off" in err
    assert len(out.splitlines()) == 4


@pytest.mark.parametrize("argv", [["show", "2025"], ["export", "nope", "--csv", "x.csv"],
                                  ["delete", "1", "--yes"]])
def test_an_unknown_id_is_one_line_that_says_how_to_see_the_ids(
        standard: Profile, capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    make_log(standard, 5, [1])
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "`bls log list` shows the ids" in err


def test_an_ambiguous_beginning_lists_the_candidates(
        standard: Profile, capsys: pytest.CaptureFixture[str]) -> None:
    make_log(standard, 5, [1])
    make_log(standard, 6, [2])
    code, _, err = run(capsys, "show", "20261130-09")
    assert code == 2 and "matches 2 session logs" in err and err.count("\n") == 1


def test_export_writes_a_private_csv_and_never_overwrites_without_force(
        standard: Profile, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    session = make_log(standard, 5, [7, 5, 2])
    out_file = tmp_path / "client.csv"
    code, out, _ = run(capsys, "export", session, "--csv", str(out_file))
    assert code == 0 and out.startswith(f"{out_file}: 3 set(s)")
    assert stat.S_IMODE(out_file.stat().st_mode) == 0o600
    with out_file.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["sud"] for row in rows] == ["7", "5", "2"]
    assert [row["note"] for row in rows] == ["after set 1", "after set 2", "after set 3"]

    out_file.write_text("edited by hand")
    code, out, err = run(capsys, "export", session, "--csv", str(out_file))
    assert code == 2 and out == "" and err == f"bls log: {out_file} exists; add --force to " \
                                              "overwrite it\n"
    assert out_file.read_text() == "edited by hand"
    code, _, _ = run(capsys, "export", session, "--csv", str(out_file), "--force")
    assert code == 0 and out_file.read_text(encoding="utf-8").startswith("session,")


def test_export_into_a_missing_folder_is_one_line(
        standard: Profile, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    session = make_log(standard, 5, [7])
    code, _, err = run(capsys, "export", session, "--csv", str(tmp_path / "no" / "x.csv"))
    assert code == 2 and err.count("\n") == 1 and "no such folder" in err


def test_export_needs_csv(standard: Profile, capsys: pytest.CaptureFixture[str]) -> None:
    session = make_log(standard, 5, [7])
    code, _, err = run(capsys, "export", session)
    assert code == 2 and "--csv" in err and "Traceback" not in err


def test_delete_yes_removes_only_that_log(standard: Profile,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    keep = make_log(standard, 5, [7])
    gone = make_log(standard, 6, [3])
    code, out, _ = run(capsys, "delete", gone, "--yes")
    assert code == 0 and out.startswith("deleted ")
    assert [p.stem for p in list_logs()] == [keep]


def test_delete_without_a_terminal_or_yes_refuses(standard: Profile,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    session = make_log(standard, 5, [7])
    code, out, err = run(capsys, "delete", session)  # pytest's stdin is not a terminal
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "--yes" in err
    assert [p.stem for p in list_logs()] == [session]


@pytest.mark.parametrize(("answer", "kept"), [("y", False), ("YES", False), ("n", True),
                                              ("", True)])
def test_delete_on_a_terminal_asks_and_defaults_to_no(
        standard: Profile, capsys: pytest.CaptureFixture[str], answer: str, kept: bool) -> None:
    session = make_log(standard, 5, [7])
    questions: list[str] = []

    def ask(question: str) -> str:
        questions.append(question)
        return answer

    args = argparse.Namespace(log_action="delete", id=session, yes=False)
    assert log_command(args, ask=ask, interactive=True) == 0
    assert questions and questions[0].endswith("[y/N] ")
    assert bool(list_logs()) == kept
