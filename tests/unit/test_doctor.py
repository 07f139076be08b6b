"""`bls doctor` as a user reads it, with the machine replaced by fakes: what it says when there is
no display or no sound, which fix it suggests, and when it exits 1."""

from __future__ import annotations

import io
from types import SimpleNamespace
from typing import Any

import pytest

from bls.clock import ManualClock
from bls.commands.doctor import audio_probe, display_probe, report
from bls.commands.doctor.command import Probes, doctor_command
from bls.commands.doctor.facts import (
    AudioFacts,
    AudioTest,
    DisplayFacts,
    Findings,
    FrameTest,
    OutputDevice,
    Screen,
)
from bls.options import DoctorOptions

SCREEN = Screen(0, 1920, 1080, 60)
STEREO = OutputDevice(3, "pulse", "ALSA", 2, 48_000.0, 0.0087, is_default=True)
GOOD_FRAMES = FrameTest(3.0, 1 / 60, 180, 0, 0.0175, 0.0167, "vsync")
GOOD_AUDIO = AudioTest(2.0, "PortAudio V19.6.0 (pulse)", 0, 0.04, 48_000)


def run_doctor(display: DisplayFacts, audio: AudioFacts,
               frames: FrameTest = GOOD_FRAMES, audio_test: AudioTest | None = GOOD_AUDIO,
               vsync: bool | None = True) -> tuple[int, list[str]]:
    probes = Probes(display=lambda: display, frame_test=lambda facts, clock: (frames, vsync),
                    audio=lambda: audio, audio_test=lambda facts, clock: audio_test)
    out = io.StringIO()
    code = doctor_command(DoctorOptions(lr=False), probes=probes, clock=ManualClock(),
                          out=out)
    return code, out.getvalue().splitlines()


def lines_with(lines: list[str], text: str) -> list[str]:
    return [line for line in lines if text in line]


# --- what a user sees ------------------------------------------------------------------------


def test_a_healthy_machine_reports_everything_and_exits_0() -> None:
    code, lines = run_doctor(DisplayFacts("x11", (SCREEN,)),
                             AudioFacts("portaudio", "19.6.0", (STEREO,)))
    assert code == 0
    assert lines_with(lines, "1920x1080, 60 Hz")
    assert lines_with(lines, "vsync     available")
    assert lines_with(lines, "PortAudio 19.6.0")
    assert lines_with(lines, "* ") and lines_with(lines, "pulse: ALSA, 2 ch, 48000 Hz")
    assert lines_with(lines, "0 of 180 frames late")
    assert lines_with(lines, "0 underruns in 2 s")
    assert lines[-1].startswith("all good")


def test_no_sound_device_is_one_line_with_a_fix_and_exit_0() -> None:
    code, lines = run_doctor(DisplayFacts("x11", (SCREEN,)),
                             AudioFacts("portaudio", "19.6.0", (),
                                        problem="no sound output device found"))
    assert code == 0
    sound = [line for line in lines if line.startswith("sound")]
    assert len(sound) == 1 and "no sound output device found" in sound[0]
    assert lines_with(lines, "pulseaudio --start")
    assert not lines_with(lines, "audio     ")  # the audio self-test did not run


def test_no_display_is_one_line_and_no_window_is_opened() -> None:
    def frame_test(facts: DisplayFacts, clock: object) -> tuple[FrameTest, bool]:
        raise AssertionError("the frame test must not run without a display")

    probes = Probes(display=lambda: DisplayFacts("offscreen", problem="DISPLAY is not set"),
                    frame_test=frame_test,
                    audio=lambda: AudioFacts("portaudio", "19.6.0", (STEREO,)),
                    audio_test=lambda facts, clock: GOOD_AUDIO)
    out = io.StringIO()
    code = doctor_command(DoctorOptions(lr=False), probes=probes, clock=ManualClock(),
                          out=out)
    lines = out.getvalue().splitlines()
    assert code == 0
    assert [line for line in lines if line.startswith("display")] == [
        "display   no display found (DISPLAY is not set)"]
    assert lines_with(lines, "bls tap")


def test_missing_portaudio_suggests_installing_it() -> None:
    audio = AudioFacts("", "", (), "PortAudio library not found",
                       problem="no sound output device found")
    code, lines = run_doctor(DisplayFacts("x11", (SCREEN,)), audio)
    assert code == 0
    assert lines_with(lines, "install libportaudio2")


def test_a_mono_output_is_named() -> None:
    mono = OutputDevice(0, "USB speaker", "ALSA", 1, 48_000.0, 0.01, is_default=True)
    _, lines = run_doctor(DisplayFacts("x11", (SCREEN,)), AudioFacts("portaudio", "19.6", (mono,)))
    assert lines_with(lines, "USB speaker: ALSA, mono")
    assert lines_with(lines, "this output is mono (USB speaker)")


def test_high_latency_suggests_calibration_once() -> None:
    slow = OutputDevice(0, "BT headset", "ALSA", 2, 48_000.0, 0.2, is_default=True)
    test = AudioTest(2.0, "PortAudio", 0, 0.25, 48_000)
    _, lines = run_doctor(DisplayFacts("x11", (SCREEN,)), AudioFacts("portaudio", "19.6", (slow,)),
                          audio_test=test)
    assert len(lines_with(lines, "bls calibrate")) == 1


def test_late_frames_fail_the_frame_test_and_exit_1() -> None:
    late = FrameTest(3.0, 1 / 60, 180, 40, 0.1, 0.0167, "timer")
    code, lines = run_doctor(DisplayFacts("x11", (SCREEN,)),
                             AudioFacts("portaudio", "19.6", (STEREO,)), frames=late)
    assert code == 1
    assert lines_with(lines, "frames    FAILED: 40 of 180 frames late")
    assert lines_with(lines, "--window 1280x720")


def test_underruns_fail_the_audio_test_and_exit_1() -> None:
    broken = AudioTest(2.0, "PortAudio", 3, 0.04, 48_000)
    code, lines = run_doctor(DisplayFacts("x11", (SCREEN,)),
                             AudioFacts("portaudio", "19.6", (STEREO,)), audio_test=broken)
    assert code == 1
    assert lines_with(lines, "audio     FAILED: 3 underruns")


def test_no_vsync_and_a_30_hz_screen_get_advice() -> None:
    slow_screen = Screen(1, 3840, 2160, 30)
    _, lines = run_doctor(DisplayFacts("x11", (SCREEN, slow_screen)),
                          AudioFacts("portaudio", "19.6", (STEREO,)), vsync=False)
    assert lines_with(lines, "vsync     not available")
    assert lines_with(lines, "screen 1 refreshes at 30 Hz")


def test_a_probe_that_crashes_becomes_one_line_not_a_traceback() -> None:
    def broken_display() -> DisplayFacts:
        raise RuntimeError("driver exploded")

    def broken_audio() -> AudioFacts:
        raise OSError("PortAudio exploded")

    out = io.StringIO()
    code = doctor_command(DoctorOptions(lr=False),
                          probes=Probes(display=broken_display, audio=broken_audio),
                          clock=ManualClock(), out=out)
    text = out.getvalue()
    assert code == 0
    assert "Traceback" not in text
    assert "no display found (the display check failed: RuntimeError: driver exploded)" in text
    assert "the sound check failed: OSError: PortAudio exploded" in text


# --- parsing what the libraries return --------------------------------------------------------


def test_portaudio_version_is_read_from_its_text() -> None:
    version = (1246720, "PortAudio V19.6.0-devel, revision 396fe4b6699ae929d3a685b3ef8a7e9")
    assert audio_probe.parse_portaudio_version(version) == "19.6.0-devel"
    assert audio_probe.parse_portaudio_version((1, "PortAudio V19.7.0-devel")) == "19.7.0-devel"


def test_output_devices_skip_inputs_and_mark_the_default() -> None:
    devices = [
        {"name": "mic", "index": 0, "hostapi": 0, "max_input_channels": 2,
         "max_output_channels": 0, "default_samplerate": 48000.0,
         "default_low_output_latency": 0.0},
        {"name": "pulse", "index": 1, "hostapi": 0, "max_input_channels": 32,
         "max_output_channels": 32, "default_samplerate": 44100.0,
         "default_low_output_latency": 0.0087},
        {"name": "HDMI", "index": 2, "hostapi": 1, "max_output_channels": 8,
         "default_samplerate": 48000.0, "default_low_output_latency": 0.005},
    ]
    host_apis = [{"name": "ALSA"}, {"name": "JACK"}]
    found = audio_probe.parse_output_devices(devices, host_apis, default_output=1)
    assert [(d.name, d.host_api, d.channels, d.is_default) for d in found] == [
        ("pulse", "ALSA", 32, True), ("HDMI", "JACK", 8, False)]
    assert audio_probe.parse_output_devices(devices, host_apis, default_output=None)[0] \
        .is_default is False


class FakeSoundDevice:
    """What python-sounddevice answers on a machine with the given devices."""

    class PortAudioError(Exception):
        pass

    def __init__(self, devices: list[dict[str, Any]], default_output: int) -> None:
        self._devices = devices
        self.default = SimpleNamespace(device=[-1, default_output])

    def get_portaudio_version(self) -> tuple[int, str]:
        return (1246720, "PortAudio V19.6.0-devel, revision 0")

    def query_devices(self) -> list[dict[str, Any]]:
        return self._devices

    def query_hostapis(self) -> tuple[dict[str, Any], ...]:
        return ({"name": "ALSA"},)


class FakeSdl:
    """A pygame whose SDL audio lists `names` as output devices."""

    def __init__(self, names: list[str]) -> None:
        self.names = names

    def get_sdl_version(self) -> tuple[int, int, int]:
        return (2, 32, 10)


def importer_for(modules: dict[str, object]) -> Any:
    def importer(name: str) -> object:
        module = modules.get(name)
        if isinstance(module, BaseException):
            raise module
        if module is None:
            raise ImportError(name)
        return module

    return importer


def test_probe_audio_lists_portaudio_devices() -> None:
    sd = FakeSoundDevice([{"name": "default", "index": 0, "hostapi": 0,
                           "max_output_channels": 2, "default_samplerate": 48000.0,
                           "default_low_output_latency": 0.01}], default_output=0)
    facts = audio_probe.probe_audio(importer_for({"sounddevice": sd}))
    assert facts.backend == "portaudio" and facts.backend_version == "19.6.0-devel"
    assert facts.default_device is not None and facts.default_device.name == "default"
    assert not facts.problem


def test_probe_audio_without_portaudio_or_sdl_says_no_device(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audio_probe, "probe_sdl", lambda pygame, why: AudioFacts(
        "sdl", "2.32.10", (), why, problem="no sound output device found"))
    facts = audio_probe.probe_audio(importer_for({
        "sounddevice": OSError("PortAudio library not found"), "pygame": FakeSdl([])}))
    assert facts.problem == "no sound output device found"
    assert facts.portaudio_problem == "PortAudio library not found"
    tips = report.advice(Findings(DisplayFacts("x11", (SCREEN,)), facts))
    assert any("install libportaudio2" in tip for tip in tips)


def test_probe_audio_falls_back_to_sdl_when_portaudio_sees_nothing(
        monkeypatch: pytest.MonkeyPatch) -> None:
    sdl_device = OutputDevice(0, "Built-in Audio", "SDL", 2, 0.0, 0.0, is_default=True)
    monkeypatch.setattr(audio_probe, "probe_sdl", lambda pygame, why: AudioFacts(
        "sdl", "2.32.10", (sdl_device,), why))
    facts = audio_probe.probe_audio(importer_for({
        "sounddevice": FakeSoundDevice([], default_output=-1), "pygame": FakeSdl(["x"])}))
    assert facts.backend == "sdl" and facts.devices == (sdl_device,)
    lines = report.audio_lines(facts)
    assert "fallback: PortAudio sees no output device" in lines[0]


class FakeDisplayModule:
    def __init__(self, driver: str, sizes: list[tuple[int, int]], rates: list[int],
                 init_error: Exception | None = None) -> None:
        self._driver, self._sizes, self._rates, self._error = driver, sizes, rates, init_error

    def init(self) -> None:
        if self._error is not None:
            raise self._error

    def get_driver(self) -> str:
        return self._driver

    def get_desktop_sizes(self) -> list[tuple[int, int]]:
        return self._sizes

    def get_desktop_refresh_rates(self) -> list[int]:
        return self._rates


def test_probe_display_reads_screens_and_refresh_rates() -> None:
    pygame = SimpleNamespace(display=FakeDisplayModule(
        "x11", [(1920, 1080), (3840, 2160)], [60, 0]))
    facts = display_probe.probe_display(pygame)  # type: ignore[arg-type]
    assert facts.found
    assert facts.screens == (Screen(0, 1920, 1080, 60), Screen(1, 3840, 2160, 0))
    assert "refresh rate not reported" in report.display_lines(facts)[2]


@pytest.mark.parametrize("driver", ["dummy", "offscreen"])
def test_a_headless_video_driver_is_no_display(driver: str,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    pygame = SimpleNamespace(display=FakeDisplayModule(driver, [(1024, 768)], [60]))
    facts = display_probe.probe_display(pygame)  # type: ignore[arg-type]
    assert not facts.found
    assert report.display_lines(facts) == [
        f"display   no display found (DISPLAY is not set; SDL video driver is {driver!r})"]


def test_a_video_driver_that_fails_to_start_is_no_display() -> None:
    pygame = SimpleNamespace(display=FakeDisplayModule(
        "", [], [], init_error=RuntimeError("No available video device")))
    facts = display_probe.probe_display(pygame)  # type: ignore[arg-type]
    assert report.display_lines(facts) == ["display   no display found (No available video device)"]


def test_a_frame_that_misses_a_refresh_is_late() -> None:
    period = 1 / 60
    shown = [k * period for k in range(10)] + [11 * period, 12 * period]  # frame 10 skipped
    test = display_probe.analyse_frame_times(shown, period, 0.2, "vsync")
    assert (test.frames, test.late) == (11, 1)
    assert test.worst_interval_s == pytest.approx(2 * period)
    assert test.median_interval_s == pytest.approx(period)


def test_screens_without_reported_rates_have_rate_zero() -> None:
    assert display_probe.parse_screens([(800, 600)], None) == (Screen(0, 800, 600, 0),)


# --- bls doctor --lr ----------------------------------------------------------------------------


class FakeOutput:
    def __init__(self, backend: str) -> None:
        self.backend = backend
        self.closed = False

    def close(self) -> None:
        self.closed = True


def run_lr(monkeypatch: pytest.MonkeyPatch, output: FakeOutput,
           words: list[str]) -> tuple[int, list[str]]:
    import bls.audio
    import bls.audio.lr_check

    monkeypatch.setattr(bls.audio, "open_output", lambda audio, clock=None: output)

    def fake_check(out: object, show: Any, clock: object) -> None:
        for word in words:
            show(word)

    monkeypatch.setattr(bls.audio.lr_check, "run_lr_check", fake_check)
    stream = io.StringIO()
    code = doctor_command(DoctorOptions(lr=True), clock=ManualClock(), out=stream)
    return code, stream.getvalue().splitlines()


def test_lr_check_shows_each_side_and_exits_0(monkeypatch: pytest.MonkeyPatch) -> None:
    output = FakeOutput("PortAudio")
    code, lines = run_lr(monkeypatch, output, ["LEFT", "RIGHT", ""])
    assert code == 0
    assert lines[1:] == ["LEFT", "RIGHT"]
    assert output.closed


def test_lr_check_without_sound_says_so_with_a_fix_and_exits_1(
        monkeypatch: pytest.MonkeyPatch) -> None:
    code, lines = run_lr(monkeypatch, FakeOutput("none"),
                         ["no sound device: the left/right check needs sound"])
    assert code == 1
    assert lines[0] == "no sound device: the left/right check needs sound"
    assert "pulseaudio --start" in lines[1]


def test_the_sdl_fallback_does_not_claim_zero_underruns() -> None:
    sdl_device = OutputDevice(0, "Built-in Audio", "SDL", 2, 0.0, 0.0, is_default=True)
    test = AudioTest(2.0, "SDL (pulseaudio)", 0, 0.021, 48_000, counts_underruns=False)
    code, lines = run_doctor(DisplayFacts("x11", (SCREEN,)),
                             AudioFacts("sdl", "2.32.10", (sdl_device,),
                                        "PortAudio library not found"), audio_test=test)
    assert code == 0
    audio = [line for line in lines if line.startswith("audio")]
    assert audio == ["audio     ok: played 2 s through SDL (pulseaudio) at 48000 Hz (underruns "
                     "are not reported by SDL), output latency about 21.0 ms"]
    assert lines_with(lines, "install libportaudio2")
