"""Every failure a user can cause reaches the terminal as one line with the documented exit
code (2 usage or bad input, 1 runtime failure), whichever command meets it."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from bls import cli

ROOT = Path(__file__).resolve().parents[2]


def failing_with(error: Exception) -> Callable[[argparse.Namespace], int]:
    def dispatch(args: argparse.Namespace) -> int:
        raise error
    return dispatch


def test_no_display_from_any_command_is_one_line_and_exit_2(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from bls.display.window import DisplayError

    monkeypatch.setattr(cli, "_dispatch", failing_with(DisplayError("no display found")))
    assert cli.main(["calibrate"]) == 2
    assert capsys.readouterr().err == "bls: no display found\n"


def test_a_failed_settings_save_is_one_line(monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    from bls.settings import SettingsError

    monkeypatch.setattr(cli, "_dispatch", failing_with(SettingsError("x.toml: cannot save")))
    assert cli.main(["calibrate"]) == 2
    assert capsys.readouterr().err == "bls: x.toml: cannot save\n"


def test_export_errors_carry_their_exit_code(monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    from bls.commands.export import ExportError

    monkeypatch.setattr(cli, "_dispatch", failing_with(ExportError("disk full", 1)))
    assert cli.main(["export-audio", "x.wav"]) == 1
    assert capsys.readouterr().err == "bls: disk full\n"


def test_a_reader_that_stops_early_is_no_traceback(tmp_path: Path) -> None:
    """`bls profiles keys | head -1`: bls stops quietly, exit code as after SIGPIPE."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has gone before bls writes a line
    try:
        result = subprocess.run([sys.executable, "-m", "bls", "profiles", "keys"], cwd=ROOT,
                                env={**os.environ, "BLS_CONFIG_HOME": str(tmp_path)},
                                stdout=write_end, stderr=subprocess.PIPE, timeout=60)
    finally:
        os.close(write_end)
    assert result.returncode == 141
    assert result.stderr == b""
