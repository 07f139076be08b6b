"""Save as profile: a file `bls profiles` accepts, never a built-in, asking before replacing."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from bls import paths
from bls.cli import main
from bls.console import form
from bls.console.save import ProfileExists, SaveError, save_profile
from bls.core.profile import Profile
from bls.profiles import Library


@pytest.fixture
def changed() -> Profile:
    profile = Library.discover().load("standard")
    profile = form.apply(profile, "target.color", "gold")
    profile = form.apply(profile, "motion.speed", "0.7")
    return form.apply(profile, "set.seconds", "40")


def test_a_saved_profile_is_checked_shown_and_loaded_as_it_was(
    changed: Profile, capsys: pytest.CaptureFixture[str]
) -> None:
    path = save_profile(changed, "Calm gold")
    assert path == paths.user_profiles_dir() / "calm-gold.toml"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

    assert main(["profiles", "check", str(path)]) == 0
    assert main(["profiles", "show", "calm-gold"]) == 0
    shown = capsys.readouterr().out
    assert 'color = "#ffd700"' in shown and "speed = 0.7" in shown and "seconds = 40" in shown
    assert "# Calm gold" in shown

    loaded = Library.discover().load("calm-gold")
    assert (loaded.motion, loaded.length, loaded.target, loaded.audio) == (
        changed.motion, changed.length, changed.target, changed.audio)
    assert "calm-gold" in Library.discover().names()
    assert [p.name for p in path.parent.iterdir()] == ["calm-gold.toml"]  # no temporary left


@pytest.mark.parametrize("name", ["standard", "Standard", "base", "SLOW", "share"])
def test_a_built_in_name_is_refused_and_nothing_is_written(changed: Profile, name: str) -> None:
    with pytest.raises(SaveError, match="is a built-in profile; choose another name"):
        save_profile(changed, name)
    assert not paths.user_profiles_dir().exists()


@pytest.mark.parametrize(
    ("name", "words"),
    [("", "needs a name"), ("   ", "needs a name"), ("!!!", "has no letters or digits"),
     ("x" * 41, "at most 40")],
)
def test_an_unusable_name_is_refused_with_a_reason(
    changed: Profile, name: str, words: str
) -> None:
    with pytest.raises(SaveError, match=words):
        save_profile(changed, name)
    assert not paths.user_profiles_dir().exists()


def test_an_existing_user_profile_is_replaced_only_when_confirmed(changed: Profile) -> None:
    path = save_profile(changed, "mine")
    before = path.read_bytes()
    slower = form.apply(changed, "motion.speed", "0.3")

    with pytest.raises(ProfileExists, match="'mine' exists") as asked:
        save_profile(slower, "Mine")
    assert asked.value.path == path
    assert path.read_bytes() == before

    save_profile(slower, "Mine", overwrite=True)
    assert Library.discover().load("mine").motion.speed_hz == 0.3
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_folder_that_cannot_be_written_is_one_line(changed: Profile, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(SaveError, match="cannot write"):
        save_profile(changed, "mine", folder=blocker / "profiles")


def test_bls_opens_with_the_profile_used_last(changed: Profile) -> None:
    from bls.cli import build_parser, profile_name
    from bls.settings import load_settings, remember_last_profile, save_settings

    warnings: list[str] = []
    run = build_parser().parse_args(["run"])
    assert profile_name(run) == "standard"

    remember_last_profile("slow", warnings.append)
    assert profile_name(run) == "slow"
    assert profile_name(build_parser().parse_args(["run", "-p", "fast"])) == "fast"
    assert profile_name(build_parser().parse_args(["run", "--share"])) == "share"

    save_profile(changed, "mine")
    remember_last_profile("mine", warnings.append)
    assert profile_name(run) == "mine"
    (paths.user_profiles_dir() / "mine.toml").unlink()
    assert profile_name(run) == "standard"  # a deleted profile is not asked for

    calibrated = load_settings()
    save_settings(calibrated.with_offset(0.12))
    remember_last_profile("fast", warnings.append)
    assert load_settings().audio_offset_s == pytest.approx(0.12)  # calibration kept
    assert warnings == []


def test_a_broken_settings_file_is_kept_and_reported_once(changed: Profile) -> None:
    from bls.settings import remember_last_profile, settings_path

    settings_path().parent.mkdir(parents=True, exist_ok=True)
    settings_path().write_text("audio_offset_ms = [")
    warnings: list[str] = []
    remember_last_profile("slow", warnings.append)
    assert settings_path().read_text() == "audio_offset_ms = ["
    assert len(warnings) == 1 and "not remembering the profile" in warnings[0]
