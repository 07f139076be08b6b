"""The settings form: which profile values the console edits, and how typed text becomes a Profile.

Rules: every value is checked by `bls.core.profile.check_value` against `SPECS`, the same table
that checks profile files, so the console can reach nothing a profile cannot; a refused entry
raises `ProfileError` with the table's message and changes nothing (no silent clamping). Each
accepted entry returns a new frozen Profile. Pure: no pygame, no files.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from bls.core.colors import hex_color
from bls.core.profile import (
    MIN_SPEED_HZ,
    SPECS,
    Profile,
    ProfileError,
    SetLength,
    check_value,
)

SOURCE = "settings"


@dataclass(frozen=True, slots=True)
class Field:
    """One editable value: `section.key` in SPECS, the label the console shows, and its kind."""

    section: str
    key: str
    label: str

    @property
    def name(self) -> str:
        return f"{self.section}.{self.key}"

    @property
    def kind(self) -> str:
        return SPECS[self.section][self.key].kind

    @property
    def unit(self) -> str:
        return SPECS[self.section][self.key].unit

    def allowed(self, sample_names: Sequence[str] = ()) -> str:
        extra = sample_names if self.name == "audio.tone" else ()
        return SPECS[self.section][self.key].allowed(extra)


# In the order the settings panel shows them. `set.passes` and `set.seconds` are the two ways to
# give a set's length: entering one switches the set to it.
FIELDS: tuple[Field, ...] = (
    Field("motion", "speed", "Speed"),
    Field("set", "passes", "Set length (passes)"),
    Field("set", "seconds", "Set length (seconds)"),
    Field("motion", "path", "Path"),
    Field("motion", "easing", "Easing"),
    Field("motion", "dwell", "Dwell at the ends"),
    Field("target", "shape", "Target shape"),
    Field("target", "size", "Target size"),
    Field("target", "color", "Target colour"),
    Field("target", "background", "Background"),
    Field("target", "trail", "Trail"),
    Field("audio", "tone", "Tone"),
    Field("audio", "frequency", "Frequency"),
    Field("audio", "volume", "Volume"),
    Field("audio", "pan", "Pan"),
)
FIELDS_BY_NAME = {field.name: field for field in FIELDS}


def field(name: str) -> Field:
    """The field called `section.key`; KeyError names the fields there are."""
    if name not in FIELDS_BY_NAME:
        raise KeyError(f"{name!r} is not a settings field; fields: {', '.join(FIELDS_BY_NAME)}")
    return FIELDS_BY_NAME[name]


def choices(name: str, profile: Profile, sample_names: Sequence[str] = ()) -> tuple[str, ...]:
    """The values a choice field offers. `image` is offered only when the profile has one."""
    spec = SPECS[field(name).section][field(name).key]
    options = (*spec.choices, *(sample_names if name == "audio.tone" else ()))
    if name == "target.shape" and profile.target.image is None:
        options = tuple(option for option in options if option != "image")
    return tuple(options)


def value_of(profile: Profile, name: str) -> Any:
    """The profile's current value of a field (None for the set length it does not use)."""
    motion, length, target, audio = profile.motion, profile.length, profile.target, profile.audio
    values: dict[str, Any] = {
        "motion.speed": motion.speed_hz,
        "set.passes": length.passes,
        "set.seconds": length.seconds,
        "motion.path": motion.path,
        "motion.easing": motion.easing,
        "motion.dwell": motion.dwell_s,
        "target.shape": target.shape,
        "target.size": target.size,
        "target.color": target.color,
        "target.background": target.background,
        "target.trail": target.trail_s,
        "audio.tone": audio.tone,
        "audio.frequency": audio.frequency_hz,
        "audio.volume": audio.volume,
        "audio.pan": audio.pan,
    }
    field(name)
    return values[name]


def text_of(profile: Profile, name: str) -> str:
    """A field's current value as the text an entry box shows ("" for the unused set length)."""
    value = value_of(profile, name)
    if value is None:
        return ""
    if field(name).kind == "color":
        return hex_color(value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def parse_text(name: str, text: str) -> Any:
    """What the user typed, as the type SPECS checks: numbers become int/float; anything that is
    not a number stays text, so check_value refuses it with the table's own message."""
    kind = field(name).kind
    stripped = text.strip()
    if kind not in ("number", "integer"):
        return stripped
    try:
        return int(stripped)
    except ValueError:
        pass
    try:
        return float(stripped.replace(",", "."))  # a decimal comma is how half the world types
    except ValueError:
        return stripped


def apply(profile: Profile, name: str, text: str, sample_names: Sequence[str] = ()) -> Profile:
    """A new Profile with field `name` set from `text`; ProfileError if SPECS refuses it."""
    return apply_value(profile, name, parse_text(name, text), sample_names)


def apply_value(profile: Profile, name: str, value: Any,
                sample_names: Sequence[str] = ()) -> Profile:
    """Like `apply` for a value already typed (a number from a slider, a choice from a list)."""
    entry = field(name)
    checked = check_value(SOURCE, entry.section, entry.key, value, sample_names)
    motion, target, audio = profile.motion, profile.target, profile.audio
    if name == "motion.speed":
        if checked > motion.max_speed_hz:
            raise ProfileError(SOURCE, name,
                               f"{checked:g} is above profile {profile.key!r}'s max_speed; "
                               f"allowed: {MIN_SPEED_HZ:g} to {motion.max_speed_hz:g} Hz")
        return replace(profile, motion=replace(motion, speed_hz=checked))
    if name == "set.passes":
        return replace(profile, length=SetLength(passes=checked, seconds=None))
    if name == "set.seconds":
        return replace(profile, length=SetLength(passes=None, seconds=checked))
    if name == "target.shape" and checked == "image" and target.image is None:
        raise ProfileError(SOURCE, name, '"image" needs a PNG named in a profile file; '
                           f"allowed: {' | '.join(choices(name, profile, sample_names))}")
    renames = {
        "motion.path": ("motion", "path"), "motion.easing": ("motion", "easing"),
        "motion.dwell": ("motion", "dwell_s"), "target.shape": ("target", "shape"),
        "target.size": ("target", "size"), "target.color": ("target", "color"),
        "target.background": ("target", "background"), "target.trail": ("target", "trail_s"),
        "audio.tone": ("audio", "tone"), "audio.frequency": ("audio", "frequency_hz"),
        "audio.volume": ("audio", "volume"), "audio.pan": ("audio", "pan"),
    }
    part, attribute = renames[name]
    current = {"motion": motion, "target": target, "audio": audio}[part]
    return replace(profile, **{part: replace(current, **{attribute: checked})})

