"""Where bls finds its built-in files and the user's own profiles, settings and session logs.

Built-ins come from the installed package (`bls/_data`, put there by the wheel) or, when running
from a source checkout, from the repository's `config/` and `assets/`. The user's folders are the
platform's own (platformdirs): `~/.config/bls` and `~/.local/share/bls` on Linux (or the XDG
variables), `%APPDATA%\\bls` on Windows, `~/Library/Application Support/bls` on macOS.
`BLS_CONFIG_HOME`, `BLS_DATA_HOME` and `BLS_DOCUMENTS_HOME` override them (tests use them; so
can a clinic that keeps profiles on a shared drive).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "bls"
_PACKAGE = Path(__file__).resolve().parent


def data_dir() -> Path:
    installed = _PACKAGE / "_data"
    return installed if installed.is_dir() else _PACKAGE.parent


def builtin_profiles_dir() -> Path:
    return data_dir() / "config" / "profiles"


def sounds_dir() -> Path:
    return data_dir() / "assets" / "sounds"


def user_config_dir() -> Path:
    """Profiles and settings: small files the user may copy between machines (roaming)."""
    override = os.environ.get("BLS_CONFIG_HOME")
    if override:
        return Path(override)
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False, roaming=True))


def user_data_dir() -> Path:
    """Session logs: records that stay on this machine (never roaming)."""
    override = os.environ.get("BLS_DATA_HOME")
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False, roaming=False))


def user_documents_dir() -> Path:
    """Where the console puts what a therapist exports (a session as CSV): the platform's
    Documents folder; `BLS_DOCUMENTS_HOME` overrides it."""
    override = os.environ.get("BLS_DOCUMENTS_HOME")
    if override:
        return Path(override)
    return Path(platformdirs.user_documents_dir())


def user_profiles_dir() -> Path:
    return user_config_dir() / "profiles"
