"""Save as profile: write the console's current settings as a TOML profile in the user's folder.

Rules: the file holds every key (no `extends`), so it reads the same whatever the built-ins become;
it is checked with the profile parser before it is written, written to a temporary file (0600) and
renamed into place, so a reader sees the old file or the new one, never half of one. A built-in
name is refused; an existing user profile is replaced only with `overwrite=True` (the console asks
first). Every refusal is a `SaveError` with one printable line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import tomli_w

from bls import paths
from bls.core.colors import hex_color
from bls.core.profile import Layer, Profile, ProfileError, parse
from bls.profiles import BASE_PROFILE, sample_names
from bls.tomlfile import write_atomically

MAX_NAME_LENGTH = 40


class SaveError(Exception):
    """A profile that cannot be saved under this name, in one printable line."""


class ProfileExists(SaveError):
    """The name belongs to one of the user's own profiles: ask, then save with overwrite=True."""

    def __init__(self, key: str, path: Path) -> None:
        self.key = key
        self.path = path
        super().__init__(f"a profile called {key!r} exists ({path}); replace it?")


def file_key(name: str) -> str:
    """The file name (without .toml) a profile name is saved under: "Calm blue" -> "calm-blue"."""
    return re.sub(r"[^a-z0-9]+", "-", name.strip().lower()).strip("-")


def builtin_keys(builtin_dir: Path | None = None) -> frozenset[str]:
    folder = builtin_dir or paths.builtin_profiles_dir()
    return frozenset(path.stem for path in folder.glob("*.toml")) | {BASE_PROFILE}


def check_name(name: str, builtin_dir: Path | None = None) -> str:
    """The file key for `name`, or SaveError saying why the name cannot be used."""
    stripped = name.strip()
    if not stripped:
        raise SaveError("a profile needs a name")
    if len(stripped) > MAX_NAME_LENGTH:
        raise SaveError(f"the name is {len(stripped)} characters long; "
                        f"allowed: at most {MAX_NAME_LENGTH}")
    key = file_key(stripped)
    if not key:
        raise SaveError(f"{stripped!r} has no letters or digits; a name needs some")
    if key in builtin_keys(builtin_dir):
        raise SaveError(f"{key!r} is a built-in profile; choose another name")
    return key


def profile_table(profile: Profile, name: str) -> dict[str, Any]:
    """The profile as the plain dict its TOML file holds (every key, colours as #rrggbb)."""
    motion, length, target, audio = profile.motion, profile.length, profile.target, profile.audio
    set_table: dict[str, Any] = (
        {"passes": length.passes} if length.passes is not None else {"seconds": length.seconds}
    )
    target_table: dict[str, Any] = {
        "shape": target.shape,
        "size": target.size,
        "color": hex_color(target.color),
        "background": hex_color(target.background),
        "trail": target.trail_s,
    }
    if target.image is not None:
        target_table["image"] = str(Path(target.image).resolve())
    return {
        "name": name.strip(),
        "description": f"saved from the settings panel, starting from {profile.name}",
        "motion": {
            "path": motion.path,
            "speed": motion.speed_hz,
            "max_speed": motion.max_speed_hz,
            "easing": motion.easing,
            "dwell": motion.dwell_s,
            "amplitude": motion.amplitude,
        },
        "set": set_table,
        "target": target_table,
        "audio": {
            "tone": audio.tone,
            "frequency": audio.frequency_hz,
            "duration": audio.duration_s,
            "volume": audio.volume,
            "pan": audio.pan,
            "crossfeed": audio.crossfeed,
        },
    }


def save_profile(profile: Profile, name: str, *, overwrite: bool = False,
                 folder: Path | None = None, builtin_dir: Path | None = None) -> Path:
    """Write `profile` as the user profile `name`; returns the file's path.

    Raises SaveError for a name that cannot be used, ProfileExists when the user already has a
    profile of that name and `overwrite` is False.
    """
    key = check_name(name, builtin_dir)
    folder = folder or paths.user_profiles_dir()
    path = folder / f"{key}.toml"
    if path.exists() and not overwrite:
        raise ProfileExists(key, path)
    table = profile_table(profile, name)
    try:
        parse(key, [Layer(str(path), table)], sample_names())
    except ProfileError as error:  # a bug, not a user error: the form checks every value
        raise SaveError(f"cannot save {key!r}: {error}") from None
    text = "# bls profile, saved from the settings panel\n" + tomli_w.dumps(table)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_atomically(path, text.encode("utf-8"))
    except OSError as error:
        raise SaveError(f"cannot write {path}: {error.strerror}") from None
    return path

