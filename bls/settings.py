"""The user's own settings that outlive a session: the audio/picture calibration offset and the
profile used last.

Stored as TOML in the user config folder, read through `bls.tomlfile`, written 0600 and
atomically (a temporary file beside it, then a rename), so a save that fails keeps the old file
and leaves nothing behind. A broken or unreadable file is reported once and the defaults are
used, so a session always starts; a failed save is one `SettingsError` line saying why.
"""

from __future__ import annotations

import errno
import json
import math
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from bls import paths
from bls.tomlfile import TomlFileError, read_toml, write_atomically

MAX_OFFSET_S = 0.5
MAX_PROFILE_CHARS = 1024  # a profile name or a path to a profile file
KEYS = ("audio_offset_ms", "last_profile")


class SettingsError(Exception):
    """The settings file cannot be read or written; `str()` is one line naming it."""


@dataclass(frozen=True, slots=True)
class Settings:
    # Extra delay of the sound path that the device does not report (Bluetooth: 0.1-0.3 s).
    # The picture is shown this much later so that tone and target coincide.
    audio_offset_s: float = 0.0
    # The profile (name or file) the console opened last, or None.
    last_profile: str | None = None

    def with_offset(self, offset_s: float) -> Settings:
        return replace(self, audio_offset_s=max(-MAX_OFFSET_S, min(MAX_OFFSET_S, offset_s)))

    def with_last_profile(self, profile: str | None) -> Settings:
        return replace(self, last_profile=profile)


def settings_path() -> Path:
    return paths.user_config_dir() / "settings.toml"


def load_settings(path: Path | None = None) -> Settings:
    """Settings from the file (defaults when there is none); SettingsError if it is broken,
    or is a folder, a FIFO or anything else that is not a file."""
    path = path or settings_path()
    if not os.path.lexists(path):
        return Settings()
    try:
        data = read_toml(path)
    except TomlFileError as error:
        raise SettingsError(f"{path}: cannot read settings: {error.reason}") from None
    unknown = set(data) - set(KEYS)
    if unknown:
        raise SettingsError(f"{path}: unknown key {sorted(unknown)[0]!r}; "
                            f"allowed: {', '.join(KEYS)}")
    offset_ms = data.get("audio_offset_ms", 0)
    if (isinstance(offset_ms, bool) or not isinstance(offset_ms, int | float)
            or not math.isfinite(offset_ms) or abs(offset_ms) > MAX_OFFSET_S * 1000):
        raise SettingsError(f"{path}: audio_offset_ms = {_short(offset_ms)} is not allowed; "
                            f"allowed: -{MAX_OFFSET_S * 1000:g} to {MAX_OFFSET_S * 1000:g}")
    last_profile = data.get("last_profile")
    if last_profile is not None and not _usable_profile_text(last_profile):
        raise SettingsError(f"{path}: last_profile = {_short(last_profile)} is not allowed; "
                            f"allowed: a profile name or file, up to {MAX_PROFILE_CHARS} "
                            "characters on one line")
    return Settings(audio_offset_s=offset_ms / 1000, last_profile=last_profile)


def session_settings(warn: Callable[[str], None]) -> Settings:
    """The saved settings for a session; a broken file is reported once via `warn` and the
    session goes on with the defaults."""
    try:
        return load_settings()
    except SettingsError as error:
        warn(f"bls: {error}; using the defaults")
        return Settings()


def session_offset_s(warn: Callable[[str], None]) -> float:
    """The saved calibration offset for a session (0 with one warning if the file is broken)."""
    return session_settings(warn).audio_offset_s


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    """Write the settings file (0600) atomically; returns its path. SettingsError (one line)
    if it cannot be written; the old file is then kept as it was and no temporary file is left."""
    path = path or settings_path()
    if path.is_symlink():  # a settings file kept elsewhere (a dotfiles folder): write through
        path = Path(os.path.realpath(path))
    lines = [
        "# bls settings (written by bls; `bls calibrate` sets the offset)",
        "# Extra sound delay of your headphones/speakers, in milliseconds.",
        f"audio_offset_ms = {round(settings.audio_offset_s * 1000)}",
    ]
    if settings.last_profile is not None:
        if not _usable_profile_text(settings.last_profile):
            raise SettingsError(f"{path}: cannot save settings: last_profile "
                                f"{_short(settings.last_profile)} is not a profile name")
        lines.append(f"last_profile = {json.dumps(settings.last_profile, ensure_ascii=False)}")
    data = ("\n".join(lines) + "\n").encode("utf-8")
    try:
        if path.is_dir():
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, data)
    except OSError as error:
        kept = "; the old settings are kept" if path.is_file() else ""
        raise SettingsError(f"{path}: cannot save settings: {_save_reason(path, error)}"
                            f"{kept}") from None
    return path


def _save_reason(path: Path, error: OSError) -> str:
    if error.errno == errno.EISDIR:
        return "it is a folder"
    if error.errno in (errno.ENOTDIR, errno.EEXIST):
        blocking = next((p for p in path.parents if p.exists() and not p.is_dir()), path.parent)
        return f"{blocking} is a file, not a folder"
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return "the disk is full"
    if error.errno == errno.EROFS:
        return "the disk is read-only"
    if error.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    return error.strerror or type(error).__name__


def _usable_profile_text(value: object) -> bool:
    return (isinstance(value, str) and 0 < len(value) <= MAX_PROFILE_CHARS
            and not any(ch in value for ch in "\n\r\x00"))


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def remember_last_profile(name: str, warn: Callable[[str], None]) -> None:
    """Save `name` as the profile to open with next time. A broken settings file is left as it is
    and a failed save changes nothing (each said once via `warn`): the user's calibration must
    not be lost to a profile choice."""
    try:
        settings = load_settings()
        if settings.last_profile != name:
            save_settings(settings.with_last_profile(name))
    except SettingsError as error:
        warn(f"bls: {error}; not remembering the profile")
