"""Turn `Findings` into the lines `bls doctor` prints: facts first, then plain words on what to fix.

Pure: no I/O. Each problem is one line; each piece of advice names a thing the user can do.
"""

from __future__ import annotations

from bls.commands.doctor.facts import AudioFacts, AudioTest, DisplayFacts, Findings, FrameTest

HIGH_LATENCY_S = 0.1  # above this the picture visibly leads the sound without calibration
LOW_REFRESH_HZ = 50
EXIT_OK, EXIT_FAILURE = 0, 1


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def display_lines(display: DisplayFacts) -> list[str]:
    if not display.found:
        why = display.problem or f"SDL video driver is {display.driver!r}"
        return [f"display   no display found ({why})"]
    count = len(display.screens)
    lines = [f"display   {display.driver}: {count} screen{'s' if count != 1 else ''}"]
    for screen in display.screens:
        refresh = f"{screen.refresh_hz} Hz" if screen.refresh_hz else "refresh rate not reported"
        lines.append(f"  screen {screen.index}  {screen.width}x{screen.height}, {refresh}")
    vsync = {True: "available", False: "not available", None: "not tried"}[display.vsync]
    lines.append(f"  vsync     {vsync}")
    return lines


def audio_lines(audio: AudioFacts) -> list[str]:
    if audio.backend == "portaudio":
        backend = f"PortAudio {audio.backend_version}".rstrip()
    elif audio.backend == "sdl":
        backend = f"SDL audio {audio.backend_version} (fallback: {audio.portaudio_problem})"
    else:
        backend = ""
    if audio.problem or not audio.devices:
        why = audio.problem or "no sound output device found"
        return [f"sound     {why}" + (f" [{backend}]" if backend else "")]
    lines = [f"sound     {backend}"]
    for device in audio.devices:
        mark = "*" if device.is_default else " "
        channels = "mono" if device.channels == 1 else f"{device.channels} ch"
        details = [device.host_api, channels] if device.host_api else [channels]
        if device.default_rate_hz:
            details.append(f"{device.default_rate_hz:.0f} Hz")
        if device.low_latency_s:
            details.append(f"latency {_ms(device.low_latency_s)}")
        lines.append(f"  {mark} {device.index:>2} {device.name}: {', '.join(details)}")
    return lines


def frame_test_line(test: FrameTest) -> str:
    if test.problem:
        return f"frames    FAILED: the self-test could not run: {test.problem}"
    verdict = "FAILED" if test.failed else "ok"
    return (f"frames    {verdict}: {test.late} of {test.frames} frames late in "
            f"{test.seconds:.0f} s at {1 / test.period_s:.0f} Hz, paced by {test.paced_by} "
            f"(median {_ms(test.median_interval_s)}, worst {_ms(test.worst_interval_s)})")


def audio_test_line(test: AudioTest) -> str:
    if test.problem:
        return f"audio     FAILED: {test.problem}"
    verdict = "FAILED" if test.failed else "ok"
    rate = f" at {test.sample_rate_hz} Hz" if test.sample_rate_hz else ""
    if not test.counts_underruns:
        return (f"audio     {verdict}: played {test.seconds:.0f} s through {test.backend}{rate} "
                f"(underruns are not reported by SDL), output latency about "
                f"{_ms(test.latency_s)}")
    return (f"audio     {verdict}: {test.underruns} underrun{'s' if test.underruns != 1 else ''} "
            f"in {test.seconds:.0f} s through {test.backend}{rate}, "
            f"output latency {_ms(test.latency_s)}")


def advice(findings: Findings) -> list[str]:
    """What to fix, most important first; empty when bls has everything it needs."""
    display, audio = findings.display, findings.audio
    tips: list[str] = []
    if not display.found:
        tips.append("no display: run bls from a desktop session (DISPLAY or WAYLAND_DISPLAY set); "
                    "`bls tap` and `bls export-audio` work without one")
    else:
        if display.vsync is False:
            tips.append("vsync is not available, so the target may tear: update the graphics "
                        "driver or turn on vsync/'sync to vblank' in its settings")
        slow = [s for s in display.screens if 0 < s.refresh_hz < LOW_REFRESH_HZ]
        for screen in slow:
            tips.append(f"screen {screen.index} refreshes at {screen.refresh_hz} Hz, so motion "
                        "looks jerky: choose a 60 Hz mode in the display settings")
    if "library not found" in audio.portaudio_problem:
        tips.append("install libportaudio2 (Debian/Ubuntu: sudo apt-get install libportaudio2; "
                    "macOS: brew install portaudio) so bls can time sound to the sample")
    elif audio.backend == "sdl" and audio.devices:
        tips.append(f"{audio.portaudio_problem}, so bls plays through SDL, whose timing is "
                    "estimated: on Linux install libasound2-plugins so PortAudio reaches "
                    "PulseAudio/PipeWire")
    if audio.problem or not audio.devices:
        tips.append("no sound output: plug in headphones or speakers and start the sound server "
                    "(pulseaudio --start, or systemctl --user start pipewire-pulse); "
                    "until then `bls run --no-audio` shows the target without sound")
    else:
        device = audio.default_device
        if device is not None and device.channels == 1:
            tips.append(f"this output is mono ({device.name}): left and right tones cannot be "
                        "told apart; use stereo headphones or pick a stereo output")
        if device is not None and device.low_latency_s > HIGH_LATENCY_S:
            tips.append(f"{device.name} reports {_ms(device.low_latency_s)} of latency "
                        "(Bluetooth?): run `bls calibrate` so sound and picture line up")
    frame, sound = findings.frame_test, findings.audio_test
    if frame is not None and frame.problem:
        tips.append(f"the frame test could not show a window ({frame.problem}): check the "
                    "graphics driver, then run `bls doctor` again")
    elif frame is not None and frame.failed:
        tips.append(f"{frame.late} of {frame.frames} frames were late: close other programs, "
                    "use a smaller window (bls run --window 1280x720) or a lower resolution")
    if sound is not None and sound.problem:
        tips.append("the sound output could not be played: check that no other program holds "
                    "it exclusively, then run `bls doctor` again")
    elif sound is not None and sound.underruns:
        tips.append(f"sound broke up {sound.underruns} time(s): close busy programs; on Linux, "
                    "a PulseAudio/PipeWire output usually copes better than raw ALSA")
    if sound is not None and sound.latency_s > HIGH_LATENCY_S and not sound.problem:
        already = any("calibrate" in tip for tip in tips)
        if not already:
            tips.append(f"the output adds {_ms(sound.latency_s)} of latency: run `bls calibrate` "
                        "so sound and picture line up")
    return tips


def exit_code(findings: Findings) -> int:
    """1 when a self-test that ran failed; 0 when doctor could report (even with no devices)."""
    tests = (findings.frame_test, findings.audio_test)
    return EXIT_FAILURE if any(t is not None and t.failed for t in tests) else EXIT_OK
