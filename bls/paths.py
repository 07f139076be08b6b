"""Where bls finds its built-in files and the user's own profiles and settings.

Built-ins come from the installed package (`bls/_data`, put there by the wheel) or, when running
from a source checkout, from the repository's `config/` and `assets/`. `BLS_CONFIG_HOME` overrides
the user folder (tests use it; so can a clinic that keeps profiles on a shared drive).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir() -> Path:
    installed = _PACKAGE / "_data"
    return installed if installed.is_dir() else _PACKAGE.parent


def builtin_profiles_dir() -> Path:
    return data_dir() / "config" / "profiles"


def sounds_dir() -> Path:
    return data_dir() / "assets" / "sounds"


def user_config_dir() -> Path:
    override = os.environ.get("BLS_CONFIG_HOME")
    if override:
        return Path(override)
    if sys.platform == "win32":
        return Path(os.environ.get("APPDATA", Path.home() / "AppData" / "Roaming")) / "bls"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "bls"
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "bls"


def user_profiles_dir() -> Path:
    return user_config_dir() / "profiles"
