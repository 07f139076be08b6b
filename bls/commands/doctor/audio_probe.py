"""Read what sound output this machine has (PortAudio, else SDL) and play a short silent test.

Shell code: the only doctor module that touches sounddevice or pygame's mixer. The `parse_*`
functions turn the libraries' plain values into facts and are tested on their own with fakes.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Mapping, Sequence
from types import ModuleType
from typing import Any

from bls.audio.output import Output
from bls.clock import Clock
from bls.commands.doctor.facts import AudioFacts, AudioTest, OutputDevice
from bls.core.profile import Audio

TEST_RATE_HZ = 48_000
TEST_BLOCK_FRAMES = 256

Importer = Callable[[str], ModuleType]


def parse_portaudio_version(version: object) -> str:
    """"19.6.0-devel" from sounddevice.get_portaudio_version()'s (number, text) pair."""
    text = version[1] if isinstance(version, tuple) and len(version) == 2 else str(version)
    match = re.search(r"V?(\d+(?:\.\d+)+[\w.-]*)", str(text))
    return match.group(1).rstrip(",") if match else str(text).strip()


def parse_output_devices(devices: Sequence[Mapping[str, Any]],
                         host_apis: Sequence[Mapping[str, Any]],
                         default_output: int | None) -> tuple[OutputDevice, ...]:
    """The devices that can play (max_output_channels > 0), as sounddevice.query_devices() lists
    them; `default_output` is sounddevice's default output index (-1 or None: none)."""
    found = []
    for position, device in enumerate(devices):
        channels = int(device.get("max_output_channels", 0) or 0)
        if channels <= 0:
            continue
        index = int(device.get("index", position))
        api_index = device.get("hostapi")
        host_api = ""
        if isinstance(api_index, int) and 0 <= api_index < len(host_apis):
            host_api = str(host_apis[api_index].get("name", ""))
        found.append(OutputDevice(
            index=index,
            name=str(device.get("name", f"device {index}")),
            host_api=host_api,
            channels=channels,
            default_rate_hz=float(device.get("default_samplerate", 0.0) or 0.0),
            low_latency_s=float(device.get("default_low_output_latency", 0.0) or 0.0),
            is_default=default_output is not None and index == default_output,
        ))
    return tuple(found)


def _default_output_index(sd: ModuleType) -> int | None:
    """sounddevice's default output: `default.device` is an (input, output) pair or one index."""
    try:
        device = sd.default.device
        try:
            index = device[1]
        except TypeError:
            index = device
        return int(index) if index is not None and int(index) >= 0 else None
    except (TypeError, ValueError, AttributeError, IndexError):
        return None


def probe_portaudio(sd: ModuleType) -> AudioFacts:
    """Facts from an imported sounddevice module."""
    version = parse_portaudio_version(sd.get_portaudio_version())
    devices = parse_output_devices(list(sd.query_devices()), list(sd.query_hostapis()),
                                   _default_output_index(sd))
    problem = "" if devices else "no sound output device found"
    return AudioFacts("portaudio", version, devices, problem=problem)


def probe_sdl(pygame: ModuleType, portaudio_problem: str) -> AudioFacts:
    """Facts from SDL's audio, which bls uses when PortAudio cannot play."""
    version = ".".join(str(part) for part in pygame.get_sdl_version())
    try:
        # pygame-ce ships no type stubs for its SDL2 audio module.
        from pygame import _sdl2  # type: ignore[attr-defined]
        from pygame._sdl2 import audio as sdl_audio  # type: ignore[import-not-found]

        _sdl2.init_subsystem(_sdl2.INIT_AUDIO)
        names = [str(name) for name in sdl_audio.get_audio_device_names(False)]
    except Exception as error:  # SDL raises its own error type when no audio driver works
        return AudioFacts("sdl", version, (), portaudio_problem,
                          problem=f"no sound output device found (SDL: {error})")
    devices = tuple(OutputDevice(i, name, "SDL", 2, 0.0, 0.0, is_default=i == 0)
                    for i, name in enumerate(names))
    problem = "" if devices else "no sound output device found"
    return AudioFacts("sdl", version, devices, portaudio_problem, problem)


def _import_pygame(importer: Importer) -> ModuleType | None:
    try:
        return importer("pygame")
    except ImportError:
        return None


def probe_audio(importer: Importer = importlib.import_module) -> AudioFacts:
    """What `bls run` will play through: PortAudio's devices, else SDL's (as `open_output`
    chooses). Never raises."""
    try:
        sd = importer("sounddevice")
    except OSError as error:  # sounddevice raises OSError when libportaudio is missing
        portaudio_problem = "PortAudio library not found" if "PortAudio" in str(error) \
            else str(error)
        portaudio = None
    except ImportError:
        portaudio_problem = "the sounddevice package is not installed"
        portaudio = None
    else:
        try:
            portaudio = probe_portaudio(sd)
        except Exception as error:  # PortAudio can fail to initialise on a broken setup
            portaudio = AudioFacts("portaudio", "", (), problem=f"PortAudio failed: {error}")
        if portaudio.devices:
            return portaudio
        portaudio_problem = "PortAudio sees no output device"
    pygame = _import_pygame(importer)
    sdl = probe_sdl(pygame, portaudio_problem) if pygame is not None else None
    if sdl is not None and sdl.devices:
        return sdl
    if portaudio is not None:
        return portaudio
    if sdl is not None:
        return sdl
    return AudioFacts("", "", (), portaudio_problem, problem="no audio library could load")


def audio_self_test(facts: AudioFacts, clock: Clock, seconds: float = 2.0,
                    importer: Importer = importlib.import_module) -> AudioTest | None:
    """Play `seconds` of silence through bls's own audio output and count underruns.

    None when there is no device to test. Silence, so nobody is startled: the stream and its
    callback run exactly as with tones, which is what underruns depend on.
    """
    if facts.problem or not facts.devices:
        return None
    try:
        audio_module = importer("bls.audio")
        open_output = audio_module.open_output
    except (ImportError, AttributeError):
        if facts.backend != "portaudio":
            return AudioTest(seconds, facts.backend, 0, 0.0,
                             problem="no audio output module to test")
        return _portaudio_stream_test(importer("sounddevice"), clock, seconds)
    return _open_output_test(open_output, clock, seconds)


def _default_audio_settings() -> Audio:
    from bls.profiles import DEFAULT_PROFILE, Library

    return Library.discover().load(DEFAULT_PROFILE).audio


def _open_output_test(open_output: Callable[..., Any], clock: Clock,
                      seconds: float) -> AudioTest:
    try:
        output = open_output(_default_audio_settings(), clock=clock)
    except Exception as error:
        return AudioTest(seconds, "", 0, 0.0, problem=f"could not open the output: {error}")
    backend = str(getattr(output, "backend", ""))
    problem = str(getattr(output, "problem", "") or "")
    if problem:
        _close(output)
        return AudioTest(seconds, backend, 0, 0.0, problem=problem)
    try:
        output.start()
        output.publish(())
        _wait(clock, seconds)
        return AudioTest(seconds, backend, int(output.underruns), float(output.latency_s),
                         int(getattr(output, "sample_rate", 0) or 0),
                         counts_underruns=not backend.startswith("SDL"))
    except Exception as error:
        return AudioTest(seconds, backend, 0, 0.0, problem=f"playback failed: {error}")
    finally:
        _close(output)


def _close(output: Output) -> None:
    try:
        output.close()
    except Exception:
        pass  # the test result is already known; a failing close adds nothing the user can fix


def _wait(clock: Clock, seconds: float) -> None:
    import time

    deadline = clock.now() + seconds
    while (remaining := deadline - clock.now()) > 0:
        time.sleep(min(remaining, 0.05))


def _portaudio_stream_test(sd: ModuleType, clock: Clock, seconds: float) -> AudioTest:
    """A stream like bls's: 48 kHz stereo float32 in 256-frame blocks, filling silence."""
    underruns = [0]

    def callback(outdata: Any, frames: int, time_info: Any, status: Any) -> None:
        outdata.fill(0)
        if status.output_underflow:
            underruns[0] += 1

    try:
        stream = sd.OutputStream(samplerate=TEST_RATE_HZ, channels=2, dtype="float32",
                                 blocksize=TEST_BLOCK_FRAMES, latency="low", callback=callback)
    except Exception as error:
        return AudioTest(seconds, "portaudio", 0, 0.0, problem=f"could not open the output: "
                         f"{error}")
    try:
        with stream:
            _wait(clock, seconds)
        return AudioTest(seconds, "PortAudio", underruns[0], float(stream.latency), TEST_RATE_HZ)
    except Exception as error:
        return AudioTest(seconds, "portaudio", 0, 0.0, problem=f"playback failed: {error}")
