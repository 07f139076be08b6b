"""The settings form: every entry goes through the profile table; a refusal changes nothing."""

from __future__ import annotations

import pytest

from bls.console import form
from bls.core.profile import SPECS, Profile, ProfileError
from bls.profiles import Library


@pytest.fixture
def standard() -> Profile:
    return Library.discover().load("standard")


def test_every_field_is_a_profile_key_and_shows_its_current_value(standard: Profile) -> None:
    for entry in form.FIELDS:
        assert entry.key in SPECS[entry.section]
    assert form.text_of(standard, "motion.speed") == f"{standard.motion.speed_hz:g}"
    assert form.text_of(standard, "target.color").startswith("#")
    unused = "set.seconds" if standard.length.passes is not None else "set.passes"
    assert form.text_of(standard, unused) == ""


@pytest.mark.parametrize(
    ("name", "text", "read"),
    [
        ("motion.speed", "1.5", lambda p: p.motion.speed_hz == 1.5),
        ("motion.speed", "0,8", lambda p: p.motion.speed_hz == 0.8),
        ("set.passes", "30", lambda p: (p.length.passes, p.length.seconds) == (30, None)),
        ("set.seconds", "45", lambda p: (p.length.passes, p.length.seconds) == (None, 45.0)),
        ("motion.path", "figure-eight", lambda p: p.motion.path == "figure-eight"),
        ("motion.easing", "linear", lambda p: p.motion.easing == "linear"),
        ("motion.dwell", "0.2", lambda p: p.motion.dwell_s == 0.2),
        ("target.shape", "diamond", lambda p: p.target.shape == "diamond"),
        ("target.size", "0.1", lambda p: p.target.size == 0.1),
        ("target.color", "gold", lambda p: p.target.color == (255, 215, 0)),
        ("target.background", "#000000", lambda p: p.target.background == (0, 0, 0)),
        ("target.trail", "0.3", lambda p: p.target.trail_s == 0.3),
        ("audio.tone", "click", lambda p: p.audio.tone == "click"),
        ("audio.frequency", "440", lambda p: p.audio.frequency_hz == 440.0),
        ("audio.volume", "0.25", lambda p: p.audio.volume == 0.25),
        ("audio.pan", "follow", lambda p: p.audio.pan == "follow"),
    ],
)
def test_a_good_entry_gives_a_new_profile_with_that_value(
    standard: Profile, name: str, text: str, read: object
) -> None:
    changed = form.apply(standard, name, text)
    assert callable(read) and read(changed)
    assert standard == Library.discover().load("standard")  # the old value is untouched


@pytest.mark.parametrize(
    ("name", "text", "words"),
    [
        ("motion.speed", "2.5", "out of range; allowed: 0.05 to 2 Hz"),
        ("motion.speed", "-1", "out of range"),
        ("motion.speed", "fast", "is not a number"),
        ("motion.speed", "nan", "not a finite number"),
        ("motion.speed", "inf", "not a finite number"),
        ("motion.speed", "", "is not a number"),
        ("set.passes", "0", "out of range; allowed: 1 to 500 passes"),
        ("set.passes", "12.5", "not a whole number"),
        ("set.seconds", "7200", "out of range; allowed: 1 to 3600 s"),
        ("motion.path", "zigzag", "is not known"),
        ("motion.dwell", "3", "out of range"),
        ("target.shape", "image", "needs a PNG"),
        ("target.shape", "circel", "did you mean 'circle'"),
        ("target.size", "0.5", "out of range"),
        ("target.color", "blurple", "is not a colour"),
        ("target.background", "#12345", "is not a colour"),
        ("target.trail", "1", "out of range"),
        ("audio.tone", "trumpet", "is not known"),
        ("audio.frequency", "50", "out of range; allowed: 100 to 2000 Hz"),
        ("audio.volume", "1.5", "out of range; allowed: 0 to 1"),
        ("audio.pan", "left", "is not known"),
    ],
)
def test_a_bad_entry_is_refused_with_the_tables_message(
    standard: Profile, name: str, text: str, words: str
) -> None:
    with pytest.raises(ProfileError) as refused:
        form.apply(standard, name, text)
    assert words in str(refused.value)
    assert str(refused.value).startswith(f"settings: {name}: ")
    assert standard == Library.discover().load("standard")


def test_speed_above_the_profiles_max_speed_is_refused(standard: Profile) -> None:
    capped = form.apply(standard, "motion.speed", "0.5")
    from dataclasses import replace

    capped = replace(capped, motion=replace(capped.motion, max_speed_hz=1.0))
    with pytest.raises(ProfileError, match=r"above profile 'standard'.s max_speed"):
        form.apply(capped, "motion.speed", "1.5")


def test_choice_fields_offer_the_tables_choices_and_the_sound_files(standard: Profile) -> None:
    assert form.choices("motion.path", standard) == SPECS["motion"]["path"].choices
    assert "image" not in form.choices("target.shape", standard)
    tones = form.choices("audio.tone", standard, ("chime", "woodblock"))
    assert tones[-2:] == ("chime", "woodblock")
    assert form.apply(standard, "audio.tone", "chime", ("chime",)).audio.tone == "chime"


def test_an_unknown_field_is_named_with_the_fields_there_are(standard: Profile) -> None:
    with pytest.raises(KeyError, match=r"fields: motion\.speed"):
        form.apply(standard, "motion.amplitude", "0.5")
