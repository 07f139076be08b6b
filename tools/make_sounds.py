"""Write the bundled tone samples, assets/sounds/woodblock.wav and assets/sounds/chime.wav.

Rules: the output is a pure function of this file (no randomness, no clock), so running it twice
gives byte-identical WAVs; 48 kHz mono 16-bit PCM; peak -3 dBFS; raised-cosine ramps of at least
5 ms at both ends, so the first and last samples are zero and nothing clicks.
"""

from __future__ import annotations

import argparse
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SAMPLE_RATE_HZ = 48_000
PEAK_DBFS = -3.0
MIN_RAMP_S = 0.005
DEFAULT_OUT_DIR = Path(__file__).resolve().parent.parent / "assets" / "sounds"


@dataclass(frozen=True, slots=True)
class Partial:
    """One exponentially decaying sine component of a struck sound."""

    frequency_hz: float
    amplitude: float
    decay_time_s: float  # time for the amplitude to fall to 1/e


@dataclass(frozen=True, slots=True)
class Voice:
    """A struck sound: partials summed, then ramped on and off."""

    duration_s: float
    fade_in_s: float
    fade_out_s: float
    partials: tuple[Partial, ...]


# Inharmonic partials between 800 and 2000 Hz that die away within a few tens of ms; the 6 ms
# fade-in rounds off the strike so it reads as "tock", not "tick".
WOODBLOCK = Voice(
    duration_s=0.080,
    fade_in_s=0.006,
    fade_out_s=0.010,
    partials=(
        Partial(frequency_hz=820.0, amplitude=1.00, decay_time_s=0.016),
        Partial(frequency_hz=1_290.0, amplitude=0.55, decay_time_s=0.011),
        Partial(frequency_hz=1_930.0, amplitude=0.30, decay_time_s=0.007),
    ),
)

# Bell-like ratios (1 : 2.76 : 5.40 : 8.93, the modes of a free bar) on 880 Hz; higher partials
# decay faster, as in a struck metal bar. The long fade-out ends the tail without a cut.
CHIME = Voice(
    duration_s=0.400,
    fade_in_s=0.005,
    fade_out_s=0.080,
    partials=(
        Partial(frequency_hz=880.0, amplitude=1.00, decay_time_s=0.160),
        Partial(frequency_hz=880.0 * 2.76, amplitude=0.45, decay_time_s=0.090),
        Partial(frequency_hz=880.0 * 5.40, amplitude=0.18, decay_time_s=0.045),
        Partial(frequency_hz=880.0 * 8.93, amplitude=0.08, decay_time_s=0.025),
    ),
)

VOICES: dict[str, Voice] = {"woodblock": WOODBLOCK, "chime": CHIME}


def raised_cosine_ramp(length: int) -> np.ndarray:
    """Rising half-cosine from exactly 0 to just below 1 over `length` samples."""
    return 0.5 - 0.5 * np.cos(np.pi * np.arange(length) / length)


def render(voice: Voice, sample_rate_hz: int = SAMPLE_RATE_HZ) -> np.ndarray:
    """Float64 samples of `voice`, peak-normalised to PEAK_DBFS, first and last sample 0."""
    if min(voice.fade_in_s, voice.fade_out_s) < MIN_RAMP_S:
        raise ValueError(f"ramps must be at least {MIN_RAMP_S * 1000:.0f} ms")
    frames = round(voice.duration_s * sample_rate_hz)
    t_s = np.arange(frames) / sample_rate_hz
    samples = np.zeros(frames)
    for partial in voice.partials:
        envelope = partial.amplitude * np.exp(-t_s / partial.decay_time_s)
        samples += envelope * np.sin(2.0 * np.pi * partial.frequency_hz * t_s)

    fade_in = round(voice.fade_in_s * sample_rate_hz)
    fade_out = round(voice.fade_out_s * sample_rate_hz)
    samples[:fade_in] *= raised_cosine_ramp(fade_in)
    samples[-fade_out:] *= np.flip(raised_cosine_ramp(fade_out))

    peak = 10.0 ** (PEAK_DBFS / 20.0)
    return samples * (peak / np.max(np.abs(samples)))


def to_pcm16(samples: np.ndarray) -> bytes:
    """Little-endian signed 16-bit PCM; values are rounded, never wrapped."""
    scaled = np.clip(np.round(samples * 32767.0), -32768, 32767)
    return scaled.astype("<i2").tobytes()


def write_wav(path: Path, samples: np.ndarray, sample_rate_hz: int = SAMPLE_RATE_HZ) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(sample_rate_hz)
        out.writeframes(to_pcm16(samples))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR)
    args = parser.parse_args(argv)
    for name, voice in VOICES.items():
        path = args.out_dir / f"{name}.wav"
        write_wav(path, render(voice))
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
