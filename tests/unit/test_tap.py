"""`bls tap` without a device: the guided sequence a client hears, driven by a hand-moved clock."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pytest

from bls.audio import NullOutput
from bls.audio.output import DEVICE_STOPPED
from bls.clock import ManualClock
from bls.commands import tap
from bls.commands.tap import PlainUI, TapProgram, run_loop
from bls.commands.tap.program import CUE_S
from bls.commands.tap.terminal import parse_keys
from bls.core.profile import Profile, SetLength
from bls.core.program import plan_sets
from bls.core.timeline import SetTimeline
from bls.options import TapOptions
from bls.profiles import Library


class RecordingOutput(NullOutput):
    """Wall-clock time like NullOutput, but remembers what it was asked to play."""

    def __init__(self, clock: ManualClock) -> None:
        super().__init__(None, clock=clock)
        self.published: list[tuple[SetTimeline, ...]] = []
        self.cues: list[float] = []
        self.closed = False

    def publish(self, timelines: Sequence[SetTimeline]) -> None:
        self.published.append(tuple(timelines))

    def play(self, wave: np.ndarray, at_s: float, *, left: float = 1.0,
             right: float = 1.0) -> None:
        self.cues.append(at_s)

    def close(self) -> None:
        self.closed = True


class ScriptedUI(PlainUI):
    """Plain lines; time moves by hand; keys are pressed at given clock times."""

    def __init__(self, clock: ManualClock, keys: Sequence[tuple[float, str]] = ()) -> None:
        self.lines: list[str] = []
        self.statuses: list[str] = []
        self.failures: list[str] = []
        self.clock = clock
        self.keys = list(keys)
        super().__init__(self.lines.append, clock.advance)

    def status(self, text: str) -> None:
        self.statuses.append(text)

    def failure(self, text: str) -> None:
        self.failures.append(text)

    def wait(self, seconds: float) -> Sequence[str]:
        self.clock.advance(seconds)
        due = [key for at, key in self.keys if at <= self.clock.now()]
        self.keys = [(at, key) for at, key in self.keys if at > self.clock.now()]
        return due


@pytest.fixture
def tapping() -> Profile:
    profile = Library.discover().load("tapping")
    return replace(profile, length=SetLength(None, 4.0))


def test_a_guided_sequence_prints_each_set_its_passes_and_the_pause(tapping: Profile) -> None:
    clock = ManualClock(50.0)
    output = RecordingOutput(clock)
    ui = ScriptedUI(clock)
    code = run_loop(TapProgram(tapping, 2, 3.0), output, clock, ui, autostart=True)

    plan = plan_sets(tapping, 2, 3.0, start_s=50.0)
    passes = plan[0].total_passes()
    assert code == 0
    assert ui.lines == [
        "set 1/2: 4 s at 1 Hz (120 passes/min)",
        f"set 1 done: {passes} passes",
        "pause 3 s",
        "set 2/2: 4 s at 1 Hz (120 passes/min)",
        f"set 2 done: {passes} passes",
        "done: 2 of 2 sets",
    ]
    # It ends once the last cue has sounded, not much later.
    assert plan[1].rest_s + CUE_S <= clock.now() <= plan[1].rest_s + CUE_S + 0.1


def test_sets_are_placed_exactly_like_export_audio_and_cued_at_their_ends(
        tapping: Profile) -> None:
    clock = ManualClock(0.0)
    output = RecordingOutput(clock)
    run_loop(TapProgram(tapping, 3, 2.5), output, clock, ScriptedUI(clock), autostart=True)

    plan = plan_sets(tapping, 3, 2.5, start_s=0.0)
    played = {timeline for window in output.published for timeline in window}
    assert played == set(plan)
    assert output.cues == [timeline.rest_s for timeline in plan]


def test_the_status_line_counts_passes_and_time_left(tapping: Profile) -> None:
    program = TapProgram(tapping, 2, 20.0)
    assert program.status(0.0).startswith("ready | Space starts set 1/2 | 1.00 Hz = 120")
    program.begin(0.0)
    timeline = program.current
    assert timeline is not None
    line = program.status(2.1)
    assert line.startswith("set 1/2 | pass 3/")
    assert f"0:{round(timeline.rest_s - 2.1):02d} left" in line
    assert "120 passes/min" in line


def test_up_changes_speed_without_a_jump_and_stops_at_the_profile_maximum(
        tapping: Profile) -> None:
    program = TapProgram(tapping, 1, 0.0)
    program.begin(0.0)
    before = program.current
    assert before is not None
    step = program.change_speed(1.3, +0.1)
    after = program.current
    assert after is not None and step.publish is not None and after in step.publish
    assert after.position(1.3) == pytest.approx(before.position(1.3))
    assert after.speed_hz == pytest.approx(1.1)
    for _ in range(30):
        program.change_speed(1.4, +0.1)
    assert program.speed_hz == tapping.motion.max_speed_hz


def test_space_stops_a_set_and_the_next_waits_for_space(tapping: Profile) -> None:
    clock = ManualClock(0.0)
    output = RecordingOutput(clock)
    ui = ScriptedUI(clock, keys=[(1.6, "toggle"), (6.0, "toggle"), (7.0, "quit")])
    code = run_loop(TapProgram(tapping, 2, 1.0), output, clock, ui, autostart=True)
    assert code == 0
    assert ui.lines[0] == "set 1/2: 4 s at 1 Hz (120 passes/min)"
    assert ui.lines[1] == "set 1 stopped after 2 passes"  # tones at 1.0 s and 1.5 s
    assert ui.lines[2] == "set 2/2: 4 s at 1 Hz (120 passes/min)"  # only after Space at 6 s
    assert any(s.startswith("ready | Space starts set 2/2") for s in ui.statuses)
    assert ui.lines[-1] == "stopped during set 2/2"
    assert output.cues == []  # a stopped set gets no end-of-set cue


def test_keys_from_the_terminal() -> None:
    assert parse_keys(b" ") == ["toggle"]
    assert parse_keys(b"\x1b[A\x1b[B\x1bOA") == ["up", "down", "up"]
    assert parse_keys(b"\x1b") == ["quit"]
    assert parse_keys(b"q") == ["quit"]
    assert parse_keys(b"+-x") == ["up", "down"]


def _args(sets: int = 1, pause: float = 0.0) -> TapOptions:
    return TapOptions(sets=sets, pause_s=pause)


def test_without_a_sound_device_tap_says_so_in_one_line_and_fails(
        tapping: Profile, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(tap, "open_output", lambda audio, **kw: NullOutput(
        "no sound device", reasons=("PortAudio: PortAudio library not found",)))
    assert tap.tap_command(_args(), tapping) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "no sound device" in err and "tapping needs sound" in err
    assert "PortAudio library not found" in err


def test_ctrl_c_fades_out_and_exits_130_without_a_traceback(
        tapping: Profile, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    clock = ManualClock(0.0)
    playing = RecordingOutput(clock)
    playing.backend = "a test device"
    monkeypatch.setattr(tap, "open_output", lambda audio, **kw: playing)

    def interrupted(*args: object, **kwargs: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(tap, "run_loop", interrupted)
    assert tap.tap_command(_args(), tapping, clock=clock) == 130
    assert playing.closed
    captured = capsys.readouterr()
    assert captured.err == "bls tap: stopped (Ctrl-C)\n"
    assert "Traceback" not in captured.out


def test_a_device_lost_mid_set_ends_tapping_with_one_line(tapping: Profile) -> None:
    clock = ManualClock(0.0)

    class LosingOutput(RecordingOutput):
        @property
        def problem(self) -> str | None:
            return DEVICE_STOPPED if clock.now() > 2.0 else None

    ui = ScriptedUI(clock)
    code = run_loop(TapProgram(tapping, 1, 0.0), LosingOutput(clock), clock, ui, autostart=True)
    assert code == 1
    assert ui.failures == ["bls tap: sound device stopped; tapping needs sound"]
    assert 2.0 < clock.now() < 2.2


def test_l_before_the_first_set_checks_left_then_right(tapping: Profile) -> None:
    clock = ManualClock(0.0)

    class StereoOutput(RecordingOutput):
        def __init__(self, clock: ManualClock) -> None:
            super().__init__(clock)
            self.backend, self.channels, self.sample_rate = "test", 2, 48_000
            self.beeps: list[tuple[float, float, float]] = []

        def play(self, wave: np.ndarray, at_s: float, *, left: float = 1.0,
                 right: float = 1.0) -> None:
            self.beeps.append((at_s, left, right))

    output = StereoOutput(clock)
    ui = ScriptedUI(clock, keys=[(0.5, "check"), (5.0, "quit")])
    assert run_loop(TapProgram(tapping, 1, 0.0), output, clock, ui, autostart=False) == 0
    checks = [line for line in ui.lines if line.startswith("left/right check")]
    assert checks == ["left/right check: LEFT", "left/right check: RIGHT",
                      "left/right check: done"]
    sides = [("left" if left else "right") for _, left, _ in sorted(output.beeps)]
    assert sides == ["left"] * 3 + ["right"] * 3
    assert output.published == []  # the check starts no set
    assert parse_keys(b"l") == ["check"]
