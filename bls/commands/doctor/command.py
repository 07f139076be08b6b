"""`bls doctor [--lr]`: probe, self-test and print, one section at a time, then the advice.

Straight-line shell code. The probes are injected (`Probes`), so tests run the whole command
with fakes. Anything a probe raises becomes a one-line finding, never a traceback.
Exit code: 0 when doctor could report (even "no display" or "no sound device"), 1 when a
self-test that ran failed.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, TextIO

from bls.clock import Clock
from bls.commands.doctor import report
from bls.commands.doctor.facts import AudioFacts, AudioTest, DisplayFacts, Findings, FrameTest
from bls.options import DoctorOptions

FRAME_TEST_S = 3.0
AUDIO_TEST_S = 2.0


def _pygame() -> Any:
    import pygame

    return pygame


def _probe_display() -> DisplayFacts:
    from bls.commands.doctor.display_probe import probe_display

    return probe_display(_pygame())


def _frame_test(facts: DisplayFacts, clock: Clock) -> tuple[FrameTest, bool | None]:
    from bls.commands.doctor.display_probe import frame_self_test

    return frame_self_test(_pygame(), facts, clock, FRAME_TEST_S)


def _probe_audio() -> AudioFacts:
    from bls.commands.doctor.audio_probe import probe_audio

    return probe_audio()


def _audio_test(facts: AudioFacts, clock: Clock) -> AudioTest | None:
    from bls.commands.doctor.audio_probe import audio_self_test

    return audio_self_test(facts, clock, AUDIO_TEST_S)


@dataclass(frozen=True, slots=True)
class Probes:
    display: Callable[[], DisplayFacts] = _probe_display
    frame_test: Callable[[DisplayFacts, Clock], tuple[FrameTest, bool | None]] = _frame_test
    audio: Callable[[], AudioFacts] = _probe_audio
    audio_test: Callable[[AudioFacts, Clock], AudioTest | None] = _audio_test


def _guarded(what: str, call: Callable[[], Any], on_error: Callable[[str], Any]) -> Any:
    try:
        return call()
    except Exception as error:  # a broken driver is a finding; report it in one line
        return on_error(f"{what} failed: {type(error).__name__}: {error}")


def doctor_command(options: DoctorOptions, *, probes: Probes | None = None,
                   clock: Clock | None = None, out: TextIO | None = None) -> int:
    probes = probes or Probes()
    clock = clock or Clock()
    stream = out or sys.stdout

    def show(line: str) -> None:
        stream.write(line + "\n")
        stream.flush()

    try:
        return _doctor(options, probes, clock, show)
    except BrokenPipeError:  # `bls doctor | head`: the reader left; stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return report.EXIT_OK


def _doctor(options: DoctorOptions, probes: Probes, clock: Clock,
            show: Callable[[str], None]) -> int:
    if options.lr:
        return lr_check(clock, show)

    display = _guarded("the display check", probes.display,
                       lambda why: DisplayFacts("", problem=why))
    frame_test: FrameTest | None = None
    if display.found:
        show(f"checking frame timing for {FRAME_TEST_S:.0f} s (a window opens) ...")
        frame_test, vsync = _guarded(
            "the frame test", lambda: probes.frame_test(display, clock),
            lambda why: (FrameTest(FRAME_TEST_S, 1 / 60, 0, 0, 0.0, 0.0, "", problem=why), None))
        display = replace(display, vsync=vsync)
    for line in report.display_lines(display):
        show(line)

    audio = _guarded("the sound check", probes.audio,
                     lambda why: AudioFacts("", problem=why))
    for line in report.audio_lines(audio):
        show(line)
    if frame_test is not None:
        show(report.frame_test_line(frame_test))

    audio_test: AudioTest | None = None
    if not audio.problem and audio.devices:
        audio_test = _guarded("the audio test", lambda: probes.audio_test(audio, clock),
                              lambda why: AudioTest(AUDIO_TEST_S, audio.backend, 0, 0.0,
                                                    problem=why))
        if audio_test is not None:
            show(report.audio_test_line(audio_test))

    findings = Findings(display, audio, frame_test, audio_test)
    tips = report.advice(findings)
    if tips:
        show("to fix:")
        for tip in tips:
            show(f"  - {tip}")
    else:
        show("all good: bls has a display, stereo sound and steady timing")
    return report.exit_code(findings)


def lr_check(clock: Clock, show: Callable[[str], None]) -> int:
    """`bls doctor --lr`: beeps in the left ear while LEFT is shown, then in the right ear.

    Exit 1 when there is no sound to check with (the check says why in one line)."""
    from bls.audio import open_output
    from bls.audio.lr_check import run_lr_check
    from bls.commands.doctor.audio_probe import _default_audio_settings

    output = open_output(_default_audio_settings(), clock=clock)
    silent = output.backend == "none"
    try:
        if not silent:
            show("left/right check: put the headphones on; a beep follows each word")
        run_lr_check(output, lambda word: show(word) if word else None, clock)
    finally:
        output.close()
    if silent:
        show("  fix: plug in headphones and start the sound server (pulseaudio --start); "
             "`bls doctor` says more")
        return report.EXIT_FAILURE
    return report.EXIT_OK
