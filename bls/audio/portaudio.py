"""Sound through PortAudio (python-sounddevice): the preferred backend.

Opening raises `BackendUnavailable` with one line when the library or a device is missing
(without libportaudio2, importing sounddevice raises OSError). The callback renders straight
into PortAudio's buffer and maps the buffer's DAC time onto the injected clock. While a stream
is open, the C libraries' own lines on stderr (PortAudio's "Expression ... failed" when a device
dies) are dropped: bls says what happened in its own one line (`problem`).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
from typing import Any, TextIO

import numpy as np

from bls.audio.output import DEVICE_STOPPED, PICTURE_ONLY, AudioOutput, _one_line
from bls.clock import Clock
from bls.core.synth import SAMPLE_RATE, Voice

LATENCY_S = 0.04  # asked of the device: low enough to feel instant, high enough not to underrun


class BackendUnavailable(Exception):
    """This backend cannot play here; the message says why in one line."""


def import_sounddevice() -> Any:
    try:
        import sounddevice
    except (ImportError, OSError) as error:  # OSError: the PortAudio library is missing
        raise BackendUnavailable(f"PortAudio: {_one_line(error)}") from None
    _quiet_alsa()
    return sounddevice


_ALSA_ERROR_HANDLER = ctypes.CFUNCTYPE(None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                                       ctypes.c_int, ctypes.c_char_p)
_alsa_handler: Any = None


def _quiet_alsa() -> None:
    """Keep libasound from printing to stderr (e.g. "underrun occurred" in the middle of the
    status line): underruns are counted by the callback and reported once instead."""
    global _alsa_handler
    if _alsa_handler is not None:
        return
    name = ctypes.util.find_library("asound")
    if name is None:
        return
    try:
        alsa = ctypes.CDLL(name)
        handler = _ALSA_ERROR_HANDLER(lambda *_args: None)
        alsa.snd_lib_error_set_handler(handler)
    except (OSError, AttributeError):
        return
    _alsa_handler = handler  # kept alive for as long as libasound may call it


class _LibraryStderr:
    """Points file descriptor 2 at the null device while bls holds a PortAudio stream, and
    `sys.stderr` (bls's own lines, tracebacks) at a copy of the real one, so only C code that
    writes to fd 2 directly goes unheard. BLS_LIBRARY_STDERR=1 keeps those lines (debugging)."""

    def __init__(self) -> None:
        self._users = 0
        self._saved_fd: int | None = None
        self._saved_stream: TextIO | None = None

    def silence(self) -> None:
        self._users += 1
        if self._users > 1 or os.environ.get("BLS_LIBRARY_STDERR") == "1":
            return
        stream = sys.stderr
        try:
            if stream is None or stream.fileno() != 2:
                return  # already redirected (tests capture it): nothing of ours to protect
            stream.flush()
            saved = os.dup(2)
            null = os.open(os.devnull, os.O_WRONLY)
        except (AttributeError, ValueError, OSError):
            return
        os.dup2(null, 2)
        os.close(null)
        self._saved_fd, self._saved_stream = saved, stream
        sys.stderr = open(saved, "w", encoding=stream.encoding, errors=stream.errors,
                          buffering=1, closefd=False)

    def restore(self) -> None:
        self._users = max(0, self._users - 1)
        if self._users or self._saved_fd is None:
            return
        try:
            sys.stderr.flush()
        except (OSError, ValueError):
            pass
        os.dup2(self._saved_fd, 2)
        os.close(self._saved_fd)
        sys.stderr = self._saved_stream
        self._saved_fd = self._saved_stream = None


library_stderr = _LibraryStderr()


class PortAudioOutput(AudioOutput):
    def __init__(self, voice: Voice, *, clock: Clock | None = None, rate: int = SAMPLE_RATE,
                 device: int | str | None = None, latency_s: float = LATENCY_S) -> None:
        sd = import_sounddevice()
        self._sd = sd
        try:
            info = sd.query_devices(device, "output")
            channels = min(2, int(info["max_output_channels"]))
            if channels < 1:
                raise BackendUnavailable(f"PortAudio: {info['name']} has no output channels")
            version = sd.get_portaudio_version()[1].split(",")[0]
            super().__init__(voice, clock=clock, rate=rate, channels=channels,
                             backend=f"{version} ({info['name']})")
            # A one-channel device gets the mix of both ears (and a warning from the L/R check).
            self._stereo = np.zeros((self._max_frames, 2), dtype=np.float32) \
                if channels == 1 else None
            self._stream = sd.OutputStream(
                samplerate=rate, channels=channels, dtype="float32", device=device,
                latency=latency_s, callback=self._callback,
                finished_callback=self._finished)
        except (sd.PortAudioError, ValueError) as error:
            raise BackendUnavailable(f"PortAudio: {_one_line(error)}") from None
        self.latency_s = float(self._stream.latency)

    def _callback(self, outdata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        now = self._clock.now()
        if status.output_underflow:
            self.underruns += 1
        ahead_s = time_info.outputBufferDacTime - time_info.currentTime
        # Some host APIs report no DAC time (0); then assume the stream's nominal latency.
        dac_s = now + ahead_s if 0.0 < ahead_s < 1.0 else now + self.latency_s
        try:
            if self._stereo is None:
                self._render(outdata, now, dac_s)
            else:
                stereo = self._stereo[:frames] if frames <= len(self._stereo) \
                    else np.zeros((frames, 2), dtype=np.float32)
                self._render(stereo, now, dac_s)
                np.add(stereo[:, 0], stereo[:, 1], out=outdata[:, 0])
        except Exception as error:
            outdata.fill(0.0)
            self._fail(f"sound output failed ({_one_line(error)}){PICTURE_ONLY}")
            raise self._sd.CallbackAbort from None

    def _finished(self) -> None:
        self._fail(DEVICE_STOPPED)

    def _start_stream(self) -> None:
        library_stderr.silence()
        self._silenced = True
        self._stream.start()

    def _stop_stream(self) -> None:
        try:
            self._stream.abort()  # the fade-out has been heard: what is left is silence
        finally:
            try:
                self._stream.close()
            finally:
                if getattr(self, "_silenced", False):
                    self._silenced = False
                    library_stderr.restore()
