"""SIGTERM and SIGHUP stop bls the way Ctrl-C does: the command's own cleanup runs, one line on
stderr, exit code 128 + the signal's number."""

from __future__ import annotations

import argparse
import os
import signal
from collections.abc import Callable
from pathlib import Path

import pytest

from bls import cli, signals
from bls.commands import tap
from bls.options import TapOptions
from bls.profiles import Library

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="POSIX signals")


def test_sigterm_inside_handled_raises_a_keyboard_interrupt_with_its_number() -> None:
    with signals.handled(), pytest.raises(KeyboardInterrupt) as caught:
        os.kill(os.getpid(), signal.SIGTERM)
        signal.sigtimedwait([], 0)  # give the handler its chance to run (it runs at once)
    assert isinstance(caught.value, signals.Interrupted)
    assert signals.exit_code(caught.value) == 143
    assert signals.describe(caught.value) == "stopped (SIGTERM)"


def test_exit_codes_and_lines_for_each_signal() -> None:
    assert (signals.exit_code(KeyboardInterrupt()), signals.describe(KeyboardInterrupt())) == (
        130, "stopped (Ctrl-C)")
    hangup = signals.Interrupted(signal.SIGHUP)
    assert signals.exit_code(hangup) == 129
    assert "terminal was closed" in signals.describe(hangup)


def test_a_second_signal_does_not_cut_the_cleanup_of_the_first() -> None:
    cleaned = False
    with signals.handled():
        try:
            os.kill(os.getpid(), signal.SIGTERM)
        except signals.Interrupted:
            os.kill(os.getpid(), signal.SIGHUP)  # while stopping: ignored
            cleaned = True
        assert signals.received() == signal.SIGTERM
    assert cleaned


def test_the_old_handlers_come_back_and_an_ignored_signal_stays_ignored() -> None:
    before = signal.getsignal(signal.SIGTERM)
    old_hup = signal.signal(signal.SIGHUP, signal.SIG_IGN)  # as under `nohup`
    try:
        with signals.handled():
            assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
            os.kill(os.getpid(), signal.SIGHUP)  # nothing happens
        assert signal.getsignal(signal.SIGTERM) == before
    finally:
        signal.signal(signal.SIGHUP, old_hup)


def test_main_turns_sigterm_into_one_line_and_exit_143(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def dispatch(args: argparse.Namespace) -> int:
        os.kill(os.getpid(), signal.SIGTERM)
        return 0  # not reached

    monkeypatch.setattr(cli, "_dispatch", dispatch)
    assert cli.main(["profiles"]) == 143
    assert capsys.readouterr().err == "bls: stopped (SIGTERM)\n"


def test_sigterm_during_export_leaves_no_partial_file_and_keeps_the_old_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from bls.commands import export

    out = tmp_path / "track.wav"
    out.write_bytes(b"the client's copy")

    def progress_then_signal(label: str) -> Callable[[float], None]:
        def show(share: float) -> None:
            if share > 0.3:
                os.kill(os.getpid(), signal.SIGTERM)
        return show

    monkeypatch.setattr(export, "terminal_progress", progress_then_signal)
    monkeypatch.setattr("sys.stderr.isatty", lambda: True, raising=False)
    code = cli.main(["export-audio", str(out), "--seconds", "60", "--force"])
    assert code == 143
    assert out.read_bytes() == b"the client's copy"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["track.wav"]
    assert capsys.readouterr().err.endswith("bls: stopped (SIGTERM)\n")


def test_tap_says_which_signal_stopped_it(monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    from bls.audio.output import NullOutput

    playing = NullOutput()
    playing.backend = "a test device"
    monkeypatch.setattr(tap, "open_output", lambda audio, **kw: playing)

    def terminated(*args: object, **kwargs: object) -> int:
        raise signals.Interrupted(signal.SIGTERM)

    monkeypatch.setattr(tap, "run_loop", terminated)
    tapping = Library.discover().load("tapping")
    assert tap.tap_command(TapOptions(sets=1, pause_s=0.0), tapping) == 143
    assert capsys.readouterr().err == "bls tap: stopped (SIGTERM)\n"
