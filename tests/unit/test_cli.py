"""The command line as a user meets it: exit codes, one-line errors, the exported WAV."""

from __future__ import annotations

import os
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

from bls.cli import main
from bls.profiles import Library
from bls.sounds import voice_for

ROOT = Path(__file__).resolve().parents[2]


def run_bls(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m bls ...` as a user runs it; works from a source checkout too."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)}
    return subprocess.run([sys.executable, "-m", "bls", *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=60)


def read_wav(path: Path) -> tuple[wave._wave_params, np.ndarray]:
    with wave.open(str(path), "rb") as handle:
        params = handle.getparams()
        data = np.frombuffer(handle.readframes(params.nframes), dtype="<i2").reshape(-1, 2)
    return params, data


def tone_starts(channel: np.ndarray) -> np.ndarray:
    loud = np.flatnonzero(channel != 0)
    return loud[np.insert(np.diff(loud) > 2000, 0, True)]


def exact_onsets(channel: np.ndarray, template: np.ndarray) -> list[int]:
    """Each tone's first sample: the shift that best matches the known tone waveform."""
    found = []
    for rough in tone_starts(channel):
        candidates = range(rough - 24, rough + 1)
        found.append(max(candidates, key=lambda s: float(
            np.dot(channel[s: s + len(template)].astype(float), template))))
    return found


def test_export_writes_two_sets_of_24_tones_alternating_every_half_second(tmp_path: Path) -> None:
    out = tmp_path / "x.wav"
    result = run_bls("export-audio", str(out), "-p", "standard", "--sets", "2", "--pause", "5")
    assert result.returncode == 0, result.stderr
    assert "48 tones" in result.stdout
    params, data = read_wav(out)
    assert (params.nchannels, params.framerate, params.sampwidth) == (2, 48_000, 2)
    template = voice_for(Library.discover().load("standard").audio, 48_000).wave
    starts = sorted([(s, "L") for s in exact_onsets(data[:, 0], template)]
                    + [(s, "R") for s in exact_onsets(data[:, 1], template)])
    assert len(starts) == 48
    first_set, second_set = starts[:24], starts[24:]
    for group in (first_set, second_set):
        assert [side for _, side in group] == ["R", "L"] * 12
        # 0.5 s apart, to the sample.
        assert set(np.diff([s for s, _ in group])) == {24_000}
    # Set 2 starts 5 s after set 1 is back at rest (13 s): its first tone is at 18 s + 1 s.
    assert second_set[0][0] == 19 * 48_000


def test_export_never_overwrites_without_force(tmp_path: Path) -> None:
    out = tmp_path / "keep.wav"
    out.write_bytes(b"precious")
    result = run_bls("export-audio", str(out), "--seconds", "2")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "--force" in result.stderr
    assert out.read_bytes() == b"precious"
    assert run_bls("export-audio", str(out), "--seconds", "2", "--force").returncode == 0
    assert out.read_bytes()[:4] == b"RIFF"


def test_export_with_seconds_makes_sets_of_that_length(tmp_path: Path) -> None:
    out = tmp_path / "timed.wav"
    assert main(["export-audio", str(out), "-p", "tapping", "--seconds", "10"]) == 0
    _, data = read_wav(out)
    tones = len(tone_starts(data[:, 0])) + len(tone_starts(data[:, 1]))
    assert tones == 19  # 1 Hz: 0.5 s lead-in, then a tone every 0.5 s from 1.0 s to 10.0 s


BAD_USAGE = [
    (["profiles", "show", "nosuch"], "no such profile"),
    (["export-audio", "out.mp3"], ".wav"),
    (["export-audio", "x.wav", "--sets", "0"], "--sets"),
    (["export-audio", "x.wav", "--speed", "9"], "--speed"),
    (["export-audio", "x.wav", "--pause", "soon"], "--pause"),
    (["export-audio", "/no/such/folder/x.wav"], "does not exist"),
    (["run", "--window", "big"], "WIDTHxHEIGHT"),
    (["run", "--passes", "3", "--seconds", "4"], "not allowed with"),
    (["flyaway"], "invalid choice"),
    (["profiles", "check", "missing.toml"], "no such file"),
]


@pytest.mark.parametrize(("args", "hint"), BAD_USAGE)
def test_bad_usage_is_one_line_and_exit_code_2(tmp_path: Path, args: list[str],
                                               hint: str) -> None:
    result = run_bls(*args, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert hint in lines[0]
    assert "Traceback" not in result.stderr


def test_a_broken_profile_is_one_line_naming_file_and_key(tmp_path: Path) -> None:
    bad = tmp_path / "mine.toml"
    bad.write_text("[motion]\nsped = 1.2\n")
    for args in (["profiles", "check", str(bad)], ["export-audio", "x.wav", "-p", str(bad)]):
        result = run_bls(*args, cwd=tmp_path)
        assert result.returncode == 2
        assert result.stderr.strip() == (f"bls: {bad}: motion.sped: unknown key in [motion]; "
                                         "did you mean 'speed'? allowed: speed, max_speed, "
                                         "easing, dwell, amplitude, path".replace(
                                             "speed, max_speed, easing, dwell, amplitude, path",
                                             "path, speed, max_speed, easing, dwell, amplitude"))
    assert not (tmp_path / "x.wav").exists()


def test_profiles_list_shows_speed_in_hz_and_passes_per_minute(capsys: pytest.CaptureFixture[str]
                                                               ) -> None:
    assert main(["profiles"]) == 0
    lines = capsys.readouterr().out.splitlines()
    standard = next(line for line in lines if " standard " in line)
    assert "1.00Hz" in standard and " 120 " in standard and "24 passes" in standard


def test_profiles_check_accepts_a_good_file(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "gentle.toml"
    good.write_text('name = "Gentle"\nextends = "slow"\n[motion]\nspeed = 0.3\n')
    assert main(["profiles", "check", str(good)]) == 0
    assert "ok (Gentle, 0.3 Hz, 8 passes)" in capsys.readouterr().out


@pytest.mark.parametrize("args", [["run", "--no-audio"], ["run", "--share", "--no-audio"]])
def test_with_no_display_bls_run_says_so_in_one_line_instead_of_drawing_nowhere(
        tmp_path: Path, args: list[str]) -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER")}
    env["PYTHONPATH"] = str(ROOT)
    result = subprocess.run([sys.executable, "-m", "bls", *args], capture_output=True,
                            text=True, cwd=tmp_path, env=env, timeout=60)
    assert result.returncode == 2
    ours = [line for line in result.stderr.splitlines() if line.startswith("bls")]
    assert ours == ["bls: no display found (is DISPLAY or WAYLAND_DISPLAY set?); `bls tap` and "
                    "`bls export-audio` work without a screen"]
    assert "Traceback" not in result.stderr
