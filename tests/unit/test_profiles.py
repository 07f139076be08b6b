"""Profiles: every built-in loads; every kind of bad input is one error naming file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from bls.core.profile import MAX_SPEED_HZ, ProfileError, with_overrides
from bls.profiles import Library

BUILTINS = ["standard", "slow", "fast", "tapping", "share"]


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", BUILTINS)
def test_every_builtin_profile_loads_within_the_safety_limits(name: str) -> None:
    profile = Library.discover().load(name)
    assert profile.key == name
    assert 0.05 <= profile.motion.speed_hz <= MAX_SPEED_HZ
    assert (profile.length.passes is None) != (profile.length.seconds is None)


def test_builtins_have_the_settings_the_issue_asks_for() -> None:
    library = Library.discover()
    standard, slow, fast = library.load("standard"), library.load("slow"), library.load("fast")
    tapping, share = library.load("tapping"), library.load("share")
    assert (standard.motion.speed_hz, standard.length.passes, standard.motion.path,
            standard.motion.easing) == (1.0, 24, "horizontal", "sine")
    assert (slow.motion.speed_hz, slow.length.passes) == (0.4, 8)
    assert (fast.motion.speed_hz, fast.length.passes) == (1.5, 30)
    assert (tapping.motion.speed_hz, tapping.length.seconds) == (1.0, 60)
    assert share.motion.max_speed_hz <= 1.0 and share.target.size > standard.target.size
    assert library.names()[:5] == BUILTINS


def test_a_user_profile_adds_to_and_overrides_the_builtins(_private_config: Path) -> None:
    profiles = _private_config / "profiles"
    profiles.mkdir()
    write(profiles, "standard", 'extends = "standard"\n[motion]\nspeed = 0.7\n')
    write(profiles, "mine", 'extends = "slow"\n[target]\ncolor = "gold"\n')
    library = Library.discover()
    assert library.load("standard").motion.speed_hz == 0.7
    assert library.load("standard").length.passes == 24  # rest from the built-in standard
    mine = library.load("mine")
    assert mine.target.color == (255, 215, 0) and mine.motion.speed_hz == 0.4
    assert "mine" in library.names()


def test_a_child_can_switch_the_set_length_from_passes_to_seconds(tmp_path: Path) -> None:
    path = write(tmp_path, "timed", '[set]\nseconds = 30\n')
    profile = Library.discover().load(str(path))
    assert (profile.length.passes, profile.length.seconds) == (None, 30.0)


BAD_PROFILES = [
    ("[motion]\nspeed = 3.5\n", "motion.speed", "0.05 to 2 Hz"),
    ("[motion]\nspeed = -1\n", "motion.speed", "out of range"),
    ("[motion]\nspeed = nan\n", "motion.speed", "finite"),
    ("[motion]\nspeed = inf\n", "motion.speed", "finite"),
    ('[motion]\nspeed = "fast"\n', "motion.speed", "not a number"),
    ("[motion]\nspeed = true\n", "motion.speed", "not a number"),
    ("[motion]\nsped = 1.0\n", "motion.sped", "did you mean 'speed'"),
    ('[motion]\npath = "zigzag"\n', "motion.path", "horizontal | vertical"),
    ("[motion]\ndwell = 2\n", "motion.dwell", "0 to 1 s"),
    ("[motion]\nspeed = 1.5\nmax_speed = 1.0\n", "motion.speed", "max_speed"),
    ("[set]\npasses = 0\n", "set.passes", "1 to 500"),
    ("[set]\npasses = 24.5\n", "set.passes", "whole number"),
    ("[set]\nseconds = 4000\n", "set.seconds", "1 to 3600 s"),
    ("[set]\npasses = 10\nseconds = 10\n", "set", "one of them"),
    ('[target]\ncolor = "blurple"\n', "target.color", "CSS colour name"),
    ('[target]\ncolor = "#12345"\n', "target.color", "#rrggbb"),
    ("[target]\nsize = 0.9\n", "target.size", "0.01 to 0.25"),
    ('[target]\nshape = "image"\n', "target.image", "PNG"),
    ("[audio]\nfrequency = 50\n", "audio.frequency", "100 to 2000 Hz"),
    ("[audio]\nvolume = 1.5\n", "audio.volume", "0 to 1"),
    ('[audio]\ntone = "bell"\n', "audio.tone", "woodblock"),
    ('[audio]\npan = "left"\n', "audio.pan", "hard | follow"),
    ("[adio]\nvolume = 0.3\n", "[adio]", "did you mean 'audio'"),
    ("speed = 1.0\n", "speed", "motion.speed"),
    ("motion = 3\n", "motion", "table"),
    ('extends = "nope"\n', "extends", "not a profile"),
    ("[motion\nspeed = 1\n", None, "not valid TOML"),
]


@pytest.mark.parametrize(("text", "key", "hint"), BAD_PROFILES)
def test_each_kind_of_bad_profile_names_the_file_and_key(tmp_path: Path, text: str,
                                                        key: str | None, hint: str) -> None:
    path = write(tmp_path, "bad", text)
    with pytest.raises(ProfileError) as caught:
        Library.discover().load(str(path))
    message = str(caught.value)
    assert message.startswith(str(path))
    if key is not None:
        assert f": {key}:" in message
    assert hint in message
    assert "\n" not in message


def test_an_extends_cycle_is_rejected(tmp_path: Path) -> None:
    write(tmp_path, "a", 'extends = "b"\n')
    path_b = write(tmp_path, "b", 'extends = "a"\n')
    with pytest.raises(ProfileError, match="cycle"):
        Library.discover().load(str(path_b))


def test_a_bad_value_in_a_parent_names_the_parent_file(tmp_path: Path) -> None:
    parent = write(tmp_path, "parent", "[audio]\nvolume = 7\n")
    child = write(tmp_path, "child", 'extends = "parent"\n')
    with pytest.raises(ProfileError) as caught:
        Library.discover().load(str(child))
    assert str(caught.value).startswith(str(parent))


def test_command_line_overrides_are_validated_like_profile_values() -> None:
    standard = Library.discover().load("standard")
    assert with_overrides(standard, speed_hz=1.2, seconds=30).length.seconds == 30
    with pytest.raises(ProfileError, match="command line"):
        with_overrides(standard, speed_hz=9)
    share = Library.discover().load("share")
    with pytest.raises(ProfileError, match="max_speed"):
        with_overrides(share, speed_hz=1.5)
