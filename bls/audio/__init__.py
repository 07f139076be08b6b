"""Live sound: the best available output device, or a silent stand-in that says why.

`open_output` never raises for a missing device: it returns a `NullOutput` whose `problem` is one
line for the user. Timeline time is the sample clock of the output (see `AudioOutput`).
"""

from __future__ import annotations

from bls.audio.output import AudioOutput, NullOutput, Output
from bls.audio.portaudio import BackendUnavailable
from bls.clock import Clock
from bls.core.profile import Audio
from bls.core.synth import SAMPLE_RATE, Voice

__all__ = [
    "NO_DEVICE", "AudioOutput", "BackendUnavailable", "NullOutput", "Output", "open_output",
]

NO_DEVICE = ("no sound device: going on with the picture only "
             "(install libportaudio2 / check PulseAudio)")
BACKENDS = ("portaudio", "sdl")


def open_output(audio: Audio, *, enabled: bool = True, clock: Clock | None = None,
                prefer: str | None = None, latency_s: float | None = None) -> AudioOutput:
    """Best available backend: PortAudio, else SDL's audio callback, else a silent NullOutput.

    `enabled=False` (--no-audio) gives a NullOutput with no problem. `prefer` ("portaudio",
    "sdl" or "none") tries only that one. A sound file that cannot be read still raises
    SoundFileError: that is the profile's fault, not the device's. `latency_s` asks PortAudio
    for more buffering where quick reactions matter less than never breaking up (tapping).
    """
    clock = clock or Clock()
    if not enabled:
        return NullOutput(None, clock=clock)
    if prefer is not None and prefer not in (*BACKENDS, "none"):
        raise ValueError(f"unknown audio backend {prefer!r}; allowed: portaudio, sdl, none")
    from bls.sounds import voice_for

    voice = voice_for(audio, SAMPLE_RATE)
    reasons: list[str] = []
    for name in BACKENDS if prefer is None else (prefer,):
        try:
            return _open_backend(name, voice, clock, latency_s)
        except BackendUnavailable as error:
            reasons.append(str(error))
    if prefer == "none":
        return NullOutput(None, clock=clock)
    return NullOutput(NO_DEVICE, clock=clock, reasons=reasons)


def _open_backend(name: str, voice: Voice, clock: Clock,
                  latency_s: float | None) -> AudioOutput:
    if name == "portaudio":
        from bls.audio.portaudio import PortAudioOutput

        if latency_s is None:
            return PortAudioOutput(voice, clock=clock)
        return PortAudioOutput(voice, clock=clock, latency_s=latency_s)
    if name == "sdl":
        from bls.audio.sdl import SdlOutput

        return SdlOutput(voice, clock=clock)
    raise BackendUnavailable(f"{name}: not a sound backend")
