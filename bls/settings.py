"""The user's own settings that outlive a session: the audio/picture calibration offset and the
profile used last (so bls opens with it next time).

Stored as TOML in the user config folder, written 0600. A broken file is reported once and the
defaults are used, so a session always starts.
"""

from __future__ import annotations

import math
import os
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import tomli_w

from bls import paths

MAX_OFFSET_S = 0.5


class SettingsError(Exception):
    pass


@dataclass(frozen=True, slots=True)
class Settings:
    # Extra delay of the sound path that the device does not report (Bluetooth: 0.1-0.3 s).
    # The picture is shown this much later so that tone and target coincide.
    audio_offset_s: float = 0.0
    # The profile name bls opens with when no -p is given; None: the default profile.
    last_profile: str | None = None

    def with_offset(self, offset_s: float) -> Settings:
        return replace(self, audio_offset_s=max(-MAX_OFFSET_S, min(MAX_OFFSET_S, offset_s)))


def settings_path() -> Path:
    return paths.user_config_dir() / "settings.toml"


def load_settings(path: Path | None = None) -> Settings:
    """Settings from the file; raises SettingsError (one line) if it is broken."""
    path = path or settings_path()
    if not path.is_file():
        return Settings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise SettingsError(f"{path}: cannot read settings: {error}") from None
    unknown = set(data) - {"audio_offset_ms", "last_profile"}
    if unknown:
        raise SettingsError(f"{path}: unknown key {sorted(unknown)[0]!r}; "
                            "allowed: audio_offset_ms, last_profile")
    last_profile = data.get("last_profile")
    if last_profile is not None and not isinstance(last_profile, str):
        raise SettingsError(f"{path}: last_profile = {last_profile!r} is not allowed; "
                            "allowed: a profile name in quotes")
    offset_ms = data.get("audio_offset_ms", 0)
    if (isinstance(offset_ms, bool) or not isinstance(offset_ms, int | float)
            or not math.isfinite(offset_ms) or abs(offset_ms) > MAX_OFFSET_S * 1000):
        raise SettingsError(f"{path}: audio_offset_ms = {offset_ms!r} is not allowed; "
                            f"allowed: -{MAX_OFFSET_S * 1000:g} to {MAX_OFFSET_S * 1000:g}")
    return Settings(audio_offset_s=offset_ms / 1000, last_profile=last_profile)


def session_offset_s(warn: Callable[[str], None]) -> float:
    """The saved calibration offset for a session; a broken file is reported once via `warn`
    and the session goes on with no offset."""
    try:
        return load_settings().audio_offset_s
    except SettingsError as error:
        warn(f"bls: {error}; using no audio offset")
        return 0.0


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    """Write the settings file (0600) atomically; returns its path."""
    path = path or settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    text = (
        "# bls settings (written by `bls calibrate` and the console)\n"
        "# Extra sound delay of your headphones/speakers, in milliseconds.\n"
        f"audio_offset_ms = {round(settings.audio_offset_s * 1000)}\n"
    )
    if settings.last_profile is not None:
        last = tomli_w.dumps({"last_profile": settings.last_profile})
        text += f"# The profile bls opens with.\n{last}"
    temporary = path.with_name(f".{path.name}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(temporary, path)
    return path


def remember_last_profile(name: str, warn: Callable[[str], None]) -> None:
    """Save `name` as the profile to open with next time. A broken settings file is left as it is
    (reported once via `warn`): the user's calibration must not be lost to a profile choice."""
    try:
        settings = load_settings()
        if settings.last_profile != name:
            save_settings(replace(settings, last_profile=name))
    except SettingsError as error:
        warn(f"bls: {error}; not remembering the profile")
    except OSError as error:
        warn(f"bls: cannot write {settings_path()}: {error.strerror}; not remembering the profile")
