"""Reads the sound samples in assets/sounds (and user WAVs) as mono float arrays for the synth.

Shell code: file I/O lives here so that `bls.core.synth` stays pure.
"""

from __future__ import annotations

import stat
import struct
import wave
from pathlib import Path

import numpy as np

from bls import paths
from bls.core.profile import BUILTIN_TONES, Audio
from bls.core.synth import Voice

MAX_SOUND_BYTES = 8 * 2**20  # a tone sample is a fraction of a second; this is a minute


class SoundFileError(Exception):
    """A sound file that cannot be used, in one line naming it."""


def read_wav_mono(path: Path, rate: int) -> np.ndarray:
    """A 16-bit PCM WAV as mono float32 at `rate` (channels averaged, linear resampling).
    Only a regular file of at most MAX_SOUND_BYTES is opened (never a FIFO or a device)."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise SoundFileError(f"{path}: cannot read sound: not a regular file")
        if info.st_size > MAX_SOUND_BYTES:
            raise SoundFileError(f"{path}: cannot read sound: larger than "
                                 f"{MAX_SOUND_BYTES // 2**20} MB; a tone is a short sound")
        with wave.open(str(path), "rb") as handle:
            if handle.getsampwidth() != 2:
                raise SoundFileError(f"{path}: only 16-bit PCM WAV files are supported")
            channels, source_rate = handle.getnchannels(), handle.getframerate()
            if channels < 1 or source_rate < 1:
                raise SoundFileError(f"{path}: cannot read sound: {channels} channels at "
                                     f"{source_rate} Hz")
            raw = handle.readframes(handle.getnframes())
    except (OSError, wave.Error, EOFError, struct.error) as error:
        raise SoundFileError(f"{path}: cannot read sound: {error}") from None
    raw = raw[: len(raw) - len(raw) % (2 * channels)]  # a truncated last frame is dropped
    data = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
    mono = data.reshape(-1, channels).mean(axis=1)
    if source_rate != rate and len(mono) > 1:
        duration_s = len(mono) / source_rate
        target_times = np.arange(round(duration_s * rate)) / rate
        mono = np.interp(target_times, np.arange(len(mono)) / source_rate, mono).astype(np.float32)
    return mono


def voice_for(audio: Audio, rate: int) -> Voice:
    """The synth voice for a profile's [audio], reading its sample file when it names one."""
    sample = None
    if audio.tone not in BUILTIN_TONES:
        sample = read_wav_mono(paths.sounds_dir() / f"{audio.tone}.wav", rate)
    return Voice.from_audio(audio, rate, sample)
