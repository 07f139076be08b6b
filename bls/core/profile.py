"""Profiles: validate TOML layers (plain dicts) into one frozen `Profile`.

Rules: pure: files are read by `bls.profiles.load_layer`; `parse` turns plain dicts into frozen
dataclasses or raises `ProfileError`, which names the file, the key, the value and what is
allowed. Every number has a range in `SPECS`; the README's profile table is generated from the
same table. No clock, no pygame, no file.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from bls.core.colors import RGB, parse_color

# Safety limits: not settings, so they live here and nowhere else.
MAX_SPEED_HZ = 2.0
MIN_SPEED_HZ = 0.05
PATHS = ("horizontal", "vertical", "diagonal-up", "diagonal-down", "circle", "figure-eight")
EASINGS = ("sine", "linear")
SHAPES = ("circle", "square", "ring", "diamond", "image")
BUILTIN_TONES = ("sine", "click", "noise")
PANS = ("hard", "follow")


class ProfileError(Exception):
    """A profile (or a command-line override) that cannot be used, in one printable line."""

    def __init__(self, source: str, key: str | None, message: str) -> None:
        self.source = source
        self.key = key
        self.message = message
        where = f"{source}: {key}" if key else source
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True, slots=True)
class Spec:
    """What one key accepts. `kind` is number, integer, choice, color or text."""

    kind: str
    low: float | None = None
    high: float | None = None
    unit: str = ""
    choices: tuple[str, ...] = ()
    doc: str = ""

    def allowed(self, extra_choices: Sequence[str] = ()) -> str:
        if self.kind in ("number", "integer"):
            unit = f" {self.unit}" if self.unit else ""
            return f"{_fmt(self.low)} to {_fmt(self.high)}{unit}"
        if self.kind == "choice":
            return " | ".join((*self.choices, *extra_choices))
        if self.kind == "color":
            return '"#rrggbb" or a CSS colour name'
        return "a string"


def _fmt(number: float | None) -> str:
    return f"{number:g}"


# One table for validation, `bls profiles show` and the README.
SPECS: dict[str, dict[str, Spec]] = {
    "": {
        "name": Spec("text", doc="shown in lists and the HUD"),
        "description": Spec("text", doc="one line on what the profile is for"),
        "extends": Spec("text", doc='profile this one builds on (default "base")'),
    },
    "motion": {
        "path": Spec("choice", choices=PATHS, doc="the route the target takes"),
        "speed": Spec("number", MIN_SPEED_HZ, MAX_SPEED_HZ, "Hz",
                      doc="cycles per second; passes per minute = 120 x speed"),
        "max_speed": Spec("number", MIN_SPEED_HZ, MAX_SPEED_HZ, "Hz",
                          doc="highest speed the live keys may reach with this profile"),
        "easing": Spec("choice", choices=EASINGS,
                       doc="sine: pendulum, slows at the ends; linear: constant speed"),
        "dwell": Spec("number", 0.0, 1.0, "s", doc="rest at each end before turning"),
        "amplitude": Spec("number", 0.1, 1.0, "", doc="share of the half-screen the sweep covers"),
    },
    "set": {
        "passes": Spec("integer", 1, 500, "passes", doc="set length in passes (one tone each)"),
        "seconds": Spec("number", 1, 3600, "s",
                        doc="set length in time; the last pass is finished (not with passes)"),
    },
    "target": {
        "shape": Spec("choice", choices=SHAPES, doc="image needs `image`"),
        "size": Spec("number", 0.01, 0.25, "", doc="diameter as a share of the screen height"),
        "color": Spec("color", doc="target colour"),
        "background": Spec("color", doc="screen colour"),
        "image": Spec("text", doc="PNG for shape = image, relative to the profile file"),
        "trail": Spec("number", 0.0, 0.5, "s", doc="fading trail behind the target (screen share)"),
    },
    "audio": {
        "tone": Spec("choice", choices=BUILTIN_TONES,
                     doc="or the name of a sound in assets/sounds (woodblock, chime)"),
        "frequency": Spec("number", 100.0, 2000.0, "Hz", doc="pitch of sine and click tones"),
        "duration": Spec("number", 0.02, 0.5, "s", doc="length of sine, click and noise tones"),
        "volume": Spec("number", 0.0, 1.0, "", doc="share of the volume ceiling (-6 dBFS)"),
        "pan": Spec("choice", choices=PANS,
                    doc="hard: tone only on its side; follow: equal-power pan with the target"),
        "crossfeed": Spec("number", 0.0, 0.5, "", doc="share of each tone fed to the other ear"),
    },
}


@dataclass(frozen=True, slots=True)
class Motion:
    path: str
    speed_hz: float
    max_speed_hz: float
    easing: str
    dwell_s: float
    amplitude: float


@dataclass(frozen=True, slots=True)
class SetLength:
    """Exactly one of `passes` and `seconds` is set."""

    passes: int | None
    seconds: float | None

    def describe(self) -> str:
        return f"{self.passes} passes" if self.passes is not None else f"{self.seconds:g} s"


@dataclass(frozen=True, slots=True)
class Target:
    shape: str
    size: float
    color: RGB
    background: RGB
    image: str | None
    trail_s: float


@dataclass(frozen=True, slots=True)
class Audio:
    tone: str
    frequency_hz: float
    duration_s: float
    volume: float
    pan: str
    crossfeed: float


@dataclass(frozen=True, slots=True)
class Profile:
    key: str  # the name it is looked up by (file stem)
    name: str
    description: str
    source: str
    motion: Motion
    length: SetLength
    target: Target
    audio: Audio

    @property
    def passes_per_minute(self) -> float:
        return 120.0 * self.motion.speed_hz


@dataclass(frozen=True, slots=True)
class Layer:
    """One profile file as read: its path and its plain TOML dict."""

    source: str
    data: Mapping[str, Any]


def check_keys(layer: Layer) -> None:
    """Reject unknown sections and keys, with a "did you mean" hint."""
    for key, value in layer.data.items():
        if isinstance(value, dict):
            if key not in SPECS or key == "":
                raise ProfileError(layer.source, f"[{key}]",
                                   _unknown("section", key, [s for s in SPECS if s]))
            for sub in value:
                if sub not in SPECS[key]:
                    raise ProfileError(layer.source, f"{key}.{sub}",
                                       _unknown("key", sub, list(SPECS[key]), section=key))
        elif key in SPECS and key != "":
            raise ProfileError(layer.source, key, f"must be a table: write [{key}] on its own line")
        elif key not in SPECS[""]:
            hint_pool = list(SPECS[""]) + [f"{s}.{k}" for s in SPECS if s for k in SPECS[s]]
            matches = [m for m in hint_pool if m.split(".")[-1] == key]
            if matches:
                message = ("unknown top-level key; it belongs in a section: "
                           f"did you mean {matches[0]}?")
            else:
                message = _unknown("top-level key", key, list(SPECS[""]))
            raise ProfileError(layer.source, key, message)


def _unknown(what: str, name: str, known: list[str], section: str = "") -> str:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}? " if close else ""
    where = f" in [{section}]" if section else ""
    return f"unknown {what}{where}; {hint}allowed: {', '.join(known)}"


def check_value(source: str, section: str, key: str, value: Any,
                sample_names: Sequence[str] = ()) -> Any:
    """Validate one value against SPECS; returns it normalised (colours as RGB tuples)."""
    spec = SPECS[section][key]
    label = f"{section}.{key}" if section else key
    allowed = spec.allowed(sample_names if (section, key) == ("audio", "tone") else ())

    def fail(problem: str) -> ProfileError:
        return ProfileError(source, label, f"{value!r} {problem}; allowed: {allowed}")

    if spec.kind in ("number", "integer"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise fail("is not a number")
        if spec.kind == "integer" and not isinstance(value, int):
            raise fail("is not a whole number")
        if not math.isfinite(value):
            raise fail("is not a finite number")
        assert spec.low is not None and spec.high is not None
        if not spec.low <= value <= spec.high:
            raise fail("is out of range")
        return int(value) if spec.kind == "integer" else float(value)
    if not isinstance(value, str):
        raise fail("is not a string")
    if spec.kind == "choice":
        choices = (*spec.choices, *(sample_names if key == "tone" else ()))
        if value not in choices:
            close = difflib.get_close_matches(value, choices, n=1, cutoff=0.6)
            raise fail(f"is not known{f' (did you mean {close[0]!r}?)' if close else ''}")
        return value
    if spec.kind == "color":
        rgb = parse_color(value)
        if rgb is None:
            raise fail("is not a colour")
        return rgb
    return value


def parse(key: str, layers: Sequence[Layer], sample_names: Sequence[str] = ()) -> Profile:
    """Merge layers (base first, the named profile last) and validate into a Profile.

    Each value is checked against the file it came from. In [set], a layer that sets `passes` or
    `seconds` replaces the inherited choice, so a child can switch from passes to seconds.
    """
    values: dict[tuple[str, str], Any] = {}
    origin: dict[tuple[str, str], str] = {}
    for layer in layers:
        check_keys(layer)
        set_section = layer.data.get("set", {})
        if "passes" in set_section and "seconds" in set_section:
            raise ProfileError(layer.source, "set",
                               "has both passes and seconds; allowed: one of them")
        if set_section:
            for length_key in ("passes", "seconds"):
                values.pop(("set", length_key), None)
        for section_key, section_value in layer.data.items():
            items = (section_value.items() if isinstance(section_value, dict)
                     else [(section_key, section_value)])
            section = section_key if isinstance(section_value, dict) else ""
            for name, value in items:
                values[(section, name)] = check_value(layer.source, section, name, value,
                                                      sample_names)
                origin[(section, name)] = layer.source
    source = layers[-1].source if layers else "<profile>"

    def need(section: str, name: str) -> Any:
        if (section, name) not in values:
            label = f"{section}.{name}" if section else name
            raise ProfileError(source, label, f"missing; allowed: {SPECS[section][name].allowed()}")
        return values[(section, name)]

    passes = values.get(("set", "passes"))
    seconds = values.get(("set", "seconds"))
    if passes is None and seconds is None:
        raise ProfileError(source, "set", "needs passes or seconds")
    max_speed = values.get(("motion", "max_speed"), MAX_SPEED_HZ)
    speed = need("motion", "speed")
    if speed > max_speed:
        raise ProfileError(origin[("motion", "speed")], "motion.speed",
                           f"{speed:g} is above this profile's max_speed; allowed: "
                           f"{MIN_SPEED_HZ:g} to {max_speed:g} Hz")
    shape = need("target", "shape")
    image = values.get(("target", "image"))
    if shape == "image" and image is None:
        raise ProfileError(source, "target.image", 'missing; shape = "image" needs a PNG path')
    if image is not None:
        image = str(Path(origin[("target", "image")]).parent / image)
    return Profile(
        key=key,
        name=values.get(("", "name"), key),
        description=values.get(("", "description"), ""),
        source=source,
        motion=Motion(
            path=need("motion", "path"),
            speed_hz=speed,
            max_speed_hz=max_speed,
            easing=need("motion", "easing"),
            dwell_s=need("motion", "dwell"),
            amplitude=need("motion", "amplitude"),
        ),
        length=SetLength(passes=passes, seconds=seconds),
        target=Target(
            shape=shape,
            size=need("target", "size"),
            color=need("target", "color"),
            background=need("target", "background"),
            image=image,
            trail_s=values.get(("target", "trail"), 0.0),
        ),
        audio=Audio(
            tone=need("audio", "tone"),
            frequency_hz=need("audio", "frequency"),
            duration_s=need("audio", "duration"),
            volume=need("audio", "volume"),
            pan=need("audio", "pan"),
            crossfeed=need("audio", "crossfeed"),
        ),
    )


def with_overrides(profile: Profile, *, speed_hz: float | None = None, passes: int | None = None,
                   seconds: float | None = None) -> Profile:
    """Apply command-line overrides, validated like profile values (source names the option)."""
    if passes is not None and seconds is not None:
        raise ProfileError("command line", "--passes/--seconds", "give one of them, not both")
    motion, length = profile.motion, profile.length

    def check_option(option: str, section: str, key: str, value: Any) -> Any:
        try:
            return check_value("command line", section, key, value)
        except ProfileError as error:
            raise ProfileError("command line", option, error.message) from None

    if speed_hz is not None:
        speed = check_option("--speed", "motion", "speed", speed_hz)
        if speed > motion.max_speed_hz:
            raise ProfileError("command line", "--speed",
                               f"{speed:g} is above profile {profile.key!r}'s max_speed; "
                               f"allowed: {MIN_SPEED_HZ:g} to {motion.max_speed_hz:g} Hz")
        motion = replace(motion, speed_hz=speed)
    if passes is not None:
        length = SetLength(check_option("--passes", "set", "passes", passes), None)
    if seconds is not None:
        length = SetLength(None, check_option("--seconds", "set", "seconds", seconds))
    return replace(profile, motion=motion, length=length)


def reference_rows() -> Iterable[tuple[str, str, str, str]]:
    """(key, allowed values, default note, meaning) rows for docs and `bls profiles keys`."""
    for section, specs in SPECS.items():
        for name, spec in specs.items():
            label = f"{section}.{name}" if section else name
            yield label, spec.allowed(), spec.unit, spec.doc
