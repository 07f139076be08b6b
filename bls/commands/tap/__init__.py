"""`bls tap`: auditory tapping in headphones from the terminal, no screen needed.

Tapping is the live Session with no picture: the pure `TapProgram` (`program.py`) runs the
Session's sets with cues and pauses between them; the loop here feeds it the output's clock and
carries out its steps; `terminal.py` shows them: plain lines when piped, a live status line with
keys on a terminal.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from bls.audio import AudioOutput, open_output
from bls.audio.lr_check import LEAD_S as LR_LEAD_S
from bls.audio.lr_check import MONO_WARNING, LrStep, schedule_lr_check, word_at
from bls.audio.output import PICTURE_ONLY
from bls.clock import Clock
from bls.commands.tap.program import Step, TapProgram
from bls.commands.tap.terminal import PlainUI, TapUI, TerminalUI, cbreak
from bls.core.profile import Profile
from bls.core.session import SPEED_STEP_HZ
from bls.core.synth import make_cue
from bls.log import Log, NullLog, open_log
from bls.log.observer import LogObserver
from bls.options import TapOptions

CUE_LEVEL = 0.5  # the end-of-set cue, as a share of the tones' level: soft
LATENCY_S = 0.1  # tapping needs no quick reactions, and must never break up
TICK_S = 0.05  # how often the loop looks at the clock, the keys and the status line
EXIT_OK, EXIT_FAILURE = 0, 1


def run_loop(program: TapProgram, output: AudioOutput, clock: Clock, ui: TapUI, *,
             autostart: bool, log: Log | None = None) -> int:
    """Run until the program is done or the user quits. Returns the exit code."""
    cue = make_cue(output.sample_rate)
    recorder = LogObserver(log or NullLog(), ui.message)

    def apply(step: Step) -> None:
        if step.ended is not None:  # on disk before "set N done" is said
            recorder.set_ended(step.ended, program.session)
        for text in step.messages:
            ui.message(text)
        if step.publish is not None:
            output.publish(step.publish)
        if step.cue_at_s is not None:
            output.play(cue, step.cue_at_s, left=CUE_LEVEL, right=CUE_LEVEL)

    try:
        return _loop(program, output, clock, ui, apply, autostart=autostart)
    finally:  # q, Ctrl-C or a lost device: a set under way is logged as stopped
        recorder.quit(program.session, output.heard_time(clock.now()))


def _loop(program: TapProgram, output: AudioOutput, clock: Clock, ui: TapUI,
          apply: Callable[[Step], None], *, autostart: bool) -> int:
    check: tuple[LrStep, ...] = ()  # the left/right check under way, on the audio clock
    check_said: str | None = None
    if autostart:
        apply(program.begin(output.change_time(clock.now())))
    while True:
        now = clock.now()
        heard_s = output.heard_time(now)
        apply(program.tick(heard_s, output.change_time(now)))
        if check:
            word = word_at(check, heard_s)
            if word != check_said and word != "":
                ui.message(f"left/right check: {word}" if word else "left/right check: done")
                check_said = word
            if word is None:
                check, check_said = (), None
        if program.finished(heard_s):
            if output.underruns:
                ui.message(f"note: the sound broke up {output.underruns} time(s); close busy "
                           "programs for an even rhythm")
            return EXIT_OK
        problem = output.problem
        if problem is not None:
            ui.failure(f"bls tap: {problem.removesuffix(PICTURE_ONLY)}; tapping needs sound")
            return EXIT_FAILURE
        ui.status(program.status(heard_s))
        for key in ui.wait(TICK_S):
            change_s = output.change_time(clock.now())
            if key == "quit":
                ui.message(f"stopped during set {max(program.set_number, 1)}/{program.sets}"
                           if program.state in ("running", "stopping") else "quit")
                return EXIT_OK
            if key == "check" and program.state == "ready" and not check:
                # Before the first set: left ear, then right, so swapped headphones show.
                if output.channels < 2:
                    ui.message(MONO_WARNING)
                check = schedule_lr_check(output, change_s + LR_LEAD_S)
            elif key == "toggle" and not check:
                apply(program.toggle(change_s))
            elif key in ("up", "down"):
                delta = SPEED_STEP_HZ if key == "up" else -SPEED_STEP_HZ
                apply(program.change_speed(change_s, delta))


# -- the command --------------------------------------------------------------------------------


def no_sound_message(output: AudioOutput) -> str:
    reasons = getattr(output, "reasons", ())
    detail = f" ({'; '.join(reasons)})" if reasons else ""
    return (f"bls tap: no sound device{detail}: tapping needs sound "
            "(install libportaudio2 / check PulseAudio)")


def tap_command(options: TapOptions, profile: Profile, *,
                clock: Clock | None = None) -> int:
    clock = clock or Clock()
    output = open_output(profile.audio, clock=clock, latency_s=LATENCY_S)
    if output.backend == "none":
        sys.stderr.write(no_sound_message(output) + "\n")
        return EXIT_FAILURE
    program = TapProgram(profile, options.sets, options.pause_s)
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    print(f"sound: {output.backend}, {1000 * output.latency_s:.0f} ms output latency",
          flush=True)
    log = open_log("tap", enabled=not options.no_log)
    print(log.take_problem() or log.describe(), flush=True)
    terminal: TerminalUI | None = None
    try:
        output.start()
        if not interactive:
            return run_loop(program, output, clock, PlainUI(_print_now), autostart=True,
                            log=log)
        fd = sys.stdin.fileno()
        with cbreak(fd):
            terminal = TerminalUI(fd)
            pause = f", {options.pause_s:g} s pause" if options.sets > 1 else ""
            terminal.message(f"{profile.name}: {options.sets} set(s) of "
                             f"{profile.length.describe()}{pause}. Press L to check "
                             "left/right in your headphones, Space to start.")
            code = run_loop(program, output, clock, terminal, autostart=False, log=log)
            terminal.clear()
            return code
    except KeyboardInterrupt as stop:  # Ctrl-C, SIGTERM or SIGHUP (bls.signals)
        from bls import signals

        if terminal is not None:
            terminal.clear()
        sys.stderr.write(f"bls tap: {signals.describe(stop)}\n")
        return signals.exit_code(stop)
    finally:
        log.close()
        output.close()


def _print_now(text: str) -> None:
    print(text, flush=True)
