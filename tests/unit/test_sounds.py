"""A tone sample that cannot be used is one SoundFileError naming it, never another exception."""

from __future__ import annotations

import os
import wave
from pathlib import Path

import numpy as np
import pytest

from bls.sounds import SoundFileError, read_wav_mono


def good_wav(path: Path, frames: int = 480) -> Path:
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(2)
        handle.setsampwidth(2)
        handle.setframerate(48_000)
        handle.writeframes(np.zeros((frames, 2), dtype="<i2").tobytes())
    return path


def test_a_good_sample_reads_as_mono(tmp_path: Path) -> None:
    assert read_wav_mono(good_wav(tmp_path / "ok.wav"), 48_000).shape == (480,)


def test_a_truncated_sample_loses_only_its_last_partial_frame(tmp_path: Path) -> None:
    path = good_wav(tmp_path / "cut.wav")
    path.write_bytes(path.read_bytes()[:-3])
    assert read_wav_mono(path, 48_000).shape == (479,)


@pytest.mark.parametrize("make", ["text", "empty", "folder", "fifo", "header-only"])
def test_an_unusable_sample_is_one_line(tmp_path: Path, make: str) -> None:
    path = tmp_path / "bad.wav"
    if make == "text":
        path.write_text("not a wav")
    elif make == "empty":
        path.write_bytes(b"")
    elif make == "folder":
        path.mkdir()
    elif make == "fifo":
        if not hasattr(os, "mkfifo"):
            pytest.skip("no FIFOs here")
        os.mkfifo(path)
    else:
        path.write_bytes(good_wav(tmp_path / "g.wav").read_bytes()[:30])
    with pytest.raises(SoundFileError) as caught:
        read_wav_mono(path, 48_000)
    assert str(caught.value).startswith(f"{path}: ") and "\n" not in str(caught.value)
