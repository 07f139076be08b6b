"""`bls export-audio`: render sets of tones into a 48 kHz stereo 16-bit WAV for clients.

Shell code: renders with the pure synth in one-second blocks and writes them as they come, so an
hour-long track needs little memory. Never overwrites a file unless asked to.
"""

from __future__ import annotations

import os
import sys
import wave
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bls.core.profile import Profile
from bls.core.program import plan_sets
from bls.core.synth import SAMPLE_RATE, Synth
from bls.sounds import voice_for

TAIL_S = 1.0  # silence after the last set so players do not cut the final tone


class ExportError(Exception):
    """A user-facing problem with the output file (exit code 2)."""


@dataclass(frozen=True, slots=True)
class ExportSummary:
    path: Path
    seconds: float
    tones: int
    sets: int


def export_audio(out_path: Path, profile: Profile, sets: int, pause_s: float, *,
                 force: bool = False, rate: int = SAMPLE_RATE,
                 progress: Callable[[float], None] | None = None) -> ExportSummary:
    """Write the WAV; `progress(share_done)` is called after each block."""
    if out_path.exists() and not force:
        raise ExportError(f"{out_path}: already exists; add --force to overwrite it")
    if out_path.parent and not out_path.parent.is_dir():
        raise ExportError(f"{out_path}: folder {str(out_path.parent)!r} does not exist")
    timelines = plan_sets(profile, sets, pause_s)
    synth = Synth(voice_for(profile.audio, rate), rate, max_frames=rate)
    total = synth.sample_of(timelines[-1].rest_s + TAIL_S)
    block = np.zeros((rate, 2), dtype=np.float32)
    pcm = np.zeros((rate, 2), dtype="<i2")
    tones = 0
    partial = out_path.with_name(f".{out_path.name}.partial")
    try:
        with wave.open(str(partial), "wb") as handle:
            handle.setnchannels(2)
            handle.setsampwidth(2)
            handle.setframerate(rate)
            for n0 in range(0, total, rate):
                frames = min(rate, total - n0)
                view = block[:frames]
                sounded = synth.render_into(view, n0, timelines)
                tones += sum(1 for e in sounded if synth.sample_of(e.time_s) >= n0)
                np.multiply(view, 32767.0, out=view)
                np.copyto(pcm[:frames], view, casting="unsafe")
                handle.writeframes(pcm[:frames].tobytes())
                if progress is not None:
                    progress(min(1.0, (n0 + frames) / total))
        os.replace(partial, out_path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise ExportError(f"{out_path}: cannot write: {error.strerror}") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return ExportSummary(out_path, total / rate, tones, sets)


def terminal_progress(label: str) -> Callable[[float], None]:
    """A progress line on stderr that redraws at most once per percent."""
    last = [-1]

    def show(share: float) -> None:
        percent = int(share * 100)
        if percent != last[0]:
            last[0] = percent
            end = "\n" if percent >= 100 else ""
            sys.stderr.write(f"\r{label}: {percent:3d}%{end}")
            sys.stderr.flush()

    return show
