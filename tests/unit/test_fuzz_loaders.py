"""Whatever bytes sit in a profile or settings file, loading gives a valid result or the loader's
one error type (ProfileError, SettingsError) - never another exception, never a traceback."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bls.core.profile import SPECS, Profile, ProfileError
from bls.profiles import Library
from bls.settings import Settings, SettingsError, load_settings

FUZZ = settings(max_examples=300, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


def load_profile_bytes(folder: Path, data: bytes) -> Profile | None:
    path = folder / "fuzzed.toml"
    path.write_bytes(data)
    try:
        return Library.discover().load_file(path)
    except ProfileError as error:
        assert "\n" not in str(error)
        return None


def load_settings_bytes(folder: Path, data: bytes) -> Settings | None:
    path = folder / "settings.toml"
    path.write_bytes(data)
    try:
        return load_settings(path)
    except SettingsError as error:
        assert "\n" not in str(error)
        return None


# -- random bytes -----------------------------------------------------------------------------

@FUZZ
@given(data=st.binary(max_size=2000))
def test_random_bytes(tmp_path: Path, data: bytes) -> None:
    load_profile_bytes(tmp_path, data)
    load_settings_bytes(tmp_path, data)


@FUZZ
@given(text=st.text(alphabet=st.sampled_from('[]{}=.,"\'#\n \\ab1x'), max_size=3000))
def test_random_toml_punctuation(tmp_path: Path, text: str) -> None:
    load_profile_bytes(tmp_path, text.encode())
    load_settings_bytes(tmp_path, text.encode())


@FUZZ
@given(text=st.text(max_size=500), encoding=st.sampled_from(["utf-16", "utf-16-be", "latin-1",
                                                             "utf-32", "cp1252", "utf-8-sig"]))
def test_other_encodings(tmp_path: Path, text: str, encoding: str) -> None:
    data = f'name = "{text}"\n'.encode(encoding, errors="replace")
    load_profile_bytes(tmp_path, data)
    load_settings_bytes(tmp_path, data)


# -- random nesting ---------------------------------------------------------------------------

def nested(depth: int, kinds: list[str]) -> str:
    text = "1"
    for level in range(depth):
        kind = kinds[level % len(kinds)]
        text = {"array": f"[{text}]", "table": f"{{a = {text}}}",
                "mixed": f"[{{b = {text}}}]"}[kind]
    return text


@FUZZ
@given(depth=st.integers(0, 3000), kinds=st.lists(st.sampled_from(["array", "table", "mixed"]),
                                                  min_size=1, max_size=4),
       where=st.sampled_from(["top", "motion", "settings"]), dotted=st.integers(1, 3000))
def test_random_nesting(tmp_path: Path, depth: int, kinds: list[str], where: str,
                        dotted: int) -> None:
    value = nested(depth, kinds)
    key = ".".join(["k"] * dotted)
    for text in (f"a = {value}\n", f"[motion]\nspeed = {value}\n", f"audio_offset_ms = {value}\n",
                 f"[{key}]\nx = 1\n", f"{key} = 1\n", f"x = {{{key} = {value}}}\n"):
        load_profile_bytes(tmp_path, text.encode())
        load_settings_bytes(tmp_path, text.encode())


# -- random valid-looking TOML ----------------------------------------------------------------

scalars = st.one_of(
    st.booleans(), st.integers(-10**30, 10**30), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30), st.sampled_from(["sine", "circle", "#3aa0ff", "gold", "hard", "base",
                                           "standard", "me", "fuzzed", "linear"]))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4), max_leaves=8)


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)
    return "[" + ", ".join(toml_value(v) for v in value) + "]"


ALL_KEYS = [(section, key) for section, keys in SPECS.items() for key in keys]
key_choices = st.one_of(st.sampled_from(ALL_KEYS),
                        st.tuples(st.sampled_from(["", "motion", "set", "audio", "target", "x"]),
                                  st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1,
                                          max_size=10)))


@FUZZ
@given(entries=st.lists(st.tuples(key_choices, values), max_size=12))
def test_random_valid_looking_profiles(tmp_path: Path,
                                       entries: list[tuple[tuple[str, str], Any]]) -> None:
    top = [f"{key} = {toml_value(value)}" for (section, key), value in entries if not section]
    sections: dict[str, list[str]] = {}
    for (section, key), value in entries:
        if section:
            sections.setdefault(section, []).append(f"{key} = {toml_value(value)}")
    text = "\n".join(top) + "\n" + "".join(
        f"[{section}]\n" + "\n".join(lines) + "\n" for section, lines in sections.items())
    profile = load_profile_bytes(tmp_path, text.encode())
    if profile is not None:
        assert 0 < profile.motion.speed_hz <= profile.motion.max_speed_hz


@FUZZ
@given(offset=values, last=values, extra=st.booleans())
def test_random_valid_looking_settings(tmp_path: Path, offset: Any, last: Any,
                                       extra: bool) -> None:
    text = (f"audio_offset_ms = {toml_value(offset)}\nlast_profile = {toml_value(last)}\n"
            + ("colour = 1\n" if extra else ""))
    loaded = load_settings_bytes(tmp_path, text.encode())
    if loaded is not None:
        assert abs(loaded.audio_offset_s) <= 0.5
        assert loaded.last_profile is None or isinstance(loaded.last_profile, str)
