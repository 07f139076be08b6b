"""Sound through SDL's audio device callback (pygame-ce), for machines without PortAudio.

SDL reports no DAC time, so the ear is assumed to hear a block about two buffers after its
callback. Opening raises `BackendUnavailable` with one line when SDL has no output device. While
the device plays, C libraries' own stderr lines are dropped, as with PortAudio.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bls.audio.output import PICTURE_ONLY, AudioOutput, _one_line
from bls.audio.portaudio import BackendUnavailable, library_stderr
from bls.clock import Clock
from bls.core.synth import SAMPLE_RATE, Voice

CHUNK_FRAMES = 512


def _import_sdl_audio() -> tuple[Any, Any]:
    try:
        import pygame
        import pygame._sdl2 as sdl2
        import pygame._sdl2.audio as sdl_audio
    except (ImportError, OSError) as error:
        raise BackendUnavailable(f"SDL: {_one_line(error)}") from None
    try:
        sdl2.init_subsystem(sdl2.INIT_AUDIO)
    except Exception as error:  # pygame's sdl2.error: no audio driver works here
        raise BackendUnavailable(f"SDL: {_one_line(error)}") from None
    return pygame, sdl_audio


class SdlOutput(AudioOutput):
    def __init__(self, voice: Voice, *, clock: Clock | None = None, rate: int = SAMPLE_RATE,
                 chunk_frames: int = CHUNK_FRAMES) -> None:
        pygame, sdl_audio = _import_sdl_audio()
        try:
            driver = pygame.mixer.get_driver()
        except Exception:
            driver = "unknown driver"
        super().__init__(voice, clock=clock, rate=rate, channels=2,
                         latency_s=2 * chunk_frames / rate, backend=f"SDL ({driver})")
        try:
            names = sdl_audio.get_audio_device_names(False)
            if not names:
                raise BackendUnavailable(f"SDL ({driver}): no output device")
            # No format changes allowed: SDL converts if the device wants another format.
            self._device = sdl_audio.AudioDevice(
                devicename=None, iscapture=False, frequency=rate,
                audioformat=sdl_audio.AUDIO_F32, numchannels=2, chunksize=chunk_frames,
                allowed_changes=0, callback=self._callback)
        except BackendUnavailable:
            raise
        except Exception as error:
            raise BackendUnavailable(f"SDL ({driver}): {_one_line(error)}") from None
        self.latency_s = 2 * int(self._device.chunksize) / rate

    def _callback(self, device: Any, stream: memoryview) -> None:
        now = self._clock.now()
        out = np.frombuffer(stream, dtype=np.float32).reshape(-1, 2)
        try:
            self._render(out, now, now + self.latency_s)
        except Exception as error:
            out.fill(0.0)
            self._fail(f"sound output failed ({_one_line(error)}){PICTURE_ONLY}")

    def _start_stream(self) -> None:
        library_stderr.silence()  # the sound server's own lines, should the device go away
        self._silenced = True
        self._device.pause(0)

    def _stop_stream(self) -> None:
        try:
            self._device.pause(1)
            self._device.close()
        finally:
            if getattr(self, "_silenced", False):
                self._silenced = False
                library_stderr.restore()
