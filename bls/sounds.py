"""Reads the sound samples in assets/sounds (and user WAVs) as mono float arrays for the synth.

Shell code: file I/O lives here so that `bls.core.synth` stays pure.
"""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

from bls import paths
from bls.core.profile import BUILTIN_TONES, Audio
from bls.core.synth import Voice


class SoundFileError(Exception):
    pass


def read_wav_mono(path: Path, rate: int) -> np.ndarray:
    """A 16-bit PCM WAV as mono float32 at `rate` (channels averaged, linear resampling)."""
    try:
        with wave.open(str(path), "rb") as handle:
            if handle.getsampwidth() != 2:
                raise SoundFileError(f"{path}: only 16-bit PCM WAV files are supported")
            channels, source_rate = handle.getnchannels(), handle.getframerate()
            raw = handle.readframes(handle.getnframes())
    except (OSError, wave.Error, EOFError) as error:
        raise SoundFileError(f"{path}: cannot read sound: {error}") from None
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
