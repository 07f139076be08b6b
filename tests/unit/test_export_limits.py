"""`bls export-audio` at its edges: many sets, too long a track, a full disk, a read-only file,
an interrupted export. Each is one line and an exit code, and no file the user had is lost."""

from __future__ import annotations

import errno
import os
import stat
import wave
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from bls import cli
from bls.commands import export
from bls.commands.export import MAX_SETS, MAX_TRACK_S, TAIL_S, ExportError, export_audio, plan_track
from bls.core.profile import Profile, SetLength
from bls.core.synth import SAMPLE_RATE, Synth
from bls.profiles import Library
from bls.sounds import voice_for


@pytest.fixture
def short_sets() -> Profile:
    tapping = Library.discover().load("tapping")
    return replace(tapping, length=SetLength(None, 1.0))


def read_frames(path: Path) -> np.ndarray:
    with wave.open(str(path), "rb") as handle:
        return np.frombuffer(handle.readframes(handle.getnframes()), dtype="<i2").reshape(-1, 2)


def test_many_sets_sound_exactly_as_rendering_every_set_at_once(tmp_path: Path,
                                                               short_sets: Profile) -> None:
    out = tmp_path / "many.wav"
    summary = export_audio(out, short_sets, 40, 0.3)
    timelines = plan_track(short_sets, 40, 0.3)
    synth = Synth(voice_for(short_sets.audio, SAMPLE_RATE), SAMPLE_RATE)
    total = synth.sample_of(timelines[-1].rest_s + TAIL_S)
    expected = synth.render(0, total, timelines) * 32767.0
    assert np.array_equal(read_frames(out), expected.astype("<i2"))
    assert summary.tones == 40 * len(timelines[0].events(0.0, timelines[0].rest_s))


def test_more_sets_than_allowed_is_a_usage_error(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["export-audio", str(tmp_path / "x.wav"), "--sets", str(MAX_SETS + 1)]) == 2
    assert f"is more than {MAX_SETS}" in capsys.readouterr().err
    assert cli.MAX_SETS == MAX_SETS


def test_a_track_past_the_wav_limit_is_refused_before_anything_is_written(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "long.wav"
    code = cli.main(["export-audio", str(out), "--seconds", "3600", "--sets", "7",
                     "--pause", "0"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert "allowed: up to 6 h 00 min (a WAV file holds at most 4 GiB)" in err
    assert list(tmp_path.iterdir()) == []
    # The bound itself fits in a WAV file.
    assert MAX_TRACK_S * SAMPLE_RATE * 4 < export.WAV_MAX_DATA_BYTES


def test_a_full_disk_is_a_runtime_failure_that_keeps_the_old_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "track.wav"
    out.write_bytes(b"last week's track")

    def full(descriptor: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(export.os, "fsync", full)
    code = cli.main(["export-audio", str(out), "--seconds", "5", "--force"])
    assert code == 1
    assert capsys.readouterr().err == (f"bls: {out}: cannot write: the disk is full; "
                                       "the existing file is kept\n")
    assert out.read_bytes() == b"last week's track"
    assert [p.name for p in tmp_path.iterdir()] == ["track.wav"]


@pytest.mark.parametrize("mode", [0o444, 0o640])
def test_force_over_a_file_keeps_its_permissions(tmp_path: Path, short_sets: Profile,
                                                 mode: int) -> None:
    out = tmp_path / "track.wav"
    out.write_bytes(b"old")
    out.chmod(mode)
    export_audio(out, short_sets, 1, 0.0, force=True)
    assert stat.S_IMODE(out.stat().st_mode) == mode
    assert read_frames(out).shape[1] == 2


def test_a_folder_as_output_is_refused_before_rendering(tmp_path: Path,
                                                        short_sets: Profile) -> None:
    folder = tmp_path / "album.wav"
    folder.mkdir()
    with pytest.raises(ExportError, match="is a folder") as caught:
        export_audio(folder, short_sets, 1, 0.0, force=True)
    assert caught.value.exit_code == 2
    assert list(folder.iterdir()) == []


def test_an_interrupted_export_leaves_nothing_behind(tmp_path: Path,
                                                     short_sets: Profile) -> None:
    out = tmp_path / "track.wav"

    def stop(share: float) -> None:
        if share > 0.5:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        export_audio(out, short_sets, 10, 1.0, progress=stop)
    assert list(tmp_path.iterdir()) == []


def test_a_name_too_long_for_the_disk_is_one_line(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / ("a" * 300 + ".wav")
    assert cli.main(["export-audio", str(out)]) == 2
    assert capsys.readouterr().err == f"bls: {out}: cannot write: the file name is too long\n"
