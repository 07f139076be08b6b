"""What `bls doctor` found, as frozen values: the probes fill them, the report reads them.

Pure data: no pygame, no sounddevice, no clock. Every time is in seconds, every rate in Hz.
"""

from __future__ import annotations

from dataclasses import dataclass

# SDL video drivers that show nothing on a screen.
HEADLESS_DRIVERS = ("dummy", "offscreen")
LATE_SHARE_LIMIT = 0.05  # the frame test fails when more frames than this share are late


@dataclass(frozen=True, slots=True)
class Screen:
    index: int
    width: int
    height: int
    refresh_hz: int  # 0 when the driver does not say


@dataclass(frozen=True, slots=True)
class DisplayFacts:
    driver: str  # SDL video driver ("x11", "wayland", "windows", "cocoa", "dummy", ...) or ""
    screens: tuple[Screen, ...] = ()
    vsync: bool | None = None  # None: could not be tried
    problem: str = ""  # why there is no usable display, in a few words

    @property
    def found(self) -> bool:
        return (not self.problem and bool(self.screens)
                and self.driver not in HEADLESS_DRIVERS)


@dataclass(frozen=True, slots=True)
class OutputDevice:
    index: int
    name: str
    host_api: str
    channels: int  # output channels
    default_rate_hz: float
    low_latency_s: float  # the device's reported low output latency
    is_default: bool = False


@dataclass(frozen=True, slots=True)
class AudioFacts:
    backend: str  # "portaudio", "sdl" or "" (none)
    backend_version: str = ""  # "19.6.0-devel" for PortAudio, the SDL version for SDL
    devices: tuple[OutputDevice, ...] = ()
    portaudio_problem: str = ""  # why PortAudio could not be used ("" when it could)
    problem: str = ""  # why no sound can be played at all

    @property
    def default_device(self) -> OutputDevice | None:
        for device in self.devices:
            if device.is_default:
                return device
        return self.devices[0] if self.devices else None


@dataclass(frozen=True, slots=True)
class FrameTest:
    """The frame-timing self-test: frames paced at the refresh period, late ones counted."""

    seconds: float
    period_s: float
    frames: int
    late: int  # frames shown more than half a period after they were due
    worst_interval_s: float
    median_interval_s: float
    paced_by: str  # "vsync" or "timer"
    problem: str = ""  # could not run

    @property
    def failed(self) -> bool:
        if self.problem:
            return True
        return self.frames > 0 and self.late / self.frames > LATE_SHARE_LIMIT


@dataclass(frozen=True, slots=True)
class AudioTest:
    """The audio self-test: a stream played for a few seconds, its underruns counted."""

    seconds: float
    backend: str
    underruns: int
    latency_s: float  # output latency the stream reported
    sample_rate_hz: int = 0
    problem: str = ""  # could not run
    counts_underruns: bool = True  # SDL's callback API does not tell about underruns

    @property
    def failed(self) -> bool:
        return bool(self.problem) or self.underruns > 0


@dataclass(frozen=True, slots=True)
class Findings:
    display: DisplayFacts
    audio: AudioFacts
    frame_test: FrameTest | None = None  # None: not run (no display)
    audio_test: AudioTest | None = None  # None: not run (no sound device)
