"""Settings: a session always starts whatever the file holds; a save that fails says why and
keeps the old file."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from bls import settings as settings_module
from bls.settings import (
    Settings,
    SettingsError,
    load_settings,
    save_settings,
    session_settings,
    settings_path,
)


def warnings_for(text: bytes | None = None, *, make: str | None = None) -> tuple[Settings,
                                                                                 list[str]]:
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    if text is not None:
        path.write_bytes(text)
    if make == "folder":
        path.mkdir()
    if make == "fifo":
        os.mkfifo(path)
    said: list[str] = []
    return session_settings(said.append), said


def test_no_file_is_the_defaults_with_nothing_said() -> None:
    assert warnings_for() == (Settings(), [])


@pytest.mark.parametrize("text", [
    ("audio_offset_ms = " + "[" * 5000 + "]" * 5000).encode(),
    "audio_offset_ms = 120\n".encode("utf-16"),
    b"audio_offset_ms = [",
    b"audio_offset_ms = 9999\n",
    b"volume = 3\n",
])
def test_a_broken_file_is_one_warning_and_the_session_starts(text: bytes) -> None:
    loaded, said = warnings_for(text)
    assert loaded == Settings()
    assert len(said) == 1 and "\n" not in said[0]
    assert said[0].startswith(f"bls: {settings_path()}: ")
    assert said[0].endswith("; using the defaults")


@pytest.mark.parametrize("make", ["folder", "fifo"])
def test_a_folder_or_fifo_in_place_of_the_file_is_said(make: str) -> None:
    if make == "fifo" and not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    loaded, said = warnings_for(make=make)
    assert loaded == Settings() and len(said) == 1
    assert ("a folder" if make == "folder" else "a FIFO") in said[0]


def test_the_offset_and_last_profile_round_trip_privately() -> None:
    chosen = Settings(0.120, 'mein "Profil" ü/é.toml')
    path = save_settings(chosen)
    assert load_settings() == chosen
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["settings.toml"]


def test_saving_when_the_settings_path_is_a_folder_says_so() -> None:
    settings_path().mkdir(parents=True)
    with pytest.raises(SettingsError) as caught:
        save_settings(Settings(0.1))
    assert str(caught.value) == f"{settings_path()}: cannot save settings: it is a folder"
    assert [p.name for p in settings_path().parent.iterdir()] == ["settings.toml"]


def test_saving_when_the_config_folder_is_a_file_says_which_file(
        _private_config: Path) -> None:
    _private_config.rmdir()
    _private_config.write_text("not a folder")
    with pytest.raises(SettingsError) as caught:
        save_settings(Settings(0.1))
    assert str(caught.value).endswith(f"cannot save settings: {_private_config} is a file, "
                                      "not a folder")
    assert _private_config.read_text() == "not a folder"


def test_a_full_disk_keeps_the_old_file_and_leaves_no_temporary_file(
        monkeypatch: pytest.MonkeyPatch) -> None:
    save_settings(Settings(0.05))
    before = settings_path().read_bytes()

    def full(descriptor: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(settings_module.os, "fsync", full)
    with pytest.raises(SettingsError) as caught:
        save_settings(Settings(0.2))
    assert str(caught.value).endswith("the disk is full; the old settings are kept")
    assert settings_path().read_bytes() == before
    assert [p.name for p in settings_path().parent.iterdir()] == ["settings.toml"]


def test_a_linked_settings_file_is_written_through_the_link(tmp_path: Path) -> None:
    kept = tmp_path / "dotfiles" / "bls-settings.toml"
    kept.parent.mkdir()
    kept.write_text("audio_offset_ms = 10\n")
    settings_path().parent.mkdir(parents=True, exist_ok=True)
    settings_path().symlink_to(kept)
    save_settings(Settings(0.03))
    assert settings_path().is_symlink()
    assert load_settings(kept).audio_offset_s == pytest.approx(0.03)


def test_calibrate_says_why_a_save_failed_and_exits_1(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from bls.commands import calibrate
    from bls.options import CalibrateOptions
    from bls.profiles import Library

    monkeypatch.setattr(calibrate, "_run_window", lambda *args: 0.15)  # Enter at 150 ms
    settings_path().mkdir(parents=True)
    code = calibrate.calibrate_command(CalibrateOptions(),
                                       Library.discover().load("standard"))
    assert code == 1
    said = capsys.readouterr().err.splitlines()
    assert said[-1] == f"bls calibrate: {settings_path()}: cannot save settings: it is a folder"
    assert len(said) == 2 and "starting from 0 ms" in said[0]  # the folder, said on reading
